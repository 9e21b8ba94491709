"""The conversation and the frontend tool loop.

Two halves:

- the sans-IO flow, driven by hand with replies decoded from real
  data-stream bytes (no server): the loop's rules, cancels, repairs,
  branching, queued commands;
- the drivers against real servers on 127.0.0.1, for every runtime: the
  embedded demo backend, and a small backend written here on the official
  ``assistant-stream`` package (``create_run`` + ``DataStreamResponse``,
  plus a hand-written UI message stream for the AI SDK shape). Each checks
  the exact bodies the server received at each step.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from assistant_ui._client import AssistantClient
from assistant_ui._conversation import (
    Approval,
    Conversation,
    FlowRun,
    Reply,
    RunTools,
    SendRequest,
    ToolCall,
    ToolOutcome,
    aiter_flow,
    run_flow,
    run_flow_sync,
)
from assistant_ui._decoding import decode_stream
from assistant_ui._tools.tool import Tool, ToolReply, tool
from assistant_ui.errors import (
    InvalidRequestError,
    NotFoundError,
    RemoteStreamError,
    StreamDecodeError,
    UsageError,
)
from assistant_ui.protocol.events import TextDelta
from assistant_ui.protocol.requests.runtimes import CANCELLED_BY_NEW_MESSAGE

RUNTIMES = ["data-stream", "ai-sdk", "assistant-transport", "sync-server"]
USAGE = '{"promptTokens":1,"completionTokens":1}'


def data_stream(*lines: str) -> bytes:
    return "".join(f"{line}\n" for line in lines).encode()


def tool_call_reply(*calls: tuple[str, str, dict[str, Any]], text: str = "Checking.") -> Reply:
    lines = [f"0:{json.dumps(text)}"]
    for call_id, name, args in calls:
        lines.append("9:" + json.dumps({"toolCallId": call_id, "toolName": name, "args": args}))
    lines.append(f'd:{{"finishReason":"tool-calls","usage":{USAGE}}}')
    return Reply(decode_stream(data_stream(*lines), encoding="data-stream").message)


def text_reply(
    text: str, *, state_ops: list[Any] | None = None, initial_state: Any = None
) -> Reply:
    lines = []
    if state_ops:
        lines.append("aui-state:" + json.dumps(state_ops))
    lines += [f"0:{json.dumps(text)}", f'd:{{"finishReason":"stop","usage":{USAGE}}}']
    body = data_stream(*lines)
    return Reply(decode_stream(body, encoding="data-stream", initial_state=initial_state).message)


def answer(flow: Any, text: str, state_ops: list[Any] | None = None) -> Any:
    """Answers a flow's single request with text, seeded as a driver seeds it."""
    request = next(flow)
    try:
        flow.send(text_reply(text, state_ops=state_ops, initial_state=request.initial_state))
    except StopIteration as stop:
        return stop.value
    raise AssertionError("the flow did not end")


@tool
def get_weather(city: str) -> dict[str, Any]:
    """Get the weather for a city."""
    return {"city": city, "temperature": 18}


def drive(flow: Any, *outcomes: Any) -> list[Any]:
    """Runs a flow with the given outcomes; returns the steps it yielded and
    its result last."""
    steps = [next(flow)]
    try:
        for outcome in outcomes:
            steps.append(flow.send(outcome))
    except StopIteration as stop:
        steps.append(stop.value)
    return steps


# ---------------------------------------------------------------------------
# The sans-IO flow


def test_one_tool_roundtrip_in_the_data_stream_shape() -> None:
    conv = Conversation(
        runtime="data-stream", thread_id="t1", tools=[get_weather], system="Be brief."
    )
    flow = conv.send("weather in Paris")
    first = next(flow)
    assert isinstance(first, SendRequest)
    user = conv.messages[0]
    assert first.body == {
        "system": "Be brief.",
        "messages": [{"role": "user", "content": [{"type": "text", "text": "weather in Paris"}]}],
        "tools": {"get_weather": get_weather.definition()},
        "unstable_assistantMessageId": first.body["unstable_assistantMessageId"],
        "threadId": "t1",
        "parentId": user["id"],
        "runConfig": {},
    }
    run = flow.send(tool_call_reply(("c1", "get_weather", {"city": "Paris"})))
    assert isinstance(run, RunTools)
    assert run.calls == (ToolCall("c1", "get_weather", {"city": "Paris"}, get_weather),)
    second = flow.send([ToolOutcome("c1", reply=get_weather.run({"city": "Paris"}))])
    assert isinstance(second, SendRequest)
    # same assistant message id on every roundtrip of one run (1.3.2)
    assert second.body["unstable_assistantMessageId"] == first.body["unstable_assistantMessageId"]
    assert second.body["messages"][1:] == [
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Checking."},
                {
                    "type": "tool-call",
                    "toolCallId": "c1",
                    "toolName": "get_weather",
                    "input": {"city": "Paris"},
                },
            ],
        },
        {
            "role": "tool",
            "content": [
                {
                    "type": "tool-result",
                    "toolCallId": "c1",
                    "toolName": "get_weather",
                    "output": {"type": "json", "value": {"city": "Paris", "temperature": 18}},
                }
            ],
        },
    ]
    with pytest.raises(StopIteration) as stop:
        flow.send(text_reply("It is 18 degrees."))
    result = stop.value.value
    assert result.requests == 2
    assert result.status == {"type": "complete", "reason": "stop"}
    assert result.text == "Checking.It is 18 degrees."
    # one assistant message holds both roundtrips, parts appended in order
    assert [p["type"] for p in result.message["parts"]] == ["text", "tool-call", "text"]
    assert conv.messages == result.messages
    assert [m["role"] for m in conv.messages] == ["user", "assistant"]


def test_the_run_continues_only_once_every_call_has_a_result() -> None:
    declared = {"ask_human": {"parameters": {"type": "object"}}}
    conv = Conversation(runtime="data-stream", tools=[get_weather, *[]])
    steps = drive(
        conv.send("go", tools=declared),
        tool_call_reply(("c1", "get_weather", {"city": "Oslo"}), ("c2", "ask_human", {})),
        [ToolOutcome("c1", reply=ToolReply({"t": 1}))],
    )
    assert isinstance(steps[1], RunTools)
    assert [c.tool_call_id for c in steps[1].calls] == ["c1"]  # the declared tool is not run
    result = steps[-1]
    assert result.requests == 1  # no continuation: c2 has no result
    assert result.status == {"type": "requires-action", "reason": "tool-calls"}
    # the caller answers it by hand, then resumes
    conv.add_tool_result("c2", "yes")
    steps = drive(conv.resume_tools(tools=declared), text_reply("thanks"))
    assert isinstance(steps[0], SendRequest)
    tool_message = steps[0].body["messages"][-1]
    assert [r["toolCallId"] for r in tool_message["content"]] == ["c1", "c2"]
    assert steps[-1].text.endswith("thanks")


def test_max_steps_caps_the_requests_and_marks_the_message() -> None:
    conv = Conversation(runtime="data-stream", tools=[get_weather], max_steps=2)
    call = ("c1", "get_weather", {"city": "A"})
    again = ("c2", "get_weather", {"city": "B"})
    steps = drive(
        conv.send("loop"),
        tool_call_reply(call),
        [ToolOutcome("c1", reply=ToolReply(1))],
        tool_call_reply(again),
        [ToolOutcome("c2", reply=ToolReply(2))],
    )
    result = steps[-1]
    assert result.requests == 2
    assert result.status == {"type": "incomplete", "reason": "tool-calls"}
    assert sum(isinstance(s, SendRequest) for s in steps) == 2


def test_approval_steps_and_wire_shapes_per_runtime() -> None:
    guarded = Tool.from_function(get_weather.function, needs_approval=True)  # type: ignore[arg-type]
    conv = Conversation(runtime="ai-sdk", thread_id="chat", tools=[guarded])
    steps = drive(
        conv.send("weather"),
        tool_call_reply(("a", "get_weather", {"city": "P"}), ("b", "get_weather", {"city": "B"})),
        [
            ToolOutcome("a", reply=ToolReply({"ok": 1}), approval=Approval(True)),
            ToolOutcome("b", approval=Approval(False, "not there")),
        ],
    )
    assert all(c.needs_approval for c in steps[1].calls)
    body = steps[2].body
    assert body["trigger"] == "submit-message"
    assistant = body["messages"][-1]
    assert body["messageId"] == assistant["id"]
    a, b = (p for p in assistant["parts"] if p["type"] == "tool-get_weather")
    assert a["state"] == "output-available"
    assert a["output"] == {"ok": 1}
    assert a["approval"]["approved"] is True
    assert b["state"] == "output-denied"
    assert b["approval"]["approved"] is False
    assert b["approval"]["reason"] == "not there"
    assert "output" not in b


def ui_stream_reply(*chunks: dict[str, Any]) -> Reply:
    body = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
    result = decode_stream(body.encode(), encoding="ui-message-stream")
    return Reply(result.message, result.ui_message)


def test_a_server_approval_request_is_answered_in_the_ai_sdk_shape() -> None:
    conv = Conversation(runtime="ai-sdk", thread_id="chat")
    request = ui_stream_reply(
        {"type": "start", "messageId": "srv1"},
        {"type": "start-step"},
        {
            "type": "tool-input-available",
            "toolCallId": "c1",
            "toolName": "rm",
            "input": {"p": "/x"},
        },
        {"type": "tool-approval-request", "approvalId": "ap1", "toolCallId": "c1"},
        {"type": "finish-step"},
        {"type": "finish", "finishReason": "tool-calls"},
    )
    steps = drive(conv.send("clean up"), request, [ToolOutcome("c1", approval=Approval(True))])
    run = steps[1]
    assert isinstance(run, RunTools)
    # the server runs the tool: only a decision is asked for
    assert run.calls == (ToolCall("c1", "rm", {"p": "/x"}, None, {"id": "ap1"}, True),)
    body = steps[2].body
    assert body["messageId"] == "srv1"  # the id the server gave the message
    assert body["messages"][-1] == {
        "id": "srv1",
        "role": "assistant",
        "parts": [
            {"type": "step-start"},
            {
                "type": "tool-rm",
                "toolCallId": "c1",
                "state": "approval-responded",
                "input": {"p": "/x"},
                "approval": {"id": "ap1", "approved": True},
            },
        ],
    }


def test_a_server_approval_denied_in_the_data_stream_shape_sends_the_error_result() -> None:
    conv = Conversation(runtime="data-stream")
    steps = drive(
        conv.send("clean up"),
        ui_stream_reply(
            {"type": "start"},
            {"type": "tool-input-available", "toolCallId": "c1", "toolName": "rm", "input": {}},
            {"type": "tool-approval-request", "approvalId": "ap1", "toolCallId": "c1"},
            {"type": "finish", "finishReason": "tool-calls"},
        ),
        [ToolOutcome("c1", approval=Approval(False))],
    )
    tool_message = steps[2].body["messages"][-1]
    assert tool_message["content"][0]["output"] == {
        "type": "error-json",
        "value": {"error": "Tool approval denied"},
    }


def test_no_approval_callback_leaves_the_call_pending() -> None:
    guarded = Tool.from_function(get_weather.function, needs_approval=True)  # type: ignore[arg-type]
    conv = Conversation(runtime="data-stream", tools=[guarded])
    steps = drive(
        conv.send("weather"),
        tool_call_reply(("a", "get_weather", {"city": "P"})),
        [ToolOutcome("a")],  # what a driver answers without a callback
    )
    assert steps[-1].requests == 1
    assert steps[-1].status["type"] == "requires-action"
    assert "result" not in steps[-1].tool_calls[0]


def test_a_cancel_during_a_tool_call_is_repaired_on_the_next_turn() -> None:
    for runtime, expected in [
        ("data-stream", None),
        ("ai-sdk", CANCELLED_BY_NEW_MESSAGE),
        ("assistant-transport", None),
    ]:
        conv = Conversation(runtime=runtime, thread_id="t", tools=[get_weather])
        flow = conv.send("weather")
        next(flow)
        flow.send(tool_call_reply(("c1", "get_weather", {"city": "P"})))
        with pytest.raises(asyncio.CancelledError):
            flow.throw(asyncio.CancelledError())
        assert conv.messages[-1]["status"] == {"type": "incomplete", "reason": "cancelled"}
        assert not conv.in_flight
        body = next(conv.send("never mind")).body
        if runtime == "data-stream":
            assert body["messages"][2]["content"][0]["output"] == {
                "type": "error-json",
                "value": {"error": "Tool call was not completed"},
            }
        elif runtime == "ai-sdk":
            part = body["messages"][1]["parts"][1]
            assert part["state"] == "output-error"
            assert part["errorText"] == expected
        else:
            assert [c["type"] for c in body["commands"]] == ["add-tool-result", "add-message"]
            assert body["commands"][0]["isError"] is True


def test_the_live_reply_is_visible_and_a_stream_error_keeps_it() -> None:
    conv = Conversation(runtime="data-stream")
    flow = conv.send("hi")
    next(flow)
    partial = decode_stream(data_stream('0:"Hel"'), encoding="data-stream").message
    partial["status"] = {"type": "running"}
    conv.watch(lambda: partial)
    assert conv.messages[-1]["parts"][0]["text"] == "Hel"
    assert conv.messages[-1]["role"] == "assistant"
    error = StreamDecodeError("bad frame", partial_message=partial)
    with pytest.raises(StreamDecodeError):
        flow.throw(error)
    last = conv.messages[-1]
    assert last["parts"][0]["text"] == "Hel"
    assert last["status"]["type"] == "incomplete"
    assert last["status"]["reason"] == "error"
    assert "bad frame" in last["status"]["error"]["message"]


def test_edit_branches_and_says_so_in_the_assistant_transport_shape() -> None:
    conv = Conversation(runtime="assistant-transport", thread_id="t", state={"n": 0})
    answer(conv.send("first"), "one", [{"type": "set", "path": ["n"], "value": 1}])
    answer(conv.send("second"), "two")
    first_id, first_reply_id, second_id = (m["id"] for m in conv.messages[:3])
    flow = conv.edit(second_id, "second, edited")
    body = next(flow).body
    new_message = body["commands"][0]["message"]
    assert body["commands"] == [
        {
            "type": "add-message",
            "message": {
                "role": "user",
                "id": new_message["id"],
                "parts": [{"type": "text", "text": "second, edited"}],
            },
            "parentId": first_reply_id,
            "sourceId": second_id,
        }
    ]
    assert new_message["id"] != second_id
    assert body["parentId"] == first_reply_id
    assert body["state"] == {"n": 1}  # the state the first reply left
    with pytest.raises(StopIteration):
        flow.send(text_reply("edited", initial_state={"n": 1}))
    assert [m["id"] for m in conv.messages[:3]] == [first_id, first_reply_id, new_message["id"]]
    assert len(conv.messages) == 4


def test_edit_and_regenerate_in_the_ai_sdk_shape() -> None:
    conv = Conversation(runtime="ai-sdk", thread_id="chat")
    drive(conv.send("a"), text_reply("A"))
    drive(conv.send("b"), text_reply("B"))
    body = next(conv.regenerate()).body
    assert body["trigger"] == "regenerate-message"
    assert "messageId" not in body
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
    conv2 = Conversation(runtime="ai-sdk", thread_id="chat", messages=conv.messages[:2])
    edited = next(conv2.edit(conv2.messages[0]["id"], "A?")).body
    assert [m["parts"][0]["text"] for m in edited["messages"]] == ["A?"]
    assert edited["messages"][0]["id"] != conv.messages[0]["id"]


def test_regenerate_in_the_data_stream_shape_uses_a_new_assistant_id() -> None:
    conv = Conversation(runtime="data-stream")
    first = drive(conv.send("q"), text_reply("A"))
    old_id = conv.messages[-1]["id"]
    body = next(conv.regenerate()).body
    assert body["unstable_assistantMessageId"] != old_id
    assert first[0].body["unstable_assistantMessageId"] == old_id
    assert body["messages"] == [{"role": "user", "content": [{"type": "text", "text": "q"}]}]


def test_commands_queued_in_flight_are_sent_after_the_run() -> None:
    conv = Conversation(runtime="assistant-transport", state={})
    flow = conv.send("hi")
    next(flow)
    conv.queue_command({"type": "my-custom-command", "data": "hello"})
    follow_up = flow.send(text_reply("hello"))
    assert isinstance(follow_up, SendRequest)
    assert follow_up.body["commands"] == [{"type": "my-custom-command", "data": "hello"}]
    assert "parentId" not in follow_up.body
    with pytest.raises(StopIteration):
        flow.send(text_reply("done"))
    with pytest.raises(InvalidRequestError):
        conv.queue_command({"data": 1})


def test_a_refused_call_during_a_run_leaves_the_history_alone() -> None:
    conv = Conversation(runtime="data-stream")
    flow = conv.send("one")
    next(flow)
    before = [m["id"] for m in conv.messages]
    first_user = conv.messages[0]["id"]
    for refused in (
        lambda: conv.send("two"),
        lambda: conv.edit(first_user, "changed"),
        lambda: conv.regenerate(),
    ):
        with pytest.raises(UsageError):
            refused()
        assert [m["id"] for m in conv.messages] == before
        assert conv.messages[0]["parts"] == [{"type": "text", "text": "one"}]


def test_seed_content_history_is_accepted_and_returned_messages_go_back_as_is() -> None:
    seed = [
        {"role": "user", "content": [{"type": "text", "text": "Hello!"}]},
        {
            "role": "assistant",
            "content": [{"type": "tool-call", "toolCallId": "c", "toolName": "w", "args": {}}],
        },
        {
            "role": "tool",
            "content": [{"type": "tool-result", "toolCallId": "c", "toolName": "w", "result": 1}],
        },
    ]
    conv = Conversation(runtime="data-stream", messages=seed)
    assert conv.messages[1]["parts"][0]["result"] == 1
    drive(conv.send({"role": "user", "content": "next"}), text_reply("ok"))
    again = Conversation(runtime="data-stream", messages=conv.messages)
    assert again.messages == conv.messages


def test_misuse_is_reported() -> None:
    with pytest.raises(InvalidRequestError, match="runtime"):
        Conversation(runtime="grpc")
    conv = Conversation(runtime="data-stream")
    with pytest.raises(InvalidRequestError):
        conv.regenerate()
    with pytest.raises(InvalidRequestError):
        conv.send({"role": "assistant", "content": "x"})
    flow = conv.send("x")
    next(flow)
    with pytest.raises(UsageError):
        conv.send("y")
    with pytest.raises(UsageError):
        conv.reset()
    flow.close()
    conv.reset()
    assert conv.messages == []


# ---------------------------------------------------------------------------
# A backend on the official assistant-stream package


def _backend_app(received: list[dict[str, Any]]) -> Any:
    from assistant_stream import RunController, create_run
    from assistant_stream.serialization import DataStreamResponse
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response, StreamingResponse
    from starlette.routing import Route

    def question(body: dict[str, Any]) -> str:
        for message in reversed(body.get("messages") or []):
            if message.get("role") == "user":
                parts = message.get("content", message.get("parts")) or []
                return "".join(p.get("text", "") for p in parts if p.get("type") == "text")
        for command in body.get("commands") or []:
            if command.get("type") == "add-message":
                return "".join(p.get("text", "") for p in command["message"]["parts"])
        return ""

    def results(body: dict[str, Any]) -> list[Any]:
        messages = body.get("messages")
        if messages is None:  # assistant-transport: the results are commands
            commands = body.get("commands") or []
            return [c["result"] for c in commands if c.get("type") == "add-tool-result"]
        found: list[Any] = []
        if messages and messages[-1].get("role") == "tool":
            for part in messages[-1]["content"]:
                found.append(part["output"]["value"] if "output" in part else part["result"])
        if messages and messages[-1].get("role") == "assistant" and "trigger" in body:
            for part in messages[-1].get("parts", []):
                if part.get("state") == "output-available":
                    found.append(part["output"])
                elif part.get("state") in ("output-error", "output-denied"):
                    found.append({"denied": part.get("approval", {}).get("reason")})
        return found

    def calls_for(text: str) -> list[tuple[str, dict[str, Any]]]:
        if "weather in " not in text:
            return []
        cities = text.split("weather in ", 1)[1].split(" and ")
        return [(f"call-{i}", {"city": c}) for i, c in enumerate(cities, 1)]

    def ui_stream(answers: list[Any], calls: list[tuple[str, dict[str, Any]]]) -> Iterator[bytes]:
        chunks: list[dict[str, Any]] = [{"type": "start"}, {"type": "start-step"}]
        text = f"Results: {json.dumps(answers)}" if answers else "Let me check."
        chunks += [
            {"type": "text-start", "id": "t"},
            {"type": "text-delta", "id": "t", "delta": text},
            {"type": "text-end", "id": "t"},
        ]
        if not answers:
            for call_id, args in calls:
                chunks.append(
                    {
                        "type": "tool-input-available",
                        "toolCallId": call_id,
                        "toolName": "get_weather",
                        "input": args,
                    }
                )
        chunks += [{"type": "finish-step"}, {"type": "finish"}]
        for chunk in chunks:
            yield f"data: {json.dumps(chunk)}\n\n".encode()
        yield b"data: [DONE]\n\n"

    async def chat(request: Request) -> Response:
        body = await request.json()
        received.append(body)
        answers = results(body)
        calls = calls_for(question(body))
        if "trigger" in body:
            return StreamingResponse(
                ui_stream(answers, calls),
                media_type="text/event-stream",
                headers={"x-vercel-ai-ui-message-stream": "v1"},
            )

        async def run(controller: RunController) -> None:
            if answers:
                controller.append_text(f"Results: {json.dumps(answers)}")
            else:
                controller.append_text("Let me check.")
                for call_id, args in calls:
                    call = await controller.add_tool_call("get_weather", call_id)
                    call.append_args_text(json.dumps(args))
            if body.get("state") is not None:
                turns = (body.get("state") or {}).get("turns", 0)
                controller.state["turns"] = turns + 1

        return DataStreamResponse(create_run(run, state=body.get("state")))

    return Starlette(routes=[Route("/api/chat", chat, methods=["POST"])])


@pytest.fixture(scope="module")
def stream_backend() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    pytest.importorskip("assistant_stream")
    from assistant_ui.demo.runner import BackgroundServer

    received: list[dict[str, Any]] = []
    with BackgroundServer(_backend_app(received)) as server:
        yield server.url, received


@pytest.fixture(params=["demo", "assistant-stream"])
def backend(request: pytest.FixtureRequest, thread_id: str) -> Iterator[tuple[str, Any]]:
    """(base URL, a function returning the bodies this test's thread sent)."""
    if request.param == "demo":
        server = request.getfixturevalue("demo_server")
        yield server.url, lambda: [r.body for r in server.log.requests_for(thread_id)]
    else:
        url, received = request.getfixturevalue("stream_backend")
        yield url, lambda: [b for b in received if (b.get("threadId") or b.get("id")) == thread_id]


class Barrier:
    """Both tool calls must be running at once for either to return."""

    def __init__(self) -> None:
        self._barrier = threading.Barrier(2, timeout=20)
        self.cities: list[str] = []

    def tool(self) -> Tool:
        def get_weather(city: str) -> dict[str, Any]:
            """Get the weather."""
            self._barrier.wait()  # raises (an error result) if the calls ran one after the other
            self.cities.append(city)
            return {"city": city, "temperature": 18, "condition": "sunny"}

        return Tool.from_function(get_weather)


def expected_followup(runtime: str, first: dict[str, Any], conv: Conversation) -> None:
    """Checks the continuation body exactly, per shape."""
    assistant = conv.messages[1]
    calls = [p for p in assistant["parts"] if p["type"] == "tool-call"]
    assert [c["args"] for c in calls] == [{"city": "Paris"}, {"city": "Berlin"}]
    results = [{"city": c["args"]["city"], "temperature": 18, "condition": "sunny"} for c in calls]
    text = next(p["text"] for p in assistant["parts"] if p["type"] == "text")
    if runtime == "data-stream":
        assert first["messages"] == [
            {"role": "user", "content": [{"type": "text", "text": "weather in Paris and Berlin"}]},
            {
                "role": "assistant",
                "content": [
                    {"type": "text", "text": text},
                    *(
                        {
                            "type": "tool-call",
                            "toolCallId": c["toolCallId"],
                            "toolName": "get_weather",
                            "input": c["args"],
                        }
                        for c in calls
                    ),
                ],
            },
            {
                "role": "tool",
                "content": [
                    {
                        "type": "tool-result",
                        "toolCallId": c["toolCallId"],
                        "toolName": "get_weather",
                        "output": {"type": "json", "value": r},
                    }
                    for c, r in zip(calls, results, strict=True)
                ],
            },
        ]
        assert first["unstable_assistantMessageId"] == assistant["id"]
        assert first["parentId"] == conv.messages[0]["id"]
    elif runtime == "ai-sdk":
        assert first["trigger"] == "submit-message"
        assert first["messageId"] == first["messages"][-1]["id"]
        tool_parts = [p for p in first["messages"][-1]["parts"] if p["type"] == "tool-get_weather"]
        assert [(p["toolCallId"], p["state"], p["input"], p["output"]) for p in tool_parts] == [
            (c["toolCallId"], "output-available", c["args"], r)
            for c, r in zip(calls, results, strict=True)
        ]
    elif runtime == "sync-server":
        # the seed's body: the branch as legacy messages, also as commands
        legacy_calls = [
            {
                "type": "tool-call",
                "toolCallId": c["toolCallId"],
                "toolName": "get_weather",
                "args": c["args"],
            }
            for c in calls
        ]
        legacy_results = [
            {
                "type": "tool-result",
                "toolCallId": c["toolCallId"],
                "toolName": "get_weather",
                "result": r,
            }
            for c, r in zip(calls, results, strict=True)
        ]
        assert first["messages"] == [
            {"role": "user", "content": [{"type": "text", "text": "weather in Paris and Berlin"}]},
            {"role": "assistant", "content": [{"type": "text", "text": text}, *legacy_calls]},
            {"role": "tool", "content": legacy_results},
        ]
        assert first["unstable_assistantMessageId"] == assistant["id"]
        assert [c["type"] for c in first["commands"]] == [
            "add-message",
            "add-message",
            "add-tool-result",
            "add-tool-result",
        ]
    else:
        commands = [
            {
                "type": "add-tool-result",
                "toolCallId": c["toolCallId"],
                "toolName": "get_weather",
                "result": r,
                "isError": False,
            }
            for c, r in zip(calls, results, strict=True)
        ]
        assert first["commands"] == commands
        assert "parentId" not in first


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("driver", ["async", "sync"])
async def test_multi_step_with_two_concurrent_tool_calls(
    backend: tuple[str, Any], thread_id: str, runtime: str, driver: str
) -> None:
    url, bodies = backend
    barrier = Barrier()
    client = AssistantClient(url)
    thread = client.threads(thread_id)
    conv = Conversation(runtime=runtime, thread_id=thread_id, tools=[barrier.tool()])
    try:
        flow = conv.send("weather in Paris and Berlin")
        if driver == "async":
            result = await run_flow(conv, flow, thread)
        else:
            result = await asyncio.to_thread(run_flow_sync, conv, flow, thread)
    finally:
        await client.close()
        client.close_sync()
    assert sorted(barrier.cities) == ["Berlin", "Paris"]
    assert result.requests == 2
    assert result.status["type"] == "complete"
    assert all(c["isError"] is False for c in result.tool_calls)
    assert "Paris" in result.text
    assert "Berlin" in result.text
    sent = bodies()
    assert len(sent) == 2
    first_user = sent[0]
    if runtime == "data-stream":
        assert first_user["messages"] == [
            {"role": "user", "content": [{"type": "text", "text": "weather in Paris and Berlin"}]}
        ]
        assert first_user["tools"]["get_weather"]["parameters"]["required"] == ["city"]
    elif runtime == "ai-sdk":
        assert first_user["messages"] == [
            {
                "id": conv.messages[0]["id"],
                "role": "user",
                "parts": [{"type": "text", "text": "weather in Paris and Berlin"}],
            }
        ]
        assert first_user["id"] == thread_id
    elif runtime == "sync-server":
        assert first_user["messages"] == [
            {"role": "user", "content": [{"type": "text", "text": "weather in Paris and Berlin"}]}
        ]
        assert first_user["threadId"] == thread_id
    else:
        assert first_user["commands"][0]["message"]["parts"] == [
            {"type": "text", "text": "weather in Paris and Berlin"}
        ]
    expected_followup(runtime, sent[1], conv)
    assert conv.messages == result.messages
    assert [m["role"] for m in conv.messages] == ["user", "assistant"]


@pytest.mark.parametrize("runtime", RUNTIMES)
async def test_an_approval_accepted_and_one_denied(
    backend: tuple[str, Any], thread_id: str, runtime: str
) -> None:
    url, bodies = backend
    ran: list[str] = []

    @tool(needs_approval=True)
    async def get_weather(city: str) -> dict[str, Any]:
        """Get the weather."""
        ran.append(city)
        return {"city": city}

    asked: list[ToolCall] = []

    def approve(call: ToolCall) -> bool | Approval:
        asked.append(call)
        return True if call.args["city"] == "Paris" else Approval(False, "Berlin is off limits")

    async with AssistantClient(url) as client:
        conv = Conversation(
            runtime=runtime, thread_id=thread_id, tools=[get_weather], approve=approve
        )
        result = await run_flow(
            conv, conv.send("weather in Paris and Berlin"), client.threads(thread_id)
        )
    assert sorted(c.args["city"] for c in asked) == ["Berlin", "Paris"]
    assert ran == ["Paris"]
    assert result.requests == 2
    paris, berlin = result.tool_calls[:2]
    assert paris["approval"]["approved"] is True
    assert paris["result"] == {"city": "Paris"}
    assert berlin["approval"] == {
        "id": berlin["approval"]["id"],
        "approved": False,
        "reason": "Berlin is off limits",
    }
    assert berlin["result"] == {"error": "Berlin is off limits"}
    assert berlin["isError"] is True
    follow_up = bodies()[1]
    if runtime == "data-stream":
        outputs = [r["output"] for r in follow_up["messages"][2]["content"]]
        assert outputs == [
            {"type": "json", "value": {"city": "Paris"}},
            {"type": "error-json", "value": {"error": "Berlin is off limits"}},
        ]
    elif runtime == "ai-sdk":
        parts = [p for p in follow_up["messages"][-1]["parts"] if p["type"] == "tool-get_weather"]
        assert [p["state"] for p in parts] == ["output-available", "output-denied"]
        assert parts[0]["approval"]["approved"] is True
        assert parts[1]["approval"] == {
            "id": parts[1]["approval"]["id"],
            "approved": False,
            "reason": "Berlin is off limits",
        }
    else:
        results = [c for c in follow_up["commands"] if c["type"] == "add-tool-result"]
        assert [(c["result"], c["isError"]) for c in results] == [
            ({"city": "Paris"}, False),
            ({"error": "Berlin is off limits"}, True),
        ]


async def test_assistant_transport_state_round_trip(
    backend: tuple[str, Any], thread_id: str
) -> None:
    url, bodies = backend
    async with AssistantClient(url) as client:
        thread = client.threads(thread_id)
        conv = Conversation(
            runtime="assistant-transport", thread_id=thread_id, state={"messages": []}
        )
        first = await run_flow(conv, conv.send("hello"), thread)
        state_after_first = first.state
        second = await run_flow(conv, conv.send("again"), thread)
    sent = bodies()
    assert sent[0]["state"] == {"messages": []}
    assert state_after_first != {"messages": []}  # the reply changed it ...
    assert sent[1]["state"] == state_after_first  # ... and exactly that went back
    assert conv.state == second.state
    assert second.message["metadata"]["unstable_state"] == conv.state


async def test_streaming_variant_yields_events_with_a_live_snapshot(
    demo_server: Any, thread_id: str
) -> None:
    seen: list[str] = []
    async with AssistantClient(demo_server.url) as client:
        conv = Conversation(runtime="data-stream", thread_id=thread_id)
        run = FlowRun(conv, conv.send("echo this please"), None, None)
        async for event in aiter_flow(run, client.threads(thread_id)):
            if isinstance(event, TextDelta):
                live = conv.messages[-1]
                assert live["role"] == "assistant"
                seen.append(
                    "".join(p.get("text", "") for p in live["parts"] if p["type"] == "text")
                )
    assert len(seen) > 1
    assert run.result is not None
    assert run.result is conv.last_result
    assert seen[-1] == run.result.text
    assert all(seen[i + 1].startswith(seen[i]) for i in range(len(seen) - 1))


async def test_leaving_the_streaming_variant_early_keeps_a_cancelled_reply(
    demo_server: Any, thread_id: str
) -> None:
    async with AssistantClient(demo_server.url) as client:
        conv = Conversation(runtime="data-stream", thread_id=thread_id)
        run = FlowRun(conv, conv.send("long"), None, None)
        events = aiter_flow(run, client.threads(thread_id))
        async for event in events:
            if isinstance(event, TextDelta):
                break
        await events.aclose()
    last = conv.messages[-1]
    assert last["role"] == "assistant"
    assert last["parts"][0]["text"]
    assert last["status"] == {"type": "incomplete", "reason": "cancelled"}
    assert not conv.in_flight


def test_sync_driver_runs_async_tools_and_callbacks(demo_server: Any, thread_id: str) -> None:
    @tool(needs_approval=True)
    async def get_weather(city: str) -> str:
        """Async tool."""
        await asyncio.sleep(0)
        return f"sunny in {city}"

    async def approve(call: ToolCall) -> bool:
        return True

    with AssistantClient(demo_server.url) as client:
        conv = Conversation(runtime="data-stream", thread_id=thread_id, tools=[get_weather])
        flow = conv.send("weather in Lisbon")
        result = run_flow_sync(conv, flow, client.threads(thread_id), approve=approve)
    assert result.tool_calls[0]["result"] == "sunny in Lisbon"
    assert result.requests == 2


@pytest.mark.parametrize("runtime", ["data-stream", "ai-sdk"])
async def test_cancel_during_a_tool_call_then_the_next_turn_is_accepted(
    demo_server: Any, thread_id: str, runtime: str
) -> None:
    started = asyncio.Event()

    @tool
    async def get_weather(city: str) -> str:
        """Never answers."""
        started.set()
        await asyncio.Event().wait()
        return "unreachable"

    async with AssistantClient(demo_server.url) as client:
        thread = client.threads(thread_id)
        conv = Conversation(runtime=runtime, thread_id=thread_id, tools=[get_weather])
        task = asyncio.create_task(run_flow(conv, conv.send("weather in Paris"), thread))
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert conv.messages[-1]["status"] == {"type": "incomplete", "reason": "cancelled"}
        result = await run_flow(conv, conv.send("hello again"), thread, approve=None)
    assert result.status["type"] == "complete"
    body = [r.body for r in demo_server.log.requests_for(thread_id)][-1]
    if runtime == "data-stream":
        assert body["messages"][2]["content"][0]["output"]["type"] == "error-json"
    else:
        call = next(p for p in body["messages"][1]["parts"] if p["type"] == "tool-get_weather")
        assert call["state"] == "output-error"
        assert call["errorText"] == CANCELLED_BY_NEW_MESSAGE


async def test_a_raising_tool_becomes_an_error_result_and_the_run_goes_on(
    demo_server: Any, thread_id: str
) -> None:
    @tool
    def get_weather(city: str) -> str:
        """Fails."""
        raise RuntimeError("weather service down")

    async with AssistantClient(demo_server.url) as client:
        conv = Conversation(runtime="data-stream", thread_id=thread_id, tools=[get_weather])
        result = await run_flow(conv, conv.send("weather in Rome"), client.threads(thread_id))
    assert result.requests == 2
    assert result.tool_calls[0]["result"] == {"error": "weather service down"}
    assert result.tool_calls[0]["isError"] is True
    follow_up = demo_server.log.requests_for(thread_id)[1].body
    assert follow_up["messages"][2]["content"][0]["output"] == {
        "type": "error-json",
        "value": {"error": "weather service down"},
    }


# ---------------------------------------------------------------------------
# The thread-facing methods, on the real ThreadClient


@pytest.mark.parametrize("runtime", RUNTIMES)
async def test_thread_methods_send_edit_regenerate_reset(
    demo_server: Any, thread_id: str, runtime: str
) -> None:
    async with AssistantClient(demo_server.url) as client:
        thread = client.threads(thread_id, runtime=runtime, tools=[get_weather])
        first = await thread.send("weather in Oslo")
        assert first.requests == 2
        assert "Oslo" in first.text
        user_id = thread.messages[0]["id"]
        second = await thread.send([{"type": "text", "text": "hello there"}])
        assert second.text
        assert len(thread.messages) == 4
        edited = await thread.edit(thread.messages[2]["id"], "hello again")
        assert [m["role"] for m in thread.messages] == ["user", "assistant", "user", "assistant"]
        assert thread.messages[2]["parts"] == [{"type": "text", "text": "hello again"}]
        assert thread.messages[0]["id"] == user_id
        assert edited.text
        again = await thread.regenerate()
        assert len(thread.messages) == 4
        assert thread.messages[-1]["id"] == again.message["id"]
        events = [e async for e in thread.send_stream("one more")]
        assert any(isinstance(e, TextDelta) for e in events)
        assert len(thread.messages) == 6
        thread.reset()
        assert thread.messages == []
    sent = [r.body for r in demo_server.log.requests_for(thread_id)]
    assert len(sent) == 6  # 2 for the tool run, then one each


def test_thread_methods_sync_twins(demo_server: Any, thread_id: str) -> None:
    with AssistantClient(demo_server.url) as client:
        thread = client.threads(thread_id, runtime="ai-sdk", tools=[get_weather])
        result = thread.send_sync({"role": "user", "content": "weather in Rome"})
        assert result.requests == 2
        assert any(isinstance(e, TextDelta) for e in thread.send_stream_sync("hi"))
        thread.regenerate_sync()
        thread.edit_sync(thread.messages[0]["id"], "weather in Nice")
        last = thread.conversation.last_result
        assert last is not None
        assert "Nice" in last.text
        assert thread.state is None


def test_an_approval_given_by_hand_then_resume_runs_the_tool() -> None:
    guarded = Tool.from_function(get_weather.function, needs_approval=True)  # type: ignore[arg-type]
    conv = Conversation(runtime="data-stream", tools=[guarded])
    stopped = drive(
        conv.send("weather"),
        tool_call_reply(("a", "get_weather", {"city": "Oslo"})),
        [ToolOutcome("a")],
    )[-1]
    assert stopped.status["type"] == "requires-action"
    conv.respond_to_approval("a", True)
    flow = conv.resume_tools()
    run = next(flow)
    assert isinstance(run, RunTools)
    assert run.calls[0].needs_approval is False  # already decided
    request = flow.send([ToolOutcome("a", reply=guarded.run({"city": "Oslo"}))])
    assert request.body["messages"][-1]["content"][0]["output"]["value"] == {
        "city": "Oslo",
        "temperature": 18,
    }
    with pytest.raises(InvalidRequestError):
        conv.respond_to_approval("nope", True)


async def test_a_server_error_frame_raises_and_keeps_the_partial_reply(
    demo_server: Any, thread_id: str
) -> None:
    async with AssistantClient(demo_server.url) as client:
        thread = client.threads(thread_id, runtime="data-stream")
        with pytest.raises(RemoteStreamError):
            await thread.send("please fail")
        last = thread.messages[-1]
        assert last["role"] == "assistant"
        assert last["parts"]
        assert last["status"]["type"] == "incomplete"
        assert last["status"]["reason"] == "error"
        assert not thread.conversation.in_flight
        result = await thread.send("hello")  # the thread is still usable
    assert result.status["type"] == "complete"


async def test_an_http_error_keeps_the_user_message_and_frees_the_thread(
    demo_server: Any, thread_id: str
) -> None:
    async with AssistantClient(demo_server.url) as client:
        thread = client.threads(thread_id, runtime="data-stream", path="/nope")
        with pytest.raises(NotFoundError):
            await thread.send("hello")
        assert [m["role"] for m in thread.messages] == ["user"]
        assert not thread.conversation.in_flight


@pytest.mark.parametrize("sync", [False, True], ids=["async", "sync"])
async def test_on_request_marks_where_each_response_of_a_tool_loop_starts(
    demo_server: Any, thread_id: str, sync: bool
) -> None:
    events: list[Any] = []
    marks: list[tuple[int, dict[str, Any]]] = []

    def on_request(step: SendRequest) -> None:
        marks.append((len(events), step.body))

    async with AssistantClient(demo_server.url) as client:
        thread = client.threads(thread_id, runtime="data-stream", tools=[get_weather])
        if sync:
            for event in thread.send_stream_sync("weather in Rome", on_request=on_request):
                events.append(event)
        else:
            async for event in thread.send_stream("weather in Rome", on_request=on_request):
                events.append(event)
    assert thread.conversation.last_result is not None
    assert len(marks) == thread.conversation.last_result.requests == 2
    starts = [index for index, _ in marks]
    assert starts[0] == 0  # before the first event
    assert 0 < starts[1] < len(events)  # between the two responses
    # Each response numbers its parts from 0: the mark is where that restarts.
    first_paths = [next(e.path for e in events[start:] if e.path) for start in starts]
    assert first_paths == [(0,), (0,)]
    assert len(marks[1][1]["messages"]) > len(marks[0][1]["messages"])


def test_an_unknown_run_option_is_refused_before_anything_changes() -> None:
    conv = Conversation(runtime="data-stream")
    with pytest.raises(TypeError, match="send\\(\\) got an unexpected keyword argument 'temp'"):
        conv.send("hi", temp=1)  # type: ignore[call-arg]
    assert conv.messages == []
    answer(conv.send("hi", max_steps=1), "hello")
    with pytest.raises(TypeError, match="regenerate\\(\\)"):
        conv.regenerate(sytem="typo")  # type: ignore[call-arg]
    assert [m["role"] for m in conv.messages] == ["user", "assistant"]
