"""The demo backend's replies have the AI SDK's step structure, in every encoding.

For each demo scenario, the same conversation (what the model says, with no
step boundaries) is played by the AI SDK's own ``streamText`` with its mock
model and encoded by ``toUIMessageStreamResponse()``: the SDK decides where
one step ends (after server-side tool results, the model is called again).
The demo's reply to the scenario's prompt, on every route and encoding, is
read by the pinned npm ``assistant-stream`` decoder of that encoding, and its
steps (each a list of part kinds) must equal the reference's. For the UI
message stream, the UIMessage the AI SDK's chat builds is compared too, and
the data stream and the UI message stream must end with the same message
finish reason (``useDataStreamRuntime`` continues a frontend tool only after
a message that finished with ``tool-calls``); and
``lastAssistantMessageIsCompleteWithToolCalls`` (what a stock
``useChatRuntime`` frontend resends on) must agree: a server-side tool never
makes a stock frontend send the conversation again.

The node side is ``reference_steps.mjs``.
"""

from __future__ import annotations

import base64
import json
import subprocess
from typing import Any

import httpx
import pytest
from differential_support import HERE, NODE_TIMEOUT_S, require_reference

from demo_bodies import body_for

pytest.importorskip("assistant_stream")

_SEARCH_RESULTS = {"results": [{"id": "src-1"}, {"id": "src-2"}]}

# prompt, and what a model would say for it, in order.
SCENARIOS: dict[str, tuple[str, list[dict[str, Any]]]] = {
    "echo": ("hello there", [{"text": "You said: hello there"}]),
    "reasoning": ("think about tea", [{"reasoning": "Let me think."}, {"text": "42."}]),
    "frontend-tool": (
        "weather in Paris",
        [{"text": "Let me check."}, {"tool": "get_weather", "input": {"city": "Paris"}}],
    ),
    "frontend-tools": (
        "weather in Paris and Berlin",
        [
            {"text": "Let me check."},
            {"tool": "get_weather", "input": {"city": "Paris"}},
            {"tool": "get_weather", "input": {"city": "Berlin"}},
        ],
    ),
    "search": (
        "search python",
        [
            {"tool": "search", "input": {"query": "python"}, "output": _SEARCH_RESULTS},
            {"source": {"id": "src-1", "url": "https://example.com/1", "title": "One"}},
            {"source": {"id": "src-2", "url": "https://example.com/2", "title": "Two"}},
            {"text": "I searched [1] [2]."},
        ],
    ),
    "calculator": (
        "what is 6 * 7",
        [
            {"tool": "calculator", "input": {"expression": "6 * 7"}, "output": {"value": 42}},
            {"text": "6 * 7 = 42."},
        ],
    ),
    "calculator-error": (
        "calculate 1 / 0",
        [
            {"tool": "calculator", "input": {"expression": "1 / 0"}, "error": "division by zero"},
            {"text": "No value."},
        ],
    ),
    "long": ("something long", [{"text": "Paragraph 1."}]),
}

# route name: (encoding, path, body flavour)
ROUTES = {
    "data-stream": ("data-stream", "/api/chat", "data-stream"),
    "ui-chat": ("ui-message-stream", "/api/ui-chat", "ai-sdk"),
    "chat-ai-sdk-body": ("ui-message-stream", "/api/chat", "ai-sdk"),
    "assistant-transport-data-stream": ("data-stream", "/assistant", "assistant-transport"),
    "assistant-transport-sse": (
        "assistant-transport",
        "/assistant?protocol=assistant-transport",
        "assistant-transport",
    ),
}


@pytest.fixture(scope="module")
def structures(demo_server: Any) -> dict[str, Any]:
    """Steps of every demo reply and of every reference conversation, one node run."""
    require_reference()
    bodies = []
    for scenario, (prompt, _) in SCENARIOS.items():
        for route, (encoding, path, flavour) in ROUTES.items():
            body = body_for(flavour, prompt, f"steps-{scenario}-{route}")
            content = httpx.post(demo_server.url + path, json=body, timeout=30).content
            bodies.append(
                {
                    "id": f"{scenario}/{route}",
                    "encoding": encoding,
                    "body_b64": base64.b64encode(content).decode("ascii"),
                }
            )
    conversations = [{"id": name, "items": items} for name, (_, items) in SCENARIOS.items()]
    run = subprocess.run(
        ["node", str(HERE / "reference_steps.mjs")],
        input=json.dumps({"bodies": bodies, "conversations": conversations}),
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT_S,
        check=False,
        cwd=HERE,
    )
    assert run.returncode == 0, run.stderr
    result: dict[str, Any] = json.loads(run.stdout)
    return result


def test_the_reference_splits_steps_after_server_tools(structures: dict[str, Any]) -> None:
    """The oracle itself: the AI SDK ends a step after a server-side tool only."""
    reference = structures["conversations"]
    assert reference["calculator"]["chunkSteps"] == [["tool:calculator:answered"], ["text"]]
    assert reference["calculator"]["resends"] is False
    assert reference["frontend-tool"]["chunkSteps"] == [["text", "tool:get_weather:open"]]
    assert reference["frontend-tool"]["finish"] == "tool-calls"
    assert reference["echo"]["chunkSteps"] == [["text"]]


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_demo_steps_match_the_ai_sdk(structures: dict[str, Any], scenario: str, route: str) -> None:
    reference = structures["conversations"][scenario]
    demo = structures["bodies"][f"{scenario}/{route}"]
    assert reference["error"] is None
    assert demo["error"] is None
    assert demo["chunkSteps"] == reference["chunkSteps"]
    if ROUTES[route][0] != "assistant-transport":
        # The message finish (the data stream's "d:" frame, the UI stream's
        # "finish") is what useDataStreamRuntime continues a frontend tool on;
        # assistant-stream has no such chunk in its assistant-transport encoding.
        assert demo["finish"] == reference["finish"]
    if ROUTES[route][0] == "ui-message-stream":
        assert demo["uiError"] is None
        assert demo["uiSteps"] == reference["uiSteps"]
        assert demo["resends"] is reference["resends"]


@pytest.mark.parametrize("scenario", ["search", "calculator", "calculator-error"])
def test_a_server_side_tool_is_not_resent_by_a_stock_frontend(
    structures: dict[str, Any], scenario: str
) -> None:
    for route in ("ui-chat", "chat-ai-sdk-body"):
        assert structures["bodies"][f"{scenario}/{route}"]["resends"] is False
