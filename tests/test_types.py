"""assistant_ui.types: required and optional keys, and what mypy accepts."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from assistant_ui import types

SEED_NAMES = [
    "Message", "SystemMessage", "UserMessage", "AssistantMessage", "ToolMessage", "TextPart",
    "ImagePart", "FilePart", "ToolCallPart", "ToolResultPart", "Tool", "ToolParameters",
    "AddMessageCommand", "AddToolResultCommand", "AssistantTransportCommand",
]  # fmt: skip

KEYS: list[tuple[Any, set[str], set[str]]] = [
    (types.TextPart, {"type", "text"}, set()),
    (types.ImagePart, {"type", "image"}, set()),
    (types.FilePart, {"type", "data"}, {"mimeType", "filename"}),
    (types.ToolCallPart, {"type", "toolCallId", "toolName", "args"}, {"argsText"}),
    (
        types.ToolResultPart,
        {"type", "toolCallId", "toolName", "result"},
        {"isError", "artifact"},
    ),
    (types.UserMessage, {"role", "content"}, set()),
    (types.Tool, {"parameters"}, {"description", "providerOptions"}),
    (
        types.ToolParameters,
        {"type", "properties"},
        {"required", "additionalProperties", "description"},
    ),
    (types.AddMessageCommand, {"type", "message"}, {"parentId", "sourceId"}),
    (
        types.AddToolResultCommand,
        {"type", "toolCallId", "toolName", "result", "isError"},
        {"artifact", "modelContent"},
    ),
    (types.MessageStatus, {"type"}, {"reason", "error"}),
    (
        types.AssistantStreamMessage,
        {"role", "status", "parts", "metadata"},
        {"id"},
    ),
    (
        types.ToolCallMessagePart,
        {"type", "state", "status", "toolCallId", "toolName", "argsText", "args"},
        {
            "result",
            "isError",
            "artifact",
            "modelContent",
            "messages",
            "isPreliminary",
            "approval",
            "parentId",
        },
    ),
]


def test_every_seed_name_exists() -> None:
    missing = [name for name in SEED_NAMES if not hasattr(types, name)]
    assert missing == []
    assert set(SEED_NAMES) <= set(types.__all__)


@pytest.mark.parametrize(
    ("cls", "required", "optional"), KEYS, ids=[case[0].__name__ for case in KEYS]
)
def test_optional_keys_are_not_required(cls: Any, required: set[str], optional: set[str]) -> None:
    assert cls.__required_keys__ == required
    assert cls.__optional_keys__ == optional


def test_message_is_the_union_of_the_four_roles() -> None:
    assert set(types.Message.__args__) == {
        types.SystemMessage, types.UserMessage, types.AssistantMessage, types.ToolMessage,
    }  # fmt: skip


MYPY_OK = """
from assistant_ui.types import AssistantStreamMessage, Message, Tool

text_message: Message = {"role": "user", "content": [{"type": "text", "text": "Hello!"}]}
image_message: Message = {
    "role": "user",
    "content": [
        {"type": "text", "text": "What's in this image?"},
        {"type": "image", "image": "https://example.com/image.jpg"},
    ],
}
file_message: Message = {
    "role": "user",
    "content": [
        {"type": "file", "data": "https://example.com/file.pdf", "mimeType": "application/pdf"}
    ],
}
assistant_message: Message = {
    "role": "assistant",
    "content": [
        {"type": "text", "text": "I'll help you with that."},
        {"type": "tool-call", "toolCallId": "call-123", "toolName": "get_weather",
         "args": {"location": "San Francisco"}},
    ],
}
tool_message: Message = {
    "role": "tool",
    "content": [
        {"type": "tool-result", "toolCallId": "call-123", "toolName": "get_weather",
         "result": {"temperature": 72, "condition": "sunny"}, "isError": False}
    ],
}
tool: Tool = {
    "description": "Get the current weather for a location",
    "parameters": {
        "type": "object",
        "properties": {"location": {"type": "string"}},
        "required": ["location"],
    },
}
reply: AssistantStreamMessage = {
    "role": "assistant",
    "status": {"type": "complete", "reason": "stop"},
    "parts": [{"type": "text", "text": "hi", "status": {"type": "complete", "reason": "unknown"}}],
    "metadata": {"unstable_state": None, "unstable_data": [], "unstable_annotations": [],
                 "steps": [], "custom": {}},
}
"""

MYPY_BAD = """
from assistant_ui.types import Message

no_role: Message = {"content": [{"type": "text", "text": "x"}]}
bad_part: Message = {"role": "user", "content": [{"type": "text", "txt": "x"}]}
"""


def run_mypy(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "example.py"
    path.write_text(textwrap.dedent(source))
    # mypy's incremental cache, kept between runs of the suite (gitignored): a
    # run re-checks only what changed (this file, edited modules), so it
    # gives the same verdicts in a fraction of the time. Its own directory:
    # another test may run mypy at the same moment.
    cache = Path(__file__).resolve().parents[1] / ".mypy_cache" / "test_types"
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_mypy_accepts_the_seed_examples_and_rejects_bad_messages(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    ok = run_mypy(tmp_path, MYPY_OK)
    assert ok.returncode == 0, ok.stdout
    bad = run_mypy(tmp_path, MYPY_BAD)
    assert bad.returncode == 1
    assert bad.stdout.count("error:") >= 2, bad.stdout
