"""Running the JS reference (``benchmarks/js/reference.mjs``) from Python."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "js" / "reference.mjs"
REFERENCE_DIR = ROOT / "tests" / "differential"


def missing() -> str | None:
    """Why the JS reference cannot run here, or ``None`` when it can."""
    if shutil.which("node") is None:
        return "node is not installed"
    for package in ("assistant-stream", "ai"):
        if not (REFERENCE_DIR / "node_modules" / package).is_dir():
            return "run `npm ci --prefix tests/differential` for the pinned JS reference"
    return None


def _run(*args: str, timeout: float) -> None:
    subprocess.run(["node", str(SCRIPT), *args], check=True, timeout=timeout)


def encode(plan: dict[str, Any], encoder: str, out: Path) -> None:
    """Writes ``plan`` with a JS encoder (``ts-data-stream`` or ``ui-message-stream``)."""
    with tempfile.TemporaryDirectory() as tmp:
        plan_file = Path(tmp) / "plan.json"
        plan_file.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
        _run("encode", str(plan_file), encoder, str(out), timeout=300)


def decode(jobs: list[dict[str, Any]], timeout: float = 900) -> list[dict[str, Any]]:
    """Times the reference decoders on ``jobs`` (see ``reference.mjs``); one Node process."""
    with tempfile.TemporaryDirectory() as tmp:
        jobs_file, out = Path(tmp) / "jobs.json", Path(tmp) / "out.json"
        jobs_file.write_text(json.dumps(jobs))
        _run("decode", str(jobs_file), str(out), timeout=timeout)
        results: list[dict[str, Any]] = json.loads(out.read_text())
        return results
