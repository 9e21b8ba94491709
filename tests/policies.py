"""Retry policies for tests whose subject is not retry timing.

A retryable failure (connection refused, 408, 409, 429, 5xx) is resent with
the real exponential backoff by default (0.5 s, then 1 s); tests about what
the failure raises should not wait for it.
"""

from __future__ import annotations

from assistant_ui import RetryPolicy

NO_BACKOFF = RetryPolicy(initial_delay=0.0, max_delay=0.0, jitter=0.0)
"""The default number of retries, each resent at once."""
