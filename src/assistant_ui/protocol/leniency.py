"""The one leniency policy: strict decoding fails, lenient decoding warns once.

Where the reference is fatal on input that a newer server may legitimately
send (an unknown chunk type, an unknown tool call id, a bad state
operation), the library decodes leniently by default: it drops the input and
reports a :class:`~assistant_ui.errors.StreamWarning` once per distinct
kind. ``strict=True`` restores the reference's behaviour. Every decoder and
the accumulator decide through :func:`fatal_or_warn` and report through a
:class:`WarningSink`.
"""

from __future__ import annotations

import warnings

from assistant_ui.errors import StreamDecodeError, StreamError, StreamWarning

__all__ = ["WarningSink", "fatal_or_warn"]


class WarningSink:
    """Collects dropped-input warnings and reports each distinct one once.

    Args:
        emit: also raise them through :mod:`warnings` as
            :class:`~assistant_ui.errors.StreamWarning` (on by default).
    """

    __slots__ = ("_emit", "_seen", "messages")

    def __init__(self, *, emit: bool = True) -> None:
        self._emit = emit
        self._seen: set[str] = set()
        self.messages: list[str] = []
        """Every distinct warning, in order."""

    def warn(self, key: str, message: str) -> None:
        """Reports ``message`` unless a warning with ``key`` was reported."""
        if key in self._seen:
            return
        self._seen.add(key)
        self.messages.append(message)
        if self._emit:
            warnings.warn(message, StreamWarning, stacklevel=3)


def fatal_or_warn(
    strict: bool,
    sink: WarningSink,
    key: str,
    reason: str,
    message: str | None = None,
    *,
    error: type[StreamError] = StreamDecodeError,
) -> None:
    """Raises ``error`` (a :class:`~assistant_ui.errors.StreamDecodeError`
    unless told otherwise) with ``reason`` in strict mode, else reports
    ``message`` (default: ``reason``) once per ``key``."""
    if strict:
        raise error(reason)
    sink.warn(key, message or reason)
