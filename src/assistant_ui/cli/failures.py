"""What ``aui chat`` says when a reply does not end well: one line per
failure, in words a terminal user can act on (the library's messages speak
to Python callers, e.g. of ``.partial_message``)."""

from __future__ import annotations

from typing import Any

from assistant_ui.cli.common import one_line
from assistant_ui.errors import (
    IncompleteStreamError,
    RemoteStreamError,
    StreamDecodeError,
    StreamError,
    StreamInterruptedError,
)

__all__ = ["cancelled_line", "failure_line", "is_empty", "status_line", "text_length"]


def text_length(message: dict[str, Any] | None) -> int:
    """Characters of text and reasoning the message holds."""
    parts = (message or {}).get("parts") or []
    return sum(len(p.get("text", "")) for p in parts if p.get("type") in ("text", "reasoning"))


def is_empty(message: dict[str, Any] | None) -> bool:
    """Nothing to show: no text, no reasoning, no tool call, source, file or data."""
    for part in (message or {}).get("parts") or []:
        if part.get("type") not in ("text", "reasoning") or part.get("text"):
            return False
    return True


def _so_far(message: dict[str, Any] | None, kept: str) -> str:
    count = text_length(message)
    if not count:
        return "before any text arrived"
    return f"after {count:,} characters; what arrived is {kept}"


def cancelled_line(message: dict[str, Any] | None, *, kept: str = "shown above") -> str:
    """The line after Ctrl-C stopped a reply."""
    return f"[cancelled] the reply was stopped {_so_far(message, kept)}"


def _cause(exc: BaseException) -> str:
    cause = exc.__cause__
    if cause is None:
        return ""
    name = type(cause).__name__
    if "Timeout" in name:
        return "the server sent nothing for too long"
    if name == "RemoteProtocolError":
        return "the server closed the connection mid-reply"
    return f"the connection broke: {one_line(cause)}"


def failure_line(
    exc: StreamError, message: dict[str, Any] | None, *, error_shown: bool
) -> str | None:
    """The one line for a reply that failed part-way, or ``None`` when the
    server's error frame was already shown (it is reported once)."""
    message = exc.partial_message or message
    if isinstance(exc, RemoteStreamError):
        return None if error_shown else f"[error] {exc.error_message}"
    if error_shown:
        return None  # the server said why before the stream broke
    so_far = _so_far(message, "shown above")
    if isinstance(exc, StreamInterruptedError):
        cause = _cause(exc)
        return f"[cut off] the reply was cut off {so_far}" + (f" ({cause})" if cause else "")
    if isinstance(exc, IncompleteStreamError):
        return f"[cut off] the reply ended early, {so_far} (the server closed the stream)"
    if isinstance(exc, StreamDecodeError):
        where = f" as {exc.encoding}" if exc.encoding else ""
        return (
            f"[unreadable] the reply could not be read{where} ({exc.reason}), {so_far}; "
            "--encoding forces another encoding"
        )
    return f"[failed] {one_line(exc)}"


_HINTS = {
    ("requires-action", "tool-calls"): "the backend waits for a tool result: {tools}; "
    "answer with --tool MODULE:FUNCTION",
    ("incomplete", "tool-calls"): "stopped: the tool loop reached its request limit",
    ("incomplete", "length"): "the reply hit the backend's length limit",
    ("incomplete", "content-filter"): "the backend's content filter stopped the reply",
}


def status_line(message: dict[str, Any] | None) -> str | None:
    """A line for a reply that ended in an unusual status (``None`` if complete)."""
    status = (message or {}).get("status") or {}
    kind = status.get("type")
    if kind in (None, "complete", "running"):
        return None
    reason = status.get("reason")
    label = f"[{kind} ({reason})]" if reason else f"[{kind}]"
    hint = _HINTS.get((str(kind), str(reason)))
    if hint is None:
        return label
    tools = ", ".join(
        sorted(
            {
                str(p.get("toolName"))
                for p in (message or {}).get("parts") or []
                if p.get("type") == "tool-call" and "result" not in p
            }
        )
    )
    return f"{label} {hint.format(tools=tools or 'a tool')}"
