"""Resuming an interrupted resumable run (docs/protocols.md §4.2) against the demo backend."""

from __future__ import annotations

from typing import Any

import pytest

from assistant_ui._client import AssistantClient
from assistant_ui.errors import IncompleteStreamError, NotFoundError, UsageError

LONG = {"role": "user", "content": [{"type": "text", "text": "long"}]}


def _clean_replay(url: str, thread_id: str, stream_id: str) -> dict[str, Any]:
    # A fresh client has no earlier parser: the replay is read from byte 0.
    with AssistantClient(url) as other, other.threads(thread_id).resume_sync(stream_id) as stream:
        return stream.get_final_message()


def test_resume_sync_continues_the_same_message(demo_server: Any, thread_id: str) -> None:
    with AssistantClient(demo_server.url, chat_path="/api/chat/resumable") as client:
        thread = client.threads(thread_id)
        with thread.stream_sync(messages=[LONG]) as first:
            for index, _ in enumerate(first):
                if index == 5:
                    break
            partial = first.current_message
        assert partial is not None
        assert partial["parts"]
        stream_id = thread.resumable_stream_id
        assert stream_id is not None  # kept after an early close

        with thread.resume_sync() as resumed:
            message = resumed.get_final_message()
        assert thread.resumable_stream_id is None  # forgotten once complete

    expected = _clean_replay(demo_server.url, thread_id, stream_id)
    assert message == expected
    assert message["status"]["type"] == "complete"
    assert message["parts"][0]["text"].startswith(partial["parts"][0]["text"])


async def test_resume_async_continues_the_same_message(demo_server: Any, thread_id: str) -> None:
    async with AssistantClient(demo_server.url, chat_path="/api/chat/resumable") as client:
        thread = client.threads(thread_id)
        async with thread.stream(messages=[LONG]) as first:
            count = 0
            async for _ in first:
                count += 1
                if count == 7:
                    break
        stream_id = thread.resumable_stream_id
        assert stream_id is not None
        async with thread.resume() as resumed:
            message = await resumed.get_final_message()
    assert message == _clean_replay(demo_server.url, thread_id, stream_id)


def test_resume_of_an_unknown_stream_is_not_found(demo_server: Any, thread_id: str) -> None:
    with AssistantClient(demo_server.url) as client:
        thread = client.threads(thread_id)
        thread.resumable_stream_id = "no-such-stream"
        with pytest.raises(NotFoundError), thread.resume_sync():
            pass
        assert thread.resumable_stream_id is None


def test_resume_without_a_stream_id_is_a_usage_error(demo_server: Any, thread_id: str) -> None:
    with (
        AssistantClient(demo_server.url) as client,
        pytest.raises(UsageError, match="nothing to resume"),
    ):
        client.threads(thread_id).resume_sync()


def test_resume_answered_204_has_nothing_to_resume(demo_server: Any, thread_id: str) -> None:
    # The AI SDK reconnect route answers 204 when the chat has no active run.
    with AssistantClient(demo_server.url) as client:
        thread = client.threads(thread_id)
        stream = thread.resume_sync(url=f"/api/chat/{thread_id}/stream")
        with pytest.raises(IncompleteStreamError, match="204"), stream:
            stream.until_done()


def test_a_resume_cut_again_resumes_again(demo_server: Any, thread_id: str) -> None:
    with AssistantClient(demo_server.url, chat_path="/api/chat/resumable") as client:
        thread = client.threads(thread_id)
        with thread.stream_sync(messages=[LONG]) as first:
            next(iter(first))
        stream_id = thread.resumable_stream_id
        assert stream_id is not None
        with thread.resume_sync() as second:
            for index, _ in enumerate(second):
                if index == 20:
                    break
        cut = second.current_message
        assert cut is not None
        assert cut["status"] == {"type": "incomplete", "reason": "cancelled"}
        assert thread.resumable_stream_id == stream_id
        with thread.resume_sync() as third:
            message = third.get_final_message()
    assert message == _clean_replay(demo_server.url, thread_id, stream_id)
