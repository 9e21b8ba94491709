"""``send_stream()``: a whole run (every request and tool) as one stream.

:class:`RunStream` and :class:`AsyncRunStream` offer what a reply stream
offers (iteration over high-level events, ``text_stream``,
``current_message``, ``get_final_message()``, ``until_done()``), over every
response of a run and the Python tools run between them; ``until_done()``
returns the run's :class:`~assistant_ui.SendResult`.

Entered with ``with`` / ``async with``. Iterated without it, as 0.2 allowed,
it still yields the canonical events of every response, with a
``DeprecationWarning`` (for one release).
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Generator, Iterator
from typing import Any, cast

from assistant_ui._conversation.drivers import FlowRun, ReplySource, RunEvent, aiter_flow, iter_flow
from assistant_ui._conversation.steps import SendResult
from assistant_ui._reply import as_message
from assistant_ui.protocol.events import Event
from assistant_ui.protocol.stream_events import TextEvent
from assistant_ui.types import AssistantStreamMessage

__all__ = ["AsyncRunStream", "RunStream"]

_UNENTERED = (
    "iterating send_stream() without `with` is deprecated and yields canonical events; "
    "use `with thread.send_stream_sync(...) as run: for event in run: ...` "
    "(high-level events), or run.raw_events()"
)


class _RunViews:
    _run: FlowRun

    @property
    def current_message(self) -> AssistantStreamMessage | None:
        """The assistant message of the run so far (the streaming reply included)."""
        messages = self._run.conversation.messages
        if messages and messages[-1].get("role") == "assistant":
            return as_message(messages[-1])
        return None

    def _result(self) -> SendResult:
        if self._run.result is None:
            raise RuntimeError("the run ended without a result")
        return self._run.result


class RunStream(_RunViews):
    """A run of a kept conversation, streamed synchronously (``send_stream_sync``)."""

    def __init__(self, run: FlowRun, source: ReplySource) -> None:
        self._run = run
        self._source = source
        self._events: Iterator[RunEvent] | None = None
        self._entered = False

    def _iterate(self, *, raw: bool) -> Iterator[RunEvent]:
        if self._events is None:
            self._events = iter_flow(self._run, self._source, raw=raw)
        return self._events

    def __enter__(self) -> RunStream:
        self._entered = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[Any]:
        if not self._entered:
            warnings.warn(_UNENTERED, DeprecationWarning, stacklevel=2)
            return self._iterate(raw=True)
        return self._iterate(raw=False)

    def __next__(self) -> Any:
        # 0.2's send_stream_sync() returned a generator: next() keeps working.
        return next(iter(self) if self._events is None else self._events)

    def raw_events(self) -> Generator[Event, None, None]:
        """The canonical events of every response of the run."""
        return cast("Generator[Event, None, None]", self._iterate(raw=True))

    @property
    def text_stream(self) -> Iterator[str]:
        """The text deltas of every response (no reasoning, no tool arguments)."""
        for event in self._iterate(raw=False):
            if isinstance(event, TextEvent):
                yield event.delta

    def until_done(self) -> SendResult:
        """Runs to the end; the run's result."""
        for _ in self._iterate(raw=False):
            pass
        return self._result()

    def get_final_message(self) -> AssistantStreamMessage:
        """Runs to the end; the final assistant message."""
        return self.until_done().message

    def close(self) -> None:
        """Stops the run (what arrived is kept, with status cancelled)."""
        events = self._events
        if events is not None and hasattr(events, "close"):
            events.close()


class AsyncRunStream(_RunViews):
    """A run of a kept conversation, streamed asynchronously (``send_stream``)."""

    def __init__(self, run: FlowRun, source: ReplySource) -> None:
        self._run = run
        self._source = source
        self._events: AsyncIterator[RunEvent] | None = None
        self._entered = False

    def _iterate(self, *, raw: bool) -> AsyncIterator[RunEvent]:
        if self._events is None:
            self._events = aiter_flow(self._run, self._source, raw=raw)
        return self._events

    async def __aenter__(self) -> AsyncRunStream:
        self._entered = True
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __aiter__(self) -> AsyncIterator[Any]:
        if not self._entered:
            warnings.warn(_UNENTERED, DeprecationWarning, stacklevel=2)
            return self._iterate(raw=True)
        return self._iterate(raw=False)

    async def __anext__(self) -> Any:
        return await anext(self.__aiter__() if self._events is None else self._events)

    def raw_events(self) -> AsyncIterator[Event]:
        """The canonical events of every response of the run."""
        return cast("AsyncIterator[Event]", self._iterate(raw=True))

    @property
    async def text_stream(self) -> AsyncIterator[str]:
        """The text deltas of every response (no reasoning, no tool arguments)."""
        async for event in self._iterate(raw=False):
            if isinstance(event, TextEvent):
                yield event.delta

    async def until_done(self) -> SendResult:
        """Runs to the end; the run's result."""
        async for _ in self._iterate(raw=False):
            pass
        return self._result()

    async def get_final_message(self) -> AssistantStreamMessage:
        """Runs to the end; the final assistant message."""
        return (await self.until_done()).message

    async def aclose(self) -> None:
        """Stops the run (what arrived is kept, with status cancelled)."""
        events = self._events
        if events is not None and hasattr(events, "aclose"):
            await events.aclose()
