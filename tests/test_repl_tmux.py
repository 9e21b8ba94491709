"""The ``aui chat`` REPL in a real terminal emulator: tmux runs it, keys go
in with ``send-keys`` and the screen comes back with ``capture-pane``.

One session against the embedded demo backend on 127.0.0.1 walks through a
streamed reply, Ctrl-C mid-reply (with keys typed ahead during it), slash
commands, and a frontend tool round trip (``--tool
tests.cli_tools:get_weather``: the demo's "weather in Paris" asks the client
to run ``get_weather``). Skipped, loudly, where tmux is missing (a failure
instead with ``AUI_REQUIRE_TMUX=1``).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("assistant_stream")
pytest.importorskip("prompt_toolkit")

from assistant_ui.demo import create_app
from assistant_ui.demo.recording import DemoLog
from assistant_ui.demo.runner import BackgroundServer

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 30.0

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="tmux is POSIX only")


def _tmux_or_skip() -> str:
    tmux = shutil.which("tmux")
    if tmux is None:
        message = (
            "TMUX IS MISSING: the REPL terminal test did not run "
            "(install tmux, e.g. apt-get install tmux)"
        )
        if os.environ.get("AUI_REQUIRE_TMUX"):
            pytest.fail(message + "; AUI_REQUIRE_TMUX is set")
        warnings.warn(message, stacklevel=2)
        print(f"\n*** {message} ***", file=sys.stderr)
        pytest.skip(message)
    return tmux


class Tmux:
    """One tmux server of our own (``-L``), with one pane running a command."""

    def __init__(self, tmux: str, command: list[str], *, env: dict[str, str], status: Path) -> None:
        self.tmux = tmux
        self.socket = f"aui-test-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.status = status
        line = " ".join(shlex.quote(part) for part in command)
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        # The shell writes the exit status to a file: tmux can be slow to
        # mark a pane dead (its process was seen a zombie for seconds).
        # remain-on-exit, set in the same tmux call, keeps the screen.
        shell = f"env {exports} {line}; echo $? > {shlex.quote(str(status))}"
        self.run(
            "-f", "/dev/null", "new-session", "-d", "-s", "repl", "-x", "110", "-y", "45",
            "-c", str(ROOT), shell, ";",
            "set-option", "-t", "repl", "remain-on-exit", "on",
        )  # fmt: skip

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [self.tmux, "-L", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=True,
        )
        return done.stdout

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "repl", *keys)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", "repl", "-l", text)

    def screen(self) -> str:
        """The pane and its scrollback, wrapped lines joined."""
        return self.run("capture-pane", "-p", "-J", "-S", "-", "-t", "repl")

    def wait_for(self, text: str, *, after: int = -1, timeout: float = TIMEOUT) -> int:
        """Waits until ``text`` is on a screen line below line ``after``;
        returns that line's number. Lines, not characters: the prompt line
        is edited in place, which moves every character offset after it."""
        deadline = time.monotonic() + timeout
        while True:
            lines = self.screen().splitlines()
            for number in range(after + 1, len(lines)):
                if text in lines[number]:
                    return number
            if time.monotonic() > deadline:
                screen = "\n".join(lines)
                raise AssertionError(f"{text!r} never appeared; the screen:\n{screen}")
            time.sleep(0.1)

    def prompt(self, *, after: int = -1) -> int:
        """Waits for the next prompt; returns its line."""
        return self.wait_for("you>", after=after)

    def lines(self, start: int, end: int) -> str:
        """Screen lines ``start`` to ``end`` (inclusive)."""
        return "\n".join(self.screen().splitlines()[start : end + 1])

    def exit_status(self, timeout: float = TIMEOUT) -> int:
        deadline = time.monotonic() + timeout
        while True:
            written = self.status.read_text() if self.status.exists() else ""
            if written.endswith("\n"):
                return int(written)
            if time.monotonic() > deadline:
                raise AssertionError(f"the REPL did not exit; the screen:\n{self.screen()}")
            time.sleep(0.1)

    def close(self) -> None:
        subprocess.run(
            [self.tmux, "-L", self.socket, "kill-server"], capture_output=True, timeout=TIMEOUT
        )


def _chat_requests(log: DemoLog, thread: str) -> list[object]:
    """The thread's chat requests (a cancel request carries no commands)."""
    return [r for r in log.requests_for(thread) if "commands" in r.body]


@pytest.fixture
def backend() -> Iterator[tuple[str, DemoLog]]:
    log = DemoLog()
    # Paced, so the long reply is still streaming when Ctrl-C comes.
    with BackgroundServer(create_app(delay=0.02, log=log)) as server:
        yield server.url, log


def test_repl_in_tmux_streams_cancels_commands_and_runs_a_tool(backend, tmp_path):
    tmux_path = _tmux_or_skip()
    url, log = backend
    thread = f"tmux-{uuid.uuid4().hex[:8]}"
    command = [sys.executable, "-m", "assistant_ui", "chat", url, "--thread", thread,
               "--tool", "tests.cli_tools:get_weather"]  # fmt: skip
    env = {"AUI_HISTORY": "", "TERM": "xterm-256color", "PYTHONPATH": str(ROOT / "src")}
    term = Tmux(tmux_path, command, env=env, status=tmp_path / "status")
    try:
        seen = term.prompt()

        # 1. A streamed reply.
        term.type("hello")
        term.keys("Enter")
        seen = term.wait_for("You said: hello", after=seen)
        seen = term.prompt(after=seen)

        # 2. Ctrl-C mid-reply, with keys typed while it streams.
        term.type("write something long")
        term.keys("Enter")
        seen = term.wait_for("Paragraph 2.", after=seen)
        term.type("typed ahead")
        term.keys("C-c")
        cancelled = term.wait_for("[cancelled] the reply was stopped after", after=seen)
        reply = term.lines(seen, cancelled)
        assert "Paragraph 60." not in reply
        assert "typed ahead" not in reply  # not echoed into the reply...
        seen = term.wait_for("you> typed ahead", after=cancelled)  # ...but pre-filled
        assert log.wait_for_disconnect(thread)
        term.keys("C-u")  # clear the pre-filled line

        # 3. Slash commands: an unknown one is never sent; /state answers here.
        requests = len(log.requests_for(thread))
        term.type("/bogus")
        term.keys("Enter")
        seen = term.wait_for("unknown command /bogus: /help lists the commands", after=seen)
        term.type("/state")
        term.keys("Enter")
        seen = term.wait_for(f"thread {thread}, runtime sync-server, 4 messages", after=seen)
        seen = term.wait_for("tools: get_weather", after=seen)
        assert len(log.requests_for(thread)) == requests

        # 4. A frontend tool round trip: the backend asks, the tool runs here,
        # its result goes back in a follow-up request.
        term.type("weather in Paris")
        term.keys("Enter")
        seen = term.wait_for('get_weather({"city": "Paris"})', after=seen)
        seen = term.wait_for("get_weather result", after=seen)
        seen = term.wait_for('"temperature": 21', after=seen)
        seen = term.wait_for("It is 21°C and cloudy in Paris.", after=seen)
        seen = term.prompt(after=seen)
        follow_up = log.requests_for(thread)[-1].body
        assert len(log.requests_for(thread)) == requests + 2
        assert "21" in str(follow_up)

        term.type("/quit")
        term.keys("Enter")
        assert term.exit_status() == 0
        screen = term.screen()
    finally:
        term.close()
    assert "Traceback" not in screen
    print("\n--- the tmux screen ---\n" + screen.rstrip())


def test_repl_in_tmux_approve_asks_and_ctrl_c_ends_the_question(backend, tmp_path):
    # The question is asked while the tool loop waits in a worker thread:
    # Ctrl-C must end it (not leave the REPL hanging on the thread).
    tmux_path = _tmux_or_skip()
    url, log = backend
    thread = f"tmux-{uuid.uuid4().hex[:8]}"
    command = [sys.executable, "-m", "assistant_ui", "chat", url, "--thread", thread,
               "--tool", "tests.cli_tools:get_weather", "--approve"]  # fmt: skip
    env = {"AUI_HISTORY": "", "TERM": "xterm-256color", "PYTHONPATH": str(ROOT / "src")}
    term = Tmux(tmux_path, command, env=env, status=tmp_path / "status")
    try:
        seen = term.prompt()
        term.type("weather in Paris")
        term.keys("Enter")
        seen = term.wait_for('run get_weather({"city": "Paris"}) here? [y/N]', after=seen)
        term.keys("C-c")
        seen = term.wait_for("[cancelled] the reply was stopped after 33 characters", after=seen)
        seen = term.prompt(after=seen)
        # The tool never ran and no follow-up went out; the run was cancelled.
        assert len(_chat_requests(log, thread)) == 1
        assert thread in log.cancels

        term.type("weather in Rome")
        term.keys("Enter")
        seen = term.wait_for('run get_weather({"city": "Rome"}) here? [y/N]', after=seen)
        term.type("y")
        seen = term.wait_for("It is 21°C and cloudy in Rome.", after=seen)
        seen = term.prompt(after=seen)
        term.keys("C-d")
        assert term.exit_status() == 0
        screen = term.screen()
    finally:
        term.close()
    assert "Traceback" not in screen
    assert len(_chat_requests(log, thread)) == 3  # Paris; Rome and its follow-up
