"""Logging: the ``assistant_ui`` logger, request logs, and the User-Agent.

- ``logging.getLogger("assistant_ui")`` is a plain stdlib logger. Set the
  environment variable ``ASSISTANT_UI_LOG=info`` (or ``debug``) to send it to
  stderr without any code, as the openai and anthropic clients do.
- INFO: one line per request (method, URL without credentials, status,
  seconds until the response headers), one per failed attempt and one per
  retry (delay and reason). DEBUG adds request and response sizes. Message
  content is never logged, at any level; credentials never are either (URLs
  pass through :func:`~assistant_ui._redact.redact_url`).
- httpx logs each request's URL itself (logger ``httpx``, INFO); a filter
  installed on that logger replaces its URL arguments with redacted ones,
  since a query string may carry ``?api_key=``.
"""

from __future__ import annotations

import logging
import os
import platform
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import httpx

from assistant_ui._redact import redact_url
from assistant_ui._version import __version__

__all__ = [
    "LOG_ENV",
    "event_hooks",
    "install_httpx_redaction",
    "logger",
    "setup_from_env",
    "user_agent",
]

logger: Final = logging.getLogger("assistant_ui")
"""The library's logger."""

LOG_ENV: Final = "ASSISTANT_UI_LOG"
"""``debug`` or ``info``: log to stderr at that level."""

_STARTED: Final = "assistant_ui.started"  # request extension: when it was sent


def setup_from_env(environ: Mapping[str, str] = os.environ) -> None:
    """Sends the logger to stderr at the level ``ASSISTANT_UI_LOG`` names
    (once; nothing when it is unset or unknown)."""
    level = {"debug": logging.DEBUG, "info": logging.INFO}.get(
        environ.get(LOG_ENV, "").strip().lower()
    )
    if level is None:
        return
    logger.setLevel(level)
    if not any(getattr(h, "_assistant_ui", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
        handler._assistant_ui = True  # type: ignore[attr-defined]
        logger.addHandler(handler)


def user_agent() -> str:
    """``assistant-ui-sync-server-api/<version> python/<version>``."""
    return f"assistant-ui-sync-server-api/{__version__} python/{platform.python_version()}"


def _on_request(request: httpx.Request) -> None:
    request.extensions[_STARTED] = time.monotonic()


def _on_response(response: httpx.Response) -> None:
    request = response.request
    started = request.extensions.get(_STARTED)
    elapsed = time.monotonic() - started if isinstance(started, float) else float("nan")
    logger.info(
        "%s %s -> %d %s (%.3fs to response headers)",
        request.method, redact_url(request.url), response.status_code,
        response.reason_phrase, elapsed,
    )  # fmt: skip
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "request body %s bytes; response content-type %r, content-length %s",
            request.headers.get("content-length", "?"),
            response.headers.get("content-type", ""),
            response.headers.get("content-length", "unknown"),
        )


async def _aon_request(request: httpx.Request) -> None:
    _on_request(request)


async def _aon_response(response: httpx.Response) -> None:
    _on_response(response)


def event_hooks(
    user: Mapping[str, Sequence[Callable[..., Any]]] | None, *, sync: bool
) -> dict[str, list[Callable[..., Any]]]:
    """httpx ``event_hooks`` that log each request, then the user's own."""
    ours: dict[str, list[Callable[..., Any]]] = {
        "request": [_on_request if sync else _aon_request],
        "response": [_on_response if sync else _aon_response],
    }
    for name, hooks in (user or {}).items():
        ours.setdefault(name, []).extend(hooks)
    return ours


class _RedactURLs(logging.Filter):
    """Rewrites URL arguments of a record to their redacted text."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and any(isinstance(a, httpx.URL) for a in args):
            record.args = tuple(redact_url(a) if isinstance(a, httpx.URL) else a for a in args)
        return True


_FILTER: Final = _RedactURLs()


def install_httpx_redaction() -> None:
    """Adds the URL filter to the ``httpx`` logger (idempotent)."""
    httpx_logger = logging.getLogger("httpx")
    if _FILTER not in httpx_logger.filters:
        httpx_logger.addFilter(_FILTER)


setup_from_env()
