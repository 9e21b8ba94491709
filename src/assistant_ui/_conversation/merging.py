"""Merging a continuation's reply into the assistant message it continues,
in our parts shape and in the AI SDK's UIMessage shape. Pure functions."""

from __future__ import annotations

import copy
from typing import Any, Final

from assistant_ui._conversation.steps import Message
from assistant_ui.protocol.requests.messages import to_ui_message

__all__ = ["merge_reply", "merge_ui_message", "ui_message_for", "update_ui_part"]

# What a reply part may tell about a tool call the message already holds.
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


def merge_reply(base: Message | None, reply: Message, message_id: str) -> Message:
    """The assistant message after a continuation: ``reply``'s parts appended
    to ``base``'s, metadata lists appended, state and status replaced
    (docs/protocols.md §1.3.2, 3.9). A reply part for a tool call ``base``
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


def ui_message_for(message: Message) -> Message:
    """``message`` as a UIMessage with the same id."""
    ui = to_ui_message(message)
    ui["id"] = message["id"]
    return ui


def merge_ui_message(
    previous: Message | None, ui_message: Message | None, merged: Message
) -> Message:
    """The UIMessage after a continuation.

    Args:
        previous: the UIMessage being continued (``None``: a new message);
            updated in place.
        ui_message: the reply's own UIMessage, when the stream gave one.
        merged: the message after :func:`merge_reply` (its id wins).
    """
    if ui_message is None:
        return ui_message_for(merged)
    new = copy.deepcopy(ui_message)
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


def update_ui_part(ui: Message, part: dict[str, Any]) -> None:
    """Writes a tool-call part's new outcome into UIMessage ``ui`` (in place)."""
    converted = to_ui_message({"role": "assistant", "parts": [part]})["parts"][0]
    for ui_part in ui["parts"]:
        if ui_part.get("toolCallId") == part["toolCallId"]:
            for key in ("output", "errorText"):
                ui_part.pop(key, None)
            ui_part.update({k: v for k, v in converted.items() if k not in ("type", "input")})
            return
    ui["parts"].append(converted)
