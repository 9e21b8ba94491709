"""Tools for ``aui chat --tool tests.cli_tools:NAME`` in the CLI tests."""

from __future__ import annotations

from typing import Any


def get_weather(city: str) -> dict[str, Any]:
    """Get the current weather for a city.

    Args:
        city: the city name, e.g. "Paris".
    """
    # Fixed, so a test can find it on the screen.
    return {"city": city, "temperature": 21, "condition": "cloudy"}
