"""OpenAIChunkDecoder (docs/protocols.md §2.6), including the bytes of the
published Python ``OpenAIStreamResponse`` captured through ASGITransport."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from assistant_stream import RunController, create_run
from assistant_stream.serialization.openai_stream import OpenAIStreamResponse
from hypothesis import given, settings
from hypothesis import strategies as st
from sse_helpers import decode_sse, sse_body
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from assistant_ui.errors import IncompleteStreamError, StreamDecodeError
from assistant_ui.protocol.decoders.openai_chunks import OpenAIChunkDecoder
from assistant_ui.protocol.events import event_to_dict
from assistant_ui.protocol.leniency import WarningSink


def chunk(content: str | None = None, finish: str | None = None, **extra: Any) -> str:
    delta = {} if content is None else {"content": content}
    choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
    return json.dumps({"object": "chat.completion.chunk", "choices": [choice], **extra})


sse = sse_body


def run(
    body: bytes, pieces: list[bytes] | None = None, sink: WarningSink | None = None, **kw: Any
) -> list[dict[str, Any]]:
    dec = OpenAIChunkDecoder(warnings=sink or WarningSink(emit=False), **kw)
    return [event_to_dict(e) for e in decode_sse(dec, pieces if pieces is not None else [body])]


TEXT = sse(chunk("Hel"), chunk("lo ✓"), chunk(finish="stop"))


def test_text_then_finish() -> None:
    assert run(TEXT, strict=True) == [
        {"type": "part-start", "part": {"type": "text"}, "path": []},
        {"type": "text-delta", "textDelta": "Hel", "path": [0]},
        {"type": "text-delta", "textDelta": "lo ✓", "path": [0]},
        {"type": "part-finish", "path": [0]},
        {"type": "message-finish", "finishReason": "stop", "usage": {}, "path": []},
    ]


def test_finish_reason_names_and_late_usage() -> None:
    body = sse(
        chunk("x", finish="tool_calls"),
        json.dumps({"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 5}}),
    )
    assert run(body)[-1] == {
        "type": "message-finish",
        "finishReason": "tool-calls",
        "usage": {"inputTokens": 3, "outputTokens": 5},
        "path": [],
    }
    assert run(sse(chunk(finish="weird")))[-1]["finishReason"] == "other"


def test_error_object() -> None:
    body = sse(json.dumps({"error": {"message": "rate limited", "code": "rate_limit"}}))
    assert run(body) == [
        {"type": "error", "error": "rate limited", "code": "rate_limit", "path": []}
    ]


def test_missing_done_and_foreign_event_names() -> None:
    cut = sse(chunk("x"), done=False)
    with pytest.raises(IncompleteStreamError):
        run(cut, strict=True)
    sink = WarningSink(emit=False)
    assert run(cut, sink=sink)[-1] == {"type": "part-finish", "path": [0]}
    assert sink.messages
    named = b"event: x\ndata: {}\n\n" + TEXT
    with pytest.raises(StreamDecodeError):
        run(named, strict=True)
    assert run(named) == run(TEXT)


def test_invalid_data_is_dropped() -> None:
    sink = WarningSink(emit=False)
    assert run(sse("nope", "[1]"), sink=sink) == []
    assert len(sink.messages) == 1


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, len(TEXT)), max_size=10))
def test_any_split_gives_the_same_events(cuts: list[int]) -> None:
    points = sorted(set(cuts))
    pieces = [TEXT[a:b] for a, b in zip([0, *points], [*points, len(TEXT)], strict=False)]
    assert run(TEXT, pieces) == run(TEXT)


async def test_python_openai_stream_response_decodes() -> None:
    async def callback(run: RunController) -> None:
        run.append_text("Hello, ")
        run.append_text("world")

    async def endpoint(request: Request) -> Response:
        return OpenAIStreamResponse(create_run(callback), heartbeat=False)

    app = Starlette(routes=[Route("/", endpoint, methods=["POST"])])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        body = (await client.post("/")).content
    events = run(body, strict=True)
    assert "".join(e["textDelta"] for e in events if e["type"] == "text-delta") == "Hello, world"
    assert events[-1]["finishReason"] == "stop"


def test_reasoning_and_streamed_tool_calls() -> None:
    def tool(index: int, **fields: Any) -> str:
        delta = {"tool_calls": [{"index": index, **fields}]}
        return json.dumps({"choices": [{"index": 0, "delta": delta, "finish_reason": None}]})

    body = sse(
        json.dumps({"choices": [{"delta": {"reasoning_content": "hmm"}}]}),
        chunk("Let me check."),
        tool(0, id="call_a", type="function", function={"name": "weather", "arguments": ""}),
        tool(1, id="call_b", function={"name": "time"}),
        tool(0, function={"arguments": '{"city":'}),
        tool(0, function={"arguments": '"Oslo"}'}),
        chunk(finish="tool_calls"),
    )
    events = run(body, strict=True)
    starts = [e["part"] for e in events if e["type"] == "part-start"]
    assert starts == [
        {"type": "reasoning"},
        {"type": "text"},
        {"type": "tool-call", "toolCallId": "call_a", "toolName": "weather"},
        {"type": "tool-call", "toolCallId": "call_b", "toolName": "time"},
    ]
    args = {
        i: "".join(e["textDelta"] for e in events if e["type"] == "text-delta" and e["path"] == [i])
        for i in (2, 3)
    }
    assert args == {2: '{"city":"Oslo"}', 3: "{}"}
    assert {"type": "part-finish", "path": [3]} in events
    assert events[-1]["finishReason"] == "tool-calls"
