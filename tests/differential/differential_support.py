"""Shared helpers of the differential tests (corpus records, jobs, the reference check).

The reference is the JavaScript implementation (npm ``assistant-stream`` and
``ai``, pinned in ``package.json``). Without Node or without
``node_modules`` the tests skip, unless ``AUI_REQUIRE_REFERENCE=1`` (set by
CI), in which case they fail: a CI run must never pass by skipping them.

All reference decoding happens in ONE node process per test session
(``reference_decode.mjs`` reads every job on stdin).
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
CASES_FILE = HERE / "corpus" / "conformance_cases.json"
PINNED = {"assistant-stream": "0.3.57", "ai": "7.0.173"}
# Reads of these sizes must give the reference's single-read result (docs/protocols.md §5).
SPLIT_SIZES = (1, 2, 7)
NODE_TIMEOUT_S = 300


def _reference_missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not on PATH"
    for package, version in PINNED.items():
        manifest = NODE_MODULES / package / "package.json"
        if not manifest.is_file():
            return (
                f"tests/differential/node_modules/{package} is missing "
                "(run: npm ci --prefix tests/differential)"
            )
        installed = json.loads(manifest.read_text(encoding="utf-8"))["version"]
        if installed != version:
            return f"npm {package} {installed} is installed, the tests pin {version}"
    return None


def require_reference() -> None:
    """Skip (or, under AUI_REQUIRE_REFERENCE=1, fail) when the reference cannot run."""
    reason = _reference_missing()
    if reason is None:
        return
    if os.environ.get("AUI_REQUIRE_REFERENCE") == "1":
        pytest.fail(f"AUI_REQUIRE_REFERENCE=1 but the reference cannot run: {reason}")
    pytest.skip(f"reference implementation unavailable: {reason}")


def load_local_module(name: str) -> ModuleType:
    """Import a sibling script by path (this directory is not a package); cached."""
    qualified = f"_differential_{name}"
    if qualified in sys.modules:
        return sys.modules[qualified]
    spec = importlib.util.spec_from_file_location(qualified, HERE / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered before running so that dataclasses can resolve the module.
    sys.modules[qualified] = module
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Stream:
    """One response body of the corpus and how to decode it."""

    id: str
    encoding: str
    body: bytes
    headers: dict[str, str]
    strict: bool
    initial_state: Any


def load_manifest(directory: Path, manifest_name: str) -> list[Stream]:
    entries = json.loads((directory / manifest_name).read_text(encoding="utf-8"))
    return [
        Stream(
            id=entry["id"],
            encoding=entry["encoding"],
            body=(directory / entry["file"]).read_bytes(),
            headers=entry["headers"],
            strict=entry["strict"],
            initial_state=entry["initialState"],
        )
        for entry in entries
    ]


def conformance_cases() -> list[dict[str, Any]]:
    """The spec's section 5 cases (committed copy, see extract_conformance.py)."""
    cases: list[dict[str, Any]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))
    return cases


def case_body(case: dict[str, Any]) -> bytes:
    return "".join(case["body"]).encode("utf-8")


def case_strict(case: dict[str, Any]) -> bool:
    return bool(case.get("options", {}).get("strict", True))


def case_initial_state(case: dict[str, Any]) -> Any:
    return case.get("options", {}).get("initialState")


def make_job(
    job_id: str,
    encoding: str,
    body: bytes,
    *,
    strict: bool,
    initial_state: Any,
    chunk_size: int | None = None,
    lines_per_read: bool = False,
    ui_message: bool = False,
) -> dict[str, Any]:
    job: dict[str, Any] = {
        "id": job_id,
        "encoding": encoding,
        "body_b64": base64.b64encode(body).decode("ascii"),
        "strict": strict,
        "initialState": initial_state,
        "uiMessage": ui_message,
    }
    if chunk_size is not None:
        job["chunkSize"] = chunk_size
    if lines_per_read:
        job["linesPerRead"] = True
    return job


def conformance_job_id(case_id: str, chunk_size: int | None) -> str:
    return f"case:{case_id}" if chunk_size is None else f"case:{case_id}@{chunk_size}"


# Streams with more frames than this are not cut at every frame (long-text).
MAX_FRAMES_TO_CUT = 60
_FRAME_END = {"data-stream": b"\n", "plain-text": b"\n"}
_SSE_FRAME_END = b"\n\n"


def cut_points(stream: Stream) -> list[int]:
    """Byte lengths to cut ``stream.body`` at: after every frame and inside every frame.

    Models a connection that breaks anywhere (docs/protocols.md §2.9). The middle of a
    frame may fall inside a multi-byte character, on purpose. Returns ``[]``
    for bodies with more than :data:`MAX_FRAMES_TO_CUT` frames.
    """
    separator = _FRAME_END.get(stream.encoding, _SSE_FRAME_END)
    ends: list[int] = []
    position = stream.body.find(separator)
    while position != -1:
        ends.append(position + len(separator))
        position = stream.body.find(separator, position + len(separator))
    if len(ends) > MAX_FRAMES_TO_CUT:
        return []
    points = {0}
    start = 0
    for end in ends:
        points.add(start + (end - start) // 2)
        points.add(end)
        start = end
    points.discard(len(stream.body))
    return sorted(points)


def cut_job_id(stream_id: str, length: int, strict: bool) -> str:
    return f"cut:{stream_id}:{length}:{'strict' if strict else 'lenient'}"


def fuzz_job_id(stream_id: str, strict: bool) -> str:
    return f"fuzz:{stream_id}:{'strict' if strict else 'lenient'}"


def cut_modes(stream: Stream) -> tuple[bool, ...]:
    """Modes (strict?) to decode the cuts of ``stream`` in.

    Only the assistant-transport decoders treat a cut body differently per
    mode (a missing ``[DONE]``: strict fatal, lenient warning); the corpus
    bodies are well-formed otherwise, so the other encodings are cut in
    strict mode only, which halves the reference's work.
    """
    return (True, False) if stream.encoding == "assistant-transport" else (True,)
