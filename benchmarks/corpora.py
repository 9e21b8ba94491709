"""The benchmark corpora: seeded plans written by the official encoders, cached on disk.

A corpus is built once per (name, size, seed, generator source) and kept in
``benchmarks/.corpus/`` (not committed); a changed plan or encoder script
gives a new cache key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import encode_py, node, plans, synth
from .summary import of_plan

CACHE = Path(__file__).resolve().parent / ".corpus"
_SOURCES = ("plans.py", "encode_py.py", "synth.py", "js/reference.mjs")


@dataclass(frozen=True)
class Spec:
    """One table row: a plan, the encoder that writes it and the wire encoding."""

    name: str
    plan: Callable[[int, bool], dict[str, Any]]  # (seed, quick) -> plan
    encoder: str  # py-data-stream, py-assistant-transport, ts-data-stream, ui-message-stream
    note: str

    @property
    def encoding(self) -> str:
        """The wire encoding the decoders are told."""
        return self.encoder.removeprefix("py-").removeprefix("ts-")


def _scaled(full: int, quick: int) -> Callable[[bool], int]:
    return lambda is_quick: quick if is_quick else full


_TEXT, _TOOLS, _MIXED = _scaled(100_000, 5_000), _scaled(1_000, 100), _scaled(1_000, 100)
_BIG, _STATE = _scaled(200, 10), _scaled(50_000, 2_500)

SPECS = [
    Spec("text-100k data stream (Py)", lambda s, q: plans.plan_text(s, _TEXT(q)),
         "py-data-stream", "Python encoder"),
    Spec("text-100k UI message stream", lambda s, q: plans.plan_text(s, _TEXT(q)),
         "ui-message-stream", "AI SDK 7 createUIMessageStream"),
    Spec("tools-1k data stream (Py)", lambda s, q: plans.plan_tools(s, _TOOLS(q)),
         "py-data-stream", "Python encoder"),
    Spec("tools-1k UI message stream", lambda s, q: plans.plan_tools(s, _TOOLS(q)),
         "ui-message-stream", "AI SDK 7 createUIMessageStream"),
    Spec("mixed assistant-transport (Py)", lambda s, q: plans.plan_mixed(s, _MIXED(q)),
         "py-assistant-transport", "Python encoder"),
    Spec("mixed data stream (JS)", lambda s, q: plans.plan_mixed(s, _MIXED(q)),
         "ts-data-stream", "npm assistant-stream DataStreamEncoder"),
    Spec("state-50k assistant-transport (Py)", lambda s, q: plans.plan_state(s, _STATE(q)),
         "py-assistant-transport", "Python encoder"),
    Spec("big-result data stream (Py)", lambda s, q: plans.plan_big_result(s, _BIG(q)),
         "py-data-stream", "Python encoder"),
]  # fmt: skip


def _source_key() -> str:
    digest = hashlib.sha256()
    for name in _SOURCES:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:12]


def prune() -> None:
    """Removes cached files written by another version of the generators."""
    if CACHE.is_dir():
        key = _source_key()
        for path in CACHE.iterdir():
            if key not in path.name:
                path.unlink()


@dataclass(frozen=True)
class Corpus:
    """A built corpus: its file, bytes and what it must decode to."""

    spec: Spec
    path: Path
    body: bytes
    expected: dict[str, Any]


def write(plan: dict[str, Any], encoder: str, out: Path) -> None:
    """Writes ``plan`` with the official ``encoder`` to ``out``."""
    if encoder.startswith("py-"):
        out.write_bytes(encode_py.encode(plan, encoder.removeprefix("py-")))
    else:
        node.encode(plan, encoder, out)


def build(spec: Spec, seed: int, quick: bool) -> Corpus:
    """The corpus of ``spec`` (from the cache when it was built before)."""
    CACHE.mkdir(exist_ok=True)
    slug = "".join(c if c.isalnum() else "-" for c in spec.name.lower()).strip("-")
    stem = f"{slug}.{'quick' if quick else 'full'}.{seed}.{_source_key()}"
    path, meta = CACHE / f"{stem}.bin", CACHE / f"{stem}.expected.json"
    if not (path.exists() and meta.exists()):
        plan = spec.plan(seed, quick)
        write(plan, spec.encoder, path)
        meta.write_text(json.dumps(of_plan(plan)))
    return Corpus(spec, path, path.read_bytes(), json.loads(meta.read_text()))


def synth_body(make_plan: Callable[[], dict[str, Any]], encoder: str, name: str, seed: int) -> Path:
    """A scaling body from the byte-exact writers of :mod:`benchmarks.synth` (cached)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"scale-{name}.{seed}.{_source_key()}.bin"
    if not path.exists():
        path.write_bytes(synth.WRITERS[encoder](make_plan()))
    return path


def check_synth(seed: int, js_ok: bool) -> list[str]:
    """Compares each synthetic writer with the real encoder on small plans; the mismatches."""
    cases = [
        ("py-data-stream", plans.plan_text(seed, 2_000)),
        ("py-data-stream", plans.plan_tool_arg_deltas(seed, 500)),
        ("py-assistant-transport", plans.plan_tool_arg_deltas(seed, 500)),
        ("py-assistant-transport", plans.plan_append_ops(seed, 500)),
    ]
    if js_ok:
        cases += [
            ("ui-message-stream", plans.plan_text(seed, 2_000)),
            ("ui-message-stream", plans.plan_tool_arg_deltas(seed, 500)),
        ]
    bad = []
    CACHE.mkdir(exist_ok=True)
    for encoder, plan in cases:
        out = CACHE / "check.bin"
        write(plan, encoder, out)
        if out.read_bytes() != synth.WRITERS[encoder](plan):
            bad.append(f"{encoder} {plan['kind']}")
        out.unlink()
    return bad
