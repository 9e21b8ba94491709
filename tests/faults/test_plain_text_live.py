"""Plain text reaches the events and the partial message at once (issue 12,
fault class 2), not when a newline, 64 KiB or the end of the body arrives.

The server waits for the test's cue before sending each next piece, and the
test gives the cue only once the previous piece was decoded: a client that
holds text back until a newline deadlocks until its read timeout.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import httpx
import pytest
from leaks import connections_in_use, text_of
from raw_server import CUT, END, RawRequest, RawServer, Step, chunk, head

from assistant_ui import AssistantClient
from assistant_ui.errors import StreamInterruptedError

USER = [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]
PLAIN = {"content-type": "text/plain; charset=utf-8"}
BOUND = 10.0


def _client(url: str) -> AssistantClient:
    return AssistantClient(url, max_retries=0, timeout=httpx.Timeout(BOUND))


def test_sync_plain_text_streams_token_by_token(raw: RawServer) -> None:
    # "café" is split inside its "é": the first piece shows "caf", the next "é".
    pieces = [b"Hel", b"lo caf\xc3", b"\xa9 ok"]
    cues = [threading.Event() for _ in pieces]

    def handler(request: RawRequest) -> Iterable[Step]:
        steps: list[Step] = [head(headers=PLAIN)]
        for piece, cue in zip(pieces, cues, strict=True):
            steps += [chunk(piece), cue]
        return [*steps, END]

    url, _ = raw.mount(handler)
    client = _client(url)
    seen: list[str] = []
    with client.threads("t-plain").stream_sync(messages=USER) as stream:
        for text in stream.text_stream:
            seen.append(text)
            cues[len(seen) - 1].set()  # the server sends the next piece only now
        message = stream.get_final_message()
    assert seen == ["Hel", "lo caf", "é ok"]
    assert text_of(message) == "Hello café ok"
    assert message["status"]["type"] == "complete"
    assert connections_in_use(client) == 0
    client.close_sync()


async def test_async_plain_text_streams_token_by_token(raw: RawServer) -> None:
    pieces = [b"Hi", b" there", b" \xf0\x9f", b"\x98\x80"]
    cues = [threading.Event() for _ in pieces]

    def handler(request: RawRequest) -> Iterable[Step]:
        steps: list[Step] = [head(headers=PLAIN)]
        for piece, cue in zip(pieces, cues, strict=True):
            steps += [chunk(piece), cue]
        return [*steps, END]

    url, _ = raw.mount(handler)
    client = _client(url)
    seen: list[str] = []
    async with client.threads("t-plain-async").stream(messages=USER) as stream:
        async for text in stream.text_stream:
            seen.append(text)
            cues[len(seen) - 1].set()
        message = await stream.get_final_message()
    # The emoji's first half shows nothing (no character is split).
    assert seen == ["Hi", " there", " ", "😀"]
    assert text_of(message) == "Hi there 😀"
    assert connections_in_use(client) == 0
    await client.close()


@pytest.mark.parametrize(
    ("pieces", "kept"),
    [
        ((b"Hello caf", b"\xc3"), "Hello caf"),  # live text; the cut half character is dropped
        ((b"a",), "a"),  # still undecided ("aui-...:"?) when the connection broke
        ((b"\n\nb", b"ye"), "\n\nbye"),  # blank lines first, then text
    ],
)
def test_sync_a_cut_plain_text_reply_keeps_every_character(
    raw: RawServer, pieces: tuple[bytes, ...], kept: str
) -> None:
    def handler(request: RawRequest) -> Iterable[Step]:
        return [head(headers=PLAIN), *(chunk(p) for p in pieces), CUT]

    url, _ = raw.mount(handler)
    client = _client(url)
    with pytest.raises(StreamInterruptedError) as info:
        client.threads("t-plain-cut").chat_sync(messages=USER)
    partial = info.value.partial_message
    assert partial is not None
    assert text_of(partial) == kept
    assert partial["status"]["type"] == "incomplete"
    assert partial["status"]["error"]["code"] == "network"
    assert connections_in_use(client) == 0
    client.close_sync()
