"""JSON schemas for tool arguments from Python signatures and docstrings
(docs/protocols.md §1.7): type hints to JSON Schema, argument descriptions from
Google ``Args:`` sections or Sphinx ``:param x:`` lines, and the converters
that turn JSON arguments back into the annotated types."""

from __future__ import annotations

import dataclasses
import enum
import inspect
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, Union

from assistant_ui.errors import UsageError

__all__ = ["is_pydantic_model", "parse_docstring", "schema_from_signature"]

_SECTION = re.compile(
    r"^\s*(Args|Arguments|Parameters|Params|Returns?|Raises|Yields|Examples?|Notes?)\s*:\s*$"
)
_GOOGLE_ARG = re.compile(r"^\s*\*{0,2}(\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")
_SPHINX_ARG = re.compile(r"^\s*:param\s+(?:[^:]*\s)?(\w+)\s*:\s*(.*)$")


def parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """The summary (text before the first section) and argument docs."""
    summary: list[str] = []
    args: dict[str, str] = {}
    section: str | None = None
    current: str | None = None
    for line in doc.splitlines():
        sphinx = _SPHINX_ARG.match(line)
        if sphinx:
            current = sphinx.group(1)
            args[current] = sphinx.group(2).strip()
            section = "sphinx"
            continue
        if section == "sphinx" and line.lstrip().startswith(":"):
            current = None  # another field (:returns:, :raises:) ends the argument
            continue
        heading = _SECTION.match(line)
        if heading:
            section = heading.group(1).lower()
            current = None
            continue
        if section is None:
            summary.append(line)
        elif section in ("args", "arguments", "parameters", "params"):
            match = _GOOGLE_ARG.match(line)
            indent = len(line) - len(line.lstrip())
            if match and (current is None or indent <= _arg_indent(doc, current)):
                current = match.group(1)
                args[current] = match.group(2).strip()
            elif current is not None and line.strip():
                args[current] = f"{args[current]} {line.strip()}".strip()
        elif section == "sphinx" and current is not None and line.strip():
            args[current] = f"{args[current]} {line.strip()}".strip()
    paragraphs = re.split(r"\n\s*\n", "\n".join(summary).strip())
    text = "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())
    return text, args


def _arg_indent(doc: str, name: str) -> int:
    for line in doc.splitlines():
        if re.match(rf"^\s*\*{{0,2}}{re.escape(name)}\s*(?:\([^)]*\))?\s*:", line):
            return len(line) - len(line.lstrip())
    return 0


def is_pydantic_model(obj: Any) -> bool:
    """``obj`` is a pydantic (v2) model class (checked by shape: pydantic is optional)."""
    return (
        isinstance(obj, type)
        and hasattr(obj, "model_json_schema")
        and hasattr(obj, "model_validate")
    )


def schema_from_signature(
    function: Callable[..., Any], arg_docs: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, Callable[[Any], Any]]]:
    """The JSON schema of ``function``'s arguments (descriptions from
    ``arg_docs``), and per argument the converter from JSON to its type.

    Raises:
        UsageError: an annotation that has no JSON schema.
    """
    signature = inspect.signature(function)
    try:
        hints = typing.get_type_hints(function, include_extras=True)
    except Exception:  # unresolvable forward references: fall back to raw annotations
        hints = {}
    properties: dict[str, Any] = {}
    required: list[str] = []
    converters: dict[str, Callable[[Any], Any]] = {}
    defs: dict[str, Any] = {}
    for param in signature.parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if param.kind is param.POSITIONAL_ONLY:
            raise UsageError(
                f"tool parameter {param.name!r} is positional-only; tools take keywords"
            )
        annotation = hints.get(param.name, param.annotation)
        schema = _schema_for(annotation, defs, f"parameter {param.name!r}")
        if param.name in arg_docs and "description" not in schema:
            schema = {**schema, "description": arg_docs[param.name]}
        if param.default is param.empty:
            required.append(param.name)
        elif _is_json_scalar(param.default):
            schema = {**schema, "default": param.default}
        properties[param.name] = schema
        converter = _converter_for(annotation)
        if converter is not None:
            converters[param.name] = converter
    parameters: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        parameters["required"] = required
    parameters["additionalProperties"] = False
    if defs:
        parameters["$defs"] = defs
    return parameters, converters


def _is_json_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _converter_for(annotation: Any) -> Callable[[Any], Any] | None:
    """Turns JSON arguments into the annotated Python type, where it differs."""
    base = _strip_annotated(annotation)
    if is_pydantic_model(base):
        return typing.cast(Callable[[Any], Any], base.model_validate)
    if isinstance(base, type) and issubclass(base, enum.Enum):
        return typing.cast(Callable[[Any], Any], base)
    if isinstance(base, type) and dataclasses.is_dataclass(base):
        cls = base
        return lambda value: cls(**value) if isinstance(value, Mapping) else value
    return None


def _strip_annotated(annotation: Any) -> Any:
    if typing.get_origin(annotation) is typing.Annotated:
        return typing.get_args(annotation)[0]
    return annotation


_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    type(None): {"type": "null"},
    None: {"type": "null"},
}


def _schema_for(annotation: Any, defs: dict[str, Any], where: str) -> dict[str, Any]:
    if isinstance(annotation, str):
        raise UsageError(
            f"{where}: cannot resolve the type hint {annotation!r} (define the type at module "
            "level) or pass schema="
        )
    if annotation is inspect.Parameter.empty or annotation is Any or annotation is object:
        return {}
    if annotation in _SCALARS:
        return dict(_SCALARS[annotation])
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        schema = _schema_for(args[0], defs, where)
        notes = [a for a in args[1:] if isinstance(a, str)]
        return {**schema, "description": " ".join(notes)} if notes else schema
    if origin is Literal:
        schema = {"enum": list(args)}
        kinds = {type(a) for a in args}
        if len(kinds) == 1 and next(iter(kinds)) in _SCALARS:
            schema = {**_SCALARS[next(iter(kinds))], **schema}
        return schema
    if origin is Union or origin is types.UnionType:
        options = [_schema_for(a, defs, where) for a in args]
        if all(set(o) == {"type"} and isinstance(o["type"], str) for o in options):
            return {"type": [o["type"] for o in options]}
        return {"anyOf": options}
    if origin in (list, Sequence, set, frozenset, typing.Sequence) or annotation in (list, set):
        items = _schema_for(args[0], defs, where) if args else {}
        return {"type": "array", "items": items} if items else {"type": "array"}
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": _schema_for(args[0], defs, where)}
        return {
            "type": "array",
            "prefixItems": [_schema_for(a, defs, where) for a in args],
            "minItems": len(args),
            "maxItems": len(args),
        }
    if origin in (dict, Mapping) or annotation is dict:
        if len(args) == 2 and args[1] is not Any:
            return {"type": "object", "additionalProperties": _schema_for(args[1], defs, where)}
        return {"type": "object"}
    if isinstance(annotation, type):
        return _schema_for_class(annotation, defs, where)
    raise UsageError(f"{where}: no JSON schema for type hint {annotation!r}; pass schema=")


def _schema_for_class(cls: type, defs: dict[str, Any], where: str) -> dict[str, Any]:
    if issubclass(cls, enum.Enum):
        values = [m.value for m in cls]
        schema: dict[str, Any] = {"enum": values}
        kinds = {type(v) for v in values}
        if len(kinds) == 1 and next(iter(kinds)) in _SCALARS:
            schema = {**_SCALARS[next(iter(kinds))], **schema}
        return schema
    if is_pydantic_model(cls):
        schema = dict(cls.model_json_schema(ref_template="#/$defs/{model}"))  # type: ignore[attr-defined]
        defs.update(schema.pop("$defs", {}))
        return schema
    if typing.is_typeddict(cls):
        hints = typing.get_type_hints(cls, include_extras=True)
        required_keys = getattr(cls, "__required_keys__", frozenset(hints))
        properties = {k: _schema_for(v, defs, f"{where}.{k}") for k, v in hints.items()}
        out: dict[str, Any] = {"type": "object", "properties": properties}
        required = [k for k in hints if k in required_keys]
        if required:
            out["required"] = required
        return out
    if dataclasses.is_dataclass(cls):
        hints = typing.get_type_hints(cls, include_extras=True)
        properties = {}
        required = []
        for f in dataclasses.fields(cls):
            properties[f.name] = _schema_for(hints.get(f.name, Any), defs, f"{where}.{f.name}")
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                required.append(f.name)
        out = {"type": "object", "properties": properties}
        if required:
            out["required"] = required
        return out
    raise UsageError(f"{where}: no JSON schema for type {cls.__name__}; pass schema=")
