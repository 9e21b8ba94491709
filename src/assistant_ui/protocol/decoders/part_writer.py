"""Part numbering shared by the SSE decoders (docs/protocols.md §3.3).

:class:`PartWriter` turns "append text", "start a part", "set a tool result"
into canonical events with the part indices the reference's stream
controller assigns (parts are numbered in the order they start). The UI
message stream decoder, the legacy flat dialect of the assistant-transport
decoder and the OpenAI chunk decoder write through it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Literal

from assistant_ui.protocol.events import (
    MISSING,
    Event,
    PartFinish,
    PartStart,
    TextDelta,
    ToolCallApproval,
    ToolCallArgsTextFinish,
    ToolResult,
)

__all__ = ["NO_RESULT", "DirectText", "PartWriter", "ToolCallState", "WritesParts"]

DirectText = Callable[[int, str], bool]
"""Takes a plain delta for part ``index`` without an event: ``(index, text)``,
True when it applied it (as
:meth:`~assistant_ui.protocol.reading.accumulator.MessageAccumulator.append_text`)."""

NO_RESULT: Final = "<no result>"
"""Result of a tool call whose result value is missing (docs/protocols.md §3.5)."""


@dataclass(slots=True)
class ToolCallState:
    """What a :class:`PartWriter` tracks of one tool call."""

    index: int
    has_args: bool = False
    args_closed: bool = False
    closed: bool = False


class PartWriter:
    """Turns "append text", "start a part", "set a tool result" into canonical
    events with the part indices the reference's stream controller assigns.

    The writer collects events in :attr:`out`; callers take them with
    :meth:`drain`. Tool calls are addressed by the index :meth:`start_tool`
    returns.
    """

    __slots__ = ("_append", "_count", "direct", "direct_count", "out")

    def __init__(self) -> None:
        self.out: list[Event] = []
        self._count = 0
        # (kind, parentId, part index) of the current append target (3.3)
        self._append: tuple[str, str | None, int] | None = None
        self.direct: DirectText | None = None
        """Where plain deltas go instead of events, when nothing else is
        pending (the hot paths :meth:`appended`, :meth:`tool_args_drained`
        and :meth:`delta_event`): set by a reader that applies every event
        and keeps none, so a delta costs no event object. Events keep their
        order: a delta goes here only when no event is waiting in
        :attr:`out`, and one this refuses becomes an event."""
        self.direct_count = 0
        """How many deltas :attr:`direct` took (events that were never built)."""

    def drain(self) -> list[Event]:
        """Returns and forgets the events collected so far."""
        out, self.out = self.out, []
        return out

    @property
    def part_count(self) -> int:
        """How many parts were started."""
        return self._count

    def start(self, part: dict[str, Any]) -> int:
        """Finishes the append target, starts ``part``; returns its index."""
        self.close_append()
        index = self._count
        self._count += 1
        self.out.append(PartStart(part=part))
        return index

    def start_finished(self, part: dict[str, Any]) -> None:
        """Adds a source, file or data part, finished at once."""
        self.finish(self.start(part))

    def append(self, kind: Literal["text", "reasoning"], delta: str, parent_id: Any = None) -> None:
        """Append mode: extends the target if it is a ``kind`` part with the
        same ``parentId``, else starts a new one."""
        target = self._append
        if target is None or target[0] != kind or target[1] != parent_id:
            index = self.open_append(kind, parent_id)
        else:
            index = target[2]
        self.out.append(TextDelta(delta, (index,)))

    def appended(self, kind: Literal["text", "reasoning"], delta: str) -> list[Event]:
        """:meth:`append` (without a ``parentId``) then :meth:`drain`: the
        line decoders' hot path, which builds just the one event's list
        while the target stays the same."""
        target = self._append
        if not self.out and target is not None and target[0] == kind and target[1] is None:
            # delta_event, inline: this runs for nearly every line of a reply
            direct = self.direct
            if direct is not None and direct(target[2], delta):
                self.direct_count += 1
                return []
            return [TextDelta(delta, (target[2],))]
        self.append(kind, delta)
        return self.drain()

    def delta_event(self, index: int, delta: str) -> list[Event]:
        """The events of a plain delta into part ``index`` while nothing is
        pending: none when :attr:`direct` took it, else its one
        ``TextDelta``."""
        direct = self.direct
        if direct is not None and direct(index, delta):
            self.direct_count += 1
            return []
        return [TextDelta(delta, (index,))]

    def open_append(
        self,
        kind: Literal["text", "reasoning"],
        parent_id: Any = None,
        extra: dict[str, Any] | None = None,
    ) -> int:
        """Starts a new ``kind`` part (with the ``extra`` fields) and makes it
        the append target; returns its index."""
        part: dict[str, Any] = {"type": kind, **extra} if extra else {"type": kind}
        if parent_id:  # an empty parentId is compared, but never written
            part["parentId"] = parent_id
        index = self.start(part)
        self._append = (kind, parent_id, index)
        return index

    def delta(self, index: int, delta: str, provider_metadata: Any = None) -> None:
        """Appends text to the explicitly started part ``index``."""
        self.out.append(
            TextDelta(
                delta, (index,), provider_metadata if isinstance(provider_metadata, dict) else None
            )
        )

    def finish(self, index: int, provider_metadata: Any = None) -> None:
        """Finishes part ``index``."""
        self.out.append(
            PartFinish(
                path=(index,),
                provider_metadata=provider_metadata
                if isinstance(provider_metadata, dict)
                else None,
            )
        )

    def close_append(self) -> None:
        """Finishes the append target, if there is one."""
        if self._append is not None:
            index = self._append[2]
            self._append = None
            self.finish(index)

    # -- tool calls -------------------------------------------------------

    def start_tool(self, tool_call_id: str, tool_name: str, parent_id: Any = None) -> ToolCallState:
        """Starts a tool-call part (keys in the reference controller's order)."""
        part: dict[str, Any] = {
            "type": "tool-call",
            "toolName": tool_name,
            "toolCallId": tool_call_id,
        }
        if parent_id:
            part["parentId"] = parent_id
        return ToolCallState(self.start(part))

    def tool_args(self, call: ToolCallState, delta: str) -> bool:
        """Appends argument text; returns False (nothing sent) once the
        arguments are closed."""
        if call.args_closed:
            return False
        call.has_args = True
        self.out.append(TextDelta(delta, (call.index,)))
        return True

    def tool_args_drained(self, call: ToolCallState, delta: str) -> list[Event]:
        """:meth:`tool_args` then :meth:`drain`, building just the one
        event's list when nothing else is pending (a hot path, as
        :meth:`appended`)."""
        if not self.out and not call.args_closed:
            call.has_args = True
            return self.delta_event(call.index, delta)
        self.tool_args(call, delta)
        return self.drain()

    def close_tool_args(self, call: ToolCallState) -> None:
        """Closes the arguments; ``{}`` if no argument text ever came."""
        if call.args_closed:
            return
        call.args_closed = True
        if not call.has_args:
            self.out.append(TextDelta(text_delta="{}", path=(call.index,)))
        self.out.append(ToolCallArgsTextFinish(path=(call.index,)))

    def tool_result(
        self,
        call: ToolCallState,
        result: Any,
        *,
        is_error: bool = False,
        is_preliminary: bool = False,
        artifact: Any = MISSING,
        model_content: Any = MISSING,
        messages: Any = MISSING,
    ) -> None:
        """Attaches a result: the reference's order is result, then the
        argument close, then (final results) the part finish."""
        if call.closed:
            return
        self.out.append(
            ToolResult(
                path=(call.index,),
                result=result,
                is_error=is_error,
                is_preliminary=is_preliminary,
                artifact=artifact,
                model_content=model_content,
                messages=messages,
            )
        )
        if is_preliminary:
            self.close_tool_args(call)
        else:
            self.close_tool(call)

    def tool_approval(self, call: ToolCallState, approval: dict[str, Any]) -> None:
        """Replaces the call's approval (dropped once the call is closed)."""
        if not call.closed:
            self.out.append(ToolCallApproval(path=(call.index,), approval=approval))

    def close_tool(self, call: ToolCallState) -> None:
        """Closes the arguments and finishes the tool-call part."""
        if call.closed:
            return
        call.closed = True
        self.close_tool_args(call)
        self.finish(call.index)


class WritesParts:
    """A decoder that numbers its parts through a :class:`PartWriter`
    (``self._w``), and so can hand plain deltas over without events."""

    __slots__ = ()
    _w: PartWriter

    def send_text_to(self, direct: DirectText | None) -> None:
        """Sends plain text and argument deltas to ``direct`` instead of
        returning them as events (see :attr:`PartWriter.direct`); ``None``
        goes back to events. For a reader that applies every event and
        keeps none."""
        self._w.direct = direct

    @property
    def sent_direct(self) -> int:
        """How many deltas went to the ``direct`` target instead of events."""
        return self._w.direct_count
