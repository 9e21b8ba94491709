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

import types as _types

from assistant_ui import events as events
from assistant_ui._attachments import Attachment
from assistant_ui._client import AssistantClient
from assistant_ui._conversation import Approval, Conversation, SendResult, ToolCall
from assistant_ui._decoding import DecodeResult, decode_stream
from assistant_ui._http.limits import BufferLimits
from assistant_ui._http.response import ChatResponse
from assistant_ui._http.retry import RetryPolicy
from assistant_ui._http.streams import AsyncChatStream, ChatStream
from assistant_ui._http.transport import DEFAULT_TIMEOUT
from assistant_ui._thread import ThreadClient
from assistant_ui._tools.tool import Tool, ToolReply, tool
from assistant_ui._version import __version__
from assistant_ui.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AssistantUIError,
    AttachmentTooLargeError,
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

PUBLIC_MODULES = ("cli", "demo", "errors", "events", "protocol", "types")
"""The public submodules; every other module of the package is private."""

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "Approval",
    "AssistantClient",
    "AssistantUIError",
    "AsyncChatStream",
    "Attachment",
    "AttachmentTooLargeError",
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

# Public names report the package as their home (``assistant_ui.ThreadClient``,
# not the private module that defines them), as httpx and openai do.
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, (type, _types.FunctionType)):
        _obj.__module__ = __name__
del _name, _obj


def __dir__() -> list[str]:
    return sorted([*__all__, "PUBLIC_MODULES", *PUBLIC_MODULES])
