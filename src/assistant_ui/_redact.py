"""The one redaction helper: credentials never appear in what we show.

Everything the library turns into text for people (exception messages and
attributes, reprs, log records, ``aui`` output) passes URLs through
:func:`redact_url` and headers through :func:`redact_headers`, and scrubs
free text that may quote a request (an httpx error message, an error body)
with :func:`scrub` and the secrets :func:`secrets_of` found in that request.

What counts as a secret:

- the userinfo of a URL (``https://user:pass@host``);
- the value of a query parameter whose name looks like a credential
  (``api_key``, ``token``, ``sig`` ... see :data:`SENSITIVE_NAME`);
- the value of a header whose name looks like one (``Authorization``,
  ``Cookie``, ``X-API-Key`` ...), and each word of it (the token of
  ``Bearer <token>``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final
from urllib.parse import unquote, unquote_plus, urlsplit, urlunsplit

__all__ = [
    "REDACTED",
    "SENSITIVE_NAME",
    "redact_headers",
    "redact_url",
    "scrub",
    "secrets_of",
    "split_userinfo",
]

REDACTED: Final = "[redacted]"

SENSITIVE_NAME: Final = re.compile(
    r"auth|cookie|token|key|secret|passw|pwd|session|sig|credential|bearer|jwt",
    re.IGNORECASE,
)
"""Header and query-parameter names whose values are credentials."""

# Shorter values are not scrubbed from free text: replacing every "ab" in a
# message would garble it and protects nothing.
_MIN_SECRET: Final = 4


def redact_url(url: object) -> str:
    """The URL as text, without userinfo and with credential-like query values
    replaced by ``[redacted]``. Accepts ``str`` or ``httpx.URL``; a relative
    URL or a path is handled the same way."""
    text = str(url)
    try:
        parts = urlsplit(text)
    except ValueError:
        return _strip_userinfo(text)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rpartition('@')[2]}"
    query = parts.query
    if query and SENSITIVE_NAME.search(query):
        query = "&".join(_redact_pair(pair) for pair in query.split("&"))
    if netloc == parts.netloc and query == parts.query:
        return text
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _redact_pair(pair: str) -> str:
    name, sep, _ = pair.partition("=")
    if sep and SENSITIVE_NAME.search(unquote(name)):
        return f"{name}={REDACTED}"
    return pair


_USERINFO: Final = re.compile(r"(?<=://)[^/@\s]*@")


def _strip_userinfo(text: str) -> str:
    return _USERINFO.sub(f"{REDACTED}@", text)


Headers = Mapping[Any, Any] | Iterable[tuple[Any, Any]]


def redact_headers(headers: Headers) -> dict[Any, Any]:
    """A copy of ``headers`` with credential-like values replaced."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {
        name: REDACTED if SENSITIVE_NAME.search(_text(name)) else value for name, value in items
    }


def secrets_of(url: object = None, headers: Headers | None = None) -> list[str]:
    """The secrets a request carries (see the module docstring), longest
    first, for :func:`scrub`."""
    found: set[str] = set()
    if url is not None:
        text = str(url)
        try:
            parts = urlsplit(text)
        except ValueError:
            parts = None
        if parts is not None:
            userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
            for piece in (userinfo, *userinfo.split(":")):
                found.update((piece, unquote(piece)))
            for pair in parts.query.split("&"):
                name, _, value = pair.partition("=")
                if SENSITIVE_NAME.search(unquote_plus(name)):
                    # As written, and as a server or httpx may show it decoded.
                    found.update((value, unquote(value), unquote_plus(value)))
    if headers is not None:
        items = headers.items() if isinstance(headers, Mapping) else headers
        for name, value in items:
            if SENSITIVE_NAME.search(_text(name)):
                value = _text(value)
                found.add(value)
                found.update(value.split())
    return sorted((s for s in found if len(s) >= _MIN_SECRET), key=len, reverse=True)


def _text(value: Any) -> str:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")
    return str(value)


def split_userinfo(url: str) -> tuple[str, str | None, str | None]:
    """``url`` without its userinfo, and the (percent-decoded) user name and
    password it held (``None`` when it had none)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    bare = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return bare, unquote(user), unquote(password)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret, and its ``repr`` form (as an error message
    quoting ``b'Bearer x\\n'`` shows it), replaced by ``[redacted]``; URLs
    in it lose their userinfo."""
    for secret in secrets:
        for form in (secret, repr(secret)[1:-1]):
            if form in text:
                text = text.replace(form, REDACTED)
    return _strip_userinfo(text) if "@" in text else text
