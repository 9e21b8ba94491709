"""``AssistantClient``: configuration and the two lazily opened httpx clients.

The client holds what every request shares (base URL, headers, timeout,
endpoint paths, httpx options) and opens an ``httpx.Client`` or
``httpx.AsyncClient`` only on the first sync or async request, so an unused
side costs nothing. ``close()`` closes the async side, ``close_sync()`` the
sync side (as in the original package); both context managers close every
client the object opened.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
from typing import Any

import httpx

from assistant_ui._http.limits import BufferLimits
from assistant_ui._http.retry import RetryPolicy
from assistant_ui._http.stream_core import StreamCore
from assistant_ui._http.transport import (
    DEFAULT_TIMEOUT,
    HeadersOption,
    check_side,
    split_transport_kwargs,
)
from assistant_ui._logging import event_hooks, install_httpx_redaction, user_agent
from assistant_ui._redact import redact_url, split_userinfo
from assistant_ui._thread import ThreadClient
from assistant_ui.errors import InvalidRequestError, UsageError

__all__ = ["AssistantClient"]


class AssistantClient:
    """Client for an assistant-ui backend.

    Example::

        async with AssistantClient(base_url="http://localhost:8000") as client:
            thread = client.threads("thread-123")
            response = await thread.chat(messages=[
                {"role": "user", "content": [{"type": "text", "text": "Hello!"}]}
            ])
            print(response.output_text)

    Args:
        base_url: the backend's root URL; endpoint paths are appended to it.
            Credentials in it (``https://user:pass@host``) are sent as Basic
            auth and removed from :attr:`base_url`; no repr, error or log
            shows them (nor credential-like query values or headers).
        headers: sent with every request: a mapping, or a callable returning
            one, evaluated before each request. An async callable works with
            the async methods; a sync method given one raises
            :class:`~assistant_ui.errors.UsageError`.
        timeout: seconds, or an ``httpx.Timeout``. The default
            (:data:`~assistant_ui.DEFAULT_TIMEOUT`) allows 10 s to connect
            and 10 minutes of silence before the reply and between two of
            its chunks (an idle timeout, not a limit on the whole reply:
            reasoning models may think for minutes before the first token).
            A stall mid-stream raises ``StreamTimeoutError`` (both an
            ``APITimeoutError`` and a ``StreamError`` with the partial
            message). ``None`` disables every timeout.
        chat_path: the chat endpoint, relative to ``base_url``.
        cancel_path: the cancel endpoint, relative to ``base_url``.
        resume_path: the resume endpoint (PROTOCOLS.md 4.2), relative to
            ``base_url``; ``{stream_id}`` is replaced by the stream id.
        max_retries: resends of a request that failed before any body byte
            was read and is safe to resend (see :mod:`assistant_ui._http.retry`).
        retry_policy: the whole retry policy (backoff, caps); overrides
            ``max_retries``.
        runtime: the default request flavour of :meth:`threads`.
        buffer_limits: the bounds on what is held of a reply (longest line
            or SSE event, longest body after decompression, how much of an
            error body is read); see :class:`BufferLimits`. Each ends the
            reply with a typed error that keeps what arrived.
        **httpx_kwargs: passed to the httpx clients (``transport=``,
            ``verify=``, ``proxy=``, ``follow_redirects=`` ...). An async
            transport such as ``httpx.ASGITransport(app)`` serves the async
            methods only; a sync transport the sync methods only.

    Raises:
        InvalidRequestError: ``base_url`` is empty or not a string.
    """

    def __init__(
        self,
        base_url: str,
        headers: HeadersOption = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        *,
        chat_path: str = "/api/chat",
        cancel_path: str = "/api/cancel",
        resume_path: str = "/api/chat/resume/{stream_id}",
        runtime: str = "sync-server",
        max_retries: int = 2,
        retry_policy: RetryPolicy | None = None,
        buffer_limits: BufferLimits | None = None,
        **httpx_kwargs: Any,
    ) -> None:
        if not isinstance(base_url, str) or not base_url.strip():
            shown = redact_url(base_url) if isinstance(base_url, str) else type(base_url).__name__
            raise InvalidRequestError(
                f"must be a non-empty URL string, got {shown!r}", field="base_url"
            )
        if headers is not None and not callable(headers) and not hasattr(headers, "items"):
            raise InvalidRequestError(
                f"must be a mapping or a callable, got {type(headers).__name__}", field="headers"
            )
        # Credentials in the URL become Basic auth (what httpx would send for
        # them), so that no URL the library holds, logs or quotes in an error
        # carries them.
        install_httpx_redaction()
        base_url, user, password = split_userinfo(base_url)
        if user is not None and "auth" not in httpx_kwargs:
            httpx_kwargs["auth"] = httpx.BasicAuth(user, password or "")
        self.base_url = base_url
        self.headers = headers
        self.timeout = timeout
        self.chat_path = chat_path
        self.cancel_path = cancel_path
        self.resume_path = resume_path
        self.retry_policy = (
            retry_policy if retry_policy is not None else RetryPolicy(max_retries=max_retries)
        )
        self.runtime = runtime
        self.buffer_limits = buffer_limits if buffer_limits is not None else BufferLimits()
        self._httpx_kwargs = httpx_kwargs
        self._sync_kwargs, self._async_kwargs = split_transport_kwargs(httpx_kwargs)
        self._sync: httpx.Client | None = None
        self._async: httpx.AsyncClient | None = None
        self._sync_closed = False
        self._async_closed = False
        self._streams: dict[str, set[StreamCore]] = {}
        self._closing: asyncio.Task[None] | None = None

    def __repr__(self) -> str:
        return f"<AssistantClient base_url={redact_url(self.base_url)!r}>"

    def threads(self, thread_id: str, **options: Any) -> ThreadClient:
        """A :class:`ThreadClient` for one thread.

        Args:
            thread_id: the thread's id on the server (non-empty).
            **options: ``runtime`` (default: the client's), ``encoding`` (force
                the reply encoding), ``strict`` (decode as the reference does),
                and the conversation options of :class:`ThreadClient`
                (``tools``, ``approve``, ``system``, ``max_steps``, ``state``,
                ...).

        Raises:
            InvalidRequestError: ``thread_id`` is empty or not a string.
        """
        options.setdefault("runtime", self.runtime)
        return ThreadClient(self, thread_id, **options)

    # -- the httpx clients ------------------------------------------------

    def _sync_client(self) -> httpx.Client:
        if self._sync is None:
            self._sync = httpx.Client(**self._client_options(sync=True))
        return self._sync

    def _async_client(self) -> httpx.AsyncClient:
        if self._async is None:
            self._async = httpx.AsyncClient(**self._client_options(sync=False))
        return self._async

    def _client_options(self, *, sync: bool) -> dict[str, Any]:
        """Checks that a side may be used; the options to open it with."""
        if self._sync_closed if sync else self._async_closed:
            side, close = ("sync", "close_sync()") if sync else ("async", "close()")
            raise UsageError(f"the {side} side of this AssistantClient is closed ({close})")
        check_side(self._httpx_kwargs, sync=sync)
        kwargs = dict(self._sync_kwargs if sync else self._async_kwargs)
        # Ours first: httpx's ``headers=`` and each request's user headers win.
        headers = httpx.Headers({"User-Agent": user_agent()})
        headers.update(kwargs.pop("headers", None) or {})
        hooks = event_hooks(kwargs.pop("event_hooks", None), sync=sync)
        return {"base_url": self.base_url, "timeout": self.timeout, **kwargs,
                "headers": headers, "event_hooks": hooks}  # fmt: skip

    def _streams_of(self, thread_id: str) -> set[StreamCore]:
        """The in-flight streams of a thread (what ``cancel()`` stops)."""
        return self._streams.setdefault(thread_id, set())

    # -- closing ----------------------------------------------------------

    async def close(self) -> None:
        """Closes the async HTTP client (if it was opened)."""
        self._async_closed = True
        client, self._async = self._async, None
        if client is not None:
            await client.aclose()

    def close_sync(self) -> None:
        """Closes the sync HTTP client (if it was opened)."""
        self._sync_closed = True
        client, self._sync = self._sync, None
        if client is not None:
            client.close()

    async def __aenter__(self) -> AssistantClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.close_sync()
        await self.close()

    def __enter__(self) -> AssistantClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close_sync()
        self._close_async_from_sync()

    def _close_async_from_sync(self) -> None:
        # A sync `with` cannot await. With no loop running here, run the
        # close on a fresh loop; inside a running loop, schedule it there.
        self._async_closed = True
        client, self._async = self._async, None
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
