"""What every finished reply shows the same way: :class:`ReplyView`.

``ChatResponse`` (one request) and ``SendResult`` (a run of a kept
conversation) name the same things identically: the assistant's text is
``output_text`` (the openai convention), and ``message``, ``reasoning``,
``tool_calls``, ``sources``, ``usage``, ``finish_reason`` and ``status`` are
read the same way from the accumulated message.
"""

from __future__ import annotations

from typing import Any, cast

from assistant_ui.types import (
    AssistantMessagePart,
    AssistantStreamMessage,
    MessageStatus,
    SourceMessagePart,
    ToolCallMessagePart,
    Usage,
)

__all__ = ["ReplyView"]


class ReplyView:
    """The reply-reading properties shared by the result classes.

    Subclasses provide :attr:`message` (the assistant message, or ``None``
    when there was no streamed reply), :attr:`usage` and :attr:`finish_reason`.
    """

    __slots__ = ()

    message: AssistantStreamMessage | None
    usage: Usage | None
    finish_reason: str | None

    @property
    def parts(self) -> list[AssistantMessagePart]:
        """The message parts (empty without a streamed reply)."""
        return list(self.message["parts"]) if self.message is not None else []

    @property
    def status(self) -> MessageStatus | None:
        """The message status (``{"type": "complete", "reason": "stop"}`` ...)."""
        return self.message["status"] if self.message is not None else None

    @property
    def output_text(self) -> str:
        """Every text part joined (reasoning excluded)."""
        return "".join(p["text"] for p in self.parts if p["type"] == "text")

    @property
    def reasoning(self) -> str:
        """Every reasoning part joined."""
        return "".join(p["text"] for p in self.parts if p["type"] == "reasoning")

    @property
    def tool_calls(self) -> list[ToolCallMessagePart]:
        """The tool-call parts, with ``toolName``, ``args``, and ``result`` once known."""
        return [p for p in self.parts if p["type"] == "tool-call"]

    @property
    def sources(self) -> list[SourceMessagePart]:
        """The source parts (URLs and documents the reply cites)."""
        return [p for p in self.parts if p["type"] == "source"]


def as_message(value: dict[str, Any] | None) -> AssistantStreamMessage | None:
    """A decoded message dict as its public type (the accumulator builds
    exactly this shape; the check is the type, not a copy)."""
    return cast("AssistantStreamMessage | None", value)
