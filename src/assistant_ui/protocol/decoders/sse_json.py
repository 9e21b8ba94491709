"""What every SSE decoder does before it looks at a chunk (docs/protocols.md §2.3,
2.4.3, 2.6).

Each dispatched SSE event goes through the same prelude, as in the
reference decoders:

1. after ``[DONE]`` nothing is read;
2. an event name other than ``message`` is fatal in strict mode and ignored
   with a warning otherwise;
3. ``data: [DONE]`` ends the stream (:meth:`SSEJSONDecoder._on_done`);
4. any other data is parsed as JSON (:mod:`.json_text`) and must be of the
   decoder's container type (an object, or an array for the object stream);
   what fails is handed to :meth:`SSEJSONDecoder._invalid`, the rest to
   :meth:`SSEJSONDecoder._on_value`.

A body that ends without ``[DONE]`` is fatal in strict mode (or always, for
decoders that set :attr:`SSEJSONDecoder.requires_done`) and otherwise warned
about and closed as if ``[DONE]`` had come.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final, Literal

from assistant_ui.errors import IncompleteStreamError
from assistant_ui.protocol.events import Event
from assistant_ui.protocol.framing import SSEEvent
from assistant_ui.protocol.json_text import js_json_stringify, parse_json
from assistant_ui.protocol.leniency import WarningSink, fatal_or_warn

__all__ = ["MISSING_DONE", "SSEJSONDecoder", "error_text"]

MISSING_DONE: Final = "Stream ended abruptly without receiving [DONE] marker"
"""The reference's error text for an SSE body that ends without ``[DONE]``."""

_UNPARSEABLE: Final = object()


def error_text(value: Any) -> str:
    """An error chunk's message: a string as is, any other JSON value as its
    text, absent or ``null`` as ``"unknown error"``."""
    if value is None:
        return "unknown error"
    return value if isinstance(value, str) else js_json_stringify(value)


class SSEJSONDecoder:
    """Base of the SSE decoders: the shared prelude (see the module notes).

    Subclasses set :attr:`encoding`, :attr:`warning_prefix` and, for arrays,
    :attr:`json_type`, and implement :meth:`_on_value` and :meth:`_on_done`.

    Args:
        strict: fatal where the reference is (unknown event names, a missing
            ``[DONE]``, and what the subclass decides).
        warnings: where dropped input is reported.
    """

    encoding: ClassVar[str]
    framing: ClassVar[Literal["sse"]] = "sse"
    warning_prefix: ClassVar[str]
    """Start of every warning key of this decoder."""
    json_type: ClassVar[type[dict[str, Any]] | type[list[Any]]] = dict
    """The JSON container a chunk must be."""
    end_marker_required: ClassVar[bool] = True
    """Servers always end this encoding with ``[DONE]`` (the object stream does not)."""
    cut_off: str | None = None
    """Why the body was cut off, when it ended without its end marker (lenient mode)."""
    """Whether a body without ``[DONE]`` is fatal in lenient mode too."""

    def __init__(self, *, strict: bool = False, warnings: WarningSink | None = None) -> None:
        self._strict = strict
        self._warnings = warnings if warnings is not None else WarningSink()
        self._done = False

    @property
    def done(self) -> bool:
        """True once ``[DONE]`` arrived; later events are ignored."""
        return self._done

    def decode_event(self, event: SSEEvent) -> list[Event]:
        """Events for one SSE event.

        Raises:
            StreamDecodeError: in strict mode, on an event name other than
                ``message``, or what the subclass finds fatal.
        """
        if self._done:
            return []
        if event.event != "message":
            self._fatal_or_warn(
                f"event:{event.event}",
                f"Unknown SSE event type: {event.event}",
                f"Ignored unknown SSE event type: {event.event}",
            )
            return []
        return self.decode_data(event.data)

    def decode_data(self, data: str) -> list[Event]:
        """Events for one SSE event named ``message`` (the default), given
        its data: :meth:`decode_event` without the name check, for framing
        that reads such events straight from their ``data:`` line."""
        if self._done:
            return []
        if data == "[DONE]":
            self._done = True
            return self._on_done()
        try:
            value: Any = parse_json(data)
        except ValueError:
            value = _UNPARSEABLE
        if value is _UNPARSEABLE:
            return self._invalid("unparseable", data)
        if not isinstance(value, self.json_type):
            return self._invalid(
                "not-an-array" if self.json_type is list else "not-an-object", data
            )
        return self._on_value(value, data)

    def end(self) -> list[Event]:
        """Closes the message when the body ends.

        The one rule for a body that ends without its end marker, the same
        for every encoding that has one (docs/protocols.md §2.9): fatal in
        strict mode, as the reference decoders are; otherwise reported once
        as a ``StreamWarning`` and the message ends as it stands, as the
        frontends show it (:attr:`cut_off` records why).

        Raises:
            IncompleteStreamError: ``[DONE]`` never came, in strict mode.
        """
        if self._done:
            return []
        if self.end_marker_required:
            fatal_or_warn(
                self._strict,
                self._warnings,
                f"{self.warning_prefix}:missing-done",
                MISSING_DONE,
                error=IncompleteStreamError,
            )
            self.cut_off = MISSING_DONE
        self._done = True
        return self._on_done()

    def salvage(self) -> list[Event]:
        """Events the frame that just raised had already produced.

        The reference applies a frame's chunks one by one, so what it emitted
        before a fatal error is in its partial message; the parser applies
        these before reporting the error. None by default (a decoder that
        fails before emitting anything)."""
        return []

    # -- for subclasses -----------------------------------------------------

    def _on_value(self, value: Any, data: str) -> list[Event]:
        """Events for one parsed chunk of :attr:`json_type` (``data`` is the
        raw text, for warnings)."""
        raise NotImplementedError

    def _on_done(self) -> list[Event]:
        """Events that close the message at ``[DONE]`` (or at a lenient end
        without it)."""
        raise NotImplementedError

    def _invalid(self, reason: str, data: str) -> list[Event]:
        """Drops a chunk that is not valid, with a warning per ``reason``."""
        self._warnings.warn(
            f"{self.warning_prefix}:invalid:{reason}",
            f"Dropped invalid {self.encoding} chunk ({reason}): {data[:200]}",
        )
        return []

    def _fatal_or_warn(self, key: str, reason: str, message: str | None = None) -> None:
        """:func:`fatal_or_warn` under ``warning_prefix:key``."""
        fatal_or_warn(self._strict, self._warnings, f"{self.warning_prefix}:{key}", reason, message)
