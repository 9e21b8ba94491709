"""``AssistantClient``: configuration and the two lazily opened httpx clients.

The client holds what every request shares (base URL, headers, timeout,
endpoint paths, httpx options) and opens an ``httpx.Client`` or
``httpx.AsyncClient`` only on the first sync or async request, so an unused
side costs nothing. ``close()`` closes the async side, ``close_sync()`` the
sync side (as in the original package); both context managers close every
client the object opened.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Final, Unpack

import httpx

from assistant_ui._conversation.steps import ThreadOptions
from assistant_ui._http.connection import Connection
from assistant_ui._http.limits import BufferLimits
from assistant_ui._http.retry import RetryPolicy
from assistant_ui._http.transport import DEFAULT_TIMEOUT, HeadersOption
from assistant_ui._logging import install_httpx_redaction
from assistant_ui._redact import redact_url, split_userinfo
from assistant_ui._thread import ThreadClient
from assistant_ui.errors import InvalidRequestError
from assistant_ui.protocol.requests.runtimes import RuntimeName

__all__ = ["AssistantClient"]


class NotGiven:
    """The type of :data:`NOT_GIVEN`: an option left as it is (``None`` is a
    value some options take, such as ``timeout=None``)."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


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
        resume_path: the resume endpoint (docs/protocols.md §4.2), relative to
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
        runtime: RuntimeName = "sync-server",
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
        self._connection = Connection(
            base_url=base_url,
            headers=headers,
            timeout=timeout,
            chat_path=chat_path,
            cancel_path=cancel_path,
            resume_path=resume_path,
            retry_policy=(
                retry_policy if retry_policy is not None else RetryPolicy(max_retries=max_retries)
            ),
            httpx_kwargs=httpx_kwargs,
            buffer_limits=buffer_limits if buffer_limits is not None else BufferLimits(),
        )
        self.runtime = runtime

    @property
    def base_url(self) -> str:
        """The backend's root URL."""
        return self._connection.base_url

    @property
    def headers(self) -> HeadersOption:
        """The headers option (a mapping or a callable)."""
        return self._connection.headers

    @property
    def timeout(self) -> float | httpx.Timeout | None:
        """The timeout every request uses."""
        return self._connection.timeout

    @property
    def chat_path(self) -> str:
        """The chat endpoint, relative to ``base_url``."""
        return self._connection.chat_path

    @property
    def cancel_path(self) -> str:
        """The cancel endpoint, relative to ``base_url``."""
        return self._connection.cancel_path

    @property
    def resume_path(self) -> str:
        """The resume endpoint template, relative to ``base_url``."""
        return self._connection.resume_path

    @property
    def retry_policy(self) -> RetryPolicy:
        """When and how failed requests are resent."""
        return self._connection.retry_policy

    @property
    def buffer_limits(self) -> BufferLimits:
        """How much of a reply is buffered at most (lines, bodies, error bodies)."""
        return self._connection.buffer_limits

    def __repr__(self) -> str:
        return f"<AssistantClient base_url={redact_url(self.base_url)!r}>"

    def threads(self, thread_id: str, **options: Unpack[ThreadOptions]) -> ThreadClient:
        """A :class:`ThreadClient` for one thread.

        Args:
            thread_id: the thread's id on the server (non-empty).
            **options: ``runtime`` (default: the client's), ``encoding`` (force
                the reply encoding), ``strict`` (decode as the reference does),
                and the conversation options (``tools``, ``approve``,
                ``system``, ``max_steps``, ``state``, ``messages``, ``path``,
                ``call_settings``, ``config``, ``run_config``, ``body``; see
                :class:`~assistant_ui._conversation.steps.ThreadOptions`).

        Raises:
            InvalidRequestError: ``thread_id`` is empty or not a string, or an
                option is invalid.
        """
        options.setdefault("runtime", self.runtime)
        return ThreadClient(self._connection, thread_id, **options)

    def with_options(
        self,
        *,
        headers: HeadersOption | NotGiven = NOT_GIVEN,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        retry_policy: RetryPolicy | NotGiven = NOT_GIVEN,
        chat_path: str | NotGiven = NOT_GIVEN,
        cancel_path: str | NotGiven = NOT_GIVEN,
        resume_path: str | NotGiven = NOT_GIVEN,
        runtime: RuntimeName | NotGiven = NOT_GIVEN,
    ) -> AssistantClient:
        """A client with some settings changed that shares this one's
        connection pools (and so its in-flight streams: ``cancel()`` reaches
        both). Closing either closes the shared pools.

        Example::

            patient = client.with_options(timeout=600, max_retries=5)
        """
        changes: dict[str, Any] = {
            name: value
            for name, value in (
                ("headers", headers),
                ("timeout", timeout),
                ("chat_path", chat_path),
                ("cancel_path", cancel_path),
                ("resume_path", resume_path),
            )
            if not isinstance(value, NotGiven)
        }
        if not isinstance(retry_policy, NotGiven):
            changes["retry_policy"] = retry_policy
        elif not isinstance(max_retries, NotGiven):
            changes["retry_policy"] = replace(self.retry_policy, max_retries=max_retries)
        derived = object.__new__(AssistantClient)
        derived._connection = self._connection.with_options(**changes)
        derived.runtime = self.runtime if isinstance(runtime, NotGiven) else runtime
        return derived

    # -- closing ----------------------------------------------------------

    async def close(self) -> None:
        """Closes the async HTTP client (if it was opened)."""
        await self._connection.close()

    def close_sync(self) -> None:
        """Closes the sync HTTP client (if it was opened)."""
        self._connection.close_sync()

    async def __aenter__(self) -> AssistantClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._connection.close_sync()
        await self._connection.close()

    def __enter__(self) -> AssistantClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._connection.close_sync()
        self._connection.close_async_from_sync()
