"""The terminal while a reply streams: Ctrl-C as a flag other threads can
see (:class:`Interrupts`), keys typed ahead kept out of the reply and handed
to the next prompt (:class:`TypeAhead`), and the y/n question asked before a
tool runs (:func:`ask_yes_no`). POSIX terminals only; elsewhere, and when
stdin is not a terminal, each degrades to plain behaviour."""

from __future__ import annotations

import contextlib
import os
import re
import select
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import IO, Any

__all__ = ["Interrupts", "TypeAhead", "ask_yes_no", "clean_typed_text"]

try:
    import termios
except ImportError:  # pragma: no cover - Windows
    termios = None  # type: ignore[assignment]

# An escape sequence a key sends (arrows, function keys): dropped from typed-ahead text.
_ESCAPE = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|O.|.)?")
_ERASE = ("\x7f", "\x08")
_KILL_LINE = "\x15"


class Interrupts:
    """Ctrl-C during a turn: sets :attr:`event` (for worker threads waiting
    on the terminal) and raises ``KeyboardInterrupt`` in the main thread, as
    Python's own handler does. Inside :meth:`deferred` (while the screen is
    being drawn) the exception waits until the drawing is done."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self._depth = 0
        self._pending = False

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.event.set()
        if self._depth:
            self._pending = True
            return
        raise KeyboardInterrupt

    @contextlib.contextmanager
    def installed(self) -> Iterator[Interrupts]:
        """Handles SIGINT this way for the duration (main thread only)."""
        self.event.clear()
        self._pending = False
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = signal.signal(signal.SIGINT, self._handle)
        try:
            yield self
        finally:
            signal.signal(signal.SIGINT, previous)

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        """Holds a Ctrl-C back until the block ends (then raises it)."""
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if not self._depth and self._pending:
                self._pending = False
                raise KeyboardInterrupt


def clean_typed_text(raw: str) -> list[str]:
    """Keys typed ahead as lines: erase and kill-line applied, escape
    sequences and other control keys dropped. The last item is the line
    still being typed (possibly empty)."""
    lines: list[str] = []
    current: list[str] = []
    for char in _ESCAPE.sub("", raw):
        if char in ("\r", "\n"):
            lines.append("".join(current))
            current = []
        elif char in _ERASE:
            if current:
                current.pop()
        elif char == _KILL_LINE:
            current = []
        elif char == "\t" or char >= " ":
            current.append(char)
    lines.append("".join(current))
    return [line for line in lines[:-1] if line.strip()] + [lines[-1]]


class TypeAhead:
    """Keeps what is typed during a reply: while :meth:`quiet` is active the
    terminal neither echoes keys nor waits for Enter (Ctrl-C still works),
    so typed text stays in the terminal's input queue instead of landing in
    the middle of the reply; :meth:`collect` moves it to :attr:`lines`, for
    the next prompts to pre-fill.

    Args:
        stdin: the input stream; nothing happens unless it is a terminal.
    """

    def __init__(self, stdin: IO[str]) -> None:
        self.lines: list[str] = []
        self._raw = ""
        self._fd: int | None = None
        try:
            if termios is not None and stdin.isatty():
                self._fd = stdin.fileno()
        except (AttributeError, OSError, ValueError):
            self._fd = None
        self._lock = threading.Lock()

    @property
    def fd(self) -> int | None:
        """The terminal's file descriptor (``None``: stdin is not a terminal)."""
        return self._fd

    @contextlib.contextmanager
    def quiet(self) -> Iterator[None]:
        """No echo, no line buffering, Ctrl-C kept; the typed keys are
        collected when the block ends."""
        if self._fd is None:
            yield
            return
        fd = self._fd
        saved = termios.tcgetattr(fd)
        attrs = termios.tcgetattr(fd)
        # NOFLSH: a Ctrl-C must not discard what was typed before it.
        attrs[3] = (attrs[3] & ~(termios.ECHO | termios.ICANON)) | termios.NOFLSH
        attrs[6][termios.VMIN], attrs[6][termios.VTIME] = 1, 0
        termios.tcsetattr(fd, termios.TCSANOW, attrs)
        try:
            yield
        finally:
            self.drain()
            # TCSANOW, not TCSAFLUSH: flushing would lose keys typed since drain().
            termios.tcsetattr(fd, termios.TCSANOW, saved)
            self.drain()
            self._settle()

    def drain(self) -> None:
        """Reads what is waiting in the input queue, without blocking."""
        if self._fd is None:
            return
        with self._lock:
            while select.select([self._fd], [], [], 0)[0]:
                chunk = os.read(self._fd, 4096)
                if not chunk:
                    break
                self._raw += chunk.decode("utf-8", "replace")

    def _settle(self) -> None:
        with self._lock:
            if self._raw:
                self.lines.extend(clean_typed_text(self._raw))
                self._raw = ""
            # Keep at most one trailing empty line (nothing being typed).
            while len(self.lines) > 0 and not self.lines[-1].strip():
                self.lines.pop()

    def next_prefill(self) -> str:
        """The text to pre-fill the next prompt with ('' when nothing was typed)."""
        self._settle()
        return self.lines.pop(0) if self.lines else ""


def ask_yes_no(
    question: str,
    *,
    stdin: IO[str],
    stdout: IO[str],
    interrupted: threading.Event,
    before: Callable[[], Any] | None = None,
    typeahead: TypeAhead | None = None,
) -> bool:
    """Asks ``question`` and waits for y or n (any other answer is no).

    On a terminal one key answers; it may run in a worker thread, so it
    polls ``interrupted`` (set by Ctrl-C) and answers no when it is set.
    Piped, it reads one line (end of input is no). ``before`` runs first
    (e.g. to stop a live display); keys typed ahead are kept, not taken as
    the answer.
    """
    if before is not None:
        before()
    if typeahead is not None:
        typeahead.drain()
    stdout.write(f"{question} [y/N] ")
    stdout.flush()
    fd = typeahead.fd if typeahead is not None else None
    if fd is None:
        # Piped: the answer is not echoed, so it is written out.
        yes = stdin.readline().strip().lower() in ("y", "yes")
        stdout.write("yes\n" if yes else "no\n")
        stdout.flush()
        return yes
    saved = termios.tcgetattr(fd)
    attrs = termios.tcgetattr(fd)
    attrs[3] = (attrs[3] & ~(termios.ECHO | termios.ICANON)) | termios.NOFLSH
    termios.tcsetattr(fd, termios.TCSANOW, attrs)
    try:
        while not interrupted.is_set():
            if not select.select([fd], [], [], 0.1)[0]:
                continue
            key = os.read(fd, 1).decode("utf-8", "replace").lower()
            if key in ("y", "n", "\r", "\n", "\x1b"):
                yes = key == "y"
                stdout.write("yes\n" if yes else "no\n")
                stdout.flush()
                return yes
        stdout.write("\n")
        return False
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)
