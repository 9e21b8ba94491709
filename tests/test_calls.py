"""One-off calls (chat(), stream()) in every runtime, per-call request options,
and messages of either shape, against the embedded demo backend."""

from __future__ import annotations

from typing import Any

import pytest

from assistant_ui import AssistantClient, InvalidRequestError

USER = {"role": "user", "content": [{"type": "text", "text": "echo hello"}]}

# The key that tells each runtime's body apart (docs/protocols.md §1).
SHAPE_KEYS = {
    "sync-server": "commands",
    "data-stream": "messages",
    "ai-sdk": "trigger",
    "assistant-transport": "commands",
}


def _last_body(demo_server: Any, thread_id: str) -> dict[str, Any]:
    requests = demo_server.log.requests_for(thread_id)
    assert requests, "the backend saw no request for this thread"
    body = requests[-1].body
    assert isinstance(body, dict)
    return body


@pytest.mark.parametrize("runtime", list(SHAPE_KEYS))
def test_chat_sends_the_runtimes_own_body(demo_server: Any, thread_id: str, runtime: str) -> None:
    with AssistantClient(demo_server.url, runtime=runtime, max_retries=0) as client:
        response = client.threads(thread_id).chat_sync(messages=[USER], system="Be brief")
    body = _last_body(demo_server, thread_id)
    assert SHAPE_KEYS[runtime] in body
    if runtime == "ai-sdk":
        assert body["id"] == thread_id
        assert body["trigger"] == "submit-message"
        assert body["messages"][0]["parts"] == [{"type": "text", "text": "echo hello"}]
    elif runtime == "data-stream":
        assert body["messages"][0]["role"] == "user"
        assert body["system"] == "Be brief"
    elif runtime == "assistant-transport":
        assert body["commands"][0]["type"] == "add-message"
    else:
        assert body["messages"] == [USER]  # the seed's contract: sent as given
    assert "hello" in response.output_text


@pytest.mark.parametrize("runtime", list(SHAPE_KEYS))
async def test_stream_sends_the_runtimes_own_body(
    demo_server: Any, thread_id: str, runtime: str
) -> None:
    client = AssistantClient(demo_server.url, runtime=runtime, max_retries=0)
    async with client, client.threads(thread_id).stream(messages=[USER]) as stream:
        message = await stream.get_final_message()
    assert SHAPE_KEYS[runtime] in _last_body(demo_server, thread_id)
    assert message["status"]["type"] == "complete"


@pytest.mark.parametrize("runtime", list(SHAPE_KEYS))
def test_a_threads_own_messages_go_back_through_chat(
    demo_server: Any, thread_id: str, runtime: str
) -> None:
    with AssistantClient(demo_server.url, runtime=runtime, max_retries=0) as client:
        thread = client.threads(thread_id)
        thread.send_sync("echo first")
        history = thread.messages
        assert history[-1]["role"] == "assistant"
        response = thread.chat_sync(messages=[*history, {"role": "user", "content": "echo again"}])
    assert "again" in response.output_text
    body = _last_body(demo_server, thread_id)
    if runtime in ("data-stream", "ai-sdk", "sync-server"):
        assert len(body["messages"]) == 3


@pytest.mark.parametrize("runtime", list(SHAPE_KEYS))
def test_a_malformed_message_names_its_index_and_field(runtime: str) -> None:
    with AssistantClient("http://127.0.0.1:9", runtime=runtime, max_retries=0) as client:
        thread = client.threads("t")
        with pytest.raises(InvalidRequestError) as caught:
            thread.chat_sync(messages=[USER, {"role": "user", "parts": [{"type": "text"}]}])
    assert caught.value.field is not None
    assert caught.value.field.startswith("messages[1]")


def test_request_options_are_not_body_fields(demo_server: Any, thread_id: str) -> None:
    with AssistantClient(demo_server.url, max_retries=0) as client:
        client.threads(thread_id).chat_sync(
            messages=[USER],
            timeout=30.0,
            extra_headers={"x-trace": "abc"},
            extra_query={"debug": "1"},
            extra_body={"custom": True},
            max_retries=1,
            temperature=0.2,  # any other keyword stays a body field (the seed's contract)
        )
    request = demo_server.log.requests_for(thread_id)[-1]
    assert request.headers["x-trace"] == "abc"
    assert request.query["debug"] == "1"
    for option in ("timeout", "extra_headers", "extra_query", "extra_body", "max_retries"):
        assert option not in request.body
    assert request.body["custom"] is True
    assert request.body["temperature"] == 0.2


async def test_send_takes_request_options(demo_server: Any, thread_id: str) -> None:
    async with AssistantClient(demo_server.url, runtime="data-stream", max_retries=0) as client:
        thread = client.threads(thread_id)
        await thread.send("echo hi", timeout=30.0, extra_headers={"x-trace": "send"})
    request = demo_server.log.requests_for(thread_id)[-1]
    assert request.headers["x-trace"] == "send"
    assert "timeout" not in request.body
    assert "extra_headers" not in request.body


def test_path_works_on_every_call(demo_server: Any, thread_id: str) -> None:
    with AssistantClient(demo_server.url, runtime="assistant-transport", max_retries=0) as client:
        thread = client.threads(thread_id)
        thread.chat_sync(messages=[USER], path="/assistant")
        with thread.stream_sync(messages=[USER], path="/assistant") as stream:
            stream.until_done()
    paths = [r.path for r in demo_server.log.requests_for(thread_id)]
    assert paths == ["/assistant", "/assistant"]


def test_with_options_shares_the_pool_and_changes_only_what_it_names(
    demo_server: Any, thread_id: str
) -> None:
    with AssistantClient(demo_server.url, max_retries=0, headers={"x-a": "1"}) as client:
        client.threads(thread_id).chat_sync(messages=[USER])
        derived = client.with_options(timeout=42.0, headers={"x-a": "2"}, runtime="data-stream")
        assert derived.timeout == 42.0
        assert client.timeout != 42.0
        assert derived.retry_policy == client.retry_policy
        assert derived.runtime == "data-stream"
        derived.threads(thread_id).chat_sync(messages=[USER])
        assert derived._connection.sync is client._connection.sync  # one pool
    first, second = demo_server.log.requests_for(thread_id)[-2:]
    assert (first.headers["x-a"], second.headers["x-a"]) == ("1", "2")
    assert "commands" in first.body
    assert "commands" not in second.body
    assert client._connection.sync is None  # closing either closed the shared pool


def _get_weather(city: str) -> dict[str, object]:
    """Get the weather.

    Args:
        city: the city.
    """
    return {"city": city, "temperature": 18, "condition": "sunny"}


def test_send_stream_is_a_stream_manager_with_tool_executions(
    demo_server: Any, thread_id: str
) -> None:
    import assistant_ui
    from assistant_ui import events

    tool = assistant_ui.tool(_get_weather)
    tool.name = "get_weather"
    with AssistantClient(demo_server.url, runtime="ai-sdk", max_retries=0) as client:
        thread = client.threads(thread_id, tools=[tool])
        with thread.send_stream_sync("weather in Paris") as run:
            got = list(run)
            live = run.current_message
        result = run.until_done()
    kinds = [e.type for e in got]
    started = kinds.index("tool-execution-start")
    ended = kinds.index("tool-execution-end")
    assert started < ended
    end = got[ended]
    assert isinstance(end, events.ToolExecutionEndEvent)
    assert end.tool_name == "get_weather"
    assert end.result == {"city": "Paris", "temperature": 18, "condition": "sunny"}
    assert kinds.count("message-finish") == 2  # one per response of the run
    assert result.requests == 2
    assert "18" in result.output_text
    assert live is not None
    assert live["parts"]


async def test_iterating_send_stream_without_with_is_deprecated(
    demo_server: Any, thread_id: str
) -> None:
    from assistant_ui.protocol.events import TextDelta

    async with AssistantClient(demo_server.url, max_retries=0) as client:
        thread = client.threads(thread_id)
        with pytest.warns(DeprecationWarning, match="without `with`"):
            canonical = [e async for e in thread.send_stream("echo hi")]
    assert any(isinstance(e, TextDelta) for e in canonical)  # 0.2's events
