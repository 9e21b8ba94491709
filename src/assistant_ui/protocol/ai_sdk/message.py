"""The AI SDK's own ``UIMessage``, built from UI message stream chunks
(docs/protocols.md §3.9).

The AI SDK chat flavour sends the whole conversation back as UIMessages on
every request, so the client must hold each assistant reply exactly as the
AI SDK's client builds it (``processUIMessageStream`` of ``ai`` 7): step
boundaries, tool parts with their ``input``/``output`` states, data parts
and metadata included.

- :class:`UIMessageAccumulator` folds raw chunks into that message; the UI
  message stream decoder feeds it (``decoder.ui_message``).
- Which chunks the AI SDK accepts is :mod:`.ui_chunk_schema`; tool chunks
  are applied by :mod:`.ui_tool_chunks` (writing parts as
  :mod:`.ui_tool_parts` says).
- Reading and answering a UIMessage (:func:`ui_message_to_parts`,
  :func:`set_tool_output`) live in :mod:`.ui_message_parts` and are
  re-exported here.

Where the AI SDK stops reading the stream (a chunk that fails its chunk
schema, a delta for a text part that was never started, a tool chunk for an
unknown call, an ``error`` chunk), strict mode stops too: later chunks are
not applied (:attr:`UIMessageAccumulator.stopped`). The lenient default
drops just the offending chunk with a warning and goes on, except after an
``error`` chunk, which always ends it. Nothing here ever raises: this message
is a by-product of decoding and must not abort it.

Where docs/protocols.md §3.9 and ``ai`` 7.0.173 differ, the SDK wins: a failed
static tool call keeps its raw input in ``input`` (not ``rawInput``), a
streaming tool part carries the raw text in ``rawInput``, ``finish-step``
does not forget open text parts, and approval responses keep every field of
the request.

Text and streamed tool input are kept as pieces and joined, or parsed, only
when a snapshot is taken, so long replies stay linear.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any, Final

from assistant_ui.protocol.ai_sdk.chunk_schema import schema_error, writes_message
from assistant_ui.protocol.ai_sdk.parts import set_tool_output, ui_message_to_parts
from assistant_ui.protocol.ai_sdk.tool_chunks import UIToolChunks, step_start_index
from assistant_ui.protocol.ai_sdk.tool_parts import assign, is_tool_part, pick
from assistant_ui.protocol.ids import new_id
from assistant_ui.protocol.leniency import WarningSink
from assistant_ui.protocol.text import TextBuffer, copy_json

__all__ = [
    "UIMessageAccumulator",
    "is_tool_part",
    "merge_metadata",
    "set_tool_output",
    "ui_message_to_parts",
]


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


class _Stop:
    """Whether and why the AI SDK would have stopped reading, shared by the
    accumulator and its tool half (a callback bound to the accumulator
    itself would make a reference cycle)."""

    __slots__ = ("_strict", "_warnings", "error", "stopped")

    def __init__(self, strict: bool, warnings: WarningSink) -> None:
        self._strict = strict
        self._warnings = warnings
        self.stopped = False
        self.error: str | None = None

    def fail(self, message: str) -> None:
        """Reports a chunk the AI SDK would fail on (strict: stop there)."""
        self._warnings.warn(f"ui-message:{message}", message)
        if self._strict:
            self.error = message
            self.stopped = True


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
            self._message = {"id": new_id(), "role": "assistant", "parts": []}
        self._parts: list[dict[str, Any]] = self._message["parts"]
        self._active_text: dict[str, dict[str, Any]] = {}
        self._active_reasoning: dict[str, dict[str, Any]] = {}
        # id(part) -> (part, its text pieces) for text parts still streaming
        self._buffers: dict[int, tuple[dict[str, Any], TextBuffer]] = {}
        self._stop = _Stop(strict, self._warnings)
        self._tools = UIToolChunks(self._parts, self._stop.fail)
        self.written = previous is not None and previous.get("role") == "assistant"
        """Whether the AI SDK would have written the message to its list by
        now (a continued message always is)."""
        self.finish_reason: str | None = None
        """The ``finishReason`` of the ``finish`` chunk (not stored on the message)."""

    @property
    def stopped(self) -> bool:
        """True once no more chunks are applied (see :attr:`error`)."""
        return self._stop.stopped

    @stopped.setter
    def stopped(self, value: bool) -> None:
        self._stop.stopped = value

    @property
    def error(self) -> str | None:
        """Why the AI SDK would have stopped: an error chunk's ``errorText``
        or, in strict mode, the chunk it fails on."""
        return self._stop.error

    @error.setter
    def error(self, value: str | None) -> None:
        self._stop.error = value

    @property
    def message_id(self) -> str:
        """The message id (from ``start``, the continued message, or generated)."""
        return str(self._message["id"])

    def apply(self, chunk: Mapping[str, Any]) -> None:
        """Applies one parsed chunk (a dict with a string ``type``)."""
        if self._stop.stopped:
            return
        chunk_type = chunk.get("type")
        if chunk_type == "text-delta" and "providerMetadata" not in chunk:
            # The hot path (what the general path does for a valid delta of
            # a streaming text part, minus the lookups).
            part_id, delta = chunk.get("id"), chunk.get("delta")
            if type(part_id) is str and type(delta) is str:
                part = self._active_text.get(part_id)
                entry = None if part is None else self._buffers.get(id(part))
                if entry is not None:
                    entry[1].append(delta)
                    entry[1].dirty = True
                    self.written = True
                    return
        elif chunk_type == "tool-input-delta":
            # As hot: the next delta of the call the last chunk streamed
            # into only adds text (see UIToolChunks.streaming_input).
            streaming = self._tools.streaming_input
            delta = chunk.get("inputTextDelta")
            if (
                streaming is not None
                and streaming[0] == chunk.get("toolCallId")
                and type(delta) is str
            ):
                streaming[1].append(delta)
                return
        self._tools.streaming_input = None
        problem = schema_error(chunk)
        if problem is not None:
            self._fail(f"Invalid UI message chunk ({problem})")
            return
        assert isinstance(chunk_type, str)  # schema_error checked it
        handler = _HANDLERS.get(chunk_type)
        as_dict = chunk if isinstance(chunk, dict) else dict(chunk)
        if handler is not None:
            handler(self, as_dict)
        elif self._tools.handle(as_dict):
            pass
        elif chunk_type.startswith("data-"):
            self._on_data(dict(chunk))
        if not self.written and not self.stopped and writes_message(chunk_type, chunk):
            self.written = True

    @property
    def message(self) -> dict[str, Any] | None:
        """:meth:`snapshot`, or ``None`` while the AI SDK would not have put
        the message in its list yet (nothing written, nothing continued)."""
        return self.snapshot() if self.written else None

    def snapshot(self) -> dict[str, Any]:
        """A fresh, JSON-compatible copy of the UIMessage so far."""
        self._flush()
        message: dict[str, Any] = copy_json(self._message)
        return message

    def _fail(self, message: str) -> None:
        self._stop.fail(message)

    # -- lazily materialised text and input ---------------------------------

    def _flush(self) -> None:
        for part, buffer in self._buffers.values():
            if buffer.dirty:
                buffer.dirty = False
                part["text"] = buffer.text()
        self._tools.flush_inputs()

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
        self._buffers[id(part)] = (part, TextBuffer())

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
            entry = self._buffers[id(part)] = (part, TextBuffer(part.get("text", "")))
        buffer = entry[1]
        buffer.append(chunk["delta"])
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
        self._parts.append({"type": "custom", **pick(chunk, "kind", "providerMetadata")})

    def _on_file(self, chunk: dict[str, Any]) -> None:
        part = {"type": chunk["type"], **pick(chunk, "mediaType", "url")}
        if chunk.get("providerMetadata") is not None:
            part["providerMetadata"] = chunk["providerMetadata"]
        self._parts.append(part)

    def _on_source_url(self, chunk: dict[str, Any]) -> None:
        self._parts.append(
            {"type": "source-url", **pick(chunk, "sourceId", "url", "title", "providerMetadata")}
        )

    def _on_source_document(self, chunk: dict[str, Any]) -> None:
        keys = ("sourceId", "mediaType", "title", "filename", "providerMetadata")
        self._parts.append({"type": "source-document", **pick(chunk, *keys)})

    def _on_steering_message(self, chunk: dict[str, Any]) -> None:
        self._parts.append({"type": "steering-message", **pick(chunk, "id", "parts")})

    def _on_data(self, chunk: dict[str, Any]) -> None:
        if chunk.get("transient"):
            return
        if chunk.get("id") is not None:
            for part in self._parts:
                if part.get("type") == chunk["type"] and part.get("id") == chunk["id"]:
                    assign(part, "data", chunk)
                    return
        self._parts.append(chunk)

    # -- steps, metadata, errors -------------------------------------------

    def _on_start_step(self, chunk: dict[str, Any]) -> None:
        self._parts.append({"type": "step-start"})

    def _on_reset_step(self, chunk: dict[str, Any]) -> None:
        self._flush()
        self._active_text.clear()
        self._active_reasoning.clear()
        self._tools.reset_step()
        start = step_start_index(self._parts)
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


# One table for the class, of plain functions (bound methods kept on the
# instance would make a reference cycle, freed only by the cyclic GC).
_HANDLERS: Final[dict[str, Callable[[UIMessageAccumulator, dict[str, Any]], None]]] = {
    "text-start": UIMessageAccumulator._on_text_start,
    "text-delta": UIMessageAccumulator._on_text_delta,
    "text-end": UIMessageAccumulator._on_text_end,
    "reasoning-start": UIMessageAccumulator._on_text_start,
    "reasoning-delta": UIMessageAccumulator._on_text_delta,
    "reasoning-end": UIMessageAccumulator._on_text_end,
    "custom": UIMessageAccumulator._on_custom,
    "file": UIMessageAccumulator._on_file,
    "reasoning-file": UIMessageAccumulator._on_file,
    "source-url": UIMessageAccumulator._on_source_url,
    "source-document": UIMessageAccumulator._on_source_document,
    "steering-message": UIMessageAccumulator._on_steering_message,
    "start-step": UIMessageAccumulator._on_start_step,
    "reset-step": UIMessageAccumulator._on_reset_step,
    "start": UIMessageAccumulator._on_start,
    "finish": UIMessageAccumulator._on_finish,
    "message-metadata": UIMessageAccumulator._on_metadata,
    "error": UIMessageAccumulator._on_error,
}
