"""Python client for assistant-ui chat backends.

Quick use::

    from assistant_ui import AssistantClient

    async with AssistantClient(base_url="http://127.0.0.1:8000") as client:
        thread = client.threads("thread-1")
        response = await thread.chat(messages=[
            {"role": "user", "content": [{"type": "text", "text": "Hello!"}]}
        ])
        print(response.output_text)

See the README for streaming, conversations, frontend tools and the ``aui``
command line.
"""

from assistant_ui._client import AssistantClient
from assistant_ui._conversation import Approval, Conversation, SendResult, ToolCall
from assistant_ui._decoding import DecodeResult, decode_stream
from assistant_ui._http.limits import BufferLimits
from assistant_ui._http.retry import RetryPolicy
from assistant_ui._http.streams import AsyncChatStream, ChatStream
from assistant_ui._http.transport import DEFAULT_TIMEOUT
from assistant_ui._response import ChatResponse
from assistant_ui._thread import ThreadClient
from assistant_ui._tools.tool import Tool, ToolReply, tool
from assistant_ui.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AssistantUIError,
    AuthenticationError,
    BadRequestError,
    BodyTooLargeError,
    ConflictError,
    IncompleteStreamError,
    InternalServerError,
    InvalidRequestError,
    LineTooLongError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RemoteStreamError,
    StreamDecodeError,
    StreamError,
    StreamInterruptedError,
    StreamTimeoutError,
    StreamWarning,
    UnprocessableEntityError,
    UsageError,
)

__version__ = "0.2.0"

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "Approval",
    "AssistantClient",
    "AssistantUIError",
    "AsyncChatStream",
    "AuthenticationError",
    "BadRequestError",
    "BodyTooLargeError",
    "BufferLimits",
    "ChatResponse",
    "ChatStream",
    "ConflictError",
    "Conversation",
    "DEFAULT_TIMEOUT",
    "DecodeResult",
    "IncompleteStreamError",
    "InternalServerError",
    "InvalidRequestError",
    "LineTooLongError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RemoteStreamError",
    "RetryPolicy",
    "SendResult",
    "StreamDecodeError",
    "StreamError",
    "StreamInterruptedError",
    "StreamTimeoutError",
    "StreamWarning",
    "ThreadClient",
    "Tool",
    "ToolCall",
    "ToolReply",
    "UnprocessableEntityError",
    "UsageError",
    "decode_stream",
    "tool",
    "__version__",
]
