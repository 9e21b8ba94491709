"""A typed user program: what mypy (strict) and pyright infer for the public API.

It is never run; ``tests/test_typing.py`` type-checks it with both checkers.
Every ``assert_type`` is an assertion the checkers verify. The lines marked
``# type: ignore[...]`` are mistakes: both checkers are told to report an
ignore that suppresses nothing, so each mistake must really be caught.
"""

from __future__ import annotations

from typing import assert_type

from assistant_ui import (
    AssistantClient,
    ChatResponse,
    ChatStream,
    SendResult,
    events,
    tool,
)
from assistant_ui.types import (
    AssistantMessagePart,
    AssistantStreamMessage,
    MessageStatus,
    SourceMessagePart,
    ThreadMessage,
    ToolCallMessagePart,
    Usage,
)


@tool
def get_weather(city: str) -> dict[str, object]:
    """Get the weather.

    Args:
        city: the city.
    """
    return {"city": city}


def sync_program(client: AssistantClient) -> None:
    thread = client.threads("t1", runtime="ai-sdk", tools=[get_weather], max_steps=3)

    response = thread.chat_sync(messages=[{"role": "user", "content": "hi"}], timeout=30.0)
    assert_type(response, ChatResponse)
    assert_type(response.output_text, str)
    assert_type(response.message, AssistantStreamMessage | None)
    assert_type(response.usage, Usage | None)
    assert_type(response.finish_reason, str | None)
    assert_type(response.status, MessageStatus | None)
    assert_type(response.tool_calls, list[ToolCallMessagePart])
    assert_type(response.sources, list[SourceMessagePart])
    assert_type(response.status_code, int)
    if response.message is not None:
        assert_type(response.message["parts"][0], AssistantMessagePart)

    with thread.stream_sync(messages=thread.messages) as stream:
        assert_type(stream, ChatStream)
        for event in stream:
            assert_type(event, events.StreamEvent)
            if isinstance(event, events.TextEvent):
                assert_type(event.delta, str)
                assert_type(event.text, str)
        assert_type(stream.current_message, AssistantStreamMessage | None)
        final = stream.get_final_message()
        assert_type(final, AssistantStreamMessage)
        assert_type(final["parts"][0], AssistantMessagePart)

    result = thread.send_sync("What's the weather in Paris?", extra_headers={"x-trace": "1"})
    assert_type(result, SendResult)
    assert_type(result.output_text, str)
    assert_type(result.message, AssistantStreamMessage)
    assert_type(result.message["parts"][0], AssistantMessagePart)
    assert_type(result.messages, list[ThreadMessage])
    assert_type(result.usage, Usage | None)
    assert_type(result.finish_reason, str | None)

    with thread.send_stream_sync("again") as run:
        for text in run.text_stream:
            assert_type(text, str)
        assert_type(run.until_done(), SendResult)

    patient = client.with_options(timeout=600, max_retries=5)
    assert_type(patient, AssistantClient)

    # Mistakes the checkers must catch:
    client.threads("t2", runtime="ai_sdk")  # type: ignore[arg-type]
    client.threads("t3", max_step=3)  # type: ignore[call-arg]
    thread.send_sync("x", timeout="soon")  # type: ignore[arg-type]


async def async_program(client: AssistantClient) -> None:
    thread = client.threads("t1")
    async with thread.stream(messages=[{"role": "user", "content": "hi"}]) as stream:
        async for event in stream:
            assert_type(event, events.StreamEvent)
        assert_type(await stream.get_final_message(), AssistantStreamMessage)
    result = await thread.send("hi")
    assert_type(result.output_text, str)
    async with thread.send_stream("more") as run:
        assert_type(await run.until_done(), SendResult)
