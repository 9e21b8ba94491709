"""Fixtures shared by the whole suite.

``demo_server``: the embedded demo backend (:mod:`assistant_ui.demo`) served
by uvicorn on 127.0.0.1 for the whole session, with no pacing delay. It is
shared, so a test should use its own thread id (``thread_id`` fixture) and
read the backend's log through it::

    def test_something(demo_server, thread_id):
        ...  # POST f"{demo_server.url}/api/chat" with {"threadId": thread_id, ...}
        assert demo_server.log.requests_for(thread_id)[0].path == "/api/chat"

``app_host``: one loopback server for the whole session that serves the app
a test installs, so that a test does not pay a server's start and stop::

    def test_something(app_host, recorder):
        with app_host.run(status_app(recorder, 500)) as server:
            ...  # requests to server.url reach this test's app

``recorder``: a fresh :class:`servers.Recorder` for the test apps of
``tests/servers.py``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings

from app_host import AppHost

if TYPE_CHECKING:
    from assistant_ui.demo.recording import DemoLog
    from servers import Recorder

# No example may fail for being slow: the suite runs one process per core on
# shared machines, where one example can wait 100s of ms for a core; the tests
# assert what the code does, never how fast (settings given by a test still
# apply; this only replaces Hypothesis's default 200 ms deadline).
settings.register_profile("aui", deadline=None)
settings.load_profile("aui")

# Under pytest-xdist (`--dist load`, see pyproject.toml) tests go to the workers
# one by one, except in these files, which run whole in one worker: their tests
# share a fixture too costly to build in every worker (the differential corpus
# and the reference's verdicts on it; the demo replies' reference run).
WHOLE_FILES = ("tests/differential/", "tests/demo/test_demo_reference.py")


# Files whose tests wait (a paced backend, a terminal, a grace period) or
# build a large fixture: they run first, so that the workers' last minutes
# hold only short tests and one worker does not finish long after the other.
START_FIRST = (
    "tests/e2e/",
    "tests/differential/",
    "tests/test_repl_tmux.py",
    "tests/test_cli.py",
    "tests/test_serve_shutdown.py",
    "tests/test_typing.py",
    "tests/test_types.py",
    "tests/demo/test_demo_reference.py",
    "tests/test_examples.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Moves the tests of :data:`START_FIRST` to the front (order kept otherwise)."""

    def starts_late(item: pytest.Item) -> bool:
        return not item.nodeid.startswith(START_FIRST)

    items.sort(key=starts_late)


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker more than there are cores. A fifth of the
    suite's time is spent waiting (on programs it runs, on servers that pause
    on purpose, on timeouts); the extra worker runs tests in those waits."""
    return (os.cpu_count() or 1) + 1


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, absent under -p no:xdist
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist load`` with :data:`WHOLE_FILES` kept together. (xdist's own
    ``loadgroup`` does not group under pytest 9.2: it marks a group in the
    item's ``_nodeid``, which pytest no longer reads; pytest-xdist issue 1386.)"""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Scheduler(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if path.startswith(WHOLE_FILES) else nodeid

    return Scheduler(config, log)


@dataclass(frozen=True)
class DemoServer:
    """A running demo backend."""

    url: str
    """Base URL, e.g. ``http://127.0.0.1:53211``."""
    log: DemoLog
    """Requests, disconnects and cancels the backend saw."""
    app: Any
    """The Starlette app (for ``httpx.ASGITransport`` tests)."""


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    """The demo backend on a free loopback port (skipped without the demo extra)."""
    pytest.importorskip("assistant_stream")
    from assistant_ui.demo import create_app
    from assistant_ui.demo.recording import DemoLog
    from assistant_ui.demo.runner import BackgroundServer

    log = DemoLog()
    app = create_app(delay=0, log=log)
    with BackgroundServer(app) as server:
        yield DemoServer(url=server.url, log=log, app=app)


@pytest.fixture(scope="session")
def _app_server() -> Iterator[AppHost]:
    pytest.importorskip("uvicorn")
    from assistant_ui.demo.runner import BackgroundServer

    host = AppHost()
    with BackgroundServer(host) as server:
        host.url = server.url
        yield host


@pytest.fixture
def app_host(_app_server: AppHost) -> AppHost:
    """The session's shared server (see :class:`app_host.AppHost`)."""
    return _app_server


@pytest.fixture
def thread_id() -> str:
    """A thread id no other test uses."""
    return f"thread-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def recorder() -> Recorder:
    """What a test app of ``tests/servers.py`` received (imported late: the
    servers need the official assistant-stream package)."""
    from servers import Recorder

    return Recorder()
