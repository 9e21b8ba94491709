"""Value-shape rules of the data stream (docs/protocols.md §2.2.4): which JSON
value each line code accepts, as the reference validates it.

A line whose value breaks its rule is fatal in strict mode and dropped with a
warning otherwise (the decoder decides; this module only answers).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

__all__ = ["VALUE_RULES", "Rule"]

Rule = Callable[[Any], bool]


def _is_str(v: Any) -> bool:
    return isinstance(v, str)


def _is_list(v: Any) -> bool:
    return isinstance(v, list)


def _is_dict(v: Any) -> bool:
    return isinstance(v, dict)


def _is_bool(v: Any) -> bool:
    return isinstance(v, bool)


def _optional(check: Rule) -> Rule:
    # The reference's "optional" accepts both an absent key and null.
    return lambda v: v is None or check(v)


def _is_js_object(v: Any) -> bool:
    # typeof value === "object": arrays count, null is handled by _optional.
    return isinstance(v, (dict, list))


_ABSENT: Final = object()


def _object_with(**fields: Rule) -> Rule:
    items = tuple(fields.items())

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return False
        for key, rule in items:
            field = value.get(key, _ABSENT)
            if field is _ABSENT:
                field = None
                if rule is _present:
                    return False
            if not rule(field):
                return False
        return True

    return check


def _present(v: Any) -> bool:
    return True  # absence is checked by _object_with


def _is_state_operation(op: Any) -> bool:
    if not isinstance(op, dict):
        return False
    path = op.get("path")
    if not isinstance(path, list) or not all(isinstance(s, str) for s in path):
        return False
    kind = op.get("type")
    if kind == "set":
        return "value" in op
    return kind == "append-text" and isinstance(op.get("value"), str)


def _is_state_operations(v: Any) -> bool:
    return isinstance(v, list) and all(_is_state_operation(op) for op in v)


def _is_approval(v: Any) -> bool:
    # "approved" may be absent or boolean; unlike other optional fields the
    # reference does not accept null here.
    if not isinstance(v, dict) or not isinstance(v.get("id"), str):
        return False
    return "approved" not in v or isinstance(v["approved"], bool)


VALUE_RULES: Final[dict[str, Rule | None]] = {
    "0": _is_str,
    "g": _is_str,
    "2": _is_list,
    "8": _is_list,
    "3": None,  # any payload becomes an error message
    "9": _object_with(toolCallId=_is_str, toolName=_is_str, args=_optional(_is_js_object)),
    "a": _object_with(
        toolCallId=_is_str,
        isError=_optional(_is_bool),
        isPreliminary=_optional(_is_bool),
        modelContent=_optional(_is_list),
    ),
    "b": _object_with(toolCallId=_is_str, toolName=_is_str, parentId=_optional(_is_str)),
    "c": _object_with(toolCallId=_is_str, argsTextDelta=_is_str, isFinal=_optional(_is_bool)),
    "d": _object_with(finishReason=_is_str, usage=_optional(_is_dict)),
    "e": _object_with(
        finishReason=_is_str, usage=_optional(_is_dict), isContinued=_optional(_is_bool)
    ),
    "f": _object_with(messageId=_is_str),
    "h": _object_with(parentId=_optional(_is_str)),
    "i": None,
    "j": None,
    "k": _object_with(data=_is_str, mimeType=_is_str, parentId=_optional(_is_str)),
    "aui-state": _is_state_operations,
    "aui-text-delta": _object_with(textDelta=_is_str, parentId=_is_str),
    "aui-reasoning-delta": _object_with(reasoningDelta=_is_str, parentId=_is_str),
    "aui-data": _object_with(name=_is_str, data=_present, parentId=_optional(_is_str)),
    "aui-reasoning-part-start": _object_with(
        unstable_summary=_optional(_is_str), parentId=_optional(_is_str)
    ),
    "aui-tool-call-approval": _object_with(toolCallId=_is_str, approval=_is_approval),
}
