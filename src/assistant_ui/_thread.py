"""One conversation thread on the server: chat, stream, cancel (sync twins).

Every public method builds its request with pure code
(:mod:`assistant_ui.protocol.requests.sync_server`) and hands it to a
:class:`~assistant_ui._http.streams.ChatStream` or
:class:`~assistant_ui._http.streams.AsyncChatStream`; ``chat()`` is a stream
read to its end. The twins differ only in ``await``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from assistant_ui._conversation import Conversation, ConversationMethods
from assistant_ui._http.bounded_body import aread_error_body, read_error_body
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
from assistant_ui._response import ChatResponse
from assistant_ui.errors import UsageError
from assistant_ui.protocol.requests.sync_server import (
    build_cancel_body,
    build_chat_body,
    encode_json_body,
    validate_thread_id,
)

if TYPE_CHECKING:
    from assistant_ui._client import AssistantClient

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
        client: the owning client (HTTP clients, headers, paths).
        thread_id: the server's thread id (non-empty).
        runtime: the request shape of the conversation methods:
            ``"sync-server"`` (PROTOCOLS.md 1.6), ``"data-stream"`` (1.3),
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
        client: AssistantClient,
        thread_id: str,
        *,
        runtime: str = "sync-server",
        encoding: str | None = None,
        strict: bool = False,
        **conversation: Any,
    ) -> None:
        self.client = client
        self.thread_id = validate_thread_id(thread_id)
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

        POSTs the sync-server body (PROTOCOLS.md 1.6) to the client's chat
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
        return await AsyncChatStream(core, self.client._async_client())._read_response()

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
        return ChatStream(core, self.client._sync_client())._read_response()

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
        return AsyncChatStream(core, self.client._async_client())

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
        return ChatStream(core, self.client._sync_client())

    def stream_request(
        self,
        body: Mapping[str, Any],
        *,
        path: str | None = None,
        encoding: str | None = None,
        initial_state: Any = None,
        strict: bool = False,
    ) -> AsyncChatStream:
        """POSTs any JSON body and streams the reply (for other request flavours).

        Args:
            body: the request body, sent as JSON.
            path: the endpoint, relative to ``base_url`` (default: the
                client's chat path).
            encoding: the reply encoding, if known (else detected).
            initial_state: the state the reply's state operations apply to.
            strict: decode exactly as the reference does.

        Raises:
            InvalidRequestError: at once, if ``body`` is not JSON-serialisable.
        """
        core = self._core(body, path, encoding, initial_state, strict)
        return AsyncChatStream(core, self.client._async_client())

    def stream_request_sync(
        self,
        body: Mapping[str, Any],
        *,
        path: str | None = None,
        encoding: str | None = None,
        initial_state: Any = None,
        strict: bool = False,
    ) -> ChatStream:
        """The blocking twin of :meth:`stream_request`."""
        core = self._core(body, path, encoding, initial_state, strict)
        return ChatStream(core, self.client._sync_client())

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
        """The request of :meth:`chat` and :meth:`stream`; raises
        ``InvalidRequestError`` before anything is sent."""
        body = build_chat_body(
            self.thread_id, messages=messages, commands=commands, system=system, tools=tools,
            unstable_assistantMessageId=unstable_assistantMessageId, runConfig=runConfig,
            state=state, extra=extra,
        )  # fmt: skip
        return self._core(body, None, None, state, self.strict, keep_body=keep_body)

    def _core(
        self,
        body: Mapping[str, Any],
        path: str | None,
        encoding: str | None,
        initial_state: Any,
        strict: bool,
        *,
        keep_body: bool = False,
    ) -> StreamCore:
        return StreamCore(
            url=path if path is not None else self.client.chat_path,
            body=encode_json_body(body),
            headers=self.client.headers,
            encoding=encoding if encoding is not None else self.encoding,
            initial_state=initial_state,
            strict=strict,
            keep_body=keep_body,
            registry=self.client._streams_of(self.thread_id),
            on_stream_id=self._remember_stream,
            retry=self.client.retry_policy,
        )

    # -- resume (PROTOCOLS.md 4.2) --------------------------------------------

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
            url = resume_url(self.client.resume_path, stream_id)
        check_same_origin(url, self.client.base_url)
        previous = self._resumable_cores.get(stream_id) if stream_id is not None else None
        core = StreamCore(
            url=url,
            body=b"",
            headers=self.client.headers,
            encoding=self.encoding,
            strict=False,
            registry=self.client._streams_of(self.thread_id),
            method="GET",
            resume_of=previous,
            on_stream_id=self._remember_stream,
            retry=self.client.retry_policy,
        )
        core.stream_id = stream_id
        return core

    def resume(self, stream_id: str | None = None, *, url: str | None = None) -> AsyncChatStream:
        """Reattaches to a resumable run (PROTOCOLS.md 4.2) and streams it.

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
        return AsyncChatStream(self._resume_core(stream_id, url), self.client._async_client())

    def resume_sync(self, stream_id: str | None = None, *, url: str | None = None) -> ChatStream:
        """The blocking twin of :meth:`resume`."""
        return ChatStream(self._resume_core(stream_id, url), self.client._sync_client())

    # -- cancel -------------------------------------------------------------

    async def cancel(self) -> httpx.Response:
        """Cancels this thread's run (PROTOCOLS.md 4.1).

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
        client = self._cancelling(self.client._async_client)
        request = self._cancel_request(client, await aresolve_headers(self.client.headers))
        cap = self.client.buffer_limits.max_error_body_bytes
        with transport_errors(self.client.cancel_path):
            response = await client.send(request, stream=True)
            if _cancel_answered(response):
                await response.aread()
                return response
            body, truncated = await aread_error_body(response, cap)
            raise status_error(response, body, truncated=truncated)

    def cancel_sync(self) -> httpx.Response:
        """The blocking twin of :meth:`cancel`; may be called from another thread."""
        client = self._cancelling(self.client._sync_client)
        request = self._cancel_request(client, resolve_headers(self.client.headers))
        cap = self.client.buffer_limits.max_error_body_bytes
        with transport_errors(self.client.cancel_path):
            response = client.send(request, stream=True)
            if _cancel_answered(response):
                response.read()
                return response
            body, truncated = read_error_body(response, cap)
            raise status_error(response, body, truncated=truncated)

    def _cancelling(self, open_client: Callable[[], _Client]) -> _Client:
        """Stops this thread's streams, then opens the client to cancel with."""
        for core in list(self.client._streams_of(self.thread_id)):
            core.abort()
        return open_client()

    def _cancel_request(
        self, client: httpx.Client | httpx.AsyncClient, headers: dict[str, str]
    ) -> httpx.Request:
        body = encode_json_body(build_cancel_body(self.thread_id))
        with transport_errors(self.client.cancel_path):
            return client.build_request(
                "POST", self.client.cancel_path, content=body, headers=request_headers(headers)
            )


def _cancel_answered(response: httpx.Response) -> bool:
    # Any other status is an error, whose body is read only up to a cap.
    return response.is_success or response.status_code in NOT_SUPPORTED_STATUSES
