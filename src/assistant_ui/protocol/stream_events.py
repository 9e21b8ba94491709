"""High-level stream events: what a user interface draws, made from the
canonical events (:mod:`assistant_ui.protocol.events`) and the message they
built.

The canonical events say what the wire said (``text-delta`` at part 2); these
say what it means (reasoning text, an argument delta of the ``get_weather``
call, a finished step with its usage). They are small slotted classes that
work with ``match``; public as :mod:`assistant_ui.events`.

Cheap by construction: :class:`StreamEventTranslator` builds them only for
a consumer that iterates them, and the running text of a part
(:attr:`TextEvent.text`) or the partial arguments of a call
(:attr:`ToolCallArgsEvent.args`) are computed when read, not per event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from assistant_ui.protocol import events as wire
from assistant_ui.protocol.reading.accumulator import MessageAccumulator

__all__ = [
    "DataEvent",
    "FileEvent",
    "MessageFinishEvent",
    "ReasoningEvent",
    "SourceEvent",
    "StateEvent",
    "StepFinishEvent",
    "StepStartEvent",
    "StreamErrorEvent",
    "StreamEvent",
    "StreamEventTranslator",
    "TextEvent",
    "ToolCallArgsEvent",
    "ToolCallReadyEvent",
    "ToolCallStartEvent",
    "ToolExecutionEndEvent",
    "ToolExecutionStartEvent",
    "ToolResultEvent",
]


def _text_at(text: Callable[[], str], length: int) -> str:
    full = text()
    return full if len(full) == length else full[:length]


@dataclass(slots=True, eq=False)
class TextEvent:
    """Assistant text arrived.

    Attributes:
        delta: the new text.
        part_index: the text part it belongs to.
    """

    delta: str
    part_index: int
    _text: Callable[[], str] = field(repr=False)
    _length: int = field(repr=False)
    type: Literal["text"] = "text"

    @property
    def text(self) -> str:
        """The part's whole text so far, this delta included."""
        return _text_at(self._text, self._length)


@dataclass(slots=True, eq=False)
class ReasoningEvent:
    """Reasoning text arrived.

    Attributes:
        delta: the new reasoning text.
        part_index: the reasoning part it belongs to.
    """

    delta: str
    part_index: int
    _text: Callable[[], str] = field(repr=False)
    _length: int = field(repr=False)
    type: Literal["reasoning"] = "reasoning"

    @property
    def text(self) -> str:
        """The part's whole reasoning so far, this delta included."""
        return _text_at(self._text, self._length)


@dataclass(slots=True)
class ToolCallStartEvent:
    """The assistant started a tool call (its arguments stream next)."""

    tool_call_id: str
    tool_name: str
    part_index: int
    type: Literal["tool-call-start"] = "tool-call-start"


@dataclass(slots=True, eq=False)
class ToolCallArgsEvent:
    """A piece of a tool call's arguments (JSON text) arrived.

    Attributes:
        tool_call_id: the call.
        tool_name: the tool.
        delta: the new argument text.
        part_index: the call's part.
    """

    tool_call_id: str
    tool_name: str
    delta: str
    part_index: int
    _args: Callable[[], Any] = field(repr=False)
    type: Literal["tool-call-args"] = "tool-call-args"

    @property
    def args(self) -> Any:
        """The arguments parsed from the text so far (partial JSON), when read."""
        return self._args()


@dataclass(slots=True)
class ToolCallReadyEvent:
    """A tool call's arguments are complete."""

    tool_call_id: str
    tool_name: str
    args: Any
    part_index: int
    type: Literal["tool-call-ready"] = "tool-call-ready"


@dataclass(slots=True)
class ToolResultEvent:
    """A tool call got its result (from the server, or from a frontend tool)."""

    tool_call_id: str
    tool_name: str
    result: Any
    is_error: bool
    part_index: int
    type: Literal["tool-result"] = "tool-result"


@dataclass(slots=True)
class SourceEvent:
    """The reply cites a source (a ``source`` part)."""

    source: dict[str, Any]
    part_index: int
    type: Literal["source"] = "source"


@dataclass(slots=True)
class FileEvent:
    """The reply carries a file (a ``file`` part)."""

    file: dict[str, Any]
    part_index: int
    type: Literal["file"] = "file"


@dataclass(slots=True)
class DataEvent:
    """The reply carries data (a ``data`` part, or message-level data)."""

    data: Any
    name: str | None = None
    part_index: int | None = None
    type: Literal["data"] = "data"


@dataclass(slots=True)
class StepStartEvent:
    """A step (one model call) started."""

    message_id: str | None = None
    type: Literal["step-start"] = "step-start"


@dataclass(slots=True)
class StepFinishEvent:
    """A step finished."""

    finish_reason: str
    usage: dict[str, Any] | None
    type: Literal["step-finish"] = "step-finish"


@dataclass(slots=True, eq=False)
class StateEvent:
    """The assistant-transport state changed."""

    operations: list[dict[str, Any]]
    _state: Callable[[], Any] = field(repr=False)
    type: Literal["state"] = "state"

    @property
    def state(self) -> Any:
        """The whole state when read (a fresh copy)."""
        return self._state()


@dataclass(slots=True)
class MessageFinishEvent:
    """The message is finished (the reply ended, or was cut off or cancelled)."""

    status: dict[str, Any]
    finish_reason: str | None
    usage: dict[str, Any] | None
    type: Literal["message-finish"] = "message-finish"


@dataclass(slots=True)
class StreamErrorEvent:
    """The server sent an error frame (the stream may go on)."""

    message: str
    code: str | None = None
    type: Literal["error"] = "error"


@dataclass(slots=True)
class ToolExecutionStartEvent:
    """A Python tool started running (during ``send_stream()``)."""

    tool_call_id: str
    tool_name: str
    args: Any
    type: Literal["tool-execution-start"] = "tool-execution-start"


@dataclass(slots=True)
class ToolExecutionEndEvent:
    """A Python tool returned (``is_error`` when it raised or was refused)."""

    tool_call_id: str
    tool_name: str
    result: Any
    is_error: bool
    type: Literal["tool-execution-end"] = "tool-execution-end"


StreamEvent = (
    TextEvent
    | ReasoningEvent
    | ToolCallStartEvent
    | ToolCallArgsEvent
    | ToolCallReadyEvent
    | ToolResultEvent
    | SourceEvent
    | FileEvent
    | DataEvent
    | StepStartEvent
    | StepFinishEvent
    | StateEvent
    | MessageFinishEvent
    | StreamErrorEvent
    | ToolExecutionStartEvent
    | ToolExecutionEndEvent
)
"""Any high-level event."""

_PART_EVENTS: Final = {"source": SourceEvent, "file": FileEvent}


class StreamEventTranslator:
    """Turns the canonical events of one reply into high-level events.

    Feed it each canonical event after the accumulator applied it; call
    :meth:`finish` once the reply ended.

    Args:
        accumulator: the accumulator the events were applied to.
    """

    __slots__ = ("_acc", "_kinds")

    def __init__(self, accumulator: MessageAccumulator) -> None:
        self._acc = accumulator
        self._kinds: dict[int, str | None] = {}  # part index -> part type (never changes)

    def _kind(self, index: int) -> str | None:
        kind = self._kinds.get(index)
        if kind is None:
            kind = self._kinds[index] = self._acc.part_type(index)
        return kind

    def translate(self, event: wire.Event) -> list[StreamEvent]:
        """The high-level events of one canonical event."""
        kind = type(event)
        acc = self._acc
        if kind is wire.TextDelta:
            assert isinstance(event, wire.TextDelta)
            if len(event.path) != 1:
                return []
            index = event.path[0]
            part = acc.live_part(index)
            part_kind = self._kind(index)
            if part_kind == "text" or part_kind == "reasoning":
                cls = TextEvent if part_kind == "text" else ReasoningEvent
                length = part.text_length() if part is not None else 0
                text = part.text if part is not None else str
                return [cls(event.text_delta, index, text, length)]
            if part_kind == "tool-call" and part is not None:
                call = part.head
                return [
                    ToolCallArgsEvent(
                        call.get("toolCallId", ""),
                        call.get("toolName", ""),
                        event.text_delta,
                        index,
                        part.args.value,
                    )
                ]
            return []
        if kind is wire.PartStart:
            assert isinstance(event, wire.PartStart)
            index = acc.part_count() - 1
            part_type = event.part.get("type")
            if part_type == "tool-call":
                return [
                    ToolCallStartEvent(
                        str(event.part.get("toolCallId", "")),
                        str(event.part.get("toolName", "")),
                        index,
                    )
                ]
            part_cls = _PART_EVENTS.get(str(part_type))
            if part_cls is not None:
                return [part_cls(acc.part_snapshot(index), index)]
            if part_type == "data":
                return [DataEvent(event.part.get("data"), event.part.get("name"), index)]
            return []
        if kind is wire.ToolCallArgsTextFinish or kind is wire.ToolResult:
            assert isinstance(event, (wire.ToolCallArgsTextFinish, wire.ToolResult))
            index = event.path[0] if len(event.path) == 1 else -1
            snapshot = acc.part_snapshot(index) if index >= 0 else None
            if snapshot is None or snapshot.get("type") != "tool-call":
                return []
            if kind is wire.ToolCallArgsTextFinish:
                return [
                    ToolCallReadyEvent(
                        snapshot["toolCallId"], snapshot["toolName"], snapshot["args"], index
                    )
                ]
            return [
                ToolResultEvent(
                    snapshot["toolCallId"],
                    snapshot["toolName"],
                    snapshot.get("result"),
                    bool(snapshot.get("isError", False)),
                    index,
                )
            ]
        if kind is wire.StepStart:
            assert isinstance(event, wire.StepStart)
            message_id = event.message_id if isinstance(event.message_id, str) else None
            return [StepStartEvent(message_id)]
        if kind is wire.StepFinish:
            assert isinstance(event, wire.StepFinish)
            usage = event.usage if isinstance(event.usage, dict) else None
            return [StepFinishEvent(event.finish_reason, usage)]
        if kind is wire.UpdateState:
            assert isinstance(event, wire.UpdateState)
            return [StateEvent(event.operations, acc.current_state)]
        if kind is wire.Data:
            assert isinstance(event, wire.Data)
            return [DataEvent(list(event.data))]
        if kind is wire.ErrorEvent:
            assert isinstance(event, wire.ErrorEvent)
            return [StreamErrorEvent(event.text or "unknown error", event.code)]
        return []

    def finish(self) -> MessageFinishEvent:
        """The event that ends the message, with its settled status."""
        acc = self._acc
        return MessageFinishEvent(dict(acc.status), acc.finish_reason, acc.usage)
