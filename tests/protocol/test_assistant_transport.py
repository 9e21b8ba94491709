"""AssistantTransportDecoder on SSE bytes (docs/protocols.md §2.4.3, 2.4.4).

Besides hand-written bodies, the published Python encoder (assistant-stream
0.0.36, ``AssistantTransportResponse``) is run in-process through
``httpx.ASGITransport``, and its internal chunks are also written in the
flat pre-0.0.35 dialect, so both must decode to the same parts.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from assistant_stream import RunController, create_run
from assistant_stream.serialization.assistant_stream_response import AssistantStreamResponse
from assistant_stream.serialization.assistant_transport import AssistantTransportResponse
from assistant_stream.serialization.stream_encoder import StreamEncoder
from hypothesis import given, settings
from hypothesis import strategies as st
from sse_helpers import decode_sse, sse_body
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from assistant_ui._decoding import decode_stream
from assistant_ui.errors import IncompleteStreamError, StreamDecodeError
from assistant_ui.protocol.decoders.assistant_transport import AssistantTransportDecoder
from assistant_ui.protocol.events import ErrorEvent, Event, event_to_dict
from assistant_ui.protocol.leniency import WarningSink
from assistant_ui.protocol.reading.accumulator import MessageAccumulator

sse = sse_body


def decode(
    body: bytes,
    pieces: list[bytes] | None = None,
    decoder: AssistantTransportDecoder | None = None,
    **options: Any,
) -> list[Event]:
    dec = decoder or AssistantTransportDecoder(warnings=WarningSink(emit=False), **options)
    return decode_sse(dec, pieces if pieces is not None else [body])


def run(body: bytes, **options: Any) -> list[dict[str, Any]]:
    return [event_to_dict(e) for e in decode(body, **options)]


def message(events: list[Event], initial_state: Any = None) -> dict[str, Any]:
    acc = MessageAccumulator(initial_state=initial_state, warnings=WarningSink(emit=False))
    for event in events:
        acc.apply(event)
    acc.finish()
    return acc.snapshot()


CANONICAL = sse(
    {"type": "step-start", "messageId": "msg_1"},
    {"type": "part-start", "part": {"type": "text"}, "path": []},
    {"type": "text-delta", "textDelta": "Checking", "path": [0]},
    {"type": "part-finish", "path": [0]},
    {
        "type": "part-start",
        "part": {"type": "tool-call", "toolCallId": "call_1", "toolName": "get_weather"},
        "path": [],
    },
    {"type": "text-delta", "textDelta": '{"city": "NYC"}', "path": [1]},
    {"type": "result", "result": {"temp": 70}, "isError": False, "path": [1]},
    {"type": "tool-call-args-text-finish", "path": [1]},
    {"type": "part-finish", "path": [1]},
    {"type": "update-state", "operations": [{"type": "set", "path": ["status"], "value": "done"}]},
    {
        "type": "step-finish",
        "finishReason": "stop",
        "usage": {"inputTokens": 12, "outputTokens": 34},
        "isContinued": False,
    },
)


def test_canonical_chunks_translate_one_to_one() -> None:
    events = run(CANONICAL)
    assert events[0] == {"type": "step-start", "messageId": "msg_1", "path": []}
    assert events[5] == {"type": "text-delta", "textDelta": '{"city": "NYC"}', "path": [1]}
    assert events[6] == {"type": "result", "path": [1], "result": {"temp": 70}, "isError": False}
    assert events[-1] == {
        "type": "step-finish",
        "finishReason": "stop",
        "usage": {"inputTokens": 12, "outputTokens": 34},
        "isContinued": False,
        "path": [],
    }
    assert len(events) == 11


def test_canonical_message_matches_conformance_case_at_canonical() -> None:
    msg = message(decode(CANONICAL, strict=True))
    assert msg["status"] == {"type": "complete", "reason": "unknown"}
    assert msg["parts"][1]["state"] == "result"
    assert msg["parts"][1]["args"] == {"city": "NYC"}
    assert msg["metadata"]["unstable_state"] == {"status": "done"}


def test_invalid_chunks_are_dropped_with_one_warning_per_reason() -> None:
    sink = WarningSink(emit=False)
    body = sse(
        {"type": "part-start", "part": {"type": "text"}, "path": []},
        {"type": "text-delta", "textDelta": "ok", "path": [0]},
        {"type": "text-delta", "textDelta": "no path"},
        {"type": "tool-call-begin", "toolCallId": "x", "toolName": "y"},
        {"type": "result", "result": 1, "isError": False, "path": []},
        {"type": "text-delta", "textDelta": "!", "path": [9]},
        {"type": "text-delta", "textDelta": "!", "path": [-1]},
        {"type": "text-delta", "textDelta": "!", "path": [True]},
        {"type": "result", "result": 1, "isError": "yes", "path": [0]},
        "not json",
        "not json either",
    )
    events = run(body, decoder=AssistantTransportDecoder(strict=True, warnings=sink))
    # Valid frames pass, including the ones that address no part (the
    # accumulator drops those).
    assert [e["type"] for e in events] == ["part-start", "text-delta", "result", "text-delta"]
    assert sorted(m.split(")")[0] for m in sink.messages) == sorted(
        f"Dropped invalid assistant-transport chunk ({r}"
        for r in (
            "missing-path:text-delta",
            "unknown-type",
            "invalid-path",
            "invalid-fields:result",
            "unparseable",
        )
    )
    msg = message(decode(body, strict=True))
    assert [p["text"] for p in msg["parts"]] == ["ok"]


def test_missing_done() -> None:
    body = sse({"type": "part-start", "part": {"type": "text"}, "path": []}, done=False)
    with pytest.raises(IncompleteStreamError, match=r"without receiving \[DONE\]"):
        run(body, strict=True)
    sink = WarningSink(emit=False)
    assert len(run(body, decoder=AssistantTransportDecoder(warnings=sink))) == 1
    assert sink.messages == ["Stream ended abruptly without receiving [DONE] marker"]


def test_unknown_event_names() -> None:
    body = b"event: custom\ndata: {}\n\n" + sse({"type": "data", "data": [1]})
    with pytest.raises(StreamDecodeError, match="Unknown SSE event type: custom"):
        run(body, strict=True)
    assert run(body) == [{"type": "data", "data": [1], "path": []}]


def test_heartbeats_and_frames_after_done_are_ignored() -> None:
    body = (
        b": heartbeat\n\n" + sse({"type": "data", "data": [1]}) + sse({"type": "data", "data": [2]})
    )
    assert run(body, strict=True) == [{"type": "data", "data": [1], "path": []}]


def test_error_chunk_fields() -> None:
    body = sse(
        {"type": "error", "error": "bad", "code": "provider", "severity": "warning"},
        {"type": "error"},
    )
    assert run(body) == [
        {"type": "error", "error": "bad", "code": "provider", "severity": "warning", "path": []},
        {"type": "error", "error": "unknown error", "path": []},
    ]


# Fields the wire left out stay out (as in the reference's accumulator),
# where the data stream and UI decoders fill in their spec defaults.


def test_step_start_without_message_id_gives_a_step_without_one() -> None:
    body = sse(
        {"type": "step-start", "path": []},
        {"type": "step-finish", "finishReason": "stop", "path": []},
        {"type": "step-start", "messageId": "m2", "path": []},
        {"type": "step-finish", "finishReason": "stop", "path": []},
    )
    assert run(body, strict=True)[0] == {"type": "step-start", "path": []}
    steps = message(decode(body, strict=True))["metadata"]["steps"]
    assert steps == [
        {"state": "finished", "finishReason": "stop"},
        {"state": "finished", "messageId": "m2", "finishReason": "stop"},
    ]


def test_step_finish_without_usage_or_is_continued_keeps_them_absent() -> None:
    body = sse(
        {"type": "step-finish", "finishReason": "stop", "path": []},
        {
            "type": "step-finish",
            "finishReason": "length",
            "usage": {"inputTokens": 3, "outputTokens": 4},
            "isContinued": True,
            "path": [],
        },
    )
    assert run(body, strict=True) == [
        {"type": "step-finish", "finishReason": "stop", "path": []},
        {
            "type": "step-finish",
            "finishReason": "length",
            "usage": {"inputTokens": 3, "outputTokens": 4},
            "isContinued": True,
            "path": [],
        },
    ]
    first, second = message(decode(body, strict=True))["metadata"]["steps"]
    assert set(first) == {"state", "messageId", "finishReason"}  # a finish without a start
    assert second["usage"] == {"inputTokens": 3, "outputTokens": 4}
    assert second["isContinued"] is True


def test_result_without_result_leaves_the_result_out() -> None:
    body = sse(
        {"type": "part-start", "part": {"type": "tool-call", "toolCallId": "c", "toolName": "f"}},
        {"type": "part-start", "part": {"type": "tool-call", "toolCallId": "d", "toolName": "g"}},
        {"type": "result", "path": [0]},
        {"type": "result", "isPreliminary": True, "path": [1]},
    )
    events = run(body, strict=True)
    assert events[2] == {"type": "result", "isError": False, "path": [0]}
    final, preliminary = message(decode(body, strict=True))["parts"]
    assert final["state"] == "result"
    assert "result" not in final
    assert "result" not in preliminary
    assert preliminary["isPreliminary"] is True


def test_error_that_is_not_a_string_is_kept_as_sent() -> None:
    body = sse(
        {"type": "error", "error": {"detail": "quota", "retry": 1.0}, "path": []},
        {"type": "error", "error": 5, "code": "x", "path": []},
        {"type": "error", "error": None, "path": []},
    )
    first, second, third = decode(body, strict=True)
    assert isinstance(first, ErrorEvent)
    assert isinstance(second, ErrorEvent)
    assert event_to_dict(first)["error"] == {"detail": "quota", "retry": 1.0}
    assert first.text == '{"detail":"quota","retry":1}'  # for people and exceptions
    assert second.text == "5"
    assert event_to_dict(third)["error"] == "unknown error"
    status = message([first])["status"]
    assert status["error"] == {"code": "unknown", "message": {"detail": "quota", "retry": 1.0}}
    assert message([second])["status"]["error"] == {"code": "x", "message": 5}


def test_other_decoders_still_fill_in_the_spec_defaults() -> None:
    data_stream = decode_stream(
        b'b:{"toolCallId":"c","toolName":"f"}\na:{"toolCallId":"c"}\ne:{"finishReason":"stop"}\n',
        encoding="data-stream",
        strict=True,
    ).message
    assert data_stream["parts"][0]["result"] == "<no result>"
    assert data_stream["metadata"]["steps"][0]["usage"] == {"inputTokens": 0, "outputTokens": 0}
    assert data_stream["metadata"]["steps"][0]["isContinued"] is False
    ui = decode_stream(
        sse(
            {"type": "start-step"},
            {"type": "tool-call-start", "toolCallId": "c", "toolName": "f"},
            {"type": "tool-result", "toolCallId": "c"},
            {"type": "error", "errorText": {"a": 1}},
        ),
        encoding="ui-message-stream",
        strict=True,
    ).message
    assert isinstance(ui["metadata"]["steps"][0]["messageId"], str)
    assert ui["parts"][0]["result"] == "<no result>"
    assert ui["status"]["error"]["message"] == '{"a":1}'


LEGACY = sse(
    {"type": "text-delta", "textDelta": "Hel", "parentId": None},
    {"type": "text-delta", "textDelta": "lo", "parentId": None},
    {"type": "reasoning-delta", "reasoningDelta": "hm", "parentId": None},
    {"type": "tool-call-begin", "toolCallId": "c1", "toolName": "f", "parentId": None},
    {"type": "tool-call-delta", "toolCallId": "c1", "argsTextDelta": '{"a": 1}'},
    {"type": "tool-call-begin", "toolCallId": "c2", "toolName": "g", "parentId": None},
    {"type": "tool-result", "toolCallId": "c1", "result": "r", "artifact": None, "isError": False},
    {"type": "data", "data": {"k": 1}},
    {"type": "data", "data": [1, 2]},
    {
        "type": "source",
        "id": "s",
        "url": "https://u",
        "sourceType": "url",
        "title": None,
        "parentId": None,
    },
    {"type": "update-state", "operations": [{"type": "set", "path": ["x"], "value": 1}]},
    {"type": "error", "error": "late"},
)


def test_legacy_flat_dialect_decodes_with_data_stream_semantics() -> None:
    dec = AssistantTransportDecoder(warnings=WarningSink(emit=False))
    events = decode(LEGACY, decoder=dec)
    assert dec.dialect == "legacy"
    data = [e for e in run(LEGACY) if e["type"] == "data"]
    assert [d["data"] for d in data] == [[{"k": 1}], [[1, 2]]]
    msg = message(events)
    assert msg["status"]["type"] == "incomplete"
    parts = msg["parts"]
    assert [p["type"] for p in parts] == ["text", "reasoning", "tool-call", "tool-call", "source"]
    assert parts[0]["text"] == "Hello"
    assert parts[2]["state"] == "result"
    assert parts[2]["args"] == {"a": 1}
    # c2 never got arguments or a result: closed with {} at the end
    assert parts[3]["argsText"] == "{}"
    assert parts[3]["state"] == "call"
    assert parts[4] == {
        "type": "source",
        "sourceType": "url",
        "id": "s",
        "url": "https://u",
        "status": {"type": "complete", "reason": "unknown"},
    }
    assert msg["metadata"]["unstable_state"] == {"x": 1}


def test_legacy_unknown_tool_id_is_fatal_only_when_strict() -> None:
    body = sse({"type": "tool-call-delta", "toolCallId": "ghost", "argsTextDelta": "{}"})
    with pytest.raises(StreamDecodeError, match="unknown id: ghost"):
        run(body, strict=True)
    assert run(body) == []


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_any_split_gives_the_same_events(data: st.DataObject) -> None:
    body = data.draw(st.sampled_from([CANONICAL, LEGACY]))
    cuts = sorted(set(data.draw(st.lists(st.integers(0, len(body)), max_size=10))))
    pieces = [body[a:b] for a, b in zip([0, *cuts], [*cuts, len(body)], strict=False)]
    assert [event_to_dict(e) for e in decode(body, pieces)] == run(body)


# -- the published Python encoder ------------------------------------------

Callback = Callable[[RunController], Awaitable[None]]


async def _scenario(run: RunController) -> None:
    run.add_step_start("step_1")
    run.append_reasoning("thinking")
    run.append_text("Checking the weather.")
    tool = await run.add_tool_call("get_weather", "call_w")
    tool.append_args_text('{"city": ')
    tool.append_args_text('"Berlin"}')
    tool.set_response({"temp": 20}, artifact={"src": "t"})
    bare = await run.add_tool_call("noop", "call_n")
    bare.set_response("done")
    run.add_data({"progress": 1})
    run.add_source("s1", "https://example.com", "Example")
    run.state["status"] = "done"
    run.add_step_finish("stop", input_tokens=3, output_tokens=4)
    run.append_text("It is 20C.")


class FlatEncoder(StreamEncoder):  # type: ignore[misc]
    """How assistant-stream <= 0.0.34 wrote its chunks: flat, camelCase."""

    def get_media_type(self) -> str:
        return "text/event-stream"

    async def encode_stream(self, stream: AsyncGenerator[Any, None]) -> AsyncGenerator[str, None]:
        async for chunk in stream:
            if chunk.type not in {
                "text-delta",
                "reasoning-delta",
                "tool-call-begin",
                "tool-call-delta",
                "tool-result",
                "data",
                "error",
                "update-state",
                "source",
            }:
                continue  # 0.0.34 had no other chunk types
            out = {"type": chunk.type}
            for key, value in vars(chunk).items():
                if key != "type":
                    head, *rest = key.split("_")
                    out[head + "".join(p.title() for p in rest)] = value
            yield f"data: {json.dumps(out)}\n\n"
        yield "data: [DONE]\n\n"


async def capture(make_response: Callable[[Any], Response], callback: Callback) -> bytes:
    async def endpoint(request: Request) -> Response:
        return make_response(create_run(callback, state={}))

    app = Starlette(routes=[Route("/", endpoint, methods=["POST"])])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post("/", json={})
        assert response.headers["content-type"].startswith("text/event-stream")
        return response.content


async def test_python_0_0_36_assistant_transport_response_decodes() -> None:
    body = await capture(lambda s: AssistantTransportResponse(s, heartbeat=False), _scenario)
    msg = message(decode(body, strict=True), initial_state={})
    parts = {(p["type"], p.get("toolCallId")): p for p in msg["parts"]}
    weather = parts[("tool-call", "call_w")]
    assert weather["args"] == {"city": "Berlin"}
    assert weather["result"] == {"temp": 20}
    assert weather["artifact"] == {"src": "t"}
    assert parts[("tool-call", "call_n")]["argsText"] == "{}"
    texts = [p["text"] for p in msg["parts"] if p["type"] == "text"]
    assert "".join(texts) == "Checking the weather.It is 20C."
    assert [p["text"] for p in msg["parts"] if p["type"] == "reasoning"] == ["thinking"]
    assert msg["metadata"]["unstable_state"] == {"status": "done"}
    assert msg["metadata"]["unstable_data"] == [{"progress": 1}]
    assert msg["metadata"]["steps"][0]["usage"] == {"inputTokens": 3, "outputTokens": 4}
    assert all(p["status"]["type"] == "complete" for p in msg["parts"])


async def test_legacy_flat_encoding_of_the_same_run_gives_the_same_parts() -> None:
    canonical = await capture(lambda s: AssistantTransportResponse(s, heartbeat=False), _scenario)
    flat = await capture(lambda s: AssistantStreamResponse(s, FlatEncoder()), _scenario)
    assert b"tool-call-begin" in flat
    assert b"part-start" not in flat
    old, new = message(decode(flat), {}), message(decode(canonical), {})

    def content(msg: dict[str, Any]) -> list[Any]:
        # The flat dialect has no step or source-title frames to compare;
        # the concurrent tool task may reorder parts, so compare as a set.
        return sorted(json.dumps(p, sort_keys=True) for p in msg["parts"])

    assert content(old) == content(new)
    assert old["metadata"]["unstable_state"] == new["metadata"]["unstable_state"]
    assert old["metadata"]["unstable_data"] == new["metadata"]["unstable_data"]


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-1, 3) | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)
_TYPES = [
    "part-start",
    "text-delta",
    "part-finish",
    "tool-call-args-text-finish",
    "result",
    "tool-call-approval",
    "annotations",
    "data",
    "step-start",
    "step-finish",
    "message-finish",
    "error",
    "update-state",
    "tool-call-begin",
    "tool-call-delta",
    "tool-result",
    "reasoning-delta",
    "source",
    "other",
]
_FIELDS = {
    "path": st.lists(st.integers(-1, 3), max_size=2) | _JSON_VALUES,
    "part": st.fixed_dictionaries({"type": st.sampled_from(["text", "tool-call", "x"])})
    | _JSON_VALUES,
    "textDelta": st.text(max_size=3) | _JSON_VALUES,
    "toolCallId": st.sampled_from(["a", "b"]) | _JSON_VALUES,
    "toolName": st.sampled_from(["f"]) | _JSON_VALUES,
    "argsTextDelta": st.text(max_size=3) | _JSON_VALUES,
    "reasoningDelta": st.text(max_size=3) | _JSON_VALUES,
    "parentId": st.none() | st.sampled_from(["p"]),
    "data": _JSON_VALUES,
    "result": _JSON_VALUES,
    "isError": _JSON_VALUES,
    "finishReason": st.sampled_from(["stop"]) | _JSON_VALUES,
    "operations": _JSON_VALUES,
    "approval": _JSON_VALUES,
    "error": _JSON_VALUES,
    "messageId": _JSON_VALUES,
    "usage": _JSON_VALUES,
}
_CHUNK = st.builds(
    lambda t, fields: {"type": t, **fields},
    st.sampled_from(_TYPES),
    st.fixed_dictionaries({}, optional=_FIELDS),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_CHUNK, max_size=12), st.booleans())
def test_arbitrary_chunks_never_raise_untyped_errors(chunks: list[Any], strict: bool) -> None:
    try:
        events = decode(sse(*chunks), strict=strict)
    except StreamDecodeError:
        assert strict  # only the legacy dialect's unknown/duplicate ids
        return
    # and the accumulator (lenient) can fold whatever came out
    acc = MessageAccumulator(warnings=WarningSink(emit=False))
    for event in events:
        acc.apply(event)
    acc.finish()
    assert isinstance(acc.snapshot()["parts"], list)


class _WithoutHotPaths(AssistantTransportDecoder):
    """Every chunk takes the general path."""

    def _on_value(self, value: Any, data: str) -> list[Event]:
        return self._on_any_value(value, data)


_HOT_CHUNK = st.one_of(
    _CHUNK,
    st.builds(
        lambda text, path: {"type": "text-delta", "textDelta": text, "path": path},
        st.text(max_size=3),
        st.lists(st.integers(-1, 3), min_size=1, max_size=2),
    ),
    st.builds(lambda ops: {"type": "update-state", "operations": ops}, _JSON_VALUES),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_HOT_CHUNK, max_size=12))
def test_the_hot_paths_give_the_events_of_the_general_path(chunks: list[Any]) -> None:
    body = sse(*chunks)
    slow = _WithoutHotPaths(warnings=WarningSink(emit=False))

    def comparable(events: list[Event]) -> list[dict[str, Any]]:
        # a step's generated messageId differs from run to run
        return [{k: v for k, v in event_to_dict(e).items() if k != "messageId"} for e in events]

    assert comparable(decode(body)) == comparable(decode(body, decoder=slow))
