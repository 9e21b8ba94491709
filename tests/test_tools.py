"""Python functions as frontend tools: schemas from hints and docstrings,
explicit and pydantic schemas, sync and async execution, errors as results."""

from __future__ import annotations

import asyncio
import enum
import sys
import threading
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Optional

import pydantic
import pytest
from typing_extensions import TypedDict

from assistant_ui._tools.tool import Tool, ToolReply, tool
from assistant_ui.errors import UsageError


class Unit(enum.Enum):
    C = "celsius"
    F = "fahrenheit"


class Place(TypedDict):
    city: str
    country: str


@dataclass
class Window:
    days: int
    hourly: bool = False


def test_schema_from_hints_and_google_docstring() -> None:
    @tool
    def get_weather(
        city: str,
        unit: Unit = Unit.C,
        days: list[int] | None = None,
        mode: Literal["fast", "exact"] = "fast",
        limit: Annotated[int, "at most this many"] = 3,
        extras: dict[str, float] | None = None,
    ) -> dict[str, Any]:
        """Get the current weather
        for a city.

        Looks it up.

        Args:
            city: the city name,
                in English.
            unit (Unit): the temperature unit.

        Returns:
            the weather.
        """
        return {}

    assert get_weather.name == "get_weather"
    assert get_weather.description == "Get the current weather for a city.\n\nLooks it up."
    assert get_weather.parameters == {
        "type": "object",
        "properties": {
            "city": {"type": "string", "description": "the city name, in English."},
            "unit": {
                "type": "string",
                "enum": ["celsius", "fahrenheit"],
                "description": "the temperature unit.",
                "default": "celsius",  # an enum default, as its JSON value
            },
            "days": {
                "anyOf": [{"type": "array", "items": {"type": "integer"}}, {"type": "null"}],
                "default": None,
            },
            "mode": {"type": "string", "enum": ["fast", "exact"], "default": "fast"},
            "limit": {"type": "integer", "description": "at most this many", "default": 3},
            "extras": {
                "anyOf": [
                    {"type": "object", "additionalProperties": {"type": "number"}},
                    {"type": "null"},
                ],
                "default": None,
            },
        },
        "required": ["city"],
        "additionalProperties": False,
    }


def test_schema_for_typeddict_dataclass_optional_and_sphinx_docs() -> None:
    def plan(place: Place, window: Window, note: Optional[str] = None) -> str:  # noqa: UP045
        """Plan a trip.

        :param place: where to go
        :param window: when
        :returns: a plan
        """
        return ""

    t = Tool.from_function(plan)
    props = t.parameters["properties"]
    assert props["place"] == {
        "type": "object",
        "properties": {"city": {"type": "string"}, "country": {"type": "string"}},
        "required": ["city", "country"],
        "description": "where to go",
    }
    assert props["window"]["required"] == ["days"]
    assert props["window"]["description"] == "when"
    assert props["note"] == {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}
    assert t.description == "Plan a trip."


def test_arguments_are_converted_to_the_annotated_types() -> None:
    seen: dict[str, Any] = {}

    @tool
    def record(unit: Unit, window: Window) -> str:
        seen.update(unit=unit, window=window)
        return "ok"

    assert record.run({"unit": "fahrenheit", "window": {"days": 2}}) == ToolReply("ok")
    assert seen == {"unit": Unit.F, "window": Window(days=2)}


def test_explicit_schema_is_used_as_is() -> None:
    schema = {"type": "object", "properties": {"q": {"type": "string"}}}

    @tool(schema=schema, name="search", description="Search the web", needs_approval=True)
    def do_search(q: str) -> list[str]:
        return [q]

    assert do_search.definition() == {"description": "Search the web", "parameters": schema}
    assert do_search.needs_approval
    assert do_search.run({"q": "x"}).result == ["x"]
    assert do_search("direct") == ["direct"]  # still callable as a function


def test_pydantic_model_schema_and_validation() -> None:
    class Query(pydantic.BaseModel):
        """A query."""

        text: str
        limit: int = 5

    @tool(schema=Query)
    def search(query: Query) -> dict[str, Any]:
        return {"text": query.text, "limit": query.limit}

    # pydantic's schema, shown as a signature's is: no titles
    assert search.parameters == {
        "description": "A query.",
        "type": "object",
        "properties": {"text": {"type": "string"}, "limit": {"type": "integer", "default": 5}},
        "required": ["text"],
    }
    assert search.run({"text": "hi"}).result == {"text": "hi", "limit": 5}
    failed = search.run({"limit": "many"})
    assert failed.is_error
    assert "text" in failed.result["error"]


class Point(pydantic.BaseModel):
    x: int
    y: int


def test_pydantic_model_as_a_parameter_hint() -> None:
    @tool
    def plot(point: Point, label: str) -> str:
        return f"{label}@{point.x},{point.y}"

    # inlined, without the titles pydantic derives from names
    assert plot.parameters["properties"]["point"] == {
        "type": "object",
        "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}},
        "required": ["x", "y"],
    }
    assert plot.run({"point": {"x": 1, "y": 2}, "label": "p"}).result == "p@1,2"


def test_an_exception_becomes_an_error_result() -> None:
    @tool
    def broken(x: int) -> int:
        raise ValueError(f"cannot handle {x}")

    assert broken.run({"x": 3}) == ToolReply({"error": "cannot handle 3"}, is_error=True)
    missing = broken.run({})
    assert missing.is_error
    assert "x" in missing.result["error"]


async def test_async_tools_are_awaited_and_sync_tools_run_in_a_worker_thread() -> None:
    main = threading.get_ident()
    threads: list[int] = []

    @tool
    async def slow(x: int) -> int:
        await asyncio.sleep(0)
        return x * 2

    @tool
    def blocking(x: int) -> int:
        threads.append(threading.get_ident())
        return x + 1

    assert slow.is_async
    assert not blocking.is_async
    assert await slow.arun({"x": 2}) == ToolReply(4)
    assert await blocking.arun({"x": 2}) == ToolReply(3)
    assert threads
    assert threads[0] != main
    with pytest.raises(UsageError):
        slow.call({"x": 1})


def test_tool_reply_carries_artifact_and_model_content() -> None:
    @tool
    def chart() -> ToolReply:
        return ToolReply(
            {"points": 3},
            artifact={"svg": "<svg/>"},
            model_content=[{"type": "text", "text": "3 points"}],
        )

    reply = chart.run({})
    assert reply.artifact == {"svg": "<svg/>"}
    assert reply.model_content == [{"type": "text", "text": "3 points"}]


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(lambda: Tool.from_function(42), id="not callable"),  # type: ignore[arg-type]
        pytest.param(lambda: Tool.from_function(lambda x, /: x), id="positional-only"),
        pytest.param(lambda: Tool.from_function(lambda x: x, schema=42), id="bad schema"),
    ],
)
def test_misuse_is_a_usage_error(bad: Any) -> None:
    with pytest.raises(UsageError):
        bad()


class Opaque:
    """A class pydantic has no schema for."""


def test_unsupported_hint_says_which_parameter() -> None:
    def f(day: int, when: Opaque) -> None:
        return None

    with pytest.raises(UsageError, match="parameter 'when'"):
        Tool.from_function(f)


def test_unresolvable_hint_is_a_usage_error() -> None:
    class Local:
        pass

    def f(x: Local) -> None:
        return None

    with pytest.raises(UsageError, match=r"cannot resolve the type hints .*'Local'"):
        Tool.from_function(f)


def test_declared_tool_without_function_cannot_run() -> None:
    declared = Tool(name="human", parameters={"type": "object"})
    assert declared.definition() == {"parameters": {"type": "object"}}
    with pytest.raises(UsageError):
        declared.run({})


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="typing.TypedDict works from 3.12")
def test_typing_typeddict_before_python_3_12_says_to_use_typing_extensions() -> None:
    import typing

    class Stdlib(typing.TypedDict):
        city: str

    def f(place: Stdlib) -> None:
        return None

    f.__annotations__ = {"place": Stdlib, "return": None}  # a local: not resolvable by name
    with pytest.raises(UsageError, match=r"parameter 'place'.*typing_extensions\.TypedDict"):
        Tool.from_function(f)


def test_the_definition_lists_the_usual_keywords_first() -> None:
    @tool
    def f(a: int, b: str = "x") -> None:
        return None

    assert list(f.parameters) == ["type", "properties", "required", "additionalProperties"]
