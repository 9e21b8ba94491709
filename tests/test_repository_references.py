"""Every file a docstring or comment in the library cites is in the repository,
and every section of docs/protocols.md it cites exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_FILE = re.compile(r"(?<![\w/.-])((?:[\w-]+/)*[\w-]+\.(?:md|json|txt|toml))\b")
_SECTION = re.compile(r"docs/protocols\.md §(\d+(?:\.\d+)*)")
_HEADING = re.compile(r"^#+ (\d+(?:\.\d+)*)\.? ", re.M)


def _sources() -> list[Path]:
    return sorted((ROOT / "src").rglob("*.py"))


def test_cited_files_exist() -> None:
    missing = set()
    for path in _sources():
        for name in _FILE.findall(path.read_text(encoding="utf-8")):
            if name.endswith((".md", ".toml")) and not (ROOT / name).exists():
                missing.add(f"{path.relative_to(ROOT)}: {name}")
    assert not missing, sorted(missing)


def test_cited_protocol_sections_exist() -> None:
    headings = set(_HEADING.findall((ROOT / "docs" / "protocols.md").read_text(encoding="utf-8")))
    cited = {
        (str(path.relative_to(ROOT)), section)
        for path in _sources()
        for section in _SECTION.findall(path.read_text(encoding="utf-8"))
    }
    assert cited, "no section is cited: the pattern is wrong"
    unknown = sorted((where, s) for where, s in cited if s not in headings)
    assert not unknown, unknown
