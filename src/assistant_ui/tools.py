"""Python functions as frontend tools (PROTOCOLS.md 1.7, issue 5).

``@tool`` (or :meth:`Tool.from_function`) turns a sync or async function
into a :class:`Tool`: a name, a description, a JSON schema for its
arguments, and the function that runs when the assistant calls it. The
schema comes, in order of preference, from an explicit ``schema=`` (a dict
or a pydantic model class), or from the function's type hints, with
argument descriptions taken from its docstring (Google ``Args:`` sections
or Sphinx ``:param x:`` lines).

Running a tool never raises for the tool's own failures: an exception
becomes an error result (``{"error": "<message>"}``, ``isError``), which is
what the model is shown, as the reference runtimes do.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import functools
import inspect
import re
import types
import typing
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, Union, overload

from .errors import UsageError

__all__ = ["Tool", "ToolReply", "tool"]

F = TypeVar("F", bound=Callable[..., Any])

_SECTION = re.compile(
    r"^\s*(Args|Arguments|Parameters|Params|Returns?|Raises|Yields|Examples?|Notes?)\s*:\s*$"
)
_GOOGLE_ARG = re.compile(r"^\s*\*{0,2}(\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")
_SPHINX_ARG = re.compile(r"^\s*:param\s+(?:[^:]*\s)?(\w+)\s*:\s*(.*)$")


@dataclass(frozen=True, slots=True)
class ToolReply:
    """What a tool function may return to say more than its result.

    Attributes:
        result: the result shown to the model and stored on the call.
        is_error: mark the result as an error.
        artifact: UI-only data kept beside the result (never sent to the
            model by the runtimes).
        model_content: explicit model content parts (``{"type": "text",
            "text"}`` or ``{"type": "file", ...}``) instead of the result.
    """

    result: Any
    is_error: bool = False
    artifact: Any = None
    model_content: list[Any] | None = None


@dataclass(slots=True)
class Tool:
    """A frontend tool: its definition and the function that runs it.

    Attributes:
        name: the tool name the model calls.
        parameters: JSON schema (an object schema) of the arguments.
        function: the Python function (sync or async); ``None`` for a tool
            that is only declared (the caller answers it).
        description: what the tool does; left out of the definition when
            empty.
        needs_approval: wait for an approval callback before running.
        provider_options: provider-specific options (``providerOptions``).
    """

    name: str
    parameters: dict[str, Any]
    function: Callable[..., Any] | None = None
    description: str | None = None
    needs_approval: bool = False
    provider_options: dict[str, Any] | None = None
    # How JSON arguments become Python values; set by from_function.
    _model: Any = field(default=None, repr=False, compare=False)
    _converters: dict[str, Callable[[Any], Any]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def from_function(
        cls,
        function: Callable[..., Any],
        *,
        name: str | None = None,
        description: str | None = None,
        schema: Any = None,
        needs_approval: bool = False,
        provider_options: dict[str, Any] | None = None,
    ) -> Tool:
        """A tool that runs ``function``.

        Args:
            function: a sync or async function; its parameters are the
                tool's arguments.
            name: defaults to the function's ``__name__``.
            description: defaults to the docstring's first section.
            schema: an explicit JSON schema dict, or a pydantic model class
                (the function then receives one validated model instance if
                it takes exactly one parameter, else the fields as keywords).
            needs_approval: wait for an approval before running.
            provider_options: ``providerOptions`` of the definition.

        Raises:
            UsageError: if ``function`` is not callable, or a type hint has
                no JSON schema counterpart.
        """
        if not callable(function):
            raise UsageError(f"a tool needs a callable, got {function!r}")
        summary, arg_docs = _parse_docstring(inspect.getdoc(function) or "")
        model = None
        converters: dict[str, Callable[[Any], Any]] = {}
        if schema is None:
            parameters, converters = _schema_from_signature(function, arg_docs)
        elif isinstance(schema, Mapping):
            parameters = dict(schema)
        elif _is_pydantic_model(schema):
            model = schema
            parameters = schema.model_json_schema()
        else:
            raise UsageError(f"schema must be a dict or a pydantic model class, got {schema!r}")
        return cls(
            name=name or str(getattr(function, "__name__", "tool")),
            parameters=parameters,
            function=function,
            description=description if description is not None else (summary or None),
            needs_approval=needs_approval,
            provider_options=provider_options,
            _model=model,
            _converters=converters,
        )

    @property
    def is_async(self) -> bool:
        """Whether the function is a coroutine function."""
        return _is_coroutine_function(self.function)

    def definition(self) -> dict[str, Any]:
        """The entry of a request's ``tools`` object (PROTOCOLS.md 1.7)."""
        out: dict[str, Any] = {}
        if self.description:
            out["description"] = self.description
        out["parameters"] = self.parameters
        if self.provider_options:
            out["providerOptions"] = self.provider_options
        return out

    def _bind(self, args: Mapping[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
        if not isinstance(args, Mapping):
            raise TypeError(f"tool arguments must be an object, got {type(args).__name__}")
        if self._model is not None:
            instance = self._model.model_validate(dict(args))
            assert self.function is not None
            if len(inspect.signature(self.function).parameters) == 1:
                return (instance,), {}
            return (), dict(instance)
        kwargs = {
            k: self._converters[k](v) if k in self._converters else v for k, v in args.items()
        }
        return (), kwargs

    def call(self, args: Mapping[str, Any]) -> Any:
        """Runs a sync tool function with the call's arguments (exceptions
        propagate; see :meth:`run`)."""
        if self.function is None:
            raise UsageError(f"tool {self.name!r} has no function to run")
        if self.is_async:
            raise UsageError(f"tool {self.name!r} is async: use acall() or arun()")
        positional, kwargs = self._bind(args)
        return self.function(*positional, **kwargs)

    async def acall(self, args: Mapping[str, Any]) -> Any:
        """Runs the function: awaited when async, in a worker thread when
        sync (so a blocking tool does not stall the event loop)."""
        if self.function is None:
            raise UsageError(f"tool {self.name!r} has no function to run")
        if not self.is_async:
            return await asyncio.to_thread(self.call, args)
        positional, kwargs = self._bind(args)
        result = self.function(*positional, **kwargs)
        return await typing.cast(Awaitable[Any], result)

    def run(self, args: Mapping[str, Any]) -> ToolReply:
        """Runs a sync tool; an exception becomes an error reply."""
        try:
            return _as_reply(self.call(args))
        except UsageError:
            raise
        except Exception as exc:
            return error_reply(exc)

    async def arun(self, args: Mapping[str, Any]) -> ToolReply:
        """Runs any tool; an exception becomes an error reply."""
        try:
            return _as_reply(await self.acall(args))
        except UsageError:
            raise
        except Exception as exc:
            return error_reply(exc)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Calls the underlying function directly, so a decorated function
        still works as a function."""
        if self.function is None:
            raise UsageError(f"tool {self.name!r} has no function to run")
        return self.function(*args, **kwargs)


def error_reply(exc: BaseException) -> ToolReply:
    """The error result the model sees for a tool that raised."""
    message = str(exc) or type(exc).__name__
    return ToolReply(result={"error": message}, is_error=True)


def _as_reply(value: Any) -> ToolReply:
    return value if isinstance(value, ToolReply) else ToolReply(result=value)


def _is_coroutine_function(function: Any) -> bool:
    while isinstance(function, functools.partial):
        function = function.func
    return inspect.iscoroutinefunction(function) or inspect.iscoroutinefunction(
        getattr(function, "__call__", None)  # noqa: B004 - callable objects with async __call__
    )


@overload
def tool(function: F, /) -> Tool: ...


@overload
def tool(
    *,
    name: str | None = None,
    description: str | None = None,
    schema: Any = None,
    needs_approval: bool = False,
    provider_options: dict[str, Any] | None = None,
) -> Callable[[Callable[..., Any]], Tool]: ...


def tool(
    function: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
    schema: Any = None,
    needs_approval: bool = False,
    provider_options: dict[str, Any] | None = None,
) -> Tool | Callable[[Callable[..., Any]], Tool]:
    """Decorator: turns a function into a :class:`Tool`.

    Example::

        @assistant_ui.tool
        def get_weather(city: str, unit: Literal["C", "F"] = "C") -> dict:
            '''Get the current weather.

            Args:
                city: the city name.
            '''
            return {"temp": 20, "unit": unit}

        @assistant_ui.tool(needs_approval=True)
        async def delete_file(path: str) -> str: ...
    """

    def wrap(fn: Callable[..., Any]) -> Tool:
        return Tool.from_function(
            fn,
            name=name,
            description=description,
            schema=schema,
            needs_approval=needs_approval,
            provider_options=provider_options,
        )

    return wrap(function) if function is not None else wrap


# ---------------------------------------------------------------------------
# JSON schema from type hints


def _parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
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


def _is_pydantic_model(obj: Any) -> bool:
    return (
        isinstance(obj, type)
        and hasattr(obj, "model_json_schema")
        and hasattr(obj, "model_validate")
    )


def _schema_from_signature(
    function: Callable[..., Any], arg_docs: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, Callable[[Any], Any]]]:
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
    if _is_pydantic_model(base):
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
    if _is_pydantic_model(cls):
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
