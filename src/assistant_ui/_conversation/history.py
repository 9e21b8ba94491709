"""The record of a conversation: its messages in our parts shape and in the
AI SDK's UIMessage shape, the reply streaming now, the thread state and the
queued commands, and how replies, tool outcomes and failures change them.
:class:`~assistant_ui._conversation.Conversation` adds the runs."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any, Final

from assistant_ui._concurrency import is_cancellation
from assistant_ui._conversation.merging import (
    merge_reply,
    merge_ui_message,
    ui_message_for,
    update_ui_part,
)
from assistant_ui._conversation.steps import Message, Reply, ToolOutcome
from assistant_ui._conversation.tool_calls import answered, open_calls, record_outcome
from assistant_ui._tools.tool import ToolReply
from assistant_ui.errors import InvalidRequestError, StreamError
from assistant_ui.protocol.ids import new_id
from assistant_ui.protocol.requests.messages import (
    add_tool_result_command,
    normalize_messages,
)
from assistant_ui.protocol.requests.runtimes import runtime_named
from assistant_ui.protocol.requests.sync_server import check_encodable_depth

__all__ = ["History"]

_CANCELLED: Final = {"type": "incomplete", "reason": "cancelled"}


class History:
    """The messages of one thread and what changes them; no I/O, no runs.

    Args:
        runtime: the request shape (it decides the id lengths, whether
            UIMessages are kept and whether tool results become commands).
        messages: an initial history, in our shape or the seed's.
        state: the initial thread state.
    """

    def __init__(self, runtime: str, messages: Iterable[Any] | None, state: Any) -> None:
        self.spec = runtime_named(runtime)
        self.runtime = self.spec.name
        self.state: Any = copy.deepcopy(state)
        """The thread state: sent with every request, replaced by each reply's."""
        self.pending_commands: list[dict[str, Any]] = []
        """Commands queued for the next request (command runtimes)."""
        self._messages: list[Message] = []
        self._ui: dict[str, Message] = {}
        self._live: Callable[[], Message | None] | None = None
        self._live_base: Message | None = None
        self._live_index = -1
        self._live_id = ""
        for message in normalize_messages(messages):
            self._messages.append(self._with_id(message))

    # -- views -------------------------------------------------------------

    @property
    def messages(self) -> list[Message]:
        """The conversation in our parts shape (a copy), the streaming reply
        included as it grows."""
        out = copy.deepcopy(self._messages)
        live = self._live() if self._live is not None else None
        if live is not None:
            merged = merge_reply(self._live_base, live, self._live_id)
            if self._live_index < len(out):
                out[self._live_index] = merged
            else:
                out.append(merged)
        return out

    @property
    def ui_messages(self) -> list[Message]:
        """The chat as the AI SDK holds it (what the ``ai-sdk`` shape sends)."""
        return [copy.deepcopy(self._ui.get(m["id"]) or ui_message_for(m)) for m in self._messages]

    def watch(self, source: Callable[[], Message | None] | None) -> None:
        """Shows ``source()`` (the live snapshot of the streaming reply) as
        the reply in :attr:`messages`; ``None`` stops watching."""
        self._live = source

    def _apply_outcome(self, message: Message, outcome: ToolOutcome) -> None:
        # Every tool result enters the history here (tools and by hand).
        if outcome.reply is not None:
            check_encodable_depth(outcome.reply.result, field="result")
            check_encodable_depth(outcome.reply.artifact, field="artifact")
        part, reply = record_outcome(message, outcome)
        if self.spec.keeps_ui_messages:
            update_ui_part(self._ui.setdefault(message["id"], ui_message_for(message)), part)
        elif reply is not None and self.spec.tool_results_as_commands:
            self.pending_commands.append(
                add_tool_result_command(
                    tool_call_id=part["toolCallId"],
                    tool_name=part["toolName"],
                    result=reply.result,
                    is_error=reply.is_error,
                    artifact=reply.artifact,
                    model_content=reply.model_content,
                )
            )

    # -- bookkeeping -------------------------------------------------------------

    def _new_id(self) -> str:
        return new_id(self.spec.id_length)

    def _with_id(self, message: Message) -> Message:
        if not message.get("id"):
            message = {"id": self._new_id(), **message}
        return message

    def _index_of(self, message_id: str) -> int:
        for i, message in enumerate(self._messages):
            if message["id"] == message_id:
                return i
        raise InvalidRequestError(f"no message with id {message_id!r}", field="message_id")

    def _last_assistant(self) -> Message:
        if not self._messages or self._messages[-1]["role"] != "assistant":
            raise InvalidRequestError("the conversation does not end with an assistant message")
        return self._messages[-1]

    def _start_live(self, base: Message | None, assistant_id: str) -> None:
        self._live_base = copy.deepcopy(base)
        self._live_id = assistant_id
        self._live_index = len(self._messages) - 1 if base is not None else len(self._messages)

    def _store_reply(self, base: Message | None, reply: Reply, assistant_id: str) -> Message:
        message_id = assistant_id
        if self.spec.keeps_ui_messages and reply.ui_message and reply.ui_message.get("id"):
            message_id = str(reply.ui_message["id"])
        merged = merge_reply(base, reply.message, message_id)
        if base is not None:
            self._messages[-1] = merged
        else:
            self._messages.append(merged)
        state = (reply.message.get("metadata") or {}).get("unstable_state")
        if state is not None or self.spec.replaces_state:
            self.state = copy.deepcopy(state)
        if self.spec.keeps_ui_messages:
            previous = self._ui.pop(assistant_id, None) if base is not None else None
            self._ui[message_id] = merge_ui_message(previous, reply.ui_message, merged)
        return merged

    def _repair_dangling(self) -> None:
        """Closes tool calls a cancelled or stopped run left open, as the
        runtimes do before the next user message (docs/protocols.md §1.3.1 rule 5,
        4.1): data-stream and command shapes get the error result
        ``{"error": "Tool call was not completed"}``, the AI SDK shape
        ``output-error`` with its own text."""
        if not self._messages or self._messages[-1]["role"] != "assistant":
            return
        message = self._messages[-1]
        for part in open_calls(message):
            if answered(part):
                continue
            result = copy.deepcopy(self.spec.dangling_result)
            self._apply_outcome(
                message, ToolOutcome(part["toolCallId"], reply=ToolReply(result, is_error=True))
            )

    def _record_failure(self, exc: BaseException) -> None:
        """Keeps the partial reply with an ``incomplete`` status."""
        live = self._live() if self._live is not None else None
        partial = exc.partial_message if isinstance(exc, StreamError) else None
        snapshot = partial or live
        if snapshot is not None and self._live_id:
            merged = merge_reply(self._live_base, snapshot, self._live_id)
            if (
                self._live_base is not None
                and self._messages
                and self._messages[-1]["role"] == "assistant"
            ):
                self._messages[-1] = merged
            elif self._live_index == len(self._messages):
                self._messages.append(merged)
        if not self._messages or self._messages[-1]["role"] != "assistant":
            return
        message = self._messages[-1]
        status = message.get("status") or {}
        if is_cancellation(exc) or isinstance(exc, (KeyboardInterrupt, GeneratorExit)):
            if status.get("type") in ("running", "requires-action", None):
                message["status"] = dict(_CANCELLED)
            if self.spec.drops_commands_on_cancel:
                self.pending_commands.clear()  # the runtime hands them to onCancel
        elif status.get("type") in ("running", None):
            message["status"] = {
                "type": "incomplete",
                "reason": "error",
                "error": {"code": "unknown", "message": str(exc)},
            }
        if isinstance(exc, StreamError) and exc.state is not None:
            self.state = copy.deepcopy(exc.state)
