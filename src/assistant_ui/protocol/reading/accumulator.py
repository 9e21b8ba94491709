"""Canonical events -> one assistant message, exactly as the reference builds it.

Strategy (docs/protocols.md §3.2-3.8, 3.10): one mutable builder per part and one
for the message; :meth:`MessageAccumulator.snapshot` turns them into a fresh
JSON-compatible dict. The reference rebuilds an immutable message after
every chunk; we apply each event in O(1) (amortised) and pay O(size of the
message) only when a snapshot is asked for:

- text and reasoning parts keep their deltas in a list, joined when a
  snapshot needs the text (the join is cached until the next delta);
- tool-call ``args`` are parsed from ``argsText`` lazily, at most once per
  length of the text (see :class:`_ToolArgs` for why that equals the
  reference's parse after every delta);
- the state is a :class:`~.state_ops.StateTree` (copy-on-write containers,
  ropes for appended text).

Snapshots are deep copies, so nothing a caller does to one can reach the
accumulator. Event payloads (part inits, results, data) are kept by
reference and treated as immutable: they are only ever copied, never
changed.

Client-side timing fields (``timing`` on the message and on parts) are not
produced; they are measurements, not protocol (3.7).
"""

from __future__ import annotations

import bisect
import json
from array import array
from collections.abc import Callable
from typing import Any, Final

from assistant_ui.errors import UsageError
from assistant_ui.protocol.events import (
    MISSING,
    Annotations,
    Data,
    ErrorEvent,
    Event,
    MessageFinish,
    PartFinish,
    PartStart,
    StepFinish,
    StepStart,
    TextDelta,
    ToolCallApproval,
    ToolCallArgsTextFinish,
    ToolResult,
    UpdateState,
)
from assistant_ui.protocol.ids import ASSISTANT_UI_ID_LENGTH, new_id
from assistant_ui.protocol.json_text import MAX_JSON_DEPTH, NestingDepth
from assistant_ui.protocol.leniency import WarningSink
from assistant_ui.protocol.partial_json import PartialJSONCompleter
from assistant_ui.protocol.reading.state_ops import StateTree
from assistant_ui.protocol.text import TextBuffer, copy_json
from assistant_ui.protocol.usage import add_usage, normalise_usage

__all__ = ["MessageAccumulator"]

_JSON_WHITESPACE: Final = " \t\n\r"
_SEVERITIES: Final = frozenset({"critical", "warning", "info"})
_COMPLETE_UNKNOWN: Final = {"type": "complete", "reason": "unknown"}


def _share(value: Any) -> Any:
    return value


def _status_for_finish_reason(reason: str) -> dict[str, Any]:
    if reason == "tool-calls":
        return {"type": "requires-action", "reason": "tool-calls"}
    if reason in ("stop", "unknown"):
        return {"type": "complete", "reason": reason}
    return {"type": "incomplete", "reason": reason}


class _TextPart:
    """A text or reasoning part: its text is a list of pieces."""

    __slots__ = ("buffer", "extras", "kind", "status")

    def __init__(self, kind: str, extras: dict[str, Any]) -> None:
        self.kind = kind
        self.buffer = TextBuffer()
        self.status: dict[str, Any] = {"type": "running"}
        # providerMetadata, unstable_summary, parentId: in the reference's key order
        self.extras = extras

    @property
    def type(self) -> str:
        return self.kind

    def append(self, delta: str) -> None:
        self.buffer.append(delta)

    def text(self) -> str:
        return self.buffer.text()

    def text_length(self) -> int:
        return self.buffer.length

    def snapshot(self, copy: Callable[[Any], Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.kind, "text": self.text(), "status": dict(self.status)}
        for key, value in self.extras.items():
            out[key] = copy(value)
        return out


class _ToolArgs:
    """``argsText`` as pieces, and ``args`` parsed from it on demand.

    The reference re-parses ``args`` after every argument delta and keeps the
    previous value when the text yields no object or array (docs/protocols.md
    3.5). Parsing only when ``args`` is read gives the same value because:

    - for a text that parses, the value depends on the whole text only, not
      on how it was split into deltas;
    - a text that does not parse (no value) is either whitespace only, where
      ``args`` is still the initial ``{}``, or one whose failure is
      permanent: the repair cuts the text at its last completable position,
      that position never moves back as text is added, so once the kept
      prefix holds something JSON cannot continue (garbage, ``01``, a bad
      escape, a scalar root) every longer text fails too. (A property test
      in tests/protocol/test_partial_json.py checks this.)

    So among the delta boundaries after the first non-whitespace character,
    "parses" is true up to some boundary and false after it. When the whole
    text fails, the reference's value is the parse at the last boundary that
    still parsed, found here by binary search over the recorded boundaries;
    from then on the value is frozen without parsing again.

    Cost: the repair scan resumes where it stopped (each character is
    scanned once over the whole stream); each read parses the text once with
    the C JSON decoder. The value is kept as the JSON text it decodes from,
    so handing out a fresh copy is one more C decode, not a Python deep copy.
    """

    __slots__ = (
        "_boundaries",
        "_broken",
        "_buffer",
        "_completer",
        "_depth",
        "_fresh",
        "_good_json",
        "_good_len",
        "_openers",
        "_read_len",
        "length",
    )

    def __init__(self) -> None:
        self._buffer = TextBuffer()
        self.length = 0
        # Text length after each non-empty delta; an array, not a list: a
        # million deltas would otherwise keep a million int objects alive.
        self._boundaries = array("q")
        self._completer = PartialJSONCompleter(depth_checked=True)
        # Nesting is tracked only once the text holds more brackets than the
        # bound allows (until then it cannot nest too deep): one C count per
        # delta, and each character scanned at most once after that.
        self._openers = 0
        self._depth: NestingDepth | None = None
        self._good_json = "{}"  # JSON text of the last value that parsed ...
        self._good_len = 0  # ... and the text length it parsed at
        self._fresh: Any = None  # a decoded value nobody holds yet, if any
        self._broken = False
        self._read_len = 0  # text length at the last read

    def append(self, delta: str) -> None:
        if not delta:
            return
        # Checked before the delta is kept, so that the message reported with
        # the error is the one before the frame that nested too deep.
        if self._depth is not None:
            self._depth.feed(delta)
        elif "[" in delta or "{" in delta:  # most deltas have neither: two cheap tests
            self._openers += delta.count("[") + delta.count("{")
            if self._openers > MAX_JSON_DEPTH:
                depth = NestingDepth()
                depth.feed(self.text())
                depth.feed(delta)
                self._depth = depth
        self._buffer.append(delta)
        self.length += len(delta)
        self._boundaries.append(self.length)

    def text(self) -> str:
        return self._buffer.text()

    def value(self) -> Any:
        """``args``: a fresh object the caller may keep and change."""
        if self._read_len != self.length and not self._broken:
            text = self.text()
            completed = self._completer.complete(text)
            if completed is not None:
                self._good_json, self._fresh = completed
                self._good_len = self.length
            else:
                first = len(text) - len(text.lstrip(_JSON_WHITESPACE))
                if first < len(text):  # not whitespace only: the failure is permanent
                    self._broken = True
                    self._find_last_good(text, first)
        self._read_len = self.length
        fresh, self._fresh = self._fresh, None
        return fresh if fresh is not None else json.loads(self._good_json)

    def _find_last_good(self, text: str, first: int) -> None:
        lo = bisect.bisect_right(self._boundaries, max(self._good_len, first))
        hi = bisect.bisect_left(self._boundaries, self.length)
        while lo < hi:
            mid = (lo + hi) // 2
            end = self._boundaries[mid]
            completed = PartialJSONCompleter(depth_checked=True).complete(text[:end])
            if completed is not None:
                self._good_json, self._fresh = completed
                self._good_len = end
                lo = mid + 1
            else:
                hi = mid


class _ToolCallPart:
    __slots__ = ("approval", "args", "head", "outcome", "parent", "state", "status")

    def __init__(self, head: dict[str, Any], parent: dict[str, Any]) -> None:
        self.head = head  # toolCallId, toolName (when the init had them)
        self.parent = parent  # parentId, when non-empty
        self.state = "partial-call"
        self.status: dict[str, Any] = {"type": "running", "isArgsComplete": False}
        self.args = _ToolArgs()
        self.approval: Any = MISSING
        # artifact, result, isError, isPreliminary, modelContent, messages
        self.outcome: dict[str, Any] = {}

    @property
    def type(self) -> str:
        return "tool-call"

    @property
    def is_preliminary(self) -> bool:
        return self.outcome.get("isPreliminary") is True

    def snapshot(self, copy: Callable[[Any], Any]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "tool-call",
            "state": self.state,
            "status": dict(self.status),
        }
        out.update(self.head)
        out["argsText"] = self.args.text()
        out["args"] = self.args.value()
        out.update(self.parent)
        if self.approval is not MISSING:
            out["approval"] = copy(self.approval)
        for key, value in self.outcome.items():
            out[key] = copy(value)
        return out


class _StaticPart:
    """A source, file or data part: fixed fields, a status once finished."""

    __slots__ = ("fields", "status")

    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = fields
        self.status: dict[str, Any] | None = None

    @property
    def type(self) -> str:
        return str(self.fields["type"])

    def snapshot(self, copy: Callable[[Any], Any]) -> dict[str, Any]:
        out = {key: copy(value) for key, value in self.fields.items()}
        if self.status is not None:
            out["status"] = dict(self.status)
        return out


_Part = _TextPart | _ToolCallPart | _StaticPart


def _copy_present(init: dict[str, Any], out: dict[str, Any], *keys: str) -> None:
    for key in keys:
        if key in init:
            out[key] = init[key]


def _parent(init: dict[str, Any]) -> dict[str, Any]:
    parent_id = init.get("parentId")
    return {"parentId": parent_id} if parent_id else {}


class MessageAccumulator:
    """Folds canonical events into one assistant message (docs/protocols.md §3.2).

    Args:
        initial_state: the seed of ``metadata.unstable_state`` (the state the
            request sent, or ``None``); never mutated.
        strict: a state operation that cannot be applied raises (the
            reference's default); lenient skips it with a warning.
        warnings: where dropped events are reported, once per kind.

    Example::

        acc = MessageAccumulator()
        for event in events:
            acc.apply(event)
        acc.finish()
        message = acc.snapshot()
    """

    def __init__(
        self,
        *,
        initial_state: Any = None,
        strict: bool = False,
        warnings: WarningSink | None = None,
    ) -> None:
        self._warnings = warnings if warnings is not None else WarningSink()
        self._parts: list[_Part] = []
        self._status: dict[str, Any] = {"type": "running"}
        self._state = StateTree(initial_state, strict=strict, warnings=self._warnings)
        self._data: list[Any] = []
        self._annotations: list[Any] = []
        self._steps: list[dict[str, Any]] = []
        self._finish_reason: str | None = None
        self._final_usage: dict[str, Any] | None = None
        # The live view (see live_view) and what changed since it was updated.
        self._live: dict[str, Any] | None = None
        self._touched: set[int] = set()
        self._state_changed = True

    # -- public surface ---------------------------------------------------

    def apply(self, event: Event) -> None:
        """Applies one event.

        Raises:
            StreamDecodeError: strict mode, a state operation that cannot be
                applied (the operations before it in the event stay applied).
            UsageError: ``event`` is not a canonical event.
        """
        if type(event) is TextDelta:
            # The hot path: a plain delta of a text part or of a tool call's
            # arguments, without _text_delta's checks.
            path = event.path
            if (
                len(path) == 1
                and event.provider_metadata is None
                and self.append_text(path[0], event.text_delta)
            ):
                return
        handler = _HANDLERS.get(type(event))
        if handler is None:
            raise UsageError(f"not a canonical event: {event!r}")
        handler(self, event)

    def append_text(self, index: int, text: str) -> bool:
        """Applies ``TextDelta(text, (index,))`` when part ``index`` is a
        text or reasoning part or a tool call, without the event; returns
        False, changing nothing, for any other part (apply the event then).

        A decoder whose events nobody reads hands its plain deltas here
        (:meth:`~assistant_ui.protocol.decoders.part_writer.PartWriter.direct`),
        so a delta costs no event object.

        Raises:
            StreamDecodeError: tool-call argument text that nests too deep.
        """
        parts = self._parts
        if 0 <= index < len(parts):
            part = parts[index]
            if type(part) is _TextPart:
                self._touched.add(index)
                part.buffer.append(text)
                return True
            if type(part) is _ToolCallPart:
                self._touched.add(index)
                part.args.append(text)
                return True
        return False

    def finish(self) -> None:
        """Ends the message: a status still ``running`` is settled as the
        reference does at the end of the stream (``requires-action`` when a
        tool call has no final result, else ``complete``/``unknown``).
        Idempotent."""
        if self._status.get("type") != "running":
            return
        waiting = any(
            isinstance(part, _ToolCallPart)
            and part.state in ("partial-call", "call")
            and ("result" not in part.outcome or part.is_preliminary)
            for part in self._parts
        )
        self._status = _status_for_finish_reason("tool-calls" if waiting else "unknown")

    def snapshot(self, *, share_payloads: bool = False) -> dict[str, Any]:
        """The message so far: a fresh JSON-compatible dict (docs/protocols.md §3.2,
        without the ``content`` alias and timing fields).

        Args:
            share_payloads: put the values events carried (tool results,
                data, annotations, part fields) into the message as they
                are instead of deep-copying them. Only for a caller that
                keeps no events and changes nothing in the message while
                the accumulator is still used: the copy is what makes a
                snapshot independent, and it costs O(size of the message)
                (most of the decode time of a reply with large results).
        """
        copy = _share if share_payloads else copy_json
        return {
            "role": "assistant",
            "status": copy_json(self._status),
            "parts": [part.snapshot(copy) for part in self._parts],
            "metadata": {
                "unstable_state": self._state.value,
                "unstable_data": list(self._data) if share_payloads else copy_json(self._data),
                "unstable_annotations": list(self._annotations)
                if share_payloads
                else copy_json(self._annotations),
                "steps": [{k: copy(v) for k, v in step.items()} for step in self._steps],
                "custom": {},
            },
        }

    def live_view(self) -> dict[str, Any]:
        """The message so far as one dict that is kept up to date: cheap
        enough to read after every event.

        Unlike :meth:`snapshot`, every call returns the same dict, updated in
        place: only the parts that events touched since the last call are
        rebuilt, the state is copied only after it changed, and payloads
        (results, data, steps) are shared with the accumulator. It is
        **read-only**: changing anything in it may corrupt later views and
        snapshots; take a :meth:`snapshot` to keep or change a message.
        (A part being streamed still costs its text's length per read: its
        text is one ``str``.)
        """
        view = self._live
        if view is None:
            view = self._live = {
                "role": "assistant",
                "status": self._status,
                "parts": [],
                "metadata": {
                    "unstable_state": None,
                    "unstable_data": self._data,
                    "unstable_annotations": self._annotations,
                    "steps": self._steps,
                    "custom": {},
                },
            }
            self._touched = set(range(len(self._parts)))
        parts: list[dict[str, Any]] = view["parts"]
        for index in sorted(self._touched):
            if index < len(parts):
                # The old view of the part goes first: then nothing else
                # holds its text, which the buffer extends in place (linear).
                parts[index] = {}
                parts[index] = self._parts[index].snapshot(_share)
            else:
                parts.append(self._parts[index].snapshot(_share))
        self._touched.clear()
        view["status"] = self._status
        if self._state_changed:
            self._state_changed = False
            view["metadata"]["unstable_state"] = self._state.value
        return view

    def set_status(self, status: dict[str, Any]) -> None:
        """Sets a runtime-level status (docs/protocols.md §3.6), e.g.
        ``{"type": "incomplete", "reason": "cancelled"}`` after a cancel or
        ``{"type": "incomplete", "reason": "error", "error": {...}}`` after a
        transport failure. Everything received so far is kept."""
        if not isinstance(status, dict) or not isinstance(status.get("type"), str):
            raise UsageError(f"a status is a dict with a string 'type', got {status!r}")
        self._status = copy_json(status)

    @property
    def status(self) -> dict[str, Any]:
        """The message status (a copy)."""
        result: dict[str, Any] = copy_json(self._status)
        return result

    @property
    def state(self) -> Any:
        """``metadata.unstable_state`` (a fresh copy)."""
        return self._state.value

    @property
    def text(self) -> str:
        """All text parts joined (reasoning excluded)."""
        return "".join(
            part.text()
            for part in self._parts
            if isinstance(part, _TextPart) and part.kind == "text"
        )

    @property
    def finish_reason(self) -> str | None:
        """The finish reason the server sent: from the message finish, else
        from the last finished step; ``None`` if it sent neither (the
        status settled by :meth:`finish` is not a server finish reason)."""
        if self._finish_reason is not None:
            return self._finish_reason
        for step in reversed(self._steps):
            reason = step.get("finishReason")
            if isinstance(reason, str):
                return reason
        return None

    @property
    def usage(self) -> dict[str, Any] | None:
        """Token usage with AI SDK v4 names normalised to
        ``inputTokens``/``outputTokens``: the message finish's, else the sum
        over finished steps, else ``None``. (The message itself keeps usage
        only per step, verbatim, as the reference does.)"""
        if self._final_usage:
            return normalise_usage(self._final_usage)
        total: dict[str, Any] = {}
        for step in self._steps:
            usage = step.get("usage")
            if isinstance(usage, dict):
                total = add_usage(total, usage)
        return total or None

    def part_count(self) -> int:
        """How many parts the message has."""
        return len(self._parts)

    def live_part(self, index: int) -> Any:
        """The accumulator's own object for part ``index`` (read it, never
        change it), or ``None``."""
        return self._parts[index] if 0 <= index < len(self._parts) else None

    def part_snapshot(self, index: int) -> dict[str, Any] | None:
        """A fresh copy of part ``index``, or ``None``."""
        part = self.live_part(index)
        return part.snapshot(copy_json) if part is not None else None

    def current_state(self) -> Any:
        """The state as it is now (a fresh copy)."""
        return self._state.value

    def part_type(self, index: int) -> str | None:
        """The ``type`` of part ``index``, or ``None`` if there is none."""
        if 0 <= index < len(self._parts):
            return self._parts[index].type
        return None

    # -- part-level events ------------------------------------------------

    def _part_at(self, event: Event) -> _Part | None:
        path = event.path
        if len(path) == 1 and 0 <= path[0] < len(self._parts):
            self._touched.add(path[0])
            return self._parts[path[0]]
        where = ", ".join(str(i) for i in path)
        self._warnings.warn(
            f"no-part:{event.type}", f"Dropped {event.type} event: no part at path [{where}]"
        )
        return None

    def _tool_call_at(self, event: Event) -> _ToolCallPart | None:
        """The tool-call part an event addresses; anything else drops the
        event with a warning (never fatal, as in the reference)."""
        part = self._part_at(event)
        if part is None or isinstance(part, _ToolCallPart):
            return part
        self._wrong_part(event, "a tool-call part")
        return None

    def _wrong_part(self, event: Event, expected: str) -> None:
        self._warnings.warn(
            f"wrong-part:{event.type}", f"Dropped {event.type} event: part is not {expected}"
        )

    def _part_start(self, event: PartStart) -> None:
        init = event.part
        kind = init.get("type")
        part: _Part
        if kind in ("text", "reasoning"):
            extras: dict[str, Any] = {}
            if init.get("providerMetadata") is not None:
                extras["providerMetadata"] = init["providerMetadata"]
            if kind == "reasoning" and "unstable_summary" in init:
                extras["unstable_summary"] = init["unstable_summary"]
            extras.update(_parent(init))
            part = _TextPart(kind, extras)
        elif kind == "tool-call":
            head: dict[str, Any] = {}
            _copy_present(init, head, "toolCallId", "toolName")
            part = _ToolCallPart(head, _parent(init))
        elif kind == "source":
            fields: dict[str, Any] = {"type": "source"}
            if init.get("sourceType") == "document":
                fields["sourceType"] = "document"
                _copy_present(init, fields, "id", "title")
                media_type = init.get("mediaType")
                fields["mediaType"] = (
                    media_type if media_type is not None else "application/octet-stream"
                )
                if init.get("filename"):
                    fields["filename"] = init["filename"]
            else:
                _copy_present(init, fields, "sourceType", "id", "url")
                if init.get("title"):
                    fields["title"] = init["title"]
            fields.update(_parent(init))
            part = _StaticPart(fields)
        elif kind == "file":
            fields = {"type": "file"}
            _copy_present(init, fields, "mimeType", "data")
            fields.update(_parent(init))
            part = _StaticPart(fields)
        elif kind == "data":
            fields = {"type": "data"}
            _copy_present(init, fields, "name", "data")
            fields.update(_parent(init))
            part = _StaticPart(fields)
        else:
            self._warnings.warn(
                f"unsupported-part-start:{kind}",
                f"Unsupported part-start type {kind!r}: inserting an empty reasoning part "
                "to keep later part indices aligned",
            )
            part = _TextPart("reasoning", {})
        self._touched.add(len(self._parts))
        self._parts.append(part)

    def _text_delta(self, event: TextDelta) -> None:
        part = self._part_at(event)
        if part is None:
            return
        if isinstance(part, _TextPart):
            part.buffer.append(event.text_delta)
            if event.provider_metadata is not None:
                part.extras["providerMetadata"] = event.provider_metadata
        elif isinstance(part, _ToolCallPart):
            part.args.append(event.text_delta)
        else:
            self._wrong_part(event, "a text, reasoning or tool-call part")

    def _part_finish(self, event: PartFinish) -> None:
        part = self._part_at(event)
        if part is None:
            return
        if isinstance(part, _ToolCallPart) and part.is_preliminary:
            return  # a provisional result keeps the call open (current reference)
        part.status = dict(_COMPLETE_UNKNOWN)
        if isinstance(part, _TextPart) and event.provider_metadata is not None:
            part.extras["providerMetadata"] = event.provider_metadata

    def _args_finish(self, event: ToolCallArgsTextFinish) -> None:
        part = self._tool_call_at(event)
        if part is None:
            return
        if part.state != "partial-call":
            return
        part.state = "call"
        if part.status.get("type") == "running":
            part.status = {"type": "running", "isArgsComplete": True}

    def _result(self, event: ToolResult) -> None:
        part = self._tool_call_at(event)
        if part is None:
            return
        if event.is_preliminary and part.state == "result":
            return  # a final result is never replaced by a provisional one
        outcome: dict[str, Any] = {}
        if event.artifact is not MISSING:
            outcome["artifact"] = event.artifact
        if event.result is not MISSING:
            outcome["result"] = event.result
        outcome["isError"] = event.is_error
        if event.is_preliminary:
            outcome["isPreliminary"] = True
        if event.model_content is not MISSING:
            outcome["modelContent"] = event.model_content
        if event.messages is not MISSING:
            outcome["messages"] = event.messages
        part.outcome = outcome
        if event.is_preliminary:
            if part.status.get("type") != "running":
                part.status = {"type": "running", "isArgsComplete": part.state != "partial-call"}
        else:
            part.state = "result"
            part.status = {"type": "complete", "reason": "stop"}

    def _approval(self, event: ToolCallApproval) -> None:
        part = self._tool_call_at(event)
        if part is None:
            return
        part.approval = event.approval

    # -- message-level events ---------------------------------------------

    def _annotations_event(self, event: Annotations) -> None:
        self._annotations.extend(event.annotations)

    def _data_event(self, event: Data) -> None:
        self._data.extend(event.data)

    def _step_start(self, event: StepStart) -> None:
        step: dict[str, Any] = {"state": "started"}
        if event.message_id is not MISSING:
            step["messageId"] = event.message_id
        self._steps.append(step)

    def _step_finish(self, event: StepFinish) -> None:
        last = self._steps[-1] if self._steps else None
        started = last is not None and last.get("state") == "started"
        step = dict(last) if started and last is not None else {}
        step["state"] = "finished"
        if not started:
            step["messageId"] = new_id(ASSISTANT_UI_ID_LENGTH)
        step["finishReason"] = event.finish_reason
        # The reference copies both from the chunk: absent stays absent.
        if event.usage is not MISSING:
            step["usage"] = event.usage
        if event.is_continued is not MISSING:
            step["isContinued"] = event.is_continued
        if started:
            self._steps[-1] = step
        else:
            self._steps.append(step)

    def _message_finish(self, event: MessageFinish) -> None:
        self._finish_reason = event.finish_reason
        self._final_usage = event.usage
        # An error status survives a later finish (reference issue #2181).
        if self._status.get("type") == "incomplete" and self._status.get("reason") == "error":
            return
        self._status = _status_for_finish_reason(event.finish_reason)

    def _error(self, event: ErrorEvent) -> None:
        error: dict[str, Any] = {
            "code": event.code if event.code is not None else "unknown",
            "message": event.error if event.error is not None else "unknown error",
        }
        if event.severity in _SEVERITIES:
            error["severity"] = event.severity
        self._status = {"type": "incomplete", "reason": "error", "error": error}

    def _update_state(self, event: UpdateState) -> None:
        self._state_changed = True
        self._state.apply(event.operations)


# One table for the class, of plain functions: a table of bound methods on
# each instance would be a reference cycle, and the accumulator (holding the
# whole message) would then be freed only by the cyclic garbage collector.
_HANDLERS: Final[dict[type, Callable[[MessageAccumulator, Any], None]]] = {
    PartStart: MessageAccumulator._part_start,
    TextDelta: MessageAccumulator._text_delta,
    PartFinish: MessageAccumulator._part_finish,
    ToolCallArgsTextFinish: MessageAccumulator._args_finish,
    ToolResult: MessageAccumulator._result,
    ToolCallApproval: MessageAccumulator._approval,
    Annotations: MessageAccumulator._annotations_event,
    Data: MessageAccumulator._data_event,
    StepStart: MessageAccumulator._step_start,
    StepFinish: MessageAccumulator._step_finish,
    MessageFinish: MessageAccumulator._message_finish,
    ErrorEvent: MessageAccumulator._error,
    UpdateState: MessageAccumulator._update_state,
}
