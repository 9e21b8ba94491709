"""Tool calls in an assistant message: which are open, which this side can
answer, recording an answer, and whether the run goes on (docs/protocols.md
1.3.2, 1.4.2, 1.5). Pure functions on our parts shape."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from assistant_ui._conversation.steps import Message, ToolCall, ToolOutcome
from assistant_ui._tools.tool import Tool, ToolReply
from assistant_ui.errors import InvalidRequestError
from assistant_ui.protocol.ids import new_id

__all__ = [
    "answered",
    "calls_to_answer",
    "open_calls",
    "pending_approval",
    "record_outcome",
    "run_continues",
    "to_tools",
]


def open_calls(message: Message) -> list[dict[str, Any]]:
    """The tool-call parts without a result."""
    return [
        p for p in message.get("parts", []) if p.get("type") == "tool-call" and "result" not in p
    ]


def pending_approval(part: dict[str, Any]) -> bool:
    """The server asked for an approval and nobody decided yet."""
    approval = part.get("approval")
    return (
        isinstance(approval, dict)
        and approval.get("approved") is None
        and "resolution" not in approval
    )


def answered(part: dict[str, Any]) -> bool:
    """The AI SDK rule: a call counts once it has a result or a decision."""
    if "result" in part:
        return True
    approval = part.get("approval")
    return isinstance(approval, dict) and approval.get("approved") is not None


def to_tools(tools: Any) -> dict[str, Tool]:
    """Tools from a list of ``Tool``/functions or a seed definitions mapping
    (declared only: their calls are answered by the caller)."""
    if tools is None:
        return {}
    out: dict[str, Tool] = {}
    items: Iterable[Any] = tools.items() if isinstance(tools, dict) else ((None, t) for t in tools)
    for name, value in items:
        if isinstance(value, Tool):
            item = value
        elif isinstance(value, dict):
            item = Tool(
                name=str(name),
                parameters=dict(value.get("parameters") or {}),
                description=value.get("description"),
                provider_options=value.get("providerOptions"),
            )
        elif callable(value):
            item = Tool.from_function(value)
        else:
            raise InvalidRequestError(
                f"expected a Tool or a function, got {value!r}", field="tools"
            )
        out[name or item.name] = item
    return out


def calls_to_answer(message: Message, tools: dict[str, Tool]) -> list[ToolCall]:
    """The open calls of ``message`` that a local function can run or that
    wait for an approval decision."""
    calls: list[ToolCall] = []
    for part in open_calls(message):
        tool = tools.get(part["toolName"])
        runnable = tool if tool is not None and tool.function is not None else None
        pending = pending_approval(part)
        if runnable is None and not pending:
            continue
        if answered(part) and runnable is None:
            continue
        calls.append(
            ToolCall(
                tool_call_id=part["toolCallId"],
                tool_name=part["toolName"],
                args=copy.deepcopy(part.get("args") or {}),
                tool=runnable,
                approval=copy.deepcopy(part.get("approval")),
                needs_approval=pending
                or (runnable is not None and runnable.needs_approval and not answered(part)),
            )
        )
    return calls


def run_continues(message: Message, status: dict[str, Any], *, ran_tools: bool) -> bool:
    """Whether another request follows: every call has a result or a
    decision, none waits for approval, and either this side answered some
    or the server stopped for them (``status``: the reply's, before any
    answer was recorded)."""
    parts = [p for p in message["parts"] if p.get("type") == "tool-call"]
    if not parts or not all(answered(p) for p in parts):
        return False
    if any(pending_approval(p) for p in parts):
        return False
    return ran_tools or (
        status.get("type") == "requires-action" and status.get("reason") == "tool-calls"
    )


def record_outcome(
    message: Message, outcome: ToolOutcome
) -> tuple[dict[str, Any], ToolReply | None]:
    """Writes ``outcome`` into its tool-call part of ``message``; returns the
    part and the reply recorded (a denial is recorded as an error result).

    Raises:
        InvalidRequestError: ``message`` has no such tool call.
    """
    part = next(
        (
            p
            for p in message["parts"]
            if p.get("type") == "tool-call" and p.get("toolCallId") == outcome.tool_call_id
        ),
        None,
    )
    if part is None:
        raise InvalidRequestError(
            f"no tool call {outcome.tool_call_id!r} in the last assistant message",
            field="tool_call_id",
        )
    reply = outcome.reply
    if outcome.approval is not None:
        approval = dict(part.get("approval") or {"id": new_id()})
        approval["approved"] = outcome.approval.approved
        if outcome.approval.reason is not None:
            approval["reason"] = outcome.approval.reason
        part["approval"] = approval
        if not outcome.approval.approved:
            reason = outcome.approval.reason or "Tool approval denied"
            reply = ToolReply({"error": reason}, is_error=True)
    if reply is not None:
        part["state"] = "result"
        part["result"] = reply.result
        part["isError"] = reply.is_error
        for key, value in (("artifact", reply.artifact), ("modelContent", reply.model_content)):
            if value is not None:
                part[key] = value
            else:
                part.pop(key, None)
        part["status"] = {"type": "complete", "reason": "stop"}
    return part, reply
