"""What every wire decoder looks like, and the warnings channel they share.

A decoder turns *frames* of one encoding into canonical events
(:mod:`.events`). Framing (bytes to text, lines or SSE events) is done once,
by :mod:`.framing`, before any decoder sees the input, so a decoder never
deals with network chunk boundaries. There are three kinds of frame:

- ``"text"``: raw text pieces (plain text, docs/protocols.md §2.5);
- ``"lines"``: complete lines without their line ending (data stream, 2.2);
- ``"sse"``: dispatched server-sent events (UI message stream 2.3,
  assistant-transport SSE 2.4.3, OpenAI chunks and object stream 2.6).

The SSE decoders share their prelude (event names, ``[DONE]``, JSON parsing,
a missing ``[DONE]``) through :class:`~.sse_json.SSEJSONDecoder`, and number
their parts through :class:`~.part_writer.PartWriter`, as the data stream
decoder does.

Errors: on input it cannot accept, a decoder raises
:class:`~assistant_ui.errors.StreamDecodeError` (or
:class:`~assistant_ui.errors.IncompleteStreamError` from ``end``) with just
the reason; the caller that fed the frame adds the line, its byte offset and
the partial message. After raising, a decoder is not used again.

Input a decoder drops (lenient mode, or what the reference drops in both
modes) is reported through :class:`~assistant_ui.protocol.leniency.WarningSink`,
once per distinct key, as the reference logs each distinct warning once.
"""

from __future__ import annotations

from typing import ClassVar, Literal, Protocol

from assistant_ui.protocol.events import Event
from assistant_ui.protocol.framing import SSEEvent

__all__ = [
    "Framing",
    "LineFrameDecoder",
    "SSEFrameDecoder",
    "TextFrameDecoder",
]

Framing = Literal["text", "lines", "sse"]


class TextFrameDecoder(Protocol):
    """A decoder fed raw text (plain text)."""

    encoding: ClassVar[str]
    framing: ClassVar[Literal["text"]]

    def decode_text(self, text: str) -> list[Event]:
        """Events for one piece of text."""
        ...

    def end(self) -> list[Event]:
        """Events that close the message when the body ends."""
        ...


class LineFrameDecoder(Protocol):
    """A decoder fed complete lines (data stream)."""

    encoding: ClassVar[str]
    framing: ClassVar[Literal["lines"]]

    def decode_line(self, line: str) -> list[Event]:
        """Events for one line (line ending removed)."""
        ...

    def end(self) -> list[Event]:
        """Events that close the message when the body ends cleanly.

        Raises:
            IncompleteStreamError: if the encoding requires an end marker
                that never came.
        """
        ...


class SSEFrameDecoder(Protocol):
    """A decoder fed server-sent events."""

    encoding: ClassVar[str]
    framing: ClassVar[Literal["sse"]]

    @property
    def done(self) -> bool:
        """True once ``[DONE]`` arrived: later input must be ignored."""
        ...

    def decode_event(self, event: SSEEvent) -> list[Event]:
        """Events for one dispatched SSE event."""
        ...

    def decode_data(self, data: str) -> list[Event]:
        """Events for one dispatched event named ``message``, given its data."""
        ...

    def salvage(self) -> list[Event]:
        """After :meth:`decode_event` raised: the events that event had
        produced before the error (applied by the parser, so the partial
        message has them, as the reference's does)."""
        ...

    def end(self) -> list[Event]:
        """Events that close the message when the body ends.

        Raises:
            IncompleteStreamError: when ``[DONE]`` never came (strict mode,
                or always for the UI message stream).
        """
        ...
