"""A server that sends its end marker and then keeps the connection open
(issue 12, fault class 3): the message is complete once the protocol says
so; the client returns it and closes the connection instead of waiting for
the read timeout and calling a complete message interrupted.

The read timeout is 10 s; without the fix every test here fails with
``StreamInterruptedError`` after it.
"""

from __future__ import annotations

from collections.abc import Iterable

import httpx
import pytest
from leaks import connections_in_use, text_of
from raw_server import END, HOLD, RawRequest, RawServer, Route, Step, body, head

from assistant_ui import AssistantClient

USER = [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]

# (encoding, headers, body pieces up to and including the end marker)
_BODIES: dict[str, tuple[dict[str, str], tuple[bytes, ...]]] = {
    "ui-message-stream": (
        {"content-type": "text/event-stream", "x-vercel-ai-ui-message-stream": "v1"},
        (
            b'data: {"type":"start"}\n\n',
            b'data: {"type":"text-start","id":"t"}\n\n',
            b'data: {"type":"text-delta","id":"t","delta":"Hi th"}\n\n',
            b'data: {"type":"text-delta","id":"t","delta":"ere \xc3\xa9"}\n\n',
            b'data: {"type":"text-end","id":"t"}\n\n',
            b'data: {"type":"finish"}\n\n',
            b"data: [DONE]\n\n",
        ),
    ),
    "data-stream": (
        {"content-type": "text/plain; charset=utf-8", "x-vercel-ai-data-stream": "v1"},
        (
            b'0:"Hi th"\n',
            b'0:"ere \xc3\xa9"\n',
            b'e:{"finishReason":"stop","usage":{"promptTokens":1,"completionTokens":2},'
            b'"isContinued":false}\n',
            b'd:{"finishReason":"stop","usage":{"promptTokens":1,"completionTokens":2}}\n',
        ),
    ),
    "assistant-transport": (
        {"content-type": "text/event-stream"},
        (
            b'data: {"type": "part-start", "part": {"type": "text"}, "path": []}\n\n',
            b'data: {"type": "text-delta", "textDelta": "Hi th", "path": [0]}\n\n',
            b'data: {"type": "text-delta", "textDelta": "ere \xc3\xa9", "path": [0]}\n\n',
            b'data: {"type": "part-finish", "path": [0]}\n\n',
            b'data: {"type": "message-finish", "finishReason": "stop"}\n\n',
            b"data: [DONE]\n\n",
        ),
    ),
    "ollama": (
        {"content-type": "application/x-ndjson"},
        (
            b'{"model":"m","created_at":"x","message":{"role":"assistant","content":"Hi th"},'
            b'"done":false}\n',
            b'{"model":"m","created_at":"x","message":{"role":"assistant",'
            b'"content":"ere \xc3\xa9"},"done":false}\n',
            b'{"model":"m","created_at":"x","message":{"role":"assistant","content":""},'
            b'"done":true,"done_reason":"stop"}\n',
        ),
    ),
}


def _mount(raw: RawServer, encoding: str, *, then: object) -> tuple[str, Route]:
    headers, pieces = _BODIES[encoding]

    def handler(request: RawRequest) -> Iterable[Step]:
        return [head(headers=headers), *body(pieces), then]

    return raw.mount(handler)


def _client(url: str) -> AssistantClient:
    return AssistantClient(url, max_retries=0, timeout=httpx.Timeout(10.0))


@pytest.mark.parametrize("encoding", sorted(_BODIES))
def test_sync_end_marker_then_silence_is_complete(raw: RawServer, encoding: str) -> None:
    url, route = _mount(raw, encoding, then=HOLD)
    client = _client(url)
    response = client.threads("t-end").chat_sync(messages=USER)
    assert response.encoding == encoding
    assert response.message is not None
    assert response.message["status"]["type"] == "complete"
    assert text_of(response.message) == "Hi there é"
    assert route.wait_released()
    assert connections_in_use(client) == 0
    client.close_sync()


@pytest.mark.parametrize("encoding", sorted(_BODIES))
async def test_async_end_marker_then_silence_is_complete(raw: RawServer, encoding: str) -> None:
    url, route = _mount(raw, encoding, then=HOLD)
    client = _client(url)
    async with client.threads("t-end-async").stream(messages=USER) as stream:
        message = await stream.get_final_message()
    assert message["status"]["type"] == "complete"
    assert text_of(message) == "Hi there é"
    assert route.wait_released()
    assert connections_in_use(client) == 0
    await client.close()


@pytest.mark.parametrize("encoding", ["data-stream", "ui-message-stream"])
def test_a_body_that_ends_keeps_its_connection_for_the_next_request(
    raw: RawServer, encoding: str
) -> None:
    # The end of a well-behaved body is still read after the end marker, so
    # the connection goes back to the pool and serves the next request.
    url, route = _mount(raw, encoding, then=END)
    client = _client(url)
    thread = client.threads("t-reuse")
    first = thread.chat_sync(messages=USER)
    second = thread.chat_sync(messages=USER)
    assert text_of(first.message) == text_of(second.message) == "Hi there é"
    assert len(route.requests) == 2
    assert not route.client_closed.is_set()
    assert connections_in_use(client) == 0
    client.close_sync()
