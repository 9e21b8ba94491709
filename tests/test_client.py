"""AssistantClient and ThreadClient against real servers on 127.0.0.1.

Every test runs for both twins (``sync`` parameter) where both exist, and
asserts the exact JSON and headers the server received.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app_host import AppHost
from assistant_ui._client import AssistantClient
from assistant_ui._http.transport import DEFAULT_TIMEOUT
from assistant_ui._thread import ThreadClient
from assistant_ui.errors import InvalidRequestError, UsageError
from servers import Recorder, json_app

USER = {"role": "user", "content": [{"type": "text", "text": "Hello, how are you?"}]}


@pytest.fixture
def json_server(app_host: AppHost, recorder: Recorder) -> Iterator[AppHost]:
    with app_host.run(json_app(recorder)) as server:
        yield server


async def call(thread: ThreadClient, name: str, sync: bool, *args: Any, **kwargs: Any) -> Any:
    """Runs ``thread.<name>`` or its ``_sync`` twin with the same arguments."""
    if sync:
        return getattr(thread, f"{name}_sync")(*args, **kwargs)
    return await getattr(thread, name)(*args, **kwargs)


twins = pytest.mark.parametrize("sync", [False, True], ids=["async", "sync"])


@twins
async def test_chat_posts_the_sync_server_body(
    json_server: AppHost, recorder: Recorder, sync: bool
) -> None:
    async with AssistantClient(json_server.url) as client:
        thread = client.threads("thread-123")
        response = await call(thread, "chat", sync, messages=[USER], system="Be nice.")

    received = recorder.last
    assert (received.method, received.path) == ("POST", "/api/chat")
    assert received.body == {
        "threadId": "thread-123",
        "messages": [USER],
        "commands": [
            {
                "type": "add-message",
                "message": {
                    "role": "user",
                    "parts": [{"type": "text", "text": "Hello, how are you?"}],
                },
            }
        ],
        "system": "Be nice.",
    }
    assert received.headers["content-type"] == "application/json"
    # Keys keep the documented order (docs/protocols.md §1.6).
    assert list(received.body) == ["threadId", "messages", "commands", "system"]
    assert response.json() == {"reply": "echo: Hello, how are you?", "received": received.body}


@twins
async def test_response_keeps_the_httpx_surface(
    json_server: AppHost, recorder: Recorder, sync: bool
) -> None:
    async with AssistantClient(json_server.url) as client:
        response = await call(client.threads("t"), "chat", sync, messages=[USER])

    assert response.status_code == 200
    assert response.is_success
    assert response.headers["content-type"] == "application/json"
    assert json.loads(response.content) == response.json()
    assert json.loads(response.text) == response.json()
    assert response.raise_for_status() is response
    assert isinstance(response.request, httpx.Request)
    assert response.request.url == httpx.URL(json_server.url + "/api/chat")
    assert response.request.method == "POST"
    assert response.encoding == "json"
    assert response.message is None
    assert response.output_text == ""


@twins
async def test_every_optional_key_and_kwargs_override(
    json_server: AppHost, recorder: Recorder, sync: bool
) -> None:
    tools = {"get_weather": {"parameters": {"type": "object", "properties": {}}}}
    command = {"type": "my-command", "data": 1}
    async with AssistantClient(json_server.url) as client:
        await call(
            client.threads("t"),
            "chat",
            sync,
            messages=[USER],
            commands=[command],
            system="s",
            tools=tools,
            unstable_assistantMessageId="msg-1",
            runConfig={"custom": {"a": 1}},
            state={"count": 1},
            threadId="overridden",
            extra=[1, 2],
        )

    body = recorder.last.body
    assert list(body) == [
        "threadId", "messages", "commands", "system", "tools",
        "unstable_assistantMessageId", "runConfig", "state", "extra",
    ]  # fmt: skip
    assert body["threadId"] == "overridden"
    assert body["commands"][0] == command  # explicit commands first, then converted
    assert body["commands"][1]["type"] == "add-message"
    assert body["tools"] == tools
    assert body["runConfig"] == {"custom": {"a": 1}}
    assert body["state"] == {"count": 1}
    assert body["extra"] == [1, 2]


@twins
async def test_commands_alone_send_no_messages_key(
    json_server: AppHost, recorder: Recorder, sync: bool
) -> None:
    command = {"type": "add-tool-result", "toolCallId": "c", "toolName": "t", "result": 1}
    async with AssistantClient(json_server.url) as client:
        await call(client.threads("t"), "chat", sync, commands=[command])
    assert recorder.last.body == {"threadId": "t", "commands": [command]}


@twins
async def test_static_headers_and_user_content_type_win(
    json_server: AppHost, recorder: Recorder, sync: bool
) -> None:
    headers = {"Authorization": "Bearer tok", "Content-Type": "application/json; charset=utf-8"}
    async with AssistantClient(json_server.url, headers=headers) as client:
        await call(client.threads("t"), "chat", sync, messages=[USER])
    received = recorder.last.headers
    assert received["authorization"] == "Bearer tok"
    assert received["content-type"] == "application/json; charset=utf-8"


@twins
async def test_sync_header_callable_runs_before_every_request(
    json_server: AppHost, recorder: Recorder, sync: bool
) -> None:
    calls = iter(range(100))

    def headers() -> dict[str, str]:
        return {"X-Call": str(next(calls))}

    async with AssistantClient(json_server.url, headers=headers) as client:
        thread = client.threads("t")
        await call(thread, "chat", sync, messages=[USER])
        await call(thread, "cancel", sync)
    assert [r.headers["x-call"] for r in recorder.requests] == ["0", "1"]


async def test_async_header_callable_is_awaited(json_server: AppHost, recorder: Recorder) -> None:
    async def headers() -> dict[str, str]:
        return {"Authorization": "Bearer from-async"}

    async with AssistantClient(json_server.url, headers=headers) as client:
        await client.threads("t").chat(messages=[USER])
    assert recorder.last.headers["authorization"] == "Bearer from-async"


async def test_async_header_callable_in_a_sync_method_is_a_usage_error(
    json_server: AppHost, recorder: Recorder
) -> None:
    async def headers() -> dict[str, str]:
        return {}

    with AssistantClient(json_server.url, headers=headers) as client:
        thread = client.threads("t")
        with pytest.raises(UsageError, match="async callable"):
            thread.chat_sync(messages=[USER])
        with pytest.raises(UsageError, match="async callable"):
            thread.cancel_sync()
    assert recorder.requests == []


async def test_lambda_returning_a_coroutine_is_refused_by_sync_methods(
    json_server: AppHost, recorder: Recorder
) -> None:
    async def token() -> dict[str, str]:
        return {}

    client = AssistantClient(json_server.url, headers=lambda: token())
    with pytest.raises(UsageError):
        client.threads("t").chat_sync(messages=[USER])
    assert recorder.requests == []


@twins
async def test_bad_header_values_are_rejected(
    json_server: AppHost, recorder: Recorder, sync: bool
) -> None:
    async with AssistantClient(json_server.url, headers=lambda: {"X-N": 1}) as client:  # type: ignore[dict-item]
        with pytest.raises(InvalidRequestError) as info:
            await call(client.threads("t"), "chat", sync, messages=[USER])
    assert info.value.field == "headers"
    assert recorder.requests == []


@twins
async def test_paths_are_configurable(app_host: AppHost, recorder: Recorder, sync: bool) -> None:
    from starlette.applications import Starlette
    from starlette.routing import Mount

    app = Starlette(routes=[Mount("/v2", app=json_app(recorder))])
    with app_host.run(app) as server:
        async with AssistantClient(
            server.url, chat_path="/v2/api/chat", cancel_path="/v2/api/cancel"
        ) as client:
            thread = client.threads("t")
            await call(thread, "chat", sync, messages=[USER])
            await call(thread, "cancel", sync)
    assert [r.path for r in recorder.requests] == ["/v2/api/chat", "/v2/api/cancel"]
    assert recorder.requests[1].body == {"threadId": "t"}


def test_default_timeout_is_real_and_none_disables_it() -> None:
    client = AssistantClient("http://127.0.0.1:1")
    assert client.timeout == DEFAULT_TIMEOUT
    assert client._connection.sync_client().timeout == httpx.Timeout(
        600.0, connect=10.0, write=60.0, pool=60.0
    )
    client.close_sync()
    unlimited = AssistantClient("http://127.0.0.1:1", timeout=None)
    assert unlimited._connection.sync_client().timeout == httpx.Timeout(None)
    unlimited.close_sync()


async def test_asgi_transport_serves_an_in_process_app(recorder: Recorder) -> None:
    transport = httpx.ASGITransport(app=json_app(recorder))
    async with AssistantClient("http://backend", transport=transport) as client:
        thread = client.threads("t")
        response = await thread.chat(messages=[USER])
        assert response.json()["reply"] == "echo: Hello, how are you?"
        with pytest.raises(UsageError, match="async transport"):
            thread.chat_sync(messages=[USER])
    assert len(recorder.requests) == 1


def test_sync_transport_serves_only_the_sync_side(recorder: Recorder) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        recorder.requests.append(json.loads(request.content))
        return httpx.Response(200, json={"ok": True})

    with AssistantClient("http://backend", transport=httpx.MockTransport(handler)) as client:
        assert client.threads("t").chat_sync(messages=[USER]).json() == {"ok": True}
    assert recorder.requests[0]["threadId"] == "t"


async def test_async_context_manager_closes_both_clients(json_server: AppHost) -> None:
    async with AssistantClient(json_server.url) as client:
        thread = client.threads("t")
        await thread.chat(messages=[USER])
        thread.chat_sync(messages=[USER])
        opened = (client._connection.async_, client._connection.sync)
    assert all(c is not None and c.is_closed for c in opened)


def test_sync_context_manager_closes_both_clients(json_server: AppHost) -> None:
    import asyncio

    with AssistantClient(json_server.url) as client:
        thread = client.threads("t")
        thread.chat_sync(messages=[USER])
        asyncio.run(thread.chat(messages=[USER]))
        opened = (client._connection.async_, client._connection.sync)
    assert all(c is not None and c.is_closed for c in opened)


async def test_close_and_close_sync_close_their_own_side(json_server: AppHost) -> None:
    client = AssistantClient(json_server.url)
    thread = client.threads("t")
    await thread.chat(messages=[USER])
    thread.chat_sync(messages=[USER])
    async_client, sync_client = client._connection.async_, client._connection.sync
    await client.close()
    assert async_client is not None
    assert async_client.is_closed
    assert sync_client is not None
    assert not sync_client.is_closed
    with pytest.raises(UsageError, match="closed"):
        await thread.chat(messages=[USER])
    client.close_sync()
    assert sync_client.is_closed
    with pytest.raises(UsageError, match="closed"):
        thread.chat_sync(messages=[USER])


def test_unused_sides_are_never_opened() -> None:
    with AssistantClient("http://127.0.0.1:1") as client:
        client.threads("t")
        assert client._connection.sync is None
        assert client._connection.async_ is None


@twins
async def test_cancel_posts_the_thread_id(
    json_server: AppHost, recorder: Recorder, sync: bool
) -> None:
    async with AssistantClient(json_server.url) as client:
        response = await call(client.threads("thread-9"), "cancel", sync)
    assert response.status_code == 200
    assert (recorder.last.path, recorder.last.body) == ("/api/cancel", {"threadId": "thread-9"})
    assert recorder.last.headers["content-type"] == "application/json"


@twins
@pytest.mark.parametrize("status", [404, 405, 501])
async def test_cancel_without_a_cancel_endpoint_does_not_raise(
    app_host: AppHost, recorder: Recorder, sync: bool, status: int
) -> None:
    with app_host.run(json_app(recorder, cancel_status=status)) as server:
        async with AssistantClient(server.url) as client:
            response = await call(client.threads("t"), "cancel", sync)
    assert response.status_code == status


def test_threads_passes_options_and_runtime() -> None:
    client = AssistantClient("http://127.0.0.1:1", runtime="assistant-transport")
    assert client.threads("t").runtime == "assistant-transport"
    thread = client.threads("t", runtime="sync-server", encoding="data-stream", strict=True)
    assert (thread.runtime, thread.encoding, thread.strict) == ("sync-server", "data-stream", True)


@pytest.mark.parametrize("base_url", ["", "   ", None])
def test_bad_base_url_is_rejected(base_url: Any) -> None:
    with pytest.raises(InvalidRequestError) as info:
        AssistantClient(base_url)
    assert info.value.field == "base_url"


@twins
async def test_messages_draw_no_deprecation_warning(json_server: AppHost, sync: bool) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        async with AssistantClient(json_server.url) as client:
            await call(client.threads("t"), "chat", sync, messages=[USER])


@pytest.mark.parametrize(
    ("name", "twin"),
    [
        ("chat", "chat_sync"),
        ("chat", "stream"),
        ("chat", "stream_sync"),
        ("stream_request", "stream_request_sync"),
        ("cancel", "cancel_sync"),
    ],
)
def test_twins_take_the_same_parameters(name: str, twin: str) -> None:
    import inspect

    def parameters(method: str) -> list[inspect.Parameter]:
        return list(inspect.signature(getattr(ThreadClient, method)).parameters.values())

    assert parameters(name) == parameters(twin)
