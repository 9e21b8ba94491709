"""Fixtures for the differential tests: the corpus and the reference's verdicts.

The helpers live in ``differential_support.py``; see its docstring for how the
reference is located and when the tests skip or fail.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from differential_support import (
    HERE,
    NODE_TIMEOUT_S,
    SPLIT_SIZES,
    Stream,
    case_body,
    case_initial_state,
    case_strict,
    conformance_cases,
    conformance_job_id,
    cut_job_id,
    cut_modes,
    cut_points,
    fuzz_job_id,
    load_local_module,
    load_manifest,
    make_job,
    require_reference,
)


def _run_node(arguments: list[str], stdin: bytes | None = None) -> bytes:
    """Run a node script in this directory; a failure shows the script's stderr."""
    completed = subprocess.run(
        ["node", *arguments],
        input=stdin,
        cwd=HERE,
        timeout=NODE_TIMEOUT_S,
        capture_output=True,
        check=False,
    )
    if completed.returncode != 0:
        stderr = completed.stderr.decode("utf-8", "replace")[-4000:]
        pytest.fail(f"node {Path(arguments[0]).name} exited with {completed.returncode}:\n{stderr}")
    return completed.stdout


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Stream]:
    """Every generated stream by id: Python encoders, the AI SDK, the TS encoders."""
    require_reference()
    directory = tmp_path_factory.mktemp("differential-corpus")
    load_local_module("gen_python_corpus").generate(directory)
    for script in ("gen_ui_corpus.mjs", "gen_ts_corpus.mjs"):
        _run_node([str(HERE / script), str(directory)])
    streams = load_manifest(directory, "python-manifest.json")
    streams += load_manifest(directory, "ui-manifest.json")
    streams += load_manifest(directory, "ts-manifest.json")
    return {stream.id: stream for stream in streams}


@pytest.fixture(scope="session")
def reference(corpus: dict[str, Stream]) -> dict[str, dict[str, Any]]:
    """The reference's result for every corpus stream and conformance case, by job id.

    Generated bodies reach the reference one line per read, so that its partial
    message after a fatal frame holds every frame before it (see
    reference_decode.mjs); conformance cases use the reads the spec names.
    """
    jobs = [
        make_job(
            f"corpus:{stream.id}",
            stream.encoding,
            stream.body,
            strict=stream.strict,
            initial_state=stream.initial_state,
            lines_per_read=True,
            ui_message=stream.encoding == "ui-message-stream",
        )
        for stream in corpus.values()
    ]
    # The library's default mode is lenient: every strict stream is also
    # decoded leniently (streams listed only as lenient already are).
    jobs += [
        make_job(
            f"corpus-lenient:{stream.id}",
            stream.encoding,
            stream.body,
            strict=False,
            initial_state=stream.initial_state,
            lines_per_read=True,
        )
        for stream in corpus.values()
        if stream.strict
    ]
    # The connection cut at every frame and inside every frame.
    jobs += [
        make_job(
            cut_job_id(stream.id, length, strict),
            stream.encoding,
            stream.body[:length],
            strict=strict,
            initial_state=stream.initial_state,
            lines_per_read=True,
        )
        for stream in corpus.values()
        if stream.strict
        for length in cut_points(stream)
        for strict in cut_modes(stream)
    ]
    # Seeded grammar-generated streams with malformed input, both modes.
    jobs += [
        make_job(
            fuzz_job_id(stream.id, strict),
            stream.encoding,
            stream.body,
            strict=strict,
            initial_state=None,
            lines_per_read=True,
            # The AI SDK's chat has one mode; one run per stream is enough.
            ui_message=strict and stream.encoding == "ui-message-stream",
        )
        for stream in load_local_module("gen_fuzz_corpus").fuzz_streams()
        for strict in (True, False)
    ]
    for case in conformance_cases():
        sizes: list[int | None] = [None, *SPLIT_SIZES]
        named = case.get("options", {}).get("deliverInChunksOf")
        if named is not None and named not in sizes:
            sizes.append(int(named))
        for size in sizes:
            jobs.append(
                make_job(
                    conformance_job_id(case["id"], size),
                    case["flavour"],
                    case_body(case),
                    strict=case_strict(case),
                    initial_state=case_initial_state(case),
                    chunk_size=size,
                    ui_message=case["flavour"] == "ui-message-stream" and size is None,
                )
            )
    stdout = _run_node([str(HERE / "reference_decode.mjs")], json.dumps(jobs).encode("utf-8"))
    results: list[dict[str, Any]] = json.loads(stdout)
    return {result["id"]: result for result in results}


@pytest.fixture(scope="session")
def conformance_by_id() -> dict[str, dict[str, Any]]:
    return {case["id"]: case for case in conformance_cases()}
