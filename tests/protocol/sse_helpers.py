"""Helpers shared by the SSE decoder tests: build an SSE body, and frame and
decode it the way the parser does (any split of the body)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from assistant_ui.protocol.decoders.base import SSEFrameDecoder
from assistant_ui.protocol.events import Event
from assistant_ui.protocol.framing import LineSplitter, SSEParser


def sse_body(*chunks: Any, done: bool = True) -> bytes:
    """One ``data:`` event per chunk (strings as they are, anything else as
    JSON), then ``[DONE]`` unless ``done`` is false."""
    out = [f"data: {c if isinstance(c, str) else json.dumps(c)}\n\n" for c in chunks]
    if done:
        out.append("data: [DONE]\n\n")
    return "".join(out).encode()


def decode_sse(decoder: SSEFrameDecoder, pieces: Iterable[bytes]) -> list[Event]:
    """Frames the body read in ``pieces`` and decodes it, ``end()`` included."""
    splitter, parser = LineSplitter(), SSEParser()
    events: list[Event] = []
    for piece in pieces:
        for line in splitter.feed(piece):
            event = parser.decode(line)
            if event is not None:
                events.extend(decoder.decode_event(event))
    events.extend(decoder.end())
    return events
