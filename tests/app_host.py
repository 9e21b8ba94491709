"""One loopback server per test session that serves, in turn, each test's app.

Starting and stopping a uvicorn server costs a test about 0.2 s (its stop
waits for the server's next tick); a test that only needs its own app on some
URL installs it on the shared one instead (the ``app_host`` fixture of
``tests/conftest.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class AppHost:
    """An ASGI app that hands each request to the app the current test installed.

    Served once per session (per xdist worker); a test installs its app with
    :meth:`run`. Unlike a server of its own, leaving the block does not wait
    for the test's handlers to finish.
    """

    def __init__(self) -> None:
        self.url = ""
        self._app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        app = self._app
        if app is None:
            raise RuntimeError("no test app is installed on the shared server")
        await app(scope, receive, send)

    @contextmanager
    def run(self, app: Any) -> Iterator[AppHost]:
        """Serve ``app`` at :attr:`url` until the block ends."""
        self._app = app
        try:
            yield self
        finally:
            self._app = None
