"""Tool arguments on pydantic (docs/protocols.md §1.7).

One pydantic model is built from a function's signature: its JSON schema is
the tool's ``parameters``, and validating a call's arguments against it
checks and converts them (strings to dates, dicts to dataclasses, values to
enums, ``Annotated`` constraints) before the function runs, so the schema
the model is shown and the checks its arguments pass come from one source.

The schema is pydantic's with two changes, which keep the shape the earlier
hand-written schemas had:

- no ``title`` keys: pydantic makes them up from field and class names, so
  they repeat what the schema already says and cost the model tokens (an
  explicit ``Field(title=...)`` goes too: one rule, no guessing);
- nested models, dataclasses, TypedDicts and enums are inlined instead of a
  ``$ref`` into ``$defs``: a ``$ref`` beside other keys (the ``description``
  a parameter gets) is not read alike by every provider (OpenAI's client
  unravels it before sending). Only recursive types keep a ``$defs`` entry.

On Python 3.11 pydantic reads ``typing_extensions.TypedDict``, not
``typing.TypedDict``; the UsageError for the latter says so.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Mapping
from typing import Any

import pydantic
from pydantic.fields import FieldInfo

from assistant_ui.errors import UsageError

__all__ = [
    "ArgumentModel",
    "InvalidArguments",
    "is_pydantic_model",
    "tool_schema",
    "validation_problems",
]


def is_pydantic_model(obj: Any) -> bool:
    """``obj`` is a pydantic model class."""
    return isinstance(obj, type) and issubclass(obj, pydantic.BaseModel)


class ArgumentModel:
    """The arguments of a function as one pydantic model.

    Attributes:
        model: the pydantic model; each field is aliased to its parameter's
            name (so names such as ``json`` or ``model_config`` are fine).
        parameters: its JSON schema, the tool's ``parameters``.
    """

    __slots__ = ("_aliases", "_extra", "_names", "model", "parameters")

    def __init__(self, function: Callable[..., Any], descriptions: Mapping[str, str]) -> None:
        """Builds the model of ``function``'s keyword arguments; a parameter's
        description comes from its ``Annotated`` metadata, else from
        ``descriptions`` (the docstring's).

        Raises:
            UsageError: a positional-only parameter, a type hint that cannot
                be resolved, or one pydantic has no JSON schema for.
        """
        name = str(getattr(function, "__name__", "tool"))
        fields: dict[str, Any] = {}
        self._names: dict[str, str] = {}
        self._extra = False
        for index, param in enumerate(_signature(function, name).parameters.values()):
            if param.kind is param.VAR_POSITIONAL:
                continue
            if param.kind is param.VAR_KEYWORD:
                self._extra = True  # undeclared arguments pass through to **kwargs
                continue
            if param.kind is param.POSITIONAL_ONLY:
                raise UsageError(
                    f"tool parameter {param.name!r} is positional-only; tools take keywords"
                )
            annotation = Any if param.annotation is param.empty else param.annotation
            default = ... if param.default is param.empty else param.default
            description = _own_description(annotation, descriptions.get(param.name))
            field_name = f"arg{index}"
            # description=None would erase a Field(description=) of the hint
            info = (
                pydantic.Field(default, alias=param.name, description=description)
                if description
                else pydantic.Field(default, alias=param.name)
            )
            fields[field_name] = (annotation, info)
            self._names[field_name] = param.name
        self._aliases = frozenset(self._names.values())
        try:
            # The model keeps pydantic's default config: a config here would
            # also apply inside the stdlib dataclasses and TypedDicts of the
            # parameters. Unknown top-level arguments are refused in bind().
            # __module__: pydantic resolves forward references left inside
            # the hints (list["Node"]) in the function's module
            self.model: type[pydantic.BaseModel] = pydantic.create_model(
                name, __module__=str(getattr(function, "__module__", None) or __name__), **fields
            )
            self.parameters: dict[str, Any] = tool_schema(self.model.model_json_schema())
        except (pydantic.PydanticUserError, pydantic.PydanticUndefinedAnnotation) as exc:
            raise _which_parameter(fields, self._names, exc) from exc
        if not self._extra:
            self.parameters["additionalProperties"] = False
        # pydantic sorts keywords; the definition reads better in the usual order
        first = ("type", "properties", "required", "additionalProperties")
        self.parameters = {
            **{k: self.parameters[k] for k in first if k in self.parameters},
            **self.parameters,
        }

    def bind(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """The keyword arguments for the function: ``args`` validated and
        converted to the annotated types.

        Raises:
            InvalidArguments: the arguments do not match the parameters.
        """
        unknown = {k: v for k, v in args.items() if k not in self._aliases}
        problems = [] if self._extra else [f"{k}: unexpected argument" for k in unknown]
        try:
            instance = self.model.model_validate(dict(args))
        except pydantic.ValidationError as exc:
            raise InvalidArguments([*validation_problems(exc), *problems]) from exc
        if problems:
            raise InvalidArguments(problems)
        kwargs = {param: getattr(instance, field) for field, param in self._names.items()}
        return {**kwargs, **unknown} if self._extra else kwargs


def validate_model(model: type[pydantic.BaseModel], args: Mapping[str, Any]) -> pydantic.BaseModel:
    """``args`` as an instance of an explicit ``schema=`` model.

    Raises:
        InvalidArguments: the arguments do not match the model.
    """
    try:
        return model.model_validate(dict(args))
    except pydantic.ValidationError as exc:
        raise InvalidArguments(validation_problems(exc)) from exc


class InvalidArguments(ValueError):
    """A call's arguments do not match; one problem per argument.

    Attributes:
        problems: ``"<argument path>: <what is wrong>"`` lines.
    """

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def validation_problems(exc: pydantic.ValidationError) -> list[str]:
    """pydantic's errors as ``"<argument path>: <message>"`` lines."""
    problems = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(part) for part in error["loc"]) or "arguments"
        problems.append(f"{where}: {error['msg']}")
    return problems


def _signature(function: Callable[..., Any], name: str) -> inspect.Signature:
    """The signature with string annotations (``from __future__ import
    annotations``) evaluated; works for partials and callable objects too."""
    inspect.signature(function)  # a callable without a signature fails as it always did
    try:
        return inspect.signature(function, eval_str=True)
    except Exception as exc:  # NameError for a type defined inside a function, and kin
        raise UsageError(
            f"tool {name!r}: cannot resolve the type hints ({exc}); define the types at "
            "module level or pass schema="
        ) from exc


def _own_description(annotation: Any, documented: str | None) -> str | None:
    """The description to set on the field: none if the ``Annotated`` hint
    has a ``Field(description=)`` (pydantic applies it, and a description
    set here would override it), else its plain strings (the
    ``Annotated[int, "what it is"]`` convention), else ``documented``."""
    if typing.get_origin(annotation) is not typing.Annotated:
        return documented
    metadata = typing.get_args(annotation)[1:]
    if any(isinstance(m, FieldInfo) and m.description for m in metadata):
        return None
    notes = [m for m in metadata if isinstance(m, str)]
    return " ".join(notes) or documented


def _which_parameter(
    fields: Mapping[str, Any], names: Mapping[str, str], exc: Exception
) -> UsageError:
    for field_name, (annotation, _) in fields.items():
        try:
            pydantic.TypeAdapter(annotation).json_schema()
        except Exception:
            return UsageError(
                f"parameter {names[field_name]!r}: no JSON schema for type hint "
                f"{annotation!r}; pass schema= ({exc})"
            )
    return UsageError(f"no JSON schema for the tool's parameters; pass schema= ({exc})")


_DEFS = "#/$defs/"
# Keywords whose values are data, not schemas: never read as references.
_DATA_KEYWORDS = frozenset({"const", "default", "enum", "examples"})
# Keywords whose values map names to schemas.
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "dependentSchemas"})


def tool_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Pydantic's ``schema`` as a tool's parameters: without ``title`` keys,
    and each ``$ref`` to its ``$defs`` replaced by the definition (the
    referring node's own keys, such as ``description``, win); references
    inside a recursive definition stay, with the definitions they need."""
    defs: dict[str, Any] = schema.get("$defs", {})
    kept: set[str] = set()

    def walk(node: Any, seen: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [walk(item, seen) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_DEFS) and ref[len(_DEFS) :] in defs:
            name = ref[len(_DEFS) :]
            if name in seen:  # recursive: only a reference can describe it
                kept.add(name)
                return {k: walk(v, seen) for k, v in node.items()}
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            return walk({**defs[name], **siblings}, (*seen, name))
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$defs" or key == "title":
                continue
            if key == "discriminator" and isinstance(value, dict):
                # its mapping names $defs entries, which are inlined now
                out[key] = {k: v for k, v in value.items() if k != "mapping"}
            elif key in _SCHEMA_MAPS and isinstance(value, dict):
                # names (a property may be called "title" or "default") to schemas
                out[key] = {name: walk(sub, seen) for name, sub in value.items()}
            else:
                out[key] = value if key in _DATA_KEYWORDS else walk(value, seen)
        return out

    out: dict[str, Any] = walk(schema, ())
    # A kept definition may itself refer to others: keep what it needs, with
    # its own name as seen so its self-references stay references.
    pending = sorted(kept)
    while pending:
        name = pending.pop()
        before = set(kept)
        out.setdefault("$defs", {})[name] = walk(defs[name], (name,))
        pending.extend(sorted(kept - before))
    return out
