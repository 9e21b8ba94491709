"""The conformance cases of docs/protocols.md §5, run through StreamParser.

``conformance.json`` is the spec's JSON block copied byte for byte (see
:func:`extract_conformance_block`; ``test_conformance_file_is_verbatim``
re-extracts it whenever the spec is reachable). Every case is decoded whole,
in 1-, 2- and 7-byte pieces and in ``options.deliverInChunksOf`` pieces, in
strict mode unless ``options.strict`` is false, and compared by the rules of
section 5: JSON equality without ``content`` and ``timing``; a step
``messageId`` of ``"<generated>"`` matches any non-empty string;
``expectError`` is a substring of the error and ``expectPartial`` the
partial message it carries.

To refresh the copy after the spec changed::

    python tests/protocol/test_conformance.py /path/to/docs/protocols.md
"""

from __future__ import annotations

import copy
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from assistant_ui.errors import StreamError
from assistant_ui.protocol.leniency import WarningSink
from assistant_ui.protocol.reading.parser import StreamParser

HERE = Path(__file__).resolve().parent
CASES_FILE = HERE / "conformance.json"
# The shared spec these cases were extracted from (outside the repository;
# the differential test checks the copy is current when it is reachable).
SPEC = Path(os.environ.get("AUI_PROTOCOLS_MD", "/work/shared/docs/PROTOCOLS.md"))

_BLOCK = re.compile(r"```json\n(.*?\n)```", re.DOTALL)


def extract_conformance_block(spec_text: str) -> str:
    """The text of the one JSON code block in section 5, unchanged."""
    start = spec_text.index("\n## 5. Conformance cases")
    end = spec_text.index("\n## Appendix A", start)
    blocks = _BLOCK.findall(spec_text[start:end])
    if len(blocks) != 1:
        raise ValueError(f"expected one JSON block in section 5, found {len(blocks)}")
    block: str = blocks[0]
    return block


CASES: list[dict[str, Any]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))


def case_body(case: dict[str, Any]) -> bytes:
    return "".join(case["body"]).encode("utf-8")


def split(data: bytes, size: int | None) -> list[bytes]:
    if size is None:
        return [data]
    return [data[i : i + size] for i in range(0, len(data), size)]


def normalise(message: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    """``message`` without what section 5 excludes, with generated step ids
    replaced by the placeholder where the expectation has one."""
    out = copy.deepcopy(message)
    out.pop("content", None)
    assert out.pop("role", "assistant") == "assistant"  # the expectations leave it out
    metadata = out.get("metadata", {})
    metadata.pop("timing", None)
    for part in out.get("parts", []):
        part.pop("timing", None)
    expected_steps = expected.get("metadata", {}).get("steps", [])
    for step, want in zip(metadata.get("steps", []), expected_steps, strict=False):
        if want.get("messageId") == "<generated>":
            got = step.get("messageId")
            if isinstance(got, str) and got:
                step["messageId"] = "<generated>"
    return out


def decode_case(
    case: dict[str, Any], size: int | None, *, encoding: str | None = "from-case"
) -> StreamParser:
    options = case.get("options", {})
    parser = StreamParser(
        encoding=case["flavour"] if encoding == "from-case" else encoding,
        strict=options.get("strict", True),
        initial_state=options.get("initialState"),
        warnings=WarningSink(emit=False),
    )
    for piece in split(case_body(case), size):
        parser.feed(piece)
    parser.close()
    return parser


def check_case(
    case: dict[str, Any], size: int | None, *, encoding: str | None = "from-case"
) -> None:
    if "expectError" in case:
        with pytest.raises(StreamError) as info:
            decode_case(case, size, encoding=encoding)
        assert case["expectError"] in str(info.value)
        partial = info.value.partial_message
        assert partial is not None
        assert normalise(partial, case["expectPartial"]) == case["expectPartial"]
    else:
        parser = decode_case(case, size, encoding=encoding)
        assert normalise(parser.message, case["expect"]) == case["expect"]


def _sizes(case: dict[str, Any]) -> list[int | None]:
    sizes: list[int | None] = [None, 1, 2, 7]
    extra = case.get("options", {}).get("deliverInChunksOf")
    if extra is not None and extra not in sizes:
        sizes.append(extra)
    return sizes


PARAMS = [
    pytest.param(case, size, id=f"{case['id']}-{'whole' if size is None else size}")
    for case in CASES
    for size in _sizes(case)
]


def test_all_forty_cases_are_present() -> None:
    assert len(CASES) == 40
    assert len({case["id"] for case in CASES}) == 40


@pytest.mark.skipif(not SPEC.exists(), reason="docs/protocols.md not reachable")
def test_conformance_file_is_verbatim() -> None:
    block = extract_conformance_block(SPEC.read_text(encoding="utf-8"))
    assert CASES_FILE.read_text(encoding="utf-8") == block


@pytest.mark.parametrize(("case", "size"), PARAMS)
def test_conformance(case: dict[str, Any], size: int | None) -> None:
    check_case(case, size)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_conformance_with_detection(case: dict[str, Any]) -> None:
    """Without being told, the parser picks the case's encoding from the body
    alone, and the outcome is the same."""
    check_case(case, 3, encoding=None)
    if "expectError" not in case:
        assert decode_case(case, None, encoding=None).encoding == case["flavour"]


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SPEC
    CASES_FILE.write_text(
        extract_conformance_block(source.read_text(encoding="utf-8")), encoding="utf-8"
    )
    print(f"wrote {CASES_FILE}")
