"""The body of a one-off call (``thread.chat()``/``stream()``) in any runtime.

A call is given the conversation as the caller has it: messages in either
shape (the seed's ``content`` or the library's ``parts``), commands, a
system prompt, tool definitions, state and extra body keys. It sends them in
the shape of the thread's runtime, as the frontend of that runtime would for
the same conversation. The sync-server shape keeps the seed's contract:
``content``-form messages go out exactly as given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from assistant_ui.errors import InvalidRequestError
from assistant_ui.protocol.ids import new_id
from assistant_ui.protocol.requests.message_shape import normalize_messages
from assistant_ui.protocol.requests.messages import add_message_command
from assistant_ui.protocol.requests.runtimes import RequestInputs, RuntimeSpec
from assistant_ui.protocol.requests.sync_server import validate_commands
from assistant_ui.protocol.requests.ui_messages import to_ui_message

__all__ = ["call_body"]


def _is_list(value: object) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray))


def _seed_shaped(messages: object) -> bool:
    # Anything that is not a list of parts-shaped messages goes to the seed's
    # own validation, which names what is wrong in the seed's terms.
    return not _is_list(messages) or not any(
        isinstance(m, Mapping) and "parts" in m
        for m in messages  # type: ignore[attr-defined]
    )


def call_body(
    spec: RuntimeSpec,
    thread_id: str,
    *,
    messages: Sequence[Any] | None = None,
    commands: Sequence[Mapping[str, Any]] | None = None,
    system: str | None = None,
    tools: Mapping[str, Any] | None = None,
    assistant_message_id: str | None = None,
    run_config: Mapping[str, Any] | None = None,
    state: Any = None,
    extra_body: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON body of one call in the shape of ``spec``.

    Raises:
        InvalidRequestError: a malformed message (naming its index and field)
            or other bad input, before anything is sent.
    """
    seed: Sequence[Mapping[str, Any]] | None = None
    if spec.sends_seed_messages and messages is not None and _seed_shaped(messages):
        seed = messages  # validated, and sent unchanged, by the seed's builder
        normalized: list[dict[str, Any]] = []
    else:
        if messages is not None and not _is_list(messages):
            raise InvalidRequestError(
                f"must be a list of messages, got {type(messages).__name__}", field="messages"
            )
        normalized = [
            m if m.get("id") else {"id": new_id(spec.id_length), **m}
            for m in normalize_messages(messages)
        ]
    if commands is not None:
        validate_commands(commands)
    queued = [dict(c) for c in commands or ()]
    if not queued and spec.user_messages_as_commands and normalized:
        last = normalized[-1]
        if last["role"] == "user":
            parent = normalized[-2]["id"] if len(normalized) > 1 else None
            command = add_message_command(last, parent_id=parent)
            queued = [command] if command is not None else []
    inputs = RequestInputs(
        thread_id=thread_id,
        messages=normalized,
        ui_messages=(
            [{**to_ui_message(m), "id": m["id"]} for m in normalized]
            if spec.keeps_ui_messages
            else ()
        ),
        state=state,
        commands=queued,
        system=system,
        tools=tools or (),
        run_config=cast("dict[str, Any] | None", run_config),  # each shape checks its type
        extra_body=dict(extra_body or {}),
        assistant_id=assistant_message_id or "",
        parent_id=normalized[-1]["id"] if normalized else None,
        seed_messages=seed,
    )
    return spec.build_body(inputs)
