"""Memory bounds against a flooding server: every buffer ends in a typed error.

- an SSE event made of very many short ``data:`` lines: LineTooLongError at
  the joined-event limit, with the message before it kept;
- a gzip/deflate body that expands enormously: BodyTooLargeError while
  decompressing (the server has sent a few KiB when it fires);
- an error response with a 150 MB body: only the first ``cap`` bytes are
  read, and the error says the body was truncated.

Each also checks that the connection is released.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant_ui import AssistantClient, BufferLimits
from assistant_ui._http.bounded_body import (
    PIECE_BYTES,
    BodyDecoder,
    aiter_body,
    iter_body,
    read_error_body,
)
from assistant_ui.errors import (
    APIStatusError,
    BodyTooLargeError,
    InternalServerError,
    LineTooLongError,
)
from assistant_ui.protocol.framing import Line, SSEParser
from assistant_ui.protocol.reading.parser import StreamParser
from fault_server import FaultServer, RawRequest, Step, chunk, chunks, head, text_of

USER = {"role": "user", "content": [{"type": "text", "text": "hi"}]}
MiB = 1024 * 1024


def ui_start() -> bytes:
    frames = [{"type": "start"}, {"type": "text-start", "id": "t"},
              {"type": "text-delta", "id": "t", "delta": "hi"}]  # fmt: skip
    return b"".join(f"data: {json.dumps(f)}\n\n".encode() for f in frames)


def many_data_lines(request: RawRequest) -> Iterable[Step]:
    yield head(200, {"Content-Type": "text/event-stream"})
    yield chunk(ui_start())
    line_block = b"data:a\n" * 10_000
    for _ in range(100):  # 1M data lines of one event: 7 MB on the wire
        yield chunk(line_block)
    yield chunk(b"\n")
    yield b"0\r\n\r\n"


def bomb(coding: str, size: int) -> bytes:
    """``0:"hi"`` then ``size`` bytes of spaces, compressed (a few KiB)."""
    wbits = {"gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}[coding]
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    out = [packer.compress(b'0:"hi"\n')]
    block = b" " * MiB
    for _ in range(size // MiB):
        out.append(packer.compress(block))
    out.append(packer.flush())
    return b"".join(out)


BOMB_SIZE = 64 * MiB
BOMBS = {coding: bomb(coding, BOMB_SIZE) for coding in ("gzip", "deflate")}


def serve_bomb(coding: str) -> Any:
    def handler(request: RawRequest) -> Iterable[Step]:
        body = BOMBS[coding]
        yield head(200, {"Content-Type": "text/plain", "Content-Encoding": coding})
        yield from chunks(body[i : i + 4096] for i in range(0, len(body), 4096))

    return handler


def feed_all(parser: StreamParser, pieces: Iterable[bytes], sizes: list[int] | None = None) -> None:
    for piece in pieces:
        if sizes is not None:
            sizes.append(len(piece))
        parser.feed(piece)


async def collect(pieces: Any, into: list[bytes]) -> None:
    async for piece in pieces:
        into.append(piece)


def huge_error(request: RawRequest) -> Iterable[Step]:
    size = 150 * MiB
    yield head(500, {"Content-Type": "text/plain", "Content-Length": str(size)}, chunked=False)
    block = b"x" * (64 * 1024)
    for _ in range(size // len(block)):
        yield block


def test_an_event_of_a_million_short_data_lines_stops_at_the_event_limit() -> None:
    with FaultServer(many_data_lines) as server:
        with httpx.Client() as http, http.stream("POST", server.url) as response:
            parser = StreamParser(headers=response.headers, max_line_bytes=MiB)
            with pytest.raises(LineTooLongError) as info:
                feed_all(parser, response.iter_bytes())
        assert server.wait_closed()
    assert "SSE event data longer" in str(info.value)
    assert info.value.offset == len(ui_start())
    assert text_of(info.value.partial_message) == "hi"


async def test_the_client_applies_a_configured_event_limit() -> None:
    with FaultServer(many_data_lines) as server:
        limits = BufferLimits(max_line_bytes=MiB)
        async with AssistantClient(server.url, max_retries=0, buffer_limits=limits) as client:
            with pytest.raises(LineTooLongError) as info:
                await client.threads("t").chat(messages=[USER])
        assert server.wait_closed()
    assert text_of(info.value.partial_message) == "hi"


@pytest.mark.parametrize("coding", sorted(BOMBS))
def test_a_decompression_bomb_stops_at_the_body_limit_while_decompressing(coding: str) -> None:
    with FaultServer(serve_bomb(coding)) as server:
        with httpx.Client() as http, http.stream("POST", server.url) as response:
            parser = StreamParser(headers=response.headers, encoding="data-stream")
            pieces: list[int] = []
            with pytest.raises(BodyTooLargeError) as info:
                feed_all(parser, iter_body(response, MiB), pieces)
            raw_read = response.num_bytes_downloaded
        assert server.wait_closed()
    assert info.value.limit == MiB
    assert max(pieces) <= PIECE_BYTES
    assert sum(pieces) <= MiB
    assert raw_read < len(BOMBS[coding])  # stopped long before the end of the bomb
    assert text_of(parser.message) == "hi"


async def test_the_async_body_reader_stops_the_bomb_too() -> None:
    with FaultServer(serve_bomb("gzip")) as server:
        async with httpx.AsyncClient() as http, http.stream("POST", server.url) as response:
            pieces: list[bytes] = []
            with pytest.raises(BodyTooLargeError):
                await collect(aiter_body(response, MiB), pieces)
        assert server.wait_closed()
    assert sum(map(len, pieces)) <= MiB


@pytest.mark.parametrize("coding", sorted(BOMBS))
def test_the_client_stops_a_bomb_and_keeps_the_text_before_it(coding: str) -> None:
    with FaultServer(serve_bomb(coding)) as server:
        limits = BufferLimits(max_body_bytes=MiB)
        client = AssistantClient(server.url, max_retries=0, buffer_limits=limits)
        with client, pytest.raises(BodyTooLargeError) as info:
            client.threads("t").chat_sync(messages=[USER])
        assert server.wait_closed()
    assert text_of(info.value.partial_message) == "hi"


def test_a_150_mb_error_body_is_read_only_up_to_the_cap() -> None:
    with FaultServer(huge_error) as server:
        with httpx.Client() as http:
            response = http.send(http.build_request("POST", server.url), stream=True)
            body, truncated = read_error_body(response, MiB)
            assert response.is_closed
        assert server.wait_closed()  # the rest was never read: the connection is dropped
    assert len(body) == MiB
    assert truncated


@pytest.mark.parametrize("sync", [False, True], ids=["async", "sync"])
async def test_a_cancel_answered_with_a_150_mb_error_is_truncated(sync: bool) -> None:
    with FaultServer(huge_error) as server:
        async with AssistantClient(server.url, max_retries=0) as client:
            thread = client.threads("t")
            with pytest.raises(InternalServerError) as info:
                await (thread.cancel() if not sync else _to_thread(thread.cancel_sync))
        assert server.wait_closed()
    error = info.value
    assert error.body_truncated
    assert len(error.body) == MiB
    assert "truncated" in str(error)
    assert len(str(error)) < 2000


async def _to_thread(fn: Any) -> Any:
    import asyncio

    return await asyncio.to_thread(fn)


def test_the_client_truncates_a_150_mb_error_body() -> None:
    with FaultServer(huge_error) as server:
        client = AssistantClient(server.url, max_retries=0)
        with client, pytest.raises(APIStatusError) as info:
            client.threads("t").chat_sync(messages=[USER])
        assert server.wait_closed()
    assert info.value.body_truncated


# -- properties ---------------------------------------------------------------


def _cut(data: bytes, cuts: list[int]) -> Iterator[bytes]:
    start = 0
    for end in sorted({min(c, len(data)) for c in cuts}):
        yield data[start:end]
        start = end
    yield data[start:]


@settings(max_examples=100, deadline=None)
@given(
    data=st.binary(max_size=4096) | st.integers(0, 300_000).map(lambda n: b"ab" * n),
    coding=st.sampled_from(["gzip", "deflate", "raw-deflate", "identity"]),
    cuts=st.lists(st.integers(0, 20_000), max_size=8),
    limit=st.none() | st.integers(0, 700_000),
)
def test_the_bounded_decoder_gives_back_the_body_or_stops_at_the_limit(
    data: bytes, coding: str, cuts: list[int], limit: int | None
) -> None:
    if coding == "gzip":
        wire, header = gzip.compress(data), "gzip"
    elif coding == "deflate":
        wire, header = zlib.compress(data), "deflate"
    elif coding == "raw-deflate":
        packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        wire, header = packer.compress(data) + packer.flush(), "deflate"
    else:
        wire, header = data, "identity"
    decoder = BodyDecoder(httpx.Headers({"content-encoding": header}), limit)
    out: list[bytes] = []
    try:
        for piece in _cut(wire, cuts):
            out.extend(decoder.decode(piece))
        out.extend(decoder.flush())
    except BodyTooLargeError:
        assert limit is not None
        assert len(data) > limit
        assert sum(map(len, out)) <= limit
    else:
        assert b"".join(out) == data
        assert limit is None or len(data) <= limit
    assert all(len(piece) <= max(PIECE_BYTES, len(wire)) for piece in out)


@settings(max_examples=100, deadline=None)
@given(lines=st.lists(st.text(alphabet="ab\u00e9", max_size=3), min_size=1, max_size=3000))
def test_an_event_of_many_lines_is_joined_exactly(lines: list[str]) -> None:
    parser = SSEParser()
    for index, value in enumerate(lines):
        assert parser.decode(Line(f"data:{value}", index)) is None
    event = parser.decode(Line("", len(lines)))
    assert event is not None
    assert event.data == "\n".join(lines)
