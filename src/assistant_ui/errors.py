"""Every error the library raises, under one root class.

::

    AssistantUIError
    ├── InvalidRequestError       bad input, rejected before anything is sent (ValueError)
    │   └── AttachmentTooLargeError  an attachment over max_attachment_bytes
    ├── UsageError                the API was used in a way that cannot work (TypeError)
    ├── APIConnectionError        the server could not be reached, or the connection broke
    │   └── APITimeoutError       a connect, read, write or pool timeout
    ├── APIStatusError            the server answered with a non-2xx status
    │   ├── BadRequestError             400
    │   ├── AuthenticationError         401
    │   ├── PermissionDeniedError       403
    │   ├── NotFoundError               404
    │   ├── ConflictError               409
    │   ├── UnprocessableEntityError    422
    │   ├── RateLimitError              429
    │   └── InternalServerError         5xx
    └── StreamError               something went wrong inside a streamed reply
        ├── StreamDecodeError     a frame the decoder cannot accept (line and byte offset)
        │   └── LineTooLongError  a line or SSE event over the configured size limit
        ├── BodyTooLargeError     the reply body passed its size limit (after decompression)
        ├── IncompleteStreamError the body ended before the encoding's end marker
        │   └── StreamInterruptedError  the connection broke or timed out mid-stream
        │       └── StreamTimeoutError  a stall mid-stream (also an APITimeoutError)
        └── RemoteStreamError     the server sent an error chunk (``3:`` / ``error``)

Every :class:`StreamError` carries ``partial_message``: the assistant message
accumulated before the failure, so nothing already received is lost.

The protocol core raises only :class:`StreamError` subclasses on bad input and
never imports httpx, so none of these classes derive from httpx's exceptions;
transport errors are chained (``raise ... from exc``) instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AssistantUIError",
    "AttachmentTooLargeError",
    "AuthenticationError",
    "BadRequestError",
    "BodyTooLargeError",
    "ConflictError",
    "IncompleteStreamError",
    "InternalServerError",
    "InvalidRequestError",
    "LineTooLongError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RemoteStreamError",
    "StreamDecodeError",
    "StreamError",
    "StreamInterruptedError",
    "StreamTimeoutError",
    "StreamWarning",
    "UnprocessableEntityError",
    "UsageError",
    "status_error_class",
]

# Longest excerpt of an offending line kept on an error: enough to recognise
# the frame, small enough that a 16 MiB line does not end up in a log.
_LINE_EXCERPT = 200


class AssistantUIError(Exception):
    """Root of every error raised by ``assistant_ui``."""


class InvalidRequestError(AssistantUIError, ValueError):
    """Input that cannot make a valid request; nothing was sent.

    Attributes:
        field: dotted path of the offending input, e.g. ``messages[0].role``.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field


class AttachmentTooLargeError(InvalidRequestError):
    """An attachment is larger than the limit (``max_attachment_bytes`` of
    the thread or conversation); nothing was sent.

    Attributes:
        name: the attachment's file name, when it has one.
        size: its size in bytes; ``None`` for a file object, which is read
            only up to the limit.
        limit: the limit in bytes.
    """

    def __init__(
        self, name: str | None, size: int | None, limit: int, *, field: str | None = None
    ) -> None:
        what = f"attachment {name!r}" if name else "an attachment"
        amount = f"is {size} bytes, more than" if size is not None else "is more than"
        super().__init__(
            f"{what} {amount} the {limit} bytes allowed (max_attachment_bytes)", field=field
        )
        self.name = name
        self.size = size
        self.limit = limit


class UsageError(AssistantUIError, TypeError):
    """The API was used in a way that cannot work (for example an async
    header callable given to a sync method)."""


class APIConnectionError(AssistantUIError):
    """The server could not be reached, or the connection failed before a
    response arrived."""

    def __init__(self, message: str, *, request_url: str | None = None) -> None:
        super().__init__(message)
        self.request_url = request_url


class APITimeoutError(APIConnectionError):
    """A connect, read, write or pool timeout expired."""


class APIStatusError(AssistantUIError):
    """The server answered with a non-2xx status.

    Attributes:
        status_code: the HTTP status.
        headers: the response headers (a case-insensitive mapping when they
            come from httpx).
        body: the response body as text (decoded with replacement), at
            most about 1 MiB of it (see ``body_truncated``).
        body_truncated: whether the body was longer and only its start was
            read (a huge error page is not kept in memory).
        request_url: the URL that was requested (without credentials).
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        headers: Mapping[str, str] | None = None,
        body: str = "",
        request_url: str | None = None,
        body_truncated: bool = False,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.headers: Mapping[str, str] = headers if headers is not None else {}
        self.body = body
        self.body_truncated = body_truncated
        self.request_url = request_url

    def json(self) -> Any:
        """The body parsed as JSON (raises ``ValueError`` if it is not JSON)."""
        import json

        return json.loads(self.body)


class BadRequestError(APIStatusError):
    """400 Bad Request."""


class AuthenticationError(APIStatusError):
    """401 Unauthorized: missing or wrong credentials."""


class PermissionDeniedError(APIStatusError):
    """403 Forbidden."""


class NotFoundError(APIStatusError):
    """404 Not Found: check ``base_url`` and the endpoint paths."""


class ConflictError(APIStatusError):
    """409 Conflict (for example a run already in progress on the thread)."""


class UnprocessableEntityError(APIStatusError):
    """422 Unprocessable Entity: the server rejected the request body."""


class RateLimitError(APIStatusError):
    """429 Too Many Requests."""


class InternalServerError(APIStatusError):
    """Any 5xx status."""


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The most specific :class:`APIStatusError` subclass for a status code."""
    if status_code >= 500:
        return InternalServerError
    return _STATUS_CLASSES.get(status_code, APIStatusError)


class StreamError(AssistantUIError):
    """A streamed reply failed part-way.

    Attributes:
        partial_message: the assistant message accumulated before the
            failure (a JSON-compatible dict in the shape of docs/protocols.md §3.2),
            or ``None`` when nothing had been decoded yet.
        state: the assistant-transport state at the failure, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        partial_message: dict[str, Any] | None = None,
        state: Any = None,
    ) -> None:
        super().__init__(message)
        self.partial_message = partial_message
        self.state = state


class StreamDecodeError(StreamError):
    """A frame the decoder cannot accept.

    Attributes:
        line: the offending line or SSE event data (truncated to 200
            characters), or ``None`` when the error is not about one line.
        offset: byte offset of the start of that line in the response body.
        encoding: the encoding being decoded (``"data-stream"``, ...).
    """

    def __init__(
        self,
        message: str,
        *,
        line: str | None = None,
        offset: int | None = None,
        encoding: str | None = None,
        partial_message: dict[str, Any] | None = None,
        state: Any = None,
    ) -> None:
        if line is not None and len(line) > _LINE_EXCERPT:
            line = line[:_LINE_EXCERPT] + "..."
        where = []
        if encoding:
            where.append(encoding)
        if offset is not None:
            where.append(f"byte {offset}")
        detail = f" ({', '.join(where)})" if where else ""
        excerpt = f": {line!r}" if line is not None else ""
        super().__init__(
            f"{message}{detail}{excerpt}", partial_message=partial_message, state=state
        )
        self.reason = message
        self.line = line
        self.offset = offset
        self.encoding = encoding


class LineTooLongError(StreamDecodeError):
    """A line or SSE event exceeded the decoder's size limit."""


class BodyTooLargeError(StreamError):
    """The reply body passed its size limit, counted after decompression
    (a flood, or a compressed body that expands enormously).

    Attributes:
        limit: the limit in bytes (``BufferLimits.max_body_bytes``).
    """

    def __init__(
        self,
        message: str,
        *,
        limit: int,
        partial_message: dict[str, Any] | None = None,
        state: Any = None,
    ) -> None:
        super().__init__(message, partial_message=partial_message, state=state)
        self.limit = limit


class IncompleteStreamError(StreamError):
    """The body ended before the encoding's end marker (a line without its
    line ending, an SSE stream without ``[DONE]``)."""


class StreamInterruptedError(IncompleteStreamError):
    """The connection broke or timed out while the reply was streaming.

    The transport exception is the ``__cause__``.
    """


class StreamTimeoutError(StreamInterruptedError, APITimeoutError):
    """The reply stalled mid-stream: no byte for longer than the read timeout.

    Catchable both as :class:`APITimeoutError` (a timeout, like one before
    the reply) and as :class:`StreamError` (``partial_message`` keeps what
    arrived). The httpx timeout is the ``__cause__``.
    """

    def __init__(
        self,
        message: str,
        *,
        partial_message: dict[str, Any] | None = None,
        state: Any = None,
        request_url: str | None = None,
    ) -> None:
        super().__init__(message, partial_message=partial_message, state=state)
        self.request_url = request_url


class RemoteStreamError(StreamError):
    """The server reported an error inside the stream (data-stream ``3:``,
    UI ``error`` chunk, assistant-transport ``error`` chunk).

    Attributes:
        error_message: the server's message.
        code: the error code (``"unknown"`` when the server gave none).
        severity: ``"critical"``, ``"warning"`` or ``"info"`` when given.
    """

    def __init__(
        self,
        error_message: str,
        *,
        code: str = "unknown",
        severity: str | None = None,
        partial_message: dict[str, Any] | None = None,
        state: Any = None,
    ) -> None:
        super().__init__(
            f"the server reported an error: {error_message}",
            partial_message=partial_message,
            state=state,
        )
        self.error_message = error_message
        self.code = code
        self.severity = severity


class StreamWarning(UserWarning):
    """Input that a lenient decoder dropped (reported once per kind)."""
