"""A UI message stream encoder for assistant-stream (docs/protocols.md §2.3).

assistant-stream 0.0.36 encodes the data stream, assistant-transport SSE and
OpenAI chunks, but not the AI SDK's UI message stream that ``useChatRuntime``
reads, so this one encoding is written here. It is an assistant-stream
:class:`StreamEncoder`: runs are still produced by ``create_run`` and served by
``AssistantStreamResponse`` (keep-alives included); only the chunk names are
ours, and they are the AI SDK v5+ names of 2.3.2.

Mapping of assistant-stream chunks:

- text / reasoning deltas open a ``text-start`` / ``reasoning-start`` part
  with a fresh id and stream ``*-delta`` into it; any other part, a step
  finish or the end closes it with ``*-end``;
- a tool call becomes ``tool-input-start`` and ``tool-input-delta``;
  ``tool-input-available`` follows when its result arrives, at a step finish,
  or at the end (frontend tools never get a result from the server);
  results become ``tool-output-available`` or ``tool-output-error``;
- sources become ``source-url``, files ``file``, data ``data-demo``,
  annotations ``message-metadata``, errors ``error``;
- step chunks become ``start-step`` / ``finish-step``; state updates have no
  UI equivalent and are dropped.

The stream opens with ``start`` and ends with ``finish`` (reason
``tool-calls`` when a call is left for the client, ``error`` after an error
chunk, else ``stop``) and ``data: [DONE]``.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

from assistant_stream.serialization.stream_encoder import StreamEncoder

__all__ = ["UI_MESSAGE_STREAM_HEADERS", "UIMessageStreamEncoder"]

#: Headers the AI SDK sends with a UI message stream (2.3); the marker header
#: is how ``useDataStreamRuntime`` recognises the encoding (2.8).
UI_MESSAGE_STREAM_HEADERS = {
    "cache-control": "no-cache",
    "connection": "keep-alive",
    "x-vercel-ai-ui-message-stream": "v1",
    "x-accel-buffering": "no",
}


class _Translator:
    """State of one response: the open text part and the tool calls."""

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

    def translate(self, chunk: Any) -> list[dict[str, Any]]:
        kind = chunk.type
        if kind == "text-delta":
            return self._delta("text", chunk.text_delta)
        if kind == "reasoning-delta":
            return self._delta("reasoning", chunk.reasoning_delta)
        if kind == "step-start":
            frames = self._close_text() + self._close_inputs()
            if self._step_open:
                frames.append({"type": "finish-step"})
            self._step_open = True
            return [*frames, {"type": "start-step"}]
        if kind == "step-finish":
            frames = self._close_text() + self._close_inputs()
            if self._step_open:
                frames.append({"type": "finish-step"})
            self._step_open = False
            return frames
        if kind == "update-state":
            return []
        frames = self._ensure_step()
        if kind == "tool-call-begin":
            self._tool_names[chunk.tool_call_id] = chunk.tool_name
            self._tool_input[chunk.tool_call_id] = []
            self._unanswered.add(chunk.tool_call_id)
            frames += self._close_text()
            frames.append(
                {
                    "type": "tool-input-start",
                    "toolCallId": chunk.tool_call_id,
                    "toolName": chunk.tool_name,
                }
            )
        elif kind == "tool-call-delta":
            pieces = self._tool_input.get(chunk.tool_call_id)
            if pieces is not None:
                pieces.append(chunk.args_text_delta)
                frames.append(
                    {
                        "type": "tool-input-delta",
                        "toolCallId": chunk.tool_call_id,
                        "inputTextDelta": chunk.args_text_delta,
                    }
                )
        elif kind == "tool-result":
            frames += self._input_available(chunk.tool_call_id)
            self._unanswered.discard(chunk.tool_call_id)
            if chunk.is_error:
                error = chunk.result if isinstance(chunk.result, str) else json.dumps(chunk.result)
                frames.append(
                    {
                        "type": "tool-output-error",
                        "toolCallId": chunk.tool_call_id,
                        "errorText": error,
                    }
                )
            else:
                frames.append(
                    {
                        "type": "tool-output-available",
                        "toolCallId": chunk.tool_call_id,
                        "output": chunk.result,
                    }
                )
        elif kind == "source":
            source = {"type": "source-url", "sourceId": chunk.id, "url": chunk.url}
            if chunk.title:
                source["title"] = chunk.title
            frames += [*self._close_text(), source]
        elif kind == "file":
            frames += [
                *self._close_text(),
                {"type": "file", "url": chunk.data, "mediaType": chunk.mime_type},
            ]
        elif kind == "data":
            frames.append({"type": "data-demo", "data": chunk.data})
        elif kind == "annotations":
            frames.append(
                {"type": "message-metadata", "messageMetadata": {"annotations": chunk.annotations}}
            )
        elif kind == "error":
            self._errored = True
            frames.append({"type": "error", "errorText": str(chunk.error)})
        return frames

    def finish(self) -> list[dict[str, Any]]:
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


class UIMessageStreamEncoder(StreamEncoder):  # type: ignore[misc]
    """Encodes an assistant-stream run as an AI SDK UI message stream.

    Args:
        message_id: the ``messageId`` of the ``start`` chunk; pass the id of
            the assistant message being continued (the request's
            ``messageId``) so the AI SDK appends to it. A fresh id otherwise.
    """

    def __init__(self, message_id: str | None = None) -> None:
        self.message_id = message_id or f"msg_{secrets.token_hex(8)}"

    def get_media_type(self) -> str:
        return "text/event-stream"

    async def encode_stream(self, stream: AsyncIterator[Any]) -> AsyncGenerator[str, None]:
        translator = _Translator(self.message_id)
        for frame in translator.start():
            yield _sse(frame)
        async for chunk in stream:
            for frame in translator.translate(chunk):
                yield _sse(frame)
        for frame in translator.finish():
            yield _sse(frame)
        yield "data: [DONE]\n\n"


def _sse(frame: dict[str, Any]) -> str:
    return f"data: {json.dumps(frame, separators=(',', ':'), ensure_ascii=False)}\n\n"
