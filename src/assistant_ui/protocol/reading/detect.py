"""Which decoder fits a response (docs/protocols.md §2.8).

First match wins:

1. an encoding chosen by the caller (handled by the parser);
2. a marker header (``x-vercel-ai-ui-message-stream: v1``,
   ``x-vercel-ai-data-stream: v1``, ``Assistant-Stream-Format:
   object-stream/v0``), see :func:`encoding_from_headers`;
3. ``text/event-stream``: the first dispatched SSE event decides
   (:func:`classify_sse_data`), ambiguous events fall back to the flavour's
   default (:func:`sse_fallback`);
4. ``text/plain``, ``application/octet-stream``: the first non-blank line
   decides between the data stream and plain text
   (:func:`classify_first_line`);
5. ``application/json``: not a stream (the pseudo-encoding ``"json"``; the
   parser turns it into an error, the HTTP client handles such replies
   before a parser is ever made).

No ``Content-Type`` at all (a captured body handed to ``decode_stream``, or
the official Python encoder's ``DataStreamResponse`` behind a proxy that
dropped it) is sniffed more widely: a first line that looks like an SSE
field goes to rule 3, a body that is one JSON value is rule 5, anything else
rule 4.

Sniffing looks at a bounded prefix (:data:`SNIFF_LIMIT`, 64 KiB) and never
reads past it, so a huge body costs nothing extra; when no decision is
possible within it, or the body ends first, it decides on what is there.

Rule 4 decides as early as it can: plain text claims any line, so a first
line whose start no other line encoding could claim once complete (its
start cannot begin a data-stream frame ``<code>:`` nor an NDJSON object,
nor, without a media type, an SSE field or a JSON document; see each row's
``may_claim``) is plain text before its newline arrives, and a reply sent
token by token streams at once. A complete body is decided exactly as
before.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Final, Literal

from assistant_ui.errors import StreamDecodeError
from assistant_ui.protocol.encodings import ENCODINGS, encodings_framed
from assistant_ui.protocol.framing import Line, LineSplitter, SSEParser
from assistant_ui.protocol.json_text import parse_json

__all__ = [
    "SNIFF_LIMIT",
    "EncodingSniffer",
    "SniffMode",
    "classify_first_line",
    "classify_sse_data",
    "encoding_from_headers",
    "media_type",
    "sniff_mode",
    "sse_fallback",
]

SNIFF_LIMIT: Final = 64 * 1024
"""Longest prefix buffered while deciding: enough for any first frame a real
server sends. A plain-text reply is rarely held that long: its first bytes
usually decide (see rule 4's early decision)."""

SniffMode = Literal["sse", "lines", "any", "json"]

_SSE_FIELD_LINE: Final = re.compile(r"(?:data|event|id|retry)?:")
_SSE_FIELDS: Final = ("data", "event", "id", "retry")
# How much of an unfinished first line the early decision looks at: if its
# start cannot begin a frame, no longer line with that start can either.
_EARLY_WINDOW: Final = 32
_EOL: Final = re.compile(r"\r\n?|\n")
_TYPE_FIELD: Final = re.compile(r'\{\s*"type"\s*:\s*"([^"\\]*)"')
_OPENAI_MARK: Final = re.compile(r'"object"\s*:\s*"chat\.completion\.chunk"')

_SSE_ROWS: Final = encodings_framed("sse")
_LINE_ROWS: Final = encodings_framed("lines")
_SSE_NAMES: Final = frozenset(row.name for row in _SSE_ROWS)
_LINE_NAMES: Final = frozenset(row.name for row in _LINE_ROWS)
_SSE_FALLBACK: Final = next(row.name for row in _SSE_ROWS if row.fallback)
_LINE_FALLBACK: Final = next(row.name for row in _LINE_ROWS if row.fallback)
_CATCH_ALL: Final = _LINE_ROWS[-1].name
_MARKERS: Final = tuple(
    (row.marker_header[0], row.marker_header[1], row.name)
    for row in ENCODINGS
    if row.marker_header is not None
)
_LINE_MEDIA_TYPES: Final = frozenset(
    {"application/octet-stream"} | {row.media_type for row in _LINE_ROWS}
)


def _lower_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    if not headers:
        return {}
    return {k.lower(): v for k, v in headers.items()}


def media_type(headers: Mapping[str, str] | None) -> str | None:
    """The ``Content-Type`` without parameters, lower-cased, or ``None``."""
    value = _lower_headers(headers).get("content-type")
    if value is None:
        return None
    return value.partition(";")[0].strip().lower() or None


def encoding_from_headers(headers: Mapping[str, str] | None) -> str | None:
    """The encoding a marker header names (rule 2), or ``None``."""
    lowered = _lower_headers(headers)
    for header, value, name in _MARKERS:
        if lowered.get(header, "").strip() == value:
            return name
    return None


def sniff_mode(headers: Mapping[str, str] | None) -> SniffMode:
    """How to sniff a body with these headers (rules 3 to 5)."""
    kind = media_type(headers)
    if kind == "text/event-stream":
        return "sse"
    if kind in _LINE_MEDIA_TYPES:
        return "lines"
    if kind is not None and (kind == "application/json" or kind.endswith("+json")):
        return "json"
    return "any"


def sse_fallback(default_encoding: str) -> str:
    """The encoding for an SSE body whose first event decides nothing: the
    flavour's default when it is an SSE encoding, else the SSE fallback row
    (the UI message stream, what the AI SDK and data-stream runtimes fall
    back to)."""
    return default_encoding if default_encoding in _SSE_NAMES else _SSE_FALLBACK


def classify_sse_data(data: str) -> str | None:
    """The encoding one SSE event's data points to (rule 3), or ``None``:
    the first SSE row of :data:`~assistant_ui.protocol.encodings.ENCODINGS`
    that claims the parsed data."""
    try:
        value = parse_json(data)
    except (ValueError, StreamDecodeError):
        # Too deep to classify: the fallback decoder refuses it with its offset.
        return None
    for row in _SSE_ROWS:
        assert row.claims_event is not None
        if row.claims_event(value):
            return row.name
    return None


def classify_first_line(line: str, *, complete: bool = True) -> str:
    """The line encoding the first non-blank line belongs to (rule 4): the
    first line row that claims it (plain text claims anything).

    Args:
        line: the line, without its line ending.
        complete: ``False`` when the line was cut at the sniffing limit.
    """
    for row in _LINE_ROWS:
        assert row.claims_line is not None
        if row.claims_line(line, complete):
            return row.name
    return _LINE_ROWS[-1].name


def _may_be_sse_or_json(start: str) -> bool:
    """Whether a first line beginning with ``start`` could still be an SSE
    field or the start of a JSON document (sniffing without a media type)."""
    if _SSE_FIELD_LINE.match(start) or any(name.startswith(start) for name in _SSE_FIELDS):
        return True
    return start.lstrip()[:1] in ("{", "[")


class EncodingSniffer:
    """Decides the encoding from the first bytes of a body.

    Feed it the body (BOM already removed) until :meth:`feed` returns a
    name; if the body ends first, :meth:`finish` decides. It keeps no more
    than :data:`SNIFF_LIMIT` bytes; the caller keeps the bytes to replay into
    the chosen decoder. Besides the encoding names it may answer ``"json"``:
    the body is a JSON document, not a stream.

    Args:
        mode: from :func:`sniff_mode`.
        default_encoding: the flavour's default, used when nothing decides.
        limit: how many bytes to look at, at most.
    """

    __slots__ = (
        "_default",
        "_json_candidate",
        "_limit",
        "_line_start",
        "_lines",
        "_mode",
        "_prefix",
        "_sse",
    )

    def __init__(
        self, *, mode: SniffMode, default_encoding: str = _LINE_FALLBACK, limit: int = SNIFF_LIMIT
    ) -> None:
        self._mode: SniffMode = mode
        self._default = default_encoding
        self._limit = limit
        self._prefix = bytearray()
        # The sniffer never holds more than the limit, so its own splitter
        # cannot hit the real line limit.
        self._lines = LineSplitter(max_line_bytes=limit + 1)
        self._sse = SSEParser(max_event_chars=limit + 1)
        self._json_candidate = False
        self._line_start = 0  # where the unfinished line begins in the prefix

    def feed(self, data: bytes) -> str | None:
        """Looks at more of the body; returns the decision once there is one."""
        room = self._limit - len(self._prefix)
        take = data[:room] if len(data) > room else data
        if self._mode != "json":
            base = len(self._prefix)
            self._prefix += take
            for line in self._lines.feed(take):
                decided = self._on_line(line)
                if decided is not None:
                    return decided
            end = max(take.rfind(b"\n"), take.rfind(b"\r"))
            if end >= 0:
                self._line_start = base + end + 1
            early = self._decide_early()
            if early is not None:
                return early
        else:
            self._prefix += take
        if len(data) > len(take):
            return self._decide_at_limit()
        return None

    def finish(self) -> str:
        """The decision when the body ended before one was made."""
        if self._mode == "json":
            return "json"
        tail = self._lines.flush()
        if self._json_candidate:
            return self._json_or_first_line()
        if tail is not None and self._mode != "sse":
            decided = self._on_line(tail)
            if decided is not None:
                return decided
            if self._json_candidate:
                return self._json_or_first_line()
        if self._mode == "sse":
            # Nothing dispatched (an unterminated last event is discarded).
            return sse_fallback(self._default)
        return self._blank_body_default()

    # --- internals -------------------------------------------------------------

    def _decide_early(self) -> str | None:
        # Plain text is the catch-all: a first line that no other row can
        # claim, whatever follows, is plain text before its newline arrives,
        # so a token-by-token reply streams at once. Every complete line so
        # far was blank (any other would have decided).
        if self._mode not in ("lines", "any") or self._json_candidate:
            return None
        window = self._prefix[self._line_start : self._line_start + _EARLY_WINDOW]
        start = window.decode("utf-8", "ignore")
        if not start.strip():
            return None
        if self._mode == "any" and _may_be_sse_or_json(start):
            return None
        for row in _LINE_ROWS[:-1]:
            if row.may_claim is None or row.may_claim(start):
                return None
        return _CATCH_ALL

    def _on_line(self, line: Line, *, complete: bool = True) -> str | None:
        text = line.text
        if self._mode == "sse":
            event = self._sse.decode(line)
            if event is None:
                return None
            if event.data == "[DONE]":
                return sse_fallback(self._default)
            return classify_sse_data(event.data) or sse_fallback(self._default)
        if self._json_candidate or not text.strip():
            return None
        if self._mode == "any":
            if _SSE_FIELD_LINE.match(text):
                self._mode = "sse"
                return self._on_line(line)
            if text.lstrip()[:1] in ("{", "["):
                # Maybe a JSON document (an error reply without headers):
                # only the end of the body can tell.
                self._json_candidate = True
                return None
        return classify_first_line(text, complete=complete)

    def _json_or_first_line(self) -> str:
        text = self._prefix.decode("utf-8", "replace")
        try:
            parse_json(text)
        except ValueError:
            pass
        except StreamDecodeError:
            return "json"  # a document, only too deep to read
        else:
            return "json"
        for raw in _EOL.split(text):
            if raw.strip():
                return classify_first_line(raw)
        return self._blank_body_default()

    def _blank_body_default(self) -> str:
        if self._mode == "lines" and self._default not in _LINE_NAMES:
            return _LINE_FALLBACK
        return self._default

    def _classify_cut_event(self) -> str:
        # The first event is longer than the limit (an object-stream or
        # assistant-transport state snapshot can be): decide on its start.
        # Only the top-level markers encoders write first are trusted.
        for raw in _EOL.split(self._prefix.decode("utf-8", "ignore")):
            if raw.startswith("data:"):
                data = raw[5:].lstrip(" ")
                if data.startswith("["):
                    return classify_sse_data("[]") or sse_fallback(self._default)
                if _OPENAI_MARK.search(data):
                    return classify_sse_data('{"object": "chat.completion.chunk"}') or _SSE_FALLBACK
                kind = _TYPE_FIELD.match(data)
                if kind is not None:
                    probe = classify_sse_data(json.dumps({"type": kind.group(1)}))
                    if probe is not None:
                        return probe
                break
        return sse_fallback(self._default)

    def _decide_at_limit(self) -> str:
        if self._mode == "json":
            return "json"
        if self._mode == "sse":
            return self._classify_cut_event()
        # Too long to be a JSON error reply worth recognising: decide on the
        # first non-blank line, which may itself be cut at the limit.
        self._json_candidate = False
        lines = _EOL.split(self._prefix.decode("utf-8", "ignore"))
        for index, raw in enumerate(lines):
            if raw.strip():
                return classify_first_line(raw, complete=index < len(lines) - 1)
        return self._blank_body_default()
