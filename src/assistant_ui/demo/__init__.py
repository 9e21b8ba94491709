"""The embedded demo backend: a scripted assistant that needs no API key.

Install with the ``demo`` extra (``pip install
'assistant-ui-sync-server-api[demo]'``); it is built on the official
assistant-stream package, Starlette and uvicorn. Run it with ``aui serve``,
or in-process::

    from assistant_ui.demo import create_app
    from assistant_ui.demo.runner import BackgroundServer

    with BackgroundServer(create_app()) as server:
        print(server.url)

Routes and behaviours are described in :mod:`assistant_ui.demo.app` and
:mod:`assistant_ui.demo.script`.

This package imports nothing heavy itself: ``assistant_ui.demo.runner`` and
this module work without the extra, and :func:`create_app` raises
:class:`MissingDemoExtraError` (naming the extra) when it is not installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["DEMO_EXTRA_HINT", "MissingDemoExtraError", "create_app"]

#: The install command printed when the extra is missing.
DEMO_EXTRA_HINT = "pip install 'assistant-ui-sync-server-api[demo]'"

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from assistant_ui.demo.recording import DemoLog


class MissingDemoExtraError(ImportError):
    """The demo backend's dependencies (the ``demo`` extra) are not installed."""


def create_app(
    *,
    delay: float | None = None,
    cors_origins: Any = None,
    log: DemoLog | None = None,
) -> Starlette:
    """Build the demo backend's ASGI app (see :func:`assistant_ui.demo.app.create_app`).

    Raises:
        MissingDemoExtraError: assistant-stream, Starlette or uvicorn is missing.
    """
    try:
        from assistant_ui.demo import app as app_module
    except ImportError as exc:
        raise MissingDemoExtraError(
            f"the demo backend needs the 'demo' extra ({exc.name} is missing): {DEMO_EXTRA_HINT}"
        ) from exc
    options: dict[str, Any] = {"log": log}
    if delay is not None:
        options["delay"] = delay
    if cors_origins is not None:
        options["cors_origins"] = cors_origins
    return app_module.create_app(**options)
