"""The ``aui`` command, run as a user runs it: in a process of its own (forked
from a warm interpreter, tests/warm_python.py; an exec'd interpreter for
``--help``), or in a pseudo-terminal for the REPL. Servers are real, on
127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytest.importorskip("assistant_stream")

import warm_python
from assistant_ui.demo import create_app
from assistant_ui.demo.recording import DemoLog
from assistant_ui.demo.runner import BackgroundServer

FIXTURES = Path(__file__).parent / "fixtures"
BACKENDS = Path(__file__).parent / "backends"
TIMEOUT = 60


ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}


def aui(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Runs ``python -m assistant_ui ARGS`` with its output on files (so it is plain)."""
    return warm_python.run(
        "assistant_ui", *args, module=True, stdin=stdin, env=ENV, timeout=TIMEOUT
    )


def aui_exec(*args: str) -> subprocess.CompletedProcess[str]:
    """:func:`aui` in a newly exec'd interpreter: the interpreter's own start too."""
    return subprocess.run(
        [sys.executable, "-m", "assistant_ui", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=TIMEOUT,
        env=ENV,
    )


@pytest.fixture(scope="module")
def official_server() -> Iterator[str]:
    """The backend written on assistant-stream alone (tests/backends)."""
    sys.path.insert(0, str(BACKENDS))
    try:
        from official_example import app
    finally:
        sys.path.remove(str(BACKENDS))
    with BackgroundServer(app) as server:
        yield server.url


# -- aui demo -------------------------------------------------------------------------


def test_demo_runs_to_the_end():
    result = aui("demo")
    assert result.returncode == 0, result.stderr
    assert "You said: Hello! Who are you?" in result.stdout
    assert "It is 18°C and sunny in Paris." in result.stdout
    # Reasoning, the frontend tool and the cancelled run are shown apart.
    assert "thinking:" in result.stderr
    assert '[tool call] get_weather({"city": "Paris"})' in result.stderr
    assert "[incomplete (cancelled)]" in result.stderr
    # The final thread lists every message, the cancelled one last.
    thread = result.stdout[result.stdout.index("     user: Hello!") :]
    assert thread.rstrip().splitlines()[-1].endswith("[incomplete/cancelled]")
    assert "Traceback" not in result.stderr


def test_python_dash_m_and_help():
    result = aui_exec("--help")
    assert result.returncode == 0
    for command in ("demo", "serve", "chat", "decode"):
        assert command in result.stdout


def test_usage_error_exits_2():
    result = aui("chat")
    assert result.returncode == 2
    assert "URL" in result.stderr


# -- aui chat ---------------------------------------------------------------------------


def test_chat_streams_a_reply_from_a_backend_the_project_did_not_write(official_server):
    result = aui("chat", official_server, "hi there")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Hello from assistant-stream! You wrote: hi there\n"


def test_chat_shows_server_tool_calls_apart_from_the_text(official_server):
    result = aui("chat", official_server, "what time is it?")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Hello from assistant-stream! You wrote: what time is it?\n"
    assert '[tool call] get_time({"timezone": "UTC"})' in result.stderr
    assert '[tool result] get_time -> {"time": "12:00"}' in result.stderr


def test_chat_assistant_transport_to_the_official_backend(official_server):
    result = aui("chat", official_server + "/assistant", "hi", "--runtime", "assistant-transport")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Hello from assistant-transport!\n"


@pytest.mark.parametrize("runtime", ["sync-server", "data-stream", "ai-sdk", "assistant-transport"])
def test_chat_in_every_runtime(demo_server, thread_id, runtime):
    result = aui(
        "chat", demo_server.url + "/api/chat", "hello", "--runtime", runtime, "--thread", thread_id
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "You said: hello\n"
    (request,) = demo_server.log.requests_for(thread_id)
    expected_key = {"sync-server": "commands", "data-stream": "messages", "ai-sdk": "trigger",
                    "assistant-transport": "state"}[runtime]  # fmt: skip
    assert expected_key in request.body


def test_chat_sends_headers_thread_and_system(demo_server, thread_id):
    result = aui(
        "chat", demo_server.url, "hello", "-H", "Authorization: Bearer s3cret",
        "-H", "X-Extra:  two words ", "--thread", thread_id, "--system", "Be brief.",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (request,) = demo_server.log.requests_for(thread_id)
    assert request.path == "/api/chat"
    assert request.headers["authorization"] == "Bearer s3cret"
    assert request.headers["x-extra"] == "two words"
    assert request.body["system"] == "Be brief."


def test_chat_reasoning_goes_to_stderr(demo_server):
    result = aui("chat", demo_server.url, "think about tea")
    assert result.returncode == 0
    assert result.stdout.startswith("After thinking it over")
    assert "thinking:\nThe user wants me to think" in result.stderr
    assert "\x1b[" not in result.stderr  # piped: plain


def test_chat_json_lines(demo_server):
    result = aui("chat", demo_server.url, "hello", "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["type"] == "step-start"
    assert lines[-1]["type"] == "final-message"
    assert lines[-1]["message"]["parts"][0]["text"] == "You said: hello"


def test_chat_frontend_tool_call_ends_as_requires_action(demo_server):
    result = aui("chat", demo_server.url, "weather in Oslo")
    assert result.returncode == 0
    assert '[tool call] get_weather({"city": "Oslo"})' in result.stderr
    assert "[requires-action (tool-calls)]" in result.stderr
    # It says what to do about it.
    assert "answer with --tool MODULE:FUNCTION" in result.stderr


def test_chat_error_chunk_fails_with_status_1(demo_server):
    result = aui("chat", demo_server.url, "please fail")
    assert result.returncode == 1
    # The error is reported once: no status line, no second "aui: error" line.
    assert result.stderr == "[error] The demo backend failed on request.\n"
    assert result.stdout.startswith("Trying, but")


def test_chat_cut_stream_reports_the_servers_error_first(demo_server):
    # The callback raised: assistant-stream sent the error frame, then cut the
    # connection (docs/protocols.md §2.9); the error frame is the primary error,
    # and it is reported once.
    result = aui("chat", demo_server.url, "crash")
    assert result.returncode == 1
    assert result.stdout == "Crashing as requested...\n"
    assert result.stderr.strip().splitlines() == ["[error] The demo backend crashed on request."]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def aui_at_once(*commands: tuple[str, ...]) -> list[subprocess.CompletedProcess[str]]:
    """Runs several ``aui`` commands side by side (each waits through its own
    retry backoff, which ``aui`` has no flag to shorten); returns them in order."""
    return warm_python.run_all(
        [("assistant_ui", *args) for args in commands], module=True, env=ENV, timeout=TIMEOUT
    )


def test_unreachable_server_is_one_line(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    result, debug, debug_after = aui_at_once(
        ("chat", url, "hi"),
        ("--debug", "chat", url, "hi"),
        # The flag also works after the command, and the scheme may be left out.
        ("chat", url.removeprefix("http://"), "hi", "--debug"),
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("aui: error:")
    assert "Traceback" in debug.stderr
    assert "Traceback" in debug_after.stderr
    assert debug_after.stderr.strip().splitlines()[-1].startswith("aui: error: could not talk to")


def test_http_error_status_is_one_line(demo_server):
    result = aui("chat", demo_server.url + "/no/such/path", "hi")
    assert result.returncode == 1
    assert result.stderr.startswith("aui: error:")
    assert "404" in result.stderr


def test_bad_header_is_one_line(demo_server):
    result = aui("chat", demo_server.url, "hi", "-H", "no colon here")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "aui: error: a header must look like 'Name: value', got 'no colon here'"
    )


def _history_of(runtime: str, body: dict) -> list[str]:
    """The turns a request carries, as texts, in its flavour's shape."""
    if runtime == "assistant-transport":
        return [m["content"] for m in body["state"]["messages"]]
    if runtime == "sync-server":
        return [c["message"]["parts"][0]["text"] for c in body["commands"]]
    if runtime == "ai-sdk":
        return ["".join(p.get("text", "") for p in m["parts"]) for m in body["messages"]]
    return ["".join(p.get("text", "") for p in m["content"]) for m in body["messages"]]


# What the second request of a two-line REPL session carries: the whole
# conversation for the message runtimes (sync-server commands included), or
# the state the first reply built (assistant-transport).
SECOND_REQUEST = {
    "sync-server": ["one", "You said: one", "two"],
    "data-stream": ["one", "You said: one", "two"],
    "ai-sdk": ["one", "You said: one", "two"],
    "assistant-transport": ["one", "You said: one"],
}


@pytest.mark.parametrize("runtime", sorted(SECOND_REQUEST))
def test_repl_over_pipes_keeps_the_conversation(demo_server, thread_id, runtime):
    result = aui(
        "chat", demo_server.url, "--thread", thread_id, "--runtime", runtime, stdin="one\ntwo\n"
    )
    assert result.returncode == 0, result.stderr
    assert "You said: one" in result.stdout
    assert "You said: two" in result.stdout
    second = demo_server.log.requests_for(thread_id)[1].body
    texts = _history_of(runtime, second)
    if runtime == "sync-server" and texts == ["two"]:
        return  # also fine: a sync-server keeps the thread, new commands suffice
    assert texts == SECOND_REQUEST[runtime]


# -- the REPL in a pseudo-terminal ----------------------------------------------------------


class Terminal:
    """A child process on a pseudo-terminal, read until expected text appears.

    It answers cursor position requests (``ESC [ 6 n``) as a terminal does;
    prompt_toolkit asks one after each prompt and, unanswered, waits a second
    for the reply before it gives up.
    """

    CURSOR_REQUEST = "\x1b[6n"

    def __init__(self, argv: list[str]) -> None:
        import pty

        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the command at once
            os.execve(argv[0], argv, {**os.environ, "TERM": "xterm-256color", "AUI_HISTORY": ""})
        self.output = ""
        self._answered = 0

    def expect(self, text: str, timeout: float = 30, *, start: int = 0) -> int:
        """Waits for ``text`` in the output from ``start`` on; returns where it ends."""
        import select

        deadline = time.monotonic() + timeout
        while text not in self.output[start:]:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{text!r} never appeared; got:\n{self.output}")
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"{text!r} never appeared before EOF:\n{self.output}")
                self.output += chunk.decode("utf-8", "replace")
                self._answer_cursor_requests()
        return self.output.index(text, start) + len(text)

    def _answer_cursor_requests(self) -> None:
        asked = self.output.count(self.CURSOR_REQUEST)
        for _ in range(asked - self._answered):
            self.send("\x1b[1;1R")  # row 1, column 1: any position will do
        self._answered = asked

    def send(self, data: str) -> None:
        os.write(self.fd, data.encode())

    def wait(self, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.05)
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError("the child did not exit")


# prompt_toolkit draws the prompt, then moves the cursor past its space.
PROMPT = "you>"


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_repl_streams_and_ctrl_c_cancels_the_run_not_the_program():
    log = DemoLog()
    # A paced backend, so the long reply is still streaming when Ctrl-C comes.
    with BackgroundServer(create_app(delay=0.02, log=log)) as server:
        term = Terminal(
            [sys.executable, "-m", "assistant_ui", "chat", server.url, "--thread", "pty"]
        )
        seen = term.expect(PROMPT)
        term.send("hello\r")
        seen = term.expect("You said: hello", start=seen)
        seen = term.expect(PROMPT, start=seen)
        term.send("write something long\r")
        term.expect("Paragraph 1.", start=seen)
        term.send("\x03")  # Ctrl-C, through the terminal's line discipline
        cancelled = term.expect("[cancelled]", start=seen)
        assert "Paragraph 60." not in term.output[seen:]
        # The program is still there: the prompt comes back and works.
        seen = term.expect(PROMPT, start=cancelled)
        term.send("again\r")
        seen = term.expect("You said: again", start=seen)
        term.expect(PROMPT, start=seen)
        term.send("/quit\r")
        assert term.wait() == 0
        # The server saw the client go away mid-run, and the cancel request.
        assert log.wait_for_disconnect("pty")
        assert "pty" in log.cancels
    assert "Traceback" not in term.output
    # On a terminal the annotations are styled (rich is installed here).
    assert "\x1b[" in term.output


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_one_shot_ctrl_c_keeps_what_arrived_and_exits_1():
    with BackgroundServer(create_app(delay=0.02)) as server:
        term = Terminal([sys.executable, "-m", "assistant_ui", "chat", server.url, "long"])
        term.expect("Paragraph 2.")
        term.send("\x03")
        # One line, in words: what happened and where the partial reply is.
        term.expect("[cancelled] the reply was stopped after")
        term.expect("what arrived is shown above")
        assert term.wait() == 1
    assert "Paragraph 1." in term.output
    assert "Traceback" not in term.output


# -- aui decode ---------------------------------------------------------------------------------


def test_decode_prints_the_text_of_a_captured_stream():
    result = aui("decode", str(FIXTURES / "official_data_stream.txt"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith(
        "text:\nHello from assistant-stream! You wrote: what time is it?"
    )
    assert "encoding: data-stream" in result.stderr
    assert "part-start" in result.stdout


@pytest.mark.parametrize(
    ("name", "encoding", "text"),
    [
        ("demo_ui_message_stream.sse", "ui-message-stream", "I searched for 'assistant-ui'."),
        ("demo_reasoning_ui_message_stream.sse", "ui-message-stream", "After thinking it over"),
        (
            "official_assistant_transport.sse",
            "assistant-transport",
            "Hello from assistant-transport!",
        ),
        ("demo_weather_data_stream.txt", "data-stream", "Let me check the weather for you."),
    ],
)
def test_decode_json_of_each_fixture(name, encoding, text):
    result = aui("decode", str(FIXTURES / name), "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["encoding"] == encoding
    shown = "".join(p.get("text", "") for p in document["message"]["parts"] if p["type"] == "text")
    assert shown.startswith(text)
    assert document["events"]


def test_decode_reads_stdin_with_a_given_encoding():
    result = aui("decode", "-", "--encoding", "plain-text", stdin="just text")
    assert result.returncode == 0
    assert result.stdout.rstrip().endswith("text:\njust text")


def test_decode_a_cut_stream_is_one_line_with_the_partial_text(tmp_path):
    cut = tmp_path / "cut.txt"
    cut.write_bytes(b'0:"Hello"\n0:" wor')
    result = aui("decode", str(cut), "--encoding", "data-stream")
    assert result.returncode == 1
    assert "partial text: Hello" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("aui: error:")
    assert "Traceback" not in result.stderr


def test_decode_missing_file():
    result = aui("decode", "/no/such/file.txt")
    assert result.returncode == 1
    assert result.stderr.startswith("aui: error: cannot read /no/such/file.txt")


# -- aui serve and the demo extra ------------------------------------------------------------------


def test_serve_runs_the_backend_until_interrupted():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant_ui", "serve", "--port", str(port), "--delay", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "aui serve never listened"
                assert process.poll() is None, process.communicate()[1]
                time.sleep(0.1)
        assert response.json() == {"ok": True}
        chat = httpx.post(
            f"http://127.0.0.1:{port}/api/chat",
            json={"messages": [{"role": "user", "content": "hi"}]},
            timeout=10,
        )
        assert '0:"You"' in chat.text
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, stderr
    assert f"Demo backend on http://127.0.0.1:{port}" in stderr


def test_missing_demo_extra_is_one_clear_line():
    code = (
        "import sys; sys.modules['assistant_stream'] = None\n"
        "from assistant_ui.cli import main\n"
        "sys.exit(main(['demo']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "pip install 'assistant-ui-sync-server-api[demo]'" in lines[0]
