"""MessageAccumulator: one test per rule of docs/protocols.md §3.4-3.7, the
assistant-transport conformance cases as events, properties, and (when
Node and the reference package are installed) a differential run against
the reference accumulator."""

from __future__ import annotations

import copy
import json
import random
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant_ui.errors import StreamDecodeError, UsageError
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
from assistant_ui.protocol.leniency import WarningSink
from assistant_ui.protocol.partial_json import parse_partial_json
from assistant_ui.protocol.reading.accumulator import MessageAccumulator

RUNNING = {"type": "running"}
DONE = {"type": "complete", "reason": "unknown"}
EMPTY_METADATA: dict[str, Any] = {
    "unstable_state": None,
    "unstable_data": [],
    "unstable_annotations": [],
    "steps": [],
    "custom": {},
}


def event_from_chunk(chunk: dict[str, Any]) -> Event:
    """A canonical chunk (assistant-transport wire form) as an event."""
    kind = chunk["type"]
    path = tuple(chunk.get("path", ()))
    if kind == "part-start":
        return PartStart(part=chunk["part"], path=path)
    if kind == "text-delta":
        return TextDelta(
            text_delta=chunk["textDelta"],
            path=path,
            provider_metadata=chunk.get("providerMetadata"),
        )
    if kind == "part-finish":
        return PartFinish(path=path, provider_metadata=chunk.get("providerMetadata"))
    if kind == "tool-call-args-text-finish":
        return ToolCallArgsTextFinish(path=path)
    if kind == "result":
        return ToolResult(
            path=path,
            result=chunk["result"],
            is_error=chunk.get("isError", False),
            artifact=chunk.get("artifact", MISSING),
            model_content=chunk.get("modelContent", MISSING),
            messages=chunk.get("messages", MISSING),
            is_preliminary=chunk.get("isPreliminary", False),
        )
    if kind == "tool-call-approval":
        return ToolCallApproval(path=path, approval=chunk["approval"])
    if kind == "annotations":
        return Annotations(annotations=chunk["annotations"])
    if kind == "data":
        return Data(data=chunk["data"])
    if kind == "step-start":
        return StepStart(message_id=chunk["messageId"])
    if kind == "step-finish":
        return StepFinish(
            finish_reason=chunk["finishReason"],
            usage=chunk["usage"],
            is_continued=chunk["isContinued"],
        )
    if kind == "message-finish":
        return MessageFinish(finish_reason=chunk["finishReason"], usage=chunk["usage"])
    if kind == "error":
        return ErrorEvent(
            error=chunk["error"], code=chunk.get("code"), severity=chunk.get("severity")
        )
    if kind == "update-state":
        return UpdateState(operations=chunk["operations"])
    raise AssertionError(f"unknown chunk type {kind}")


def quiet() -> WarningSink:
    return WarningSink(emit=False)


def run(events: list[Event], **options: Any) -> dict[str, Any]:
    options.setdefault("warnings", quiet())
    acc = MessageAccumulator(**options)
    for event in events:
        acc.apply(event)
    acc.finish()
    return acc.snapshot()


def text_start(**extra: Any) -> PartStart:
    return PartStart(part={"type": "text", **extra})


def tool_start(call_id: str = "c1", name: str = "f", **extra: Any) -> PartStart:
    return PartStart(part={"type": "tool-call", "toolCallId": call_id, "toolName": name, **extra})


def delta(index: int, text: str, **extra: Any) -> TextDelta:
    return TextDelta(text_delta=text, path=(index,), **extra)


# -- the empty message, text and reasoning ----------------------------------


def test_initial_snapshot_is_the_running_empty_message() -> None:
    acc = MessageAccumulator(warnings=quiet())
    assert acc.snapshot() == {
        "role": "assistant",
        "status": RUNNING,
        "parts": [],
        "metadata": EMPTY_METADATA,
    }
    acc.finish()
    assert acc.status == {"type": "complete", "reason": "unknown"}


def test_text_deltas_accumulate_and_finish() -> None:
    acc = MessageAccumulator(warnings=quiet())
    acc.apply(text_start())
    acc.apply(delta(0, "Hel"))
    assert acc.snapshot()["parts"] == [{"type": "text", "text": "Hel", "status": RUNNING}]
    acc.apply(delta(0, ""))
    acc.apply(delta(0, "lo"))
    acc.apply(PartFinish(path=(0,)))
    assert acc.snapshot()["parts"] == [{"type": "text", "text": "Hello", "status": DONE}]
    assert acc.text == "Hello"


def test_text_property_skips_reasoning() -> None:
    events: list[Event] = [
        text_start(),
        delta(0, "a"),
        PartStart(part={"type": "reasoning"}),
        delta(1, "thinking"),
        text_start(),
        delta(2, "b"),
    ]
    acc = MessageAccumulator(warnings=quiet())
    for event in events:
        acc.apply(event)
    assert acc.text == "ab"


def test_surrogate_halves_in_separate_deltas_join_into_one_character() -> None:
    # A JS server slicing text by UTF-16 unit sends an emoji's halves apart.
    message = run(
        [text_start(), delta(0, "a\ud83d"), delta(0, "\udc4b b \ud83d"), tool_start(),
         delta(1, '{"q":"\ud83c'), delta(1, '\udde9"}')]
    )  # fmt: skip
    assert message["parts"][0]["text"] == "a\U0001f44b b \ud83d"  # a lone half stays lone
    assert message["parts"][1]["argsText"] == '{"q":"\U0001f1e9"}'
    assert message["parts"][1]["args"] == {"q": "\U0001f1e9"}


def test_text_part_fields_from_the_init() -> None:
    parts = run(
        [
            text_start(parentId="p1", providerMetadata={"x": 1}),
            text_start(parentId=""),
            PartStart(part={"type": "reasoning", "unstable_summary": ""}),
            PartStart(part={"type": "reasoning", "parentId": "p2", "providerMetadata": None}),
        ]
    )["parts"]
    assert parts == [
        {
            "type": "text",
            "text": "",
            "status": RUNNING,
            "providerMetadata": {"x": 1},
            "parentId": "p1",
        },
        {"type": "text", "text": "", "status": RUNNING},
        {"type": "reasoning", "text": "", "status": RUNNING, "unstable_summary": ""},
        {"type": "reasoning", "text": "", "status": RUNNING, "parentId": "p2"},
    ]


def test_provider_metadata_from_deltas_and_part_finish() -> None:
    parts = run(
        [
            text_start(),
            delta(0, "a", provider_metadata={"d": 1}),
            delta(0, "b"),
            PartStart(part={"type": "reasoning"}),
            PartFinish(path=(1,), provider_metadata={"f": 2}),
        ]
    )["parts"]
    assert parts[0]["providerMetadata"] == {"d": 1}
    assert parts[1] == {
        "type": "reasoning",
        "text": "",
        "status": DONE,
        "providerMetadata": {"f": 2},
    }


# -- other part kinds --------------------------------------------------------


def test_source_file_and_data_parts() -> None:
    parts = run(
        [
            PartStart(
                part={"type": "source", "sourceType": "url", "id": "s", "url": "u", "title": ""}
            ),
            PartStart(
                part={"type": "source", "sourceType": "url", "id": "s", "url": "u", "title": "T"}
            ),
            PartStart(part={"type": "source", "sourceType": "document", "id": "d", "title": "Doc"}),
            PartStart(
                part={
                    "type": "source",
                    "sourceType": "document",
                    "id": "d",
                    "title": "Doc",
                    "mediaType": "application/pdf",
                    "filename": "a.pdf",
                    "parentId": "p",
                }
            ),
            PartStart(part={"type": "file", "data": "AA==", "mimeType": "image/png"}),
            PartStart(part={"type": "data", "name": "chart", "data": {"pts": [1]}}),
            PartFinish(path=(5,)),
        ]
    )["parts"]
    assert parts == [
        {"type": "source", "sourceType": "url", "id": "s", "url": "u"},
        {"type": "source", "sourceType": "url", "id": "s", "url": "u", "title": "T"},
        {
            "type": "source",
            "sourceType": "document",
            "id": "d",
            "title": "Doc",
            "mediaType": "application/octet-stream",
        },
        {
            "type": "source",
            "sourceType": "document",
            "id": "d",
            "title": "Doc",
            "mediaType": "application/pdf",
            "filename": "a.pdf",
            "parentId": "p",
        },
        {"type": "file", "mimeType": "image/png", "data": "AA=="},
        {"type": "data", "name": "chart", "data": {"pts": [1]}, "status": DONE},
    ]


def test_unknown_part_start_inserts_a_reasoning_placeholder() -> None:
    sink = quiet()
    message = run(
        [PartStart(part={"type": "hologram"}), text_start(), delta(1, "still aligned")],
        warnings=sink,
    )
    assert message["parts"] == [
        {"type": "reasoning", "text": "", "status": RUNNING},
        {"type": "text", "text": "still aligned", "status": RUNNING},
    ]
    assert any("hologram" in message for message in sink.messages)


# -- addressing ----------------------------------------------------------------


@pytest.mark.parametrize("path", [(), (1,), (-1,), (0, 0), (99,)])
@pytest.mark.parametrize("strict", [False, True])
def test_wrong_path_is_dropped_with_a_warning(path: tuple[int, ...], strict: bool) -> None:
    sink = quiet()
    message = run(
        [text_start(), TextDelta(text_delta="x", path=path), PartFinish(path=path)],
        warnings=sink,
        strict=strict,
    )
    assert message["parts"] == [{"type": "text", "text": "", "status": RUNNING}]
    assert sink.messages  # reported, never fatal


@pytest.mark.parametrize(
    "event",
    [
        delta(0, "x"),
        ToolResult(path=(0,), result=1),
        ToolCallApproval(path=(0,), approval={"id": "a"}),
        ToolCallArgsTextFinish(path=(0,)),
    ],
)
def test_wrong_part_type_is_dropped_with_a_warning(event: Event) -> None:
    sink = quiet()
    part = {"type": "data", "name": "n", "data": 1}
    assert run([PartStart(part=part), event], warnings=sink)["parts"] == [part]
    assert len(sink.messages) == 1


@pytest.mark.parametrize(
    "event",
    [ToolResult(path=(0,), result=1), ToolCallApproval(path=(0,), approval={"id": "a"})],
)
def test_tool_events_on_text_parts_are_dropped(event: Event) -> None:
    assert run([text_start(), event])["parts"] == [{"type": "text", "text": "", "status": RUNNING}]


# -- tool calls --------------------------------------------------------------


def test_tool_call_lifecycle_statuses() -> None:
    acc = MessageAccumulator(warnings=quiet())

    def part() -> dict[str, Any]:
        first: dict[str, Any] = acc.snapshot()["parts"][0]
        return first

    acc.apply(tool_start(parentId="agent"))
    assert part() == {
        "type": "tool-call",
        "state": "partial-call",
        "status": {"type": "running", "isArgsComplete": False},
        "toolCallId": "c1",
        "toolName": "f",
        "argsText": "",
        "args": {},
        "parentId": "agent",
    }
    acc.apply(delta(0, '{"city": "Ber'))
    assert (part()["argsText"], part()["args"]) == ('{"city": "Ber', {"city": "Ber"})
    acc.apply(delta(0, 'lin"}'))
    acc.apply(ToolCallArgsTextFinish(path=(0,)))
    assert part()["state"] == "call"
    assert part()["status"] == {"type": "running", "isArgsComplete": True}
    assert part()["args"] == {"city": "Berlin"}
    acc.apply(ToolResult(path=(0,), result={"temp": 20}))
    assert part()["state"] == "result"
    assert part()["status"] == {"type": "complete", "reason": "stop"}
    assert (part()["result"], part()["isError"]) == ({"temp": 20}, False)
    acc.apply(PartFinish(path=(0,)))
    assert part()["status"] == DONE
    acc.finish()
    assert acc.status == {"type": "complete", "reason": "unknown"}


def test_args_finish_after_the_result_changes_nothing() -> None:
    message = run(
        [tool_start(), ToolResult(path=(0,), result=1), ToolCallArgsTextFinish(path=(0,))]
    )
    assert message["parts"][0]["state"] == "result"
    assert message["parts"][0]["status"] == {"type": "complete", "reason": "stop"}


def test_args_keep_their_value_when_the_text_stops_parsing() -> None:
    # The second delta makes the text invalid for good ("2" after a value).
    parts = run([tool_start(), delta(0, '{"a":1'), delta(0, " 2}")])["parts"]
    assert parts[0]["argsText"] == '{"a":1 2}'
    assert parts[0]["args"] == {"a": 1}
    # The same text in one delta never parsed at all: args stay {}.
    assert run([tool_start(), delta(0, '{"a":1 2}')])["parts"][0]["args"] == {}


def test_scalar_argument_text_leaves_args_empty() -> None:
    assert run([tool_start(), delta(0, '"just a string"')])["parts"][0]["args"] == {}


def test_result_optional_fields_and_replacement() -> None:
    first = ToolResult(
        path=(0,),
        result="boom",
        is_error=True,
        artifact={"trace": 1},
        model_content=[{"type": "text", "text": "x"}],
        messages=[],
    )
    part = run([tool_start(), first])["parts"][0]
    assert part["artifact"] == {"trace": 1}
    assert part["modelContent"] == [{"type": "text", "text": "x"}]
    assert part["messages"] == []
    assert part["isError"] is True
    # A later final result drops the optional fields it does not carry.
    part = run([tool_start(), first, ToolResult(path=(0,), result="ok")])["parts"][0]
    assert {k: part[k] for k in ("result", "isError")} == {"result": "ok", "isError": False}
    assert "artifact" not in part
    assert "modelContent" not in part
    assert "messages" not in part


def test_a_result_value_of_none_is_kept() -> None:
    part = run([tool_start(), ToolResult(path=(0,), result=None)])["parts"][0]
    assert "result" in part
    assert part["result"] is None


def test_preliminary_results() -> None:
    prelim = ToolResult(path=(0,), result={"progress": 50}, is_preliminary=True)
    acc = MessageAccumulator(warnings=quiet())
    acc.apply(tool_start())
    acc.apply(delta(0, "{}"))
    acc.apply(prelim)
    part = acc.snapshot()["parts"][0]
    assert part["state"] == "partial-call"
    assert part["status"] == {"type": "running", "isArgsComplete": False}
    assert (part["result"], part["isPreliminary"]) == ({"progress": 50}, True)
    acc.apply(PartFinish(path=(0,)))  # ignored while the result is provisional
    assert acc.snapshot()["parts"][0]["status"]["type"] == "running"
    acc.finish()
    assert acc.status == {"type": "requires-action", "reason": "tool-calls"}

    final = run([tool_start(), prelim, ToolResult(path=(0,), result="done")])["parts"][0]
    assert final["state"] == "result"
    assert "isPreliminary" not in final
    after_final = run([tool_start(), ToolResult(path=(0,), result="done"), prelim])
    assert after_final["parts"][0]["result"] == "done"


def test_preliminary_result_after_part_finish_reopens_the_status() -> None:
    part = run(
        [
            tool_start(),
            ToolCallArgsTextFinish(path=(0,)),
            PartFinish(path=(0,)),
            ToolResult(path=(0,), result=1, is_preliminary=True),
        ]
    )["parts"][0]
    assert part["state"] == "call"
    assert part["status"] == {"type": "running", "isArgsComplete": True}


def test_approval_is_replaced() -> None:
    part = run(
        [
            tool_start(),
            ToolCallApproval(path=(0,), approval={"id": "a1", "prompt": "ok?"}),
            ToolCallApproval(path=(0,), approval={"id": "a1", "approved": True}),
        ]
    )["parts"][0]
    assert part["approval"] == {"id": "a1", "approved": True}


def test_part_finish_on_a_settled_tool_call() -> None:
    part = run([tool_start(), ToolResult(path=(0,), result=1), PartFinish(path=(0,))])["parts"][0]
    assert part["status"] == DONE
    assert part["state"] == "result"


# -- message-level events -------------------------------------------------------


def test_data_and_annotations_append() -> None:
    metadata = run(
        [
            Data(data=[1]),
            Annotations(annotations=[{"a": 1}]),
            Data(data=[{"d": 2}, 3]),
            Annotations(annotations=[]),
        ]
    )["metadata"]
    assert metadata["unstable_data"] == [1, {"d": 2}, 3]
    assert metadata["unstable_annotations"] == [{"a": 1}]


def test_steps() -> None:
    usage = {"inputTokens": 1, "outputTokens": 2}
    steps = run(
        [
            StepStart(message_id="s1"),
            StepFinish(finish_reason="tool-calls", usage=usage),
            StepFinish(finish_reason="stop", usage=usage, is_continued=True),
            StepStart(message_id="s3"),
        ]
    )["metadata"]["steps"]
    assert steps[0] == {
        "state": "finished",
        "messageId": "s1",
        "finishReason": "tool-calls",
        "usage": usage,
        "isContinued": False,
    }
    assert re.fullmatch(r"[0-9A-Za-z]{7}", steps[1].pop("messageId"))
    assert steps[1] == {
        "state": "finished",
        "finishReason": "stop",
        "usage": usage,
        "isContinued": True,
    }
    assert steps[2] == {"state": "started", "messageId": "s3"}


def test_generated_step_ids() -> None:
    ids = {new_id(ASSISTANT_UI_ID_LENGTH) for _ in range(50)}
    assert all(re.fullmatch(r"[0-9A-Za-z]{7}", i) for i in ids)
    assert len(ids) > 1


@pytest.mark.parametrize(
    ("reason", "status"),
    [
        ("tool-calls", {"type": "requires-action", "reason": "tool-calls"}),
        ("stop", {"type": "complete", "reason": "stop"}),
        ("unknown", {"type": "complete", "reason": "unknown"}),
        ("length", {"type": "incomplete", "reason": "length"}),
        ("content-filter", {"type": "incomplete", "reason": "content-filter"}),
        ("other", {"type": "incomplete", "reason": "other"}),
        ("error", {"type": "incomplete", "reason": "error"}),
    ],
)
def test_message_finish_sets_the_status(reason: str, status: dict[str, Any]) -> None:
    message = run([MessageFinish(finish_reason=reason, usage={"inputTokens": 1})])
    assert message["status"] == status
    assert "usage" not in message["metadata"]


def test_message_finish_tool_calls_even_when_every_call_has_a_result() -> None:
    message = run(
        [tool_start(), ToolResult(path=(0,), result=1), MessageFinish(finish_reason="tool-calls")]
    )
    assert message["status"] == {"type": "requires-action", "reason": "tool-calls"}


def test_errors_replace_each_other_and_survive_a_finish() -> None:
    acc = MessageAccumulator(warnings=quiet())
    acc.apply(text_start())
    acc.apply(delta(0, "partial"))
    acc.apply(ErrorEvent(error="first", code="rate_limit", severity="warning"))
    assert acc.status == {
        "type": "incomplete",
        "reason": "error",
        "error": {"code": "rate_limit", "message": "first", "severity": "warning"},
    }
    acc.apply(ErrorEvent(error="second", severity="fatal"))  # unknown severity dropped
    acc.apply(delta(0, " more"))  # decoding continues after an error
    acc.apply(MessageFinish(finish_reason="stop"))
    acc.finish()
    message = acc.snapshot()
    assert message["status"] == {
        "type": "incomplete",
        "reason": "error",
        "error": {"code": "unknown", "message": "second"},
    }
    assert message["parts"][0]["text"] == "partial more"
    assert acc.finish_reason == "stop"


def test_finish_reason_and_usage_properties() -> None:
    acc = MessageAccumulator(warnings=quiet())
    assert (acc.finish_reason, acc.usage) == (None, None)
    acc.apply(
        StepFinish(finish_reason="tool-calls", usage={"promptTokens": 1, "completionTokens": 2})
    )
    acc.apply(StepFinish(finish_reason="stop", usage={"inputTokens": 3, "outputTokens": 4}))
    assert acc.finish_reason == "stop"
    assert acc.usage == {"inputTokens": 4, "outputTokens": 6}
    # The step keeps its usage verbatim, as the reference does.
    assert acc.snapshot()["metadata"]["steps"][0]["usage"] == {
        "promptTokens": 1,
        "completionTokens": 2,
    }
    acc.apply(
        MessageFinish(finish_reason="length", usage={"promptTokens": 7, "completionTokens": 8})
    )
    assert acc.finish_reason == "length"
    assert acc.usage == {"inputTokens": 7, "outputTokens": 8}
    acc.finish()
    assert acc.finish_reason == "length"


def test_state_is_seeded_and_updated_without_touching_the_seed() -> None:
    seed = {"messages": [{"text": "old"}]}
    acc = MessageAccumulator(initial_state=seed, warnings=quiet())
    assert acc.state == seed
    acc.apply(UpdateState(operations=[{"type": "set", "path": ["messages"], "value": []}]))
    acc.apply(
        UpdateState(
            operations=[
                {"type": "set", "path": ["messages", "0"], "value": {"text": "Hi"}},
                {"type": "append-text", "path": ["messages", "0", "text"], "value": " there"},
            ]
        )
    )
    assert acc.snapshot()["metadata"]["unstable_state"] == {"messages": [{"text": "Hi there"}]}
    assert seed == {"messages": [{"text": "old"}]}
    acc.state["messages"].clear()  # a copy
    assert acc.state == {"messages": [{"text": "Hi there"}]}


def test_strict_state_error_raises_and_keeps_earlier_events_only() -> None:
    acc = MessageAccumulator(initial_state={}, strict=True, warnings=quiet())
    acc.apply(UpdateState(operations=[{"type": "set", "path": ["kept"], "value": 1}]))
    ops = [
        {"type": "set", "path": ["a"], "value": "x"},
        {"type": "append-text", "path": ["missing"], "value": "y"},
    ]
    with pytest.raises(StreamDecodeError, match=re.escape("Expected string at path [missing]")):
        acc.apply(UpdateState(operations=ops))
    # As in the reference: the failing event's earlier operations are lost too.
    assert acc.state == {"kept": 1}


def test_lenient_state_error_skips_the_operation() -> None:
    sink = quiet()
    ops: list[dict[str, Any]] = [
        {"type": "append-text", "path": ["missing"], "value": "y"},
        {"type": "set", "path": ["b"], "value": 1},
    ]
    assert run([UpdateState(operations=ops)], initial_state={}, warnings=sink)["metadata"][
        "unstable_state"
    ] == {"b": 1}
    assert sink.messages


# -- end of events and runtime statuses --------------------------------------------


@pytest.mark.parametrize(
    ("events", "status"),
    [
        ([], {"type": "complete", "reason": "unknown"}),
        ([tool_start()], {"type": "requires-action", "reason": "tool-calls"}),
        (
            [tool_start(), ToolCallArgsTextFinish(path=(0,))],
            {"type": "requires-action", "reason": "tool-calls"},
        ),
        (
            [tool_start(), ToolResult(path=(0,), result=1)],
            {"type": "complete", "reason": "unknown"},
        ),
        (
            [tool_start(), ToolResult(path=(0,), result=1, is_preliminary=True)],
            {"type": "requires-action", "reason": "tool-calls"},
        ),
        ([MessageFinish(finish_reason="stop")], {"type": "complete", "reason": "stop"}),
    ],
)
def test_finish_settles_a_running_status(events: list[Event], status: dict[str, Any]) -> None:
    assert run(events)["status"] == status


def test_finish_is_idempotent_and_leaves_parts_alone() -> None:
    acc = MessageAccumulator(warnings=quiet())
    acc.apply(text_start())
    acc.finish()
    first = acc.snapshot()
    acc.finish()
    assert acc.snapshot() == first
    assert first["parts"][0]["status"] == RUNNING  # closing parts is the decoder's job


def test_set_status_for_runtime_statuses() -> None:
    acc = MessageAccumulator(warnings=quiet())
    acc.apply(text_start())
    acc.apply(delta(0, "kept"))
    acc.set_status({"type": "incomplete", "reason": "cancelled"})
    acc.finish()
    assert acc.status == {"type": "incomplete", "reason": "cancelled"}
    error: dict[str, Any] = {
        "type": "incomplete",
        "reason": "error",
        "error": {"code": "network", "message": "x"},
    }
    acc.set_status(error)
    error["error"]["message"] = "mutated by the caller"
    assert acc.snapshot()["status"]["error"]["message"] == "x"
    assert acc.text == "kept"
    with pytest.raises(UsageError):
        acc.set_status({"reason": "no type"})


def test_part_type() -> None:
    acc = MessageAccumulator(warnings=quiet())
    acc.apply(text_start())
    acc.apply(tool_start())
    acc.apply(PartStart(part={"type": "unknown-kind"}))
    assert [acc.part_type(i) for i in range(-1, 4)] == [
        None,
        "text",
        "tool-call",
        "reasoning",
        None,
    ]


def test_non_events_are_refused() -> None:
    with pytest.raises(UsageError):
        MessageAccumulator(warnings=quiet()).apply({"type": "text-delta"})  # type: ignore[arg-type]


# -- conformance cases of docs/protocols.md §5 (assistant-transport: chunks = events) ---


def test_conformance_at_canonical() -> None:
    chunks: list[dict[str, Any]] = [
        {"type": "step-start", "messageId": "msg_1"},
        {"type": "part-start", "part": {"type": "text"}, "path": []},
        {"type": "text-delta", "textDelta": "Checking", "path": [0]},
        {"type": "part-finish", "path": [0]},
        {
            "type": "part-start",
            "part": {"type": "tool-call", "toolCallId": "call_1", "toolName": "get_weather"},
            "path": [],
        },
        {"type": "text-delta", "textDelta": '{"city": "NYC"}', "path": [1]},
        {"type": "result", "result": {"temp": 70}, "isError": False, "path": [1]},
        {"type": "tool-call-args-text-finish", "path": [1]},
        {"type": "part-finish", "path": [1]},
        {
            "type": "update-state",
            "operations": [{"type": "set", "path": ["status"], "value": "done"}],
        },
        {
            "type": "step-finish",
            "finishReason": "stop",
            "usage": {"inputTokens": 12, "outputTokens": 34},
            "isContinued": False,
        },
    ]
    message = run([event_from_chunk(c) for c in chunks], strict=True)
    assert message == {
        "role": "assistant",
        "status": {"type": "complete", "reason": "unknown"},
        "parts": [
            {"type": "text", "text": "Checking", "status": DONE},
            {
                "type": "tool-call",
                "state": "result",
                "status": DONE,
                "toolCallId": "call_1",
                "toolName": "get_weather",
                "argsText": '{"city": "NYC"}',
                "args": {"city": "NYC"},
                "result": {"temp": 70},
                "isError": False,
            },
        ],
        "metadata": {
            **EMPTY_METADATA,
            "unstable_state": {"status": "done"},
            "steps": [
                {
                    "state": "finished",
                    "messageId": "msg_1",
                    "finishReason": "stop",
                    "usage": {"inputTokens": 12, "outputTokens": 34},
                    "isContinued": False,
                }
            ],
        },
    }


def test_conformance_at_state_only() -> None:
    chunks = [
        {
            "type": "update-state",
            "operations": [
                {"type": "append-text", "path": ["messages", "0", "content"], "value": " more"}
            ],
        },
        {
            "type": "update-state",
            "operations": [
                {
                    "type": "set",
                    "path": ["messages", "1"],
                    "value": {"role": "assistant", "content": ""},
                }
            ],
        },
    ]
    seed = {"messages": [{"role": "user", "content": "hi"}]}
    message = run([event_from_chunk(c) for c in chunks], initial_state=seed, strict=True)
    assert message["status"] == {"type": "complete", "reason": "unknown"}
    assert message["parts"] == []
    assert message["metadata"]["unstable_state"] == {
        "messages": [{"role": "user", "content": "hi more"}, {"role": "assistant", "content": ""}]
    }


def test_conformance_ds_tool_partial_args_eof_as_events() -> None:
    # What the data-stream decoder emits for case ds-tool-partial-args-eof.
    message = run(
        [
            tool_start("t1", "search"),
            delta(0, '{"query":"cats and d'),
            ToolCallArgsTextFinish(path=(0,)),
            PartFinish(path=(0,)),
        ],
        strict=True,
    )
    assert message["status"] == {"type": "requires-action", "reason": "tool-calls"}
    assert message["parts"] == [
        {
            "type": "tool-call",
            "state": "call",
            "status": DONE,
            "toolCallId": "t1",
            "toolName": "search",
            "argsText": '{"query":"cats and d',
            "args": {"query": "cats and d"},
        }
    ]


# -- properties ----------------------------------------------------------------

_FRAGMENTS = ['{"a":', "1", ",", '"b":"x', 'y"', "}", " ", "[", "]", "tr", "ue", "-", ".5", "x"]


def _random_events(rng: random.Random, count: int) -> list[Event]:
    """Event sequences of every kind, with in- and out-of-range paths."""
    events: list[Event] = []
    parts = 0
    for _ in range(count):
        roll = rng.random()
        path = (rng.randint(-1, parts),) if rng.random() < 0.9 else rng.choice([(), (0, 0)])
        if roll < 0.2:
            kind = rng.choice(["text", "reasoning", "tool-call", "source", "file", "data", "odd"])
            inits: dict[str, dict[str, Any]] = {
                "text": {"type": "text"},
                "reasoning": {"type": "reasoning", "unstable_summary": "s"},
                "tool-call": {"type": "tool-call", "toolCallId": f"t{parts}", "toolName": "f"},
                "source": {"type": "source", "sourceType": "url", "id": "s", "url": "u"},
                "file": {"type": "file", "data": "AA", "mimeType": "image/png"},
                "data": {"type": "data", "name": "n", "data": {"x": [1]}},
                "odd": {"type": "odd"},
            }
            init = inits[kind]
            events.append(PartStart(part=init))
            parts += 1
        elif roll < 0.5:
            text = "".join(rng.choice(_FRAGMENTS) for _ in range(rng.randint(0, 3)))
            events.append(TextDelta(text_delta=text, path=path))
        elif roll < 0.58:
            events.append(PartFinish(path=path))
        elif roll < 0.64:
            events.append(ToolCallArgsTextFinish(path=path))
        elif roll < 0.72:
            events.append(
                ToolResult(
                    path=path,
                    result=rng.choice([1, "x", {"ok": [True]}, None]),
                    is_error=rng.random() < 0.3,
                    artifact={"a": [1]} if rng.random() < 0.3 else MISSING,
                    is_preliminary=rng.random() < 0.4,
                )
            )
        elif roll < 0.75:
            events.append(ToolCallApproval(path=path, approval={"id": "ap", "d": {"x": 1}}))
        elif roll < 0.78:
            events.append(Annotations(annotations=[{"a": [1]}]))
        elif roll < 0.81:
            events.append(Data(data=[{"d": [2]}]))
        elif roll < 0.84:
            events.append(StepStart(message_id=f"m{rng.randint(0, 9)}"))
        elif roll < 0.87:
            events.append(StepFinish(finish_reason="stop", usage={"inputTokens": 1}))
        elif roll < 0.9:
            reason = rng.choice(["stop", "tool-calls", "length", "unknown"])
            events.append(MessageFinish(finish_reason=reason))
        elif roll < 0.93:
            events.append(ErrorEvent(error="boom", code=rng.choice([None, "c"])))
        else:
            operations: list[dict[str, Any]] = []
            for _ in range(rng.randint(1, 3)):
                target = rng.choice([["a"], ["a", "b"], ["l", "0"], ["l", "1"], ["s"]])
                op_type = rng.choice(["set", "append-text"])
                value = {"v": [1]} if op_type == "set" else "z"
                operations.append({"type": op_type, "path": target, "value": value})
            events.append(UpdateState(operations=operations))
    return events


def _mutate_everything(value: Any) -> None:
    if isinstance(value, dict):
        for item in list(value.values()):
            _mutate_everything(item)
        value.clear()
        value["mutated"] = True
    elif isinstance(value, list):
        for item in value:
            _mutate_everything(item)
        value.append("mutated")


@settings(max_examples=200)
@given(st.integers(0, 2**32), st.integers(0, 40))
def test_snapshots_share_nothing_with_the_accumulator(seed: int, count: int) -> None:
    events = _random_events(random.Random(seed), count)
    payloads_before = copy.deepcopy(events)
    acc = MessageAccumulator(initial_state={"s": "a", "l": []}, warnings=quiet())
    for event in events:
        acc.apply(event)
        if random.Random(seed + count).random() < 0.3:
            _mutate_everything(acc.snapshot())
    expected = copy.deepcopy(acc.snapshot())
    assert json.loads(json.dumps(expected)) == expected  # JSON-compatible
    for _ in range(2):
        snapshot = acc.snapshot()
        assert snapshot == expected
        _mutate_everything(snapshot)
        _mutate_everything(acc.state)
        _mutate_everything(acc.status)
    assert acc.snapshot() == expected
    assert events == payloads_before  # event payloads are never changed


@given(st.text(max_size=40), st.lists(st.integers(0, 40), max_size=6), st.booleans())
def test_splitting_a_text_delta_gives_the_same_message(
    text: str, cuts: list[int], reasoning: bool
) -> None:
    kind = "reasoning" if reasoning else "text"
    bounds = sorted({min(c, len(text)) for c in cuts})
    pieces = [text[a:b] for a, b in zip([0, *bounds], [*bounds, len(text)], strict=True)]
    whole = run([PartStart(part={"type": kind}), delta(0, text)])
    split = run([PartStart(part={"type": kind}), *[delta(0, p) for p in pieces]])
    assert split == whole
    assert whole["parts"][0]["text"] == text


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=6),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=10,
)


@given(
    st.dictionaries(st.text(max_size=4), json_values, max_size=4),
    st.data(),
)
def test_args_text_split_anywhere_gives_the_same_args(
    value: dict[str, Any], data: st.DataObject
) -> None:
    text = json.dumps(value, ensure_ascii=data.draw(st.booleans()))
    text = text[: data.draw(st.integers(0, len(text)))]
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=8)))
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    whole = run([tool_start(), delta(0, text)])["parts"][0]
    split = run([tool_start(), *[delta(0, p) for p in pieces]])["parts"][0]
    assert split["args"] == whole["args"]
    assert split["argsText"] == text
    if text.strip():
        assert whole["args"] == parse_partial_json(text)[0]


_ARG_ALPHABET = [*'{}[]",:\\0123456789-.etrufalsn x', "\x01"]


@settings(max_examples=300)
@given(st.lists(st.lists(st.sampled_from(_ARG_ALPHABET), max_size=5).map("".join), max_size=10))
def test_lazy_args_equal_the_reference_rule_after_every_delta(pieces: list[str]) -> None:
    # The reference re-parses after every delta and keeps the previous value
    # when the text yields none (3.5). Our args are parsed only when read;
    # reading after every delta and reading once at the end must both equal
    # that rule, whatever garbage the deltas carry.
    expected: Any = {}
    text = ""
    eager = MessageAccumulator(warnings=quiet())
    eager.apply(tool_start())
    for piece in pieces:
        text += piece
        value, ok = parse_partial_json(text)
        if ok:
            expected = value
        eager.apply(delta(0, piece))
        assert eager.snapshot()["parts"][0]["args"] == expected
    lazy = run([tool_start(), *[delta(0, p) for p in pieces]])["parts"][0]
    assert lazy["args"] == expected


# -- differential run against the reference accumulator ----------------------------

_REFERENCE = (
    Path(__file__).resolve().parents[1]
    / "differential"
    / "node_modules"
    / "assistant-stream"
    / "dist"
    / "index.js"
)

_REFERENCE_DRIVER = """
import { AssistantMessageAccumulator, unstable_createInitialMessage } from %s;
import fs from "fs";
console.warn = () => {}; console.error = () => {};
const cases = JSON.parse(fs.readFileSync(0, "utf8"));
const strip = (m) => JSON.parse(JSON.stringify(m, (k, v) =>
  k === "timing" || k === "content" ? undefined : v));
const out = [];
for (const c of cases) {
  const initialMessage = unstable_createInitialMessage({ unstable_state: c.initialState });
  let last = initialMessage;
  try {
    const acc = new AssistantMessageAccumulator({ initialMessage, strict: c.strict });
    const source = new ReadableStream({ start(ctrl) {
      for (const chunk of c.chunks) ctrl.enqueue(chunk); ctrl.close(); } });
    const reader = source.pipeThrough(acc).getReader();
    for (;;) { const { done, value } = await reader.read(); if (done) break; last = value; }
    out.push({ message: strip(last) });
  } catch (e) { out.push({ error: String(e.message ?? e), message: strip(last) }); }
}
process.stdout.write(JSON.stringify(out));
"""


def _chunk_of(event: Event) -> dict[str, Any]:
    from assistant_ui.protocol.events import event_to_dict

    return event_to_dict(event)


def _forget_generated_ids(message: dict[str, Any]) -> dict[str, Any]:
    for step in message["metadata"]["steps"]:
        if re.fullmatch(r"[0-9A-Za-z]{7}", step.get("messageId", "")):
            step["messageId"] = "<generated>"
    return message


@pytest.mark.skipif(
    shutil.which("node") is None or not _REFERENCE.exists(),
    reason="needs node and tests/differential/node_modules (npm install there)",
)
def test_matches_the_reference_accumulator_on_random_sequences() -> None:
    rng = random.Random(20261126)
    cases: list[dict[str, Any]] = []
    for _ in range(300):
        events = _random_events(rng, rng.randint(0, 30))
        cases.append(
            {
                "events": events,
                "chunks": [_chunk_of(e) for e in events],
                "strict": rng.random() < 0.5,
                "initialState": rng.choice([None, {"s": "a", "l": [1]}]),
            }
        )
    driver = _REFERENCE_DRIVER % json.dumps(_REFERENCE.as_uri())
    payload = json.dumps([{k: v for k, v in c.items() if k != "events"} for c in cases])
    completed = subprocess.run(
        ["node", "--input-type=module", "-e", driver],
        input=payload,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    results = json.loads(completed.stdout)
    assert len(results) == len(cases)
    for case, reference in zip(cases, results, strict=True):
        acc = MessageAccumulator(
            initial_state=case["initialState"], strict=case["strict"], warnings=quiet()
        )
        if "error" in reference:
            with pytest.raises(StreamDecodeError) as info:  # noqa: PT012
                for event in case["events"]:
                    acc.apply(event)
            assert info.value.reason == reference["error"], case["chunks"]
            # The partial message: what the reference had emitted before failing.
            mine = _forget_generated_ids(json.loads(json.dumps(acc.snapshot())))
            assert mine == _forget_generated_ids(reference["message"]), case["chunks"]
            continue
        for event in case["events"]:
            acc.apply(event)
        acc.finish()
        mine = _forget_generated_ids(json.loads(json.dumps(acc.snapshot())))
        assert mine == _forget_generated_ids(reference["message"]), case["chunks"]


@settings(max_examples=200)
@given(st.integers(0, 2**32), st.integers(0, 60))
def test_the_text_delta_hot_path_gives_the_general_paths_message(seed: int, count: int) -> None:
    # apply() takes plain deltas of text and tool-call parts without the
    # handler table; _text_delta is the general path every delta once took.
    events = _random_events(random.Random(seed), count)
    hot_sink, general_sink = quiet(), quiet()
    hot = MessageAccumulator(warnings=hot_sink)
    general = MessageAccumulator(warnings=general_sink)
    for event in events:
        hot.apply(event)
        if type(event) is TextDelta:
            general._text_delta(event)
        else:
            general.apply(event)
        assert hot.live_view()["parts"] == general.live_view()["parts"]
    hot_message, general_message = hot.snapshot(), general.snapshot()
    for message in (hot_message, general_message):
        for step in message["metadata"]["steps"]:
            step.pop("messageId", None)  # generated, so different in each
    assert hot_message == general_message
    assert hot_sink.messages == general_sink.messages
