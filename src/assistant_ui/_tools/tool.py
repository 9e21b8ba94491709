"""Python functions as frontend tools (docs/protocols.md §1.7).

``@tool`` (or :meth:`Tool.from_function`) turns a sync or async function
into a :class:`Tool`: a name, a description, a JSON schema for its
arguments, and the function that runs when the assistant calls it. The
schema comes, in order of preference, from an explicit ``schema=`` (a dict
or a pydantic model class), or from the function's type hints through one
pydantic model of its parameters (:mod:`assistant_ui._tools.schema`), with
descriptions taken from its docstring (Google, NumPy or reST style).

Arguments are validated and converted to the annotated types before the
function runs. Running a tool never raises for the call's own failures:
invalid arguments and an exception of the function both become an error
result (``{"error": "<message>"}``, ``isError``), which is what the model is
shown, as the reference runtimes do.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, overload

from assistant_ui import _concurrency
from assistant_ui.errors import UsageError

if TYPE_CHECKING:
    import pydantic

    from assistant_ui._tools.schema import ArgumentModel

# pydantic and docstring_parser (the schema machinery, in _tools/schema.py and
# _tools/docstrings.py) are imported by the first tool built, not by
# `import assistant_ui`: a program or an `aui` command without tools does not
# pay their import (about 60 ms, a seventh of the CLI's start).

__all__ = ["Tool", "ToolArgumentsError", "ToolReply", "tool"]

F = TypeVar("F", bound=Callable[..., Any])


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
    # How JSON arguments become Python values; set by from_function: the
    # model of the signature, or an explicit pydantic model class.
    _arguments: ArgumentModel | None = field(default=None, repr=False, compare=False)
    _model: type[pydantic.BaseModel] | None = field(default=None, repr=False, compare=False)

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
            description: defaults to the docstring's short and long
                description.
            schema: an explicit JSON schema dict (sent as is; the arguments
                reach the function unchecked), or a pydantic model class (its
                schema as the signature's is shown: no titles, references
                inlined; the function then receives one validated model
                instance if it takes exactly one parameter, else the fields
                as keywords).
            needs_approval: wait for an approval before running.
            provider_options: ``providerOptions`` of the definition.

        Raises:
            UsageError: if ``function`` is not callable, or a type hint has
                no JSON schema counterpart.
        """
        if not callable(function):
            raise UsageError(f"a tool needs a callable, got {function!r}")
        from assistant_ui._tools.docstrings import parse_docstring
        from assistant_ui._tools.schema import ArgumentModel, is_pydantic_model, tool_schema

        docs = parse_docstring(inspect.getdoc(function) or "")
        model = None
        arguments = None
        if schema is None:
            arguments = ArgumentModel(function, docs.params)
            parameters = arguments.parameters
        elif isinstance(schema, Mapping):
            parameters = dict(schema)
        elif is_pydantic_model(schema):
            model = schema
            parameters = tool_schema(schema.model_json_schema())
        else:
            raise UsageError(f"schema must be a dict or a pydantic model class, got {schema!r}")
        return cls(
            name=name or str(getattr(function, "__name__", "tool")),
            parameters=parameters,
            function=function,
            description=description if description is not None else (docs.description or None),
            needs_approval=needs_approval,
            provider_options=provider_options,
            _arguments=arguments,
            _model=model,
        )

    @property
    def is_async(self) -> bool:
        """Whether the function is a coroutine function."""
        return _is_coroutine_function(self.function)

    def definition(self) -> dict[str, Any]:
        """The entry of a request's ``tools`` object (docs/protocols.md §1.7)."""
        out: dict[str, Any] = {}
        if self.description:
            out["description"] = self.description
        out["parameters"] = self.parameters
        if self.provider_options:
            out["providerOptions"] = self.provider_options
        return out

    def _bind(self, args: Mapping[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
        if not isinstance(args, Mapping):
            raise ToolArgumentsError(
                f"invalid arguments for tool {self.name!r}: expected an object, "
                f"got {type(args).__name__}"
            )
        if self._arguments is None and self._model is None:
            return (), dict(args)  # an explicit dict schema: the arguments as sent
        from assistant_ui._tools.schema import InvalidArguments, validate_model

        try:
            if self._arguments is not None:
                return (), self._arguments.bind(args)
            if self._model is not None:
                instance = validate_model(self._model, args)
                assert self.function is not None
                if len(inspect.signature(self.function).parameters) == 1:
                    return (instance,), {}
                return (), dict(instance)
        except InvalidArguments as exc:
            raise ToolArgumentsError(
                f"invalid arguments for tool {self.name!r}: {exc}", exc.problems
            ) from exc
        return (), dict(args)  # an explicit dict schema: the arguments as sent

    def call(self, args: Mapping[str, Any]) -> Any:
        """Runs a sync tool function with the call's arguments (exceptions
        propagate; see :meth:`run`).

        Raises:
            ToolArgumentsError: the arguments do not match the parameters.
        """
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
            return await _concurrency.to_thread(self.call, args)
        positional, kwargs = self._bind(args)
        result = self.function(*positional, **kwargs)
        return await typing.cast(Awaitable[Any], result)

    def run(self, args: Mapping[str, Any]) -> ToolReply:
        """Runs a sync tool; invalid arguments or an exception become an
        error reply."""
        try:
            return _as_reply(self.call(args))
        except UsageError:
            raise
        except Exception as exc:
            return error_reply(exc)

    async def arun(self, args: Mapping[str, Any]) -> ToolReply:
        """Runs any tool; invalid arguments or an exception become an error
        reply."""
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


class ToolArgumentsError(ValueError):
    """A call's arguments do not match the tool's parameters; the message
    names each argument and what is wrong with it.

    Attributes:
        problems: one ``"<argument path>: <what is wrong>"`` line each.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


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
