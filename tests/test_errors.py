"""Every failure the client raises is one of assistant_ui's typed errors.

Transport failures against real loopback sockets, status errors from a real
server, bad input rejected before anything is sent.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app_host import AppHost
from assistant_ui import errors
from assistant_ui._client import AssistantClient
from assistant_ui._http.response import ChatResponse
from assistant_ui._thread import ThreadClient
from policies import NO_BACKOFF
from servers import Recorder, json_app, sleepy_app, status_app

USER = {"role": "user", "content": [{"type": "text", "text": "hi"}]}
twins = pytest.mark.parametrize("sync", [False, True], ids=["async", "sync"])


async def call(thread: ThreadClient, name: str, sync: bool, **kwargs: Any) -> Any:
    if sync:
        return getattr(thread, f"{name}_sync")(**kwargs)
    return await getattr(thread, name)(**kwargs)


@pytest.fixture
def json_url(app_host: AppHost, recorder: Recorder) -> Iterator[str]:
    with app_host.run(json_app(recorder)) as server:
        yield server.url


def free_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@twins
@pytest.mark.parametrize("method", ["chat", "cancel"])
async def test_connection_refused_is_an_api_connection_error(sync: bool, method: str) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    kwargs = {"messages": [USER]} if method == "chat" else {}
    async with AssistantClient(url, retry_policy=NO_BACKOFF) as client:
        with pytest.raises(errors.APIConnectionError) as info:
            await call(client.threads("t"), method, sync, **kwargs)
    assert not isinstance(info.value, errors.APITimeoutError)
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert info.value.request_url is not None
    assert "127.0.0.1" in str(info.value)


@twins
async def test_waiting_too_long_for_the_reply_is_a_timeout(
    app_host: AppHost, recorder: Recorder, sync: bool
) -> None:
    with app_host.run(sleepy_app(recorder, delay=5.0)) as server:
        async with AssistantClient(server.url, timeout=httpx.Timeout(5.0, read=0.2)) as client:
            with pytest.raises(errors.APITimeoutError) as info:
                await call(client.threads("t"), "chat", sync, messages=[USER])
    assert isinstance(info.value, errors.APIConnectionError)
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)


@twins
async def test_url_without_a_scheme_is_invalid_input(sync: bool) -> None:
    async with AssistantClient("127.0.0.1:9") as client:
        with pytest.raises(errors.InvalidRequestError) as info:
            await call(client.threads("t"), "chat", sync, messages=[USER])
    assert info.value.field == "base_url"


STATUS_CASES = [
    (400, errors.BadRequestError),
    (401, errors.AuthenticationError),
    (403, errors.PermissionDeniedError),
    (404, errors.NotFoundError),
    (409, errors.ConflictError),
    (418, errors.APIStatusError),
    (422, errors.UnprocessableEntityError),
    (429, errors.RateLimitError),
    (500, errors.InternalServerError),
    (503, errors.InternalServerError),
]


@twins
@pytest.mark.parametrize(("status", "error_class"), STATUS_CASES)
async def test_non_2xx_raises_the_matching_status_error(
    app_host: AppHost,
    recorder: Recorder,
    sync: bool,
    status: int,
    error_class: type[errors.APIStatusError],
) -> None:
    with app_host.run(status_app(recorder, status, "server says no")) as server:
        async with AssistantClient(server.url, retry_policy=NO_BACKOFF) as client:
            with pytest.raises(errors.APIStatusError) as info:
                await call(client.threads("t"), "chat", sync, messages=[USER])
    error = info.value
    assert type(error) is error_class
    assert error.status_code == status
    assert error.body == "server says no"
    assert error.headers["content-type"].startswith("text/plain")
    assert error.request_url is not None
    assert error.request_url.endswith("/api/chat")
    assert f"Status {status}" in str(error)
    assert "server says no" in str(error)


@twins
async def test_cancel_with_a_server_error_raises(
    app_host: AppHost, recorder: Recorder, sync: bool
) -> None:
    with app_host.run(status_app(recorder, 500, "broken")) as server:
        async with AssistantClient(server.url, retry_policy=NO_BACKOFF) as client:
            with pytest.raises(errors.InternalServerError):
                await call(client.threads("t"), "cancel", sync)


def test_raise_for_status_raises_our_status_error() -> None:
    request = httpx.Request("POST", "http://backend/api/chat")
    response = ChatResponse(httpx.Response(401, request=request), b"who are you?")
    with pytest.raises(errors.AuthenticationError) as info:
        response.raise_for_status()
    assert info.value.body == "who are you?"
    ok = ChatResponse(httpx.Response(200, request=request), b"{}")
    assert ok.raise_for_status() is ok


def test_json_of_a_body_that_is_not_json_says_where() -> None:
    request = httpx.Request("POST", "http://backend/api/chat")
    response = ChatResponse(httpx.Response(200, request=request), b'{"a": 1,}')
    with pytest.raises(errors.StreamDecodeError) as info:
        response.json()
    # Where the stdlib parser stops (3.13 reports the trailing comma itself).
    with pytest.raises(json.JSONDecodeError) as stdlib:
        json.loads('{"a": 1,}')
    assert info.value.offset == stdlib.value.pos
    assert info.value.offset in (7, 8)
    assert isinstance(info.value, errors.AssistantUIError)


BAD_INPUT = [
    ({"messages": [{"content": "no role"}]}, "messages[0].role"),
    ({"messages": [{"role": "wizard", "content": "x"}]}, "messages[0].role"),
    ({"messages": [{"role": "user"}]}, "messages[0].content"),
    ({"messages": [{"role": "user", "content": 42}]}, "messages[0].content"),
    ({"messages": [{"role": "tool", "content": "text"}]}, "messages[0].content"),
    ({"messages": [USER, {"role": "user", "content": ["x"]}]}, "messages[1].content[0]"),
    ({"messages": [{"role": "user", "content": [{"text": "x"}]}]}, "messages[0].content[0].type"),
    (
        {"messages": [{"role": "user", "content": [{"type": "text", "text": 1}]}]},
        "messages[0].content[0].text",
    ),
    ({"messages": "hello"}, "messages"),
    ({"messages": {"role": "user", "content": "x"}}, "messages"),
    ({"commands": [{"no": "type"}]}, "commands[0].type"),
    ({"commands": "add"}, "commands"),
    ({"system": ["not", "a", "string"]}, "system"),
    ({"tools": ["get_weather"]}, "tools"),
    ({"tools": {"get_weather": {"parameters": "object"}}}, "tools.get_weather.parameters"),
    ({"runConfig": "fast"}, "runConfig"),
    ({"unstable_assistantMessageId": 7}, "unstable_assistantMessageId"),
    ({"state": {"when": object()}}, "state"),
    ({"state": float("nan")}, "state"),
]


@twins
@pytest.mark.parametrize(("kwargs", "field"), BAD_INPUT)
async def test_bad_input_is_rejected_before_sending(
    json_url: str, recorder: Recorder, sync: bool, kwargs: dict[str, Any], field: str
) -> None:
    async with AssistantClient(json_url) as client:
        with pytest.raises(errors.InvalidRequestError) as info:
            await call(client.threads("t"), "chat", sync, **kwargs)
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")
    assert isinstance(info.value, ValueError)
    assert recorder.requests == []


@pytest.mark.parametrize("thread_id", ["", "   ", None, 12])
def test_bad_thread_id_is_rejected(thread_id: Any) -> None:
    client = AssistantClient("http://127.0.0.1:1")
    with pytest.raises(errors.InvalidRequestError) as info:
        client.threads(thread_id)
    assert info.value.field == "thread_id"


def test_stream_rejects_bad_input_at_once(json_url: str, recorder: Recorder) -> None:
    with AssistantClient(json_url) as client:
        thread = client.threads("t")
        with pytest.raises(errors.InvalidRequestError):
            thread.stream_sync(messages=[{"content": "x"}])
        with pytest.raises(errors.InvalidRequestError):
            thread.stream(messages=[{"content": "x"}])
    assert recorder.requests == []
