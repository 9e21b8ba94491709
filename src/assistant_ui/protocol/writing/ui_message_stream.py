"""Writing the AI SDK UI message stream (docs/protocols.md §2.3): the chunks
a server sends for ``useChatRuntime`` and the AI SDK's ``useChat``.

The writing side of the protocol core: pure, no I/O. The embedded demo
backend encodes its runs with it (through an assistant-stream encoder), and a
test double of a backend can drive it directly. Chunk names are the AI SDK
v5+ names: text and reasoning parts open with ``*-start`` and a fresh id and
close with ``*-end`` when another part, a step boundary or the end comes; a
tool call's input streams as ``tool-input-delta`` and becomes
``tool-input-available`` when its result arrives, at a step boundary or at
the end (frontend tools never get a result from the server).
"""

from __future__ import annotations

import json
from typing import Any, Final

__all__ = ["DONE", "UI_MESSAGE_STREAM_HEADERS", "UIMessageStreamWriter", "sse_event"]

UI_MESSAGE_STREAM_HEADERS: Final = {
    "cache-control": "no-cache",
    "connection": "keep-alive",
    "x-vercel-ai-ui-message-stream": "v1",
    "x-accel-buffering": "no",
}
"""Headers the AI SDK sends with a UI message stream; the marker header is how
``useDataStreamRuntime`` recognises the encoding (§2.8)."""

DONE: Final = "data: [DONE]\n\n"
"""The last event of a UI message stream."""


class UIMessageStreamWriter:
    """Writes one reply as AI SDK UI message stream chunks.

    Call the methods in the order the reply happens; each returns the chunks
    (dicts) it produced, ready for :func:`sse_event`. :meth:`start` opens the
    message and :meth:`finish` closes it, choosing the finish reason
    (``tool-calls`` when a call is left for the client, ``error`` after an
    error, else ``stop``); :data:`DONE` ends the body.

    Args:
        message_id: the ``messageId`` of the ``start`` chunk (the id of the
            assistant message being continued, for the AI SDK to append to it).
    """

    def __init__(self, message_id: str) -> None:
        self.message_id = message_id
        self._open: tuple[str, str] | None = None  # (kind, id) of the open text part
        self._counter = 0
        self._step_open = False
        self._tool_names: dict[str, str] = {}
        self._tool_input: dict[str, list[str]] = {}  # calls whose input is still streaming
        self._unanswered: set[str] = set()
        self._errored = False

    def start(self) -> list[dict[str, Any]]:
        """Opens the message."""
        return [{"type": "start", "messageId": self.message_id}]

    def _ensure_step(self) -> list[dict[str, Any]]:
        if self._step_open:
            return []
        self._step_open = True
        return [{"type": "start-step"}]

    def _close_text(self) -> list[dict[str, Any]]:
        if self._open is None:
            return []
        kind, part_id = self._open
        self._open = None
        return [{"type": f"{kind}-end", "id": part_id}]

    def _delta(self, kind: str, delta: str) -> list[dict[str, Any]]:
        frames = self._ensure_step()
        if self._open is None or self._open[0] != kind:
            frames += self._close_text()
            self._counter += 1
            self._open = (kind, f"{kind[0]}{self._counter}")
            frames.append({"type": f"{kind}-start", "id": self._open[1]})
        frames.append({"type": f"{kind}-delta", "id": self._open[1], "delta": delta})
        return frames

    def _input_available(self, call_id: str) -> list[dict[str, Any]]:
        pieces = self._tool_input.pop(call_id, None)
        if pieces is None:
            return []
        text = "".join(pieces)
        try:
            value = json.loads(text) if text.strip() else {}
        except ValueError:
            # The AI SDK settles such a call with the error: nothing left to answer.
            self._unanswered.discard(call_id)
            return [
                {
                    "type": "tool-input-error",
                    "toolCallId": call_id,
                    "toolName": self._tool_names[call_id],
                    "input": text,
                    "errorText": "the tool arguments are not valid JSON",
                }
            ]
        return [
            {
                "type": "tool-input-available",
                "toolCallId": call_id,
                "toolName": self._tool_names[call_id],
                "input": value,
            }
        ]

    def _close_inputs(self) -> list[dict[str, Any]]:
        frames: list[dict[str, Any]] = []
        for call_id in list(self._tool_input):
            frames += self._input_available(call_id)
        return frames

    def text_delta(self, delta: str) -> list[dict[str, Any]]:
        """Text: opens a text part if the last part was not one."""
        return self._delta("text", delta)

    def reasoning_delta(self, delta: str) -> list[dict[str, Any]]:
        """Reasoning: opens a reasoning part if the last part was not one."""
        return self._delta("reasoning", delta)

    def start_step(self) -> list[dict[str, Any]]:
        """A new step (finishing the open one)."""
        frames = self._close_text() + self._close_inputs()
        if self._step_open:
            frames.append({"type": "finish-step"})
        self._step_open = True
        return [*frames, {"type": "start-step"}]

    def finish_step(self) -> list[dict[str, Any]]:
        """Ends the open step, closing its text and tool inputs."""
        frames = self._close_text() + self._close_inputs()
        if self._step_open:
            frames.append({"type": "finish-step"})
        self._step_open = False
        return frames

    def tool_call_begin(self, tool_call_id: str, tool_name: str) -> list[dict[str, Any]]:
        """A tool call whose input streams next."""
        frames = self._ensure_step()
        self._tool_names[tool_call_id] = tool_name
        self._tool_input[tool_call_id] = []
        self._unanswered.add(tool_call_id)
        frames += self._close_text()
        frames.append(
            {"type": "tool-input-start", "toolCallId": tool_call_id, "toolName": tool_name}
        )
        return frames

    def tool_call_delta(self, tool_call_id: str, args_text_delta: str) -> list[dict[str, Any]]:
        """A piece of a tool call's input (JSON text); ignored once it is complete."""
        frames = self._ensure_step()
        pieces = self._tool_input.get(tool_call_id)
        if pieces is not None:
            pieces.append(args_text_delta)
            frames.append(
                {
                    "type": "tool-input-delta",
                    "toolCallId": tool_call_id,
                    "inputTextDelta": args_text_delta,
                }
            )
        return frames

    def tool_result(
        self, tool_call_id: str, result: Any, *, is_error: bool = False
    ) -> list[dict[str, Any]]:
        """A tool call's result (its input becomes available first)."""
        frames = self._ensure_step() + self._input_available(tool_call_id)
        self._unanswered.discard(tool_call_id)
        if is_error:
            error = result if isinstance(result, str) else json.dumps(result)
            frames.append(
                {"type": "tool-output-error", "toolCallId": tool_call_id, "errorText": error}
            )
        else:
            frames.append(
                {"type": "tool-output-available", "toolCallId": tool_call_id, "output": result}
            )
        return frames

    def source(self, source_id: str, url: str, title: str | None = None) -> list[dict[str, Any]]:
        """A URL source."""
        source: dict[str, Any] = {"type": "source-url", "sourceId": source_id, "url": url}
        if title:
            source["title"] = title
        return [*self._ensure_step(), *self._close_text(), source]

    def file(self, url: str, media_type: str) -> list[dict[str, Any]]:
        """A file part (a URL or data URL)."""
        return [
            *self._ensure_step(),
            *self._close_text(),
            {"type": "file", "url": url, "mediaType": media_type},
        ]

    def data(self, name: str, value: Any) -> list[dict[str, Any]]:
        """A ``data-<name>`` part."""
        return [*self._ensure_step(), {"type": f"data-{name}", "data": value}]

    def metadata(self, metadata: Any) -> list[dict[str, Any]]:
        """Message metadata."""
        return [*self._ensure_step(), {"type": "message-metadata", "messageMetadata": metadata}]

    def error(self, message: str) -> list[dict[str, Any]]:
        """An error chunk (the message then finishes with ``error``)."""
        self._errored = True
        return [*self._ensure_step(), {"type": "error", "errorText": message}]

    def finish(self) -> list[dict[str, Any]]:
        """Closes everything and finishes the message."""
        frames = self._close_text() + self._close_inputs()
        if self._step_open:
            frames.append({"type": "finish-step"})
            self._step_open = False
        if self._errored:
            reason = "error"
        elif self._unanswered:
            reason = "tool-calls"
        else:
            reason = "stop"
        frames.append({"type": "finish", "finishReason": reason})
        return frames


def sse_event(frame: dict[str, Any]) -> str:
    """One chunk as an SSE event, compact JSON with raw UTF-8 (as the AI SDK writes it)."""
    return f"data: {json.dumps(frame, separators=(',', ':'), ensure_ascii=False)}\n\n"
