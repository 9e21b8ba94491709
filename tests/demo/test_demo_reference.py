"""Every reply of the demo backend, read by the JavaScript reference.

What a real assistant-ui frontend does with the demo's replies: each body is
decoded by npm ``assistant-stream`` (the decoders and accumulator the React
runtimes use, strict, as they run) and, for the UI message stream, by the AI
SDK's own chat client (what ``useChatRuntime`` runs on). None may fail or
warn, and the library's own decoder must agree with the reference.

Needs Node and ``tests/differential/node_modules`` (``npm ci --prefix
tests/differential``); skipped without them.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("assistant_stream")

from assistant_ui._decoding import decode_stream
from demo_bodies import body_for

DIFFERENTIAL = Path(__file__).resolve().parent.parent / "differential"
SCRIPT = DIFFERENTIAL / "reference_decode.mjs"

PROMPTS = {
    "echo": "hello there",
    "reasoning": "think about tea",
    "frontend-tools": "weather in Paris and Berlin",
    "server-tool-and-sources": "search python",
    "calculator": "calculate 6 * 7",
    "error": "please fail",
    "long": "something long",
}

# (encoding, path, body builder)
ROUTES = {
    "data-stream": ("data-stream", "/api/chat", "sync-server"),
    "ui-message-stream": ("ui-message-stream", "/api/ui-chat", "ai-sdk"),
    "assistant-transport-data-stream": ("data-stream", "/assistant", "assistant-transport"),
    "assistant-transport-sse": (
        "assistant-transport",
        "/assistant?protocol=assistant-transport",
        "assistant-transport",
    ),
}


def reference_missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not on PATH"
    for package in ("assistant-stream", "ai"):
        if not (DIFFERENTIAL / "node_modules" / package / "package.json").is_file():
            return f"tests/differential/node_modules/{package} is missing"
    return None


@pytest.fixture(scope="module")
def reference_results(demo_server) -> dict[str, tuple[bytes, str, Any, dict[str, Any]]]:
    """Every (scenario, route) body, decoded by the reference in one node run."""
    reason = reference_missing()
    if reason is not None:
        pytest.skip(f"the JavaScript reference cannot run: {reason}")
    captured: dict[str, tuple[bytes, str, Any]] = {}
    jobs = []
    for scenario, text in PROMPTS.items():
        for route, (encoding, path, flavour) in ROUTES.items():
            job_id = f"{scenario}/{route}"
            body = body_for(flavour, text, f"ref-{scenario}-{route}")
            content = httpx.post(demo_server.url + path, json=body, timeout=30).content
            state = body.get("state")
            captured[job_id] = (content, encoding, state)
            jobs.append(
                {
                    "id": job_id,
                    "encoding": encoding,
                    "body_b64": base64.b64encode(content).decode("ascii"),
                    "strict": True,
                    "initialState": state,
                    "uiMessage": encoding == "ui-message-stream",
                }
            )
    run = subprocess.run(
        ["node", str(SCRIPT)],
        input=json.dumps(jobs),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    results = {r["id"]: r for r in json.loads(run.stdout)}
    return {job_id: (*captured[job_id], results[job_id]) for job_id in captured}


def summary(message: dict[str, Any]) -> list[tuple[str, str]]:
    """Part types with their text (or tool name and arguments), for comparison."""
    out = []
    for part in message["parts"]:
        if part["type"] in ("text", "reasoning"):
            out.append((part["type"], part["text"]))
        elif part["type"] == "tool-call":
            out.append((part["type"], f"{part['toolName']} {part['argsText']}"))
        else:
            out.append((part["type"], part.get("url", "")))
    return out


JOB_IDS = [f"{scenario}/{route}" for scenario in PROMPTS for route in ROUTES]


@pytest.mark.parametrize("job_id", JOB_IDS)
def test_reference_reads_every_reply_without_error(reference_results, job_id):
    body, encoding, state, result = reference_results[job_id]
    assert result["error"] is None, body.decode()
    assert result["warnings"] == []
    ours = decode_stream(body, encoding=encoding, initial_state=state, strict=True)
    reference = result["message"]
    assert summary(ours.message) == summary(reference)
    assert ours.message["status"] == reference["status"]
    assert ours.state == reference["metadata"]["unstable_state"]


@pytest.mark.parametrize("scenario", [s for s in PROMPTS if s != "error"])
def test_the_ai_sdk_chat_builds_the_ui_message(reference_results, scenario):
    _, _, _, result = reference_results[f"{scenario}/ui-message-stream"]
    assert result["uiMessageError"] is None
    ui = result["uiMessage"]
    assert ui["role"] == "assistant"
    assert ui["parts"][0] == {"type": "step-start"}
    text = "".join(p["text"] for p in ui["parts"] if p["type"] == "text")
    assert text
    tools = [p for p in ui["parts"] if p["type"].startswith("tool-")]
    if scenario == "frontend-tools":
        assert [(p["state"], p["input"]) for p in tools] == [
            ("input-available", {"city": "Paris"}),
            ("input-available", {"city": "Berlin"}),
        ]
    if scenario == "server-tool-and-sources":
        assert [p["state"] for p in tools] == ["output-available"]
        assert [p["sourceId"] for p in ui["parts"] if p["type"] == "source-url"] == [
            "src-1",
            "src-2",
        ]


def test_the_ai_sdk_chat_reports_the_error_scenario(reference_results):
    _, _, _, result = reference_results["error/ui-message-stream"]
    assert result["uiMessageError"] == "The demo backend failed on request."
