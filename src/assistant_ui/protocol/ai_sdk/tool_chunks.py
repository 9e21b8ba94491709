"""Tool chunks of the AI SDK UI message stream applied to a UIMessage
(docs/protocols.md §3.9): ``tool-input-*``, ``tool-output-*`` and
``tool-approval-*``, as ``processUIMessageStream`` of ``ai`` 7 applies them.

:class:`UIToolChunks` is the tool half of
:class:`~.ui_message.UIMessageAccumulator`: it writes into the same parts
list and reports chunks the AI SDK would fail on through the accumulator's
``fail`` callback. Streamed tool input is kept as pieces and parsed
(partially, :mod:`.partial_json`) only when the message is next read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from assistant_ui.protocol.ai_sdk.tool_parts import (
    assign,
    is_tool_part,
    new_tool_part,
    pick,
    tool_part_name,
    update_tool_part,
)
from assistant_ui.protocol.partial_json import parse_partial_json_value
from assistant_ui.protocol.text import TextBuffer

__all__ = ["UIToolChunks", "step_start_index"]


def step_start_index(parts: list[dict[str, Any]]) -> int:
    """Index of the first part of the current step (after the last
    ``step-start`` part)."""
    for index in range(len(parts) - 1, -1, -1):
        if parts[index].get("type") == "step-start":
            return index + 1
    return 0


class _ToolPartIndex:
    """Where the tool parts of a parts list are, by ``toolCallId``.

    Finding a call's part by scanning the list made a reply with many tool
    calls quadratic. The index reads each appended part once, on the next
    lookup; when parts were removed (``reset-step``) it starts over. Part
    types and ids never change in a way that moves a part in or out of the
    index (a tool part stays a tool part with the same ``toolCallId``), and
    chunk ids are strings (the chunk schema), so parts with other ids are
    never found and need no entry.
    """

    __slots__ = ("_last", "_last_seen", "_parts", "_seen", "_step")

    def __init__(self, parts: list[dict[str, Any]]) -> None:
        self._parts = parts
        self._seen = 0  # how many parts were read
        self._last_seen: Any = None  # parts[_seen - 1] when read
        self._step: dict[str, list[dict[str, Any]]] = {}  # current step, in order
        self._last: dict[str, dict[str, Any]] = {}  # the last part per id, any step

    def _catch_up(self) -> None:
        parts = self._parts
        seen = self._seen
        if seen and (len(parts) < seen or parts[seen - 1] is not self._last_seen):
            seen = self._seen = 0  # parts were removed: read them all again
            self._step = {}
            self._last = {}
        if seen == len(parts):
            return
        step, last = self._step, self._last
        for index in range(seen, len(parts)):
            part = parts[index]
            if part.get("type") == "step-start":
                step = self._step = {}
            elif is_tool_part(part):
                tool_call_id = part.get("toolCallId")
                if isinstance(tool_call_id, str):
                    step.setdefault(tool_call_id, []).append(part)
                    last[tool_call_id] = part
        self._seen = len(parts)
        self._last_seen = parts[-1]

    def in_step(self, tool_call_id: str, kind: str | None) -> dict[str, Any] | None:
        """The first part of the call in the current step (``kind``:
        ``"static"``, ``"dynamic"`` or ``None`` for either)."""
        self._catch_up()
        for part in self._step.get(tool_call_id, ()):
            if kind is None or (part["type"] == "dynamic-tool") == (kind == "dynamic"):
                return part
        return None

    def last(self, tool_call_id: str) -> dict[str, Any] | None:
        """The call's last part in the whole message."""
        self._catch_up()
        return self._last.get(tool_call_id)


def _store_input(part: dict[str, Any], buffer: TextBuffer, encoding: Any, raw: bool) -> None:
    """Writes a streaming call's input (parsed as the AI SDK's partial JSON
    parse does: any JSON value, none for an empty text) and ``rawInput``."""
    text = buffer.text()
    if encoding == "text":
        part["input"] = text
    else:
        value, ok = parse_partial_json_value(text)
        assign(part, "input", {"input": value} if ok else {})
    if raw:
        part["rawInput"] = text


class UIToolChunks:
    """Applies tool chunks to a UIMessage's parts.

    Args:
        parts: the message's parts list, changed in place.
        fail: called with a reason where the AI SDK would fail.
    """

    def __init__(self, parts: list[dict[str, Any]], fail: Callable[[str], None]) -> None:
        self._parts = parts
        self._fail = fail
        self._index = _ToolPartIndex(parts)
        # The partial call the last tool chunk was a delta for, if it was one
        # (and nothing was flushed since): its next delta only adds text.
        self._last_delta: dict[str, Any] | None = None
        self.streaming_input: tuple[str, TextBuffer] | None = None
        """(toolCallId, input text) while the last chunk applied at all was
        a delta for that call, nothing was read since, and the call's part
        has its ``rawInput``: the next delta for it only adds text (the
        accumulator's hot path). Whoever applies another chunk clears it."""
        self._partial_tools: dict[str, dict[str, Any]] = {}
        # id(part) -> (part, input text, encoding, whether rawInput is
        # written): parsed at the next read
        self._dirty_inputs: dict[int, tuple[dict[str, Any], TextBuffer, Any, bool]] = {}

    def handle(self, chunk: dict[str, Any]) -> bool:
        """Applies ``chunk`` if it is a tool chunk; returns whether it was."""
        handler = _HANDLERS.get(chunk["type"])
        if handler is None:
            return False
        if handler is not UIToolChunks._on_tool_input_delta:
            self._last_delta = None
        handler(self, chunk)
        return True

    def flush_inputs(self) -> None:
        """Stores the parsed streamed input (and ``rawInput``) of every tool
        part that got input pieces since the last flush."""
        for entry in self._dirty_inputs.values():
            _store_input(*entry)
        self._dirty_inputs.clear()
        self._last_delta = None
        self.streaming_input = None

    def reset_step(self) -> None:
        """Forgets the calls whose input is streaming (``reset-step``; flush
        first)."""
        self._partial_tools.clear()
        self._last_delta = None
        self.streaming_input = None

    def _current_step_tool(self, tool_call_id: str, kind: str | None) -> dict[str, Any] | None:
        """The tool part in the current step (``kind``: ``"static"``,
        ``"dynamic"`` or ``None`` for either)."""
        return self._index.in_step(tool_call_id, kind)

    def _invocation(self, chunk: dict[str, Any]) -> dict[str, Any] | None:
        tool_call_id = chunk["toolCallId"]
        found = self._index.in_step(tool_call_id, None)
        if found is None:
            found = self._index.last(tool_call_id)
        if found is None:
            self._fail(f"No tool invocation found for tool call ID {tool_call_id!r}")
        return found

    def _update_tool(
        self,
        dynamic: bool,
        options: dict[str, Any],
        existing: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Writes a tool chunk into ``existing``, else into the call's part
        in the current step, else into a new part."""
        part = existing
        if part is None:
            kind = "dynamic" if dynamic else "static"
            part = self._current_step_tool(options["toolCallId"], kind)
        if part is None:
            part = new_tool_part(dynamic, options)
            self._parts.append(part)
            return part
        self._dirty_inputs.pop(id(part), None)
        update_tool_part(part, dynamic, options)
        return part

    def _on_tool_input_start(self, chunk: dict[str, Any]) -> None:
        dynamic = bool(chunk.get("dynamic"))
        self._partial_tools[chunk["toolCallId"]] = {
            "text": TextBuffer(),
            "dynamic": dynamic,
            **pick(chunk, "toolName", "inputEncoding", "title", "toolMetadata"),
        }
        options = pick(
            chunk,
            "toolCallId",
            "toolName",
            "inputEncoding",
            "providerExecuted",
            "title",
            "toolMetadata",
            "providerMetadata",
        )
        self._update_tool(dynamic, {**options, "state": "input-streaming"})

    def _on_tool_input_delta(self, chunk: dict[str, Any]) -> None:
        partial = self._partial_tools.get(chunk["toolCallId"])
        if partial is None:
            self._fail(f"Received tool-input-delta for missing tool call {chunk['toolCallId']!r}")
            return
        buffer: TextBuffer = partial["text"]
        dynamic: bool = partial["dynamic"]
        target = self._current_step_tool(chunk["toolCallId"], "dynamic" if dynamic else "static")
        previous = partial.get("part")
        if target is not None and previous is target and self._last_delta is partial:
            # The previous tool chunk was a delta for this same part and
            # nothing was flushed since: writing the part again would change
            # nothing, only the text grows (and the part has its rawInput).
            buffer.append(chunk["inputTextDelta"])
            dirty = self._dirty_inputs[id(target)]
            if not dirty[3]:
                self._dirty_inputs[id(target)] = (dirty[0], dirty[1], dirty[2], True)
            self.streaming_input = (chunk["toolCallId"], buffer)
            return
        if previous is not None and previous is not target:
            # The call's part of an earlier step keeps the input it had.
            entry = self._dirty_inputs.pop(id(previous), None)
            if entry is not None:
                _store_input(*entry)
        buffer.append(chunk["inputTextDelta"])
        options = {
            "toolCallId": chunk["toolCallId"],
            "state": "input-streaming",
            **pick(partial, "toolName", "inputEncoding", "title", "toolMetadata"),
        }
        part = self._update_tool(dynamic, options, existing=target)
        partial["part"] = part
        # The input is re-parsed when it is next read, not on every delta.
        # A dynamic part the delta creates gets no rawInput (AI SDK).
        raw = not dynamic or target is not None
        self._dirty_inputs[id(part)] = (part, buffer, partial.get("inputEncoding"), raw)
        self._last_delta = partial
        if raw:
            self.streaming_input = (chunk["toolCallId"], buffer)

    def _on_tool_input_available(self, chunk: dict[str, Any]) -> None:
        options = pick(
            chunk,
            "toolCallId",
            "toolName",
            "input",
            "providerExecuted",
            "providerMetadata",
            "title",
            "toolMetadata",
        )
        self._update_tool(bool(chunk.get("dynamic")), {**options, "state": "input-available"})

    def _on_tool_input_error(self, chunk: dict[str, Any]) -> None:
        existing = self._current_step_tool(chunk["toolCallId"], None)
        dynamic = (
            existing["type"] == "dynamic-tool"
            if existing is not None
            else bool(chunk.get("dynamic"))
        )
        options = pick(
            chunk,
            "toolCallId",
            "toolName",
            "input",
            "errorText",
            "providerExecuted",
            "providerMetadata",
            "toolMetadata",
        )
        self._update_tool(dynamic, {**options, "state": "output-error"})

    def _on_approval_request(self, chunk: dict[str, Any]) -> None:
        part = self._invocation(chunk)
        if part is None:
            return
        self.flush_inputs()
        part["state"] = "approval-requested"
        approval: dict[str, Any] = {"id": chunk["approvalId"]}
        if chunk.get("approvalDescriptor") is not None:
            approval["descriptor"] = chunk["approvalDescriptor"]
        if "inputSchemaInput" in chunk:
            approval["inputSchemaInput"] = chunk["inputSchemaInput"]
        if chunk.get("reason") is not None:
            approval["requestReason"] = chunk["reason"]
        if chunk.get("isAutomatic") is True:
            approval["isAutomatic"] = True
        if chunk.get("signature") is not None:
            approval["signature"] = chunk["signature"]
        part["approval"] = approval

    def _on_approval_response(self, chunk: dict[str, Any]) -> None:
        approval_id = chunk["approvalId"]
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
            self._fail(f"No tool invocation found for approval ID {approval_id!r}")
            return
        approval = {**part["approval"], "id": approval_id, "approved": chunk["approved"]}
        if chunk.get("reason") is not None:
            approval["reason"] = chunk["reason"]
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
        self.flush_inputs()
        dynamic = part["type"] == "dynamic-tool"
        is_error = chunk["type"] == "tool-output-error"
        options: dict[str, Any] = {
            "toolCallId": chunk["toolCallId"],
            "toolName": tool_part_name(part),
            "state": "output-error" if is_error else "output-available",
            **pick(part, "input", "title"),
            **pick(chunk, "providerExecuted", "providerMetadata"),
            **pick(chunk, *(("errorText",) if is_error else ("output", "preliminary"))),
        }
        if is_error and not dynamic and "rawInput" in part:
            options["rawInput"] = part["rawInput"]
        tool_metadata = chunk.get("toolMetadata")
        if tool_metadata is None:
            tool_metadata = part.get("toolMetadata")
        if tool_metadata is not None:
            options["toolMetadata"] = tool_metadata
        self._update_tool(dynamic, options, existing=part)


# The chunk types handled here: one table for the class, of plain functions
# (bound methods kept on the instance would make a reference cycle).
_HANDLERS: Final[dict[str, Callable[[UIToolChunks, dict[str, Any]], None]]] = {
    "tool-input-start": UIToolChunks._on_tool_input_start,
    "tool-input-delta": UIToolChunks._on_tool_input_delta,
    "tool-input-available": UIToolChunks._on_tool_input_available,
    "tool-input-error": UIToolChunks._on_tool_input_error,
    "tool-approval-request": UIToolChunks._on_approval_request,
    "tool-approval-response": UIToolChunks._on_approval_response,
    "tool-output-denied": UIToolChunks._on_output_denied,
    "tool-output-available": UIToolChunks._on_tool_output,
    "tool-output-error": UIToolChunks._on_tool_output,
}
