"""The resume request's URL (docs/protocols.md §4.2), safe from the ids a server sends.

A stream id comes from the ``x-resumable-stream-id`` header of a reply, so a
hostile server chooses it. Put into the path unescaped, ``../../admin`` or
``x?y`` would steer the resume request to another endpoint. Here an id is one
path segment: ids holding ``/``, ``\\``, a dot segment or a control
character are refused, everything else is percent-quoted, and a resume URL
never leaves the configured origin.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import quote

import httpx

from assistant_ui._redact import redact_url
from assistant_ui.errors import InvalidRequestError

__all__ = ["check_same_origin", "resume_url", "validate_stream_id"]

# C0 controls, DEL and C1 controls; slashes (either kind) split segments.
_REFUSED: Final = re.compile(r"[\x00-\x1f\x7f-\x9f/\\]")


def validate_stream_id(stream_id: object) -> str:
    """The id, if it can be one path segment.

    Raises:
        InvalidRequestError: not a non-empty string, or it holds ``/``,
            ``\\``, a control character, or is ``.`` or ``..`` (or contains
            ``..``).
    """
    if not isinstance(stream_id, str) or not stream_id:
        raise InvalidRequestError(
            f"must be a non-empty string, got {type(stream_id).__name__}", field="stream_id"
        )
    if _REFUSED.search(stream_id) or stream_id == "." or ".." in stream_id:
        raise InvalidRequestError(
            f"{stream_id[:80]!r} cannot be one URL path segment (it holds a slash, "
            "a dot segment or a control character); refusing to resume with it",
            field="stream_id",
        )
    return stream_id


def resume_url(template: str, stream_id: str) -> str:
    """``template`` with ``{stream_id}`` replaced by the quoted id.

    Raises:
        InvalidRequestError: see :func:`validate_stream_id`.
    """
    return template.replace("{stream_id}", quote(validate_stream_id(stream_id), safe=""))


def check_same_origin(url: str, base_url: str) -> str:
    """``url`` if it stays on ``base_url``'s origin (a relative URL always does).

    Raises:
        InvalidRequestError: an absolute URL to another scheme, host or port
            (the request would carry this client's headers there).
    """
    try:
        target = httpx.URL(url)
        base = httpx.URL(base_url)
    except httpx.InvalidURL as exc:
        raise InvalidRequestError(
            f"cannot request {redact_url(url)!r}: {exc}", field="url"
        ) from exc
    if target.is_relative_url:
        return url
    if (target.scheme, target.host, target.port) != (base.scheme, base.host, base.port):
        raise InvalidRequestError(
            f"{redact_url(url)!r} is not on the client's origin "
            f"({redact_url(base.copy_with(raw_path=b'/'))!r}); a resume stays on its backend",
            field="url",
        )
    return url
