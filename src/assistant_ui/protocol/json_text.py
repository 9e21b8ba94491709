"""JSON as the reference reads and writes it (PROTOCOLS.md 2.1).

- :func:`parse_json` parses like the reference's "secure" parser: no
  ``NaN``/``Infinity``, no prototype-polluting keys.
- :func:`js_json_stringify` writes compact JSON as ``JSON.stringify`` does,
  for the places where the reference turns a parsed value back into text.

Every decoder parses its frames with these two.

When orjson is installed (the ``fast`` extra), :func:`parse_json` uses it for
the texts where it is known to give exactly what :mod:`json` gives, and
:mod:`json` for the rest (see :func:`parse_json`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, Final

_orjson_loads: Callable[[bytes], Any] | None
try:
    from orjson import loads as _orjson_loads
except ImportError:  # the optional `fast` extra is not installed
    _orjson_loads = None

__all__ = ["js_json_stringify", "parse_json", "parse_json_stdlib"]


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


# Bytes to b"0" for ASCII digits and b" " otherwise: a run of 19 digits in the
# text becomes a run of 19 b"0" bytes, which `in` finds at C speed.
_DIGIT_MAP: Final = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_LONG_DIGIT_RUN: Final = b"0" * 19


def parse_json_stdlib(text: str) -> Any:
    """:func:`parse_json` with the standard :mod:`json` only: the reference
    result every faster path must equal."""
    if "__proto__" in text or "constructor" in text:
        return _SECURE_JSON.decode(text)
    return _JSON.decode(text)


def parse_json(text: str) -> Any:
    """Parses one JSON value as the reference's "secure" parser does.

    ``NaN``/``Infinity`` (which Python would accept) and prototype-polluting
    keys (PROTOCOLS.md 2.1) are refused. The pair hook is only paid for when
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
    """
    if "__proto__" in text or "constructor" in text:
        return _SECURE_JSON.decode(text)
    if _orjson_loads is not None:
        data = text.encode("utf-8", "surrogatepass")
        if _LONG_DIGIT_RUN not in data.translate(_DIGIT_MAP):
            try:
                return _orjson_loads(data)
            except ValueError:
                pass  # json decides: it accepts some of what orjson refuses
    return _JSON.decode(text)


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
