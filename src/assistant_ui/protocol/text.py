"""The one text buffer: streamed text kept in pieces, joined as JS joins it.

Every streamed text of the library (text and reasoning parts, tool-call
argument text, the AI SDK UIMessage's text and tool input, ``append-text``
state operations) is a :class:`TextBuffer`:

- appending is O(1): a delta is stored as a piece, and the pieces are joined
  only when the text is read, so reading once at the end of a long reply is
  linear in its length;
- joining repairs what UTF-16 servers split. JS strings are UTF-16; a server
  that streams by code unit can send the two halves of one character in two
  deltas (JSON ``"\\ud83d"`` then ``"\\ude00"``). Joined in JS they are one
  character again, while Python would keep two lone surrogates, which cannot
  be encoded as UTF-8 and so could never be sent back. The buffer re-pairs
  them when, and only when, a piece starts with a low surrogate; a truly
  lone surrogate stays as it is (as in JS).

UTF-8 boundaries are not this buffer's concern: framing decodes whole lines
and events, so a multi-byte character cut across network reads is whole
before any text reaches a buffer.
"""

from __future__ import annotations

import re
from typing import Any, Final

__all__ = ["TextBuffer", "copy_json", "join_js"]

_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def join_js(pieces: list[str]) -> str:
    """Joins text pieces as JS string concatenation does (surrogate halves
    in neighbouring pieces become one character)."""
    text = "".join(pieces)
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


# Small pieces are joined into one chunk every this many appends: a long
# reply then holds about one object per this many deltas instead of one per
# delta (a million live small strings slow everything down through memory
# traffic), and each character is copied about twice in all.
_CHUNK_PIECES: Final = 64


class TextBuffer:
    """A string built by appending: pieces, joined (JS-style) on read.

    Args:
        text: the text it starts with.

    Attributes:
        dirty: free for the owner's bookkeeping (set when it appended since
            it last stored the text somewhere); the buffer never reads it.
    """

    __slots__ = ("_generation", "_pieces", "_repair", "_small", "dirty", "length")

    def __init__(self, text: str = "") -> None:
        self.length = len(text)
        """Characters appended so far (a re-paired surrogate pair counts two)."""
        self._pieces: list[str] = [text] if text else []
        self._small = len(self._pieces)  # index of the first piece not yet chunked
        self._repair = False  # a piece starts with a low surrogate: join through UTF-16
        self._generation = 0  # bumped when a read joins the pieces (invalidates marks)
        self.dirty = False

    def append(self, delta: str) -> None:
        """Adds ``delta`` at the end (an empty delta changes nothing)."""
        if delta:
            pieces = self._pieces
            if not self._repair and "\udc00" <= delta[0] <= "\udfff" and pieces:
                self._repair = True  # the piece may finish a surrogate pair
            pieces.append(delta)
            self.length += len(delta)
            if len(pieces) - self._small >= _CHUNK_PIECES:
                # A plain join: repairing surrogates is the same over any
                # grouping of the pieces, so it waits for the read.
                pieces[self._small :] = ["".join(pieces[self._small :])]
                self._small += 1

    def text(self) -> str:
        """The whole text (joined once and kept joined).

        Reading after every append stays linear over a long text when the
        caller holds no other reference to the previous read's string: when
        that string is most of the text, the new pieces are appended to it
        in place (CPython resizes a string that only one name refers to,
        ``s += t``), instead of the whole text being copied on each read.
        Otherwise one join is cheaper (a join and a resize would allocate
        the text twice), and it still copies at most twice what is new.
        """
        pieces = self._pieces
        if len(pieces) > 1:
            if self._repair or 2 * len(pieces[0]) < self.length:
                joined = join_js(pieces) if self._repair else "".join(pieces)
            else:
                joined = pieces[0]
                rest = "".join(pieces[1:])
                pieces.clear()  # `joined` is now the only reference, if no one kept one
                joined += rest
            pieces[:] = [joined]
            self._small = 1
            self._repair = False
            self._generation += 1
        return pieces[0] if pieces else ""

    def __bool__(self) -> bool:
        return bool(self._pieces)

    def mark(self) -> tuple[int, int]:
        """A position to :meth:`truncate` back to (undoing later appends)."""
        return (self._generation, self.length)

    def truncate(self, mark: tuple[int, int]) -> None:
        """Drops what was appended since :meth:`mark` returned ``mark``.

        Raises:
            ValueError: the text was read (joined) since the mark was taken.
        """
        generation, length = mark
        if generation != self._generation:
            raise ValueError("the buffer was joined since this mark was taken")
        # Appends since the mark were not re-paired (only a read repairs,
        # and a read invalidates the mark), so they are `excess` characters.
        pieces = self._pieces
        excess = self.length - length
        while excess > 0:
            last = pieces[-1]
            if len(last) <= excess:
                pieces.pop()
                excess -= len(last)
            else:
                pieces[-1] = last[: len(last) - excess]
                excess = 0
        self.length = length
        self._small = min(self._small, len(pieces))


def copy_json(value: Any) -> Any:
    """A fresh deep copy of a JSON-like value (dicts, lists, scalars).

    Tuples become lists and text buffers their text. Used wherever internal
    state is handed out, so the caller can mutate what it gets without
    touching the original. Several times faster than ``copy.deepcopy``, which
    keeps a memo of every object for cycles that JSON cannot have.
    """
    if isinstance(value, dict):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [copy_json(item) for item in value]
    if isinstance(value, TextBuffer):
        return value.text()
    return value
