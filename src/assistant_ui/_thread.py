"""One conversation thread on the server: chat, stream, cancel (sync twins).

Every public method builds its request with pure code
(:mod:`assistant_ui.protocol.requests.sync_server`) and hands it to a
:class:`~assistant_ui._http.streams.ChatStream` or
:class:`~assistant_ui._http.streams.AsyncChatStream`; ``chat()`` is a stream
read to its end. The twins differ only in ``await``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, Unpack

import httpx

from assistant_ui._conversation import Conversation, ConversationMethods
from assistant_ui._conversation.steps import ConversationOptions
from assistant_ui._http.bounded_body import aread_error_body, read_error_body
from assistant_ui._http.connection import Connection
from assistant_ui._http.request import RequestOptions, StreamRequest, split_request_options
from assistant_ui._http.response import ChatResponse
from assistant_ui._http.resume_url import check_same_origin, resume_url
from assistant_ui._http.stream_core import StreamCore
from assistant_ui._http.streams import AsyncChatStream, ChatStream
from assistant_ui._http.transport import (
    NOT_SUPPORTED_STATUSES,
    aresolve_headers,
    request_headers,
    resolve_headers,
    status_error,
    transport_errors,
)
from assistant_ui.errors import UsageError
from assistant_ui.protocol.encodings import EncodingName
from assistant_ui.protocol.requests.calls import call_body
from assistant_ui.protocol.requests.runtimes import RuntimeName, runtime_named
from assistant_ui.protocol.requests.sync_server import (
    build_cancel_body,
    encode_json_body,
    validate_thread_id,
)

__all__ = ["ThreadClient"]

_Client = TypeVar("_Client", httpx.Client, httpx.AsyncClient)


class ThreadClient(ConversationMethods):
    """A client for one thread, from :meth:`AssistantClient.threads`.

    Two levels of use:

    - the seed's stateless calls: :meth:`chat`, :meth:`stream`,
      :meth:`cancel` (and ``_sync`` twins) POST the sync-server body you
      give them;
    - a kept conversation (inherited from
      :class:`~assistant_ui._conversation.ConversationMethods`):
      :attr:`messages`, :attr:`state`, ``send``, ``send_stream``,
      ``regenerate``, ``edit``, ``reset``, ``resume_tools`` and their sync
      twins, which send the history in the shape of ``runtime`` and run
      frontend tools.

    Args:
        connection: what the owning client's requests share (HTTP clients,
            headers, paths, retries).
        thread_id: the server's thread id (non-empty).
        runtime: the request shape of the conversation methods:
            ``"sync-server"`` (docs/protocols.md §1.6), ``"data-stream"`` (1.3),
            ``"ai-sdk"`` (1.4) or ``"assistant-transport"`` (1.5).
        encoding: force the reply encoding instead of detecting it.
        strict: decode replies exactly as the reference does.
        **conversation: options of the kept conversation, passed to
            :class:`~assistant_ui._conversation.Conversation`: ``tools``
            (functions made with ``@assistant_ui.tool``, ``Tool`` objects or
            seed tool dicts), ``approve`` (approval callback), ``system``,
            ``max_steps``, ``state``, ``messages`` (a history to start
            from), ``path`` (endpoint override), ``call_settings``,
            ``config``, ``run_config``, ``body``.

    Raises:
        InvalidRequestError: ``thread_id`` is empty or not a string.
    """

    def __init__(
        self,
        connection: Connection,
        thread_id: str,
        *,
        runtime: RuntimeName = "sync-server",
        encoding: EncodingName | None = None,
        strict: bool = False,
        **conversation: Unpack[ConversationOptions],
    ) -> None:
        self._connection = connection
        self.thread_id = validate_thread_id(thread_id)
        self._spec = runtime_named(runtime)
        self.runtime = runtime
        self.encoding = encoding
        self.strict = strict
        self.resumable_stream_id: str | None = None
        """The ``x-resumable-stream-id`` of this thread's last resumable reply,
        until that reply ends naturally (kept on cancel or interruption)."""
        self._resumable_cores: dict[str, StreamCore] = {}
        self.conversation = Conversation(
            runtime=runtime, thread_id=thread_id, encoding=encoding, strict=strict, **conversation
        )

    def __repr__(self) -> str:
        return f"<ThreadClient {self.thread_id!r} runtime={self.runtime!r}>"

    # -- chat ---------------------------------------------------------------

    async def chat(
        self,
        messages: Sequence[Mapping[str, Any]] | None = None,
        commands: Sequence[Mapping[str, Any]] | None = None,
        system: str | None = None,
        tools: Mapping[str, Any] | None = None,
        unstable_assistantMessageId: str | None = None,
        runConfig: Mapping[str, Any] | None = None,
        state: Any = None,
        **kwargs: Any,
    ) -> ChatResponse:
        """Sends the conversation and reads the whole reply.

        POSTs the sync-server body (docs/protocols.md §1.6) to the client's chat
        path: ``threadId``; ``messages`` unchanged; ``commands`` (yours, then
        ``messages`` converted; see
        :func:`~assistant_ui.protocol.requests.sync_server.messages_to_commands` for
        what each message and part becomes); ``system``, ``tools``,
        ``unstable_assistantMessageId``, ``runConfig``, ``state`` when given;
        then ``kwargs``, which override any key.

        Returns:
            A :class:`ChatResponse`: the httpx response surface
            (``status_code``, ``headers``, ``json()`` ...) plus the decoded
            ``message``, ``output_text``, ``tool_calls``, ``status``,
            ``finish_reason``, ``usage`` and ``state``. A cancelled call
            returns what arrived, with status ``incomplete``/``cancelled``.

        Raises:
            InvalidRequestError: bad input (nothing was sent).
            APIStatusError: a non-2xx status (subclass by status).
            APIConnectionError, APITimeoutError: the server was not reached.
            StreamError: the reply failed (``partial_message`` keeps what
                arrived); ``RemoteStreamError`` when the server sent an error.
        """
        core = self._chat_core(messages, commands, system, tools, unstable_assistantMessageId,
                               runConfig, state, kwargs, keep_body=True)  # fmt: skip
        return await AsyncChatStream(core, self._connection.async_client())._read_response()

    def chat_sync(
        self,
        messages: Sequence[Mapping[str, Any]] | None = None,
        commands: Sequence[Mapping[str, Any]] | None = None,
        system: str | None = None,
        tools: Mapping[str, Any] | None = None,
        unstable_assistantMessageId: str | None = None,
        runConfig: Mapping[str, Any] | None = None,
        state: Any = None,
        **kwargs: Any,
    ) -> ChatResponse:
        """The blocking twin of :meth:`chat` (same arguments, result and errors)."""
        core = self._chat_core(messages, commands, system, tools, unstable_assistantMessageId,
                               runConfig, state, kwargs, keep_body=True)  # fmt: skip
        return ChatStream(core, self._connection.sync_client())._read_response()

    # -- stream -------------------------------------------------------------

    def stream(
        self,
        messages: Sequence[Mapping[str, Any]] | None = None,
        commands: Sequence[Mapping[str, Any]] | None = None,
        system: str | None = None,
        tools: Mapping[str, Any] | None = None,
        unstable_assistantMessageId: str | None = None,
        runConfig: Mapping[str, Any] | None = None,
        state: Any = None,
        **kwargs: Any,
    ) -> AsyncChatStream:
        """Sends the conversation (same arguments as :meth:`chat`) and streams
        the reply; the request is sent when the stream is entered.

        Example::

            async with thread.stream(messages=messages) as stream:
                async for text in stream.text_stream:
                    print(text, end="", flush=True)
                message = await stream.get_final_message()

        Raises:
            InvalidRequestError: at once, for bad input.
        """
        core = self._chat_core(messages, commands, system, tools, unstable_assistantMessageId,
                               runConfig, state, kwargs)  # fmt: skip
        return AsyncChatStream(core, self._connection.async_client())

    def stream_sync(
        self,
        messages: Sequence[Mapping[str, Any]] | None = None,
        commands: Sequence[Mapping[str, Any]] | None = None,
        system: str | None = None,
        tools: Mapping[str, Any] | None = None,
        unstable_assistantMessageId: str | None = None,
        runConfig: Mapping[str, Any] | None = None,
        state: Any = None,
        **kwargs: Any,
    ) -> ChatStream:
        """The blocking twin of :meth:`stream`; use with ``with``."""
        core = self._chat_core(messages, commands, system, tools, unstable_assistantMessageId,
                               runConfig, state, kwargs)  # fmt: skip
        return ChatStream(core, self._connection.sync_client())

    def stream_request(
        self,
        body: Mapping[str, Any],
        *,
        encoding: str | None = None,
        initial_state: Any = None,
        strict: bool = False,
        **options: Unpack[RequestOptions],
    ) -> AsyncChatStream:
        """POSTs any JSON body and streams the reply (for other request flavours).

        Args:
            body: the request body, sent as JSON.
            encoding: the reply encoding, if known (else detected).
            initial_state: the state the reply's state operations apply to.
            strict: decode exactly as the reference does.
            **options: per-call request options (``path``, ``timeout``,
                ``extra_headers``, ``extra_query``, ``extra_body``,
                ``max_retries``; :class:`~assistant_ui._http.request.RequestOptions`).

        Raises:
            InvalidRequestError: at once, if ``body`` is not JSON-serialisable.
        """
        core = self._core(_with_extra_body(body, options), initial_state, strict, options,
                          encoding=encoding)  # fmt: skip
        return AsyncChatStream(core, self._connection.async_client())

    def stream_request_sync(
        self,
        body: Mapping[str, Any],
        *,
        encoding: str | None = None,
        initial_state: Any = None,
        strict: bool = False,
        **options: Unpack[RequestOptions],
    ) -> ChatStream:
        """The blocking twin of :meth:`stream_request`."""
        core = self._core(_with_extra_body(body, options), initial_state, strict, options,
                          encoding=encoding)  # fmt: skip
        return ChatStream(core, self._connection.sync_client())

    def _chat_core(
        self,
        messages: Sequence[Mapping[str, Any]] | None,
        commands: Sequence[Mapping[str, Any]] | None,
        system: str | None,
        tools: Mapping[str, Any] | None,
        unstable_assistantMessageId: str | None,
        runConfig: Mapping[str, Any] | None,
        state: Any,
        extra: Mapping[str, Any],
        *,
        keep_body: bool = False,
    ) -> StreamCore:
        """The request of :meth:`chat` and :meth:`stream`, in the thread's
        runtime shape; raises ``InvalidRequestError`` before anything is sent.
        Request options among ``extra`` (``timeout``, ``extra_headers``, ...)
        are taken out; every other key is a body field."""
        options, fields = split_request_options(extra)
        body = call_body(
            self._spec, self.thread_id, messages=messages, commands=commands, system=system,
            tools=tools, assistant_message_id=unstable_assistantMessageId, run_config=runConfig,
            state=state, extra_body={**fields, **options.get("extra_body", {})},
        )  # fmt: skip
        initial_state = state if self._spec.sends_state else None
        return self._core(body, initial_state, self.strict, options, keep_body=keep_body)

    def _core(
        self,
        body: Mapping[str, Any],
        initial_state: Any,
        strict: bool,
        options: RequestOptions,
        *,
        encoding: str | None = None,
        keep_body: bool = False,
    ) -> StreamCore:
        connection = self._connection
        request = StreamRequest(
            url=options.get("path") or connection.chat_path,
            body=encode_json_body(body),
            headers=connection.headers,
            retry=connection.retry_policy,
            timeout=connection.timeout,
        ).with_options(options)
        return StreamCore(
            request,
            encoding=encoding if encoding is not None else self.encoding,
            default_encoding=self._spec.default_encoding,
            initial_state=initial_state,
            strict=strict,
            keep_body=keep_body,
            registry=self._connection.streams_of(self.thread_id),
            on_stream_id=self._remember_stream,
            limits=self._connection.buffer_limits,
        )

    # -- resume (docs/protocols.md §4.2) --------------------------------------------

    def _remember_stream(self, stream_id: str | None, core: StreamCore) -> None:
        if stream_id is not None:
            self.resumable_stream_id = stream_id
            self._resumable_cores[stream_id] = core
        elif core.stream_id is not None:
            self._resumable_cores.pop(core.stream_id, None)
            if self.resumable_stream_id == core.stream_id:
                self.resumable_stream_id = None

    def _resume_core(self, stream_id: str | None, url: str | None) -> StreamCore:
        stream_id = stream_id if stream_id is not None else self.resumable_stream_id
        if url is None:
            if stream_id is None:
                raise UsageError(
                    "nothing to resume: no reply of this thread carried "
                    "x-resumable-stream-id; pass stream_id= or url="
                )
            url = resume_url(self._connection.resume_path, stream_id)
        check_same_origin(url, self._connection.base_url)
        previous = self._resumable_cores.get(stream_id) if stream_id is not None else None
        request = StreamRequest(
            url=url,
            body=b"",
            headers=self._connection.headers,
            method="GET",
            retry=self._connection.retry_policy,
            timeout=self._connection.timeout,
        )
        core = StreamCore(
            request,
            encoding=self.encoding,
            default_encoding=self._spec.default_encoding,
            strict=False,
            registry=self._connection.streams_of(self.thread_id),
            resume_of=previous,
            on_stream_id=self._remember_stream,
            limits=self._connection.buffer_limits,
        )
        core.stream_id = stream_id
        return core

    def resume(self, stream_id: str | None = None, *, url: str | None = None) -> AsyncChatStream:
        """Reattaches to a resumable run (docs/protocols.md §4.2) and streams it.

        GETs the client's ``resume_path`` for ``stream_id`` (default: the
        thread's :attr:`resumable_stream_id`), or ``url`` as given. The
        server replays from byte 0; when the run was interrupted in this
        process, the bytes already decoded are skipped and the same message
        continues, so the final message equals an uninterrupted read.
        Decoding is lenient.

        The stream id is one path segment of the URL, percent-quoted; an id
        holding ``/``, ``\\``, ``..`` or a control character (a server can
        send any) is refused, and the URL never leaves the client's origin.

        Raises:
            UsageError: at once, when there is no stream id to resume.
            InvalidRequestError: at once, for such an id, or a ``url`` on
                another origin.
            NotFoundError: on entry, the server does not know the stream.
            IncompleteStreamError: the server answered 204 (nothing to resume).
        """
        return AsyncChatStream(self._resume_core(stream_id, url), self._connection.async_client())

    def resume_sync(self, stream_id: str | None = None, *, url: str | None = None) -> ChatStream:
        """The blocking twin of :meth:`resume`."""
        return ChatStream(self._resume_core(stream_id, url), self._connection.sync_client())

    # -- cancel -------------------------------------------------------------

    async def cancel(self) -> httpx.Response:
        """Cancels this thread's run (docs/protocols.md §4.1).

        First stops every reply of this thread still streaming through this
        client (its message keeps what arrived, with status
        ``incomplete``/``cancelled``), then POSTs ``{"threadId": ...}`` to
        the client's cancel path.

        Returns:
            The cancel endpoint's response. 404, 405 and 501 mean the server
            has no cancel endpoint; they are returned, not raised.

        Raises:
            APIStatusError: any other non-2xx status.
            APIConnectionError, APITimeoutError: the server was not reached.
        """
        client = self._cancelling(self._connection.async_client)
        request = self._cancel_request(client, await aresolve_headers(self._connection.headers))
        cap = self._connection.buffer_limits.max_error_body_bytes
        with transport_errors(self._connection.cancel_path):
            response = await client.send(request, stream=True)
            if _cancel_answered(response):
                await response.aread()
                return response
            body, truncated = await aread_error_body(response, cap)
            raise status_error(response, body, truncated=truncated)

    def cancel_sync(self) -> httpx.Response:
        """The blocking twin of :meth:`cancel`; may be called from another thread."""
        client = self._cancelling(self._connection.sync_client)
        request = self._cancel_request(client, resolve_headers(self._connection.headers))
        cap = self._connection.buffer_limits.max_error_body_bytes
        with transport_errors(self._connection.cancel_path):
            response = client.send(request, stream=True)
            if _cancel_answered(response):
                response.read()
                return response
            body, truncated = read_error_body(response, cap)
            raise status_error(response, body, truncated=truncated)

    @property
    def cancel_count(self) -> int:
        """How many times :meth:`cancel` (or ``cancel_sync``) was called on
        this thread through this client: a conversation's tool loop sends no
        further request once it changed during the run."""
        return self._connection.cancels_of(self.thread_id)

    def _cancelling(self, open_client: Callable[[], _Client]) -> _Client:
        """Stops this thread's streams, then opens the client to cancel with."""
        self._connection.count_cancel(self.thread_id)
        for core in list(self._connection.streams_of(self.thread_id)):
            core.abort()
        return open_client()

    def _cancel_request(
        self, client: httpx.Client | httpx.AsyncClient, headers: dict[str, str]
    ) -> httpx.Request:
        body = encode_json_body(build_cancel_body(self.thread_id))
        with transport_errors(self._connection.cancel_path):
            return client.build_request(
                "POST",
                self._connection.cancel_path,
                content=body,
                headers=request_headers(headers),
                timeout=self._connection.timeout,
            )


def _with_extra_body(body: Mapping[str, Any], options: RequestOptions) -> Mapping[str, Any]:
    extra = options.get("extra_body")
    return {**body, **extra} if extra else body


def _cancel_answered(response: httpx.Response) -> bool:
    # Any other status is an error, whose body is read only up to a cap.
    return response.is_success or response.status_code in NOT_SUPPORTED_STATUSES
