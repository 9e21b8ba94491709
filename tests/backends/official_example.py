"""A backend written the way the assistant-ui docs write one, on assistant-stream.

It uses nothing from this project: only the official ``assistant-stream``
package (``create_run``, ``DataStreamResponse``,
``AssistantTransportResponse``) on Starlette, so the client is tested against
a server it did not shape. Like most real backends built from the docs, it
sends ``DataStreamResponse`` without the data-stream marker header, streams
state with ``controller.state``, and calls a server-side tool.

Routes:

``POST /api/chat``
    Reads the last user message (data-stream, sync-server or
    assistant-transport body) and streams "Hello from assistant-stream! You
    wrote: <text>" as a data stream. If the text mentions "time" it first
    calls a server-side ``get_time`` tool.
``POST /assistant``
    The assistant-transport docs' shape: appends the user message and the
    reply to ``state["messages"]``.
``POST /assistant/sse``
    The same as ``/assistant``, encoded with ``AssistantTransportResponse``.

Run it alone with ``python tests/backends/official_example.py [PORT]``.
"""

from __future__ import annotations

import sys
from typing import Any

from assistant_stream import RunController, create_run
from assistant_stream.serialization import AssistantTransportResponse, DataStreamResponse
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def last_user_text(body: dict[str, Any]) -> str:
    """The text of the newest user message, whatever the request shape."""
    for message in reversed(body.get("messages") or []):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, str):
                return content
            return "".join(p.get("text", "") for p in content or [] if p.get("type") == "text")
    for command in reversed(body.get("commands") or []):
        if command.get("type") == "add-message":
            parts = command["message"].get("parts", [])
            return "".join(p.get("text", "") for p in parts if p.get("type") == "text")
    return ""


async def chat(request: Request) -> Response:
    body = await request.json()
    text = last_user_text(body)

    async def run(controller: RunController) -> None:
        if "time" in text.lower():
            tool = await controller.add_tool_call("get_time")
            tool.append_args_text('{"timezone": "UTC"}')
            tool.set_response({"time": "12:00"})
        controller.append_text("Hello from assistant-stream! ")
        controller.append_text(f"You wrote: {text}")

    return DataStreamResponse(create_run(run))


def _assistant_run(body: dict[str, Any]) -> Any:
    text = last_user_text(body)

    async def run(controller: RunController) -> None:
        if controller.state is None:
            controller.state = {"messages": []}
        controller.state["messages"].append({"role": "user", "content": text})
        controller.state["messages"].append({"role": "assistant", "content": ""})
        index = len(controller.state["messages"]) - 1
        for word in ["Hello", " from", " assistant-transport!"]:
            controller.append_text(word)
            controller.state["messages"][index]["content"] += word

    return create_run(run, state=body.get("state"))


async def assistant(request: Request) -> Response:
    return DataStreamResponse(_assistant_run(await request.json()))


async def assistant_sse(request: Request) -> Response:
    return AssistantTransportResponse(_assistant_run(await request.json()))


app = Starlette(
    routes=[
        Route("/api/chat", chat, methods=["POST"]),
        Route("/assistant", assistant, methods=["POST"]),
        Route("/assistant/sse", assistant_sse, methods=["POST"]),
    ]
)


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 8001)
