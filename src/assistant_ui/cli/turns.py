"""One turn of ``aui chat``: a run started, its events shown live, Ctrl-C
handled. Shared by the one-shot command (:mod:`.chat`) and the REPL
(:mod:`.repl`)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any, TypeAlias

from assistant_ui.errors import AssistantUIError

if TYPE_CHECKING:
    from assistant_ui._conversation import Conversation, RequestCallback
    from assistant_ui._thread import ThreadClient
    from assistant_ui.protocol.events import Event

__all__ = ["Chat", "Start", "run_events", "run_turn"]


class Chat:
    """One conversation with a backend: a thread whose kept conversation
    (configured on the thread: runtime, system prompt, encoding, tools)
    holds the history.

    Args:
        thread: the thread to talk on.
    """

    def __init__(self, thread: ThreadClient) -> None:
        self.thread = thread

    @property
    def conversation(self) -> Conversation:
        """The thread's conversation."""
        return self.thread.conversation

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The conversation so far, in the library's parts shape."""
        return self.thread.messages

    def last_reply(self) -> dict[str, Any] | None:
        """The last message, if it is the assistant's."""
        messages = self.thread.messages
        return messages[-1] if messages and messages[-1].get("role") == "assistant" else None

    def cancel_on_server(self) -> None:
        """Asks a sync-server backend to stop the run (the reply is already closed)."""
        if self.conversation.spec.cancels_on_server:
            # A courtesy: the connection is closed already, which stops most servers.
            with contextlib.suppress(AssistantUIError):
                self.thread.cancel_sync()


Start: TypeAlias = "Callable[[RequestCallback], Generator[Event, None, None]]"
"""Starts a run (send, regenerate, edit) given its ``on_request`` callback."""


def run_turn(
    chat: Chat,
    content: Any,
    renderer: Any,
    *,
    should_stop: Callable[[Event], bool] | None = None,
) -> dict[str, Any] | None:
    """Sends ``content``, shows the reply live (tool loop included); returns it.

    See :func:`run_events`.
    """
    return run_events(
        chat,
        lambda on_request: chat.thread.send_stream_sync(
            content, on_request=on_request
        ).raw_events(),
        renderer,
        should_stop=should_stop,
    )


def run_events(
    chat: Chat,
    start: Start,
    renderer: Any,
    *,
    should_stop: Callable[[Event], bool] | None = None,
) -> dict[str, Any] | None:
    """Runs what ``start`` starts, shows the reply live; returns it.

    Ctrl-C stops the reply: the stream is closed, a sync-server backend is
    asked to cancel, the partial reply is kept (status
    ``incomplete``/``cancelled``) and ``KeyboardInterrupt`` propagates.
    ``should_stop`` does the same from code, without the exception, when it
    returns true for an event. On a failure the renderer shows what arrived
    and no status line: the caller reports the failure once.
    """
    requests = 0
    renderer.error_shown = False

    def on_request(_: Any) -> None:
        # Each response of a tool loop numbers its parts from 0 again; the
        # results of the tools run here since the last one are shown first.
        nonlocal requests
        renderer.new_response(chat.last_reply() if requests else None)
        requests += 1

    events = start(on_request)
    try:
        for event in events:
            renderer.handle(event)
            if should_stop is not None and should_stop(event):
                events.close()  # the conversation keeps the partial reply
                chat.cancel_on_server()
                break
    except KeyboardInterrupt:
        events.close()
        chat.cancel_on_server()
        renderer.finish(chat.last_reply(), quiet=True)
        raise
    except BaseException:
        renderer.finish(chat.last_reply(), quiet=True)
        raise
    message = chat.last_reply()
    if message is not None and not renderer.json_lines:
        renderer.show_local_results(message)
    renderer.finish(message)
    return message
