"""The AI SDK UIMessage of tool calls still streaming their input, from SSE
bytes (docs/protocols.md §3.9; facts from the AI SDK's processUIMessageStream)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant_ui.protocol.ai_sdk.message import UIMessageAccumulator
from assistant_ui.protocol.leniency import WarningSink
from assistant_ui.protocol.reading.parser import StreamParser


def ui_message(*chunks: dict[str, Any], size: int | None = None) -> dict[str, Any]:
    body = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks).encode() + b"data: [DONE]\n\n"
    parser = StreamParser(encoding="ui-message-stream", strict=True)
    step = size or len(body)
    for i in range(0, len(body), step):
        parser.feed(body[i : i + step])
    parser.close()
    message = parser.ui_message
    assert message is not None
    return message


def streaming(tool_call_id: str, *deltas: str, dynamic: bool = False) -> list[dict[str, Any]]:
    start: dict[str, Any] = {"type": "tool-input-start", "toolCallId": tool_call_id}
    start.update(toolName="w", **({"dynamic": True} if dynamic else {}))
    return [start] + [
        {"type": "tool-input-delta", "toolCallId": tool_call_id, "inputTextDelta": d}
        for d in deltas
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [('"a":[1,', "a"), ("tru", True), ("-1", -1), ("nul", None), ('"\\u00e}', "")],
)
@pytest.mark.parametrize("size", [None, 3])
def test_a_scalar_input_is_kept_as_the_partial_parse_gives_it(
    text: str, expected: Any, size: int | None
) -> None:
    part = ui_message(*streaming("c1", text), size=size)["parts"][0]
    assert part["state"] == "input-streaming"
    assert part["input"] == expected
    assert part["rawInput"] == text


def test_an_empty_input_text_leaves_input_out() -> None:
    part = ui_message(*streaming("c1", ""))["parts"][0]
    assert "input" not in part
    assert part["rawInput"] == ""


def test_a_dynamic_part_created_by_a_delta_has_no_raw_input() -> None:
    # The delta comes in a later step, so it creates a new part.
    parts = ui_message(
        {"type": "start-step"},
        *streaming("c1", dynamic=True),
        {"type": "finish-step"},
        {"type": "start-step"},
        {"type": "tool-input-delta", "toolCallId": "c1", "inputTextDelta": '{"n":1'},
    )["parts"]
    created = parts[-1]
    assert created["type"] == "dynamic-tool"
    assert created["input"] == {"n": 1}
    assert "rawInput" not in created


def test_a_delta_in_a_later_step_leaves_the_earlier_part_as_it_was() -> None:
    parts = ui_message(
        {"type": "start-step"},
        *streaming("c1", '{"n":1'),
        {"type": "finish-step"},
        {"type": "start-step"},
        {"type": "tool-input-delta", "toolCallId": "c1", "inputTextDelta": ',"x":2'},
    )["parts"]
    tools = [p for p in parts if p["type"] == "tool-w"]
    assert [t["rawInput"] for t in tools] == ['{"n":1', '{"n":1,"x":2']
    assert [t["input"] for t in tools] == [{"n": 1}, {"n": 1, "x": 2}]


# --- the accumulator's hot path for input deltas ----------------------------


class _WithoutHotPath(UIMessageAccumulator):
    """Every input delta takes the general path (the hot path is off)."""

    def apply(self, chunk: Any) -> None:
        self._tools.streaming_input = None
        super().apply(chunk)


_CALLS = st.sampled_from(["c1", "c2"])
_STEPS = st.one_of(
    st.builds(
        lambda c, d: {"type": "tool-input-delta", "toolCallId": c, "inputTextDelta": d},
        _CALLS,
        st.sampled_from(['{"a":', "1", ',"b":[', "tru", "e]}", " ", ""]),
    ),
    st.builds(
        lambda c, dyn: {
            "type": "tool-input-start",
            "toolCallId": c,
            "toolName": "w",
            "dynamic": dyn,
        },
        _CALLS,
        st.booleans(),
    ),
    st.builds(
        lambda c: {"type": "tool-input-available", "toolCallId": c, "toolName": "w", "input": {}},
        _CALLS,
    ),
    st.sampled_from(
        [
            {"type": "start-step"},
            {"type": "finish-step"},
            {"type": "reset-step"},
            {"type": "text-start", "id": "t"},
            {"type": "text-delta", "id": "t", "delta": "x"},
            {"type": "text-end", "id": "t"},
            "read",
        ]
    ),
)


@given(st.lists(_STEPS, max_size=40))
def test_input_deltas_build_the_same_message_with_and_without_the_hot_path(
    steps: list[Any],
) -> None:
    fast = UIMessageAccumulator(warnings=WarningSink(emit=False))
    slow = _WithoutHotPath(warnings=WarningSink(emit=False))
    fast._message["id"] = slow._message["id"] = "m"
    for step in steps:
        if step == "read":
            assert fast.snapshot() == slow.snapshot()
        else:
            fast.apply(step)
            slow.apply(step)
    assert fast.snapshot() == slow.snapshot()
    assert fast.error == slow.error
