"""Fixtures of the fault tests: one raw-socket server for the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from raw_server import RawServer


@pytest.fixture(scope="session")
def raw() -> Iterator[RawServer]:
    """The misbehaving server; each test mounts its own handler on it."""
    with RawServer() as server:
        yield server
