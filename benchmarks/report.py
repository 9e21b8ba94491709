"""The printed tables, the targets of issue 11, and the profiler entry point."""

from __future__ import annotations

import cProfile
import io
import pstats
from typing import Any

MB = 1024 * 1024


def _mbs(size: int, seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{size / 1e6 / seconds:.1f}"


def _ratio(ours: float, other: float | None) -> str:
    # A throughput ratio: ours MB/s over the other's (time of the other over ours).
    return "n/a" if other is None else f"{other / ours:.2f}x"


def _check(ok: bool | None) -> str:
    return "n/a" if ok is None else ("ok" if ok else "WRONG")


def _mib(size: float) -> str:
    return f"{size / MB:.1f} MiB"


def _errors(errors: list[str]) -> str:
    return f" (first: {'; '.join(errors)})" if errors else ""


def _time(entry: tuple[float, bool]) -> str:
    seconds, finished = entry
    return f"{seconds:.2f} s" if finished else f"> {seconds:.0f} s (stopped)"


def print_all(results: dict[str, Any], js_note: str | None, has_orjson: bool) -> None:
    """Prints every measured section, then the targets with met/missed."""
    targets: list[tuple[str, str, bool | None]] = []
    if results["bad_synth"]:
        print(f"**Synthetic writers differ from the encoders: {results['bad_synth']}**\n")
    if results["skipped_specs"]:
        print(f"{results['skipped_specs']} JS-encoded corpora skipped: {js_note}\n")
    rows = results.get("decode")
    if rows:
        print("## Decode (16 KiB reads; MB/s: 10^6 bytes per CPU second; ratios of throughput)\n")
        print("| corpus | MB | ours MB/s | floor MB/s | orjson floor MB/s | JS MB/s "
              "| ours/floor | ours/orjson floor | ours/JS | JS MB/s (wall) "
              "| decodes to the plan (ours, JS) |")  # fmt: skip
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            print(f"| {r['name']} | {r['bytes'] / 1e6:.1f} | {_mbs(r['bytes'], r['ours'])} "
                  f"| {_mbs(r['bytes'], r['floor'])} | {_mbs(r['bytes'], r['orjson'])} "
                  f"| {_mbs(r['bytes'], r['js'])} | {_ratio(r['ours'], r['floor'])} "
                  f"| {_ratio(r['ours'], r['orjson'])} | {_ratio(r['ours'], r['js'])} "
                  f"| {_mbs(r['bytes'], r['js_wall'])} "
                  f"| {_check(r['ours_ok'])}, {_check(r['js_ok'])} |")  # fmt: skip
        print()
        if not has_orjson:
            print("orjson floor: skipped, orjson is not installed (`pip install -e '.[bench]'`).\n")
        if js_note:
            print(f"JS reference: {js_note}.\n")
        worst = min(rows, key=lambda r: r["floor"] / r["ours"])
        targets.append(("(1) decode >= 0.67x the floor on every corpus",
                        f"worst {worst['floor'] / worst['ours']:.2f}x ({worst['name']})",
                        worst["floor"] / worst["ours"] >= 0.67))  # fmt: skip
        with_js = [r for r in rows if r["js"] is not None]
        if with_js:
            low = min(with_js, key=lambda r: r["js"] / r["ours"])
            targets.append(("(2) >= 1.5x the JS reference on every corpus",
                            f"worst {low['js'] / low['ours']:.2f}x ({low['name']})",
                            low["js"] / low["ours"] >= 1.5))  # fmt: skip
        else:
            targets.append(("(2) >= 1.5x the JS reference on every corpus", "not measured", None))
    scale = results.get("scaling")
    if scale:
        print("## Scaling (CPU time of 10x the deltas over that of 1x; linear is 10x)\n")
        print("| shape | 1x | 10x | ratio | stdlib floor's ratio, same bodies |")
        print("|---|---|---|---|---|")
        worst_ratio, worst_name = 0.0, ""
        for r in scale:
            ratio = r["big"][0] / r["small"][0]
            exact = r["big"][1] and r["small"][1]
            shown = f"{ratio:.2f}x" if exact else f">= {ratio:.2f}x (stopped at the budget)"
            floor = f"{r['floor']:.2f}x" if "floor" in r else "-"
            print(f"| {r['name']} | {_time(r['small'])} | {_time(r['big'])} | {shown} | {floor} |")
            if ratio > worst_ratio:
                worst_ratio, worst_name = ratio, r["name"]
        print()
        targets.append(("(3) 1M deltas <= 10.5x the time of 100k",
                        f"worst {worst_ratio:.2f}x ({worst_name})",
                        worst_ratio <= 10.5))  # fmt: skip
    mem = results.get("memory")
    if mem:
        d, c, copy = mem["decode"], mem["chat"], mem["copy"]
        grown, chat_grown = d["peak"] - d["before"], c["peak"] - c["before"]
        print("## Memory (child processes; big-result)\n")
        print("| measure | value |")
        print("|---|---|")
        print(f"| body | {_mib(mem['body'])} |")
        print(f"| largest frame | {_mib(mem['frame'])} |")
        print(f"| one Python copy of the final message: RSS of json.loads (sys.getsizeof) "
              f"| {_mib(copy['rss'])} ({_mib(copy['deep_size'])}) |")  # fmt: skip
        print(f"| decode_stream: RSS before / peak / growth | {_mib(d['before'])} / "
              f"{_mib(d['peak'])} / {_mib(grown)} |")  # fmt: skip
        print(f"| budget: copy + 2x frame + 20 MiB | {_mib(mem['budget'])} |")
        print(f"| chat_sync(): RSS before / peak / growth | {_mib(c['before'])} / "
              f"{_mib(c['peak'])} / {_mib(chat_grown)} |")  # fmt: skip
        print(f"| chat budget: copy + body + 2x frame + 20 MiB | {_mib(mem['chat_budget'])} |")
        print()
        targets.append(("(4a) big-result: RSS growth while decoding <= copy + 2x frame + 20 MB",
                        f"{_mib(grown)} vs {_mib(mem['budget'])} "
                        f"({grown / mem['budget']:.2f}x the budget)",
                        grown <= mem["budget"]))  # fmt: skip
        targets.append(("(4b) chat() keeps the body once (growth <= chat budget)",
                        f"{_mib(chat_grown)} vs {_mib(mem['chat_budget'])} "
                        f"({chat_grown / mem['chat_budget']:.2f}x the budget)",
                        chat_grown <= mem["chat_budget"]))  # fmt: skip
    leaks = results.get("leaks")
    if leaks:
        grown = leaks["after_100"] - leaks["after_10"]
        print("## Leaks (child process; 100 sequential chat_sync() on loopback)\n")
        print(f"RSS after 10 calls {_mib(leaks['after_10'])}, after 100 "
              f"{_mib(leaks['after_100'])}: {grown / MB:+.1f} MiB.\n")  # fmt: skip
        targets.append(("(4c) RSS after 100 chat() within 10 MB of after 10",
                        f"{grown / MB:+.1f} MiB", abs(grown) <= 10 * MB))  # fmt: skip
    conc = results.get("concurrency")
    if conc:
        ratio = conc["cpu_per_delta"] / conc["serial_cpu_per_delta"]
        print("## Concurrency (one process, async streams on loopback)\n")
        print(f"{conc['streams']} concurrent streams: {conc['ok']} complete, "
              f"{conc['error_count']} errors{_errors(conc['errors'])}, {conc['deltas']:,} text "
              f"deltas in {conc['wall']:.1f} s. CPU per delta "
              f"{conc['cpu_per_delta'] * 1e6:.1f} us vs {conc['serial_cpu_per_delta'] * 1e6:.1f} "
              f"us for one stream at a time: {ratio:.2f}x.\n")  # fmt: skip
        targets.append((f"(5) {conc['streams']} concurrent streams, no error, "
                        "<= 1.3x CPU per delta of one stream",
                        f"{conc['error_count']} errors, {ratio:.2f}x",
                        conc["error_count"] == 0 and ratio <= 1.3))  # fmt: skip
    e2e = results.get("e2e")
    if e2e:
        ratio = e2e["decode"] / e2e["e2e"]
        wall = e2e["decode_wall"] / e2e["e2e_wall"]
        events = e2e["decode"] / e2e["e2e_events"]
        print("## End to end (text-100k data stream)\n")
        print(f"Client CPU: stream_sync() over loopback {_mbs(e2e['bytes'], e2e['e2e'])} MB/s, "
              f"decode_stream {_mbs(e2e['bytes'], e2e['decode'])} MB/s: {ratio:.2f}x. "
              f"Wall: {_mbs(e2e['bytes'], e2e['e2e_wall'])} vs "
              f"{_mbs(e2e['bytes'], e2e['decode_wall'])} MB/s: {wall:.2f}x. "
              f"Iterating every high-level event as well: "
              f"{_mbs(e2e['bytes'], e2e['e2e_events'])} MB/s: {events:.2f}x.\n")  # fmt: skip
        targets.append(("(6) end to end >= 0.8x decode-only (client CPU, reply read to "
                        "its final message)",
                        f"{ratio:.2f}x (wall {wall:.2f}x; iterating high-level events "
                        f"{events:.2f}x)", ratio >= 0.8))  # fmt: skip
    print("## Targets (issue 11)\n")
    print("| target | measured | status |")
    print("|---|---|---|")
    for name, measured, met in targets:
        status = "not measured" if met is None else ("met" if met else "missed")
        print(f"| {name} | {measured} | {status} |")
    print(f"\nTotal run time: {results['seconds']:.0f} s.")


def profile(name: str, seed: int, quick: bool, js_note: str | None, top: int = 15) -> int:
    """cProfile of our decode of the corpus whose name contains ``name``; prints the top."""
    from . import corpora
    from .timing import ours, pieces_of

    matches = [s for s in corpora.SPECS if name.lower() in s.name.lower()]
    if not matches:
        print(f"no corpus matches {name!r}: {[s.name for s in corpora.SPECS]}")
        return 2
    corpus = corpora.build(matches[0], seed, quick)
    pieces = pieces_of(corpus.body)
    profiler = cProfile.Profile()
    profiler.runcall(ours, pieces, corpus.spec.encoding)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime")
    stats.print_stats(top)
    print(f"# cProfile: {corpus.spec.name} ({len(corpus.body) / 1e6:.1f} MB), by own time")
    print(out.getvalue())
    return 0
