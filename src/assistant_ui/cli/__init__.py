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

On a terminal, ``aui chat`` draws replies with rich (:mod:`.pretty`); the
REPL (:mod:`.repl`) has line editing, history and slash commands (``/help``).

Exit status: 0 on success, 1 on an error (one line on stderr; ``--debug``
adds the traceback), 2 on a usage error, 1 after Ctrl-C in one-shot mode. In
the REPL, Ctrl-C cancels the current run (the reply keeps what arrived) and
returns to the prompt; Ctrl-D or ``/quit`` leaves.

Modules: :mod:`.render` (plain output), :mod:`.pretty` (rich output),
:mod:`.chat`, :mod:`.decode_cmd` and :mod:`.demo_cmd` (one each per command,
with its arguments), :mod:`.repl`, :mod:`.line_input` (the prompt),
:mod:`.terminal` (Ctrl-C, typed-ahead keys, y/n questions),
:mod:`.failures` (failure lines), :mod:`.tool_args` (``--tool``),
:mod:`.common`.
"""

from __future__ import annotations

import argparse
import functools
import sys
import traceback
from collections.abc import Sequence

from assistant_ui.cli.chat import add_chat_command
from assistant_ui.cli.common import CLIError, Handler, one_line
from assistant_ui.cli.decode_cmd import add_decode_command
from assistant_ui.cli.demo_cmd import add_demo_commands
from assistant_ui.cli.render import Output, message_text
from assistant_ui.errors import AssistantUIError

__all__ = ["main"]


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
    add_demo_commands(add)
    add_chat_command(add)
    add_decode_command(add)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Runs ``aui``; returns the exit status."""
    args = _parser().parse_args(argv)
    out = Output.for_terminal(plain=args.plain)
    handler: Handler = args.handler
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
        out.line(f"aui: error: {one_line(exc)}", "bold red")
        return 1


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
