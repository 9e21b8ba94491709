"""Tool calls of the UI message stream (docs/protocols.md §2.3, 3.3), as the
reference decoder handles them.

Two generations of chunks arrive here:

- the current AI SDK's ``tool-input-*``/``tool-output-*``/``tool-approval-*``
  chunks. A call is buffered (:class:`_PendingTool`) until its input is
  known, then *normalised* into the legacy sequence: start, one argument
  delta per buffered piece, end, results;
- the legacy assistant-ui chunks (``tool-call-start``/``-delta``/``-end``,
  ``tool-result``), applied directly.

Both end in a :class:`~.part_writer.PartWriter`, shared with the decoder's
text and source parts so that part indices stay in arrival order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from assistant_ui.protocol.decoders.part_writer import NO_RESULT, PartWriter, ToolCallState
from assistant_ui.protocol.events import MISSING
from assistant_ui.protocol.json_text import js_json_stringify
from assistant_ui.protocol.leniency import WarningSink, fatal_or_warn

__all__ = ["UIToolCalls"]


@dataclass(slots=True)
class _PendingTool:
    """A ``tool-input-*`` call buffered until its input is known."""

    tool_call_id: str
    tool_name: str
    deltas: list[str] = field(default_factory=list)
    emitted: bool = False
    has_final_result: bool = False
    results: list[tuple[Any, bool, bool]] = field(default_factory=list)  # result, error, prelim


class UIToolCalls:
    """The tool-call state of one UI message stream.

    Args:
        writer: the decoder's part writer.
        strict: raise on a duplicate tool call id and on a legacy
            ``tool-result`` for an unknown id (the reference is fatal there);
            otherwise drop the chunk with a warning.
        warnings: where dropped input is reported.
    """

    def __init__(self, writer: PartWriter, *, strict: bool, warnings: WarningSink) -> None:
        self._w = writer
        self._strict = strict
        self._warnings = warnings
        self._tools: dict[str, ToolCallState] = {}
        self._active_tool: str | None = None
        self._pending: dict[str, _PendingTool] = {}
        self._approvals: dict[str, dict[str, Any]] = {}

    def handle(self, chunk: dict[str, Any]) -> bool:
        """Applies ``chunk`` if it is a tool chunk; returns whether it was."""
        handler = _HANDLERS.get(chunk["type"])
        if handler is None:
            return False
        handler(self, chunk)
        return True

    def emit_pending(self) -> None:
        """Emits every call still buffered (at ``[DONE]``)."""
        for tool in list(self._pending.values()):
            self._emit_pending(tool)

    def discard_pending(self) -> None:
        """Forgets the buffered calls (an ``abort`` chunk)."""
        self._pending.clear()

    def parts_without_args(self) -> set[int]:
        """Part indices of the open calls that never received argument text
        (whose args close writes the default ``{}``)."""
        return {call.index for call in self._tools.values() if not call.has_args}

    def close(self) -> None:
        """Closes the open arguments, then every call."""
        if self._active_tool is not None:
            self._w.close_tool_args(self._tools[self._active_tool])
            self._active_tool = None
        for call in self._tools.values():
            self._w.close_tool(call)
        self._tools.clear()

    def _fatal_or_warn(self, key: str, message: str) -> None:
        fatal_or_warn(self._strict, self._warnings, key, message)

    # -- tool calls: the current AI SDK chunks, normalised --------------------

    def _on_tool_input_start(self, chunk: dict[str, Any]) -> None:
        tool_call_id = chunk.get("toolCallId")
        if not isinstance(tool_call_id, str) or tool_call_id in self._pending:
            return
        self._pending[tool_call_id] = _PendingTool(tool_call_id, _name(chunk.get("toolName")))

    def input_delta(self, chunk: dict[str, Any]) -> None:
        """Applies a ``tool-input-delta`` chunk (:meth:`handle` without the
        lookup, for the decoder's hot path)."""
        tool_call_id = chunk.get("toolCallId")
        tool = self._pending.get(tool_call_id) if isinstance(tool_call_id, str) else None
        delta = chunk.get("inputTextDelta")
        if tool is not None and not tool.emitted and isinstance(delta, str):
            tool.deltas.append(delta)

    def _on_tool_input_available(self, chunk: dict[str, Any]) -> None:
        tool_call_id = chunk.get("toolCallId")
        if not isinstance(tool_call_id, str):
            return
        tool = self._pending.get(tool_call_id)
        if tool is None:
            tool = self._pending[tool_call_id] = _PendingTool(
                tool_call_id, _name(chunk.get("toolName"))
            )
        if tool.emitted:
            return
        is_error = chunk["type"] == "tool-input-error"
        if "input" in chunk:
            value = chunk["input"]
            # The final input wins over the buffered deltas; an unparsable
            # input of a tool-input-error is kept as the raw text.
            tool.deltas = [
                value if is_error and isinstance(value, str) else js_json_stringify(value)
            ]
        if is_error:
            text = chunk.get("errorText")
            tool.results.append((text if isinstance(text, str) else "", True, False))
            tool.has_final_result = True
        self._emit_pending(tool)

    def _on_tool_output(self, chunk: dict[str, Any]) -> None:
        tool_call_id = chunk.get("toolCallId")
        if not isinstance(tool_call_id, str):
            return
        is_error = chunk["type"] == "tool-output-error"
        if not is_error and "output" not in chunk:
            return
        tool = self._pending.get(tool_call_id)
        opens_call = tool is None
        if tool is None:
            # Current reference: a result for a call this response never
            # announced opens one with an empty tool name.
            tool = self._pending[tool_call_id] = _PendingTool(tool_call_id, "")
        if tool.has_final_result:
            return
        if is_error:
            text = chunk.get("errorText")
            tool.results.append((text if isinstance(text, str) else "", True, False))
            tool.has_final_result = True
        else:
            preliminary = bool(chunk.get("preliminary"))
            tool.results.append((chunk["output"], False, preliminary))
            tool.has_final_result = not preliminary
        if tool.emitted or opens_call:
            self._emit_pending(tool)

    def _emit_pending(self, tool: _PendingTool) -> None:
        if not tool.emitted:
            tool.emitted = True
            self._tool_call_start(tool.tool_call_id, tool.tool_name)
            for delta in tool.deltas:
                self._tool_call_delta(delta)
            self._tool_call_end()
        results, tool.results = tool.results, []
        for result, is_error, preliminary in results:
            self._tool_result(tool.tool_call_id, result, is_error, preliminary, MISSING)

    def _on_tool_output_denied(self, chunk: dict[str, Any]) -> None:
        tool_call_id = chunk.get("toolCallId")
        call = self._tools.get(tool_call_id) if isinstance(tool_call_id, str) else None
        if call is None:
            return
        reason = self._approvals.get(tool_call_id, {}).get("reason")  # type: ignore[arg-type]
        self._w.tool_result(call, {"error": reason or "Tool approval denied"}, is_error=True)

    def _on_approval_request(self, chunk: dict[str, Any]) -> None:
        tool_call_id, approval_id = chunk.get("toolCallId"), chunk.get("approvalId")
        if not isinstance(tool_call_id, str) or not isinstance(approval_id, str):
            return
        approval: dict[str, Any] = {"id": approval_id}
        if chunk.get("approvalDescriptor") is not None:
            approval["descriptor"] = chunk["approvalDescriptor"]
        if "inputSchemaInput" in chunk:
            approval["inputSchemaInput"] = chunk["inputSchemaInput"]
        if isinstance(chunk.get("reason"), str):
            approval["prompt"] = approval["requestReason"] = chunk["reason"]
        if isinstance(chunk.get("isAutomatic"), bool):
            approval["isAutomatic"] = chunk["isAutomatic"]
        if isinstance(chunk.get("signature"), str):
            approval["signature"] = chunk["signature"]
        call = self._tools.get(tool_call_id)
        if call is None:
            return
        self._approvals[tool_call_id] = approval
        self._w.tool_approval(call, approval)

    def _on_approval_response(self, chunk: dict[str, Any]) -> None:
        approval_id, approved = chunk.get("approvalId"), chunk.get("approved")
        if not isinstance(approval_id, str) or not isinstance(approved, bool):
            return
        tool_call_id = next(
            (key for key, value in self._approvals.items() if value.get("id") == approval_id),
            None,
        )
        if tool_call_id is None:
            return
        approval = self._approvals[tool_call_id]
        decided = {**approval, "approved": approved}
        if isinstance(chunk.get("reason"), str):
            decided["reason"] = chunk["reason"]
        self._approvals[tool_call_id] = decided
        call = self._tools.get(tool_call_id)
        if call is not None:
            self._w.tool_approval(call, decided)

    # -- tool calls: the legacy chunks (also the target of normalisation) -------

    def _on_legacy_tool_call_start(self, chunk: dict[str, Any]) -> None:
        tool_call_id = chunk.get("toolCallId")
        if not isinstance(tool_call_id, str):
            self._warnings.warn(
                "ui:tool-call-start:id", "Dropped tool-call-start without toolCallId"
            )
            return
        self._tool_call_start(tool_call_id, _name(chunk.get("toolName")))

    def _on_legacy_tool_call_delta(self, chunk: dict[str, Any]) -> None:
        delta = chunk.get("argsText")
        if isinstance(delta, str):
            self._tool_call_delta(delta)

    def _on_legacy_tool_call_end(self, chunk: dict[str, Any]) -> None:
        self._tool_call_end()

    def _on_legacy_tool_result(self, chunk: dict[str, Any]) -> None:
        tool_call_id = chunk.get("toolCallId")
        self._tool_result(
            tool_call_id if isinstance(tool_call_id, str) else "",
            chunk.get("result", NO_RESULT),
            chunk.get("isError") is True,
            bool(chunk.get("isPreliminary")),
            chunk.get("messages", MISSING),
        )

    def _tool_call_start(self, tool_call_id: str, tool_name: str) -> None:
        if self._active_tool is not None:
            self._w.close_tool_args(self._tools[self._active_tool])
            self._active_tool = None
        if tool_call_id in self._tools:
            self._fatal_or_warn(
                f"ui:duplicate:{tool_call_id}",
                f"Encountered duplicate tool call id: {tool_call_id}",
            )
            return
        self._tools[tool_call_id] = self._w.start_tool(tool_call_id, tool_name)
        self._active_tool = tool_call_id

    def _tool_call_delta(self, delta: str) -> None:
        if self._active_tool is not None:
            self._w.tool_args(self._tools[self._active_tool], delta)

    def _tool_call_end(self) -> None:
        if self._active_tool is not None:
            self._w.close_tool_args(self._tools[self._active_tool])
            self._active_tool = None

    def _tool_result(
        self, tool_call_id: str, result: Any, is_error: bool, preliminary: bool, messages: Any
    ) -> None:
        if tool_call_id == self._active_tool:
            self._active_tool = None
        call = self._tools.get(tool_call_id)
        if call is None:
            self._fatal_or_warn(
                f"ui:unknown-result:{tool_call_id}",
                f"Encountered tool result with unknown id: {tool_call_id}",
            )
            return
        self._w.tool_result(
            call, result, is_error=is_error, is_preliminary=preliminary, messages=messages
        )


# The chunk types handled here: one table for the class, of plain functions
# (bound methods kept on the instance would make a reference cycle).
_HANDLERS: Final[dict[str, Callable[[UIToolCalls, dict[str, Any]], None]]] = {
    "tool-input-start": UIToolCalls._on_tool_input_start,
    "tool-input-delta": UIToolCalls.input_delta,
    "tool-input-available": UIToolCalls._on_tool_input_available,
    "tool-input-error": UIToolCalls._on_tool_input_available,
    "tool-output-available": UIToolCalls._on_tool_output,
    "tool-output-error": UIToolCalls._on_tool_output,
    "tool-output-denied": UIToolCalls._on_tool_output_denied,
    "tool-approval-request": UIToolCalls._on_approval_request,
    "tool-approval-response": UIToolCalls._on_approval_response,
    "tool-call-start": UIToolCalls._on_legacy_tool_call_start,
    "tool-call-delta": UIToolCalls._on_legacy_tool_call_delta,
    "tool-call-end": UIToolCalls._on_legacy_tool_call_end,
    "tool-result": UIToolCalls._on_legacy_tool_result,
}


def _name(value: Any) -> str:
    return value if isinstance(value, str) else ""
