"""thread.stream() / thread.stream_sync() and the decoded chat() result,
against real servers on 127.0.0.1 (the official assistant-stream backend and
raw byte servers). Every case runs for both twins."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

import httpx
import pytest

from app_host import AppHost
from assistant_ui import events
from assistant_ui._client import AssistantClient
from assistant_ui._thread import ThreadClient
from assistant_ui.errors import (
    IncompleteStreamError,
    InternalServerError,
    RemoteStreamError,
    StreamDecodeError,
    StreamInterruptedError,
    StreamWarning,
)
from assistant_ui.protocol.events import ErrorEvent, Event, PartStart, TextDelta
from policies import NO_BACKOFF
from servers import Recorder, json_app, official_app, raw_app, slow_app

USER = {"role": "user", "content": [{"type": "text", "text": "Hello"}]}
twins = pytest.mark.parametrize("sync", [False, True], ids=["async", "sync"])


@pytest.fixture
def official(app_host: AppHost, recorder: Recorder) -> Iterator[str]:
    with app_host.run(official_app(recorder)) as server:
        yield server.url


def serve(
    host: AppHost, recorder: Recorder, chunks: list[bytes], **options: Any
) -> AbstractContextManager[AppHost]:
    return host.run(raw_app(recorder, chunks, **options))


async def events_and_message(
    thread: ThreadClient, sync: bool, **kwargs: Any
) -> tuple[list[Event], dict[str, Any]]:
    """Iterates the stream's canonical events to its end; returns them and the
    final message."""
    if sync:
        with thread.stream_sync(**kwargs) as stream:
            return list(stream.raw_events()), dict(stream.get_final_message())
    async with thread.stream(**kwargs) as stream:
        return [e async for e in stream.raw_events()], dict(await stream.get_final_message())


async def texts(thread: ThreadClient, sync: bool, **kwargs: Any) -> list[str]:
    """``text_stream`` read to its end."""
    if sync:
        with thread.stream_sync(**kwargs) as stream:
            return list(stream.text_stream)
    async with thread.stream(**kwargs) as stream:
        return [t async for t in stream.text_stream]


async def enter(thread: ThreadClient, sync: bool) -> None:
    """Enters and leaves a stream (which sends the request)."""
    if sync:
        with thread.stream_sync(messages=[USER]):
            return
    async with thread.stream(messages=[USER]):
        return


async def chat(thread: ThreadClient, sync: bool, **kwargs: Any) -> Any:
    if sync:
        return thread.chat_sync(**kwargs)
    return await thread.chat(**kwargs)


@twins
async def test_stream_yields_events_and_the_final_message(
    official: str, recorder: Recorder, sync: bool
) -> None:
    async with AssistantClient(official) as client:
        events, message = await events_and_message(client.threads("t"), sync, messages=[USER])
    assert isinstance(events[0], PartStart)
    assert [e.text_delta for e in events if isinstance(e, TextDelta)] == ["You said: ", "Hello"]
    assert message["role"] == "assistant"
    assert message["status"] == {"type": "complete", "reason": "unknown"}
    assert message["parts"][0]["text"] == "You said: Hello"
    assert recorder.last.body["threadId"] == "t"


@twins
async def test_text_stream_yields_only_text(
    app_host: AppHost, recorder: Recorder, sync: bool
) -> None:
    body = [
        b'g:"thinking"\n',
        b'0:"Hel"\n',
        b'b:{"toolCallId":"c1","toolName":"lookup"}\n',
        b'c:{"toolCallId":"c1","argsTextDelta":"{\\"q\\":1}"}\n',
        b'0:"lo"\n',
    ]
    with serve(app_host, recorder, body) as server:
        async with AssistantClient(server.url) as client:
            assert await texts(client.threads("t"), sync, messages=[USER]) == ["Hel", "lo"]


@twins
async def test_current_message_is_a_live_snapshot(official: str, sync: bool) -> None:
    seen: list[str] = []
    async with AssistantClient(official) as client:
        thread = client.threads("t")
        if sync:
            stream = thread.stream_sync(messages=[USER])
            assert stream.current_message is None
            with stream:
                for _ in stream.text_stream:
                    seen.append(stream.current_message["parts"][0]["text"])  # type: ignore[index]
        else:
            astream = thread.stream(messages=[USER])
            assert astream.current_message is None
            async with astream:
                async for _ in astream.text_stream:
                    seen.append(astream.current_message["parts"][0]["text"])  # type: ignore[index]
    assert seen == ["You said: ", "You said: Hello"]


def test_current_message_is_one_live_dict_and_the_final_message_a_copy(official: str) -> None:
    # Read after every event, the view is the same dict each time, equal to
    # the message so far; what the stream hands back at the end is its own.
    with (
        AssistantClient(official) as client,
        client.threads("t").stream_sync(messages=[USER]) as stream,
    ):
        views = [stream.current_message for _ in stream.raw_events()]
        final = stream.get_final_message()
    assert views
    assert all(view is views[0] for view in views)
    assert views[-1] == final
    assert final is not views[-1]
    final["parts"].clear()  # a caller may change its copy
    assert stream.current_message is not None
    assert stream.current_message["parts"]


@twins
async def test_until_done_then_snapshot(official: str, sync: bool) -> None:
    async with AssistantClient(official) as client:
        thread = client.threads("t")
        if sync:
            with thread.stream_sync(messages=[USER]) as stream:
                stream.until_done()
                message = stream.current_message
                assert stream.response.status_code == 200
        else:
            async with thread.stream(messages=[USER]) as astream:
                await astream.until_done()
                message = astream.current_message
                assert astream.response.status_code == 200
    assert message is not None
    assert message["status"]["type"] == "complete"


@twins
async def test_chat_returns_the_decoded_reply(
    official: str, recorder: Recorder, sync: bool
) -> None:
    tools = {"get_weather": {"parameters": {"type": "object", "properties": {}}}}
    async with AssistantClient(official) as client:
        response = await chat(
            client.threads("t"), sync, messages=[USER], tools=tools, state={"count": 1}
        )
    assert response.encoding == "data-stream"
    assert response.output_text == "You said: Hello"
    assert response.json() == response.message
    assert response.status == {"type": "complete", "reason": "unknown"}
    [call] = response.tool_calls
    assert call["toolName"] == "get_weather"
    assert call["args"] == {"location": "Paris"}
    assert call["result"] == {"temperature": 21}
    # The state the request sent, plus the backend's operation on it.
    assert response.state == {"count": 1, "seen": True}
    assert response.content.startswith(b'0:"You said: "\n')
    assert response.text.startswith('0:"You said: "\n')
    assert any(isinstance(e, TextDelta) for e in response.events)
    # The response keeps the body, not the events: they are decoded again
    # from it, and they are the events a stream of the same reply yields.
    async with AssistantClient(official) as client:
        with client.threads("t").stream_sync(
            messages=[USER], tools=tools, state={"count": 1}
        ) as stream:
            streamed = list(stream.raw_events())
    assert response.events == streamed
    assert response.events is response.events  # decoded once


# A reply with every kind of plain delta (text, reasoning, tool arguments),
# in several network chunks, with other events between them.
_DELTAS_BODY = [
    b'f:{"messageId":"m"}\n0:"Hel"\n',
    b'0:"lo"\ng:"think"\ng:"ing"\n',
    b'b:{"toolCallId":"c1","toolName":"t"}\nc:{"toolCallId":"c1","argsTextDelta":"{\\"x\\":"}\n',
    b'c:{"toolCallId":"c1","argsTextDelta":"1}"}\na:{"toolCallId":"c1","result":2}\n',
    b'0:"after"\n0:" the call"\n',
    b'e:{"finishReason":"stop"}\nd:{"finishReason":"stop"}\n',
]


@twins
async def test_until_done_after_some_events_builds_the_message_of_every_event(
    app_host: AppHost, recorder: Recorder, sync: bool
) -> None:
    # until_done() stops building delta events (they go straight to the
    # message); the message, and the events chat() reports, must be those
    # of a stream read event by event.
    with serve(app_host, recorder, _DELTAS_BODY) as server:
        async with AssistantClient(server.url) as client:
            thread = client.threads("t")
            every, expected = await events_and_message(thread, sync, messages=[USER])
            if sync:
                with thread.stream_sync(messages=[USER]) as stream:
                    first = list(itertools.islice(stream.raw_events(), 3))
                    message = dict(stream.get_final_message())
            else:
                async with thread.stream(messages=[USER]) as astream:
                    first = []
                    async for event in astream.raw_events():
                        first.append(event)
                        if len(first) == 3:
                            break
                    message = dict(await astream.get_final_message())
            response = await chat(thread, sync, messages=[USER])
    assert first == every[:3]
    assert message == expected
    assert message["parts"][0]["text"] == "Hello"
    assert message["parts"][2]["args"] == {"x": 1}
    assert message["parts"][-1]["text"] == "after the call"
    assert response.message == expected
    assert response.events == every


@twins
async def test_finish_reason_and_usage(app_host: AppHost, recorder: Recorder, sync: bool) -> None:
    body = [
        b'0:"hi"\n',
        b'd:{"finishReason":"stop","usage":{"promptTokens":3,"completionTokens":5}}\n',
    ]
    with serve(app_host, recorder, body) as server:
        async with AssistantClient(server.url) as client:
            response = await chat(client.threads("t"), sync, messages=[USER])
    assert response.finish_reason == "stop"
    assert response.usage == {"inputTokens": 3, "outputTokens": 5}
    assert response.status == {"type": "complete", "reason": "stop"}


@twins
async def test_error_frame_raises_after_the_stream_ends(
    app_host: AppHost, recorder: Recorder, sync: bool
) -> None:
    body = [b'0:"partial "\n', b'3:"quota exceeded"\n', b'0:"more"\n']
    with serve(app_host, recorder, body) as server:
        async with AssistantClient(server.url) as client:
            thread = client.threads("t")
            with pytest.raises(RemoteStreamError) as info:
                await chat(thread, sync, messages=[USER])
            # Iterating does not raise: the error frame is an event ...
            if sync:
                with thread.stream_sync(messages=[USER]) as stream:
                    events = list(stream.raw_events())
                    with pytest.raises(RemoteStreamError):
                        stream.get_final_message()
            else:
                async with thread.stream(messages=[USER]) as astream:
                    events = [e async for e in astream.raw_events()]
                    with pytest.raises(RemoteStreamError):
                        await astream.get_final_message()
    assert any(isinstance(e, ErrorEvent) for e in events)
    error = info.value
    assert error.error_message == "quota exceeded"
    assert error.partial_message is not None
    assert error.partial_message["parts"][0]["text"] == "partial more"
    assert error.partial_message["status"]["reason"] == "error"


@twins
async def test_error_frame_then_cut_connection_reports_the_error_frame(
    official: str, sync: bool
) -> None:
    async with AssistantClient(official) as client:
        with pytest.raises(RemoteStreamError) as info:
            await chat(client.threads("t"), sync, messages=[{"role": "user", "content": "fail"}])
    error = info.value
    assert error.error_message == "the model exploded"
    assert isinstance(error.__cause__, httpx.TransportError)
    assert error.partial_message is not None
    assert error.partial_message["parts"][0]["text"] == "You said: fail"


@twins
async def test_cut_connection_is_an_interrupted_stream_with_the_partial_message(
    app_host: AppHost, recorder: Recorder, sync: bool
) -> None:
    with serve(app_host, recorder, [b'0:"half a rep"\n'], cut=True) as server:
        async with AssistantClient(server.url) as client:
            with pytest.raises(StreamInterruptedError) as info:
                await chat(client.threads("t"), sync, messages=[USER])
    error = info.value
    assert isinstance(error.__cause__, httpx.TransportError)
    assert error.partial_message is not None
    assert error.partial_message["parts"][0]["text"] == "half a rep"
    assert error.partial_message["status"]["type"] == "incomplete"
    assert error.partial_message["status"]["reason"] == "error"


@twins
async def test_read_timeout_mid_stream_is_an_interrupted_stream(
    app_host: AppHost, recorder: Recorder, sync: bool
) -> None:
    timeout = httpx.Timeout(10.0, read=0.3)
    with app_host.run(slow_app(recorder, interval=5.0)) as server:
        async with AssistantClient(server.url, timeout=timeout) as client:
            with pytest.raises(StreamInterruptedError) as info:
                await chat(client.threads("t"), sync, messages=[USER])
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)
    assert info.value.partial_message is not None
    assert info.value.partial_message["parts"][0]["text"] == "tick "


@twins
async def test_body_cut_mid_line_is_incomplete(
    app_host: AppHost, recorder: Recorder, sync: bool
) -> None:
    with serve(app_host, recorder, [b'0:"complete"\n', b'0:"no line end"']) as server:
        async with AssistantClient(server.url) as client:
            with pytest.raises(IncompleteStreamError) as info:
                await chat(client.threads("t"), sync, messages=[USER])
    assert not isinstance(info.value, StreamInterruptedError)
    assert info.value.partial_message is not None
    assert info.value.partial_message["parts"][0]["text"] == "complete"


@twins
async def test_ui_message_stream_without_done_is_incomplete(
    app_host: AppHost, recorder: Recorder, sync: bool
) -> None:
    body = [
        b'data: {"type":"start"}\n\n',
        b'data: {"type":"text-start","id":"1"}\n\n',
        b'data: {"type":"text-delta","id":"1","delta":"cut"}\n\n',
    ]
    headers = {"x-vercel-ai-ui-message-stream": "v1"}
    with serve(app_host, recorder, body, media_type="text/event-stream", headers=headers) as server:
        async with AssistantClient(server.url) as client:
            with pytest.raises(IncompleteStreamError) as info:
                await chat(client.threads("t", strict=True), sync, messages=[USER])
            response = await chat(client.threads("t"), sync, messages=[USER])
    assert info.value.partial_message is not None
    assert info.value.partial_message["parts"][0]["text"] == "cut"
    # Lenient (the default), as for every encoding with an end marker: what
    # arrived is the message, and the missing marker is reported once.
    assert response.output_text == "cut"
    assert response.warnings == ["Stream ended abruptly without receiving [DONE] marker"]


@twins
async def test_malformed_line_in_strict_mode_says_where(
    app_host: AppHost, recorder: Recorder, sync: bool
) -> None:
    with serve(app_host, recorder, [b'0:"fine"\n', b"0:123\n", b'0:"never"\n']) as server:
        async with AssistantClient(server.url) as client:
            with pytest.raises(StreamDecodeError) as info:
                await chat(client.threads("t", strict=True), sync, messages=[USER])
    error = info.value
    assert error.line == "0:123"
    assert error.offset == len(b'0:"fine"\n')
    assert error.encoding == "data-stream"
    assert error.partial_message is not None
    assert error.partial_message["parts"][0]["text"] == "fine"
    assert error.partial_message["status"]["type"] == "incomplete"


@twins
async def test_malformed_line_in_lenient_mode_is_a_warning(
    app_host: AppHost, recorder: Recorder, sync: bool
) -> None:
    with serve(app_host, recorder, [b'0:"fine"\n', b"0:123\n", b'0:" still"\n']) as server:
        async with AssistantClient(server.url) as client:
            with pytest.warns(StreamWarning):
                response = await chat(client.threads("t"), sync, messages=[USER])
    assert response.output_text == "fine still"
    assert len(response.warnings) == 1


@twins
async def test_status_error_before_the_stream(
    app_host: AppHost, recorder: Recorder, sync: bool
) -> None:
    from servers import status_app

    with app_host.run(status_app(recorder, 503, "overloaded")) as server:
        async with AssistantClient(server.url, retry_policy=NO_BACKOFF) as client:
            thread = client.threads("t")
            with pytest.raises(InternalServerError) as info:
                await enter(thread, sync)
    assert info.value.status_code == 503
    assert info.value.body == "overloaded"


@twins
async def test_json_reply_through_a_stream_has_no_message(
    app_host: AppHost, recorder: Recorder, sync: bool
) -> None:
    with app_host.run(json_app(recorder)) as server:
        async with AssistantClient(server.url) as client:
            with pytest.raises(StreamDecodeError, match="not a stream"):
                await events_and_message(client.threads("t"), sync, messages=[USER])


@twins
async def test_closing_a_half_read_stream_frees_the_connection(
    app_host: AppHost, recorder: Recorder, sync: bool
) -> None:
    with app_host.run(slow_app(recorder, interval=0.01)) as server:
        async with AssistantClient(server.url) as client:
            thread = client.threads("t")
            if sync:
                with thread.stream_sync(messages=[USER]) as stream:
                    for text in stream.text_stream:
                        assert text == "tick "
                        break
            else:
                async with thread.stream(messages=[USER]) as astream:
                    async for text in astream.text_stream:
                        assert text == "tick "
                        break
                stream = astream  # type: ignore[assignment]
            assert recorder.disconnected.wait(10)
    message = stream.current_message
    assert message is not None
    assert message["status"] == {"type": "incomplete", "reason": "cancelled"}


async def test_cancel_aborts_the_async_stream_then_posts_cancel(
    app_host: AppHost, recorder: Recorder
) -> None:
    with app_host.run(slow_app(recorder)) as server:
        async with AssistantClient(server.url) as client:
            thread = client.threads("t")
            task = asyncio.create_task(thread.chat(messages=[USER]))
            assert await asyncio.to_thread(recorder.arrived.wait, 10)
            await asyncio.sleep(0.05)
            cancel = await thread.cancel()
            response = await task
            assert recorder.disconnected.wait(10)
    assert cancel.status_code == 200
    assert response.status == {"type": "incomplete", "reason": "cancelled"}
    assert response.output_text.startswith("tick ")
    assert recorder.of("/api/cancel")[0].body == {"threadId": "t"}


def test_cancel_sync_from_another_thread_stops_the_blocked_read(
    app_host: AppHost, recorder: Recorder
) -> None:
    results: list[Any] = []
    server = app_host.run(slow_app(recorder, interval=0.05))
    with server as running, AssistantClient(running.url) as client:
        thread = client.threads("t")
        reader = threading.Thread(target=lambda: results.append(thread.chat_sync(messages=[USER])))
        reader.start()
        assert recorder.arrived.wait(10)
        threading.Event().wait(0.1)
        thread.cancel_sync()
        reader.join(10)
        assert recorder.disconnected.wait(10)
    assert results[0].status == {"type": "incomplete", "reason": "cancelled"}
    assert recorder.of("/api/cancel")[0].body == {"threadId": "t"}


async def test_stream_request_posts_any_body_to_any_path(
    app_host: AppHost, recorder: Recorder
) -> None:
    body = [
        b'data: {"type":"part-start","part":{"type":"text"},"path":[]}\n\n',
        b'data: {"type":"text-delta","textDelta":"hi","path":[0]}\n\n',
        b'data: {"type":"update-state","path":[],'
        b'"operations":[{"type":"set","path":["n"],"value":2}]}\n\n',
        b"data: [DONE]\n\n",
    ]
    with serve(app_host, recorder, body, media_type="text/event-stream") as server:
        async with AssistantClient(server.url) as client:
            thread = client.threads("t")
            request = {"commands": [], "state": {"n": 1}}
            async with thread.stream_request(
                request, path="/api/chat", encoding="assistant-transport", initial_state={"n": 1}
            ) as stream:
                message = await stream.get_final_message()
                assert stream.state == {"n": 2}
            with thread.stream_request_sync(request, encoding="assistant-transport") as sstream:
                sstream.until_done()
                assert sstream.state == {"n": 2}
    assert message["parts"][0]["text"] == "hi"
    assert recorder.requests[0].body == request


@twins
async def test_ui_message_stream_reply_keeps_the_ai_sdk_message(
    app_host: AppHost, recorder: Recorder, sync: bool
) -> None:
    body = [
        b'data: {"type":"start","messageId":"m1"}\n\n',
        b'data: {"type":"text-start","id":"1"}\n\n',
        b'data: {"type":"text-delta","id":"1","delta":"Hi"}\n\n',
        b'data: {"type":"text-end","id":"1"}\n\n',
        b'data: {"type":"finish","finishReason":"stop"}\n\n',
        b"data: [DONE]\n\n",
    ]
    headers = {"x-vercel-ai-ui-message-stream": "v1"}
    with serve(app_host, recorder, body, media_type="text/event-stream", headers=headers) as server:
        async with AssistantClient(server.url) as client:
            response = await chat(client.threads("t"), sync, messages=[USER])
    assert response.encoding == "ui-message-stream"
    assert response.output_text == "Hi"
    assert response.ui_message is not None
    assert response.ui_message["id"] == "m1"
    assert response.ui_message["parts"][-1]["text"] == "Hi"


@twins
@pytest.mark.parametrize("status", [200, 204])
async def test_a_2xx_reply_with_an_empty_body_is_incomplete(
    app_host: AppHost, recorder: Recorder, sync: bool, status: int
) -> None:
    # docs/protocols.md §1.2: "A 2xx response without a body is an error".
    from servers import status_app

    with app_host.run(status_app(recorder, status, "")) as server:
        async with AssistantClient(server.url) as client:
            with pytest.raises(
                IncompleteStreamError, match=f"answered {status} with an empty body"
            ):
                await chat(client.threads("t"), sync, messages=[USER])
            with pytest.raises(IncompleteStreamError, match="empty body") as info:
                await events_and_message(client.threads("t"), sync, messages=[USER])
    assert len(recorder.of("/api/chat")) == 2
    if status == 200:  # a text/plain reply is decoded, so its message says what went wrong
        assert info.value.partial_message is not None
        assert info.value.partial_message["status"]["type"] == "incomplete"
        assert info.value.partial_message["status"]["reason"] == "error"


@twins
async def test_an_empty_streamed_body_is_incomplete(
    app_host: AppHost, recorder: Recorder, sync: bool
) -> None:
    with serve(app_host, recorder, [], media_type="text/event-stream") as server:
        async with AssistantClient(server.url) as client:
            with pytest.raises(IncompleteStreamError, match="answered 200 with an empty body"):
                await events_and_message(client.threads("t"), sync, messages=[USER])


@twins
async def test_iteration_yields_high_level_events(
    app_host: AppHost, recorder: Recorder, sync: bool
) -> None:
    body = [
        b'g:"Let me think."\n',
        b'0:"Hel"\n',
        b'b:{"toolCallId":"c1","toolName":"lookup"}\n',
        b'c:{"toolCallId":"c1","argsTextDelta":"{\\"q\\":"}\n',
        b'c:{"toolCallId":"c1","argsTextDelta":"1}"}\n',
        b'a:{"toolCallId":"c1","result":{"hits":2}}\n',
        b'0:"lo"\n',
        b'e:{"finishReason":"stop","usage":{"promptTokens":3,"completionTokens":4}}\n',
        b'd:{"finishReason":"stop","usage":{"promptTokens":3,"completionTokens":4}}\n',
    ]
    with serve(app_host, recorder, body) as server:
        async with AssistantClient(server.url) as client:
            thread = client.threads("t")
            if sync:
                with thread.stream_sync(messages=[USER]) as stream:
                    got = list(stream)
                    usage = stream.usage
            else:
                async with thread.stream(messages=[USER]) as astream:
                    got = [e async for e in astream]
                    usage = astream.usage
    kinds = [e.type for e in got]
    assert kinds[0] == "reasoning"
    assert "tool-call-start" in kinds
    assert "tool-call-ready" in kinds
    assert kinds[-1] == "message-finish"
    texts_ = [e for e in got if isinstance(e, events.TextEvent)]
    assert [(e.delta, e.text) for e in texts_] == [("Hel", "Hel"), ("lo", "lo")]
    args = [e for e in got if isinstance(e, events.ToolCallArgsEvent)]
    assert [e.delta for e in args] == ['{"q":', "1}"]
    assert args[-1].args == {"q": 1}
    result = next(e for e in got if isinstance(e, events.ToolResultEvent))
    assert (result.tool_name, result.result, result.is_error) == ("lookup", {"hits": 2}, False)
    finish = got[-1]
    assert isinstance(finish, events.MessageFinishEvent)
    assert finish.status == {"type": "complete", "reason": "stop"}
    assert finish.usage == {"inputTokens": 3, "outputTokens": 4}
    assert usage == {"inputTokens": 3, "outputTokens": 4}


def test_events_work_with_match() -> None:
    def describe(event: events.StreamEvent) -> str:
        match event:
            case events.TextEvent(delta=delta):
                return f"text {delta}"
            case events.ToolCallReadyEvent(tool_name=name, args=args):
                return f"call {name} {args}"
            case _:
                return event.type

    ready = events.ToolCallReadyEvent("c1", "lookup", {"q": 1}, 0)
    assert describe(ready) == "call lookup {'q': 1}"
    assert describe(events.StepStartEvent()) == "step-start"
