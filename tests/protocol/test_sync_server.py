"""The sync-server request body (docs/protocols.md §1.6), on plain data."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant_ui.errors import InvalidRequestError
from assistant_ui.protocol.requests.sync_server import (
    build_cancel_body,
    build_chat_body,
    encode_json_body,
    messages_to_commands,
    validate_messages,
)


def test_seed_body_matches_the_original_for_user_text() -> None:
    messages = [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]
    assert build_chat_body("t", messages=messages, system="S") == {
        "threadId": "t",
        "messages": messages,
        "commands": [
            {"type": "add-message", "message": {"role": "user", "parts": messages[0]["content"]}}
        ],
        "system": "S",
    }


def test_only_the_thread_id_when_nothing_else_is_given() -> None:
    assert build_chat_body("t") == {"threadId": "t"}


def test_none_values_are_left_out_and_falsy_values_kept() -> None:
    body = build_chat_body("t", system="", tools={}, runConfig={}, state=0)
    assert body == {"threadId": "t", "system": "", "tools": {}, "runConfig": {}, "state": 0}


def test_extra_keys_override_everything() -> None:
    body = build_chat_body("t", system="a", extra={"system": "b", "threadId": "u"})
    assert body == {"threadId": "u", "system": "b"}


def test_system_messages_are_kept_as_commands() -> None:
    commands = messages_to_commands([{"role": "system", "content": "Be terse."}])
    assert commands == [
        {
            "type": "add-message",
            "message": {"role": "system", "parts": [{"type": "text", "text": "Be terse."}]},
        }
    ]


def test_file_parts_and_tool_calls_are_kept() -> None:
    file_part = {"type": "file", "data": "https://x/f.pdf", "mimeType": "application/pdf"}
    call = {"type": "tool-call", "toolCallId": "c1", "toolName": "w", "args": {"q": 1}}
    commands = messages_to_commands(
        [
            {"role": "user", "content": [file_part]},
            {"role": "assistant", "content": [{"type": "text", "text": "ok"}, call]},
        ]
    )
    assert commands[0]["message"]["parts"] == [file_part]
    assert commands[1]["message"] == {
        "role": "assistant",
        "parts": [{"type": "text", "text": "ok"}, call],
    }


def test_tool_results_become_add_tool_result_with_null_artifact() -> None:
    result = {"type": "tool-result", "toolCallId": "c1", "toolName": "w", "result": [1]}
    assert messages_to_commands([{"role": "tool", "content": [result]}]) == [
        {
            "type": "add-tool-result",
            "toolCallId": "c1",
            "toolName": "w",
            "result": [1],
            "isError": False,
            "artifact": None,
        }
    ]


def test_message_ids_are_kept_and_empty_messages_dropped() -> None:
    commands = messages_to_commands(
        [{"role": "user", "id": "m1", "content": "x"}, {"role": "user", "content": []}]
    )
    assert commands == [
        {
            "type": "add-message",
            "message": {"role": "user", "parts": [{"type": "text", "text": "x"}], "id": "m1"},
        }
    ]


def test_conversion_copies_parts() -> None:
    part = {"type": "text", "text": "x"}
    [command] = messages_to_commands([{"role": "user", "content": [part]}])
    command["message"]["parts"][0]["text"] = "changed"
    assert part["text"] == "x"


def test_cancel_body() -> None:
    assert build_cancel_body("thread-9") == {"threadId": "thread-9"}
    with pytest.raises(InvalidRequestError):
        build_cancel_body("")


def test_json_body_is_compact_utf8_like_json_stringify() -> None:
    assert encode_json_body({"a": "é", "b": [1, None]}) == '{"a":"é","b":[1,null]}'.encode()


def test_unknown_part_types_pass_validation() -> None:
    validate_messages([{"role": "user", "content": [{"type": "audio", "audio": {}}]}])


# -- property: nothing is lost --------------------------------------------------

_text = st.text(max_size=5)
_user_parts = st.one_of(
    st.builds(lambda t: {"type": "text", "text": t}, _text),
    st.builds(lambda u: {"type": "image", "image": u}, _text),
    st.builds(lambda d: {"type": "file", "data": d, "mimeType": "a/b"}, _text),
)
_call = st.builds(
    lambda i: {"type": "tool-call", "toolCallId": i, "toolName": "t", "args": {}}, _text
)
_result = st.builds(
    lambda i, r: {"type": "tool-result", "toolCallId": i, "toolName": "t", "result": r},
    _text,
    st.integers(),
)
_messages = st.lists(
    st.one_of(
        st.builds(lambda c: {"role": "system", "content": c}, _text),
        st.builds(lambda c: {"role": "user", "content": c}, st.lists(_user_parts, max_size=3)),
        st.builds(
            lambda c: {"role": "assistant", "content": c},
            st.lists(st.one_of(_user_parts, _call), max_size=3),
        ),
        st.builds(lambda c: {"role": "tool", "content": c}, st.lists(_result, max_size=3)),
    ),
    max_size=6,
)


@given(_messages)
def test_every_part_lands_in_exactly_one_command(messages: list[dict[str, Any]]) -> None:
    validate_messages(messages)
    commands = messages_to_commands(messages)
    sent_parts = [p for c in commands if c["type"] == "add-message" for p in c["message"]["parts"]]
    results = [c for c in commands if c["type"] == "add-tool-result"]
    expected_parts = [
        p
        for m in messages
        if m["role"] != "tool"
        for p in (
            [{"type": "text", "text": m["content"]}]
            if isinstance(m["content"], str)
            else m["content"]
        )
    ]
    assert sent_parts == expected_parts
    assert [r["toolCallId"] for r in results] == [
        p["toolCallId"] for m in messages if m["role"] == "tool" for p in m["content"]
    ]
    # Every body is valid JSON that round-trips.
    body = build_chat_body("t", messages=messages)
    assert json.loads(encode_json_body(body)) == body
