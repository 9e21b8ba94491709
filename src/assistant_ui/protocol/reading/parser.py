"""The one object the HTTP shells drive: response bytes in, events out.

Pipeline (each stage is its own small class; this module only wires them)::

    bytes -> BOMStripper -> detection (headers, then a sniffed prefix)
          -> framing (LineSplitter | SSEReader | UTF-8 text)
          -> decoder (one per encoding) -> MessageAccumulator

Strategy:

- Until the encoding is known, raw bytes are held (at most the 64 KiB
  sniffing prefix plus the read that completed it) and replayed into the
  chosen framing; after that every read goes straight through. A body
  that breaks while undecided (:meth:`StreamParser.fail`) has its held
  bytes decoded as a body ending there would be, so the partial message
  keeps them.
- :attr:`StreamParser.finished` says the end marker arrived, so an HTTP
  reader need not wait for the connection to close.
- Decoders are looked up by encoding name and imported on first use, so
  this module imports even while some decoders are not installed.
- Errors: a decoder or the accumulator raises a bare reason; this module
  adds the offending line (or SSE event data), its byte offset in the body,
  the encoding, the partial message and the state, so callers get one typed
  :class:`~assistant_ui.errors.StreamError` that says what and where. After
  an error the parser refuses more input (``feed`` raises
  :class:`~assistant_ui.errors.UsageError`); ``close`` is then a no-op.
- ``[DONE]`` (SSE) stops processing: later bytes are ignored unread.
- ``application/json`` is not a stream. The HTTP client reads such replies
  itself and never makes a parser for them; a parser that is nevertheless
  given one (or :func:`~assistant_ui._decoding.decode_stream` given JSON
  bytes) raises :class:`~assistant_ui.errors.StreamDecodeError` saying so,
  with the start of the body.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from assistant_ui.errors import (
    IncompleteStreamError,
    StreamDecodeError,
    StreamError,
    UsageError,
)
from assistant_ui.protocol.encodings import encoding_named
from assistant_ui.protocol.events import Event
from assistant_ui.protocol.framing import (
    DEFAULT_MAX_LINE_BYTES,
    BOMStripper,
    Line,
    LineSplitter,
    SSEEvent,
    SSEReader,
)
from assistant_ui.protocol.leniency import WarningSink
from assistant_ui.protocol.reading.detect import (
    EncodingSniffer,
    encoding_from_headers,
    media_type,
    sniff_mode,
)

if TYPE_CHECKING:
    from assistant_ui.protocol.reading.accumulator import MessageAccumulator

__all__ = ["StreamParser"]


def _utf16_length(text: str) -> int:
    # The reference counts JS string length: UTF-16 code units.
    return len(text.encode("utf-16-le")) // 2


class StreamParser:
    """Decodes one streamed response body into events and a message.

    Feed it the body in whatever pieces the network delivers; any split of
    the same bytes gives the same message.

    Args:
        encoding: the wire encoding, when the caller knows it (one of
            ``"data-stream"``, ``"ui-message-stream"``,
            ``"assistant-transport"``, ``"plain-text"``, ``"openai"``,
            ``"object-stream"``). ``None`` detects it (docs/protocols.md §2.8).
        headers: the response headers, for detection.
        initial_state: the assistant-transport state the message starts from.
        strict: decode exactly as the reference does (fatal on unknown chunk
            types, unknown tool call ids, bad state operations). The default
            drops such input with a warning.
        default_encoding: the flavour's default, used when detection cannot
            decide (an ambiguous SSE body uses it if it is an SSE encoding,
            else the UI message stream).
        max_line_bytes: longest line (or SSE event data) accepted.
        warnings: where dropped input is reported.
        previous_ui_message: the AI SDK UIMessage this reply continues (the
            last assistant message of a ``submit-message`` request, docs/protocols.md
            3.9): :attr:`ui_message` then extends it instead of starting a new
            message. Used only when the body is a UI message stream; never
            modified.
        events: return the events from :meth:`feed` and :meth:`close`. With
            ``False`` they return empty lists and the events only build the
            message, and plain text and argument deltas skip the event
            object altogether (:meth:`skip_delta_events`; the path of
            :func:`~assistant_ui.decode_stream` when no events are asked for).

    Example::

        parser = StreamParser(headers=response.headers)
        for chunk in response.iter_bytes():
            for event in parser.feed(chunk):
                ...
        parser.close()
        message = parser.message

    Raises:
        InvalidRequestError: for an unknown encoding name.
    """

    def __init__(
        self,
        *,
        encoding: str | None = None,
        headers: Mapping[str, str] | None = None,
        initial_state: Any = None,
        strict: bool = False,
        default_encoding: str = "data-stream",
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
        warnings: WarningSink | None = None,
        previous_ui_message: Mapping[str, Any] | None = None,
        events: bool = True,
    ) -> None:
        from assistant_ui.protocol.reading.accumulator import MessageAccumulator

        for name in (encoding, default_encoding):
            if name is not None:
                encoding_named(name)  # raises the InvalidRequestError
        self.warnings = warnings if warnings is not None else WarningSink()
        self.accumulator: MessageAccumulator = MessageAccumulator(
            initial_state=initial_state, strict=strict, warnings=self.warnings
        )
        self._strict = strict
        self._max_line_bytes = max_line_bytes
        self._previous_ui_message = previous_ui_message
        self._events = events
        self._skip_deltas = not events
        self._media_type = media_type(headers)
        self._encoding: str | None = encoding or encoding_from_headers(headers)
        self._sniffer: EncodingSniffer | None = None
        if self._encoding is None:
            self._sniffer = EncodingSniffer(
                mode=sniff_mode(headers), default_encoding=default_encoding
            )
        self._bom = BOMStripper()
        self._held = bytearray()  # raw bytes seen while sniffing, replayed once decided
        self._decoder: Any = None
        self._framing: Literal["lines", "sse", "text"] | None = None
        self._lines: LineSplitter | None = None
        self._sse: SSEReader | None = None
        self._text = codecs.getincrementaldecoder("utf-8")("replace")
        self._done = False  # [DONE] arrived: ignore the rest
        self._phase: Literal["open", "closed", "failed"] = "open"

    # --- public surface ----------------------------------------------------------

    @property
    def encoding(self) -> str | None:
        """The encoding being decoded, or ``None`` until it is detected."""
        return self._encoding

    @property
    def message(self) -> dict[str, Any]:
        """A fresh snapshot of the assistant message so far."""
        return self.accumulator.snapshot()

    @property
    def live_message(self) -> dict[str, Any]:
        """The assistant message so far as a read-only view that is updated
        in place (the same dict every time): cheap to read after every
        event, where :attr:`message` copies the whole message per read.
        Do not change it; take :attr:`message` to keep or change a copy.
        See :meth:`~assistant_ui.protocol.reading.accumulator.MessageAccumulator.live_view`."""
        return self.accumulator.live_view()

    @property
    def state(self) -> Any:
        """The assistant-transport state (``metadata.unstable_state``)."""
        return self.accumulator.state

    @property
    def ui_message(self) -> dict[str, Any] | None:
        """The AI SDK UIMessage, when the body is a UI message stream."""
        if self._decoder is None:
            return None
        value = getattr(self._decoder, "ui_message", None)
        return value if isinstance(value, dict) else None

    @property
    def finished(self) -> bool:
        """True once the body carried its encoding's end marker (``[DONE]``,
        the data stream's ``d:`` message finish, the NDJSON ``done`` line):
        the message is complete whatever the connection does next, so a
        reader may stop waiting for the end of the body. Encodings without
        an end marker (plain text, object stream) are finished only by the
        end of the body."""
        if self._done:
            return True
        return bool(getattr(self._decoder, "finished", False))

    def feed(self, data: bytes) -> list[Event]:
        """Decodes the next piece of the body; returns the events it completed.

        Raises:
            StreamDecodeError: a frame the decoder cannot accept (strict mode,
                an over-long line, a JSON body); ``line``, ``offset``,
                ``encoding`` and ``partial_message`` say where and what.
            UsageError: after ``close`` or an earlier error.
        """
        if self._phase != "open":
            raise UsageError(f"feed() called on a {self._phase} StreamParser")
        if self._done or not data:
            return []
        try:
            out = self._process(self._bom.feed(data))
        except StreamError as exc:
            error = self._failed(exc)
            if error is exc:
                raise
            raise error from exc
        return out if self._events else []

    def close(self) -> list[Event]:
        """Ends the body: closes open parts and settles the message status.

        Returns the events that ending produced. Idempotent; a no-op after an
        error.

        Raises:
            IncompleteStreamError: the body ended mid-line, or without the
                encoding's end marker (``[DONE]``); the dangling line is not
                applied and ``partial_message`` is the message before it.
            StreamDecodeError: as for :meth:`feed`.
        """
        if self._phase != "open":
            return []
        try:
            out = self._process(self._bom.flush())
            if self._framing is None:
                held = bytes(self._held)
                self._held.clear()
                if self._encoding is None:
                    assert self._sniffer is not None
                    self._decide(self._sniffer.finish(), held)
                self._start()
                out += self._push(held)
            out += self._flush_framing()
            ending = self._decoder.end()
            self._apply(ending, None)
            out += ending
            self.accumulator.finish()
        except StreamError as exc:
            error = self._failed(exc)
            if error is exc:
                raise
            raise error from exc
        self._phase = "closed"
        return out if self._events else []

    def skip_delta_events(self, skip: bool = True) -> None:
        """From now on, plain text, reasoning and tool-argument deltas are
        applied to the message without an event: :meth:`feed` and
        :meth:`close` no longer return them (every other event still comes),
        and :attr:`skipped_events` counts them. For a reader that has stopped
        looking at deltas and only wants the message (``until_done()``).
        ``skip=False`` makes them events again (a resumed stream whose
        reader iterates them; with ``events=False`` nothing is returned
        either way)."""
        self._skip_deltas = skip
        if self._decoder is not None:
            self._send_deltas_to_message()

    @property
    def skipped_events(self) -> int:
        """How many delta events were applied without being built or
        returned (see :meth:`skip_delta_events`)."""
        return int(getattr(self._decoder, "sent_direct", 0))

    def _send_deltas_to_message(self) -> None:
        send_text_to = getattr(self._decoder, "send_text_to", None)
        if send_text_to is not None:  # decoders that write through a PartWriter
            send_text_to(self.accumulator.append_text if self._skip_deltas else None)

    def fail(self, status: dict[str, Any]) -> None:
        """Records a runtime-level status (a transport error or a cancel),
        keeping everything received; the parser takes no more input.

        Bytes still held while the encoding was undecided are decoded first,
        as the encoding a body ending here would have, so the partial
        message keeps them (an unfinished line stays unapplied)."""
        if self._phase == "open":
            self._salvage_held()
            self._phase = "failed"
        self.accumulator.set_status(status)

    def _salvage_held(self) -> None:
        if self._framing is not None or self._done:
            return
        try:
            rest = self._bom.flush()  # only ever bytes of a would-be BOM
            decided = None
            if rest and self._sniffer is not None:
                decided = self._sniffer.feed(rest)
            held = bytes(self._held) + rest
            self._held.clear()
            if not held:
                return
            if self._encoding is None:
                assert self._sniffer is not None
                self._decide(decided or self._sniffer.finish(), held)
            self._start()
            self._push(held)
        except StreamError:
            pass  # what cannot be decoded is not kept; the status says why

    # --- stages ------------------------------------------------------------------

    def _process(self, data: bytes) -> list[Event]:
        if not data or self._done:
            return []
        if self._framing is None:
            self._held += data
            if self._encoding is None:
                assert self._sniffer is not None
                decided = self._sniffer.feed(data)
                if decided is None:
                    return []
                self._decide(decided, bytes(self._held))
            data = bytes(self._held)
            self._held.clear()
            self._start()
        return self._push(data)

    def _decide(self, decided: str, held: bytes) -> None:
        if decided == "json":
            excerpt = held.decode("utf-8", "replace")
            kind = f"Content-Type: {self._media_type}" if self._media_type else "no Content-Type"
            raise StreamDecodeError(
                f"the response body is a JSON document ({kind}), not a stream; "
                "read it as JSON (for example response.json())",
                line=excerpt,
                offset=self._bom.stripped,
            )
        self._encoding = decided

    def _start(self) -> None:
        assert self._encoding is not None
        cls = encoding_named(self._encoding).decoder
        options: dict[str, Any] = {}
        if self._previous_ui_message is not None and getattr(cls, "continues_ui_message", False):
            options["previous_message"] = self._previous_ui_message
        self._decoder = cls(strict=self._strict, warnings=self.warnings, **options)
        if self._skip_deltas:
            self._send_deltas_to_message()
        self._framing = cls.framing
        if self._framing == "lines":
            self._lines = LineSplitter(
                max_line_bytes=self._max_line_bytes, start_offset=self._bom.stripped
            )
        elif self._framing == "sse":
            self._sse = SSEReader(
                max_line_bytes=self._max_line_bytes, start_offset=self._bom.stripped
            )

    def _push(self, data: bytes) -> list[Event]:
        if not data:
            return []
        if self._framing == "lines":
            return self._push_lines(data)
        if self._framing == "sse":
            return self._push_sse(data)
        events: list[Event] = self._decoder.decode_text(self._text.decode(data))
        self._apply(events, None)
        return events

    def _push_lines(self, data: bytes) -> list[Event]:
        assert self._lines is not None
        decode = self._decoder.decode_line
        apply = self.accumulator.apply
        out: list[Event] = []
        line: Line | None = None
        text: str | None = None
        start = position = 0
        try:
            raw = self._lines.feed_raw(data)
            if raw is None:  # CR line endings: the general splitter
                for line in self._lines.feed(data):
                    events: list[Event] = decode(line.text)
                    for event in events:
                        apply(event)
                    out += events
                return out
            # Nearly every body: undecoded lines, with no Line built for
            # them; the offset is kept only to report an error.
            chunk, start = raw
            for position, raw_line in enumerate(chunk):  # noqa: B007 (read on an error)
                text = raw_line.decode("utf-8", "replace")
                events = decode(text)
                if events:  # often none: deltas the decoder sent straight to the message
                    for event in events:
                        apply(event)
                    out += events
        except StreamDecodeError as exc:
            if line is None and text is not None:
                # The failing line's offset, counted only now.
                start += sum(len(raw_line) + 1 for raw_line in chunk[:position])
                line = Line(text, start)
            raise self._with_context(exc, line) from exc
        return out

    def _push_sse(self, data: bytes) -> list[Event]:
        assert self._sse is not None
        decoder = self._decoder
        decode_data = decoder.decode_data
        apply = self.accumulator.apply
        out: list[Event] = []
        items: list[str | SSEEvent] = []
        offsets: list[int] = []
        position = -1
        try:
            items, offsets = self._sse.feed(data)
            for item in items:
                position += 1
                events: list[Event] = (
                    decode_data(item) if type(item) is str else decoder.decode_event(item)
                )
                for event in events:
                    apply(event)
                out += events
                if decoder.done:
                    self._done = True
                    break
        except StreamDecodeError as exc:
            line = None
            if position >= 0:
                item = items[position]
                line = Line(item if isinstance(item, str) else item.data, offsets[position])
            # Keep what the failing frame produced before the error, as the
            # reference does; the error stays the frame's own.
            try:
                for event in decoder.salvage():
                    apply(event)
            except StreamDecodeError:
                pass
            raise self._with_context(exc, line) from exc
        return out

    def _flush_framing(self) -> list[Event]:
        if self._done:
            return []
        if self._framing == "text":
            events: list[Event] = self._decoder.decode_text(self._text.decode(b"", True))
            self._apply(events, None)
            return events
        if self._sse is not None:
            dropped = self._sse.flush()
        else:
            assert self._lines is not None
            tail = self._lines.flush()
            if tail is None:
                return []
            excerpt = tail.text if len(tail.text) <= 200 else tail.text[:200] + "..."
            raise IncompleteStreamError(
                f"Stream ended with an incomplete line ({_utf16_length(tail.text)} characters)"
                f" ({self._encoding}, byte {tail.offset}): {excerpt!r}"
            )
        if dropped:
            # SSE: an event needs its blank line; an unterminated one is dropped.
            self.warnings.warn(
                "parser:unterminated-sse-event",
                "Dropped an SSE event that the body ended before dispatching",
            )
        return []

    def _apply(self, events: list[Event], line: Line | None) -> None:
        apply = self.accumulator.apply
        try:
            for event in events:
                apply(event)
        except StreamDecodeError as exc:
            raise self._with_context(exc, line) from exc

    # --- errors ------------------------------------------------------------------

    def _with_context(self, exc: StreamError, line: Line | None) -> StreamError:
        """The same error, with the line, offset, encoding, partial message and
        state filled in."""
        partial = self.accumulator.snapshot()
        state = self.accumulator.state
        if isinstance(exc, StreamDecodeError):
            if exc.offset is not None or line is None:
                where, offset = exc.line, exc.offset  # located already (framing limits)
            else:
                where, offset = line.text, line.offset
            return type(exc)(
                exc.reason,
                line=where,
                offset=offset,
                encoding=exc.encoding or self._encoding,
                partial_message=partial,
                state=state,
            )
        if isinstance(exc, IncompleteStreamError):
            return type(exc)(str(exc), partial_message=partial, state=state)
        exc.partial_message = partial
        exc.state = state
        return exc

    def _failed(self, exc: StreamError) -> StreamError:
        self._phase = "failed"
        if exc.partial_message is not None:
            return exc
        return self._with_context(exc, None)
