"""Python programs run as processes of their own, started from a warm interpreter.

``python -m assistant_ui ...`` spends about 0.3 s of CPU before the program's
first line, two thirds of it importing third-party packages (httpx, httpcore,
trio, rich): the suite runs some eighty such programs, so that import alone
was a quarter of its CPU time. :func:`run` and :func:`start` instead fork
the program from a server process (a zygote: this file run as a script)
that has imported those packages once, and *nothing of assistant_ui*.

The forked process then does what a new interpreter does before ``main``:
it takes the environment, working directory, ``sys.argv`` and ``sys.path``
a fresh ``python -m MODULE`` / ``python SCRIPT`` would have, standard
streams on the given files (encoding, errors and buffering as CPython sets
them up for pipes), the default SIGINT handler, and imports assistant_ui
itself, which so reads its environment as in a fresh process. Its exit
status is the program's: ``sys.exit``'s code, 1 with the traceback for an
uncaught exception.

What this does not cover is the interpreter's own start (its flags are the
suite's); the tests that exec a real interpreter (``--help``, the terminal,
Ctrl-C, ``aui serve``) still cover that.

The zygote forks a waiter per program, which forks the program and reports
its pid and exit status on a socket of that run; the zygote ignores SIGCHLD
so that its waiters are reaped, and ends when the suite's process does
(its control socket closes).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import io
import json
import locale
import os
import runpy
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

# What every aui process imports, and no environment variable changes at
# import time. Not assistant_ui: it reads ASSISTANT_UI_LOG when imported.
PRELOAD = ("asyncio", "anyio", "httpx", "httpcore", "h11", "rich.console", "rich.markdown")
_MESSAGE_LIMIT = 1 << 20


# -- the suite's side ---------------------------------------------------------------


class _Zygote:
    """The server process, started on first use."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._process = subprocess.Popen(
            [sys.executable, __file__, str(theirs.fileno())],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self._control = ours
        self._lock = threading.Lock()
        atexit.register(self.close)

    def fork(self, request: dict[str, Any], fds: list[int]) -> None:
        with self._lock:
            socket.send_fds(self._control, [json.dumps(request).encode()], fds)

    def close(self) -> None:
        self._control.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(5)


@functools.cache
def _zygote() -> _Zygote:
    return _Zygote()


@functools.cache
def _default_path(first: str, pythonpath: str | None) -> tuple[str, ...]:
    """``sys.path`` of a fresh interpreter (with this PYTHONPATH), its first
    entry (the script's directory, or the working directory) being ``first``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    shown = subprocess.run(
        [sys.executable, "-c", "import json, sys; print(json.dumps(sys.path[1:]))"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return (first, *json.loads(shown.stdout))


class Running:
    """A started program; :meth:`wait` collects it as ``communicate`` does."""

    def __init__(self, argv: list[str], request: dict[str, Any], stdin: str | None) -> None:
        self.argv = argv
        self._files = tempfile.TemporaryDirectory(prefix="warm-python-")
        folder = Path(self._files.name)
        (folder / "stdin").write_text(stdin or "", encoding="utf-8")
        self._out, self._err = folder / "stdout", folder / "stderr"
        status, theirs = socket.socketpair()
        self._status = status.makefile("r", encoding="ascii")
        status.close()
        opened = [
            os.open(folder / "stdin", os.O_RDONLY),
            os.open(self._out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
            os.open(self._err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
        ]
        try:
            _zygote().fork(request, [*opened, theirs.fileno()])
        finally:
            for fd in opened:
                os.close(fd)
            theirs.close()
        started = self._status.readline()
        if not started.startswith("pid "):
            raise RuntimeError(f"the warm interpreter did not start {argv}: it has exited")
        self.pid = int(started.split()[1])

    def wait(self, timeout: float) -> subprocess.CompletedProcess[str]:
        """Waits for the exit (killing the process after ``timeout`` s); the
        output is decoded as ``text=True`` pipes decode it."""
        timer = threading.Timer(timeout, self._kill)
        timer.start()
        try:
            line = self._status.readline()
        finally:
            timer.cancel()
            self._status.close()
        try:
            if not line.startswith("exit "):
                raise subprocess.TimeoutExpired(self.argv, timeout)
            out, err = _read_text(self._out), _read_text(self._err)
        finally:
            self._files.cleanup()
        return subprocess.CompletedProcess(self.argv, int(line.split()[1]), out, err)

    def _kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)


def _read_text(path: Path) -> str:
    # subprocess's text mode: the locale's encoding, universal newlines
    text = path.read_bytes().decode(locale.getencoding())
    return text.replace("\r\n", "\n").replace("\r", "\n")


def start(
    target: str | Path,
    *args: str,
    module: bool = False,
    stdin: str | None = None,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Running:
    """Starts ``python -m TARGET ARGS`` (``module=True``) or ``python TARGET ARGS``."""
    directory = str(Path(cwd if cwd is not None else Path.cwd()).resolve())
    environment = dict(os.environ if env is None else env)
    script = str(target) if module else str(Path(directory, target).resolve())
    first = directory if module else str(Path(script).parent)
    request = {
        "target": script,
        "args": list(args),
        "module": module,
        "cwd": directory,
        "env": environment,
        "path": list(_default_path(first, environment.get("PYTHONPATH"))),
    }
    argv = [sys.executable, *(["-m"] if module else []), str(target), *args]
    return Running(argv, request, stdin)


def run(
    target: str | Path,
    *args: str,
    module: bool = False,
    stdin: str | None = None,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Runs a program to its end, like ``subprocess.run(capture_output=True, text=True)``."""
    return start(target, *args, module=module, stdin=stdin, cwd=cwd, env=env).wait(timeout)


def run_all(
    programs: Sequence[Sequence[str]],
    *,
    module: bool = False,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> list[subprocess.CompletedProcess[str]]:
    """Runs several programs side by side; their results in order."""
    running = [start(p[0], *p[1:], module=module, cwd=cwd, env=env) for p in programs]
    return [r.wait(timeout) for r in running]


# -- the zygote's side --------------------------------------------------------------


def _serve(control_fd: int) -> None:
    control = socket.socket(fileno=control_fd)
    del sys.path[0]  # this file's directory (tests/): nothing to import from there
    for name in PRELOAD:
        __import__(name)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # waiters are reaped by the kernel
    while True:
        message, fds, _, _ = socket.recv_fds(control, _MESSAGE_LIMIT, 4)
        if not message:
            return  # the suite's process is gone
        if os.fork() == 0:
            control.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            _wait_for(json.loads(message), fds)
        for fd in fds:
            os.close(fd)


def _wait_for(request: dict[str, Any], fds: list[int]) -> None:
    """The waiter: forks the program, reports its pid and exit status."""
    status = socket.socket(fileno=fds[3])
    pid = os.fork()
    if pid == 0:
        status.close()
        _become(request, fds[:3])
    status.sendall(f"pid {pid}\n".encode())
    _, wait_status = os.waitpid(pid, 0)
    with contextlib.suppress(OSError):
        status.sendall(f"exit {os.waitstatus_to_exitcode(wait_status)}\n".encode())
    os._exit(0)


def _become(request: dict[str, Any], stdio: list[int]) -> None:
    """The program's process: set up as a new interpreter would be, then run."""
    for fd, opened in enumerate(stdio):
        os.dup2(opened, fd)
        os.close(opened)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.stdin, sys.stdout, sys.stderr = _standard_streams(request["env"])
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = sys.stdin, sys.stdout, sys.stderr
    sys.path[:] = request["path"]
    sys.argv = [request["target"], *request["args"]]
    code = 0
    try:
        if request["module"]:
            runpy.run_module(request["target"], run_name="__main__", alter_sys=True)
        else:
            runpy.run_path(request["target"], run_name="__main__")
    except SystemExit as exit:
        code = _exit_status(exit)
    except BaseException:
        traceback.print_exc()
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            code = code or 120  # what CPython exits with when a flush fails
    os._exit(code)


def _standard_streams(env: Mapping[str, str]) -> tuple[io.TextIOWrapper, ...]:
    """sys.stdin, sys.stdout and sys.stderr as CPython opens them on fds 0-2
    when they are not terminals (see sys.stdout, PYTHONIOENCODING and
    PYTHONUNBUFFERED in the Python documentation)."""
    named, _, named_errors = env.get("PYTHONIOENCODING", "").partition(":")
    encoding = named or locale.getencoding()
    unbuffered = bool(env.get("PYTHONUNBUFFERED"))

    def writer(fd: int, errors: str, line_buffering: bool) -> io.TextIOWrapper:
        raw = io.FileIO(fd, "w", closefd=False)
        binary: Any = raw if unbuffered else io.BufferedWriter(raw)
        return io.TextIOWrapper(
            binary,
            encoding=encoding,
            errors=errors,
            line_buffering=line_buffering,
            write_through=unbuffered,
        )

    stdin = io.TextIOWrapper(
        io.BufferedReader(io.FileIO(0, "r", closefd=False)),
        encoding=encoding,
        errors=named_errors or "strict",
    )
    stdout = writer(1, named_errors or "strict", line_buffering=False)
    stderr = writer(2, "backslashreplace", line_buffering=True)
    return stdin, stdout, stderr


def _exit_status(exit: SystemExit) -> int:
    code = exit.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
