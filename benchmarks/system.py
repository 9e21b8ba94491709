"""Whole-client measurements over loopback: memory, leaks, concurrency, end to end."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from assistant_ui import AssistantClient

from .server import serving
from .timing import best_of, ours, pieces_of

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = [{"role": "user", "content": [{"type": "text", "text": "benchmark"}]}]
MB = 1024 * 1024


def _child(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.child", *args],
        check=True, capture_output=True, text=True, cwd=ROOT, timeout=900,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def largest_frame(body: bytes) -> int:
    """Bytes of the longest line of a body."""
    return max(len(line) for line in body.split(b"\n"))


def memory(path: Path, body: bytes, encoding: str) -> dict[str, Any]:
    """Peak RSS of a child decoding ``path`` and of a child's ``chat_sync()`` of it."""
    frame = largest_frame(body)
    with tempfile.TemporaryDirectory() as folder:
        message_json = str(Path(folder) / "message.json")
        decode = _child("decode", str(path), encoding, message_json)
        copy = _child("copy", message_json)
    # What decoding adds to the process (peak over the RSS before it), against
    # one Python copy of the message as RSS measures it (json.loads in a
    # fresh process): the library and interpreter already loaded are not
    # the decode's, and a copy's allocator overhead is part of a copy.
    budget = copy["rss"] + 2 * frame + 20 * MB
    with serving(path) as url:
        chat = _child("chat", url, encoding)
    # chat() may hold the body once on top of what decoding needs.
    chat_budget = copy["rss"] + len(body) + 2 * frame + 20 * MB
    return {
        "body": len(body), "frame": frame, "decode": decode, "copy": copy,
        "budget": budget, "chat": chat, "chat_budget": chat_budget,
    }  # fmt: skip


def leaks(path: Path, encoding: str) -> dict[str, Any]:
    """RSS of a child after 10 and after 100 ``chat_sync()`` calls on loopback."""
    with serving(path) as url:
        return _child("leak", url, encoding)


async def _streams(
    url: str, encoding: str, count: int, concurrent: bool
) -> tuple[int, int, list[str], float]:
    """Runs ``count`` streams (all at once or one after another) on one client:
    text deltas, streams complete, errors, CPU seconds."""
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    async with AssistantClient(url, max_retries=0, timeout=300, limits=limits) as client:

        async def one(index: int) -> int:
            thread = client.threads(f"bench-{index}", encoding=encoding)
            async with thread.stream(messages=MESSAGES) as stream:
                deltas = 0
                async for text in stream.text_stream:
                    deltas += bool(text)
                return deltas

        cpu = time.process_time()
        if concurrent:
            outcomes = await asyncio.gather(*(one(i) for i in range(count)),
                                            return_exceptions=True)  # fmt: skip
        else:
            outcomes = []
            for index in range(count):
                try:
                    outcomes.append(await one(index))
                except Exception as exc:  # counted, not raised: errors are a result here
                    outcomes.append(exc)
        cpu = time.process_time() - cpu
    errors = [repr(o) for o in outcomes if isinstance(o, BaseException)]
    deltas = sum(o for o in outcomes if isinstance(o, int))
    return deltas, count - len(errors), errors, cpu


def concurrency(path: Path, encoding: str, count: int, serial: int) -> dict[str, Any]:
    """CPU per delta of ``count`` concurrent async streams vs ``serial`` one at a time."""
    with serving(path) as url:
        serial_deltas, _, serial_errors, serial_cpu = asyncio.run(
            _streams(url, encoding, serial, concurrent=False))  # fmt: skip
        wall = time.perf_counter()
        deltas, ok, errors, many_cpu = asyncio.run(_streams(url, encoding, count, concurrent=True))
        wall = time.perf_counter() - wall
    return {
        "streams": count, "ok": ok, "errors": errors[:3], "error_count": len(errors),
        "deltas": deltas, "wall": wall, "serial_errors": len(serial_errors),
        "cpu_per_delta": many_cpu / max(deltas, 1),
        "serial_cpu_per_delta": serial_cpu / max(serial_deltas, 1),
    }  # fmt: skip


def end_to_end(path: Path, body: bytes, encoding: str, repeat: int) -> dict[str, Any]:
    """``stream_sync()`` over loopback vs ``decode_stream`` of the same bytes: the
    client's CPU time (the server runs in another process) and wall time; and
    the CPU time of a caller that iterates every high-level event."""
    pieces = pieces_of(body)
    decode = best_of(repeat, lambda: ours(pieces, encoding))
    with serving(path) as url, AssistantClient(url, max_retries=0, timeout=300) as client:
        thread = client.threads("bench", encoding=encoding)

        # The same work as decode_stream: the reply read to its final message.
        def streamed() -> None:
            with thread.stream_sync(messages=MESSAGES) as stream:
                stream.get_final_message()

        # And with every high-level event built and handed to the caller.
        def iterated() -> None:
            with thread.stream_sync(messages=MESSAGES) as stream:
                for _event in stream:
                    pass
                stream.get_final_message()

        streamed()  # warm-up: the first call also opens the httpx client (TLS context)
        e2e = best_of(repeat, streamed)
        e2e_wall = best_of(repeat, streamed, clock=time.perf_counter)
        e2e_events = best_of(repeat, iterated)
    decode_wall = best_of(repeat, lambda: ours(pieces, encoding), clock=time.perf_counter)
    return {"bytes": len(body), "decode": decode, "e2e": e2e, "e2e_events": e2e_events,
            "decode_wall": decode_wall, "e2e_wall": e2e_wall}  # fmt: skip
