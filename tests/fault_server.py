"""A misbehaving HTTP/1.1 server on a raw loopback socket, for fault tests.

Unlike the Starlette apps of ``tests/servers.py``, nothing here cleans up
after the handler: it writes exactly the bytes it is given (a head, chunks,
a pause, an abrupt close), so tests can send what no framework would (a
150 MB error body, a gzip bomb, a stall in the middle of a frame).

A handler takes the :class:`RawRequest` and returns an iterable of steps:
``bytes`` are written as they are, a ``float`` pauses that many seconds, and
:data:`CUT` closes the connection at once. After the last step the
connection stays open for the client's next request, so
:meth:`FaultServer.wait_closed` can tell whether the client released every
connection it opened.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final

CUT: Final = object()
"""A step that drops the connection without ending the body."""

Step = bytes | float | object
Handler = Callable[["RawRequest"], Iterable[Step]]


@dataclass
class RawRequest:
    """One request as it arrived on the socket."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    raw_head: bytes = b""
    connection: int = 0
    """Which accepted connection it arrived on (1, 2, ... for the server)."""


@dataclass
class _Stats:
    opened: int = 0
    closed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def head(
    status: int = 200, headers: dict[str, str] | None = None, *, chunked: bool = True
) -> bytes:
    """A response head; chunked transfer encoding unless told otherwise."""
    lines = [f"HTTP/1.1 {status} X"]
    for key, value in (headers or {}).items():
        lines.append(f"{key}: {value}")
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def chunk(data: bytes) -> bytes:
    """One chunk of a chunked body."""
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


LAST_CHUNK: Final = b"0\r\n\r\n"


def chunks(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """Each piece as a chunk, then the last chunk."""
    for piece in pieces:
        if piece:
            yield chunk(piece)
    yield LAST_CHUNK


class FaultServer:
    """Serves ``handler`` on 127.0.0.1 from a background thread per connection.

    Use as a context manager; ``url`` is the base URL, ``requests`` what
    arrived, in order.
    """

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.requests: list[RawRequest] = []
        self._stats = _Stats()
        self._stop = threading.Event()
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> FaultServer:
        self._acceptor.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        # Wakes the acceptor out of accept() at once (Linux ends a blocked
        # accept on shutdown); elsewhere it notices within its 0.2 s timeout.
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._acceptor.join(5)
        for sock in list(self._sockets):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in list(self._threads):
            thread.join(5)
        self._listener.close()

    @property
    def opened(self) -> int:
        """Connections accepted so far."""
        return self._stats.opened

    def wait_closed(self, timeout: float = 5.0) -> bool:
        """Whether every connection accepted so far was closed by the client
        (waiting up to ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._stats.lock:
                if self._stats.opened == self._stats.closed:
                    return True
            time.sleep(0.01)
        return False

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._stats.lock:
                self._stats.opened += 1
            self._sockets.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        buffer = b""
        try:
            while not self._stop.is_set():
                request, buffer = read_request(conn, buffer)
                if request is None:
                    return  # the client closed the connection
                self.requests.append(request)
                for step in self._handler(request):
                    if step is CUT:
                        return
                    if isinstance(step, float):
                        if not pause(conn, step):
                            return  # the client gave up during the pause
                    elif isinstance(step, bytes):
                        conn.sendall(step)
        except OSError:
            return  # the client went away mid-reply
        finally:
            conn.close()
            with self._stats.lock:
                self._stats.closed += 1


def pause(conn: socket.socket, seconds: float) -> bool:
    """Waits ``seconds`` on ``conn``; ``False`` as soon as the client closes it.

    A client that times out closes its end during the pause: noticing that at
    once (rather than after the pause) lets :meth:`FaultServer.wait_closed`
    answer without waiting the pause out, so a 3 s stall costs a test only
    as long as the client's own timeout.
    """
    deadline = time.monotonic() + seconds
    while (remaining := deadline - time.monotonic()) > 0:
        readable, _, _ = select.select([conn], [], [], remaining)
        if not readable:
            return True
        try:
            if not conn.recv(1, socket.MSG_PEEK):
                return False  # end of stream: the client closed
        except OSError:
            return False
        time.sleep(remaining)  # a pipelined request: leave it for later
        return True
    return True


def read_request(conn: socket.socket, buffer: bytes) -> tuple[RawRequest | None, bytes]:
    """The next request on ``conn`` (``buffer``: bytes already read), and what
    follows it; ``None`` once the client closed."""
    while b"\r\n\r\n" not in buffer:
        data = conn.recv(65536)
        if not data:
            return None, b""
        buffer += data
    raw_head, _, rest = buffer.partition(b"\r\n\r\n")
    first, *lines = raw_head.decode("latin-1").split("\r\n")
    method, target, _ = first.split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines:
        key, _, value = line.partition(":")
        headers[key.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        data = conn.recv(65536)
        if not data:
            return None, b""
        rest += data
    body, rest = rest[:length], rest[length:]
    return RawRequest(method, target, headers, body, raw_head), rest


def text_of(message: dict[str, object] | None) -> str:
    """The text parts of a decoded message, joined."""
    if not message:
        return ""
    parts = message.get("parts")
    assert isinstance(parts, list)
    return "".join(p.get("text", "") for p in parts if p.get("type") == "text")
