"""TypedDicts for everything the library sends and produces.

Two shapes of message exist (see ``docs/ARCHITECTURE.md``):

- What callers send, in the original package's ``content`` form:
  :data:`Message` and its parts. These names are the seed README's and stay
  as they are. Optional keys are ``NotRequired``; a key that may be absent
  is never typed ``Optional`` instead.
- What the library produces from a streamed reply, in the ``parts`` form of
  docs/protocols.md §3.2: :class:`AssistantStreamMessage` and its part types.

Commands (docs/protocols.md §1.5.1) are the assistant-transport request units that
the sync-server body also carries (1.6).

All of these are plain dicts at runtime, so anything the library returns can
be sent straight back in the next request.
"""

# No `from __future__ import annotations` here: TypedDict reads NotRequired
# from evaluated annotations, and string annotations would make every key
# required at runtime (``__required_keys__``).
from typing import Any, Literal, NotRequired, TypeAlias, TypedDict

__all__ = [
    "AddMessageCommand",
    "AddToolResultCommand",
    "AssistantMessage",
    "AssistantMessagePart",
    "AssistantStreamMessage",
    "AssistantStreamMetadata",
    "AssistantTransportCommand",
    "CommandMessage",
    "DataMessagePart",
    "FileMessagePart",
    "FilePart",
    "ImagePart",
    "JSONValue",
    "Message",
    "MessagePartStatus",
    "MessageStatus",
    "ReasoningMessagePart",
    "SourceMessagePart",
    "SystemMessage",
    "TextMessagePart",
    "TextPart",
    "ThreadMessage",
    "ThreadMessagePart",
    "Tool",
    "ToolCallMessagePart",
    "ToolCallPart",
    "ToolMessage",
    "ToolParameters",
    "ToolResultPart",
    "Usage",
    "UserMessage",
]

# --------------------------------------------------------------------------
# Input: the seed's message shapes (legacy "language model v1", docs/protocols.md §1.3.1)


class TextPart(TypedDict):
    """A piece of text."""

    type: Literal["text"]
    text: str


class ImagePart(TypedDict):
    """An image by URL (http(s) or ``data:``)."""

    type: Literal["image"]
    image: str


class FilePart(TypedDict):
    """A file by URL, ``data:`` URL or raw base64."""

    type: Literal["file"]
    data: str
    mimeType: NotRequired[str]
    filename: NotRequired[str]


class ToolCallPart(TypedDict):
    """A tool call made by the assistant."""

    type: Literal["tool-call"]
    toolCallId: str
    toolName: str
    args: dict[str, Any]
    argsText: NotRequired[str]


class ToolResultPart(TypedDict):
    """The result of a tool call."""

    type: Literal["tool-result"]
    toolCallId: str
    toolName: str
    result: Any
    isError: NotRequired[bool]
    artifact: NotRequired[Any]


class SystemMessage(TypedDict):
    """Instructions for the model; ``content`` is a string or text parts."""

    role: Literal["system"]
    content: str | list[TextPart]


class UserMessage(TypedDict):
    """A user turn; ``content`` is a string or a list of parts."""

    role: Literal["user"]
    content: str | list[TextPart | ImagePart | FilePart]


class AssistantMessage(TypedDict):
    """An earlier assistant turn: text, tool calls, files."""

    role: Literal["assistant"]
    content: str | list[TextPart | ToolCallPart | FilePart]


class ToolMessage(TypedDict):
    """Results of the tool calls of the preceding assistant message."""

    role: Literal["tool"]
    content: list[ToolResultPart]


Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage
"""Any message in the seed's ``content`` form."""


class ToolParameters(TypedDict):
    """A JSON Schema (draft-07) object schema for a tool's arguments."""

    type: Literal["object"]
    properties: dict[str, Any]
    required: NotRequired[list[str]]
    additionalProperties: NotRequired[bool | dict[str, Any]]
    description: NotRequired[str]


class Tool(TypedDict):
    """A tool definition, keyed by name in ``tools`` (docs/protocols.md §1.7)."""

    description: NotRequired[str]
    parameters: ToolParameters
    providerOptions: NotRequired[dict[str, Any]]


# --------------------------------------------------------------------------
# Commands (docs/protocols.md §1.5.1)


class CommandMessage(TypedDict):
    """The message of an ``add-message`` command (``parts`` form)."""

    role: Literal["system", "user", "assistant"]
    parts: list[TextPart | ImagePart | FilePart | ToolCallPart]
    id: NotRequired[str]


class AddMessageCommand(TypedDict):
    """Add a message to the thread (after ``parentId``, replacing ``sourceId``)."""

    type: Literal["add-message"]
    message: CommandMessage
    parentId: NotRequired[str | None]
    sourceId: NotRequired[str | None]


class AddToolResultCommand(TypedDict):
    """Deliver the result of a frontend or human tool call."""

    type: Literal["add-tool-result"]
    toolCallId: str
    toolName: str
    result: Any
    isError: bool
    artifact: NotRequired[Any]
    modelContent: NotRequired[list[dict[str, Any]]]


AssistantTransportCommand = AddMessageCommand | AddToolResultCommand
"""A built-in command. Custom commands are any mapping with a string ``type``."""


# --------------------------------------------------------------------------
# Output: the accumulated assistant message (docs/protocols.md §3.2, 3.6)


class MessageStatus(TypedDict):
    """Status of the whole message (docs/protocols.md §3.6)."""

    type: Literal["running", "requires-action", "complete", "incomplete"]
    reason: NotRequired[str]
    error: NotRequired[Any]


class MessagePartStatus(TypedDict):
    """Status of one part (docs/protocols.md §3.6)."""

    type: Literal["running", "requires-action", "complete", "incomplete"]
    reason: NotRequired[str]
    isArgsComplete: NotRequired[bool]


class TextMessagePart(TypedDict):
    """Text produced by the assistant."""

    type: Literal["text"]
    text: str
    status: MessagePartStatus
    parentId: NotRequired[str]
    providerMetadata: NotRequired[dict[str, Any]]


class ReasoningMessagePart(TypedDict):
    """Reasoning text produced by the assistant."""

    type: Literal["reasoning"]
    text: str
    status: MessagePartStatus
    unstable_summary: NotRequired[str]
    parentId: NotRequired[str]
    providerMetadata: NotRequired[dict[str, Any]]


class ToolCallMessagePart(TypedDict):
    """A tool call, its streamed arguments and (once known) its result."""

    type: Literal["tool-call"]
    state: Literal["partial-call", "call", "result"]
    status: MessagePartStatus
    toolCallId: str
    toolName: str
    argsText: str
    args: Any
    result: NotRequired[Any]
    isError: NotRequired[bool]
    artifact: NotRequired[Any]
    modelContent: NotRequired[Any]
    messages: NotRequired[Any]
    isPreliminary: NotRequired[bool]
    approval: NotRequired[dict[str, Any]]
    parentId: NotRequired[str]


class SourceMessagePart(TypedDict):
    """A cited source: a URL or a document."""

    type: Literal["source"]
    sourceType: Literal["url", "document"]
    id: str
    url: NotRequired[str]
    title: NotRequired[str]
    mediaType: NotRequired[str]
    filename: NotRequired[str]
    parentId: NotRequired[str]
    status: NotRequired[MessagePartStatus]


class FileMessagePart(TypedDict):
    """A file produced by the assistant."""

    type: Literal["file"]
    mimeType: str
    data: str
    parentId: NotRequired[str]
    status: NotRequired[MessagePartStatus]


class DataMessagePart(TypedDict):
    """Application data carried as a part."""

    type: Literal["data"]
    name: str
    data: Any
    parentId: NotRequired[str]
    status: NotRequired[MessagePartStatus]


AssistantMessagePart = (
    TextMessagePart
    | ReasoningMessagePart
    | ToolCallMessagePart
    | SourceMessagePart
    | FileMessagePart
    | DataMessagePart
)
"""Any part of an accumulated assistant message."""


class AssistantStreamMetadata(TypedDict):
    """``metadata`` of an accumulated assistant message (docs/protocols.md §3.7)."""

    unstable_state: Any
    unstable_data: list[Any]
    unstable_annotations: list[Any]
    steps: list[dict[str, Any]]
    custom: dict[str, Any]


class AssistantStreamMessage(TypedDict):
    """The assistant message accumulated from a streamed reply (with the
    ``id`` the conversation gave it, once it is in a thread's history)."""

    id: NotRequired[str]
    role: Literal["assistant"]
    status: MessageStatus
    parts: list[AssistantMessagePart]
    metadata: AssistantStreamMetadata


ThreadMessagePart = AssistantMessagePart | TextPart | ImagePart | FilePart
"""Any part of a message in a thread's history (what users send has the
plain ``text``/``image``/``file`` parts; replies have the parts above)."""


class ThreadMessage(TypedDict):
    """A message of a thread's history, in the parts shape (``thread.messages``).
    It can be sent back as it is, through any method that takes messages."""

    id: str
    role: Literal["system", "user", "assistant"]
    parts: list[ThreadMessagePart]
    status: NotRequired[MessageStatus]
    metadata: NotRequired[AssistantStreamMetadata]


class Usage(TypedDict, total=False):
    """Token usage as the AI SDK names it (servers may add other counts)."""

    inputTokens: int
    outputTokens: int
    totalTokens: int
    reasoningTokens: int
    cachedInputTokens: int


JSONValue: TypeAlias = Any
"""Any JSON value (``dict``, ``list``, ``str``, ``int``, ``float``, ``bool`` or
``None``): thread state, tool arguments and results. The one ``Any`` of the
public signatures."""
