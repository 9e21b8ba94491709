"""Measurements that need a process of their own (memory): ``python -m benchmarks.child``.

Each command prints one JSON object. RSS comes from ``/proc/self/status``:
``VmRSS`` (current) and ``VmHWM`` (peak). Not ``getrusage``: its peak
survives ``exec`` and so reports the parent's peak when that was higher.

- ``decode FILE ENCODING OUT``: ``decode_stream`` over the file read in 16 KiB
  pieces (the message written to OUT as JSON).
- ``copy OUT``: the RSS one Python copy of that message takes (``json.loads``).
- ``chat URL ENCODING``: one ``chat_sync()`` against a loopback server.
- ``leak URL ENCODING``: RSS after 10 and after 100 sequential ``chat_sync()`` calls.
"""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Iterator
from typing import Any

from assistant_ui import AssistantClient, decode_stream

MESSAGES = [{"role": "user", "content": [{"type": "text", "text": "benchmark"}]}]


def _status(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def rss() -> int:
    """Current resident set size in bytes."""
    return _status("VmRSS")


def peak_rss() -> int:
    """Peak resident set size of this process in bytes."""
    return _status("VmHWM")


def deep_size(value: Any) -> int:
    """Bytes of one Python copy of a JSON-like value (each object counted once)."""
    seen: set[int] = set()
    total, stack = 0, [value]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        total += sys.getsizeof(item)
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return total


def _read(path: str) -> Iterator[bytes]:
    with open(path, "rb") as body:
        while piece := body.read(16 * 1024):
            yield piece


def decode(path: str, encoding: str, message_out: str) -> dict[str, Any]:
    """Peak RSS of decoding a file, with the size of the message it gave
    (which is also written to ``message_out`` as JSON, for ``copy``)."""
    gc.collect()
    before = rss()
    message = decode_stream(_read(path), encoding=encoding).message
    peak = peak_rss()
    with open(message_out, "w", encoding="utf-8") as out:
        json.dump(message, out)
    return {"before": before, "peak": peak, "message": deep_size(message)}


def copy(message_json: str) -> dict[str, Any]:
    """RSS that one Python copy of a message takes: ``json.loads`` of it in a
    fresh process (objects and the allocator's own overhead, which
    ``sys.getsizeof`` leaves out)."""
    with open(message_json, "rb") as file:
        text = file.read()
    gc.collect()
    before = rss()
    message = json.loads(text)
    after = rss()
    del text
    return {"rss": after - before, "deep_size": deep_size(message)}


def _client(url: str) -> AssistantClient:
    return AssistantClient(url, max_retries=0, timeout=120)


def chat(url: str, encoding: str) -> dict[str, Any]:
    """Peak RSS of one ``chat_sync()`` of a big body."""
    with _client(url) as client:
        thread = client.threads("bench", encoding=encoding)
        gc.collect()
        before = rss()
        response = thread.chat_sync(messages=MESSAGES)
        peak = peak_rss()
        return {"before": before, "peak": peak, "message": deep_size(response.message)}


def leak(url: str, encoding: str) -> dict[str, Any]:
    """RSS after 10 and after 100 sequential ``chat_sync()`` calls."""
    marks: dict[str, Any] = {}
    with _client(url) as client:
        thread = client.threads("bench", encoding=encoding)
        for call in range(1, 101):
            response = thread.chat_sync(messages=MESSAGES)
            assert response.output_text, "empty reply"
            if call in (10, 100):
                del response
                gc.collect()
                marks[f"after_{call}"] = rss()
    return marks


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    result = {"decode": decode, "copy": copy, "chat": chat, "leak": leak}[command](*args)
    print(json.dumps(result))
