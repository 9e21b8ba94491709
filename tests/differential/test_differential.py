"""Differential tests: our decoders and accumulator against the reference (JavaScript).

Four sources of streams:

- the Python corpus (``gen_python_corpus.py``): bodies produced by the published
  Python encoders (PyPI ``assistant-stream``), data stream and assistant-transport;
- the UI corpus (``gen_ui_corpus.mjs``): bodies produced by the AI SDK's own
  ``toUIMessageStreamResponse()``;
- the TS corpus (``gen_ts_corpus.mjs``): bodies produced by npm ``assistant-stream``'s
  own encoders (data stream, assistant-transport, plain text), the current framings;
- the 40 conformance cases of docs/protocols.md §5.

Each body is decoded by the reference (npm ``assistant-stream`` decoders plus its
``AssistantMessageAccumulator``, see ``reference_decode.mjs``) and by
``assistant_ui.decode_stream``; after removing what the spec excludes from
conformance (the ``content`` alias, ``timing``) and ids a decoder invents, the
final messages must be equal, and so must the outcome (failed or not, and the
partial message on failure). The conformance cases are also checked against the
reference itself, which catches places where the spec text is out of date.

Known mismatches are listed in ``KNOWN_MISMATCHES`` and run as
``xfail(strict=True)``: they must keep failing until fixed, and then the entry
must go.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from differential_support import (
    CASES_FILE,
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
)

from assistant_ui.errors import StreamError

# Lenient decoding of malformed input warns by design; that is not a finding here.
pytestmark = pytest.mark.filterwarnings("ignore::assistant_ui.errors.StreamWarning")

GENERATED = "<generated>"

# Scenario ids of gen_ui_corpus.mjs; a test checks the generator produced exactly these.
UI_SCENARIOS = (
    "ui-gen-text",
    "ui-gen-reasoning-text",
    "ui-gen-server-tool-two-steps",
    "ui-gen-client-tool-no-result",
    "ui-gen-sources",
    "ui-gen-error",
    "ui-gen-tool-input-error",
    "ui-gen-tool-execute-error",
    "ui-gen-unicode",
    "ui-gen-length",
    "ui-gen-file",
    "ui-gen-provider-metadata",
    "ui-gen-preliminary-tool",
    "ui-gen-tool-approval",
    "ui-gen-dynamic-tool",
    "ui-gen-message-metadata",
    "ui-gen-data-parts",
    "ui-gen-lone-surrogate-input",
)
# Scenario ids of gen_ts_corpus.mjs, each encoded with every TS encoder.
TS_SCENARIOS = (
    "ts-text-reasoning-summary",
    "ts-text-provider-metadata",
    "ts-tool-streamed-args",
    "ts-tool-no-args",
    "ts-tool-args-object",
    "ts-tool-error-result",
    "ts-tool-preliminary",
    "ts-tool-preliminary-only",
    "ts-tool-approval",
    "ts-tool-open-client-side",
    "ts-tool-interleaved",
    "ts-sources-files-data",
    "ts-parent-id",
    "ts-message-level-chunks",
    "ts-step-finish-without-start",
    "ts-error-with-code",
    "ts-state",
    "ts-finish-length",
    "ts-unicode",
    "ts-empty",
    "ts-text-utf16-units",
    "ts-tool-void-result",
)
TS_ENCODINGS = ("data-stream", "assistant-transport", "plain-text")
TS_STREAM_IDS = [f"{name}.{encoding}" for name in TS_SCENARIOS for encoding in TS_ENCODINGS]
# Reads of this size are used for the "any chunking" run of our decoder.
OUR_SPLIT = 7


def _python_stream_ids() -> list[str]:
    generator = load_local_module("gen_python_corpus")
    return [
        f"{name}.{encoding}{'' if strict else '-lenient'}"
        for name, scenario in generator.SCENARIOS.items()
        for encoding in generator.ENCODERS
        for strict in scenario.modes
    ]


STREAM_IDS = [*_python_stream_ids(), *UI_SCENARIOS, *TS_STREAM_IDS]
CASES = conformance_cases()
CASE_IDS = [case["id"] for case in CASES]
UI_CASE_IDS = [case["id"] for case in CASES if case["flavour"] == "ui-message-stream"]

# "<test prefix>:<stream or case id>" -> why it is expected to fail, run as
# xfail(strict=True). Prefixes: corpus, corpus-split, corpus-lenient, cut,
# detect, ui-message, case, case-spec, case-split, case-ui-message,
# fuzz-strict, fuzz-lenient. Every entry must be a real mismatch reported to
# the owner of the code in question; all found so far have been fixed.
KNOWN_MISMATCHES: dict[str, str] = {}


def _params(ids: list[str], prefix: str) -> list[Any]:
    return [
        pytest.param(
            item,
            id=item,
            marks=(
                [pytest.mark.xfail(strict=True, reason=KNOWN_MISMATCHES[f"{prefix}:{item}"])]
                if f"{prefix}:{item}" in KNOWN_MISMATCHES
                else []
            ),
        )
        for item in ids
    ]


# --------------------------------------------------------------------------
# Normalisation and comparison


@dataclass(frozen=True)
class Outcome:
    """A decoder's verdict on one body: the final (or partial) message, and the error if any."""

    message: dict[str, Any] | None
    error: str | None


def normalise(message: dict[str, Any] | None, body: bytes) -> dict[str, Any] | None:
    """Drop what the spec excludes from conformance; mask ids the decoder invented.

    A step ``messageId`` that does not occur in the body was generated by the
    decoder (docs/protocols.md §3.4 ``step-finish``); any non-empty one matches.
    """
    if message is None:
        return None
    # A deep copy, not a JSON round trip: that would merge a split surrogate
    # pair ('\ud83d' '\ude00', two code points) into one character and hide
    # text the reference joins differently.
    result: dict[str, Any] = copy.deepcopy(message)
    result.pop("content", None)
    text = body.decode("utf-8", errors="replace")
    metadata = result.get("metadata")
    if isinstance(metadata, dict):
        metadata.pop("timing", None)
        for step in metadata.get("steps") or []:
            message_id = step.get("messageId")
            if isinstance(message_id, str) and message_id and message_id not in text:
                step["messageId"] = GENERATED
    for part in result.get("parts") or []:
        if isinstance(part, dict):
            part.pop("timing", None)
    return result


def normalise_ui_message(message: dict[str, Any] | None, body: bytes) -> dict[str, Any] | None:
    """An AI SDK UIMessage, with an id the client generated (not in the body) masked."""
    if message is None:
        return None
    result: dict[str, Any] = copy.deepcopy(message)
    message_id = result.get("id")
    if isinstance(message_id, str) and message_id not in body.decode("utf-8", "replace"):
        result["id"] = GENERATED
    return result


def differences(expected: Any, actual: Any, path: str = "$") -> Iterator[str]:
    """Minimal diff: one line per differing leaf, as ``path: expected != actual``."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            where = f"{path}.{key}"
            if key not in actual:
                yield f"{where}: missing in ours (reference: {expected[key]!r})"
            elif key not in expected:
                yield f"{where}: extra in ours ({actual[key]!r})"
            else:
                yield from differences(expected[key], actual[key], where)
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            yield f"{path}: length {len(expected)} != {len(actual)}"
        for index, (left, right) in enumerate(zip(expected, actual, strict=False)):
            yield from differences(left, right, f"{path}[{index}]")
    elif _is_number(expected) and _is_number(actual):
        # JSON has one number type and the reference holds it in a double:
        # 1 == 1.0, and an integer beyond 2**53 arrives rounded there while
        # Python keeps every digit, which is not a mismatch.
        if float(expected) != float(actual):
            yield f"{path}: {expected!r} != {actual!r}"
    elif expected != actual or type(expected) is not type(actual):
        yield f"{path}: {expected!r} != {actual!r}"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def assert_same(
    label: str, expected: Outcome, actual: Outcome, *, expected_name: str = "reference"
) -> None:
    problems: list[str] = []
    if (expected.error is None) != (actual.error is None):
        problems.append(
            f"outcome: {expected_name} error={expected.error!r}, ours error={actual.error!r}"
        )
    problems += list(differences(expected.message, actual.message))
    assert not problems, f"{label}: {expected_name} and ours differ:\n  " + "\n  ".join(problems)


# --------------------------------------------------------------------------
# The two decoders


def decode_ours(
    body: bytes,
    *,
    encoding: str,
    strict: bool,
    initial_state: Any,
    chunk_size: int | None = None,
) -> Outcome:
    decode_stream = _our_decode_stream()
    data: bytes | list[bytes] = body
    if chunk_size is not None:
        data = [body[i : i + chunk_size] for i in range(0, len(body), chunk_size)]
    try:
        result = decode_stream(data, encoding=encoding, strict=strict, initial_state=initial_state)
    except StreamError as exc:
        return Outcome(normalise(exc.partial_message, body), str(exc))
    return Outcome(normalise(result.message, body), None)


def _our_decode_stream() -> Any:
    try:
        from assistant_ui._decoding import decode_stream
    except ImportError as exc:  # pragma: no cover - only while the parser is being written
        if os.environ.get("AUI_REQUIRE_REFERENCE") == "1":
            raise
        pytest.skip(f"assistant_ui.decode_stream is not available yet: {exc}")
    return decode_stream


def reference_outcome(result: dict[str, Any], body: bytes) -> Outcome:
    return Outcome(normalise(result["message"], body), result["error"])


# --------------------------------------------------------------------------
# Generated corpus: ours versus the reference


def test_ui_corpus_has_every_declared_scenario(corpus: dict[str, Stream]) -> None:
    generated = sorted(s.id for s in corpus.values() if s.encoding == "ui-message-stream")
    assert generated == sorted(UI_SCENARIOS)


def test_python_corpus_has_every_declared_stream(corpus: dict[str, Stream]) -> None:
    generated = sorted(s.id for s in corpus.values() if s.id.startswith("py-"))
    assert generated == sorted(_python_stream_ids())


def test_ts_corpus_has_every_declared_stream(corpus: dict[str, Stream]) -> None:
    generated = sorted(s.id for s in corpus.values() if s.id.startswith("ts-"))
    assert generated == sorted(TS_STREAM_IDS)


@pytest.mark.parametrize("stream_id", _params(STREAM_IDS, "corpus"))
def test_corpus_matches_reference(
    stream_id: str, corpus: dict[str, Stream], reference: dict[str, dict[str, Any]]
) -> None:
    stream = corpus[stream_id]
    expected = reference_outcome(reference[f"corpus:{stream_id}"], stream.body)
    actual = decode_ours(
        stream.body,
        encoding=stream.encoding,
        strict=stream.strict,
        initial_state=stream.initial_state,
    )
    assert_same(stream_id, expected, actual)


@pytest.mark.parametrize("stream_id", _params(STREAM_IDS, "corpus-split"))
def test_corpus_split_reads_match_reference(
    stream_id: str, corpus: dict[str, Stream], reference: dict[str, dict[str, Any]]
) -> None:
    stream = corpus[stream_id]
    expected = reference_outcome(reference[f"corpus:{stream_id}"], stream.body)
    actual = decode_ours(
        stream.body,
        encoding=stream.encoding,
        strict=stream.strict,
        initial_state=stream.initial_state,
        chunk_size=OUR_SPLIT,
    )
    assert_same(f"{stream_id} in {OUR_SPLIT}-byte reads", expected, actual)


@pytest.mark.parametrize("stream_id", _params(STREAM_IDS, "corpus-lenient"))
def test_corpus_lenient_matches_reference_lenient(
    stream_id: str, corpus: dict[str, Stream], reference: dict[str, dict[str, Any]]
) -> None:
    stream = corpus[stream_id]
    if not stream.strict:
        pytest.skip("this stream is already listed in lenient mode")
    expected = reference_outcome(reference[f"corpus-lenient:{stream_id}"], stream.body)
    actual = decode_ours(
        stream.body, encoding=stream.encoding, strict=False, initial_state=stream.initial_state
    )
    assert_same(f"{stream_id} (lenient)", expected, actual)


@pytest.mark.parametrize("stream_id", _params(STREAM_IDS, "cut"))
def test_cut_streams_match_reference(
    stream_id: str, corpus: dict[str, Stream], reference: dict[str, dict[str, Any]]
) -> None:
    """The body cut at every frame boundary and inside every frame (docs/protocols.md §2.9)."""
    stream = corpus[stream_id]
    points = cut_points(stream)
    if not stream.strict or not points:
        pytest.skip("lenient duplicate or too many frames to cut at each")
    failures: list[str] = []
    for length in points:
        body = stream.body[:length]
        for strict in cut_modes(stream):
            expected = reference_outcome(reference[cut_job_id(stream_id, length, strict)], body)
            actual = decode_ours(
                body, encoding=stream.encoding, strict=strict, initial_state=stream.initial_state
            )
            try:
                assert_same(f"cut at byte {length}, strict={strict}", expected, actual)
            except AssertionError as exc:
                failures.append(str(exc).split("\nassert ")[0])
    runs = len(points) * len(cut_modes(stream))
    assert not failures, f"{len(failures)} of {runs} cuts differ:\n" + "\n".join(failures[:8])


FUZZ_STREAMS = {stream.id: stream for stream in load_local_module("gen_fuzz_corpus").fuzz_streams()}


FUZZ_PARAMS = [
    pytest.param(
        stream_id,
        strict,
        id=f"{stream_id}-{mode}",
        marks=(
            [pytest.mark.xfail(strict=True, reason=KNOWN_MISMATCHES[key])]
            if (key := f"fuzz-{mode}:{stream_id}") in KNOWN_MISMATCHES
            else []
        ),
    )
    for stream_id in FUZZ_STREAMS
    for strict, mode in ((True, "strict"), (False, "lenient"))
]


@pytest.mark.parametrize(("stream_id", "strict"), FUZZ_PARAMS)
def test_fuzz_streams_match_reference(
    stream_id: str, strict: bool, reference: dict[str, dict[str, Any]]
) -> None:
    stream = FUZZ_STREAMS[stream_id]
    expected = reference_outcome(reference[fuzz_job_id(stream_id, strict)], stream.body)
    if not strict and stream.encoding == "ui-message-stream" and expected.error is not None:
        # The reference UI decoder has no lenient mode; ours may go on where it
        # stops (the library's lenient default), so there is nothing to compare.
        pytest.skip(f"the reference UI decoder always fails here: {expected.error}")
    mode = "strict" if strict else "lenient"
    actual = decode_ours(stream.body, encoding=stream.encoding, strict=strict, initial_state=None)
    assert_same(f"{stream_id} ({mode})", expected, actual)
    split = decode_ours(
        stream.body, encoding=stream.encoding, strict=strict, initial_state=None, chunk_size=5
    )
    assert_same(f"{stream_id} ({mode}, 5-byte reads)", expected, split)


@pytest.mark.parametrize("stream_id", _params(STREAM_IDS, "detect"))
def test_corpus_encoding_is_detected_from_headers(
    stream_id: str, corpus: dict[str, Stream]
) -> None:
    stream = corpus[stream_id]
    if not stream.body:
        pytest.skip("empty body: there is nothing to detect an encoding from")
    if stream.body.strip() == b"data: [DONE]":
        pytest.skip(
            "an SSE body of only [DONE] is ambiguous (docs/protocols.md §2.8: flavour default)"
        )
    decode_stream = _our_decode_stream()
    try:
        result = decode_stream(
            stream.body,
            headers=stream.headers,
            strict=stream.strict,
            initial_state=stream.initial_state,
        )
        detected = result.encoding
    except StreamError:
        # Strict streams that fail still had to be read with some encoding;
        # the lenient run of the same body shows which.
        result = decode_stream(
            stream.body, headers=stream.headers, initial_state=stream.initial_state
        )
        detected = result.encoding
    assert detected == stream.encoding


# --------------------------------------------------------------------------
# UI message streams: our UIMessage versus the AI SDK's own client


def _our_ui_message(body: bytes) -> Outcome:
    from assistant_ui.protocol.reading.parser import StreamParser

    # Strict: the AI SDK's chat stops at the first chunk its schema rejects.
    parser = StreamParser(encoding="ui-message-stream", strict=True)
    error: str | None = None
    try:
        parser.feed(body)
        parser.close()
    except StreamError as exc:
        error = str(exc)
    return Outcome(normalise_ui_message(parser.ui_message, body), error)


def _ai_sdk_ui_message(result: dict[str, Any], body: bytes) -> Outcome:
    return Outcome(normalise_ui_message(result["uiMessage"], body), result["uiMessageError"])


@pytest.mark.parametrize("stream_id", _params(list(UI_SCENARIOS), "ui-message"))
def test_ui_message_matches_ai_sdk(
    stream_id: str, corpus: dict[str, Stream], reference: dict[str, dict[str, Any]]
) -> None:
    _our_decode_stream()
    body = corpus[stream_id].body
    expected = _ai_sdk_ui_message(reference[f"corpus:{stream_id}"], body)
    actual = _our_ui_message(body)
    # The AI SDK reports an error chunk as a failure; ours records it in the
    # status, so only the message is compared here.
    assert_same(stream_id, Outcome(expected.message, None), Outcome(actual.message, None))


FUZZ_UI_IDS = [i for i, stream in FUZZ_STREAMS.items() if stream.encoding == "ui-message-stream"]


@pytest.mark.parametrize("stream_id", _params(FUZZ_UI_IDS, "fuzz-ui-message"))
def test_fuzz_ui_message_matches_ai_sdk(
    stream_id: str, reference: dict[str, dict[str, Any]]
) -> None:
    _our_decode_stream()
    body = FUZZ_STREAMS[stream_id].body
    expected = _ai_sdk_ui_message(reference[fuzz_job_id(stream_id, True)], body)
    actual = _our_ui_message(body)
    assert_same(stream_id, Outcome(expected.message, None), Outcome(actual.message, None))


@pytest.mark.parametrize("case_id", _params(UI_CASE_IDS, "case-ui-message"))
def test_conformance_ui_message_matches_ai_sdk(
    case_id: str,
    conformance_by_id: dict[str, dict[str, Any]],
    reference: dict[str, dict[str, Any]],
) -> None:
    _our_decode_stream()
    body = case_body(conformance_by_id[case_id])
    expected = _ai_sdk_ui_message(reference[conformance_job_id(case_id, None)], body)
    actual = _our_ui_message(body)
    assert_same(case_id, Outcome(expected.message, None), Outcome(actual.message, None))


# --------------------------------------------------------------------------
# Conformance cases: the spec against the reference, and ours against both


def _case_chunk_size(case: dict[str, Any]) -> int | None:
    size = case.get("options", {}).get("deliverInChunksOf")
    return int(size) if size is not None else None


def _spec_outcome(case: dict[str, Any], body: bytes) -> Outcome:
    if "expectError" in case:
        partial = normalise({"role": "assistant", **case["expectPartial"]}, body)
        return Outcome(partial, case["expectError"])
    return Outcome(normalise({"role": "assistant", **case["expect"]}, body), None)


@pytest.mark.parametrize("case_id", _params(CASE_IDS, "case-spec"))
def test_conformance_spec_agrees_with_reference(
    case_id: str,
    conformance_by_id: dict[str, dict[str, Any]],
    reference: dict[str, dict[str, Any]],
) -> None:
    case = conformance_by_id[case_id]
    body = case_body(case)
    result = reference[conformance_job_id(case_id, _case_chunk_size(case))]
    spec = _spec_outcome(case, body)
    actual = reference_outcome(result, body)
    assert_same(case_id, spec, actual, expected_name="spec")
    if spec.error is not None:
        assert actual.error is not None
        assert spec.error in actual.error


@pytest.mark.parametrize("case_id", _params(CASE_IDS, "case-split"))
def test_conformance_reference_is_split_invariant(
    case_id: str,
    conformance_by_id: dict[str, dict[str, Any]],
    reference: dict[str, dict[str, Any]],
) -> None:
    body = case_body(conformance_by_id[case_id])
    whole = reference_outcome(reference[conformance_job_id(case_id, None)], body)
    for size in SPLIT_SIZES:
        split = reference_outcome(reference[conformance_job_id(case_id, size)], body)
        assert split == whole, f"{case_id}: reference differs for {size}-byte reads"


@pytest.mark.parametrize("case_id", _params(CASE_IDS, "case"))
def test_conformance_matches_reference(
    case_id: str,
    conformance_by_id: dict[str, dict[str, Any]],
    reference: dict[str, dict[str, Any]],
) -> None:
    case = conformance_by_id[case_id]
    body = case_body(case)
    size = _case_chunk_size(case)
    expected = reference_outcome(reference[conformance_job_id(case_id, size)], body)
    actual = decode_ours(
        body,
        encoding=case["flavour"],
        strict=case_strict(case),
        initial_state=case_initial_state(case),
        chunk_size=size,
    )
    assert_same(case_id, expected, actual)


def test_conformance_copy_is_current() -> None:
    """The committed cases equal the spec's, when the spec is reachable."""
    extractor = load_local_module("extract_conformance")
    candidates = [
        os.environ.get("AUI_PROTOCOLS_MD", ""),
        # The shared spec lives beside the repository, not in it.
        str(Path(__file__).resolve().parents[3] / "shared" / "docs" / "PROTOCOLS.md"),
        "/work/shared/docs/PROTOCOLS.md",
    ]
    spec = next((Path(c) for c in candidates if c and Path(c).is_file()), None)
    if spec is None:
        pytest.skip("the shared spec is not reachable (set AUI_PROTOCOLS_MD to check the copy)")
    committed = CASES_FILE.read_text(encoding="utf-8")
    assert committed == extractor.render(extractor.extract_cases(spec.read_text("utf-8"))), (
        "tests/differential/corpus/conformance_cases.json is stale: "
        "run python tests/differential/extract_conformance.py <docs/protocols.md>"
    )
