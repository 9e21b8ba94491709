"""What a corpus must decode to, as a short comparable digest.

The same digest is computed from a plan (what the generator put in) and from
a decoded message (ours or the JS reference's), so a corpus is checked by
comparing two small dicts instead of two large messages.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .plans import expected_state


def _sha(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _digest(
    text: str, reasoning: str, calls: list[list[Any]], sources: list[str], state: Any
) -> dict[str, Any]:
    calls = sorted(calls, key=lambda call: str(call[0]))
    return {
        "text_chars": len(text),
        "text": _sha(text),
        "reasoning_chars": len(reasoning),
        "reasoning": _sha(reasoning),
        "tool_calls": len(calls),
        "tools": _sha(calls),
        "sources": _sha(sorted(sources)),
        "state": _sha(state),
    }


def of_plan(plan: dict[str, Any]) -> dict[str, Any]:
    """The digest of what ``plan`` says."""
    text, reasoning, sources = "", "", []
    calls: list[Any] = []
    state: Any = None
    kind = plan["kind"]
    if kind == "text":
        text = "".join(plan["deltas"])
    elif kind == "tools":
        calls = [[c["id"], c["name"], "".join(c["args"]), c["result"]] for c in plan["calls"]]
    elif kind == "mixed":
        for step in plan["steps"]:
            reasoning += "".join(step["reasoning"])
            text += "".join(step["text"]) + "".join(step["more"])
            sources += [source["id"] for source in step["sources"]]
            tool = step["tool"]
            calls.append([tool["id"], tool["name"], "".join(tool["args"]), tool["result"]])
    elif kind == "state":
        state = expected_state(plan)
    return _digest(text, reasoning, calls, sources, state)


def of_message(message: dict[str, Any]) -> dict[str, Any]:
    """The digest of a decoded assistant message (our or the reference's shape)."""
    text, reasoning, sources = "", "", []
    calls: list[Any] = []
    for part in message.get("parts") or message.get("content") or []:
        kind = part.get("type")
        if kind == "text":
            text += part["text"]
        elif kind == "reasoning":
            reasoning += part["text"]
        elif kind == "source":
            sources.append(part.get("id"))
        elif kind == "tool-call":
            calls.append(
                [part.get("toolCallId"), part.get("toolName"), part.get("argsText"),
                 part.get("result")]
            )  # fmt: skip
    state = (message.get("metadata") or {}).get("unstable_state")
    return _digest(text, reasoning, calls, sources, state)
