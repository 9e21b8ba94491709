"""Message normalisation and conversions between our shape and every
request shape (docs/protocols.md §1.3.1, 1.4.1, 1.5.1, 3.2, 3.9).

Strategy: one message shape out, two in (docs/ARCHITECTURE.md). The library's own
shape is the ``parts`` message of docs/protocols.md §3.2 (``{"id", "role",
"parts", ...}``); :func:`normalize_messages` also accepts the seed's
``content`` form, plain strings and bare part lists, and folds the seed's
``role: "tool"`` messages into the tool calls they answer. Every converter
takes normalised messages and is a pure function of plain dicts, so each
pair (``to_x``/``from_x``) can be checked by a round trip.

This module is the one import for all of it: normalisation lives in
:mod:`.message_shape`, model messages (1.3.1) in :mod:`.model_messages`,
UIMessages (1.4.1, 3.9) in :mod:`.ui_conversion`; the assistant-transport
commands (1.5.1) are below.

The converters keep everything the target shape can hold. What a shape
cannot hold is dropped, as the reference does: model messages carry no
reasoning, sources or data; assistant-transport ``add-message`` commands
carry only text and image parts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assistant_ui.protocol.requests.message_shape import (
    TOOL_NOT_COMPLETED,
    Message,
    args_text,
    infer_image_media_type,
    invalid,
    normalize_message,
    normalize_messages,
)
from assistant_ui.protocol.requests.model_messages import from_model_messages, to_model_messages
from assistant_ui.protocol.requests.ui_messages import (
    from_ui_message,
    from_ui_messages,
    to_ui_message,
    to_ui_messages,
)

__all__ = [
    "TOOL_NOT_COMPLETED",
    "add_message_command",
    "add_tool_result_command",
    "args_text",
    "from_add_message_command",
    "from_model_messages",
    "from_ui_message",
    "from_ui_messages",
    "infer_image_media_type",
    "normalize_message",
    "normalize_messages",
    "to_model_messages",
    "to_ui_message",
    "to_ui_messages",
]


# ---------------------------------------------------------------------------
# Assistant-transport commands (1.5.1)


def add_message_command(
    message: Any, *, parent_id: str | None = None, source_id: str | None = None
) -> dict[str, Any] | None:
    """The ``add-message`` command for a new or edited user message, or
    ``None`` when it has no text or image part (the runtime sends nothing)."""
    msg = normalize_message(message)
    parts = list(msg["parts"])
    for attachment in msg.get("attachments") or ():
        parts.extend(attachment.get("content") or ())
    kept = [
        {"type": "text", "text": p["text"]}
        if p["type"] == "text"
        else {"type": "image", "image": p["image"]}
        for p in parts
        if p.get("type") in ("text", "image")
    ]
    if not kept:
        return None
    body: Message = {"role": msg["role"]}
    if msg.get("id") is not None:
        body["id"] = msg["id"]
    body["parts"] = kept
    return {"type": "add-message", "message": body, "parentId": parent_id, "sourceId": source_id}


def from_add_message_command(command: Mapping[str, Any]) -> Message:
    """Our message from an ``add-message`` command."""
    if command.get("type") != "add-message" or not isinstance(command.get("message"), Mapping):
        raise invalid("command", "expected an add-message command")
    return normalize_message(command["message"], field="command.message")


def add_tool_result_command(
    *,
    tool_call_id: str,
    tool_name: str,
    result: Any,
    is_error: bool = False,
    artifact: Any = None,
    model_content: list[Any] | None = None,
) -> dict[str, Any]:
    """The ``add-tool-result`` command (``artifact`` and ``modelContent``
    only when set)."""
    out: dict[str, Any] = {
        "type": "add-tool-result",
        "toolCallId": tool_call_id,
        "toolName": tool_name,
        "result": result,
        "isError": is_error,
    }
    if artifact is not None:
        out["artifact"] = artifact
    if model_content is not None:
        out["modelContent"] = model_content
    return out
