"""Encoding detection: headers, SSE first event, first line, bounded prefix
(docs/protocols.md §2.8)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant_ui.protocol.reading.detect import (
    SNIFF_LIMIT,
    EncodingSniffer,
    SniffMode,
    classify_first_line,
    classify_sse_data,
    encoding_from_headers,
    media_type,
    sniff_mode,
    sse_fallback,
)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"x-vercel-ai-ui-message-stream": " v1 "}, "ui-message-stream"),
        ({"X-Vercel-AI-Data-Stream": "v1"}, "data-stream"),
        ({"Assistant-Stream-Format": "object-stream/v0"}, "object-stream"),
        ({"x-vercel-ai-data-stream": "v2"}, None),
        ({"content-type": "text/plain"}, None),
        (None, None),
    ],
)
def test_marker_headers(headers: dict[str, str] | None, expected: str | None) -> None:
    assert encoding_from_headers(headers) == expected


@pytest.mark.parametrize(
    ("content_type", "mode"),
    [
        ("text/event-stream; charset=utf-8", "sse"),
        ("Text/Event-Stream", "sse"),
        ("text/plain; charset=utf-8", "lines"),
        ("application/octet-stream", "lines"),
        ("application/json", "json"),
        ("application/problem+json", "json"),
        ("text/html", "any"),
        (None, "any"),
    ],
)
def test_sniff_mode_from_media_type(content_type: str | None, mode: SniffMode) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    assert sniff_mode(headers) == mode


def test_media_type_strips_parameters() -> None:
    assert media_type({"CONTENT-TYPE": "Text/Plain ; charset=utf-8"}) == "text/plain"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ('[{"type":"set","path":[],"value":{}}]', "object-stream"),
        ('{"object":"chat.completion.chunk","choices":[]}', "openai"),
        ('{"type":"part-start","part":{"type":"text"},"path":[]}', "assistant-transport"),
        ('{"type":"whatever","path":[0]}', "assistant-transport"),
        ('{"type":"start","messageId":"m"}', "ui-message-stream"),
        ('{"type":"data-weather","data":{}}', "ui-message-stream"),
        ('{"type":"tool-input-start","toolCallId":"c"}', "ui-message-stream"),
        ('{"type":"text-delta","id":"t","delta":"x"}', "ui-message-stream"),
        ('{"type":"text-delta","textDelta":"x"}', "ui-message-stream"),
        ('{"type":"tool-call-start","toolCallId":"c"}', "ui-message-stream"),
        ('{"type":"tool-call-delta","argsText":"{"}', "ui-message-stream"),
        ('{"type":"text-delta","textDelta":"x","parentId":null}', "assistant-transport"),
        ('{"type":"tool-call-begin","toolCallId":"c"}', "assistant-transport"),
        ('{"type":"tool-call-delta","argsTextDelta":"{"}', "assistant-transport"),
        ('{"type":"reasoning-delta","reasoningDelta":"r"}', "assistant-transport"),
        ('{"type":"tool-result","toolCallId":"c","artifact":null}', "assistant-transport"),
        ('{"type":"data","data":{"a":1}}', "assistant-transport"),
        ('{"type":"data","data":[1]}', "assistant-transport"),
        ('{"type":"error","errorText":"x"}', "ui-message-stream"),
        ('{"type":"error","error":"x"}', "assistant-transport"),
        ('{"type":"tool-result","toolCallId":"c"}', None),
        ('{"type":"mystery"}', None),
        ("[DONE]", None),
        ("not json", None),
        ("42", None),
    ],
)
def test_first_sse_event_rules(data: str, expected: str | None) -> None:
    assert classify_sse_data(data) == expected


@pytest.mark.parametrize(
    ("default", "expected"),
    [
        ("data-stream", "ui-message-stream"),
        ("plain-text", "ui-message-stream"),
        ("assistant-transport", "assistant-transport"),
        ("ui-message-stream", "ui-message-stream"),
    ],
)
def test_sse_fallback_follows_flavour_default(default: str, expected: str) -> None:
    assert sse_fallback(default) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('0:"Hello"', "data-stream"),
        ('aui-state:[{"type":"set","path":[],"value":1}]', "data-stream"),
        ('f:{"messageId": "msg_1"}', "data-stream"),
        ('0:"unterminated', "plain-text"),
        ("Hello: world", "plain-text"),
        ("zz:1", "plain-text"),
        ("Note:", "plain-text"),
    ],
)
def test_first_line_rules(line: str, expected: str) -> None:
    assert classify_first_line(line) == expected


def test_cut_first_line_decides_on_code_and_json_start() -> None:
    assert classify_first_line('2:[{"a": 1}, {"b', complete=False) == "data-stream"
    assert classify_first_line("0:hello", complete=False) == "plain-text"


def sniff(body: bytes, mode: SniffMode, pieces: int = 1, default: str = "data-stream") -> str:
    sniffer = EncodingSniffer(mode=mode, default_encoding=default)
    step = max(1, len(body) // pieces) if body else 1
    for start in range(0, len(body), step):
        decided = sniffer.feed(body[start : start + step])
        if decided is not None:
            return decided
    return sniffer.finish()


@pytest.mark.parametrize(
    ("body", "mode", "expected"),
    [
        (b'\n\n0:"a"\n', "lines", "data-stream"),
        (b'Hello there\n0:"a"\n', "lines", "plain-text"),
        (b'0:"a"', "lines", "data-stream"),  # body ended inside the first line
        (b"", "lines", "data-stream"),
        (b': heartbeat\n\ndata: {"type":"start"}\n\n', "sse", "ui-message-stream"),
        (b"data: [DONE]\n\n", "sse", "ui-message-stream"),
        (b'data: {"type":"start"}', "sse", "ui-message-stream"),  # never dispatched: fallback
        (b'data: {"type":"step-start","messageId":"m"}\n\n', "any", "assistant-transport"),
        (b'0:"a"\n', "any", "data-stream"),
        (b'{"error": "bad request"}', "any", "json"),
        (b'{"error":\n "bad"}\n', "any", "json"),
        (b"{not json at all\n", "any", "plain-text"),
        (b"anything", "json", "json"),
        (b"", "any", "data-stream"),
    ],
)
def test_sniffer_decisions(body: bytes, mode: SniffMode, expected: str) -> None:
    assert sniff(body, mode) == expected
    assert sniff(body, mode, pieces=max(1, len(body))) == expected


def test_sse_ambiguous_uses_assistant_transport_default() -> None:
    body = b'data: {"type":"tool-result","toolCallId":"c","result":1}\n\n'
    assert sniff(body, "sse", default="assistant-transport") == "assistant-transport"


def test_sniffer_decides_at_the_limit_without_reading_past_it() -> None:
    big_line = b"2:[" + b'{"k": 1},' * (SNIFF_LIMIT // 9 + 10) + b'{"k": 1}]\n'
    sniffer = EncodingSniffer(mode="lines")
    assert sniffer.feed(big_line[: SNIFF_LIMIT // 2]) is None
    assert sniffer.feed(big_line[SNIFF_LIMIT // 2 :]) == "data-stream"
    plain = b"x" * (SNIFF_LIMIT + 1)
    assert EncodingSniffer(mode="lines").feed(plain) == "plain-text"


def test_json_candidate_over_the_limit_is_not_json() -> None:
    body = b"{" + b" " * SNIFF_LIMIT + b"}"
    assert EncodingSniffer(mode="any").feed(body) == "plain-text"


@given(st.binary(max_size=300), st.integers(min_value=1, max_value=17))
def test_sniffer_decision_does_not_depend_on_split(body: bytes, size: int) -> None:
    for mode in ("lines", "sse", "any"):
        whole = sniff(body, mode)
        sniffer = EncodingSniffer(mode=mode)
        decided = None
        for start in range(0, len(body), size):
            decided = sniffer.feed(body[start : start + size])
            if decided is not None:
                break
        assert (decided or sniffer.finish()) == whole


def test_json_body_detection_sample() -> None:
    body = json.dumps({"detail": [{"loc": ["body"], "msg": "field required"}]}, indent=2).encode()
    assert sniff(body, "any") == "json"


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        ('[{"type":"set","path":[],"value":{"big":"', "object-stream"),
        (
            '{"type":"update-state","operations":[{"type":"set","path":[],"value":"',
            "assistant-transport",
        ),
        ('{"type":"data-snapshot","data":{"path":[1],"x":"', "ui-message-stream"),
        ('{"id":"c","object":"chat.completion.chunk","choices":[{"delta":{"content":"', "openai"),
        ('{"value":"', "ui-message-stream"),
    ],
)
def test_first_sse_event_longer_than_the_limit_decides_on_its_start(
    first: str, expected: str
) -> None:
    body = b": heartbeat\n\ndata: " + first.encode() + b"x" * (SNIFF_LIMIT + 10)
    assert EncodingSniffer(mode="sse").feed(body) == expected
