"""Data-stream runtime model messages (docs/protocols.md §1.3.1), current and
legacy: :func:`to_model_messages` and :func:`from_model_messages`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from assistant_ui.protocol.requests.message_shape import (
    TOOL_NOT_COMPLETED,
    Message,
    Part,
    args_text,
    infer_image_media_type,
    invalid,
    normalize_messages,
    set_result,
    wire_url,
)

__all__ = ["from_model_messages", "model_user_part", "to_model_messages"]

_NO_RESULT: Final = "<no result>"
_DATA_URL_BASE64: Final = re.compile(
    r"^data:([^;,]*)(?:;[^,]*)?;base64,(.*)$", re.IGNORECASE | re.S
)


def _settled(part: Part) -> bool:
    # JS tests ``result !== undefined``: a JSON null result counts.
    return part.get("state") == "result" or "result" in part


def _awaiting_host(part: Part) -> bool:
    if part.get("interrupt") is not None:
        return True
    approval = part.get("approval")
    if approval is None:
        return False
    return approval.get("approved") is not False and "resolution" not in approval


def _user_content(message: Message, legacy: bool) -> list[Part]:
    parts = list(message["parts"])
    for attachment in message.get("attachments") or ():
        parts.extend(attachment.get("content") or ())
    content: list[Part] = []
    for part in parts:
        kind = part.get("type")
        if kind == "text" and part.get("text"):
            content.append({"type": "text", "text": part["text"]})
        elif kind == "image" and part.get("image"):
            if legacy:
                content.append({"type": "image", "image": part["image"]})
                continue
            content.append(
                {
                    "type": "file",
                    "data": part["image"],
                    "mediaType": infer_image_media_type(part["image"]),
                    **({"filename": part["filename"]} if part.get("filename") else {}),
                }
            )
        elif kind == "file" and part.get("data") and part.get("mimeType"):
            content.append(_file_part(part, legacy))
        elif kind == "audio" and isinstance(part.get("audio"), Mapping):
            media_type = f"audio/{part['audio'].get('format', 'wav')}"
            data = wire_url(str(part["audio"].get("data", "")), media_type)
            content.append(
                {"type": "file", "data": data, "mimeType": media_type}
                if legacy
                else {"type": "file", "data": data, "mediaType": media_type}
            )
    return content


def _file_part(part: Part, legacy: bool) -> Part:
    out: Part = {"type": "file", "data": part["data"]}
    out["mimeType" if legacy else "mediaType"] = part["mimeType"]
    if part.get("filename"):
        out["filename"] = part["filename"]
    return out


def _tool_call(part: Part, legacy: bool) -> Part:
    return {
        "type": "tool-call",
        "toolCallId": part["toolCallId"],
        "toolName": part["toolName"],
        ("args" if legacy else "input"): part.get("args") or {},
    }


def _tool_result(part: Part, legacy: bool) -> Part:
    settled = _settled(part)
    if not settled:
        result: Any = dict(TOOL_NOT_COMPLETED)
    else:
        result = part.get("result", _NO_RESULT)
    is_error = (not settled) or bool(part.get("isError"))
    out: Part = {"type": "tool-result", "toolCallId": part["toolCallId"]}
    out["toolName"] = part["toolName"]
    if legacy:
        out["result"] = result
        if is_error:
            out["isError"] = True
        if "artifact" in part:
            out["artifact"] = part["artifact"]
    else:
        out["output"] = {"type": "error-json" if is_error else "json", "value": result}
    return out


def _assistant_messages(message: Message, legacy: bool) -> list[Message]:
    out: list[Message] = []
    content: list[Part] = []
    results: list[Part] = []

    def flush() -> None:
        nonlocal content, results
        if content:
            out.append({"role": "assistant", "content": content})
            content = []
        if results:
            out.append({"role": "tool", "content": results})
            results = []

    for part in message["parts"]:
        kind = part.get("type")
        if kind == "text" and part.get("text"):
            if results:
                flush()
            content.append({"type": "text", "text": part["text"]})
        elif kind == "file" and part.get("data") and part.get("mimeType"):
            if results:
                flush()
            content.append(_file_part(part, legacy))
        elif kind == "tool-call" and part.get("toolCallId") and part.get("toolName"):
            content.append(_tool_call(part, legacy))
            # A call still waiting for an approval or a human answer is live,
            # not failed: it gets no result yet (toGenericMessages).
            if _settled(part) or not _awaiting_host(part):
                results.append(_tool_result(part, legacy))
    flush()
    return out


def to_model_messages(
    messages: Iterable[Any], *, include_ids: bool = False, legacy: bool = False
) -> list[Message]:
    """The ``messages`` of a data-stream runtime request (docs/protocols.md §1.3.1).

    Args:
        messages: the branch, oldest first, in any accepted input shape.
        include_ids: add ``unstable_id`` to system, user and assistant
            messages (the runtime's ``sendExtraMessageFields``).
        legacy: produce the "language model v1" shapes (``image`` parts,
            ``mimeType``, ``args``, ``result``) that older backends and the
            seed's ``messages`` use.

    An unanswered tool call gets the error result
    ``{"error": "Tool call was not completed"}``, so a history whose run was
    cancelled during a tool call is accepted by providers; a call waiting for
    an approval or a human answer gets no result yet.
    """
    out: list[Message] = []
    for message in normalize_messages(messages):
        role = message["role"]
        converted: list[Message]
        if role == "system":
            text = next((p.get("text") for p in message["parts"] if p.get("type") == "text"), "")
            converted = [{"role": "system", "content": text}] if text else []
        elif role == "user":
            content = _user_content(message, legacy)
            converted = [{"role": "user", "content": content}] if content else []
        else:
            converted = _assistant_messages(message, legacy)
        if include_ids and message.get("id") is not None:
            for item in converted:
                if item["role"] != "tool":
                    item["unstable_id"] = message["id"]
        out.extend(converted)
    return out


def model_user_part(part: Mapping[str, Any]) -> Part | None:
    """Our part for a model message's user content part (``None``: none)."""
    kind = part.get("type")
    if kind == "text":
        return {"type": "text", "text": part.get("text", "")}
    if kind == "image":
        return {"type": "image", "image": part.get("image", "")}
    if kind != "file":
        return None
    data = str(part.get("data", ""))
    media_type = str(part.get("mediaType") or part.get("mimeType") or "application/octet-stream")
    filename = {"filename": part["filename"]} if part.get("filename") else {}
    if media_type.startswith("image/") and infer_image_media_type(data) == media_type:
        return {"type": "image", "image": data, **filename}
    audio = _DATA_URL_BASE64.match(data)
    if media_type in ("audio/mp3", "audio/wav") and audio and audio.group(1) == media_type:
        return {"type": "audio", "audio": {"data": audio.group(2), "format": media_type[6:]}}
    return {"type": "file", "data": data, "mimeType": media_type, **filename}


def _model_result(part: Part) -> tuple[Any, bool]:
    if "output" not in part:
        return part.get("result"), bool(part.get("isError", False))
    output = part["output"]
    if not isinstance(output, Mapping):
        return output, False
    kind = str(output.get("type", "json"))
    if kind == "execution-denied":
        return {"error": output.get("reason") or "Tool approval denied"}, True
    return output.get("value"), kind.startswith("error")


def from_model_messages(messages: Iterable[Mapping[str, Any]]) -> list[Message]:
    """Our messages from data-stream model messages (current or legacy).

    Consecutive ``assistant`` and ``tool`` messages become one assistant
    message (the runtime splits one message that way) unless their
    ``unstable_id`` differs; tool results are attached to their calls.
    """
    out: list[Message] = []
    calls: dict[str, Part] = {}
    current: Message | None = None
    for i, raw in enumerate(messages):
        role = raw.get("role")
        content = raw.get("content", [])
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        msg_id = raw.get("unstable_id")
        if role == "tool":
            for part in content:
                call = calls.get(part.get("toolCallId", ""))
                if call is None:
                    raise invalid(f"messages[{i}].content", "tool result for an unknown call")
                result, is_error = _model_result(part)
                set_result(call, result, is_error, part)
            continue
        if role == "assistant":
            if current is None or (msg_id is not None and current.get("id") != msg_id):
                current = {"id": msg_id} if msg_id is not None else {}
                current.update(role="assistant", parts=[])
                out.append(current)
            for part in content:
                kind = part.get("type")
                if kind == "text":
                    current["parts"].append({"type": "text", "text": part.get("text", "")})
                elif kind == "file":
                    current["parts"].append(
                        {
                            "type": "file",
                            "data": part.get("data", ""),
                            "mimeType": part.get("mediaType") or part.get("mimeType"),
                        }
                    )
                elif kind == "tool-call":
                    args = part.get("input", part.get("args", {}))
                    call = {
                        "type": "tool-call",
                        "toolCallId": part["toolCallId"],
                        "toolName": part["toolName"],
                        "args": args,
                        "argsText": args_text(args),
                        "state": "call",
                    }
                    calls[call["toolCallId"]] = call
                    current["parts"].append(call)
            continue
        current = None
        if role not in ("system", "user"):
            raise invalid(f"messages[{i}].role", f"unknown role {role!r}")
        parts = [p for p in (model_user_part(p) for p in content if isinstance(p, Mapping)) if p]
        message: Message = {"id": msg_id} if msg_id is not None else {}
        message.update(role=role, parts=parts)
        out.append(message)
    return out
