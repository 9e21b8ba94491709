"""Reading and answering an AI SDK UIMessage (docs/protocols.md §3.9, 1.4.2).

- :func:`ui_message_to_parts` shows a UIMessage as canonical parts
  (docs/protocols.md §3.2), the way assistant-ui converts it for display.
- :func:`set_tool_output` answers a client-side tool call or an approval
  request inside a UIMessage, ready to be resent.

Neither modifies its input.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any, Final

from assistant_ui.errors import InvalidRequestError
from assistant_ui.protocol.ai_sdk.tool_parts import is_tool_part, tool_part_name
from assistant_ui.protocol.json_text import js_json_stringify

__all__ = ["set_tool_output", "ui_message_to_parts"]

_UNSET: Final = object()


def _hashable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return ("json", json.dumps(value, sort_keys=True))


def _copy(part: dict[str, Any], chunk: Mapping[str, Any], *keys: str) -> None:
    for key in keys:
        if chunk.get(key) is not None:
            part[key] = chunk[key]


_ENVELOPE_KEY: Final = "__aui_modelContent"


def _unwrap_output(output: Any) -> tuple[Any, Any]:
    if isinstance(output, dict) and isinstance(output.get(_ENVELOPE_KEY), list):
        return output.get("value"), output[_ENVELOPE_KEY]
    return output, _UNSET


def _status(state: Any) -> dict[str, Any] | None:
    if state == "streaming":
        return {"type": "running"}
    if state == "done":
        return {"type": "complete"}
    return None


def _tool_to_canonical(part: Mapping[str, Any]) -> dict[str, Any]:
    raw_input = part.get("input")
    args = raw_input if isinstance(raw_input, dict) else {}
    args_text = js_json_stringify(args)
    state = part.get("state")
    if state == "input-streaming":
        # The AI SDK's repaired partial input: show it as still open.
        args_text = args_text.rstrip('}]"')
    out: dict[str, Any] = {
        "type": "tool-call",
        "toolCallId": part.get("toolCallId"),
        "toolName": tool_part_name(part),
        "argsText": args_text,
        "args": args,
    }
    is_error = False
    result: Any = _UNSET
    model_content: Any = _UNSET
    if state == "output-available":
        result, model_content = _unwrap_output(part.get("output"))
    elif state == "output-error":
        is_error = True
        result = {"error": part.get("errorText")}
    elif state == "output-denied":
        is_error = True
        approval = part.get("approval")
        reason = approval.get("reason") if isinstance(approval, dict) else None
        result = {"error": reason or "Tool approval denied"}
    out["state"] = (
        "result"
        if result is not _UNSET
        else "partial-call"
        if state == "input-streaming"
        else "call"
    )
    if result is not _UNSET:
        out["result"] = result
    out["isError"] = is_error
    if model_content is not _UNSET:
        out["modelContent"] = model_content
    if part.get("callProviderMetadata") is not None:
        out["providerMetadata"] = part["callProviderMetadata"]
    approval = part.get("approval")
    if isinstance(approval, dict) and isinstance(approval.get("id"), str):
        kept: dict[str, Any] = {"id": approval["id"]}
        if isinstance(approval.get("approved"), bool):
            kept["approved"] = approval["approved"]
        if isinstance(approval.get("reason"), str):
            kept["reason"] = approval["reason"]
        if approval.get("isAutomatic") is True:
            kept["isAutomatic"] = True
        out["approval"] = kept
    return out


def _part_to_canonical(part: Mapping[str, Any]) -> dict[str, Any] | None:
    part_type = part.get("type")
    if part_type in ("text", "reasoning"):
        out: dict[str, Any] = {"type": part_type, "text": part.get("text", "")}
        status = _status(part.get("state"))
        if status is not None:
            out["status"] = status
        if part.get("providerMetadata") is not None:
            out["providerMetadata"] = part["providerMetadata"]
        return out
    if is_tool_part(part):
        return _tool_to_canonical(part)
    if part_type == "source-url":
        out = {
            "type": "source",
            "sourceType": "url",
            "id": part.get("sourceId"),
            "url": part.get("url"),
        }
        _copy(out, part, "title", "providerMetadata")
        return out
    if part_type == "source-document":
        out = {
            "type": "source",
            "sourceType": "document",
            "id": part.get("sourceId"),
            "title": part.get("title"),
            "mediaType": part.get("mediaType"),
        }
        _copy(out, part, "filename", "providerMetadata")
        return out
    if part_type in ("file", "reasoning-file"):
        out = {"type": "file", "data": part.get("url"), "mimeType": part.get("mediaType")}
        if part_type == "file":
            _copy(out, part, "filename")
        return out
    if isinstance(part_type, str) and part_type.startswith("data-"):
        return {"type": "data", "name": part_type[5:], "data": part.get("data")}
    if part_type == "custom":
        return {"type": "data", "name": part.get("kind"), "data": part.get("providerMetadata")}
    return None


def ui_message_to_parts(ui_message: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The canonical parts (docs/protocols.md §3.2) of an AI SDK UIMessage, mapped
    as assistant-ui shows such a message (3.9, last paragraph).

    - ``text``/``reasoning``: same, with ``status`` ``running`` while the
      part is ``streaming`` and ``complete`` once ``done``;
    - ``tool-<name>``/``dynamic-tool``: a ``tool-call`` part; ``args`` is the
      ``input`` when it is an object (else ``{}``), ``argsText`` its compact
      JSON; ``result`` is the ``output`` (a ``__aui_modelContent`` envelope
      is unwrapped into ``result`` and ``modelContent``), or
      ``{"error": errorText}`` / ``{"error": <approval reason or "Tool
      approval denied">}`` with ``isError`` for ``output-error`` /
      ``output-denied``; ``approval`` is kept. ``state`` is added (not in the
      reference's mapping) so the part has the canonical tool-call shape:
      ``result`` when there is a result, ``partial-call`` while the input
      streams, else ``call``. Duplicate tool call ids keep the first part;
    - ``source-url``/``source-document``: ``source`` parts; ``file`` and
      ``reasoning-file``: ``file`` parts (``data`` = ``url``, ``mimeType`` =
      ``mediaType``); ``data-<name>``: a ``data`` part named ``<name>``;
      ``custom``: a ``data`` part named by its ``kind``;
    - ``step-start`` and unknown part types are left out.

    Unlike assistant-ui, user ``file`` parts are kept as parts (assistant-ui
    moves them to attachments). The input is not modified.
    """
    parts = ui_message.get("parts")
    if not isinstance(parts, list):
        return []
    out: list[dict[str, Any]] = []
    seen: set[Any] = set()
    for part in parts:
        if not isinstance(part, Mapping):
            continue
        converted = _part_to_canonical(part)
        if converted is None:
            continue
        if converted["type"] == "tool-call":
            key = _hashable(converted.get("toolCallId"))
            if key in seen:
                continue
            seen.add(key)
        out.append(copy.deepcopy(converted))
    return out


# -- answering tool calls (docs/protocols.md §1.4.2) --------------------------------


def set_tool_output(
    ui_message: Mapping[str, Any],
    tool_call_id: str,
    *,
    output: Any = _UNSET,
    error_text: Any = _UNSET,
    approval: Any = _UNSET,
    model_content: list[Any] | None = None,
) -> dict[str, Any]:
    """A copy of ``ui_message`` in which the tool part ``tool_call_id`` is
    answered, ready to be sent back (AI SDK flavour, docs/protocols.md §1.4.2).

    Give exactly one of:

    - ``output``: the tool ran; the part becomes ``output-available`` with
      this ``output`` (any JSON value, ``None`` included). With
      ``model_content`` (model content parts), the output is the
      ``{"__aui_modelContent": [...], "value": output}`` envelope that the
      backend's ``frontendTools()`` unwraps.
    - ``error_text``: the tool failed; the part becomes ``output-error``
      with ``errorText`` (non-strings are JSON-encoded).
    - ``approval``: a decision on an approval request: ``True``/``False``,
      or ``{"approved": bool, "reason"?: str}``. The part becomes
      ``approval-responded`` and its ``approval`` gains ``approved`` and
      ``reason``.

    The input message is not modified. Example::

        reply = set_tool_output(ui_message, "call_1", output={"temp": 20})
        # resend the conversation ending with `reply`, trigger "submit-message"

    Raises:
        InvalidRequestError: none or several answers given, no tool part
            with that id, or an approval for a part that has no approval
            request.
    """
    given = [
        name
        for name, value in (("output", output), ("error_text", error_text), ("approval", approval))
        if value is not _UNSET
    ]
    if len(given) != 1:
        raise InvalidRequestError(
            "give exactly one of output, error_text or approval", field="set_tool_output"
        )
    message = copy.deepcopy(dict(ui_message))
    parts = message.get("parts")
    part = next(
        (
            p
            for p in (parts if isinstance(parts, list) else [])
            if isinstance(p, dict) and is_tool_part(p) and p.get("toolCallId") == tool_call_id
        ),
        None,
    )
    if part is None:
        raise InvalidRequestError(
            f"no tool part with toolCallId {tool_call_id!r} in the message", field="tool_call_id"
        )
    if given == ["output"]:
        part["state"] = "output-available"
        part["output"] = (
            {_ENVELOPE_KEY: list(model_content), "value": output}
            if model_content is not None
            else output
        )
        part.pop("errorText", None)
    elif given == ["error_text"]:
        part["state"] = "output-error"
        part["errorText"] = error_text if isinstance(error_text, str) else json.dumps(error_text)
        part.pop("output", None)
    else:
        current = part.get("approval")
        if not isinstance(current, dict) or not isinstance(current.get("id"), str):
            raise InvalidRequestError(
                f"tool part {tool_call_id!r} has no approval request", field="approval"
            )
        decision = (
            {"approved": approval}
            if isinstance(approval, bool)
            else dict(approval)
            if isinstance(approval, Mapping)
            else {}
        )
        if not isinstance(decision.get("approved"), bool):
            raise InvalidRequestError("approval needs a boolean 'approved'", field="approval")
        updated = {**current, "approved": decision["approved"]}
        if decision.get("reason") is not None:
            updated["reason"] = decision["reason"]
        else:
            updated.pop("reason", None)
        part["state"] = "approval-responded"
        part["approval"] = updated
    return message
