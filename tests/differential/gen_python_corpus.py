"""Produce data-stream and assistant-transport bodies with the published Python encoders.

Every scenario is a ``create_run`` callback of the installed ``assistant-stream``
package (the release pinned in ``pyproject.toml``). Each callback is served once
through ``DataStreamResponse`` and once through ``AssistantTransportResponse``
and the bytes are captured through ``httpx.ASGITransport``, so the corpus is
exactly what such a server sends, including the cut connection after an
exception in the callback (docs/protocols.md §2.9).

Usage: ``python gen_python_corpus.py <output-dir>``; the test suite imports
:func:`generate` instead.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from assistant_stream import RunController, create_run
from assistant_stream.serialization.assistant_transport import AssistantTransportResponse
from assistant_stream.serialization.data_stream import DataStreamResponse
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

Callback = Callable[[RunController], Awaitable[None]]


@dataclass(frozen=True)
class Scenario:
    """One server behaviour, encoded with every Python encoder."""

    callback: Callback
    initial_state: Any = None
    # Streams that end without a terminator decode differently per mode, so
    # those scenarios are checked in both.
    modes: tuple[bool, ...] = (True,)
    heartbeat: float | bool = False
    notes: list[str] = field(default_factory=list)


async def _text(run: RunController) -> None:
    run.append_text("Hello")
    run.append_text(", world")
    run.append_text("!")


async def _reasoning(run: RunController) -> None:
    run.append_reasoning("Let me think")
    run.append_reasoning(" about it.")
    run.append_text("The answer is 42.")
    run.append_reasoning("Second thoughts.")
    run.append_text("Still 42.")


async def _tool_streamed_args_result(run: RunController) -> None:
    run.add_step_start("step_1")
    run.append_text("Checking the weather.")
    tool = await run.add_tool_call("get_weather", "call_weather")
    tool.append_args_text('{"city": ')
    tool.append_args_text('"Berl')
    tool.append_args_text('in", "unit": "C"}')
    tool.set_response({"temp": 20, "unit": "C"}, artifact={"source": "test"})
    run.add_step_finish("tool-calls", input_tokens=5, output_tokens=7)


async def _tool_error_result(run: RunController) -> None:
    tool = await run.add_tool_call("lookup", "call_err")
    tool.append_args_text('{"id": 7}')
    tool.set_response("not found", is_error=True)


async def _tool_without_result(run: RunController) -> None:
    run.append_text("Please confirm.")
    tool = await run.add_tool_call("confirm", "call_confirm")
    tool.append_args_text('{"question": "Proceed?"}')


async def _tool_without_args(run: RunController) -> None:
    tool = await run.add_tool_call("now", "call_now")
    tool.set_response("12:00")


async def _concurrent_tools(run: RunController) -> None:
    first = await run.add_tool_call("search", "call_a")
    second = await run.add_tool_call("fetch", "call_b")
    first.append_args_text('{"q": "ca')
    second.append_args_text('{"url": "https://exa')
    run.append_text("Working on it.")
    first.append_args_text('ts"}')
    second.append_args_text('mple.com"}')
    second.set_response({"status": 200})
    first.set_response(["cat1", "cat2"])


async def _sources_files_data(run: RunController) -> None:
    run.add_source("src_1", "https://example.com/a", "Example A")
    run.add_source("src_2", "https://example.com/b")
    run.append_text("See the attachments.")
    run.add_file("aGVsbG8=", "text/plain")
    run.add_file("data:image/png;base64,iVBORw0KGgo=", "image/png")
    run.add_data({"progress": 50})
    run.add_data([1, 2, 3])
    run.add_annotations([{"type": "citation", "index": 0}])


async def _state_operations(run: RunController) -> None:
    run.state = {"messages": [], "status": "running"}
    run.state["messages"].append({"text": ""})
    run.state["messages"][0]["text"] = "Hi"
    run.state["messages"][0]["text"] += " there"
    run.append_state_text(["messages", 0, "text"], "!")
    run.append_text("state updated")
    run.state["status"] = "done"


async def _state_on_seed(run: RunController) -> None:
    run.state["log"] += " two"
    run.state["count"] = 2


async def _state_append_missing(run: RunController) -> None:
    # Appendix A.9: an append-text on a missing path, which the JS side rejects.
    run.append_state_text(["missing"], "x")
    run.append_text("after")


async def _steps(run: RunController) -> None:
    run.add_step_start("step_a")
    run.append_text("one ")
    run.add_step_finish("tool-calls", input_tokens=1, output_tokens=2)
    run.add_step_start("step_b")
    run.append_text("two")
    run.add_step_finish("stop", input_tokens=3, output_tokens=4)


async def _error_frame(run: RunController) -> None:
    run.append_text("partial")
    run.add_error("soft failure reported by the server")
    run.append_text(" and more")


async def _raises(run: RunController) -> None:
    run.append_text("partial answer")
    tool = await run.add_tool_call("search", "call_cut")
    tool.append_args_text('{"q": "x"}')
    await asyncio.sleep(0.01)
    raise RuntimeError("backend exploded")


async def _long_text(run: RunController) -> None:
    for i in range(3000):
        run.append_text(f"token{i} ")
        if i % 500 == 0:
            run.add_data({"i": i})


async def _unicode(run: RunController) -> None:
    run.append_text("héllo 👋 世界")
    run.append_text(" line\u2028separator\u2029paragraph")
    run.append_text(" e\u0301 🇩🇪 \x00nul \u0085nel")
    run.append_reasoning("ünïcödé reasoning")
    run.add_data({"emoji": "🎉", "ls": "\u2028"})


async def _parent_id(run: RunController) -> None:
    tool = await run.add_tool_call("agent", "call_agent")
    inner = run.with_parent_id("call_agent")
    inner.append_text("inner text")
    inner.append_reasoning("inner reasoning")
    inner.add_source("src_in", "https://example.com/inner", "Inner")
    run.append_text("outer text")
    tool.set_response("agent done")


async def _heartbeat(run: RunController) -> None:
    run.append_text("before")
    await asyncio.sleep(0.1)
    run.append_text(" after")


async def _empty(run: RunController) -> None:
    return None


async def _unknown_tool_result(run: RunController) -> None:
    # Appendix A.8: a result for a call never started in this response.
    run.append_text("x")
    run.add_tool_result("call_elsewhere", {"late": True})


SCENARIOS: dict[str, Scenario] = {
    "py-text": Scenario(_text),
    "py-reasoning": Scenario(_reasoning),
    "py-tool-streamed-args-result": Scenario(_tool_streamed_args_result),
    "py-tool-error-result": Scenario(_tool_error_result),
    "py-tool-without-result": Scenario(_tool_without_result),
    "py-tool-without-args": Scenario(_tool_without_args),
    "py-concurrent-tools": Scenario(_concurrent_tools),
    "py-sources-files-data": Scenario(_sources_files_data),
    "py-state-operations": Scenario(_state_operations),
    "py-state-on-seed": Scenario(_state_on_seed, initial_state={"log": "one", "count": 1}),
    "py-state-append-missing": Scenario(_state_append_missing, modes=(True, False)),
    "py-steps": Scenario(_steps),
    "py-error-frame": Scenario(_error_frame),
    "py-raises": Scenario(_raises, modes=(True, False)),
    "py-long-text": Scenario(_long_text),
    "py-unicode": Scenario(_unicode),
    "py-parent-id": Scenario(_parent_id),
    "py-heartbeat": Scenario(_heartbeat, heartbeat=0.02),
    "py-empty": Scenario(_empty),
    "py-unknown-tool-result": Scenario(_unknown_tool_result, modes=(True, False)),
}

ENCODERS: dict[str, Callable[[Any, float | bool], Response]] = {
    "data-stream": lambda stream, heartbeat: DataStreamResponse(stream, heartbeat=heartbeat),
    "assistant-transport": lambda stream, heartbeat: AssistantTransportResponse(
        stream, heartbeat=heartbeat
    ),
}


def _app(scenario: Scenario, encoding: str) -> Starlette:
    async def endpoint(request: Request) -> Response:
        # The server mutates its copy of the state; the client keeps the seed.
        seed = json.loads(json.dumps(scenario.initial_state))
        stream = create_run(scenario.callback, state=seed)
        return ENCODERS[encoding](stream, scenario.heartbeat)

    return Starlette(routes=[Route("/", endpoint, methods=["POST"])])


async def _capture(scenario: Scenario, encoding: str) -> tuple[bytes, dict[str, str]]:
    # raise_app_exceptions=False keeps the bytes that arrived before a callback
    # exception tore the response down, which is what a real client sees.
    transport = httpx.ASGITransport(app=_app(scenario, encoding), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://corpus.test") as client:
        response = await client.post("/", json={})
        return response.content, dict(response.headers)


async def generate_async(out_dir: Path) -> list[dict[str, Any]]:
    """Write every scenario's bodies into ``out_dir`` (which must exist); return the manifest."""
    manifest: list[dict[str, Any]] = []
    for name, scenario in SCENARIOS.items():
        for encoding in ENCODERS:
            body, headers = await _capture(scenario, encoding)
            file_name = f"{name}.{encoding}.bin"
            (out_dir / file_name).write_bytes(body)
            for strict in scenario.modes:
                suffix = "" if strict else "-lenient"
                manifest.append(
                    {
                        "id": f"{name}.{encoding}{suffix}",
                        "encoding": encoding,
                        "file": file_name,
                        "headers": headers,
                        "strict": strict,
                        "initialState": scenario.initial_state,
                    }
                )
    (out_dir / "python-manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def generate(out_dir: Path) -> list[dict[str, Any]]:
    """Synchronous wrapper of :func:`generate_async` for scripts and fixtures."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return asyncio.run(generate_async(out_dir))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python gen_python_corpus.py <output-dir>")
    generate(Path(sys.argv[1]))
