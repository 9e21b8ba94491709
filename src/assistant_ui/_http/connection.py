"""What every request of one client shares: :class:`Connection`.

The base URL, headers, timeout, endpoint paths, retry policy and httpx
options, the two lazily opened httpx clients, and the in-flight streams of
each thread (what ``cancel()`` stops). :class:`~assistant_ui.AssistantClient`
owns one and hands it to each :class:`~assistant_ui.ThreadClient`, so a
thread needs nothing from the client module (no import cycle, no reaching
into another class's private state).
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import httpx

from assistant_ui._concurrency import close_soon
from assistant_ui._http.limits import BufferLimits
from assistant_ui._http.pool import AsyncShardedTransport, ShardedTransport
from assistant_ui._http.retry import RetryPolicy
from assistant_ui._http.socket_watch import watch_sockets, watch_transport
from assistant_ui._http.transport import HeadersOption, check_side, split_transport_kwargs
from assistant_ui._logging import event_hooks, user_agent
from assistant_ui.errors import UsageError

if TYPE_CHECKING:
    from assistant_ui._http.stream_core import StreamCore

__all__ = ["Connection"]


# httpx's own default, for a client given no ``limits=``.
_HTTPX_LIMITS: Final[httpx.Limits] = inspect.signature(httpx.Client).parameters["limits"].default
_TRANSPORT_OPTIONS: Final = ("verify", "cert", "trust_env", "http1")


def _shard_pool(client: httpx.Client | httpx.AsyncClient, options: Mapping[str, Any]) -> bool:
    """Puts a sharded pool (:mod:`assistant_ui._http.pool`) in place of the
    default transport httpx gave ``client``; whether it did.

    The client is built first and its transport swapped afterwards, rather
    than passing ``transport=``, because httpx reads the proxy environment
    variables only for a client built without one. A transport the user
    gave, and HTTP/2 (one connection carries every request), are left alone.
    """
    sync = isinstance(client, httpx.Client)
    default = httpx.HTTPTransport if sync else httpx.AsyncHTTPTransport
    current = getattr(client, "_transport", None)
    if "transport" in options or options.get("http2") or type(current) is not default:
        return False
    limits = options.get("limits", _HTTPX_LIMITS)
    kwargs = {name: options[name] for name in _TRANSPORT_OPTIONS if name in options}
    if isinstance(client, httpx.Client):

        def make_sync(shard: httpx.Limits) -> httpx.HTTPTransport:
            transport = httpx.HTTPTransport(limits=shard, **kwargs)
            watch_transport(transport)  # a cancel can then wake a blocked send
            return transport

        client._transport = ShardedTransport(make_sync, limits)
    else:
        client._transport = AsyncShardedTransport(
            lambda shard: httpx.AsyncHTTPTransport(limits=shard, **kwargs), limits
        )
    return True


class _Clients:
    """The httpx clients and in-flight streams that connections derived with
    ``with_options`` share (one connection pool per side)."""

    def __init__(self, httpx_kwargs: dict[str, Any]) -> None:
        self.httpx_kwargs = httpx_kwargs
        self.sync_kwargs, self.async_kwargs = split_transport_kwargs(httpx_kwargs)
        self.sync: httpx.Client | None = None
        self.async_: httpx.AsyncClient | None = None
        self.sync_closed = False
        self.async_closed = False
        self.streams: dict[str, set[StreamCore]] = {}
        self.cancels: dict[str, int] = {}  # cancel() calls per thread
        self.opening = threading.Lock()


class Connection:
    """The shared side of a client: configuration, httpx clients, streams.

    An ``httpx.Client`` or ``httpx.AsyncClient`` is opened only on the first
    sync or async request, so an unused side costs nothing. Every request
    carries this connection's timeout, so connections made with
    :meth:`with_options` share the pool and still use their own.
    """

    def __init__(
        self,
        *,
        base_url: str,
        headers: HeadersOption,
        timeout: float | httpx.Timeout | None,
        chat_path: str,
        cancel_path: str,
        resume_path: str,
        retry_policy: RetryPolicy,
        httpx_kwargs: dict[str, Any],
        buffer_limits: BufferLimits | None = None,
        shared: _Clients | None = None,
    ) -> None:
        self.base_url = base_url
        self.headers = headers
        self.timeout = timeout
        self.chat_path = chat_path
        self.cancel_path = cancel_path
        self.resume_path = resume_path
        self.retry_policy = retry_policy
        self.buffer_limits = buffer_limits if buffer_limits is not None else BufferLimits()
        self._clients = shared if shared is not None else _Clients(httpx_kwargs)

    def with_options(self, **changes: Any) -> Connection:
        """A connection with some settings changed, sharing the httpx clients
        and the in-flight streams (so ``cancel()`` reaches both)."""
        settings: dict[str, Any] = {
            "base_url": self.base_url,
            "headers": self.headers,
            "timeout": self.timeout,
            "chat_path": self.chat_path,
            "cancel_path": self.cancel_path,
            "resume_path": self.resume_path,
            "retry_policy": self.retry_policy,
            "buffer_limits": self.buffer_limits,
        }
        settings.update(changes)
        return Connection(**settings, httpx_kwargs=self._clients.httpx_kwargs, shared=self._clients)

    @property
    def sync(self) -> httpx.Client | None:
        """The sync httpx client, once opened."""
        return self._clients.sync

    @property
    def async_(self) -> httpx.AsyncClient | None:
        """The async httpx client, once opened."""
        return self._clients.async_

    def sync_client(self) -> httpx.Client:
        """The sync httpx client (opened on first use).

        Raises:
            UsageError: the sync side was closed, or only an async transport was given.
        """
        clients = self._clients
        if clients.sync is None:
            with clients.opening:  # threads' first requests must share one client
                if clients.sync is None:
                    options = self._client_options(sync=True)
                    client = httpx.Client(**options)
                    if not _shard_pool(client, options):
                        watch_sockets(client)  # a cancel can then wake a blocked send
                    clients.sync = client
        return clients.sync

    def async_client(self) -> httpx.AsyncClient:
        """The async httpx client (opened on first use).

        Raises:
            UsageError: the async side was closed, or only a sync transport was given.
        """
        clients = self._clients
        if clients.async_ is None:
            options = self._client_options(sync=False)
            clients.async_ = httpx.AsyncClient(**options)
            _shard_pool(clients.async_, options)
        return clients.async_

    def _client_options(self, *, sync: bool) -> dict[str, Any]:
        clients = self._clients
        if clients.sync_closed if sync else clients.async_closed:
            side, close = ("sync", "close_sync()") if sync else ("async", "close()")
            raise UsageError(f"the {side} side of this AssistantClient is closed ({close})")
        check_side(clients.httpx_kwargs, sync=sync)
        kwargs = dict(clients.sync_kwargs if sync else clients.async_kwargs)
        # Ours first: httpx's ``headers=`` and each request's user headers win.
        headers = httpx.Headers({"User-Agent": user_agent()})
        headers.update(kwargs.pop("headers", None) or {})
        hooks = event_hooks(kwargs.pop("event_hooks", None), sync=sync)
        return {
            "base_url": self.base_url,
            "timeout": self.timeout,
            **kwargs,
            "headers": headers,
            "event_hooks": hooks,
        }

    def streams_of(self, thread_id: str) -> set[StreamCore]:
        """The in-flight streams of a thread (what ``cancel()`` stops)."""
        return self._clients.streams.setdefault(thread_id, set())

    def count_cancel(self, thread_id: str) -> None:
        """Records a ``cancel()`` of a thread (what a tool loop checks
        between its requests)."""
        self._clients.cancels[thread_id] = self._clients.cancels.get(thread_id, 0) + 1

    def cancels_of(self, thread_id: str) -> int:
        """How many times a thread was cancelled through this client."""
        return self._clients.cancels.get(thread_id, 0)

    async def close(self) -> None:
        """Closes the async HTTP client (if it was opened)."""
        clients = self._clients
        clients.async_closed = True
        client, clients.async_ = clients.async_, None
        if client is not None:
            await client.aclose()

    def close_sync(self) -> None:
        """Closes the sync HTTP client (if it was opened)."""
        clients = self._clients
        clients.sync_closed = True
        client, clients.sync = clients.sync, None
        if client is not None:
            client.close()

    def close_async_from_sync(self) -> None:
        """Closes the async client from sync code (a sync ``with`` block)."""
        # A sync `with` cannot await: the close is scheduled on the running
        # loop, or run on a fresh one when there is none (_concurrency).
        clients = self._clients
        clients.async_closed = True
        client, clients.async_ = clients.async_, None
        if client is not None:
            close_soon(client.aclose)
