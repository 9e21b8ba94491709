"""Decode throughput of StreamParser against a bare-loop baseline.

Two bodies of 100,000 text deltas each (data stream and UI message stream)
are decoded the way the HTTP client does it: fed to a ``StreamParser`` in
network-sized reads, events collected, the message snapshotted at the end.
The baseline, measured in the same run on the same bytes, is the least any
decoder must do: split the body on ``\\n`` and ``json.loads`` each frame. The
ratio (ours / baseline) is what to compare across machines; absolute MB/s
depend on the machine.

Usage::

    .venv/bin/python benchmarks/bench_decode.py [--deltas 100000] [--chunk 4096] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from assistant_ui.protocol.leniency import WarningSink
from assistant_ui.protocol.reading.parser import StreamParser

WORDS = ["Hello", " world", ",", " the", " quick", " brown", " fox", " 👋", " 世界", " naïve", "\n"]


def data_stream_body(deltas: int) -> bytes:
    lines = ['f:{"messageId":"msg_1"}']
    lines += [f"0:{json.dumps(WORDS[i % len(WORDS)])}" for i in range(deltas)]
    lines.append(
        'e:{"finishReason":"stop","usage":{"inputTokens":1,"outputTokens":2},"isContinued":false}'
    )
    lines.append('d:{"finishReason":"stop","usage":{"inputTokens":1,"outputTokens":2}}')
    return ("\n".join(lines) + "\n").encode("utf-8")


def ui_stream_body(deltas: int) -> bytes:
    events: list[Any] = [
        {"type": "start", "messageId": "msg_1"},
        {"type": "start-step"},
        {"type": "text-start", "id": "t0"},
    ]
    events += [
        {"type": "text-delta", "id": "t0", "delta": WORDS[i % len(WORDS)]} for i in range(deltas)
    ]
    events += [
        {"type": "text-end", "id": "t0"},
        {"type": "finish-step"},
        {"type": "finish", "finishReason": "stop"},
    ]
    frames = [f"data: {json.dumps(e, separators=(',', ':'))}\n\n" for e in events]
    frames.append("data: [DONE]\n\n")
    return "".join(frames).encode("utf-8")


def chunks(body: bytes, size: int) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)]


def decode_ours(pieces: list[bytes], encoding: str) -> int:
    parser = StreamParser(encoding=encoding, warnings=WarningSink(emit=False))
    count = 0
    for piece in pieces:
        count += len(parser.feed(piece))
    count += len(parser.close())
    text = "".join(p.get("text", "") for p in parser.message["parts"])
    assert text, "nothing decoded"
    return count


def baseline_data_stream(pieces: list[bytes], encoding: str) -> int:
    body = b"".join(pieces)
    count = 0
    for line in body.split(b"\n"):
        if line:
            json.loads(line[line.index(b":") + 1 :])
            count += 1
    return count


def baseline_sse(pieces: list[bytes], encoding: str) -> int:
    body = b"".join(pieces)
    count = 0
    for line in body.split(b"\n"):
        if line.startswith(b"data: ") and line != b"data: [DONE]":
            json.loads(line[6:])
            count += 1
    return count


def best_time(
    fn: Callable[[list[bytes], str], int], pieces: list[bytes], encoding: str, repeat: int
) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(pieces, encoding)
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--deltas", type=int, default=100_000)
    args.add_argument("--chunk", type=int, default=4096, help="bytes per read fed to the parser")
    args.add_argument(
        "--repeat", type=int, default=5, help="runs per measurement; the best is kept"
    )
    opts = args.parse_args(argv)

    print(
        f"Python {sys.version.split()[0]}, {opts.deltas:,} deltas, "
        f"{opts.chunk}-byte reads, best of {opts.repeat}"
    )
    print(
        f"{'body':<20}{'MB':>7}{'ours MB/s':>11}{'deltas/s':>13}{'base MB/s':>11}{'ours/base':>11}"
    )
    for name, body, encoding, baseline in (
        ("data-stream", data_stream_body(opts.deltas), "data-stream", baseline_data_stream),
        ("ui-message-stream", ui_stream_body(opts.deltas), "ui-message-stream", baseline_sse),
    ):
        pieces = chunks(body, opts.chunk)
        try:
            ours = best_time(decode_ours, pieces, encoding, opts.repeat)
        except ImportError as exc:  # a decoder not installed yet
            print(f"{name:<20}skipped: {exc}")
            continue
        base = best_time(baseline, pieces, encoding, opts.repeat)
        megabytes = len(body) / 1e6
        print(
            f"{name:<20}{megabytes:>7.2f}{megabytes / ours:>11.1f}{opts.deltas / ours:>13,.0f}"
            f"{megabytes / base:>11.1f}{ours / base:>10.2f}x"
        )
    print(
        "ours/base: time of the full decode (framing, decoder, accumulator)"
        " over the bare split + json.loads loop"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
