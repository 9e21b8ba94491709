"""The AI SDK's own ``UIMessage``, built from UI message stream chunks
(PROTOCOLS.md 3.9), and helpers to read and answer it (1.4.2).

The AI SDK chat flavour sends the whole conversation back as UIMessages on
every request, so the client must hold each assistant reply exactly as the
AI SDK's client builds it (``processUIMessageStream`` of ``ai`` 7): step
boundaries, tool parts with their ``input``/``output`` states, data parts
and metadata included.

- :class:`UIMessageAccumulator` folds raw chunks into that message; the UI
  message stream decoder feeds it (``decoder.ui_message``).
- :func:`ui_message_to_parts` shows a UIMessage as canonical parts
  (PROTOCOLS.md 3.2), the way assistant-ui converts it for display.
- :func:`set_tool_output` answers a client-side tool call or an approval
  request inside a UIMessage, ready to be resent.

Where the AI SDK stops reading the stream (a chunk that fails its chunk
schema, a delta for a text part that was never started, a tool chunk for an
unknown call, an ``error`` chunk), strict mode stops too: later chunks are
not applied (:attr:`UIMessageAccumulator.stopped`). The lenient default
drops just the offending chunk with a warning and goes on, except after an
``error`` chunk, which always ends it. Nothing here ever raises: this message
is a by-product of decoding and must not abort it.

Where PROTOCOLS.md 3.9 and ``ai`` 7.0.173 differ, the SDK wins: a failed
static tool call keeps its raw input in ``input`` (not ``rawInput``), a
streaming tool part carries the raw text in ``rawInput``, ``finish-step``
does not forget open text parts, and approval responses keep every field of
the request.

Text and streamed tool input are kept as pieces and joined, or parsed, only
when a snapshot is taken, so long replies stay linear.
"""

from __future__ import annotations

import copy
import json
import random
import string
from collections.abc import Callable, Mapping
from typing import Any, Final

from ..errors import InvalidRequestError
from .base import WarningSink
from .data_stream import js_json_stringify
from .partial_json import parse_partial_json

__all__ = [
    "UIMessageAccumulator",
    "is_tool_part",
    "merge_metadata",
    "set_tool_output",
    "ui_message_to_parts",
]

_ID_ALPHABET: Final = string.digits + string.ascii_uppercase + string.ascii_lowercase
_UNSET: Final = object()
_ABSENT: Final = object()


def _new_message_id() -> str:
    # The AI SDK's generateId: 16 characters of [0-9A-Za-z].
    return "".join(random.choices(_ID_ALPHABET, k=16))


def is_tool_part(part: Mapping[str, Any]) -> bool:
    """True for ``tool-<name>`` and ``dynamic-tool`` parts."""
    part_type = part.get("type")
    return isinstance(part_type, str) and (
        part_type.startswith("tool-") or part_type == "dynamic-tool"
    )


def _tool_name(part: Mapping[str, Any]) -> str:
    if part.get("type") == "dynamic-tool":
        name = part.get("toolName")
        return name if isinstance(name, str) else ""
    return str(part["type"])[5:]


def merge_metadata(base: Any, overrides: Any) -> Any:
    """Deep merge as the AI SDK's ``mergeObjects``: nested objects merge,
    arrays and other values are replaced, ``None`` on either side yields the
    other. Neither input is modified."""
    if overrides is None:
        return base
    if not isinstance(base, dict) or not isinstance(overrides, dict):
        return overrides
    result = dict(base)
    for key, value in overrides.items():
        if key in ("__proto__", "constructor", "prototype"):
            continue
        current = result.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            result[key] = merge_metadata(current, value)
        else:
            result[key] = value
    return result


# -- the AI SDK's chunk schema, reduced to what decides acceptance -----------


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


def _schema_error(chunk: Mapping[str, Any]) -> str | None:
    """Why the AI SDK's chunk schema refuses ``chunk``, or ``None``."""
    chunk_type = chunk.get("type")
    if chunk_type == "text-delta" or chunk_type == "reasoning-delta":
        # the hot path: one check instead of the table walk
        if type(chunk.get("id")) is str and type(chunk.get("delta")) is str:
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


def _writes(chunk_type: str, chunk: Mapping[str, Any]) -> bool:
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


class _Buffered:
    """Pieces of a text part or of a tool call's streamed input."""

    __slots__ = ("dirty", "pieces")

    def __init__(self, text: str = "") -> None:
        self.pieces: list[str] = [text] if text else []
        self.dirty = False

    def text(self) -> str:
        if len(self.pieces) > 1:
            self.pieces = ["".join(self.pieces)]
        return self.pieces[0] if self.pieces else ""


def _pick(chunk: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    # JS passes `chunk.key` along: absent stays absent (undefined).
    return {key: chunk[key] for key in keys if key in chunk}


def _set(part: dict[str, Any], key: str, options: Mapping[str, Any]) -> None:
    # JS assigns `undefined`, which JSON leaves out: absent keys disappear.
    if key in options:
        part[key] = options[key]
    else:
        part.pop(key, None)


_RESULT_STATES: Final = frozenset({"output-available", "output-error"})


class UIMessageAccumulator:
    """Builds the AI SDK UIMessage of one assistant reply.

    Args:
        previous: the assistant UIMessage this reply continues (the last
            message of a ``submit-message`` request that ends with an
            assistant message, e.g. after answering a tool call). Its parts
            are kept and new ones appended; it is copied, never modified.
            Anything that is not an assistant message is ignored and a new
            message is started.
        strict: stop at the first chunk the AI SDK would fail on (see the
            module notes); otherwise skip just that chunk.
        warnings: where dropped chunks are reported.

    Example::

        acc = UIMessageAccumulator()
        for chunk in chunks:  # parsed UI message stream chunks
            acc.apply(chunk)
        ui_message = acc.snapshot()  # send it back in the next request
    """

    def __init__(
        self,
        previous: Mapping[str, Any] | None = None,
        *,
        strict: bool = False,
        warnings: WarningSink | None = None,
    ) -> None:
        self._strict = strict
        self._warnings = warnings if warnings is not None else WarningSink()
        if previous is not None and previous.get("role") == "assistant":
            self._message: dict[str, Any] = copy.deepcopy(dict(previous))
            if not isinstance(self._message.get("parts"), list):
                self._message["parts"] = []
        else:
            self._message = {"id": _new_message_id(), "role": "assistant", "parts": []}
        self._parts: list[dict[str, Any]] = self._message["parts"]
        self._active_text: dict[str, dict[str, Any]] = {}
        self._active_reasoning: dict[str, dict[str, Any]] = {}
        # id(part) -> (part, its text pieces) for text parts still streaming
        self._buffers: dict[int, tuple[dict[str, Any], _Buffered]] = {}
        self._partial_tools: dict[str, dict[str, Any]] = {}
        # id(part) -> (part, input text, encoding): parsed at the next read
        self._dirty_inputs: dict[int, tuple[dict[str, Any], _Buffered, Any]] = {}
        self.written = previous is not None and previous.get("role") == "assistant"
        """Whether the AI SDK would have written the message to its list by
        now (a continued message always is)."""
        self.stopped = False
        """True once no more chunks are applied (see :attr:`error`)."""
        self.error: str | None = None
        """Why the AI SDK would have stopped: an error chunk's ``errorText``
        or, in strict mode, the chunk it fails on."""
        self.finish_reason: str | None = None
        """The ``finishReason`` of the ``finish`` chunk (not stored on the message)."""
        self._handlers: dict[str, Callable[[dict[str, Any]], None]] = {
            "text-start": self._on_text_start,
            "text-delta": self._on_text_delta,
            "text-end": self._on_text_end,
            "reasoning-start": self._on_text_start,
            "reasoning-delta": self._on_text_delta,
            "reasoning-end": self._on_text_end,
            "custom": self._on_custom,
            "file": self._on_file,
            "reasoning-file": self._on_file,
            "source-url": self._on_source_url,
            "source-document": self._on_source_document,
            "steering-message": self._on_steering_message,
            "tool-input-start": self._on_tool_input_start,
            "tool-input-delta": self._on_tool_input_delta,
            "tool-input-available": self._on_tool_input_available,
            "tool-input-error": self._on_tool_input_error,
            "tool-approval-request": self._on_approval_request,
            "tool-approval-response": self._on_approval_response,
            "tool-output-denied": self._on_output_denied,
            "tool-output-available": self._on_tool_output,
            "tool-output-error": self._on_tool_output,
            "start-step": self._on_start_step,
            "reset-step": self._on_reset_step,
            "start": self._on_start,
            "finish": self._on_finish,
            "message-metadata": self._on_metadata,
            "error": self._on_error,
        }

    @property
    def message_id(self) -> str:
        """The message id (from ``start``, the continued message, or generated)."""
        return str(self._message["id"])

    def apply(self, chunk: Mapping[str, Any]) -> None:
        """Applies one parsed chunk (a dict with a string ``type``)."""
        if self.stopped:
            return
        problem = _schema_error(chunk)
        if problem is not None:
            self._fail(f"Invalid UI message chunk ({problem})")
            return
        chunk_type = chunk["type"]
        handler = self._handlers.get(chunk_type)
        if handler is not None:
            handler(chunk if isinstance(chunk, dict) else dict(chunk))
        elif chunk_type.startswith("data-"):
            self._on_data(dict(chunk))
        if not self.stopped and _writes(chunk_type, chunk):
            self.written = True

    @property
    def message(self) -> dict[str, Any] | None:
        """:meth:`snapshot`, or ``None`` while the AI SDK would not have put
        the message in its list yet (nothing written, nothing continued)."""
        return self.snapshot() if self.written else None

    def snapshot(self) -> dict[str, Any]:
        """A fresh, JSON-compatible copy of the UIMessage so far."""
        self._flush()
        return copy.deepcopy(self._message)

    def _fail(self, message: str) -> None:
        self._warnings.warn(f"ui-message:{message}", message)
        if self._strict:
            self.error = message
            self.stopped = True

    # -- lazily materialised text and input ---------------------------------

    def _flush(self) -> None:
        for part, buffer in self._buffers.values():
            if buffer.dirty:
                buffer.dirty = False
                part["text"] = buffer.text()
        for part, buffer, encoding in self._dirty_inputs.values():
            text = buffer.text()
            if encoding == "text":
                part["input"] = text
            else:
                value, ok = parse_partial_json(text)
                _set(part, "input", {"input": value} if ok else {})
            part["rawInput"] = text
        self._dirty_inputs.clear()

    # -- text, reasoning and simple parts ----------------------------------

    def _on_text_start(self, chunk: dict[str, Any]) -> None:
        is_text = chunk["type"] == "text-start"
        part: dict[str, Any] = {"type": "text" if is_text else "reasoning"}
        if not is_text:
            part["id"] = chunk["id"]
        part["text"] = ""
        if "providerMetadata" in chunk:
            part["providerMetadata"] = chunk["providerMetadata"]
        part["state"] = "streaming"
        (self._active_text if is_text else self._active_reasoning)[chunk["id"]] = part
        self._parts.append(part)
        self._buffers[id(part)] = (part, _Buffered())

    def _active(self, chunk: dict[str, Any]) -> dict[str, Any] | None:
        is_text = chunk["type"].startswith("text-")
        part = (self._active_text if is_text else self._active_reasoning).get(chunk["id"])
        if part is None:
            self._fail(f"Received {chunk['type']} for missing part with ID {chunk['id']!r}")
        return part

    def _on_text_delta(self, chunk: dict[str, Any]) -> None:
        part = self._active(chunk)
        if part is None:
            return
        entry = self._buffers.get(id(part))
        if entry is None:
            entry = self._buffers[id(part)] = (part, _Buffered(part.get("text", "")))
        buffer = entry[1]
        buffer.pieces.append(chunk["delta"])
        buffer.dirty = True
        if chunk.get("providerMetadata") is not None:
            part["providerMetadata"] = chunk["providerMetadata"]

    def _on_text_end(self, chunk: dict[str, Any]) -> None:
        part = self._active(chunk)
        if part is None:
            return
        part["state"] = "done"
        if chunk["type"] == "text-end" and chunk.get("citations") is not None:
            part["citations"] = chunk["citations"]
        if chunk.get("providerMetadata") is not None:
            part["providerMetadata"] = chunk["providerMetadata"]
        entry = self._buffers.pop(id(part), None)
        if entry is not None:
            part["text"] = entry[1].text()
        active = self._active_text if chunk["type"] == "text-end" else self._active_reasoning
        del active[chunk["id"]]

    def _on_custom(self, chunk: dict[str, Any]) -> None:
        self._parts.append({"type": "custom", **_pick(chunk, "kind", "providerMetadata")})

    def _on_file(self, chunk: dict[str, Any]) -> None:
        part = {"type": chunk["type"], **_pick(chunk, "mediaType", "url")}
        if chunk.get("providerMetadata") is not None:
            part["providerMetadata"] = chunk["providerMetadata"]
        self._parts.append(part)

    def _on_source_url(self, chunk: dict[str, Any]) -> None:
        self._parts.append(
            {"type": "source-url", **_pick(chunk, "sourceId", "url", "title", "providerMetadata")}
        )

    def _on_source_document(self, chunk: dict[str, Any]) -> None:
        keys = ("sourceId", "mediaType", "title", "filename", "providerMetadata")
        self._parts.append({"type": "source-document", **_pick(chunk, *keys)})

    def _on_steering_message(self, chunk: dict[str, Any]) -> None:
        self._parts.append({"type": "steering-message", **_pick(chunk, "id", "parts")})

    def _on_data(self, chunk: dict[str, Any]) -> None:
        if chunk.get("transient"):
            return
        if chunk.get("id") is not None:
            for part in self._parts:
                if part.get("type") == chunk["type"] and part.get("id") == chunk["id"]:
                    _set(part, "data", chunk)
                    return
        self._parts.append(chunk)

    # -- steps, metadata, errors -------------------------------------------

    def _step_parts_start(self) -> int:
        for index in range(len(self._parts) - 1, -1, -1):
            if self._parts[index].get("type") == "step-start":
                return index + 1
        return 0

    def _on_start_step(self, chunk: dict[str, Any]) -> None:
        self._parts.append({"type": "step-start"})

    def _on_reset_step(self, chunk: dict[str, Any]) -> None:
        self._flush()
        self._active_text.clear()
        self._active_reasoning.clear()
        self._partial_tools.clear()
        start = self._step_parts_start()
        for part in self._parts[start:]:
            self._buffers.pop(id(part), None)
        del self._parts[start:]

    def _on_start(self, chunk: dict[str, Any]) -> None:
        if chunk.get("messageId") is not None:
            self._message["id"] = chunk["messageId"]
        self._on_metadata(chunk)

    def _on_finish(self, chunk: dict[str, Any]) -> None:
        if chunk.get("finishReason") is not None:
            self.finish_reason = chunk["finishReason"]
        self._on_metadata(chunk)

    def _on_metadata(self, chunk: dict[str, Any]) -> None:
        metadata = chunk.get("messageMetadata")
        if metadata is not None:
            merged = merge_metadata(self._message.get("metadata"), metadata)
            self._message["metadata"] = copy.deepcopy(merged)

    def _on_error(self, chunk: dict[str, Any]) -> None:
        # The AI SDK's chat rethrows the error: the stream is not read further.
        self.error = chunk["errorText"]
        self.stopped = True

    # -- tool parts --------------------------------------------------------

    def _current_step_tool(self, tool_call_id: Any, kind: str | None) -> dict[str, Any] | None:
        """The tool part in the current step (``kind``: ``"static"``,
        ``"dynamic"`` or ``None`` for either)."""
        for part in self._parts[self._step_parts_start() :]:
            if not is_tool_part(part) or part.get("toolCallId") != tool_call_id:
                continue
            if kind is None or (part["type"] == "dynamic-tool") == (kind == "dynamic"):
                return part
        return None

    def _invocation(self, chunk: dict[str, Any]) -> dict[str, Any] | None:
        tool_call_id = chunk["toolCallId"]
        found = self._current_step_tool(tool_call_id, None)
        if found is None:
            for part in reversed(self._parts):
                if is_tool_part(part) and part.get("toolCallId") == tool_call_id:
                    found = part
                    break
        if found is None:
            self._fail(f"No tool invocation found for tool call ID {tool_call_id!r}")
        return found

    def _update_tool(
        self,
        dynamic: bool,
        options: dict[str, Any],
        existing: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """``updateToolPart``/``updateDynamicToolPart`` of the AI SDK.

        ``options`` holds ``toolName``, ``toolCallId``, ``state`` and any of
        the optional fields; a missing key is JS ``undefined``.
        """
        kind = "dynamic" if dynamic else "static"
        part = (
            existing
            if existing is not None
            else self._current_step_tool(options["toolCallId"], kind)
        )
        state = options["state"]
        metadata_key = (
            "resultProviderMetadata" if state in _RESULT_STATES else "callProviderMetadata"
        )
        if part is not None:
            self._dirty_inputs.pop(id(part), None)
            part["state"] = state
            if dynamic:
                part["toolName"] = options.get("toolName")
            else:
                part["type"] = f"tool-{options.get('toolName')}"
            for key in ("input", "output", "errorText", "rawInput"):
                _set(part, key, options)
            if options.get("inputEncoding") is not None:
                part["inputEncoding"] = options["inputEncoding"]
            else:
                part.pop("inputEncoding", None)
            _set(part, "preliminary", options)
            for key in ("title", "toolMetadata"):
                if key in options:
                    part[key] = options[key]
            if options.get("providerExecuted") is not None:
                part["providerExecuted"] = options["providerExecuted"]
            if options.get("providerMetadata") is not None:
                part[metadata_key] = options["providerMetadata"]
            return part
        if dynamic:
            part = {"type": "dynamic-tool", "toolName": options.get("toolName")}
        else:
            part = {"type": f"tool-{options.get('toolName')}"}
        part["toolCallId"] = options["toolCallId"]
        part["state"] = state
        keys: tuple[str, ...] = (
            "input",
            "inputEncoding",
            "output",
            "errorText",
            "preliminary",
            "providerExecuted",
            "title",
            "toolMetadata",
        )
        if not dynamic:
            keys = (
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
        for key in keys:
            if key in options and (key != "inputEncoding" or options[key] is not None):
                part[key] = options[key]
        if options.get("providerMetadata") is not None:
            part[metadata_key] = options["providerMetadata"]
        self._parts.append(part)
        return part

    def _on_tool_input_start(self, chunk: dict[str, Any]) -> None:
        dynamic = bool(chunk.get("dynamic"))
        self._partial_tools[chunk["toolCallId"]] = {
            "text": _Buffered(),
            "dynamic": dynamic,
            **_pick(chunk, "toolName", "inputEncoding", "title", "toolMetadata"),
        }
        options = _pick(
            chunk,
            "toolCallId",
            "toolName",
            "inputEncoding",
            "providerExecuted",
            "title",
            "toolMetadata",
            "providerMetadata",
        )
        self._update_tool(dynamic, {**options, "state": "input-streaming"})

    def _on_tool_input_delta(self, chunk: dict[str, Any]) -> None:
        partial = self._partial_tools.get(chunk["toolCallId"])
        if partial is None:
            self._fail(f"Received tool-input-delta for missing tool call {chunk['toolCallId']!r}")
            return
        buffer: _Buffered = partial["text"]
        buffer.pieces.append(chunk["inputTextDelta"])
        options = {
            "toolCallId": chunk["toolCallId"],
            "state": "input-streaming",
            **_pick(partial, "toolName", "inputEncoding", "title", "toolMetadata"),
        }
        part = self._update_tool(partial["dynamic"], options)
        # The input is re-parsed when it is next read, not on every delta.
        self._dirty_inputs[id(part)] = (part, buffer, partial.get("inputEncoding"))

    def _on_tool_input_available(self, chunk: dict[str, Any]) -> None:
        options = _pick(
            chunk,
            "toolCallId",
            "toolName",
            "input",
            "providerExecuted",
            "providerMetadata",
            "title",
            "toolMetadata",
        )
        self._update_tool(bool(chunk.get("dynamic")), {**options, "state": "input-available"})

    def _on_tool_input_error(self, chunk: dict[str, Any]) -> None:
        existing = self._current_step_tool(chunk["toolCallId"], None)
        dynamic = (
            existing["type"] == "dynamic-tool"
            if existing is not None
            else bool(chunk.get("dynamic"))
        )
        options = _pick(
            chunk,
            "toolCallId",
            "toolName",
            "input",
            "errorText",
            "providerExecuted",
            "providerMetadata",
            "toolMetadata",
        )
        self._update_tool(dynamic, {**options, "state": "output-error"})

    def _on_approval_request(self, chunk: dict[str, Any]) -> None:
        part = self._invocation(chunk)
        if part is None:
            return
        self._flush()
        part["state"] = "approval-requested"
        approval: dict[str, Any] = {"id": chunk["approvalId"]}
        if chunk.get("approvalDescriptor") is not None:
            approval["descriptor"] = chunk["approvalDescriptor"]
        if "inputSchemaInput" in chunk:
            approval["inputSchemaInput"] = chunk["inputSchemaInput"]
        if chunk.get("reason") is not None:
            approval["requestReason"] = chunk["reason"]
        if chunk.get("isAutomatic") is True:
            approval["isAutomatic"] = True
        if chunk.get("signature") is not None:
            approval["signature"] = chunk["signature"]
        part["approval"] = approval

    def _on_approval_response(self, chunk: dict[str, Any]) -> None:
        approval_id = chunk["approvalId"]
        part = next(
            (
                p
                for p in self._parts
                if is_tool_part(p)
                and isinstance(p.get("approval"), dict)
                and p["approval"].get("id") == approval_id
            ),
            None,
        )
        if part is None:
            self._fail(f"No tool invocation found for approval ID {approval_id!r}")
            return
        approval = {**part["approval"], "id": approval_id, "approved": chunk["approved"]}
        if chunk.get("reason") is not None:
            approval["reason"] = chunk["reason"]
        part["state"] = "approval-responded"
        part["approval"] = approval
        if chunk.get("providerExecuted") is not None:
            part["providerExecuted"] = chunk["providerExecuted"]
        if chunk.get("providerMetadata") is not None:
            part["callProviderMetadata"] = chunk["providerMetadata"]

    def _on_output_denied(self, chunk: dict[str, Any]) -> None:
        part = self._invocation(chunk)
        if part is not None:
            part["state"] = "output-denied"

    def _on_tool_output(self, chunk: dict[str, Any]) -> None:
        part = self._invocation(chunk)
        if part is None:
            return
        self._flush()
        dynamic = part["type"] == "dynamic-tool"
        is_error = chunk["type"] == "tool-output-error"
        options: dict[str, Any] = {
            "toolCallId": chunk["toolCallId"],
            "toolName": _tool_name(part),
            "state": "output-error" if is_error else "output-available",
            **_pick(part, "input", "title"),
            **_pick(chunk, "providerExecuted", "providerMetadata"),
            **_pick(chunk, *(("errorText",) if is_error else ("output", "preliminary"))),
        }
        if is_error and not dynamic and "rawInput" in part:
            options["rawInput"] = part["rawInput"]
        tool_metadata = chunk.get("toolMetadata")
        if tool_metadata is None:
            tool_metadata = part.get("toolMetadata")
        if tool_metadata is not None:
            options["toolMetadata"] = tool_metadata
        self._update_tool(dynamic, options, existing=part)


def _hashable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return ("json", json.dumps(value, sort_keys=True))


def _copy(part: dict[str, Any], chunk: Mapping[str, Any], *keys: str) -> None:
    for key in keys:
        if chunk.get(key) is not None:
            part[key] = chunk[key]


# -- UIMessage -> canonical parts ---------------------------------------------

_ENVELOPE_KEY: Final = "__aui_modelContent"


def _unwrap_output(output: Any) -> tuple[Any, Any]:
    if isinstance(output, dict) and isinstance(output.get(_ENVELOPE_KEY), list):
        return output.get("value"), output[_ENVELOPE_KEY]
    return output, _UNSET


def _status(state: Any) -> dict[str, Any] | None:
    if state == "streaming":
        return {"type": "running"}
    if state == "done":
        return {"type": "complete"}
    return None


def _tool_to_canonical(part: Mapping[str, Any]) -> dict[str, Any]:
    raw_input = part.get("input")
    args = raw_input if isinstance(raw_input, dict) else {}
    args_text = js_json_stringify(args)
    state = part.get("state")
    if state == "input-streaming":
        # The AI SDK's repaired partial input: show it as still open.
        args_text = args_text.rstrip('}]"')
    out: dict[str, Any] = {
        "type": "tool-call",
        "toolCallId": part.get("toolCallId"),
        "toolName": _tool_name(part),
        "argsText": args_text,
        "args": args,
    }
    is_error = False
    result: Any = _UNSET
    model_content: Any = _UNSET
    if state == "output-available":
        result, model_content = _unwrap_output(part.get("output"))
    elif state == "output-error":
        is_error = True
        result = {"error": part.get("errorText")}
    elif state == "output-denied":
        is_error = True
        approval = part.get("approval")
        reason = approval.get("reason") if isinstance(approval, dict) else None
        result = {"error": reason or "Tool approval denied"}
    out["state"] = (
        "result"
        if result is not _UNSET
        else "partial-call"
        if state == "input-streaming"
        else "call"
    )
    if result is not _UNSET:
        out["result"] = result
    out["isError"] = is_error
    if model_content is not _UNSET:
        out["modelContent"] = model_content
    if part.get("callProviderMetadata") is not None:
        out["providerMetadata"] = part["callProviderMetadata"]
    approval = part.get("approval")
    if isinstance(approval, dict) and isinstance(approval.get("id"), str):
        kept: dict[str, Any] = {"id": approval["id"]}
        if isinstance(approval.get("approved"), bool):
            kept["approved"] = approval["approved"]
        if isinstance(approval.get("reason"), str):
            kept["reason"] = approval["reason"]
        if approval.get("isAutomatic") is True:
            kept["isAutomatic"] = True
        out["approval"] = kept
    return out


def _part_to_canonical(part: Mapping[str, Any]) -> dict[str, Any] | None:
    part_type = part.get("type")
    if part_type in ("text", "reasoning"):
        out: dict[str, Any] = {"type": part_type, "text": part.get("text", "")}
        status = _status(part.get("state"))
        if status is not None:
            out["status"] = status
        if part.get("providerMetadata") is not None:
            out["providerMetadata"] = part["providerMetadata"]
        return out
    if is_tool_part(part):
        return _tool_to_canonical(part)
    if part_type == "source-url":
        out = {
            "type": "source",
            "sourceType": "url",
            "id": part.get("sourceId"),
            "url": part.get("url"),
        }
        _copy(out, part, "title", "providerMetadata")
        return out
    if part_type == "source-document":
        out = {
            "type": "source",
            "sourceType": "document",
            "id": part.get("sourceId"),
            "title": part.get("title"),
            "mediaType": part.get("mediaType"),
        }
        _copy(out, part, "filename", "providerMetadata")
        return out
    if part_type in ("file", "reasoning-file"):
        out = {"type": "file", "data": part.get("url"), "mimeType": part.get("mediaType")}
        if part_type == "file":
            _copy(out, part, "filename")
        return out
    if isinstance(part_type, str) and part_type.startswith("data-"):
        return {"type": "data", "name": part_type[5:], "data": part.get("data")}
    if part_type == "custom":
        return {"type": "data", "name": part.get("kind"), "data": part.get("providerMetadata")}
    return None


def ui_message_to_parts(ui_message: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The canonical parts (PROTOCOLS.md 3.2) of an AI SDK UIMessage, mapped
    as assistant-ui shows such a message (3.9, last paragraph).

    - ``text``/``reasoning``: same, with ``status`` ``running`` while the
      part is ``streaming`` and ``complete`` once ``done``;
    - ``tool-<name>``/``dynamic-tool``: a ``tool-call`` part; ``args`` is the
      ``input`` when it is an object (else ``{}``), ``argsText`` its compact
      JSON; ``result`` is the ``output`` (a ``__aui_modelContent`` envelope
      is unwrapped into ``result`` and ``modelContent``), or
      ``{"error": errorText}`` / ``{"error": <approval reason or "Tool
      approval denied">}`` with ``isError`` for ``output-error`` /
      ``output-denied``; ``approval`` is kept. ``state`` is added (not in the
      reference's mapping) so the part has the canonical tool-call shape:
      ``result`` when there is a result, ``partial-call`` while the input
      streams, else ``call``. Duplicate tool call ids keep the first part;
    - ``source-url``/``source-document``: ``source`` parts; ``file`` and
      ``reasoning-file``: ``file`` parts (``data`` = ``url``, ``mimeType`` =
      ``mediaType``); ``data-<name>``: a ``data`` part named ``<name>``;
      ``custom``: a ``data`` part named by its ``kind``;
    - ``step-start`` and unknown part types are left out.

    Unlike assistant-ui, user ``file`` parts are kept as parts (assistant-ui
    moves them to attachments). The input is not modified.
    """
    parts = ui_message.get("parts")
    if not isinstance(parts, list):
        return []
    out: list[dict[str, Any]] = []
    seen: set[Any] = set()
    for part in parts:
        if not isinstance(part, Mapping):
            continue
        converted = _part_to_canonical(part)
        if converted is None:
            continue
        if converted["type"] == "tool-call":
            key = _hashable(converted.get("toolCallId"))
            if key in seen:
                continue
            seen.add(key)
        out.append(copy.deepcopy(converted))
    return out


# -- answering tool calls (PROTOCOLS.md 1.4.2) --------------------------------


def set_tool_output(
    ui_message: Mapping[str, Any],
    tool_call_id: str,
    *,
    output: Any = _UNSET,
    error_text: Any = _UNSET,
    approval: Any = _UNSET,
    model_content: list[Any] | None = None,
) -> dict[str, Any]:
    """A copy of ``ui_message`` in which the tool part ``tool_call_id`` is
    answered, ready to be sent back (AI SDK flavour, PROTOCOLS.md 1.4.2).

    Give exactly one of:

    - ``output``: the tool ran; the part becomes ``output-available`` with
      this ``output`` (any JSON value, ``None`` included). With
      ``model_content`` (model content parts), the output is the
      ``{"__aui_modelContent": [...], "value": output}`` envelope that the
      backend's ``frontendTools()`` unwraps.
    - ``error_text``: the tool failed; the part becomes ``output-error``
      with ``errorText`` (non-strings are JSON-encoded).
    - ``approval``: a decision on an approval request: ``True``/``False``,
      or ``{"approved": bool, "reason"?: str}``. The part becomes
      ``approval-responded`` and its ``approval`` gains ``approved`` and
      ``reason``.

    The input message is not modified. Example::

        reply = set_tool_output(ui_message, "call_1", output={"temp": 20})
        # resend the conversation ending with `reply`, trigger "submit-message"

    Raises:
        InvalidRequestError: none or several answers given, no tool part
            with that id, or an approval for a part that has no approval
            request.
    """
    given = [
        name
        for name, value in (("output", output), ("error_text", error_text), ("approval", approval))
        if value is not _UNSET
    ]
    if len(given) != 1:
        raise InvalidRequestError(
            "give exactly one of output, error_text or approval", field="set_tool_output"
        )
    message = copy.deepcopy(dict(ui_message))
    parts = message.get("parts")
    part = next(
        (
            p
            for p in (parts if isinstance(parts, list) else [])
            if isinstance(p, dict) and is_tool_part(p) and p.get("toolCallId") == tool_call_id
        ),
        None,
    )
    if part is None:
        raise InvalidRequestError(
            f"no tool part with toolCallId {tool_call_id!r} in the message", field="tool_call_id"
        )
    if given == ["output"]:
        part["state"] = "output-available"
        part["output"] = (
            {_ENVELOPE_KEY: list(model_content), "value": output}
            if model_content is not None
            else output
        )
        part.pop("errorText", None)
    elif given == ["error_text"]:
        part["state"] = "output-error"
        part["errorText"] = error_text if isinstance(error_text, str) else json.dumps(error_text)
        part.pop("output", None)
    else:
        current = part.get("approval")
        if not isinstance(current, dict) or not isinstance(current.get("id"), str):
            raise InvalidRequestError(
                f"tool part {tool_call_id!r} has no approval request", field="approval"
            )
        decision = (
            {"approved": approval}
            if isinstance(approval, bool)
            else dict(approval)
            if isinstance(approval, Mapping)
            else {}
        )
        if not isinstance(decision.get("approved"), bool):
            raise InvalidRequestError("approval needs a boolean 'approved'", field="approval")
        updated = {**current, "approved": decision["approved"]}
        if decision.get("reason") is not None:
            updated["reason"] = decision["reason"]
        else:
            updated.pop("reason", None)
        part["state"] = "approval-responded"
        part["approval"] = updated
    return message
