"""Small Starlette backends for the client tests; each records what it received.

- :func:`official_app`: a backend built the way the assistant-ui docs build
  one, on the official ``assistant-stream`` package (``create_run`` +
  ``DataStreamResponse``). It replies ``You said: <last user text>``, calls
  ``get_weather`` when tools are offered, applies state when state is sent,
  and raises mid-run when the user says ``fail``.
- :func:`json_app`: answers every chat with a JSON document.
- :func:`status_app`: answers every request with one status and body.
- :func:`raw_app`: replies with given raw byte chunks (and can cut the
  connection instead of ending the body), for malformed and cut streams.
- :func:`slow_app`: streams text forever until the client goes away.

Tests assert on :class:`Recorder` (what arrived: method, path, headers,
parsed JSON body).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant_stream import RunController, create_run
from assistant_stream.serialization import DataStreamResponse
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

Handler = Callable[[Request, Any], Awaitable[Response]]


@dataclass
class Received:
    """One request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class Recorder:
    """Everything a test app received, in order."""

    requests: list[Received] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)
    """Set when the first request has been received."""
    disconnected: threading.Event = field(default_factory=threading.Event)
    """Set by :func:`slow_app` once the client has gone away."""

    def of(self, path: str) -> list[Received]:
        """Requests to one path."""
        return [r for r in self.requests if r.path == path]

    @property
    def last(self) -> Received:
        """The most recent request."""
        return self.requests[-1]


def _app(recorder: Recorder, routes: dict[str, Handler]) -> Starlette:
    def endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def receive(request: Request) -> Response:
            raw = await request.body()
            body = json.loads(raw) if raw else None
            recorder.requests.append(
                Received(request.method, request.url.path, dict(request.headers), body)
            )
            recorder.arrived.set()
            return await handler(request, body)

        return receive

    return Starlette(
        routes=[Route(path, endpoint(h), methods=["POST"]) for path, h in routes.items()]
    )


def last_user_text(body: dict[str, Any]) -> str:
    """The text of the last user message of a sync-server body."""
    for message in reversed(body.get("messages") or []):
        if message.get("role") == "user":
            content = message["content"]
            if isinstance(content, str):
                return content
            return "".join(p.get("text", "") for p in content if p.get("type") == "text")
    return ""


async def _cancel_ok(request: Request, body: Any) -> Response:
    return JSONResponse({"cancelled": body.get("threadId")})


def official_app(recorder: Recorder) -> Starlette:
    """A backend on the official assistant-stream package (data stream)."""

    async def chat(request: Request, body: Any) -> Response:
        text = last_user_text(body)

        async def run(controller: RunController) -> None:
            controller.append_text("You said: ")
            controller.append_text(text)
            if text == "fail":
                raise RuntimeError("the model exploded")
            if body.get("tools"):
                tool = await controller.add_tool_call("get_weather", "call-1")
                tool.append_args_text('{"location": "Paris"}')
                tool.set_response({"temperature": 21})
            if body.get("state") is not None:
                controller.state["seen"] = True

        return DataStreamResponse(create_run(run, state=body.get("state")))

    return _app(recorder, {"/api/chat": chat, "/api/cancel": _cancel_ok})


def json_app(recorder: Recorder, *, cancel_status: int = 200) -> Starlette:
    """Answers each chat with ``{"reply": ..., "received": <body>}``."""

    async def chat(request: Request, body: Any) -> Response:
        return JSONResponse({"reply": f"echo: {last_user_text(body)}", "received": body})

    async def cancel(request: Request, body: Any) -> Response:
        return JSONResponse({"cancelled": body["threadId"]}, status_code=cancel_status)

    return _app(recorder, {"/api/chat": chat, "/api/cancel": cancel})


def status_app(recorder: Recorder, status: int, body: str = "nope") -> Starlette:
    """Answers every request with ``status`` and a text body."""

    async def reply(request: Request, received: Any) -> Response:
        return Response(body, status_code=status, media_type="text/plain")

    return _app(recorder, {"/api/chat": reply, "/api/cancel": reply})


class _Cut(Exception):
    """Raised inside a response body to make the server drop the connection."""


def raw_app(
    recorder: Recorder,
    chunks: Sequence[bytes],
    *,
    media_type: str = "text/plain; charset=utf-8",
    headers: dict[str, str] | None = None,
    cut: bool = False,
) -> Starlette:
    """Replies with ``chunks`` verbatim; ``cut`` drops the connection after them
    instead of ending the body (what a crashed server looks like)."""

    async def chat(request: Request, body: Any) -> Response:
        async def stream() -> AsyncIterator[bytes]:
            for chunk in chunks:
                yield chunk
                await asyncio.sleep(0)
            if cut:
                raise _Cut("connection cut by the test server")

        return StreamingResponse(stream(), media_type=media_type, headers=headers)

    return _app(recorder, {"/api/chat": chat, "/api/cancel": _cancel_ok})


def slow_app(recorder: Recorder, *, interval: float = 0.02) -> Starlette:
    """Streams ``0:"tick "`` lines forever; sets ``recorder.disconnected``
    once the client has gone away."""

    async def chat(request: Request, body: Any) -> Response:
        async def stream() -> AsyncIterator[bytes]:
            try:
                while True:
                    yield b'0:"tick "\n'
                    await asyncio.sleep(interval)
            finally:
                recorder.disconnected.set()

        return StreamingResponse(stream(), media_type="text/plain; charset=utf-8")

    return _app(recorder, {"/api/chat": chat, "/api/cancel": _cancel_ok})


def sleepy_app(recorder: Recorder, *, delay: float) -> Starlette:
    """Waits ``delay`` seconds before answering (for timeouts), or less if the
    client goes away first: a client that timed out has closed the connection,
    and nothing (a server's shutdown, say) should wait out the rest."""

    async def gone(request: Request) -> None:
        # The body has been read: the next message is the disconnect.
        while (await request.receive())["type"] != "http.disconnect":
            pass

    async def chat(request: Request, body: Any) -> Response:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(gone(request), delay)
        return JSONResponse({"late": True})

    return _app(recorder, {"/api/chat": chat, "/api/cancel": chat})
