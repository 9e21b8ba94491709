"""The :class:`Conversation`: the pure state of one thread and the flows
that change it (see :mod:`assistant_ui._conversation` for the protocol)."""

from __future__ import annotations

import copy
from collections.abc import Generator, Iterable, Mapping
from typing import Any, Final, Unpack, cast

from assistant_ui._attachments import (
    DEFAULT_MAX_ATTACHMENT_BYTES,
    Attachments,
    message_attachments,
)
from assistant_ui._conversation.history import History
from assistant_ui._conversation.steps import (
    DEFAULT_MAX_STEPS,
    Approval,
    ApprovalCallback,
    Flow,
    Message,
    Reply,
    RunOptions,
    RunSettings,
    RunTools,
    SendRequest,
    SendResult,
    Step,
    ToolOutcome,
)
from assistant_ui._conversation.tool_calls import calls_to_answer, run_continues, to_tools
from assistant_ui._http.request import RequestOptions
from assistant_ui._tools.tool import Tool, ToolReply
from assistant_ui.errors import InvalidRequestError, UsageError
from assistant_ui.protocol.ids import new_id
from assistant_ui.protocol.requests.bodies import tool_definitions
from assistant_ui.protocol.requests.messages import add_message_command, normalize_message
from assistant_ui.protocol.requests.runtimes import RequestInputs, runtime_named
from assistant_ui.protocol.usage import add_usage
from assistant_ui.types import AssistantStreamMessage, ThreadMessage, Usage

__all__ = ["Conversation"]

_STEP_LIMIT: Final = {"type": "incomplete", "reason": "tool-calls"}
_RUN_OPTIONS: Final = frozenset(RunOptions.__annotations__)


def _check_options(method: str, options: Mapping[str, Any]) -> None:
    # What a signature with these keywords would say, before anything changes.
    for name in options:
        if name not in _RUN_OPTIONS:
            raise TypeError(f"{method}() got an unexpected keyword argument {name!r}")


class Conversation(History):
    """The state of one thread's conversation, with no I/O.

    Args:
        runtime: the request shape: ``"sync-server"``, ``"data-stream"``,
            ``"ai-sdk"`` or ``"assistant-transport"``.
        thread_id: the thread id (``id``/``threadId`` in bodies); generated
            for the AI SDK shape when not given.
        messages: an initial history, in our shape or the seed's.
        tools: ``Tool`` objects, decorated or plain functions, or a seed
            definitions dict (declared only).
        state: the initial thread state (assistant-transport state).
        system: the system prompt.
        max_steps: requests per ``send`` (see :data:`DEFAULT_MAX_STEPS`).
        approve: approval callback for ``needs_approval`` tools and server
            approval requests (sync or async; returns ``bool`` or
            :class:`Approval`).
        encoding: force a reply encoding.
        path: the endpoint every request goes to (``None``: the client's
            chat path).
        strict: decode replies exactly as the reference.
        call_settings: ``temperature``, ``maxTokens``, ... (1.8).
        config: ``modelName``, ``apiKey``, ... (1.8).
        run_config: ``{"custom": ...}`` (data-stream ``runConfig``, AI SDK
            ``metadata``).
        body: extra keys merged into every body.
        max_attachment_bytes: the size limit of one attachment of
            ``send``/``edit`` (default 20 MiB; ``None``: no limit). A larger
            one raises :class:`~assistant_ui.errors.AttachmentTooLargeError`
            before anything is sent.
    """

    def __init__(
        self,
        *,
        runtime: str = "sync-server",
        thread_id: str | None = None,
        messages: Iterable[Any] | None = None,
        tools: Any = None,
        state: Any = None,
        system: str | None = None,
        max_steps: int = DEFAULT_MAX_STEPS,
        approve: ApprovalCallback | None = None,
        encoding: str | None = None,
        path: str | None = None,
        strict: bool = False,
        call_settings: dict[str, Any] | None = None,
        config: dict[str, Any] | None = None,
        run_config: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        max_attachment_bytes: int | None = DEFAULT_MAX_ATTACHMENT_BYTES,
    ) -> None:
        spec = runtime_named(runtime)
        if max_steps < 1:
            raise InvalidRequestError("must be at least 1", field="max_steps")
        if max_attachment_bytes is not None and max_attachment_bytes < 0:
            raise InvalidRequestError("must not be negative", field="max_attachment_bytes")
        self.thread_id = thread_id or (new_id() if spec.generates_thread_id else None)
        self.tools = to_tools(tools)
        self.system = system
        self.max_steps = max_steps
        self.approve = approve
        self.encoding = encoding
        self.path = path
        self.strict = strict
        self.call_settings = call_settings
        self.config = config
        self.run_config = run_config
        self.body = body
        self.max_attachment_bytes = max_attachment_bytes
        self._initial_state = copy.deepcopy(state)
        self.in_flight = False
        self._queued_in_flight = 0
        self.last_result: SendResult | None = None
        super().__init__(runtime, messages, state)

    def reset(self) -> None:
        """Forgets the conversation, the queue and the state."""
        if self.in_flight:
            raise UsageError("reset() while a run is in flight")
        self._messages.clear()
        self._ui.clear()
        self.pending_commands.clear()
        self.state = copy.deepcopy(self._initial_state)
        self.last_result = None

    def queue_command(self, command: dict[str, Any]) -> None:
        """Queues a command for the next request (assistant-transport and
        sync-server shapes). Commands queued while a run is in flight are
        sent in one more request after it, as the runtime does."""
        if not isinstance(command, dict) or not isinstance(command.get("type"), str):
            raise InvalidRequestError("a command needs a string 'type'", field="command")
        self.pending_commands.append(copy.deepcopy(command))
        if self.in_flight:
            self._queued_in_flight += 1

    # -- flows ---------------------------------------------------------------

    def send(
        self, content: Any, *, attachments: Attachments | None = None, **options: Unpack[RunOptions]
    ) -> Flow:
        """Flow: append a user message (a string, parts or a message) and run.

        ``attachments``: files sent with it (paths, bytes, binary files,
        ``(name, data[, mime_type])`` tuples, :class:`~assistant_ui.Attachment`),
        as image or file parts of the message's ``attachments``.

        Before anything is sent, tool calls a cancelled run left without a
        result are closed (docs/protocols.md §4.1), so the history is valid.
        """
        _check_options("send", options)
        settings = self._new_run(**options)  # checks come before the history changes
        message = self._with_id(normalize_message(content, role="user", field="content"))
        if message["role"] != "user":
            raise InvalidRequestError("send() takes a user message", field="content.role")
        self._attach(message, attachments)
        self._repair_dangling()
        parent = self._messages[-1]["id"] if self._messages else None
        self._messages.append(message)
        return self._flow(
            trigger="submit",
            user=message,
            parent_id=parent,
            source_id=None,
            settings=settings,
        )

    def edit(
        self,
        message_id: str,
        content: Any,
        *,
        attachments: Attachments | None = None,
        **options: Unpack[RunOptions],
    ) -> Flow:
        """Flow: replace user message ``message_id`` by ``content`` (a new
        message with a new id on a new branch: everything after the edited
        message is dropped) and run. The assistant-transport shape says
        which message it replaces (``sourceId``) and where the branch
        starts (``parentId``). ``attachments`` as for :meth:`send` (the
        edited message's own attachments are not kept)."""
        _check_options("edit", options)
        settings = self._new_run(**options)
        index = self._index_of(message_id)
        if self._messages[index]["role"] != "user":
            raise InvalidRequestError("only user messages can be edited", field="message_id")
        message = normalize_message(content, role="user", field="content")
        message.pop("id", None)
        message = self._with_id(message)
        self._attach(message, attachments)
        parent = self._messages[index - 1]["id"] if index > 0 else None
        del self._messages[index:]
        self._messages.append(message)
        return self._flow(
            trigger="submit",
            user=message,
            parent_id=parent,
            source_id=message_id,
            settings=settings,
        )

    def _attach(self, message: Message, attachments: Attachments | None) -> None:
        """Adds the entries of ``attachments`` after the message's own
        (files are read and checked here, before anything is sent)."""
        if attachments is None:
            return
        entries = message_attachments(attachments, self.max_attachment_bytes)
        if entries:
            message["attachments"] = [*(message.get("attachments") or ()), *entries]

    def regenerate(self, **options: Unpack[RunOptions]) -> Flow:
        """Flow: drop the last assistant reply and ask again."""
        _check_options("regenerate", options)
        settings = self._new_run(**options)
        while self._messages and self._messages[-1]["role"] == "assistant":
            self._messages.pop()
        if not self._messages:
            raise InvalidRequestError("nothing to regenerate: the conversation is empty")
        return self._flow(
            trigger="regenerate",
            user=None,
            parent_id=self._messages[-1]["id"],
            source_id=None,
            settings=settings,
        )

    def resume_tools(self, **options: Unpack[RunOptions]) -> Flow:
        """Flow: continue the last assistant message after its open tool
        calls were answered (:meth:`add_tool_result`, :meth:`respond_to_approval`),
        or run the tools that can answer them now."""
        _check_options("resume_tools", options)
        if not self._messages or self._messages[-1]["role"] != "assistant":
            raise InvalidRequestError("the conversation does not end with an assistant message")
        return self._flow(
            trigger="continue",
            user=None,
            parent_id=self._messages[-2]["id"] if len(self._messages) > 1 else None,
            source_id=None,
            settings=self._new_run(**options),
        )

    def add_tool_result(
        self,
        tool_call_id: str,
        result: Any,
        *,
        is_error: bool = False,
        artifact: Any = None,
        model_content: list[Any] | None = None,
    ) -> None:
        """Answers an open tool call of the last assistant message by hand
        (a declared tool, a human tool); :meth:`resume_tools` continues."""
        reply = ToolReply(result, is_error=is_error, artifact=artifact, model_content=model_content)
        self._apply_outcome(self._last_assistant(), ToolOutcome(tool_call_id, reply=reply))

    def respond_to_approval(
        self, tool_call_id: str, approved: bool, reason: str | None = None
    ) -> None:
        """Records an approval decision for an open tool call by hand."""
        outcome = ToolOutcome(tool_call_id, approval=Approval(approved, reason))
        self._apply_outcome(self._last_assistant(), outcome)

    # -- the loop ------------------------------------------------------------

    def _new_run(
        self,
        *,
        tools: Any = None,
        max_steps: int | None = None,
        system: str | None = None,
        run_config: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        **request: Unpack[RequestOptions],
    ) -> RunSettings:
        """The settings of a new run: the call's options over the
        conversation's. Everything that can fail on bad input is checked
        here, so the caller sees it when calling ``send()``, not on
        ``next()`` of the flow."""
        merged = dict(self.tools)
        merged.update(to_tools(tools))
        steps = max_steps if max_steps is not None else self.max_steps
        if steps < 1:
            raise InvalidRequestError("must be at least 1", field="max_steps")
        if self.in_flight:
            raise UsageError("a run is already in flight on this conversation")
        tool_definitions(merged)
        return RunSettings(
            tools=merged,
            max_steps=steps,
            system=system if system is not None else self.system,
            run_config=run_config if run_config is not None else self.run_config,
            body={**(self.body or {}), **(body or {}), **request.pop("extra_body", {})},
            request=request,
        )

    def _flow(
        self,
        *,
        trigger: str,
        user: Message | None,
        parent_id: str | None,
        source_id: str | None,
        settings: RunSettings,
    ) -> Flow:
        self.in_flight = True
        self._queued_in_flight = 0
        tools = settings.tools
        continuing = trigger == "continue"
        assistant_id = self._messages[-1]["id"] if continuing else self._new_id()
        requests = 0
        usage: dict[str, Any] = {}
        finish_reason: str | None = None
        try:
            if user is not None and self.spec.user_messages_as_commands:
                command = add_message_command(user, parent_id=parent_id, source_id=source_id)
                if command is not None:
                    self.pending_commands.append(command)
            proceed = True
            if continuing:
                proceed = yield from self._answer_calls(self._messages[-1], tools)
            while proceed:
                base = self._messages[-1] if continuing else None
                if base is not None:
                    assistant_id = base["id"]
                request = self._request(
                    trigger="continue" if continuing else trigger,
                    assistant_id=assistant_id,
                    parent_id=parent_id,
                    parent_given=requests == 0 and not continuing,
                    settings=settings,
                )
                requests += 1
                self._queued_in_flight = 0
                self._start_live(base, assistant_id)
                try:
                    reply: Reply = yield request
                except BaseException as exc:
                    self._record_failure(exc)
                    raise
                finally:
                    self._live = None
                if not isinstance(reply, Reply):
                    raise UsageError(f"a SendRequest step is answered with a Reply, got {reply!r}")
                usage = add_usage(usage, reply.usage)
                finish_reason = reply.finish_reason or finish_reason
                message = self._store_reply(base, reply, assistant_id)
                assistant_id = message["id"]
                continuing = True
                proceed = yield from self._answer_calls(message, tools)
                if proceed and requests >= settings.max_steps:
                    message["status"] = dict(_STEP_LIMIT)
                    break
                if not proceed and self._queued_in_flight:
                    proceed = True  # commands queued during the run go out now
        finally:
            self.in_flight = False
        result = SendResult(
            message=cast("AssistantStreamMessage", copy.deepcopy(self._messages[-1])),
            messages=cast("list[ThreadMessage]", self.messages),
            state=copy.deepcopy(self.state),
            requests=requests,
            usage=cast("Usage", usage) if usage else None,
            finish_reason=finish_reason,
        )
        self.last_result = result
        return result

    def _answer_calls(self, message: Message, tools: dict[str, Tool]) -> Generator[Step, Any, bool]:
        """Runs what can answer the open calls; True if the run continues."""
        status = message.get("status") or {}
        calls = calls_to_answer(message, tools)
        if calls:
            try:
                outcomes = yield RunTools(tuple(calls))
            except BaseException as exc:
                self._record_failure(exc)
                raise
            for outcome in outcomes or ():
                if not isinstance(outcome, ToolOutcome):
                    raise UsageError(
                        f"a RunTools step is answered with ToolOutcomes, got {outcome!r}"
                    )
                self._apply_outcome(message, outcome)
        return run_continues(message, status, ran_tools=bool(calls))

    # -- requests --------------------------------------------------------------

    def _request(
        self,
        *,
        trigger: str,
        assistant_id: str,
        parent_id: str | None,
        parent_given: bool,
        settings: RunSettings,
    ) -> SendRequest:
        spec = self.spec
        commands: list[dict[str, Any]] = []
        if spec.sends_commands:
            commands, self.pending_commands = self.pending_commands, []
        body = spec.build_body(
            RequestInputs(
                thread_id=self.thread_id,
                messages=self._messages,
                ui_messages=self.ui_messages if spec.keeps_ui_messages else (),
                state=self.state,
                commands=commands,
                system=settings.system,
                tools=tuple(settings.tools.values()),
                run_config=settings.run_config,
                call_settings=self.call_settings,
                config=self.config,
                extra_body=settings.body,
                trigger=trigger,
                assistant_id=assistant_id,
                parent_id=parent_id,
                first_request=parent_given,
            )
        )
        uses_state = spec.sends_state
        return SendRequest(
            body=body,
            encoding=self.encoding,
            initial_state=copy.deepcopy(self.state) if uses_state else None,
            strict=self.strict,
            options=RequestOptions(path=self.path, **settings.request)
            if self.path is not None
            else settings.request,
        )
