"""Timing helpers and the decoders under test: ours and the two floors."""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable, Iterable
from typing import Any

from assistant_ui import decode_stream

PIECE = 16 * 1024


def pieces_of(body: bytes, size: int = PIECE) -> list[bytes]:
    """``body`` cut into network-sized reads."""
    return [body[i : i + size] for i in range(0, len(body), size)]


def best_of(
    repeat: int, fn: Callable[[], Any], clock: Callable[[], float] = time.process_time
) -> float:
    """The shortest of ``repeat`` timed calls of ``fn`` (seconds), each after a full GC.

    The default clock is this process's CPU time: on a shared machine wall time
    also counts the time other processes held the core, which varied 3x
    between runs here; a single-threaded decode's CPU time barely moves.
    """
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = clock()
        fn()
        best = min(best, clock() - start)
    return best


def ours(pieces: list[bytes], encoding: str) -> dict[str, Any]:
    """Our full decode: framing, decoder, accumulator; the final message."""
    return decode_stream(pieces, encoding=encoding).message


def _lines(pieces: Iterable[bytes]) -> Iterable[bytes]:
    # Complete lines across reads; a line split over reads is joined once.
    pending: list[bytes] = []
    for piece in pieces:
        if b"\n" not in piece:
            pending.append(piece)
            continue
        if pending:
            pending.append(piece)
            piece = b"".join(pending)
            pending = []
        lines = piece.split(b"\n")
        tail = lines.pop()
        yield from lines
        if tail:
            pending.append(tail)
    if pending:
        yield b"".join(pending)


def floor(loads: Callable[[bytes], Any]) -> Callable[[list[bytes], str], int]:
    """The least any decoder does: split lines, parse each frame's JSON with ``loads``."""

    def run(pieces: list[bytes], encoding: str) -> int:
        count = 0
        if encoding == "data-stream":
            for line in _lines(pieces):
                if line:
                    loads(line[line.index(b":") + 1 :])
                    count += 1
        else:
            for line in _lines(pieces):
                if line.startswith(b"data: ") and line != b"data: [DONE]":
                    loads(line[6:])
                    count += 1
        return count

    return run


stdlib_floor = floor(json.loads)


def orjson_floor() -> Callable[[list[bytes], str], int] | None:
    """The floor with orjson's parser, or ``None`` when orjson is not installed."""
    try:
        import orjson
    except ImportError:
        return None
    return floor(orjson.loads)
