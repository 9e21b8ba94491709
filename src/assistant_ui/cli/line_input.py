"""The REPL's prompt: line editing and history with prompt_toolkit (extra
``[cli]``), else readline, else plain ``input()`` (always when stdin is not
a terminal). Each can pre-fill the line (keys typed during a reply).

History is kept in ``$AUI_HISTORY`` (empty: this session only), by default
``~/.local/state/aui/history``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["LineReader"]


def _history_path() -> Path | None:
    configured = os.environ.get("AUI_HISTORY")
    if configured is not None:
        return Path(configured) if configured else None
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(Path.home(), ".local", "state")
    return Path(state) / "aui" / "history"


class LineReader:
    """Reads one line at a time from the user.

    ``read`` raises ``EOFError`` for Ctrl-D (or the end of piped input) and
    ``KeyboardInterrupt`` for Ctrl-C, as ``input()`` does.

    Args:
        interactive: stdin and stdout are terminals (else plain ``input()``).
        plain: no colours in the prompt.
    """

    def __init__(self, *, interactive: bool, plain: bool = False) -> None:
        self.kind = "input"
        self._session: Any = None
        self._readline: Any = None
        self._plain = plain
        if not interactive:
            return
        try:
            self._session = self._prompt_session()
            self.kind = "prompt_toolkit"
        except ImportError:
            try:
                import readline
            except ImportError:  # pragma: no cover - builds without readline
                return
            self._readline = readline
            self.kind = "readline"
            path = _history_path()
            if path is not None:
                with contextlib.suppress(OSError):
                    readline.read_history_file(path)
                self._readline_history = path

    @staticmethod
    def _prompt_session() -> Any:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import FileHistory, InMemoryHistory

        history: Any = InMemoryHistory()
        path = _history_path()
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.touch(exist_ok=True)
                history = FileHistory(str(path))
            except OSError:
                pass
        return PromptSession(history=history)

    def read(self, prompt: str, prefill: str = "") -> str:
        """One line, with ``prefill`` already typed in."""
        if self._session is not None:
            message: Any = prompt
            if not self._plain:
                from prompt_toolkit.formatted_text import FormattedText

                message = FormattedText([("bold", prompt)])
            return str(self._session.prompt(message, default=prefill))
        if self._readline is not None:
            return self._read_with_readline(prompt, prefill)
        return input(prompt)

    def _read_with_readline(self, prompt: str, prefill: str) -> str:
        readline = self._readline

        def insert() -> None:
            readline.insert_text(prefill)
            readline.redisplay()

        readline.set_pre_input_hook(insert if prefill else None)
        try:
            line = input(prompt)
        finally:
            readline.set_pre_input_hook(None)
        path = getattr(self, "_readline_history", None)
        if path is not None and line.strip():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.touch(exist_ok=True)
                readline.append_history_file(1, path)
            except OSError:
                pass
        return line


def interactive_terminal() -> bool:
    """stdin and stdout are both terminals."""
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False
