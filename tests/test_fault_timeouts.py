"""Timeouts that fit LLM backends, against a server that stalls.

The default waits 10 minutes for silence (reasoning models think before the
first token); a stall mid-stream is a StreamTimeoutError, catchable as an
APITimeoutError and as a StreamError, with the partial message kept and the
connection released. A stall before the reply stays a plain APITimeoutError.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

import httpx
import pytest

from assistant_ui import DEFAULT_TIMEOUT, AssistantClient
from assistant_ui.errors import (
    APITimeoutError,
    StreamError,
    StreamInterruptedError,
    StreamTimeoutError,
)
from fault_server import FaultServer, RawRequest, Step, chunk, chunks, head, text_of

USER = {"role": "user", "content": [{"type": "text", "text": "hi"}]}
SHORT = httpx.Timeout(5.0, read=0.3)
twins = pytest.mark.parametrize("sync", [False, True], ids=["async", "sync"])


def stall_mid_stream(request: RawRequest) -> Iterable[Step]:
    yield head(200, {"Content-Type": "text/plain"})
    yield chunk(b'0:"hel"\n0:"lo, wo')  # a frame cut in two, then silence
    yield 3.0
    yield from chunks([b'rld"\n'])


def slow_but_steady(request: RawRequest) -> Iterable[Step]:
    yield head(200, {"Content-Type": "text/plain"})
    for _ in range(8):  # 8 x 0.1 s: longer than the read timeout in total
        yield 0.1
        yield chunk(b'0:"."\n')
    yield b"0\r\n\r\n"


async def chat(client: AssistantClient, sync: bool) -> Any:
    thread = client.threads("t")
    if sync:
        return await asyncio.to_thread(thread.chat_sync, messages=[USER])
    return await thread.chat(messages=[USER])


@twins
async def test_a_stall_mid_stream_is_both_a_timeout_and_a_stream_error(sync: bool) -> None:
    with FaultServer(stall_mid_stream) as server:
        async with AssistantClient(server.url, timeout=SHORT, max_retries=0) as client:
            with pytest.raises(StreamTimeoutError) as info:
                await chat(client, sync)
        assert server.wait_closed()
    error = info.value
    assert isinstance(error, APITimeoutError)
    assert isinstance(error, StreamError)
    assert isinstance(error, StreamInterruptedError)
    assert isinstance(error.__cause__, httpx.ReadTimeout)
    assert text_of(error.partial_message) == "hel"
    assert error.request_url == f"{server.url}/api/chat"


@twins
async def test_streaming_a_stall_keeps_what_arrived(sync: bool) -> None:
    with FaultServer(stall_mid_stream) as server:
        async with AssistantClient(server.url, timeout=SHORT, max_retries=0) as client:
            seen: list[str] = []
            thread = client.threads("t")
            with pytest.raises(APITimeoutError):
                await read_text(thread, sync, seen)
        assert server.wait_closed()
    assert seen == ["hel"]


async def read_text(thread: Any, sync: bool, seen: list[str]) -> None:
    if sync:

        def run() -> None:
            with thread.stream_sync(messages=[USER]) as stream:
                seen.extend(stream.text_stream)

        await asyncio.to_thread(run)
        return
    async with thread.stream(messages=[USER]) as stream:
        async for text in stream.text_stream:
            seen.append(text)


async def test_a_reply_that_keeps_sending_never_times_out() -> None:
    with FaultServer(slow_but_steady) as server:
        timeout = httpx.Timeout(5.0, read=0.5)
        async with AssistantClient(server.url, timeout=timeout, max_retries=0) as client:
            response = await client.threads("t").chat(messages=[USER])
    assert response.output_text == "." * 8


def test_the_defaults_fit_reasoning_models() -> None:
    assert DEFAULT_TIMEOUT.read == 600.0  # what the OpenAI and Anthropic clients allow
    assert DEFAULT_TIMEOUT.connect == 10.0
    client = AssistantClient("http://127.0.0.1:1")
    assert client._connection.sync_client().timeout.read == 600.0
    client.close_sync()
