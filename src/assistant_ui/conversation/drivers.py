"""Drivers: run a conversation flow against a thread, the whole I/O of a
conversation (HTTP through the thread, tools and approval callbacks)."""

from __future__ import annotations

import asyncio
import copy
import inspect
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..protocol.events import Event
from .flows import Conversation
from .steps import (
    Approval,
    ApprovalCallback,
    Flow,
    Message,
    Reply,
    SendRequest,
    SendResult,
    Step,
    ToolCall,
    ToolOutcome,
)

__all__ = ["aiter_flow", "iter_flow", "run_flow", "run_flow_sync"]


def _live_view(stream: Any) -> Callable[[], Message | None]:
    def view() -> Message | None:
        snapshot = stream.current_message
        return snapshot if isinstance(snapshot, dict) else None

    return view


def _ui_message_of(stream: Any) -> Message | None:
    ui = getattr(stream, "ui_message", None)
    return copy.deepcopy(ui) if isinstance(ui, dict) else None


async def _decide(call: ToolCall, approve: ApprovalCallback | None) -> Approval | None:
    if approve is None:
        return None
    if inspect.iscoroutinefunction(approve):
        answer = await approve(call)
    else:
        answer = await asyncio.to_thread(approve, call)
        if inspect.isawaitable(answer):
            answer = await answer
    return answer if isinstance(answer, Approval) else Approval(bool(answer))


async def _answer(call: ToolCall, approve: ApprovalCallback | None) -> ToolOutcome:
    decision = None
    if call.needs_approval:
        decision = await _decide(call, approve)
        if decision is None or not decision.approved or call.tool is None:
            return ToolOutcome(call.tool_call_id, approval=decision)
    assert call.tool is not None
    return ToolOutcome(call.tool_call_id, reply=await call.tool.arun(call.args), approval=decision)


def _decide_sync(call: ToolCall, approve: ApprovalCallback | None) -> Approval | None:
    if approve is None:
        return None
    answer = approve(call)
    if inspect.isawaitable(answer):
        answer = asyncio.run(_awaited(answer))
    return answer if isinstance(answer, Approval) else Approval(bool(answer))


async def _awaited(value: Awaitable[Any]) -> Any:
    return await value


def _answer_sync(call: ToolCall, approve: ApprovalCallback | None) -> ToolOutcome:
    decision = None
    if call.needs_approval:
        decision = _decide_sync(call, approve)
        if decision is None or not decision.approved or call.tool is None:
            return ToolOutcome(call.tool_call_id, approval=decision)
    tool = call.tool
    assert tool is not None
    reply = asyncio.run(tool.arun(call.args)) if tool.is_async else tool.run(call.args)
    return ToolOutcome(call.tool_call_id, reply=reply, approval=decision)


async def aiter_flow(
    conversation: Conversation,
    flow: Flow,
    thread: Any,
    *,
    approve: ApprovalCallback | None = None,
) -> AsyncGenerator[Event, None]:
    """Drives ``flow`` asynchronously, yielding every decoded event.

    Requests go through ``thread.stream_request(body, path=..., encoding=...,
    initial_state=..., strict=...)``; tool calls run concurrently (async
    tools awaited, sync tools in worker threads). The result is left in
    ``conversation.last_result``.
    """
    approve = approve if approve is not None else conversation.approve
    step: Step = next(flow)
    while True:
        try:
            if isinstance(step, SendRequest):
                async with thread.stream_request(
                    step.body,
                    path=step.path,
                    encoding=step.encoding,
                    initial_state=step.initial_state,
                    strict=step.strict,
                ) as stream:
                    conversation.watch(_live_view(stream))
                    async for event in stream:
                        yield event
                    outcome: Any = Reply(await stream.get_final_message(), _ui_message_of(stream))
            else:
                outcome = list(await asyncio.gather(*(_answer(c, approve) for c in step.calls)))
        except BaseException as exc:
            flow.throw(exc)
            raise  # pragma: no cover - the flow always raises again
        try:
            step = flow.send(outcome)
        except StopIteration:
            return


def iter_flow(
    conversation: Conversation,
    flow: Flow,
    thread: Any,
    *,
    approve: ApprovalCallback | None = None,
) -> Generator[Event, None, None]:
    """The sync twin of :func:`aiter_flow` (``thread.stream_request_sync``;
    several tool calls run in a thread pool)."""
    approve = approve if approve is not None else conversation.approve
    step: Step = next(flow)
    while True:
        try:
            if isinstance(step, SendRequest):
                with thread.stream_request_sync(
                    step.body,
                    path=step.path,
                    encoding=step.encoding,
                    initial_state=step.initial_state,
                    strict=step.strict,
                ) as stream:
                    conversation.watch(_live_view(stream))
                    yield from stream
                    outcome: Any = Reply(stream.get_final_message(), _ui_message_of(stream))
            else:
                # Always in workers: an async tool or callback is run with
                # asyncio.run, which refuses a thread that has a running loop.
                with ThreadPoolExecutor(max_workers=len(step.calls)) as pool:
                    outcome = list(pool.map(lambda c: _answer_sync(c, approve), step.calls))
        except BaseException as exc:
            flow.throw(exc)
            raise  # pragma: no cover - the flow always raises again
        try:
            step = flow.send(outcome)
        except StopIteration:
            return


async def run_flow(
    conversation: Conversation,
    flow: Flow,
    thread: Any,
    *,
    approve: ApprovalCallback | None = None,
) -> SendResult:
    """Drives ``flow`` to its end and returns its :class:`SendResult`."""
    async for _ in aiter_flow(conversation, flow, thread, approve=approve):
        pass
    assert conversation.last_result is not None
    return conversation.last_result


def run_flow_sync(
    conversation: Conversation,
    flow: Flow,
    thread: Any,
    *,
    approve: ApprovalCallback | None = None,
) -> SendResult:
    """The sync twin of :func:`run_flow`."""
    for _ in iter_flow(conversation, flow, thread, approve=approve):
        pass
    assert conversation.last_result is not None
    return conversation.last_result
