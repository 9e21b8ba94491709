"""The AI SDK's own ``UIMessage``, built from UI message stream chunks
(PROTOCOLS.md 3.9), and helpers to read and answer it (1.4.2).

The AI SDK chat flavour sends the whole conversation back as UIMessages on
every request, so the client must hold each assistant reply exactly as the
AI SDK's ``processUIMessageStream`` builds it: step boundaries, tool parts
with their ``input``/``output`` states, data parts and metadata included.

- :class:`UIMessageAccumulator` folds raw chunks into that message; the UI
  message stream decoder feeds it (``decoder.ui_message``).
- :func:`ui_message_to_parts` shows a UIMessage as canonical parts
  (PROTOCOLS.md 3.2), the way assistant-ui converts it for display.
- :func:`set_tool_output` answers a client-side tool call or an approval
  request inside a UIMessage, ready to be resent.

Where the AI SDK would throw (a delta for a text part that was never
started, a tool chunk for an unknown call), the chunk is dropped with a
warning instead: this message is a by-product of decoding and must never
abort it. After an ``error`` chunk the AI SDK stops processing the stream, so
later chunks are ignored here too (:attr:`UIMessageAccumulator.error`).

Text and streamed tool input are kept as pieces and joined, or parsed, only
when a snapshot is taken, so long replies stay linear.
"""

from __future__ import annotations

import copy
import json
import random
import string
from collections.abc import Callable, Mapping
from typing import Any, Final

from ..errors import InvalidRequestError
from .base import WarningSink
from .partial_json import parse_partial_json

__all__ = [
    "UIMessageAccumulator",
    "is_tool_part",
    "merge_metadata",
    "set_tool_output",
    "ui_message_to_parts",
]

_ID_ALPHABET: Final = string.digits + string.ascii_uppercase + string.ascii_lowercase
_UNSET: Final = object()


def _new_message_id() -> str:
    # The AI SDK's generateId: 16 characters of [0-9A-Za-z].
    return "".join(random.choices(_ID_ALPHABET, k=16))


def is_tool_part(part: Mapping[str, Any]) -> bool:
    """True for ``tool-<name>`` and ``dynamic-tool`` parts."""
    part_type = part.get("type")
    return isinstance(part_type, str) and (
        part_type.startswith("tool-") or part_type == "dynamic-tool"
    )


def _tool_name(part: Mapping[str, Any]) -> str:
    if part.get("type") == "dynamic-tool":
        name = part.get("toolName")
        return name if isinstance(name, str) else ""
    return str(part["type"])[5:]


def merge_metadata(base: Any, overrides: Any) -> Any:
    """Deep merge as the AI SDK's ``mergeObjects``: nested objects merge,
    arrays and other values are replaced, ``None`` on either side yields the
    other. Neither input is modified."""
    if overrides is None:
        return base
    if not isinstance(base, dict) or not isinstance(overrides, dict):
        return overrides
    result = dict(base)
    for key, value in overrides.items():
        if key in ("__proto__", "constructor", "prototype"):
            continue
        current = result.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            result[key] = merge_metadata(current, value)
        else:
            result[key] = value
    return result


def _set(part: dict[str, Any], key: str, value: Any) -> None:
    # JS assigns `undefined`, which JSON leaves out: unset keys disappear.
    if value is _UNSET:
        part.pop(key, None)
    else:
        part[key] = value


class _Buffered:
    """Pieces of a text part or of a tool call's streamed input."""

    __slots__ = ("dirty", "pieces")

    def __init__(self, text: str = "") -> None:
        self.pieces: list[str] = [text] if text else []
        self.dirty = False

    def text(self) -> str:
        if len(self.pieces) > 1:
            self.pieces = ["".join(self.pieces)]
        return self.pieces[0] if self.pieces else ""


class UIMessageAccumulator:
    """Builds the AI SDK UIMessage of one assistant reply.

    Args:
        previous: the assistant UIMessage this reply continues (the last
            message of a ``submit-message`` request that ends with an
            assistant message, e.g. after answering a tool call). Its parts
            are kept and new ones appended; it is copied, never modified.
            Anything that is not an assistant message is ignored and a new
            message is started.
        warnings: where dropped chunks are reported.

    Example::

        acc = UIMessageAccumulator()
        for chunk in chunks:          # parsed UI message stream chunks
            acc.apply(chunk)
        ui_message = acc.snapshot()   # send it back in the next request
    """

    def __init__(
        self, previous: Mapping[str, Any] | None = None, *, warnings: WarningSink | None = None
    ) -> None:
        self._warnings = warnings if warnings is not None else WarningSink()
        if previous is not None and previous.get("role") == "assistant":
            self._message: dict[str, Any] = copy.deepcopy(dict(previous))
            if not isinstance(self._message.get("parts"), list):
                self._message["parts"] = []
        else:
            self._message = {"id": _new_message_id(), "role": "assistant", "parts": []}
        self._parts: list[dict[str, Any]] = self._message["parts"]
        self._active_text: dict[Any, dict[str, Any]] = {}
        self._active_reasoning: dict[Any, dict[str, Any]] = {}
        # id(part) -> (part, its text pieces) for text parts still streaming
        self._buffers: dict[int, tuple[dict[str, Any], _Buffered]] = {}
        self._partial_tools: dict[str, dict[str, Any]] = {}
        self._dirty_inputs: dict[int, tuple[dict[str, Any], _Buffered]] = {}
        self.error: str | None = None
        """The ``errorText`` of an error chunk; no chunk is applied after it."""
        self.finish_reason: str | None = None
        """The ``finishReason`` of the ``finish`` chunk (not stored on the message)."""
        self._handlers: dict[str, Callable[[dict[str, Any]], None]] = {
            "text-start": self._on_text_start,
            "text-delta": self._on_text_delta,
            "text-end": self._on_text_end,
            "reasoning-start": self._on_text_start,
            "reasoning-delta": self._on_text_delta,
            "reasoning-end": self._on_text_end,
            "custom": self._on_custom,
            "file": self._on_file,
            "reasoning-file": self._on_file,
            "source-url": self._on_source_url,
            "source-document": self._on_source_document,
            "tool-input-start": self._on_tool_input_start,
            "tool-input-delta": self._on_tool_input_delta,
            "tool-input-available": self._on_tool_input_available,
            "tool-input-error": self._on_tool_input_error,
            "tool-approval-request": self._on_approval_request,
            "tool-approval-response": self._on_approval_response,
            "tool-output-denied": self._on_output_denied,
            "tool-output-available": self._on_tool_output,
            "tool-output-error": self._on_tool_output,
            "start-step": self._on_start_step,
            "finish-step": self._on_finish_step,
            "reset-step": self._on_reset_step,
            "start": self._on_start,
            "finish": self._on_finish,
            "message-metadata": self._on_metadata,
            "error": self._on_error,
        }

    @property
    def message_id(self) -> str:
        """The message id (from ``start``, the continued message, or generated)."""
        return str(self._message["id"])

    def apply(self, chunk: Mapping[str, Any]) -> None:
        """Applies one parsed chunk (a dict with a string ``type``)."""
        if self.error is not None:
            return
        chunk_type = chunk.get("type")
        if not isinstance(chunk_type, str):
            return
        handler = self._handlers.get(chunk_type)
        if handler is not None:
            handler(dict(chunk))
        elif chunk_type.startswith("data-"):
            self._on_data(dict(chunk))

    def snapshot(self) -> dict[str, Any]:
        """A fresh, JSON-compatible copy of the UIMessage so far."""
        self._flush()
        return copy.deepcopy(self._message)

    # -- lazily materialised text and input ---------------------------------

    def _flush(self) -> None:
        for part, buffer in self._buffers.values():
            if buffer.dirty:
                buffer.dirty = False
                part["text"] = buffer.text()
        for part, buffer in self._dirty_inputs.values():
            value, ok = parse_partial_json(buffer.text())
            _set(part, "input", value if ok else _UNSET)
        self._dirty_inputs.clear()

    def _drop(self, key: str, message: str) -> None:
        self._warnings.warn(f"ui-message:{key}", message)

    # -- text, reasoning and simple parts ----------------------------------

    def _on_text_start(self, chunk: dict[str, Any]) -> None:
        is_text = chunk["type"] == "text-start"
        part: dict[str, Any] = {"type": "text" if is_text else "reasoning"}
        if not is_text and "id" in chunk:
            part["id"] = chunk["id"]
        part["text"] = ""
        if chunk.get("providerMetadata") is not None:
            part["providerMetadata"] = chunk["providerMetadata"]
        part["state"] = "streaming"
        (self._active_text if is_text else self._active_reasoning)[_hashable(chunk.get("id"))] = (
            part
        )
        self._parts.append(part)
        self._buffers[id(part)] = (part, _Buffered())

    def _active(self, chunk: dict[str, Any]) -> dict[str, Any] | None:
        is_text = chunk["type"].startswith("text-")
        part = (self._active_text if is_text else self._active_reasoning).get(
            _hashable(chunk.get("id"))
        )
        if part is None:
            self._drop(
                f"missing:{chunk['type']}",
                f"Received {chunk['type']} for missing part with ID {chunk.get('id')!r}",
            )
        return part

    def _on_text_delta(self, chunk: dict[str, Any]) -> None:
        part = self._active(chunk)
        delta = chunk.get("delta")
        if part is None or not isinstance(delta, str):
            return
        _, buffer = self._buffers.setdefault(id(part), (part, _Buffered(part.get("text", ""))))
        buffer.pieces.append(delta)
        buffer.dirty = True
        if chunk.get("providerMetadata") is not None:
            part["providerMetadata"] = chunk["providerMetadata"]

    def _on_text_end(self, chunk: dict[str, Any]) -> None:
        part = self._active(chunk)
        if part is None:
            return
        if chunk.get("providerMetadata") is not None:
            part["providerMetadata"] = chunk["providerMetadata"]
        part["state"] = "done"
        entry = self._buffers.pop(id(part), None)
        if entry is not None:
            part["text"] = entry[1].text()
        active = self._active_text if chunk["type"] == "text-end" else self._active_reasoning
        active.pop(_hashable(chunk.get("id")), None)

    def _on_custom(self, chunk: dict[str, Any]) -> None:
        part: dict[str, Any] = {"type": "custom"}
        _copy(part, chunk, "kind", "providerMetadata")
        self._parts.append(part)

    def _on_file(self, chunk: dict[str, Any]) -> None:
        part: dict[str, Any] = {"type": chunk["type"]}
        _copy(part, chunk, "mediaType", "url", "providerMetadata")
        self._parts.append(part)

    def _on_source_url(self, chunk: dict[str, Any]) -> None:
        part: dict[str, Any] = {"type": "source-url"}
        _copy(part, chunk, "sourceId", "url", "title", "providerMetadata")
        self._parts.append(part)

    def _on_source_document(self, chunk: dict[str, Any]) -> None:
        part: dict[str, Any] = {"type": "source-document"}
        _copy(part, chunk, "sourceId", "mediaType", "title", "filename", "providerMetadata")
        self._parts.append(part)

    def _on_data(self, chunk: dict[str, Any]) -> None:
        if chunk.get("transient"):
            return
        if chunk.get("id") is not None:
            for part in self._parts:
                if part.get("type") == chunk["type"] and part.get("id") == chunk["id"]:
                    _set(part, "data", chunk.get("data", _UNSET))
                    return
        self._parts.append(chunk)

    # -- steps, metadata, errors -------------------------------------------

    def _step_parts_start(self) -> int:
        for index in range(len(self._parts) - 1, -1, -1):
            if self._parts[index].get("type") == "step-start":
                return index + 1
        return 0

    def _on_start_step(self, chunk: dict[str, Any]) -> None:
        self._parts.append({"type": "step-start"})

    def _on_finish_step(self, chunk: dict[str, Any]) -> None:
        self._flush()
        self._active_text.clear()
        self._active_reasoning.clear()

    def _on_reset_step(self, chunk: dict[str, Any]) -> None:
        self._flush()
        self._active_text.clear()
        self._active_reasoning.clear()
        self._partial_tools.clear()
        removed = self._parts[self._step_parts_start() :]
        del self._parts[len(self._parts) - len(removed) :]
        for part in removed:
            self._buffers.pop(id(part), None)

    def _on_start(self, chunk: dict[str, Any]) -> None:
        if chunk.get("messageId") is not None:
            self._message["id"] = chunk["messageId"]
        self._on_metadata(chunk)

    def _on_finish(self, chunk: dict[str, Any]) -> None:
        if isinstance(chunk.get("finishReason"), str):
            self.finish_reason = chunk["finishReason"]
        self._on_metadata(chunk)

    def _on_metadata(self, chunk: dict[str, Any]) -> None:
        metadata = chunk.get("messageMetadata")
        if metadata is not None:
            merged = merge_metadata(self._message.get("metadata"), metadata)
            self._message["metadata"] = copy.deepcopy(merged)

    def _on_error(self, chunk: dict[str, Any]) -> None:
        text = chunk.get("errorText")
        self.error = text if isinstance(text, str) else json.dumps(text)

    # -- tool parts --------------------------------------------------------

    def _find_tool(
        self, tool_call_id: Any, *, dynamic: bool | None = None
    ) -> dict[str, Any] | None:
        # The current step first, then the whole message, newest first.
        start = self._step_parts_start()
        for part in self._parts[start:]:
            if (
                is_tool_part(part)
                and part.get("toolCallId") == tool_call_id
                and (dynamic is None or (part["type"] == "dynamic-tool") == dynamic)
            ):
                return part
        if dynamic is not None:
            return None
        found: dict[str, Any] | None = None
        for part in reversed(self._parts):
            if is_tool_part(part) and part.get("toolCallId") == tool_call_id:
                found = part
                break
        return found

    def _update_tool(
        self,
        *,
        dynamic: bool,
        tool_name: Any,
        tool_call_id: Any,
        state: str,
        chunk: Mapping[str, Any],
        existing: dict[str, Any] | None = None,
        input: Any = _UNSET,
        output: Any = _UNSET,
        error_text: Any = _UNSET,
        raw_input: Any = _UNSET,
        preliminary: Any = _UNSET,
        title: Any = _UNSET,
        tool_metadata: Any = _UNSET,
    ) -> dict[str, Any]:
        part = existing if existing is not None else self._find_tool(tool_call_id, dynamic=dynamic)
        if part is not None:
            self._dirty_inputs.pop(id(part), None)
        provider_executed = chunk.get("providerExecuted", _UNSET)
        provider_metadata = chunk.get("providerMetadata")
        is_result = state in ("output-available", "output-error")
        if part is not None:
            part["state"] = state
            if dynamic:
                part["toolName"] = tool_name
            _set(part, "input", input)
            _set(part, "output", output)
            _set(part, "errorText", error_text)
            if dynamic:
                if raw_input is not _UNSET:
                    part["rawInput"] = raw_input
            else:
                _set(part, "rawInput", raw_input)
            _set(part, "preliminary", preliminary)
            if title is not _UNSET:
                part["title"] = title
            if tool_metadata is not _UNSET:
                part["toolMetadata"] = tool_metadata
            if provider_executed is not _UNSET and provider_executed is not None:
                part["providerExecuted"] = provider_executed
            if provider_metadata is not None:
                part["resultProviderMetadata" if is_result else "callProviderMetadata"] = (
                    provider_metadata
                )
            return part
        part = (
            {"type": "dynamic-tool", "toolName": tool_name}
            if dynamic
            else {"type": f"tool-{tool_name}"}
        )
        part["toolCallId"] = tool_call_id
        part["state"] = state
        for key, value in (
            ("title", title),
            ("toolMetadata", tool_metadata),
            ("input", input),
            ("output", output),
            ("rawInput", _UNSET if dynamic else raw_input),
            ("errorText", error_text),
            ("providerExecuted", provider_executed),
            ("preliminary", preliminary),
        ):
            if value is not _UNSET and (value is not None or key != "providerExecuted"):
                part[key] = value
        if provider_metadata is not None:
            part["resultProviderMetadata" if is_result else "callProviderMetadata"] = (
                provider_metadata
            )
        self._parts.append(part)
        return part

    def _on_tool_input_start(self, chunk: dict[str, Any]) -> None:
        tool_call_id = chunk.get("toolCallId")
        if not isinstance(tool_call_id, str):
            return
        dynamic = bool(chunk.get("dynamic"))
        self._partial_tools[tool_call_id] = {
            "text": _Buffered(),
            "toolName": chunk.get("toolName"),
            "dynamic": dynamic,
            "title": chunk.get("title", _UNSET),
            "toolMetadata": chunk.get("toolMetadata", _UNSET),
        }
        self._update_tool(
            dynamic=dynamic,
            tool_name=chunk.get("toolName"),
            tool_call_id=tool_call_id,
            state="input-streaming",
            chunk=chunk,
            title=chunk.get("title", _UNSET),
            tool_metadata=chunk.get("toolMetadata", _UNSET),
        )

    def _on_tool_input_delta(self, chunk: dict[str, Any]) -> None:
        partial = self._partial_tools.get(chunk.get("toolCallId"))  # type: ignore[arg-type]
        delta = chunk.get("inputTextDelta")
        if partial is None or not isinstance(delta, str):
            self._drop("tool-input-delta", "Received tool-input-delta for a missing tool call")
            return
        buffer: _Buffered = partial["text"]
        buffer.pieces.append(delta)
        part = self._update_tool(
            dynamic=partial["dynamic"],
            tool_name=partial["toolName"],
            tool_call_id=chunk["toolCallId"],
            state="input-streaming",
            chunk={},
            title=partial["title"],
            tool_metadata=partial["toolMetadata"],
        )
        # Parsed when a snapshot is taken, not on every delta.
        self._dirty_inputs[id(part)] = (part, buffer)

    def _on_tool_input_available(self, chunk: dict[str, Any]) -> None:
        self._update_tool(
            dynamic=bool(chunk.get("dynamic")),
            tool_name=chunk.get("toolName"),
            tool_call_id=chunk.get("toolCallId"),
            state="input-available",
            chunk=chunk,
            input=chunk.get("input", _UNSET),
            title=chunk.get("title", _UNSET),
            tool_metadata=chunk.get("toolMetadata", _UNSET),
        )

    def _on_tool_input_error(self, chunk: dict[str, Any]) -> None:
        tool_call_id = chunk.get("toolCallId")
        start = self._step_parts_start()
        existing = next(
            (
                p
                for p in self._parts[start:]
                if is_tool_part(p) and p.get("toolCallId") == tool_call_id
            ),
            None,
        )
        dynamic = existing["type"] == "dynamic-tool" if existing else bool(chunk.get("dynamic"))
        raw = chunk.get("input", _UNSET)
        self._update_tool(
            dynamic=dynamic,
            tool_name=chunk.get("toolName"),
            tool_call_id=tool_call_id,
            state="output-error",
            chunk=chunk,
            input=raw if dynamic else _UNSET,
            raw_input=_UNSET if dynamic else raw,
            error_text=chunk.get("errorText", _UNSET),
            tool_metadata=chunk.get("toolMetadata", _UNSET),
        )

    def _invocation(self, chunk: dict[str, Any]) -> dict[str, Any] | None:
        part = self._find_tool(chunk.get("toolCallId"))
        if part is None:
            self._drop(
                f"no-tool:{chunk['type']}",
                f"No tool invocation found for tool call ID {chunk.get('toolCallId')!r}",
            )
        return part

    def _on_approval_request(self, chunk: dict[str, Any]) -> None:
        part = self._invocation(chunk)
        if part is None:
            return
        self._flush()
        part["state"] = "approval-requested"
        approval: dict[str, Any] = {"id": chunk.get("approvalId")}
        if chunk.get("isAutomatic") is True:
            approval["isAutomatic"] = True
        if chunk.get("signature") is not None:
            approval["signature"] = chunk["signature"]
        part["approval"] = approval

    def _on_approval_response(self, chunk: dict[str, Any]) -> None:
        approval_id = chunk.get("approvalId")
        part = next(
            (
                p
                for p in self._parts
                if is_tool_part(p)
                and isinstance(p.get("approval"), dict)
                and p["approval"].get("id") == approval_id
            ),
            None,
        )
        if part is None:
            self._drop(
                "approval-response", f"No tool invocation found for approval ID {approval_id!r}"
            )
            return
        previous = part["approval"]
        approval: dict[str, Any] = {"id": approval_id, "approved": chunk.get("approved")}
        if chunk.get("reason") is not None:
            approval["reason"] = chunk["reason"]
        if previous.get("isAutomatic") is True:
            approval["isAutomatic"] = True
        if previous.get("signature") is not None:
            approval["signature"] = previous["signature"]
        part["state"] = "approval-responded"
        part["approval"] = approval
        if chunk.get("providerExecuted") is not None:
            part["providerExecuted"] = chunk["providerExecuted"]
        if chunk.get("providerMetadata") is not None:
            part["callProviderMetadata"] = chunk["providerMetadata"]

    def _on_output_denied(self, chunk: dict[str, Any]) -> None:
        part = self._invocation(chunk)
        if part is not None:
            part["state"] = "output-denied"

    def _on_tool_output(self, chunk: dict[str, Any]) -> None:
        part = self._invocation(chunk)
        if part is None:
            return
        self._flush()
        dynamic = part["type"] == "dynamic-tool"
        is_error = chunk["type"] == "tool-output-error"
        self._update_tool(
            dynamic=dynamic,
            tool_name=_tool_name(part),
            tool_call_id=chunk.get("toolCallId"),
            state="output-error" if is_error else "output-available",
            chunk=chunk,
            existing=part,
            input=part.get("input", _UNSET),
            output=_UNSET if is_error else chunk.get("output", _UNSET),
            error_text=chunk.get("errorText", _UNSET) if is_error else _UNSET,
            raw_input=part.get("rawInput", _UNSET) if is_error and not dynamic else _UNSET,
            preliminary=_UNSET if is_error else chunk.get("preliminary", _UNSET),
            title=part.get("title", _UNSET),
            tool_metadata=part.get("toolMetadata", _UNSET),
        )


def _hashable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return ("json", json.dumps(value, sort_keys=True))


def _copy(part: dict[str, Any], chunk: Mapping[str, Any], *keys: str) -> None:
    for key in keys:
        if chunk.get(key) is not None:
            part[key] = chunk[key]


# -- UIMessage -> canonical parts ---------------------------------------------

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
    args_text = json.dumps(args, separators=(",", ":"), ensure_ascii=False)
    state = part.get("state")
    if state == "input-streaming":
        # The AI SDK's repaired partial input: show it as still open.
        args_text = args_text.rstrip('}]"')
    out: dict[str, Any] = {
        "type": "tool-call",
        "toolCallId": part.get("toolCallId"),
        "toolName": _tool_name(part),
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
    """The canonical parts (PROTOCOLS.md 3.2) of an AI SDK UIMessage, mapped
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


# -- answering tool calls (PROTOCOLS.md 1.4.2) --------------------------------


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
    answered, ready to be sent back (AI SDK flavour, PROTOCOLS.md 1.4.2).

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
