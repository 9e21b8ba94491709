"""A UI message stream encoder for assistant-stream (docs/protocols.md §2.3).

assistant-stream 0.0.36 encodes the data stream, assistant-transport SSE and
OpenAI chunks, but not the AI SDK's UI message stream that ``useChatRuntime``
reads, so this one encoding is written here. It is an assistant-stream
:class:`StreamEncoder`: runs are still produced by ``create_run`` and served by
``AssistantStreamResponse`` (keep-alives included); only the chunk names are
ours, written by the protocol core's
:class:`~assistant_ui.protocol.writing.ui_message_stream.UIMessageStreamWriter`.

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

from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

from assistant_stream.serialization.stream_encoder import StreamEncoder

from assistant_ui.protocol.ids import new_id
from assistant_ui.protocol.writing.ui_message_stream import (
    DONE,
    UI_MESSAGE_STREAM_HEADERS,
    UIMessageStreamWriter,
    sse_event,
)

__all__ = ["UI_MESSAGE_STREAM_HEADERS", "UIMessageStreamEncoder"]


def _frames(writer: UIMessageStreamWriter, chunk: Any) -> list[dict[str, Any]]:
    """The UI chunks of one assistant-stream chunk."""
    kind = chunk.type
    if kind == "text-delta":
        return writer.text_delta(chunk.text_delta)
    if kind == "reasoning-delta":
        return writer.reasoning_delta(chunk.reasoning_delta)
    if kind == "step-start":
        return writer.start_step()
    if kind == "step-finish":
        return writer.finish_step()
    if kind == "tool-call-begin":
        return writer.tool_call_begin(chunk.tool_call_id, chunk.tool_name)
    if kind == "tool-call-delta":
        return writer.tool_call_delta(chunk.tool_call_id, chunk.args_text_delta)
    if kind == "tool-result":
        return writer.tool_result(chunk.tool_call_id, chunk.result, is_error=bool(chunk.is_error))
    if kind == "source":
        return writer.source(chunk.id, chunk.url, chunk.title)
    if kind == "file":
        return writer.file(chunk.data, chunk.mime_type)
    if kind == "data":
        return writer.data("demo", chunk.data)
    if kind == "annotations":
        return writer.metadata({"annotations": chunk.annotations})
    if kind == "error":
        return writer.error(str(chunk.error))
    return []  # update-state has no UI equivalent


class UIMessageStreamEncoder(StreamEncoder):  # type: ignore[misc]
    """Encodes an assistant-stream run as an AI SDK UI message stream.

    Args:
        message_id: the ``messageId`` of the ``start`` chunk; pass the id of
            the assistant message being continued (the request's
            ``messageId``) so the AI SDK appends to it. A fresh id otherwise.
    """

    def __init__(self, message_id: str | None = None) -> None:
        self.message_id = message_id or new_id(prefix="msg_")

    def get_media_type(self) -> str:
        return "text/event-stream"

    async def encode_stream(self, stream: AsyncIterator[Any]) -> AsyncGenerator[str, None]:
        writer = UIMessageStreamWriter(self.message_id)
        for frame in writer.start():
            yield sse_event(frame)
        async for chunk in stream:
            for frame in _frames(writer, chunk):
                yield sse_event(frame)
        for frame in writer.finish():
            yield sse_event(frame)
        yield DONE
