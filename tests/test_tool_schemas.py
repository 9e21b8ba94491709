"""Tools on pydantic: the schema of every supported type hint is pydantic's
own (read the way a tool shows it: no titles, references inlined), the
arguments are validated and converted before the function runs, invalid
arguments come back as a tool error the model sees, and descriptions come
from Google, NumPy and reST docstrings."""

from __future__ import annotations

import datetime as dt
import enum
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal, NotRequired, Optional, Union

import pydantic
import pytest
from pydantic import Field, TypeAdapter
from typing_extensions import TypedDict

from assistant_ui import AssistantClient, Tool, ToolReply, tool
from assistant_ui._tools.tool import ToolArgumentsError


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Place(TypedDict):
    """Where."""

    city: str
    country: NotRequired[str]


@dataclass
class Window:
    days: int
    hourly: bool = False


class Point(pydantic.BaseModel):
    """A point."""

    x: int = Field(description="across")
    y: int


class Cat(pydantic.BaseModel):
    kind: Literal["cat"]
    lives: int


class Dog(pydantic.BaseModel):
    kind: Literal["dog"]
    good: bool


class Node(pydantic.BaseModel):
    value: int
    children: list[Node] = []


_DATA = ("const", "default", "enum", "examples")


def as_a_tool_shows_it(annotation: Any) -> dict[str, Any]:
    """pydantic's own JSON schema of ``annotation``, with its ``$ref``s
    resolved and its ``title`` keys dropped (non-recursive types only)."""
    raw = TypeAdapter(annotation).json_schema()
    defs = raw.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, list):
            return [resolve(n) for n in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            rest = {k: v for k, v in node.items() if k != "$ref"}
            return resolve({**defs[node["$ref"].rsplit("/", 1)[1]], **rest})
        out = {}
        for key, value in node.items():
            if key == "title":
                continue
            if key == "properties":
                out[key] = {name: resolve(sub) for name, sub in value.items()}
            else:
                out[key] = value if key in _DATA else resolve(value)
        return out

    return resolve(raw)  # type: ignore[no-any-return]


def one_parameter_tool(annotation: Any) -> Tool:
    def take(x: Any) -> Any:
        return x

    take.__annotations__ = {"x": annotation, "return": Any}
    return Tool.from_function(take)


EVERY_TYPE = [
    pytest.param(str, id="str"),
    pytest.param(int, id="int"),
    pytest.param(float, id="float"),
    pytest.param(bool, id="bool"),
    pytest.param(Place, id="TypedDict"),
    pytest.param(Window, id="dataclass"),
    pytest.param(Point, id="pydantic model"),
    pytest.param(Color, id="enum"),
    pytest.param(Level, id="IntEnum"),
    pytest.param(Literal["fast", "exact"], id="Literal str"),
    pytest.param(Literal[1, 2, 3], id="Literal int"),
    pytest.param(dt.date, id="date"),
    pytest.param(dt.datetime, id="datetime"),
    pytest.param(uuid.UUID, id="UUID"),
    pytest.param(Decimal, id="Decimal"),
    pytest.param(bytes, id="bytes"),
    pytest.param(Optional[int], id="Optional int"),  # noqa: UP045 - the spelling under test
    pytest.param(Optional[Point], id="Optional model"),  # noqa: UP045
    pytest.param(int | None, id="int | None"),
    pytest.param(Annotated[int, Field(ge=1, le=10)], id="Annotated ge le"),
    pytest.param(Annotated[str, Field(min_length=2, pattern="^[a-z]+$")], id="Annotated str"),
    pytest.param(Annotated[list[int], Field(max_length=3)], id="Annotated list"),
    pytest.param(list[Point], id="list of models"),
    pytest.param(dict[str, Decimal], id="dict of Decimal"),
    pytest.param(tuple[int, str], id="tuple"),
    pytest.param(set[Color], id="set of enums"),
    pytest.param(Union[Place, Window], id="union"),  # noqa: UP007
]


@pytest.mark.parametrize("annotation", EVERY_TYPE)
def test_every_type_has_pydantics_own_schema(annotation: Any) -> None:
    parameters = one_parameter_tool(annotation).parameters
    assert parameters["properties"]["x"] == as_a_tool_shows_it(annotation)
    assert parameters["required"] == ["x"]
    assert parameters["additionalProperties"] is False
    assert parameters["type"] == "object"
    assert "$defs" not in parameters  # nothing recursive: every reference inlined
    assert "title" not in json.dumps(parameters)


def test_some_schemas_spelled_out() -> None:
    """The comparison above, pinned for a few types so a change in what
    pydantic says shows up here as well."""
    props = {
        name: one_parameter_tool(annotation).parameters["properties"]["x"]
        for name, annotation in [
            ("date", dt.date),
            ("uuid", uuid.UUID),
            ("bytes", bytes),
            ("bounded", Annotated[int, Field(ge=1)]),
            ("place", Place),
            ("color", Color),
        ]
    }
    assert props["date"] == {"type": "string", "format": "date"}
    assert props["uuid"] == {"type": "string", "format": "uuid"}
    assert props["bytes"] == {"type": "string", "format": "binary"}
    assert props["bounded"] == {"type": "integer", "minimum": 1}
    assert props["place"] == {
        "type": "object",
        "description": "Where.",
        "properties": {"city": {"type": "string"}, "country": {"type": "string"}},
        "required": ["city"],
    }
    assert props["color"] == {"type": "string", "enum": ["red", "green"]}


def test_a_discriminated_union_inlines_its_members() -> None:
    pet = Annotated[Union[Cat, Dog], Field(discriminator="kind")]  # noqa: UP007
    t = one_parameter_tool(pet)
    schema = t.parameters["properties"]["x"]
    # pydantic's mapping names $defs entries, which are inlined: it goes
    assert schema["discriminator"] == {"propertyName": "kind"}
    assert [m["properties"]["kind"] for m in schema["oneOf"]] == [
        {"type": "string", "const": "cat"},
        {"type": "string", "const": "dog"},
    ]
    assert t.run({"x": {"kind": "dog", "good": True}}).result == Dog(kind="dog", good=True)


def test_a_recursive_model_keeps_its_definition() -> None:
    t = one_parameter_tool(Node)
    node = {
        "type": "object",
        "properties": {
            "value": {"type": "integer"},
            "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}, "default": []},
        },
        "required": ["value"],
    }
    assert t.parameters["properties"]["x"] == node
    assert t.parameters["$defs"] == {"Node": node}
    tree = t.run({"x": {"value": 1, "children": [{"value": 2}]}}).result
    assert tree == Node(value=1, children=[Node(value=2)])


@pytest.mark.parametrize(
    ("annotation", "sent", "received"),
    [
        pytest.param(dt.date, "2026-12-04", dt.date(2026, 12, 4), id="date"),
        pytest.param(
            dt.datetime,
            "2026-12-04T19:30:00Z",
            dt.datetime(2026, 12, 4, 19, 30, tzinfo=dt.UTC),
            id="datetime",
        ),
        pytest.param(
            uuid.UUID,
            "12345678-1234-5678-1234-567812345678",
            uuid.UUID("12345678-1234-5678-1234-567812345678"),
            id="UUID",
        ),
        pytest.param(Decimal, "1.10", Decimal("1.10"), id="Decimal"),
        pytest.param(bytes, "hi", b"hi", id="bytes"),
        pytest.param(Color, "green", Color.GREEN, id="enum"),
        pytest.param(Level, 2, Level.HIGH, id="IntEnum"),
        pytest.param(Place, {"city": "Oslo"}, {"city": "Oslo"}, id="TypedDict"),
        pytest.param(Window, {"days": "2"}, Window(days=2), id="dataclass"),
        pytest.param(Point, {"x": 1, "y": "2"}, Point(x=1, y=2), id="model"),
        pytest.param(Optional[int], None, None, id="Optional"),  # noqa: UP045
        pytest.param(Annotated[int, Field(ge=1)], "3", 3, id="Annotated"),
        pytest.param(tuple[int, str], [1, "a"], (1, "a"), id="tuple"),
        pytest.param(set[Color], ["red"], {Color.RED}, id="set"),
        pytest.param(list[Point], [{"x": 0, "y": 0}], [Point(x=0, y=0)], id="list of models"),
    ],
)
def test_arguments_are_validated_and_converted(annotation: Any, sent: Any, received: Any) -> None:
    reply = one_parameter_tool(annotation).run({"x": sent})
    assert reply == ToolReply(received)
    assert type(reply.result) is type(received)


@pytest.mark.parametrize(
    ("annotation", "sent", "problem"),
    [
        pytest.param(
            dt.date,
            "yesterday",
            "x: Input should be a valid date or datetime, input is too short",
            id="date",
        ),
        pytest.param(
            uuid.UUID, "nope", "x: Input should be a valid UUID, invalid character", id="UUID"
        ),
        pytest.param(Decimal, "many", "x: Input should be a valid decimal", id="Decimal"),
        pytest.param(
            Annotated[int, Field(ge=1)],
            0,
            "x: Input should be greater than or equal to 1",
            id="Annotated ge",
        ),
        pytest.param(
            Annotated[str, Field(max_length=3)],
            "Paris",
            "x: String should have at most 3 characters",
            id="Annotated max_length",
        ),
        pytest.param(Literal["a", "b"], "c", "x: Input should be 'a' or 'b'", id="Literal"),
        pytest.param(Color, "blue", "x: Input should be 'red' or 'green'", id="enum"),
        pytest.param(Place, {"country": "NO"}, "x.city: Field required", id="TypedDict"),
        pytest.param(
            Point,
            {"x": 1, "y": "up"},
            "x.y: Input should be a valid integer, unable to parse string as an integer",
            id="model",
        ),
        pytest.param(
            int,
            "3.5",
            "x: Input should be a valid integer, unable to parse string as an integer",
            id="int",
        ),
    ],
)
def test_invalid_arguments_are_a_tool_error(annotation: Any, sent: Any, problem: str) -> None:
    t = one_parameter_tool(annotation)
    reply = t.run({"x": sent})
    assert reply.is_error
    assert set(reply.result) == {"error"}
    assert reply.result["error"].startswith(f"invalid arguments for tool 'take': {problem}")


async def test_invalid_arguments_never_reach_the_function() -> None:
    ran: list[Any] = []

    @tool
    def book(day: dt.date, nights: Annotated[int, Field(ge=1)] = 1) -> str:
        ran.append(day)
        return "booked"

    @tool
    async def abook(day: dt.date) -> str:
        ran.append(day)
        return "booked"

    several = book.run({"day": "soon", "nights": 0, "guests": 2})
    assert several.is_error
    assert several.result["error"] == (
        "invalid arguments for tool 'book': day: Input should be a valid date or datetime, "
        "input is too short; nights: Input should be greater than or equal to 1; "
        "guests: unexpected argument"
    )
    assert book.run({}).result == {
        "error": "invalid arguments for tool 'book': day: Field required"
    }
    not_an_object = await book.arun(["2026-12-04"])  # type: ignore[arg-type]
    assert not_an_object.is_error
    assert "expected an object, got list" in not_an_object.result["error"]
    assert (await abook.arun({"day": "then"})).is_error
    assert ran == []
    with pytest.raises(ToolArgumentsError) as raised:
        book.call({"day": "soon"})
    assert raised.value.problems == [
        "day: Input should be a valid date or datetime, input is too short"
    ]
    assert book.run({"day": "2026-12-04"}) == ToolReply("booked")
    assert ran == [dt.date(2026, 12, 4)]


def test_an_exception_inside_the_function_is_not_an_argument_error() -> None:
    @tool
    def strict(x: int) -> int:
        # the function's own validation error is its failure, reported as such
        TypeAdapter(int).validate_python("nope")
        return x

    reply = strict.run({"x": 1})
    assert reply.is_error
    assert not reply.result["error"].startswith("invalid arguments")


def test_google_docstring() -> None:
    @tool
    def search(query: str, limit: int = 10) -> list[str]:
        """Search the documents
        by keyword.

        Ranks by relevance,
        best first.

        Args:
            query: the words to look for,
                in any order.
            limit (int): at most this many results.

        Returns:
            the matching titles.
        """
        return []

    assert (
        search.description == "Search the documents by keyword.\n\nRanks by relevance, best first."
    )
    assert search.parameters["properties"] == {
        "query": {"type": "string", "description": "the words to look for, in any order."},
        "limit": {"type": "integer", "description": "at most this many results.", "default": 10},
    }


def test_numpy_docstring() -> None:
    @tool
    def search(query: str, limit: int = 10) -> list[str]:
        """Search the documents.

        Ranks by relevance.

        Parameters
        ----------
        query : str
            the words to look for,
            in any order.
        limit : int, optional
            at most this many results.

        Returns
        -------
        list of str
            the matching titles.
        """
        return []

    assert search.description == "Search the documents.\n\nRanks by relevance."
    assert search.parameters["properties"] == {
        "query": {"type": "string", "description": "the words to look for, in any order."},
        "limit": {"type": "integer", "description": "at most this many results.", "default": 10},
    }


def test_rest_docstring() -> None:
    @tool
    def search(query: str, limit: int = 10) -> list[str]:
        """Search the documents.

        Ranks by relevance.

        :param query: the words to look for,
            in any order.
        :param int limit: at most this many results.
        :returns: the matching titles.
        """
        return []

    assert search.description == "Search the documents.\n\nRanks by relevance."
    assert search.parameters["properties"] == {
        "query": {"type": "string", "description": "the words to look for, in any order."},
        "limit": {"type": "integer", "description": "at most this many results.", "default": 10},
    }


def test_a_description_in_the_hint_wins_over_the_docstring() -> None:
    @tool
    def f(
        a: Annotated[int, Field(description="from Field")],
        b: Annotated[int, "from a note"],
        c: int,
    ) -> None:
        """F.

        Args:
            a: from the docstring
            b: from the docstring
            c: from the docstring
        """

    props = f.parameters["properties"]
    assert [props[k]["description"] for k in "abc"] == [
        "from Field",
        "from a note",
        "from the docstring",
    ]


def test_parameter_names_pydantic_reserves_are_fine() -> None:
    @tool
    def f(json: str, model_config: int, schema: bool = False) -> list[Any]:
        return [json, model_config, schema]

    assert list(f.parameters["properties"]) == ["json", "model_config", "schema"]
    assert f.run({"json": "j", "model_config": "2"}).result == ["j", 2, False]


def test_var_keyword_arguments_pass_through() -> None:
    @tool
    def f(a: int, **rest: Any) -> dict[str, Any]:
        return {"a": a, **rest}

    assert "additionalProperties" not in f.parameters
    assert f.run({"a": "1", "b": [2]}).result == {"a": 1, "b": [2]}


def get_weather_tool(max_city_length: int, ran: list[str]) -> Tool:
    def get_weather(city: str) -> dict[str, Any]:
        """Get the weather for a city.

        Args:
            city: the city name.
        """
        ran.append(city)
        return {"city": city, "temperature": 18, "condition": "sunny"}

    # set here: a string hint (this module's annotations are) cannot name a local
    get_weather.__annotations__["city"] = Annotated[str, Field(max_length=max_city_length)]
    return Tool.from_function(get_weather)


RUNTIMES = ["data-stream", "ai-sdk", "assistant-transport", "sync-server"]


@pytest.mark.parametrize("runtime", RUNTIMES)
async def test_the_demo_is_told_its_arguments_were_invalid_and_the_run_goes_on(
    demo_server: Any, thread_id: str, runtime: str
) -> None:
    ran: list[str] = []
    async with AssistantClient(demo_server.url, runtime=runtime, max_retries=0) as client:
        thread = client.threads(thread_id, tools=[get_weather_tool(3, ran)])
        result = await thread.send("weather in Paris")
    assert ran == []  # "Paris" is longer than 3: the function never ran
    (call,) = result.tool_calls
    assert call["args"] == {"city": "Paris"}
    assert call["isError"] is True
    problem = "city: String should have at most 3 characters"
    assert call["result"] == {"error": f"invalid arguments for tool 'get_weather': {problem}"}
    # the error went back to the backend, which answered it: the run continued
    assert result.requests == 2
    assert result.status["type"] == "complete"
    assert "The get_weather tool failed for Paris" in result.text
    assert problem in result.text
    follow_up = demo_server.log.requests_for(thread_id)[1].body
    assert problem in json.dumps(follow_up)
    assert thread_id in json.dumps(follow_up)


def test_the_same_tool_runs_when_the_arguments_are_valid(demo_server: Any, thread_id: str) -> None:
    ran: list[str] = []
    with AssistantClient(demo_server.url, runtime="ai-sdk", max_retries=0) as client:
        thread = client.threads(thread_id, tools=[get_weather_tool(4, ran)])
        result = thread.send_sync("weather in Oslo")
    assert ran == ["Oslo"]
    assert result.tool_calls[0]["isError"] is False
    assert "It is 18°C and sunny in Oslo." in result.text


def scripted_backend(bodies: list[Any]) -> Any:
    """A data-stream backend: the first reply calls ``get_weather`` with
    arguments of the wrong types, the next one says what came back."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    usage = {"promptTokens": 1, "completionTokens": 1}
    bad_call = {"toolCallId": "c1", "toolName": "get_weather", "args": {"city": 42, "days": "many"}}
    first = [
        f"9:{json.dumps(bad_call)}",
        f"e:{json.dumps({'finishReason': 'tool-calls', 'usage': usage, 'isContinued': False})}",
        f"d:{json.dumps({'finishReason': 'tool-calls', 'usage': usage})}",
    ]
    second = ['0:"noted"', f"d:{json.dumps({'finishReason': 'stop', 'usage': usage})}"]

    async def chat(request: Request) -> Response:
        bodies.append(await request.json())
        lines = first if len(bodies) == 1 else second
        return Response(
            "".join(line + "\n" for line in lines),
            media_type="text/plain; charset=utf-8",
            headers={"x-vercel-ai-data-stream": "v1"},
        )

    return Starlette(routes=[Route("/api/chat", chat, methods=["POST"])])


async def test_arguments_of_the_wrong_types_from_a_loopback_backend() -> None:
    pytest.importorskip("starlette")
    from assistant_ui.demo.runner import BackgroundServer

    ran: list[Any] = []

    @tool
    def get_weather(city: str, days: int = 1) -> str:
        ran.append(city)
        return "sunny"

    bodies: list[Any] = []
    with BackgroundServer(scripted_backend(bodies)) as server:
        async with AssistantClient(server.url, runtime="data-stream", max_retries=0) as client:
            result = await client.threads("t-bad-args", tools=[get_weather]).send("weather?")
    assert ran == []
    assert result.text == "noted"
    assert result.requests == 2
    error = (
        "invalid arguments for tool 'get_weather': city: Input should be a valid string; "
        "days: Input should be a valid integer, unable to parse string as an integer"
    )
    assert result.tool_calls[0]["result"] == {"error": error}
    assert result.tool_calls[0]["isError"] is True
    tool_message = bodies[1]["messages"][-1]
    assert tool_message["role"] == "tool"
    # the error goes back as the data-stream shape's error output
    assert tool_message["content"] == [
        {
            "type": "tool-result",
            "toolCallId": "c1",
            "toolName": "get_weather",
            "output": {"type": "error-json", "value": {"error": error}},
        }
    ]


def count_points(points: list[Point], origin: Optional[Point] = None) -> int:  # noqa: UP045
    return len(points)


def test_string_hints_and_forward_references_inside_them_resolve() -> None:
    # this module's hints are strings (from __future__ import annotations);
    # a quoted name inside one is a forward reference pydantic resolves
    def nested(points: list["Point"]) -> int:  # noqa: UP037
        return len(points)

    for function in (count_points, nested):
        t = Tool.from_function(function)
        assert t.parameters["properties"]["points"] == as_a_tool_shows_it(list[Point])
        assert t.run({"points": [{"x": 1, "y": 2}]}) == ToolReply(1)
