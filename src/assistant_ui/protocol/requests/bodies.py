"""Request bodies for the ``"data-stream"``, ``"ai-sdk"`` and
``"assistant-transport"`` runtimes (docs/protocols.md §1.3, 1.4, 1.5, 1.7, 1.8).

Each builder writes the keys in the order the reference writes them and
leaves out every key the reference leaves out (JSON.stringify drops
``undefined``), so a body can be compared byte for byte with what the
frontend would send. ``parentId`` is the one key whose ``null`` means
something (the root); :data:`~assistant_ui.protocol.events.MISSING` leaves it
out. The ``"sync-server"`` body lives in :mod:`.sync_server`.

Builders are pure: they copy nothing they do not need to and never mutate
their arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol, runtime_checkable

from assistant_ui.errors import InvalidRequestError
from assistant_ui.protocol.events import MISSING
from assistant_ui.protocol.requests.messages import to_model_messages

__all__ = [
    "RUNTIMES",
    "ToolLike",
    "ai_sdk_body",
    "assistant_transport_body",
    "data_stream_body",
    "tool_definitions",
]

RUNTIMES = ("sync-server", "data-stream", "ai-sdk", "assistant-transport")
"""Every request shape, by the name the ``runtime=`` option takes."""


@runtime_checkable
class ToolLike(Protocol):
    """Anything with a name and a wire definition (``assistant_ui.Tool``)."""

    name: str

    def definition(self) -> dict[str, Any]:
        """The entry of the request's ``tools`` object."""
        ...


def _utf16_order(name: str) -> bytes:
    # JS sorts strings by UTF-16 code units; big-endian UTF-16 bytes compare
    # the same way, which code-point order does not (astral vs U+E000..FFFF).
    return name.encode("utf-16-be", "surrogatepass")


def tool_definitions(tools: Any) -> dict[str, Any]:
    """The ``tools`` object of a request (docs/protocols.md §1.7), sorted by name.

    Args:
        tools: ``None``; a mapping of name to definition dict (the seed's
            form) or to :class:`~assistant_ui.Tool`; or an iterable of
            ``Tool`` objects.

    Raises:
        InvalidRequestError: for an entry that is neither, or a definition
            whose ``parameters`` is not an object.
    """
    if tools is None:
        return {}
    entries: dict[str, Any] = {}
    if isinstance(tools, Mapping):
        items: Iterable[tuple[Any, Any]] = tools.items()
    else:
        items = ((getattr(t, "name", None), t) for t in tools)
    for name, value in items:
        if not isinstance(name, str):
            raise InvalidRequestError(f"expected a tool name, got {name!r}", field="tools")
        if isinstance(value, ToolLike):
            definition = value.definition()
        elif isinstance(value, Mapping):
            definition = dict(value)
        else:
            raise InvalidRequestError(
                f"expected a Tool or a definition object, got {type(value).__name__}",
                field=f"tools.{name}",
            )
        if "parameters" in definition and not isinstance(definition["parameters"], Mapping):
            raise InvalidRequestError(
                "'parameters' must be a JSON schema object", field=f"tools.{name}"
            )
        entries[name] = definition
    return {name: entries[name] for name in sorted(entries, key=_utf16_order)}


def _set(body: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        body[key] = value


def data_stream_body(
    *,
    messages: Iterable[Any],
    system: str | None = None,
    tools: Any = None,
    assistant_message_id: str | None = None,
    thread_id: str | None = None,
    parent_id: Any = MISSING,
    run_config: Mapping[str, Any] | None = None,
    state: Any = None,
    call_settings: Mapping[str, Any] | None = None,
    model_config: Mapping[str, Any] | None = None,
    extra_body: Mapping[str, Any] | None = None,
    include_message_ids: bool = False,
    legacy_messages: bool = False,
) -> dict[str, Any]:
    """The body ``useDataStreamRuntime`` posts (docs/protocols.md §1.3).

    Args:
        messages: the branch up to the reply, in our shape or the seed's;
            for a continuation, ending with the in-flight assistant message.
        system: the system prompt.
        tools: frontend tools (see :func:`tool_definitions`); ``{}`` is
            always sent.
        assistant_message_id: id of the assistant message being generated,
            the same on every roundtrip of one run.
        thread_id: the remote thread id.
        parent_id: the message the reply attaches to; ``None`` is the root;
            left out when ``MISSING``.
        run_config: ``{"custom": ...}``; ``{}`` is always sent.
        state: the thread's state, left out when ``None``.
        call_settings: ``maxTokens``, ``temperature``, ... spread at the top
            level, as the runtime does.
        model_config: ``apiKey``, ``baseUrl``, ``modelName``,
            ``reasoningEffort``, spread at the top level.
        extra_body: spread last; overrides anything.
        include_message_ids: ``sendExtraMessageFields`` (``unstable_id``).
        legacy_messages: the "language model v1" message shapes.
    """
    body: dict[str, Any] = {}
    _set(body, "system", system)
    body["messages"] = to_model_messages(
        messages, include_ids=include_message_ids, legacy=legacy_messages
    )
    body["tools"] = tool_definitions(tools)
    _set(body, "unstable_assistantMessageId", assistant_message_id)
    _set(body, "threadId", thread_id)
    if parent_id is not MISSING:
        body["parentId"] = parent_id
    body["runConfig"] = dict(run_config or {})
    _set(body, "state", state)
    body.update({k: v for k, v in (call_settings or {}).items() if v is not None})
    body.update({k: v for k, v in (model_config or {}).items() if v is not None})
    body.update(extra_body or {})
    return body


def ai_sdk_body(
    *,
    chat_id: str,
    messages: Iterable[Mapping[str, Any]],
    trigger: str = "submit-message",
    message_id: str | None = None,
    system: str | None = None,
    tools: Any = None,
    call_settings: Mapping[str, Any] | None = None,
    config: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
    extra_body: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The body ``useChatRuntime``'s transport posts (docs/protocols.md §1.4).

    Args:
        chat_id: the thread id (``id``).
        messages: the whole chat as AI SDK ``UIMessage`` dicts (see
            :func:`~assistant_ui.protocol.requests.messages.to_ui_messages`).
        trigger: ``"submit-message"`` or ``"regenerate-message"``.
        message_id: the assistant message being continued or regenerated;
            left out for a new user message.
        system: the system prompt.
        tools: frontend tools; ``{}`` is always sent.
        call_settings: nested as ``callSettings``.
        config: nested model config (``modelName``, ...).
        metadata: the run config of the triggering message.
        extra_body: the user's body, merged before ``id``, ``messages``,
            ``trigger``, ``messageId`` and ``metadata``, which it cannot
            override.
    """
    if trigger not in ("submit-message", "regenerate-message"):
        raise InvalidRequestError(f"unknown trigger {trigger!r}", field="trigger")
    body: dict[str, Any] = {}
    _set(body, "callSettings", dict(call_settings) if call_settings else None)
    _set(body, "system", system)
    _set(body, "config", dict(config) if config else None)
    body["tools"] = tool_definitions(tools)
    body.update(extra_body or {})
    body["id"] = chat_id
    body["messages"] = list(messages)
    body["trigger"] = trigger
    body.pop("messageId", None)
    body.pop("metadata", None)
    _set(body, "messageId", message_id)
    _set(body, "metadata", dict(metadata) if metadata else None)
    return body


def assistant_transport_body(
    *,
    commands: Iterable[Mapping[str, Any]],
    state: Any,
    system: str | None = None,
    tools: Any = MISSING,
    thread_id: str | None = None,
    parent_id: Any = MISSING,
    call_settings: Mapping[str, Any] | None = None,
    config: Mapping[str, Any] | None = None,
    extra_body: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The body ``useAssistantTransportRuntime`` posts (docs/protocols.md §1.5).

    Args:
        commands: every queued command, in creation order.
        state: the client's current state (always sent, ``null`` included).
        system: the system prompt.
        tools: frontend tools; left out when ``MISSING`` (no tools at all in
            the model context), ``{}`` when given but empty.
        thread_id: the remote thread id.
        parent_id: set when a message was sent, edited or reloaded.
        call_settings: nested as ``callSettings`` and also spread at the top
            level (deprecated duplicates the runtime keeps for old backends).
        config: nested as ``config`` and also spread at the top level.
        extra_body: spread last.
    """
    body: dict[str, Any] = {"commands": [dict(c) for c in commands], "state": state}
    _set(body, "system", system)
    if tools is not MISSING:
        body["tools"] = tool_definitions(tools)
    _set(body, "threadId", thread_id)
    if parent_id is not MISSING:
        body["parentId"] = parent_id
    _set(body, "callSettings", dict(call_settings) if call_settings else None)
    _set(body, "config", dict(config) if config else None)
    body.update({k: v for k, v in (call_settings or {}).items() if v is not None})
    body.update({k: v for k, v in (config or {}).items() if v is not None})
    body.update(extra_body or {})
    return body
