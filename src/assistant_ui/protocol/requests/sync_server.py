"""The sync-server request flavour (docs/protocols.md §1.6), without I/O.

The original Python client POSTs ``{"threadId", "messages", "commands", ...}``
to ``/api/chat`` and ``{"threadId"}`` to ``/api/cancel``. This module builds
those bodies, validates the caller's input first (so obviously bad input is
rejected with the offending field named before anything is sent), and
converts ``content``-form messages into commands.

The original's conversion dropped system messages, file parts and tool
calls; :func:`messages_to_commands` keeps every one of them (its docstring
says what each becomes).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from assistant_ui.errors import InvalidRequestError, StreamDecodeError
from assistant_ui.protocol.json_text import check_json_depth

__all__ = [
    "build_cancel_body",
    "build_chat_body",
    "check_encodable_depth",
    "encode_json_body",
    "messages_to_commands",
    "validate_commands",
    "validate_messages",
    "validate_thread_id",
]

_ROLES: Final = ("system", "user", "assistant", "tool")

# String fields each known part type must carry. Unknown part types pass
# unchecked: a newer backend may accept parts we do not know.
_PART_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "text": ("text",),
    "image": ("image",),
    "file": ("data",),
    "tool-call": ("toolCallId", "toolName"),
    "tool-result": ("toolCallId", "toolName"),
}


def _is_list(value: object) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray))


def validate_thread_id(thread_id: object) -> str:
    """Returns ``thread_id`` if it is a non-blank string.

    Raises:
        InvalidRequestError: naming ``thread_id``.
    """
    if not isinstance(thread_id, str):
        raise InvalidRequestError(
            f"must be a string, got {type(thread_id).__name__}", field="thread_id"
        )
    if not thread_id.strip():
        raise InvalidRequestError("must not be empty", field="thread_id")
    return thread_id


def _validate_part(part: object, field: str) -> None:
    if not isinstance(part, Mapping):
        raise InvalidRequestError(
            f"a part must be an object, got {type(part).__name__}", field=field
        )
    part_type = part.get("type")
    if not isinstance(part_type, str):
        raise InvalidRequestError("a part needs a string 'type'", field=f"{field}.type")
    for key in _PART_FIELDS.get(part_type, ()):
        if not isinstance(part.get(key), str):
            raise InvalidRequestError(
                f"a {part_type!r} part needs {key!r} to be a string", field=f"{field}.{key}"
            )
    if part_type == "tool-call" and "args" in part and not isinstance(part["args"], Mapping):
        raise InvalidRequestError("tool-call args must be an object", field=f"{field}.args")


def validate_messages(messages: object) -> None:
    """Checks that ``messages`` is a list of ``content``-form messages.

    Each message needs a ``role`` (system, user, assistant or tool) and a
    ``content`` that is a string (not for tool messages) or a list of parts,
    each an object with a string ``type``; text, image, file, tool-call and
    tool-result parts need their defining fields.

    Raises:
        InvalidRequestError: naming the offending field, e.g.
            ``messages[1].content[0].text``.
    """
    if not _is_list(messages):
        raise InvalidRequestError(
            f"must be a list of messages, got {type(messages).__name__}", field="messages"
        )
    assert isinstance(messages, Sequence)
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(message, Mapping):
            raise InvalidRequestError(
                f"a message must be an object, got {type(message).__name__}", field=where
            )
        role = message.get("role")
        if role is None:
            raise InvalidRequestError("a message needs a 'role'", field=f"{where}.role")
        if role not in _ROLES:
            raise InvalidRequestError(
                f"unknown role {role!r} (expected one of {', '.join(_ROLES)})",
                field=f"{where}.role",
            )
        if "content" not in message:
            raise InvalidRequestError("a message needs 'content'", field=f"{where}.content")
        content = message["content"]
        if isinstance(content, str) and role != "tool":
            continue
        if not _is_list(content):
            allowed = "a list of parts" if role == "tool" else "a string or a list of parts"
            raise InvalidRequestError(
                f"must be {allowed}, got {type(content).__name__}", field=f"{where}.content"
            )
        for j, part in enumerate(content):
            _validate_part(part, f"{where}.content[{j}]")


def validate_commands(commands: object) -> None:
    """Checks that ``commands`` is a list of objects with a string ``type``.

    Raises:
        InvalidRequestError: naming the offending field.
    """
    if not _is_list(commands):
        raise InvalidRequestError(
            f"must be a list of commands, got {type(commands).__name__}", field="commands"
        )
    assert isinstance(commands, Sequence)
    for i, command in enumerate(commands):
        if not isinstance(command, Mapping):
            raise InvalidRequestError(
                f"a command must be an object, got {type(command).__name__}",
                field=f"commands[{i}]",
            )
        if not isinstance(command.get("type"), str):
            raise InvalidRequestError(
                "a command needs a string 'type'", field=f"commands[{i}].type"
            )


def _validate_tools(tools: object) -> None:
    if not isinstance(tools, Mapping):
        raise InvalidRequestError(
            f"must be an object keyed by tool name, got {type(tools).__name__}", field="tools"
        )
    for name, tool in tools.items():
        if not isinstance(name, str):
            raise InvalidRequestError(f"tool names must be strings, got {name!r}", field="tools")
        if not isinstance(tool, Mapping):
            raise InvalidRequestError(
                f"a tool must be an object, got {type(tool).__name__}", field=f"tools.{name}"
            )
        if "parameters" in tool and not isinstance(tool["parameters"], Mapping):
            raise InvalidRequestError(
                "must be a JSON Schema object", field=f"tools.{name}.parameters"
            )


def _check_type(value: object, expected: type, name: str, field: str) -> None:
    if value is not None and not isinstance(value, expected):
        raise InvalidRequestError(f"must be {name}, got {type(value).__name__}", field=field)


def _text_parts(content: str | Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return [dict(part) for part in content]


def _tool_result_command(part: Mapping[str, Any]) -> dict[str, Any]:
    # The original always wrote "artifact" (null when unset); backends
    # written for it may index the key, so it stays.
    return {
        "type": "add-tool-result",
        "toolCallId": part["toolCallId"],
        "toolName": part["toolName"],
        "result": part.get("result"),
        "isError": bool(part.get("isError", False)),
        "artifact": part.get("artifact"),
    }


def messages_to_commands(messages: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Converts ``content``-form messages to assistant-transport commands.

    In message order:

    - a system, user or assistant message becomes one ``add-message``
      command with that ``role`` and every part of the message in
      ``message.parts`` (text, image, file, tool-call and any other part,
      copied unchanged; a string ``content`` becomes one text part; the
      message's ``id`` is kept when it has one). Like the original, no
      ``parentId``/``sourceId`` keys are written;
    - each ``tool-result`` part (normally in a tool message) becomes an
      ``add-tool-result`` command with ``toolCallId``, ``toolName``,
      ``result``, ``isError`` (default ``false``) and ``artifact`` (``null``
      when unset), right after the ``add-message`` of its message if any;
    - a message left with no parts produces no ``add-message``; a tool
      message produces only ``add-tool-result`` commands (commands have no
      tool role).

    The input must have passed :func:`validate_messages`.
    """
    commands: list[dict[str, Any]] = []
    for message in messages:
        parts = _text_parts(message["content"])
        kept = [p for p in parts if p.get("type") != "tool-result"]
        if kept and message["role"] != "tool":
            body: dict[str, Any] = {"role": message["role"], "parts": kept}
            if isinstance(message.get("id"), str):
                body["id"] = message["id"]
            commands.append({"type": "add-message", "message": body})
        commands.extend(_tool_result_command(p) for p in parts if p.get("type") == "tool-result")
    return commands


def build_chat_body(
    thread_id: str,
    *,
    messages: Sequence[Mapping[str, Any]] | None = None,
    commands: Sequence[Mapping[str, Any]] | None = None,
    system: str | None = None,
    tools: Mapping[str, Any] | None = None,
    unstable_assistantMessageId: str | None = None,
    runConfig: Mapping[str, Any] | None = None,
    state: Any = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Validates the arguments and builds the ``/api/chat`` body (docs/protocols.md §1.6).

    Keys, in order: ``threadId``; ``messages`` (unchanged) when given;
    ``commands`` (the explicit ones, then those converted from ``messages``
    by :func:`messages_to_commands`) when either was given; then
    ``system``, ``tools``, ``unstable_assistantMessageId``, ``runConfig``
    and ``state`` when not ``None``; then ``extra``, which overrides
    anything.

    Raises:
        InvalidRequestError: naming the first offending field.
    """
    body: dict[str, Any] = {"threadId": validate_thread_id(thread_id)}
    if messages is not None:
        validate_messages(messages)
        body["messages"] = list(messages)
    if commands is not None:
        validate_commands(commands)
    if commands is not None or messages is not None:
        converted = messages_to_commands(messages) if messages is not None else []
        body["commands"] = [dict(c) for c in commands or ()] + converted
    _check_type(system, str, "a string", "system")
    if tools is not None:
        _validate_tools(tools)
    _check_type(unstable_assistantMessageId, str, "a string", "unstable_assistantMessageId")
    _check_type(runConfig, Mapping, "an object", "runConfig")
    optional = {
        "system": system,
        "tools": dict(tools) if tools is not None else None,
        "unstable_assistantMessageId": unstable_assistantMessageId,
        "runConfig": dict(runConfig) if runConfig is not None else None,
        "state": state,
    }
    body.update((key, value) for key, value in optional.items() if value is not None)
    if extra:
        body.update(extra)
    return body


def build_cancel_body(thread_id: str) -> dict[str, Any]:
    """The ``/api/cancel`` body: ``{"threadId": thread_id}``."""
    return {"threadId": validate_thread_id(thread_id)}


def encode_json_body(body: Mapping[str, Any]) -> bytes:
    """Serialises a request body as compact UTF-8 JSON, like ``JSON.stringify``.

    Every request the client sends is encoded here, so this is where a value
    nested too deep to encode (or self-referencing) is refused.

    Raises:
        InvalidRequestError: a value is not JSON-serialisable (NaN or
            infinite, nested deeper than :data:`MAX_REQUEST_DEPTH`, or
            circular); names the top-level key that holds it.
    """
    try:
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        _check_request_depth(text)
        return text.encode()
    except RecursionError as exc:
        # Raised by the encoder once the value nests past the interpreter's
        # recursion limit: the request cannot be written, so it is bad input.
        error = InvalidRequestError(
            "is nested too deeply to encode as JSON", field=_bad_field(body)
        )
        raise error from exc
    except (TypeError, ValueError) as exc:
        raise InvalidRequestError(
            f"is not JSON-serialisable: {exc}", field=_bad_field(body)
        ) from exc


def check_encodable_depth(value: Any, *, field: str) -> None:
    """Refuses a value nested too deeply to be encoded in a request later
    (a tool result, say), at the moment it is given rather than when some
    copy of it fails.

    Raises:
        InvalidRequestError: the value nests deeper than :data:`MAX_REQUEST_DEPTH`.
    """
    try:
        _check_request_depth(json.dumps(value, default=repr))
    except RecursionError:
        raise InvalidRequestError("is nested too deeply to encode as JSON", field=field) from None
    except (TypeError, ValueError):
        pass  # other faults are reported where the request body is encoded


MAX_REQUEST_DEPTH: Final = 900
"""How deep a request value may nest. Fixed rather than "whatever the
interpreter's encoder can walk", which differs between Python versions (3.13
walks deeper than 3.11); below that on every supported version, and far above
anything a conversation holds."""


def _check_request_depth(text: str) -> None:
    try:
        check_json_depth(text, MAX_REQUEST_DEPTH)
    except StreamDecodeError:
        raise RecursionError("nested too deeply") from None  # handled like the encoder's own


def _bad_field(body: Mapping[str, Any]) -> str | None:
    return next((key for key, value in body.items() if not _serialisable(value)), None)


def _serialisable(value: Any) -> bool:
    try:
        _check_request_depth(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError, RecursionError):
        return False
    return True
