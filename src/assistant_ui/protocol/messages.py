"""Message normalisation and conversions between our shape and every
request shape (PROTOCOLS.md 1.3.1, 1.4.1, 1.5.1, 3.2, 3.9).

Strategy: one message shape out, two in (ARCHITECTURE.md). The library's own
shape is the ``parts`` message of PROTOCOLS.md 3.2 (``{"id", "role",
"parts", ...}``); :func:`normalize_messages` also accepts the seed's
``content`` form, plain strings and bare part lists, and folds the seed's
``role: "tool"`` messages into the tool calls they answer. Every converter
below takes normalised messages and is a pure function of plain dicts, so
each pair (``to_x``/``from_x``) can be checked by a round trip.

The converters keep everything the target shape can hold. What a shape
cannot hold is dropped, as the reference does: model messages carry no
reasoning, sources or data; assistant-transport ``add-message`` commands
carry only text and image parts.
"""

from __future__ import annotations

import copy
import json
import re
import secrets
import string
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from ..errors import InvalidRequestError
from .ui_message import ui_message_to_parts

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
    "new_id",
    "normalize_message",
    "normalize_messages",
    "to_model_messages",
    "to_ui_message",
    "to_ui_messages",
]

Message = dict[str, Any]
Part = dict[str, Any]

_ID_ALPHABET: Final = string.ascii_letters + string.digits
_ROLES: Final = ("system", "user", "assistant")

TOOL_NOT_COMPLETED: Final = {"error": "Tool call was not completed"}
"""Result the data-stream converter sends for a call that never settled."""

_NO_RESULT: Final = "<no result>"

_IMAGE_MEDIA_TYPES: Final = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "svg": "image/svg+xml",
    "avif": "image/avif",
    "bmp": "image/bmp",
    "ico": "image/x-icon",
    "tiff": "image/tiff",
    "tif": "image/tiff",
    "heic": "image/heic",
    "heif": "image/heif",
}
_DATA_URL_TYPE: Final = re.compile(r"^data:([^;,]+)", re.IGNORECASE)
_DATA_URL_BASE64: Final = re.compile(
    r"^data:([^;,]*)(?:;[^,]*)?;base64,(.*)$", re.IGNORECASE | re.S
)
_WIRE_URL: Final = re.compile(r"^(?:https?:|data:)", re.IGNORECASE)


def new_id(length: int = 16) -> str:
    """A random id of ``[0-9A-Za-z]`` characters (the AI SDK uses 16, the
    assistant-ui core 7)."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def args_text(args: Any) -> str:
    """Tool arguments as the reference writes them (``JSON.stringify``)."""
    return json.dumps(args, separators=(",", ":"), ensure_ascii=False)


def infer_image_media_type(url: str) -> str:
    """Media type of an image URL: a ``data:`` URL's own type, else a guess
    from the path's extension, else ``image/png`` (PROTOCOLS.md 1.3.1)."""
    match = _DATA_URL_TYPE.match(url)
    if match:
        return match.group(1).lower()
    path = re.split(r"[?#]", url, maxsplit=1)[0]
    ext = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return _IMAGE_MEDIA_TYPES.get(ext, "image/png")


def _wire_url(data: str, media_type: str) -> str:
    """URLs and data URLs as they are; raw base64 wrapped into a data URL."""
    return data if _WIRE_URL.match(data) else f"data:{media_type};base64,{data}"


# ---------------------------------------------------------------------------
# Normalisation: anything the API accepts -> our parts shape


def _fail(field: str, message: str) -> InvalidRequestError:
    return InvalidRequestError(message, field=field)


def _normalize_part(part: Any, field: str) -> Part:
    if not isinstance(part, Mapping):
        raise _fail(field, f"a message part must be an object, got {type(part).__name__}")
    kind = part.get("type")
    if not isinstance(kind, str):
        raise _fail(f"{field}.type", "a message part needs a string 'type'")
    out = copy.deepcopy(dict(part))
    if kind == "text" and not isinstance(out.get("text"), str):
        raise _fail(f"{field}.text", "a text part needs a string 'text'")
    if kind == "tool-call":
        for key in ("toolCallId", "toolName"):
            if not isinstance(out.get(key), str):
                raise _fail(f"{field}.{key}", f"a tool-call part needs a string '{key}'")
        args = out.get("args")
        if args is None:
            args = out.pop("input", None)
            out["args"] = args if args is not None else {}
        out.setdefault("argsText", args_text(out["args"]))
        out.setdefault("state", "result" if "result" in out else "call")
    return out


def _parts_of(message: Mapping[str, Any], field: str) -> list[Part]:
    raw = message["parts"] if "parts" in message else message.get("content", [])
    if isinstance(raw, str):
        return [{"type": "text", "text": raw}]
    if not isinstance(raw, Sequence):
        raise _fail(f"{field}.parts", "expected a list of parts or a string")
    key = "parts" if "parts" in message else "content"
    return [_normalize_part(p, f"{field}.{key}[{i}]") for i, p in enumerate(raw)]


def normalize_message(message: Any, *, role: str = "user", field: str = "message") -> Message:
    """One message in our parts shape.

    Accepts a string (a text message of ``role``), a list of parts, a
    ``parts`` message or a seed ``content`` message. The input is never
    mutated; the result shares nothing with it.

    Raises:
        InvalidRequestError: naming the offending field.
    """
    if isinstance(message, str):
        return {"role": role, "parts": [{"type": "text", "text": message}]}
    if isinstance(message, Sequence) and not isinstance(message, (bytes, bytearray)):
        return {"role": role, "parts": _parts_of({"parts": message}, field)}
    if not isinstance(message, Mapping):
        raise _fail(field, f"expected a message, a list of parts or a string, got {message!r}")
    msg_role = message.get("role", role)
    if msg_role not in (*_ROLES, "tool"):
        raise _fail(f"{field}.role", f"unknown role {msg_role!r}")
    out: Message = {}
    if message.get("id") is not None:
        out["id"] = message["id"]
    out["role"] = msg_role
    out["parts"] = _parts_of(message, field)
    for key, value in message.items():
        if key not in ("id", "role", "parts", "content"):
            out[key] = copy.deepcopy(value)
    return out


def normalize_messages(messages: Iterable[Any] | None) -> list[Message]:
    """A conversation in our parts shape.

    Besides what :func:`normalize_message` accepts, seed ``role: "tool"``
    messages are folded into the earlier assistant tool calls they answer
    (``result``, ``isError``, ``artifact``; ``state`` becomes ``result``).

    Raises:
        InvalidRequestError: for a malformed message or a tool result that
            answers no earlier tool call.
    """
    out: list[Message] = []
    calls: dict[str, Part] = {}
    for i, raw in enumerate(messages or ()):
        field = f"messages[{i}]"
        message = normalize_message(raw, field=field)
        if message["role"] != "tool":
            out.append(message)
            for part in message["parts"]:
                if part.get("type") == "tool-call":
                    calls[part["toolCallId"]] = part
            continue
        for j, part in enumerate(message["parts"]):
            where = f"{field}.content[{j}]"
            if part.get("type") != "tool-result":
                raise _fail(f"{where}.type", "a tool message holds only tool-result parts")
            call = calls.get(part.get("toolCallId", ""))
            if call is None:
                raise _fail(
                    f"{where}.toolCallId",
                    f"no earlier tool call has id {part.get('toolCallId')!r}",
                )
            _set_result(call, part.get("result"), part.get("isError", False), part)
    return out


def _set_result(call: Part, result: Any, is_error: bool, extra: Mapping[str, Any]) -> None:
    call["state"] = "result"
    call["result"] = result
    call["isError"] = bool(is_error)
    for key in ("artifact", "modelContent"):
        if key in extra:
            call[key] = extra[key]


# ---------------------------------------------------------------------------
# Data-stream runtime: model messages (1.3.1), current and legacy


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
            data = _wire_url(str(part["audio"].get("data", "")), media_type)
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
    """The ``messages`` of a data-stream runtime request (PROTOCOLS.md 1.3.1).

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


def _model_user_part(part: Mapping[str, Any]) -> Part | None:
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
                    raise _fail(f"messages[{i}].content", "tool result for an unknown call")
                result, is_error = _model_result(part)
                _set_result(call, result, is_error, part)
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
            raise _fail(f"messages[{i}].role", f"unknown role {role!r}")
        parts = [p for p in (_model_user_part(p) for p in content if isinstance(p, Mapping)) if p]
        message: Message = {"id": msg_id} if msg_id is not None else {}
        message.update(role=role, parts=parts)
        out.append(message)
    return out


# ---------------------------------------------------------------------------
# AI SDK: UIMessage (1.4.1, 1.4.2, 3.9)


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
        out: Part = {"type": "file", "mediaType": media_type, "url": _wire_url(image, media_type)}
        if part.get("filename"):
            out["filename"] = part["filename"]
        return out
    if kind == "file":
        media_type = str(part.get("mimeType") or "application/octet-stream")
        out = {"type": "file", "mediaType": media_type}
        out["url"] = _wire_url(str(part.get("data", "")), media_type)
        if part.get("filename"):
            out["filename"] = part["filename"]
        return out
    if kind == "audio":
        audio = part.get("audio") or {}
        media_type = f"audio/{audio.get('format', 'wav')}"
        return {
            "type": "file",
            "mediaType": media_type,
            "url": _wire_url(audio.get("data", ""), media_type),
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
    """The AI SDK ``UIMessage`` for one of our messages (PROTOCOLS.md 1.4.1).

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
        return _model_user_part({**file, **filename})
    if kind.startswith("data-"):
        return {"type": "data", "name": kind[5:], "data": copy.deepcopy(part.get("data"))}
    return None


def from_ui_message(ui_message: Mapping[str, Any]) -> Message:
    """Our message from an AI SDK ``UIMessage``.

    Assistant parts are mapped as assistant-ui shows them (PROTOCOLS.md 3.9,
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
        raise _fail("command", "expected an add-message command")
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
