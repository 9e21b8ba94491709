"""A cancel takes effect at every moment of a run (issue 12, fault class 1).

Each test cancels at one moment (while the headers callable runs, while the
response headers are awaited, mid-body, while a Python tool runs, during a
retry backoff) against the raw-socket server, and checks the cancelled
status, what was received (byte for byte), and that no connection is left
in use. Each moment is one the server would otherwise stretch far past the
test's patience (a held connection, a 30 s backoff), so a lost cancel fails
the ``join``/``wait_for`` bound instead of passing late.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterable
from typing import Any

import httpx
from leaks import connections_in_use, streams_in_flight, text_of
from raw_server import END, HOLD, RawRequest, RawServer, Step, body, chunk, head

from assistant_ui import AssistantClient, RetryPolicy, tool

CANCELLED = {"type": "incomplete", "reason": "cancelled"}
USER = [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]
CANCEL_OK = b"HTTP/1.1 200 X\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
BUSY = b"HTTP/1.1 503 X\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\nbusy"
DATA_STREAM = {"content-type": "text/plain; charset=utf-8", "x-vercel-ai-data-stream": "v1"}
BOUND = 10.0  # seconds a cancelled call may take before the test calls the cancel lost


def _is_cancel(request: RawRequest) -> bool:
    return request.target.endswith("/api/cancel")


def _chats(requests: list[RawRequest]) -> list[RawRequest]:
    return [r for r in requests if r.target.endswith("/api/chat")]


def _client(url: str, **options: Any) -> AssistantClient:
    options.setdefault("max_retries", 0)
    return AssistantClient(url, timeout=httpx.Timeout(30.0), **options)


def _run_in_thread(call: Any) -> tuple[threading.Thread, dict[str, Any]]:
    out: dict[str, Any] = {}

    def target() -> None:
        try:
            out["result"] = call()
        except BaseException as exc:  # handed to the test
            out["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    return worker, out


def _finished(worker: threading.Thread, out: dict[str, Any]) -> Any:
    worker.join(BOUND)
    assert not worker.is_alive(), "the cancel was lost: the call is still running"
    if "error" in out:
        raise out["error"]
    return out["result"]


def _assert_cancelled_empty(response: Any) -> None:
    assert response.status_code == 499  # no reply exists: the placeholder
    assert response.message["status"] == CANCELLED
    assert response.message["parts"] == []


# -- before the connection: the headers callable is still running ----------------


def test_sync_cancel_while_the_headers_callable_runs(raw: RawServer) -> None:
    entered, release = threading.Event(), threading.Event()
    calls = 0

    def headers() -> dict[str, str]:
        nonlocal calls
        calls += 1
        if calls == 1:  # the chat request's; the cancel request's returns at once
            entered.set()
            release.wait(BOUND)
        return {}

    url, route = raw.mount(lambda request: [CANCEL_OK])
    client = _client(url, headers=headers)
    thread = client.threads("t-before-connect")
    worker, out = _run_in_thread(lambda: thread.chat_sync(messages=USER))
    assert entered.wait(BOUND)
    thread.cancel_sync()
    release.set()
    _assert_cancelled_empty(_finished(worker, out))
    assert _chats(route.requests) == []  # nothing was sent
    assert connections_in_use(client) == 0
    assert streams_in_flight(client, thread.thread_id) == 0
    client.close_sync()


async def test_async_cancel_while_the_headers_callable_runs(raw: RawServer) -> None:
    entered, never = asyncio.Event(), asyncio.Event()
    calls = 0

    async def headers() -> dict[str, str]:
        nonlocal calls
        calls += 1
        if calls == 1:
            entered.set()
            await never.wait()  # only the cancel can end this wait
        return {}

    url, route = raw.mount(lambda request: [CANCEL_OK])
    client = _client(url, headers=headers)
    thread = client.threads("t-before-connect-async")
    task = asyncio.create_task(thread.chat(messages=USER))
    await asyncio.wait_for(entered.wait(), BOUND)
    await thread.cancel()
    _assert_cancelled_empty(await asyncio.wait_for(task, BOUND))
    assert _chats(route.requests) == []
    assert connections_in_use(client) == 0
    assert streams_in_flight(client, thread.thread_id) == 0
    await client.close()


# -- while the response headers are awaited ------------------------------------------


def _silent(request: RawRequest) -> Iterable[Step]:
    return [CANCEL_OK] if _is_cancel(request) else [HOLD]


def test_sync_cancel_while_awaiting_the_response_headers(raw: RawServer) -> None:
    url, route = raw.mount(_silent)
    client = _client(url)
    thread = client.threads("t-headers")
    worker, out = _run_in_thread(lambda: thread.chat_sync(messages=USER))
    assert route.arrived.wait(BOUND)
    thread.cancel_sync()
    _assert_cancelled_empty(_finished(worker, out))
    assert route.wait_released()  # the server saw the socket closed
    assert connections_in_use(client) == 0
    assert streams_in_flight(client, thread.thread_id) == 0
    client.close_sync()


def test_sync_cancel_while_awaiting_headers_on_a_pooled_connection(raw: RawServer) -> None:
    # The second chat reuses the first one's connection: no connect happens,
    # and the cancel must still find the socket the send is blocked on.
    def handler(request: RawRequest) -> Iterable[Step]:
        if _is_cancel(request):
            return [CANCEL_OK]
        if len(_chats(route.requests)) == 1:
            return [head(headers=DATA_STREAM), *body([b'0:"first"\n']), END]
        return [HOLD]

    url, route = raw.mount(handler)
    client = _client(url)
    thread = client.threads("t-headers-pooled")
    assert text_of(thread.chat_sync(messages=USER).message) == "first"
    worker, out = _run_in_thread(lambda: thread.chat_sync(messages=USER))
    deadline = time.monotonic() + BOUND
    while len(_chats(route.requests)) < 2:  # the second request has arrived
        assert time.monotonic() < deadline
        time.sleep(0.01)
    thread.cancel_sync()
    _assert_cancelled_empty(_finished(worker, out))
    first, second = _chats(route.requests)
    assert first.connection == second.connection  # the pooled connection was reused
    assert route.wait_released()
    assert connections_in_use(client) == 0
    assert streams_in_flight(client, thread.thread_id) == 0
    client.close_sync()


async def test_async_cancel_while_awaiting_the_response_headers(raw: RawServer) -> None:
    url, route = raw.mount(_silent)
    client = _client(url)
    thread = client.threads("t-headers-async")
    task = asyncio.create_task(thread.chat(messages=USER))
    assert await asyncio.to_thread(route.arrived.wait, BOUND)
    await thread.cancel()
    _assert_cancelled_empty(await asyncio.wait_for(task, BOUND))
    assert await asyncio.to_thread(route.wait_released)
    assert connections_in_use(client) == 0
    assert streams_in_flight(client, thread.thread_id) == 0
    await client.close()


async def test_async_stream_cancelled_before_headers_yields_the_empty_message(
    raw: RawServer,
) -> None:
    url, route = raw.mount(_silent)
    client = _client(url)
    thread = client.threads("t-headers-stream")

    async def read() -> tuple[list[Any], dict[str, Any]]:
        async with thread.stream(messages=USER) as stream:
            events = [event async for event in stream]  # high-level
            return events, await stream.get_final_message()

    task = asyncio.create_task(read())
    assert await asyncio.to_thread(route.arrived.wait, BOUND)
    await thread.cancel()
    events, message = await asyncio.wait_for(task, BOUND)
    # No reply arrived: the only event says how the message ended.
    assert [(e.type, e.status) for e in events] == [("message-finish", CANCELLED)]
    assert message["status"] == CANCELLED
    assert message["parts"] == []
    assert await asyncio.to_thread(route.wait_released)
    await client.close()


# -- mid-body ------------------------------------------------------------------------


def _half_reply(request: RawRequest) -> Iterable[Step]:
    if _is_cancel(request):
        return [CANCEL_OK]
    return [head(headers=DATA_STREAM), chunk(b'0:"Hello "\n'), chunk(b'0:"wor'), HOLD]


def test_sync_cancel_mid_body_keeps_what_arrived(raw: RawServer) -> None:
    url, route = raw.mount(_half_reply)
    client = _client(url)
    thread = client.threads("t-mid")
    with thread.stream_sync(messages=USER) as stream:
        seen = ""
        for text in stream.text_stream:
            seen += text
            if seen == "Hello ":
                thread.cancel_sync()
        message = stream.get_final_message()
    assert message["status"] == CANCELLED
    assert text_of(message) == "Hello "  # the unfinished line is not applied
    assert route.wait_released()
    assert connections_in_use(client) == 0
    assert streams_in_flight(client, thread.thread_id) == 0
    client.close_sync()


async def test_async_cancel_mid_body_keeps_what_arrived(raw: RawServer) -> None:
    url, route = raw.mount(_half_reply)
    client = _client(url)
    thread = client.threads("t-mid-async")
    async with thread.stream(messages=USER) as stream:
        seen = ""
        async for text in stream.text_stream:
            seen += text
            if seen == "Hello ":
                await thread.cancel()
        message = await stream.get_final_message()
    assert message["status"] == CANCELLED
    assert text_of(message) == "Hello "
    assert await asyncio.to_thread(route.wait_released)
    assert connections_in_use(client) == 0
    assert streams_in_flight(client, thread.thread_id) == 0
    await client.close()


# -- while a Python tool runs ----------------------------------------------------------

_TOOL_CALL = (
    b'9:{"toolCallId":"call-1","toolName":"slow_tool","args":{"x":"1"}}\n',
    b'e:{"finishReason":"tool-calls","usage":{"promptTokens":1,"completionTokens":1},'
    b'"isContinued":false}\n',
    b'd:{"finishReason":"tool-calls","usage":{"promptTokens":1,"completionTokens":1}}\n',
)


def _tool_then_text(request: RawRequest) -> Iterable[Step]:
    if _is_cancel(request):
        return [CANCEL_OK]
    return [head(headers=DATA_STREAM), *body(_TOOL_CALL), END]


def _tool_part(message: dict[str, Any]) -> dict[str, Any]:
    (part,) = [p for p in message["parts"] if p["type"] == "tool-call"]
    return part


def test_sync_cancel_while_a_tool_runs_sends_no_further_request(raw: RawServer) -> None:
    started, release = threading.Event(), threading.Event()

    @tool
    def slow_tool(x: str) -> str:
        """Runs until the test lets it finish."""
        started.set()
        release.wait(BOUND)
        return f"done {x}"

    url, route = raw.mount(_tool_then_text)
    client = _client(url)
    thread = client.threads("t-tool", tools=[slow_tool])
    worker, out = _run_in_thread(lambda: thread.send_sync("hi"))
    assert started.wait(BOUND)
    thread.cancel_sync()
    release.set()
    result = _finished(worker, out)
    assert result.message["status"] == CANCELLED
    assert _tool_part(result.message)["result"] == "done 1"  # the tool's answer is kept
    assert len(_chats(route.requests)) == 1  # no follow-up request after the cancel
    assert connections_in_use(client) == 0
    assert streams_in_flight(client, thread.thread_id) == 0
    client.close_sync()


async def test_async_cancel_while_a_tool_runs_sends_no_further_request(raw: RawServer) -> None:
    started, release = asyncio.Event(), asyncio.Event()

    @tool
    async def slow_tool(x: str) -> str:
        """Runs until the test lets it finish."""
        started.set()
        await release.wait()
        return f"done {x}"

    url, route = raw.mount(_tool_then_text)
    client = _client(url)
    thread = client.threads("t-tool-async", tools=[slow_tool])
    task = asyncio.create_task(thread.send("hi"))
    await asyncio.wait_for(started.wait(), BOUND)
    await thread.cancel()
    release.set()
    result = await asyncio.wait_for(task, BOUND)
    assert result.message["status"] == CANCELLED
    assert _tool_part(result.message)["result"] == "done 1"
    assert len(_chats(route.requests)) == 1
    assert connections_in_use(client) == 0
    assert streams_in_flight(client, thread.thread_id) == 0
    await client.close()


# -- during a retry backoff ----------------------------------------------------------

# A backoff far longer than BOUND: only a cancel that cuts the sleep short
# lets the call end in time.
_SLOW_RETRY = RetryPolicy(max_retries=2, initial_delay=30.0, jitter=0.0)


def _busy(request: RawRequest) -> Iterable[Step]:
    return [CANCEL_OK] if _is_cancel(request) else [BUSY]


def test_sync_cancel_during_the_retry_backoff(raw: RawServer) -> None:
    url, route = raw.mount(_busy)
    client = _client(url, retry_policy=_SLOW_RETRY)
    thread = client.threads("t-backoff")
    worker, out = _run_in_thread(lambda: thread.chat_sync(messages=USER))
    assert route.arrived.wait(BOUND)
    worker.join(0.2)  # let the client read the 503 and start sleeping
    thread.cancel_sync()
    _assert_cancelled_empty(_finished(worker, out))
    assert len(_chats(route.requests)) == 1  # not resent after the cancel
    assert connections_in_use(client) == 0
    assert streams_in_flight(client, thread.thread_id) == 0
    client.close_sync()


async def test_async_cancel_during_the_retry_backoff(raw: RawServer) -> None:
    url, route = raw.mount(_busy)
    client = _client(url, retry_policy=_SLOW_RETRY)
    thread = client.threads("t-backoff-async")
    task = asyncio.create_task(thread.chat(messages=USER))
    assert await asyncio.to_thread(route.arrived.wait, BOUND)
    await asyncio.sleep(0.2)  # let the client read the 503 and start sleeping
    await thread.cancel()
    _assert_cancelled_empty(await asyncio.wait_for(task, BOUND))
    assert len(_chats(route.requests)) == 1
    assert connections_in_use(client) == 0
    assert streams_in_flight(client, thread.thread_id) == 0
    await client.close()
