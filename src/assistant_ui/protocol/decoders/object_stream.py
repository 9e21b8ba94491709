"""Decoder for the deprecated object stream ``object-stream/v0`` (docs/protocols.md
2.6): server-sent events whose data is a JSON array of state operations
(2.4.1). The first event usually sets the whole snapshot at path ``[]``.

It carries state only: every event becomes one
:class:`~.events.UpdateState`; there is no message and no ``[DONE]`` (one is
tolerated and ends the stream). Data that is not a JSON array is fatal in
strict mode and dropped with a warning otherwise; whether each operation is
well-formed is decided where it is applied (:mod:`.state_ops`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from assistant_ui.protocol.decoders.sse_json import SSEJSONDecoder
from assistant_ui.protocol.events import Event, UpdateState

__all__ = ["ObjectStreamDecoder", "claims_event"]


class ObjectStreamDecoder(SSEJSONDecoder):
    """Decodes ``object-stream/v0`` events into state updates.

    Args:
        strict: fatal on data that is not an array of operations and on SSE
            event names other than ``message``.
        warnings: where dropped input is reported.
    """

    encoding: ClassVar[str] = "object-stream"
    warning_prefix: ClassVar[str] = "object-stream"
    json_type: ClassVar[type[list[Any]]] = list

    def _on_value(self, value: Any, data: str) -> list[Event]:
        return [UpdateState(operations=value)]

    def _on_done(self) -> list[Event]:
        return []

    def _invalid(self, reason: str, data: str) -> list[Event]:
        self._fatal_or_warn("not-array", "object stream event is not a JSON array of operations")
        return []

    def end(self) -> list[Event]:
        """The stream has no end marker: nothing to add."""
        self._done = True
        return []


def claims_event(value: Any) -> bool:
    """Whether a first SSE event's JSON value is an object-stream batch (an array)."""
    return isinstance(value, list)
