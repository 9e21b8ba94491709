"""``aui demo`` (the library at work against the embedded backend) and
``aui serve`` (the embedded backend alone)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence
from typing import Any

from assistant_ui.cli.common import AddCommand, CLIError, open_client
from assistant_ui.cli.render import Output
from assistant_ui.demo.runner import GRACEFUL_TIMEOUT

__all__ = ["add_demo_commands", "cmd_demo", "cmd_serve"]


def add_demo_commands(add: AddCommand) -> None:
    """Adds ``aui demo`` and ``aui serve``."""
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
    serve.add_argument(
        "--graceful-timeout", type=float, default=GRACEFUL_TIMEOUT, metavar="SECONDS",
        help="on SIGTERM or Ctrl-C, how long open streams may go on before they are cut "
        f"(default {GRACEFUL_TIMEOUT:g})",
    )  # fmt: skip
    serve.set_defaults(handler=cmd_serve)


def _demo_app(delay: float, cors_origins: Sequence[str] | None = None) -> Any:
    from assistant_ui.demo import MissingDemoExtraError, create_app
    from assistant_ui.demo.recording import DemoLog

    try:
        # The request log is for tests; a server left running keeps the newest only.
        return create_app(delay=delay, cors_origins=cors_origins, log=DemoLog(max_entries=200))
    except MissingDemoExtraError as exc:
        raise CLIError(str(exc)) from exc


def _exit_quietly(signum: int, frame: object) -> None:
    # uvicorn handles SIGTERM itself while it serves, then raises it again
    # once it has shut down: that second delivery lands here, so a stopped
    # server exits 0 instead of dying by the signal.
    sys.exit(0)


class _CutStreamsInOneLine(logging.Filter):
    """uvicorn logs each stream it cuts at the end of a graceful shutdown
    as an application error with a traceback; it is the planned outcome,
    so one line says it instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, asyncio.CancelledError):
            record.msg, record.args = "cut a stream still open at the end of the grace period", ()
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def cmd_serve(args: argparse.Namespace, out: Output) -> int:
    """Serves the demo backend until Ctrl-C or SIGTERM.

    Either stops accepting connections at once; streams still open get
    ``--graceful-timeout`` seconds to end, then their connections are cut
    (the client sees an interrupted stream, not a hang).
    """
    if args.graceful_timeout < 0:
        raise CLIError("--graceful-timeout must be 0 or more seconds")
    app = _demo_app(args.delay, args.cors_origin or None)
    import uvicorn

    out.line(f"Demo backend on http://{args.host}:{args.port} (Ctrl-C to stop)", "bold")
    out.line("POST /api/chat, /api/ui-chat, /assistant; see `aui serve --help`.", "dim")
    signal.signal(signal.SIGTERM, _exit_quietly)
    logging.getLogger("uvicorn.error").addFilter(_CutStreamsInOneLine())
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            log_level=args.log_level,
            timeout_graceful_shutdown=args.graceful_timeout,
        )
    return 0


def cmd_demo(args: argparse.Namespace, out: Output) -> int:
    """Runs the scripted conversation against the backend on a loopback port."""
    from assistant_ui.cli.walkthrough import run_demo
    from assistant_ui.demo.runner import BackgroundServer

    app = _demo_app(args.delay)
    with BackgroundServer(app) as server:
        out.line(f"Embedded demo backend on {server.url}", "dim")
        with open_client(server.url, {}, "/api/chat") as client:
            run_demo(client, out)
    return 0
