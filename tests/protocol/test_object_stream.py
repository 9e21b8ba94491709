"""ObjectStreamDecoder (docs/protocols.md §2.6): each event is an array of state
operations."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sse_helpers import decode_sse

from assistant_ui.errors import StreamDecodeError
from assistant_ui.protocol.decoders.object_stream import ObjectStreamDecoder
from assistant_ui.protocol.events import event_to_dict
from assistant_ui.protocol.leniency import WarningSink
from assistant_ui.protocol.reading.state_ops import apply_operations

SNAPSHOT = [{"type": "set", "path": [], "value": {"messages": [], "status": "idle"}}]
APPEND = [
    {"type": "set", "path": ["messages", "0"], "value": {"text": "Hi"}},
    {"type": "append-text", "path": ["messages", "0", "text"], "value": " there"},
]


def run(body: bytes, sink: WarningSink | None = None, **kw: Any) -> list[dict[str, Any]]:
    dec = ObjectStreamDecoder(warnings=sink or WarningSink(emit=False), **kw)
    # one byte at a time: framing must not matter
    one_byte_reads = (body[i : i + 1] for i in range(len(body)))
    return [event_to_dict(e) for e in decode_sse(dec, one_byte_reads)]


def body(*events: Any) -> bytes:
    return "".join(f"data: {json.dumps(e)}\n\n" for e in events).encode()


def test_each_event_is_one_state_update() -> None:
    events = run(body(SNAPSHOT, APPEND), strict=True)
    assert events == [
        {"type": "update-state", "operations": SNAPSHOT, "path": []},
        {"type": "update-state", "operations": APPEND, "path": []},
    ]
    state = None
    for event in events:
        state = apply_operations(state, event["operations"], strict=True)
    assert state == {"messages": [{"text": "Hi there"}], "status": "idle"}


def test_non_array_data() -> None:
    bad = body({"type": "set"}) + b"data: {oops\n\n" + body(APPEND)
    with pytest.raises(StreamDecodeError, match="not a JSON array"):
        run(bad, strict=True)
    sink = WarningSink(emit=False)
    assert run(bad, sink=sink) == [{"type": "update-state", "operations": APPEND, "path": []}]
    assert len(sink.messages) == 1


def test_done_is_tolerated_and_ends_the_stream() -> None:
    assert run(body(SNAPSHOT) + b"data: [DONE]\n\n" + body(APPEND)) == [
        {"type": "update-state", "operations": SNAPSHOT, "path": []}
    ]
