"""The scripts of examples/, run as a user runs them: each one a process of its
own (forked from a warm interpreter, tests/warm_python.py) against the
embedded demo backend (the ``demo_server`` fixture), asserted on what it
prints. The FastAPI relay runs under uvicorn on a free loopback port
and is asked one question through it."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

import warm_python

if TYPE_CHECKING:
    from conftest import DemoServer

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TIMEOUT = 60


def run_example(name: str, *args: str) -> str:
    """Runs examples/NAME with ARGS; returns its stdout (fails on a non-zero exit)."""
    done = warm_python.run(EXAMPLES / name, *args, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_every_example_is_tested() -> None:
    tested = {
        "stream_to_terminal.py",
        "notebook_sync.py",
        "tool_with_approval.py",
        "fastapi_proxy.py",
    }
    assert {p.name for p in EXAMPLES.glob("*.py")} == tested


def test_stream_to_terminal_shows_reasoning_text_and_status(demo_server: DemoServer) -> None:
    out = run_example("stream_to_terminal.py", demo_server.url)
    assert out.startswith("[reasoning] The user wants me to think about: 'think about tea'.")
    assert "\n[text] After thinking it over:" in out
    assert "\n[finished: complete]\n" in out
    assert "text only: After thinking it over: think about tea?" in out


def test_stream_to_terminal_shows_a_tool_call(demo_server: DemoServer) -> None:
    out = run_example("stream_to_terminal.py", demo_server.url, "weather in Paris")
    assert "[tool call: get_weather({'city': 'Paris'})]" in out
    assert "[finished: requires-action]" in out


def test_stream_to_terminal_reads_the_url_from_the_environment(demo_server: DemoServer) -> None:
    done = warm_python.run(
        EXAMPLES / "stream_to_terminal.py",
        env={**os.environ, "AUI_BASE_URL": demo_server.url},
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    assert "[finished: complete]" in done.stdout


def test_notebook_sync_chats_and_keeps_the_history(demo_server: DemoServer) -> None:
    out = run_example("notebook_sync.py", demo_server.url)
    assert "chat_sync: You said: Hello from a notebook\n" in out
    assert "send_sync: You said: What can you do?\n" in out
    assert "send_sync: I searched for 'python'." in out
    roles = re.findall(r"^\s*(user|assistant): ", out, flags=re.MULTILINE)
    assert roles == ["user", "assistant", "user", "assistant"]


def test_tool_with_approval_runs_the_tool_once_approved(demo_server: DemoServer) -> None:
    out = run_example("tool_with_approval.py", demo_server.url, "--yes")
    assert "Run get_weather({'city': 'Paris'})? yes" in out
    # The demo phrases the tool's own result: the function really ran.
    assert "It is 21°C and cloudy in Paris." in out


def test_tool_with_approval_sends_a_refusal_back(demo_server: DemoServer) -> None:
    out = run_example("tool_with_approval.py", demo_server.url, "--no")
    assert "Run get_weather({'city': 'Paris'})? no" in out
    assert "the user said no" in out
    assert "21°C" not in out


def test_tool_with_approval_asks_on_stdin(demo_server: DemoServer) -> None:
    done = warm_python.run(
        EXAMPLES / "tool_with_approval.py", demo_server.url, stdin="y\n", timeout=TIMEOUT
    )
    assert done.returncode == 0, done.stderr
    assert "It is 21°C and cloudy in Paris." in done.stdout


@pytest.fixture
def proxy_url(demo_server: DemoServer) -> Iterator[str]:
    """examples/fastapi_proxy.py under uvicorn on a free loopback port."""
    pytest.importorskip("fastapi", reason="examples/fastapi_proxy.py needs FastAPI (docs extra)")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "examples.fastapi_proxy:app",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
        ],
        cwd=EXAMPLES.parent,
        env={**os.environ, "AUI_BASE_URL": demo_server.url},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    # uvicorn logs the port it bound; a reader thread keeps the wait bounded.
    lines: queue.Queue[str] = queue.Queue()
    assert process.stderr is not None
    stderr = process.stderr

    def read_lines() -> None:
        for line in stderr:
            lines.put(line)

    reader = threading.Thread(target=read_lines, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 30
        seen: list[str] = []
        while True:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"uvicorn did not start: {''.join(seen)}")
            seen.append(line)
            found = re.search(r"running on (http://127\.0\.0\.1:\d+)", line)
            if found:
                break
        yield found.group(1)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        reader.join(timeout=10)


def test_fastapi_proxy_streams_the_reply_text(proxy_url: str, demo_server: DemoServer) -> None:
    thread_id = "proxy-example-test"
    with httpx.stream(
        "POST",
        f"{proxy_url}/chat",
        json={"message": "Hello through the proxy", "thread_id": thread_id},
        timeout=TIMEOUT,
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        pieces = list(response.iter_text())
    assert "".join(pieces) == "You said: Hello through the proxy"
    # The request really went through to the backend, on the thread asked for.
    assert [r.path for r in demo_server.log.requests_for(thread_id)] == ["/api/chat"]


def test_fastapi_proxy_serves_its_page(proxy_url: str) -> None:
    page = httpx.get(f"{proxy_url}/", timeout=TIMEOUT)
    assert page.status_code == 200
    assert 'fetch("/chat"' in page.text
