"""Seeded content plans: what each benchmark corpus says, before any encoder writes it.

A plan is plain JSON (lists, dicts, strings, ints) so that the Python encoder,
the Node encoders and the expected-summary code all read the same content.
"""

from __future__ import annotations

import random
from typing import Any

_SENTENCE = (
    "the quick brown fox jumps over a lazy dog while stream decoders parse every frame "
    "of text and tool calls with results sources steps state model answer question "
    "python server client message token delta chunk buffer event reply latency"
)
ASCII_WORDS = _SENTENCE.split()
# Multi-byte words: Latin-1, CJK, emoji (a surrogate pair in JSON escapes), combining marks.
NON_ASCII_WORDS = [
    "naïve",
    "café",
    "Grüße",
    "世界",
    "日本語",
    "👋",
    "🎉",
    "ñandú",
    "e\u0301t\u00e9",
]
NON_ASCII_SHARE = 0.06
TOOL_NAMES = ["search", "get_weather", "lookup", "fetch_page", "calculator"]


def _word(rng: random.Random) -> str:
    if rng.random() < NON_ASCII_SHARE:
        return rng.choice(NON_ASCII_WORDS)
    return rng.choice(ASCII_WORDS)


def text_deltas(rng: random.Random, count: int) -> list[str]:
    """``count`` deltas of 1-8 words, each with its leading space."""
    return ["".join(" " + _word(rng) for _ in range(rng.randint(1, 8))) for _ in range(count)]


def split_text(text: str, pieces: int) -> list[str]:
    """``text`` cut into ``pieces`` non-empty parts of near-equal length."""
    pieces = max(1, min(pieces, len(text)))
    step = len(text) / pieces
    cuts = [round(i * step) for i in range(pieces + 1)]
    return [text[cuts[i] : cuts[i + 1]] for i in range(pieces)]


def _compact(value: Any) -> str:
    import json

    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _tool_args(rng: random.Random, index: int) -> str:
    query = " ".join(rng.choice(ASCII_WORDS) for _ in range(rng.randint(6, 14)))
    value = {"query": query, "limit": rng.randint(1, 50), "page": index, "lang": "en"}
    return _compact(value)


def _small_result(rng: random.Random, index: int, size: int = 250) -> dict[str, Any]:
    items: list[str] = []
    value: dict[str, Any] = {"ok": True, "call": index, "items": items}
    while len(_compact(value)) < size:
        items.append(_word(rng))
    return value


def _big_result(rng: random.Random, index: int, size: int) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    value: dict[str, Any] = {"call": index, "rows": rows}
    total = len(_compact(value))
    while total < size:
        row = {
            "i": len(rows),
            "name": _word(rng),
            "tags": [rng.choice(ASCII_WORDS), rng.choice(ASCII_WORDS)],
            "v": rng.randint(0, 10**6),
        }
        rows.append(row)
        total += len(_compact(row)) + 1  # the comma
    return value


def _call(rng: random.Random, index: int, deltas: int, result: Any) -> dict[str, Any]:
    return {
        "id": f"call_{index}",
        "name": TOOL_NAMES[index % len(TOOL_NAMES)],
        "args": split_text(_tool_args(rng, index), deltas),
        "result": result,
    }


def plan_text(seed: int, deltas: int) -> dict[str, Any]:
    """text-N: ``deltas`` text deltas in one message."""
    return {"kind": "text", "deltas": text_deltas(random.Random(seed), deltas)}


def plan_tools(seed: int, calls: int, arg_deltas: int = 20) -> dict[str, Any]:
    """tools-N: ``calls`` tool calls, arguments in ``arg_deltas`` deltas, ~250-byte results."""
    rng = random.Random(seed)
    return {
        "kind": "tools",
        "calls": [_call(rng, i, arg_deltas, _small_result(rng, i)) for i in range(calls)],
    }


def plan_big_result(seed: int, calls: int, result_bytes: int = 256 * 1024) -> dict[str, Any]:
    """big-result: ``calls`` tool calls whose results are ~``result_bytes`` of compact JSON."""
    rng = random.Random(seed)
    return {
        "kind": "tools",
        "calls": [_call(rng, i, 4, _big_result(rng, i, result_bytes)) for i in range(calls)],
    }


def plan_mixed(seed: int, steps: int) -> dict[str, Any]:
    """mixed: steps of reasoning, text, 2 URL sources, one tool call, more text."""
    rng = random.Random(seed)
    out = []
    for i in range(steps):
        out.append(
            {
                "id": f"step_{i}",
                "reasoning": text_deltas(rng, rng.randint(5, 15)),
                "text": text_deltas(rng, rng.randint(10, 30)),
                "sources": [
                    {
                        "id": f"src_{i}_{k}",
                        "url": f"https://example.com/{i}/{k}",
                        "title": f"Doc {k}",
                    }
                    for k in range(2)
                ],
                "tool": _call(rng, i, rng.randint(5, 10), _small_result(rng, i)),
                "more": text_deltas(rng, rng.randint(3, 10)),
            }
        )
    return {"kind": "mixed", "steps": out}


def plan_state(seed: int, ops: int) -> dict[str, Any]:
    """state-N: ``ops`` state operations, alternating sets and append-texts (one per frame)."""
    rng = random.Random(seed)
    initial: dict[str, Any] = {"log": "", "notes": {f"n{k}": "" for k in range(10)}, "items": {}}
    operations: list[list[Any]] = []
    for i in range(ops):
        if i % 2 == 0:
            key = f"k{rng.randint(0, 99)}"
            operations.append(["set", ["items", key], {"v": i, "w": _word(rng)}])
        elif rng.random() < 0.5:
            operations.append(["append-text", ["log"], " " + _word(rng)])
        else:
            operations.append(["append-text", ["notes", f"n{rng.randint(0, 9)}"], _word(rng)])
    return {"kind": "state", "initial": initial, "ops": operations}


def plan_tool_arg_deltas(seed: int, deltas: int) -> dict[str, Any]:
    """One tool call whose arguments arrive in ``deltas`` deltas (for scaling)."""
    rng = random.Random(seed)
    pieces = [f'"{rng.choice(ASCII_WORDS)}{i}",' for i in range(deltas)]
    pieces[0] = '{"words":[' + pieces[0]
    pieces[-1] = pieces[-1][:-1] + "]}"
    return {
        "kind": "tools",
        "calls": [{"id": "call_0", "name": "collect", "args": pieces, "result": {"ok": True}}],
    }


def expected_state(plan: dict[str, Any]) -> Any:
    """The final state that applying the plan's operations gives."""
    import copy

    state = copy.deepcopy(plan["initial"])
    for op, path, value in plan["ops"]:
        target = state
        for key in path[:-1]:
            target = target[key]
        if op == "set":
            target[path[-1]] = value
        else:
            target[path[-1]] += value
    return state


def plan_append_ops(seed: int, ops: int) -> dict[str, Any]:
    """``ops`` append-text state operations on one key (for scaling)."""
    rng = random.Random(seed)
    return {
        "kind": "state",
        "initial": {"log": ""},
        "ops": [["append-text", ["log"], " " + _word(rng)] for _ in range(ops)],
    }
