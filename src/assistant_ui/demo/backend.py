"""What every route of the demo backend shares: the app's state
(:class:`Backend`), reading and recording a request, the 400 for a bad one,
and turning a turn into a run with the right encoder and headers."""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, ParamSpec

from assistant_stream.resumable import (
    create_in_memory_resumable_stream_store,
    create_resumable_stream_context,
)
from assistant_stream.serialization import AssistantTransportEncoder
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from assistant_ui.demo.data_stream import FinishingDataStreamEncoder
from assistant_ui.demo.recording import DemoLog, RecordedRequest
from assistant_ui.demo.script import RunStopped, ScriptOptions, run_script
from assistant_ui.demo.turns import Turn, read_turn
from assistant_ui.demo.ui_message_stream import UI_MESSAGE_STREAM_HEADERS, UIMessageStreamEncoder

__all__ = [
    "Backend",
    "BadRequest",
    "answers_bad_requests",
    "backend_of",
    "bad_request",
    "encoder_for",
    "extra_headers",
    "make_callback",
    "prepare",
    "record",
]

# A per-request delay above this is a typo, not a test.
_MAX_DELAY = 5.0

_ENCODINGS = ("data-stream", "ui-message-stream", "assistant-transport")
_DATA_STREAM_MARKER = {"x-vercel-ai-data-stream": "v1"}


@dataclass
class Backend:
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


def backend_of(request: Request) -> Backend:
    """The state of the app serving ``request``."""
    backend: Backend = request.app.state.backend
    return backend


_P = ParamSpec("_P")


class BadRequest(Exception):
    """The request is wrong: answered with a 400 and this message."""


async def record(request: Request) -> Any:
    """Record the request; return its JSON body (``None`` for GET)."""
    raw = await request.body()
    body: Any = None
    error: str | None = None
    if raw:
        try:
            body = json.loads(raw)
        except ValueError as exc:
            error = f"the request body is not JSON: {exc}"
    backend_of(request).log.record_request(
        RecordedRequest(
            method=request.method,
            path=request.url.path,
            query=dict(request.query_params),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
        )
    )
    if error is not None:
        raise BadRequest(error)
    return body


def bad_request(message: str) -> JSONResponse:
    """A 400 with ``{"error": message}``."""
    return JSONResponse({"error": message}, status_code=400)


def answers_bad_requests(
    handler: Callable[_P, Awaitable[Response]],
) -> Callable[_P, Awaitable[Response]]:
    """``handler``, answering a :class:`BadRequest` with a 400."""

    @functools.wraps(handler)
    async def answering(*args: _P.args, **kwargs: _P.kwargs) -> Response:
        try:
            return await handler(*args, **kwargs)
        except BadRequest as exc:
            return bad_request(str(exc))

    return answering


def _delay_for(request: Request) -> float:
    raw = request.query_params.get("delay") or request.headers.get("x-demo-delay")
    if raw is None:
        return backend_of(request).delay
    try:
        value = float(raw)
    except ValueError:
        raise BadRequest(f"delay must be a number of seconds, not {raw!r}") from None
    if not math.isfinite(value) or not 0 <= value <= _MAX_DELAY:
        raise BadRequest(f"delay must be between 0 and {_MAX_DELAY} seconds, not {raw!r}")
    return value


def _encoding_for(request: Request, turn: Turn, default: str | None = None) -> str:
    forced = request.query_params.get("protocol")
    if forced is not None:
        if forced not in _ENCODINGS:
            raise BadRequest(f"protocol must be one of {', '.join(_ENCODINGS)}, not {forced!r}")
        return forced
    if default is not None:
        return default
    return "ui-message-stream" if turn.flavour == "ui-message" else "data-stream"


async def prepare(
    request: Request, default_encoding: str | None = None, *, state: bool = False
) -> tuple[Turn, str, float]:
    """The turn, reply encoding and pacing of a chat request; ``state``: the
    endpoint is assistant-transport's, whatever the body looks like."""
    body = await record(request)
    try:
        turn = read_turn(body)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    if state:
        turn.flavour = "assistant-transport"
    return turn, _encoding_for(request, turn, default_encoding), _delay_for(request)


def make_callback(backend: Backend, turn: Turn, delay: float, *, track_state: bool) -> Any:
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


def encoder_for(encoding: str, turn: Turn) -> Any:
    """The assistant-stream encoder of a reply encoding."""
    if encoding == "ui-message-stream":
        return UIMessageStreamEncoder(turn.message_id)
    if encoding == "assistant-transport":
        return AssistantTransportEncoder()
    return FinishingDataStreamEncoder()


def extra_headers(encoding: str) -> dict[str, str]:
    """The headers that let a client detect the reply encoding."""
    if encoding == "ui-message-stream":
        return dict(UI_MESSAGE_STREAM_HEADERS)
    if encoding == "data-stream":
        return dict(_DATA_STREAM_MARKER)
    return {}
