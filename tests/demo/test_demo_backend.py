"""The embedded demo backend, over real HTTP on 127.0.0.1.

The replies are read with two tiny frame readers below (one JSON value per
data-stream line or SSE event), so these tests check the backend alone and
do not depend on the library's decoders.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from typing import Any

import httpx
import pytest

pytest.importorskip("assistant_stream")

from assistant_ui.demo.turns import read_turn

# -- frame readers -------------------------------------------------------------


def data_stream_frames(body: str) -> list[tuple[str, Any]]:
    """``code:json`` lines of a data stream (blank keep-alive lines skipped)."""
    frames = []
    for line in body.splitlines():
        if line.strip():
            code, _, payload = line.partition(":")
            frames.append((code, json.loads(payload)))
    return frames


def sse_frames(body: str) -> list[Any]:
    """The JSON data of each SSE event; ``"[DONE]"`` kept as a string."""
    events = []
    for block in body.split("\n\n"):
        data = [line[len("data: ") :] for line in block.split("\n") if line.startswith("data: ")]
        if data:
            text = "\n".join(data)
            events.append(text if text == "[DONE]" else json.loads(text))
    return events


def text_of(frames: list[tuple[str, Any]]) -> str:
    return "".join(value for code, value in frames if code == "0")


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": [{"type": "text", "text": text}]}


def post(server: Any, path: str, body: Any, **kwargs: Any) -> httpx.Response:
    return httpx.post(server.url + path, json=body, timeout=10, **kwargs)


def said(server: Any, thread_id: str, text: str) -> list[tuple[str, Any]]:
    """The data-stream frames of the reply to one user message on /api/chat."""
    body = {"threadId": thread_id, "messages": [user(text)]}
    return data_stream_frames(post(server, "/api/chat", body).text)


# -- request flavours ----------------------------------------------------------


def test_data_stream_body_gets_a_data_stream_with_the_marker_header(demo_server, thread_id):
    body = {"messages": [user("hello")], "tools": {}, "threadId": thread_id, "runConfig": {}}
    response = post(demo_server, "/api/chat", body)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["x-vercel-ai-data-stream"] == "v1"
    frames = data_stream_frames(response.text)
    assert frames[0][0] == "f"
    assert text_of(frames) == "You said: hello"
    assert frames[-2:] == [
        (
            "e",
            {
                "finishReason": "stop",
                "usage": {"inputTokens": 1, "outputTokens": 3},
                "isContinued": False,
            },
        ),
        # The AI SDK's message finish, summing the steps (one here).
        ("d", {"finishReason": "stop", "usage": {"inputTokens": 1, "outputTokens": 3}}),
    ]


def test_sync_server_body_with_legacy_messages_and_commands(demo_server, thread_id):
    # What the original client sends: legacy messages and the same as commands.
    body = {
        "threadId": thread_id,
        "messages": [user("hi there")],
        "commands": [
            {
                "type": "add-message",
                "message": {"role": "user", "parts": [{"type": "text", "text": "hi there"}]},
            }
        ],
    }
    frames = data_stream_frames(post(demo_server, "/api/chat", body).text)
    assert text_of(frames) == "You said: hi there"


def test_ai_sdk_body_gets_a_ui_message_stream(demo_server, thread_id):
    body = {
        "tools": {},
        "id": thread_id,
        "messages": [{"id": "u1", "role": "user", "parts": [{"type": "text", "text": "hello"}]}],
        "trigger": "submit-message",
    }
    response = post(demo_server, "/api/chat", body)
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["x-vercel-ai-ui-message-stream"] == "v1"
    assert response.headers["cache-control"] == "no-cache"
    events = sse_frames(response.text)
    assert events[0]["type"] == "start"
    assert events[-2:] == [{"type": "finish", "finishReason": "stop"}, "[DONE]"]
    types = [e["type"] for e in events[:-1]]
    assert types[:3] == ["start", "start-step", "text-start"]
    assert types[-3:] == ["text-end", "finish-step", "finish"]
    assert "".join(e["delta"] for e in events[:-1] if e["type"] == "text-delta") == (
        "You said: hello"
    )


def test_ui_chat_route_always_answers_with_the_ui_stream(demo_server, thread_id):
    body = {"threadId": thread_id, "messages": [user("hello")]}
    response = post(demo_server, "/api/ui-chat", body)
    assert response.headers["x-vercel-ai-ui-message-stream"] == "v1"
    assert sse_frames(response.text)[-1] == "[DONE]"


def test_ai_sdk_continuation_keeps_the_assistant_message_id(demo_server, thread_id):
    body = {
        "id": thread_id,
        "messageId": "assistant-7",
        "trigger": "submit-message",
        "messages": [{"id": "u1", "role": "user", "parts": [{"type": "text", "text": "hi"}]}],
    }
    events = sse_frames(post(demo_server, "/api/chat", body).text)
    assert events[0] == {"type": "start", "messageId": "assistant-7"}


def assistant_transport_body(text: str, state: Any, thread_id: str) -> dict[str, Any]:
    return {
        "commands": [
            {
                "type": "add-message",
                "message": {
                    "role": "user",
                    "id": "Xk2c9Qa",
                    "parts": [{"type": "text", "text": text}],
                },
                "parentId": None,
                "sourceId": None,
            }
        ],
        "state": state,
        "threadId": thread_id,
    }


def apply_ops(state: Any, operations: list[dict[str, Any]]) -> Any:
    """Minimal state-operation applier (docs/protocols.md §3.10), enough for the demo."""
    for op in operations:
        if not op["path"]:
            state = op["value"]
            continue
        target = state
        for key in op["path"][:-1]:
            target = target[int(key)] if isinstance(target, list) else target[key]
        last = op["path"][-1]
        if isinstance(target, list):
            index = int(last)
            if op["type"] == "set":
                if index == len(target):
                    target.append(op["value"])
                else:
                    target[index] = op["value"]
            else:
                target[index] += op["value"]
        elif op["type"] == "set":
            target[last] = op["value"]
        else:
            target[last] += op["value"]
    return state


def test_assistant_transport_keeps_messages_in_state_over_the_data_stream(demo_server, thread_id):
    state = {"messages": [{"role": "user", "content": "earlier"}]}
    response = post(demo_server, "/assistant", assistant_transport_body("hello", state, thread_id))
    frames = data_stream_frames(response.text)
    operations = [op for code, value in frames if code == "aui-state" for op in value]
    assert {op["type"] for op in operations} == {"set", "append-text"}
    final = apply_ops(json.loads(json.dumps(state)), operations)
    assert final["messages"] == [
        {"role": "user", "content": "earlier"},
        {"role": "user", "content": "hello"},
        {"role": "assistant", "content": "You said: hello"},
    ]


def test_assistant_transport_state_holds_a_server_side_tool_result(demo_server, thread_id):
    body = assistant_transport_body("calculate 6 * 7", {"messages": []}, thread_id)
    frames = data_stream_frames(post(demo_server, "/assistant", body).text)
    operations = [op for code, value in frames if code == "aui-state" for op in value]
    final = apply_ops({"messages": []}, operations)
    assistant = final["messages"][-1]
    assert assistant["content"] == "6 * 7 = 42."
    assert [(c["toolName"], c["args"], c["result"]) for c in assistant["toolCalls"]] == [
        ("calculator", {"expression": "6 * 7"}, {"value": 42})
    ]


def test_assistant_transport_state_holds_the_search_sources(demo_server, thread_id):
    body = assistant_transport_body("search python", {"messages": []}, thread_id)
    frames = data_stream_frames(post(demo_server, "/assistant", body).text)
    operations = [op for code, value in frames if code == "aui-state" for op in value]
    assistant = apply_ops({"messages": []}, operations)["messages"][-1]
    assert [s["id"] for s in assistant["sources"]] == ["src-1", "src-2"]
    assert "result" in assistant["toolCalls"][0]


def test_assistant_transport_sse_when_asked(demo_server, thread_id):
    response = post(
        demo_server,
        "/assistant?protocol=assistant-transport",
        assistant_transport_body("hello", None, thread_id),
    )
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse_frames(response.text)
    assert events[-1] == "[DONE]"
    chunks = events[:-1]
    assert {"type": "part-start", "part": {"type": "text"}, "path": []} in chunks
    text = "".join(c["textDelta"] for c in chunks if c["type"] == "text-delta")
    assert text == "You said: hello"
    operations = [op for c in chunks if c["type"] == "update-state" for op in c["operations"]]
    assert apply_ops(None, operations)["messages"][-1] == {
        "role": "assistant",
        "content": "You said: hello",
    }


def test_chat_path_recognises_an_assistant_transport_body(demo_server, thread_id):
    frames = data_stream_frames(
        post(
            demo_server, "/api/chat", assistant_transport_body("yo", {"messages": []}, thread_id)
        ).text
    )
    assert any(code == "aui-state" for code, _ in frames)


# -- behaviours ----------------------------------------------------------------


def test_reasoning_comes_before_the_answer(demo_server, thread_id):
    frames = said(demo_server, thread_id, "think about tea")
    codes = [code for code, _ in frames]
    assert "g" in codes
    assert codes.index("g") < codes.index("0")
    assert max(i for i, c in enumerate(codes) if c == "g") < codes.index("0")


def test_frontend_weather_tool_is_left_for_the_client(demo_server, thread_id):
    frames = said(demo_server, thread_id, "weather in Paris")
    starts = [value for code, value in frames if code == "b"]
    assert [s["toolName"] for s in starts] == ["get_weather"]
    args = "".join(v["argsTextDelta"] for code, v in frames if code == "c")
    assert json.loads(args) == {"city": "Paris"}
    assert not any(code == "a" for code, _ in frames)
    # Every argument delta arrives before the step finish closes the call.
    codes = [code for code, _ in frames]
    assert codes[-2:] == ["e", "d"]
    # The message finishes with tool-calls: useDataStreamRuntime continues on it.
    assert frames[-2][1]["finishReason"] == frames[-1][1]["finishReason"] == "tool-calls"


def test_two_cities_make_two_calls(demo_server, thread_id):
    frames = said(demo_server, thread_id, "What's the weather in Paris and Berlin?")
    starts = [value for code, value in frames if code == "b"]
    assert len(starts) == 2
    args: dict[str, str] = {}
    for code, value in frames:
        if code == "c":
            args[value["toolCallId"]] = args.get(value["toolCallId"], "") + value["argsTextDelta"]
    assert sorted(json.loads(a)["city"] for a in args.values()) == ["Berlin", "Paris"]


def test_weather_in_the_ui_stream_ends_with_tool_calls(demo_server, thread_id):
    body = {
        "id": thread_id,
        "trigger": "submit-message",
        "messages": [
            {"id": "u1", "role": "user", "parts": [{"type": "text", "text": "weather in Rome"}]}
        ],
    }
    events = sse_frames(post(demo_server, "/api/chat", body).text)
    available = [e for e in events[:-1] if e["type"] == "tool-input-available"]
    assert available == [
        {
            "type": "tool-input-available",
            "toolCallId": available[0]["toolCallId"],
            "toolName": "get_weather",
            "input": {"city": "Rome"},
        }
    ]
    assert events[-2] == {"type": "finish", "finishReason": "tool-calls"}


WEATHER = {"temperature": 18, "condition": "sunny"}


def follow_up_bodies(thread_id: str) -> dict[str, tuple[str, dict[str, Any]]]:
    call = "call_f1"
    question = user("weather in Paris")
    return {
        "data-stream v2": (
            "/api/chat",
            {
                "threadId": thread_id,
                "tools": {},
                "messages": [
                    question,
                    {
                        "role": "assistant",
                        "content": [
                            {
                                "type": "tool-call",
                                "toolCallId": call,
                                "toolName": "get_weather",
                                "input": {"city": "Paris"},
                            }
                        ],
                    },
                    {
                        "role": "tool",
                        "content": [
                            {
                                "type": "tool-result",
                                "toolCallId": call,
                                "toolName": "get_weather",
                                "output": {"type": "json", "value": WEATHER},
                            }
                        ],
                    },
                ],
            },
        ),
        "legacy v1": (
            "/api/chat",
            {
                "threadId": thread_id,
                "messages": [
                    question,
                    {
                        "role": "assistant",
                        "content": [
                            {
                                "type": "tool-call",
                                "toolCallId": call,
                                "toolName": "get_weather",
                                "args": {"city": "Paris"},
                            }
                        ],
                    },
                    {
                        "role": "tool",
                        "content": [
                            {
                                "type": "tool-result",
                                "toolCallId": call,
                                "toolName": "get_weather",
                                "result": WEATHER,
                            }
                        ],
                    },
                ],
            },
        ),
        "ui message": (
            "/api/chat",
            {
                "id": thread_id,
                "trigger": "submit-message",
                "messageId": "a1",
                "messages": [
                    {
                        "id": "u1",
                        "role": "user",
                        "parts": [{"type": "text", "text": "weather in Paris"}],
                    },
                    {
                        "id": "a1",
                        "role": "assistant",
                        "parts": [
                            {"type": "step-start"},
                            {
                                "type": "tool-get_weather",
                                "toolCallId": call,
                                "state": "output-available",
                                "input": {"city": "Paris"},
                                "output": WEATHER,
                            },
                        ],
                    },
                ],
            },
        ),
        "assistant-transport": (
            "/assistant",
            {
                "commands": [
                    {
                        "type": "add-tool-result",
                        "toolCallId": call,
                        "toolName": "get_weather",
                        "result": dict(WEATHER, city="Paris"),
                        "isError": False,
                    }
                ],
                "state": {"messages": []},
                "threadId": thread_id,
            },
        ),
        "sync-server command": (
            "/api/chat",
            {
                "threadId": thread_id,
                "commands": [
                    {
                        "type": "add-tool-result",
                        "toolCallId": call,
                        "toolName": "get_weather",
                        "result": dict(WEATHER, city="Paris"),
                        "artifact": None,
                    }
                ],
            },
        ),
    }


@pytest.mark.parametrize(
    "shape",
    ["data-stream v2", "legacy v1", "ui message", "assistant-transport", "sync-server command"],
)
def test_tool_result_follow_up_in_every_shape(demo_server, thread_id, shape):
    path, body = follow_up_bodies(thread_id)[shape]
    response = post(demo_server, path, body)
    if shape == "ui message":
        events = sse_frames(response.text)
        text = "".join(e["delta"] for e in events[:-1] if e["type"] == "text-delta")
    else:
        text = text_of(data_stream_frames(response.text))
    assert text == "It is 18°C and sunny in Paris."


def test_denied_approval_is_acknowledged(demo_server, thread_id):
    body = {
        "id": thread_id,
        "trigger": "submit-message",
        "messages": [
            {"id": "u1", "role": "user", "parts": [{"type": "text", "text": "delete my files"}]},
            {
                "id": "a1",
                "role": "assistant",
                "parts": [
                    {
                        "type": "tool-delete_files",
                        "toolCallId": "c9",
                        "state": "approval-responded",
                        "input": {},
                        "approval": {"id": "ap1", "approved": False, "reason": "too risky"},
                    }
                ],
            },
        ],
    }
    events = sse_frames(post(demo_server, "/api/chat", body).text)
    text = "".join(e["delta"] for e in events[:-1] if e["type"] == "text-delta")
    assert text == "You denied delete_files (reason: too risky), so I did not run it."


def test_server_side_tool_with_sources(demo_server, thread_id):
    frames = said(demo_server, thread_id, "search python")
    codes = [code for code, _ in frames]
    assert codes.index("b") < codes.index("a") < codes.index("h") < codes.index("0")
    result = next(v for code, v in frames if code == "a")
    assert len(result["result"]["results"]) == 2
    sources = [v for code, v in frames if code == "h"]
    assert [s["id"] for s in sources] == ["src-1", "src-2"]
    assert "[1]" in text_of(frames)
    assert "[2]" in text_of(frames)


def test_calculator_tool(demo_server, thread_id):
    frames = said(demo_server, thread_id, "calculate 6 * 7")
    assert next(v for code, v in frames if code == "a")["result"] == {"value": 42}
    assert text_of(frames) == "6 * 7 = 42."


def test_fail_sends_an_error_chunk_and_ends_cleanly(demo_server, thread_id):
    frames = said(demo_server, thread_id, "please fail")
    assert ("3", "The demo backend failed on request.") in frames
    assert frames[-1][1]["finishReason"] == "error"


def test_crash_sends_the_error_frame_then_cuts_the_connection(demo_server, thread_id):
    received: list[str] = []

    def read_all() -> None:
        body = {"threadId": thread_id, "messages": [user("crash")]}
        with httpx.stream("POST", demo_server.url + "/api/chat", json=body, timeout=10) as response:
            received.extend(response.iter_lines())

    with pytest.raises(httpx.RemoteProtocolError):
        read_all()
    assert '3:"The demo backend crashed on request."' in received


def test_long_reply(demo_server, thread_id):
    text = text_of(said(demo_server, thread_id, "write something long"))
    assert len(text.split()) > 2000
    assert text.startswith("Paragraph 1.")


# -- cancellation, disconnects, resumption --------------------------------------------


def test_client_disconnect_is_noticed_and_recorded(demo_server, thread_id):
    with httpx.stream(
        "POST",
        demo_server.url + "/api/chat",
        timeout=10,
        json={"threadId": thread_id, "messages": [user("hang on")]},
    ) as response:
        first = next(response.iter_lines())
        assert first.startswith("f:")
    # Leaving the block closed the connection mid-run.
    assert demo_server.log.wait_for_disconnect(thread_id)


async def test_cancel_endpoint_stops_the_run(demo_server, thread_id):
    async with httpx.AsyncClient(base_url=demo_server.url, timeout=10) as client:
        body = {"threadId": thread_id, "messages": [user("wait for me")]}
        async with client.stream("POST", "/api/chat", json=body) as response:
            lines = response.aiter_lines()
            assert (await anext(lines)).startswith("f:")
            status = await client.get(f"/status/{thread_id}")
            assert status.json() == {"isRunning": True}
            cancel = await client.post("/api/cancel", json={"threadId": thread_id})
            assert cancel.json() == {"cancelled": True}
            rest = [line async for line in lines]
        # The run stopped writing and the body ended cleanly (no read error).
        assert text_of(data_stream_frames("\n".join(rest))) == "Working on it"
        status = await client.get(f"/status/{thread_id}")
        assert status.json() == {"isRunning": False}
    assert thread_id in demo_server.log.cancels
    assert thread_id not in demo_server.log.disconnects


def test_cancel_without_a_run(demo_server, thread_id):
    response = post(demo_server, "/api/cancel", {"threadId": thread_id})
    assert response.json() == {"cancelled": False}
    assert post(demo_server, "/api/cancel", {"nothing": 1}).status_code == 400


def test_resumable_stream_replays_the_same_bytes(demo_server, thread_id):
    body = {"threadId": thread_id, "messages": [user("think about resuming")]}
    response = post(demo_server, "/api/chat/resumable", body)
    stream_id = response.headers["x-resumable-stream-id"]
    replay = httpx.get(f"{demo_server.url}/api/chat/resume/{stream_id}", timeout=10)
    assert replay.status_code == 200
    assert replay.headers["x-resumable-stream-id"] == stream_id
    assert replay.content == response.content
    assert text_of(data_stream_frames(replay.text)).startswith("After thinking it over")


def test_assistant_transport_resume_replays_a_run_the_client_left(demo_server, thread_id):
    state = {"messages": []}
    body = assistant_transport_body("wait for it", state, thread_id)
    with httpx.stream(
        "POST", demo_server.url + "/assistant/resumable", json=body, timeout=10
    ) as response:
        run_id = response.headers["x-resumable-stream-id"]
        assert next(response.iter_lines()).startswith("aui-state:")
    # Resumable: the producer keeps running after the client left (4.2).
    preflight = post(demo_server, "/assistant/resume-state", {"threadId": thread_id})
    assert preflight.json() == {"runId": run_id, "state": state}
    resume_body = {"commands": [], "runId": run_id, "threadId": thread_id}
    with httpx.stream(
        "POST", demo_server.url + "/assistant/resume", json=resume_body, timeout=10
    ) as replay:
        lines = replay.iter_lines()
        received = [next(lines)]
        while "it" not in received[-1]:
            received.append(next(lines))
        # The run waits until cancelled; stop it so the replay ends.
        assert post(demo_server, "/api/cancel", {"threadId": thread_id}).json() == {
            "cancelled": True
        }
        received += list(lines)
    frames = data_stream_frames("\n".join(received))
    assert text_of(frames) == "Working on it"
    operations = [op for code, value in frames if code == "aui-state" for op in value]
    assert apply_ops({"messages": []}, operations)["messages"] == [
        {"role": "user", "content": "wait for it"},
        {"role": "assistant", "content": "Working on it"},
    ]
    assert thread_id not in demo_server.log.disconnects
    # Finished: nothing left to resume.
    assert post(demo_server, "/assistant/resume-state", {"threadId": thread_id}).status_code == 204
    assert post(demo_server, "/assistant/resume", {"threadId": thread_id}).status_code == 204


def test_resuming_an_unknown_stream_is_404(demo_server):
    response = httpx.get(f"{demo_server.url}/api/chat/resume/nope", timeout=10)
    assert response.status_code == 404
    assert response.json() == {"error": "stream not found"}


def test_ai_sdk_reconnect_without_an_active_stream_is_204(demo_server, thread_id):
    response = httpx.get(f"{demo_server.url}/api/chat/{thread_id}/stream", timeout=10)
    assert response.status_code == 204


# -- bookkeeping and errors ------------------------------------------------------------


def test_every_request_is_recorded_with_headers_and_body(demo_server, thread_id):
    body = {"threadId": thread_id, "messages": [user("log me")]}
    post(demo_server, "/api/chat?x=1", body, headers={"Authorization": "Bearer t0ken"})
    (recorded,) = demo_server.log.requests_for(thread_id)
    assert recorded.method == "POST"
    assert recorded.path == "/api/chat"
    assert recorded.query == {"x": "1"}
    assert recorded.headers["authorization"] == "Bearer t0ken"
    assert recorded.body == body


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not JSON"),
        (b"[1, 2]", "must be a JSON object"),
    ],
)
def test_bad_bodies_get_a_400_that_says_why(demo_server, content, message):
    response = httpx.post(demo_server.url + "/api/chat", content=content, timeout=10)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_bad_protocol_and_delay_are_rejected(demo_server, thread_id):
    body = {"threadId": thread_id, "messages": [user("x")]}
    assert (
        "protocol must be one of"
        in post(demo_server, "/api/chat?protocol=nope", body).json()["error"]
    )
    assert "delay must be" in post(demo_server, "/api/chat?delay=-1", body).json()["error"]


def test_cors_preflight_from_the_default_dev_origin(demo_server):
    response = httpx.options(
        demo_server.url + "/api/chat",
        timeout=10,
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://localhost:3000"


async def test_cors_origins_are_configurable():
    from assistant_ui.demo import create_app

    app = create_app(delay=0, cors_origins=["https://chat.example"])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://demo") as client:
        ok = await client.get("/api/health", headers={"Origin": "https://chat.example"})
        other = await client.get("/api/health", headers={"Origin": "http://localhost:3000"})
    assert ok.headers["access-control-allow-origin"] == "https://chat.example"
    assert "access-control-allow-origin" not in other.headers


def test_pace_is_configurable_per_request(demo_server, thread_id):
    # A delay makes the run long enough to be seen running from another thread.
    seen: list[bool] = []

    def poll() -> None:
        demo_server.log.wait_for(lambda log: bool(log.requests_for(thread_id)), 10)
        seen.append(
            httpx.get(f"{demo_server.url}/status/{thread_id}", timeout=10).json()["isRunning"]
        )

    poller = threading.Thread(target=poll)
    poller.start()
    response = post(
        demo_server,
        "/api/chat?delay=0.05",
        {"threadId": thread_id, "messages": [user("a b c d e f")]},
    )
    poller.join()
    assert text_of(data_stream_frames(response.text)) == "You said: a b c d e f"
    assert seen == [True]


# -- request parsing (pure) --------------------------------------------------------------


def test_read_turn_on_the_protocol_examples():
    data_stream = read_turn(
        {
            "system": "Be brief.",
            "messages": [user("Weather in Berlin?")],
            "tools": {},
            "threadId": "t",
            "unstable_assistantMessageId": "k3",
        }
    )
    assert (data_stream.flavour, data_stream.user_text, data_stream.message_id) == (
        "data-stream",
        "Weather in Berlin?",
        "k3",
    )
    ui = read_turn(
        {
            "id": "thread_abc",
            "trigger": "submit-message",
            "messages": [{"id": "m", "role": "user", "parts": [{"type": "text", "text": "Hi"}]}],
        }
    )
    assert (ui.flavour, ui.thread_id, ui.user_text) == ("ui-message", "thread_abc", "Hi")
    transport = read_turn(assistant_transport_body("Hi", {"messages": []}, "t2"))
    assert (transport.flavour, transport.user_text, transport.state) == (
        "assistant-transport",
        "Hi",
        {"messages": []},
    )


def test_a_new_user_message_supersedes_older_tool_results():
    turn = read_turn(
        {
            "messages": [
                user("weather in Paris"),
                {
                    "role": "tool",
                    "content": [{"type": "tool-result", "toolCallId": "c", "result": 1}],
                },
                user("thanks"),
            ]
        }
    )
    assert turn.user_text == "thanks"
    assert not turn.is_follow_up


def test_read_turn_rejects_a_non_object():
    with pytest.raises(ValueError, match="JSON object"):
        read_turn([1])


# -- packaging --------------------------------------------------------------------------


def test_runner_and_package_import_without_assistant_stream():
    code = (
        "import sys; sys.modules['assistant_stream'] = None\n"
        "import assistant_ui.demo.runner, assistant_ui.demo as demo\n"
        "try:\n    demo.create_app()\n"
        "except demo.MissingDemoExtraError as exc:\n    print(exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "pip install 'assistant-ui-sync-server-api[demo]'" in result.stdout


def test_a_bounded_log_keeps_the_newest_entries():
    from assistant_ui.demo.recording import DemoLog

    log = DemoLog(max_entries=2)
    for thread in ("a", "b", "c"):
        log.record_disconnect(thread)
    assert log.disconnects == ["b", "c"]
    assert log.wait_for(lambda seen: "c" in seen.disconnects, timeout=0)
    assert not log.wait_for(lambda seen: "a" in seen.disconnects, timeout=0.01)


async def test_ui_message_stream_encoder_maps_every_chunk_kind():
    from assistant_stream.assistant_stream_chunk import (
        AnnotationsChunk,
        DataChunk,
        ErrorChunk,
        FileChunk,
        StepFinishChunk,
        StepStartChunk,
        ToolCallBeginChunk,
        ToolCallDeltaChunk,
        ToolResultChunk,
        UpdateStateChunk,
    )

    from assistant_ui.demo.ui_message_stream import UIMessageStreamEncoder

    async def chunks():
        yield StepStartChunk(message_id="m")
        yield FileChunk(data="data:image/png;base64,AA==", mime_type="image/png")
        yield DataChunk(data={"progress": 1})
        yield AnnotationsChunk(annotations=[{"a": 1}])
        yield UpdateStateChunk(operations=[{"type": "set", "path": [], "value": 1}])
        yield ToolCallBeginChunk(tool_call_id="c1", tool_name="broken")
        yield ToolCallDeltaChunk(tool_call_id="c1", args_text_delta="{not json")
        yield ToolCallBeginChunk(tool_call_id="c2", tool_name="fails")
        yield ToolResultChunk(tool_call_id="c2", result={"why": "no"}, is_error=True)
        yield StepFinishChunk(finish_reason="stop")
        yield StepStartChunk(message_id="m")
        yield ErrorChunk(error="boom")

    pieces = [p async for p in UIMessageStreamEncoder("m1").encode_stream(chunks())]
    events = sse_frames("".join(pieces))
    assert events[-1] == "[DONE]"
    assert [e["type"] for e in events[:-1]] == [
        "start",
        "start-step",
        "file",
        "data-demo",
        "message-metadata",
        "tool-input-start",
        "tool-input-delta",
        "tool-input-start",
        "tool-input-available",
        "tool-output-error",
        "tool-input-error",
        "finish-step",
        "start-step",
        "error",
        "finish-step",
        "finish",
    ]
    by_type = {e["type"]: e for e in events[:-1]}
    assert by_type["start"] == {"type": "start", "messageId": "m1"}
    assert by_type["file"] == {"type": "file", "url": "data:image/png;base64,AA==",
                               "mediaType": "image/png"}  # fmt: skip
    assert by_type["tool-output-error"]["errorText"] == '{"why": "no"}'
    assert by_type["tool-input-error"]["input"] == "{not json"
    assert by_type["finish"] == {"type": "finish", "finishReason": "error"}
