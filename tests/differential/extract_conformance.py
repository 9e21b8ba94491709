"""Copy the conformance cases of docs/protocols.md §5 into ``corpus/``.

The cases live in one JSON code block of the spec. The differential tests read
the extracted copy so that they do not depend on where the spec is checked
out; ``test_differential.py`` checks the copy is still current whenever the
spec is reachable.

Usage: ``python extract_conformance.py <path/to/docs/protocols.md>``
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CASES_FILE = HERE / "corpus" / "conformance_cases.json"

_SECTION_START = "## 5. Conformance cases"
_SECTION_END = "## Appendix A"
_JSON_BLOCK = re.compile(r"```json\n(.*?)```", re.DOTALL)


def extract_cases(protocols_md: str) -> list[dict[str, Any]]:
    """The list of conformance cases in the spec's section 5."""
    start = protocols_md.index(_SECTION_START)
    end = protocols_md.index(_SECTION_END, start)
    blocks = _JSON_BLOCK.findall(protocols_md[start:end])
    if len(blocks) != 1:
        raise ValueError(f"expected one JSON block in section 5, found {len(blocks)}")
    cases: list[dict[str, Any]] = json.loads(blocks[0])
    return cases


def render(cases: list[dict[str, Any]]) -> str:
    """The committed file's exact text (stable, so the freshness check is a string compare)."""
    return json.dumps(cases, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        sys.exit("usage: python extract_conformance.py <path/to/docs/protocols.md>")
    cases = extract_cases(Path(argv[1]).read_text(encoding="utf-8"))
    CASES_FILE.parent.mkdir(parents=True, exist_ok=True)
    CASES_FILE.write_text(render(cases), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv)
