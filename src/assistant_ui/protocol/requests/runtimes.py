"""The table of runtimes (request shapes): one :class:`RuntimeSpec` per
assistant-ui frontend runtime.

Everything that differs between runtimes is in its row: how the request body
is built, what history the conversation keeps to build it (the AI SDK's
UIMessages, assistant-transport's command queue and state), how history
continues after a reply, the ids the frontend generates, the endpoint and
reply encoding it expects, and what the CLI does with it. The conversation
layer, the client and the CLI read this table; no other module compares
runtime names. Adding a runtime is one module holding its body builder plus
one row here (CONTRIBUTING.md, "How to add a runtime").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from assistant_ui.errors import InvalidRequestError
from assistant_ui.protocol.events import MISSING
from assistant_ui.protocol.ids import AI_SDK_ID_LENGTH, ASSISTANT_UI_ID_LENGTH
from assistant_ui.protocol.requests.bodies import (
    ToolLike,
    ai_sdk_body,
    assistant_transport_body,
    data_stream_body,
    tool_definitions,
)
from assistant_ui.protocol.requests.message_shape import TOOL_NOT_COMPLETED
from assistant_ui.protocol.requests.model_messages import to_model_messages
from assistant_ui.protocol.requests.sync_server import build_chat_body

__all__ = [
    "CANCELLED_BY_NEW_MESSAGE",
    "RUNTIMES",
    "RUNTIME_NAMES",
    "RequestInputs",
    "RuntimeName",
    "RuntimeSpec",
    "runtime_named",
]

CANCELLED_BY_NEW_MESSAGE: Final = "User cancelled tool call by sending a new message."
"""The AI SDK's error text for a tool call a new user message left open."""


@dataclass(frozen=True, slots=True)
class RequestInputs:
    """Everything one request of a run carries, whatever its shape.

    Attributes:
        thread_id: the thread id (the AI SDK's chat id).
        messages: the history in the library's parts shape.
        ui_messages: the history as the AI SDK holds it (``keeps_ui_messages``).
        state: the thread state.
        commands: the queued commands (``sends_commands``).
        system: the system prompt.
        tools: the frontend tools offered.
        run_config: ``{"custom": ...}`` (data-stream ``runConfig``, AI SDK
            ``metadata``).
        call_settings: ``temperature``, ``maxTokens``, ... (docs/protocols.md §1.8).
        config: ``modelName``, ``apiKey``, ... (§1.8).
        extra_body: extra keys merged into the body.
        trigger: ``"submit"``, ``"regenerate"`` or ``"continue"``.
        assistant_id: the id of the assistant message being written.
        parent_id: the message the new one follows.
        first_request: the first request of a new message (assistant-transport
            sends ``parentId`` then only).
        seed_messages: for the sync-server shape, the caller's own
            ``content``-form messages, sent as they are (the seed's contract);
            ``None`` converts ``messages``.
    """

    thread_id: str | None
    messages: Sequence[dict[str, Any]]
    ui_messages: Sequence[dict[str, Any]] = ()
    state: Any = None
    commands: Sequence[dict[str, Any]] = ()
    system: str | None = None
    tools: Sequence[ToolLike] | Mapping[str, Mapping[str, Any]] = ()
    run_config: dict[str, Any] | None = None
    call_settings: dict[str, Any] | None = None
    config: dict[str, Any] | None = None
    extra_body: dict[str, Any] = field(default_factory=dict)
    trigger: str = "submit"
    assistant_id: str = ""
    parent_id: str | None = None
    first_request: bool = True
    seed_messages: Sequence[Mapping[str, Any]] | None = None


def _sync_server(inputs: RequestInputs) -> dict[str, Any]:
    # The seed's body: the whole branch as legacy ``messages`` (the original
    # client also converts them into commands), after any queued commands.
    messages = inputs.seed_messages
    if messages is None and inputs.messages:
        messages = to_model_messages(inputs.messages, legacy=True)
    return build_chat_body(
        inputs.thread_id or "",
        messages=messages,
        commands=list(inputs.commands) or None,
        system=inputs.system,
        # A caller's seed tools mapping goes out as given (validated there).
        tools=(
            inputs.tools
            if isinstance(inputs.tools, Mapping)
            else tool_definitions(inputs.tools)
            if inputs.tools
            else None
        ),
        unstable_assistantMessageId=inputs.assistant_id or None,
        runConfig=inputs.run_config,
        state=inputs.state,
        extra=inputs.extra_body or None,
    )


def _data_stream(inputs: RequestInputs) -> dict[str, Any]:
    messages = inputs.messages
    user_id = next((m["id"] for m in reversed(messages) if m["role"] == "user"), None)
    return data_stream_body(
        messages=messages,
        system=inputs.system,
        tools=inputs.tools,
        assistant_message_id=inputs.assistant_id or None,
        thread_id=inputs.thread_id,
        parent_id=user_id,
        run_config=inputs.run_config,
        state=inputs.state,
        call_settings=inputs.call_settings,
        model_config=inputs.config,
        extra_body=inputs.extra_body,
    )


def _ai_sdk(inputs: RequestInputs) -> dict[str, Any]:
    messages = inputs.messages
    last = messages[-1] if messages else None
    continued = inputs.trigger == "continue" and last is not None and last["role"] == "assistant"
    if inputs.thread_id is None:
        raise InvalidRequestError("the AI SDK shape needs a chat id", field="thread_id")
    return ai_sdk_body(
        chat_id=inputs.thread_id,
        messages=inputs.ui_messages,
        trigger="regenerate-message" if inputs.trigger == "regenerate" else "submit-message",
        message_id=last["id"] if continued and last is not None else None,
        system=inputs.system,
        tools=inputs.tools,
        call_settings=inputs.call_settings,
        config=inputs.config,
        metadata=inputs.run_config,
        extra_body=inputs.extra_body,
    )


def _assistant_transport(inputs: RequestInputs) -> dict[str, Any]:
    return assistant_transport_body(
        commands=inputs.commands,
        state=inputs.state,
        system=inputs.system,
        tools=inputs.tools if inputs.tools else MISSING,
        thread_id=inputs.thread_id,
        parent_id=inputs.parent_id if inputs.first_request else MISSING,
        call_settings=inputs.call_settings,
        config=inputs.config,
        extra_body=inputs.extra_body,
    )


@dataclass(frozen=True, slots=True)
class RuntimeSpec:
    """One request shape and everything that differs with it.

    Attributes:
        name: what ``runtime=`` takes.
        frontend: the assistant-ui runtime that sends this shape.
        build_body: the JSON body of one request.
        default_encoding: the reply encoding detection falls back to.
        endpoint: where the frontend posts by default (the CLI's default path).
        id_length: length of the message ids the frontend generates.
        generates_thread_id: the frontend makes up a chat id when none is given.
        keeps_ui_messages: the history is also kept as AI SDK UIMessages, which
            are what is sent; a reply's UIMessage id becomes the message id.
        sends_commands: queued commands go out with the next request.
        user_messages_as_commands: a new user message is queued as an
            ``add-message`` command.
        tool_results_as_commands: a frontend tool's result is queued as an
            ``add-tool-result`` command.
        sends_state: the thread state goes with each request, and replies'
            state operations apply to it.
        replaces_state: every reply replaces the thread state (with its own,
            or with nothing).
        dangling_result: the error result given to a tool call a cancelled
            run left open, before the next request.
        drops_commands_on_cancel: a cancelled run forgets queued commands (the
            runtime hands them to its ``onCancel``).
        cancels_on_server: the CLI asks the cancel endpoint after Ctrl-C.
        sends_seed_messages: ``content``-form messages given to a one-off call
            go out as they are (the original client's contract).
    """

    name: str
    frontend: str
    build_body: Callable[[RequestInputs], dict[str, Any]]
    default_encoding: str
    endpoint: str = "/api/chat"
    id_length: int = ASSISTANT_UI_ID_LENGTH
    generates_thread_id: bool = False
    keeps_ui_messages: bool = False
    sends_commands: bool = False
    user_messages_as_commands: bool = False
    tool_results_as_commands: bool = False
    sends_state: bool = True
    replaces_state: bool = False
    dangling_result: Any = field(default_factory=lambda: dict(TOOL_NOT_COMPLETED))
    drops_commands_on_cancel: bool = False
    cancels_on_server: bool = False
    sends_seed_messages: bool = False


RUNTIMES: Final[tuple[RuntimeSpec, ...]] = (
    RuntimeSpec(
        "sync-server",
        "the original assistant-ui-sync-server-api client",
        _sync_server,
        default_encoding="data-stream",
        sends_commands=True,
        cancels_on_server=True,
        sends_seed_messages=True,
    ),
    RuntimeSpec(
        "data-stream",
        "useDataStreamRuntime",
        _data_stream,
        default_encoding="data-stream",
    ),
    RuntimeSpec(
        "ai-sdk",
        "useChatRuntime",
        _ai_sdk,
        default_encoding="ui-message-stream",
        id_length=AI_SDK_ID_LENGTH,
        generates_thread_id=True,
        keeps_ui_messages=True,
        sends_state=False,
        dangling_result={"error": CANCELLED_BY_NEW_MESSAGE},
    ),
    RuntimeSpec(
        "assistant-transport",
        "useAssistantTransportRuntime",
        _assistant_transport,
        default_encoding="assistant-transport",
        endpoint="/assistant",
        sends_commands=True,
        user_messages_as_commands=True,
        tool_results_as_commands=True,
        replaces_state=True,
        drops_commands_on_cancel=True,
    ),
)
"""Every runtime; the first is the default."""

RUNTIME_NAMES: Final[tuple[str, ...]] = tuple(spec.name for spec in RUNTIMES)
"""Every name ``runtime=`` accepts."""

RuntimeName = Literal["sync-server", "data-stream", "ai-sdk", "assistant-transport"]
"""The names of :data:`RUNTIMES`, for type checkers (a test keeps them equal)."""

_BY_NAME: Final = {spec.name: spec for spec in RUNTIMES}


def runtime_named(name: str) -> RuntimeSpec:
    """The row of a runtime name.

    Raises:
        InvalidRequestError: for a name not in :data:`RUNTIME_NAMES`.
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        raise InvalidRequestError(
            f"unknown runtime {name!r} (expected one of {', '.join(RUNTIME_NAMES)})",
            field="runtime",
        ) from None
