"""Connection pools split into shards, so that many concurrent streams stay cheap.

httpcore's pool re-examines every connection it holds whenever a request
starts or ends, and for each idle one it counts the idle connections again
(encode/httpcore#1035): with ``n`` connections open, each request costs
``O(n^2)`` steps. 500 concurrent streams spent more CPU there than in
decoding their replies (24 million ``is_idle()`` calls for 1,000 requests).

The cure here uses only public httpx API: the default transport becomes a
row of ordinary ``httpx.HTTPTransport`` / ``httpx.AsyncHTTPTransport``
shards of at most :data:`SHARD_CONNECTIONS` connections each, and every
request goes to the first shard with a free connection (so a client used
one request at a time keeps reusing one connection). Shards are made when
the ones there are full, so a client that
never has more than 16 requests in flight has exactly httpx's one pool.
The cost per request is then bounded by the shard size, whatever the
concurrency.

The client's ``limits=`` still hold over the whole client:
``max_connections`` is divided among the shards (a request beyond it waits
in the least busy shard, as it would in one pool) and so is
``max_keepalive_connections``. HTTP/2 multiplexes requests over one
connection and is not sharded.

:class:`PoolLoad` is the bookkeeping both twins share; the two transport
classes only move bytes.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Generic, TypeVar

import httpx

__all__ = [
    "SHARD_CONNECTIONS",
    "AsyncShardedTransport",
    "PoolLoad",
    "ShardedTransport",
    "shard_limits",
]

SHARD_CONNECTIONS = 16
"""Most connections of one shard: small enough that httpcore's per-request
work stays a few hundred steps."""

_log = logging.getLogger("assistant_ui")

T = TypeVar("T")


def _split(total: int | None, parts: int, index: int) -> int | None:
    """Share ``index`` of ``total`` divided as evenly as possible into ``parts``."""
    if total is None:
        return None
    base, extra = divmod(total, parts)
    return base + (1 if index < extra else 0)


def _shard_count(total: int | None) -> int | None:
    """How many shards ``max_connections=total`` allows (``None``: no bound)."""
    return None if total is None else max(1, -(-total // SHARD_CONNECTIONS))


def shard_limits(limits: httpx.Limits, index: int) -> httpx.Limits:
    """The limits of shard ``index`` of a client whose limits are ``limits``."""
    total = limits.max_connections
    shards = _shard_count(total)
    if total is None or shards is None:  # no bound: full shards, each as many as wanted
        connections, keepalive = SHARD_CONNECTIONS, limits.max_keepalive_connections
    else:
        connections = _split(total, shards, index) or 1
        keepalive = _split(limits.max_keepalive_connections, shards, index)
    return httpx.Limits(
        max_connections=connections,
        max_keepalive_connections=None if keepalive is None else min(keepalive, connections),
        keepalive_expiry=limits.keepalive_expiry,
    )


class PoolLoad(Generic[T]):
    """The shards of one transport and the requests in flight on each.

    Args:
        make: builds a shard (an httpx transport) with the limits given, its
            share of the client's (:func:`shard_limits`).
        limits: the client's limits, over all shards.
    """

    def __init__(self, make: Callable[[httpx.Limits], T], limits: httpx.Limits) -> None:
        self._make = make
        self._limits = limits
        self._most_shards = _shard_count(limits.max_connections)
        self.shards: list[T] = []
        self._busy: list[int] = []
        self._capacity: list[int] = []
        self._warned = False
        # The sync transport is shared by threads. Held only for the
        # bookkeeping, never across I/O.
        self._lock = threading.Lock()

    @property
    def in_flight(self) -> int:
        """Requests started and not yet closed, over every shard."""
        return sum(self._busy)

    def acquire(self) -> int:
        """The shard the next request goes to (and counts it in flight there)."""
        with self._lock:
            return self._acquire()

    def _acquire(self) -> int:
        busy = self._busy
        best = -1
        for index, count in enumerate(busy):
            if count < self._capacity[index]:
                best = index
                break
        if best < 0:
            if self._most_shards is None or len(self.shards) < self._most_shards:
                best = len(self.shards)
                share = shard_limits(self._limits, best)
                self.shards.append(self._make(share))
                assert share.max_connections is not None  # every shard has a bound
                self._capacity.append(share.max_connections)
                busy.append(0)
            else:
                best = busy.index(min(busy))
                self._warn_queueing()
        busy[best] += 1
        return best

    def release(self, index: int) -> None:
        """A request of shard ``index`` has ended (its response is closed)."""
        with self._lock:
            self._busy[index] -= 1

    @contextlib.contextmanager
    def released_on_error(self, index: int) -> Iterator[None]:
        """Gives the slot of shard ``index`` back if sending the request fails."""
        try:
            yield
        except BaseException:
            self.release(index)
            raise

    def track(self, response: httpx.Response, index: int) -> httpx.Response:
        """``response``, whose body gives the slot of shard ``index`` back when
        it is closed (by the caller, or by httpx on an error)."""
        stream = response.stream
        done = functools.partial(self.release, index)
        if isinstance(stream, httpx.AsyncByteStream):
            response.stream = _AsyncReleased(stream, done)
        else:
            assert isinstance(stream, httpx.SyncByteStream)
            response.stream = _Released(stream, done)
        return response

    def _warn_queueing(self) -> None:
        if self._warned:
            return
        self._warned = True
        _log.warning(
            "more than limits.max_connections=%s requests are in flight on one "
            "AssistantClient; the others wait for a connection (and may time out "
            "waiting). Pass limits=httpx.Limits(max_connections=...) to the "
            "client to run more at once.",
            self._limits.max_connections,
        )


class _Released(httpx.SyncByteStream):
    """A response body that tells its shard when it is closed."""

    def __init__(self, inner: httpx.SyncByteStream, done: Callable[[], None]) -> None:
        self._inner = inner
        self._done: Callable[[], None] | None = done

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._inner)

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            done, self._done = self._done, None
            if done is not None:
                done()


class _AsyncReleased(httpx.AsyncByteStream):
    """A response body that tells its shard when it is closed."""

    def __init__(self, inner: httpx.AsyncByteStream, done: Callable[[], None]) -> None:
        self._inner = inner
        self._done: Callable[[], None] | None = done

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._inner.__aiter__()

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            done, self._done = self._done, None
            if done is not None:
                done()


class ShardedTransport(httpx.BaseTransport):
    """httpx's default sync transport, split into shards (see the module)."""

    def __init__(
        self, make: Callable[[httpx.Limits], httpx.HTTPTransport], limits: httpx.Limits
    ) -> None:
        self.load: PoolLoad[httpx.HTTPTransport] = PoolLoad(make, limits)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        load = self.load
        index = load.acquire()
        with load.released_on_error(index):
            response = load.shards[index].handle_request(request)
        return load.track(response, index)

    def close(self) -> None:
        for shard in self.load.shards:
            shard.close()


class AsyncShardedTransport(httpx.AsyncBaseTransport):
    """httpx's default async transport, split into shards (see the module)."""

    def __init__(
        self, make: Callable[[httpx.Limits], httpx.AsyncHTTPTransport], limits: httpx.Limits
    ) -> None:
        self.load: PoolLoad[httpx.AsyncHTTPTransport] = PoolLoad(make, limits)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        load = self.load
        index = load.acquire()
        with load.released_on_error(index):
            response = await load.shards[index].handle_async_request(request)
        return load.track(response, index)

    async def aclose(self) -> None:
        for shard in self.load.shards:
            await shard.aclose()
