"""Byte framing shared by every encoding: BOM, lines, SSE events.

Strategy (docs/protocols.md §2.1, 2.3.1):

- Work on bytes. A line ends at LF, CR or CRLF and nowhere else: never at
  U+2028 and friends, which ``str.splitlines`` would split on and which JS
  servers put raw inside JSON strings. CR and LF never occur inside a UTF-8
  multi-byte sequence, so each complete line can be decoded on its own, and a
  character cut across network reads is whole again once its line is.
- A CR that ends one read and an LF that starts the next are one line
  ending: a flag remembers the CR.
- Only the unterminated tail of the input is buffered (one ``bytearray``), so
  no byte is scanned twice and memory is bounded by the longest line.
- Limits are checked the moment they are passed, not after buffering.
- End of input is an explicit call (``flush``), which says what was left.

Every stage has the same two verbs as httpx's decoders: ``feed``/``decode``
returns whatever is complete (maybe nothing), ``flush`` finishes.
"""

from __future__ import annotations

import re
from typing import Any, Final

from assistant_ui.errors import LineTooLongError

__all__ = [
    "DEFAULT_MAX_LINE_BYTES",
    "BOMStripper",
    "Line",
    "LineSplitter",
    "SSEEvent",
    "SSEParser",
    "SSEReader",
]

# The reference rejects lines and SSE events over 16 Mi UTF-16 code units
# (docs/protocols.md §2.1). We count UTF-8 bytes, which is never fewer, so a stream
# the reference accepts is only refused here if it is mostly non-ASCII text.
DEFAULT_MAX_LINE_BYTES: Final = 16 * 1024 * 1024

_BOM: Final = b"\xef\xbb\xbf"
_DATA_BLOCK: Final = 1024
_EOL: Final = re.compile(rb"\r\n?|\n")


class BOMStripper:
    """Drops one UTF-8 byte-order mark at the very start of a body.

    The mark may itself arrive split over reads, so up to two leading bytes
    are held back until it is clear whether they start a BOM.
    """

    __slots__ = ("_done", "_held", "stripped")

    def __init__(self) -> None:
        self._held = b""
        self._done = False
        self.stripped = 0
        """How many bytes were dropped (0 or 3), for body offsets."""

    def feed(self, data: bytes) -> bytes:
        """Returns the bytes that follow the (possible) BOM."""
        if self._done:
            return data
        head = self._held + data
        if len(head) < len(_BOM) and _BOM.startswith(head):
            self._held = head
            return b""
        self._done = True
        self._held = b""
        if head.startswith(_BOM):
            self.stripped = len(_BOM)
            return head[len(_BOM) :]
        return head

    def flush(self) -> bytes:
        """Returns bytes held back when the body ends inside a BOM prefix."""
        held, self._held = self._held, b""
        self._done = True
        return held


class _Frame:
    """Equality and ``repr`` over ``__slots__``, as a dataclass has them.

    Frames are plain slotted classes, not frozen dataclasses: one is built per
    line, and a frozen dataclass pays an ``object.__setattr__`` per field.
    Treat them as immutable.
    """

    __slots__: tuple[str, ...] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, _Frame)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({inner})"


class Line(_Frame):
    """One line without its line ending, and where it started in the body."""

    __slots__ = ("text", "offset")  # noqa: RUF023 - field order, as in the repr

    def __init__(self, text: str, offset: int) -> None:
        self.text = text
        self.offset = offset


class LineSplitter:
    """Splits a byte stream into lines at LF, CR and CRLF.

    Args:
        max_line_bytes: longest line accepted, line ending excluded.
        start_offset: body offset of the first byte fed (for error reports).

    Raises:
        LineTooLongError: from ``feed`` as soon as a line passes the limit.
    """

    __slots__ = ("_error", "_line_start", "_max", "_offset", "_pending", "_skip_lf")

    def __init__(
        self, *, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES, start_offset: int = 0
    ) -> None:
        self._pending = bytearray()
        self._skip_lf = False
        self._max = max_line_bytes
        self._offset = start_offset  # body offset of the next byte fed
        self._line_start = start_offset
        self._error: LineTooLongError | None = None

    def feed(self, data: bytes) -> list[Line]:
        """Returns every line that ``data`` completes.

        When a line passes the limit after other lines completed in the same
        read, those lines are returned first and the error is raised by the
        next call, so that nothing received before the bad line is lost.
        """
        if self._error is not None:
            raise self._error
        lines: list[Line] = []
        try:
            self._split(data, lines)
        except LineTooLongError as exc:
            if not lines:
                raise
            self._error = exc
        return lines

    def feed_raw(self, data: bytes) -> tuple[list[bytes], int] | None:
        """:meth:`feed` without the decoding: the complete lines as bytes and
        the body offset of the first one (each next line starts one byte
        after the previous one ends).

        Only for input that ends its lines with LF alone, which is nearly all
        of it: returns ``None``, having consumed nothing, when ``data`` holds
        a CR or starts after one; call :meth:`feed` with it then. Limits and
        errors are those of :meth:`feed`.
        """
        if self._error is not None:
            raise self._error
        if self._skip_lf or 0x0D in data:
            return None
        start = self._line_start
        raw: list[bytes] = []
        try:
            self._split_lf(data, 0, raw)
        except LineTooLongError as exc:
            if not raw:
                raise
            self._error = exc
        return raw, start

    def _split(self, data: bytes, lines: list[Line]) -> None:
        pos = 0
        if self._skip_lf and data:
            self._skip_lf = False
            if data[0] == 0x0A:  # the LF half of a CRLF cut across reads
                pos = 1
                self._line_start += 1
        if 0x0D not in data:
            start = self._line_start
            raw: list[bytes] = []
            try:
                self._split_lf(data, pos, raw)
            finally:
                append = lines.append
                for line in raw:
                    append(Line(line.decode("utf-8", "replace"), start))
                    start += len(line) + 1
            return
        for match in _EOL.finditer(data, pos):
            end = match.start()
            if self._pending:
                self._pending += data[pos:end]
                raw_line = bytes(self._pending)
                self._pending.clear()
            else:
                raw_line = data[pos:end]
            if len(raw_line) > self._max:
                self._too_long(len(raw_line))
            lines.append(Line(raw_line.decode("utf-8", "replace"), self._line_start))
            pos = match.end()
            self._line_start = self._offset + pos
        if pos == len(data) and data and data[-1] == 0x0D:
            self._skip_lf = True
        if pos < len(data):
            self._pending += data[pos:]
            if len(self._pending) > self._max:
                self._too_long(len(self._pending))
        self._offset += len(data)

    def _split_lf(self, data: bytes, pos: int, raw: list[bytes]) -> None:
        """Splits input without CR (nearly all of it) into ``raw``, the
        complete lines as bytes: one ``bytes.split`` instead of a regex match
        per line. Lines before one over the limit are in ``raw`` when the
        error is raised."""
        pieces = (data[pos:] if pos else data).split(b"\n")
        tail = pieces.pop()  # after the last LF: the next line's start
        limit = self._max
        if pieces:
            if self._pending:
                self._pending += pieces[0]
                pieces[0] = bytes(self._pending)
                self._pending.clear()
            start = self._line_start
            if max(map(len, pieces)) > limit:
                for index, line in enumerate(pieces):
                    if len(line) > limit:
                        raw += pieces[:index]
                        self._line_start = start
                        self._too_long(len(line))
                    start += len(line) + 1
            raw += pieces
            self._line_start = start + sum(map(len, pieces)) + len(pieces)
        if tail:
            self._pending += tail
            if len(self._pending) > limit:
                self._too_long(len(self._pending))
        self._offset += len(data)

    def flush(self) -> Line | None:
        """Ends the input; returns the unterminated last line, if any."""
        if self._error is not None:
            raise self._error
        if not self._pending:
            return None
        raw = bytes(self._pending)
        self._pending.clear()
        return Line(raw.decode("utf-8", "replace"), self._line_start)

    @property
    def pending_bytes(self) -> int:
        """Bytes of the current, unterminated line held so far."""
        return len(self._pending)

    def _too_long(self, size: int) -> None:
        raise LineTooLongError(
            f"line longer than the {self._max}-byte limit ({size} bytes so far)",
            offset=self._line_start,
        )


class SSEEvent(_Frame):
    """One dispatched server-sent event.

    Attributes:
        data: the event's data lines joined with ``\\n``.
        event: the event name (``"message"`` when none was given).
        id: the last event id seen so far (it persists across events).
        retry: the reconnection time the server asked for, if it did.
        offset: body offset of the event's first line.
    """

    __slots__ = ("data", "event", "id", "retry", "offset")  # noqa: RUF023 - field order

    def __init__(
        self,
        data: str,
        event: str = "message",
        id: str | None = None,
        retry: int | None = None,
        offset: int = 0,
    ) -> None:
        self.data = data
        self.event = event
        self.id = id
        self.retry = retry
        self.offset = offset


class SSEParser:
    """Turns lines into server-sent events, as the WHATWG parser does.

    Comments (``:`` lines) are skipped; ``field:value`` loses one space after
    the colon; a line without a colon is a field with an empty value; an
    empty line dispatches the event if it had at least one data line; unknown
    fields are ignored; ``id`` containing NUL and non-numeric ``retry`` are
    ignored.

    Args:
        max_event_chars: longest joined event data accepted.

    Raises:
        LineTooLongError: from ``decode`` as soon as an event passes the limit.
    """

    __slots__ = ("_blocks", "_data", "_event", "_last_id", "_max", "_retry", "_size", "_start")

    def __init__(self, *, max_event_chars: int = DEFAULT_MAX_LINE_BYTES) -> None:
        self._max = max_event_chars
        self._data: list[str] = []
        # Every _DATA_BLOCK data lines are joined into one string, so that an
        # event made of millions of short lines costs its characters, not a
        # list slot and a string object per line (8-60 bytes each).
        self._blocks: list[str] = []
        self._size = 0
        self._event = ""
        self._last_id: str | None = None
        self._retry: int | None = None
        self._start: int | None = None

    def decode(self, line: Line) -> SSEEvent | None:
        """Feeds one line; returns an event when the line dispatches one."""
        text = line.text
        if not text:
            return self._dispatch()
        if text[0] == ":":
            return None
        if self._start is None:
            self._start = line.offset
        name, colon, value = text.partition(":")
        if colon and value[:1] == " ":
            value = value[1:]
        if name == "data":
            self._size += len(value) + 1
            if self._size > self._max:
                raise LineTooLongError(
                    f"SSE event data longer than the {self._max}-character limit",
                    offset=self._start,
                )
            data = self._data
            data.append(value)
            if len(data) >= _DATA_BLOCK:
                self._blocks.append("\n".join(data))
                self._data = []
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._last_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self._retry = int(value)
        return None

    def flush(self) -> bool:
        """Ends the input. Returns whether an unterminated event was dropped
        (the SSE rule: an event needs its blank line to be dispatched)."""
        dropped = bool(self._data or self._blocks)
        self._reset()
        return dropped

    def _dispatch(self) -> SSEEvent | None:
        if not self._data and not self._blocks:
            self._reset()
            return None
        # Joining with the same separator is associative: blocks, then the rest.
        lines = self._blocks + self._data if self._blocks else self._data
        event = SSEEvent(
            lines[0] if len(lines) == 1 else "\n".join(lines),
            self._event or "message",
            self._last_id,
            self._retry,
            self._start or 0,
        )
        self._reset()
        return event

    def _reset(self) -> None:
        self._data = []
        self._blocks = []
        self._size = 0
        self._event = ""
        self._start = None


class SSEReader:
    """Bytes to server-sent events: a :class:`LineSplitter` and an
    :class:`SSEParser`, with one shortcut for the shape nearly every event
    has on the wire.

    An event that is one ``data: ...`` line and its blank line, arriving
    while no other field is pending, is read straight from the bytes: its
    data is the rest of the line, as the parser would give it, without a
    :class:`Line` or an :class:`SSEEvent` being built. Everything else (CR
    line endings, comments, ``event:``/``id:``/``retry:`` fields,
    multi-line data, an event cut across reads) goes through the parser.
    Both give the same events for the same bytes, however they are split.

    Args:
        max_line_bytes: longest line, and longest event data, accepted.
        start_offset: body offset of the first byte fed.
    """

    __slots__ = ("lines", "sse")

    def __init__(
        self, *, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES, start_offset: int = 0
    ) -> None:
        self.lines = LineSplitter(max_line_bytes=max_line_bytes, start_offset=start_offset)
        self.sse = SSEParser(max_event_chars=max_line_bytes)

    def feed(self, data: bytes) -> tuple[list[str | SSEEvent], list[int]]:
        """The events ``data`` completes, and the body offset of each.

        An event named ``message`` (the default) is given as its data, a
        string; any other event as an :class:`SSEEvent`.

        Raises:
            LineTooLongError: as :meth:`LineSplitter.feed` and
                :meth:`SSEParser.decode` do (events before the bad line are
                returned first).
        """
        items: list[str | SSEEvent] = []
        offsets: list[int] = []
        sse = self.sse
        decode = sse.decode
        raw = self.lines.feed_raw(data)
        try:
            if raw is None:
                for split_line in self.lines.feed(data):
                    self._add(decode(split_line), items, offsets)
                return items, offsets
            lines, start = raw
            last = len(lines) - 1
            index = 0
            while index <= last:
                line = lines[index]
                # sse._start is None: no field of an event is pending. The
                # data of "data: X" is X; the blank line dispatches it. A
                # line within the limit is data within it too (6 bytes
                # shorter, and never more characters than bytes).
                if (
                    index < last
                    and not lines[index + 1]
                    and sse._start is None
                    and line.startswith(b"data: ")
                ):
                    items.append(line[6:].decode("utf-8", "replace"))
                    offsets.append(start)
                    start += len(line) + 2
                    index += 2
                    continue
                self._add(decode(Line(line.decode("utf-8", "replace"), start)), items, offsets)
                start += len(line) + 1
                index += 1
        except LineTooLongError as exc:
            if not items:
                raise
            self.lines._error = exc  # raised by the next feed, as LineSplitter does
        return items, offsets

    @staticmethod
    def _add(event: SSEEvent | None, items: list[str | SSEEvent], offsets: list[int]) -> None:
        if event is not None:
            items.append(event.data if event.event == "message" else event)
            offsets.append(event.offset)

    def flush(self) -> bool:
        """Ends the input. Returns whether an unterminated event was dropped
        (a partial last line, or fields without their blank line).

        Raises:
            LineTooLongError: an error :meth:`feed` had not raised yet.
        """
        tail = self.lines.flush()
        return self.sse.flush() or tail is not None
