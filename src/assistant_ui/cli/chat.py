"""``aui chat URL [MESSAGE]``: one message, or a REPL, with any backend.

The conversation (history, state, request shapes, the frontend tool loop)
is the thread's own (:class:`~assistant_ui._conversation.ConversationMethods`);
this module only shows it.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from assistant_ui._redact import redact_url
from assistant_ui.cli.common import (
    AddCommand,
    CLIError,
    add_header_option,
    open_client,
    parse_headers,
)
from assistant_ui.cli.failures import cancelled_line, failure_line
from assistant_ui.cli.render import EventRenderer, Output
from assistant_ui.cli.terminal import Interrupts, TypeAhead, ask_yes_no
from assistant_ui.cli.turns import Chat, run_turn
from assistant_ui.errors import StreamError
from assistant_ui.protocol.encodings import ENCODING_NAMES as ENCODINGS
from assistant_ui.protocol.requests.runtimes import RUNTIME_NAMES, runtime_named

if TYPE_CHECKING:
    from assistant_ui._conversation import ToolCall

__all__ = ["add_chat_command", "cmd_chat"]


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
    chat.add_argument(
        "--tool", action="append", default=[], metavar="MODULE:FUNCTION",
        help="a Python function the backend may call as a frontend tool (repeatable)",
    )  # fmt: skip
    chat.add_argument(
        "--approve", action="store_true", help="ask y/n before each --tool function runs"
    )
    chat.set_defaults(handler=cmd_chat)


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


def _renderer(args: argparse.Namespace, out: Output, interrupts: Interrupts) -> Any:
    """rich on a terminal (stdin, stdout and stderr), else plain lines."""
    from assistant_ui.cli.line_input import interactive_terminal

    if not args.json and not args.plain and interactive_terminal() and sys.stderr.isatty():
        try:
            from rich.console import Console
        except ImportError:
            pass
        else:
            from assistant_ui.cli.pretty import RichRenderer

            return RichRenderer(Console(highlight=False), defer=interrupts.deferred)
    return EventRenderer(out, json_lines=args.json)


def _approver(
    renderer: Any, interrupts: Interrupts, typeahead: TypeAhead | None
) -> Callable[[ToolCall], bool]:
    """Asks y/n before a tool runs (``--approve``), or when the backend asks."""
    pretty = not isinstance(renderer, EventRenderer)

    def approve(call: ToolCall) -> bool:
        args = json.dumps(call.args, ensure_ascii=False)
        if call.tool is None:
            question = f"the backend asks to run {call.tool_name}({args}); allow?"
        else:
            question = f"run {call.tool_name}({args}) here?"

        def before() -> None:
            if pretty:
                renderer.suspend()
            else:
                renderer.out.end_line()

        return ask_yes_no(
            question,
            stdin=sys.stdin,
            stdout=sys.stdout if pretty else sys.stderr,
            interrupted=interrupts.event,
            before=before,
            typeahead=typeahead,
        )

    return approve


def cmd_chat(args: argparse.Namespace, out: Output) -> int:
    """Sends ``args.message`` (exit 1 if the reply fails or is incomplete), or runs a REPL."""
    from assistant_ui.cli.tool_args import load_tools

    base, path = _split_url(args.url, args.runtime)
    headers = parse_headers(args.header)
    thread_id = args.thread or f"aui-{uuid.uuid4().hex[:12]}"
    tools = load_tools(args.tool, approve=args.approve)
    interrupts = Interrupts()
    renderer = _renderer(args, out, interrupts)
    repl = args.message is None
    # One-shot too: a y/n question polls the terminal, so Ctrl-C can end it.
    typeahead = TypeAhead(sys.stdin)
    with open_client(base, headers, path) as client:
        thread = client.threads(
            thread_id,
            runtime=args.runtime,
            system=args.system,
            encoding=args.encoding,
            tools=tools,
            approve=_approver(renderer, interrupts, typeahead),
        )
        chat = Chat(thread)
        if not repl:
            with interrupts.installed():
                return _one_shot(chat, args.message, renderer)
        from assistant_ui.cli.repl import Repl

        return Repl(chat, renderer, interrupts, typeahead, url=args.url, plain=args.plain).run()


def _one_shot(chat: Chat, content: str, renderer: Any) -> int:
    try:
        message = run_turn(chat, content, renderer)
    except KeyboardInterrupt:
        renderer.line(cancelled_line(chat.last_reply()), "yellow")
        return 1
    except StreamError as exc:
        line = failure_line(exc, chat.last_reply(), error_shown=renderer.error_shown)
        if line:
            renderer.line(line, "bold red")
        return 1
    # A reply that was cut short (or stopped by its status) fails the command.
    status = (message or {}).get("status") or {}
    return 1 if status.get("type") == "incomplete" else 0
