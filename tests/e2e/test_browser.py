"""The end-to-end browser check, from pytest: runs ``scripts/e2e-browser``.

A stock assistant-ui React app on each runtime (ai-sdk, data-stream,
assistant-transport) against ``aui serve`` in headless Chromium; see
``tests/e2e/browser/driver.mjs`` for what is checked. It needs Debian's
``chromium`` (``/usr/bin/chromium`` or ``$AUI_CHROMIUM``) and ``node``; without
them the test skips with a warning, so a missing browser never passes
silently. ``.ci/run`` runs ``scripts/e2e-browser`` as its own step and sets
``AUI_E2E_BROWSER_IN_CI=1`` so that the suite does not run it a second time.
Deselect with ``-m "not browser"``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "e2e-browser"
ARTIFACTS = ROOT / "tests" / "e2e" / "browser" / "artifacts"
# The script takes under a minute here; this bounds a hung browser.
TIMEOUT_S = 280


def _skip_loudly(reason: str) -> None:
    message = f"THE BROWSER END-TO-END CHECK DID NOT RUN: {reason}"
    warnings.warn(message, UserWarning, stacklevel=2)
    pytest.skip(message)


@pytest.mark.browser
def test_stock_assistant_ui_frontends_against_the_demo_backend() -> None:
    if os.environ.get("AUI_E2E_BROWSER_IN_CI") == "1":
        pytest.skip("AUI_E2E_BROWSER_IN_CI=1: .ci/run runs scripts/e2e-browser as its own step")
    chromium = os.environ.get("AUI_CHROMIUM", "/usr/bin/chromium")
    if not os.access(chromium, os.X_OK):
        _skip_loudly(f"{chromium} is missing (as root: apt-get install -y chromium)")
    if shutil.which("node") is None or shutil.which("npm") is None:
        _skip_loudly("node/npm is not on PATH")
    run = subprocess.run(
        [str(SCRIPT)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
        env={**os.environ, "AUI_E2E_ARTIFACTS": str(ARTIFACTS)},
    )
    assert run.returncode == 0, f"{run.stdout}\n{run.stderr}"
    for runtime in ("ai-sdk", "data-stream", "assistant-transport"):
        assert (ARTIFACTS / f"{runtime}.png").is_file()
    assert "FAIL" not in run.stdout
