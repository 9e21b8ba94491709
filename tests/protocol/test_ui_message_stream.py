"""UIMessageStreamDecoder on SSE bytes (docs/protocols.md §2.3, 3.3)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sse_helpers import decode_sse, sse_body

from assistant_ui.errors import IncompleteStreamError, StreamDecodeError
from assistant_ui.protocol.decoders.ui_message_stream import UIMessageStreamDecoder
from assistant_ui.protocol.events import event_to_dict
from assistant_ui.protocol.leniency import WarningSink

sse = sse_body


def run(
    body: bytes,
    pieces: list[bytes] | None = None,
    decoder: UIMessageStreamDecoder | None = None,
    **options: Any,
) -> list[dict[str, Any]]:
    """Frames ``body`` (in ``pieces`` if given) and decodes it, end included."""
    dec = decoder or UIMessageStreamDecoder(warnings=WarningSink(emit=False), **options)
    return [event_to_dict(e) for e in decode_sse(dec, pieces if pieces is not None else [body])]


def test_text_with_ids_and_the_start_step_rule() -> None:
    body = sse(
        {"type": "start", "messageId": "msg_1"},
        {"type": "start-step"},
        {"type": "text-start", "id": "t0"},
        {"type": "text-delta", "id": "t0", "delta": "Hello"},
        {"type": "text-delta", "id": "t0", "delta": " world"},
        {"type": "text-end", "id": "t0"},
        {"type": "finish-step"},
        {"type": "finish", "finishReason": "stop"},
    )
    zero = {"inputTokens": 0, "outputTokens": 0}
    assert run(body) == [
        {"type": "step-start", "messageId": "msg_1", "path": []},
        {"type": "part-start", "part": {"type": "text"}, "path": []},
        {"type": "text-delta", "textDelta": "Hello", "path": [0]},
        {"type": "text-delta", "textDelta": " world", "path": [0]},
        {"type": "part-finish", "path": [0]},
        {
            "type": "step-finish",
            "finishReason": "unknown",
            "usage": zero,
            "isContinued": False,
            "path": [],
        },
        {"type": "message-finish", "finishReason": "stop", "usage": zero, "path": []},
    ]


def test_second_start_step_opens_a_step_with_the_start_message_id() -> None:
    body = sse(
        {"type": "start", "messageId": "m"},
        {"type": "start-step"},
        {"type": "finish-step"},
        {"type": "start-step"},
        {"type": "start-step"},
    )
    steps = [e for e in run(body) if e["type"] == "step-start"]
    assert [s["messageId"] for s in steps] == ["m", "m", "m"]


def test_start_without_message_id_gets_a_generated_one() -> None:
    (step,) = run(sse({"type": "start"}))
    assert step["type"] == "step-start"
    assert len(step["messageId"]) == 7
    assert step["messageId"].isalnum()


def test_tool_input_is_buffered_and_the_final_input_wins() -> None:
    body = sse(
        {"type": "tool-input-start", "toolCallId": "c1", "toolName": "weather"},
        {"type": "tool-input-delta", "toolCallId": "c1", "inputTextDelta": '{"city":'},
        {"type": "text-delta", "delta": "between"},
        {"type": "tool-input-delta", "toolCallId": "c1", "inputTextDelta": '"Ber"}'},
        {
            "type": "tool-input-available",
            "toolCallId": "c1",
            "toolName": "weather",
            "input": {"city": "Berlin", "note": "ü"},
        },
        {"type": "tool-output-available", "toolCallId": "c1", "output": {"temp": 20}},
    )
    events = run(body)
    # Nothing of the call appears before tool-input-available: the text
    # part is first, the call second.
    assert events[0] == {"type": "part-start", "part": {"type": "text"}, "path": []}
    assert events[3:] == [
        {
            "type": "part-start",
            "part": {"type": "tool-call", "toolCallId": "c1", "toolName": "weather"},
            "path": [],
        },
        {"type": "text-delta", "textDelta": '{"city":"Berlin","note":"ü"}', "path": [1]},
        {"type": "tool-call-args-text-finish", "path": [1]},
        {"type": "result", "path": [1], "result": {"temp": 20}, "isError": False},
        {"type": "part-finish", "path": [1]},
    ]


def test_buffered_tool_input_without_available_is_emitted_at_done() -> None:
    body = sse(
        {"type": "tool-input-start", "toolCallId": "c1", "toolName": "f"},
        {"type": "tool-input-delta", "toolCallId": "c1", "inputTextDelta": '{"a"'},
        {"type": "tool-input-delta", "toolCallId": "c1", "inputTextDelta": ":1}"},
        {"type": "tool-output-available", "toolCallId": "c1", "output": "r"},
    )
    assert run(body) == [
        {
            "type": "part-start",
            "part": {"type": "tool-call", "toolCallId": "c1", "toolName": "f"},
            "path": [],
        },
        {"type": "text-delta", "textDelta": '{"a"', "path": [0]},
        {"type": "text-delta", "textDelta": ":1}", "path": [0]},
        {"type": "tool-call-args-text-finish", "path": [0]},
        {"type": "result", "path": [0], "result": "r", "isError": False},
        {"type": "part-finish", "path": [0]},
    ]


def test_tool_input_error_keeps_the_raw_input_and_is_an_error_result() -> None:
    body = sse(
        {
            "type": "tool-input-error",
            "toolCallId": "c1",
            "toolName": "f",
            "input": "{bad",
            "errorText": "invalid input",
        },
        {"type": "tool-output-available", "toolCallId": "c1", "output": "ignored"},
    )
    events = run(body)
    assert {"type": "text-delta", "textDelta": "{bad", "path": [0]} in events
    results = [e for e in events if e["type"] == "result"]
    assert results == [{"type": "result", "path": [0], "result": "invalid input", "isError": True}]


def test_output_for_an_unannounced_call_opens_one_with_an_empty_name() -> None:
    events = run(sse({"type": "tool-output-error", "toolCallId": "zz", "errorText": "boom"}))
    assert events[0]["part"] == {"type": "tool-call", "toolCallId": "zz", "toolName": ""}
    assert {"type": "text-delta", "textDelta": "{}", "path": [0]} in events
    assert {"type": "result", "path": [0], "result": "boom", "isError": True} in events


def test_preliminary_output_then_final() -> None:
    body = sse(
        {"type": "tool-input-available", "toolCallId": "c", "toolName": "f", "input": {}},
        {"type": "tool-output-available", "toolCallId": "c", "output": 1, "preliminary": True},
        {"type": "tool-output-available", "toolCallId": "c", "output": 2},
        {"type": "tool-output-available", "toolCallId": "c", "output": 3},
        {"type": "tool-output-available", "toolCallId": "c"},  # no output key: ignored
    )
    results = [e for e in run(body) if e["type"] == "result"]
    assert [(r["result"], r.get("isPreliminary", False)) for r in results] == [
        (1, True),
        (2, False),
    ]


def test_approval_request_response_and_denial() -> None:
    body = sse(
        {"type": "tool-input-available", "toolCallId": "c", "toolName": "rm", "input": {}},
        {
            "type": "tool-approval-request",
            "toolCallId": "c",
            "approvalId": "a1",
            "reason": "dangerous",
            "isAutomatic": False,
        },
        {
            "type": "tool-approval-response",
            "approvalId": "a1",
            "approved": False,
            "reason": "no way",
        },
        {"type": "tool-output-denied", "toolCallId": "c"},
    )
    events = run(body)
    approvals = [e["approval"] for e in events if e["type"] == "tool-call-approval"]
    assert approvals == [
        {"id": "a1", "prompt": "dangerous", "requestReason": "dangerous", "isAutomatic": False},
        {
            "id": "a1",
            "prompt": "dangerous",
            "requestReason": "dangerous",
            "isAutomatic": False,
            "approved": False,
            "reason": "no way",
        },
    ]
    assert {"type": "result", "path": [0], "result": {"error": "no way"}, "isError": True} in events


def test_abort_finishes_with_other_and_drops_buffered_calls() -> None:
    body = sse(
        {"type": "tool-input-start", "toolCallId": "c", "toolName": "f"},
        {"type": "abort"},
    )
    assert run(body) == [
        {
            "type": "message-finish",
            "finishReason": "other",
            "usage": {"inputTokens": 0, "outputTokens": 0},
            "path": [],
        }
    ]


def test_data_chunks_go_to_message_data_unless_transient() -> None:
    body = sse(
        {"type": "data-weather", "id": "w", "data": {"t": 1}},
        {"type": "data-progress", "data": 5, "transient": True},
        {"type": "message-metadata", "messageMetadata": {"x": 1}},
    )
    assert run(body) == [
        {"type": "data", "data": [{"name": "weather", "data": {"t": 1}}], "path": []}
    ]


def test_sources_and_files() -> None:
    body = sse(
        {"type": "source-url", "sourceId": "s", "url": "https://a", "title": ""},
        {
            "type": "source-document",
            "sourceId": "d",
            "mediaType": "application/pdf",
            "title": "Doc",
            "filename": "d.pdf",
        },
        {"type": "file", "url": "data:x", "mediaType": "image/png"},
    )
    starts = [e["part"] for e in run(body) if e["type"] == "part-start"]
    assert starts == [
        {"type": "source", "sourceType": "url", "id": "s", "url": "https://a"},
        {
            "type": "source",
            "sourceType": "document",
            "id": "d",
            "title": "Doc",
            "mediaType": "application/pdf",
            "filename": "d.pdf",
        },
        {"type": "file", "mimeType": "image/png", "data": "data:x"},
    ]


def test_delta_without_id_goes_to_the_active_part_and_unknown_ids_append() -> None:
    body = sse(
        {"type": "reasoning-start", "id": "r"},
        {"type": "reasoning-delta", "delta": "a"},  # no id: the active reasoning part
        {"type": "text-delta", "id": "nope", "delta": "b"},  # unknown id: append mode
        {"type": "text-delta", "id": "nope", "delta": "c"},
        {"type": "reasoning-end", "id": "r"},
    )
    assert run(body) == [
        {"type": "part-start", "part": {"type": "reasoning"}, "path": []},
        {"type": "text-delta", "textDelta": "a", "path": [0]},
        {"type": "part-start", "part": {"type": "text"}, "path": []},
        {"type": "text-delta", "textDelta": "b", "path": [1]},
        {"type": "text-delta", "textDelta": "c", "path": [1]},
        {"type": "part-finish", "path": [0]},
        {"type": "part-finish", "path": [1]},
    ]


def test_legacy_dialect() -> None:
    body = sse(
        {"type": "start"},
        {"type": "text-delta", "textDelta": "Hi"},
        {"type": "tool-call-start", "id": "x", "toolCallId": "c1", "toolName": "f"},
        {"type": "tool-call-delta", "argsText": '{"a":1}'},
        {"type": "tool-call-end"},
        {"type": "tool-result", "toolCallId": "c1", "result": "r"},
        {"type": "source", "source": {"sourceType": "url", "id": "s", "url": "https://u"}},
        {"type": "file", "file": {"mimeType": "text/plain", "data": "aGk="}},
        {
            "type": "finish-step",
            "finishReason": "stop",
            "usage": {"inputTokens": 1, "outputTokens": 1},
        },
    )
    events = run(body)[1:]
    assert events == [
        {"type": "part-start", "part": {"type": "text"}, "path": []},
        {"type": "text-delta", "textDelta": "Hi", "path": [0]},
        {"type": "part-finish", "path": [0]},
        {
            "type": "part-start",
            "part": {"type": "tool-call", "toolCallId": "c1", "toolName": "f"},
            "path": [],
        },
        {"type": "text-delta", "textDelta": '{"a":1}', "path": [1]},
        {"type": "tool-call-args-text-finish", "path": [1]},
        {"type": "result", "path": [1], "result": "r", "isError": False},
        {"type": "part-finish", "path": [1]},
        {
            "type": "part-start",
            "part": {"type": "source", "sourceType": "url", "id": "s", "url": "https://u"},
            "path": [],
        },
        {"type": "part-finish", "path": [2]},
        {
            "type": "part-start",
            "part": {"type": "file", "mimeType": "text/plain", "data": "aGk="},
            "path": [],
        },
        {"type": "part-finish", "path": [3]},
        {
            "type": "step-finish",
            "finishReason": "stop",
            "usage": {"inputTokens": 1, "outputTokens": 1},
            "isContinued": False,
            "path": [],
        },
    ]


def test_legacy_result_for_unknown_id_is_fatal_only_when_strict() -> None:
    body = sse({"type": "tool-result", "toolCallId": "ghost", "result": 1})
    with pytest.raises(StreamDecodeError, match="unknown id: ghost"):
        run(body, strict=True)
    sink = WarningSink(emit=False)
    assert run(body, decoder=UIMessageStreamDecoder(warnings=sink)) == []
    assert any("ghost" in m for m in sink.messages)


def test_duplicate_tool_call_id() -> None:
    body = sse(
        {"type": "tool-call-start", "toolCallId": "c", "toolName": "f"},
        {"type": "tool-call-start", "toolCallId": "c", "toolName": "f"},
    )
    with pytest.raises(StreamDecodeError, match="duplicate tool call id: c"):
        run(body, strict=True)
    starts = [e for e in run(body) if e["type"] == "part-start"]
    assert len(starts) == 1


def test_other_event_names_are_fatal_when_strict_and_ignored_otherwise() -> None:
    body = b"event: ping\ndata: {}\n\n" + sse({"type": "text-delta", "delta": "x"})
    with pytest.raises(StreamDecodeError, match="Unknown SSE event type: ping"):
        run(body, strict=True)
    assert [e["type"] for e in run(body)] == ["part-start", "text-delta", "part-finish"]


def test_missing_done_is_fatal_in_both_modes() -> None:
    body = sse({"type": "text-delta", "delta": "x"}, done=False)
    for strict in (True, False):
        with pytest.raises(IncompleteStreamError, match=r"without receiving \[DONE\]"):
            run(body, strict=strict)


def test_invalid_and_unknown_chunks_are_dropped_with_warnings() -> None:
    sink = WarningSink(emit=False)
    body = sse("not json", "[1]", {"no": "type"}, {"type": "brand-new"}, {"type": "custom"})
    assert run(body, decoder=UIMessageStreamDecoder(warnings=sink)) == []
    assert sum("Dropped invalid" in m for m in sink.messages) == 3
    assert any("brand-new" in m for m in sink.messages)
    # known to the reference and deliberately ignored by this decoder
    assert not any("chunk type: custom" in m for m in sink.messages)


def test_everything_after_done_is_ignored() -> None:
    dec = UIMessageStreamDecoder(warnings=WarningSink(emit=False))
    body = sse({"type": "text-delta", "delta": "a"}) + sse({"type": "text-delta", "delta": "b"})
    events = run(body, decoder=dec)
    assert dec.done
    assert [e.get("textDelta") for e in events if e["type"] == "text-delta"] == ["a"]


def test_error_chunk_is_an_event_and_decoding_continues() -> None:
    body = sse({"type": "error", "errorText": "boom"}, {"type": "text-delta", "delta": "x"})
    events = run(body)
    assert events[0] == {"type": "error", "error": "boom", "path": []}
    assert events[2]["textDelta"] == "x"


FULL_BODY = (
    sse(
        {"type": "start", "messageId": "msg_abc"},
        {"type": "start-step"},
        {"type": "reasoning-start", "id": "r1"},
        {"type": "reasoning-delta", "id": "r1", "delta": "thinking ✓"},
        {"type": "reasoning-end", "id": "r1"},
        {"type": "tool-input-start", "toolCallId": "call_1", "toolName": "weather"},
        {"type": "tool-input-delta", "toolCallId": "call_1", "inputTextDelta": '{"city":'},
        {"type": "tool-input-delta", "toolCallId": "call_1", "inputTextDelta": '"Berlin"}'},
        {
            "type": "tool-input-available",
            "toolCallId": "call_1",
            "toolName": "weather",
            "input": {"city": "Berlin"},
        },
        {"type": "tool-output-available", "toolCallId": "call_1", "output": {"temp": 20}},
        {"type": "data-x", "data": [1, "€"]},
        {"type": "finish-step"},
        {"type": "start-step"},
        {"type": "text-start", "id": "t1"},
        {"type": "text-delta", "id": "t1", "delta": "It is "},
        {"type": "text-delta", "id": "t1", "delta": "20C. 🌤"},
        {"type": "text-end", "id": "t1"},
        {"type": "finish-step"},
        {"type": "finish", "finishReason": "stop"},
    )
    + b": trailing comment\r\n\r\n"
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(FULL_BODY)), max_size=12))
def test_any_split_of_the_bytes_gives_the_same_events(cuts: list[int]) -> None:
    points = sorted(set(cuts))
    pieces = [FULL_BODY[a:b] for a, b in zip([0, *points], [*points, len(FULL_BODY)], strict=False)]
    assert run(FULL_BODY, pieces) == run(FULL_BODY)


def test_ui_message_of_the_spec_example() -> None:
    dec = UIMessageStreamDecoder(warnings=WarningSink(emit=False))
    run(FULL_BODY, decoder=dec)
    assert dec.ui_message == {
        "id": "msg_abc",
        "role": "assistant",
        "parts": [
            {"type": "step-start"},
            {"type": "reasoning", "id": "r1", "text": "thinking ✓", "state": "done"},
            {
                "type": "tool-weather",
                "toolCallId": "call_1",
                "state": "output-available",
                "input": {"city": "Berlin"},
                "output": {"temp": 20},
            },
            {"type": "data-x", "data": [1, "€"]},
            {"type": "step-start"},
            {"type": "text", "text": "It is 20C. 🌤", "state": "done"},
        ],
    }


def test_ui_message_continues_the_previous_assistant_message() -> None:
    previous = {
        "id": "a1",
        "role": "assistant",
        "parts": [
            {
                "type": "tool-f",
                "toolCallId": "c",
                "state": "output-available",
                "input": {},
                "output": 1,
            }
        ],
    }
    dec = UIMessageStreamDecoder(warnings=WarningSink(emit=False), previous_message=previous)
    events = run(
        sse(
            {"type": "start-step"},
            {"type": "text-delta", "id": "t", "delta": "x"},
            {"type": "text-start", "id": "t"},
            {"type": "text-delta", "id": "t", "delta": "ok"},
        ),
        decoder=dec,
    )
    # the canonical decoder knows no message id here (no `start`): generated
    assert events[0]["type"] == "step-start"
    assert len(events[0]["messageId"]) == 7
    assert dec.ui_message["id"] == "a1"
    # the text-delta before text-start is what the AI SDK cannot accept:
    # lenient skips it, strict stops the UIMessage there
    assert [p["type"] for p in dec.ui_message["parts"]] == ["tool-f", "step-start", "text"]
    strict = UIMessageStreamDecoder(
        strict=True, warnings=WarningSink(emit=False), previous_message=previous
    )
    run(
        sse(
            {"type": "start-step"},
            {"type": "text-delta", "id": "t", "delta": "x"},
            {"type": "text-start", "id": "t"},
        ),
        decoder=strict,
    )
    assert [p["type"] for p in strict.ui_message["parts"]] == ["tool-f", "step-start"]


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)
_TYPES = [
    "start",
    "start-step",
    "finish-step",
    "finish",
    "abort",
    "error",
    "text-start",
    "text-delta",
    "text-end",
    "reasoning-start",
    "reasoning-delta",
    "reasoning-end",
    "source-url",
    "source-document",
    "source",
    "file",
    "reasoning-file",
    "custom",
    "tool-input-start",
    "tool-input-delta",
    "tool-input-available",
    "tool-input-error",
    "tool-output-available",
    "tool-output-error",
    "tool-output-denied",
    "tool-approval-request",
    "tool-approval-response",
    "tool-call-start",
    "tool-call-delta",
    "tool-call-end",
    "tool-result",
    "data-x",
    "message-metadata",
    "reset-step",
    "other",
]
_FIELDS = [
    "id",
    "delta",
    "textDelta",
    "toolCallId",
    "toolName",
    "input",
    "output",
    "inputTextDelta",
    "errorText",
    "approvalId",
    "approved",
    "reason",
    "messageId",
    "url",
    "mediaType",
    "sourceId",
    "title",
    "file",
    "source",
    "argsText",
    "result",
    "preliminary",
    "dynamic",
    "transient",
    "data",
    "finishReason",
    "usage",
]
_CHUNK = st.builds(
    lambda t, fields: {"type": t, **fields},
    st.sampled_from(_TYPES),
    st.dictionaries(
        st.sampled_from(_FIELDS),
        st.one_of(st.sampled_from(["c", "t", "a"]), _JSON_VALUES),
        max_size=5,
    ),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_CHUNK, max_size=12), st.booleans())
def test_arbitrary_chunks_never_raise_untyped_errors(chunks: list[Any], strict: bool) -> None:
    dec = UIMessageStreamDecoder(strict=strict, warnings=WarningSink(emit=False))
    try:
        run(sse(*chunks), decoder=dec)
    except StreamDecodeError:
        assert strict  # lenient mode never fails on a complete body
    message = dec.ui_message
    assert message is None or isinstance(message["parts"], list)
