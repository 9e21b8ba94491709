"""Streamed replies: :class:`ChatStream` (sync) and :class:`AsyncChatStream`.

Strategy: the request fires when the stream is entered;
the one pass over the body is a byte loop that feeds each network chunk to
the sans-IO :class:`~assistant_ui.protocol.reading.parser.StreamParser` and yields
its events. Everything else is a view on that single pass: ``text_stream``,
``current_message``, ``until_done()``, ``get_final_message()``.

All decisions (what a status, a content type, a transport error or a cancel
means) live in :class:`~assistant_ui._http.stream_core.StreamCore`, shared by
both twins; the twins only do I/O. Closing always releases the connection,
whether the body was read to the end, half-read or never read.

Failure rules (docs/protocols.md §2.9, 3.6, 4.1):

- non-2xx: :class:`~assistant_ui.errors.APIStatusError` (subclass by status)
  with the body, before any event; a failure before any body byte that is
  safe to resend (connect errors, 408/409/429/5xx) is first retried as the
  client's retry policy says (:mod:`assistant_ui._http.retry`);
- a malformed frame: the parser's ``StreamDecodeError`` (line, offset,
  partial message);
- a 2xx reply with an empty body (docs/protocols.md §1.2), or a body that ends
  before its end marker: ``IncompleteStreamError``;
- the connection breaks or times out mid-reply:
  ``StreamInterruptedError`` with the partial message, the transport error
  as its cause;
- an error frame: iteration goes on (the frame is an ``ErrorEvent``), and
  ``get_final_message()``/``chat()`` raise ``RemoteStreamError`` after the
  end; an error frame followed by a broken connection also reports the
  error frame, with the transport error as the cause;
- a cancel (``thread.cancel()`` or closing early): no error; the message
  keeps what arrived, with status ``incomplete``/``cancelled``. A cancel
  reaches a stream from the moment it is entered: while it resolves its
  headers, connects, waits for the response headers or sleeps before a
  retry, it then ends with the empty cancelled message (``chat()``'s
  response is a placeholder with status 499, as no reply exists);
- the end marker (``[DONE]``, the data stream's ``d:``, the NDJSON ``done``
  line) completes the message even if the server then keeps the connection
  open: the rest of the body is read for :data:`END_GRACE` seconds at most,
  then the connection is closed.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from types import AsyncGeneratorType, GeneratorType
from typing import Any, cast

import anyio
import httpx

from assistant_ui import _concurrency
from assistant_ui._http.bounded_body import aiter_body, aread_error_body, iter_body, read_error_body
from assistant_ui._http.response import ChatResponse
from assistant_ui._http.stream_core import END_GRACE, SendCancelled, StreamCore
from assistant_ui._http.transport import aresolve_headers, resolve_headers
from assistant_ui._reply import as_message
from assistant_ui.errors import AssistantUIError, UsageError
from assistant_ui.protocol.events import Event
from assistant_ui.protocol.stream_events import StreamEvent, StreamEventTranslator
from assistant_ui.types import AssistantStreamMessage, JSONValue, Usage

__all__ = ["END_GRACE", "AsyncChatStream", "ChatStream", "StreamCore"]


class _StreamViews:
    """What both twins show of the one pass over the body."""

    _core: StreamCore
    _translator: StreamEventTranslator | None

    @property
    def current_message(self) -> AssistantStreamMessage | None:
        """The message so far, readable at any time (``None`` before the reply).

        It is a live view: every read returns the same dict, brought up to
        date in place, so reading it after every event costs only what
        changed since the last read (a deep copy per read would make a long
        stream quadratic). Treat it as **read-only**, as anthropic's
        ``current_message_snapshot``: read it, render it, serialise it, but
        do not change it, and ``copy.deepcopy`` it to keep a message as it
        was at that moment. What a stream hands back when it ends
        (``get_final_message()``, an error's ``partial_message``) is a copy
        of its own.
        """
        return as_message(self._core.live_message)

    @property
    def state(self) -> JSONValue:
        """The assistant-transport state so far."""
        return self._core.state

    @property
    def usage(self) -> Usage | None:
        """The token usage the server reported so far."""
        parser = self._core.parser
        return cast("Usage | None", parser.accumulator.usage) if parser is not None else None

    @property
    def finish_reason(self) -> str | None:
        """The finish reason the server sent, once it did."""
        parser = self._core.parser
        return parser.accumulator.finish_reason if parser is not None else None

    def _high_level(self, event: Event) -> list[StreamEvent]:
        """The high-level events of one canonical event of this reply."""
        if self._translator is None:
            parser = self._core.parser
            if parser is None:
                return []
            self._translator = StreamEventTranslator(parser.accumulator)
        return self._translator.translate(event)

    def _finished(self) -> list[StreamEvent]:
        """The message-finish event, once the reply ended."""
        parser = self._core.parser
        if parser is None:
            return []
        translator = self._translator or StreamEventTranslator(parser.accumulator)
        return [translator.finish()]

    @property
    def ui_message(self) -> dict[str, Any] | None:
        """The AI SDK UIMessage so far, for a UI message stream (else ``None``)."""
        return self._core.ui_message


class ChatStream(_StreamViews):
    """A streamed reply, read synchronously.

    Use as a context manager (the request is sent on entry) and iterate::

        with thread.stream_sync(messages=messages) as stream:
            for text in stream.text_stream:
                print(text, end="", flush=True)
            message = stream.get_final_message()

    Iterating yields high-level events (:mod:`assistant_ui.events`: text,
    reasoning, tool calls, steps, the message finish, ...);
    :meth:`raw_events` yields the canonical events
    (:mod:`assistant_ui.protocol.events`) instead. There is one pass over the
    body, shared by every view.
    """

    def __init__(self, core: StreamCore, client: httpx.Client) -> None:
        self._core = core
        self._client = client
        self._iterator: Iterator[Event] | None = None
        self._translator: StreamEventTranslator | None = None

    def _start(self) -> Iterator[Event]:
        if self._iterator is None:
            core = self._core
            core.enter()
            try:
                response = self._connect()
            except BaseException:
                core.detach()
                raise
            if response is None:
                core.cancelled_before_reply()
                core.detach()  # nothing to release: leave the registry now
                self._iterator = iter(())
            else:
                core.attach(response)
                self._iterator = self._iter_events()
        return self._iterator

    def _connect(self) -> httpx.Response | None:
        # Every attempt until a 2xx response, or None once cancelled.
        core = self._core
        if core.cancelled:
            return None
        request = core.request.build(self._client, resolve_headers(core.request.headers))
        request.extensions["trace"] = core.trace
        while not core.cancelled:
            core.new_attempt(request)
            try:
                response = self._send_watched(request)
            except SendCancelled:
                return None
            except AssistantUIError as exc:
                if core.cancelled:
                    return None  # the error is the cancel's shutdown
                delay = core.request.retry_delay(exc)
                if delay is None:
                    raise
                if core.sleep(delay):
                    return None
                continue
            if core.cancelled:
                response.close()
                return None
            return response
        return None

    def _send_watched(self, request: httpx.Request) -> httpx.Response:
        # While the attempt is sent, a cancel from another thread can find
        # the socket this thread is blocked on (socket_watch).
        self._core.sender = threading.get_ident()
        try:
            return self._send(request)
        finally:
            self._core.sender = None

    def _send(self, request: httpx.Request) -> httpx.Response:
        # One attempt: a 2xx response with its body unread, or a typed error.
        core = self._core
        with core.errors():
            response = self._client.send(request, stream=True)
            if not response.is_success:
                body, truncated = read_error_body(response, core.limits.max_error_body_bytes)
                raise core.status_error(response, body, truncated)
        return response

    def _iter_events(self) -> Iterator[Event]:
        core = self._core
        try:
            chunks = core.body_limited(iter_body(core.http, core.limits.max_body_bytes))
            with core.errors():
                for chunk in chunks:
                    yield from core.feed(chunk)
                    if core.cancelled or core.complete:
                        break
            if core.complete and not core.cancelled:
                yield from self._drain(chunks)
            yield from core.finish()
        finally:
            self._release()

    def _drain(self, chunks: Iterator[bytes]) -> list[Event]:
        # After the end marker: the rest of the body (normally only its end,
        # which lets the connection be reused) for END_GRACE seconds at most;
        # then the socket is shut down and the read ends.
        core = self._core
        events: list[Event] = []
        timer = threading.Timer(END_GRACE, core.cut)
        timer.daemon = True
        timer.start()
        try:
            with core.errors():
                for chunk in chunks:
                    events += core.feed(chunk)
        finally:
            timer.cancel()
        return events

    def __enter__(self) -> ChatStream:
        self._start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[StreamEvent]:
        for event in self._start():
            yield from self._high_level(event)
        yield from self._finished()

    def raw_events(self) -> Iterator[Event]:
        """The canonical events (:mod:`assistant_ui.protocol.events`) of the
        one pass over the body, as the decoders produce them."""
        return self._start()

    @property
    def text_stream(self) -> Iterator[str]:
        """The text deltas of text parts only (no reasoning, no tool arguments)."""
        for event in self._start():
            text = self._core.text_of(event)
            if text is not None:
                yield text

    @property
    def response(self) -> httpx.Response:
        """The HTTP response (sends the request if it was not sent yet); a
        placeholder with status 499 when cancelled before any reply."""
        self._start()
        if self._core.response is None:
            return self._core.placeholder_response()
        return self._core.response

    def until_done(self) -> None:
        """Reads the reply to its end."""
        # Nobody sees the deltas from here on: they go straight to the message.
        self._core.skip_delta_events()
        for _ in self._start():
            pass

    def get_final_message(self) -> AssistantStreamMessage:
        """Reads the reply to its end and returns the message.

        Raises:
            RemoteStreamError: the server sent an error frame.
        """
        self.until_done()
        return cast("AssistantStreamMessage", self._core.final_message())

    def _read_response(self) -> ChatResponse:
        # chat_sync(): the whole reply, with the body and the events kept.
        with self:
            self.until_done()
        return self._core.to_response()

    def close(self) -> None:
        """Releases the connection; a reply not read to its end counts as cancelled."""
        iterator = self._iterator
        if isinstance(iterator, GeneratorType) and not iterator.gi_running:
            iterator.close()
        self._release()

    def _release(self) -> None:
        response = self._core.detach()
        if response is not None:
            response.close()


class AsyncChatStream(_StreamViews):
    """A streamed reply, read asynchronously.

    Use as an async context manager (the request is sent on entry)::

        async with thread.stream(messages=messages) as stream:
            async for text in stream.text_stream:
                print(text, end="", flush=True)
            message = await stream.get_final_message()

    Iterating yields high-level events (:mod:`assistant_ui.events`);
    :meth:`raw_events` yields the canonical events instead. There is one pass
    over the body, shared by every view.
    """

    def __init__(self, core: StreamCore, client: httpx.AsyncClient) -> None:
        self._core = core
        self._client = client
        self._iterator: AsyncIterator[Event] | None = None
        self._translator: StreamEventTranslator | None = None

    async def _start(self) -> AsyncIterator[Event]:
        if self._iterator is None:
            core = self._core
            core.enter()
            response: httpx.Response | None = None
            try:
                # A cancel interrupts whatever is awaited: the headers
                # callable, the connection, the response headers, a backoff.
                with anyio.CancelScope() as scope:
                    remove = core.on_abort(_concurrency.threadsafe(scope.cancel))
                    try:
                        response = await self._connect()
                    finally:
                        remove()
            except BaseException:
                core.detach()
                raise
            if response is not None and core.cancelled:
                await response.aclose()
                response = None
            if response is None:
                core.cancelled_before_reply()
                core.detach()
                self._iterator = _no_events()
            else:
                core.attach(response)
                self._iterator = self._iter_events()
        return self._iterator

    async def _connect(self) -> httpx.Response | None:
        # Every attempt until a 2xx response, or None once cancelled.
        core = self._core
        request = core.request.build(self._client, await aresolve_headers(core.request.headers))
        while not core.cancelled:
            core.new_attempt(request)
            try:
                return await self._send(request)
            except AssistantUIError as exc:
                if core.cancelled:
                    return None
                delay = core.request.retry_delay(exc)
                if delay is None:
                    raise
                await _concurrency.sleep(delay)
        return None

    async def _send(self, request: httpx.Request) -> httpx.Response:
        # One attempt: a 2xx response with its body unread, or a typed error.
        core = self._core
        with core.errors():
            response = await self._client.send(request, stream=True)
            if not response.is_success:
                body, truncated = await aread_error_body(response, core.limits.max_error_body_bytes)
                raise core.status_error(response, body, truncated)
        return response

    async def _iter_events(self) -> AsyncIterator[Event]:
        core = self._core
        try:
            chunks = core.abody_limited(aiter_body(core.http, core.limits.max_body_bytes))
            with core.errors():
                async for chunk in chunks:
                    for event in core.feed(chunk):
                        yield event
                    if core.cancelled or core.complete:
                        break
            if core.complete and not core.cancelled:
                for event in await self._drain(chunks):
                    yield event
            for event in core.finish():
                yield event
        finally:
            await self._release()

    async def _drain(self, chunks: AsyncIterator[bytes]) -> list[Event]:
        # The twin of ChatStream._drain: the rest of the body for END_GRACE
        # seconds at most; a read still waiting then is cancelled.
        core = self._core
        events: list[Event] = []
        with anyio.move_on_after(END_GRACE), core.errors():
            async for chunk in chunks:
                events += core.feed(chunk)
        return events

    async def __aenter__(self) -> AsyncChatStream:
        await self._start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def __aiter__(self) -> AsyncIterator[StreamEvent]:
        async for event in await self._start():
            for high in self._high_level(event):
                yield high
        for high in self._finished():
            yield high

    async def raw_events(self) -> AsyncIterator[Event]:
        """The canonical events (:mod:`assistant_ui.protocol.events`) of the
        one pass over the body, as the decoders produce them."""
        async for event in await self._start():
            yield event

    @property
    async def text_stream(self) -> AsyncIterator[str]:
        """The text deltas of text parts only (no reasoning, no tool arguments)."""
        async for event in await self._start():
            text = self._core.text_of(event)
            if text is not None:
                yield text

    @property
    def response(self) -> httpx.Response:
        """The HTTP response (after entering the stream); a placeholder with
        status 499 when cancelled before any reply."""
        if self._core.response is None:
            if self._iterator is not None:
                return self._core.placeholder_response()
            raise UsageError("the request is sent on entry: use `async with thread.stream(...)`")
        return self._core.response

    async def until_done(self) -> None:
        """Reads the reply to its end."""
        # Nobody sees the deltas from here on: they go straight to the message.
        self._core.skip_delta_events()
        async for _ in await self._start():
            pass

    async def get_final_message(self) -> AssistantStreamMessage:
        """Reads the reply to its end and returns the message.

        Raises:
            RemoteStreamError: the server sent an error frame.
        """
        await self.until_done()
        return cast("AssistantStreamMessage", self._core.final_message())

    async def _read_response(self) -> ChatResponse:
        # chat(): the whole reply, with the body and the events kept.
        async with self:
            await self.until_done()
        return self._core.to_response()

    async def aclose(self) -> None:
        """Releases the connection; a reply not read to its end counts as cancelled."""
        iterator = self._iterator
        if isinstance(iterator, AsyncGeneratorType) and not iterator.ag_running:
            await iterator.aclose()
        await self._release()

    async def _release(self) -> None:
        response = self._core.detach()
        if response is not None:
            await response.aclose()

    close = aclose


async def _no_events() -> AsyncIterator[Event]:
    # The events of a stream cancelled before any reply.
    return
    yield  # pragma: no cover - makes this an async generator
