"""Secrets never shown: canary credentials through every error path.

The canaries ride in a header, in the URL's userinfo, in a query parameter,
and in dynamic header callbacks (sync and async). Each failure (bad header
values, a refused connection, a timeout, a status error whose body echoes
the request, a connection cut mid-reply) must keep them out of str(exc),
repr(exc), exc.args, the request_url attribute, repr(client), every log
record at DEBUG and ``aui chat`` output.
"""

from __future__ import annotations

import base64
import logging
import socket
from collections.abc import Callable, Iterable
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant_ui import AssistantClient
from assistant_ui._redact import REDACTED, redact_headers, redact_url, scrub, secrets_of
from assistant_ui.cli import main as aui
from assistant_ui.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    InvalidRequestError,
    StreamInterruptedError,
)
from fault_server import CUT, FaultServer, RawRequest, Step, chunk, head

TOKEN = "CANARYtok0a1b2c3"
PASSWORD = "CANARYpw9z8y7"
QUERY = "CANARYq5d6e7f"
CANARIES = ("CANARY", base64.b64encode(f"user:{PASSWORD}".encode()).decode())
USER = {"role": "user", "content": [{"type": "text", "text": "hi"}]}

HeaderOption = Any


def header_options() -> dict[str, HeaderOption]:
    def sync_headers() -> dict[str, str]:
        return {"Authorization": f"Bearer {TOKEN}"}

    async def async_headers() -> dict[str, str]:
        return {"Authorization": f"Bearer {TOKEN}"}

    return {"dict": {"Authorization": f"Bearer {TOKEN}"}, "sync-callable": sync_headers,
            "async-callable": async_headers}  # fmt: skip


HEADERS = pytest.mark.parametrize("headers", ["dict", "sync-callable", "async-callable"])
twins = pytest.mark.parametrize("sync", [False, True], ids=["async", "sync"])


def assert_hidden(*shown: object) -> None:
    for item in shown:
        text = item if isinstance(item, str) else repr(item)
        for canary in CANARIES:
            assert canary not in text, text


def assert_error_hidden(exc: BaseException) -> None:
    assert_hidden(str(exc), repr(exc), exc.args, getattr(exc, "request_url", None))


def assert_logs_hidden(caplog: pytest.LogCaptureFixture) -> None:
    assert caplog.records  # httpx and httpcore log at DEBUG: something was captured
    for record in caplog.records:
        assert_hidden(record.getMessage())


async def chat(client: AssistantClient, sync: bool, headers: str) -> Any:
    thread = client.threads("t")
    if sync and headers == "async-callable":
        pytest.skip("a sync method refuses an async header callable (UsageError)")
    if sync:
        return thread.chat_sync(messages=[USER])
    return await thread.chat(messages=[USER])


def make_client(url: str, headers: str, **kwargs: Any) -> AssistantClient:
    host = url.removeprefix("http://")
    client = AssistantClient(
        f"http://user:{PASSWORD}@{host}",
        headers=header_options()[headers],
        chat_path=f"/api/chat?api_key={QUERY}&thread=t",
        max_retries=0,
        **kwargs,
    )
    assert_hidden(repr(client), client.base_url)
    return client


def echo(status: int) -> Callable[[RawRequest], Iterable[Step]]:
    """Answers with ``status`` and a body that quotes the request head."""

    def handler(request: RawRequest) -> Iterable[Step]:
        body = b"you sent: " + request.raw_head
        yield head(status, {"Content-Type": "text/plain", "Content-Length": str(len(body))},
                   chunked=False)  # fmt: skip
        yield body

    return handler


def cut_mid_reply(request: RawRequest) -> Iterable[Step]:
    yield head(200, {"Content-Type": "text/plain"})
    yield chunk(b'0:"par')
    yield chunk(b'tial"\n')
    yield CUT


def stall(request: RawRequest) -> Iterable[Step]:
    yield 1.0


@twins
@HEADERS
async def test_a_status_error_hides_every_secret_even_when_the_body_echoes_them(
    sync: bool, headers: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with FaultServer(echo(401)) as server:
        async with make_client(server.url, headers) as client:
            with pytest.raises(APIStatusError) as info:
                await chat(client, sync, headers)
    # The credentials did go out (the URL's win over the header, as in httpx).
    sent = server.requests[0]
    assert sent.headers["authorization"].startswith("Basic ")
    assert QUERY in sent.target
    assert_error_hidden(info.value)
    assert REDACTED in str(info.value)
    assert_logs_hidden(caplog)


async def test_credentials_in_the_url_are_sent_as_basic_auth() -> None:
    with FaultServer(echo(401)) as server:
        host = server.url.removeprefix("http://")
        async with AssistantClient(f"http://user:{PASSWORD}@{host}", max_retries=0) as client:
            with pytest.raises(APIStatusError):
                await client.threads("t").chat(messages=[USER])
    expected = base64.b64encode(f"user:{PASSWORD}".encode()).decode()
    assert server.requests[0].headers["authorization"] == f"Basic {expected}"


@twins
@HEADERS
async def test_a_connection_cut_mid_reply_hides_every_secret(
    sync: bool, headers: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with FaultServer(cut_mid_reply) as server:
        async with make_client(server.url, headers) as client:
            with pytest.raises(StreamInterruptedError) as info:
                await chat(client, sync, headers)
        assert server.wait_closed()
    assert info.value.partial_message is not None
    assert_error_hidden(info.value)
    assert_logs_hidden(caplog)


@twins
@HEADERS
async def test_a_timeout_hides_every_secret(
    sync: bool, headers: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with FaultServer(stall) as server:
        timeout = httpx.Timeout(5.0, read=0.2)
        async with make_client(server.url, headers, timeout=timeout) as client:
            with pytest.raises(APITimeoutError) as info:
                await chat(client, sync, headers)
    assert_error_hidden(info.value)
    assert_logs_hidden(caplog)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@twins
@HEADERS
async def test_a_refused_connection_hides_every_secret(
    sync: bool, headers: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with make_client(f"http://127.0.0.1:{free_port()}", headers) as client:
        with pytest.raises(APIConnectionError) as info:
            await chat(client, sync, headers)
    assert_error_hidden(info.value)
    assert "127.0.0.1" in str(info.value)
    assert_logs_hidden(caplog)


BAD_HEADERS: dict[str, Callable[[], dict[str, Any]]] = {
    "wrong type": lambda: {"Authorization": f"Bearer {TOKEN}", "X-Count": 3},
    "CRLF in the token": lambda: {"Authorization": f"Bearer {TOKEN}\r\nX-Injected: 1"},
    "LF in the token": lambda: {"Authorization": f"Bearer {TOKEN}\n"},
    "NUL in the token": lambda: {"Authorization": f"Bearer {TOKEN}\0"},
    "CR in a name": lambda: {"X-A\rB": TOKEN, "Authorization": f"Bearer {TOKEN}"},
}


def as_option(kind: str, make: Callable[[], dict[str, Any]]) -> Any:
    if kind == "dict":
        return make()
    if kind == "sync-callable":
        return make

    async def async_option() -> dict[str, Any]:
        return make()

    return async_option


@twins
@HEADERS
@pytest.mark.parametrize("bad", sorted(BAD_HEADERS))
async def test_a_bad_header_is_invalid_input_that_names_it_without_values(
    sync: bool, headers: str, bad: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    option = as_option(headers, BAD_HEADERS[bad])
    with FaultServer(echo(200)) as server:
        async with AssistantClient(server.url, headers=option, max_retries=0) as client:
            with pytest.raises(InvalidRequestError) as info:
                await chat(client, sync, headers)
            if not sync:
                with pytest.raises(InvalidRequestError):
                    await client.threads("t").cancel()
        assert server.requests == []  # refused before anything was sent
    assert info.value.field == "headers"
    assert_error_hidden(info.value)
    for record in caplog.records:
        assert_hidden(record.getMessage())


def test_aui_chat_output_hides_every_secret(capsys: pytest.CaptureFixture[str]) -> None:
    for handler in (echo(401), cut_mid_reply):
        with FaultServer(handler) as server:
            host = server.url.removeprefix("http://")
            url = f"http://user:{PASSWORD}@{host}/api/chat?api_key={QUERY}"
            status = aui(["--plain", "chat", url, "hi", "-H", f"Authorization: Bearer {TOKEN}"])
        assert status == 1
        out, err = capsys.readouterr()
        assert "error" in err or "cut off" in err  # the failure is reported, in one line
        assert_hidden(out, err)
    status = aui(["--plain", "chat", f"ftp://user:{PASSWORD}@h/x", "hi"])
    out, err = capsys.readouterr()
    assert status == 1
    assert_hidden(out, err)


def test_the_redaction_helper() -> None:
    url = f"https://user:{PASSWORD}@h:8/p?api_key={QUERY}&page=2&Signature={QUERY}"
    assert (
        redact_url(url)
        == f"https://{REDACTED}@h:8/p?api_key={REDACTED}&page=2&Signature={REDACTED}"
    )
    assert redact_url("/api/chat?thread=t") == "/api/chat?thread=t"
    headers = {"Authorization": f"Bearer {TOKEN}", "X-API-Key": TOKEN, "Accept": "x"}
    assert redact_headers(headers) == {
        "Authorization": REDACTED,
        "X-API-Key": REDACTED,
        "Accept": "x",
    }
    message = f"bad value {(TOKEN + chr(10))!r} for {url}"
    assert_hidden(scrub(message, secrets_of(url, headers)))


secret_text = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="@/?#&=%:[]"),
    min_size=4,
    max_size=24,
).map(lambda s: "Z" + s)


NAMES = st.sampled_from(["api_key", "token", "access_token", "X-Sig", "sessionid"])


@settings(max_examples=200, deadline=None)
@given(user=secret_text, password=secret_text, key=secret_text, token=secret_text, name=NAMES)
def test_redaction_leaves_no_secret_behind(
    user: str, password: str, key: str, token: str, name: str
) -> None:
    url = f"https://{user}:{password}@example.test/p?{name}={key}&page=2"
    headers = {"Authorization": f"Bearer {token}"}
    shown = redact_url(url)
    assert shown.endswith("&page=2")
    message = f"failed {url!r} with {headers!r} and {(token + chr(13))!r}"
    scrubbed = scrub(message, secrets_of(url, headers))
    for secret in (password, key, token):
        assert secret not in shown.replace(REDACTED, "")
        assert secret not in scrubbed
