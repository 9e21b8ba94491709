"""``aui demo`` (the library at work against the embedded backend) and
``aui serve`` (the embedded backend alone)."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Sequence
from typing import Any

from assistant_ui.cli.common import AddCommand, CLIError, open_client
from assistant_ui.cli.render import Output

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
    serve.set_defaults(handler=cmd_serve)


def _demo_app(delay: float, cors_origins: Sequence[str] | None = None) -> Any:
    from assistant_ui.demo import MissingDemoExtraError, create_app
    from assistant_ui.demo.recording import DemoLog

    try:
        # The request log is for tests; a server left running keeps the newest only.
        return create_app(delay=delay, cors_origins=cors_origins, log=DemoLog(max_entries=200))
    except MissingDemoExtraError as exc:
        raise CLIError(str(exc)) from exc


def cmd_serve(args: argparse.Namespace, out: Output) -> int:
    """Serves the demo backend until Ctrl-C."""
    app = _demo_app(args.delay, args.cors_origin or None)
    import uvicorn

    out.line(f"Demo backend on http://{args.host}:{args.port} (Ctrl-C to stop)", "bold")
    out.line("POST /api/chat, /api/ui-chat, /assistant; see `aui serve --help`.", "dim")
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
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
