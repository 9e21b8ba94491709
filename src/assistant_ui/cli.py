"""The ``aui`` command (also ``python -m assistant_ui``).

::

    aui demo                       the library at work against the embedded backend
    aui serve [--host] [--port]    run the embedded demo backend alone
    aui chat URL [MESSAGE]         talk to any assistant-ui backend (REPL without MESSAGE)
    aui decode FILE                show the events and final message of a captured stream

A thin shell over the public client API. The assistant's text goes to stdout
as it arrives, flushed at every delta, so ``aui chat URL hi > out.txt`` keeps
just the answer; reasoning, tool calls, sources, errors and statuses go to
stderr. On a terminal, with ``rich`` installed (extra ``[cli]``), they are
styled; piped, the output is plain text.

Exit status: 0 on success, 1 on an error (one line on stderr; ``--debug``
adds the traceback), 2 on a usage error, 1 after Ctrl-C in one-shot mode. In
the REPL, Ctrl-C cancels the current run (the reply keeps what arrived) and
returns to the prompt; Ctrl-D or ``/quit`` leaves.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import sys
import traceback
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .errors import AssistantUIError, StreamError

if TYPE_CHECKING:
    from .client import AssistantClient
    from .protocol.events import Event
    from .thread import ThreadClient

__all__ = ["main"]

_RUNTIMES = ("sync-server", "data-stream", "ai-sdk", "assistant-transport")
_ENCODINGS = (
    "data-stream",
    "ui-message-stream",
    "assistant-transport",
    "plain-text",
    "openai",
    "object-stream",
)


class CLIError(Exception):
    """A failure to report as one line (exit status 1)."""


# -- output ----------------------------------------------------------------------


class Output:
    """Where everything the CLI shows goes.

    Text deltas go to ``stdout``; everything else to ``stderr``, as whole
    lines. Both usually share one terminal, so the output remembers whether a
    line is left open and ends it before writing a line elsewhere.

    Args:
        stdout, stderr: the streams.
        color: style with rich (when it is installed).
    """

    def __init__(self, stdout: IO[str], stderr: IO[str], *, color: bool) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self._open: IO[str] | None = None
        self._console: Any = None
        if color:
            try:
                from rich.console import Console
            except ImportError:
                pass
            else:
                self._console = Console(file=stderr, highlight=False, soft_wrap=True)

    @classmethod
    def for_terminal(cls, *, plain: bool = False) -> Output:
        """Styled when stderr is a terminal (and ``plain`` is false)."""
        return cls(sys.stdout, sys.stderr, color=not plain and sys.stderr.isatty())

    def _write(self, stream: IO[str], text: str, style: str | None = None) -> None:
        if self._open is not None and self._open is not stream:
            self.end_line()
        if not text:
            return
        if style and self._console is not None and stream is self.stderr:
            self._console.print(text, style=style, end="", markup=False)
        else:
            stream.write(text)
        stream.flush()
        self._open = None if text.endswith("\n") else stream

    def end_line(self) -> None:
        """Ends the open line, if any."""
        if self._open is not None:
            stream, self._open = self._open, None
            stream.write("\n")
            stream.flush()

    def text(self, text: str) -> None:
        """Assistant text, to stdout as it arrives."""
        self._write(self.stdout, text)

    def reasoning(self, text: str) -> None:
        """Reasoning text, to stderr, dimmed."""
        self._write(self.stderr, text, "dim italic")

    def line(self, text: str, style: str | None = None) -> None:
        """A whole line on stderr (tool calls, statuses, errors)."""
        self.end_line()
        self._write(self.stderr, text + "\n", style)

    def print(self, text: str) -> None:
        """A whole line on stdout (``decode`` output, ``--json``)."""
        self.end_line()
        self._write(self.stdout, text + "\n")


def _json(value: Any, *, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent, default=repr)


@dataclass
class _PartView:
    kind: str
    name: str = ""
    args: list[str] = field(default_factory=list)
    shown: bool = False


class EventRenderer:
    """Shows canonical events as they arrive.

    Text parts stream to stdout; reasoning streams dimmed to stderr (after a
    ``thinking:`` label); a tool call is shown once its arguments are
    complete, then its result; sources, files, data, approvals and errors
    each get one line.

    Args:
        out: the output.
        json_lines: print every event as a JSON line instead (``--json``).
    """

    def __init__(self, out: Output, *, json_lines: bool = False) -> None:
        self.out = out
        self.json_lines = json_lines
        self.parts: list[_PartView] = []

    def new_response(self) -> None:
        """A new response starts: its parts are numbered from 0 again."""
        self.out.end_line()
        self.parts.clear()

    def handle(self, event: Event) -> None:
        """Shows one event."""
        if self.json_lines:
            from .protocol.events import event_to_dict

            self.out.print(_json(event_to_dict(event)))
            return
        handler = getattr(self, "_on_" + event.type.replace("-", "_"), None)
        if handler is not None:
            handler(event)

    def _part(self, event: Any) -> _PartView | None:
        path: tuple[int, ...] = event.path
        if len(path) == 1 and 0 <= path[0] < len(self.parts):
            return self.parts[path[0]]
        return None

    def _on_part_start(self, event: Any) -> None:
        part = event.part
        kind = str(part.get("type"))
        view = _PartView(kind, name=str(part.get("toolName", "")))
        self.parts.append(view)
        if kind == "reasoning":
            self.out.line("thinking:", "dim")
        elif kind == "source":
            title = part.get("title") or part.get("id", "")
            self.out.line(f"[source] {title} {part.get('url', '')}".rstrip(), "blue")
        elif kind == "file":
            self.out.line(f"[file] {part.get('mimeType', '')}", "blue")
        elif kind == "data":
            self.out.line(f"[data] {part.get('name', '')}: {_json(part.get('data'))}", "blue")

    def _on_text_delta(self, event: Any) -> None:
        view = self._part(event)
        if view is None or view.kind == "text":
            self.out.text(event.text_delta)
        elif view.kind == "reasoning":
            self.out.reasoning(event.text_delta)
        elif view.kind == "tool-call":
            view.args.append(event.text_delta)

    def _show_call(self, view: _PartView) -> None:
        if view.kind != "tool-call" or view.shown:
            return
        view.shown = True
        args = "".join(view.args) or "{}"
        self.out.line(f"[tool call] {view.name}({args})", "cyan")

    def _on_tool_call_args_text_finish(self, event: Any) -> None:
        view = self._part(event)
        if view is not None:
            self._show_call(view)

    def _on_result(self, event: Any) -> None:
        view = self._part(event)
        if view is None:
            return
        self._show_call(view)
        label = "tool error" if event.is_error else "tool result"
        self.out.line(f"[{label}] {view.name} -> {_json(event.result)}", "green")

    def _on_part_finish(self, event: Any) -> None:
        view = self._part(event)
        if view is not None:
            self._show_call(view)

    def _on_tool_call_approval(self, event: Any) -> None:
        view = self._part(event)
        name = view.name if view is not None else "tool"
        self.out.line(f"[approval] {name}: {_json(event.approval)}", "magenta")

    def _on_error(self, event: Any) -> None:
        self.out.line(f"[error] {event.error}", "bold red")

    def finish(self, message: dict[str, Any] | None) -> None:
        """Ends the reply: pending tool calls, the open line, an unusual status."""
        if self.json_lines:
            self.out.print(_json({"type": "final-message", "message": message}))
            return
        for view in self.parts:
            self._show_call(view)
        self.out.end_line()
        status = (message or {}).get("status") or {}
        if status.get("type") not in (None, "complete"):
            reason = f" ({status['reason']})" if status.get("reason") else ""
            self.out.line(f"[{status['type']}{reason}]", "yellow")


def message_text(message: dict[str, Any] | None) -> str:
    """The text parts of a message, joined (reasoning excluded)."""
    parts = (message or {}).get("parts") or (message or {}).get("content") or []
    if isinstance(parts, str):
        return parts
    return "".join(p.get("text", "") for p in parts if p.get("type") == "text")


# -- chat --------------------------------------------------------------------------


class Chat:
    """One conversation with a backend, driven through the library's
    :class:`~assistant_ui.conversation.Conversation` (history, state, request
    shapes and the frontend tool loop all live there).

    Args:
        thread: the thread to talk on.
        runtime: ``sync-server``, ``data-stream``, ``ai-sdk`` or
            ``assistant-transport``.
        system: a system prompt sent with every request.
        encoding: force the reply encoding instead of detecting it.
        tools: frontend tools the conversation may run (``assistant_ui.tool``).
    """

    def __init__(
        self,
        thread: ThreadClient,
        *,
        runtime: str = "sync-server",
        system: str | None = None,
        encoding: str | None = None,
        tools: Any = None,
    ) -> None:
        from .conversation import Conversation

        self.thread = thread
        self.conversation = Conversation(
            runtime=runtime, thread_id=thread.thread_id, system=system, encoding=encoding,
            tools=tools,
        )  # fmt: skip

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The conversation so far, in the library's parts shape."""
        return self.conversation.messages

    def last_reply(self) -> dict[str, Any] | None:
        messages = self.conversation.messages
        return messages[-1] if messages and messages[-1].get("role") == "assistant" else None

    def cancel_on_server(self) -> None:
        """Asks a sync-server backend to stop the run (the reply is already closed)."""
        if self.conversation.runtime == "sync-server":
            # A courtesy: the connection is closed already, which stops most servers.
            with contextlib.suppress(AssistantUIError):
                self.thread.cancel_sync()


class _AnnouncingThread:
    """The thread, as the conversation driver sees it, telling the renderer
    where each response of a run begins (a tool loop makes several)."""

    def __init__(self, thread: ThreadClient, on_request: Callable[[], None]) -> None:
        self._thread = thread
        self._on_request = on_request

    def stream_request_sync(self, body: Any, **options: Any) -> Any:
        self._on_request()
        return self._thread.stream_request_sync(body, **options)


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
    from .conversation import iter_flow

    flow = chat.conversation.send(content)
    events = iter_flow(
        chat.conversation, flow, _AnnouncingThread(chat.thread, renderer.new_response)
    )
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
        raise CLIError(f"not an http(s) URL: {url!r} (try http://localhost:8000)")
    base = f"{parts.scheme}://{parts.netloc}"
    path = parts.path.rstrip("/")
    if parts.query:
        path = f"{path or ''}?{parts.query}"
    if not path:
        path = "/assistant" if runtime == "assistant-transport" else "/api/chat"
    return base, path


def _parse_headers(values: Iterable[str]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for value in values:
        name, sep, content = value.partition(":")
        if not sep or not name.strip():
            raise CLIError(f"a header must look like 'Name: value', got {value!r}")
        headers[name.strip()] = content.strip()
    return headers


def _client(base_url: str, headers: dict[str, str], chat_path: str) -> AssistantClient:
    from .client import AssistantClient

    return AssistantClient(base_url, headers=headers or None, chat_path=chat_path)


def cmd_chat(args: argparse.Namespace, out: Output) -> int:
    base, path = _split_url(args.url, args.runtime)
    headers = _parse_headers(args.header)
    thread_id = args.thread or f"aui-{uuid.uuid4().hex[:12]}"
    with _client(base, headers, path) as client:
        chat = Chat(
            client.threads(thread_id), runtime=args.runtime, system=args.system,
            encoding=args.encoding,
        )  # fmt: skip
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
    out.line(f"Chatting with {url} (thread {chat.thread.thread_id}).", "dim")
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
            out.line(f"error: {_one_line(exc)}", "bold red")


# -- decode ------------------------------------------------------------------------


def _describe(event: Any) -> str:
    from .protocol.events import event_to_dict

    data = event_to_dict(event)
    kind = data.pop("type")
    path = data.pop("path", [])
    where = f"[{','.join(map(str, path))}]" if path else ""
    return f"{kind}{where} {_json(data)}" if data else f"{kind}{where}"


def cmd_decode(args: argparse.Namespace, out: Output) -> int:
    from .decoding import decode_stream

    try:
        if args.file == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(args.file, "rb") as handle:
                data = handle.read()
    except OSError as exc:
        raise CLIError(f"cannot read {args.file}: {exc.strerror or exc}") from exc
    headers = _parse_headers(args.header)
    result = decode_stream(
        data, encoding=args.encoding, headers=headers or None, strict=args.strict
    )
    if args.json:
        from .protocol.events import event_to_dict

        document = {
            "encoding": result.encoding,
            "events": [event_to_dict(e) for e in result.events],
            "message": result.message,
            "state": result.state,
            "warnings": result.warnings,
        }
        out.print(_json(document, indent=2))
        return 0
    out.line(f"encoding: {result.encoding}", "bold")
    for index, event in enumerate(result.events):
        out.print(f"{index:4d}  {_describe(event)}")
    for warning in result.warnings:
        out.line(f"warning: {warning}", "yellow")
    out.print("")
    out.print("message:")
    out.print(_json(result.message, indent=2))
    if result.state is not None:
        out.print("state:")
        out.print(_json(result.state, indent=2))
    out.print("")
    out.print("text:")
    out.print(message_text(result.message))
    return 0


# -- serve and demo ---------------------------------------------------------------------


def _demo_app(delay: float, cors_origins: Sequence[str] | None = None) -> Any:
    from .demo import MissingDemoExtraError, create_app
    from .demo.recording import DemoLog

    try:
        # The request log is for tests; a server left running keeps the newest only.
        return create_app(delay=delay, cors_origins=cors_origins, log=DemoLog(max_entries=200))
    except MissingDemoExtraError as exc:
        raise CLIError(str(exc)) from exc


def cmd_serve(args: argparse.Namespace, out: Output) -> int:
    app = _demo_app(args.delay, args.cors_origin or None)
    import uvicorn

    out.line(f"Demo backend on http://{args.host}:{args.port} (Ctrl-C to stop)", "bold")
    out.line("POST /api/chat, /api/ui-chat, /assistant; see `aui serve --help`.", "dim")
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def cmd_demo(args: argparse.Namespace, out: Output) -> int:
    from .demo.runner import BackgroundServer
    from .demo.walkthrough import run_demo

    app = _demo_app(args.delay)
    with BackgroundServer(app) as server:
        out.line(f"Embedded demo backend on {server.url}", "dim")
        with _client(server.url, {}, "/api/chat") as client:
            run_demo(client, out)
    return 0


# -- main ------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aui",
        description="Talk to assistant-ui chat backends from the terminal.",
    )
    # Accepted before or after the command; SUPPRESS keeps a subcommand's
    # default from overwriting a flag given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks on errors"
    )
    common.add_argument(
        "--plain", action="store_true", default=argparse.SUPPRESS, help="no colours or styles"
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument("--plain", action="store_true", help="no colours or styles")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    add = functools.partial(commands.add_parser, parents=[common])

    demo = add("demo", help="a scripted conversation with the embedded backend")
    demo.add_argument("--delay", type=float, default=0.02, help="seconds between text chunks")
    demo.set_defaults(handler=cmd_demo)

    serve = add(
        "serve",
        help="run the embedded demo backend",
        description="Run the embedded demo backend (needs the [demo] extra). Routes: POST "
        "/api/chat (any request flavour), /api/ui-chat (UI message stream), /assistant "
        "(assistant-transport; ?protocol=assistant-transport for SSE), /api/cancel, "
        "/api/chat/resumable; GET /api/chat/resume/{id}, /status/{threadId}. Try 'weather in "
        "Paris', 'think about tea', 'search python', 'calculate 6 * 7', 'long', 'fail'.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--delay", type=float, default=0.02, help="seconds between text chunks")
    serve.add_argument(
        "--cors-origin", action="append", metavar="ORIGIN",
        help="allow a browser frontend at ORIGIN (repeatable; '*' for any)",
    )  # fmt: skip
    serve.add_argument("--log-level", default="info", help="uvicorn log level")
    serve.set_defaults(handler=cmd_serve)

    chat = add(
        "chat",
        help="chat with a backend",
        description="Chat with an assistant-ui backend. URL is the base URL (the chat path "
        "defaults to /api/chat) or the full endpoint URL. Without MESSAGE, starts a REPL.",
    )
    chat.add_argument("url", metavar="URL")
    chat.add_argument("message", metavar="MESSAGE", nargs="?")
    chat.add_argument(
        "--runtime", choices=_RUNTIMES, default="sync-server",
        help="request flavour (default sync-server)",
    )  # fmt: skip
    chat.add_argument(
        "-H", "--header", action="append", default=[], metavar="'Name: value'",
        help="an HTTP header (repeatable)",
    )  # fmt: skip
    chat.add_argument("--thread", metavar="ID", help="thread id (default: a new one)")
    chat.add_argument("--system", metavar="TEXT", help="system prompt")
    chat.add_argument("--encoding", choices=_ENCODINGS, help="force the reply encoding")
    chat.add_argument("--json", action="store_true", help="print events as JSON lines")
    chat.set_defaults(handler=cmd_chat)

    decode = add("decode", help="decode a captured response body")
    decode.add_argument("file", metavar="FILE", help="the body ('-' for stdin)")
    decode.add_argument("--encoding", choices=_ENCODINGS, help="the encoding (else detected)")
    decode.add_argument(
        "-H", "--header", action="append", default=[], metavar="'Name: value'",
        help="a response header, for detection (repeatable)",
    )  # fmt: skip
    decode.add_argument("--strict", action="store_true", help="decode as the reference does")
    decode.add_argument("--json", action="store_true", help="one JSON document")
    decode.set_defaults(handler=cmd_decode)
    return parser


def _one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())


def main(argv: Sequence[str] | None = None) -> int:
    """Runs ``aui``; returns the exit status."""
    args = _parser().parse_args(argv)
    out = Output.for_terminal(plain=args.plain)
    handler: Callable[[argparse.Namespace, Output], int] = args.handler
    try:
        return handler(args, out)
    except BrokenPipeError:
        # The reader went away (``aui decode x | head``): stop quietly.
        _silence_stdout()
        return 1
    except KeyboardInterrupt:
        out.end_line()
        return 1
    except (AssistantUIError, CLIError) as exc:
        out.end_line()
        if args.debug:
            traceback.print_exc()
        partial = getattr(exc, "partial_message", None)
        if partial and message_text(partial) and args.command == "decode":
            out.line(f"partial text: {message_text(partial)}", "dim")
        out.line(f"aui: error: {_one_line(exc)}", "bold red")
        return 1


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
