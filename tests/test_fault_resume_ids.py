"""A hostile server's resume id cannot steer the resume request.

The server sends x-resumable-stream-id, cuts the reply, and then waits for
the resume. An id that would leave the resume path (slashes, dot segments,
control characters) is refused before any request; any other id is quoted
as one path segment; and a resume URL never leaves the client's origin.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant_ui import AssistantClient
from assistant_ui._http.resume_url import resume_url, validate_stream_id
from assistant_ui.errors import InvalidRequestError, StreamInterruptedError
from assistant_ui.protocol.events import TextDelta
from fault_server import CUT, FaultServer, RawRequest, Step, chunk, chunks, head, text_of

USER = {"role": "user", "content": [{"type": "text", "text": "hi"}]}
twins = pytest.mark.parametrize("sync", [False, True], ids=["async", "sync"])


def resumable(stream_id: str) -> Any:
    """Sends ``stream_id``, a first frame, then cuts; a resume gets the whole reply."""

    def handler(request: RawRequest) -> Iterable[Step]:
        if request.method == "POST":
            yield head(200, {"Content-Type": "text/plain", "x-resumable-stream-id": stream_id})
            yield chunk(b'0:"hel"\n')
            yield CUT
        else:
            yield head(200, {"Content-Type": "text/plain"})
            yield from chunks([b'0:"hel"\n', b'0:"lo"\n'])

    return handler


async def cut_then_resume(url: str, sync: bool) -> tuple[Any, Any]:
    async with AssistantClient(url, max_retries=0) as client:
        thread = client.threads("t")
        with pytest.raises(StreamInterruptedError) as cut:
            await (asyncio.to_thread(thread.chat_sync, messages=[USER]) if sync
                   else thread.chat(messages=[USER]))  # fmt: skip
        if sync:
            with thread.resume_sync() as stream:
                return cut.value, stream.get_final_message()
        async with thread.resume() as stream:
            return cut.value, await stream.get_final_message()


HOSTILE = ["../../admin", "..", ".", "a/b", "/etc/passwd", "a\\b", "a\x01b", "a\x7fb", "x/../y"]


@twins
@pytest.mark.parametrize("stream_id", HOSTILE)
async def test_an_id_that_would_leave_the_path_is_refused_before_any_request(
    stream_id: str, sync: bool
) -> None:
    with FaultServer(resumable(stream_id)) as server:
        with pytest.raises(InvalidRequestError) as info:
            await cut_then_resume(server.url, sync)
        assert server.wait_closed()
    assert info.value.field == "stream_id"
    assert [r.method for r in server.requests] == ["POST"]  # no GET went out


@twins
@pytest.mark.parametrize(
    ("stream_id", "target"),
    [
        ("abc-123", "/api/chat/resume/abc-123"),
        ("x?admin=1#f", "/api/chat/resume/x%3Fadmin%3D1%23f"),
        ("%2e%2e", "/api/chat/resume/%252e%252e"),
        ("sp ace", "/api/chat/resume/sp%20ace"),
    ],
)
async def test_any_other_id_is_one_quoted_segment(stream_id: str, target: str, sync: bool) -> None:
    with FaultServer(resumable(stream_id)) as server:
        cut, message = await cut_then_resume(server.url, sync)
        assert server.wait_closed()
    assert text_of(cut.partial_message) == "hel"
    assert text_of(message) == "hello"
    assert [(r.method, r.target) for r in server.requests][1] == ("GET", target)


async def test_an_explicit_url_on_another_origin_is_refused() -> None:
    with FaultServer(resumable("ok")) as server:
        async with AssistantClient(server.url, max_retries=0) as client:
            thread = client.threads("t")
            with pytest.raises(InvalidRequestError, match="origin"):
                thread.resume(url="http://127.0.0.2:9/api/chat/resume/ok")
            with pytest.raises(InvalidRequestError, match="origin"):
                thread.resume_sync(url="https://" + server.url.removeprefix("http://") + "/x")
            with pytest.raises(InvalidRequestError, match="stream_id"):
                thread.resume("a/b")
    assert server.requests == []


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_a_resume_url_has_exactly_one_segment_more_than_its_template(stream_id: str) -> None:
    try:
        validate_stream_id(stream_id)
    except InvalidRequestError:
        assert (
            any(c in stream_id for c in "/\\")
            or ".." in stream_id
            or stream_id == "."
            or any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in stream_id)
        )
        return
    url = resume_url("/api/chat/resume/{stream_id}", stream_id)
    head, _, segment = url.rpartition("/")
    assert head == "/api/chat/resume"
    assert not set(segment) & set("/?#\\")


@twins
async def test_a_resume_after_a_cut_chat_yields_its_text_deltas(sync: bool) -> None:
    # chat() reads to the end without building delta events; the resumed
    # stream goes on with the same parser, and its reader iterates events:
    # the deltas are events again.
    with FaultServer(resumable("abc")) as server:
        async with AssistantClient(server.url, max_retries=0) as client:
            thread = client.threads("t")
            with pytest.raises(StreamInterruptedError):
                await (asyncio.to_thread(thread.chat_sync, messages=[USER]) if sync
                       else thread.chat(messages=[USER]))  # fmt: skip
            if sync:
                with thread.resume_sync() as stream:
                    events = list(stream.raw_events())
                    message = stream.get_final_message()
            else:
                async with thread.resume() as astream:
                    events = [e async for e in astream.raw_events()]
                    message = await astream.get_final_message()
        assert server.wait_closed()
    assert [e.text_delta for e in events if isinstance(e, TextDelta)] == ["lo"]
    assert text_of(message) == "hello"
