"""DataStreamDecoder on lines: events, paths, strict/lenient (docs/protocols.md §2.2, 3.3)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from assistant_ui.errors import StreamDecodeError
from assistant_ui.protocol.decoders.data_stream import DataStreamDecoder
from assistant_ui.protocol.events import (
    MISSING,
    ErrorEvent,
    Event,
    TextDelta,
    ToolResult,
    event_to_dict,
)
from assistant_ui.protocol.json_text import js_json_stringify, parse_json
from assistant_ui.protocol.leniency import WarningSink


def decode(lines: list[str], *, strict: bool = True) -> tuple[list[dict[str, Any]], WarningSink]:
    sink = WarningSink(emit=False)
    decoder = DataStreamDecoder(strict=strict, warnings=sink)
    events: list[Event] = []
    for line in lines:
        events += decoder.decode_line(line)
    events += decoder.end()
    return [event_to_dict(e) for e in events], sink


def line(code: str, value: Any) -> str:
    return f"{code}:{json.dumps(value)}"


def test_text_deltas_share_one_part_and_end_finishes_it() -> None:
    events, _ = decode(['0:"a"', '0:"b"'])
    assert events == [
        {"type": "part-start", "part": {"type": "text"}, "path": []},
        {"type": "text-delta", "textDelta": "a", "path": [0]},
        {"type": "text-delta", "textDelta": "b", "path": [0]},
        {"type": "part-finish", "path": [0]},
    ]


def test_kind_change_finishes_target_and_opens_new_part() -> None:
    events, _ = decode(['0:"a"', 'g:"r"', '0:"b"'])
    starts = [e["part"]["type"] for e in events if e["type"] == "part-start"]
    assert starts == ["text", "reasoning", "text"]
    finishes = [e["path"] for e in events if e["type"] == "part-finish"]
    assert finishes == [[0], [1], [2]]


def test_parent_id_change_opens_new_part_and_is_written_only_when_non_empty() -> None:
    events, _ = decode(
        [
            line("aui-text-delta", {"textDelta": "x", "parentId": "p"}),
            line("aui-text-delta", {"textDelta": "y", "parentId": ""}),
            '0:"z"',
        ]
    )
    parts = [e["part"] for e in events if e["type"] == "part-start"]
    assert parts == [{"type": "text", "parentId": "p"}, {"type": "text"}, {"type": "text"}]


def test_reasoning_part_start_always_opens_a_part_with_summary() -> None:
    events, _ = decode(
        [
            'g:"a"',
            line("aui-reasoning-part-start", {"unstable_summary": "S"}),
            'g:"b"',
            line("aui-reasoning-part-start", {"unstable_summary": None}),
        ]
    )
    parts = [e["part"] for e in events if e["type"] == "part-start"]
    assert parts == [
        {"type": "reasoning"},
        {"type": "reasoning", "unstable_summary": "S"},
        {"type": "reasoning"},
    ]
    deltas = [(e["path"], e["textDelta"]) for e in events if e["type"] == "text-delta"]
    assert deltas == [([0], "a"), ([1], "b")]


def test_tool_call_streamed_then_result_order() -> None:
    events, _ = decode(
        [
            line("b", {"toolCallId": "t", "toolName": "f"}),
            line("c", {"toolCallId": "t", "argsTextDelta": '{"a":'}),
            line("c", {"toolCallId": "t", "argsTextDelta": "1}"}),
            line("a", {"toolCallId": "t", "result": 5}),
        ]
    )
    assert [e["type"] for e in events] == [
        "part-start",
        "text-delta",
        "text-delta",
        "result",
        "tool-call-args-text-finish",
        "part-finish",
    ]
    assert events[3] == {"type": "result", "result": 5, "isError": False, "path": [0]}


def test_result_without_args_gives_empty_object_after_the_result() -> None:
    events, _ = decode(
        [line("b", {"toolCallId": "t", "toolName": "f"}), line("a", {"toolCallId": "t"})]
    )
    assert [e["type"] for e in events[1:]] == [
        "result",
        "text-delta",
        "tool-call-args-text-finish",
        "part-finish",
    ]
    assert events[1]["result"] == "<no result>"
    assert events[2]["textDelta"] == "{}"


def test_preliminary_result_closes_args_but_keeps_call_open() -> None:
    events, _ = decode(
        [
            line("b", {"toolCallId": "t", "toolName": "f"}),
            line("a", {"toolCallId": "t", "result": 1, "isPreliminary": True}),
            line("c", {"toolCallId": "t", "argsTextDelta": "late"}),
            line("a", {"toolCallId": "t", "result": 2}),
            line("a", {"toolCallId": "t", "result": 3}),
        ]
    )
    assert [e["type"] for e in events[1:]] == [
        "result",
        "text-delta",
        "tool-call-args-text-finish",
        "result",
        "part-finish",
    ]
    assert events[1]["isPreliminary"] is True
    assert [e["result"] for e in events if e["type"] == "result"] == [1, 2]


def test_result_optional_fields_keep_presence() -> None:
    sink = WarningSink(emit=False)
    decoder = DataStreamDecoder(strict=True, warnings=sink)
    decoder.decode_line(line("b", {"toolCallId": "t", "toolName": "f"}))
    events = decoder.decode_line(
        line("a", {"toolCallId": "t", "result": None, "artifact": None, "modelContent": None})
    )
    result = events[0]
    assert isinstance(result, ToolResult)
    assert result.result is None
    assert result.artifact is None
    assert result.model_content is MISSING
    assert result.messages is MISSING


def test_full_tool_call_9_uses_compact_json_and_closes() -> None:
    events, _ = decode(
        [line("9", {"toolCallId": "t", "toolName": "f", "args": {"q": "x", "n": 1.0}})]
    )
    assert events[1] == {"type": "text-delta", "textDelta": '{"q":"x","n":1}', "path": [0]}
    assert events[2]["type"] == "tool-call-args-text-finish"


def test_9_after_start_without_deltas_uses_args_and_with_deltas_only_closes() -> None:
    events, _ = decode(
        [
            line("b", {"toolCallId": "t", "toolName": "f"}),
            line("9", {"toolCallId": "t", "toolName": "f", "args": {"a": 1}}),
            line("b", {"toolCallId": "u", "toolName": "f"}),
            line("c", {"toolCallId": "u", "argsTextDelta": "{}"}),
            line("9", {"toolCallId": "u", "toolName": "f", "args": {"a": 1}}),
        ]
    )
    deltas = [(e["path"], e["textDelta"]) for e in events if e["type"] == "text-delta"]
    assert deltas == [([0], '{"a":1}'), ([1], "{}")]


def test_step_and_message_finish_close_open_args_only() -> None:
    events, _ = decode(
        [
            line("b", {"toolCallId": "t", "toolName": "f"}),
            '0:"x"',
            line("e", {"finishReason": "tool-calls"}),
            line("d", {"finishReason": "bogus", "usage": None}),
        ]
    )
    kinds = [e["type"] for e in events]
    # As in the reference: the finish event first, then the arguments close.
    assert kinds.index("step-finish") + 1 == kinds.index("text-delta", kinds.index("step-finish"))
    assert kinds.index("tool-call-args-text-finish") == kinds.index("step-finish") + 2
    step = next(e for e in events if e["type"] == "step-finish")
    assert step["usage"] == {"inputTokens": 0, "outputTokens": 0}
    assert step["isContinued"] is False
    finish = next(e for e in events if e["type"] == "message-finish")
    assert finish["finishReason"] == "other"


def test_end_closes_open_tool_calls_and_append_target() -> None:
    events, _ = decode([line("b", {"toolCallId": "t", "toolName": "f"}), '0:"x"'])
    assert events[-4:] == [
        {"type": "text-delta", "textDelta": "{}", "path": [0]},
        {"type": "tool-call-args-text-finish", "path": [0]},
        {"type": "part-finish", "path": [0]},
        {"type": "part-finish", "path": [1]},
    ]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ('"boom"', {"error": "boom"}),
        (
            '{"error":"e","code":"c","severity":"warning"}',
            {"error": "e", "code": "c", "severity": "warning"},
        ),
        ('{"error":"e","code":1,"severity":"loud"}', {"error": "e"}),
        ('{"message":"m"}', {"error": '{"message":"m"}'}),
        ("null", {"error": "null"}),
        ("12", {"error": "12"}),
    ],
)
def test_error_payloads(payload: str, expected: dict[str, Any]) -> None:
    events = DataStreamDecoder(strict=True).decode_line(f"3:{payload}")
    assert len(events) == 1
    assert isinstance(events[0], ErrorEvent)
    assert event_to_dict(events[0]) == {"type": "error", "path": [], **expected}


def test_error_does_not_close_tool_args() -> None:
    events, _ = decode(
        [
            line("b", {"toolCallId": "t", "toolName": "f"}),
            '3:"warn"',
            line("c", {"toolCallId": "t", "argsTextDelta": "{}"}),
        ]
    )
    assert {"type": "text-delta", "textDelta": "{}", "path": [0]} in events
    assert events.index({"type": "error", "error": "warn", "path": []}) == 1


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (["zz:1"], "unsupported chunk type: zz"),
        (["0:1"], 'Invalid value for data-stream chunk type "0": 1'),
        (
            [line("a", {"toolCallId": "nope", "result": 1})],
            "Encountered tool call result with unknown id: nope",
        ),
        (
            [line("c", {"toolCallId": "x", "argsTextDelta": ""})],
            "Encountered tool call with unknown id: x",
        ),
        (
            [line("aui-tool-call-approval", {"toolCallId": "x", "approval": {"id": "a"}})],
            "Encountered tool call approval with unknown id: x",
        ),
        (
            [line("b", {"toolCallId": "t", "toolName": "f"})] * 2,
            "Encountered duplicate tool call id: t",
        ),
        (
            ['aui-state:[{"type":"set","path":[1],"value":1}]'],
            'Invalid value for data-stream chunk type "aui-state"',
        ),
        (
            ['aui-state:[{"type":"set","path":[]}]'],
            'Invalid value for data-stream chunk type "aui-state"',
        ),
        (['aui-state:[{"type":"append-text","path":[],"value":1}]'], "aui-state"),
        (
            ['aui-tool-call-approval:{"toolCallId":"t","approval":{"id":"a","approved":null}}'],
            "approval",
        ),
        (['e:{"finishReason":"stop","usage":[]}'], '"e"'),
        (['d:{"usage":{}}'], '"d"'),
        (['k:{"data":"x"}'], '"k"'),
        (['aui-data:{"name":"n"}'], '"aui-data"'),
    ],
)
def test_strict_rejects_and_lenient_drops(lines: list[str], reason: str) -> None:
    with pytest.raises(StreamDecodeError) as info:
        decode(lines, strict=True)
    assert reason in str(info.value)
    assert reason in info.value.reason
    events, sink = decode(lines, strict=False)
    assert sink.messages, "lenient mode must warn about what it dropped"
    assert not any(e["type"] in ("result", "tool-call-approval", "update-state") for e in events)


def test_lenient_duplicate_start_keeps_first_call_receiving_args() -> None:
    events, _ = decode(
        [
            line("b", {"toolCallId": "t", "toolName": "f"}),
            line("b", {"toolCallId": "t", "toolName": "g"}),
            line("c", {"toolCallId": "t", "argsTextDelta": "{}"}),
        ],
        strict=False,
    )
    assert [e["type"] for e in events].count("part-start") == 1
    assert {"type": "text-delta", "textDelta": "{}", "path": [0]} in events


@pytest.mark.parametrize("strict", [True, False])
def test_blank_colonless_and_bad_json_lines_are_dropped_in_both_modes(strict: bool) -> None:
    events, sink = decode(
        ["", "   ", "garbage", '0:"unterminated', "0:NaN", '0:"ok"'], strict=strict
    )
    assert [e["textDelta"] for e in events if e["type"] == "text-delta"] == ["ok"]
    assert len(sink.messages) == 2  # one per kind: no colon, bad JSON


def test_code_is_everything_before_the_first_colon() -> None:
    events, _ = decode(['0:"a:b:c"'])
    assert events[1]["textDelta"] == "a:b:c"


def test_ignored_codes_and_message_level_frames() -> None:
    events, _ = decode(
        [
            'i:{"data":"x"}',
            'j:{"signature":"s"}',
            '2:[{"a":1}]',
            "8:[1]",
            'f:{"messageId":"m"}',
            'aui-state:[{"type":"set","path":["a"],"value":null}]',
        ]
    )
    assert [e["type"] for e in events] == ["data", "annotations", "step-start", "update-state"]


def test_source_file_and_data_parts_start_finished_with_parent_rules() -> None:
    events, _ = decode(
        [
            '0:"x"',
            'h:{"sourceType":"url","id":"s","url":"u","parentId":""}',
            'k:{"data":"d","mimeType":"m","parentId":"p"}',
            'aui-data:{"name":"n","data":null,"parentId":"p"}',
        ]
    )
    parts = [e["part"] for e in events if e["type"] == "part-start"]
    assert parts[1:] == [
        {"sourceType": "url", "id": "s", "url": "u", "type": "source"},
        {"data": "d", "mimeType": "m", "type": "file", "parentId": "p"},
        {"name": "n", "data": None, "parentId": "p", "type": "data"},
    ]
    # text part finished before the source started; each new part finished at once
    assert [e["path"] for e in events if e["type"] == "part-finish"] == [[0], [1], [2], [3]]


def test_approval_replaces_on_open_call() -> None:
    events, _ = decode(
        [
            line("b", {"toolCallId": "t", "toolName": "f"}),
            line(
                "aui-tool-call-approval",
                {"toolCallId": "t", "approval": {"id": "a", "approved": True}},
            ),
        ]
    )
    assert events[1] == {
        "type": "tool-call-approval",
        "approval": {"id": "a", "approved": True},
        "path": [0],
    }


def test_parse_json_refuses_what_the_reference_refuses() -> None:
    for bad in ("NaN", "[Infinity]", '{"__proto__":1}', '{"constructor":{"prototype":1}}'):
        with pytest.raises(ValueError):
            parse_json(bad)
    assert parse_json('{"constructor":1}') == {"constructor": 1}


def test_js_json_stringify_matches_javascript_for_integral_floats() -> None:
    assert js_json_stringify({"a": [1.0, 1.5, "é"]}) == '{"a":[1,1.5,"é"]}'


@pytest.mark.parametrize(
    "payload",
    [
        '""',
        '"plain"',
        '"\\ud83d\\udc4b \\u00e9\\n\\"q\\""',
        ' "spaced"',
        '"trailing" ',
        '"a" "b"',
        '"\\x"',
        '"\t"',
    ],
)
def test_text_fast_path_agrees_with_full_json_parse(payload: str) -> None:
    sink = WarningSink(emit=False)
    events = DataStreamDecoder(strict=True, warnings=sink).decode_line(f"0:{payload}")
    try:
        expected: Any = parse_json(payload)
    except ValueError:
        assert events == []
        assert sink.messages
    else:
        assert [e.text_delta for e in events if isinstance(e, TextDelta)] == [expected]


# --- the hot path for argument deltas -----------------------------------------

_IDS = st.sampled_from(["a", "b"])
_TOOL_LINES = st.one_of(
    st.builds(lambda i: ("b", {"toolCallId": i, "toolName": "f"}), _IDS),
    st.builds(
        lambda i, d: ("c", {"toolCallId": i, "argsTextDelta": d}),
        st.one_of(_IDS, st.just(1), st.just(None)),
        st.one_of(st.sampled_from(["", '{"x":', "1}"]), st.just(2)),
    ),
    st.builds(lambda i: ("c", {"toolCallId": i, "argsTextDelta": "", "isFinal": True}), _IDS),
    st.builds(lambda i: ("9", {"toolCallId": i, "toolName": "f", "args": {}}), _IDS),
    st.builds(lambda i: ("a", {"toolCallId": i, "result": 1}), _IDS),
    st.just(("e", {"finishReason": "stop"})),
)


@settings(max_examples=300)
@given(st.lists(_TOOL_LINES, max_size=15))
@example(
    [
        ("b", {"toolCallId": "a", "toolName": "f"}),
        ("c", {"toolCallId": "a", "argsTextDelta": "", "isFinal": True}),
        ("c", {"toolCallId": "a", "argsTextDelta": "x"}),  # after the close: warned
    ]
)
def test_argument_deltas_decode_as_the_general_path_does(lines: list[tuple[str, Any]]) -> None:
    # An explicit "isFinal": null means the same as no isFinal and takes the
    # general path (the hot path only takes the two-key delta).
    plain = [line(code, value) for code, value in lines]
    general = [
        line(code, {**value, "isFinal": None} if code == "c" and len(value) == 2 else value)
        for code, value in lines
    ]
    events, sink = decode(plain, strict=False)
    general_events, general_sink = decode(general, strict=False)
    assert events == general_events
    assert [m.split(":")[0] for m in sink.messages] == [
        m.split(":")[0] for m in general_sink.messages
    ]


# --- the hot path for text and reasoning deltas -------------------------------

_DELTA_LINES = st.lists(
    st.tuples(
        st.sampled_from(["0", "g", "0", "g", "2"]),
        st.one_of(st.text(max_size=6), st.just("\ud83d"), st.just("\ude00")),
        st.booleans(),
    ),
    max_size=12,
)


@settings(max_examples=300)
@given(_DELTA_LINES)
def test_text_and_reasoning_deltas_decode_as_the_general_path_does(
    lines: list[tuple[str, str, bool]],
) -> None:
    # A trailing space keeps a line off the string scanner's hot path (its
    # JSON is the same); both must give the same events, for lone
    # surrogates and escapes too.
    def as_line(code: str, text: str, ascii_only: bool) -> str:
        value: Any = [text] if code == "2" else text
        return f"{code}:{json.dumps(value, ensure_ascii=ascii_only)}"

    hot = [as_line(*entry) for entry in lines]
    events, sink = decode(hot, strict=False)
    general_events, general_sink = decode([h + " " for h in hot], strict=False)
    assert events == general_events
    assert sink.messages == general_sink.messages
