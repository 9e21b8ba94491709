"""The AI SDK's UI message chunk schema, reduced to what decides whether
its client accepts a chunk (docs/protocols.md §3.9), and which accepted chunks
make it write the message into its chat list.

Used by :class:`~.ui_message.UIMessageAccumulator`: a chunk the schema
refuses stops the AI SDK's stream reader, so it must be told apart from a
chunk that is merely unknown to our canonical decoder.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

__all__ = ["schema_error", "writes_message"]

_ABSENT: Final = object()


def _str(v: Any) -> bool:
    return isinstance(v, str)


def _bool(v: Any) -> bool:
    return isinstance(v, bool)


def _list(v: Any) -> bool:
    return isinstance(v, list)


def _present(v: Any) -> bool:
    # zod's unknown() is "nonoptional" in a union member: the key must
    # exist; a JSON null is fine. Missing keys reach the check as _ABSENT.
    return v is not _ABSENT


_FINISH_REASONS: Final = frozenset(
    {"stop", "length", "content-filter", "tool-calls", "error", "interrupted", "other"}
)
Check = Callable[[Any], bool]
# type -> (required fields, optional fields); optional means absent or valid
# (zod's optional() refuses null).
_SCHEMA: Final[dict[str, tuple[dict[str, Check], dict[str, Check]]]] = {
    "text-start": ({"id": _str}, {}),
    "text-delta": ({"id": _str, "delta": _str}, {}),
    "text-end": ({"id": _str}, {"citations": _list}),
    "reasoning-start": ({"id": _str}, {}),
    "reasoning-delta": ({"id": _str, "delta": _str}, {}),
    "reasoning-end": ({"id": _str}, {}),
    "error": ({"errorText": _str}, {}),
    "tool-input-start": (
        {"toolCallId": _str, "toolName": _str},
        {
            "inputEncoding": lambda v: v in ("json", "text"),
            "providerExecuted": _bool,
            "dynamic": _bool,
            "title": _str,
        },
    ),
    "tool-input-delta": ({"toolCallId": _str, "inputTextDelta": _str}, {}),
    "tool-input-available": (
        {"toolCallId": _str, "toolName": _str, "input": _present},
        {"providerExecuted": _bool, "dynamic": _bool, "title": _str},
    ),
    "tool-input-error": (
        {"toolCallId": _str, "toolName": _str, "input": _present, "errorText": _str},
        {"providerExecuted": _bool, "dynamic": _bool, "title": _str},
    ),
    "tool-approval-request": (
        {"approvalId": _str, "toolCallId": _str},
        {"reason": _str, "isAutomatic": _bool, "signature": _str},
    ),
    "tool-approval-response": (
        {"approvalId": _str, "approved": _bool},
        {"reason": _str, "providerExecuted": _bool},
    ),
    "tool-output-available": (
        {"toolCallId": _str, "output": _present},
        {"providerExecuted": _bool, "dynamic": _bool, "preliminary": _bool},
    ),
    "tool-output-error": (
        {"toolCallId": _str, "errorText": _str},
        {"providerExecuted": _bool, "dynamic": _bool},
    ),
    "tool-output-denied": ({"toolCallId": _str}, {}),
    "custom": ({"kind": _str}, {}),
    "source-url": ({"sourceId": _str, "url": _str}, {"title": _str}),
    "source-document": (
        {"sourceId": _str, "mediaType": _str, "title": _str},
        {"filename": _str},
    ),
    "file": ({"url": _str, "mediaType": _str}, {}),
    "reasoning-file": ({"url": _str, "mediaType": _str}, {}),
    "steering-message": ({"id": _str, "parts": _list}, {}),
    "start-step": ({}, {}),
    "finish-step": ({}, {}),
    "reset-step": ({}, {}),
    "start": ({}, {"messageId": _str}),
    "finish": ({}, {"finishReason": lambda v: isinstance(v, str) and v in _FINISH_REASONS}),
    "abort": ({}, {"reason": _str}),
    "message-metadata": ({"messageMetadata": _present}, {}),
}
_DATA_SCHEMA: Final[tuple[dict[str, Check], dict[str, Check]]] = (
    {"data": _present},
    {"id": _str, "transient": _bool},
)


def schema_error(chunk: Mapping[str, Any]) -> str | None:
    """Why the AI SDK's chunk schema refuses ``chunk``, or ``None``."""
    chunk_type = chunk.get("type")
    if chunk_type == "text-delta" or chunk_type == "reasoning-delta":
        # the hot path: one check instead of the table walk
        if type(chunk.get("id")) is str and type(chunk.get("delta")) is str:
            return None
    elif chunk_type == "tool-input-delta":
        # as hot where tool arguments stream (20 deltas a call in tools-1k)
        if type(chunk.get("toolCallId")) is str and type(chunk.get("inputTextDelta")) is str:
            return None
    elif not isinstance(chunk_type, str):
        return "no string type"
    schema = _DATA_SCHEMA if chunk_type.startswith("data-") else _SCHEMA.get(chunk_type)
    if schema is None:
        return f"unknown chunk type {chunk_type!r}"
    required, optional = schema
    for key, check in required.items():
        if not check(chunk.get(key, _ABSENT)):
            return f"{chunk_type}: invalid or missing {key!r}"
    for key, check in optional.items():
        if key in chunk and not check(chunk[key]):
            return f"{chunk_type}: invalid {key!r}"
    return None


def writes_message(chunk_type: str, chunk: Mapping[str, Any]) -> bool:
    """Whether the AI SDK calls ``write()`` for this (applied) chunk, which
    puts a new message into the chat's list."""
    if chunk_type in ("start-step", "finish-step", "reset-step", "abort", "error"):
        # reset-step only writes when it removed parts, which needs a write first
        return False
    if chunk_type == "start":
        return chunk.get("messageId") is not None or chunk.get("messageMetadata") is not None
    if chunk_type in ("finish", "message-metadata"):
        return chunk.get("messageMetadata") is not None
    if chunk_type.startswith("data-"):
        return not chunk.get("transient")
    return True
