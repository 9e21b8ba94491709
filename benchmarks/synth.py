"""Byte-exact writers for the simple sequential shapes of the scaling corpora.

The scaling runs need bodies of a million deltas; the official encoders take
tens of seconds for those. For shapes without concurrency (one text part,
one tool call, a run of state operations) the encoders' output is a plain
function of the plan, written here with the same JSON settings. The suite
checks these writers against the real encoders on a small plan every run
(:func:`benchmarks.corpora.check_synth`).
"""

from __future__ import annotations

import json
from typing import Any

_PY = json.dumps  # the Python encoder: default separators, ASCII escapes


def _js(value: Any) -> str:
    # JSON.stringify: compact separators, raw UTF-8.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def py_data_stream(plan: dict[str, Any]) -> bytes:
    """``assistant-stream`` (PyPI) ``DataStreamResponse`` for a text or one-call plan."""
    if plan["kind"] == "text":
        return "".join(f"0:{_PY(delta)}\n" for delta in plan["deltas"]).encode()
    (call,) = plan["calls"]
    ident = _PY(call["id"])
    lines = [f'b:{{"toolCallId": {ident}, "toolName": {_PY(call["name"])}}}\n']
    lines += [f'c:{{"toolCallId": {ident}, "argsTextDelta": {_PY(a)}}}\n' for a in call["args"]]
    lines.append(f'a:{{"toolCallId": {ident}, "result": {_PY(call["result"])}}}\n')
    return "".join(lines).encode()


def py_assistant_transport(plan: dict[str, Any]) -> bytes:
    """``AssistantTransportResponse`` for a one-call plan or a state plan."""
    frames: list[Any]
    if plan["kind"] == "state":
        frames = [{"type": "update-state", "operations": [
            {"type": "set", "path": [], "value": plan["initial"]}]}]  # fmt: skip
        frames += [
            {"type": "update-state", "operations": [{"type": op, "path": path, "value": value}]}
            for op, path, value in plan["ops"]
        ]
    else:
        (call,) = plan["calls"]
        part = {"type": "tool-call", "toolCallId": call["id"], "toolName": call["name"]}
        frames = [{"type": "part-start", "part": part, "path": []}]
        frames += [{"type": "text-delta", "textDelta": a, "path": [0]} for a in call["args"]]
        frames += [
            {"type": "result", "result": call["result"], "isError": False, "path": [0]},
            {"type": "tool-call-args-text-finish", "path": [0]},
            {"type": "part-finish", "path": [0]},
        ]
    return ("".join(f"data: {_PY(frame)}\n\n" for frame in frames) + "data: [DONE]\n\n").encode()


def ui_message_stream(plan: dict[str, Any]) -> bytes:
    """The AI SDK UI message stream that ``benchmarks/js/reference.mjs`` writes for a
    text or one-call plan."""
    chunks: list[Any] = [{"type": "start", "messageId": "msg_bench"}, {"type": "start-step"}]
    if plan["kind"] == "text":
        chunks.append({"type": "text-start", "id": "txt_0"})
        chunks += [{"type": "text-delta", "id": "txt_0", "delta": d} for d in plan["deltas"]]
        chunks.append({"type": "text-end", "id": "txt_0"})
    else:
        (call,) = plan["calls"]
        ident, name = call["id"], call["name"]
        chunks.append({"type": "tool-input-start", "toolCallId": ident, "toolName": name})
        chunks += [
            {"type": "tool-input-delta", "toolCallId": ident, "inputTextDelta": a}
            for a in call["args"]
        ]
        chunks += [
            {"type": "tool-input-available", "toolCallId": ident, "toolName": name,
             "input": json.loads("".join(call["args"]))},
            {"type": "tool-output-available", "toolCallId": ident, "output": call["result"]},
        ]  # fmt: skip
    chunks += [{"type": "finish-step"}, {"type": "finish", "finishReason": "stop"}]
    return ("".join(f"data: {_js(c)}\n\n" for c in chunks) + "data: [DONE]\n\n").encode()


WRITERS = {
    "py-data-stream": py_data_stream,
    "py-assistant-transport": py_assistant_transport,
    "ui-message-stream": ui_message_stream,
}
