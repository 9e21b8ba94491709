"""Decoder for the data stream line protocol (docs/protocols.md §2.2, 3.3).

Strategy:

- One line is ``<code>:<json>``; the code is everything before the first
  colon. Lines are parsed with a plain JSON parser that, like the
  reference's, rejects ``NaN``/``Infinity`` and ``__proto__`` keys. Blank
  lines are keep-alives; lines without a colon or with bad JSON are dropped
  with a warning in both modes (2.2.1).
- Each known code has a value-shape rule (2.2.4). A line that breaks it, an
  unknown code, or a tool-call frame for an id this body never started is
  fatal in strict mode (the reference default) and dropped with a warning in
  lenient mode (our default: a newer server may legitimately send codes we
  do not know yet).
- Text and reasoning deltas go to the *append target* (3.3): the current
  text or reasoning part with the same ``parentId``, or a new part. Starting
  any other part finishes the target first.
- Tool calls follow 2.2.3: arguments close on ``isFinal``, a result, ``9:``,
  ``e:``/``d:`` or the end of the body, and default to ``{}`` when no
  argument text ever arrived; deltas after that are dropped.

Events carry part indices in ``path`` exactly as the reference's controller
numbers its parts (in the order they were started).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, ClassVar, Final, Literal

from assistant_ui.protocol.decoders.data_stream_checks import VALUE_RULES
from assistant_ui.protocol.decoders.part_writer import (
    NO_RESULT,
    PartWriter,
    ToolCallState,
    WritesParts,
)
from assistant_ui.protocol.events import (
    MISSING,
    Annotations,
    Data,
    ErrorEvent,
    Event,
    MessageFinish,
    StepFinish,
    StepStart,
    UpdateState,
)
from assistant_ui.protocol.json_text import js_json_stringify, parse_json
from assistant_ui.protocol.leniency import WarningSink, fatal_or_warn

__all__ = ["DataStreamDecoder", "claims_line", "may_claim"]


# The C string scanner when available (typeshed does not declare it).
_scan_string: Final[Callable[[str, int], tuple[str, int]]] = json.decoder.scanstring  # type: ignore[attr-defined]


_FINISH_REASONS: Final = frozenset(
    {"stop", "length", "content-filter", "tool-calls", "error", "other", "unknown"}
)
_SEVERITIES: Final = frozenset({"critical", "warning", "info"})


def _finish_fields(value: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    reason = value["finishReason"]
    usage = value.get("usage")
    return (
        reason if reason in _FINISH_REASONS else "other",
        usage if isinstance(usage, dict) else {"inputTokens": 0, "outputTokens": 0},
    )


def _error_event(value: Any) -> ErrorEvent:
    if isinstance(value, str):
        return ErrorEvent(error=value)
    if isinstance(value, dict) and isinstance(value.get("error"), str):
        code = value.get("code")
        severity = value.get("severity")
        return ErrorEvent(
            error=value["error"],
            code=code if isinstance(code, str) else None,
            severity=severity if severity in _SEVERITIES else None,
        )
    return ErrorEvent(error=js_json_stringify(value))


class DataStreamDecoder(WritesParts):
    """Turns data stream lines into canonical events.

    Args:
        strict: fail on what the reference fails on (unknown codes, values of
            the wrong shape, unknown or duplicate tool call ids). The default,
            lenient, drops such lines with a warning.
        warnings: where dropped input is reported (a fresh
            :class:`~.base.WarningSink` by default).

    Raises:
        StreamDecodeError: from ``decode_line`` in strict mode, with only the
            reason; the caller adds the line and its offset. The decoder is
            not used after it raised.
    """

    encoding: ClassVar[str] = "data-stream"
    framing: ClassVar[Literal["lines"]] = "lines"

    __slots__ = ("_args_open", "_strict", "_tools", "_w", "finished", "warnings")

    def __init__(self, *, strict: bool = False, warnings: WarningSink | None = None) -> None:
        self._strict = strict
        self.warnings = warnings if warnings is not None else WarningSink()
        self._w = PartWriter()
        self.finished = False
        """True once the message-finish frame (``d:``) arrived: the message
        is complete, whatever the connection does next."""
        self._tools: dict[str, ToolCallState] = {}
        # Calls started since the last step end, in order: the only ones whose
        # arguments a step end can still close (scanning every call at every
        # step end was quadratic).
        self._args_open: list[ToolCallState] = []

    # --- entry points ------------------------------------------------------

    def decode_line(self, line: str) -> list[Event]:
        """Events for one line (line ending removed)."""
        head = line[:3]
        if (head == '0:"' or head == 'g:"') and line.endswith('"', 3):
            # Hot path: a text or reasoning delta that is one bare JSON
            # string. The C string scanner is several times faster than a
            # full JSON parse; anything unusual (whitespace around it, a bad
            # escape) takes the full path.
            try:
                text, end = _scan_string(line, 3)
            except ValueError:
                pass
            else:
                if end == len(line):
                    return self._w.appended("text" if head == '0:"' else "reasoning", text)
        colon = line.find(":")
        if colon < 0:
            if line.strip() and line.strip().strip("\ufeff"):
                self.warnings.warn(
                    "data-stream:invalid-line",
                    f"Dropped invalid data-stream line (no colon): {line[:200]!r}",
                )
            return []
        code = line[:colon]
        try:
            value = parse_json(line[colon + 1 :])
        except ValueError:
            self.warnings.warn(
                "data-stream:invalid-json",
                f"Dropped data-stream line whose JSON does not parse: {line[:200]!r}",
            )
            return []
        if code == "c" and type(value) is dict and len(value) == 2:
            # Hot path where tool arguments stream: a plain argument delta
            # for an open call (what the rule check and _tool_call_delta
            # do for it, minus the lookups).
            tool_call_id, delta = value.get("toolCallId"), value.get("argsTextDelta")
            if type(tool_call_id) is str and type(delta) is str:
                call = self._tools.get(tool_call_id)
                if call is not None and not call.args_closed:
                    if delta:
                        return self._w.tool_args_drained(call, delta)
                    return self._w.drain()
        handler = _HANDLERS.get(code)
        if handler is None:
            self._reject(
                f"unsupported chunk type: {code}",
                f"type:{code}",
                f"Dropped unsupported data-stream chunk type: {code}",
            )
            return []
        rule = VALUE_RULES[code]
        if rule is not None and not rule(value):
            preview = js_json_stringify(value)[:200]
            self._reject(
                f'Invalid value for data-stream chunk type "{code}": {preview}',
                f"value:{code}",
                f'Dropped data-stream chunk with invalid value for type "{code}": {preview}',
            )
            return []
        handler(self, value)
        return self._w.drain()

    def end(self) -> list[Event]:
        """Closes every open tool call (arguments first) and the append target."""
        for call in self._tools.values():
            self._w.close_tool(call)
        self._w.close_append()
        return self._w.drain()

    # --- helpers -------------------------------------------------------------

    def _emit(self, event: Event) -> None:
        self._w.out.append(event)

    def _reject(self, reason: str, key: str, message: str) -> None:
        fatal_or_warn(self._strict, self.warnings, f"data-stream:{key}", reason, message)

    def _reasoning_part_start(self, value: dict[str, Any]) -> None:
        # Always a new part (it carries a summary); no text is appended.
        summary = value.get("unstable_summary")
        extra = {"unstable_summary": summary} if summary is not None else None
        self._w.open_append("reasoning", value.get("parentId") or None, extra)

    def _finished_part(self, kind: str, value: dict[str, Any]) -> None:
        part = {k: v for k, v in value.items() if k != "parentId"}
        part["type"] = kind
        parent_id = value.get("parentId")
        if parent_id:
            part["parentId"] = parent_id
        self._w.start_finished(part)

    # --- tool calls (docs/protocols.md §2.2.3) ------------------------------------------

    def _new_tool_call(
        self, tool_call_id: str, tool_name: str, parent_id: str | None
    ) -> ToolCallState:
        call = self._tools[tool_call_id] = self._w.start_tool(tool_call_id, tool_name, parent_id)
        self._args_open.append(call)
        return call

    def _known_call(self, tool_call_id: str, what: str, key: str) -> ToolCallState | None:
        call = self._tools.get(tool_call_id)
        if call is None:
            self._reject(
                f"Encountered tool call{what} with unknown id: {tool_call_id}",
                f"{key}:{tool_call_id}",
                f"Dropped data-stream frame for unknown tool call: {tool_call_id}",
            )
        return call

    def _tool_call_start(self, value: dict[str, Any]) -> None:
        tool_call_id = value["toolCallId"]
        if tool_call_id in self._tools:
            self._reject(
                f"Encountered duplicate tool call id: {tool_call_id}",
                f"duplicate:{tool_call_id}",
                f"Dropped duplicate tool call start: {tool_call_id}",
            )
            return
        self._new_tool_call(tool_call_id, value["toolName"], value.get("parentId"))

    def _tool_call_delta(self, value: dict[str, Any]) -> None:
        tool_call_id = value["toolCallId"]
        call = self._known_call(tool_call_id, "", "args")
        if call is None:
            return
        if call.args_closed:
            self.warnings.warn(
                f"data-stream:closed-args:{tool_call_id}",
                f"Dropped tool-call args delta for closed args stream: {tool_call_id}",
            )
            return
        delta = value["argsTextDelta"]
        if delta:
            self._w.tool_args(call, delta)
        if value.get("isFinal") is True:
            self._w.close_tool_args(call)

    def _tool_call(self, value: dict[str, Any]) -> None:
        tool_call_id = value["toolCallId"]
        call = self._tools.get(tool_call_id)
        if call is None:
            call = self._new_tool_call(tool_call_id, value["toolName"], None)
        args = value.get("args")
        if args is not None and not call.has_args:
            self._w.tool_args(call, js_json_stringify(args))
        self._w.close_tool_args(call)

    def _tool_result(self, value: dict[str, Any]) -> None:
        call = self._known_call(value["toolCallId"], " result", "result")
        if call is None:
            return
        # A result after the final one is ignored, as in the reference.
        model_content = value.get("modelContent")
        self._w.tool_result(
            call,
            value.get("result", NO_RESULT),
            is_error=bool(value.get("isError")),
            is_preliminary=bool(value.get("isPreliminary")),
            artifact=value.get("artifact", MISSING),
            model_content=model_content if model_content is not None else MISSING,
            messages=value.get("messages", MISSING),
        )

    def _tool_approval(self, value: dict[str, Any]) -> None:
        call = self._known_call(value["toolCallId"], " approval", "approval")
        if call is not None:
            self._w.tool_approval(call, value["approval"])

    # --- steps and finish ------------------------------------------------------------

    # The reference closes open arguments in the same step, but its
    # args-finish chunks go out a microtask later, after the finish event;
    # the order is kept so event consumers see what the reference emits.

    def _step_finish(self, value: dict[str, Any]) -> None:
        reason, usage = _finish_fields(value)
        self._emit(
            StepFinish(
                finish_reason=reason, usage=usage, is_continued=value.get("isContinued") is True
            )
        )
        self._close_open_args()

    def _message_finish(self, value: dict[str, Any]) -> None:
        reason, usage = _finish_fields(value)
        self._emit(MessageFinish(finish_reason=reason, usage=usage))
        self._close_open_args()
        self.finished = True

    def _close_open_args(self) -> None:
        for call in self._args_open:
            self._w.close_tool_args(call)
        self._args_open.clear()


# One table for the class (a table of bound methods or closures over each
# instance would be a reference cycle, freed only by the cyclic GC).
_HANDLERS: Final[dict[str, Callable[[DataStreamDecoder, Any], None]]] = {
    "0": lambda d, v: d._w.append("text", v),
    "g": lambda d, v: d._w.append("reasoning", v),
    "aui-text-delta": lambda d, v: d._w.append("text", v["textDelta"], v["parentId"]),
    "aui-reasoning-delta": lambda d, v: d._w.append(
        "reasoning", v["reasoningDelta"], v["parentId"]
    ),
    "aui-reasoning-part-start": DataStreamDecoder._reasoning_part_start,
    "2": lambda d, v: d._emit(Data(data=v)),
    "8": lambda d, v: d._emit(Annotations(annotations=v)),
    "3": lambda d, v: d._emit(_error_event(v)),
    "aui-state": lambda d, v: d._emit(UpdateState(operations=v)),
    "b": DataStreamDecoder._tool_call_start,
    "c": DataStreamDecoder._tool_call_delta,
    "9": DataStreamDecoder._tool_call,
    "a": DataStreamDecoder._tool_result,
    "aui-tool-call-approval": DataStreamDecoder._tool_approval,
    "f": lambda d, v: d._emit(StepStart(message_id=v["messageId"])),
    "e": DataStreamDecoder._step_finish,
    "d": DataStreamDecoder._message_finish,
    "h": lambda d, v: d._finished_part("source", v),
    "k": lambda d, v: d._finished_part("file", v),
    # The reference spreads the whole value (parentId included, as sent).
    "aui-data": lambda d, v: d._w.start_finished({**v, "type": "data"}),
    "i": lambda d, v: None,  # redacted reasoning: ignored by the reference
    "j": lambda d, v: None,  # reasoning signature: ignored by the reference
}


# Detection (docs/protocols.md §2.8 step 4): a first line ``<code>:<json>``.
_FRAME_START: Final = re.compile(r"(?:[0-9a-k]|aui-[a-z-]+):")
_JSON_START: Final = frozenset('{["-0123456789tfn')


_FRAME_START_PREFIX: Final = re.compile(r"[0-9a-k]|a(?:u(?:i(?:-[a-z-]*)?)?)?")


def may_claim(start: str) -> bool:
    """Whether a first line that begins with ``start`` (not yet complete)
    could still be a data-stream frame: ``start`` is, or begins with, a
    frame code and its colon (docs/protocols.md §2.8 step 4)."""
    return bool(_FRAME_START.match(start) or _FRAME_START_PREFIX.fullmatch(start))


def claims_line(line: str, complete: bool) -> bool:
    """Whether the first non-blank line of a body is a data-stream frame.

    Args:
        line: the line, without its line ending.
        complete: ``False`` when the line was cut at the sniffing limit; then
            a valid code followed by what starts a JSON value is enough.
    """
    match = _FRAME_START.match(line)
    if match is None:
        return False
    rest = line[match.end() :]
    if not complete:
        head = rest.lstrip()[:1]
        return bool(head) and head in _JSON_START
    try:
        parse_json(rest)
    except ValueError:
        return False
    return True
