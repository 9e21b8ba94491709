"""Which failed requests are safe to send again, and after how long.

Plain functions and one frozen policy object, no I/O: the sync and async
shells ask :func:`retry_delay` after a failure and only sleep and resend.

A chat run is a POST that is not idempotent once the server has started it,
so a request is retried only when the server cannot have started it or said
it did not: the connection could not be made (connect error, connect or
pool timeout), or the server answered 408, 409, 429 or 5xx *before any body
byte was read* (the shells never retry once the body is streaming).
"""

from __future__ import annotations

import email.utils
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

import httpx

from assistant_ui._logging import logger
from assistant_ui.errors import APIConnectionError, APIStatusError

__all__ = [
    "RETRYABLE_STATUSES",
    "RetryPolicy",
    "is_retryable",
    "parse_retry_after",
    "retry_delay",
]

RETRYABLE_STATUSES: Final = frozenset({408, 409, 429})
"""Statuses below 500 that say "try again" (every 5xx does too)."""

# Transport errors raised before the request reached the server.
_NOT_SENT: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    """How many times and how patiently to retry.

    Attributes:
        max_retries: resends after the first attempt (0 disables retries).
        initial_delay: seconds before the first resend; doubles each time.
        max_delay: the cap of the exponential backoff.
        max_retry_after: the cap of a server's ``Retry-After``, in seconds;
            a longer one is not honoured and the request is not retried.
        jitter: the fraction of the backoff removed at random (0 to 1), so
            that many clients do not resend in step.
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    jitter: float = 0.25


def is_retryable(error: BaseException) -> bool:
    """Whether a failure before any body byte was read is safe to resend."""
    if isinstance(error, APIStatusError):
        return error.status_code in RETRYABLE_STATUSES or error.status_code >= 500
    if isinstance(error, APIConnectionError):
        return isinstance(error.__cause__, _NOT_SENT)
    return False


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta seconds or an HTTP
    date), or ``None`` when absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now if now is not None else datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def retry_delay(
    error: BaseException,
    attempt: int,
    policy: RetryPolicy,
    *,
    now: datetime | None = None,
    rand: Callable[[], float] = random.random,
) -> float | None:
    """Seconds to wait before resending after ``error``, or ``None`` to give up.

    Args:
        error: the typed error of the failed attempt (raised before any body
            byte was read).
        attempt: how many resends were already made (0 after the first try).
        policy: the limits.
        now: the current time, for an HTTP-date ``Retry-After``.
        rand: a number in [0, 1) for the jitter.
    """
    delay = _delay(error, attempt, policy, now, rand)
    if delay is not None:
        # The error's message is already free of credentials (the transport
        # boundary redacts it); a status error's body excerpt is not content
        # of the conversation, but is kept out of INFO all the same.
        reason = f"status {error.status_code}" if isinstance(error, APIStatusError) else str(error)
        logger.info(
            "retrying in %.2fs (resend %d of %d) after %s: %s",
            delay, attempt + 1, policy.max_retries, type(error).__name__, reason,
        )  # fmt: skip
    return delay


def _delay(
    error: BaseException,
    attempt: int,
    policy: RetryPolicy,
    now: datetime | None,
    rand: Callable[[], float],
) -> float | None:
    if attempt >= policy.max_retries or not is_retryable(error):
        return None
    if isinstance(error, APIStatusError):
        wait = parse_retry_after(_header(error.headers, "retry-after"), now=now)
        if wait is not None:
            return wait if wait <= policy.max_retry_after else None
    backoff = min(policy.max_delay, policy.initial_delay * 2.0**attempt)
    return backoff * (1.0 - policy.jitter * rand())


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    if headers is None:
        return None
    # httpx.Headers is case-insensitive; a plain mapping may not be.
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None
