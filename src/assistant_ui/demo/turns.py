"""Read any assistant-ui request body into one :class:`Turn`.

The demo backend answers four request flavours (docs/protocols.md §1):
the data-stream runtime body (1.3, model messages in the current v2 shape or
the legacy v1 shape), the AI SDK chat body (1.4, UIMessages with ``parts``),
the assistant-transport body (1.5, ``commands`` plus ``state``) and the
original sync-server body (1.6, ``threadId`` with legacy ``messages`` and/or
``commands``). The scripted assistant does not care which flavour asked; it
needs only what is new since its last reply:

- the newest user text, when the user spoke last;
- otherwise the tool results (and approval decisions) the client sent back
  for the calls of the previous reply.

The rule for both message lists and command batches is the same: walk the
conversation in order, a user message resets what is pending, a tool result
or approval after it is pending. So a body that ends with a user message is
a new question, and one that ends with tool results is a follow-up.

Nothing here raises on odd input: unknown parts and commands are skipped,
as a backend must ignore what it does not know (1.5.1). Only a body that is
not a JSON object at all is rejected, by :func:`read_turn`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Approval", "Flavour", "ToolOutcome", "Turn", "classify_body", "read_turn"]

Flavour = Literal["data-stream", "sync-server", "ui-message", "assistant-transport"]


@dataclass(frozen=True)
class ToolOutcome:
    """A tool result sent back by the client."""

    tool_call_id: str
    tool_name: str
    result: Any
    is_error: bool = False


@dataclass(frozen=True)
class Approval:
    """A human decision on a tool call that asked for approval."""

    tool_call_id: str
    tool_name: str
    approved: bool
    reason: str | None = None


@dataclass
class Turn:
    """What the scripted assistant must answer, whatever the request shape."""

    flavour: Flavour
    thread_id: str | None = None
    user_text: str = ""
    tool_results: list[ToolOutcome] = field(default_factory=list)
    approvals: list[Approval] = field(default_factory=list)
    tool_args: dict[str, Any] = field(default_factory=dict)
    """Arguments of every tool call seen in the request, by call id."""
    state: Any = None
    message_id: str | None = None
    """Id of the assistant message being continued (AI SDK ``messageId``,
    data-stream ``unstable_assistantMessageId``)."""
    system: str | None = None

    @property
    def is_follow_up(self) -> bool:
        """True when the client answered tool calls rather than asking anew."""
        return bool(self.tool_results or self.approvals)


def classify_body(body: Mapping[str, Any]) -> Flavour:
    """Which flavour sent ``body`` (docs/protocols.md §1.3 to 1.6).

    The AI SDK body is the only one with ``trigger`` or UIMessage ``parts``;
    assistant-transport sends ``commands`` and ``state`` without
    ``messages``; the sync-server body always names its ``threadId`` and may
    carry ``commands``; anything else with ``messages`` is the data-stream
    runtime's body.
    """
    messages = body.get("messages")
    if "trigger" in body or (
        isinstance(messages, list)
        and any(isinstance(m, Mapping) and "parts" in m for m in messages)
    ):
        return "ui-message"
    if "commands" in body and "messages" not in body and "state" in body:
        return "assistant-transport"
    if "commands" in body:
        return "sync-server"
    return "data-stream"


def read_turn(body: Any) -> Turn:
    """Parse a request body into a :class:`Turn`.

    Raises:
        ValueError: the body is not a JSON object.
    """
    if not isinstance(body, Mapping):
        raise ValueError(f"the request body must be a JSON object, not {type(body).__name__}")
    flavour = classify_body(body)
    turn = Turn(
        flavour=flavour,
        thread_id=_str_or_none(body.get("threadId")) or _str_or_none(body.get("id")),
        state=body.get("state"),
        message_id=_str_or_none(body.get("messageId"))
        or _str_or_none(body.get("unstable_assistantMessageId")),
        system=_str_or_none(body.get("system")),
    )
    messages = body.get("messages")
    commands = body.get("commands")
    # The sync-server client sends legacy messages *and* the same messages
    # converted to commands; read the messages so nothing counts twice.
    if isinstance(messages, list) and messages:
        if flavour == "ui-message":
            _read_ui_messages(turn, messages)
        else:
            _read_model_messages(turn, messages)
    elif isinstance(commands, list):
        _read_commands(turn, commands)
    return turn


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _text_of(content: Any) -> str:
    """The text of a message's ``content`` (a string or a list of parts)."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    return "".join(
        part["text"]
        for part in content
        if isinstance(part, Mapping)
        and part.get("type") == "text"
        and isinstance(part.get("text"), str)
    )


def _new_user_message(turn: Turn, text: str) -> None:
    turn.user_text = text
    turn.tool_results.clear()
    turn.approvals.clear()


def _read_model_messages(turn: Turn, messages: Sequence[Any]) -> None:
    """Data-stream runtime and sync-server messages, v2 and legacy v1 shapes."""
    names: dict[str, str] = {}
    for message in messages:
        if not isinstance(message, Mapping):
            continue
        role = message.get("role")
        content = message.get("content")
        if role == "user":
            _new_user_message(turn, _text_of(content))
        if not isinstance(content, list):
            continue
        for part in content:
            if not isinstance(part, Mapping):
                continue
            kind = part.get("type")
            call_id = part.get("toolCallId")
            if not isinstance(call_id, str):
                continue
            if kind == "tool-call":
                name = str(part.get("toolName", ""))
                names[call_id] = name
                # v2 calls the arguments "input", v1 "args".
                turn.tool_args[call_id] = part.get("input", part.get("args"))
            elif kind == "tool-result":
                name = str(part.get("toolName") or names.get(call_id, ""))
                result, is_error = _model_tool_output(part)
                turn.tool_results.append(ToolOutcome(call_id, name, result, is_error))
            elif kind == "tool-approval-response":
                turn.approvals.append(
                    Approval(
                        call_id,
                        names.get(call_id, ""),
                        part.get("approved") is True,
                        _str_or_none(part.get("reason")),
                    )
                )


def _model_tool_output(part: Mapping[str, Any]) -> tuple[Any, bool]:
    """Result and error flag of a v2 (``output``) or v1 (``result``) part."""
    output = part.get("output")
    if isinstance(output, Mapping) and "type" in output:
        kind = str(output.get("type"))
        return output.get("value"), kind.startswith("error")
    return part.get("result"), part.get("isError") is True


_UI_RESULT_STATES = {"output-available", "output-error", "output-denied", "approval-responded"}


def _read_ui_messages(turn: Turn, messages: Sequence[Any]) -> None:
    """AI SDK UIMessages (docs/protocols.md §1.4.1, 1.4.2)."""
    for message in messages:
        if not isinstance(message, Mapping):
            continue
        parts = message.get("parts")
        if message.get("role") == "user":
            _new_user_message(turn, _text_of(parts))
            continue
        if not isinstance(parts, list):
            continue
        for part in parts:
            if isinstance(part, Mapping):
                _read_ui_tool_part(turn, part)


def _read_ui_tool_part(turn: Turn, part: Mapping[str, Any]) -> None:
    kind = part.get("type")
    call_id = part.get("toolCallId")
    if not isinstance(kind, str) or not isinstance(call_id, str):
        return
    if kind == "dynamic-tool":
        name = str(part.get("toolName", ""))
    elif kind.startswith("tool-"):
        name = kind[len("tool-") :]
    else:
        return
    turn.tool_args[call_id] = part.get("input")
    state = part.get("state")
    if state not in _UI_RESULT_STATES:
        return
    approval = part.get("approval")
    if state == "output-available":
        output = part.get("output")
        # assistant-ui wraps results that carry model content (1.4.2).
        if isinstance(output, Mapping) and "__aui_modelContent" in output:
            output = output.get("value")
        turn.tool_results.append(ToolOutcome(call_id, name, output))
    elif state == "output-error":
        turn.tool_results.append(ToolOutcome(call_id, name, part.get("errorText"), True))
    elif isinstance(approval, Mapping):
        approved = state == "approval-responded" and approval.get("approved") is True
        turn.approvals.append(
            Approval(call_id, name, approved, _str_or_none(approval.get("reason")))
        )


def _read_commands(turn: Turn, commands: Sequence[Any]) -> None:
    """Assistant-transport and sync-server commands (docs/protocols.md §1.5.1, 1.6)."""
    for command in commands:
        if not isinstance(command, Mapping):
            continue
        kind = command.get("type")
        if kind == "add-message":
            message = command.get("message")
            if isinstance(message, Mapping) and message.get("role", "user") == "user":
                _new_user_message(turn, _text_of(message.get("parts", message.get("content"))))
        elif kind == "add-tool-result":
            call_id = command.get("toolCallId")
            if isinstance(call_id, str):
                turn.tool_results.append(
                    ToolOutcome(
                        call_id,
                        str(command.get("toolName", "")),
                        command.get("result"),
                        command.get("isError") is True,
                    )
                )
