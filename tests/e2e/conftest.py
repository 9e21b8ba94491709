"""The ``browser`` marker: ``-m "not browser"`` leaves out the headless-browser check."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "browser: drives a real browser (scripts/e2e-browser); deselect with -m 'not browser'",
    )
