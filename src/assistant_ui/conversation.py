"""A thread's conversation and the frontend tool loop (issue 5), sans-IO.

Strategy (STYLE.md 7, httpx ``auth_flow``): :class:`Conversation` holds
the pure state of one thread: the messages in our parts shape, the AI SDK's
own UIMessages, the assistant-transport state and command queue, the
tools. Its ``send``/``regenerate``/``edit``/``resume_tools`` methods return
a *flow*: a generator that yields steps and receives their outcomes.

- :class:`SendRequest`: POST this body; send back a :class:`Reply` (the
  decoded message). While the reply streams, the driver hands the live
  snapshot to :meth:`Conversation.watch`, so ``messages`` shows the growing
  reply at any time.
- :class:`RunTools`: run these tool calls (concurrently, after asking for
  approval where needed); send back one :class:`ToolOutcome` per call.

The flow ends with a :class:`SendResult` (``StopIteration.value``). Any
exception the driver throws into the flow (a transport error, a cut
stream, a cancel) is recorded on the conversation (the partial reply is
kept, with an ``incomplete`` status) and raised again.

The loop follows the reference runtimes (PROTOCOLS.md 1.3.2, 1.4.2, 1.5):
after a reply, every tool call without a result is run if a local tool
can answer it; the run continues only once *every* call has a result or a
decision, and never beyond ``max_steps`` requests (the message then ends
``incomplete``/``tool-calls``). A call nobody can answer (a declared tool
without a function, a pending approval without a callback) stops the loop
with the reply ``requires-action``; :meth:`Conversation.add_tool_result`
answers it later and :meth:`Conversation.resume_tools` continues.

:func:`run_flow`/:func:`run_flow_sync` (and the event-yielding
:func:`aiter_flow`/:func:`iter_flow`) drive a flow against a thread object
with ``stream_request``/``stream_request_sync``; they are the whole I/O.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final, Literal

from .errors import InvalidRequestError, StreamError, UsageError
from .protocol.events import MISSING, Event
from .protocol.messages import (
    TOOL_NOT_COMPLETED,
    add_message_command,
    add_tool_result_command,
    new_id,
    normalize_message,
    normalize_messages,
    to_model_messages,
    to_ui_message,
)
from .protocol.requests import (
    RUNTIMES,
    ai_sdk_body,
    assistant_transport_body,
    data_stream_body,
    tool_definitions,
)
from .tools import Tool, ToolReply

__all__ = [
    "DEFAULT_MAX_STEPS",
    "Approval",
    "ApprovalCallback",
    "Conversation",
    "ConversationMethods",
    "Flow",
    "Reply",
    "RunTools",
    "SendRequest",
    "SendResult",
    "ToolCall",
    "ToolOutcome",
    "aiter_flow",
    "iter_flow",
    "run_flow",
    "run_flow_sync",
]

DEFAULT_MAX_STEPS: Final = 5
"""Requests one ``send`` may make (the first one included). The reference
data-stream runtime caps at 2 *model steps* reported by the server; we count
requests instead, which works with servers that send no step frames."""

Runtime = Literal["sync-server", "data-stream", "ai-sdk", "assistant-transport"]
Message = dict[str, Any]

CANCELLED_BY_NEW_MESSAGE: Final = "User cancelled tool call by sending a new message."
"""The AI SDK runtime's error text for a call left unanswered (PROTOCOLS.md 4.1)."""

_CANCELLED: Final = {"type": "incomplete", "reason": "cancelled"}
_STEP_LIMIT: Final = {"type": "incomplete", "reason": "tool-calls"}
_CALL_OUTCOME_KEYS: Final = (
    "state",
    "status",
    "result",
    "isError",
    "artifact",
    "modelContent",
    "messages",
    "isPreliminary",
    "approval",
)


# ---------------------------------------------------------------------------
# Steps and outcomes


@dataclass(frozen=True, slots=True)
class SendRequest:
    """Step: POST ``body`` and send back a :class:`Reply`.

    Attributes:
        body: the JSON body in the runtime's shape.
        encoding: force this reply encoding (``None`` detects it).
        initial_state: the state the reply's state operations start from.
        strict: decode exactly as the reference.
        path: endpoint path (``None``: the client's chat path).
    """

    body: dict[str, Any]
    encoding: str | None = None
    initial_state: Any = None
    strict: bool = False
    path: str | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """Outcome of a :class:`SendRequest`.

    Attributes:
        message: the decoded assistant message of this one response.
        ui_message: the AI SDK UIMessage, when the reply was a UI message
            stream and the stream exposes it.
    """

    message: Message
    ui_message: Message | None = None


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One tool call waiting for an answer.

    Attributes:
        tool_call_id: the call id.
        tool_name: the tool name.
        args: the parsed arguments.
        tool: the local tool that answers it (``None``: only an approval
            decision is asked for, the server runs the tool).
        approval: the approval record the server requested, if any.
        needs_approval: an approval callback must agree first.
    """

    tool_call_id: str
    tool_name: str
    args: dict[str, Any]
    tool: Tool | None
    approval: dict[str, Any] | None = None
    needs_approval: bool = False


@dataclass(frozen=True, slots=True)
class RunTools:
    """Step: answer these calls; send back a list of :class:`ToolOutcome`."""

    calls: tuple[ToolCall, ...]


@dataclass(frozen=True, slots=True)
class Approval:
    """An approval decision (what an approval callback may return, besides
    a plain ``bool``)."""

    approved: bool
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class ToolOutcome:
    """The answer to one :class:`ToolCall`.

    Attributes:
        tool_call_id: the call answered.
        reply: what the tool returned (``None`` when it did not run).
        approval: the decision, when one was asked for; ``None`` with no
            reply means "no answer yet" (the loop stops).
    """

    tool_call_id: str
    reply: ToolReply | None = None
    approval: Approval | None = None


@dataclass(slots=True)
class SendResult:
    """What a ``send`` (or ``regenerate``, ``edit``, ...) produced.

    Attributes:
        message: the assistant message, over every request of the run.
        messages: the conversation afterwards.
        state: the thread state afterwards.
        requests: how many requests the run made.
    """

    message: Message
    messages: list[Message]
    state: Any = None
    requests: int = 0

    @property
    def status(self) -> dict[str, Any]:
        """The message status (PROTOCOLS.md 3.6)."""
        return dict(self.message.get("status") or {})

    @property
    def text(self) -> str:
        """All text parts joined (reasoning excluded)."""
        return "".join(p.get("text", "") for p in self.message["parts"] if p.get("type") == "text")

    @property
    def tool_calls(self) -> list[dict[str, Any]]:
        """The tool-call parts of the message."""
        return [p for p in self.message["parts"] if p.get("type") == "tool-call"]


Step = SendRequest | RunTools
Flow = Generator[Step, Any, SendResult]
ApprovalCallback = Callable[[ToolCall], bool | Approval | Awaitable[bool | Approval]]


# ---------------------------------------------------------------------------
# Pure helpers


def merge_reply(base: Message | None, reply: Message, message_id: str) -> Message:
    """The assistant message after a continuation: ``reply``'s parts appended
    to ``base``'s, metadata lists appended, state and status replaced
    (PROTOCOLS.md 1.3.2, 3.9). A reply part for a tool call ``base``
    already holds (a result for an approved server tool) updates that call
    instead of adding a nameless one."""
    reply = copy.deepcopy(reply)
    if base is None:
        return {"id": message_id, **reply}
    out = copy.deepcopy(base)
    out["id"] = message_id
    parts: list[dict[str, Any]] = out["parts"]
    calls = {p["toolCallId"]: p for p in parts if p.get("type") == "tool-call"}
    for part in reply.get("parts", []):
        known = calls.get(part.get("toolCallId", "")) if part.get("type") == "tool-call" else None
        if known is None:
            parts.append(part)
        elif "result" in part or "approval" in part:
            known.update({k: part[k] for k in _CALL_OUTCOME_KEYS if k in part})
    meta = out.setdefault("metadata", {})
    new_meta = reply.get("metadata", {})
    for key in ("unstable_data", "unstable_annotations", "steps"):
        meta[key] = list(meta.get(key, [])) + list(new_meta.get(key, []))
    meta["unstable_state"] = new_meta.get("unstable_state")
    meta["custom"] = {**meta.get("custom", {}), **new_meta.get("custom", {})}
    out["status"] = reply.get("status", out.get("status"))
    return out


def _open_calls(message: Message) -> list[dict[str, Any]]:
    return [
        p for p in message.get("parts", []) if p.get("type") == "tool-call" and "result" not in p
    ]


def _pending_approval(part: dict[str, Any]) -> bool:
    approval = part.get("approval")
    return (
        isinstance(approval, dict)
        and approval.get("approved") is None
        and "resolution" not in approval
    )


def _answered(part: dict[str, Any]) -> bool:
    """The AI SDK rule: a call counts once it has a result or a decision."""
    if "result" in part:
        return True
    approval = part.get("approval")
    return isinstance(approval, dict) and approval.get("approved") is not None


def _to_tools(tools: Any) -> dict[str, Tool]:
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


# ---------------------------------------------------------------------------
# The conversation


class Conversation:
    """The state of one thread's conversation, with no I/O.

    Args:
        runtime: the request shape: ``"sync-server"``, ``"data-stream"``,
            ``"ai-sdk"`` or ``"assistant-transport"``.
        thread_id: the thread id (``id``/``threadId`` in bodies); generated
            for the AI SDK shape when not given.
        messages: an initial history, in our shape or the seed's.
        tools: ``Tool`` objects, decorated or plain functions, or a seed
            definitions dict (declared only).
        state: the initial thread state (assistant-transport state).
        system: the system prompt.
        max_steps: requests per ``send`` (see :data:`DEFAULT_MAX_STEPS`).
        approve: approval callback for ``needs_approval`` tools and server
            approval requests (sync or async; returns ``bool`` or
            :class:`Approval`).
        encoding: force a reply encoding.
        path: the endpoint every request goes to (``None``: the client's
            chat path).
        strict: decode replies exactly as the reference.
        call_settings: ``temperature``, ``maxTokens``, ... (1.8).
        config: ``modelName``, ``apiKey``, ... (1.8).
        run_config: ``{"custom": ...}`` (data-stream ``runConfig``, AI SDK
            ``metadata``).
        body: extra keys merged into every body.
    """

    def __init__(
        self,
        *,
        runtime: str = "sync-server",
        thread_id: str | None = None,
        messages: Iterable[Any] | None = None,
        tools: Any = None,
        state: Any = None,
        system: str | None = None,
        max_steps: int = DEFAULT_MAX_STEPS,
        approve: ApprovalCallback | None = None,
        encoding: str | None = None,
        path: str | None = None,
        strict: bool = False,
        call_settings: dict[str, Any] | None = None,
        config: dict[str, Any] | None = None,
        run_config: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        if runtime not in RUNTIMES:
            raise InvalidRequestError(
                f"unknown runtime {runtime!r} (expected one of {', '.join(RUNTIMES)})",
                field="runtime",
            )
        if max_steps < 1:
            raise InvalidRequestError("must be at least 1", field="max_steps")
        self.runtime = runtime
        self.thread_id = thread_id or (new_id() if runtime == "ai-sdk" else None)
        self.tools = _to_tools(tools)
        self.system = system
        self.max_steps = max_steps
        self.approve = approve
        self.encoding = encoding
        self.path = path
        self.strict = strict
        self.call_settings = call_settings
        self.config = config
        self.run_config = run_config
        self.body = body
        self._initial_state = copy.deepcopy(state)
        self.state: Any = copy.deepcopy(state)
        """The thread state: sent with every request, replaced by each reply's."""
        self.pending_commands: list[dict[str, Any]] = []
        """Commands queued for the next request (command runtimes)."""
        self.in_flight = False
        self._queued_in_flight = 0
        self.last_result: SendResult | None = None
        self._messages: list[Message] = []
        self._ui: dict[str, Message] = {}
        self._live: Callable[[], Message | None] | None = None
        self._live_base: Message | None = None
        self._live_index = -1
        self._live_id = ""
        for message in normalize_messages(messages):
            self._messages.append(self._with_id(message))

    # -- views -------------------------------------------------------------

    @property
    def messages(self) -> list[Message]:
        """The conversation in our parts shape (a copy), the streaming reply
        included as it grows."""
        out = copy.deepcopy(self._messages)
        live = self._live() if self._live is not None else None
        if live is not None:
            merged = merge_reply(self._live_base, live, self._live_id)
            if self._live_index < len(out):
                out[self._live_index] = merged
            else:
                out.append(merged)
        return out

    @property
    def ui_messages(self) -> list[Message]:
        """The chat as the AI SDK holds it (what the ``ai-sdk`` shape sends)."""
        return [copy.deepcopy(self._ui.get(m["id"]) or self._to_ui(m)) for m in self._messages]

    def watch(self, source: Callable[[], Message | None] | None) -> None:
        """Shows ``source()`` (the live snapshot of the streaming reply) as
        the reply in :attr:`messages`; ``None`` stops watching."""
        self._live = source

    def reset(self) -> None:
        """Forgets the conversation, the queue and the state."""
        if self.in_flight:
            raise UsageError("reset() while a run is in flight")
        self._messages.clear()
        self._ui.clear()
        self.pending_commands.clear()
        self.state = copy.deepcopy(self._initial_state)
        self.last_result = None

    def queue_command(self, command: dict[str, Any]) -> None:
        """Queues a command for the next request (assistant-transport and
        sync-server shapes). Commands queued while a run is in flight are
        sent in one more request after it, as the runtime does."""
        if not isinstance(command, dict) or not isinstance(command.get("type"), str):
            raise InvalidRequestError("a command needs a string 'type'", field="command")
        self.pending_commands.append(copy.deepcopy(command))
        if self.in_flight:
            self._queued_in_flight += 1

    # -- flows ---------------------------------------------------------------

    def send(
        self,
        content: Any,
        *,
        tools: Any = None,
        max_steps: int | None = None,
        system: str | None = None,
        run_config: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> Flow:
        """Flow: append a user message (a string, parts or a message) and run.

        Before anything is sent, tool calls a cancelled run left without a
        result are closed (PROTOCOLS.md 4.1), so the history is valid.
        """
        message = self._with_id(normalize_message(content, role="user", field="content"))
        if message["role"] != "user":
            raise InvalidRequestError("send() takes a user message", field="content.role")
        self._repair_dangling()
        parent = self._messages[-1]["id"] if self._messages else None
        self._messages.append(message)
        return self._run(
            trigger="submit",
            user=message,
            parent_id=parent,
            source_id=None,
            options=self._options(tools, max_steps, system, run_config, body),
        )

    def edit(
        self,
        message_id: str,
        content: Any,
        *,
        tools: Any = None,
        max_steps: int | None = None,
        system: str | None = None,
        run_config: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> Flow:
        """Flow: replace user message ``message_id`` by ``content`` (a new
        message with a new id on a new branch: everything after the edited
        message is dropped) and run. The assistant-transport shape says
        which message it replaces (``sourceId``) and where the branch
        starts (``parentId``)."""
        index = self._index_of(message_id)
        if self._messages[index]["role"] != "user":
            raise InvalidRequestError("only user messages can be edited", field="message_id")
        message = normalize_message(content, role="user", field="content")
        message.pop("id", None)
        message = self._with_id(message)
        parent = self._messages[index - 1]["id"] if index > 0 else None
        del self._messages[index:]
        self._messages.append(message)
        return self._run(
            trigger="submit",
            user=message,
            parent_id=parent,
            source_id=message_id,
            options=self._options(tools, max_steps, system, run_config, body),
        )

    def regenerate(
        self,
        *,
        tools: Any = None,
        max_steps: int | None = None,
        system: str | None = None,
        run_config: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> Flow:
        """Flow: drop the last assistant reply and ask again."""
        while self._messages and self._messages[-1]["role"] == "assistant":
            self._messages.pop()
        if not self._messages:
            raise InvalidRequestError("nothing to regenerate: the conversation is empty")
        return self._run(
            trigger="regenerate",
            user=None,
            parent_id=self._messages[-1]["id"],
            source_id=None,
            options=self._options(tools, max_steps, system, run_config, body),
        )

    def resume_tools(
        self,
        *,
        tools: Any = None,
        max_steps: int | None = None,
        system: str | None = None,
        run_config: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> Flow:
        """Flow: continue the last assistant message after its open tool
        calls were answered (:meth:`add_tool_result`, :meth:`respond_to_approval`),
        or run the tools that can answer them now."""
        if not self._messages or self._messages[-1]["role"] != "assistant":
            raise InvalidRequestError("the conversation does not end with an assistant message")
        return self._run(
            trigger="continue",
            user=None,
            parent_id=self._messages[-2]["id"] if len(self._messages) > 1 else None,
            source_id=None,
            options=self._options(tools, max_steps, system, run_config, body),
        )

    def add_tool_result(
        self,
        tool_call_id: str,
        result: Any,
        *,
        is_error: bool = False,
        artifact: Any = None,
        model_content: list[Any] | None = None,
    ) -> None:
        """Answers an open tool call of the last assistant message by hand
        (a declared tool, a human tool); :meth:`resume_tools` continues."""
        reply = ToolReply(result, is_error=is_error, artifact=artifact, model_content=model_content)
        self._apply_outcome(self._last_assistant(), ToolOutcome(tool_call_id, reply=reply))

    def respond_to_approval(
        self, tool_call_id: str, approved: bool, reason: str | None = None
    ) -> None:
        """Records an approval decision for an open tool call by hand."""
        outcome = ToolOutcome(tool_call_id, approval=Approval(approved, reason))
        self._apply_outcome(self._last_assistant(), outcome)

    # -- the loop ------------------------------------------------------------

    def _options(
        self,
        tools: Any,
        max_steps: int | None,
        system: str | None,
        run_config: dict[str, Any] | None,
        body: dict[str, Any] | None,
    ) -> dict[str, Any]:
        merged = dict(self.tools)
        merged.update(_to_tools(tools))
        steps = max_steps if max_steps is not None else self.max_steps
        if steps < 1:
            raise InvalidRequestError("must be at least 1", field="max_steps")
        return {
            "tools": merged,
            "max_steps": steps,
            "system": system if system is not None else self.system,
            "run_config": run_config if run_config is not None else self.run_config,
            "body": {**(self.body or {}), **(body or {})},
        }

    def _run(
        self,
        *,
        trigger: str,
        user: Message | None,
        parent_id: str | None,
        source_id: str | None,
        options: dict[str, Any],
    ) -> Flow:
        if self.in_flight:
            raise UsageError("a run is already in flight on this conversation")
        # Everything that can fail on bad input is checked before the flow
        # starts, so the caller sees it when calling send(), not on next().
        tool_definitions(options["tools"])
        return self._flow(trigger, user, parent_id, source_id, options)

    def _flow(
        self,
        trigger: str,
        user: Message | None,
        parent_id: str | None,
        source_id: str | None,
        options: dict[str, Any],
    ) -> Flow:
        self.in_flight = True
        self._queued_in_flight = 0
        tools: dict[str, Tool] = options["tools"]
        continuing = trigger == "continue"
        assistant_id = self._messages[-1]["id"] if continuing else self._new_id()
        requests = 0
        try:
            if user is not None and self.runtime == "assistant-transport":
                command = add_message_command(user, parent_id=parent_id, source_id=source_id)
                if command is not None:
                    self.pending_commands.append(command)
            proceed = True
            if continuing:
                proceed = yield from self._answer_calls(self._messages[-1], tools)
            while proceed:
                base = self._messages[-1] if continuing else None
                if base is not None:
                    assistant_id = base["id"]
                request = self._request(
                    trigger="continue" if continuing else trigger,
                    assistant_id=assistant_id,
                    parent_id=parent_id,
                    parent_given=requests == 0 and not continuing,
                    options=options,
                )
                requests += 1
                self._queued_in_flight = 0
                self._start_live(base, assistant_id)
                try:
                    reply: Reply = yield request
                except BaseException as exc:
                    self._record_failure(exc)
                    raise
                finally:
                    self._live = None
                if not isinstance(reply, Reply):
                    raise UsageError(f"a SendRequest step is answered with a Reply, got {reply!r}")
                message = self._store_reply(base, reply, assistant_id)
                assistant_id = message["id"]
                continuing = True
                proceed = yield from self._answer_calls(message, tools)
                if proceed and requests >= options["max_steps"]:
                    message["status"] = dict(_STEP_LIMIT)
                    break
                if not proceed and self._queued_in_flight:
                    proceed = True  # commands queued during the run go out now
        finally:
            self.in_flight = False
        result = SendResult(
            message=copy.deepcopy(self._messages[-1]),
            messages=self.messages,
            state=copy.deepcopy(self.state),
            requests=requests,
        )
        self.last_result = result
        return result

    def _answer_calls(self, message: Message, tools: dict[str, Tool]) -> Generator[Step, Any, bool]:
        """Runs what can answer the open calls; True if the run continues."""
        status = message.get("status") or {}
        open_calls = _open_calls(message)
        calls: list[ToolCall] = []
        for part in open_calls:
            tool = tools.get(part["toolName"])
            runnable = tool if tool is not None and tool.function is not None else None
            pending = _pending_approval(part)
            if runnable is None and not pending:
                continue
            if _answered(part) and runnable is None:
                continue
            calls.append(
                ToolCall(
                    tool_call_id=part["toolCallId"],
                    tool_name=part["toolName"],
                    args=copy.deepcopy(part.get("args") or {}),
                    tool=runnable,
                    approval=copy.deepcopy(part.get("approval")),
                    needs_approval=pending
                    or (runnable is not None and runnable.needs_approval and not _answered(part)),
                )
            )
        if calls:
            try:
                outcomes = yield RunTools(tuple(calls))
            except BaseException as exc:
                self._record_failure(exc)
                raise
            for outcome in outcomes or ():
                if not isinstance(outcome, ToolOutcome):
                    raise UsageError(
                        f"a RunTools step is answered with ToolOutcomes, got {outcome!r}"
                    )
                self._apply_outcome(message, outcome)
        parts = [p for p in message["parts"] if p.get("type") == "tool-call"]
        if not parts or not all(_answered(p) for p in parts):
            return False
        if any(_pending_approval(p) for p in parts):
            return False
        return bool(calls) or (
            status.get("type") == "requires-action" and status.get("reason") == "tool-calls"
        )

    def _apply_outcome(self, message: Message, outcome: ToolOutcome) -> None:
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
        if outcome.approval is not None:
            approval = dict(part.get("approval") or {"id": new_id()})
            approval["approved"] = outcome.approval.approved
            if outcome.approval.reason is not None:
                approval["reason"] = outcome.approval.reason
            part["approval"] = approval
            if not outcome.approval.approved:
                reason = outcome.approval.reason or "Tool approval denied"
                outcome = ToolOutcome(
                    outcome.tool_call_id,
                    reply=ToolReply({"error": reason}, is_error=True),
                    approval=outcome.approval,
                )
        reply = outcome.reply
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
        if self.runtime == "ai-sdk":
            self._update_ui_part(message, part)
        elif reply is not None and self.runtime == "assistant-transport":
            self.pending_commands.append(
                add_tool_result_command(
                    tool_call_id=part["toolCallId"],
                    tool_name=part["toolName"],
                    result=reply.result,
                    is_error=reply.is_error,
                    artifact=reply.artifact,
                    model_content=reply.model_content,
                )
            )

    # -- requests --------------------------------------------------------------

    def _request(
        self,
        *,
        trigger: str,
        assistant_id: str,
        parent_id: str | None,
        parent_given: bool,
        options: dict[str, Any],
    ) -> SendRequest:
        tools = list(options["tools"].values())
        body: dict[str, Any]
        if self.runtime == "data-stream":
            user_id = next((m["id"] for m in reversed(self._messages) if m["role"] == "user"), None)
            body = data_stream_body(
                messages=self._messages,
                system=options["system"],
                tools=tools,
                assistant_message_id=assistant_id,
                thread_id=self.thread_id,
                parent_id=user_id,
                run_config=options["run_config"],
                state=self.state,
                call_settings=self.call_settings,
                model_config=self.config,
                extra_body=options["body"],
            )
        elif self.runtime == "ai-sdk":
            last = self._messages[-1] if self._messages else None
            continued = trigger == "continue" and last is not None and last["role"] == "assistant"
            assert self.thread_id is not None
            body = ai_sdk_body(
                chat_id=self.thread_id,
                messages=self.ui_messages,
                trigger="regenerate-message" if trigger == "regenerate" else "submit-message",
                message_id=last["id"] if continued and last is not None else None,
                system=options["system"],
                tools=tools,
                call_settings=self.call_settings,
                config=self.config,
                metadata=options["run_config"],
                extra_body=options["body"],
            )
        else:
            commands, self.pending_commands = self.pending_commands, []
            if self.runtime == "assistant-transport":
                body = assistant_transport_body(
                    commands=commands,
                    state=self.state,
                    system=options["system"],
                    tools=tools if tools else MISSING,
                    thread_id=self.thread_id,
                    parent_id=parent_id if parent_given else MISSING,
                    call_settings=self.call_settings,
                    config=self.config,
                    extra_body=options["body"],
                )
            else:
                from .protocol.sync_server import build_chat_body

                # The seed's body: the whole branch as legacy ``messages``
                # (the original client also converts them into commands),
                # after any queued commands.
                body = build_chat_body(
                    self.thread_id or "",
                    messages=to_model_messages(self._messages, legacy=True),
                    commands=commands or None,
                    system=options["system"],
                    tools=tool_definitions(tools) if tools else None,
                    unstable_assistantMessageId=assistant_id,
                    runConfig=options["run_config"],
                    state=self.state,
                    extra=options["body"] or None,
                )
        uses_state = self.runtime != "ai-sdk"
        return SendRequest(
            body=body,
            encoding=self.encoding,
            initial_state=copy.deepcopy(self.state) if uses_state else None,
            strict=self.strict,
            path=self.path,
        )

    # -- bookkeeping -------------------------------------------------------------

    def _new_id(self) -> str:
        # The AI SDK generates 16 characters, the assistant-ui core 7.
        return new_id(16 if self.runtime == "ai-sdk" else 7)

    def _with_id(self, message: Message) -> Message:
        if not message.get("id"):
            message = {"id": self._new_id(), **message}
        return message

    def _index_of(self, message_id: str) -> int:
        for i, message in enumerate(self._messages):
            if message["id"] == message_id:
                return i
        raise InvalidRequestError(f"no message with id {message_id!r}", field="message_id")

    def _last_assistant(self) -> Message:
        if not self._messages or self._messages[-1]["role"] != "assistant":
            raise InvalidRequestError("the conversation does not end with an assistant message")
        return self._messages[-1]

    def _to_ui(self, message: Message) -> Message:
        ui = to_ui_message(message)
        ui["id"] = message["id"]
        return ui

    def _start_live(self, base: Message | None, assistant_id: str) -> None:
        self._live_base = copy.deepcopy(base)
        self._live_id = assistant_id
        self._live_index = len(self._messages) - 1 if base is not None else len(self._messages)

    def _store_reply(self, base: Message | None, reply: Reply, assistant_id: str) -> Message:
        message_id = assistant_id
        if self.runtime == "ai-sdk" and reply.ui_message and reply.ui_message.get("id"):
            message_id = str(reply.ui_message["id"])
        merged = merge_reply(base, reply.message, message_id)
        if base is not None:
            self._messages[-1] = merged
        else:
            self._messages.append(merged)
        state = (reply.message.get("metadata") or {}).get("unstable_state")
        if state is not None or self.runtime == "assistant-transport":
            self.state = copy.deepcopy(state)
        if self.runtime == "ai-sdk":
            previous = self._ui.pop(assistant_id, None) if base is not None else None
            self._ui[message_id] = self._merge_ui(previous, reply, merged)
        return merged

    def _merge_ui(self, previous: Message | None, reply: Reply, merged: Message) -> Message:
        if reply.ui_message is None:
            return self._to_ui(merged)
        new = copy.deepcopy(reply.ui_message)
        new["id"] = merged["id"]
        if previous is None:
            return new
        parts = previous["parts"]
        by_id = {p.get("toolCallId"): p for p in parts if "toolCallId" in p}
        for part in new.get("parts", []):
            known = by_id.get(part.get("toolCallId")) if "toolCallId" in part else None
            if known is not None:
                known.update({k: v for k, v in part.items() if k != "type"})
            else:
                parts.append(part)
        if isinstance(new.get("metadata"), dict):
            previous["metadata"] = {**previous.get("metadata", {}), **new["metadata"]}
        return previous

    def _update_ui_part(self, message: Message, part: dict[str, Any]) -> None:
        ui = self._ui.setdefault(message["id"], self._to_ui(message))
        converted = to_ui_message({"role": "assistant", "parts": [part]})["parts"][0]
        for ui_part in ui["parts"]:
            if ui_part.get("toolCallId") == part["toolCallId"]:
                for key in ("output", "errorText"):
                    ui_part.pop(key, None)
                ui_part.update({k: v for k, v in converted.items() if k not in ("type", "input")})
                return
        ui["parts"].append(converted)

    def _repair_dangling(self) -> None:
        """Closes tool calls a cancelled or stopped run left open, as the
        runtimes do before the next user message (PROTOCOLS.md 1.3.1 rule 5,
        4.1): data-stream and command shapes get the error result
        ``{"error": "Tool call was not completed"}``, the AI SDK shape
        ``output-error`` with its own text."""
        if not self._messages or self._messages[-1]["role"] != "assistant":
            return
        message = self._messages[-1]
        for part in _open_calls(message):
            if _answered(part):
                continue
            if self.runtime == "ai-sdk":
                result: Any = {"error": CANCELLED_BY_NEW_MESSAGE}
            else:
                result = dict(TOOL_NOT_COMPLETED)
            self._apply_outcome(
                message, ToolOutcome(part["toolCallId"], reply=ToolReply(result, is_error=True))
            )

    def _record_failure(self, exc: BaseException) -> None:
        """Keeps the partial reply with an ``incomplete`` status."""
        live = self._live() if self._live is not None else None
        partial = exc.partial_message if isinstance(exc, StreamError) else None
        snapshot = partial or live
        if snapshot is not None and self._live_id:
            merged = merge_reply(self._live_base, snapshot, self._live_id)
            if (
                self._live_base is not None
                and self._messages
                and self._messages[-1]["role"] == "assistant"
            ):
                self._messages[-1] = merged
            elif self._live_index == len(self._messages):
                self._messages.append(merged)
        if not self._messages or self._messages[-1]["role"] != "assistant":
            return
        message = self._messages[-1]
        status = message.get("status") or {}
        if isinstance(exc, (asyncio.CancelledError, KeyboardInterrupt, GeneratorExit)):
            if status.get("type") in ("running", "requires-action", None):
                message["status"] = dict(_CANCELLED)
            if self.runtime == "assistant-transport":
                self.pending_commands.clear()  # the runtime hands them to onCancel
        elif status.get("type") in ("running", None):
            message["status"] = {
                "type": "incomplete",
                "reason": "error",
                "error": {"code": "unknown", "message": str(exc)},
            }
        if isinstance(exc, StreamError) and exc.state is not None:
            self.state = copy.deepcopy(exc.state)


# ---------------------------------------------------------------------------
# Drivers


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


# ---------------------------------------------------------------------------
# The thread-facing methods


class ConversationMethods:
    """The conversation methods of a thread, for ``ThreadClient`` to inherit.

    The class using it sets ``self.conversation`` (a :class:`Conversation`)
    and provides ``stream_request``/``stream_request_sync``; every method
    here is one flow run by one driver. Options (``tools``, ``max_steps``,
    ``system``, ``run_config``, ``body``) apply to that call only;
    ``approve`` overrides the conversation's approval callback.
    """

    conversation: Conversation

    @property
    def messages(self) -> list[Message]:
        """The conversation in the parts shape, the streaming reply included."""
        return self.conversation.messages

    @property
    def state(self) -> Any:
        """The thread state (assistant-transport), sent back with every request."""
        return self.conversation.state

    async def send(
        self, content: Any, *, approve: ApprovalCallback | None = None, **options: Any
    ) -> SendResult:
        """Sends a user message (a string, parts or a message, either shape)
        and runs the tool loop to its end."""
        flow = self.conversation.send(content, **options)
        return await run_flow(self.conversation, flow, self, approve=approve)

    def send_sync(
        self, content: Any, *, approve: ApprovalCallback | None = None, **options: Any
    ) -> SendResult:
        """The sync twin of :meth:`send`."""
        flow = self.conversation.send(content, **options)
        return run_flow_sync(self.conversation, flow, self, approve=approve)

    def send_stream(
        self, content: Any, *, approve: ApprovalCallback | None = None, **options: Any
    ) -> AsyncGenerator[Event, None]:
        """:meth:`send`, yielding every event as it arrives (the result is
        then ``conversation.last_result``)."""
        flow = self.conversation.send(content, **options)
        return aiter_flow(self.conversation, flow, self, approve=approve)

    def send_stream_sync(
        self, content: Any, *, approve: ApprovalCallback | None = None, **options: Any
    ) -> Generator[Event, None, None]:
        """The sync twin of :meth:`send_stream`."""
        flow = self.conversation.send(content, **options)
        return iter_flow(self.conversation, flow, self, approve=approve)

    async def regenerate(
        self, *, approve: ApprovalCallback | None = None, **options: Any
    ) -> SendResult:
        """Drops the last reply and asks again."""
        flow = self.conversation.regenerate(**options)
        return await run_flow(self.conversation, flow, self, approve=approve)

    def regenerate_sync(
        self, *, approve: ApprovalCallback | None = None, **options: Any
    ) -> SendResult:
        """The sync twin of :meth:`regenerate`."""
        flow = self.conversation.regenerate(**options)
        return run_flow_sync(self.conversation, flow, self, approve=approve)

    async def edit(
        self,
        message_id: str,
        content: Any,
        *,
        approve: ApprovalCallback | None = None,
        **options: Any,
    ) -> SendResult:
        """Replaces a user message (a new branch) and runs."""
        flow = self.conversation.edit(message_id, content, **options)
        return await run_flow(self.conversation, flow, self, approve=approve)

    def edit_sync(
        self,
        message_id: str,
        content: Any,
        *,
        approve: ApprovalCallback | None = None,
        **options: Any,
    ) -> SendResult:
        """The sync twin of :meth:`edit`."""
        flow = self.conversation.edit(message_id, content, **options)
        return run_flow_sync(self.conversation, flow, self, approve=approve)

    async def resume_tools(
        self, *, approve: ApprovalCallback | None = None, **options: Any
    ) -> SendResult:
        """Continues after open tool calls were answered by hand."""
        flow = self.conversation.resume_tools(**options)
        return await run_flow(self.conversation, flow, self, approve=approve)

    def resume_tools_sync(
        self, *, approve: ApprovalCallback | None = None, **options: Any
    ) -> SendResult:
        """The sync twin of :meth:`resume_tools`."""
        flow = self.conversation.resume_tools(**options)
        return run_flow_sync(self.conversation, flow, self, approve=approve)

    def reset(self) -> None:
        """Forgets the conversation, the queued commands and the state."""
        self.conversation.reset()
