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

Events are small slotted classes with a literal ``type``, equality, hashing
and a ``repr`` over their fields (as dataclasses have), built with keyword
or positional arguments. They are values: nothing changes an event once it
is built. Decoders validate their input; the constructors do not validate
again.
"""

from __future__ import annotations

import enum
from typing import Any, ClassVar, Final, Literal

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


class _EventBase:
    """Equality, hashing and ``repr`` over the fields, as a dataclass has them.

    Events are plain slotted classes rather than frozen dataclasses: a frozen
    dataclass pays an ``object.__setattr__`` per field on construction, and
    decoding builds one event per chunk. They are still values: treat them
    as immutable.
    """

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()
    type: ClassVar[str]

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, _EventBase)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({inner}, type={self.type!r})"


class PartStart(_EventBase):
    """A new part is appended to the message.

    ``part`` is the part init of docs/protocols.md §2.4.3: a dict with ``type``
    (``text``, ``reasoning``, ``tool-call``, ``source``, ``file``, ``data``)
    and that type's fields.
    """

    __slots__ = ("part", "path")
    _fields = ("part", "path")
    type: ClassVar[Literal["part-start"]] = "part-start"

    def __init__(self, part: dict[str, Any], path: Path = ()) -> None:
        self.part = part
        self.path = path


class TextDelta(_EventBase):
    """Text appended to a text or reasoning part, or argument text appended
    to a tool-call part."""

    __slots__ = ("path", "provider_metadata", "text_delta")
    _fields = ("text_delta", "path", "provider_metadata")
    type: ClassVar[Literal["text-delta"]] = "text-delta"

    def __init__(
        self, text_delta: str, path: Path, provider_metadata: dict[str, Any] | None = None
    ) -> None:
        self.text_delta = text_delta
        self.path = path
        self.provider_metadata = provider_metadata


class PartFinish(_EventBase):
    """The part at ``path`` is finished."""

    __slots__ = ("path", "provider_metadata")
    _fields = ("path", "provider_metadata")
    type: ClassVar[Literal["part-finish"]] = "part-finish"

    def __init__(self, path: Path, provider_metadata: dict[str, Any] | None = None) -> None:
        self.path = path
        self.provider_metadata = provider_metadata


class ToolCallArgsTextFinish(_EventBase):
    """The tool call at ``path`` will receive no more argument text."""

    __slots__ = ("path",)
    _fields = ("path",)
    type: ClassVar[Literal["tool-call-args-text-finish"]] = "tool-call-args-text-finish"

    def __init__(self, path: Path) -> None:
        self.path = path


class ToolResult(_EventBase):
    """A result for the tool call at ``path`` (final unless preliminary)."""

    __slots__ = (
        "artifact",
        "is_error",
        "is_preliminary",
        "messages",
        "model_content",
        "path",
        "result",
    )
    _fields = (
        "path",
        "result",
        "is_error",
        "artifact",
        "model_content",
        "messages",
        "is_preliminary",
    )
    type: ClassVar[Literal["result"]] = "result"

    def __init__(
        self,
        path: Path,
        result: Any = MISSING,
        is_error: bool = False,
        artifact: Any = MISSING,
        model_content: Any = MISSING,
        messages: Any = MISSING,
        is_preliminary: bool = False,
    ) -> None:
        self.path = path
        self.result = result
        self.is_error = is_error
        self.artifact = artifact
        self.model_content = model_content
        self.messages = messages
        self.is_preliminary = is_preliminary


class ToolCallApproval(_EventBase):
    """The approval record of the tool call at ``path`` is replaced."""

    __slots__ = ("approval", "path")
    _fields = ("path", "approval")
    type: ClassVar[Literal["tool-call-approval"]] = "tool-call-approval"

    def __init__(self, path: Path, approval: dict[str, Any]) -> None:
        self.path = path
        self.approval = approval


class Annotations(_EventBase):
    """Elements appended to ``metadata.unstable_annotations``."""

    __slots__ = ("annotations", "path")
    _fields = ("annotations", "path")
    type: ClassVar[Literal["annotations"]] = "annotations"

    def __init__(self, annotations: list[Any], path: Path = ()) -> None:
        self.annotations = annotations
        self.path = path


class Data(_EventBase):
    """Elements appended to ``metadata.unstable_data``."""

    __slots__ = ("data", "path")
    _fields = ("data", "path")
    type: ClassVar[Literal["data"]] = "data"

    def __init__(self, data: list[Any], path: Path = ()) -> None:
        self.data = data
        self.path = path


class StepStart(_EventBase):
    """A model step (one roundtrip to the model) starts."""

    __slots__ = ("message_id", "path")
    _fields = ("message_id", "path")
    type: ClassVar[Literal["step-start"]] = "step-start"

    def __init__(self, message_id: str | Missing = MISSING, path: Path = ()) -> None:
        self.message_id = message_id
        self.path = path


class StepFinish(_EventBase):
    """A model step ends (``usage`` defaults to a fresh ``{}``)."""

    __slots__ = ("finish_reason", "is_continued", "path", "usage")
    _fields = ("finish_reason", "usage", "is_continued", "path")
    type: ClassVar[Literal["step-finish"]] = "step-finish"

    def __init__(
        self,
        finish_reason: str,
        usage: dict[str, Any] | Missing | None = None,
        is_continued: bool | Missing = False,
        path: Path = (),
    ) -> None:
        self.finish_reason = finish_reason
        self.usage: dict[str, Any] | Missing = {} if usage is None else usage
        self.is_continued = is_continued
        self.path = path


class MessageFinish(_EventBase):
    """The message ends; ``finish_reason`` sets its status (docs/protocols.md §3.6)."""

    __slots__ = ("finish_reason", "path", "usage")
    _fields = ("finish_reason", "usage", "path")
    type: ClassVar[Literal["message-finish"]] = "message-finish"

    def __init__(
        self, finish_reason: str, usage: dict[str, Any] | None = None, path: Path = ()
    ) -> None:
        self.finish_reason = finish_reason
        self.usage: dict[str, Any] = {} if usage is None else usage
        self.path = path


class ErrorEvent(_EventBase):
    """The server reported an error; the message becomes incomplete/error.

    Decoding continues after it (a warning-level error does not end the
    message). ``error`` is the server's message: a string, or
    (assistant-transport only, as in the reference) whatever other JSON value
    it sent.
    """

    __slots__ = ("code", "error", "path", "severity")
    _fields = ("error", "code", "severity", "path")
    type: ClassVar[Literal["error"]] = "error"

    def __init__(
        self, error: Any, code: str | None = None, severity: str | None = None, path: Path = ()
    ) -> None:
        self.error = error
        self.code = code
        self.severity = severity
        self.path = path

    @property
    def text(self) -> str:
        """:attr:`error` as text: a string as is, another JSON value as
        compact JSON."""
        if isinstance(self.error, str):
            return self.error
        return js_json_stringify(self.error)


class UpdateState(_EventBase):
    """State operations (docs/protocols.md §2.4.1) applied to ``unstable_state``."""

    __slots__ = ("operations", "path")
    _fields = ("operations", "path")
    type: ClassVar[Literal["update-state"]] = "update-state"

    def __init__(self, operations: list[dict[str, Any]], path: Path = ()) -> None:
        self.operations = operations
        self.path = path


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
    for name in event._fields:
        value = getattr(event, name)
        if value is MISSING or (value is None and name in _OMIT_WHEN_NONE):
            continue
        if name == "is_preliminary" and not value:
            continue
        out[_WIRE_NAMES.get(name, name)] = list(value) if name == "path" else value
    return out
