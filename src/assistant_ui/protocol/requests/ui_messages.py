"""AI SDK UIMessages (docs/protocols.md §1.4.1, 1.4.2, 3.9): our messages to
UIMessages and back."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from assistant_ui.protocol.ai_sdk.parts import ui_message_to_parts
from assistant_ui.protocol.ids import new_id
from assistant_ui.protocol.requests.message_shape import (
    Message,
    Part,
    args_text,
    infer_image_media_type,
    normalize_message,
    normalize_messages,
    wire_url,
)
from assistant_ui.protocol.requests.model_messages import model_user_part

__all__ = ["from_ui_message", "from_ui_messages", "to_ui_message", "to_ui_messages"]


def _error_text(result: Any) -> str:
    if (
        isinstance(result, Mapping)
        and set(result) == {"error"}
        and isinstance(result["error"], str)
    ):
        return result["error"]
    return result if isinstance(result, str) else args_text(result)


def _ui_text_state(part: Part) -> dict[str, str]:
    status = part.get("status")
    if not isinstance(status, Mapping):
        return {}
    return {"state": "streaming" if status.get("type") == "running" else "done"}


def _ui_tool_part(part: Part) -> Part:
    out: Part = {"type": f"tool-{part['toolName']}", "toolCallId": part["toolCallId"]}
    approval = part.get("approval")
    has_result = "result" in part and part.get("state") == "result"
    if has_result and part.get("isError"):
        if isinstance(approval, Mapping) and approval.get("approved") is False:
            out["state"] = "output-denied"
        else:
            out["state"] = "output-error"
            out["errorText"] = _error_text(part.get("result"))
    elif has_result:
        out["state"] = "output-available"
    elif isinstance(approval, Mapping):
        decided = approval.get("approved") is not None
        out["state"] = "approval-responded" if decided else "approval-requested"
    else:
        out["state"] = (
            "input-streaming" if part.get("state") == "partial-call" else "input-available"
        )
    out["input"] = part.get("args", {})
    if out["state"] == "output-available":
        result = part.get("result")
        if "modelContent" in part:
            result = {"__aui_modelContent": part["modelContent"], "value": result}
        out["output"] = result
    if approval is not None:
        out["approval"] = copy.deepcopy(approval)
    return out


def _ui_part(part: Part, role: str) -> Part | None:
    kind = part.get("type")
    meta = {"providerMetadata": part["providerMetadata"]} if "providerMetadata" in part else {}
    if kind in ("text", "reasoning"):
        return {"type": kind, "text": part.get("text", ""), **_ui_text_state(part), **meta}
    if kind == "image":
        image = str(part.get("image", ""))
        media_type = infer_image_media_type(image)
        out: Part = {"type": "file", "mediaType": media_type, "url": wire_url(image, media_type)}
        if part.get("filename"):
            out["filename"] = part["filename"]
        return out
    if kind == "file":
        media_type = str(part.get("mimeType") or "application/octet-stream")
        out = {"type": "file", "mediaType": media_type}
        out["url"] = wire_url(str(part.get("data", "")), media_type)
        if part.get("filename"):
            out["filename"] = part["filename"]
        return out
    if kind == "audio":
        audio = part.get("audio") or {}
        media_type = f"audio/{audio.get('format', 'wav')}"
        return {
            "type": "file",
            "mediaType": media_type,
            "url": wire_url(audio.get("data", ""), media_type),
        }
    if kind == "data":
        return {"type": f"data-{part.get('name', '')}", "data": part.get("data")}
    if kind == "tool-call" and role == "assistant":
        return _ui_tool_part(part)
    if kind == "source":
        if part.get("sourceType") == "document":
            out = {"type": "source-document", "sourceId": part.get("id", "")}
            out["mediaType"] = part.get("mediaType", "application/octet-stream")
            out["title"] = part.get("title", "")
            if part.get("filename"):
                out["filename"] = part["filename"]
            return out
        out = {"type": "source-url", "sourceId": part.get("id", ""), "url": part.get("url", "")}
        if part.get("title"):
            out["title"] = part["title"]
        return out
    return None


def to_ui_message(message: Any) -> Message:
    """The AI SDK ``UIMessage`` for one of our messages (docs/protocols.md §1.4.1).

    User parts follow assistant-ui's composer mapping (images and files as
    ``file`` parts with a wire URL, data parts as ``data-<name>``); tool
    calls become ``tool-<name>`` parts whose ``state`` says how far they got
    (1.4.2: outputs, errors, approvals and denials). A message without an
    ``id`` gets a fresh 16-character one.
    """
    return _ui_message_of(normalize_message(message))


def _ui_message_of(msg: Message) -> Message:
    """:func:`to_ui_message` of a message already normalised (and copied)."""
    role = msg["role"]
    out: Message = {"id": msg.get("id") or new_id(), "role": role}
    if role != "assistant" and isinstance(msg.get("metadata"), Mapping):
        out["metadata"] = copy.deepcopy(msg["metadata"])
    parts = [_ui_part(p, role) for p in msg["parts"]]
    for attachment in msg.get("attachments") or ():
        for p in attachment.get("content") or ():
            named = {**p, "filename": attachment.get("name")} if attachment.get("name") else p
            parts.append(_ui_part(named, role))
    out["parts"] = [p for p in parts if p is not None]
    return out


def to_ui_messages(messages: Iterable[Any]) -> list[Message]:
    """:func:`to_ui_message` for a whole conversation (seed tool messages
    folded in first)."""
    return [_ui_message_of(m) for m in normalize_messages(messages)]


def _from_ui_user_part(part: Mapping[str, Any]) -> Part | None:
    kind = str(part.get("type", ""))
    if kind == "text":
        return {"type": "text", "text": part.get("text", "")}
    if kind == "file":
        filename = {"filename": part["filename"]} if part.get("filename") else {}
        file = {"type": "file", "data": part.get("url", ""), "mediaType": part.get("mediaType")}
        return model_user_part({**file, **filename})
    if kind.startswith("data-"):
        return {"type": "data", "name": kind[5:], "data": copy.deepcopy(part.get("data"))}
    return None


def from_ui_message(ui_message: Mapping[str, Any]) -> Message:
    """Our message from an AI SDK ``UIMessage``.

    Assistant parts are mapped as assistant-ui shows them (docs/protocols.md §3.9,
    last paragraph, :func:`~.ui_message.ui_message_to_parts`). User parts
    undo :func:`to_ui_message`: a ``file`` whose media type is the one its
    URL implies becomes an ``image`` part again, an mp3/wav data URL an
    ``audio`` part, ``data-<name>`` a data part.
    """
    role = ui_message.get("role", "user")
    out: Message = {"id": ui_message.get("id"), "role": role}
    if role != "assistant" and isinstance(ui_message.get("metadata"), Mapping):
        out["metadata"] = copy.deepcopy(ui_message["metadata"])
    if role == "assistant":
        out["parts"] = ui_message_to_parts(ui_message)
    else:
        converted = (_from_ui_user_part(p) for p in ui_message.get("parts") or ())
        out["parts"] = [p for p in converted if p is not None]
    return out


def from_ui_messages(ui_messages: Iterable[Mapping[str, Any]]) -> list[Message]:
    """:func:`from_ui_message` for a whole chat."""
    return [from_ui_message(m) for m in ui_messages]
