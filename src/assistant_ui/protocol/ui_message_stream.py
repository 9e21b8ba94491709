"""Decoder for the AI SDK UI message stream over SSE (PROTOCOLS.md 2.3, 3.3).

Strategy, following the reference decoder (assistant-stream 0.3.57):

- Every SSE event is one JSON object with a string ``type``; ``data: [DONE]``
  ends the stream and closes everything still open. Data that is not such an
  object is dropped with a warning. Unknown ``type`` values are ignored
  (warned once): newer AI SDKs add chunk types all the time.
- Chunks are first *normalised* (legacy and current names folded together,
  ``tool-input-*`` buffered until the call's input is known) and then
  *applied* through a :class:`PartWriter`, which numbers parts the way the
  reference's stream controller does: text without an explicit part goes to
  the append target (3.3), explicit ``text-start`` parts are addressed by
  id, and tool calls are tracked by id.
- The same raw chunks also feed a :class:`~.ui_message.UIMessageAccumulator`,
  which builds the AI SDK's own ``UIMessage`` (3.9), exposed as
  :attr:`UIMessageStreamDecoder.ui_message`.

Strict versus lenient: the reference is fatal on an SSE event name other
than ``message``, on a duplicate tool call id and on a legacy
``tool-result`` for an unknown id. ``strict=True`` raises there too; the
lenient default drops the chunk with a warning. A body without ``[DONE]`` is
fatal in both modes (the reference's rule, and a cut stream is never
complete).

:class:`PartWriter` is also used by the legacy flat dialect of the
assistant-transport decoder.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Final, Literal

from ..errors import IncompleteStreamError, StreamDecodeError
from .base import WarningSink
from .data_stream import js_json_stringify, parse_json
from .events import (
    MISSING,
    Data,
    ErrorEvent,
    Event,
    MessageFinish,
    PartFinish,
    PartStart,
    StepFinish,
    StepStart,
    TextDelta,
    ToolCallApproval,
    ToolCallArgsTextFinish,
    ToolResult,
)
from .framing import SSEEvent
from .ui_message import UIMessageAccumulator

__all__ = [
    "MISSING_DONE",
    "NO_RESULT",
    "PartWriter",
    "ToolCallState",
    "UIMessageStreamDecoder",
    "generate_id",
    "parse_json_object",
]

NO_RESULT: Final = "<no result>"
"""Result of a tool call whose result value is missing (PROTOCOLS.md 3.5)."""

MISSING_DONE: Final = "Stream ended abruptly without receiving [DONE] marker"
"""The reference's error text for an SSE body that ends without ``[DONE]``."""

_ID_ALPHABET: Final = string.digits + string.ascii_uppercase + string.ascii_lowercase
_ZERO_USAGE: Final = {"inputTokens": 0, "outputTokens": 0}


def generate_id() -> str:
    """A 7-character ``[0-9A-Za-z]`` id, like the reference's ``generateId``."""
    return "".join(random.choices(_ID_ALPHABET, k=7))


def parse_json_object(text: str) -> dict[str, Any] | None:
    """The SSE data as a JSON object with a string ``type``, or ``None``.

    Parsed as the reference's secure parser does (no ``NaN``, no
    ``__proto__`` keys)."""
    try:
        value = parse_json(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        return None
    return value


def _usage(value: Any) -> dict[str, Any]:
    # The reference passes an object through verbatim and defaults a missing
    # one to zeros; anything else cannot be usage, so zeros too.
    return dict(value) if isinstance(value, dict) else dict(_ZERO_USAGE)


def _reason(value: Any) -> str:
    return value if isinstance(value, str) else "unknown"


@dataclass(slots=True)
class ToolCallState:
    """What a :class:`PartWriter` tracks of one tool call."""

    index: int
    has_args: bool = False
    args_closed: bool = False
    closed: bool = False


class PartWriter:
    """Turns "append text", "start a part", "set a tool result" into canonical
    events with the part indices the reference's stream controller assigns.

    The writer collects events in :attr:`out`; callers take them with
    :meth:`drain`. Tool calls are addressed by the index :meth:`start_tool`
    returns.
    """

    __slots__ = ("_append", "_count", "out")

    def __init__(self) -> None:
        self.out: list[Event] = []
        self._count = 0
        # (kind, parentId, part index) of the current append target (3.3)
        self._append: tuple[str, str | None, int] | None = None

    def drain(self) -> list[Event]:
        """Returns and forgets the events collected so far."""
        out, self.out = self.out, []
        return out

    @property
    def part_count(self) -> int:
        """How many parts were started."""
        return self._count

    def start(self, part: dict[str, Any]) -> int:
        """Finishes the append target, starts ``part``; returns its index."""
        self.close_append()
        index = self._count
        self._count += 1
        self.out.append(PartStart(part=part))
        return index

    def start_finished(self, part: dict[str, Any]) -> None:
        """Adds a source, file or data part, finished at once."""
        self.finish(self.start(part))

    def append(self, kind: Literal["text", "reasoning"], delta: str, parent_id: Any = None) -> None:
        """Append mode: extends the target if it is a ``kind`` part with the
        same ``parentId``, else starts a new one."""
        target = self._append
        if target is None or target[0] != kind or target[1] != parent_id:
            part: dict[str, Any] = {"type": kind}
            if parent_id:
                part["parentId"] = parent_id
            index = self.start(part)
            self._append = (kind, parent_id, index)
        else:
            index = target[2]
        self.out.append(TextDelta(text_delta=delta, path=(index,)))

    def delta(self, index: int, delta: str, provider_metadata: Any = None) -> None:
        """Appends text to the explicitly started part ``index``."""
        self.out.append(
            TextDelta(
                text_delta=delta,
                path=(index,),
                provider_metadata=provider_metadata
                if isinstance(provider_metadata, dict)
                else None,
            )
        )

    def finish(self, index: int, provider_metadata: Any = None) -> None:
        """Finishes part ``index``."""
        self.out.append(
            PartFinish(
                path=(index,),
                provider_metadata=provider_metadata
                if isinstance(provider_metadata, dict)
                else None,
            )
        )

    def close_append(self) -> None:
        """Finishes the append target, if there is one."""
        if self._append is not None:
            index = self._append[2]
            self._append = None
            self.finish(index)

    # -- tool calls -------------------------------------------------------

    def start_tool(self, tool_call_id: str, tool_name: str, parent_id: Any = None) -> ToolCallState:
        """Starts a tool-call part."""
        part: dict[str, Any] = {
            "type": "tool-call",
            "toolCallId": tool_call_id,
            "toolName": tool_name,
        }
        if parent_id:
            part["parentId"] = parent_id
        return ToolCallState(self.start(part))

    def tool_args(self, call: ToolCallState, delta: str) -> bool:
        """Appends argument text; returns False (nothing sent) once the
        arguments are closed."""
        if call.args_closed:
            return False
        call.has_args = True
        self.out.append(TextDelta(text_delta=delta, path=(call.index,)))
        return True

    def close_tool_args(self, call: ToolCallState) -> None:
        """Closes the arguments; ``{}`` if no argument text ever came."""
        if call.args_closed:
            return
        call.args_closed = True
        if not call.has_args:
            self.out.append(TextDelta(text_delta="{}", path=(call.index,)))
        self.out.append(ToolCallArgsTextFinish(path=(call.index,)))

    def tool_result(
        self,
        call: ToolCallState,
        result: Any,
        *,
        is_error: bool = False,
        is_preliminary: bool = False,
        artifact: Any = MISSING,
        model_content: Any = MISSING,
        messages: Any = MISSING,
    ) -> None:
        """Attaches a result: the reference's order is result, then the
        argument close, then (final results) the part finish."""
        if call.closed:
            return
        self.out.append(
            ToolResult(
                path=(call.index,),
                result=result,
                is_error=is_error,
                is_preliminary=is_preliminary,
                artifact=artifact,
                model_content=model_content,
                messages=messages,
            )
        )
        if is_preliminary:
            self.close_tool_args(call)
        else:
            self.close_tool(call)

    def tool_approval(self, call: ToolCallState, approval: dict[str, Any]) -> None:
        """Replaces the call's approval (dropped once the call is closed)."""
        if not call.closed:
            self.out.append(ToolCallApproval(path=(call.index,), approval=approval))

    def close_tool(self, call: ToolCallState) -> None:
        """Closes the arguments and finishes the tool-call part."""
        if call.closed:
            return
        call.closed = True
        self.close_tool_args(call)
        self.finish(call.index)


@dataclass(slots=True)
class _PendingTool:
    """A ``tool-input-*`` call buffered until its input is known."""

    tool_call_id: str
    tool_name: str
    deltas: list[str] = field(default_factory=list)
    emitted: bool = False
    has_final_result: bool = False
    results: list[tuple[Any, bool, bool]] = field(default_factory=list)  # result, error, prelim


# Chunk types the reference decoder ignores on purpose (the AI SDK's own
# message accumulator uses them): not worth a warning.
_IGNORED: Final = frozenset(
    {"reasoning-file", "custom", "message-metadata", "reset-step", "steering-message"}
)

_TextKind = Literal["text", "reasoning"]


def _key(value: Any) -> Hashable:
    # Part ids are strings on the wire; anything else still needs to be a
    # distinct map key without colliding with a string.
    if value is None or isinstance(value, str):
        return value
    return ("json", js_json_stringify(value))


class UIMessageStreamDecoder:
    """Decodes the UI message stream (AI SDK v5+ and the legacy assistant-ui
    dialect) into canonical events.

    Args:
        strict: raise where the reference is fatal (see the module notes).
        warnings: where dropped input is reported.
        previous_message: the AI SDK UIMessage this reply continues (the last
            assistant message of a ``submit-message`` request), used only
            for :attr:`ui_message`.

    Raises:
        StreamDecodeError: from :meth:`decode_event` on fatal input.
        IncompleteStreamError: from :meth:`end` when ``[DONE]`` never came.
    """

    encoding: ClassVar[str] = "ui-message-stream"
    framing: ClassVar[Literal["sse"]] = "sse"

    def __init__(
        self,
        *,
        strict: bool = False,
        warnings: WarningSink | None = None,
        previous_message: dict[str, Any] | None = None,
    ) -> None:
        self._strict = strict
        self._warnings = warnings if warnings is not None else WarningSink()
        self._w = PartWriter()
        self._done = False
        self._ui = UIMessageAccumulator(previous_message, strict=strict, warnings=self._warnings)
        self._message_id: str | None = None
        self._step_opened_by_start = False
        self._text_parts: dict[_TextKind, dict[Hashable, int]] = {"text": {}, "reasoning": {}}
        self._active_text: dict[_TextKind, Hashable] = {}
        self._tools: dict[str, ToolCallState] = {}
        self._active_tool: str | None = None
        self._pending: dict[str, _PendingTool] = {}
        self._approvals: dict[str, dict[str, Any]] = {}
        self._handlers: dict[str, Callable[[dict[str, Any]], None]] = {
            "start": self._on_start,
            "start-step": self._on_start_step,
            "finish-step": self._on_finish_step,
            "finish": self._on_finish,
            "abort": self._on_abort,
            "error": self._on_error,
            "text-start": self._on_text_start,
            "reasoning-start": self._on_text_start,
            "text-delta": self._on_text_delta,
            "reasoning-delta": self._on_text_delta,
            "text-end": self._on_text_end,
            "reasoning-end": self._on_text_end,
            "source-url": self._on_source_url,
            "source": self._on_source,
            "source-document": self._on_source_document,
            "file": self._on_file,
            "tool-input-start": self._on_tool_input_start,
            "tool-input-delta": self._on_tool_input_delta,
            "tool-input-available": self._on_tool_input_available,
            "tool-input-error": self._on_tool_input_available,
            "tool-output-available": self._on_tool_output,
            "tool-output-error": self._on_tool_output,
            "tool-output-denied": self._on_tool_output_denied,
            "tool-approval-request": self._on_approval_request,
            "tool-approval-response": self._on_approval_response,
            "tool-call-start": self._on_legacy_tool_call_start,
            "tool-call-delta": self._on_legacy_tool_call_delta,
            "tool-call-end": self._on_legacy_tool_call_end,
            "tool-result": self._on_legacy_tool_result,
        }

    # -- SSEFrameDecoder ----------------------------------------------------

    @property
    def done(self) -> bool:
        """True once ``[DONE]`` arrived; later events are ignored."""
        return self._done

    @property
    def ui_message(self) -> dict[str, Any] | None:
        """A snapshot of the AI SDK UIMessage built so far (PROTOCOLS.md 3.9),
        or ``None`` when the AI SDK would have no message for this reply (the
        stream failed or ended before any chunk wrote one)."""
        return self._ui.message

    @property
    def ui_accumulator(self) -> UIMessageAccumulator:
        """The AI SDK message accumulator fed by this decoder."""
        return self._ui

    def decode_event(self, event: SSEEvent) -> list[Event]:
        """Events for one SSE event."""
        if self._done:
            return []
        if event.event != "message":
            if self._strict:
                raise StreamDecodeError(f"Unknown SSE event type: {event.event}")
            self._warnings.warn(
                f"ui:event:{event.event}", f"Ignored unknown SSE event type: {event.event}"
            )
            return []
        if event.data == "[DONE]":
            self._close_all()
            self._done = True
            return self._w.drain()
        chunk = parse_json_object(event.data)
        if chunk is None:
            self._warnings.warn(
                f"ui:invalid:{event.data[:200]}",
                f"Dropped invalid UIMessageStream chunk: {event.data[:200]}",
            )
            return []
        self._ui.apply(chunk)
        chunk_type: str = chunk["type"]
        handler = self._handlers.get(chunk_type)
        if handler is not None:
            handler(chunk)
        elif chunk_type.startswith("data-"):
            if not chunk.get("transient"):
                item: dict[str, Any] = {"name": chunk_type[5:]}
                if "data" in chunk:
                    item["data"] = chunk["data"]
                self._w.out.append(Data(data=[item]))
        elif chunk_type not in _IGNORED:
            self._warnings.warn(
                f"ui:unknown:{chunk_type}",
                f"Ignored unknown UIMessageStream chunk type: {chunk_type}",
            )
        return self._w.drain()

    def end(self) -> list[Event]:
        """Nothing to add after ``[DONE]``; a body without it is cut off.

        Raises:
            IncompleteStreamError: ``[DONE]`` never arrived.
        """
        if not self._done:
            raise IncompleteStreamError(MISSING_DONE)
        return []

    # -- helpers --------------------------------------------------------------

    def _fatal_or_warn(self, key: str, message: str) -> None:
        if self._strict:
            raise StreamDecodeError(message)
        self._warnings.warn(key, message)

    def _close_text_parts(self) -> None:
        for kind in ("text", "reasoning"):
            parts = self._text_parts[kind]
            for index in parts.values():
                self._w.finish(index)
            parts.clear()
            self._active_text.pop(kind, None)

    def _close_all(self) -> None:
        # At [DONE]: buffered tool calls are emitted, then everything closes.
        for tool in list(self._pending.values()):
            self._emit_pending(tool)
        self._close_text_parts()
        if self._active_tool is not None:
            self._w.close_tool_args(self._tools[self._active_tool])
            self._active_tool = None
        for call in self._tools.values():
            self._w.close_tool(call)
        self._tools.clear()
        self._w.close_append()

    # -- message-level chunks ---------------------------------------------

    def _on_start(self, chunk: dict[str, Any]) -> None:
        message_id = chunk.get("messageId")
        if not isinstance(message_id, str):
            message_id = generate_id()
        self._message_id = message_id
        self._step_opened_by_start = True
        self._w.out.append(StepStart(message_id=message_id))

    def _on_start_step(self, chunk: dict[str, Any]) -> None:
        message_id = chunk.get("messageId")
        if not isinstance(message_id, str):
            message_id = self._message_id if self._message_id is not None else generate_id()
        # `start` already opened the first step (current reference).
        is_open_step = self._step_opened_by_start and message_id == self._message_id
        self._step_opened_by_start = False
        if not is_open_step:
            self._w.out.append(StepStart(message_id=message_id))

    def _on_finish_step(self, chunk: dict[str, Any]) -> None:
        self._step_opened_by_start = False
        self._close_text_parts()
        is_continued = chunk.get("isContinued")
        self._w.out.append(
            StepFinish(
                finish_reason=_reason(chunk.get("finishReason")),
                usage=_usage(chunk.get("usage")),
                is_continued=is_continued if isinstance(is_continued, bool) else False,
            )
        )

    def _on_finish(self, chunk: dict[str, Any]) -> None:
        self._close_text_parts()
        self._w.out.append(
            MessageFinish(
                finish_reason=_reason(chunk.get("finishReason")), usage=_usage(chunk.get("usage"))
            )
        )

    def _on_abort(self, chunk: dict[str, Any]) -> None:
        self._pending.clear()
        self._on_finish({"finishReason": "other"})

    def _on_error(self, chunk: dict[str, Any]) -> None:
        text = chunk.get("errorText")
        if text is None:
            text = "unknown error"
        elif not isinstance(text, str):
            text = js_json_stringify(text)
        self._w.out.append(ErrorEvent(error=text))

    # -- text and reasoning -----------------------------------------------

    def _on_text_start(self, chunk: dict[str, Any]) -> None:
        kind: _TextKind = "text" if chunk["type"] == "text-start" else "reasoning"
        key = _key(chunk.get("id"))
        parts = self._text_parts[kind]
        previous = parts.get(key)
        if previous is not None:
            self._w.finish(previous)
        part: dict[str, Any] = {"type": kind}
        if chunk.get("providerMetadata") is not None:
            part["providerMetadata"] = chunk["providerMetadata"]
        parts[key] = self._w.start(part)
        self._active_text[kind] = key

    def _on_text_delta(self, chunk: dict[str, Any]) -> None:
        kind: _TextKind
        if chunk["type"] == "text-delta":
            kind = "text"
            delta = chunk.get("textDelta")
            if delta is None:  # current name `delta`, legacy `textDelta`
                delta = chunk.get("delta")
                if delta is None:
                    delta = ""
        else:
            kind = "reasoning"
            delta = chunk.get("delta")
        if not isinstance(delta, str):
            self._warnings.warn(f"ui:bad-delta:{kind}", f"Dropped {chunk['type']} without text")
            return
        key = _key(chunk.get("id"))
        if key is None:
            key = self._active_text.get(kind)
        index = None if key is None else self._text_parts[kind].get(key)
        if index is not None:
            self._w.delta(index, delta, chunk.get("providerMetadata"))
        else:
            self._w.append(kind, delta)

    def _on_text_end(self, chunk: dict[str, Any]) -> None:
        kind: _TextKind = "text" if chunk["type"] == "text-end" else "reasoning"
        key = _key(chunk.get("id"))
        if key is None:
            key = self._active_text.get(kind)
            if key is None:
                return
        index = self._text_parts[kind].pop(key, None)
        if index is not None:
            self._w.finish(index, chunk.get("providerMetadata"))
        if self._active_text.get(kind) == key:
            del self._active_text[kind]

    # -- sources and files ---------------------------------------------------

    def _source_url(self, source_type: Any, source_id: Any, url: Any, title: Any) -> None:
        part: dict[str, Any] = {"type": "source", "sourceType": source_type}
        if source_id is not None:
            part["id"] = source_id
        if url is not None:
            part["url"] = url
        if title:
            part["title"] = title
        self._w.start_finished(part)

    def _on_source_url(self, chunk: dict[str, Any]) -> None:
        self._source_url("url", chunk.get("sourceId"), chunk.get("url"), chunk.get("title"))

    def _on_source(self, chunk: dict[str, Any]) -> None:
        source = chunk.get("source")
        if not isinstance(source, dict):
            return
        self._source_url(
            source.get("sourceType"), source.get("id"), source.get("url"), source.get("title")
        )

    def _on_source_document(self, chunk: dict[str, Any]) -> None:
        part: dict[str, Any] = {"type": "source", "sourceType": "document"}
        for key, wire in (("id", "sourceId"), ("title", "title"), ("mediaType", "mediaType")):
            if chunk.get(wire) is not None:
                part[key] = chunk[wire]
        if chunk.get("filename"):
            part["filename"] = chunk["filename"]
        self._w.start_finished(part)

    def _on_file(self, chunk: dict[str, Any]) -> None:
        legacy = chunk.get("file")
        if isinstance(legacy, dict):
            mime_type, data = legacy.get("mimeType"), legacy.get("data")
        elif legacy is None and "url" in chunk:
            mime_type, data = chunk.get("mediaType"), chunk["url"]
        else:
            return
        part: dict[str, Any] = {"type": "file"}
        if mime_type is not None:
            part["mimeType"] = mime_type
        if data is not None:
            part["data"] = data
        self._w.start_finished(part)

    # -- tool calls: the current AI SDK chunks, normalised --------------------

    def _on_tool_input_start(self, chunk: dict[str, Any]) -> None:
        tool_call_id = chunk.get("toolCallId")
        if not isinstance(tool_call_id, str) or tool_call_id in self._pending:
            return
        self._pending[tool_call_id] = _PendingTool(tool_call_id, _name(chunk.get("toolName")))

    def _on_tool_input_delta(self, chunk: dict[str, Any]) -> None:
        tool_call_id = chunk.get("toolCallId")
        tool = self._pending.get(tool_call_id) if isinstance(tool_call_id, str) else None
        delta = chunk.get("inputTextDelta")
        if tool is not None and not tool.emitted and isinstance(delta, str):
            tool.deltas.append(delta)

    def _on_tool_input_available(self, chunk: dict[str, Any]) -> None:
        tool_call_id = chunk.get("toolCallId")
        if not isinstance(tool_call_id, str):
            return
        tool = self._pending.get(tool_call_id)
        if tool is None:
            tool = self._pending[tool_call_id] = _PendingTool(
                tool_call_id, _name(chunk.get("toolName"))
            )
        if tool.emitted:
            return
        is_error = chunk["type"] == "tool-input-error"
        if "input" in chunk:
            value = chunk["input"]
            # The final input wins over the buffered deltas; an unparsable
            # input of a tool-input-error is kept as the raw text.
            tool.deltas = [
                value if is_error and isinstance(value, str) else js_json_stringify(value)
            ]
        if is_error:
            text = chunk.get("errorText")
            tool.results.append((text if isinstance(text, str) else "", True, False))
            tool.has_final_result = True
        self._emit_pending(tool)

    def _on_tool_output(self, chunk: dict[str, Any]) -> None:
        tool_call_id = chunk.get("toolCallId")
        if not isinstance(tool_call_id, str):
            return
        is_error = chunk["type"] == "tool-output-error"
        if not is_error and "output" not in chunk:
            return
        tool = self._pending.get(tool_call_id)
        opens_call = tool is None
        if tool is None:
            # Current reference: a result for a call this response never
            # announced opens one with an empty tool name.
            tool = self._pending[tool_call_id] = _PendingTool(tool_call_id, "")
        if tool.has_final_result:
            return
        if is_error:
            text = chunk.get("errorText")
            tool.results.append((text if isinstance(text, str) else "", True, False))
            tool.has_final_result = True
        else:
            preliminary = bool(chunk.get("preliminary"))
            tool.results.append((chunk["output"], False, preliminary))
            tool.has_final_result = not preliminary
        if tool.emitted or opens_call:
            self._emit_pending(tool)

    def _emit_pending(self, tool: _PendingTool) -> None:
        if not tool.emitted:
            tool.emitted = True
            self._tool_call_start(tool.tool_call_id, tool.tool_name)
            for delta in tool.deltas:
                self._tool_call_delta(delta)
            self._tool_call_end()
        results, tool.results = tool.results, []
        for result, is_error, preliminary in results:
            self._tool_result(tool.tool_call_id, result, is_error, preliminary, MISSING)

    def _on_tool_output_denied(self, chunk: dict[str, Any]) -> None:
        tool_call_id = chunk.get("toolCallId")
        call = self._tools.get(tool_call_id) if isinstance(tool_call_id, str) else None
        if call is None:
            return
        reason = self._approvals.get(tool_call_id, {}).get("reason")  # type: ignore[arg-type]
        self._w.tool_result(call, {"error": reason or "Tool approval denied"}, is_error=True)

    def _on_approval_request(self, chunk: dict[str, Any]) -> None:
        tool_call_id, approval_id = chunk.get("toolCallId"), chunk.get("approvalId")
        if not isinstance(tool_call_id, str) or not isinstance(approval_id, str):
            return
        approval: dict[str, Any] = {"id": approval_id}
        if chunk.get("approvalDescriptor") is not None:
            approval["descriptor"] = chunk["approvalDescriptor"]
        if "inputSchemaInput" in chunk:
            approval["inputSchemaInput"] = chunk["inputSchemaInput"]
        if isinstance(chunk.get("reason"), str):
            approval["prompt"] = approval["requestReason"] = chunk["reason"]
        if isinstance(chunk.get("isAutomatic"), bool):
            approval["isAutomatic"] = chunk["isAutomatic"]
        if isinstance(chunk.get("signature"), str):
            approval["signature"] = chunk["signature"]
        call = self._tools.get(tool_call_id)
        if call is None:
            return
        self._approvals[tool_call_id] = approval
        self._w.tool_approval(call, approval)

    def _on_approval_response(self, chunk: dict[str, Any]) -> None:
        approval_id, approved = chunk.get("approvalId"), chunk.get("approved")
        if not isinstance(approval_id, str) or not isinstance(approved, bool):
            return
        tool_call_id = next(
            (key for key, value in self._approvals.items() if value.get("id") == approval_id),
            None,
        )
        if tool_call_id is None:
            return
        approval = self._approvals[tool_call_id]
        decided = {**approval, "approved": approved}
        if isinstance(chunk.get("reason"), str):
            decided["reason"] = chunk["reason"]
        self._approvals[tool_call_id] = decided
        call = self._tools.get(tool_call_id)
        if call is not None:
            self._w.tool_approval(call, decided)

    # -- tool calls: the legacy chunks (also the target of normalisation) -------

    def _on_legacy_tool_call_start(self, chunk: dict[str, Any]) -> None:
        tool_call_id = chunk.get("toolCallId")
        if not isinstance(tool_call_id, str):
            self._warnings.warn(
                "ui:tool-call-start:id", "Dropped tool-call-start without toolCallId"
            )
            return
        self._tool_call_start(tool_call_id, _name(chunk.get("toolName")))

    def _on_legacy_tool_call_delta(self, chunk: dict[str, Any]) -> None:
        delta = chunk.get("argsText")
        if isinstance(delta, str):
            self._tool_call_delta(delta)

    def _on_legacy_tool_call_end(self, chunk: dict[str, Any]) -> None:
        self._tool_call_end()

    def _on_legacy_tool_result(self, chunk: dict[str, Any]) -> None:
        tool_call_id = chunk.get("toolCallId")
        self._tool_result(
            tool_call_id if isinstance(tool_call_id, str) else "",
            chunk.get("result", NO_RESULT),
            chunk.get("isError") is True,
            bool(chunk.get("isPreliminary")),
            chunk.get("messages", MISSING),
        )

    def _tool_call_start(self, tool_call_id: str, tool_name: str) -> None:
        if self._active_tool is not None:
            self._w.close_tool_args(self._tools[self._active_tool])
            self._active_tool = None
        if tool_call_id in self._tools:
            self._fatal_or_warn(
                f"ui:duplicate:{tool_call_id}",
                f"Encountered duplicate tool call id: {tool_call_id}",
            )
            return
        self._tools[tool_call_id] = self._w.start_tool(tool_call_id, tool_name)
        self._active_tool = tool_call_id

    def _tool_call_delta(self, delta: str) -> None:
        if self._active_tool is not None:
            self._w.tool_args(self._tools[self._active_tool], delta)

    def _tool_call_end(self) -> None:
        if self._active_tool is not None:
            self._w.close_tool_args(self._tools[self._active_tool])
            self._active_tool = None

    def _tool_result(
        self, tool_call_id: str, result: Any, is_error: bool, preliminary: bool, messages: Any
    ) -> None:
        if tool_call_id == self._active_tool:
            self._active_tool = None
        call = self._tools.get(tool_call_id)
        if call is None:
            self._fatal_or_warn(
                f"ui:unknown-result:{tool_call_id}",
                f"Encountered tool result with unknown id: {tool_call_id}",
            )
            return
        self._w.tool_result(
            call, result, is_error=is_error, is_preliminary=preliminary, messages=messages
        )


def _name(value: Any) -> str:
    return value if isinstance(value, str) else ""
