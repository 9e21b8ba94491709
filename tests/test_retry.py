"""Retries: the pure policy (assistant_ui._http.retry) and the shells resending
against a real loopback server that fails a few times, then answers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from app_host import AppHost
from assistant_ui._client import AssistantClient
from assistant_ui._http.retry import RetryPolicy, is_retryable, parse_retry_after, retry_delay
from assistant_ui.errors import (
    APIConnectionError,
    APIStatusError,
    BadRequestError,
    InternalServerError,
    StreamInterruptedError,
)

NO_WAIT = RetryPolicy(max_retries=3, initial_delay=0.0, max_delay=0.0)
BODY = b'0:"Hello"\nd:{"finishReason":"stop"}\n'
NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


def status(code: int, headers: dict[str, str] | None = None) -> APIStatusError:
    return APIStatusError("failed", status_code=code, headers=headers)


def connection_error(cause: Exception) -> APIConnectionError:
    error = APIConnectionError("could not talk")
    error.__cause__ = cause
    return error


# -- the pure policy ----------------------------------------------------------


@pytest.mark.parametrize(("code", "expected"), [(408, True), (409, True), (429, True),
    (500, True), (503, True), (400, False), (401, False), (404, False), (422, False)])  # fmt: skip
def test_which_statuses_are_retryable(code: int, expected: bool) -> None:
    assert is_retryable(status(code)) is expected


def test_only_connection_failures_before_sending_are_retryable() -> None:
    request = httpx.Request("POST", "http://127.0.0.1/")
    assert is_retryable(connection_error(httpx.ConnectError("refused", request=request)))
    assert is_retryable(connection_error(httpx.ConnectTimeout("slow", request=request)))
    # The request may have reached the server: the run may have started.
    assert not is_retryable(connection_error(httpx.ReadTimeout("slow", request=request)))
    assert not is_retryable(connection_error(httpx.RemoteProtocolError("x", request=request)))
    assert not is_retryable(ValueError("not ours"))


def test_retry_after_seconds_and_http_date() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:10 GMT", now=NOW) == 10.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now=NOW) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_retry_after_is_honoured_up_to_its_cap() -> None:
    policy = RetryPolicy(max_retry_after=5.0)
    assert retry_delay(status(429, {"Retry-After": "4"}), 0, policy) == 4.0
    assert retry_delay(status(429, {"retry-after": "30"}), 0, policy) is None


def test_gives_up_after_max_retries_and_on_unsafe_errors() -> None:
    policy = RetryPolicy(max_retries=2, jitter=0.0)
    assert retry_delay(status(503), 1, policy) is not None
    assert retry_delay(status(503), 2, policy) is None
    assert retry_delay(status(400), 0, policy) is None


@given(attempt=st.integers(0, 30), rand=st.floats(0.0, 0.999))
def test_backoff_grows_exponentially_within_its_cap(attempt: int, rand: float) -> None:
    policy = RetryPolicy(max_retries=100, initial_delay=0.5, max_delay=8.0, jitter=0.25)
    delay = retry_delay(status(500), attempt, policy, rand=lambda: rand)
    backoff = min(8.0, 0.5 * 2**attempt)
    assert delay is not None
    assert backoff * 0.75 <= delay <= backoff


# -- the shells against a flaky loopback server ----------------------------------


class Flaky:
    """Answers ``failures`` times with ``code``, then with a data stream."""

    def __init__(self, failures: int, code: int = 503, headers: dict[str, str] | None = None):
        self.failures = failures
        self.code = code
        self.headers = headers or {}
        self.attempts = 0

    async def chat(self, request: Request) -> Response:
        await request.body()
        self.attempts += 1
        if self.attempts <= self.failures:
            return PlainTextResponse("busy", status_code=self.code, headers=self.headers)
        if self.code == 200:
            # Fails after the first body byte: the run has started.
            return StreamingResponse(_broken(), media_type="text/plain")
        return Response(BODY, media_type="text/plain", headers={"x-vercel-ai-data-stream": "v1"})


async def _broken() -> AsyncIterator[bytes]:
    yield b'0:"Hel"\n'
    raise RuntimeError("the backend died mid-reply")


@pytest.fixture
def serve(app_host: AppHost) -> Iterator[Any]:
    with ExitStack() as installed:

        def start(flaky: Flaky) -> str:
            app = Starlette(routes=[Route("/api/chat", flaky.chat, methods=["POST"])])
            return installed.enter_context(app_host.run(app)).url

        yield start


USER = {"role": "user", "content": [{"type": "text", "text": "hi"}]}


def test_sync_stream_retries_503_then_succeeds(serve: Any) -> None:
    flaky = Flaky(failures=2)
    with AssistantClient(serve(flaky), retry_policy=NO_WAIT) as client:
        response = client.threads("t").chat_sync(messages=[USER])
    assert flaky.attempts == 3
    assert response.output_text == "Hello"


async def test_async_stream_retries_429_with_retry_after(serve: Any) -> None:
    flaky = Flaky(failures=1, code=429, headers={"Retry-After": "0"})
    async with (
        AssistantClient(serve(flaky), retry_policy=NO_WAIT) as client,
        client.threads("t").stream(messages=[USER]) as stream,
    ):
        message = await stream.get_final_message()
    assert flaky.attempts == 2
    assert message["parts"][0]["text"] == "Hello"


def test_gives_up_after_max_retries(serve: Any) -> None:
    flaky = Flaky(failures=10, code=500)
    policy = RetryPolicy(max_retries=2, initial_delay=0.0, max_delay=0.0)
    with (
        AssistantClient(serve(flaky), retry_policy=policy) as client,
        pytest.raises(InternalServerError),
    ):
        client.threads("t").chat_sync(messages=[USER])
    assert flaky.attempts == 3


def test_a_client_error_is_not_retried(serve: Any) -> None:
    flaky = Flaky(failures=1, code=400)
    with (
        AssistantClient(serve(flaky), retry_policy=NO_WAIT) as client,
        pytest.raises(BadRequestError),
    ):
        client.threads("t").chat_sync(messages=[USER])
    assert flaky.attempts == 1


def test_max_retries_zero_disables_retries(serve: Any) -> None:
    flaky = Flaky(failures=1)
    with AssistantClient(serve(flaky), max_retries=0) as client, pytest.raises(APIStatusError):
        client.threads("t").chat_sync(messages=[USER])
    assert flaky.attempts == 1


def test_a_failure_after_the_first_body_byte_is_not_retried(serve: Any) -> None:
    flaky = Flaky(failures=0, code=200)
    with (
        AssistantClient(serve(flaky), retry_policy=NO_WAIT) as client,
        pytest.raises(StreamInterruptedError) as caught,
    ):
        client.threads("t").chat_sync(messages=[USER])
    assert flaky.attempts == 1
    assert caught.value.partial_message is not None
    assert caught.value.partial_message["parts"][0]["text"] == "Hel"
