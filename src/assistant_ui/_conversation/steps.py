"""The steps a conversation flow yields, the outcomes it is sent back, and
what a run produces (see :mod:`assistant_ui._conversation`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator, Iterable
from dataclasses import dataclass, field
from typing import Any, Final, TypedDict

from assistant_ui._http.request import RequestOptions
from assistant_ui._reply import ReplyView
from assistant_ui._tools.tool import Tool, ToolReply
from assistant_ui.protocol.encodings import EncodingName
from assistant_ui.protocol.requests.runtimes import RuntimeName
from assistant_ui.types import AssistantStreamMessage, JSONValue, ThreadMessage, Usage

__all__ = [
    "DEFAULT_MAX_STEPS",
    "Approval",
    "ApprovalCallback",
    "Flow",
    "Message",
    "Reply",
    "RunOptions",
    "RunSettings",
    "RunTools",
    "SendRequest",
    "SendResult",
    "Step",
    "ToolCall",
    "ToolOutcome",
]

DEFAULT_MAX_STEPS: Final = 5
"""Requests one ``send`` may make (the first one included). The reference
data-stream runtime caps at 2 *model steps* reported by the server; we count
requests instead, which works with servers that send no step frames."""

Message = dict[str, Any]

"""The AI SDK runtime's error text for a call left unanswered (docs/protocols.md §4.1)."""


@dataclass(frozen=True, slots=True)
class SendRequest:
    """Step: POST ``body`` and send back a :class:`Reply`.

    Attributes:
        body: the JSON body in the runtime's shape.
        encoding: force this reply encoding (``None`` detects it).
        initial_state: the state the reply's state operations start from.
        strict: decode exactly as the reference.
        options: the run's request options (``path``, ``timeout``,
            ``extra_headers``, ...; ``extra_body`` is already in ``body``).
    """

    body: dict[str, Any]
    encoding: str | None = None
    initial_state: Any = None
    strict: bool = False
    options: RequestOptions = field(default_factory=lambda: RequestOptions())


@dataclass(frozen=True, slots=True)
class Reply:
    """Outcome of a :class:`SendRequest`.

    Attributes:
        message: the decoded assistant message of this one response.
        ui_message: the AI SDK UIMessage, when the reply was a UI message
            stream and the stream exposes it.
        usage: the token usage the server reported for this response.
        finish_reason: the finish reason the server sent.
    """

    message: Message
    ui_message: Message | None = None
    usage: dict[str, Any] | None = None
    finish_reason: str | None = None


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
class SendResult(ReplyView):
    """What a ``send`` (or ``regenerate``, ``edit``, ...) produced.

    It reads the reply as :class:`~assistant_ui.ChatResponse` does
    (``output_text``, ``reasoning``, ``tool_calls``, ``sources``,
    ``status``), over every request of the run.

    Attributes:
        message: the assistant message, over every request of the run.
        messages: the conversation afterwards (can be sent back as it is).
        state: the thread state afterwards.
        requests: how many requests the run made.
        usage: the token usage of the run, added up over its requests.
        finish_reason: the last finish reason the server sent.
    """

    message: AssistantStreamMessage
    messages: list[ThreadMessage]
    state: JSONValue = None
    requests: int = 0
    usage: Usage | None = None
    finish_reason: str | None = None

    @property
    def text(self) -> str:
        """The older name of :attr:`output_text`."""
        return self.output_text


Step = SendRequest | RunTools
Flow = Generator[Step, Any, SendResult]
ApprovalCallback = Callable[[ToolCall], bool | Approval | Awaitable[bool | Approval]]


@dataclass(frozen=True, slots=True)
class RunSettings:
    """The options of one run: the conversation's, overridden by the call's.

    Attributes:
        tools: every tool the run may use, by name.
        max_steps: the most requests the run makes.
        system: the system prompt.
        run_config: ``{"custom": ...}`` (data-stream ``runConfig``, AI SDK
            ``metadata``).
        body: extra keys merged into every body.
        request: the transport options of every request of the run.
    """

    tools: dict[str, Tool]
    max_steps: int
    system: str | None
    run_config: dict[str, Any] | None
    body: dict[str, Any]
    request: RequestOptions = field(default_factory=lambda: RequestOptions())


class ConversationOptions(TypedDict, total=False):
    """The options of a kept conversation (``client.threads(id, ...)``).

    Keys: ``messages`` (a history to start from, either shape), ``tools``
    (``@assistant_ui.tool`` functions, ``Tool`` objects or seed tool dicts),
    ``approve`` (approval callback), ``system``, ``max_steps``, ``state``
    (the initial assistant-transport state), ``path`` (endpoint override),
    ``call_settings``, ``config``, ``run_config``, ``body`` (extra body keys),
    ``max_attachment_bytes`` (the size limit of one attachment; ``None``: none).
    """

    messages: Iterable[Any] | None
    tools: Any
    approve: ApprovalCallback | None
    system: str | None
    max_steps: int
    state: Any
    path: str | None
    call_settings: dict[str, Any] | None
    config: dict[str, Any] | None
    run_config: dict[str, Any] | None
    body: dict[str, Any] | None
    max_attachment_bytes: int | None


class ThreadOptions(ConversationOptions, total=False):
    """The options of ``client.threads(id, ...)``: the conversation's, and
    ``runtime`` (default: the client's), ``encoding`` (force the reply
    encoding) and ``strict`` (decode exactly as the reference does)."""

    runtime: RuntimeName
    encoding: EncodingName | None
    strict: bool


class RunOptions(RequestOptions, total=False):
    """The per-call options of ``send``, ``edit``, ``regenerate`` and
    ``resume_tools``; each overrides the conversation's for that run.

    Keys: ``tools`` (added to the conversation's), ``max_steps``,
    ``system``, ``run_config``, ``extra_body`` (merged into the
    conversation's ``body``; ``body`` is its older name), and the request
    options of every request of the run (``timeout``, ``extra_headers``,
    ``extra_query``, ``max_retries``, ``path``).
    """

    tools: Any
    max_steps: int | None
    system: str | None
    run_config: dict[str, Any] | None
    body: dict[str, Any] | None
