"""StreamParser and decode_stream: wiring, detection, error context, lifecycle."""

from __future__ import annotations

import copy
import gc
import importlib
import importlib.util
from typing import Any

import pytest

from assistant_ui._decoding import DecodeResult, decode_stream
from assistant_ui.errors import (
    IncompleteStreamError,
    InvalidRequestError,
    LineTooLongError,
    StreamDecodeError,
    UsageError,
)
from assistant_ui.protocol.events import PartStart, TextDelta
from assistant_ui.protocol.leniency import WarningSink
from assistant_ui.protocol.reading.parser import StreamParser

COMPLETE = {"type": "complete", "reason": "unknown"}
RUNNING = {"type": "running"}


def parser(**kwargs: Any) -> StreamParser:
    kwargs.setdefault("warnings", WarningSink(emit=False))
    return StreamParser(**kwargs)


def feed_all(p: StreamParser, body: bytes, size: int = 1) -> list[Any]:
    events: list[Any] = []
    for start in range(0, len(body), size):
        events += p.feed(body[start : start + size])
    return events


def text_parts(message: dict[str, Any]) -> list[str]:
    return [part["text"] for part in message["parts"] if part["type"] == "text"]


def test_feed_returns_events_as_lines_complete() -> None:
    p = parser(encoding="data-stream")
    assert p.feed(b'0:"He') == []
    events = p.feed(b'llo"\n0:"!"\n')
    assert events == [
        PartStart(part={"type": "text"}),
        TextDelta(text_delta="Hello", path=(0,)),
        TextDelta(text_delta="!", path=(0,)),
    ]
    assert p.message["parts"][0]["status"] == RUNNING
    closing = p.close()
    assert [e.type for e in closing] == ["part-finish"]
    assert p.message["parts"] == [{"type": "text", "text": "Hello!", "status": COMPLETE}]
    assert p.message["status"] == COMPLETE
    assert p.close() == []  # idempotent


def test_detects_python_data_stream_without_marker_header() -> None:
    p = parser(headers={"content-type": "text/plain; charset=utf-8"})
    assert p.encoding is None
    feed_all(p, b'f:{"messageId": "msg_1"}\n0:"hi"\n', size=5)
    assert p.encoding == "data-stream"
    p.close()
    assert text_parts(p.message) == ["hi"]


def test_marker_header_wins_over_sniffing() -> None:
    p = parser(headers={"x-vercel-ai-data-stream": "v1", "content-type": "text/plain"})
    assert p.encoding == "data-stream"


def test_plain_text_detected_and_streamed_before_the_body_ends() -> None:
    p = parser(headers={"content-type": "text/plain"})
    events = p.feed(b"Hello there\nmore")
    assert p.encoding == "plain-text"
    assert any(isinstance(e, TextDelta) for e in events)
    p.close()
    assert text_parts(p.message) == ["Hello there\nmore"]


def test_detection_decides_on_a_short_body_at_close() -> None:
    p = parser(headers={"content-type": "text/plain"})
    assert p.feed(b"b") == []  # could still be a "b:" frame: still sniffing
    p.close()
    assert p.encoding == "plain-text"
    assert text_parts(p.message) == ["b"]


def test_plain_text_streams_before_its_first_newline() -> None:
    # "Hi" cannot begin a data-stream frame nor an NDJSON line: plain text
    # at once, each piece as it comes, a split character held whole.
    p = parser(headers={"content-type": "text/plain"})
    first = p.feed(b"Hi")
    assert p.encoding == "plain-text"
    assert [e.text_delta for e in first if isinstance(e, TextDelta)] == ["Hi"]
    second = p.feed(b" caf\xc3")
    assert [e.text_delta for e in second if isinstance(e, TextDelta)] == [" caf"]
    assert text_parts(p.message) == ["Hi caf"]
    p.feed(b"\xa9")
    assert text_parts(p.message) == ["Hi café"]


def test_held_bytes_reach_the_partial_message_when_the_body_breaks() -> None:
    p = parser(headers={"content-type": "text/plain"})
    assert p.feed(b"a") == []  # could still be "aui-...:"
    p.fail({"type": "incomplete", "reason": "cancelled"})
    assert text_parts(p.message) == ["a"]
    assert p.message["status"] == {"type": "incomplete", "reason": "cancelled"}


def test_strict_error_carries_line_offset_encoding_and_partial_message() -> None:
    body = b'\xef\xbb\xbf0:"a"\nzz:{"x":1}\n0:"b"\n'
    p = parser(encoding="data-stream", strict=True)
    with pytest.raises(StreamDecodeError) as info:
        feed_all(p, body)
    error = info.value
    assert error.reason == "unsupported chunk type: zz"
    assert error.line == 'zz:{"x":1}'
    assert error.offset == 9  # 3 BOM bytes + len('0:"a"\n')
    assert error.encoding == "data-stream"
    assert error.partial_message is not None
    assert error.partial_message["parts"] == [{"type": "text", "text": "a", "status": RUNNING}]
    assert error.partial_message["status"] == RUNNING
    assert "byte 9" in str(error)
    with pytest.raises(UsageError):
        p.feed(b'0:"c"\n')
    assert p.close() == []
    assert text_parts(p.message) == ["a"]  # nothing received is lost


def test_lenient_default_drops_and_warns() -> None:
    sink = WarningSink(emit=False)
    p = StreamParser(encoding="data-stream", warnings=sink)
    p.feed(b'0:"a"\nzz:{"x":1}\n0:"b"\n')
    p.close()
    assert text_parts(p.message) == ["ab"]
    assert any("zz" in m for m in sink.messages)


def test_warnings_go_through_python_warnings_by_default() -> None:
    from assistant_ui.errors import StreamWarning

    p = StreamParser(encoding="data-stream")
    with pytest.warns(StreamWarning, match="zz"):
        p.feed(b"zz:1\n")


def test_body_ending_mid_line_is_incomplete_and_line_not_applied() -> None:
    p = parser(encoding="data-stream")
    p.feed('0:"a"\n0:"b👋"'.encode())
    with pytest.raises(IncompleteStreamError) as info:
        p.close()
    # "characters" are UTF-16 code units, as in the reference: 👋 counts 2.
    assert "Stream ended with an incomplete line (7 characters)" in str(info.value)
    assert info.value.partial_message is not None
    assert info.value.partial_message["parts"] == [{"type": "text", "text": "a", "status": RUNNING}]


def test_line_too_long_is_located_and_keeps_partial() -> None:
    p = parser(encoding="data-stream", max_line_bytes=32)
    p.feed(b'0:"ok"\n')
    with pytest.raises(LineTooLongError) as info:
        p.feed(b'0:"' + b"x" * 64)
    assert info.value.offset == 7
    assert info.value.encoding == "data-stream"
    assert info.value.partial_message is not None
    assert text_parts(info.value.partial_message) == ["ok"]


def test_strict_state_operation_failure_is_located() -> None:
    p = parser(encoding="data-stream", strict=True, initial_state={"n": 1})
    body = b'0:"a"\naui-state:[{"type":"append-text","path":["n"],"value":"x"}]\n'
    with pytest.raises(StreamDecodeError) as info:
        p.feed(body)
    assert info.value.line is not None
    assert info.value.line.startswith("aui-state:")
    assert info.value.offset == 6
    assert info.value.state == {"n": 1}


def test_state_and_initial_state() -> None:
    p = parser(encoding="data-stream", initial_state={"a": 1})
    p.feed(b'aui-state:[{"type":"set","path":["b"],"value":2}]\n')
    p.close()
    assert p.state == {"a": 1, "b": 2}


def test_fail_sets_runtime_status_and_keeps_parts() -> None:
    p = parser(encoding="data-stream")
    p.feed(b'0:"partial"\n')
    status = {"type": "incomplete", "reason": "cancelled"}
    p.fail(status)
    assert p.message["status"] == status
    assert text_parts(p.message) == ["partial"]
    with pytest.raises(UsageError):
        p.feed(b'0:"more"\n')


def test_unknown_encoding_name_is_rejected() -> None:
    with pytest.raises(InvalidRequestError, match="encoding"):
        StreamParser(encoding="ndjson")


@pytest.mark.parametrize("headers", [{"content-type": "application/json"}, None])
def test_json_body_is_not_a_stream(headers: dict[str, str] | None) -> None:
    with pytest.raises(StreamDecodeError, match="JSON document") as info:
        decode_stream(b'{"error": "Unauthorized"}', headers=headers)
    assert info.value.line is not None
    assert "Unauthorized" in info.value.line


def test_decode_stream_on_bytes_and_pieces() -> None:
    body = b'0:"Hello"\n3:"overloaded"\nzz:1\n'
    whole = decode_stream(body, events=True)
    pieces = decode_stream(iter([body[:4], body[4:11], body[11:]]))
    assert isinstance(whole, DecodeResult)
    assert whole.encoding == "data-stream"
    assert whole.message == pieces.message
    assert whole.message["status"]["reason"] == "error"  # an error chunk does not raise
    assert whole.warnings  # the unknown code, dropped in lenient mode
    assert [e.type for e in whole.events][:2] == ["part-start", "text-delta"]
    assert pieces.events == []  # only collected when asked for
    assert whole.ui_message is None


def test_decode_stream_copies_payloads_only_when_events_are_kept() -> None:
    body = (
        b'9:{"toolCallId":"c","toolName":"t","args":{}}\n'
        b'a:{"toolCallId":"c","result":{"rows":[1,2]}}\n'
    )
    plain = decode_stream(body)
    kept = decode_stream(body, events=True)
    assert plain.message == kept.message
    assert plain.message["parts"][0]["result"] == {"rows": [1, 2]}
    assert plain.state is plain.message["metadata"]["unstable_state"]
    result = next(e for e in kept.events if e.type == "result")
    assert kept.message["parts"][0]["result"] == result.result
    assert kept.message["parts"][0]["result"] is not result.result  # events stay untouched


_BODIES = {
    "data-stream": b'f:{"messageId":"m"}\n0:"hi"\n9:{"toolCallId":"c","toolName":"t","args":{}}\n'
    b'a:{"toolCallId":"c","result":[1]}\ne:{"finishReason":"stop"}\nd:{"finishReason":"stop"}\n',
    "ui-message-stream": b'data: {"type":"start"}\n\ndata: {"type":"text-start","id":"t"}\n\n'
    b'data: {"type":"text-delta","id":"t","delta":"hi"}\n\n'
    b'data: {"type":"tool-input-start","toolCallId":"c","toolName":"t"}\n\n'
    b'data: {"type":"tool-input-delta","toolCallId":"c","inputTextDelta":"{}"}\n\n'
    b'data: {"type":"tool-output-available","toolCallId":"c","output":1}\n\n'
    b'data: {"type":"finish"}\n\ndata: [DONE]\n\n',
    "assistant-transport": b'data: {"type":"update-state","operations":'
    b'[{"type":"set","path":["a"],"value":"x"},{"type":"append-text","path":["a"],"value":"y"}]}'
    b"\n\ndata: [DONE]\n\n",
}


@pytest.mark.parametrize("encoding", sorted(_BODIES))
def test_decode_stream_leaves_no_reference_cycles(encoding: str) -> None:
    # Parsers hold the whole message: freed by reference counting as soon as
    # they are dropped, not at some later run of the cyclic collector.
    gc.collect()
    gc.disable()
    try:
        result = decode_stream(_BODIES[encoding], encoding=encoding)
        assert result.message["parts"] or result.state
        del result
        assert gc.collect() == 0
    finally:
        gc.enable()


@pytest.mark.parametrize("encoding", sorted(_BODIES))
def test_live_message_equals_a_snapshot_after_every_read(encoding: str) -> None:
    body = _BODIES[encoding]
    parser = StreamParser(encoding=encoding, warnings=WarningSink(emit=False))
    view = parser.live_message
    for start in range(0, len(body), 7):
        parser.feed(body[start : start + 7])
        assert parser.live_message is view  # one dict, updated in place
        assert view == parser.message
    parser.close()
    assert parser.live_message == parser.message


def test_live_message_rebuilds_only_the_parts_events_touched() -> None:
    parser = StreamParser(encoding="data-stream", warnings=WarningSink(emit=False))
    parser.feed(b'0:"a"\nb:{"toolCallId":"c","toolName":"t"}\n')
    first = parser.live_message["parts"][0]
    parser.feed(b'c:{"toolCallId":"c","argsTextDelta":"{\\"q\\":1"}\n')
    view = parser.live_message
    assert view["parts"][0] is first  # the finished text part is not copied again
    assert view["parts"][1]["args"] == {"q": 1}
    assert view == parser.message


def test_decode_stream_strict_raises() -> None:
    with pytest.raises(StreamDecodeError):
        decode_stream(b'0:"a"\nzz:1\n', strict=True)


def test_decode_stream_empty_body() -> None:
    result = decode_stream(b"")
    assert result.message["parts"] == []
    assert result.message["status"] == COMPLETE


needs_ui = pytest.mark.skipif(
    importlib.util.find_spec("assistant_ui.protocol.decoders.ui_message_stream") is None,
    reason="UI message stream decoder not available",
)


@needs_ui
def test_done_stops_processing_and_later_bytes_are_ignored() -> None:
    body = (
        b'data: {"type":"start","messageId":"m"}\n\n'
        b'data: {"type":"text-start","id":"t"}\n\n'
        b'data: {"type":"text-delta","id":"t","delta":"x"}\n\n'
        b"data: [DONE]\n\n"
    )
    p = parser(headers={"content-type": "text/event-stream"})
    feed_all(p, body, size=7)
    assert p.encoding == "ui-message-stream"
    # Garbage that would be fatal (and an over-long line) after [DONE] is never read.
    assert p.feed(b"event: nope\ndata: {\n\n" + b"x" * 100) == []
    p.close()
    assert text_parts(p.message) == ["x"]
    assert p.ui_message is not None


@needs_ui
def test_sse_error_carries_event_data_and_offset() -> None:
    body = (
        b'data: {"type":"start","messageId":"m"}\n\n'
        b'data: {"type":"text-delta","id":"t","delta":"x"}\n\n'
    )
    p = parser(encoding="ui-message-stream", strict=True)
    p.feed(body)
    with pytest.raises(IncompleteStreamError, match=r"\[DONE\]") as info:
        p.close()
    assert info.value.partial_message is not None


@needs_ui
def test_sse_decode_error_is_located_at_the_event() -> None:
    first = b'data: {"type":"start","messageId":"m"}\n\n'
    body = first + b'event: other\ndata: {"type":"text-start","id":"t"}\n\n'
    p = parser(encoding="ui-message-stream", strict=True)
    with pytest.raises(StreamDecodeError) as info:
        feed_all(p, body, size=3)
    assert info.value.line == '{"type":"text-start","id":"t"}'
    assert info.value.offset == len(first)
    assert info.value.encoding == "ui-message-stream"
    assert info.value.partial_message is not None


# --- detection on what the published Python encoders (assistant-stream 0.0.36) send ---


async def _served(response_factory: Any) -> tuple[dict[str, str], list[bytes]]:
    """Headers and body reads of one reply from an in-process ASGI app."""
    import httpx
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    async def endpoint(request: Request) -> Response:
        response: Response = response_factory()
        return response

    app = Starlette(routes=[Route("/", endpoint, methods=["POST"])])
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client,
        client.stream("POST", "/") as response,
    ):
        return dict(response.headers), [chunk async for chunk in response.aiter_raw()]


async def _python_run(run: Any) -> None:
    run.append_text("Hello ")
    run.append_text("wörld")
    tool = await run.add_tool_call("get_weather", "call_1")
    tool.append_args_text('{"city": "NYC"}')
    tool.set_response({"temp": 70})


@pytest.mark.parametrize(
    ("module", "cls", "encoding"),
    [
        ("assistant_stream.serialization.data_stream", "DataStreamResponse", "data-stream"),
        (
            "assistant_stream.serialization.assistant_transport",
            "AssistantTransportResponse",
            "assistant-transport",
        ),
    ],
)
async def test_python_encoders_are_detected_from_headers_and_body(
    module: str, cls: str, encoding: str
) -> None:
    from assistant_stream import create_run

    response_class = getattr(importlib.import_module(module), cls)
    headers, reads = await _served(lambda: response_class(create_run(_python_run)))
    assert "x-vercel-ai-data-stream" not in headers  # the Python encoder sends no marker
    p = parser(headers=headers, strict=True)
    for chunk in reads:
        p.feed(chunk)
    p.close()
    assert p.encoding == encoding
    assert text_parts(p.message) == ["Hello wörld"]
    tool = next(part for part in p.message["parts"] if part["type"] == "tool-call")
    assert tool["args"] == {"city": "NYC"}
    assert tool["result"] == {"temp": 70}


async def test_python_openai_stream_is_detected() -> None:
    from assistant_stream import create_run
    from assistant_stream.serialization.openai_stream import OpenAIStreamResponse

    async def run(controller: Any) -> None:
        controller.append_text("Hi")

    headers, reads = await _served(lambda: OpenAIStreamResponse(create_run(run), heartbeat=False))
    p = parser(headers=headers)
    for chunk in reads:
        p.feed(chunk)
    p.close()
    assert p.encoding == "openai"
    assert text_parts(p.message) == ["Hi"]


async def test_streamed_plain_text_is_detected() -> None:
    from starlette.responses import StreamingResponse

    async def words() -> Any:
        for word in ("0: not", " a frame ", "✓"):
            yield word.encode()

    headers, reads = await _served(lambda: StreamingResponse(words(), media_type="text/plain"))
    p = parser(headers=headers)
    for chunk in reads:
        p.feed(chunk)
    p.close()
    assert p.encoding == "plain-text"
    assert text_parts(p.message) == ["0: not a frame ✓"]


# --- continuing a UIMessage (submit-message, docs/protocols.md §3.9) ---------------

PREVIOUS_UI_MESSAGE: dict[str, Any] = {
    "id": "a1",
    "role": "assistant",
    "parts": [
        {"type": "step-start"},
        {
            "type": "tool-weather",
            "toolCallId": "c1",
            "state": "output-available",
            "input": {"city": "Paris"},
            "output": {"temp": 20},
        },
    ],
}
CONTINUATION = (
    b'data: {"type":"start"}\n\n'
    b'data: {"type":"start-step"}\n\n'
    b'data: {"type":"text-start","id":"t"}\n\n'
    b'data: {"type":"text-delta","id":"t","delta":"20 \\u00b0C"}\n\n'
    b'data: {"type":"text-end","id":"t"}\n\n'
    b'data: {"type":"finish-step"}\n\n'
    b'data: {"type":"finish"}\n\n'
    b"data: [DONE]\n\n"
)


@pytest.mark.parametrize("size", [1, 7, len(CONTINUATION)])
def test_previous_ui_message_is_continued_not_replaced(size: int) -> None:
    before = copy.deepcopy(PREVIOUS_UI_MESSAGE)
    p = parser(
        headers={"content-type": "text/event-stream"}, previous_ui_message=PREVIOUS_UI_MESSAGE
    )
    feed_all(p, CONTINUATION, size)
    p.close()
    assert p.ui_message == {
        "id": "a1",
        "role": "assistant",
        "parts": [
            *before["parts"],
            {"type": "step-start"},
            {"type": "text", "text": "20 °C", "state": "done"},
        ],
    }
    assert before == PREVIOUS_UI_MESSAGE  # copied, never modified
    # the canonical message is this reply only
    assert text_parts(p.message) == ["20 °C"]
    assert [part["type"] for part in p.message["parts"]] == ["text"]


def test_without_previous_ui_message_a_new_message_starts() -> None:
    p = parser(encoding="ui-message-stream")
    feed_all(p, CONTINUATION, 64)
    p.close()
    assert p.ui_message is not None
    assert p.ui_message["id"] != "a1"
    assert [part["type"] for part in p.ui_message["parts"]] == ["step-start", "text"]


def test_decode_stream_passes_previous_ui_message_and_other_encodings_ignore_it() -> None:
    result = decode_stream(
        CONTINUATION, encoding="ui-message-stream", previous_ui_message=PREVIOUS_UI_MESSAGE
    )
    assert result.ui_message is not None
    assert result.ui_message["id"] == "a1"
    assert len(result.ui_message["parts"]) == 4
    other = decode_stream(b'0:"x"\n', previous_ui_message=PREVIOUS_UI_MESSAGE)
    assert other.encoding == "data-stream"
    assert other.ui_message is None
    assert text_parts(other.message) == ["x"]


def test_ui_stream_keeps_parts_opened_before_a_fatal_error_in_the_same_frame() -> None:
    # The failed call t1 is a part; after the abort, t3 and a second t1 are
    # buffered. [DONE] emits them in order: t3 opens, then t1 is a duplicate
    # id (fatal in strict mode). The reference's partial message keeps t3.
    body = (
        b'data: {"type":"start","messageId":"m"}\n\n'
        b'data: {"type":"tool-input-error","toolCallId":"t1","toolName":"w",'
        b'"input":"{bad","errorText":"invalid"}\n\n'
        b'data: {"type":"abort"}\n\n'
        b'data: {"type":"tool-input-start","toolCallId":"t3","toolName":"w"}\n\n'
        b'data: {"type":"tool-input-start","toolCallId":"t1","toolName":"w"}\n\n'
        b"data: [DONE]\n\n"
    )
    for size in (1, 7, len(body)):
        parser = StreamParser(encoding="ui-message-stream", strict=True)
        pieces = [body[i : i + size] for i in range(0, len(body), size)]
        for piece in pieces[:-1]:
            parser.feed(piece)
        with pytest.raises(StreamDecodeError, match="duplicate tool call id: t1") as caught:
            parser.feed(pieces[-1])
        partial = caught.value.partial_message
        assert partial is not None
        ids = [p.get("toolCallId") for p in partial["parts"] if p["type"] == "tool-call"]
        assert ids == ["t1", "t3"]
        # The reference's deferred close of t3's argument text never ran.
        assert partial["parts"][1]["state"] == "partial-call"
        assert partial["parts"][1]["argsText"] == ""
        assert caught.value.line == "[DONE]"
