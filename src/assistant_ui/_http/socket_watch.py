"""Which socket a thread is blocked on, so a cancel can wake a sync request.

A sync request blocks its thread in a socket read while it waits for the
response headers; only shutting that socket down from another thread wakes
it. httpx does not say which pooled connection a request was given, so the
sync client's network backend is wrapped: each read and write notes, for the
duration of the call, the stream the calling thread is blocked on.
:func:`blocked_stream` then names it for a cancel from another thread.

Only httpx's default transport is wrapped (it is reached through private
attributes of httpx and httpcore, looked up defensively); a user transport
is left alone, and a cancel of such a request takes effect when its
headers arrive.
"""

from __future__ import annotations

import threading
from typing import Any

import httpcore
import httpx

__all__ = ["blocked_stream", "watch_sockets", "watch_transport"]

# thread id -> the network stream that thread is reading or writing now.
_blocked: dict[int, httpcore.NetworkStream] = {}


def blocked_stream(thread_id: int) -> httpcore.NetworkStream | None:
    """The stream thread ``thread_id`` is blocked on, if any."""
    return _blocked.get(thread_id)


class _WatchedStream(httpcore.NetworkStream):
    """A network stream that notes which thread is blocked on it."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        ident = threading.get_ident()
        _blocked[ident] = self._inner
        try:
            return self._inner.read(max_bytes, timeout)
        finally:
            _blocked.pop(ident, None)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        ident = threading.get_ident()
        _blocked[ident] = self._inner
        try:
            self._inner.write(buffer, timeout)
        finally:
            _blocked.pop(ident, None)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _WatchedStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _WatchedBackend(httpcore.NetworkBackend):
    """A network backend whose streams are :class:`_WatchedStream`."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        return _WatchedStream(
            self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        )

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        return _WatchedStream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def watch_transport(transport: object) -> None:
    """Wraps the network backend of httpx's default sync transport (a no-op
    for any other transport)."""
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, httpcore.NetworkBackend) and not isinstance(backend, _WatchedBackend):
        pool._network_backend = _WatchedBackend(backend)  # type: ignore[union-attr]


def watch_sockets(client: httpx.Client) -> None:
    """Wraps the network backend of ``client``'s default transport (a no-op
    for any other transport)."""
    watch_transport(getattr(client, "_transport", None))
