"""The one text buffer (assistant_ui.protocol.text) and what depends on it:
text streamed by UTF-16 code unit, with surrogate pairs cut across deltas,
comes out whole in every view of every encoding, and the next request of
every runtime built from it is accepted."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant_ui.protocol.reading.parser import StreamParser
from assistant_ui.protocol.reading.state_ops import StateTree
from assistant_ui.protocol.requests.runtimes import RUNTIMES, RequestInputs
from assistant_ui.protocol.requests.sync_server import encode_json_body
from assistant_ui.protocol.text import TextBuffer, join_js

# Astral characters (two UTF-16 code units) mixed with BMP text.
_chars = st.sampled_from(["a", " ", "é", "中", "\U0001f600", "\U0001d11e", "\U00010348", "\n"])
_texts = st.lists(_chars, min_size=1, max_size=40).map("".join)


def _code_unit_pieces(text: str, cuts: list[int]) -> list[str]:
    """``text`` cut at UTF-16 code-unit positions (a cut may split a pair):
    each piece as Python would decode its JSON ``\\uXXXX`` escapes."""
    units = text.encode("utf-16-le", "surrogatepass")
    count = len(units) // 2
    bounds = sorted({0, count, *(c % (count + 1) for c in cuts)})
    return [
        units[2 * a : 2 * b].decode("utf-16-le", "surrogatepass")
        for a, b in itertools.pairwise(bounds)
        if b > a
    ]


def _strings(value: object) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [s for item in items for s in _strings(item)]


def _data_stream(pieces: list[str]) -> bytes:
    lines = [f"0:{json.dumps(p)}\n" for p in pieces]
    lines.append('d:{"finishReason":"stop","usage":{"promptTokens":1,"completionTokens":1}}\n')
    return "".join(lines).encode()


def _sse(chunks: list[dict[str, object]]) -> bytes:
    return "".join(f"data: {json.dumps(c)}\n\n" for c in chunks).encode() + b"data: [DONE]\n\n"


def _ui_stream(pieces: list[str]) -> bytes:
    chunks: list[dict[str, object]] = [
        {"type": "start", "messageId": "m1"},
        {"type": "start-step"},
        {"type": "text-start", "id": "t"},
        *({"type": "text-delta", "id": "t", "delta": p} for p in pieces),
        {"type": "text-end", "id": "t"},
        {"type": "finish-step"},
        {"type": "finish", "finishReason": "stop"},
    ]
    return _sse(chunks)


def _assistant_transport(pieces: list[str]) -> bytes:
    chunks: list[dict[str, object]] = [
        {"type": "part-start", "part": {"type": "text"}, "path": []},
        *({"type": "text-delta", "textDelta": p, "path": [0]} for p in pieces),
        {"type": "update-state", "operations": [{"type": "set", "path": ["s"], "value": ""}]},
        *(
            {
                "type": "update-state",
                "operations": [{"type": "append-text", "path": ["s"], "value": p}],
            }
            for p in pieces
        ),
        {"type": "part-finish", "path": [0]},
        {"type": "message-finish", "finishReason": "stop", "usage": {}},
    ]
    return _sse(chunks)


_ENCODERS = {
    "data-stream": _data_stream,
    "ui-message-stream": _ui_stream,
    "assistant-transport": _assistant_transport,
}


@settings(max_examples=60, deadline=None)
@given(text=_texts, cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=12))
def test_buffer_rejoins_any_code_unit_split(text: str, cuts: list[int]) -> None:
    buffer = TextBuffer()
    for piece in _code_unit_pieces(text, cuts):
        buffer.append(piece)
    assert buffer.text() == text
    assert join_js(_code_unit_pieces(text, cuts)) == text


def test_a_truly_lone_surrogate_stays_as_in_js() -> None:
    buffer = TextBuffer("a")
    buffer.append("\ud83d")
    buffer.append("b")
    assert buffer.text() == "a\ud83db"


def test_marks_undo_appends_and_refuse_after_a_join() -> None:
    buffer = TextBuffer("x")
    mark = buffer.mark()
    buffer.append("yz")
    buffer.truncate(mark)
    assert buffer.text() == "x"
    mark = buffer.mark()
    buffer.append("1")
    buffer.append("2")
    buffer.text()
    with pytest.raises(ValueError, match="joined"):
        buffer.truncate(mark)


@settings(max_examples=40, deadline=None)
@given(
    text=_texts,
    cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=12),
    encoding=st.sampled_from(sorted(_ENCODERS)),
    read=st.integers(min_value=1, max_value=64),
)
def test_every_view_of_every_encoding_and_the_next_request(
    text: str, cuts: list[int], encoding: str, read: int
) -> None:
    body = _ENCODERS[encoding](_code_unit_pieces(text, cuts))
    parser = StreamParser(encoding=encoding, initial_state={})
    for start in range(0, len(body), read):
        parser.feed(body[start : start + read])
    parser.close()
    message = parser.message
    assert message["parts"][0]["text"] == text
    ui = parser.ui_message
    if encoding == "ui-message-stream":
        assert ui is not None
        assert ui["parts"][-1]["text"] == text
    if encoding == "assistant-transport":
        assert parser.state == {"s": text}
    # Whatever the runtime, the reply goes back out in the next request.
    history = [
        {"id": "u1", "role": "user", "parts": [{"type": "text", "text": "hi"}]},
        {**message, "id": "a1", "role": "assistant"},
    ]
    ui_history = [
        {"id": "u1", "role": "user", "parts": [{"type": "text", "text": "hi"}]},
        ui if ui is not None else {"id": "a1", "role": "assistant", "parts": [
            {"type": "text", "text": text}
        ]},
    ]  # fmt: skip
    for spec in RUNTIMES:
        inputs = RequestInputs(
            thread_id="t1",
            messages=history,
            ui_messages=ui_history,
            state=parser.state,
            assistant_id="a2",
        )
        encoded = encode_json_body(spec.build_body(inputs))  # UTF-8: no lone halves left
        if not spec.user_messages_as_commands:  # assistant-transport sends commands only
            assert any(text in value for value in _strings(json.loads(encoded))), spec.name


def test_state_append_text_rejoins_split_pairs() -> None:
    tree = StateTree({"s": ""})
    tree.apply([{"type": "append-text", "path": ["s"], "value": "\ud83d"}])
    tree.apply([{"type": "append-text", "path": ["s"], "value": "\ude00!"}])
    assert tree.value == {"s": "\U0001f600!"}
    encode_json_body({"state": tree.value})


def test_many_appends_are_chunked_and_still_rejoin_surrogate_halves() -> None:
    buffer = TextBuffer()
    pieces = [f"{i}," for i in range(1000)]
    pieces[63:65] = ["\ud83d", "\ude00"]  # a pair split where a chunk ends
    for piece in pieces:
        buffer.append(piece)
    assert len(buffer._pieces) < 100  # chunked, not one object per append
    assert buffer.text() == "".join(pieces).replace("\ud83d\ude00", "\U0001f600")


def test_a_mark_survives_chunking_until_the_next_read() -> None:
    buffer = TextBuffer("start")
    for i in range(10):
        buffer.append(str(i))
    mark = buffer.mark()
    for _ in range(500):  # several chunk joins after the mark
        buffer.append("x")
    buffer.truncate(mark)
    assert buffer.text() == "start0123456789"
