"""Hypothesis properties of the whole decode path (StreamParser).

1. Chunking never matters: any split of the same bytes (including 1-byte
   pieces that cut UTF-8 sequences and CRLF pairs) gives the same events,
   after merging adjacent text deltas (a decoder may emit text in whatever
   pieces the network delivered), and the same message or the same error.
   Checked on every conformance body, in every encoding, and on generated
   valid data streams.
2. Garbage never escapes as anything but a typed error: random bytes and
   random mutations of valid bodies, in every encoding, strict and lenient,
   with and without detection, raise only ``StreamError`` subclasses.
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant_ui.errors import StreamError
from assistant_ui.protocol.encodings import ENCODING_NAMES as ENCODINGS
from assistant_ui.protocol.events import Event, TextDelta, event_to_dict
from assistant_ui.protocol.leniency import WarningSink
from assistant_ui.protocol.reading.parser import StreamParser

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).resolve().parent / "conformance.json").read_text(encoding="utf-8")
)
BODIES = [("".join(c["body"]).encode("utf-8"), c) for c in CASES]

SETTINGS = settings(
    max_examples=int(os.environ.get("AUI_HYPOTHESIS_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def merge_text(events: list[Event]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for event in events:
        as_dict = event_to_dict(event)
        if (
            isinstance(event, TextDelta)
            and out
            and out[-1]["type"] == "text-delta"
            and out[-1]["path"] == as_dict["path"]
            and out[-1].get("providerMetadata") == as_dict.get("providerMetadata")
        ):
            out[-1]["textDelta"] += event.text_delta
        else:
            out.append(as_dict)
    return out


def run(
    pieces: list[bytes],
    *,
    encoding: str | None,
    strict: bool,
    initial_state: Any = None,
) -> tuple[list[dict[str, Any]], dict[str, Any], str | None]:
    """(merged events, message, error text or None) for one delivery.

    Step ids the accumulator generated (for a step finish without a step
    start) are random, so they are replaced by a placeholder.
    """
    parser = StreamParser(
        encoding=encoding,
        strict=strict,
        initial_state=initial_state,
        warnings=WarningSink(emit=False),
    )
    events: list[Event] = []
    try:
        for piece in pieces:
            events += parser.feed(piece)
        events += parser.close()
    except StreamError as exc:
        error = f"{type(exc).__name__}: {exc}"
        partial = exc.partial_message
    else:
        return merge_text(events), without_generated_ids(parser.message, pieces), None
    assert partial is not None
    return merge_text(events), without_generated_ids(partial, pieces), error


def without_generated_ids(message: dict[str, Any], pieces: list[bytes]) -> dict[str, Any]:
    body = b"".join(pieces)
    for step in message["metadata"]["steps"]:
        if step.get("messageId") and step["messageId"].encode() not in body:
            step["messageId"] = "<generated>"
    return message


def cut(data: bytes, points: list[int]) -> list[bytes]:
    marks = sorted({p % (len(data) + 1) for p in points} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(marks)]


def ok_or_error(pieces: list[bytes], **kwargs: Any) -> tuple[Any, ...]:
    """Like ``run`` but for splits where the error happens at a different
    read: events returned before an error depend on where the reads fall, so
    only the outcome is compared."""
    events, message, error = run(pieces, **kwargs)
    return (events if error is None else None), message, error


@SETTINGS
@given(
    case=st.sampled_from(BODIES),
    points=st.lists(st.integers(min_value=0, max_value=10_000), max_size=30),
    detect=st.booleans(),
)
def test_conformance_bodies_any_split(
    case: tuple[bytes, dict[str, Any]], points: list[int], detect: bool
) -> None:
    body, spec = case
    options = spec.get("options", {})
    kwargs: dict[str, Any] = {
        "encoding": None if detect else spec["flavour"],
        "strict": options.get("strict", True),
        "initial_state": options.get("initialState"),
    }
    assert ok_or_error(cut(body, points), **kwargs) == ok_or_error([body], **kwargs)


@SETTINGS
@given(case=st.sampled_from(BODIES))
def test_conformance_bodies_one_byte_at_a_time(case: tuple[bytes, dict[str, Any]]) -> None:
    body, spec = case
    kwargs: dict[str, Any] = {
        "encoding": spec["flavour"],
        "strict": spec.get("options", {}).get("strict", True),
        "initial_state": spec.get("options", {}).get("initialState"),
    }
    one_byte = [body[i : i + 1] for i in range(len(body))]
    assert ok_or_error(one_byte, **kwargs) == ok_or_error([body], **kwargs)


# --- generated valid data streams --------------------------------------------------

_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12
)  # any non-surrogate character, including U+2028, CR, LF and emoji


@st.composite
def data_stream_bodies(draw: st.DrawFn) -> bytes:
    lines: list[str] = []
    started: list[str] = []
    for _ in range(draw(st.integers(min_value=0, max_value=25))):
        kind = draw(
            st.sampled_from(["0", "g", "b", "c", "a", "2", "8", "f", "e", "3", "blank", "aui", "9"])
        )
        if kind in ("0", "g"):
            lines.append(f"{kind}:{json.dumps(draw(_text), ensure_ascii=draw(st.booleans()))}")
        elif kind == "b":
            call_id = f"call_{len(started)}"
            started.append(call_id)
            lines.append("b:" + json.dumps({"toolCallId": call_id, "toolName": "t"}))
        elif kind == "c" and started:
            payload = {"toolCallId": draw(st.sampled_from(started)), "argsTextDelta": draw(_text)}
            lines.append("c:" + json.dumps(payload, ensure_ascii=False))
        elif kind == "a" and started:
            payload = {"toolCallId": draw(st.sampled_from(started)), "result": draw(_text)}
            lines.append("a:" + json.dumps(payload))
        elif kind == "9":
            call_id = f"full_{len(lines)}"
            lines.append(
                "9:" + json.dumps({"toolCallId": call_id, "toolName": "t", "args": {"q": 1}})
            )
        elif kind in ("2", "8"):
            lines.append(f"{kind}:[{json.dumps(draw(_text))}]")
        elif kind == "f":
            lines.append('f:{"messageId":"m"}')
        elif kind == "e":
            lines.append('e:{"finishReason":"stop","usage":{"inputTokens":1,"outputTokens":2}}')
        elif kind == "3":
            lines.append("3:" + json.dumps(draw(_text)))
        elif kind == "aui":
            payload = {"textDelta": draw(_text), "parentId": draw(st.sampled_from(["p", "q"]))}
            lines.append("aui-text-delta:" + json.dumps(payload, ensure_ascii=False))
        else:
            lines.append("")
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    body = "".join(line + ending for line in lines)
    if draw(st.booleans()):
        body += 'd:{"finishReason":"stop","usage":{"inputTokens":1,"outputTokens":1}}' + ending
    prefix = "\ufeff" if draw(st.booleans()) else ""
    return (prefix + body).encode("utf-8")


@SETTINGS
@given(
    body=data_stream_bodies(),
    points=st.lists(st.integers(min_value=0, max_value=5_000), max_size=40),
    strict=st.booleans(),
)
def test_generated_data_streams_any_split(body: bytes, points: list[int], strict: bool) -> None:
    whole = run([body], encoding="data-stream", strict=strict)
    assert whole[2] is None  # generated streams are valid even for the strict decoder
    assert ok_or_error(cut(body, points), encoding="data-stream", strict=strict) == ok_or_error(
        [body], encoding="data-stream", strict=strict
    )


@SETTINGS
@given(body=data_stream_bodies())
def test_generated_data_streams_are_detected(body: bytes) -> None:
    # Every generated line is a valid frame, and an all-blank body falls back
    # to the data stream, so detection must always pick it.
    assert run([body], encoding=None, strict=False) == run(
        [body], encoding="data-stream", strict=False
    )


# --- garbage in, typed errors out -----------------------------------------------------

_encodings = st.sampled_from([None, *ENCODINGS])


def only_typed_errors(pieces: list[bytes], encoding: str | None, strict: bool) -> None:
    parser = StreamParser(encoding=encoding, strict=strict, warnings=WarningSink(emit=False))
    try:
        for piece in pieces:
            parser.feed(piece)
        parser.close()
    except StreamError as exc:
        partial = exc.partial_message
        assert partial is not None, f"{type(exc).__name__} without partial_message"  # noqa: PT017
    _ = parser.message  # a snapshot is always available, even after an error


@SETTINGS
@given(
    data=st.binary(max_size=400),
    points=st.lists(st.integers(min_value=0, max_value=400), max_size=8),
    encoding=_encodings,
    strict=st.booleans(),
)
def test_random_bytes_raise_only_stream_errors(
    data: bytes, points: list[int], encoding: str | None, strict: bool
) -> None:
    only_typed_errors(cut(data, points), encoding, strict)


@st.composite
def mutated_bodies(draw: st.DrawFn) -> tuple[bytes, str]:
    body, case = draw(st.sampled_from(BODIES))
    data = bytearray(body)
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        if not data:
            break
        action = draw(st.sampled_from(["flip", "insert", "delete", "duplicate"]))
        pos = draw(st.integers(min_value=0, max_value=len(data) - 1))
        if action == "flip":
            data[pos] = draw(st.integers(min_value=0, max_value=255))
        elif action == "insert":
            data[pos:pos] = draw(
                st.sampled_from(
                    [b'"', b"{", b"}", b"[", b"\n", b"\r", b":", b"\xff", b"null", b"1e999"]
                )
            )
        elif action == "delete":
            del data[pos : pos + draw(st.integers(min_value=1, max_value=8))]
        else:
            end = min(len(data), pos + draw(st.integers(min_value=1, max_value=80)))
            data[pos:pos] = data[pos:end]
    return bytes(data), case["flavour"]


@SETTINGS
@given(
    mutated=mutated_bodies(),
    strict=st.booleans(),
    detect=st.booleans(),
    size=st.integers(min_value=1, max_value=64),
)
def test_mutated_bodies_raise_only_stream_errors(
    mutated: tuple[bytes, str], strict: bool, detect: bool, size: int
) -> None:
    data, flavour = mutated
    pieces = [data[i : i + size] for i in range(0, len(data), size)]
    only_typed_errors(pieces, None if detect else flavour, strict)


# --- a parser that keeps no events -------------------------------------------------


def message_only(
    pieces: list[bytes], *, encoding: str | None, strict: bool, initial_state: Any = None
) -> tuple[dict[str, Any], str | None]:
    """(message, error text or None) from a parser made with ``events=False``,
    whose decoders hand plain deltas straight to the message."""
    parser = StreamParser(
        encoding=encoding,
        strict=strict,
        initial_state=initial_state,
        warnings=WarningSink(emit=False),
        events=False,
    )
    try:
        for piece in pieces:
            assert parser.feed(piece) == []
        assert parser.close() == []
    except StreamError as exc:
        error, partial = f"{type(exc).__name__}: {exc}", exc.partial_message
    else:
        return without_generated_ids(parser.message, pieces), None
    assert partial is not None
    return without_generated_ids(partial, pieces), error


@SETTINGS
@given(
    case=st.sampled_from(BODIES),
    points=st.lists(st.integers(min_value=0, max_value=10_000), max_size=30),
)
def test_a_parser_without_events_builds_the_same_message(
    case: tuple[bytes, dict[str, Any]], points: list[int]
) -> None:
    # Every encoding, valid bodies and failing ones: the deltas that skip
    # their event must change the message exactly as the event would have,
    # and an error must say the same and keep the same partial message.
    body, spec = case
    options = spec.get("options", {})
    kwargs: dict[str, Any] = {
        "encoding": spec["flavour"],
        "strict": options.get("strict", True),
        "initial_state": options.get("initialState"),
    }
    pieces = cut(body, points)
    _, message, error = run(pieces, **kwargs)
    assert message_only(pieces, **kwargs) == (message, error)


@SETTINGS
@given(
    body=data_stream_bodies(),
    points=st.lists(st.integers(min_value=0, max_value=5_000), max_size=40),
    strict=st.booleans(),
)
def test_a_data_stream_parser_without_events_builds_the_same_message(
    body: bytes, points: list[int], strict: bool
) -> None:
    pieces = cut(body, points)
    _, message, error = run(pieces, encoding="data-stream", strict=strict)
    assert message_only(pieces, encoding="data-stream", strict=strict) == (message, error)
