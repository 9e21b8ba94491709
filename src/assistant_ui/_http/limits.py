"""How much of a reply the client holds: :class:`BufferLimits`."""

from __future__ import annotations

from dataclasses import dataclass

from assistant_ui._http.bounded_body import DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_ERROR_BODY_BYTES
from assistant_ui.protocol.framing import DEFAULT_MAX_LINE_BYTES

__all__ = ["BufferLimits"]


@dataclass(frozen=True, slots=True)
class BufferLimits:
    """Every buffer the client fills from the network has a bound.

    The defaults are generous (far above any real reply); each bound ends the
    reply with a typed error that keeps what was received
    (``partial_message``).

    Attributes:
        max_line_bytes: longest line, or joined SSE event data (16 MiB, the
            reference's bound): ``LineTooLongError``.
        max_body_bytes: longest reply body, counted after decompression, so
            a gzip bomb stops here (256 MiB): ``BodyTooLargeError``.
        max_error_body_bytes: how much of a non-2xx body is read (1 MiB); the
            error's ``body_truncated`` says whether there was more.
    """

    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_error_body_bytes: int = DEFAULT_MAX_ERROR_BODY_BYTES
