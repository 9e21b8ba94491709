"""The Ollama ``/api/chat`` encoding (newline-delimited JSON events): decoded
on bytes, at any split, and detected from its media type or its first line."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant_ui import decode_stream
from assistant_ui.errors import IncompleteStreamError, StreamDecodeError
from assistant_ui.protocol.reading.parser import StreamParser

_LINES = [
    {"message": {"role": "assistant", "content": "", "thinking": "Hmm, "}, "done": False},
    {"message": {"role": "assistant", "content": "", "thinking": "Paris."}, "done": False},
    {"model": "m", "message": {"role": "assistant", "content": "Bonjour"}, "done": False},
    {"model": "m", "message": {"role": "assistant", "content": " à tous 😀"}, "done": False},
    {
        "model": "m",
        "message": {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {"id": "call_1", "function": {"name": "get_weather", "arguments": {"city": "P"}}}
            ],
        },
        "done": False,
    },
    {"model": "m", "message": {"role": "assistant", "content": ""}, "done": True,
     "done_reason": "stop", "prompt_eval_count": 26, "eval_count": 12},
]  # fmt: skip
BODY = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in _LINES).encode()
HEADERS = {"content-type": "application/x-ndjson"}


def _check(message: dict[str, object]) -> None:
    parts = message["parts"]
    assert isinstance(parts, list)
    assert [p["type"] for p in parts] == ["reasoning", "text", "tool-call"]
    assert parts[0]["text"] == "Hmm, Paris."
    assert parts[1]["text"] == "Bonjour à tous 😀"
    assert parts[2]["toolCallId"] == "call_1"
    assert parts[2]["args"] == {"city": "P"}
    assert message["status"] == {"type": "complete", "reason": "stop"}


def test_decodes_text_reasoning_tool_calls_and_usage() -> None:
    result = decode_stream(BODY, headers=HEADERS, strict=True)
    assert result.encoding == "ollama"
    _check(result.message)
    parser = StreamParser(headers=HEADERS)
    parser.feed(BODY)
    parser.close()
    assert parser.accumulator.usage == {"inputTokens": 26, "outputTokens": 12}


def test_detected_without_a_content_type() -> None:
    assert decode_stream(BODY).encoding == "ollama"


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=len(BODY)), max_size=10))
def test_any_split_gives_the_same_message(cuts: list[int]) -> None:
    bounds = sorted({0, len(BODY), *cuts})
    pieces = [BODY[a:b] for a, b in itertools.pairwise(bounds)]
    _check(decode_stream(pieces, headers=HEADERS).message)


def test_a_body_without_its_done_line_is_cut_off() -> None:
    cut = BODY[: BODY.rindex(b'{"model"')]
    with pytest.raises(IncompleteStreamError) as caught:
        decode_stream(cut, headers=HEADERS)
    partial = caught.value.partial_message
    assert partial is not None
    assert partial["parts"][1]["text"] == "Bonjour à tous 😀"


def test_an_error_line_and_garbage() -> None:
    result = decode_stream(b'{"error": "model not found"}\n', headers=HEADERS, encoding="ollama")
    assert result.message["status"]["reason"] == "error"
    with pytest.raises(StreamDecodeError) as caught:
        decode_stream(b"not json\n", encoding="ollama", strict=True)
    assert caught.value.line == "not json"
