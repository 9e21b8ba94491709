"""JSON text as the reference writes it (json_text.js_json_stringify)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant_ui._decoding import decode_stream
from assistant_ui.errors import StreamDecodeError
from assistant_ui.protocol import json_text
from assistant_ui.protocol.json_text import js_json_stringify, parse_json, parse_json_stdlib


def _outcome(parse: Any, text: str) -> str:
    try:
        return "value " + repr(parse(text))  # repr tells 1 from 1.0 and -0.0 from 0.0
    except (ValueError, RecursionError, StreamDecodeError) as exc:
        return f"error {type(exc).__name__}"


# Where orjson and json disagree, or could: parse_json must give json's answer.
EDGE_TEXTS = [
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775809",
    "123456789012345678901234567890",
    '{"id": 12345678901234567890123}',
    "0.1000000000000000055511151231257827",
    "1e400",
    "-1e400",
    "1.7976931348623157e309",
    "1e-400",
    "4.9e-324",
    '"\\ud800"',
    '"\\udc00x"',
    '["\\ud83d\\ude00"]',
    "\ud800",
    '"\ud800"',
    "[NaN]",
    "Infinity",
    "-0",
    "-0.0",
    '{"a": 1, "a": 2}',
    '{"__proto__": 1}',
    '{"constructor": {"prototype": 1}}',
    "\ufeff1",
    " 1 ",
    "[1,]",
    "01",
    '"\x01"',
    "[" * 2000 + "]" * 2000,
    "[" * 300 + "]" * 300,
    "[" * 256 + "]" * 256,
    '["' + "[" * 300 + '"]',
    '["\\"' + "[" * 300 + '"]',
    '["' + "[" * 300,
    "[" * 300 + '"\\',
    "",
]


@pytest.mark.parametrize("text", EDGE_TEXTS)
def test_parse_json_gives_what_json_gives_on_edge_texts(text: str) -> None:
    assert _outcome(parse_json, text) == _outcome(parse_json_stdlib, text)


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(_JSON_VALUES, st.booleans(), st.integers(min_value=0), st.sampled_from(' ,]}0-.e"x'))
def test_parse_json_gives_what_json_gives(
    value: Any, ascii_only: bool, cut: int, junk: str
) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    assert _outcome(parse_json, text) == _outcome(parse_json_stdlib, text)
    at = cut % (len(text) + 1)
    broken = text[:at] + junk + text[at:]
    assert _outcome(parse_json, broken) == _outcome(parse_json_stdlib, broken)


def test_orjson_is_picked_up_when_installed() -> None:
    pytest.importorskip("orjson")
    assert json_text._orjson_loads is not None


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
