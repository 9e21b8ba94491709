"""Decoder for the assistant-transport SSE encoding (docs/protocols.md §2.4.3),
including the legacy flat dialect of Python assistant-stream <= 0.0.34
(2.4.4).

Strategy:

- Canonical chunks are the canonical events on the wire: each is validated
  as the reference's ``AssistantTransportDecoder`` does and translated one to
  one. A chunk that fails validation (bad JSON, not an object, unknown
  ``type``, a missing field, a missing or malformed ``path``) is dropped with
  a warning in both modes; the accumulator later drops part-addressed events
  whose path points nowhere.
- ``[DONE]`` ends the stream; anything after it is ignored. A body without
  it is fatal in strict mode and a warning otherwise, as in the reference.
  An SSE event name other than ``message`` is fatal in strict mode and
  ignored otherwise.
- The legacy flat dialect (``tool-call-begin``, ``reasoning-delta``,
  ``text-delta`` with ``parentId`` but no ``path``, ...) is recognised per
  chunk and decoded with data-stream semantics through a
  :class:`~.part_writer.PartWriter`: append mode for text, tool calls
  addressed by id, everything still open closed at the end. The first chunk
  that belongs to one dialect only fixes the dialect of the stream: in a
  canonical stream, legacy-looking chunks are invalid and dropped (which is
  what the reference does with them), so mixed garbage cannot shift part
  indices.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final, Literal

from assistant_ui.protocol.decoders.part_writer import (
    NO_RESULT,
    PartWriter,
    ToolCallState,
    WritesParts,
)
from assistant_ui.protocol.decoders.sse_json import SSEJSONDecoder
from assistant_ui.protocol.events import (
    MISSING,
    Annotations,
    Data,
    ErrorEvent,
    Event,
    MessageFinish,
    PartFinish,
    StepFinish,
    StepStart,
    TextDelta,
    ToolCallApproval,
    ToolCallArgsTextFinish,
    ToolResult,
    UpdateState,
)
from assistant_ui.protocol.ids import ASSISTANT_UI_ID_LENGTH, new_id
from assistant_ui.protocol.leniency import WarningSink
from assistant_ui.protocol.usage import usage_object

__all__ = ["AssistantTransportDecoder", "claims_event"]

_PART_ADDRESSED: Final = frozenset(
    {"text-delta", "part-finish", "tool-call-args-text-finish", "result", "tool-call-approval"}
)


def _is_dict(value: Any) -> bool:
    return isinstance(value, dict)


def _valid(chunk: dict[str, Any]) -> bool:
    """The reference's per-type field checks (docs/protocols.md §2.4.3)."""
    kind = chunk["type"]
    if kind == "part-start":
        return _is_dict(chunk.get("part"))
    if kind == "text-delta":
        return isinstance(chunk.get("textDelta"), str)
    if kind in ("annotations", "data", "update-state"):
        key = "operations" if kind == "update-state" else kind
        return isinstance(chunk.get(key), list)
    if kind in ("step-finish", "message-finish"):
        return isinstance(chunk.get("finishReason"), str)
    if kind == "result":
        return chunk.get("isError") is None or isinstance(chunk.get("isError"), bool)
    if kind == "tool-call-approval":
        approval = chunk.get("approval")
        return (
            isinstance(approval, dict)
            and isinstance(approval.get("id"), str)
            and (approval.get("approved") is None or isinstance(approval.get("approved"), bool))
        )
    return True


_KNOWN: Final = _PART_ADDRESSED | {
    "part-start",
    "annotations",
    "data",
    "step-start",
    "step-finish",
    "message-finish",
    "error",
    "update-state",
}
# Types only the canonical encoding has (2.8): they fix the dialect.
_CANONICAL_ONLY: Final = _KNOWN - {"text-delta", "data", "error", "update-state"}
_LEGACY_ONLY: Final = frozenset(
    {"tool-call-begin", "tool-call-delta", "tool-result", "reasoning-delta", "source"}
)


def _path(value: Any) -> tuple[int, ...] | None:
    if not isinstance(value, list):
        return None
    out: list[int] = []
    for entry in value:
        # JSON integers only (JS Number.isInteger accepts 1.0, not true).
        if isinstance(entry, bool):
            return None
        if isinstance(entry, float) and entry.is_integer():
            entry = int(entry)
        if not isinstance(entry, int) or entry < 0:
            return None
        out.append(entry)
    return tuple(out)


def _is_legacy(chunk: dict[str, Any], legacy_stream: bool) -> bool:
    if "path" in chunk:
        return False
    kind = chunk["type"]
    if kind in _LEGACY_ONLY:
        return True
    if kind == "text-delta":
        return legacy_stream or "parentId" in chunk
    # The flat encoder wrote `add_data(value)` unwrapped: in a legacy stream
    # even a list is one value.
    return kind == "data" and (legacy_stream or not isinstance(chunk.get("data"), list))


class AssistantTransportDecoder(SSEJSONDecoder, WritesParts):
    """Decodes assistant-transport SSE (canonical chunks and the legacy flat
    Python dialect) into canonical events.

    Args:
        strict: the reference's strict mode (fatal unknown SSE event names
            and missing ``[DONE]``; fatal unknown or duplicate tool call ids
            in the legacy dialect, as on the data stream).
        warnings: where dropped input is reported.

    Raises:
        StreamDecodeError: from :meth:`decode_event` on fatal input.
        IncompleteStreamError: from :meth:`end` (strict) without ``[DONE]``.
    """

    encoding: ClassVar[str] = "assistant-transport"
    warning_prefix: ClassVar[str] = "at"

    def __init__(self, *, strict: bool = False, warnings: WarningSink | None = None) -> None:
        super().__init__(strict=strict, warnings=warnings)
        self._dialect: Literal["canonical", "legacy"] | None = None
        self._w = PartWriter()
        self._tools: dict[str, ToolCallState] = {}

    @property
    def dialect(self) -> str | None:
        """``"canonical"`` or ``"legacy"`` once a chunk decided it."""
        return self._dialect

    def _on_done(self) -> list[Event]:
        self._close_legacy()
        return self._w.drain()

    def _on_value(self, value: Any, data: str) -> list[Event]:
        kind = value.get("type")
        # Hot paths (what _canonical does for these, minus the checks they
        # pass): a text delta of a canonical stream addressed to one part,
        # and a state update without a path (never legacy, dialect unchanged).
        if kind == "text-delta" and self._dialect == "canonical":
            text, path = value.get("textDelta"), value.get("path")
            if type(text) is str and type(path) is list and len(path) == 1:
                index = path[0]
                if type(index) is int and index >= 0:
                    metadata = value.get("providerMetadata")
                    if type(metadata) is dict:
                        return [TextDelta(text, (index,), metadata)]
                    return self._w.delta_event(index, text)
        elif kind == "update-state" and "path" not in value:
            operations = value.get("operations")
            if type(operations) is list:
                return [UpdateState(operations, ())]
        return self._on_any_value(value, data)

    def _on_any_value(self, value: Any, data: str) -> list[Event]:
        """:meth:`_on_value` for every chunk (the hot paths left out)."""
        if not isinstance(value.get("type"), str):
            return self._invalid("unknown-type", data)
        if self._dialect != "canonical" and _is_legacy(value, self._dialect == "legacy"):
            self._dialect = "legacy"
            self._legacy(value)
            return self._w.drain()
        if value["type"] in _CANONICAL_ONLY or "path" in value:
            self._dialect = self._dialect or "canonical"
        return self._canonical(value, data)

    # -- canonical chunks ------------------------------------------------

    def _canonical(self, chunk: dict[str, Any], data: str) -> list[Event]:
        kind: str = chunk["type"]
        if kind not in _KNOWN:
            return self._invalid("unknown-type", data)
        if not _valid(chunk):
            return self._invalid(f"invalid-fields:{kind}", data)
        if "path" not in chunk:
            if kind in _PART_ADDRESSED:
                return self._invalid(f"missing-path:{kind}", data)
            path: tuple[int, ...] = ()
        else:
            checked = _path(chunk["path"])
            if checked is None:
                return self._invalid("invalid-path", data)
            path = checked
        out = self._w.out
        metadata = chunk.get("providerMetadata")
        metadata = metadata if isinstance(metadata, dict) else None
        # The most frequent kinds first (the branches are exclusive).
        if kind == "update-state":
            out.append(UpdateState(chunk["operations"], path))
        elif kind == "text-delta":
            out.append(TextDelta(chunk["textDelta"], path, metadata))
        elif kind == "part-start":
            # The part's index is its arrival order; `path` is not used.
            self._w.start(dict(chunk["part"]))
        elif kind == "part-finish":
            out.append(PartFinish(path=path, provider_metadata=metadata))
        elif kind == "tool-call-args-text-finish":
            out.append(ToolCallArgsTextFinish(path=path))
        elif kind == "result":
            out.append(
                ToolResult(
                    path=path,
                    result=chunk.get("result", MISSING),
                    is_error=chunk.get("isError") is True,
                    artifact=chunk.get("artifact", MISSING),
                    model_content=chunk.get("modelContent", MISSING),
                    messages=chunk.get("messages", MISSING),
                    is_preliminary=chunk.get("isPreliminary") is True,
                )
            )
        elif kind == "tool-call-approval":
            out.append(ToolCallApproval(path=path, approval=chunk["approval"]))
        elif kind == "annotations":
            out.append(Annotations(annotations=chunk["annotations"], path=path))
        elif kind == "data":
            out.append(Data(data=chunk["data"], path=path))
        elif kind == "step-start":
            # Absent stays absent (the reference's step has no messageId);
            # a value that is not a string is replaced by a fresh id.
            message_id = chunk.get("messageId", MISSING)
            if message_id is not MISSING and not isinstance(message_id, str):
                message_id = new_id(ASSISTANT_UI_ID_LENGTH)
            out.append(StepStart(message_id=message_id, path=path))
        elif kind == "step-finish":
            # Absent usage and isContinued stay absent, as in the reference.
            is_continued = chunk.get("isContinued", MISSING)
            out.append(
                StepFinish(
                    finish_reason=chunk["finishReason"],
                    usage=usage_object(chunk["usage"]) if "usage" in chunk else MISSING,
                    is_continued=is_continued if is_continued is MISSING else is_continued is True,
                    path=path,
                )
            )
        elif kind == "message-finish":
            out.append(
                MessageFinish(
                    finish_reason=chunk["finishReason"],
                    usage=usage_object(chunk.get("usage")),
                    path=path,
                )
            )
        else:  # error
            self._error(chunk, path)
        return self._w.drain()

    def _error(self, chunk: dict[str, Any], path: tuple[int, ...] = ()) -> None:
        error, code, severity = chunk.get("error"), chunk.get("code"), chunk.get("severity")
        self._w.out.append(
            ErrorEvent(
                # Any JSON value but null is kept (not made text), as in the reference.
                error="unknown error" if error is None else error,
                code=code if isinstance(code, str) else None,
                severity=severity if isinstance(severity, str) else None,
                path=path,
            )
        )

    # -- the legacy flat dialect (data-stream semantics) ------------------

    def _call(self, chunk: dict[str, Any]) -> ToolCallState | None:
        tool_call_id = chunk.get("toolCallId")
        call = self._tools.get(tool_call_id) if isinstance(tool_call_id, str) else None
        if call is None:
            self._fatal_or_warn(
                f"unknown-id:{tool_call_id}",
                f"Encountered tool call {chunk['type']} with unknown id: {tool_call_id}",
            )
        return call

    def _legacy(self, chunk: dict[str, Any]) -> None:
        kind: str = chunk["type"]
        w = self._w
        if kind in ("text-delta", "reasoning-delta"):
            delta = chunk.get("textDelta" if kind == "text-delta" else "reasoningDelta")
            if isinstance(delta, str):
                w.append(
                    "text" if kind == "text-delta" else "reasoning", delta, chunk.get("parentId")
                )
            else:
                self._warnings.warn(f"at:legacy-bad:{kind}", f"Dropped {kind} without text")
        elif kind == "tool-call-begin":
            tool_call_id, tool_name = chunk.get("toolCallId"), chunk.get("toolName")
            if not isinstance(tool_call_id, str) or not isinstance(tool_name, str):
                self._fatal_or_warn("legacy-bad:begin", "Invalid tool-call-begin chunk")
            elif tool_call_id in self._tools:
                self._fatal_or_warn(
                    f"duplicate:{tool_call_id}",
                    f"Encountered duplicate tool call id: {tool_call_id}",
                )
            else:
                self._tools[tool_call_id] = w.start_tool(
                    tool_call_id, tool_name, chunk.get("parentId")
                )
        elif kind == "tool-call-delta":
            call = self._call(chunk)
            delta = chunk.get("argsTextDelta")
            if (
                call is not None
                and isinstance(delta, str)
                and delta
                and not w.tool_args(call, delta)
            ):
                self._warnings.warn(
                    f"at:late-args:{chunk.get('toolCallId')}",
                    "Dropped tool-call-delta after the arguments were closed",
                )
        elif kind == "tool-result":
            call = self._call(chunk)
            if call is not None:
                artifact = chunk.get("artifact")
                w.tool_result(
                    call,
                    chunk.get("result", NO_RESULT),
                    is_error=chunk.get("isError") is True,
                    # the flat encoder always wrote the key; null means none
                    artifact=MISSING if artifact is None else artifact,
                )
        elif kind == "source":
            part: dict[str, Any] = {
                "type": "source",
                "sourceType": chunk.get("sourceType") or "url",
            }
            for key in ("id", "url"):
                if key in chunk:
                    part[key] = chunk[key]
            for key in ("title", "parentId"):
                if chunk.get(key):
                    part[key] = chunk[key]
            w.start_finished(part)
        elif kind == "data":
            w.out.append(Data(data=[chunk.get("data")]))

    def _close_legacy(self) -> None:
        if self._dialect != "legacy":
            return
        self._w.close_append()
        for call in self._tools.values():
            self._w.close_tool(call)
        self._tools.clear()


# Detection (docs/protocols.md §2.8 step 3): chunk types only assistant-transport
# sends, plus the legacy flat dialect's tells where a type is shared with the
# UI message stream. Disjoint from the UI stream's claim.
_DETECTED_TYPES: Final = frozenset(
    {
        "part-start",
        "part-finish",
        "tool-call-args-text-finish",
        "result",
        "update-state",
        "step-start",
        "step-finish",
        "message-finish",
        "annotations",
        "tool-call-approval",
        "tool-call-begin",
        "data",
    }
)


def claims_event(value: Any) -> bool:
    """Whether a first SSE event's JSON value is assistant-transport."""
    if not isinstance(value, dict):
        return False
    kind = value.get("type")
    if kind in _DETECTED_TYPES or isinstance(value.get("path"), list):
        return True
    if kind == "text-delta":
        # The legacy UI mirror has no parentId; the flat Python dialect may.
        return "textDelta" in value and "parentId" in value and not _ui_delta(value)
    if kind == "tool-call-delta":
        return "argsTextDelta" in value and "argsText" not in value
    if kind == "reasoning-delta":
        return "reasoningDelta" in value
    if kind == "tool-result":
        return "artifact" in value
    if kind == "error":
        return "error" in value and "errorText" not in value
    return False


def _ui_delta(value: dict[str, Any]) -> bool:
    return "delta" in value or "id" in value
