"""Corpora written by the official Python encoder (PyPI ``assistant-stream``).

Each plan becomes a ``create_run`` callback; its stream is served through
``DataStreamResponse`` or ``AssistantTransportResponse`` and the body is read
through ``httpx.ASGITransport``: exactly the bytes such a server sends
(``json.dumps`` defaults, ASCII escapes, the encoder's own frame order).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

RUN_ENCODERS = ("data-stream", "assistant-transport")


def _callback(plan: dict[str, Any]) -> Callable[[Any], Awaitable[None]]:
    kind = plan["kind"]

    async def tool_call(run: Any, call: dict[str, Any]) -> None:
        tool = await run.add_tool_call(call["name"], call["id"])
        for piece in call["args"]:
            tool.append_args_text(piece)
        tool.set_response(call["result"])

    async def text(run: Any) -> None:
        for delta in plan["deltas"]:
            run.append_text(delta)

    async def tools(run: Any) -> None:
        for call in plan["calls"]:
            await tool_call(run, call)

    async def mixed(run: Any) -> None:
        last = len(plan["steps"]) - 1
        for index, step in enumerate(plan["steps"]):
            run.add_step_start(step["id"])
            for delta in step["reasoning"]:
                run.append_reasoning(delta)
            for delta in step["text"]:
                run.append_text(delta)
            for source in step["sources"]:
                run.add_source(source["id"], source["url"], source["title"])
            await tool_call(run, step["tool"])
            for delta in step["more"]:
                run.append_text(delta)
            reason = "stop" if index == last else "tool-calls"
            run.add_step_finish(reason, input_tokens=10, output_tokens=20)

    async def state(run: Any) -> None:
        run.state = plan["initial"]
        # One operation per frame: the encoder batches what is set in one tick.
        await asyncio.sleep(0)
        for op, path, value in plan["ops"]:
            if op == "set":
                target = run.state
                for key in path[:-1]:
                    target = target[key]
                target[path[-1]] = value
            else:
                run.append_state_text(path, value)
            await asyncio.sleep(0)

    return {"text": text, "tools": tools, "mixed": mixed, "state": state}[kind]


async def _encode(plan: dict[str, Any], encoding: str) -> bytes:
    import httpx
    from assistant_stream import create_run
    from assistant_stream.serialization.assistant_transport import AssistantTransportResponse
    from assistant_stream.serialization.data_stream import DataStreamResponse
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    async def endpoint(request: Request) -> Response:
        stream = create_run(_callback(plan))
        response: Response
        if encoding == "data-stream":
            response = DataStreamResponse(stream)
        else:
            response = AssistantTransportResponse(stream)
        return response

    app = Starlette(routes=[Route("/", endpoint, methods=["POST"])])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench.test") as client:
        response = await client.post("/", json={})
        response.raise_for_status()
        return response.content


def encode(plan: dict[str, Any], encoding: str) -> bytes:
    """The body the Python encoder writes for ``plan`` in ``encoding``."""
    if encoding not in RUN_ENCODERS:
        raise ValueError(f"the Python encoder writes {RUN_ENCODERS}, not {encoding!r}")
    return asyncio.run(_encode(plan, encoding))
