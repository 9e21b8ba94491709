"""Logging: the ``assistant_ui`` logger, and credentials kept out of httpx's.

httpx logs each request's URL at INFO (``HTTP Request: POST https://...``);
a URL can carry credentials in its query (``?api_key=``), so a filter on the
``httpx`` logger replaces every URL argument of its records with the URL as
:func:`~assistant_ui._redact.redact_url` shows it. The filter changes nothing
else and is installed once, when the first client is made.
"""

from __future__ import annotations

import logging
from typing import Final

import httpx

from assistant_ui._redact import redact_url

__all__ = ["install_httpx_redaction", "logger"]

logger: Final = logging.getLogger("assistant_ui")
"""The library's logger (a stdlib logger; nothing is logged unless it is
enabled, see ``ASSISTANT_UI_LOG``)."""


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
