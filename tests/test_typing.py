"""The typed user program (tests/typing/api_types.py) is clean under mypy
strict and pyright strict: every assert_type holds and every deliberate
mistake is reported (an ignore that suppresses nothing is an error)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = ROOT / "tests" / "typing" / "api_types.py"
MYPY_CACHE = ROOT / ".mypy_cache" / "test_typing"
PYRIGHT = ROOT / "tests" / "typing" / "node_modules" / ".bin" / "pyright"


def test_mypy_strict_agrees_with_the_program() -> None:
    result = subprocess.run(
        # mypy's incremental cache, kept between runs (gitignored) in a
        # directory of this test's own: it re-checks only what changed.
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(MYPY_CACHE), str(PROGRAM)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pyright_strict_agrees_with_the_program() -> None:
    if not PYRIGHT.exists() or shutil.which("node") is None:
        if os.environ.get("AUI_REQUIRE_REFERENCE"):
            pytest.fail("pyright is not installed: run npm ci --prefix tests/typing")
        message = "PYRIGHT DID NOT RUN: npm ci --prefix tests/typing installs it"
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)
    result = subprocess.run(
        [str(PYRIGHT), "-p", str(PROGRAM.parent), "--pythonpath", sys.executable],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stdout
