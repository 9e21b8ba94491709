"""Token usage, as each encoding reports it and as the message keeps it.

Every decoder hands usage to the accumulator through :func:`usage_object`;
the accumulator keeps the current names through :func:`normalise_usage`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

__all__ = [
    "ZERO_USAGE",
    "add_usage",
    "normalise_usage",
    "openai_usage",
    "renamed_counts",
    "usage_object",
]

ZERO_USAGE: Final[Mapping[str, int]] = {"inputTokens": 0, "outputTokens": 0}
"""What the UI message stream reference assumes when a finish has no usage."""

_OPENAI_NAMES: Final = (("prompt_tokens", "inputTokens"), ("completion_tokens", "outputTokens"))
_V4_NAMES: Final = (("promptTokens", "inputTokens"), ("completionTokens", "outputTokens"))


def usage_object(value: Any, default: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A chunk's usage passed through as the reference does: an object is
    copied verbatim, anything else (absent, ``null``, a scalar) cannot be
    usage and becomes a copy of ``default`` (empty when not given)."""
    if isinstance(value, dict):
        return dict(value)
    return dict(default) if default is not None else {}


def renamed_counts(value: Mapping[str, Any], names: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The token counts of ``value`` that ``names`` maps (theirs, ours), in our names."""
    return {ours: value[theirs] for theirs, ours in names if theirs in value}


def openai_usage(value: Mapping[str, Any]) -> dict[str, Any]:
    """An OpenAI ``usage`` object in our names (``inputTokens``, ``outputTokens``)."""
    return renamed_counts(value, _OPENAI_NAMES)


def normalise_usage(usage: Mapping[str, Any]) -> dict[str, Any]:
    """AI SDK v4 names (``promptTokens``/``completionTokens``) become the
    current ``inputTokens``/``outputTokens``; a current name already present wins."""
    out = dict(usage)
    for old, new in _V4_NAMES:
        if old in out:
            value = out.pop(old)
            out.setdefault(new, value)
    return out


def add_usage(total: Mapping[str, Any] | None, more: Mapping[str, Any] | None) -> dict[str, Any]:
    """Two usages added count by count (numbers only; current names)."""
    out = dict(total or {})
    for key, value in normalise_usage(more or {}).items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[key] = out.get(key, 0) + value
    return out
