"""Message normalisation and conversions (docs/protocols.md §1.3.1, 1.4.1, 1.5.1, 3.9).

Round trips prove that a conversion keeps everything the target shape can
hold: ``from_x(to_x(m)) == m`` for our messages built only from what the
target holds, and ``to_x(from_x(w)) == w`` for wire messages.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant_ui.errors import InvalidRequestError
from assistant_ui.protocol.ids import new_id
from assistant_ui.protocol.requests.messages import (
    add_message_command,
    add_tool_result_command,
    args_text,
    from_add_message_command,
    from_model_messages,
    from_ui_message,
    from_ui_messages,
    infer_image_media_type,
    normalize_message,
    normalize_messages,
    to_model_messages,
    to_ui_message,
    to_ui_messages,
)

SEED_HISTORY: list[dict[str, Any]] = [
    {"role": "system", "content": "You are terse."},
    {
        "role": "user",
        "content": [
            {"type": "text", "text": "What's in this image?"},
            {"type": "image", "image": "https://example.com/image.jpg"},
        ],
    },
    {
        "role": "assistant",
        "content": [
            {"type": "text", "text": "I'll help you with that."},
            {
                "type": "tool-call",
                "toolCallId": "call-123",
                "toolName": "get_weather",
                "args": {"location": "San Francisco"},
            },
        ],
    },
    {
        "role": "tool",
        "content": [
            {
                "type": "tool-result",
                "toolCallId": "call-123",
                "toolName": "get_weather",
                "result": {"temperature": 72, "condition": "sunny"},
                "isError": False,
            }
        ],
    },
]


def call(call_id: str, name: str, args: Any, **extra: Any) -> dict[str, Any]:
    part = {
        "type": "tool-call",
        "toolCallId": call_id,
        "toolName": name,
        "args": args,
        "argsText": args_text(args),
        "state": "result" if "result" in extra else "call",
    }
    part.update(extra)
    return part


# -- normalisation ------------------------------------------------------------


def test_seed_content_form_normalises_to_parts_with_tool_results_folded_in() -> None:
    messages = normalize_messages(SEED_HISTORY)
    assert [m["role"] for m in messages] == ["system", "user", "assistant"]
    assert messages[0]["parts"] == [{"type": "text", "text": "You are terse."}]
    tool_call = messages[2]["parts"][1]
    assert tool_call == call(
        "call-123",
        "get_weather",
        {"location": "San Francisco"},
        result={"temperature": 72, "condition": "sunny"},
        isError=False,
    )
    assert "content" not in messages[1]


def test_normalisation_never_mutates_or_aliases_its_input() -> None:
    original = copy.deepcopy(SEED_HISTORY)
    messages = normalize_messages(SEED_HISTORY)
    messages[1]["parts"][0]["text"] = "changed"
    assert original == SEED_HISTORY


def test_strings_and_part_lists_become_messages() -> None:
    assert normalize_message("hi") == {"role": "user", "parts": [{"type": "text", "text": "hi"}]}
    assert normalize_message([{"type": "text", "text": "x"}], role="assistant") == {
        "role": "assistant",
        "parts": [{"type": "text", "text": "x"}],
    }


def test_parts_shape_passes_through_with_extra_keys() -> None:
    message = {"id": "m1", "role": "assistant", "parts": [], "status": {"type": "complete"}}
    assert normalize_message(message) == message


@pytest.mark.parametrize(
    ("messages", "field"),
    [
        ([{"role": "robot", "content": "x"}], "messages[0].role"),
        ([{"role": "user", "content": [{"text": "no type"}]}], "messages[0].content[0].type"),
        (
            [{"role": "user", "content": [{"type": "text", "text": 3}]}],
            "messages[0].content[0].text",
        ),
        ([{"role": "user", "content": 42}], "messages[0].parts"),
        ([{"role": "user", "content": ["x"]}], "messages[0].content[0]"),
        (
            [{"role": "tool", "content": [{"type": "tool-result", "toolCallId": "nope"}]}],
            "messages[0].content[0].toolCallId",
        ),
    ],
)
def test_bad_messages_name_the_offending_field(messages: list[Any], field: str) -> None:
    with pytest.raises(InvalidRequestError) as info:
        normalize_messages(messages)
    assert info.value.field == field
    assert field in str(info.value)


# -- data-stream model messages ---------------------------------------------------


def test_model_messages_match_the_reference_shapes() -> None:
    messages = normalize_messages(SEED_HISTORY)
    messages.append(
        {
            "role": "assistant",
            "parts": [
                {"type": "reasoning", "text": "hmm"},
                {"type": "text", "text": ""},
                call("c2", "lookup", {"q": "x"}),
                {"type": "text", "text": "after the tool"},
            ],
        }
    )
    assert to_model_messages(messages) == [
        {"role": "system", "content": "You are terse."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What's in this image?"},
                {
                    "type": "file",
                    "data": "https://example.com/image.jpg",
                    "mediaType": "image/jpeg",
                },
            ],
        },
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "I'll help you with that."},
                {
                    "type": "tool-call",
                    "toolCallId": "call-123",
                    "toolName": "get_weather",
                    "input": {"location": "San Francisco"},
                },
            ],
        },
        {
            "role": "tool",
            "content": [
                {
                    "type": "tool-result",
                    "toolCallId": "call-123",
                    "toolName": "get_weather",
                    "output": {"type": "json", "value": {"temperature": 72, "condition": "sunny"}},
                }
            ],
        },
        # reasoning and empty text are never sent; an unanswered call gets the
        # "not completed" error result; text after results starts a new message
        {
            "role": "assistant",
            "content": [
                {"type": "tool-call", "toolCallId": "c2", "toolName": "lookup", "input": {"q": "x"}}
            ],
        },
        {
            "role": "tool",
            "content": [
                {
                    "type": "tool-result",
                    "toolCallId": "c2",
                    "toolName": "lookup",
                    "output": {
                        "type": "error-json",
                        "value": {"error": "Tool call was not completed"},
                    },
                }
            ],
        },
        {"role": "assistant", "content": [{"type": "text", "text": "after the tool"}]},
    ]


def test_a_call_awaiting_approval_gets_no_result_but_a_denied_one_does() -> None:
    pending = call("a", "t", {}, approval={"id": "ap1"})
    approved = call("b", "t", {}, approval={"id": "ap2", "approved": True})
    denied = call("c", "t", {}, approval={"id": "ap3", "approved": False})
    wire = to_model_messages([{"role": "assistant", "parts": [pending, approved, denied]}])
    assert [m["role"] for m in wire] == ["assistant", "tool"]
    assert [r["toolCallId"] for r in wire[1]["content"]] == ["c"]


def test_settled_call_without_result_value_sends_no_result_marker() -> None:
    part = call("a", "t", {})
    part["state"] = "result"
    wire = to_model_messages([{"role": "assistant", "parts": [part]}])
    assert wire[1]["content"][0]["output"] == {"type": "json", "value": "<no result>"}


def test_legacy_model_messages_use_v1_shapes() -> None:
    wire = to_model_messages(
        [
            {
                "role": "user",
                "parts": [
                    {"type": "image", "image": "https://e.com/a.png"},
                    {"type": "file", "data": "https://e.com/f.pdf", "mimeType": "application/pdf"},
                ],
            },
            {
                "role": "assistant",
                "parts": [call("c", "t", {"x": 1}, result=1, isError=True, artifact={"a": 1})],
            },
        ],
        legacy=True,
    )
    assert wire == [
        {
            "role": "user",
            "content": [
                {"type": "image", "image": "https://e.com/a.png"},
                {"type": "file", "data": "https://e.com/f.pdf", "mimeType": "application/pdf"},
            ],
        },
        {
            "role": "assistant",
            "content": [
                {"type": "tool-call", "toolCallId": "c", "toolName": "t", "args": {"x": 1}}
            ],
        },
        {
            "role": "tool",
            "content": [
                {
                    "type": "tool-result",
                    "toolCallId": "c",
                    "toolName": "t",
                    "result": 1,
                    "isError": True,
                    "artifact": {"a": 1},
                }
            ],
        },
    ]


def test_ids_are_sent_only_when_asked_and_never_on_tool_messages() -> None:
    messages = [
        {"id": "u1", "role": "user", "parts": [{"type": "text", "text": "q"}]},
        {"id": "a1", "role": "assistant", "parts": [call("c", "t", {}, result=1, isError=False)]},
    ]
    wire = to_model_messages(messages, include_ids=True)
    assert [m.get("unstable_id") for m in wire] == ["u1", "a1", None]
    assert all("unstable_id" not in m for m in to_model_messages(messages))


def test_empty_user_messages_and_systems_are_skipped() -> None:
    assert to_model_messages([{"role": "user", "parts": [{"type": "text", "text": ""}]}]) == []
    assert to_model_messages([{"role": "system", "parts": [{"type": "text", "text": ""}]}]) == []


def test_model_round_trip_keeps_everything_the_shape_holds() -> None:
    ours = [
        {"id": "s", "role": "system", "parts": [{"type": "text", "text": "sys"}]},
        {
            "id": "u",
            "role": "user",
            "parts": [
                {"type": "text", "text": "look"},
                {"type": "image", "image": "https://e.com/cat.webp", "filename": "cat.webp"},
                {
                    "type": "file",
                    "data": "https://e.com/doc.pdf",
                    "mimeType": "application/pdf",
                    "filename": "d.pdf",
                },
                {"type": "audio", "audio": {"data": "AAAA", "format": "mp3"}},
            ],
        },
        {
            "id": "a",
            "role": "assistant",
            "parts": [
                {"type": "text", "text": "calling"},
                call("c1", "t", {"x": [1, "é"]}, result={"ok": True}, isError=False),
                call("c2", "t", {}, result={"error": "boom"}, isError=True),
                {"type": "text", "text": "done"},
            ],
        },
    ]
    wire = to_model_messages(ours, include_ids=True)
    assert from_model_messages(wire) == ours
    assert to_model_messages(from_model_messages(wire), include_ids=True) == wire


def test_from_model_messages_reads_legacy_shapes_and_denials() -> None:
    wire = [
        {
            "role": "assistant",
            "content": [{"type": "tool-call", "toolCallId": "c", "toolName": "t", "args": {}}],
        },
        {
            "role": "tool",
            "content": [{"type": "tool-result", "toolCallId": "c", "toolName": "t", "result": 5}],
        },
        {
            "role": "assistant",
            "content": [{"type": "tool-call", "toolCallId": "d", "toolName": "t", "input": {}}],
        },
        {
            "role": "tool",
            "content": [
                {
                    "type": "tool-result",
                    "toolCallId": "d",
                    "toolName": "t",
                    "output": {"type": "execution-denied"},
                }
            ],
        },
    ]
    [message] = from_model_messages(wire)
    assert [(p["result"], p["isError"]) for p in message["parts"]] == [
        (5, False),
        ({"error": "Tool approval denied"}, True),
    ]


@pytest.mark.parametrize(
    ("url", "media_type"),
    [
        ("https://e.com/a.JPG?x=1#y", "image/jpeg"),
        ("https://e.com/a.svg", "image/svg+xml"),
        ("data:image/GIF;base64,R0lG", "image/gif"),
        ("https://e.com/noext", "image/png"),
        ("iVBORw0KGgo", "image/png"),
    ],
)
def test_image_media_type_inference(url: str, media_type: str) -> None:
    assert infer_image_media_type(url) == media_type


# -- AI SDK UIMessage -------------------------------------------------------------


def test_ui_message_user_parts_follow_the_composer_mapping() -> None:
    ui = to_ui_message(
        {
            "id": "u1",
            "role": "user",
            "metadata": {"custom": {"q": 1}},
            "parts": [
                {"type": "text", "text": "hi"},
                {"type": "image", "image": "iVBORw0KGgo"},
                {
                    "type": "file",
                    "data": "https://e.com/f.pdf",
                    "mimeType": "application/pdf",
                    "filename": "f.pdf",
                },
                {"type": "data", "name": "quote", "data": {"t": "x"}},
            ],
        }
    )
    assert ui == {
        "id": "u1",
        "role": "user",
        "metadata": {"custom": {"q": 1}},
        "parts": [
            {"type": "text", "text": "hi"},
            {"type": "file", "mediaType": "image/png", "url": "data:image/png;base64,iVBORw0KGgo"},
            {
                "type": "file",
                "mediaType": "application/pdf",
                "url": "https://e.com/f.pdf",
                "filename": "f.pdf",
            },
            {"type": "data-quote", "data": {"t": "x"}},
        ],
    }


def test_ui_tool_states_for_outputs_errors_approvals_and_denials() -> None:
    parts = [
        call("a", "w", {"c": "x"}, result={"t": 1}, isError=False),
        call("b", "w", {}, result={"error": "boom"}, isError=True),
        call("c", "w", {}, approval={"id": "p"}),
        call("d", "w", {}, approval={"id": "q", "approved": True}),
        call(
            "e",
            "w",
            {},
            result={"error": "no"},
            isError=True,
            approval={"id": "r", "approved": False, "reason": "no"},
        ),
        call("f", "w", {}, result=1, isError=False, modelContent=[{"type": "text", "text": "one"}]),
        {**call("g", "w", {}), "state": "partial-call"},
    ]
    ui = to_ui_message({"id": "m", "role": "assistant", "parts": parts})["parts"]
    assert [(p["type"], p["state"]) for p in ui] == [
        ("tool-w", "output-available"),
        ("tool-w", "output-error"),
        ("tool-w", "approval-requested"),
        ("tool-w", "approval-responded"),
        ("tool-w", "output-denied"),
        ("tool-w", "output-available"),
        ("tool-w", "input-streaming"),
    ]
    assert ui[0]["output"] == {"t": 1}
    assert ui[0]["input"] == {"c": "x"}
    assert ui[1]["errorText"] == "boom"
    assert ui[4]["approval"] == {"id": "r", "approved": False, "reason": "no"}
    assert ui[5]["output"] == {"__aui_modelContent": [{"type": "text", "text": "one"}], "value": 1}


def test_ui_round_trip_keeps_everything_the_shape_holds() -> None:
    ours = [
        {
            "id": "u",
            "role": "user",
            "metadata": {"custom": {}},
            "parts": [
                {"type": "text", "text": "look"},
                {"type": "image", "image": "https://e.com/cat.gif", "filename": "cat.gif"},
                {"type": "file", "data": "https://e.com/d.pdf", "mimeType": "application/pdf"},
                {"type": "data", "name": "n", "data": [1, 2]},
            ],
        },
        {
            "id": "a",
            "role": "assistant",
            "parts": [
                # "done" maps back to a reason-less complete, as in assistant-ui
                {"type": "reasoning", "text": "r", "status": {"type": "complete"}},
                {"type": "text", "text": "t", "providerMetadata": {"p": {"k": 1}}},
                call(
                    "c1",
                    "w",
                    {"x": 1},
                    result={"ok": 1},
                    isError=False,
                    modelContent=[{"type": "text", "text": "ok"}],
                ),
                call("c2", "w", {}, result={"error": "bad"}, isError=True),
                call(
                    "c3",
                    "w",
                    {},
                    result={"error": "nope"},
                    isError=True,
                    approval={"id": "p", "approved": False, "reason": "nope"},
                ),
                # assistant-ui gives every tool call an isError, result or not
                call("c4", "w", {"y": 2}, isError=False, approval={"id": "q", "approved": True}),
                {
                    "type": "source",
                    "sourceType": "url",
                    "id": "s1",
                    "url": "https://e.com",
                    "title": "E",
                },
                {
                    "type": "source",
                    "sourceType": "document",
                    "id": "s2",
                    "title": "Doc",
                    "mediaType": "text/plain",
                    "filename": "d.txt",
                },
                {"type": "file", "data": "data:text/plain;base64,aGk=", "mimeType": "text/plain"},
                {"type": "data", "name": "chart", "data": {"v": 1}},
            ],
        },
    ]
    ui = to_ui_messages(ours)
    assert from_ui_messages(ui) == ours
    assert to_ui_messages(from_ui_messages(ui)) == ui


def test_from_ui_message_drops_step_starts_and_duplicate_calls() -> None:
    message = from_ui_message(
        {
            "id": "m",
            "role": "assistant",
            "parts": [
                {"type": "step-start"},
                {
                    "type": "dynamic-tool",
                    "toolName": "dyn",
                    "toolCallId": "x",
                    "state": "input-available",
                    "input": "raw",
                },
                {
                    "type": "tool-w",
                    "toolCallId": "x",
                    "state": "output-available",
                    "input": {},
                    "output": 1,
                },
                {
                    "type": "tool-w",
                    "toolCallId": "y",
                    "state": "output-denied",
                    "input": {},
                    "approval": {"id": "a", "approved": False},
                },
            ],
        }
    )
    assert [p["toolCallId"] for p in message["parts"]] == ["x", "y"]
    assert message["parts"][0]["toolName"] == "dyn"
    assert message["parts"][0]["args"] == {}  # a non-object input is not args
    assert message["parts"][0]["argsText"] == "{}"  # the text of args, as assistant-ui shows it
    assert message["parts"][1]["result"] == {"error": "Tool approval denied"}


# -- assistant-transport commands ------------------------------------------------------


def test_add_message_command_keeps_text_and_images_only() -> None:
    command = add_message_command(
        {
            "id": "Xk2c9Qa",
            "role": "user",
            "parts": [
                {"type": "text", "text": "Hi"},
                {"type": "image", "image": "data:image/png;base64,iVBO"},
                {"type": "file", "data": "x", "mimeType": "text/plain"},
            ],
        },
        parent_id="msg-3",
    )
    assert command == {
        "type": "add-message",
        "message": {
            "role": "user",
            "id": "Xk2c9Qa",
            "parts": [
                {"type": "text", "text": "Hi"},
                {"type": "image", "image": "data:image/png;base64,iVBO"},
            ],
        },
        "parentId": "msg-3",
        "sourceId": None,
    }
    assert (
        add_message_command({"role": "user", "parts": [{"type": "data", "name": "x", "data": 1}]})
        is None
    )


def test_add_message_command_round_trip() -> None:
    ours = {
        "id": "m",
        "role": "user",
        "parts": [{"type": "text", "text": "a"}, {"type": "image", "image": "u"}],
    }
    command = add_message_command(ours)
    assert command is not None
    assert from_add_message_command(command) == ours
    with pytest.raises(InvalidRequestError):
        from_add_message_command({"type": "add-tool-result"})


def test_add_tool_result_command_writes_optional_keys_only_when_set() -> None:
    assert add_tool_result_command(tool_call_id="c", tool_name="t", result={"a": 1}) == {
        "type": "add-tool-result",
        "toolCallId": "c",
        "toolName": "t",
        "result": {"a": 1},
        "isError": False,
    }
    full = add_tool_result_command(
        tool_call_id="c",
        tool_name="t",
        result=1,
        is_error=True,
        artifact={"x": 1},
        model_content=[],
    )
    assert full["artifact"] == {"x": 1}
    assert full["modelContent"] == []
    assert full["isError"] is True


def test_new_ids_use_the_reference_alphabet() -> None:
    ids = {new_id() for _ in range(50)}
    assert len(ids) == 50
    assert all(len(i) == 16 and i.isalnum() and i.isascii() for i in ids)
    assert len(new_id(7)) == 7


# -- properties ---------------------------------------------------------------------

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8))
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
arg_objects = st.dictionaries(st.text(max_size=5), json_values, max_size=3)
names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)


@st.composite
def assistant_messages(draw: st.DrawFn) -> dict[str, Any]:
    parts: list[dict[str, Any]] = []
    for i in range(draw(st.integers(0, 5))):
        if draw(st.booleans()):
            parts.append({"type": "text", "text": draw(st.text(min_size=1, max_size=10))})
        else:
            result = draw(json_values)
            is_error = draw(st.booleans())
            if is_error:
                result = {"error": draw(st.text(max_size=6))}
            parts.append(
                call(f"c{i}", draw(names), draw(arg_objects), result=result, isError=is_error)
            )
    return {"id": draw(names), "role": "assistant", "parts": parts}


@settings(max_examples=150, deadline=None)
@given(assistant_messages())
def test_property_assistant_round_trips_through_every_shape(message: dict[str, Any]) -> None:
    if message["parts"]:
        assert from_model_messages(to_model_messages([message], include_ids=True)) == [message]
    assert from_ui_message(to_ui_message(message)) == message
