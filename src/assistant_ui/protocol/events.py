"""The canonical events every decoder emits (docs/protocols.md §3.1).

Each wire encoding has its own decoder, and every decoder turns its chunks
into these few event types; one accumulator folds them into the assistant
message. Events mirror the reference's canonical chunks one to one, so the
assistant-transport SSE encoding (which *is* the canonical chunk set on the
wire) decodes without translation.

Addressing: ``path`` is ``()`` for message-level events and ``(i,)`` for
events addressed to part ``i`` (parts are numbered in the order their
``part-start`` arrived). The accumulator drops part-addressed events whose
path is not of length one or points at no part.

Optional JSON fields whose *presence* matters (a tool result's
``result``, ``artifact``, ``modelContent``, ``messages``; a step's
``messageId``, ``usage`` and ``isContinued``) default to :data:`MISSING`,
so that a JSON ``null`` the server sent is kept apart from a key it did not
send. Decoders of encodings whose reference fills in defaults (the data
stream's ``"<no result>"``, a generated step id) fill them in; the
assistant-transport decoder passes absence through, as its reference does.

Events are frozen, slotted dataclasses with keyword-only constructors and a
literal ``type``. Decoders validate their input; the constructors do not
validate again.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields
from typing import Any, Final, Literal

from assistant_ui.protocol.json_text import js_json_stringify

__all__ = [
    "MISSING",
    "Annotations",
    "Data",
    "ErrorEvent",
    "Event",
    "MessageFinish",
    "Missing",
    "PartFinish",
    "PartStart",
    "Path",
    "StepFinish",
    "StepStart",
    "TextDelta",
    "ToolCallApproval",
    "ToolCallArgsTextFinish",
    "ToolResult",
    "UpdateState",
    "event_to_dict",
]

Path = tuple[int, ...]


class _Missing(enum.Enum):
    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing.MISSING
"""Marks an optional field the wire chunk did not carry at all."""

Missing = Literal[_Missing.MISSING]
"""The type of :data:`MISSING`, for annotations (``str | Missing``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PartStart:
    """A new part is appended to the message.

    ``part`` is the part init of docs/protocols.md §2.4.3: a dict with ``type``
    (``text``, ``reasoning``, ``tool-call``, ``source``, ``file``, ``data``)
    and that type's fields.
    """

    part: dict[str, Any]
    path: Path = ()
    type: Literal["part-start"] = "part-start"


@dataclass(frozen=True, slots=True, kw_only=True)
class TextDelta:
    """Text appended to a text or reasoning part, or argument text appended
    to a tool-call part."""

    text_delta: str
    path: Path
    provider_metadata: dict[str, Any] | None = None
    type: Literal["text-delta"] = "text-delta"


@dataclass(frozen=True, slots=True, kw_only=True)
class PartFinish:
    """The part at ``path`` is finished."""

    path: Path
    provider_metadata: dict[str, Any] | None = None
    type: Literal["part-finish"] = "part-finish"


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCallArgsTextFinish:
    """The tool call at ``path`` will receive no more argument text."""

    path: Path
    type: Literal["tool-call-args-text-finish"] = "tool-call-args-text-finish"


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolResult:
    """A result for the tool call at ``path`` (final unless preliminary)."""

    path: Path
    result: Any = MISSING
    is_error: bool = False
    artifact: Any = MISSING
    model_content: Any = MISSING
    messages: Any = MISSING
    is_preliminary: bool = False
    type: Literal["result"] = "result"


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCallApproval:
    """The approval record of the tool call at ``path`` is replaced."""

    path: Path
    approval: dict[str, Any]
    type: Literal["tool-call-approval"] = "tool-call-approval"


@dataclass(frozen=True, slots=True, kw_only=True)
class Annotations:
    """Elements appended to ``metadata.unstable_annotations``."""

    annotations: list[Any]
    path: Path = ()
    type: Literal["annotations"] = "annotations"


@dataclass(frozen=True, slots=True, kw_only=True)
class Data:
    """Elements appended to ``metadata.unstable_data``."""

    data: list[Any]
    path: Path = ()
    type: Literal["data"] = "data"


@dataclass(frozen=True, slots=True, kw_only=True)
class StepStart:
    """A model step (one roundtrip to the model) starts."""

    message_id: str | Missing = MISSING
    path: Path = ()
    type: Literal["step-start"] = "step-start"


@dataclass(frozen=True, slots=True, kw_only=True)
class StepFinish:
    """A model step ends."""

    finish_reason: str
    usage: dict[str, Any] | Missing = field(default_factory=dict)
    is_continued: bool | Missing = False
    path: Path = ()
    type: Literal["step-finish"] = "step-finish"


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageFinish:
    """The message ends; ``finish_reason`` sets its status (docs/protocols.md §3.6)."""

    finish_reason: str
    usage: dict[str, Any] = field(default_factory=dict)
    path: Path = ()
    type: Literal["message-finish"] = "message-finish"


@dataclass(frozen=True, slots=True, kw_only=True)
class ErrorEvent:
    """The server reported an error; the message becomes incomplete/error.

    Decoding continues after it (a warning-level error does not end the
    message).
    """

    error: Any
    """The server's message: a string, or (assistant-transport only, as in
    the reference) whatever other JSON value it sent."""
    code: str | None = None
    severity: str | None = None
    path: Path = ()
    type: Literal["error"] = "error"

    @property
    def text(self) -> str:
        """:attr:`error` as text: a string as is, another JSON value as
        compact JSON."""
        if isinstance(self.error, str):
            return self.error
        return js_json_stringify(self.error)


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateState:
    """State operations (docs/protocols.md §2.4.1) applied to ``unstable_state``."""

    operations: list[dict[str, Any]]
    path: Path = ()
    type: Literal["update-state"] = "update-state"


Event = (
    PartStart
    | TextDelta
    | PartFinish
    | ToolCallArgsTextFinish
    | ToolResult
    | ToolCallApproval
    | Annotations
    | Data
    | StepStart
    | StepFinish
    | MessageFinish
    | ErrorEvent
    | UpdateState
)
"""Any canonical event."""

# Python attribute name -> wire key, where they differ.
_WIRE_NAMES: Final = {
    "text_delta": "textDelta",
    "provider_metadata": "providerMetadata",
    "is_error": "isError",
    "model_content": "modelContent",
    "is_preliminary": "isPreliminary",
    "message_id": "messageId",
    "finish_reason": "finishReason",
    "is_continued": "isContinued",
}
_OMIT_WHEN_NONE: Final = frozenset({"provider_metadata", "code", "severity"})


def event_to_dict(event: Event) -> dict[str, Any]:
    """The event as the canonical chunk of docs/protocols.md §3.1 (camelCase keys,
    ``path`` as a list, absent optional fields left out)."""
    out: dict[str, Any] = {"type": event.type}
    for f in fields(event):
        name = f.name
        if name == "type":
            continue
        value = getattr(event, name)
        if value is MISSING or (value is None and name in _OMIT_WHEN_NONE):
            continue
        if name == "is_preliminary" and not value:
            continue
        out[_WIRE_NAMES.get(name, name)] = list(value) if name == "path" else value
    return out
