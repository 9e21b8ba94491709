"""Tool parts of an AI SDK UIMessage (docs/protocols.md §3.9): how they are
recognised and how a tool chunk writes one, as the AI SDK's
``updateToolPart``/``updateDynamicToolPart`` do.

The functions follow JS semantics for optional fields: an ``options`` key
that is absent is ``undefined``, so assigning it removes the key (JSON
leaves ``undefined`` out), while ``None`` is a real JSON ``null``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

__all__ = [
    "assign",
    "is_tool_part",
    "new_tool_part",
    "pick",
    "tool_part_name",
    "update_tool_part",
]

_RESULT_STATES: Final = frozenset({"output-available", "output-error"})

# The order the AI SDK writes the fields of a new part in (JSON key order is
# visible to anyone comparing bodies).
_NEW_DYNAMIC_KEYS: Final = (
    "input",
    "inputEncoding",
    "output",
    "errorText",
    "preliminary",
    "providerExecuted",
    "title",
    "toolMetadata",
)
_NEW_STATIC_KEYS: Final = (
    "title",
    "toolMetadata",
    "input",
    "inputEncoding",
    "output",
    "rawInput",
    "errorText",
    "providerExecuted",
    "preliminary",
)


def is_tool_part(part: Mapping[str, Any]) -> bool:
    """True for ``tool-<name>`` and ``dynamic-tool`` parts."""
    part_type = part.get("type")
    return isinstance(part_type, str) and (
        part_type.startswith("tool-") or part_type == "dynamic-tool"
    )


def tool_part_name(part: Mapping[str, Any]) -> str:
    """The tool name of a tool part (``toolName``, or the ``type`` suffix)."""
    if part.get("type") == "dynamic-tool":
        name = part.get("toolName")
        return name if isinstance(name, str) else ""
    return str(part["type"])[5:]


def pick(chunk: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    """The given keys of ``chunk`` that are present (JS passes ``chunk.key``
    along: absent stays absent)."""
    return {key: chunk[key] for key in keys if key in chunk}


def assign(part: dict[str, Any], key: str, options: Mapping[str, Any]) -> None:
    """``part[key] = options[key]`` with JS semantics: an absent key removes it."""
    if key in options:
        part[key] = options[key]
    else:
        part.pop(key, None)


def _metadata_key(state: Any) -> str:
    return "resultProviderMetadata" if state in _RESULT_STATES else "callProviderMetadata"


def update_tool_part(part: dict[str, Any], dynamic: bool, options: Mapping[str, Any]) -> None:
    """Applies a tool chunk's ``options`` (``toolName``, ``state`` and any of
    the optional fields) to an existing tool part, in place."""
    part["state"] = options["state"]
    if dynamic:
        part["toolName"] = options.get("toolName")
    else:
        part["type"] = f"tool-{options.get('toolName')}"
    for key in ("input", "output", "errorText", "rawInput"):
        assign(part, key, options)
    if options.get("inputEncoding") is not None:
        part["inputEncoding"] = options["inputEncoding"]
    else:
        part.pop("inputEncoding", None)
    assign(part, "preliminary", options)
    for key in ("title", "toolMetadata"):
        if key in options:
            part[key] = options[key]
    if options.get("providerExecuted") is not None:
        part["providerExecuted"] = options["providerExecuted"]
    if options.get("providerMetadata") is not None:
        part[_metadata_key(options["state"])] = options["providerMetadata"]


def new_tool_part(dynamic: bool, options: Mapping[str, Any]) -> dict[str, Any]:
    """A new tool part for a call the message does not have yet."""
    part: dict[str, Any]
    if dynamic:
        part = {"type": "dynamic-tool", "toolName": options.get("toolName")}
    else:
        part = {"type": f"tool-{options.get('toolName')}"}
    part["toolCallId"] = options["toolCallId"]
    part["state"] = options["state"]
    for key in _NEW_DYNAMIC_KEYS if dynamic else _NEW_STATIC_KEYS:
        if key in options and (key != "inputEncoding" or options[key] is not None):
            part[key] = options[key]
    if options.get("providerMetadata") is not None:
        part[_metadata_key(options["state"])] = options["providerMetadata"]
    return part
