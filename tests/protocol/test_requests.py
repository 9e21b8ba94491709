"""Request bodies per runtime (docs/protocols.md §1.3, 1.4, 1.5, 1.7): keys, order,
absent keys, and the examples of the spec reproduced exactly."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant_ui._tools.tool import tool
from assistant_ui.errors import InvalidRequestError
from assistant_ui.protocol.events import MISSING
from assistant_ui.protocol.requests.bodies import (
    ai_sdk_body,
    assistant_transport_body,
    data_stream_body,
    tool_definitions,
)

WEATHER = {
    "description": "Get the weather",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}


def test_data_stream_body_reproduces_the_spec_example() -> None:
    body = data_stream_body(
        system="You are a helpful assistant.",
        messages=[{"role": "user", "content": [{"type": "text", "text": "Weather in Berlin?"}]}],
        tools={"get_weather": WEATHER},
        assistant_message_id="k3Jx9aQ",
        thread_id="thread_abc",
        parent_id="Hq81Zzb",
        call_settings={"temperature": 0.2},
        model_config={"modelName": "gpt-x"},
    )
    expected = {
        "system": "You are a helpful assistant.",
        "messages": [{"role": "user", "content": [{"type": "text", "text": "Weather in Berlin?"}]}],
        "tools": {"get_weather": WEATHER},
        "unstable_assistantMessageId": "k3Jx9aQ",
        "threadId": "thread_abc",
        "parentId": "Hq81Zzb",
        "runConfig": {},
        "temperature": 0.2,
        "modelName": "gpt-x",
    }
    assert json.dumps(body) == json.dumps(expected)  # same keys in the same order


def test_data_stream_body_minimal_and_null_parent() -> None:
    assert data_stream_body(messages=[]) == {"messages": [], "tools": {}, "runConfig": {}}
    body = data_stream_body(messages=[], parent_id=None, state={"s": 1}, extra_body={"tools": "x"})
    assert body["parentId"] is None
    assert body["state"] == {"s": 1}
    assert body["tools"] == "x"  # the user's body is spread last


def test_ai_sdk_body_reproduces_the_spec_example() -> None:
    ui = {
        "id": "mZ3hV0aC4qLr8sTx",
        "role": "user",
        "metadata": {"custom": {}},
        "parts": [{"type": "text", "text": "Weather in Berlin?"}],
    }
    body = ai_sdk_body(
        chat_id="thread_abc",
        messages=[ui],
        system="Be brief.",
        call_settings={"temperature": 0.3},
        config={"modelName": "gpt-x"},
    )
    assert list(body) == ["callSettings", "system", "config", "tools", "id", "messages", "trigger"]
    assert body["trigger"] == "submit-message"
    assert body["messages"] == [ui]
    assert "messageId" not in body


def test_ai_sdk_user_body_cannot_override_the_chat_keys() -> None:
    body = ai_sdk_body(
        chat_id="t",
        messages=[],
        trigger="regenerate-message",
        message_id="m1",
        metadata={"custom": {"a": 1}},
        extra_body={
            "id": "x",
            "messageId": "y",
            "trigger": "z",
            "tools": {"t": WEATHER},
            "extra": 1,
        },
    )
    assert body["id"] == "t"
    assert body["trigger"] == "regenerate-message"
    assert body["messageId"] == "m1"
    assert body["metadata"] == {"custom": {"a": 1}}
    assert body["tools"] == {"t": WEATHER}  # but it may override the four keys before it
    assert body["extra"] == 1
    with pytest.raises(InvalidRequestError):
        ai_sdk_body(chat_id="t", messages=[], trigger="resume")


def test_assistant_transport_body_reproduces_the_spec_example() -> None:
    command = {
        "type": "add-message",
        "message": {"role": "user", "id": "Xk2c9Qa", "parts": [{"type": "text", "text": "Hi"}]},
        "parentId": None,
        "sourceId": None,
    }
    body = assistant_transport_body(
        commands=[command],
        state={"messages": []},
        system="Be brief.",
        thread_id="thread_abc",
        parent_id=None,
        call_settings={"temperature": 0.2},
        config={"modelName": "gpt-x"},
    )
    expected = {
        "commands": [command],
        "state": {"messages": []},
        "system": "Be brief.",
        "threadId": "thread_abc",
        "parentId": None,
        "callSettings": {"temperature": 0.2},
        "config": {"modelName": "gpt-x"},
        "temperature": 0.2,
        "modelName": "gpt-x",
    }
    assert json.dumps(body) == json.dumps(expected)


def test_assistant_transport_tools_absent_versus_empty() -> None:
    assert "tools" not in assistant_transport_body(commands=[], state=None, tools=MISSING)
    assert assistant_transport_body(commands=[], state=None, tools=[])["tools"] == {}
    assert assistant_transport_body(commands=[], state=None)["state"] is None  # always sent


def test_tool_definitions_sort_by_utf16_code_units() -> None:
    # U+FF21 sorts before U+1F600 in UTF-16 (0xFF21 < 0xD83D) but not by code point.
    names = ["b", "\U0001f600", "\uff21", "a"]
    defs = tool_definitions({n: {"parameters": {"type": "object"}} for n in names})
    assert list(defs) == ["a", "b", "\U0001f600", "\uff21"]
    assert sorted(names) != list(defs)  # code-point order would differ


def test_tool_definitions_accept_tool_objects() -> None:
    @tool
    def zeta(x: int) -> int:
        """Zeta."""
        return x

    @tool(description="Alpha tool", provider_options={"openai": {"strict": True}})
    def alpha() -> None:
        return None

    defs = tool_definitions([zeta, alpha])
    assert list(defs) == ["alpha", "zeta"]
    assert defs["alpha"] == {
        "description": "Alpha tool",
        "parameters": {"type": "object", "properties": {}, "additionalProperties": False},
        "providerOptions": {"openai": {"strict": True}},
    }
    assert defs["zeta"]["description"] == "Zeta."


@pytest.mark.parametrize(
    ("tools", "field"),
    [
        ({"t": 42}, "tools.t"),
        ({"t": {"parameters": "nope"}}, "tools.t"),
        ([object()], "tools"),
    ],
)
def test_bad_tools_are_rejected_with_their_field(tools: Any, field: str) -> None:
    with pytest.raises(InvalidRequestError) as info:
        tool_definitions(tools)
    assert info.value.field == field
