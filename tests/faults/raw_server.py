"""A misbehaving HTTP/1.1 server on a raw loopback socket, for the fault tests.

No framework sits between a handler and the socket, so a handler can do what
no well-behaved server does: never answer, stall between two bytes, drop the
connection mid-chunk, or send its end marker and then keep the connection
open without ending the body.

One server serves a whole session: each test mounts its handler under its
own prefix (:meth:`RawServer.mount` returns the base URL to give the client)
and reads what happened to its connections from the returned
:class:`Route`. A handler takes the :class:`RawRequest` and returns the
steps to perform, in order:

- ``bytes``: written as they are;
- a ``float``: a pause of that many seconds;
- :data:`CUT`: the connection is dropped at once (a crashed server);
- :data:`HOLD`: nothing more is sent, and the connection stays open until
  the client closes it (what a stuck backend or proxy looks like);
- a ``threading.Event``: the server waits for it (a test's cue).

After the last step the connection waits for the client's next request
(keep-alive), so a connection the client returned to its pool stays open.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final

from fault_server import (
    CUT,
    LAST_CHUNK,
    Handler,
    RawRequest,
    Step,
    chunk,
    head,
    pause,
    read_request,
)

__all__ = [
    "CUT",
    "END",
    "HOLD",
    "Handler",
    "RawRequest",
    "RawServer",
    "Route",
    "Step",
    "body",
    "chunk",
    "head",
]

HOLD: Final = object()
"""A step that keeps the connection open, silent, until the client closes it."""


@dataclass
class Route:
    """What happened under one mounted prefix."""

    handler: Handler
    requests: list[RawRequest] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)
    """Set when a request has arrived."""
    client_closed: threading.Event = field(default_factory=threading.Event)
    """Set when the client closed a connection this route answered on."""
    holds: int = 0
    """Connections that reached a :data:`HOLD` step."""
    released: int = 0
    """Of those, how many the client closed."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_released(self, timeout: float = 5.0) -> bool:
        """Whether every held connection was closed by the client (waiting
        up to ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self.holds == self.released:
                    return True
            time.sleep(0.01)
        return False


END: Final = LAST_CHUNK
"""The last chunk: the body is complete."""


def body(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """Each piece as its own chunk (nothing after them)."""
    for piece in pieces:
        if piece:
            yield chunk(piece)


class RawServer:
    """Serves mounted handlers on 127.0.0.1, one thread per connection.

    Use as a context manager; :meth:`mount` adds a handler.
    """

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=512)
        self._listener.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._routes: dict[str, Route] = {}
        self._stop = threading.Event()
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._counter = 0
        self._lock = threading.Lock()

    def __enter__(self) -> RawServer:
        self._acceptor.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._acceptor.join(5)
        for sock in list(self._sockets):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in list(self._threads):
            thread.join(5)
        self._listener.close()

    def mount(self, handler: Handler) -> tuple[str, Route]:
        """Serves ``handler`` under a fresh prefix; returns the base URL for
        the client and the route's record."""
        with self._lock:
            self._counter += 1
            prefix = f"/r{self._counter}"
        route = Route(handler)
        self._routes[prefix] = route
        return self.url + prefix, route

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._sockets.append(conn)
            thread = threading.Thread(
                target=self._serve, args=(conn, len(self._sockets)), daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def _route_of(self, target: str) -> Route | None:
        prefix = "/" + target.lstrip("/").split("/", 1)[0]
        return self._routes.get(prefix)

    def _serve(self, conn: socket.socket, number: int) -> None:
        buffer = b""
        route: Route | None = None
        try:
            while not self._stop.is_set():
                request, buffer = read_request(conn, buffer)
                if request is None:
                    if route is not None:
                        route.client_closed.set()
                    return
                route = self._route_of(request.target)
                if route is None:
                    conn.sendall(b"HTTP/1.1 404 X\r\nContent-Length: 0\r\n\r\n")
                    continue
                request.connection = number
                route.requests.append(request)
                route.arrived.set()
                if not self._perform(conn, route, route.handler(request)):
                    return
        except OSError:
            if route is not None:
                route.client_closed.set()
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def _perform(self, conn: socket.socket, route: Route, steps: Iterable[Step]) -> bool:
        """Performs the steps; ``False`` when the connection is finished."""
        for step in steps:
            if step is CUT:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                return False
            if step is HOLD:
                with route.lock:
                    route.holds += 1
                _wait_for_close(conn, self._stop)
                with route.lock:
                    route.released += 1
                route.client_closed.set()
                return False
            if isinstance(step, threading.Event):
                while not step.wait(0.05):
                    if self._stop.is_set():
                        return False
            elif isinstance(step, float):
                if not pause(conn, step):
                    route.client_closed.set()
                    return False
            elif isinstance(step, bytes):
                conn.sendall(step)
        return True


def _wait_for_close(conn: socket.socket, stop: threading.Event) -> None:
    # Reads (and drops) until the client closes: recv returns b"" or fails.
    conn.settimeout(0.05)
    while not stop.is_set():
        try:
            if not conn.recv(65536):
                return
        except TimeoutError:
            continue
        except OSError:
            return
