"""The I/O-free half of a streamed request: :class:`StreamCore`.

A stream has three jobs, in three places: what is sent and resent
(:class:`~assistant_ui._http.request.StreamRequest`), reading and deciding
(here: the parser, everything decoded, and what a status, a content type, a
transport error, an empty body or a cancel means), and what is handed back
(:mod:`assistant_ui._http.outcome`). :class:`~assistant_ui.ChatStream` and
:class:`~assistant_ui.AsyncChatStream` only move bytes.
"""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, suppress
from typing import TYPE_CHECKING, Any, Final

import httpx

from assistant_ui._http.limits import BufferLimits
from assistant_ui._http.outcome import chat_response, final_message, remote_stream_error
from assistant_ui._http.request import StreamRequest
from assistant_ui._http.response import ChatResponse
from assistant_ui._http.socket_watch import blocked_stream
from assistant_ui._http.transport import (
    status_error,
    transport_errors,
)
from assistant_ui.errors import (
    AssistantUIError,
    BodyTooLargeError,
    IncompleteStreamError,
    RemoteStreamError,
    StreamError,
    StreamInterruptedError,
    UsageError,
)
from assistant_ui.protocol.events import ErrorEvent, Event, TextDelta
from assistant_ui.protocol.leniency import WarningSink

if TYPE_CHECKING:
    from assistant_ui.protocol.reading.parser import StreamParser

__all__ = ["END_GRACE", "SendCancelled", "StreamCore"]

_CANCELLED: Final = {"type": "incomplete", "reason": "cancelled"}

END_GRACE: Final = 0.25
"""Seconds the rest of a body is still read once its end marker arrived
(normally only the end of the chunked body, which keeps the connection
reusable); a server that sends nothing more has its connection closed."""

# Status of the placeholder response of a stream cancelled before any reply
# (no HTTP response exists): 499, "client closed request".
_NO_REPLY_STATUS: Final = 499


class SendCancelled(Exception):
    """Raised inside httpx's send (from the trace hook) to abandon a request
    that was cancelled before its response headers arrived."""


# Trace events at which a cancelled request is abandoned (httpcore closes the
# connection it was using, since that exchange cannot finish).
_ABANDON_AT: Final = frozenset(
    {
        "http11.send_request_headers.started",
        "http11.receive_response_headers.complete",
        "http2.send_request_headers.started",
        "http2.receive_response_headers.complete",
    }
)

# Media types that mean "a document, not a stream" (docs/protocols.md §2.8 rule 5).
_JSON_SUFFIX: Final = "+json"


def _is_json_document(response: httpx.Response) -> bool:
    content_type: str = response.headers.get("content-type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or media_type.endswith(_JSON_SUFFIX)


class StreamCore:
    """The I/O-free half of a streamed request, shared by both twins.

    Holds the request description, the parser and everything decoded, and
    makes every decision; :class:`ChatStream` and :class:`AsyncChatStream`
    only move bytes.

    Args:
        request: what is sent, and the retry policy.
        encoding: force a reply encoding instead of detecting it.
        default_encoding: what detection falls back to (the runtime's).
        initial_state: the assistant-transport state the reply starts from.
        strict: decode exactly as the reference (see the decoders).
        keep_body: keep the raw body (for ``chat()``: it serves ``content``
            and ``events``).
        registry: the set of in-flight streams of the thread, for cancel.
        resume_of: the interrupted stream this one resumes: its parser goes
            on, and the replayed body's first ``resume_of.received`` bytes
            (already decoded) are skipped (docs/protocols.md §4.2 step 4).
        on_stream_id: told the reply's ``x-resumable-stream-id`` when a
            reply arrives, and ``None`` once the reply ended naturally.
    """

    def __init__(
        self,
        request: StreamRequest,
        *,
        encoding: str | None = None,
        default_encoding: str = "data-stream",
        initial_state: Any = None,
        strict: bool = False,
        keep_body: bool = False,
        registry: set[StreamCore] | None = None,
        resume_of: StreamCore | None = None,
        on_stream_id: Callable[[str | None, StreamCore], None] | None = None,
        limits: BufferLimits | None = None,
    ) -> None:
        self.request = request
        self.limits = limits if limits is not None else BufferLimits()
        self.encoding = encoding
        self.default_encoding = default_encoding
        self.initial_state = initial_state
        self.strict = strict
        self.keep_body = keep_body
        self.registry = registry
        self.warnings = WarningSink()
        self.response: httpx.Response | None = None
        self.parser: StreamParser | None = None
        # The raw body, for chat() and JSON documents: one growing buffer
        # whose getvalue() hands its bytes over without a copy, so the body
        # is held once (a list of chunks joined at the end was held twice).
        self.body = io.BytesIO()
        self.received = 0
        # Body bytes handed to the parser (a resume skips exactly these).
        self.decoded = 0
        self.event_count = 0
        """Events decoded so far, the deltas applied without an event included."""
        self._skipped_seen = 0  # the parser's skipped_events when last counted
        self._skip_deltas = False
        self.remote_error: ErrorEvent | None = None
        self.cancelled = False
        self.finished = False
        self.closed = False
        self._is_text: dict[int, bool] = {}
        self.on_stream_id = on_stream_id
        self.stream_id: str | None = None
        self.status_before_interrupt: dict[str, Any] | None = None
        self.sent: httpx.Request | None = None
        """The request of the last attempt, once built."""
        # Cancel before the reply: a sleeping backoff waits on this event, an
        # async send or sleep registers how to interrupt it, and the network
        # stream of a connection opened for this request (seen through the
        # trace hook) is shut down so that a blocked header read returns.
        self._wake = threading.Event()
        self._aborters: list[Callable[[], None]] = []
        self._pending_stream: Any = None
        self.sender: int | None = None
        """The thread sending a sync attempt, while it is being sent."""
        self._lock = threading.Lock()
        # Bytes of the replay that the interrupted stream already decoded.
        self.skip = 0
        if resume_of is not None and resume_of.parser is not None:
            self.parser = resume_of.parser
            # The interrupted stream's reader may have skipped delta events;
            # this stream's reader decides for itself.
            self.parser.skip_delta_events(False)
            self._skipped_seen = self.parser.skipped_events
            self.skip = resume_of.decoded
            self.warnings = resume_of.warnings
            if resume_of.status_before_interrupt is not None:
                self.parser.accumulator.set_status(resume_of.status_before_interrupt)

    # -- request and response -------------------------------------------

    def enter(self) -> None:
        """The stream is entered: from now on ``cancel()`` reaches it, while
        it connects, waits for headers or sleeps before a retry."""
        if self.registry is not None:
            self.registry.add(self)

    def attach(self, response: httpx.Response) -> None:
        """Takes a 2xx response whose body is about to be streamed."""
        self.response = response
        self._pending_stream = None
        if self.registry is not None:
            self.registry.add(self)
        if self.parser is None and (
            self.encoding is not None
            or not (_is_json_document(response) or response.status_code == 204)
        ):
            self.parser = _new_parser(self, response)
        # A replay need not repeat the header: a resume keeps the id it asked for.
        self.stream_id = response.headers.get("x-resumable-stream-id", self.stream_id)
        if self.on_stream_id is not None and self.stream_id is not None:
            self.on_stream_id(self.stream_id, self)
        if self.cancelled:
            _shutdown(response)

    def cancelled_before_reply(self) -> None:
        """Settles a stream cancelled before any reply arrived: its message
        is the empty message with status ``incomplete``/``cancelled``."""
        self.cancelled = True
        self.finished = True
        if self.parser is None:
            self.parser = _new_parser(self, None)
        self._interrupt(dict(_CANCELLED))

    @property
    def complete(self) -> bool:
        """The body carried its encoding's end marker: the message is whole
        whatever the connection does next."""
        return self.parser is not None and self.parser.finished

    # -- cancel hooks for the shells --------------------------------------

    def sleep(self, delay: float) -> bool:
        """Sleeps ``delay`` seconds before a retry (sync); ``True`` when a
        cancel cut the sleep short."""
        return self._wake.wait(delay)

    def on_abort(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Calls ``callback`` on a cancel (at once if already cancelled);
        returns the function that unregisters it."""
        with self._lock:
            self._aborters.append(callback)
            cancelled = self.cancelled
        if cancelled:
            callback()

        def remove() -> None:
            with self._lock:
                if callback in self._aborters:
                    self._aborters.remove(callback)

        return remove

    def trace(self, name: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook for a sync request: remembers the socket of
        a connection opened for it (so a cancel can shut it down while the
        headers are awaited) and abandons a cancelled request.

        Raises:
            SendCancelled: the stream was cancelled.
        """
        if name == "connection.connect_tcp.complete":
            with self._lock:
                self._pending_stream = info.get("return_value")
                cancelled = self.cancelled
            if cancelled:
                _shutdown_stream(self._pending_stream)
        elif self.cancelled and name in _ABANDON_AT:
            raise SendCancelled

    def new_attempt(self, request: httpx.Request) -> None:
        """One attempt is about to be sent: forget the previous attempt's
        connection (it may serve another stream by now)."""
        with self._lock:
            self._pending_stream = None
        self.sent = request

    def cut(self) -> None:
        """Shuts the connection down (a server holding it open after the end
        marker); a blocked read returns at once."""
        if self.response is not None and not self.closed:
            _shutdown(self.response)

    def placeholder_response(self) -> httpx.Response:
        """What ``response`` is for a stream cancelled before any reply."""
        request = self.sent or httpx.Request(self.request.method, self.request.url)
        return httpx.Response(_NO_REPLY_STATUS, request=request)

    @property
    def http(self) -> httpx.Response:
        """The attached response."""
        if self.response is None:
            raise UsageError("the request has not been sent yet: enter the stream first")
        return self.response

    def errors(self) -> AbstractContextManager[None]:
        """The exception boundary for every httpx call of this stream."""
        return transport_errors(
            self.request.url, mid_stream=self.mid_stream if self.response is not None else None
        )

    def body_limited(self, pieces: Iterator[bytes]) -> Iterator[bytes]:
        """The body pieces; a body over the limit fails the stream (partial message kept)."""
        try:
            yield from pieces
        except BodyTooLargeError as exc:
            self._failed(exc)
            raise

    async def abody_limited(self, pieces: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        """The async twin of :meth:`body_limited`."""
        try:
            async for piece in pieces:
                yield piece
        except BodyTooLargeError as exc:
            self._failed(exc)
            raise

    def status_error(
        self, response: httpx.Response, body: bytes | None = None, truncated: bool = False
    ) -> AssistantUIError:
        """The typed error for a non-2xx response whose body was read (up to a cap)."""
        if self.request.method == "GET" and response.status_code == 404 and self.on_stream_id:
            # An unknown or expired stream id will never resume: forget it.
            self.on_stream_id(None, self)
        return status_error(
            response, response.content if body is None else body, truncated=truncated
        )

    # -- the byte loop ----------------------------------------------------

    def feed(self, chunk: bytes) -> list[Event]:
        """Events decoded from one network chunk (none for a JSON document)."""
        if self.skip:
            # A replay from byte 0: drop what the interrupted stream decoded.
            dropped = min(self.skip, len(chunk))
            self.skip -= dropped
            self.received += dropped
            self.decoded += dropped
            chunk = chunk[dropped:]
            if not chunk:
                return []
        self.received += len(chunk)
        if self.keep_body or self.parser is None:
            self.body.write(chunk)
        if self.parser is None or self.cancelled:
            return []
        self.decoded += len(chunk)
        try:
            events = self.parser.feed(chunk)
        except StreamError as exc:
            self._failed(exc)
            raise
        self._record(events)
        return events

    def finish(self) -> list[Event]:
        """Events that close the message once the body has ended.

        Raises:
            IncompleteStreamError: the body was empty (docs/protocols.md §1.2) or
                ended before its end marker.
            RemoteStreamError: the same, after an error frame (reported first).
        """
        self.finished = True
        if self.cancelled:
            self._interrupt(dict(_CANCELLED))
            return []
        if not self.received:
            error = IncompleteStreamError(
                f"the server answered {self.http.status_code} with an empty body "
                f"({self.http.request.method} {self.http.request.url})"
            )
            self._failed(error)
            raise error
        if self.parser is None:
            return []
        try:
            events = self.parser.close()
        except IncompleteStreamError as exc:
            if self.remote_error is not None:
                raise self.remote_stream_error() from exc
            self._failed(exc)
            raise
        except StreamError as exc:
            self._failed(exc)
            raise
        self._record(events)
        if self.on_stream_id is not None and self.stream_id is not None:
            # A run that ended naturally has nothing left to resume (4.2 step 2).
            self.on_stream_id(None, self)
        return events

    def _interrupt(self, status: dict[str, Any]) -> None:
        # A cancel or a broken connection. A resumable run may be resumed
        # with this same parser (docs/protocols.md §4.2 step 4), so it stays open:
        # only the message status says what happened, and the status it had
        # is kept for the resume to restore.
        parser = self.parser
        if parser is None:
            return
        if self.stream_id is None:
            parser.fail(status)
            return
        if self.status_before_interrupt is None:
            self.status_before_interrupt = parser.accumulator.status
        parser.accumulator.set_status(status)

    def _failed(self, exc: StreamError) -> None:
        # A fatal decode error is a runtime-level error status (docs/protocols.md §3.6)
        # unless the server's own error frame already set one.
        self.finished = True
        if self.parser is not None and self.remote_error is None:
            self.parser.fail(_error_status(str(exc)))
            exc.partial_message = self.parser.message

    def skip_delta_events(self) -> None:
        """The reader only wants the message from now on: plain deltas are
        applied without events (see StreamParser.skip_delta_events), in
        this stream and in any parser it makes later."""
        self._skip_deltas = True
        if self.parser is not None:
            self.parser.skip_delta_events()

    def _record(self, events: list[Event]) -> None:
        assert self.parser is not None
        skipped = self.parser.skipped_events
        self.event_count += len(events) + skipped - self._skipped_seen
        self._skipped_seen = skipped
        for event in events:
            if isinstance(event, ErrorEvent):
                self.remote_error = event

    def mid_stream(self, exc: httpx.HTTPError) -> AssistantUIError | None:
        """What a transport error while reading the body means."""
        if self.cancelled or self.complete:
            # A cancel, or the connection closed after the end marker.
            return None
        self.finished = True
        if self.remote_error is not None:
            return self.remote_stream_error()
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        self._interrupt(_error_status(detail, code="network"))
        return StreamInterruptedError(
            f"the connection to {self.http.request.url} broke while the reply was "
            f"streaming ({detail}); what arrived is kept in .partial_message",
            partial_message=self.current_message,
            state=self.state,
        )

    def text_of(self, event: Event) -> str | None:
        """The delta of a text part's text event, else ``None`` (reasoning
        and tool-argument deltas are not text)."""
        if type(event) is not TextDelta or self.parser is None or len(event.path) != 1:
            return None
        # A part never changes type, so one lookup per part, not per delta.
        index = event.path[0]
        is_text = self._is_text.get(index)
        if is_text is None:
            is_text = self._is_text[index] = self.parser.accumulator.part_type(index) == "text"
        return event.text_delta if is_text else None

    # -- cancel and close -------------------------------------------------

    def abort(self) -> None:
        """Cancels the stream from any thread or task: marks it cancelled and
        shuts its socket down so that a blocked read returns at once."""
        if self.finished or self.closed or self.complete:
            return
        with self._lock:
            self.cancelled = True
            aborters = list(self._aborters)
            pending = self._pending_stream
        self._wake.set()
        for callback in aborters:
            callback()
        if self.response is not None:
            _shutdown(self.response)
            return
        if pending is not None:
            _shutdown_stream(pending)
        sender = self.sender
        if sender is not None:
            # A sync send blocked on a pooled connection: wake its thread.
            _shutdown_stream(blocked_stream(sender))

    def detach(self) -> httpx.Response | None:
        """Marks the stream closed (a cancel if it had not finished) and
        returns the response to close."""
        if not self.closed:
            self.closed = True
            if self.registry is not None:
                self.registry.discard(self)
            if not self.finished and self.parser is not None:
                self.cancelled = True
                self.finished = True
                self._interrupt(dict(_CANCELLED))
        return self.response

    # -- results ------------------------------------------------------------

    @property
    def current_message(self) -> dict[str, Any] | None:
        """A fresh snapshot of the message so far (``None`` before the reply
        or for a JSON document)."""
        return self.parser.message if self.parser is not None else None

    @property
    def live_message(self) -> dict[str, Any] | None:
        """The message so far as the parser's read-only live view (the same
        dict, updated in place; ``None`` before the reply or for a JSON
        document)."""
        return self.parser.live_message if self.parser is not None else None

    @property
    def state(self) -> Any:
        """The assistant-transport state so far."""
        return self.parser.state if self.parser is not None else self.initial_state

    @property
    def ui_message(self) -> dict[str, Any] | None:
        """The AI SDK UIMessage so far, for a UI message stream (else ``None``)."""
        return self.parser.ui_message if self.parser is not None else None

    def remote_stream_error(self) -> RemoteStreamError:
        """The error frame the server sent, as an exception with the partial message."""
        assert self.remote_error is not None
        return remote_stream_error(self.remote_error, self.current_message, self.state)

    def final_message(self) -> dict[str, Any]:
        """The finished message.

        Raises:
            RemoteStreamError: the server sent an error frame.
            StreamDecodeError: the reply was a JSON document, not a stream.
        """
        if self.parser is not None and self.remote_error is not None and not self.cancelled:
            raise self.remote_stream_error()
        return final_message(self.parser)

    def _take_body(self) -> bytes:
        body = self.body.getvalue()
        self.body = io.BytesIO()  # the response owns the bytes now
        return body

    def to_response(self) -> ChatResponse:
        """The :class:`ChatResponse` of a finished stream.

        Raises:
            RemoteStreamError: the server sent an error frame.
        """
        if self.remote_error is not None and not self.cancelled:
            raise self.remote_stream_error()
        return chat_response(
            self.response if self.response is not None else self.placeholder_response(),
            self._take_body(),
            self.parser,
            state=self.state,
            event_count=self.event_count,
            warnings=self.warnings.messages,
        )


def _error_status(message: str, *, code: str = "unknown") -> dict[str, Any]:
    return {"type": "incomplete", "reason": "error", "error": {"code": code, "message": message}}


def _new_parser(core: StreamCore, response: httpx.Response | None) -> StreamParser:
    from assistant_ui.protocol.reading.parser import StreamParser

    parser = StreamParser(
        encoding=core.encoding,
        default_encoding=core.default_encoding,
        max_line_bytes=core.limits.max_line_bytes,
        headers=response.headers if response is not None else None,
        initial_state=core.initial_state,
        strict=core.strict,
        warnings=core.warnings,
    )
    if core._skip_deltas:
        parser.skip_delta_events()
    return parser


def _shutdown(response: httpx.Response) -> None:
    # Closing a socket does not wake a read blocked on it in another thread;
    # shutting it down does (the read sees end of file). In-process
    # transports have no socket: those streams stop at the next chunk.
    _shutdown_stream(response.extensions.get("network_stream"))


def _shutdown_stream(stream: Any) -> None:
    sock = stream.get_extra_info("socket") if stream is not None else None
    if sock is not None:
        with suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
