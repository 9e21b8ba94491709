"""Decoder for plain text replies (docs/protocols.md §2.5).

The whole body is assistant text: no framing and no finish signal. As in the
reference, the first piece of text opens one text part in append mode, every
piece is a delta of it, and the end of the body finishes it. Empty pieces
(an incremental UTF-8 decoder returns one while a character is still cut in
half) produce nothing, so no event depends on how the bytes were split
beyond how the text is cut into deltas.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from assistant_ui.protocol.events import Event, PartFinish, PartStart, TextDelta
from assistant_ui.protocol.leniency import WarningSink

__all__ = ["PlainTextDecoder", "claims_line"]


class PlainTextDecoder:
    """Turns raw text into one text part.

    Args:
        strict: accepted for a uniform decoder signature; plain text has
            nothing to be strict about.
        warnings: accepted for a uniform decoder signature (never used).
    """

    encoding: ClassVar[str] = "plain-text"
    framing: ClassVar[Literal["text"]] = "text"

    __slots__ = ("_open", "_strict", "warnings")

    def __init__(self, *, strict: bool = False, warnings: WarningSink | None = None) -> None:
        self._strict = strict
        self.warnings = warnings if warnings is not None else WarningSink()
        self._open = False

    def decode_text(self, text: str) -> list[Event]:
        """Events for one piece of text."""
        if not text:
            return []
        if self._open:
            return [TextDelta(text_delta=text, path=(0,))]
        self._open = True
        return [PartStart(part={"type": "text"}), TextDelta(text_delta=text, path=(0,))]

    def end(self) -> list[Event]:
        """Finishes the text part, if any text arrived."""
        if not self._open:
            return []
        self._open = False
        return [PartFinish(path=(0,))]


def claims_line(line: str, complete: bool) -> bool:
    """Plain text takes any body: it is the last line encoding tried."""
    return True
