"""Best-effort parse of incomplete JSON: streamed tool-call arguments.

Strategy (docs/protocols.md §3.5): first try a standard parse of the whole text
(only when it ends like an object or array can); if that fails, *repair*
the text and parse again. Only an object or an array
counts as a value; anything else (a string, a number, ``null``, garbage)
gives no value, and the caller keeps the arguments it had.

The repair is one left-to-right scan that tracks what is open (strings,
objects, arrays, literals, numbers) on a stack and remembers the last
position after which the prefix can still be completed into valid JSON.
The text is cut there and the closers of everything still open are
appended, innermost first. Positions that count: the opening ``"``, ``{``,
``[``, a digit, the first letter of a literal; every character of a string
value (an escape only once complete); every digit of a number; every letter
of a literal that is still a prefix of ``true``/``false``/``null``; a
closing ``"``, ``}`` or ``]``. Keys, colons, commas and whitespace never
count, so a dangling key is dropped with everything after the last value.

The scan mirrors the reference repair step for step, including how it
skips characters it does not expect (they are *not* validated: the final
standard parse rejects them), so garbage gives the same verdict as in the
reference. Runs of ordinary characters (string bodies, number digits,
skipped characters) are consumed with one regex call each, so the Python
loop turns once per JSON token, not once per character, and the whole scan
is linear.

One documented difference: the reference parses with a "secure" JSON
parser that rejects the key ``__proto__`` (and ``constructor.prototype``),
giving no value. Python objects have no prototype to poison, so this module
accepts such keys as ordinary data (docs/protocols.md allows it).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Final

from assistant_ui.protocol.json_text import MAX_JSON_DEPTH, check_json_depth, nesting_error

__all__ = ["parse_partial_json", "parse_partial_json_value"]


def _reject_constant(name: str) -> Any:
    # JSON has no NaN or Infinity; Python's json module accepts them by default.
    raise ValueError(f"invalid JSON constant {name}")


def _parse_float(text: str) -> float | None:
    # JS reads 1e400 as Infinity, which its JSON output writes as null; a
    # Python inf would make the message invalid JSON.
    value = float(text)
    return value if math.isfinite(value) else None


_DECODER: Final = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_parse_float)
_JSON_WHITESPACE: Final = " \t\n\r"


def _loads(text: str, *, depth_checked: bool = False) -> tuple[Any, bool]:
    # The depth bound first: past it the C decoder would recurse into a bare
    # RecursionError (or, below Python's limit, hand out a value too deep for
    # the recursive walks downstream).
    if not depth_checked:
        check_json_depth(text)
    try:
        return _DECODER.decode(text), True
    except ValueError:
        return None, False


def parse_partial_json(text: str) -> tuple[Any, bool]:
    """Parses possibly incomplete JSON text into an object or an array.

    Args:
        text: the argument text received so far.

    Returns:
        ``(value, True)`` when the text (completed if needed) is a JSON
        object or array; ``({}, True)`` for the empty text; ``(None, False)``
        when there is no such value (whitespace only, a scalar, or text the
        repair cannot turn into valid JSON).

    Raises:
        StreamDecodeError: the text nests deeper than
            :data:`~assistant_ui.protocol.json_text.MAX_JSON_DEPTH`.
    """
    completed = PartialJSONCompleter().complete(text)
    return (completed[1], True) if completed is not None else (None, False)


def parse_partial_json_value(text: str) -> tuple[Any, bool]:
    """Parses possibly incomplete JSON text into any JSON value, as the AI
    SDK's ``parsePartialJson`` does for a UIMessage's streaming tool input.

    Unlike :func:`parse_partial_json`, a scalar counts (``'tru'`` gives
    ``True``, ``'"a":[1,'`` gives ``"a"``: the top-level string is complete
    and the rest is ignored), and the empty text gives no value. Its repair
    also skips non-hex characters inside a string value's ``\\u`` escape.

    Returns:
        ``(value, True)``, or ``(None, False)`` when there is no value.

    Raises:
        StreamDecodeError: the text nests deeper than
            :data:`~assistant_ui.protocol.json_text.MAX_JSON_DEPTH`.
    """
    value, ok = _loads(text)
    if ok:
        return value, True
    repaired = _Scanner(swallow_non_hex=True).repaired(text)
    if repaired is None:
        return None, False
    return _loads(repaired)


class PartialJSONCompleter:
    """:func:`parse_partial_json` for a text that only grows.

    The repair scan resumes where the previous call stopped, so feeding a
    text of n characters in k growing steps scans it once (O(n) in total),
    plus one C-speed standard parse per call.

    Example::

        completer = PartialJSONCompleter()
        completer.complete('{"city": "Ber')  # ('{"city": "Ber"}', {"city": "Ber"})
        completer.complete('{"city": "Berlin"')

    Args:
        depth_checked: the caller already bounds the text's nesting (the
            accumulator tracks it as deltas arrive), so the standard parse
            skips that check; the repair scan bounds it either way.

    Raises:
        StreamDecodeError: from :meth:`complete`, when the text nests deeper
            than :data:`~assistant_ui.protocol.json_text.MAX_JSON_DEPTH`.
    """

    __slots__ = ("_depth_checked", "_scanner")

    def __init__(self, *, depth_checked: bool = False) -> None:
        self._scanner = _Scanner()
        self._depth_checked = depth_checked

    def complete(self, text: str) -> tuple[str, Any] | None:
        """The value of ``text`` and a JSON text that decodes to it.

        Args:
            text: the whole text so far; it must extend the text of the
                previous call on this object.

        Returns:
            ``(json_text, value)`` where ``value`` is an object or array and
            ``json_text`` decodes to an equal value, or ``None`` when there
            is no value.
        """
        if not text:
            return "{}", {}
        # The reference tries a standard parse of the whole text first. The
        # repair of a complete text cuts only trailing whitespace and closes
        # nothing, so it gives the same value; we try the (C-speed) standard
        # parse only when the text may be a complete object or array, and
        # otherwise go straight to the (Python) repair scan.
        end = len(text) - 1
        while end >= 0 and text[end] in _JSON_WHITESPACE:
            end -= 1
        if text[end] in "}]":
            value, ok = _loads(text, depth_checked=self._depth_checked)
            if ok and isinstance(value, (dict, list)):
                return text, value
        repaired = self._scanner.repaired(text)
        if repaired is None:
            return None
        # The repair scan refused anything too deep: the repaired text is not.
        value, ok = _loads(repaired, depth_checked=True)
        if ok and isinstance(value, (dict, list)):
            return repaired, value
        return None


# Scanner states (what the innermost open construct expects next).
_ROOT: Final = 0
_FINISH: Final = 1  # the top-level value is complete: ignore the rest
_OBJ_START: Final = 2  # after "{": a key or "}"
_OBJ_AFTER_COMMA: Final = 3  # a key
_OBJ_KEY: Final = 4  # inside a key string
_OBJ_AFTER_KEY: Final = 5  # waiting for ":"
_OBJ_BEFORE_VALUE: Final = 6
_OBJ_AFTER_VALUE: Final = 7  # "," or "}"
_ARR_START: Final = 8  # after "[": a value or "]"
_ARR_AFTER_VALUE: Final = 9  # "," or "]"
_ARR_AFTER_COMMA: Final = 10  # a value
_STRING: Final = 11  # inside a string value
_NUMBER: Final = 12
_LITERAL: Final = 13

_OBJECT_STATES: Final = frozenset(
    {_OBJ_START, _OBJ_AFTER_COMMA, _OBJ_KEY, _OBJ_AFTER_KEY, _OBJ_BEFORE_VALUE, _OBJ_AFTER_VALUE}
)
_ARRAY_STATES: Final = frozenset({_ARR_START, _ARR_AFTER_VALUE, _ARR_AFTER_COMMA})
_LITERALS: Final = {"t": "true", "f": "false", "n": "null"}

_VALUE_START: Final = re.compile(r'["{\[0-9tfn-]')
_VALUE_START_OR_CLOSE: Final = re.compile(r'["{\[0-9tfn\]-]')
_KEY_OR_CLOSE: Final = re.compile(r'["}]')
_STRING_SPECIAL: Final = re.compile(r'["\\]')
_COMMA_OR_BRACE: Final = re.compile(r"[,}]")
_COMMA_OR_BRACKET: Final = re.compile(r"[,\]]")
_NUMBER_RUN: Final = re.compile(r"[0-9eE+.-]*")
_HEX_UP_TO_4: Final = re.compile(r"[0-9a-fA-F]{0,4}")
_FOUR_HEX_AMONG_OTHERS: Final = re.compile(r"(?:[^0-9a-fA-F]*[0-9a-fA-F]){4}")


class _Scanner:
    """The repair scan, resumable: state is kept between calls."""

    __slots__ = (
        "dead",
        "key_end",
        "key_start",
        "last",
        "literal_start",
        "pos",
        "stack",
        "swallow_non_hex",
    )

    def __init__(self, *, swallow_non_hex: bool = False) -> None:
        # The AI SDK's repair differs from the reference's in one place: a
        # non-hex character inside a string value's \u escape is skipped.
        self.swallow_non_hex = swallow_non_hex
        self.stack = [_ROOT]
        self.last = -1  # index of the last character that keeps the prefix completable
        self.literal_start = 0
        self.key_start = self.key_end = 0  # span of the last object key's raw text
        self.pos = 0  # next character to look at
        self.dead = False  # the reference gives up on this text and all longer ones

    def repaired(self, text: str) -> str | None:
        """``text`` cut at its last completable position, plus closers
        (``None`` where the reference's repair fails outright)."""
        if not self.dead:
            self._scan(text)
        if self.dead:
            return None
        n = len(text)
        closers: list[str] = []
        for state in reversed(self.stack):
            if state == _STRING:
                closers.append('"')
            elif state in _OBJECT_STATES:
                closers.append("}")
            elif state in _ARRAY_STATES:
                closers.append("]")
            elif state == _LITERAL:
                word = _LITERALS[text[self.literal_start]]
                closers.append(word[n - self.literal_start :])
        return text[: self.last + 1] + "".join(closers)

    def _scan(self, text: str) -> None:
        n = len(text)
        stack = self.stack
        last = self.last
        literal_start = self.literal_start
        key_start, key_end = self.key_start, self.key_end
        pos = self.pos
        # Every exit from this loop leaves ``pos`` where scanning must resume
        # when more text arrives (at an unfinished escape, say), so that a
        # text scanned in steps ends in the same state as scanned at once.
        while pos < n:
            state = stack[-1]
            if state in (_ROOT, _OBJ_BEFORE_VALUE, _ARR_AFTER_COMMA, _ARR_START):
                pattern = _VALUE_START_OR_CLOSE if state == _ARR_START else _VALUE_START
                m = pattern.search(text, pos)
                if m is None:
                    pos = n  # characters that start nothing are skipped
                    break
                i = m.start()
                char = text[i]
                if char == "]":  # only matched in _ARR_START
                    last = i
                    stack.pop()
                    pos = i + 1
                    continue
                if (
                    char == "-"
                    and state == _OBJ_BEFORE_VALUE
                    and not _valid_key(text, key_start, key_end)
                ):
                    # The reference decodes the key here (it tracks the path
                    # of the partial value) and gives up on a key that is not
                    # a valid JSON string. Any other value start keeps the key
                    # in the cut text, where the final parse rejects it anyway.
                    self.dead = True
                    return
                # The container (or root) now waits for what follows this value.
                stack[-1] = (
                    _FINISH
                    if state == _ROOT
                    else _OBJ_AFTER_VALUE
                    if state == _OBJ_BEFORE_VALUE
                    else _ARR_AFTER_VALUE
                )
                if char == "-" or "0" <= char <= "9":
                    stack.append(_NUMBER)
                    pos = i  # the number run below includes this character
                    continue
                last = i
                pos = i + 1
                if char == '"':
                    stack.append(_STRING)
                elif char == "{" or char == "[":
                    # The stack holds the root and one state per open value.
                    if len(stack) > MAX_JSON_DEPTH:
                        raise nesting_error()
                    stack.append(_OBJ_START if char == "{" else _ARR_START)
                else:
                    stack.append(_LITERAL)
                    literal_start = i
            elif state == _STRING:
                m = _STRING_SPECIAL.search(text, pos)
                if m is None:
                    last = n - 1
                    pos = n
                    break
                i = m.start()
                if i > pos:
                    last = i - 1
                if text[i] == '"':
                    last = i
                    stack.pop()
                    pos = i + 1
                elif i + 1 >= n:
                    pos = i  # a backslash at the end: decide when more arrives
                    break
                elif text[i + 1] != "u":
                    last = i + 1
                    pos = i + 2
                else:
                    hex_digits = _HEX_UP_TO_4.match(text, i + 2).end() - (i + 2)  # type: ignore[union-attr]
                    if hex_digits == 4:
                        last = i + 5
                        pos = i + 6
                    elif i + 2 + hex_digits >= n:
                        pos = i  # an unfinished \\u escape at the end
                        break
                    elif self.swallow_non_hex:
                        # The AI SDK's repair stays in the escape, skipping
                        # anything but hex digits until it has four.
                        found = _FOUR_HEX_AMONG_OTHERS.match(text, i + 2)
                        if found is None:
                            pos = i  # decide when more arrives
                            break
                        last = found.end() - 1
                        pos = found.end()
                    else:
                        # Cut short by a non-hex character, which is then
                        # read as string content.
                        pos = i + 2 + hex_digits
            elif state == _NUMBER:
                end = _NUMBER_RUN.match(text, pos).end()  # type: ignore[union-attr]
                digits_end = len(text[pos:end].rstrip("eE+-."))
                if digits_end:
                    last = pos + digits_end - 1
                pos = end
                if end >= n:
                    break
                # The first character after the number ends it and is consumed.
                stack.pop()
                last = _close_position(stack, text[end], end, last)
                _after_value(stack, text[end])
                pos = end + 1
            elif state == _LITERAL:
                word = _LITERALS[text[literal_start]]
                matched = pos - literal_start
                while pos < n and matched < len(word) and text[pos] == word[matched]:
                    last = pos
                    pos += 1
                    matched += 1
                if pos >= n:
                    break
                stack.pop()
                last = _close_position(stack, text[pos], pos, last)
                _after_value(stack, text[pos])
                pos += 1
            elif state == _OBJ_START:
                m = _KEY_OR_CLOSE.search(text, pos)
                if m is None:
                    pos = n
                    break
                i = m.start()
                if text[i] == '"':
                    stack[-1] = _OBJ_KEY
                    key_start = i + 1
                else:
                    last = i
                    stack.pop()
                pos = i + 1
            elif state == _OBJ_AFTER_COMMA:
                i = text.find('"', pos)
                if i < 0:
                    pos = n
                    break
                stack[-1] = _OBJ_KEY
                key_start = pos = i + 1
            elif state == _OBJ_KEY:
                m = _STRING_SPECIAL.search(text, pos)
                if m is None:
                    pos = n
                    break
                i = m.start()
                if text[i] == '"':
                    stack[-1] = _OBJ_AFTER_KEY
                    key_end = i
                    pos = i + 1
                else:
                    pos = i + 2  # an escape: the next character cannot end the key
            elif state == _OBJ_AFTER_KEY:
                i = text.find(":", pos)
                if i < 0:
                    pos = n
                    break
                stack[-1] = _OBJ_BEFORE_VALUE
                pos = i + 1
            elif state == _OBJ_AFTER_VALUE:
                m = _COMMA_OR_BRACE.search(text, pos)
                if m is None:
                    pos = n
                    break
                i = m.start()
                if text[i] == ",":
                    stack[-1] = _OBJ_AFTER_COMMA
                else:
                    last = i
                    stack.pop()
                pos = i + 1
            elif state == _ARR_AFTER_VALUE:
                m = _COMMA_OR_BRACKET.search(text, pos)
                if m is None:
                    # The reference counts any other character here as
                    # completable (harmless for whitespace; garbage then
                    # fails the final parse).
                    if pos < n:
                        last = n - 1
                    pos = n
                    break
                i = m.start()
                if i > pos:
                    last = i - 1
                if text[i] == ",":
                    stack[-1] = _ARR_AFTER_COMMA
                else:
                    last = i
                    stack.pop()
                pos = i + 1
            else:  # _FINISH: text after a complete top-level value is ignored
                pos = n
                break
        self.last = last
        self.literal_start = literal_start
        self.key_start, self.key_end = key_start, key_end
        self.pos = pos


def _valid_key(text: str, start: int, end: int) -> bool:
    return _loads(f'"{text[start:end]}"')[1]


def _close_position(stack: list[int], char: str, index: int, last: int) -> int:
    """``last`` after ``char`` ends a number or literal (before the state change)."""
    top = stack[-1]
    if (char == "}" and top == _OBJ_AFTER_VALUE) or (char == "]" and top == _ARR_AFTER_VALUE):
        return index
    return last


def _after_value(stack: list[int], char: str) -> None:
    """Applies the character that ended a number or literal to its container."""
    top = stack[-1]
    if top == _OBJ_AFTER_VALUE:
        if char == ",":
            stack[-1] = _OBJ_AFTER_COMMA
        elif char == "}":
            stack.pop()
    elif top == _ARR_AFTER_VALUE:
        if char == ",":
            stack[-1] = _ARR_AFTER_COMMA
        elif char == "]":
            stack.pop()
