"""Run an ASGI app with uvicorn in a background thread on a loopback port.

Used by ``aui demo`` (the embedded backend beside the scripted client) and by
the test suite (a real server on 127.0.0.1 for every HTTP test). Port 0 lets
the operating system pick a free port; the bound port is read back from the
listening socket, so two servers never race for the same number.
"""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import Any, cast

__all__ = ["GRACEFUL_TIMEOUT", "BackgroundServer"]

#: Seconds open streams may go on after a stop is asked for; then their
#: connections are cut, so clients see an interrupted stream, not a hang.
GRACEFUL_TIMEOUT = 3.0

# Long enough for a cold interpreter on a loaded 2-core CI machine.
_STARTUP_TIMEOUT = 30.0


class BackgroundServer:
    """An ASGI app served by uvicorn in a daemon thread.

    Example::

        with BackgroundServer(app) as server:
            httpx.get(server.url + "/api/health")

    Args:
        app: any ASGI application.
        host: interface to bind; loopback by default.
        port: port to bind; 0 picks a free one.
        log_level: uvicorn's log level.
        graceful_timeout: seconds :meth:`stop` lets open streams go on
            before their connections are cut.
    """

    def __init__(
        self,
        app: Any,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        log_level: str = "warning",
        graceful_timeout: float = GRACEFUL_TIMEOUT,
    ) -> None:
        import uvicorn

        self._config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level=log_level,
            lifespan="off",
            access_log=False,
            # uvicorn's hint says int; it is an asyncio timeout, fractions work.
            timeout_graceful_shutdown=cast(int, graceful_timeout),
        )
        self._graceful_timeout = graceful_timeout
        self._server = uvicorn.Server(self._config)
        self._thread: threading.Thread | None = None
        self.host = host
        self.port = port

    @property
    def url(self) -> str:
        """Base URL of the running server, e.g. ``http://127.0.0.1:53211``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> BackgroundServer:
        """Start serving and wait until the socket listens."""
        self._thread = threading.Thread(target=self._server.run, name="aui-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + _STARTUP_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError(f"the server on {self.host}:{self.port} failed to start")
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start within 30 s")
            time.sleep(0.01)
        servers = getattr(self._server, "servers", [])
        if servers and servers[0].sockets:
            self.port = int(servers[0].sockets[0].getsockname()[1])
        return self

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for the thread."""
        self._server.should_exit = True
        if self._thread is not None:
            # Open streams get the grace period, then uvicorn cuts them.
            self._thread.join(timeout=self._graceful_timeout + 10)
            self._thread = None

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
