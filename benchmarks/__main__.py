"""The benchmark suite: ``.venv/bin/python -m benchmarks [--quick]`` (see docs/benchmarks.md)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from typing import Any

from . import corpora, node, report, scaling, system
from .summary import of_message
from .timing import best_of, orjson_floor, ours, pieces_of, stdlib_floor

SECTIONS = ("decode", "scaling", "memory", "leaks", "concurrency", "e2e")


def _decode_rows(built: list[corpora.Corpus], repeat: int, js_note: str | None) -> list[Any]:
    fast_floor = orjson_floor()
    jobs: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    expected = [corpus.expected for corpus in built]
    for corpus in built:
        pieces = pieces_of(corpus.body)
        encoding = corpus.spec.encoding
        # Big bodies get fewer runs: their times vary less and each run is long.
        runs = max(1, min(repeat, 2)) if len(corpus.body) > 20_000_000 else repeat
        ours_ok = of_message(ours(pieces, encoding)) == corpus.expected

        def run_ours(p: list[bytes] = pieces, e: str = encoding) -> None:
            ours(p, e)

        def run_floor(p: list[bytes] = pieces, e: str = encoding) -> None:
            stdlib_floor(p, e)

        def run_orjson(p: list[bytes] = pieces, e: str = encoding) -> None:
            assert fast_floor is not None
            fast_floor(p, e)

        row: dict[str, Any] = {
            "name": corpus.spec.name, "bytes": len(corpus.body), "ours_ok": ours_ok,
            "ours": best_of(runs, run_ours), "floor": best_of(runs, run_floor),
            "orjson": None if fast_floor is None else best_of(runs, run_orjson),
            "js": None, "js_wall": None, "js_ok": None,
        }  # fmt: skip
        rows.append(row)
        out = corpus.path.with_suffix(".js-message.json")
        jobs.append({"file": str(corpus.path), "encoding": encoding, "chunk": 16 * 1024,
                     "repeat": runs, "messageOut": str(out)})  # fmt: skip
        print(f"  decoded {corpus.spec.name}", file=sys.stderr, flush=True)
    if js_note is None:
        for row, job, want, result in zip(rows, jobs, expected, node.decode(jobs), strict=True):
            row["js"], row["js_wall"] = result["ms"] / 1000, result["wallMs"] / 1000
            with open(str(job["messageOut"]), encoding="utf-8") as file:
                row["js_ok"] = of_message(json.load(file)) == want
            os.unlink(str(job["messageOut"]))
        print("  decoded with the JS reference", file=sys.stderr, flush=True)
    return rows


def _scaling(seed: int, small: int, repeat: int, budget: float) -> list[Any]:
    rows = []
    for shape in scaling.SHAPES:
        times, floors = [], []
        for deltas in (small, small * 10):
            path = scaling.body_file(shape, seed, deltas)
            times.append(scaling.timed_decode(path, shape.encoding, repeat, budget))
            # The stdlib floor over the same bytes: how far from 10x the
            # machine itself is (caches, memory) for bodies of these sizes.
            floors.append(scaling.timed_floor(path, shape.encoding, repeat))
        rows.append({"name": shape.name, "small": times[0], "big": times[1],
                     "floor": floors[1] / floors[0]})  # fmt: skip
        print(f"  scaled {shape.name}", file=sys.stderr, flush=True)
    live = []
    for deltas in (small, small * 10):
        path = scaling.body_file(scaling.SHAPES[0], seed, deltas)
        seconds, finished, _events = scaling.timed_live_reads(path, "data-stream", budget)
        live.append((seconds, finished))
    rows.append({"name": "current_message after every event, stream_sync()",
                 "small": live[0], "big": live[1]})  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    """Runs the suite and prints the tables; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small corpora, one run each")
    parser.add_argument("--repeat", type=int, help="runs per timing, best kept (3; quick: 1)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    parser.add_argument("--profile", metavar="CORPUS", help="cProfile our decode of one corpus")
    parser.add_argument("--no-js", action="store_true", help="skip the JS reference")
    opts = parser.parse_args(argv)
    quick = opts.quick
    repeat = opts.repeat or (1 if quick else 3)
    sections = set(opts.only or SECTIONS)
    js_note = "skipped (--no-js)" if opts.no_js else node.missing()
    started = time.perf_counter()

    if opts.profile:
        return report.profile(opts.profile, opts.seed, quick, js_note)

    print(f"# Benchmarks ({'quick' if quick else 'full'} run, seed {opts.seed})\n")
    reference = js_note or "npm assistant-stream 0.3.57 / ai 7"
    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at the start; best of {repeat} (CPU time), "
          f"16 KiB reads. JS reference: {reference}.\n")  # fmt: skip
    corpora.prune()
    bad = corpora.check_synth(opts.seed, js_note is None)
    specs = [s for s in corpora.SPECS if js_note is None or not s.encoder.startswith(
        ("ts-", "ui-"))]  # fmt: skip
    built = [corpora.build(spec, opts.seed, quick) for spec in specs]
    print("  corpora ready", file=sys.stderr, flush=True)
    results: dict[str, Any] = {"bad_synth": bad, "skipped_specs": len(corpora.SPECS) - len(specs)}
    if "decode" in sections:
        results["decode"] = _decode_rows(built, repeat, js_note)
    if "scaling" in sections:
        small = 10_000 if quick else 100_000
        results["scaling"] = _scaling(opts.seed, small, 1, 20 if quick else 120)
    big = next((c for c in built if c.spec.name.startswith("big-result")), None)
    text = next(c for c in built if c.spec.name.startswith("text-100k data"))
    if "memory" in sections and big is not None:
        results["memory"] = system.memory(big.path, big.body, big.spec.encoding)
        print("  measured memory", file=sys.stderr, flush=True)
    if "leaks" in sections:
        small_body = scaling.body_file(scaling.SHAPES[0], opts.seed, 10_000)
        results["leaks"] = system.leaks(small_body, "data-stream")
        print("  measured leaks", file=sys.stderr, flush=True)
    if "concurrency" in sections:
        stream_body = scaling.body_file(scaling.SHAPES[0], opts.seed, 1_000 if quick else 2_000)
        count, serial = (50, 5) if quick else (500, 20)
        results["concurrency"] = system.concurrency(stream_body, "data-stream", count, serial)
        print("  measured concurrency", file=sys.stderr, flush=True)
    if "e2e" in sections:
        results["e2e"] = system.end_to_end(text.path, text.body, "data-stream", repeat)
    results["seconds"] = time.perf_counter() - started
    report.print_all(results, js_note, orjson_floor() is not None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
