"""``aui serve`` stops on SIGTERM without waiting for open streams to end:
they get ``--graceful-timeout`` seconds, then their connections are cut and
the client sees a typed interrupted stream. A real subprocess on 127.0.0.1."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

pytest.importorskip("assistant_stream")

from assistant_ui import AssistantClient
from assistant_ui.errors import StreamInterruptedError

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGTERM")

GRACE = 1.0
# Generous: a loaded 2-core machine; this bounds the wait, it does not time it.
MARGIN = 20.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_listening(process: subprocess.Popen[str], port: int) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1)
            return
        except httpx.TransportError:
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "aui serve never listened"
            time.sleep(0.1)


def test_sigterm_cuts_a_long_stream_after_the_grace_period():
    port = _free_port()
    # --delay 0.05: the long reply would take about 20 s, far beyond the grace period.
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant_ui", "serve", "--port", str(port),
         "--delay", "0.05", "--graceful-timeout", str(GRACE)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _wait_until_listening(process, port)
        texts = 0
        with AssistantClient(f"http://127.0.0.1:{port}", max_retries=0, timeout=60) as client:
            thread = client.threads("shutdown")
            with pytest.raises(StreamInterruptedError) as caught:  # noqa: PT012
                for event in thread.send_stream_sync("write something long"):
                    if event.type == "text-delta":
                        texts += 1
                        if texts == 5:
                            process.send_signal(signal.SIGTERM)
        # The server exits by itself within the grace period (plus a margin).
        process.wait(timeout=GRACE + MARGIN)
    finally:
        if process.poll() is None:
            process.kill()
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    partial = caught.value.partial_message
    assert partial is not None
    text = "".join(p.get("text", "") for p in partial["parts"] if p["type"] == "text")
    assert text.startswith("Paragraph 1.")
    assert "Paragraph 60." not in text
    assert partial["status"]["type"] == "incomplete"
    # The cut is one line in the server log, not an application traceback.
    assert "cut a stream still open" in stderr
    assert "Traceback" not in stderr


def test_new_requests_are_refused_once_shutdown_starts():
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant_ui", "serve", "--port", str(port),
         "--delay", "0.05", "--graceful-timeout", "30"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _wait_until_listening(process, port)
        with AssistantClient(f"http://127.0.0.1:{port}", max_retries=0, timeout=60) as client:
            events = client.threads("keeps-streaming").send_stream_sync("long")
            next(event for event in events if event.type == "text-delta")
            process.send_signal(signal.SIGTERM)
            # The open stream still streams during the grace period...
            next(event for event in events if event.type == "text-delta")
            # ...but the listening socket is closed: a new request cannot connect.
            deadline = time.monotonic() + MARGIN
            while True:
                try:
                    httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1)
                except httpx.ConnectError:
                    break
                assert time.monotonic() < deadline, "still accepting after SIGTERM"
                time.sleep(0.1)
            events.close()
        # The client closed its stream: nothing is left open, the server ends early.
        process.wait(timeout=MARGIN)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=60)
    assert process.returncode == 0
