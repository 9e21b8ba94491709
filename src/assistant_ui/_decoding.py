"""Decode a whole captured response body in one call.

:func:`decode_stream` is the convenience entry point over
:class:`~assistant_ui.protocol.reading.parser.StreamParser`: hand it the bytes of a
reply (or any iterable of byte pieces, such as a file read in blocks) and get
the final message and the state back (and every event, when asked for).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from assistant_ui.protocol.events import Event
from assistant_ui.protocol.json_text import collector_paused
from assistant_ui.protocol.leniency import WarningSink
from assistant_ui.protocol.reading.parser import StreamParser

__all__ = ["DecodeResult", "decode_stream"]


@dataclass(frozen=True, slots=True)
class DecodeResult:
    """What :func:`decode_stream` found in a body.

    Attributes:
        message: the assistant message (docs/protocols.md §3.2). A server error
            chunk is reported here, in ``message["status"]``, not raised.
        state: the assistant-transport state: the same object as
            ``message["metadata"]["unstable_state"]``.
        events: every canonical event, in order, when
            ``decode_stream(..., events=True)`` asked for them; else empty.
        encoding: the encoding that was decoded (given or detected).
        warnings: every distinct dropped-input warning, in order.
        ui_message: the AI SDK UIMessage, for a UI message stream body.
    """

    message: dict[str, Any]
    state: Any
    events: list[Event]
    encoding: str
    warnings: list[str] = field(default_factory=list)
    ui_message: dict[str, Any] | None = None


def _discard(events: list[Event]) -> None:
    pass


def decode_stream(
    data: bytes | Iterable[bytes],
    *,
    encoding: str | None = None,
    headers: Mapping[str, str] | None = None,
    initial_state: Any = None,
    strict: bool = False,
    previous_ui_message: Mapping[str, Any] | None = None,
    events: bool = False,
) -> DecodeResult:
    """Decodes a complete response body.

    Args:
        data: the body, whole or as an iterable of byte pieces.
        encoding: the wire encoding if known (``"data-stream"``,
            ``"ui-message-stream"``, ``"assistant-transport"``,
            ``"plain-text"``, ``"openai"``, ``"object-stream"``); otherwise it
            is detected from ``headers`` and the first bytes.
        headers: the response headers, for detection.
        initial_state: the assistant-transport state to start from.
        strict: decode exactly as the reference does (fatal on what it
            rejects); the default drops such input with a warning.
        previous_ui_message: for a UI message stream, the AI SDK UIMessage
            the reply continues (see :class:`~assistant_ui.protocol.reading.parser.StreamParser`).
        events: also return every canonical event (``result.events``).
            Off by default: most callers want only the message, and keeping
            one object per chunk costs time and memory.

    A body in memory (bytes, or a list or tuple of pieces) is decoded with
    the cyclic garbage collector paused, and the collector is resumed before
    this returns; any other iterable is decoded with it running (see
    docs/guide/streaming.md, "A captured reply").

    Returns:
        The message, state, events (if asked for), encoding and warnings.

    Raises:
        StreamDecodeError: a frame that cannot be decoded (strict mode), or a
            body that is a JSON document rather than a stream.
        IncompleteStreamError: the body was cut off (mid-line, or before
            ``[DONE]``). Both carry ``partial_message``.

    Example::

        result = decode_stream(b'0:"Hello"\\n0:" world"\\n')
        assert result.message["parts"][0]["text"] == "Hello world"
    """
    sink = WarningSink(emit=False)
    parser = StreamParser(
        encoding=encoding,
        headers=headers,
        initial_state=initial_state,
        strict=strict,
        warnings=sink,
        previous_ui_message=previous_ui_message,
        events=events,
    )
    collected: list[Event] = []
    keep = collected.extend if events else _discard
    # A body already in memory (bytes, or a list of pieces) is decoded with
    # the cyclic GC paused: decoding only builds the message, so collections
    # during it just walk the message again and again (a third of the time
    # of 60 MB of tool results, docs/benchmarks.md). Only there: any other
    # iterable may be a network read, and the collector must not stop for as
    # long as a peer takes.
    in_memory = isinstance(data, (bytes, bytearray, memoryview, list, tuple))
    with collector_paused() if in_memory else nullcontext():
        if isinstance(data, (bytes, bytearray, memoryview)):
            keep(parser.feed(bytes(data)))
        else:
            for piece in data:
                keep(parser.feed(bytes(piece)))
        keep(parser.close())
        # The parser is dropped here and, without events, nothing else holds
        # the chunk payloads: the message can take them instead of copies.
        message = parser.accumulator.snapshot(share_payloads=not events)
    return DecodeResult(
        message=message,
        state=message["metadata"]["unstable_state"],
        events=collected,
        encoding=parser.encoding or "",
        warnings=list(sink.messages),
        ui_message=parser.ui_message,
    )
