"""Coverage-guided fuzzing of every decoder entry point and the partial-JSON parser.

Run one target with atheris (libFuzzer flags pass through)::

    python fuzz/fuzz_targets.py --target=data-stream -max_total_time=120 -timeout=10 \\
        /tmp/fuzz-corpus/data-stream tests/fixtures

Targets: ``detect`` (``decode_stream`` with detection, the ``Content-Type``
chosen by the input), one per encoding (``decode_stream`` with that
``encoding=`` forced), and ``partial-json`` (``parse_partial_json``,
``parse_partial_json_value`` and the incremental completer). The first
bytes of an input choose strict mode and where the body is cut into network
reads, so incremental paths (a line, a UTF-8 character, a CRLF cut across
reads) are reached too.

The verdict: an input may only raise an :class:`~assistant_ui.errors.AssistantUIError`
subclass; anything else (``RecursionError``, ``KeyError``, ...) is a crash,
and a message that is not JSON-serialisable is one too. libFuzzer's
``-timeout`` catches hangs.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

import atheris

with atheris.instrument_imports(include=["assistant_ui"]):
    from assistant_ui import decode_stream
    from assistant_ui.errors import AssistantUIError
    from assistant_ui.protocol.encodings import ENCODING_NAMES
    from assistant_ui.protocol.partial_json import (
        PartialJSONCompleter,
        parse_partial_json,
        parse_partial_json_value,
    )

MEDIA_TYPES = [
    None,
    "text/plain; charset=utf-8",
    "text/event-stream",
    "application/json",
    "application/x-ndjson",
]
TARGETS = ["detect", *ENCODING_NAMES, "partial-json"]


def _pieces(fdp: atheris.FuzzedDataProvider, body: bytes, cuts: list[int]) -> list[bytes]:
    out, start = [], 0
    for cut in sorted({min(c, len(body)) for c in cuts}):
        out.append(body[start:cut])
        start = cut
    out.append(body[start:])
    return out


def decode_target(encoding: str | None) -> Callable[[bytes], None]:
    def one_input(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        strict = fdp.ConsumeBool()
        media = MEDIA_TYPES[fdp.ConsumeIntInRange(0, len(MEDIA_TYPES) - 1)]
        cuts = [fdp.ConsumeIntInRange(0, 2048) for _ in range(fdp.ConsumeIntInRange(0, 4))]
        body = fdp.ConsumeBytes(fdp.remaining_bytes())
        headers = {"content-type": media} if media and encoding is None else None
        try:
            result = decode_stream(
                _pieces(fdp, body, cuts), encoding=encoding, strict=strict, headers=headers
            )
        except AssistantUIError:
            return
        # Reading the views runs the lazy paths (tool arguments are parsed
        # when the message is read); all of it must be plain JSON.
        json.dumps([result.message, result.ui_message, result.state], allow_nan=False)

    return one_input


def partial_json_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    cuts = sorted(fdp.ConsumeIntInRange(0, 512) for _ in range(fdp.ConsumeIntInRange(0, 6)))
    text = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
    try:
        value, ok = parse_partial_json(text)
        assert not ok or isinstance(value, (dict, list)), value
        json.dumps(value, allow_nan=False)
        value, ok = parse_partial_json_value(text)
        json.dumps(value, allow_nan=False)
        completer = PartialJSONCompleter()
        for cut in [*cuts, len(text)]:
            completed = completer.complete(text[: max(cut, 0)] if cut < len(text) else text)
            if completed is not None:
                assert json.loads(completed[0]) == completed[1]
    except AssistantUIError:
        return


def main() -> None:
    target = "detect"
    argv = []
    for arg in sys.argv:
        if arg.startswith("--target="):
            target = arg.split("=", 1)[1]
        else:
            argv.append(arg)
    if target not in TARGETS:
        raise SystemExit(f"unknown target {target!r}; one of {', '.join(TARGETS)}")
    if target == "partial-json":
        test_one = partial_json_input
    else:
        test_one = decode_target(None if target == "detect" else target)
    atheris.Setup(argv, test_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
