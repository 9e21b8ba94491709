"""JSON text as the reference writes it (json_text.js_json_stringify)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from assistant_ui._decoding import decode_stream
from assistant_ui.protocol.json_text import js_json_stringify


def test_lone_surrogates_are_escaped_in_lowercase_hex_like_json_stringify() -> None:
    value = {"high": "a\ud83d b", "low": "\ude00", "k\udbff": 1}
    assert js_json_stringify(value) == '{"high":"a\\ud83d b","low":"\\ude00","k\\udbff":1}'


def test_paired_surrogates_and_other_non_ascii_stay_raw() -> None:
    # Two surrogate code points side by side are one well-formed pair in JS.
    assert js_json_stringify(["\ud83d\ude00", "😀é"]) == '["\ud83d\ude00","😀é"]'


@given(st.text())
def test_output_parses_back_to_the_same_text(text: str) -> None:
    assert json.loads(js_json_stringify({"s": text})) == {"s": text}


def test_ui_tool_input_with_a_lone_surrogate_gets_escaped_args_text() -> None:
    # The body escapes the surrogate (json.dumps defaults to ASCII), as the AI SDK does.
    chunks = [
        {"type": "start"},
        {
            "type": "tool-input-available",
            "toolCallId": "c1",
            "toolName": "t",
            "input": {"q": "\ud83d"},
        },
        {"type": "finish"},
    ]
    body = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks).encode() + b"data: [DONE]\n\n"
    assert b"\\ud83d" in body
    result = decode_stream(body, encoding="ui-message-stream", strict=True)
    tool = next(p for p in result.message["parts"] if p["type"] == "tool-call")
    assert tool["argsText"] == '{"q":"\\ud83d"}'
    assert tool["args"] == {"q": "\ud83d"}
