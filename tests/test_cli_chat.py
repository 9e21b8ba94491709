"""``aui chat`` over pipes (plain output): slash commands, ``--tool`` and
``--approve``, one line per failure, the empty reply; and the pure helpers
of the terminal renderer. Servers are real, on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("assistant_stream")

import warm_python
from assistant_ui.cli.failures import failure_line, status_line
from assistant_ui.cli.pretty import split_blocks
from assistant_ui.cli.terminal import clean_typed_text
from assistant_ui.demo.runner import BackgroundServer
from assistant_ui.errors import RemoteStreamError

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60
TOOL = "tests.cli_tools:get_weather"


def aui(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m assistant_ui ARGS`` from the repository root, output on
    files (a process forked from a warm interpreter: tests/warm_python.py)."""
    return warm_python.run(
        "assistant_ui",
        *args,
        module=True,
        stdin=stdin,
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "AUI_HISTORY": ""},
        timeout=TIMEOUT,
    )


# -- --tool and --approve ---------------------------------------------------------------


def test_tool_round_trip_one_shot(demo_server, thread_id):
    result = aui("chat", demo_server.url, "weather in Paris", "--tool", TOOL, "--thread", thread_id)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Let me check the weather for you.\nIt is 21°C and cloudy in Paris.\n"
    assert '[tool call] get_weather({"city": "Paris"})' in result.stderr
    assert (
        '[tool result] get_weather -> {"city": "Paris", "temperature": 21, "condition": "cloudy"}'
        in result.stderr
    )
    first, follow_up = demo_server.log.requests_for(thread_id)
    assert "get_weather" in json.dumps(first.body["tools"])
    assert '"temperature": 21' in json.dumps(follow_up.body)


@pytest.mark.parametrize(("answer", "ran"), [("y\n", True), ("n\n", False), ("", False)])
def test_approve_asks_before_the_tool_runs(demo_server, answer, ran):
    result = aui(
        "chat", demo_server.url, "weather in Paris", "--tool", TOOL, "--approve", stdin=answer
    )
    assert result.returncode == 0, result.stderr
    assert 'run get_weather({"city": "Paris"}) here? [y/N] ' in result.stderr
    if ran:
        assert "It is 21°C and cloudy in Paris." in result.stdout
    else:
        assert "Tool approval denied" in result.stdout
        assert "21°C" not in result.stdout


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no_colon", "--tool takes MODULE:FUNCTION"),
        ("no_such_module_here:f", "cannot import 'no_such_module_here'"),
        ("tests.cli_tools:missing", "has no 'missing'"),
    ],
)
def test_a_bad_tool_is_one_line(demo_server, spec, message):
    result = aui("chat", demo_server.url, "hi", "--tool", spec)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert message in lines[0]


# -- the REPL over pipes -----------------------------------------------------------------


def test_unknown_slash_command_is_never_sent(demo_server, thread_id):
    result = aui("chat", demo_server.url, "--thread", thread_id, stdin="/bogus\n/help\n")
    assert result.returncode == 0, result.stderr
    assert "unknown command /bogus: /help lists the commands" in result.stderr
    for command in ("/reset", "/regenerate", "/edit", "/state", "/save FILE", "/quit"):
        assert command in result.stderr
    assert demo_server.log.requests_for(thread_id) == []


def test_an_escaped_slash_is_sent(demo_server, thread_id):
    result = aui("chat", demo_server.url, "--thread", thread_id, stdin="//etc\n")
    assert result.returncode == 0, result.stderr
    assert "You said: /etc" in result.stdout


def test_regenerate_edit_state_save_reset_quit(demo_server, thread_id, tmp_path):
    saved = tmp_path / "chat.json"
    script = f"one\n/regenerate\n/edit two\n/state\n/save {saved}\n/reset\n/state\n/quit\nnever\n"
    result = aui("chat", demo_server.url, "--thread", thread_id, stdin=script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("You said: one") == 2  # sent, then regenerated
    assert "You said: two" in result.stdout
    assert "never" not in result.stdout  # /quit left
    assert f"thread {thread_id}, runtime sync-server, 2 messages" in result.stderr
    assert f"thread {thread_id}, runtime sync-server, 0 messages" in result.stderr
    requests = demo_server.log.requests_for(thread_id)

    def history(body: dict) -> list[str]:
        return [p["text"] for m in body["messages"] for p in m["content"]]

    # Regenerate drops the reply and asks again; edit replaces the user message.
    assert [history(r.body) for r in requests] == [["one"], ["one"], ["two"]]
    ids = {r.body["unstable_assistantMessageId"] for r in requests}
    assert len(ids) == 3  # each run writes a new assistant message
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert document["threadId"] == thread_id
    texts = [p["text"] for m in document["messages"] for p in m["parts"] if p["type"] == "text"]
    assert texts == ["two", "You said: two"]


def test_nothing_to_regenerate_or_edit(demo_server, thread_id):
    result = aui("chat", demo_server.url, "--thread", thread_id, stdin="/regenerate\n/edit x\n")
    assert result.returncode == 0
    assert "Nothing to regenerate yet" in result.stderr
    assert "Nothing to edit yet" in result.stderr
    assert demo_server.log.requests_for(thread_id) == []


def test_repl_error_is_reported_once_and_the_repl_goes_on(demo_server):
    result = aui("chat", demo_server.url, stdin="please fail\nhello\n")
    assert result.returncode == 0
    assert result.stderr.count("The demo backend failed on request.") == 1
    assert "You said: hello" in result.stdout


# -- failures in words, and the empty reply ---------------------------------------------------


def test_a_cut_stream_is_one_line_in_words(recorder):
    from servers import raw_app

    app = raw_app(recorder, [b'0:"Hello, "\n', b'0:"wor"\n'], cut=True)
    with BackgroundServer(app) as server:
        result = aui("chat", server.url, "hi", "--encoding", "data-stream")
    assert result.returncode == 1
    assert result.stdout == "Hello, wor\n"
    assert result.stderr.strip().splitlines() == [
        "[cut off] the reply was cut off after 10 characters; what arrived is shown above "
        "(the server closed the connection mid-reply)"
    ]
    assert "partial_message" not in result.stderr


def test_an_empty_reply_says_so(recorder):
    from servers import raw_app

    app = raw_app(recorder, [b'd:{"finishReason":"stop"}\n'])
    with BackgroundServer(app) as server:
        result = aui("chat", server.url, "hi", "--encoding", "data-stream")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.strip() == "(empty reply)"


def test_failure_lines():
    message = {"role": "assistant", "parts": [{"type": "text", "text": "x" * 1234}]}
    error = RemoteStreamError("boom", partial_message=message)
    assert failure_line(error, None, error_shown=True) is None
    assert failure_line(error, None, error_shown=False) == "[error] boom"
    waiting = {
        "status": {"type": "requires-action", "reason": "tool-calls"},
        "parts": [{"type": "tool-call", "toolName": "get_weather", "toolCallId": "1"}],
    }
    line = status_line(waiting)
    assert line is not None
    assert line.startswith("[requires-action (tool-calls)] the backend waits for a tool result")
    assert "get_weather" in line
    assert status_line({"status": {"type": "complete", "reason": "stop"}}) is None


# -- pure helpers of the terminal renderer ----------------------------------------------------


def test_split_blocks_cuts_after_paragraphs_and_closed_fences():
    assert split_blocks("one\n\ntwo") == ("one\n\n", "two")
    assert split_blocks("one\ntwo") == ("", "one\ntwo")
    # A blank line inside an open code fence does not end a block...
    text = "```python\nx = 1\n\ny = 2\n"
    assert split_blocks(text) == ("", text)
    # ...its closing fence does.
    assert split_blocks(text + "```\nafter") == (text + "```\n", "after")
    # A longer fence is closed only by one at least as long.
    assert split_blocks("````\n```\n") == ("", "````\n```\n")


def test_typed_ahead_keys_become_lines():
    assert clean_typed_text("abc") == ["abc"]
    assert clean_typed_text("ab\x7fc") == ["ac"]  # backspace
    assert clean_typed_text("one\rtwo") == ["one", "two"]
    assert clean_typed_text("x\x1b[Ay") == ["xy"]  # an arrow key is dropped
    assert clean_typed_text("junk\x15kept") == ["kept"]  # Ctrl-U
    assert clean_typed_text("\r\rlast") == ["last"]
