"""JSON as the reference reads and writes it (docs/protocols.md §2.1).

- :func:`parse_json` parses like the reference's "secure" parser: no
  ``NaN``/``Infinity``, no prototype-polluting keys.
- :func:`js_json_stringify` writes compact JSON as ``JSON.stringify`` does,
  for the places where the reference turns a parsed value back into text.

Every decoder parses its frames with these two.

Nesting is bounded: a value nested deeper than :data:`MAX_JSON_DEPTH` levels
is refused with a typed :class:`~assistant_ui.errors.StreamDecodeError`
(the stream parser adds the line and offset), never a bare
``RecursionError``. The bound keeps every recursive walk over a decoded
value (copies, conversions, re-encoding) far from Python's recursion limit.

When orjson is installed (the ``fast`` extra), :func:`parse_json` uses it for
the texts where it is known to give exactly what :mod:`json` gives, and
:mod:`json` for the rest (see :func:`parse_json`).
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any, Final

from assistant_ui.errors import StreamDecodeError

_orjson_loads: Callable[[bytes], Any] | None
try:
    from orjson import loads as _orjson_loads
except ImportError:  # the optional `fast` extra is not installed
    _orjson_loads = None

__all__ = [
    "MAX_JSON_DEPTH",
    "NestingDepth",
    "check_json_depth",
    "collector_paused",
    "js_json_stringify",
    "nesting_error",
    "parse_json",
    "parse_json_stdlib",
]

MAX_JSON_DEPTH: Final = 256
"""Deepest nesting of arrays and objects accepted in a frame or a request.

Real replies nest a few levels; JSON ten times deeper than any seen is still
accepted. Deeper values are refused at this bound rather than at Python's
recursion limit, which depends on how deep the caller's stack already is.
"""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_JSON: Final = json.JSONDecoder(parse_constant=_reject_constant)


def _check_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if "__proto__" in obj:
        raise ValueError("__proto__ key")
    ctor = obj.get("constructor")
    if isinstance(ctor, dict) and "prototype" in ctor:
        raise ValueError("constructor.prototype key")
    return obj


_SECURE_JSON: Final = json.JSONDecoder(
    parse_constant=_reject_constant, object_pairs_hook=_check_pairs
)


_OUTSIDE_STRING: Final = re.compile(r'[\[\]{}"]')
_INSIDE_STRING: Final = re.compile(r'["\\]')


class NestingDepth:
    """The nesting depth of JSON text fed in pieces (streamed tool arguments).

    Brackets inside strings do not count; a string or an escape may be cut
    across pieces. Each character is looked at once over all the pieces.

    Raises:
        StreamDecodeError: from :meth:`feed`, once the depth passes ``limit``.
    """

    __slots__ = ("_depth", "_escape", "_in_string", "_limit")

    def __init__(self, limit: int = MAX_JSON_DEPTH) -> None:
        self._limit = limit
        self._depth = 0
        self._in_string = False
        self._escape = False  # the last piece ended with a backslash in a string

    def feed(self, text: str) -> None:
        """Takes the next piece of the text."""
        n = len(text)
        pos = 0
        if self._escape and n:
            self._escape = False
            pos = 1
        depth, in_string, limit = self._depth, self._in_string, self._limit
        while pos < n:
            match = (_INSIDE_STRING if in_string else _OUTSIDE_STRING).search(text, pos)
            if match is None:
                break
            char = match.group()
            pos = match.end()
            if char == '"':
                in_string = not in_string
            elif char == "\\":
                if pos == n:
                    self._escape = True
                pos += 1
            elif char == "[" or char == "{":
                depth += 1
                if depth > limit:
                    raise nesting_error(limit)
            elif depth:
                depth -= 1
        self._depth, self._in_string = depth, in_string


def nesting_error(depth_limit: int = MAX_JSON_DEPTH) -> StreamDecodeError:
    """The error for JSON nested deeper than ``depth_limit`` levels."""
    return StreamDecodeError(f"JSON nested deeper than {depth_limit} levels")


def check_json_depth(text: str, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuses JSON text whose arrays and objects nest deeper than ``limit``.

    Cost: nothing for a text shorter than the limit (it cannot nest that
    deep), two C-speed counts for a longer one, and a token scan only when
    the text holds more brackets than the limit.

    Raises:
        StreamDecodeError: the text nests too deep.
    """
    if len(text) <= limit or text.count("[") + text.count("{") <= limit:
        return
    NestingDepth(limit).feed(text)


# Bytes to b"0" for ASCII digits and b" " otherwise: a run of 19 digits in the
# text becomes a run of 19 b"0" bytes, which `find` finds at C speed.
_DIGIT_MAP: Final = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_LONG_DIGIT_RUN: Final = b"0" * 19


# Frames at least this long skip the bracket count of `_depth_checked`: the
# count would read the whole text for a scan that must run anyway.
_SCAN_MARKS_FROM: Final = 16 * 1024

# `_without_escapes` steps through escapes while they are rarer than one in
# this many bytes: about where a step per escape costs as much as the two
# C-speed replaces cost per byte.
_BYTES_PER_ESCAPE_STEP: Final = 64

# For `_valid_json_depth_exceeds`: keep only quotes and brackets, and write both
# kinds of bracket as one pair (in valid JSON they nest properly, so only
# their depth matters).
_NOT_QUOTE_OR_BRACKET: Final = bytes(range(256)).translate(None, b'"[]{}')
_ONE_BRACKET_KIND: Final = bytes.maketrans(b"[]{}", b"()()")


def _without_escapes(data: bytes) -> bytes:
    """``data`` with the escapes that could fool the string and bracket
    passes gone: what is left of each string is delimited by its quotes.

    Two ways to that, picked by how many backslashes there are. With few,
    a split on them and a step per escape drops each backslash with the
    byte it escapes (the hex digits of ``\\uXXXX`` stay, harmless inside a
    string); two-byte searches would read the whole frame twice, at a
    fraction of the speed of a one-byte search (0.19 against 0.61 ms for a
    300 KB tool result). With many (text written as ``\\uXXXX``), the
    steps would cost more than the reads, so escaped backslashes and then
    escaped quotes are replaced at C speed (1.7 against 20 ms for 1 MB of
    escaped Japanese text).
    """
    if data.count(b"\\") * _BYTES_PER_ESCAPE_STEP > len(data):
        return data.replace(b"\\\\", b"").replace(b'\\"', b"")
    pieces = data.split(b"\\")
    kept = [pieces[0]]
    escaped = False  # this piece follows an escaped backslash
    for piece in islice(pieces, 1, None):
        if escaped:
            kept.append(piece)
            escaped = False
        elif piece:
            kept.append(piece[1:])
        else:  # two backslashes in a row: an escaped backslash
            escaped = True
    return b"".join(kept)


def _valid_json_depth_exceeds(data: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the arrays and objects of ``data``, a text that just parsed as
    JSON, nest deeper than ``limit`` (what :func:`check_json_depth` says).

    Only for valid JSON, where escapes, strings and brackets are well
    formed. Nearly every step is a C-speed pass over bytes, so a 300 KB tool
    result costs about half its parse with orjson (a walk over the parsed
    value cost more than the parse: one Python step and one tuple per
    container):

    1. drop every escape (see :func:`_without_escapes`): what is left of
       each string is delimited by its two quotes;
    2. keep only quotes and brackets, both kinds of bracket as ``()``; with
       no more opening marks than ``limit`` it cannot nest deeper;
    3. drop the strings: when every string is left empty (``""``) the
       quotes pair up in place; otherwise split on the quotes;
    4. peel the innermost pairs: each pass of ``replace("()", "")`` removes
       one level, so the number of passes is the depth (at most ``limit``
       + 1 passes, each over a shrinking text).
    """
    if b"\\" in data:
        data = _without_escapes(data)
    marks = data.translate(_ONE_BRACKET_KIND, _NOT_QUOTE_OR_BRACKET)
    if marks.count(b"(") <= limit:
        return False
    quotes = marks.count(b'"')
    if marks.count(b'""') * 2 == quotes:
        # The runs of quotes all pair up, so no string held a bracket (a
        # string whose brackets survived would leave a run of odd length).
        # (Deleting by translate: replace with b"" took 20 times as long.)
        brackets = marks.translate(None, b'"') if quotes else marks
    else:
        brackets = b"".join(marks.split(b'"')[::2])
    depth = 0
    while brackets:
        depth += 1
        if depth > limit:
            return True
        brackets = brackets.replace(b"()", b"")
    return False


# Frames at least this long are parsed with the cyclic GC paused (see
# `_parse_paused`).
_PAUSE_GC_FROM: Final = 64 * 1024


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pauses the cyclic garbage collector for a bounded piece of decoding.

    For work that builds new containers and keeps them: none of them can be
    garbage before it ends, so a collection during it only walks objects.
    Those walks are what make large JSON slow: a 256 KiB tool result makes
    thousands of lists and dicts, which trigger collections, and once
    earlier results are kept in the message each full collection walks all
    of them again. Collection resumes when the block ends (garbage made
    meanwhile is found by the next collection). If the collector was
    already disabled (by the application, an outer pause, or another
    thread in here), it is left so.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _parse_paused(parse: Callable[[str], Any], text: str) -> Any:
    """``parse(text)`` under :func:`collector_paused` (2.5 of the 2.7 s of
    decoding 60 MB of tool results were collections before it)."""
    with collector_paused():
        return parse(text)


def _depth_checked(parse: Callable[[str], Any], text: str) -> Any:
    """``parse(text)`` under the :data:`MAX_JSON_DEPTH` bound: the same
    outcome as checking the depth first, but a text with many brackets is
    parsed first and the depth measured afterwards on its (then known to be
    valid) text; a text that fails to parse gets the exact scan."""
    # Counting brackets first spares most frames the scan; a long frame goes
    # straight to it, which counts on the much shorter text of its marks.
    deep = len(text) > MAX_JSON_DEPTH and (
        len(text) >= _SCAN_MARKS_FROM or text.count("[") + text.count("{") > MAX_JSON_DEPTH
    )
    try:
        value = _parse_paused(parse, text) if len(text) >= _PAUSE_GC_FROM else parse(text)
    except (ValueError, RecursionError):
        if deep:
            check_json_depth(text)
        raise
    if deep and _valid_json_depth_exceeds(text.encode("utf-8", "surrogatepass")):
        raise nesting_error(MAX_JSON_DEPTH)
    return value


def _parse_stdlib(text: str) -> Any:
    if "__proto__" in text or "constructor" in text:
        return _SECURE_JSON.decode(text)
    return _JSON.decode(text)


def _parse_fast(text: str) -> Any:
    if "__proto__" in text or "constructor" in text:
        return _SECURE_JSON.decode(text)
    if _orjson_loads is not None:
        data = text.encode("utf-8", "surrogatepass")
        # find, not `in`: bytes.__contains__ first tries its argument as an
        # int and pays for the TypeError, which was a third of this parse.
        if data.translate(_DIGIT_MAP).find(_LONG_DIGIT_RUN) < 0:
            try:
                return _orjson_loads(data)
            except ValueError:
                pass  # json decides: it accepts some of what orjson refuses
    return _JSON.decode(text)


def parse_json_stdlib(text: str) -> Any:
    """:func:`parse_json` with the standard :mod:`json` only: the reference
    result every faster path must equal."""
    return _depth_checked(_parse_stdlib, text)


def parse_json(text: str) -> Any:
    """Parses one JSON value as the reference's "secure" parser does.

    ``NaN``/``Infinity`` (which Python would accept) and prototype-polluting
    keys (docs/protocols.md §2.1) are refused. The pair hook is only paid for when
    such a key could be present at all.

    With orjson installed, it parses what it gives the same value for, and
    :mod:`json` the rest, so the result never depends on whether it is
    installed: texts with a run of 19 or more digits (orjson turns integers
    beyond 64 bits into floats) and texts orjson refuses (lone surrogates,
    numbers beyond the float range, which :mod:`json` reads as infinity, and
    everything invalid, for :mod:`json` to accept or reject with its own
    error) go to :mod:`json`.

    Raises:
        ValueError: when the text is not acceptable JSON.
        StreamDecodeError: the text nests deeper than :data:`MAX_JSON_DEPTH`
            (not a ``ValueError``: a lenient decoder must not drop it as
            merely malformed).
    """
    if len(text) <= MAX_JSON_DEPTH:
        # Nearly every frame: too short to nest too deep, or to pause the GC for.
        return _parse_fast(text)
    return _depth_checked(_parse_fast, text)


def _js_compatible(value: Any) -> Any:
    # JSON.stringify writes integral numbers without ".0" (below 1e21).
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return int(value)
        return value
    if isinstance(value, dict):
        return {k: _js_compatible(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_js_compatible(v) for v in value]
    return value


# A surrogate code point without its partner. A Python str may hold a high
# and a low surrogate side by side (two code points); in a JS string those
# are one well-formed pair, which JSON.stringify writes raw.
_LONE_SURROGATE: Final = re.compile(
    r"[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]"
)


def _escape_surrogate(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def js_json_stringify(value: Any) -> str:
    """Compact JSON as ``JSON.stringify`` writes it (used where the reference
    turns a parsed value back into text: ``9:`` arguments, odd ``3:``
    payloads).

    Non-ASCII text stays raw, except lone surrogates, which are escaped in
    lowercase hex (``"\\ud83d"``) as well-formed ``JSON.stringify`` does, so
    the text is valid UTF-8 again."""
    text = json.dumps(_js_compatible(value), separators=(",", ":"), ensure_ascii=False)
    if text.isascii():
        return text
    return _LONE_SURROGATE.sub(_escape_surrogate, text)
