"""Decoder for the deprecated object stream ``object-stream/v0`` (PROTOCOLS.md
2.6): server-sent events whose data is a JSON array of state operations
(2.4.1). The first event usually sets the whole snapshot at path ``[]``.

It carries state only: every event becomes one
:class:`~.events.UpdateState`; there is no message and no ``[DONE]`` (one is
tolerated and ends the stream). Data that is not a JSON array is fatal in
strict mode and dropped with a warning otherwise; whether each operation is
well-formed is decided where it is applied (:mod:`.state_ops`).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from ..errors import StreamDecodeError
from .base import WarningSink
from .events import Event, UpdateState
from .framing import SSEEvent
from .json_text import parse_json

__all__ = ["ObjectStreamDecoder"]


class ObjectStreamDecoder:
    """Decodes ``object-stream/v0`` events into state updates.

    Args:
        strict: fatal on data that is not an array of operations and on SSE
            event names other than ``message``.
        warnings: where dropped input is reported.
    """

    encoding: ClassVar[str] = "object-stream"
    framing: ClassVar[Literal["sse"]] = "sse"

    def __init__(self, *, strict: bool = False, warnings: WarningSink | None = None) -> None:
        self._strict = strict
        self._warnings = warnings if warnings is not None else WarningSink()
        self._done = False

    @property
    def done(self) -> bool:
        """True after a (non-standard) ``[DONE]`` event."""
        return self._done

    def decode_event(self, event: SSEEvent) -> list[Event]:
        """One :class:`~.events.UpdateState` per event."""
        if self._done:
            return []
        if event.event != "message":
            self._reject(f"Unknown SSE event type: {event.event}", f"event:{event.event}")
            return []
        if event.data == "[DONE]":
            self._done = True
            return []
        try:
            operations: Any = parse_json(event.data)
        except (ValueError, RecursionError):
            operations = None
        if not isinstance(operations, list):
            self._reject("object stream event is not a JSON array of operations", "not-array")
            return []
        return [UpdateState(operations=operations)]

    def end(self) -> list[Event]:
        """The stream has no end marker: nothing to add."""
        self._done = True
        return []

    def _reject(self, message: str, key: str) -> None:
        if self._strict:
            raise StreamDecodeError(message)
        self._warnings.warn(f"object-stream:{key}", message)
