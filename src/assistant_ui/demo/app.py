"""The demo backend as a Starlette app, built on the official assistant-stream.

Every reply is produced by assistant-stream's ``create_run`` and encoded by
its own encoders (its data stream encoder, ``AssistantTransportResponse``,
the resumable helpers); only the AI SDK UI message stream, which
assistant-stream 0.0.36 cannot encode, uses :mod:`.ui_message_stream`, and
the data stream gets the AI SDK's closing ``d:`` frame (:mod:`.data_stream`).
This module builds the app and holds the chat routes; what every route
shares is in :mod:`.backend`, the resumable routes in :mod:`.resumable`.

Routes (any request flavour of docs/protocols.md §1 is recognised from its
body, see :mod:`.turns`):

``POST /api/chat``
    Data-stream runtime and sync-server bodies -> data stream (with the
    ``x-vercel-ai-data-stream: v1`` marker so ``useDataStreamRuntime``
    detects it); AI SDK bodies -> UI message stream; assistant-transport
    bodies -> data stream with ``aui-state`` lines. ``?protocol=data-stream``,
    ``ui-message-stream`` or ``assistant-transport`` (the SSE encoding)
    forces the reply encoding.
``POST /api/ui-chat``
    Always a UI message stream (``useChatRuntime`` pointed here).
``POST /assistant``
    Assistant-transport: keeps ``state["messages"]``; data stream by default,
    ``?protocol=assistant-transport`` for the SSE encoding.
``POST /api/cancel``
    ``{"threadId": ...}``: stops that thread's running run (sync-server
    convention, 4.1); answers ``{"cancelled": bool}``.
``POST /api/chat/resumable``
    As ``/api/chat``, but resumable (4.2): the reply carries
    ``x-resumable-stream-id`` and keeps being produced if the client leaves.
``GET /api/chat/resume/{streamId}``
    Replays a resumable stream from byte 0; 404 when unknown.
``GET /api/chat/{chatId}/stream``
    AI SDK reconnect: replays the chat's active resumable stream, 204 if none.
``POST /assistant/resumable``
    As ``/assistant``, resumable; the run id is the stream id.
``POST /assistant/resume-state``
    Assistant-transport ``resumeStateApi`` (4.3): ``{"threadId"}`` ->
    ``{"runId", "state"}`` (the state the run started from), 204 if the
    thread has no run in progress.
``POST /assistant/resume``
    Assistant-transport ``resumeApi``: replays the run named by ``runId`` (or
    the thread's run in progress) from its start, 204 if there is none.
``GET /status/{threadId}``
    ``{"isRunning": bool}``.
``GET /api/health``
    ``{"ok": true}``.

Test hooks: every request is recorded on ``app.state.log``
(:class:`~.recording.DemoLog`) with its path, headers and JSON body, and so
is every client disconnect noticed during a run (assistant-stream's
cancellation flag) and every ``/api/cancel``. The pace of a run is the app's
``delay``, overridable per request with ``?delay=`` or ``X-Demo-Delay``.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence

from assistant_stream import AssistantStreamResponse, create_run
from assistant_stream.serialization import AssistantTransportResponse
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from assistant_ui.demo import resumable
from assistant_ui.demo.backend import (
    Backend,
    answers_bad_requests,
    backend_of,
    bad_request,
    encoder_for,
    extra_headers,
    make_callback,
    prepare,
    record,
)
from assistant_ui.demo.data_stream import FinishingDataStreamEncoder
from assistant_ui.demo.recording import DemoLog
from assistant_ui.demo.turns import Turn

__all__ = ["DEFAULT_CORS_ORIGINS", "DEFAULT_DELAY", "create_app"]

#: Seconds between text chunks: fast enough to read, slow enough to look live.
DEFAULT_DELAY = 0.02
#: The Next.js dev server a local assistant-ui frontend usually runs on.
DEFAULT_CORS_ORIGINS = ("http://localhost:3000", "http://127.0.0.1:3000")


def create_app(
    *,
    delay: float = DEFAULT_DELAY,
    cors_origins: Sequence[str] = DEFAULT_CORS_ORIGINS,
    log: DemoLog | None = None,
) -> Starlette:
    """Build the demo backend.

    Args:
        delay: seconds between streamed text chunks (0 for tests).
        cors_origins: origins a browser frontend may call from (``"*"`` for
            any).
        log: where requests and disconnects are recorded; a new
            :class:`DemoLog` by default. Reachable as ``app.state.log``.

    Example::

        from assistant_ui.demo import create_app
        from assistant_ui.demo.runner import BackgroundServer

        with BackgroundServer(create_app(delay=0)) as server:
            ...  # talk to server.url
    """
    if not math.isfinite(delay) or delay < 0:
        raise ValueError(f"delay must be a non-negative number of seconds, not {delay!r}")
    backend = Backend(delay=delay, log=log if log is not None else DemoLog())
    routes = [
        Route("/api/health", _health, methods=["GET"]),
        Route("/api/chat", _chat, methods=["POST"]),
        Route("/api/ui-chat", _ui_chat, methods=["POST"]),
        Route("/assistant", _assistant, methods=["POST"]),
        Route("/api/cancel", _cancel, methods=["POST"]),
        Route("/api/chat/resumable", resumable.chat_resumable, methods=["POST"]),
        Route("/assistant/resumable", resumable.assistant_resumable, methods=["POST"]),
        Route("/assistant/resume-state", resumable.assistant_resume_state, methods=["POST"]),
        Route("/assistant/resume", resumable.assistant_resume, methods=["POST"]),
        Route("/api/chat/resume/{stream_id}", resumable.resume, methods=["GET"]),
        Route("/api/chat/{chat_id}/stream", resumable.reconnect, methods=["GET"]),
        Route("/status/{thread_id}", _status, methods=["GET"]),
    ]
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=[
                "x-resumable-stream-id",
                "x-vercel-ai-data-stream",
                "x-vercel-ai-ui-message-stream",
            ],
        )
    ]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.backend = backend
    app.state.log = backend.log
    return app


def _stream_response(backend: Backend, turn: Turn, encoding: str, delay: float) -> Response:
    track_state = turn.flavour == "assistant-transport"
    callback = make_callback(backend, turn, delay, track_state=track_state)
    # Deep-copied: assistant-stream applies the run's operations to this value.
    stream = create_run(callback, state=copy.deepcopy(turn.state) if track_state else None)
    response: Response
    if encoding == "data-stream":
        response = AssistantStreamResponse(stream, FinishingDataStreamEncoder(), heartbeat=False)
    elif encoding == "assistant-transport":
        response = AssistantTransportResponse(stream)
    else:
        response = AssistantStreamResponse(stream, encoder_for(encoding, turn))
    response.headers.update(extra_headers(encoding))
    return response


@answers_bad_requests
async def _handle(
    request: Request, default_encoding: str | None = None, *, state: bool = False
) -> Response:
    turn, encoding, delay = await prepare(request, default_encoding, state=state)
    return _stream_response(backend_of(request), turn, encoding, delay)


async def _chat(request: Request) -> Response:
    return await _handle(request)


async def _ui_chat(request: Request) -> Response:
    return await _handle(request, "ui-message-stream")


async def _assistant(request: Request) -> Response:
    return await _handle(request, "data-stream", state=True)


@answers_bad_requests
async def _cancel(request: Request) -> Response:
    body = await record(request)
    thread_id = body.get("threadId") if isinstance(body, dict) else None
    if not isinstance(thread_id, str):
        return bad_request('the body must be {"threadId": "<id>"}')
    backend = backend_of(request)
    backend.log.record_cancel(thread_id)
    runs = backend.running.get(thread_id, set())
    for options in runs:
        options.stop.set()
    return JSONResponse({"cancelled": bool(runs)})


async def _status(request: Request) -> Response:
    await record(request)
    thread_id = request.path_params["thread_id"]
    return JSONResponse({"isRunning": bool(backend_of(request).running.get(thread_id))})


async def _health(request: Request) -> Response:
    await record(request)
    return JSONResponse({"ok": True})
