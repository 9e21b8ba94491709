"""What every request of one client shares: :class:`Connection`.

The base URL, headers, timeout, endpoint paths, retry policy and httpx
options, the two lazily opened httpx clients, and the in-flight streams of
each thread (what ``cancel()`` stops). :class:`~assistant_ui.AssistantClient`
owns one and hands it to each :class:`~assistant_ui.ThreadClient`, so a
thread needs nothing from the client module (no import cycle, no reaching
into another class's private state).
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
from typing import TYPE_CHECKING, Any

import httpx

from assistant_ui._http.retry import RetryPolicy
from assistant_ui._http.socket_watch import watch_sockets
from assistant_ui._http.transport import HeadersOption, check_side, split_transport_kwargs
from assistant_ui.errors import UsageError

if TYPE_CHECKING:
    from assistant_ui._http.stream_core import StreamCore

__all__ = ["Connection"]


class Connection:
    """The shared side of a client: configuration, httpx clients, streams.

    An ``httpx.Client`` or ``httpx.AsyncClient`` is opened only on the first
    sync or async request, so an unused side costs nothing.
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
    ) -> None:
        self.base_url = base_url
        self.headers = headers
        self.timeout = timeout
        self.chat_path = chat_path
        self.cancel_path = cancel_path
        self.resume_path = resume_path
        self.retry_policy = retry_policy
        self.httpx_kwargs = httpx_kwargs
        self._sync_kwargs, self._async_kwargs = split_transport_kwargs(httpx_kwargs)
        self.sync: httpx.Client | None = None
        """The sync httpx client, once opened."""
        self.async_: httpx.AsyncClient | None = None
        """The async httpx client, once opened."""
        self._sync_closed = False
        self._async_closed = False
        self._streams: dict[str, set[StreamCore]] = {}
        self._cancels: dict[str, int] = {}
        self._closing: asyncio.Task[None] | None = None

    def sync_client(self) -> httpx.Client:
        """The sync httpx client (opened on first use).

        Raises:
            UsageError: the sync side was closed, or only an async transport was given.
        """
        if self.sync is None:
            self.sync = httpx.Client(**self._client_options(sync=True))
            watch_sockets(self.sync)  # a cancel can then wake a blocked send
        return self.sync

    def async_client(self) -> httpx.AsyncClient:
        """The async httpx client (opened on first use).

        Raises:
            UsageError: the async side was closed, or only a sync transport was given.
        """
        if self.async_ is None:
            self.async_ = httpx.AsyncClient(**self._client_options(sync=False))
        return self.async_

    def _client_options(self, *, sync: bool) -> dict[str, Any]:
        if self._sync_closed if sync else self._async_closed:
            side, close = ("sync", "close_sync()") if sync else ("async", "close()")
            raise UsageError(f"the {side} side of this AssistantClient is closed ({close})")
        check_side(self.httpx_kwargs, sync=sync)
        kwargs = self._sync_kwargs if sync else self._async_kwargs
        return {"base_url": self.base_url, "timeout": self.timeout, **kwargs}

    def streams_of(self, thread_id: str) -> set[StreamCore]:
        """The in-flight streams of a thread (what ``cancel()`` stops)."""
        return self._streams.setdefault(thread_id, set())

    def count_cancel(self, thread_id: str) -> None:
        """Records a ``cancel()`` of a thread (what a tool loop checks
        between its requests)."""
        self._cancels[thread_id] = self._cancels.get(thread_id, 0) + 1

    def cancels_of(self, thread_id: str) -> int:
        """How many times a thread was cancelled through this client."""
        return self._cancels.get(thread_id, 0)

    async def close(self) -> None:
        """Closes the async HTTP client (if it was opened)."""
        self._async_closed = True
        client, self.async_ = self.async_, None
        if client is not None:
            await client.aclose()

    def close_sync(self) -> None:
        """Closes the sync HTTP client (if it was opened)."""
        self._sync_closed = True
        client, self.sync = self.sync, None
        if client is not None:
            client.close()

    def close_async_from_sync(self) -> None:
        """Closes the async client from sync code (a sync ``with`` block)."""
        # A sync `with` cannot await. With no loop running here, run the
        # close on a fresh loop; inside a running loop, schedule it there.
        self._async_closed = True
        client, self.async_ = self.async_, None
        if client is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is not None:
            self._closing = loop.create_task(client.aclose())
            return
        # RuntimeError: its pooled connections belong to an event loop that
        # has ended (an earlier asyncio.run()); they cannot be closed from
        # another loop, and the client is marked closed all the same.
        with suppress(RuntimeError):
            asyncio.run(client.aclose())
