"""``aui chat URL [MESSAGE]``: one message, or a REPL, with any backend.

The conversation (history, state, request shapes, the frontend tool loop)
is the thread's own (:class:`~assistant_ui._conversation.ConversationMethods`);
this module only shows it.
"""

from __future__ import annotations

import argparse
import contextlib
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from assistant_ui._redact import redact_url
from assistant_ui.cli.common import (
    AddCommand,
    CLIError,
    add_header_option,
    one_line,
    open_client,
    parse_headers,
)
from assistant_ui.cli.render import EventRenderer, Output
from assistant_ui.errors import AssistantUIError, StreamError
from assistant_ui.protocol.encodings import ENCODING_NAMES as ENCODINGS
from assistant_ui.protocol.requests.runtimes import RUNTIME_NAMES, runtime_named

if TYPE_CHECKING:
    from assistant_ui._conversation import Conversation
    from assistant_ui._thread import ThreadClient
    from assistant_ui.protocol.events import Event

__all__ = ["Chat", "add_chat_command", "cmd_chat", "run_turn"]


def add_chat_command(add: AddCommand) -> None:
    """Adds ``aui chat``."""
    chat = add(
        "chat",
        help="chat with a backend",
        description="Chat with an assistant-ui backend. URL is the base URL (the chat path "
        "defaults to /api/chat) or the full endpoint URL. Without MESSAGE, starts a REPL.",
    )
    chat.add_argument("url", metavar="URL")
    chat.add_argument("message", metavar="MESSAGE", nargs="?")
    chat.add_argument(
        "--runtime", choices=RUNTIME_NAMES, default="sync-server",
        help="request flavour (default sync-server)",
    )  # fmt: skip
    add_header_option(chat, "an HTTP header")
    chat.add_argument("--thread", metavar="ID", help="thread id (default: a new one)")
    chat.add_argument("--system", metavar="TEXT", help="system prompt")
    chat.add_argument("--encoding", choices=ENCODINGS, help="force the reply encoding")
    chat.add_argument("--json", action="store_true", help="print events as JSON lines")
    chat.set_defaults(handler=cmd_chat)


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


def run_turn(
    chat: Chat,
    content: Any,
    renderer: EventRenderer,
    *,
    should_stop: Callable[[Event], bool] | None = None,
) -> dict[str, Any] | None:
    """Sends ``content``, shows the reply live (tool loop included); returns it.

    Ctrl-C stops the reply: the stream is closed, a sync-server backend is
    asked to cancel, the partial reply is kept (status
    ``incomplete``/``cancelled``) and ``KeyboardInterrupt`` propagates.
    ``should_stop`` does the same from code, without the exception, when it
    returns true for an event.
    """
    # Each response of a tool loop numbers its parts from 0 again.
    events = chat.thread.send_stream_sync(content, on_request=lambda _: renderer.new_response())
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
        renderer.finish(chat.last_reply())
        raise
    except StreamError:
        renderer.finish(chat.last_reply())
        raise
    message = chat.last_reply()
    renderer.finish(message)
    return message


def _split_url(url: str, runtime: str) -> tuple[str, str]:
    """Base URL and chat path: a URL with a path names the endpoint itself."""
    if "://" not in url:
        url = "http://" + url  # "localhost:8000" is what people type
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CLIError(f"not an http(s) URL: {redact_url(url)!r} (try http://localhost:8000)")
    base = f"{parts.scheme}://{parts.netloc}"
    path = parts.path.rstrip("/")
    if parts.query:
        path = f"{path or ''}?{parts.query}"
    if not path:
        path = runtime_named(runtime).endpoint
    return base, path


def cmd_chat(args: argparse.Namespace, out: Output) -> int:
    """Sends ``args.message`` (exit 1 if the reply is incomplete), or runs a REPL."""
    base, path = _split_url(args.url, args.runtime)
    headers = parse_headers(args.header)
    thread_id = args.thread or f"aui-{uuid.uuid4().hex[:12]}"
    with open_client(base, headers, path) as client:
        thread = client.threads(
            thread_id, runtime=args.runtime, system=args.system, encoding=args.encoding
        )
        chat = Chat(thread)
        renderer = EventRenderer(out, json_lines=args.json)
        if args.message is not None:
            try:
                message = run_turn(chat, args.message, renderer)
            except KeyboardInterrupt:
                return 1
            # A reply that ended in an error chunk (or was cut short) fails the command.
            status = (message or {}).get("status") or {}
            return 1 if status.get("type") == "incomplete" else 0
        return _repl(chat, renderer, out, args.url)


def _repl(chat: Chat, renderer: EventRenderer, out: Output, url: str) -> int:
    out.line(f"Chatting with {redact_url(url)} (thread {chat.thread.thread_id}).", "dim")
    out.line("Ctrl-C stops a reply; Ctrl-D or /quit leaves.", "dim")
    while True:
        try:
            text = input("you> ")
        except EOFError:
            out.end_line()
            return 0
        except KeyboardInterrupt:
            out.print("")
            continue
        if text.strip() in ("/quit", "/exit"):
            return 0
        if not text.strip():
            continue
        try:
            run_turn(chat, text, renderer)
        except KeyboardInterrupt:
            out.line("[cancelled]", "yellow")
        except AssistantUIError as exc:
            # A failed reply ends this turn, not the conversation.
            out.line(f"error: {one_line(exc)}", "bold red")
