"""Decoder for the AI SDK UI message stream over SSE (docs/protocols.md §2.3, 3.3).

Strategy, following the reference decoder (assistant-stream 0.3.57):

- Every SSE event is one JSON object with a string ``type``; ``data: [DONE]``
  ends the stream and closes everything still open. Data that is not such an
  object is dropped with a warning. Unknown ``type`` values are ignored
  (warned once): newer AI SDKs add chunk types all the time.
- Chunks are first *normalised* (legacy and current names folded together,
  ``tool-input-*`` buffered until the call's input is known, see
  :mod:`.ui_stream_tools`) and then *applied* through a
  :class:`~.part_writer.PartWriter`, which numbers parts the way the
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
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any, ClassVar, Final, Literal

from assistant_ui.protocol.ai_sdk.message import UIMessageAccumulator
from assistant_ui.protocol.decoders.part_writer import PartWriter, WritesParts
from assistant_ui.protocol.decoders.sse_json import MISSING_DONE, SSEJSONDecoder, error_text
from assistant_ui.protocol.decoders.ui_stream_tools import UIToolCalls
from assistant_ui.protocol.events import (
    Data,
    ErrorEvent,
    Event,
    MessageFinish,
    PartFinish,
    Path,
    StepFinish,
    StepStart,
    TextDelta,
    ToolCallArgsTextFinish,
    ToolResult,
)
from assistant_ui.protocol.ids import ASSISTANT_UI_ID_LENGTH, new_id
from assistant_ui.protocol.json_text import js_json_stringify
from assistant_ui.protocol.leniency import WarningSink
from assistant_ui.protocol.usage import ZERO_USAGE, usage_object

# MISSING_DONE: re-exported, it was public here first.
__all__ = ["MISSING_DONE", "UIMessageStreamDecoder", "claims_event"]


def _reason(value: Any) -> str:
    return value if isinstance(value, str) else "unknown"


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


class UIMessageStreamDecoder(SSEJSONDecoder, WritesParts):
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
    continues_ui_message: ClassVar[bool] = True
    """It accepts ``previous_message=``: the AI SDK UIMessage a reply continues."""
    warning_prefix: ClassVar[str] = "ui"

    def __init__(
        self,
        *,
        strict: bool = False,
        warnings: WarningSink | None = None,
        previous_message: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(strict=strict, warnings=warnings)
        self._w = PartWriter()
        self._ui = UIMessageAccumulator(previous_message, strict=strict, warnings=self._warnings)
        self._message_id: str | None = None
        self._step_opened_by_start = False
        self._text_parts: dict[_TextKind, dict[Hashable, int]] = {"text": {}, "reasoning": {}}
        self._active_text: dict[_TextKind, Hashable] = {}
        self._tools = UIToolCalls(self._w, strict=strict, warnings=self._warnings)

    @property
    def ui_message(self) -> dict[str, Any] | None:
        """A snapshot of the AI SDK UIMessage built so far (docs/protocols.md §3.9),
        or ``None`` when the AI SDK would have no message for this reply (the
        stream failed or ended before any chunk wrote one)."""
        return self._ui.message

    @property
    def ui_accumulator(self) -> UIMessageAccumulator:
        """The AI SDK message accumulator fed by this decoder."""
        return self._ui

    def salvage(self) -> list[Event]:
        """Events of the failing frame written before the error (for example
        the buffered tool calls ``[DONE]`` emitted before a duplicate id), as
        far as the reference delivers them.

        The reference closes a tool call's argument text on a microtask,
        unless a result or the part's end in the same frame settles it
        first; a fatal error in that frame cancels the pending close. So an
        args-text finish with nothing after it for its part is left out: that
        call stays ``partial-call`` in the partial message, as there (with
        the default ``{}`` text of a call without arguments, written by the
        same deferred close)."""
        events = self._w.drain()
        without_args = self._tools.parts_without_args()
        settled: set[Path] = set()
        unclosed: set[Path] = set()
        kept: list[Event] = []
        for event in reversed(events):
            if isinstance(event, (ToolResult, PartFinish)):
                settled.add(event.path)
            elif isinstance(event, ToolCallArgsTextFinish) and event.path not in settled:
                unclosed.add(event.path)
                continue
            elif (
                isinstance(event, TextDelta)
                and event.path in unclosed
                and event.path[0] in without_args
            ):
                continue
            kept.append(event)
        kept.reverse()
        return kept

    def _on_done(self) -> list[Event]:
        self._close_all()
        return self._w.drain()

    def _on_value(self, value: Any, data: str) -> list[Event]:
        chunk_type = value.get("type")
        if not isinstance(chunk_type, str):
            return self._invalid("no-type", data)
        if chunk_type == "text-delta" and "textDelta" not in value:
            # The hot path: a current-style delta for an explicitly started
            # text part (what _on_text_delta does for it, minus the lookups).
            delta, part_id = value.get("delta"), value.get("id")
            if type(delta) is str and type(part_id) is str and "providerMetadata" not in value:
                index = self._text_parts["text"].get(part_id)
                if index is not None:
                    self._ui.apply(value)
                    # the writer holds nothing between chunks
                    return self._w.delta_event(index, delta)
        elif chunk_type == "tool-input-delta":
            # As hot where tool arguments stream: buffered, no event yet.
            self._ui.apply(value)
            self._tools.input_delta(value)
            return []
        self._ui.apply(value)
        handler = _HANDLERS.get(chunk_type)
        if handler is not None:
            handler(self, value)
        elif self._tools.handle(value):
            pass
        elif chunk_type.startswith("data-"):
            if not value.get("transient"):
                item: dict[str, Any] = {"name": chunk_type[5:]}
                if "data" in value:
                    item["data"] = value["data"]
                self._w.out.append(Data(data=[item]))
        elif chunk_type not in _IGNORED:
            self._warnings.warn(
                f"ui:unknown:{chunk_type}",
                f"Ignored unknown UIMessageStream chunk type: {chunk_type}",
            )
        return self._w.drain()

    # -- helpers --------------------------------------------------------------

    def _close_text_parts(self) -> None:
        for kind in ("text", "reasoning"):
            parts = self._text_parts[kind]
            for index in parts.values():
                self._w.finish(index)
            parts.clear()
            self._active_text.pop(kind, None)

    def _close_all(self) -> None:
        # At [DONE]: buffered tool calls are emitted, then everything closes.
        self._tools.emit_pending()
        self._close_text_parts()
        self._tools.close()
        self._w.close_append()

    # -- message-level chunks ---------------------------------------------

    def _on_start(self, chunk: dict[str, Any]) -> None:
        message_id = chunk.get("messageId")
        if not isinstance(message_id, str):
            message_id = new_id(ASSISTANT_UI_ID_LENGTH)
        self._message_id = message_id
        self._step_opened_by_start = True
        self._w.out.append(StepStart(message_id=message_id))

    def _on_start_step(self, chunk: dict[str, Any]) -> None:
        message_id = chunk.get("messageId")
        if not isinstance(message_id, str):
            message_id = (
                self._message_id if self._message_id is not None else new_id(ASSISTANT_UI_ID_LENGTH)
            )
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
                usage=usage_object(chunk.get("usage"), ZERO_USAGE),
                is_continued=is_continued if isinstance(is_continued, bool) else False,
            )
        )

    def _on_finish(self, chunk: dict[str, Any]) -> None:
        self._close_text_parts()
        self._w.out.append(
            MessageFinish(
                finish_reason=_reason(chunk.get("finishReason")),
                usage=usage_object(chunk.get("usage"), ZERO_USAGE),
            )
        )

    def _on_abort(self, chunk: dict[str, Any]) -> None:
        self._tools.discard_pending()
        self._on_finish({"finishReason": "other"})

    def _on_error(self, chunk: dict[str, Any]) -> None:
        self._w.out.append(ErrorEvent(error=error_text(chunk.get("errorText"))))

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


# One table for the class, of plain functions (bound methods kept on the
# instance would make a reference cycle, freed only by the cyclic GC).
_HANDLERS: Final[dict[str, Callable[[UIMessageStreamDecoder, dict[str, Any]], None]]] = {
    "start": UIMessageStreamDecoder._on_start,
    "start-step": UIMessageStreamDecoder._on_start_step,
    "finish-step": UIMessageStreamDecoder._on_finish_step,
    "finish": UIMessageStreamDecoder._on_finish,
    "abort": UIMessageStreamDecoder._on_abort,
    "error": UIMessageStreamDecoder._on_error,
    "text-start": UIMessageStreamDecoder._on_text_start,
    "reasoning-start": UIMessageStreamDecoder._on_text_start,
    "text-delta": UIMessageStreamDecoder._on_text_delta,
    "reasoning-delta": UIMessageStreamDecoder._on_text_delta,
    "text-end": UIMessageStreamDecoder._on_text_end,
    "reasoning-end": UIMessageStreamDecoder._on_text_end,
    "source-url": UIMessageStreamDecoder._on_source_url,
    "source": UIMessageStreamDecoder._on_source,
    "source-document": UIMessageStreamDecoder._on_source_document,
    "file": UIMessageStreamDecoder._on_file,
}


# Detection (docs/protocols.md §2.8 step 3).
_DETECTED_TYPES: Final = frozenset(
    {
        "start",
        "start-step",
        "finish-step",
        "finish",
        "abort",
        "text-start",
        "reasoning-start",
        "source-url",
        "source-document",
        "message-metadata",
        "tool-call-start",
    }
)
_DETECTED_PREFIXES: Final = ("tool-input-", "tool-output-", "tool-approval-", "data-")


def claims_event(value: Any) -> bool:
    """Whether a first SSE event's JSON value is a UI message stream chunk
    (asked after assistant-transport declined it)."""
    if not isinstance(value, dict):
        return False
    kind = value.get("type")
    if not isinstance(kind, str):
        return False
    if kind in _DETECTED_TYPES or kind.startswith(_DETECTED_PREFIXES):
        return True
    if kind == "text-delta":
        return "delta" in value or "id" in value or "textDelta" in value
    if kind == "tool-call-delta":
        return "argsText" in value
    if kind == "error":
        return "errorText" in value
    return False
