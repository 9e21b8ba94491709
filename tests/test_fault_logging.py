"""The ``assistant_ui`` logger, ASSISTANT_UI_LOG, and the User-Agent.

Against a raw-socket server: one INFO line per request (method, redacted
URL, status, time), one per retry (delay, reason); no message content at
any level; the environment variable turns stderr logging on; the
User-Agent names the library unless the user sets one.
"""

from __future__ import annotations

import logging
import os
import platform
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

from assistant_ui import AssistantClient, RetryPolicy, __version__
from fault_server import FaultServer, RawRequest, Step, chunks, head

USER_TEXT = "please keep this private"
REPLY_TEXT = "a private reply"
USER = {"role": "user", "content": [{"type": "text", "text": USER_TEXT}]}
UA = f"assistant-ui-sync-server-api/{__version__} python/{platform.python_version()}"


def reply(request: RawRequest) -> Iterable[Step]:
    yield head(200, {"Content-Type": "text/plain"})
    yield from chunks([f'0:"{REPLY_TEXT}"\n'.encode()])


def unavailable_once() -> object:
    seen: list[int] = []

    def handler(request: RawRequest) -> Iterable[Step]:
        seen.append(1)
        if len(seen) == 1:
            yield head(503, {"Content-Length": "4"}, chunked=False)
            yield b"busy"
        else:
            yield from reply(request)

    return handler


def messages(caplog: pytest.LogCaptureFixture, name: str = "assistant_ui") -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith(name)]


@pytest.mark.parametrize("sync", [False, True], ids=["async", "sync"])
async def test_each_request_is_logged_at_info_without_content(
    sync: bool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with FaultServer(reply) as server:
        path = "/api/chat?token=CANARYsecret1"
        async with AssistantClient(server.url + "/", max_retries=0, chat_path=path) as client:
            thread = client.threads("t")
            if sync:
                thread.chat_sync(messages=[USER])
            else:
                await thread.chat(messages=[USER])
    info = [r for r in caplog.records if r.name == "assistant_ui" and r.levelno == logging.INFO]
    assert len(info) == 1
    line = info[0].getMessage()
    assert line.startswith(f"POST {server.url}/api/chat?token=[redacted] -> 200 X (")
    assert "s to response headers" in line
    for text in messages(caplog, ""):  # every logger, every level
        assert USER_TEXT not in text
        assert REPLY_TEXT not in text
        assert "CANARY" not in text


async def test_a_retry_is_logged_with_its_delay_and_reason(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="assistant_ui")
    policy = RetryPolicy(max_retries=2, initial_delay=0.0, jitter=0.0)
    with FaultServer(unavailable_once()) as server:  # type: ignore[arg-type]
        async with AssistantClient(server.url, retry_policy=policy) as client:
            response = await client.threads("t").chat(messages=[USER])
    assert response.output_text == REPLY_TEXT
    lines = messages(caplog)
    assert any("-> 503" in line for line in lines)
    assert "retrying in 0.00s (resend 1 of 2) after InternalServerError: status 503" in lines
    assert any("-> 200" in line for line in lines)


def test_a_failed_attempt_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="assistant_ui")
    with FaultServer(reply) as server:
        url = server.url
    client = AssistantClient(url, max_retries=0)  # nothing listens any more
    with client, pytest.raises(Exception, match="could not talk"):
        client.threads("t").chat_sync(messages=[USER])
    assert any(line.startswith("request failed: could not talk to") for line in messages(caplog))


CHILD = """
import sys
from assistant_ui import AssistantClient
with AssistantClient(sys.argv[1], max_retries=0) as client:
    client.threads("t").chat_sync(messages=[{"role": "user", "content": "x"}])
"""


@pytest.mark.parametrize("level", ["info", "debug", "", "bogus"])
def test_assistant_ui_log_sends_the_logger_to_stderr(level: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ASSISTANT_UI_LOG"}
    if level:
        env["ASSISTANT_UI_LOG"] = level
    src = str(Path(__file__).resolve().parent.parent / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    with FaultServer(reply) as server:
        run = subprocess.run(
            [sys.executable, "-c", CHILD, server.url],
            env=env, capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
    if level in ("info", "debug"):
        assert "assistant_ui INFO] POST" in run.stderr
        assert ("request body" in run.stderr) == (level == "debug")
    else:
        assert run.stderr == ""


@pytest.mark.parametrize(
    ("headers", "expected"),
    [(None, UA), ({"User-Agent": "mine/1"}, "mine/1"), ({"user-agent": "mine/2"}, "mine/2")],
)
async def test_the_user_agent_names_the_library_unless_the_user_sets_one(
    headers: dict[str, str] | None, expected: str
) -> None:
    with FaultServer(reply) as server:
        async with AssistantClient(server.url, headers=headers, max_retries=0) as client:
            await client.threads("t").chat(messages=[USER])
            client.threads("t").chat_sync(messages=[USER])
    assert [r.headers["user-agent"] for r in server.requests] == [expected, expected]
