"""The sharded connection pool (assistant_ui/_http/pool.py).

Many concurrent streams are spread over shards of at most
SHARD_CONNECTIONS connections, the client's limits still hold over all of
them, a request's slot is given back however it ends, and a client used one
request at a time keeps one connection.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
from collections.abc import Iterator

import httpx
import pytest

from assistant_ui import AssistantClient
from assistant_ui._http.pool import (
    SHARD_CONNECTIONS,
    AsyncShardedTransport,
    PoolLoad,
    ShardedTransport,
    shard_limits,
)
from fault_server import CUT, FaultServer, Handler, RawRequest, Step, chunks, head, text_of

USER = [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]


def reply(request: RawRequest) -> Iterator[Step]:
    yield head(headers={"Content-Type": "text/plain", "x-vercel-ai-data-stream": "v1"})
    yield from chunks([b'0:"hello "\n', b'0:"world"\n', b'd:{"finishReason":"stop"}\n'])


def held_until(count: int) -> Handler:
    """A handler that answers its first ``count`` requests only once they are
    all in flight (and later ones at once)."""
    barrier = threading.Barrier(count, timeout=10)
    arrived = itertools.count(1)

    def handler(request: RawRequest) -> Iterator[Step]:
        if next(arrived) <= count:
            barrier.wait()
        yield from reply(request)

    return handler


@pytest.mark.parametrize(
    "limits",
    [
        httpx.Limits(max_connections=100, max_keepalive_connections=20),
        httpx.Limits(max_connections=40, max_keepalive_connections=None),
        httpx.Limits(max_connections=7, max_keepalive_connections=3),
        httpx.Limits(max_connections=33, max_keepalive_connections=50),
    ],
)
def test_the_shards_divide_the_client_limits(limits: httpx.Limits) -> None:
    assert limits.max_connections is not None
    shards = -(-limits.max_connections // SHARD_CONNECTIONS)
    parts = [shard_limits(limits, i) for i in range(shards)]
    assert sum(p.max_connections or 0 for p in parts) == limits.max_connections
    assert all(0 < (p.max_connections or 0) <= SHARD_CONNECTIONS for p in parts)
    if limits.max_keepalive_connections is None:
        assert all(p.max_keepalive_connections is None for p in parts)
    else:
        kept = sum(p.max_keepalive_connections or 0 for p in parts)
        assert kept <= limits.max_keepalive_connections
    assert all(p.keepalive_expiry == limits.keepalive_expiry for p in parts)


def test_requests_fill_the_first_shard_and_new_shards_are_made_only_when_full() -> None:
    made: list[httpx.Limits] = []
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    load: PoolLoad[int] = PoolLoad(lambda share: made.append(share) or len(made) - 1, limits)
    # One request at a time: always shard 0 (one pool, its connection reused).
    for _ in range(5):
        assert load.acquire() == 0
        load.release(0)
    assert len(load.shards) == 1
    taken = [load.acquire() for _ in range(2 * SHARD_CONNECTIONS + 1)]
    assert taken == [0] * SHARD_CONNECTIONS + [1] * SHARD_CONNECTIONS + [2]
    assert load.in_flight == 2 * SHARD_CONNECTIONS + 1
    load.release(1)
    assert load.acquire() == 1  # the first shard with room
    assert [m.max_connections for m in made] == [SHARD_CONNECTIONS] * 3


def test_beyond_max_connections_requests_queue_in_the_least_busy_shard_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    limits = httpx.Limits(max_connections=20, max_keepalive_connections=5)
    load: PoolLoad[httpx.Limits] = PoolLoad(lambda share: share, limits)
    taken = [load.acquire() for _ in range(20)]
    assert taken == [0] * 10 + [1] * 10  # 20 connections in two shards of 10
    load.release(1)
    with caplog.at_level(logging.WARNING, logger="assistant_ui"):
        assert load.acquire() == 1  # room again in shard 1: no queueing
        assert load.acquire() == 0  # both full: the least busy (a tie: the first)
        assert load.acquire() == 1
    assert len(load.shards) == 2
    warnings = [r for r in caplog.records if "max_connections=20" in r.getMessage()]
    assert len(warnings) == 1
    assert "limits=httpx.Limits(max_connections=...)" in warnings[0].getMessage()


async def test_forty_concurrent_streams_use_three_shards_and_give_every_slot_back() -> None:
    count = 40
    handler = held_until(count)
    with FaultServer(handler) as server:
        async with AssistantClient(server.url, max_retries=0, timeout=20) as client:

            async def one(index: int) -> str:
                thread = client.threads(f"t{index}", encoding="data-stream")
                async with thread.stream(messages=USER) as stream:
                    return text_of(await stream.get_final_message())

            texts = await asyncio.gather(*(one(i) for i in range(count)))
            transport = client._connection.async_client()._transport
            assert isinstance(transport, AsyncShardedTransport)
            assert len(transport.load.shards) == 3  # 16 + 16 + 8 connections
            assert transport.load.in_flight == 0
            assert server.opened == count
            # After the burst, one request at a time reuses a kept connection.
            for index in range(3):
                assert await one(100 + index) == "hello world"
            assert server.opened == count
    assert texts == ["hello world"] * count


def test_sync_streams_from_threads_are_sharded_and_released() -> None:
    count = 20
    handler = held_until(count)
    results: list[str] = []
    with (
        FaultServer(handler) as server,
        AssistantClient(server.url, max_retries=0, timeout=20) as client,
    ):

        def one(index: int) -> None:
            thread = client.threads(f"t{index}", encoding="data-stream")
            results.append(text_of(thread.chat_sync(messages=USER).message))

        workers = [threading.Thread(target=one, args=(i,)) for i in range(count)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(20)
        transport = client._connection.sync_client()._transport
        assert isinstance(transport, ShardedTransport)
        assert len(transport.load.shards) == 2
        assert transport.load.in_flight == 0
    assert results == ["hello world"] * count


def cut_reply(request: RawRequest) -> Iterator[Step]:
    yield head(headers={"Content-Type": "text/plain"})
    yield from chunks([b'0:"hel'])
    yield CUT


async def test_a_slot_is_given_back_when_the_request_fails_or_the_body_breaks() -> None:
    with FaultServer(cut_reply) as server:
        async with AssistantClient(server.url, max_retries=0, timeout=5) as client:
            thread = client.threads("t", encoding="data-stream")
            for _ in range(3):
                with pytest.raises(Exception):  # noqa: B017 - which error is tested elsewhere
                    await thread.chat(messages=USER)
            transport = client._connection.async_client()._transport
            assert isinstance(transport, AsyncShardedTransport)
            assert transport.load.in_flight == 0
    # Nothing listens on this port any more: the connect itself fails.
    async with AssistantClient(server.url, max_retries=0, timeout=5) as client:
        with pytest.raises(Exception):  # noqa: B017
            await client.threads("t").chat(messages=USER)
        transport = client._connection.async_client()._transport
        assert isinstance(transport, AsyncShardedTransport)
        assert transport.load.in_flight == 0


def test_a_user_transport_and_http2_are_not_sharded() -> None:
    mine = httpx.HTTPTransport()
    with AssistantClient("http://127.0.0.1:9", transport=mine) as client:
        assert client._connection.sync_client()._transport is mine
    pytest.importorskip("h2")
    with AssistantClient("http://127.0.0.1:9", http2=True) as client:
        assert isinstance(client._connection.sync_client()._transport, httpx.HTTPTransport)
