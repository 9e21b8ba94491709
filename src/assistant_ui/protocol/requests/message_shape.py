"""Our message shape (docs/protocols.md §3.2): ids, constants, and normalising
anything the API accepts (our ``parts`` messages, the seed's ``content``
form, plain strings, bare part lists, ``role: "tool"`` messages) into it.
The converters to and from every request shape build on this module; the
facade :mod:`assistant_ui.protocol.requests.messages` exports them all."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from assistant_ui.errors import InvalidRequestError

__all__ = [
    "TOOL_NOT_COMPLETED",
    "Message",
    "Part",
    "args_text",
    "infer_image_media_type",
    "invalid",
    "normalize_message",
    "normalize_messages",
    "set_result",
    "wire_url",
]

Message = dict[str, Any]
Part = dict[str, Any]

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
_WIRE_URL: Final = re.compile(r"^(?:https?:|data:)", re.IGNORECASE)


def args_text(args: Any) -> str:
    """Tool arguments as the reference writes them (``JSON.stringify``)."""
    return json.dumps(args, separators=(",", ":"), ensure_ascii=False)


def infer_image_media_type(url: str) -> str:
    """Media type of an image URL: a ``data:`` URL's own type, else a guess
    from the path's extension, else ``image/png`` (docs/protocols.md §1.3.1)."""
    match = _DATA_URL_TYPE.match(url)
    if match:
        return match.group(1).lower()
    path = re.split(r"[?#]", url, maxsplit=1)[0]
    ext = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return _IMAGE_MEDIA_TYPES.get(ext, "image/png")


def wire_url(data: str, media_type: str) -> str:
    """URLs and data URLs as they are; raw base64 wrapped into a data URL."""
    return data if _WIRE_URL.match(data) else f"data:{media_type};base64,{data}"


# ---------------------------------------------------------------------------
# Normalisation: anything the API accepts -> our parts shape


def invalid(field: str, message: str) -> InvalidRequestError:
    """The error for bad input at ``field``."""
    return InvalidRequestError(message, field=field)


def _normalize_part(part: Any, field: str) -> Part:
    if not isinstance(part, Mapping):
        raise invalid(field, f"a message part must be an object, got {type(part).__name__}")
    kind = part.get("type")
    if not isinstance(kind, str):
        raise invalid(f"{field}.type", "a message part needs a string 'type'")
    out = copy.deepcopy(dict(part))
    if kind == "text" and not isinstance(out.get("text"), str):
        raise invalid(f"{field}.text", "a text part needs a string 'text'")
    if kind == "tool-call":
        for key in ("toolCallId", "toolName"):
            if not isinstance(out.get(key), str):
                raise invalid(f"{field}.{key}", f"a tool-call part needs a string '{key}'")
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
        raise invalid(f"{field}.parts", "expected a list of parts or a string")
    key = "parts" if "parts" in message else "content"
    return [_normalize_part(p, f"{field}.{key}[{i}]") for i, p in enumerate(raw)]


def normalize_message(message: Any, *, role: str = "user", field: str = "message") -> Message:
    """One message in our parts shape.

    Accepts a string (a text message of ``role``), a list of parts, a
    ``parts`` message or a seed ``content`` message. The input is never
    mutated; the result shares nothing with it.

    Raises:
        InvalidRequestError: naming the offending field; also for a value
            nested too deeply to copy (past Python's recursion limit).
    """
    try:
        return _normalize_message(message, role, field)
    except RecursionError:
        # Raised deep inside the copy; here the stack has unwound again.
        raise invalid(field, "is nested too deeply to copy") from None


def _normalize_message(message: Any, role: str, field: str) -> Message:
    if isinstance(message, str):
        return {"role": role, "parts": [{"type": "text", "text": message}]}
    if isinstance(message, Sequence) and not isinstance(message, (bytes, bytearray)):
        return {"role": role, "parts": _parts_of({"parts": message}, field)}
    if not isinstance(message, Mapping):
        raise invalid(field, f"expected a message, a list of parts or a string, got {message!r}")
    msg_role = message.get("role", role)
    if msg_role not in (*_ROLES, "tool"):
        raise invalid(f"{field}.role", f"unknown role {msg_role!r}")
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
                raise invalid(f"{where}.type", "a tool message holds only tool-result parts")
            call = calls.get(part.get("toolCallId", ""))
            if call is None:
                raise invalid(
                    f"{where}.toolCallId",
                    f"no earlier tool call has id {part.get('toolCallId')!r}",
                )
            set_result(call, part.get("result"), part.get("isError", False), part)
    return out


def set_result(call: Part, result: Any, is_error: bool, extra: Mapping[str, Any]) -> None:
    """Records a result on tool-call part ``call`` (``artifact`` and
    ``modelContent`` from ``extra`` when present)."""
    call["state"] = "result"
    call["result"] = result
    call["isError"] = bool(is_error)
    for key in ("artifact", "modelContent"):
        if key in extra:
            call[key] = extra[key]
