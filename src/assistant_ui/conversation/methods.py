"""The conversation methods of a thread (``send``, ``regenerate``, ...
and their sync twins), mixed into ``ThreadClient``."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from typing import Any

from ..protocol.events import Event
from .drivers import aiter_flow, iter_flow, run_flow, run_flow_sync
from .flows import Conversation
from .steps import ApprovalCallback, Message, SendResult

__all__ = ["ConversationMethods"]


class ConversationMethods:
    """The conversation methods of a thread, for ``ThreadClient`` to inherit.

    The class using it sets ``self.conversation`` (a :class:`Conversation`)
    and provides ``stream_request``/``stream_request_sync``; every method
    here is one flow run by one driver. Options (``tools``, ``max_steps``,
    ``system``, ``run_config``, ``body``) apply to that call only;
    ``approve`` overrides the conversation's approval callback.
    """

    conversation: Conversation

    @property
    def messages(self) -> list[Message]:
        """The conversation in the parts shape, the streaming reply included."""
        return self.conversation.messages

    @property
    def state(self) -> Any:
        """The thread state (assistant-transport), sent back with every request."""
        return self.conversation.state

    async def send(
        self, content: Any, *, approve: ApprovalCallback | None = None, **options: Any
    ) -> SendResult:
        """Sends a user message (a string, parts or a message, either shape)
        and runs the tool loop to its end."""
        flow = self.conversation.send(content, **options)
        return await run_flow(self.conversation, flow, self, approve=approve)

    def send_sync(
        self, content: Any, *, approve: ApprovalCallback | None = None, **options: Any
    ) -> SendResult:
        """The sync twin of :meth:`send`."""
        flow = self.conversation.send(content, **options)
        return run_flow_sync(self.conversation, flow, self, approve=approve)

    def send_stream(
        self, content: Any, *, approve: ApprovalCallback | None = None, **options: Any
    ) -> AsyncGenerator[Event, None]:
        """:meth:`send`, yielding every event as it arrives (the result is
        then ``conversation.last_result``)."""
        flow = self.conversation.send(content, **options)
        return aiter_flow(self.conversation, flow, self, approve=approve)

    def send_stream_sync(
        self, content: Any, *, approve: ApprovalCallback | None = None, **options: Any
    ) -> Generator[Event, None, None]:
        """The sync twin of :meth:`send_stream`."""
        flow = self.conversation.send(content, **options)
        return iter_flow(self.conversation, flow, self, approve=approve)

    async def regenerate(
        self, *, approve: ApprovalCallback | None = None, **options: Any
    ) -> SendResult:
        """Drops the last reply and asks again."""
        flow = self.conversation.regenerate(**options)
        return await run_flow(self.conversation, flow, self, approve=approve)

    def regenerate_sync(
        self, *, approve: ApprovalCallback | None = None, **options: Any
    ) -> SendResult:
        """The sync twin of :meth:`regenerate`."""
        flow = self.conversation.regenerate(**options)
        return run_flow_sync(self.conversation, flow, self, approve=approve)

    async def edit(
        self,
        message_id: str,
        content: Any,
        *,
        approve: ApprovalCallback | None = None,
        **options: Any,
    ) -> SendResult:
        """Replaces a user message (a new branch) and runs."""
        flow = self.conversation.edit(message_id, content, **options)
        return await run_flow(self.conversation, flow, self, approve=approve)

    def edit_sync(
        self,
        message_id: str,
        content: Any,
        *,
        approve: ApprovalCallback | None = None,
        **options: Any,
    ) -> SendResult:
        """The sync twin of :meth:`edit`."""
        flow = self.conversation.edit(message_id, content, **options)
        return run_flow_sync(self.conversation, flow, self, approve=approve)

    async def resume_tools(
        self, *, approve: ApprovalCallback | None = None, **options: Any
    ) -> SendResult:
        """Continues after open tool calls were answered by hand."""
        flow = self.conversation.resume_tools(**options)
        return await run_flow(self.conversation, flow, self, approve=approve)

    def resume_tools_sync(
        self, *, approve: ApprovalCallback | None = None, **options: Any
    ) -> SendResult:
        """The sync twin of :meth:`resume_tools`."""
        flow = self.conversation.resume_tools(**options)
        return run_flow_sync(self.conversation, flow, self, approve=approve)

    def reset(self) -> None:
        """Forgets the conversation, the queued commands and the state."""
        self.conversation.reset()
