"""The conversation methods of a thread (``send``, ``regenerate``, ...
and their sync twins), mixed into ``ThreadClient``."""

from __future__ import annotations

from typing import Any, Unpack, cast

from assistant_ui._attachments import Attachments
from assistant_ui._conversation.drivers import (
    FlowRun,
    ReplySource,
    RequestCallback,
    run_flow,
    run_flow_sync,
)
from assistant_ui._conversation.flows import Conversation
from assistant_ui._conversation.run_stream import AsyncRunStream, RunStream
from assistant_ui._conversation.steps import ApprovalCallback, Flow, Message, RunOptions, SendResult

__all__ = ["ConversationMethods"]


class ConversationMethods:
    """The conversation methods of a thread, for ``ThreadClient`` to inherit.

    The class using it sets ``self.conversation`` (a :class:`Conversation`)
    and provides ``stream_request``/``stream_request_sync``; every method
    here is one flow of the conversation run by one driver. Options
    (``tools``, ``max_steps``, ``system``, ``run_config``, ``body``: see
    :class:`~assistant_ui._conversation.steps.RunOptions`) apply to that call
    only; ``approve`` overrides the conversation's approval callback.
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

    @property
    def _replies(self) -> ReplySource:
        # The class that inherits these methods (ThreadClient) sends the requests.
        return cast("ReplySource", self)

    async def _run(self, flow: Flow, approve: ApprovalCallback | None) -> SendResult:
        return await run_flow(self.conversation, flow, self._replies, approve=approve)

    def _run_sync(self, flow: Flow, approve: ApprovalCallback | None) -> SendResult:
        return run_flow_sync(self.conversation, flow, self._replies, approve=approve)

    async def send(
        self,
        content: Any,
        *,
        attachments: Attachments | None = None,
        approve: ApprovalCallback | None = None,
        **options: Unpack[RunOptions],
    ) -> SendResult:
        """Sends a user message (a string, parts or a message, either shape)
        and runs the tool loop to its end.

        ``attachments``: files sent with the message, one or a list: paths
        (``str`` or ``pathlib.Path``), ``bytes``, binary file objects,
        ``(name, data[, mime_type])`` tuples or :class:`~assistant_ui.Attachment`
        objects. Images become image parts (a ``data:`` URL), other files
        file parts, as assistant-ui's attachment adapters make them; each
        is checked against ``max_attachment_bytes`` before anything is sent.
        """
        return await self._run(
            self.conversation.send(content, attachments=attachments, **options), approve
        )

    def send_sync(
        self,
        content: Any,
        *,
        attachments: Attachments | None = None,
        approve: ApprovalCallback | None = None,
        **options: Unpack[RunOptions],
    ) -> SendResult:
        """The sync twin of :meth:`send`."""
        return self._run_sync(
            self.conversation.send(content, attachments=attachments, **options), approve
        )

    def send_stream(
        self,
        content: Any,
        *,
        attachments: Attachments | None = None,
        approve: ApprovalCallback | None = None,
        on_request: RequestCallback | None = None,
        **options: Unpack[RunOptions],
    ) -> AsyncRunStream:
        """:meth:`send`, streamed: use ``async with thread.send_stream(...) as
        run`` and iterate high-level events (every response, and the Python
        tools run between them); ``await run.until_done()`` returns the
        :class:`SendResult`. ``on_request`` is called before each request of
        the run."""
        flow = self.conversation.send(content, attachments=attachments, **options)
        run = FlowRun(self.conversation, flow, approve, on_request)
        return AsyncRunStream(run, self._replies)

    def send_stream_sync(
        self,
        content: Any,
        *,
        attachments: Attachments | None = None,
        approve: ApprovalCallback | None = None,
        on_request: RequestCallback | None = None,
        **options: Unpack[RunOptions],
    ) -> RunStream:
        """The sync twin of :meth:`send_stream`."""
        flow = self.conversation.send(content, attachments=attachments, **options)
        run = FlowRun(self.conversation, flow, approve, on_request)
        return RunStream(run, self._replies)

    async def regenerate(
        self, *, approve: ApprovalCallback | None = None, **options: Unpack[RunOptions]
    ) -> SendResult:
        """Drops the last reply and asks again."""
        return await self._run(self.conversation.regenerate(**options), approve)

    def regenerate_sync(
        self, *, approve: ApprovalCallback | None = None, **options: Unpack[RunOptions]
    ) -> SendResult:
        """The sync twin of :meth:`regenerate`."""
        return self._run_sync(self.conversation.regenerate(**options), approve)

    async def edit(
        self,
        message_id: str,
        content: Any,
        *,
        attachments: Attachments | None = None,
        approve: ApprovalCallback | None = None,
        **options: Unpack[RunOptions],
    ) -> SendResult:
        """Replaces a user message (a new branch) and runs."""
        return await self._run(
            self.conversation.edit(message_id, content, attachments=attachments, **options), approve
        )

    def edit_sync(
        self,
        message_id: str,
        content: Any,
        *,
        attachments: Attachments | None = None,
        approve: ApprovalCallback | None = None,
        **options: Unpack[RunOptions],
    ) -> SendResult:
        """The sync twin of :meth:`edit`."""
        return self._run_sync(
            self.conversation.edit(message_id, content, attachments=attachments, **options), approve
        )

    async def resume_tools(
        self, *, approve: ApprovalCallback | None = None, **options: Unpack[RunOptions]
    ) -> SendResult:
        """Continues after open tool calls were answered by hand."""
        return await self._run(self.conversation.resume_tools(**options), approve)

    def resume_tools_sync(
        self, *, approve: ApprovalCallback | None = None, **options: Unpack[RunOptions]
    ) -> SendResult:
        """The sync twin of :meth:`resume_tools`."""
        return self._run_sync(self.conversation.resume_tools(**options), approve)

    def reset(self) -> None:
        """Forgets the conversation, the queued commands and the state."""
        self.conversation.reset()
