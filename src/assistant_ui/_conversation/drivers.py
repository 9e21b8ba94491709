"""Drivers: run a conversation flow against a thread, the whole I/O of a
conversation (HTTP through the thread, tools and approval callbacks).

Every decision (which step comes next, what a failure does to the
conversation, what an approval answer means) is in :class:`FlowRun` and
the flow itself; the sync and async twins only send requests, read
replies and call tools. A flow returns its :class:`SendResult` through
``StopIteration``; :class:`FlowRun` catches it and keeps it as
:attr:`FlowRun.result`, which is how the async driver (an async generator,
which cannot return a value) hands it back.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Final, Protocol, Unpack

from assistant_ui import _concurrency
from assistant_ui._conversation.flows import Conversation
from assistant_ui._conversation.steps import (
    Approval,
    ApprovalCallback,
    Flow,
    Message,
    Reply,
    RunTools,
    SendRequest,
    SendResult,
    Step,
    ToolCall,
    ToolOutcome,
)
from assistant_ui._http.request import RequestOptions
from assistant_ui._tools.tool import Tool
from assistant_ui.protocol.events import Event
from assistant_ui.protocol.stream_events import (
    StreamEvent,
    ToolExecutionEndEvent,
    ToolExecutionStartEvent,
)

if TYPE_CHECKING:
    from assistant_ui._http.streams import AsyncChatStream, ChatStream

__all__ = [
    "FlowRun",
    "ReplySource",
    "RequestCallback",
    "RunEvent",
    "aiter_flow",
    "iter_flow",
    "run_flow",
    "run_flow_sync",
]

RequestCallback = Callable[[SendRequest], None]
"""Called before each request of a run is sent (a tool loop sends several;
the events of each response number their parts from 0 again)."""


class ReplySource(Protocol):
    """What a driver sends requests through (a :class:`~assistant_ui.ThreadClient`)."""

    @property
    def cancel_count(self) -> int:
        """How many times the thread was cancelled (a change during a run
        stops it before its next request)."""
        ...

    def stream_request(
        self,
        body: dict[str, Any],
        *,
        encoding: str | None = None,
        initial_state: Any = None,
        strict: bool = False,
        **options: Unpack[RequestOptions],
    ) -> AsyncChatStream:
        """POSTs ``body`` and streams the reply (async)."""
        ...

    def stream_request_sync(
        self,
        body: dict[str, Any],
        *,
        encoding: str | None = None,
        initial_state: Any = None,
        strict: bool = False,
        **options: Unpack[RequestOptions],
    ) -> ChatStream:
        """POSTs ``body`` and streams the reply (sync)."""
        ...


class FlowRun:
    """One flow being driven: the current step, what outcomes mean, and the
    flow's result once it has returned.

    Args:
        conversation: the conversation the flow belongs to.
        flow: the flow (from ``conversation.send(...)`` and its siblings).
        approve: the approval callback (default: the conversation's).
        on_request: called before each request.
    """

    def __init__(
        self,
        conversation: Conversation,
        flow: Flow,
        approve: ApprovalCallback | None,
        on_request: RequestCallback | None,
    ) -> None:
        self.conversation = conversation
        self.flow = flow
        self.approve = approve if approve is not None else conversation.approve
        self.on_request = on_request
        self.result: SendResult | None = None
        """The flow's result, once it has returned."""
        self.step: Step | None = next(flow)

    def sending(self, step: SendRequest) -> dict[str, Any]:
        """The ``stream_request`` keyword arguments of a request step."""
        if self.on_request is not None:
            self.on_request(step)
        return {
            "encoding": step.encoding,
            "initial_state": step.initial_state,
            "strict": step.strict,
            **step.options,
        }

    def streaming(self, stream: Any) -> None:
        """The reply stream is open: the conversation shows it as it grows."""

        def view() -> Message | None:
            snapshot = stream.current_message
            return snapshot if isinstance(snapshot, dict) else None

        self.conversation.watch(view)

    @staticmethod
    def reply(stream: Any, message: Mapping[str, Any]) -> Reply:
        """The outcome of a request step, from its finished stream."""
        ui = getattr(stream, "ui_message", None)
        return Reply(
            dict(message),
            copy.deepcopy(ui) if isinstance(ui, dict) else None,
            usage=getattr(stream, "usage", None),
            finish_reason=getattr(stream, "finish_reason", None),
        )

    def failed(self, exc: BaseException) -> None:
        """Hands a failure to the flow, which records it and raises it again."""
        self.flow.throw(exc)

    def advance(self, outcome: Any) -> None:
        """Sends the outcome of the current step; the next step, or ``None``."""
        try:
            self.step = self.flow.send(outcome)
        except StopIteration as returned:
            self.step = None
            self.result = returned.value


_CANCELLED: Final = {"type": "incomplete", "reason": "cancelled"}


def _cancelled_reply(step: SendRequest) -> Reply:
    """The reply of a request not sent because the thread was cancelled
    while the run was between two requests (a tool was running): no new
    parts, status ``incomplete``/``cancelled``."""
    from assistant_ui.protocol.reading.accumulator import MessageAccumulator

    accumulator = MessageAccumulator(initial_state=copy.deepcopy(step.initial_state))
    accumulator.set_status(dict(_CANCELLED))
    return Reply(accumulator.snapshot(), None)


def _approval(answer: bool | Approval) -> Approval:
    return answer if isinstance(answer, Approval) else Approval(bool(answer))


def _without_running(call: ToolCall, decision: Approval | None) -> ToolOutcome | None:
    """The outcome when the tool must not run (no decision, a denial, or a
    server tool that only needed the decision); ``None`` to run it."""
    if call.needs_approval and (decision is None or not decision.approved or call.tool is None):
        return ToolOutcome(call.tool_call_id, approval=decision)
    return None


def _tool(call: ToolCall) -> Tool:
    assert call.tool is not None  # calls without a tool only ask for approval
    return call.tool


async def _decide(call: ToolCall, approve: ApprovalCallback | None) -> Approval | None:
    if approve is None or not call.needs_approval:
        return None
    if inspect.iscoroutinefunction(approve):
        return _approval(await approve(call))
    answer = await _concurrency.to_thread(approve, call)
    return _approval(await answer if inspect.isawaitable(answer) else answer)


async def _answer(call: ToolCall, approve: ApprovalCallback | None) -> ToolOutcome:
    decision = await _decide(call, approve)
    refused = _without_running(call, decision)
    if refused is not None:
        return refused
    return ToolOutcome(
        call.tool_call_id, reply=await _tool(call).arun(call.args), approval=decision
    )


async def _answer_all(calls: Iterable[ToolCall], approve: ApprovalCallback | None) -> list[Any]:
    return await _concurrency.gather(*(_answer(call, approve) for call in calls))


async def _awaited(value: Awaitable[Any]) -> Any:
    return await value


def _decide_sync(call: ToolCall, approve: ApprovalCallback | None) -> Approval | None:
    if approve is None or not call.needs_approval:
        return None
    answer = approve(call)
    if inspect.isawaitable(answer):
        answer = _concurrency.run_sync(_awaited, answer)
    return _approval(answer)


def _answer_sync(call: ToolCall, approve: ApprovalCallback | None) -> ToolOutcome:
    decision = _decide_sync(call, approve)
    refused = _without_running(call, decision)
    if refused is not None:
        return refused
    tool = _tool(call)
    reply = _concurrency.run_sync(tool.arun, call.args) if tool.is_async else tool.run(call.args)
    return ToolOutcome(call.tool_call_id, reply=reply, approval=decision)


def _answer_all_sync(step: RunTools, approve: ApprovalCallback | None) -> list[Any]:
    # Always in workers: an async tool or callback runs on a fresh event loop
    # (_concurrency.run_sync), which a thread with a running loop refuses.
    with ThreadPoolExecutor(max_workers=len(step.calls)) as pool:
        return list(pool.map(lambda call: _answer_sync(call, approve), step.calls))


RunEvent = Event | StreamEvent
"""What a driver yields: canonical events (``raw=True``), or high-level
events with the tool executions between the responses."""


def _executions_started(step: RunTools) -> list[StreamEvent]:
    return [
        ToolExecutionStartEvent(call.tool_call_id, call.tool_name, call.args)
        for call in step.calls
        if call.tool is not None
    ]


def _executions_ended(step: RunTools, outcomes: list[Any]) -> list[StreamEvent]:
    names = {call.tool_call_id: call.tool_name for call in step.calls}
    return [
        ToolExecutionEndEvent(
            o.tool_call_id, names.get(o.tool_call_id, ""), o.reply.result, o.reply.is_error
        )
        for o in outcomes
        if isinstance(o, ToolOutcome) and o.reply is not None
    ]


async def aiter_flow(
    run: FlowRun, thread: ReplySource, *, raw: bool = True
) -> AsyncGenerator[RunEvent, None]:
    """Drives ``run`` asynchronously, yielding its events.

    Requests go through ``thread.stream_request``; tool calls run
    concurrently (async tools awaited, sync tools in worker threads). With
    ``raw=False`` the events are the high-level ones
    (:mod:`assistant_ui.events`), tool executions included. The result is
    then ``run.result``. A cancel of the thread during the run (while a tool
    runs) answers the next request step with an empty cancelled reply
    instead of sending it.
    """
    cancels = thread.cancel_count
    while (step := run.step) is not None:
        try:
            if isinstance(step, SendRequest) and thread.cancel_count != cancels:
                outcome: Any = _cancelled_reply(step)
            elif isinstance(step, SendRequest):
                async with thread.stream_request(step.body, **run.sending(step)) as stream:
                    run.streaming(stream)
                    events = stream.raw_events() if raw else aiter(stream)
                    async for event in events:
                        yield event
                    outcome = run.reply(stream, await stream.get_final_message())
            else:
                for started in () if raw else _executions_started(step):
                    yield started
                outcome = await _answer_all(step.calls, run.approve)
                for ended in () if raw else _executions_ended(step, outcome):
                    yield ended
        except BaseException as exc:
            run.failed(exc)
            raise  # pragma: no cover - the flow always raises again
        run.advance(outcome)


def iter_flow(
    run: FlowRun, thread: ReplySource, *, raw: bool = True
) -> Generator[RunEvent, None, None]:
    """The sync twin of :func:`aiter_flow` (``thread.stream_request_sync``;
    several tool calls run in a thread pool)."""
    cancels = thread.cancel_count
    while (step := run.step) is not None:
        try:
            if isinstance(step, SendRequest) and thread.cancel_count != cancels:
                outcome: Any = _cancelled_reply(step)
            elif isinstance(step, SendRequest):
                with thread.stream_request_sync(step.body, **run.sending(step)) as stream:
                    run.streaming(stream)
                    yield from stream.raw_events() if raw else stream
                    outcome = run.reply(stream, stream.get_final_message())
            else:
                yield from () if raw else _executions_started(step)
                outcome = _answer_all_sync(step, run.approve)
                yield from () if raw else _executions_ended(step, outcome)
        except BaseException as exc:
            run.failed(exc)
            raise  # pragma: no cover - the flow always raises again
        run.advance(outcome)


async def run_flow(
    conversation: Conversation,
    flow: Flow,
    thread: ReplySource,
    *,
    approve: ApprovalCallback | None = None,
) -> SendResult:
    """Drives ``flow`` to its end and returns its :class:`SendResult`."""
    run = FlowRun(conversation, flow, approve, None)
    async for _ in aiter_flow(run, thread):
        pass
    return _result(run)


def run_flow_sync(
    conversation: Conversation,
    flow: Flow,
    thread: ReplySource,
    *,
    approve: ApprovalCallback | None = None,
) -> SendResult:
    """The sync twin of :func:`run_flow`."""
    run = FlowRun(conversation, flow, approve, None)
    for _ in iter_flow(run, thread):
        pass
    return _result(run)


def _result(run: FlowRun) -> SendResult:
    if run.result is None:  # a flow always returns its result
        raise RuntimeError("the conversation flow ended without a result")
    return run.result
