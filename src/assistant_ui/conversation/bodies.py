"""The request body of one step of a run, in the conversation's runtime
shape (PROTOCOLS.md 1.3 data-stream, 1.4 AI SDK, 1.5 assistant-transport,
1.6 sync-server). Pure: the conversation passes in everything it sends."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..protocol.events import MISSING
from ..protocol.messages import to_model_messages
from ..protocol.requests import (
    ai_sdk_body,
    assistant_transport_body,
    data_stream_body,
    tool_definitions,
)
from ..protocol.sync_server import build_chat_body
from .steps import Message, RunSettings

__all__ = ["BodyInputs", "request_body"]


@dataclass(frozen=True, slots=True)
class BodyInputs:
    """What one request carries.

    Attributes:
        runtime: the request shape.
        thread_id: the thread id (required for the AI SDK shape).
        messages: the history in our parts shape.
        ui_messages: the history as the AI SDK holds it.
        state: the thread state.
        commands: the queued commands (command shapes).
        call_settings: ``temperature``, ``maxTokens``, ... (1.8).
        config: ``modelName``, ``apiKey``, ... (1.8).
    """

    runtime: str
    thread_id: str | None
    messages: list[Message]
    ui_messages: list[Message]
    state: Any
    commands: list[dict[str, Any]]
    call_settings: dict[str, Any] | None
    config: dict[str, Any] | None


def request_body(
    inputs: BodyInputs,
    settings: RunSettings,
    *,
    trigger: str,
    assistant_id: str,
    parent_id: str | None,
    parent_given: bool,
) -> dict[str, Any]:
    """The JSON body of one request.

    Args:
        inputs: the conversation's side.
        settings: the run's options.
        trigger: ``"submit"``, ``"regenerate"`` or ``"continue"``.
        assistant_id: the id of the assistant message being written.
        parent_id: the message the new one follows.
        parent_given: the assistant-transport shape sends ``parentId``
            (first request of a new message only).
    """
    tools = list(settings.tools.values())
    messages = inputs.messages
    if inputs.runtime == "data-stream":
        user_id = next((m["id"] for m in reversed(messages) if m["role"] == "user"), None)
        return data_stream_body(
            messages=messages,
            system=settings.system,
            tools=tools,
            assistant_message_id=assistant_id,
            thread_id=inputs.thread_id,
            parent_id=user_id,
            run_config=settings.run_config,
            state=inputs.state,
            call_settings=inputs.call_settings,
            model_config=inputs.config,
            extra_body=settings.body,
        )
    if inputs.runtime == "ai-sdk":
        last = messages[-1] if messages else None
        continued = trigger == "continue" and last is not None and last["role"] == "assistant"
        assert inputs.thread_id is not None
        return ai_sdk_body(
            chat_id=inputs.thread_id,
            messages=inputs.ui_messages,
            trigger="regenerate-message" if trigger == "regenerate" else "submit-message",
            message_id=last["id"] if continued and last is not None else None,
            system=settings.system,
            tools=tools,
            call_settings=inputs.call_settings,
            config=inputs.config,
            metadata=settings.run_config,
            extra_body=settings.body,
        )
    if inputs.runtime == "assistant-transport":
        return assistant_transport_body(
            commands=inputs.commands,
            state=inputs.state,
            system=settings.system,
            tools=tools if tools else MISSING,
            thread_id=inputs.thread_id,
            parent_id=parent_id if parent_given else MISSING,
            call_settings=inputs.call_settings,
            config=inputs.config,
            extra_body=settings.body,
        )
    # The seed's body: the whole branch as legacy ``messages`` (the original
    # client also converts them into commands), after any queued commands.
    return build_chat_body(
        inputs.thread_id or "",
        messages=to_model_messages(messages, legacy=True),
        commands=inputs.commands or None,
        system=settings.system,
        tools=tool_definitions(tools) if tools else None,
        unstable_assistantMessageId=assistant_id,
        runConfig=settings.run_config,
        state=inputs.state,
        extra=settings.body or None,
    )
