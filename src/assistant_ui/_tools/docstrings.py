"""Tool and argument descriptions from a function's docstring
(docs/protocols.md §1.7), in Google, NumPy or reST style, read by
``docstring-parser``, which detects the style."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import docstring_parser

__all__ = ["Docstring", "parse_docstring"]


@dataclass(frozen=True, slots=True)
class Docstring:
    """What a tool definition takes from a docstring.

    Attributes:
        description: the short and the long description, one paragraph per
            blank-line-separated block, each on one line.
        params: the description of each documented parameter, by name.
    """

    description: str = ""
    params: dict[str, str] = field(default_factory=dict)


def parse_docstring(doc: str) -> Docstring:
    """The description and parameter descriptions of ``doc`` (a cleaned
    docstring, as :func:`inspect.getdoc` returns)."""
    if not doc.strip():
        return Docstring()
    try:
        parsed = docstring_parser.parse(doc)
    except docstring_parser.ParseError:
        # A docstring no style reads is still a description.
        return Docstring(_paragraphs(doc))
    short = parsed.short_description or ""
    long = parsed.long_description or ""
    # A summary wrapped over two lines is parsed as a short and a long
    # description with no blank line between: it is one paragraph.
    joiner = "\n\n" if parsed.blank_after_short_description else "\n"
    text = joiner.join(part for part in (short, long) if part)
    params = {
        p.arg_name: " ".join(p.description.split())
        for p in parsed.params
        if p.description and p.arg_name.isidentifier()
    }
    return Docstring(_paragraphs(text), params)


def _paragraphs(text: str) -> str:
    # Models read prose: hard line breaks inside a paragraph only add noise.
    blocks = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(block.split()) for block in blocks if block.strip())
