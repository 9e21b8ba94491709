"""Python functions as frontend tools: :mod:`.tool` (``Tool``, ``@tool``)
and :mod:`.schema` (their JSON Schema)."""
