"""The README's own examples (beyond the seed's, which test_seed_readme runs)
execute as written against the embedded demo backend."""

from __future__ import annotations

import asyncio
import re
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest

from assistant_ui import AssistantClient

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def python_block(heading: str) -> str:
    """The first ```python block under the README section ``### heading``."""
    section = README.split(f"### {heading}\n", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None, heading
    return match.group(1)


MESSAGES = [{"role": "user", "content": [{"type": "text", "text": "Hello, how are you?"}]}]


def test_streaming_example(demo_server: Any, thread_id: str, capsys: Any) -> None:
    code = python_block("Streaming")
    body = textwrap.indent(code, "        ")
    source = (
        "async def main(url, thread_id, messages):\n"
        "    async with AssistantClient(url) as client:\n"
        "        thread = client.threads(thread_id)\n"
        f"{body}\n"
        "        return message\n"
    )
    namespace: dict[str, Any] = {"AssistantClient": AssistantClient}
    exec(compile(source, "README.md#streaming", "exec"), namespace)
    message = asyncio.run(namespace["main"](demo_server.url, thread_id, MESSAGES))
    out = capsys.readouterr().out
    assert "You said: Hello, how are you?" in out
    assert "text {'type': 'running'}" in out
    assert "message-finish {'type': 'complete'" in out
    assert message["status"]["type"] == "complete"


def test_conversation_and_tools_example(demo_server: Any, capsys: Any) -> None:
    code = python_block("Conversations and Python tools")
    assert "http://127.0.0.1:8000" in code
    exec(compile(code.replace("http://127.0.0.1:8000", demo_server.url), "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "It is 18°C and sunny in Paris." in out
    roles = [line.split(" ", 1)[0] for line in out.splitlines()[1:]]
    assert roles == ["user", "assistant"]
    assert "'toolName': 'get_weather'" in out


def test_decoding_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    shutil.copy(ROOT / "tests" / "fixtures" / "official_data_stream.txt", tmp_path / "reply.bin")
    monkeypatch.chdir(tmp_path)
    exec(compile(python_block("Decoding captured streams"), "README.md", "exec"), {})
    assert capsys.readouterr().out.startswith("data-stream {'type': 'complete'")
