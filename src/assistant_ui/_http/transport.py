"""The boundary with httpx: timeouts, headers, and exception mapping.

Everything here is shared by the sync and async shells. The one place where
httpx exceptions become ours is :func:`transport_errors`; every httpx call
the library makes runs inside it.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Final, TypeAlias

import httpx

from assistant_ui._logging import logger
from assistant_ui._redact import redact_url, scrub, secrets_of
from assistant_ui.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AssistantUIError,
    InvalidRequestError,
    StreamInterruptedError,
    StreamTimeoutError,
    UsageError,
    status_error_class,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "HeadersOption",
    "NOT_SUPPORTED_STATUSES",
    "aresolve_headers",
    "check_side",
    "request_headers",
    "resolve_headers",
    "split_transport_kwargs",
    "status_error",
    "transport_errors",
]

DEFAULT_TIMEOUT: Final = httpx.Timeout(600.0, connect=10.0, write=60.0, pool=60.0)
"""10 s to connect; up to 600 s (10 minutes) of silence on a read; 60 s for
a write and for a free pooled connection.

The read timeout is an idle timeout: the longest silence allowed before the
response headers and *between* two chunks of a reply, never a limit on the
whole reply, so a long stream that keeps sending never times out (servers
send keep-alives, docs/protocols.md §2.7). Ten minutes is what the OpenAI
and Anthropic clients allow, because reasoning models may think for minutes
before their first token. A stall mid-stream raises
:class:`~assistant_ui.errors.StreamTimeoutError`, which is both an
``APITimeoutError`` and a ``StreamError`` with the partial message. Pass
``timeout=None`` to disable every timeout, a number for one value for all,
or an ``httpx.Timeout``.
"""

NOT_SUPPORTED_STATUSES: Final = frozenset({404, 405, 501})
"""Cancel-endpoint statuses that mean "this server has no cancel endpoint"."""

# How much of an error body goes into the exception message; the whole body
# stays on the exception as ``body``.
_BODY_EXCERPT: Final = 500

HeadersValue: TypeAlias = Mapping[str, str]
HeadersOption: TypeAlias = (
    HeadersValue | Callable[[], HeadersValue] | Callable[[], Awaitable[HeadersValue]] | None
)
"""User headers: a mapping, or a sync or async callable returning one,
evaluated before every request."""


# A line break or NUL in a header would split it (request smuggling); httpx
# refuses it only once sending, quoting the whole value in its message.
_BAD_HEADER_CHARS: Final = re.compile(r"[\r\n\0]")


def _checked(value: object) -> dict[str, str]:
    # Messages name the offending header, never a value: values are
    # credentials (Authorization, API keys).
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidRequestError(
            f"must be a mapping of strings to strings, got {type(value).__name__}",
            field="headers",
        )
    for key, item in value.items():
        if not isinstance(key, str):
            raise InvalidRequestError(
                f"header names must be strings, got a {type(key).__name__}", field="headers"
            )
        name = key if not _BAD_HEADER_CHARS.search(key) else "(a header name)"
        if not isinstance(item, str):
            raise InvalidRequestError(
                f"header {name!r} must be a string, got a {type(item).__name__}",
                field="headers",
            )
        if _BAD_HEADER_CHARS.search(key) or _BAD_HEADER_CHARS.search(item):
            raise InvalidRequestError(
                f"header {name!r} contains a line break or NUL character", field="headers"
            )
    return dict(value)


def resolve_headers(option: HeadersOption) -> dict[str, str]:
    """The user's headers for a sync request.

    Raises:
        UsageError: ``option`` is an async callable.
        InvalidRequestError: the headers are not a mapping of strings.
    """
    if not callable(option):
        return _checked(option)
    if inspect.iscoroutinefunction(option):
        raise UsageError(_ASYNC_HEADERS_IN_SYNC)
    value = option()
    if inspect.isawaitable(value):
        # A callable object or a lambda returning a coroutine: close it so
        # Python does not warn that it was never awaited.
        if inspect.iscoroutine(value):
            value.close()
        raise UsageError(_ASYNC_HEADERS_IN_SYNC)
    return _checked(value)


async def aresolve_headers(option: HeadersOption) -> dict[str, str]:
    """The user's headers for an async request (sync or async callables)."""
    value: object = option() if callable(option) else option
    if inspect.isawaitable(value):
        value = await value
    return _checked(value)


_ASYNC_HEADERS_IN_SYNC: Final = (
    "headers= is an async callable, which a sync method cannot await; use the async "
    "methods (chat(), stream(), cancel(), close()) or give a sync callable or a dict"
)


def request_headers(user: Mapping[str, str]) -> dict[str, str]:
    """``Content-Type: application/json`` unless the user set one, plus the
    user's headers (the original client let a user value win, docs/protocols.md §1.6)."""
    headers = dict(user)
    if not any(key.lower() == "content-type" for key in headers):
        headers["Content-Type"] = "application/json"
    return headers


def split_transport_kwargs(
    kwargs: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """httpx client kwargs for the sync and the async client.

    ``transport=`` goes only to the client it can serve: an
    ``httpx.ASGITransport`` (async) to the async client, a sync transport to
    the sync client. The other side then has no transport, and using it
    raises :class:`UsageError` (see :func:`check_side`).
    """
    sync_kwargs = dict(kwargs)
    async_kwargs = dict(kwargs)
    transport = kwargs.get("transport")
    if transport is not None:
        if not isinstance(transport, httpx.BaseTransport):
            sync_kwargs.pop("transport")
        if not isinstance(transport, httpx.AsyncBaseTransport):
            async_kwargs.pop("transport")
    return sync_kwargs, async_kwargs


def check_side(kwargs: Mapping[str, Any], *, sync: bool) -> None:
    """Refuses the side of the client that the given ``transport=`` cannot serve."""
    transport = kwargs.get("transport")
    if transport is None:
        return
    wanted = httpx.BaseTransport if sync else httpx.AsyncBaseTransport
    if not isinstance(transport, wanted):
        side, other = ("sync", "async") if sync else ("async", "sync")
        raise UsageError(
            f"transport={type(transport).__name__} is an {other} transport and cannot "
            f"serve the {side} methods; use the {other} methods or pass a {side} transport"
        )


def status_error(
    response: httpx.Response, body: bytes, *, truncated: bool = False
) -> APIStatusError:
    """The typed error for a non-2xx response whose body has been read.

    ``body`` is what was read of it (see
    :func:`~assistant_ui._http.bounded_body.read_error_body`: about 1 MiB at
    most), ``truncated`` whether there was more. The URL is shown without
    credentials, and the request's secrets are scrubbed from the body
    excerpt (a server may echo the token it refused).
    """
    request = response.request
    text = body.decode(response.encoding or "utf-8", errors="replace")
    excerpt = text if len(text) <= _BODY_EXCERPT else text[:_BODY_EXCERPT] + "..."
    excerpt = scrub(excerpt, secrets_of(request.url, request.headers.raw))
    url = redact_url(request.url)
    cls = status_error_class(response.status_code)
    cut = f" (body truncated at {len(body)} bytes)" if truncated else ""
    return cls(
        f"Status {response.status_code} from {response.request.method} {url}: {excerpt}{cut}",
        status_code=response.status_code,
        headers=response.headers,
        body=text,
        request_url=url,
        body_truncated=truncated,
    )


MidStreamHandler: TypeAlias = Callable[[httpx.HTTPError], AssistantUIError | None]


@contextmanager
def transport_errors(url: str, *, mid_stream: MidStreamHandler | None = None) -> Iterator[None]:
    """Turns httpx exceptions raised inside the block into ours, chained.

    Args:
        url: the requested URL, for the message.
        mid_stream: while a reply is streaming, decides what a transport
            error means there: it returns the error to raise, or ``None`` to
            swallow it (the connection was closed on purpose by a cancel).

    Raises:
        APITimeoutError, APIConnectionError: before a reply arrived.
        InvalidRequestError: the URL cannot be requested.
        StreamError: whatever ``mid_stream`` decided.
    """
    try:
        yield
    except httpx.HTTPError as exc:
        if mid_stream is not None:
            error = mid_stream(exc)
            if error is None:
                return
            error = _scrubbed(_timed_out(error, exc), _secrets(exc, url))
            # The type only at INFO: a server's error frame text is content.
            logger.info("reply failed while streaming: %s", type(error).__name__)
            logger.debug("reply failure: %s", error)
            raise error from exc
        error = _before_response(exc, url)
        logger.info("request failed: %s", error)
        raise error from exc
    except httpx.InvalidURL as exc:
        detail = scrub(str(exc), secrets_of(url))
        raise InvalidRequestError(
            f"cannot request {redact_url(url)!r}: {detail}", field="base_url"
        ) from exc


def _secrets(exc: httpx.HTTPError, url: str) -> list[str]:
    try:
        request = exc.request
    except RuntimeError:
        return secrets_of(url)
    return secrets_of(request.url, request.headers.raw) + secrets_of(url)


def _timed_out(error: AssistantUIError, exc: httpx.HTTPError) -> AssistantUIError:
    # A read that timed out mid-stream is a timeout as much as a broken
    # stream: the caller may catch it as either (and keeps the partial message).
    if type(error) is StreamInterruptedError and isinstance(exc, httpx.TimeoutException):
        try:
            url: str | None = redact_url(exc.request.url)
        except RuntimeError:
            url = None
        return StreamTimeoutError(
            str(error), partial_message=error.partial_message, state=error.state, request_url=url
        )
    return error


def _scrubbed(error: AssistantUIError, secrets: list[str]) -> AssistantUIError:
    # An error built elsewhere (the stream's mid-stream verdict) may quote the
    # URL or the transport's message: this boundary is the last place to
    # clean it before it reaches the caller.
    if error.args and isinstance(error.args[0], str):
        error.args = (scrub(error.args[0], secrets), *error.args[1:])
    return error


def _before_response(exc: httpx.HTTPError, url: str) -> AssistantUIError:
    detail = scrub(str(exc) or type(exc).__name__, _secrets(exc, url))
    url = redact_url(_full_url(exc, url))
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(
            f"timed out talking to {url} ({type(exc).__name__}): {detail}", request_url=url
        )
    if isinstance(exc, httpx.UnsupportedProtocol):
        return InvalidRequestError(f"cannot request {url!r}: {detail}", field="base_url")
    return APIConnectionError(
        f"could not talk to {url} ({type(exc).__name__}): {detail}; "
        "is the server running and base_url right?",
        request_url=url,
    )


def _full_url(exc: httpx.HTTPError, fallback: str) -> str:
    # The endpoint path is all we know before the request is built; once it
    # is, httpx's exception carries the absolute URL.
    try:
        return str(exc.request.url)
    except RuntimeError:
        return fallback
