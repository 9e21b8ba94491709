"""The async side on every anyio backend: asyncio and trio.

Each test runs its body under ``anyio.run(..., backend=anyio_backend)``
against the embedded demo backend on 127.0.0.1, and checks first that the
body really runs on that backend. The tests are sync functions on purpose:
the suite runs pytest-asyncio in auto mode, which claims every coroutine
test for asyncio (``@pytest.mark.anyio`` included), so a trio test must
enter its event loop itself.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx
import pytest
import sniffio

from assistant_ui import (
    AssistantClient,
    InternalServerError,
    RetryPolicy,
    Tool,
    ToolCall,
    UsageError,
    tool,
)

pytest.importorskip("trio")

USER = {"role": "user", "content": [{"type": "text", "text": "hello there"}]}


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """The anyio backend the test body runs on."""
    return str(request.param)


def run_on(backend: str, body: Callable[[], Awaitable[None]]) -> None:
    """Runs ``body`` on ``backend``, after checking that it is the one running."""

    async def checked() -> None:
        assert sniffio.current_async_library() == backend
        await body()

    anyio.run(checked, backend=backend)


def test_chat(anyio_backend: str, demo_server: Any, thread_id: str) -> None:
    async def body() -> None:
        async with AssistantClient(demo_server.url, max_retries=0) as client:
            response = await client.threads(thread_id).chat(messages=[USER])
        assert response.output_text == "You said: hello there"
        assert response.status["type"] == "complete"

    run_on(anyio_backend, body)
    assert [r.path for r in demo_server.log.requests_for(thread_id)] == ["/api/chat"]


def test_stream(anyio_backend: str, demo_server: Any, thread_id: str) -> None:
    async def body() -> None:
        texts: list[str] = []
        async with (
            AssistantClient(demo_server.url, max_retries=0) as client,
            client.threads(thread_id).stream(messages=[USER]) as stream,
        ):
            async for text in stream.text_stream:
                texts.append(text)
            message = await stream.get_final_message()
        assert len(texts) > 1  # the demo streams a word at a time
        assert "".join(texts) == "You said: hello there"
        assert message["status"]["type"] == "complete"

    run_on(anyio_backend, body)


def _async_pair() -> tuple[Tool, list[str]]:
    """An async tool whose two calls must run at once: each waits for the other."""
    arrived: dict[str, anyio.Event] = {"Paris": anyio.Event(), "Berlin": anyio.Event()}
    cities: list[str] = []

    @tool
    async def get_weather(city: str) -> dict[str, Any]:
        """Get the weather."""
        arrived[city].set()
        other = "Berlin" if city == "Paris" else "Paris"
        with anyio.fail_after(20):  # one after the other would wait forever
            await arrived[other].wait()
        cities.append(city)
        return {"city": city, "temperature": 18, "condition": "sunny"}

    return get_weather, cities


def _sync_pair() -> tuple[Tool, list[str]]:
    """A blocking tool whose two calls must run at once (in worker threads)."""
    barrier = threading.Barrier(2, timeout=20)
    cities: list[str] = []

    def get_weather(city: str) -> dict[str, Any]:
        """Get the weather."""
        barrier.wait()  # raises (an error result) if the calls ran one after the other
        cities.append(city)
        return {"city": city, "temperature": 18, "condition": "sunny"}

    return Tool.from_function(get_weather), cities


@pytest.mark.parametrize("kind", ["async", "sync"])
@pytest.mark.parametrize("runtime", ["data-stream", "ai-sdk"])
def test_send_runs_two_tools_concurrently(
    anyio_backend: str, demo_server: Any, thread_id: str, kind: str, runtime: str
) -> None:
    async def body() -> None:
        # Made inside the loop: an anyio.Event belongs to the running backend.
        get_weather, cities = _async_pair() if kind == "async" else _sync_pair()
        async with AssistantClient(demo_server.url, max_retries=0) as client:
            thread = client.threads(thread_id, runtime=runtime, tools=[get_weather])
            result = await thread.send("weather in Paris and Berlin")
        assert sorted(cities) == ["Berlin", "Paris"]
        assert result.requests == 2
        assert result.status["type"] == "complete"
        assert all(call["isError"] is False for call in result.tool_calls)
        assert "Paris" in result.text
        assert "Berlin" in result.text

    run_on(anyio_backend, body)
    assert len(demo_server.log.requests_for(thread_id)) == 2


def test_send_stream_yields_events(anyio_backend: str, demo_server: Any, thread_id: str) -> None:
    async def body() -> None:
        async with AssistantClient(demo_server.url, max_retries=0) as client:
            thread = client.threads(thread_id, runtime="data-stream")
            events = [event async for event in thread.send_stream("echo me")]
        assert events
        assert thread.conversation.last_result is not None
        assert thread.conversation.last_result.text == "You said: echo me"

    run_on(anyio_backend, body)


def test_a_failing_approval_callback_is_raised_as_itself(
    anyio_backend: str, demo_server: Any, thread_id: str
) -> None:
    ran: list[str] = []

    @tool(needs_approval=True)
    async def get_weather(city: str) -> str:
        """Never approved."""
        ran.append(city)
        return "unreachable"

    async def approve(call: ToolCall) -> bool:
        raise ValueError(f"no decision for {call.args['city']}")

    async def body() -> None:
        async with AssistantClient(demo_server.url, max_retries=0) as client:
            thread = client.threads(thread_id, runtime="data-stream", tools=[get_weather])
            # Two calls decided concurrently: the error, not an exception group.
            with pytest.raises(ValueError, match="no decision for"):
                await thread.send("weather in Paris and Berlin", approve=approve)
            assert not thread.conversation.in_flight

    run_on(anyio_backend, body)
    assert ran == []


def test_retry_backoff_sleeps_on_the_running_backend(anyio_backend: str, recorder: Any) -> None:
    from assistant_ui.demo.runner import BackgroundServer
    from servers import status_app

    async def body() -> None:
        policy = RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.001, jitter=0)
        async with AssistantClient(server.url, retry_policy=policy) as client:
            with pytest.raises(InternalServerError):
                await client.threads("t").chat(messages=[USER])

    with BackgroundServer(status_app(recorder, 503)) as server:
        run_on(anyio_backend, body)
    assert len(recorder.of("/api/chat")) == 3


def test_cancelling_a_send_keeps_a_cancelled_reply(
    anyio_backend: str, demo_server: Any, thread_id: str
) -> None:
    async def body() -> None:
        started = anyio.Event()

        @tool
        async def get_weather(city: str) -> str:
            """Never answers."""
            started.set()
            await anyio.sleep_forever()
            return "unreachable"

        async with AssistantClient(demo_server.url, max_retries=0) as client:
            thread = client.threads(thread_id, runtime="data-stream", tools=[get_weather])
            async with anyio.create_task_group() as group:
                group.start_soon(thread.send, "weather in Paris")
                with anyio.fail_after(20):
                    await started.wait()
                group.cancel_scope.cancel()
            assert thread.messages[-1]["status"] == {"type": "incomplete", "reason": "cancelled"}
            assert not thread.conversation.in_flight
            again = await thread.send("hello again")
        assert again.status["type"] == "complete"
        assert again.text == "You said: hello again"

    run_on(anyio_backend, body)


def test_thread_cancel_stops_a_running_stream(
    anyio_backend: str, demo_server: Any, thread_id: str
) -> None:
    async def body() -> None:
        hang = {"role": "user", "content": [{"type": "text", "text": "hang on"}]}
        cancels: list[int] = []
        async with AssistantClient(demo_server.url, max_retries=0) as client:
            thread = client.threads(thread_id)
            async with thread.stream(messages=[hang]) as stream:
                async for text in stream.text_stream:
                    assert text
                    if not cancels:  # the reply is flowing: stop it
                        cancels.append((await thread.cancel()).status_code)
                message = await stream.get_final_message()
        assert cancels == [200]
        assert message["status"] == {"type": "incomplete", "reason": "cancelled"}
        assert message["parts"][0]["text"]

    run_on(anyio_backend, body)
    assert thread_id in demo_server.log.cancels


class ClosingTransport(httpx.AsyncHTTPTransport):
    """A real loopback transport that says when it was closed (make it
    inside the running loop: its event belongs to the backend)."""

    def __init__(self) -> None:
        super().__init__()
        self.closed = anyio.Event()

    async def aclose(self) -> None:
        self.closed.set()
        await super().aclose()


def test_async_with_closes_the_async_client(
    anyio_backend: str, demo_server: Any, thread_id: str
) -> None:
    async def body() -> None:
        transport = ClosingTransport()
        async with AssistantClient(demo_server.url, max_retries=0, transport=transport) as c:
            thread = c.threads(thread_id)
            await thread.chat(messages=[USER])
            assert not transport.closed.is_set()
        assert transport.closed.is_set()
        with pytest.raises(UsageError, match="closed"):
            await thread.chat(messages=[USER])

    run_on(anyio_backend, body)


def test_sync_with_inside_the_loop_schedules_the_close_on_it(
    anyio_backend: str, demo_server: Any, thread_id: str
) -> None:
    async def body() -> None:
        transport = ClosingTransport()
        with AssistantClient(demo_server.url, max_retries=0, transport=transport) as client:
            await client.threads(thread_id).chat(messages=[USER])
        # A sync `with` cannot await: the close runs on this loop soon after.
        with anyio.fail_after(10):
            await transport.closed.wait()

    run_on(anyio_backend, body)
