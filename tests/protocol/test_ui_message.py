"""UIMessageAccumulator, ui_message_to_parts and set_tool_output
(docs/protocols.md §3.9, 1.4.2), checked against what ``ai`` 7 builds."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from assistant_ui.errors import InvalidRequestError
from assistant_ui.protocol.ai_sdk.message import UIMessageAccumulator, merge_metadata
from assistant_ui.protocol.ai_sdk.parts import set_tool_output, ui_message_to_parts
from assistant_ui.protocol.leniency import WarningSink


def build(*chunks: dict[str, Any], previous: Any = None, strict: bool = False) -> dict[str, Any]:
    acc = UIMessageAccumulator(previous, strict=strict, warnings=WarningSink(emit=False))
    for chunk in chunks:
        acc.apply(chunk)
    return acc.snapshot()


def test_new_message_gets_a_generated_id_until_start_names_one() -> None:
    assert build()["id"] != build()["id"]
    assert build({"type": "start", "messageId": "m1"}) == {
        "id": "m1",
        "role": "assistant",
        "parts": [],
    }


def test_continuing_a_previous_assistant_message_keeps_it_unmodified() -> None:
    previous = {"id": "a1", "role": "assistant", "parts": [{"type": "step-start"}]}
    before = copy.deepcopy(previous)
    msg = build(
        {"type": "start-step"},
        {"type": "text-start", "id": "t"},
        {"type": "text-delta", "id": "t", "delta": "more"},
        previous=previous,
    )
    assert msg["id"] == "a1"
    assert msg["parts"] == [
        {"type": "step-start"},
        {"type": "step-start"},
        {"type": "text", "text": "more", "state": "streaming"},
    ]
    assert previous == before
    # a user message cannot be continued: a new assistant message starts
    assert build(previous={"id": "u", "role": "user", "parts": []})["id"] != "u"


def test_text_pieces_are_joined_and_snapshots_are_independent() -> None:
    acc = UIMessageAccumulator(warnings=WarningSink(emit=False))
    acc.apply({"type": "text-start", "id": "t"})
    for piece in ("a", "b", "c"):
        acc.apply({"type": "text-delta", "id": "t", "delta": piece})
    first = acc.snapshot()
    first["parts"][0]["text"] = "mutated"
    acc.apply({"type": "text-delta", "id": "t", "delta": "d"})
    acc.apply({"type": "text-end", "id": "t"})
    assert acc.snapshot()["parts"] == [{"type": "text", "text": "abcd", "state": "done"}]


def test_streaming_tool_input_is_partially_parsed_with_the_raw_text() -> None:
    msg = build(
        {"type": "tool-input-start", "toolCallId": "c", "toolName": "weather"},
        {"type": "tool-input-delta", "toolCallId": "c", "inputTextDelta": '{"city": "Ber'},
    )
    assert msg["parts"] == [
        {
            "type": "tool-weather",
            "toolCallId": "c",
            "state": "input-streaming",
            "input": {"city": "Ber"},
            "rawInput": '{"city": "Ber',
        }
    ]
    msg = build(
        {"type": "tool-input-start", "toolCallId": "c", "toolName": "weather"},
        {"type": "tool-input-delta", "toolCallId": "c", "inputTextDelta": '{"city": "Ber'},
        {
            "type": "tool-input-available",
            "toolCallId": "c",
            "toolName": "weather",
            "input": {"city": "Berlin"},
        },
        {"type": "tool-output-available", "toolCallId": "c", "output": 20, "preliminary": True},
    )
    assert msg["parts"] == [
        {
            "type": "tool-weather",
            "toolCallId": "c",
            "state": "output-available",
            "input": {"city": "Berlin"},
            "output": 20,
            "preliminary": True,
        }
    ]


def test_dynamic_tool_and_input_error() -> None:
    msg = build(
        {
            "type": "tool-input-available",
            "toolCallId": "d",
            "toolName": "x",
            "input": {},
            "dynamic": True,
            "providerExecuted": True,
        },
        {"type": "tool-output-error", "toolCallId": "d", "errorText": "nope"},
        {
            "type": "tool-input-error",
            "toolCallId": "s",
            "toolName": "f",
            "input": "{bad",
            "errorText": "invalid",
        },
    )
    assert msg["parts"] == [
        {
            "type": "dynamic-tool",
            "toolName": "x",
            "toolCallId": "d",
            "state": "output-error",
            "input": {},
            "errorText": "nope",
            "providerExecuted": True,
        },
        # ai 7: the raw input of a failed static call stays in `input`
        {
            "type": "tool-f",
            "toolCallId": "s",
            "state": "output-error",
            "input": "{bad",
            "errorText": "invalid",
        },
    ]


def test_approval_flow() -> None:
    msg = build(
        {"type": "tool-input-available", "toolCallId": "c", "toolName": "rm", "input": {}},
        {
            "type": "tool-approval-request",
            "toolCallId": "c",
            "approvalId": "a",
            "reason": "sure?",
            "signature": "sig",
        },
        {"type": "tool-approval-response", "approvalId": "a", "approved": False, "reason": "no"},
        {"type": "tool-output-denied", "toolCallId": "c"},
    )
    (part,) = msg["parts"]
    assert part["state"] == "output-denied"
    assert part["approval"] == {
        "id": "a",
        "requestReason": "sure?",
        "signature": "sig",
        "approved": False,
        "reason": "no",
    }


def test_data_parts_replace_by_id_and_transient_ones_are_not_stored() -> None:
    msg = build(
        {"type": "data-w", "id": "1", "data": {"v": 1}},
        {"type": "data-w", "id": "1", "data": {"v": 2}},
        {"type": "data-w", "data": 3},
        {"type": "data-p", "data": 4, "transient": True},
    )
    assert msg["parts"] == [
        {"type": "data-w", "id": "1", "data": {"v": 2}},
        {"type": "data-w", "data": 3},
    ]


def test_reset_step_removes_the_parts_of_the_current_step() -> None:
    msg = build(
        {"type": "text-start", "id": "a"},
        {"type": "start-step"},
        {"type": "text-start", "id": "b"},
        {"type": "text-delta", "id": "b", "delta": "x"},
        {"type": "reset-step"},
        {"type": "text-delta", "id": "b", "delta": "y"},  # forgotten: dropped
    )
    assert [p["type"] for p in msg["parts"]] == ["text", "step-start"]


def test_metadata_is_deep_merged() -> None:
    msg = build(
        {"type": "start", "messageMetadata": {"a": {"x": 1}, "l": [1]}},
        {"type": "message-metadata", "messageMetadata": {"a": {"y": 2}, "l": [2]}},
        {"type": "finish", "finishReason": "stop", "messageMetadata": {"done": True}},
    )
    assert msg["metadata"] == {"a": {"x": 1, "y": 2}, "l": [2], "done": True}
    assert merge_metadata(None, {"a": 1}) == {"a": 1}
    assert merge_metadata({"a": 1}, None) == {"a": 1}


def test_error_chunk_stops_processing() -> None:
    acc = UIMessageAccumulator(warnings=WarningSink(emit=False))
    acc.apply({"type": "error", "errorText": "boom"})
    acc.apply({"type": "start-step"})
    assert acc.stopped
    assert acc.error == "boom"
    assert acc.snapshot()["parts"] == []


def test_invalid_chunks_stop_when_strict_and_are_skipped_otherwise() -> None:
    chunks = (
        {"type": "text-delta", "textDelta": "legacy"},  # fails the AI SDK schema
        {"type": "start-step"},
    )
    assert build(*chunks, strict=True)["parts"] == []
    assert build(*chunks)["parts"] == [{"type": "step-start"}]


def test_ui_message_to_parts() -> None:
    ui = {
        "id": "m",
        "role": "assistant",
        "parts": [
            {"type": "step-start"},
            {"type": "reasoning", "id": "r", "text": "hm", "state": "done"},
            {"type": "text", "text": "Hi", "state": "streaming"},
            {
                "type": "tool-w",
                "toolCallId": "c1",
                "state": "output-available",
                "input": {"city": "B"},
                "output": {"__aui_modelContent": [{"type": "text", "text": "t"}], "value": 7},
            },
            {
                "type": "dynamic-tool",
                "toolName": "d",
                "toolCallId": "c2",
                "state": "output-denied",
                "input": "raw",
                "approval": {"id": "a", "approved": False},
            },
            {"type": "tool-w", "toolCallId": "c1", "state": "input-available", "input": {}},
            {"type": "tool-e", "toolCallId": "c3", "state": "output-error", "errorText": "x"},
            {"type": "source-url", "sourceId": "s", "url": "https://u"},
            {"type": "file", "url": "data:a", "mediaType": "image/png"},
            {"type": "data-k", "data": [1]},
            {"type": "custom", "kind": "p.t", "providerMetadata": {"p": {}}},
            {"type": "mystery"},
        ],
    }
    before = copy.deepcopy(ui)
    assert ui_message_to_parts(ui) == [
        {"type": "reasoning", "text": "hm", "status": {"type": "complete"}},
        {"type": "text", "text": "Hi", "status": {"type": "running"}},
        {
            "type": "tool-call",
            "toolCallId": "c1",
            "toolName": "w",
            "argsText": '{"city":"B"}',
            "args": {"city": "B"},
            "state": "result",
            "result": 7,
            "isError": False,
            "modelContent": [{"type": "text", "text": "t"}],
        },
        {
            "type": "tool-call",
            "toolCallId": "c2",
            "toolName": "d",
            "argsText": "{}",
            "args": {},
            "state": "result",
            "result": {"error": "Tool approval denied"},
            "isError": True,
            "approval": {"id": "a", "approved": False},
        },
        {
            "type": "tool-call",
            "toolCallId": "c3",
            "toolName": "e",
            "argsText": "{}",
            "args": {},
            "state": "result",
            "result": {"error": "x"},
            "isError": True,
        },
        {"type": "source", "sourceType": "url", "id": "s", "url": "https://u"},
        {"type": "file", "data": "data:a", "mimeType": "image/png"},
        {"type": "data", "name": "k", "data": [1]},
        {"type": "data", "name": "p.t", "data": {"p": {}}},
    ]
    assert ui == before


def test_set_tool_output_variants() -> None:
    ui = build(
        {"type": "tool-input-available", "toolCallId": "c", "toolName": "f", "input": {}},
        {"type": "tool-approval-request", "toolCallId": "c", "approvalId": "a"},
    )
    before = copy.deepcopy(ui)
    done = set_tool_output(ui, "c", output=None, model_content=[{"type": "text", "text": "ok"}])
    assert done["parts"][0]["state"] == "output-available"
    assert done["parts"][0]["output"] == {
        "__aui_modelContent": [{"type": "text", "text": "ok"}],
        "value": None,
    }
    failed = set_tool_output(ui, "c", error_text={"code": 1})
    assert failed["parts"][0]["errorText"] == '{"code": 1}'
    assert failed["parts"][0]["state"] == "output-error"
    approved = set_tool_output(ui, "c", approval={"approved": True, "reason": "fine"})
    assert approved["parts"][0]["approval"] == {"id": "a", "approved": True, "reason": "fine"}
    assert approved["parts"][0]["state"] == "approval-responded"
    assert set_tool_output(ui, "c", approval=False)["parts"][0]["approval"]["approved"] is False
    assert ui == before


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"output": 1, "error_text": "x"}, {"approval": "yes"}],
)
def test_set_tool_output_rejects_bad_answers(kwargs: dict[str, Any]) -> None:
    ui = build(
        {"type": "tool-input-available", "toolCallId": "c", "toolName": "f", "input": {}},
        {"type": "tool-approval-request", "toolCallId": "c", "approvalId": "a"},
    )
    with pytest.raises(InvalidRequestError):
        set_tool_output(ui, "c", **kwargs)


def test_set_tool_output_needs_the_tool_part_and_an_approval_request() -> None:
    ui = build({"type": "tool-input-available", "toolCallId": "c", "toolName": "f", "input": {}})
    with pytest.raises(InvalidRequestError, match="no tool part"):
        set_tool_output(ui, "missing", output=1)
    with pytest.raises(InvalidRequestError, match="no approval request"):
        set_tool_output(ui, "c", approval=True)


def test_no_message_until_a_chunk_writes_one() -> None:
    # The AI SDK puts the reply into its list at the first write: a stream
    # that fails before that (here: an error chunk) leaves no message.
    acc = UIMessageAccumulator(warnings=WarningSink(emit=False))
    acc.apply({"type": "start-step"})
    assert acc.message is None
    acc.apply({"type": "error", "errorText": "boom"})
    assert acc.message is None
    acc = UIMessageAccumulator(warnings=WarningSink(emit=False))
    acc.apply({"type": "start", "messageId": "m"})
    assert acc.message == {"id": "m", "role": "assistant", "parts": []}
    continued = UIMessageAccumulator({"id": "a", "role": "assistant", "parts": []})
    assert continued.message is not None
