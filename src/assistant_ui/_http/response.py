"""What ``chat()`` returns: the httpx response surface plus the decoded reply.

Users of the original package treat the result of ``chat()`` as an
``httpx.Response`` (``status_code``, ``headers``, ``json()`` ...). That
surface is kept; beside it sit the decoded message, its text, tool calls,
status, finish reason, usage and assistant-transport state.

``json()`` returns the parsed body when the server answered JSON, and the
accumulated assistant message for a streamed reply, so the seed's
``print(response.json())`` prints the reply instead of failing on a stream.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, cast

import httpx

from assistant_ui._http.transport import status_error
from assistant_ui._reply import ReplyView, as_message
from assistant_ui.errors import StreamDecodeError
from assistant_ui.protocol.events import Event
from assistant_ui.protocol.leniency import WarningSink
from assistant_ui.protocol.reading.parser import StreamParser
from assistant_ui.types import JSONValue, Usage

__all__ = ["ChatResponse"]


class ChatResponse(ReplyView):
    """A finished chat request: its HTTP response and its decoded reply.

    It keeps the surface of the ``httpx.Response`` the original package
    returned (``status_code``, ``headers``, ``content``, ``text`` as the raw
    body, ``json()``, ``raise_for_status()``) and reads the decoded reply as
    :class:`~assistant_ui.SendResult` does (``output_text``, ``message``,
    ``reasoning``, ``tool_calls``, ``sources``, ``usage``, ``finish_reason``,
    ``status``).

    Attributes:
        http_response: the underlying ``httpx.Response`` (its body has been
            consumed; use :attr:`content`).
        message: the accumulated assistant message (docs/protocols.md §3.2) for a
            streamed reply, ``None`` when the server answered a JSON document
            or nothing.
        state: the assistant-transport state after the reply (``None`` when
            the reply carried none and none was sent).
        encoding: the reply's encoding (``"data-stream"``, ...), ``"json"``
            for a JSON document, ``None`` for an empty reply.
        events: every canonical event decoded from the reply, in order.
            Decoded again from :attr:`content` on first read (decoding is
            the same over any split of the bytes, so these are the events
            the stream produced): a response does not keep one object per
            chunk for a caller that never asks for them.
        usage: token usage of the final finish frame, if the server sent it.
        finish_reason: the final finish reason, if the server sent one.
        warnings: dropped-input warnings from the decoder.
        ui_message: the AI SDK UIMessage (docs/protocols.md §3.9) when the reply
            was a UI message stream, else ``None``.
    """

    def __init__(
        self,
        http_response: httpx.Response,
        content: bytes,
        *,
        message: dict[str, Any] | None = None,
        state: JSONValue = None,
        encoding: str | None = None,
        events: Sequence[Event] | None = None,
        event_count: int = 0,
        usage: dict[str, Any] | None = None,
        finish_reason: str | None = None,
        warnings: Sequence[str] = (),
        ui_message: dict[str, Any] | None = None,
    ) -> None:
        self.http_response = http_response
        self._content = content
        self.message = as_message(message)
        self.state = state
        self.encoding = encoding
        self._events = list(events) if events is not None else None
        self._event_count = event_count
        self.usage = cast("Usage | None", usage)
        self.finish_reason = finish_reason
        self.warnings = list(warnings)
        self.ui_message = ui_message

    @property
    def events(self) -> list[Event]:
        """Every canonical event decoded from the reply, in order."""
        if self._events is None:
            self._events = _events_of(self._content, self.encoding, self._event_count)
        return self._events

    # -- the httpx.Response surface -------------------------------------

    @property
    def status_code(self) -> int:
        """The HTTP status code."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The response headers (case-insensitive)."""
        return self.http_response.headers

    @property
    def request(self) -> httpx.Request:
        """The request that was sent."""
        return self.http_response.request

    @property
    def url(self) -> httpx.URL:
        """The requested URL."""
        return self.http_response.request.url

    @property
    def is_success(self) -> bool:
        """True for a 2xx status."""
        return self.http_response.is_success

    @property
    def content(self) -> bytes:
        """The raw response body."""
        return self._content

    @property
    def text(self) -> str:
        """The body decoded with the response's charset (UTF-8 by default)."""
        return self._content.decode(self.http_response.encoding or "utf-8", errors="replace")

    def json(self, **kwargs: Any) -> Any:
        """The accumulated message of a streamed reply, else the parsed JSON body.

        Raises:
            StreamDecodeError: the body is neither a stream nor valid JSON
                (the error says where).
        """
        if self.message is not None:
            return self.message
        try:
            return json.loads(self.text, **kwargs)
        except json.JSONDecodeError as exc:
            raise StreamDecodeError(
                f"the response body is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
                line=exc.doc[:200],
                offset=exc.pos,
                encoding="json",
            ) from exc

    def raise_for_status(self) -> ChatResponse:
        """Returns ``self`` for a 2xx status.

        Raises:
            APIStatusError: the matching subclass for any other status.
        """
        if not self.http_response.is_success:
            raise status_error(self.http_response, self._content)
        return self

    def __repr__(self) -> str:
        status = self.status["type"] if self.status else None
        return (
            f"<ChatResponse [{self.status_code}] encoding={self.encoding!r} "
            f"status={status!r} text={self.output_text[:40]!r}>"
        )


def _events_of(content: bytes, encoding: str | None, count: int) -> list[Event]:
    """The first ``count`` events of ``content`` decoded again (``count``: how
    many the stream produced; a cancelled read stopped before the rest)."""
    if not count or encoding is None or encoding == "json":
        return []
    parser = StreamParser(
        encoding=encoding,
        # The body was accepted once under the client's limits already.
        max_line_bytes=len(content) + 1,
        warnings=WarningSink(emit=False),
    )
    events = parser.feed(content)
    if len(events) < count:
        events += parser.close()
    return events[:count]
