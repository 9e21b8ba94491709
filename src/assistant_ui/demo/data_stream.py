"""assistant-stream's data stream encoder, plus the AI SDK's closing ``d:`` frame.

assistant-stream 0.0.36 ends a data stream after the last step's ``e:``
frame. The AI SDK's data stream ends with a message finish frame,
``d:{"finishReason", "usage"}`` (docs/protocols.md §2.2), and
``useDataStreamRuntime`` depends on it: it runs a frontend tool when the
step that called it finishes, so the tool's result reaches the message
after the step; only a message finished with ``tool-calls`` is then
continued with the results (assistant-ui's ``shouldContinue``). Without the
frame the message ends ``complete`` and a frontend tool's answer is never
sent back. The frame repeats the last step's finish reason and sums the
steps' usage, as the AI SDK does.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

from assistant_stream.serialization import DataStreamEncoder

__all__ = ["FinishingDataStreamEncoder"]


class FinishingDataStreamEncoder(DataStreamEncoder):  # type: ignore[misc]
    """:class:`DataStreamEncoder` that closes the stream with a ``d:`` frame.

    The frame is written only when at least one step finished, and not when
    the run raised (assistant-stream has then cut the stream already).
    """

    async def encode_stream(self, stream: AsyncIterator[Any]) -> AsyncGenerator[str, None]:
        finish_reason: str | None = None
        input_tokens = output_tokens = 0
        async for chunk in stream:
            if chunk.type == "step-finish":
                finish_reason = chunk.finish_reason
                input_tokens += chunk.input_tokens
                output_tokens += chunk.output_tokens
            encoded = self.encode_chunk(chunk)
            if encoded is not None:
                yield encoded
        if finish_reason is not None:
            usage = {"inputTokens": input_tokens, "outputTokens": output_tokens}
            yield f"d:{json.dumps({'finishReason': finish_reason, 'usage': usage})}\n"
