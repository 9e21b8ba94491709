"""What a finished stream hands back: the final message, the
:class:`~assistant_ui.ChatResponse` of ``chat()``, or the server's error
frame as an exception. Pure functions of what the stream decoded."""

from __future__ import annotations

from typing import Any

import httpx

from assistant_ui._http.response import ChatResponse
from assistant_ui.errors import RemoteStreamError, StreamDecodeError
from assistant_ui.protocol.events import ErrorEvent
from assistant_ui.protocol.reading.parser import StreamParser

__all__ = ["chat_response", "final_message", "remote_stream_error"]


def remote_stream_error(event: ErrorEvent, partial: Any, state: Any) -> RemoteStreamError:
    """The error frame the server sent, as an exception with the partial message."""
    return RemoteStreamError(
        event.text or "unknown error",
        code=event.code or "unknown",
        severity=event.severity,
        partial_message=partial,
        state=state,
    )


def final_message(parser: StreamParser | None) -> dict[str, Any]:
    """The finished message of a reply that was a stream.

    Raises:
        StreamDecodeError: the reply was a JSON document, not a stream.
    """
    if parser is None:
        raise StreamDecodeError(
            "the server answered with a document, not a stream; read it with "
            "chat().json() or stream.response",
            encoding="json",
        )
    return parser.message


def chat_response(
    response: httpx.Response,
    body: bytes,
    parser: StreamParser | None,
    *,
    state: Any,
    event_count: int,
    warnings: list[str],
) -> ChatResponse:
    """The :class:`ChatResponse` of a reply read to its end.

    The parser is finished: its message can take the payloads the chunks
    carried instead of deep copies of them (the response keeps no events;
    it decodes them again from ``body`` if asked), so the response holds
    one copy of the message and one of the body.
    """
    acc = parser.accumulator if parser is not None else None
    return ChatResponse(
        response,
        body,
        message=acc.snapshot(share_payloads=True) if acc is not None else None,
        state=state,
        encoding=parser.encoding if parser is not None else ("json" if body else None),
        event_count=event_count,
        usage=acc.usage if acc is not None else None,
        finish_reason=acc.finish_reason if acc is not None else None,
        warnings=warnings,
        ui_message=parser.ui_message if parser is not None else None,
    )
