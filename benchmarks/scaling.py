"""Does the decode stay linear? 10x the deltas against 1x, same shape, same run."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant_ui import AssistantClient, decode_stream

from . import plans
from .corpora import synth_body
from .server import serving
from .timing import PIECE, best_of, pieces_of, stdlib_floor

MESSAGES = [{"role": "user", "content": [{"type": "text", "text": "benchmark"}]}]


class _OverBudget(Exception):
    pass


@dataclass(frozen=True)
class Shape:
    """A body shape whose size is its number of deltas."""

    name: str
    plan: Callable[[int, int], dict[str, Any]]  # (seed, deltas) -> plan
    encoder: str

    @property
    def encoding(self) -> str:
        """The wire encoding."""
        return self.encoder.removeprefix("py-")


SHAPES = [
    Shape("text deltas, data stream", plans.plan_text, "py-data-stream"),
    Shape("text deltas, UI message stream", plans.plan_text, "ui-message-stream"),
    Shape("tool-argument deltas, data stream", plans.plan_tool_arg_deltas, "py-data-stream"),
    Shape("tool-argument deltas, UI message stream", plans.plan_tool_arg_deltas,
          "ui-message-stream"),
    Shape("tool-argument deltas, assistant-transport", plans.plan_tool_arg_deltas,
          "py-assistant-transport"),
    Shape("append-text operations, assistant-transport", plans.plan_append_ops,
          "py-assistant-transport"),
]  # fmt: skip


def body_file(shape: Shape, seed: int, deltas: int) -> Path:
    """The cached body of ``shape`` with ``deltas`` deltas."""
    slug = "".join(c if c.isalnum() else "-" for c in shape.name)
    return synth_body(lambda: shape.plan(seed, deltas), shape.encoder, f"{slug}-{deltas}", seed)


def _read(path: Path, deadline: float) -> Iterator[bytes]:
    with path.open("rb") as body:
        while piece := body.read(PIECE):
            if time.perf_counter() > deadline:
                raise _OverBudget
            yield piece


def timed_decode(path: Path, encoding: str, repeat: int, budget: float) -> tuple[float, bool]:
    """Best time of ``decode_stream`` over the file; ``(budget, False)`` if a run overran."""
    finished = True

    def run() -> None:
        nonlocal finished
        try:
            decode_stream(_read(path, time.perf_counter() + budget), encoding=encoding)
        except _OverBudget:
            finished = False

    seconds = best_of(repeat, run)
    return (seconds, True) if finished else (budget, False)


def timed_floor(path: Path, encoding: str, repeat: int) -> float:
    """Best CPU time of the stdlib floor (split lines, ``json.loads``) over the file."""
    pieces = pieces_of(path.read_bytes())
    return best_of(repeat, lambda: stdlib_floor(pieces, encoding))


def timed_live_reads(path: Path, encoding: str, budget: float) -> tuple[float, bool, int]:
    """``stream_sync()`` over loopback, reading ``current_message`` after every event:
    the client's CPU time, whether it finished within ``budget`` (wall) and the events read."""
    with serving(path) as url, AssistantClient(url, max_retries=0, timeout=300) as client:
        thread = client.threads("bench", encoding=encoding)
        events = 0
        start, cpu = time.perf_counter(), time.process_time()
        with thread.stream_sync(messages=MESSAGES) as stream:
            for _event in stream:
                stream.current_message  # noqa: B018 - the read is what is measured
                events += 1
                if time.perf_counter() - start > budget:
                    return time.process_time() - cpu, False, events
        return time.process_time() - cpu, True, events
