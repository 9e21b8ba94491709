"""The demo backend as a Starlette app, built on the official assistant-stream.

Every reply is produced by assistant-stream's ``create_run`` and encoded by
its own encoders (``DataStreamResponse``, ``AssistantTransportResponse``,
the resumable helpers); only the AI SDK UI message stream, which
assistant-stream 0.0.36 cannot encode, uses :mod:`.ui_message_stream`.

Routes (any request flavour of PROTOCOLS.md section 1 is recognised from its
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
import functools
import json
import math
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ParamSpec

from assistant_stream import AssistantStreamResponse, create_run
from assistant_stream.resumable import (
    create_in_memory_resumable_stream_store,
    create_resumable_assistant_stream_response,
    create_resumable_stream_context,
    create_resume_assistant_stream_response,
)
from assistant_stream.serialization import (
    AssistantTransportEncoder,
    AssistantTransportResponse,
    DataStreamEncoder,
    DataStreamResponse,
)
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .recording import DemoLog, RecordedRequest
from .script import RunStopped, ScriptOptions, run_script
from .turns import Turn, read_turn
from .ui_message_stream import UI_MESSAGE_STREAM_HEADERS, UIMessageStreamEncoder

__all__ = ["DEFAULT_CORS_ORIGINS", "DEFAULT_DELAY", "create_app"]

#: Seconds between text chunks: fast enough to read, slow enough to look live.
DEFAULT_DELAY = 0.02
#: The Next.js dev server a local assistant-ui frontend usually runs on.
DEFAULT_CORS_ORIGINS = ("http://localhost:3000", "http://127.0.0.1:3000")
# A per-request delay above this is a typo, not a test.
_MAX_DELAY = 5.0

_ENCODINGS = ("data-stream", "ui-message-stream", "assistant-transport")
_DATA_STREAM_MARKER = {"x-vercel-ai-data-stream": "v1"}


@dataclass
class _Backend:
    """Shared state of one app instance (lives on ``app.state.backend``)."""

    delay: float
    log: DemoLog
    running: dict[str, set[ScriptOptions]] = field(default_factory=dict)
    issued_calls: dict[str, tuple[str, Any]] = field(default_factory=dict)
    resumable_encodings: dict[str, str] = field(default_factory=dict)
    chat_streams: dict[str, str] = field(default_factory=dict)
    run_states: dict[str, Any] = field(default_factory=dict)
    _resumable: Any = None

    def resumable_context(self) -> Any:
        # Created on first use, inside the server's event loop.
        if self._resumable is None:
            self._resumable = create_resumable_stream_context(
                store=create_in_memory_resumable_stream_store()
            )
        return self._resumable


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
    backend = _Backend(delay=delay, log=log if log is not None else DemoLog())
    routes = [
        Route("/api/health", _health, methods=["GET"]),
        Route("/api/chat", _chat, methods=["POST"]),
        Route("/api/ui-chat", _ui_chat, methods=["POST"]),
        Route("/assistant", _assistant, methods=["POST"]),
        Route("/api/cancel", _cancel, methods=["POST"]),
        Route("/api/chat/resumable", _chat_resumable, methods=["POST"]),
        Route("/assistant/resumable", _assistant_resumable, methods=["POST"]),
        Route("/assistant/resume-state", _assistant_resume_state, methods=["POST"]),
        Route("/assistant/resume", _assistant_resume, methods=["POST"]),
        Route("/api/chat/resume/{stream_id}", _resume, methods=["GET"]),
        Route("/api/chat/{chat_id}/stream", _reconnect, methods=["GET"]),
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


def _backend(request: Request) -> _Backend:
    backend: _Backend = request.app.state.backend
    return backend


_P = ParamSpec("_P")


class _BadRequest(Exception):
    """The request is wrong: answered with a 400 and this message."""


async def _record(request: Request) -> Any:
    """Record the request; return its JSON body (``None`` for GET)."""
    raw = await request.body()
    body: Any = None
    error: str | None = None
    if raw:
        try:
            body = json.loads(raw)
        except ValueError as exc:
            error = f"the request body is not JSON: {exc}"
    _backend(request).log.record_request(
        RecordedRequest(
            method=request.method,
            path=request.url.path,
            query=dict(request.query_params),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
        )
    )
    if error is not None:
        raise _BadRequest(error)
    return body


def _bad_request(message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=400)


def _answers_bad_requests(
    handler: Callable[_P, Awaitable[Response]],
) -> Callable[_P, Awaitable[Response]]:
    """``handler``, answering a :class:`_BadRequest` with a 400."""

    @functools.wraps(handler)
    async def answering(*args: _P.args, **kwargs: _P.kwargs) -> Response:
        try:
            return await handler(*args, **kwargs)
        except _BadRequest as exc:
            return _bad_request(str(exc))

    return answering


def _delay_for(request: Request) -> float:
    raw = request.query_params.get("delay") or request.headers.get("x-demo-delay")
    if raw is None:
        return _backend(request).delay
    try:
        value = float(raw)
    except ValueError:
        raise _BadRequest(f"delay must be a number of seconds, not {raw!r}") from None
    if not math.isfinite(value) or not 0 <= value <= _MAX_DELAY:
        raise _BadRequest(f"delay must be between 0 and {_MAX_DELAY} seconds, not {raw!r}")
    return value


def _encoding_for(request: Request, turn: Turn, default: str | None = None) -> str:
    forced = request.query_params.get("protocol")
    if forced is not None:
        if forced not in _ENCODINGS:
            raise _BadRequest(f"protocol must be one of {', '.join(_ENCODINGS)}, not {forced!r}")
        return forced
    if default is not None:
        return default
    return "ui-message-stream" if turn.flavour == "ui-message" else "data-stream"


async def _prepare(
    request: Request, default_encoding: str | None = None, *, state: bool = False
) -> tuple[Turn, str, float]:
    """The turn, reply encoding and pacing of a chat request; ``state``: the
    endpoint is assistant-transport's, whatever the body looks like."""
    body = await _record(request)
    try:
        turn = read_turn(body)
    except ValueError as exc:
        raise _BadRequest(str(exc)) from None
    if state:
        turn.flavour = "assistant-transport"
    return turn, _encoding_for(request, turn, default_encoding), _delay_for(request)


def _make_callback(backend: _Backend, turn: Turn, delay: float, *, track_state: bool) -> Any:
    """The ``create_run`` callback for one turn, with bookkeeping around it."""

    async def callback(controller: Any) -> None:
        options = ScriptOptions(
            delay=delay, track_state=track_state, issued_calls=backend.issued_calls
        )
        thread_id = turn.thread_id or ""
        backend.running.setdefault(thread_id, set()).add(options)
        try:
            await run_script(controller, turn, options)
        except RunStopped:
            pass
        finally:
            runs = backend.running.get(thread_id)
            if runs is not None:
                runs.discard(options)
                if not runs:
                    del backend.running[thread_id]
            # This also runs when create_run cancels the task after its grace
            # period, so a disconnect is recorded however the run ended.
            if controller.is_cancelled:
                backend.log.record_disconnect(turn.thread_id)

    return callback


def _encoder(encoding: str, turn: Turn) -> Any:
    if encoding == "ui-message-stream":
        return UIMessageStreamEncoder(turn.message_id)
    if encoding == "assistant-transport":
        return AssistantTransportEncoder()
    return DataStreamEncoder()


def _extra_headers(encoding: str) -> dict[str, str]:
    if encoding == "ui-message-stream":
        return dict(UI_MESSAGE_STREAM_HEADERS)
    if encoding == "data-stream":
        return dict(_DATA_STREAM_MARKER)
    return {}


def _stream_response(backend: _Backend, turn: Turn, encoding: str, delay: float) -> Response:
    track_state = turn.flavour == "assistant-transport"
    callback = _make_callback(backend, turn, delay, track_state=track_state)
    # Deep-copied: assistant-stream applies the run's operations to this value.
    stream = create_run(callback, state=copy.deepcopy(turn.state) if track_state else None)
    response: Response
    if encoding == "data-stream":
        response = DataStreamResponse(stream)
    elif encoding == "assistant-transport":
        response = AssistantTransportResponse(stream)
    else:
        response = AssistantStreamResponse(stream, _encoder(encoding, turn))
    response.headers.update(_extra_headers(encoding))
    return response


@_answers_bad_requests
async def _handle(
    request: Request, default_encoding: str | None = None, *, state: bool = False
) -> Response:
    turn, encoding, delay = await _prepare(request, default_encoding, state=state)
    return _stream_response(_backend(request), turn, encoding, delay)


async def _chat(request: Request) -> Response:
    return await _handle(request)


async def _ui_chat(request: Request) -> Response:
    return await _handle(request, "ui-message-stream")


async def _assistant(request: Request) -> Response:
    return await _handle(request, "data-stream", state=True)


@_answers_bad_requests
async def _cancel(request: Request) -> Response:
    body = await _record(request)
    thread_id = body.get("threadId") if isinstance(body, dict) else None
    if not isinstance(thread_id, str):
        return _bad_request('the body must be {"threadId": "<id>"}')
    backend = _backend(request)
    backend.log.record_cancel(thread_id)
    runs = backend.running.get(thread_id, set())
    for options in runs:
        options.stop.set()
    return JSONResponse({"cancelled": bool(runs)})


async def _status(request: Request) -> Response:
    await _record(request)
    thread_id = request.path_params["thread_id"]
    return JSONResponse({"isRunning": bool(_backend(request).running.get(thread_id))})


async def _health(request: Request) -> Response:
    await _record(request)
    return JSONResponse({"ok": True})


@_answers_bad_requests
async def _start_resumable(
    request: Request, default_encoding: str | None = None, *, state: bool = False
) -> Response:
    turn, encoding, delay = await _prepare(request, default_encoding, state=state)
    backend = _backend(request)
    stream_id = uuid.uuid4().hex
    backend.resumable_encodings[stream_id] = encoding
    backend.run_states[stream_id] = copy.deepcopy(turn.state)
    if turn.thread_id:
        backend.chat_streams[turn.thread_id] = stream_id
    track_state = turn.flavour == "assistant-transport"
    response: Response = await create_resumable_assistant_stream_response(
        context=backend.resumable_context(),
        stream_id=stream_id,
        callback=_make_callback(backend, turn, delay, track_state=track_state),
        encoder=_encoder(encoding, turn),
        headers=_extra_headers(encoding),
    )
    return response


async def _chat_resumable(request: Request) -> Response:
    return await _start_resumable(request)


async def _assistant_resumable(request: Request) -> Response:
    return await _start_resumable(request, "data-stream", state=True)


async def _replay(backend: _Backend, stream_id: str) -> Response:
    encoding = backend.resumable_encodings.get(stream_id, "data-stream")
    response: Response = await create_resume_assistant_stream_response(
        context=backend.resumable_context(),
        stream_id=stream_id,
        encoder=_encoder(encoding, Turn("ui-message")),
        headers=_extra_headers(encoding),
    )
    return response


async def _active_run(backend: _Backend, thread_id: Any) -> str | None:
    """The thread's resumable run that is still being produced, if any."""
    stream_id = backend.chat_streams.get(thread_id) if isinstance(thread_id, str) else None
    if stream_id is None or await backend.resumable_context().status(stream_id) != "streaming":
        return None
    return stream_id


@_answers_bad_requests
async def _assistant_resume_state(request: Request) -> Response:
    """Assistant-transport ``resumeStateApi`` (PROTOCOLS.md 4.3 step 1)."""
    body = await _record(request)
    backend = _backend(request)
    thread_id = body.get("threadId") if isinstance(body, dict) else None
    stream_id = await _active_run(backend, thread_id)
    if stream_id is None:
        return Response(status_code=204)
    return JSONResponse({"runId": stream_id, "state": backend.run_states.get(stream_id)})


@_answers_bad_requests
async def _assistant_resume(request: Request) -> Response:
    """Assistant-transport ``resumeApi`` (4.3 step 2): replays the run from its start."""
    body = await _record(request)
    backend = _backend(request)
    body = body if isinstance(body, dict) else {}
    run_id = body.get("runId")
    if isinstance(run_id, str) and run_id in backend.resumable_encodings:
        return await _replay(backend, run_id)
    stream_id = await _active_run(backend, body.get("threadId"))
    if stream_id is None:
        return Response(status_code=204)
    return await _replay(backend, stream_id)


async def _resume(request: Request) -> Response:
    await _record(request)
    return await _replay(_backend(request), request.path_params["stream_id"])


async def _reconnect(request: Request) -> Response:
    await _record(request)
    backend = _backend(request)
    stream_id = await _active_run(backend, request.path_params["chat_id"])
    if stream_id is None:
        return Response(status_code=204)
    return await _replay(backend, stream_id)
