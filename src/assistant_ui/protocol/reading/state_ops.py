"""State operations: ``set`` and ``append-text`` on a JSON state (docs/protocols.md §3.10).

Assistant-transport backends stream their state as operations (2.4.1):
``{"type": "set", "path": [...], "value": ...}`` replaces the value at a
path, ``{"type": "append-text", "path": [...], "value": "..."}`` appends to
the string there. Paths are lists of object keys and decimal array indices.

Semantics follow the reference accumulator exactly, including its error
messages: a missing key or ``null`` becomes ``{}`` when the walk continues
through it; a string, number or boolean cannot be walked through; array
segments must be canonical non-negative integers, the length itself
appends, beyond it is an error (lenient: clamped, i.e. appended);
``append-text`` needs an existing string; ``__proto__``, ``constructor``
and ``prototype`` are refused; unknown operation types are errors. Strict:
the first error raises :class:`~assistant_ui.errors.StreamDecodeError`.
Lenient: the failing operation is
skipped with a warning. (The reference stores the state only after all
operations of one event applied, so a strict failure also drops the
operations before it in the same event; :meth:`StateTree.apply` does the
same.)

Strategy (performance): :class:`StateTree` owns the state it builds.
Containers are copied the first time an operation writes through them
(copy-on-write) and marked as owned by being instances of private
``dict``/``list`` subclasses, so later operations on the same path mutate
in place: an operation costs O(path depth), not O(size of the containers on
its path). A string that receives ``append-text`` becomes a rope (a list of
pieces) joined only when the state is read, so streaming text into the
state token by token is linear, not quadratic. Neither the caller's initial
state nor any operation's value is ever mutated. Reading the state
(:attr:`StateTree.value`, :func:`copy_json`) returns plain, fresh
``dict``/``list``/``str`` values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from assistant_ui.errors import StreamDecodeError
from assistant_ui.protocol.json_text import MAX_JSON_DEPTH
from assistant_ui.protocol.leniency import WarningSink
from assistant_ui.protocol.text import TextBuffer, copy_json

__all__ = ["StateTree", "apply_operations"]

_UNSAFE_SEGMENTS: Final = frozenset({"__proto__", "constructor", "prototype"})
# What JS's String(Number(s)) === s accepts as an array index: canonical
# decimal integers. Beyond 2**53 JS numbers lose precision and the round trip
# fails, so longer digit strings are not indices there either.
_CANONICAL_INDEX: Final = re.compile(r"(?:0|-?[1-9][0-9]{0,15})")
_MAX_SAFE_INTEGER: Final = 2**53


class _OwnedDict(dict):  # type: ignore[type-arg]
    """A dict this tree created: safe to mutate in place."""

    __slots__ = ()


class _OwnedList(list):  # type: ignore[type-arg]
    """A list this tree created: safe to mutate in place."""

    __slots__ = ()


class _Absent:
    """A key the container does not have (JS ``undefined``)."""

    __slots__ = ()


_ABSENT: Final = _Absent()


MAX_PATH_SEGMENTS: Final = MAX_JSON_DEPTH // 4
"""Longest operation path accepted (64). A value in a frame nests at most
``MAX_JSON_DEPTH`` levels, so the state tree stays within ``MAX_JSON_DEPTH +
MAX_PATH_SEGMENTS`` levels, which every recursive copy of it can walk."""


class _OperationError(Exception):
    """One operation cannot be applied; the message is the reference's."""


def _unown(value: Any) -> Any:
    """Plain containers for owned ones; shared subtrees stay shared."""
    if isinstance(value, _OwnedDict):
        return {key: _unown(item) for key, item in value.items()}
    if isinstance(value, _OwnedList):
        return [_unown(item) for item in value]
    if isinstance(value, TextBuffer):
        return value.text()
    return value


def _js_string(value: Any) -> str:
    """How JavaScript's ``String()`` writes a path segment or value."""
    if isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if value is _ABSENT:
        return "undefined"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return ",".join("" if item is None else _js_string(item) for item in value)
    return "[object Object]"


def _format_path(path: Iterable[Any]) -> str:
    return ", ".join(_js_string(segment) for segment in path)


def _array_index(segment: Any) -> int | None:
    """The index a segment names inside an array, or None if it names none."""
    if isinstance(segment, bool):
        return None
    if isinstance(segment, int):
        return segment
    if isinstance(segment, float):
        return int(segment) if segment.is_integer() else None
    if isinstance(segment, str) and _CANONICAL_INDEX.fullmatch(segment):
        index = int(segment)
        return index if abs(index) <= _MAX_SAFE_INTEGER else None
    return None


class StateTree:
    """The assistant-transport state, updated by operations.

    Args:
        initial: the seed state (never mutated).
        strict: raise on the first operation that cannot be applied (the
            reference's default) instead of skipping it.
        warnings: where skipped operations and clamped indices are reported.
    """

    __slots__ = ("_clamp_warned", "_root", "_strict", "_undo", "_warnings")

    def __init__(
        self, initial: Any = None, *, strict: bool = False, warnings: WarningSink | None = None
    ) -> None:
        self._root = initial
        self._strict = strict
        self._warnings = warnings if warnings is not None else WarningSink()
        self._clamp_warned = False
        # In-place changes of the batch being applied, newest last, so that a
        # strict failure can put everything back: (container, key, old value)
        # or (rope, number of pieces before the append).
        self._undo: list[tuple[Any, Any, Any]] | None = None

    @property
    def value(self) -> Any:
        """The current state: a fresh deep copy."""
        return copy_json(self._root)

    def shared_value(self) -> Any:
        """The current state sharing untouched subtrees with the inputs.

        Cheaper than :attr:`value` (O(size of what the operations wrote));
        only for a tree that is not used afterwards.
        """
        return _unown(self._root)

    def apply(self, operations: Iterable[Any]) -> None:
        """Applies one batch of operations (one ``update-state`` event) in order.

        Raises:
            StreamDecodeError: in any mode, for a path longer than
                :data:`MAX_PATH_SEGMENTS` (nothing of the batch applies); in
                strict mode, at the first operation that
                cannot be applied. The whole batch is then undone, as in the
                reference, whose strict accumulator only stores the state
                once every operation of the event applied; earlier batches
                stay. The error's ``state`` is the state after undoing.
        """
        operations = list(operations)
        for operation in operations:
            path = operation.get("path") if isinstance(operation, Mapping) else None
            if isinstance(path, (list, tuple)) and len(path) > MAX_PATH_SEGMENTS:
                # Checked before any operation applies, so the state is the
                # state before the batch; fatal in every mode, like JSON too
                # deep to parse.
                raise StreamDecodeError(
                    f"state operation path longer than {MAX_PATH_SEGMENTS} segments",
                    state=self.value,
                )
        root_before = self._root
        self._undo = [] if self._strict else None
        for operation in operations:
            try:
                self._apply_one(operation)
            except _OperationError as exc:
                reason = str(exc)
                if self._undo is not None:
                    self._rollback(root_before, self._undo)
                    self._undo = None
                    raise StreamDecodeError(reason, state=self.value) from None
                self._warnings.warn(
                    f"state-op-skipped:{reason}",
                    f"Skipped a state operation that cannot be applied: {reason}",
                )

        self._undo = None

    def _rollback(self, root: Any, undo: list[tuple[Any, Any, Any]]) -> None:
        for target, key, old in reversed(undo):
            if isinstance(target, TextBuffer):
                target.truncate(key)
            elif old is _ABSENT:
                if isinstance(target, list):
                    target.pop()
                else:
                    del target[key]
            else:
                target[key] = old
        self._root = root

    def _applied_in_place(self, kind: str, path: list[Any] | tuple[Any, ...], value: Any) -> bool:
        """The hot path of :meth:`_apply_one` for the operation nearly every
        update is once the state was first written: string keys through
        owned dicts only, so the write goes straight into the last one.
        Anything else (a list, a missing or foreign container, an append
        to a non-string) is left to the general path: returns False, having
        changed nothing."""
        current: Any = self._root
        parent: Any = None
        key = ""
        for segment in path:
            if type(current) is not _OwnedDict or type(segment) is not str:
                return False
            if segment in _UNSAFE_SEGMENTS:
                return False
            parent, key = current, segment
            current = current.get(segment, _ABSENT)
        if kind == "set":
            parent[key] = value
        elif type(current) is TextBuffer:
            current.append(_js_string(value))
        elif type(current) is str:
            updated = TextBuffer(current)
            updated.append(_js_string(value))
            parent[key] = updated
        else:
            return False
        return True

    def _apply_one(self, operation: Any) -> None:
        if type(operation) is not dict and not isinstance(operation, Mapping):
            raise _OperationError("Invalid operation type: undefined")
        kind = operation.get("type", _ABSENT)
        if kind not in ("set", "append-text"):
            raise _OperationError(f"Invalid operation type: {_js_string(kind)}")
        path = operation.get("path", _ABSENT)
        if not isinstance(path, (list, tuple)):
            # The reference crashes on this; a clear error is kinder.
            raise _OperationError(f"Invalid path: expected an array, got {_js_string(path)}")
        if "value" not in operation:
            raise _OperationError(f"Invalid {kind} operation: missing value")
        value = operation["value"]
        if self._undo is None and path and self._applied_in_place(kind, path, value):
            return

        # Walk first, write after: an operation either applies whole or not at all.
        frames: list[tuple[dict[str, Any] | list[Any], Any]] = []
        current: Any = self._root
        for depth, segment in enumerate(path):
            if current is None or current is _ABSENT:
                # Plain, not owned: owned means "linked into an owned parent"
                # (the write-back below stops at the first owned container).
                current = {}
            if not isinstance(current, (dict, list)):
                raise _OperationError(f"Invalid path: [{_format_path(path[depth:])}]")
            key = segment if type(segment) is str else _js_string(segment)
            if key in _UNSAFE_SEGMENTS:
                raise _OperationError(f"Unsafe gorp path segment: {key}")
            if isinstance(current, list):
                index = _array_index(segment)
                if index is None:
                    raise _OperationError(f"Expected array index at [{_format_path(path[depth:])}]")
                if index < 0:
                    raise _OperationError("Insert array index out of bounds")
                if index > len(current):
                    if self._strict:
                        raise _OperationError("Insert array index out of bounds")
                    if not self._clamp_warned:
                        self._clamp_warned = True
                        self._warnings.warn(
                            "state-op-clamped",
                            f"Clamped out-of-bounds state array index {index} to {len(current)}",
                        )
                    index = len(current)
                frames.append((current, index))
                current = current[index] if index < len(current) else _ABSENT
            else:
                frames.append((current, key))
                current = current.get(key, _ABSENT)

        if kind == "set":
            updated = value
        else:
            if isinstance(current, TextBuffer):
                if self._undo is not None:
                    self._undo.append((current, current.mark(), None))
                current.append(_js_string(value))
                updated = current
            elif isinstance(current, str):
                updated = TextBuffer(current)
                updated.append(_js_string(value))
            else:
                raise _OperationError(f"Expected string at path [{_format_path(path)}]")

        for container, key in reversed(frames):
            owned: _OwnedDict | _OwnedList
            if isinstance(container, (_OwnedDict, _OwnedList)):
                owned = container
                if self._undo is not None:
                    if isinstance(owned, list):
                        old = owned[key] if key < len(owned) else _ABSENT
                    else:
                        old = owned.get(key, _ABSENT)
                    self._undo.append((owned, key, old))
                if isinstance(owned, list) and key == len(owned):
                    owned.append(updated)
                else:
                    owned[key] = updated
                # Owned containers are only ever linked into owned parents,
                # so every container above this one is owned and already
                # holds the next one down: nothing more to write.
                return
            elif isinstance(container, dict):
                owned = _OwnedDict(container)
            else:
                owned = _OwnedList(container)
            if isinstance(owned, list) and key == len(owned):
                owned.append(updated)
            else:
                owned[key] = updated
            updated = owned
        self._root = updated


def apply_operations(
    state: Any,
    operations: Iterable[Any],
    *,
    strict: bool = False,
    warnings: WarningSink | None = None,
) -> Any:
    """Applies state operations and returns the new state.

    The input state is never mutated; parts of it that no operation touched
    are shared with the result.

    Args:
        state: the state before the operations (``None`` for none).
        operations: ``set`` / ``append-text`` operations, applied in order.
        strict: raise on the first operation that cannot be applied (as the
            reference does by default) instead of skipping it.
        warnings: where skipped operations are reported in lenient mode
            (default: a fresh :class:`~assistant_ui.protocol.decoders.base.WarningSink`).

    Raises:
        StreamDecodeError: strict mode only, with the reference's message
            (e.g. ``"Expected string at path [missing]"``). Strict is all or
            nothing, as the reference applies one event's operations: the
            error's ``state`` is the input state.
    """
    tree = StateTree(state, strict=strict, warnings=warnings)
    tree.apply(operations)
    return tree.shared_value()
