"""PartWriter: part numbering and tool-call closing order shared by the data
stream, UI message stream, legacy assistant-transport and OpenAI decoders."""

from __future__ import annotations

from assistant_ui.protocol.decoders.part_writer import PartWriter
from assistant_ui.protocol.events import (
    PartFinish,
    PartStart,
    TextDelta,
    ToolCallArgsTextFinish,
    ToolResult,
)


def test_append_extends_the_target_until_kind_or_parent_changes() -> None:
    w = PartWriter()
    w.append("text", "a")
    w.append("text", "b")
    w.append("text", "c", "p1")
    w.append("reasoning", "d", "p1")
    w.close_append()
    assert w.drain() == [
        PartStart(part={"type": "text"}),
        TextDelta(text_delta="a", path=(0,)),
        TextDelta(text_delta="b", path=(0,)),
        PartFinish(path=(0,)),
        PartStart(part={"type": "text", "parentId": "p1"}),
        TextDelta(text_delta="c", path=(1,)),
        PartFinish(path=(1,)),
        PartStart(part={"type": "reasoning", "parentId": "p1"}),
        TextDelta(text_delta="d", path=(2,)),
        PartFinish(path=(2,)),
    ]
    assert w.drain() == []
    assert w.part_count == 3


def test_open_append_always_starts_a_new_target_with_its_extra_fields() -> None:
    w = PartWriter()
    w.append("reasoning", "a")
    assert w.open_append("reasoning", None, {"unstable_summary": "s"}) == 1
    w.append("reasoning", "b")  # same kind and parent: goes to the new part
    events = w.drain()
    assert events[2:] == [
        PartFinish(path=(0,)),  # starting a part finishes the target
        PartStart(part={"type": "reasoning", "unstable_summary": "s"}),
        TextDelta(text_delta="b", path=(1,)),
    ]
    assert events[1] == TextDelta(text_delta="a", path=(0,))


def test_tool_part_keys_follow_the_reference_controller() -> None:
    w = PartWriter()
    w.start_tool("c1", "f", "p")
    (start,) = w.drain()
    assert isinstance(start, PartStart)
    assert list(start.part) == ["type", "toolName", "toolCallId", "parentId"]


def test_tool_result_closes_args_then_the_part_and_later_input_is_dropped() -> None:
    w = PartWriter()
    w.append("text", "x")
    call = w.start_tool("c1", "f")
    w.tool_result(call, 1, is_preliminary=True)
    w.tool_result(call, 2)
    assert not w.tool_args(call, "late")
    w.tool_result(call, 3)  # after the final result: ignored
    w.close_tool(call)  # idempotent
    assert w.drain()[4:] == [
        ToolResult(path=(1,), result=1, is_preliminary=True),
        TextDelta(text_delta="{}", path=(1,)),  # no argument text ever came
        ToolCallArgsTextFinish(path=(1,)),
        ToolResult(path=(1,), result=2),
        PartFinish(path=(1,)),
    ]
