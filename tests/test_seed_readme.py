"""Every example of the original package's README, run unchanged against a
backend built on the official assistant-stream package (tests/servers.py).

Each example's text is kept as the README has it; the only substitution is
the example host ``https://api.example.com``, which becomes the loopback
server's URL. Snippets that the README shows inside an async context (a bare
``await``) are wrapped in ``async def`` and run with ``asyncio.run``; names a
snippet takes from an earlier one (``messages``, ``client``) or leaves to
the reader (``fetch_token``) are provided. The tests then assert the exact
JSON and headers the server received, and what the example printed.
"""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest

import assistant_ui
from app_host import AppHost
from servers import Recorder, official_app

pytestmark = pytest.mark.skipif(
    not hasattr(assistant_ui, "AssistantClient"),
    reason="assistant_ui does not export AssistantClient yet (src/assistant_ui/__init__.py)",
)

HOST = "https://api.example.com"

MESSAGES = [{"role": "user", "content": [{"type": "text", "text": "Hello, how are you?"}]}]
CONVERTED = [
    {
        "type": "add-message",
        "message": {"role": "user", "parts": [{"type": "text", "text": "Hello, how are you?"}]},
    }
]

BASIC_EXAMPLE = """
import asyncio
from assistant_ui import AssistantClient
# Create a client
client = AssistantClient(base_url="https://api.example.com")
# Create messages
messages = [
    {
        "role": "user",
        "content": [{"type": "text", "text": "Hello, how are you?"}]
    }
]
# Send a chat request to a specific thread
async def main():
    thread = client.threads("thread-123")
    response = await thread.chat(
        messages=messages,
        system="You are a helpful assistant."
    )
    print(response.json())
    await client.close()
asyncio.run(main())
"""

ASYNC_CONTEXT_MANAGER = """
# Async context manager
async with AssistantClient(base_url="https://api.example.com") as client:
    thread = client.threads("thread-123")
    response = await thread.chat(messages=messages)
"""

SYNC_CONTEXT_MANAGER = """
# Sync context manager
with AssistantClient(base_url="https://api.example.com") as client:
    thread = client.threads("thread-123")
    response = thread.chat_sync(messages=messages)
"""

STATIC_HEADERS = """
# Static headers
client = AssistantClient(
    base_url="https://api.example.com",
    headers={"Authorization": "Bearer your-token"}
)
"""

DYNAMIC_HEADERS = """
# Dynamic headers (async)
async def get_auth_headers():
    token = await fetch_token()
    return {"Authorization": f"Bearer {token}"}
client = AssistantClient(
    base_url="https://api.example.com",
    headers=get_auth_headers
)
"""

TOOLS = """
tools = {
    "get_weather": {
        "description": "Get the current weather for a location",
        "parameters": {
            "type": "object",
            "properties": {
                "location": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}
            },
            "required": ["location"]
        }
    }
}
thread = client.threads("thread-123")
response = await thread.chat(
    messages=messages,
    tools=tools
)
"""

CANCEL = """
thread = client.threads("thread-123")
# Start a long-running chat
chat_task = asyncio.create_task(thread.chat(messages=messages))
# Cancel it
await thread.cancel()
chat_task.cancel()
"""

MESSAGE_TYPES = """
from assistant_ui.types import Message
# Text message
text_message: Message = {
    "role": "user",
    "content": [{"type": "text", "text": "Hello!"}]
}
# Image message
image_message: Message = {
    "role": "user",
    "content": [
        {"type": "text", "text": "What's in this image?"},
        {"type": "image", "image": "https://example.com/image.jpg"}
    ]
}
# File message
file_message: Message = {
    "role": "user",
    "content": [
        {"type": "file", "data": "https://example.com/file.pdf", "mimeType": "application/pdf"}
    ]
}
# Assistant message with tool calls
assistant_message: Message = {
    "role": "assistant",
    "content": [
        {"type": "text", "text": "I'll help you with that."},
        {
            "type": "tool-call",
            "toolCallId": "call-123",
            "toolName": "get_weather",
            "args": {"location": "San Francisco"}
        }
    ]
}
# Tool result message
tool_message: Message = {
    "role": "tool",
    "content": [
        {
            "type": "tool-result",
            "toolCallId": "call-123",
            "toolName": "get_weather",
            "result": {"temperature": 72, "condition": "sunny"},
            "isError": False
        }
    ]
}
"""


@pytest.fixture
def url(app_host: AppHost, recorder: Recorder) -> Iterator[str]:
    with app_host.run(official_app(recorder)) as server:
        yield server.url


def run(source: str, url: str, namespace: dict[str, Any] | None = None) -> dict[str, Any]:
    """Runs an example with the example host pointed at ``url``; returns its globals."""
    scope: dict[str, Any] = {
        "__name__": "__readme__",
        "asyncio": asyncio,
        "AssistantClient": assistant_ui.AssistantClient,
        **(namespace or {}),
    }
    exec(compile(source.replace(HOST, url), "<seed README>", "exec"), scope)
    return scope


def run_async(source: str, url: str, namespace: dict[str, Any] | None = None) -> dict[str, Any]:
    """Runs an example that uses bare ``await`` inside an ``async def``."""
    body = textwrap.indent(source, "    ")
    wrapped = f"async def __example__():\n{body}\n    return locals()\n"
    scope = run(wrapped, url, namespace)
    result: dict[str, Any] = asyncio.run(scope["__example__"]())
    return result


def test_basic_example_prints_the_reply(
    url: str, recorder: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    scope = run(BASIC_EXAMPLE, url)

    assert recorder.last.path == "/api/chat"
    assert recorder.last.body == {
        "threadId": "thread-123",
        "messages": MESSAGES,
        "commands": CONVERTED,
        "system": "You are a helpful assistant.",
    }
    printed = capsys.readouterr().out
    assert "'text': 'You said: Hello, how are you?'" in printed
    assert "'status': {'type': 'complete', 'reason': 'unknown'}" in printed
    assert scope["client"]._connection.async_ is None  # closed by `await client.close()`


def test_async_context_manager(url: str, recorder: Recorder) -> None:
    scope = run_async(ASYNC_CONTEXT_MANAGER, url, {"messages": MESSAGES})
    assert scope["response"].output_text == "You said: Hello, how are you?"
    assert recorder.last.body == {
        "threadId": "thread-123",
        "messages": MESSAGES,
        "commands": CONVERTED,
    }


def test_sync_context_manager(url: str, recorder: Recorder) -> None:
    scope = run(SYNC_CONTEXT_MANAGER, url, {"messages": MESSAGES})
    assert scope["response"].status_code == 200
    assert scope["response"].json()["parts"][0]["text"] == "You said: Hello, how are you?"
    assert recorder.last.body["threadId"] == "thread-123"


def test_static_headers(url: str, recorder: Recorder) -> None:
    client = run(STATIC_HEADERS, url)["client"]
    response = client.threads("thread-123").chat_sync(messages=MESSAGES)
    client.close_sync()
    assert response.output_text == "You said: Hello, how are you?"
    assert recorder.last.headers["authorization"] == "Bearer your-token"
    assert recorder.last.headers["content-type"] == "application/json"


def test_dynamic_async_headers(url: str, recorder: Recorder) -> None:
    tokens = iter(["first", "second"])

    async def fetch_token() -> str:
        return next(tokens)

    client = run(DYNAMIC_HEADERS, url, {"fetch_token": fetch_token})["client"]

    async def two_requests() -> None:
        thread = client.threads("thread-123")
        await thread.chat(messages=MESSAGES)
        await thread.cancel()
        await client.close()

    asyncio.run(two_requests())
    # Evaluated before every request.
    assert [r.headers["authorization"] for r in recorder.requests] == [
        "Bearer first",
        "Bearer second",
    ]


def test_tools(url: str, recorder: Recorder) -> None:
    client = assistant_ui.AssistantClient(base_url=url)
    names = {"client": client, "messages": MESSAGES}
    scope = run_async(TOOLS + "\nawait client.close()\n", url, names)
    assert recorder.last.body["tools"] == scope["tools"]
    [call] = scope["response"].tool_calls
    assert call["toolName"] == "get_weather"
    assert call["args"] == {"location": "Paris"}


def test_cancel(url: str, recorder: Recorder) -> None:
    client = assistant_ui.AssistantClient(base_url=url)
    scope = run_async(
        CANCEL + "\ntry:\n    await chat_task\nexcept asyncio.CancelledError:\n    pass\n"
        "await client.close()\n",
        url,
        {"client": client, "messages": MESSAGES},
    )
    assert scope["chat_task"].done()
    cancels = recorder.of("/api/cancel")
    assert [c.body for c in cancels] == [{"threadId": "thread-123"}]
    assert cancels[0].headers["content-type"] == "application/json"


def test_message_types_are_sent_without_losses(url: str, recorder: Recorder) -> None:
    scope = run(MESSAGE_TYPES, url)
    names = ["text_message", "image_message", "file_message", "assistant_message", "tool_message"]
    messages = [scope[name] for name in names]

    with assistant_ui.AssistantClient(base_url=url) as client:
        response = client.threads("thread-123").chat_sync(messages=messages)

    assert response.is_success
    body = recorder.last.body
    assert body["messages"] == messages
    assert body["commands"] == [
        {"type": "add-message", "message": {"role": "user", "parts": messages[0]["content"]}},
        {"type": "add-message", "message": {"role": "user", "parts": messages[1]["content"]}},
        {"type": "add-message", "message": {"role": "user", "parts": messages[2]["content"]}},
        {
            "type": "add-message",
            "message": {"role": "assistant", "parts": messages[3]["content"]},
        },
        {
            "type": "add-tool-result",
            "toolCallId": "call-123",
            "toolName": "get_weather",
            "result": {"temperature": 72, "condition": "sunny"},
            "isError": False,
            "artifact": None,
        },
    ]
