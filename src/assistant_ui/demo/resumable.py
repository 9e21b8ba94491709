"""The resumable routes of the demo backend (docs/protocols.md §4.2, 4.3): runs
that keep being produced when the client leaves, and their replays."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from assistant_stream.resumable import (
    create_resumable_assistant_stream_response,
    create_resume_assistant_stream_response,
)
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from assistant_ui.demo.backend import (
    Backend,
    answers_bad_requests,
    backend_of,
    encoder_for,
    extra_headers,
    make_callback,
    prepare,
    record,
)
from assistant_ui.demo.turns import Turn

__all__ = [
    "assistant_resumable",
    "assistant_resume",
    "assistant_resume_state",
    "chat_resumable",
    "reconnect",
    "resume",
]


@answers_bad_requests
async def _start_resumable(
    request: Request, default_encoding: str | None = None, *, state: bool = False
) -> Response:
    turn, encoding, delay = await prepare(request, default_encoding, state=state)
    backend = backend_of(request)
    stream_id = uuid.uuid4().hex
    backend.resumable_encodings[stream_id] = encoding
    backend.run_states[stream_id] = copy.deepcopy(turn.state)
    if turn.thread_id:
        backend.chat_streams[turn.thread_id] = stream_id
    track_state = turn.flavour == "assistant-transport"
    response: Response = await create_resumable_assistant_stream_response(
        context=backend.resumable_context(),
        stream_id=stream_id,
        callback=make_callback(backend, turn, delay, track_state=track_state),
        encoder=encoder_for(encoding, turn),
        headers=extra_headers(encoding),
    )
    return response


async def chat_resumable(request: Request) -> Response:
    return await _start_resumable(request)


async def assistant_resumable(request: Request) -> Response:
    return await _start_resumable(request, "data-stream", state=True)


async def _replay(backend: Backend, stream_id: str) -> Response:
    encoding = backend.resumable_encodings.get(stream_id, "data-stream")
    response: Response = await create_resume_assistant_stream_response(
        context=backend.resumable_context(),
        stream_id=stream_id,
        encoder=encoder_for(encoding, Turn("ui-message")),
        headers=extra_headers(encoding),
    )
    return response


async def _active_run(backend: Backend, thread_id: Any) -> str | None:
    """The thread's resumable run that is still being produced, if any."""
    stream_id = backend.chat_streams.get(thread_id) if isinstance(thread_id, str) else None
    if stream_id is None or await backend.resumable_context().status(stream_id) != "streaming":
        return None
    return stream_id


@answers_bad_requests
async def assistant_resume_state(request: Request) -> Response:
    """Assistant-transport ``resumeStateApi`` (docs/protocols.md §4.3 step 1)."""
    body = await record(request)
    backend = backend_of(request)
    thread_id = body.get("threadId") if isinstance(body, dict) else None
    stream_id = await _active_run(backend, thread_id)
    if stream_id is None:
        return Response(status_code=204)
    return JSONResponse({"runId": stream_id, "state": backend.run_states.get(stream_id)})


@answers_bad_requests
async def assistant_resume(request: Request) -> Response:
    """Assistant-transport ``resumeApi`` (4.3 step 2): replays the run from its start."""
    body = await record(request)
    backend = backend_of(request)
    body = body if isinstance(body, dict) else {}
    run_id = body.get("runId")
    if isinstance(run_id, str) and run_id in backend.resumable_encodings:
        return await _replay(backend, run_id)
    stream_id = await _active_run(backend, body.get("threadId"))
    if stream_id is None:
        return Response(status_code=204)
    return await _replay(backend, stream_id)


async def resume(request: Request) -> Response:
    await record(request)
    return await _replay(backend_of(request), request.path_params["stream_id"])


async def reconnect(request: Request) -> Response:
    await record(request)
    backend = backend_of(request)
    stream_id = await _active_run(backend, request.path_params["chat_id"])
    if stream_id is None:
        return Response(status_code=204)
    return await _replay(backend, stream_id)
