"""Deeply nested JSON, from a misbehaving server and in requests.

A reply frame nested past MAX_JSON_DEPTH is a typed StreamDecodeError with
its line and offset and the message received before it, never a bare
RecursionError; a request value too deep to encode is an InvalidRequestError
before anything is sent.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant_ui import AssistantClient, decode_stream
from assistant_ui.errors import AssistantUIError, InvalidRequestError, StreamDecodeError
from assistant_ui.protocol.encodings import ENCODING_NAMES
from assistant_ui.protocol.json_text import (
    _BYTES_PER_ESCAPE_STEP,
    MAX_JSON_DEPTH,
    NestingDepth,
    _depth_checked,
    _valid_json_depth_exceeds,
    check_json_depth,
    parse_json,
)
from assistant_ui.protocol.partial_json import (
    PartialJSONCompleter,
    parse_partial_json,
    parse_partial_json_value,
)
from fault_server import FaultServer, RawRequest, Step, chunks, head, text_of

USER = {"role": "user", "content": [{"type": "text", "text": "hi"}]}
DEEP = 5 * MAX_JSON_DEPTH
twins = pytest.mark.parametrize("sync", [False, True], ids=["async", "sync"])


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def sse(*values: Any) -> bytes:
    return b"".join(f"data: {json.dumps(v)}\n\n".encode() for v in values)


DEEP_LIST = "[" * DEEP + "]" * DEEP
DEEP_ARGS = '{"a":' * DEEP  # an argument text that only opens objects
BODIES = {
    "data-stream": ("text/plain", b'0:"hi"\n2:' + DEEP_LIST.encode() + b"\n"),
    "data-stream-tool-args": (
        "text/plain",
        b'0:"hi"\nb:{"toolCallId":"c","toolName":"t"}\n'
        + b"".join(
            b'c:{"toolCallId":"c","argsTextDelta":"'
            + DEEP_ARGS[i : i + 50].replace('"', '\\"').encode()
            + b'"}\n'
            for i in range(0, len(DEEP_ARGS), 50)
        ),
    ),
    "ui-message-stream": (
        "text/event-stream",
        sse(
            {"type": "start"},
            {"type": "text-start", "id": "t"},
            {"type": "text-delta", "id": "t", "delta": "hi"},
            {"type": "text-end", "id": "t"},
        )
        + b"data: "
        + DEEP_LIST.encode()
        + b"\n\n",
    ),
    "openai": (
        "text/event-stream",
        sse(
            {
                "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": {"content": "hi"}}],
            }
        )
        + b"data: "
        + DEEP_LIST.encode()
        + b"\n\n",
    ),
}


def reply(content_type: str, body: bytes) -> Any:
    def handler(request: RawRequest) -> Iterable[Step]:
        yield head(200, {"Content-Type": content_type})
        # Frame by frame, so the first frames arrive before the deep one.
        yield from chunks(body.splitlines(keepends=True))

    return handler


async def chat(client: AssistantClient, sync: bool, **kwargs: Any) -> Any:
    thread = client.threads("t")
    kwargs.setdefault("messages", [USER])
    if sync:
        return thread.chat_sync(**kwargs)
    return await thread.chat(**kwargs)


@twins
@pytest.mark.parametrize("name", sorted(BODIES))
async def test_a_deep_frame_is_a_decode_error_with_its_place_and_the_text_before_it(
    name: str, sync: bool
) -> None:
    content_type, body = BODIES[name]
    with FaultServer(reply(content_type, body)) as server:
        limits = httpx.Limits(max_connections=1)
        async with AssistantClient(server.url, max_retries=0, limits=limits) as client:
            with pytest.raises(StreamDecodeError) as info:
                await chat(client, sync)
            # The one pooled connection was released: a second call can run.
            with pytest.raises(StreamDecodeError):
                await chat(client, sync)
        assert server.wait_closed()
    error = info.value
    assert f"deeper than {MAX_JSON_DEPTH}" in str(error)
    assert error.offset is not None
    assert error.offset > 0
    assert error.line is not None
    assert text_of(error.partial_message) == "hi"
    assert not isinstance(error.__cause__, RecursionError)


@pytest.mark.parametrize("name", sorted(BODIES))
@pytest.mark.parametrize("encoding", [None, *ENCODING_NAMES])
def test_no_decoder_lets_a_recursion_error_out(name: str, encoding: str | None) -> None:
    body = BODIES[name][1]
    error: BaseException | None = None
    try:
        decode_stream(body, encoding=encoding)
    except Exception as exc:  # any typed error is fine, a bare one is not
        error = exc
    if isinstance(error, StreamDecodeError):
        assert error.offset is not None or "JSON document" in str(error)
    elif error is not None:
        assert isinstance(error, AssistantUIError), repr(error)


def test_nesting_at_the_limit_is_accepted() -> None:
    text = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    result = decode_stream(b"2:" + text.encode() + b"\n", encoding="data-stream")
    assert result.message["metadata"]["unstable_data"] == json.loads(text)


@pytest.mark.parametrize("parse", [parse_partial_json, parse_partial_json_value])
@pytest.mark.parametrize("text", ["[" * DEEP, '{"a":' * DEEP, DEEP_LIST])
def test_the_partial_json_parser_refuses_deep_text(parse: Any, text: str) -> None:
    with pytest.raises(StreamDecodeError, match="deeper than"):
        parse(text)


def test_brackets_inside_strings_are_not_nesting() -> None:
    text = json.dumps({"s": "[" * DEEP + '\\"{' * DEEP})
    check_json_depth(text)
    assert parse_partial_json(text) == (json.loads(text), True)


# JSON values whose strings hold what could fool a bracket count: brackets,
# quotes, backslashes and escapes of both.
_tricky_text = st.text(alphabet=st.sampled_from('[]{}"\\/a\u00e9\U0001f600'), max_size=8)
_json_values = st.recursive(
    st.none() | st.integers() | _tricky_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_tricky_text, inner, max_size=4),
    max_leaves=40,
)


def _depth_of(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max((_depth_of(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth_of(v) for v in value.values()), default=0)
    return 0


@settings(max_examples=300, deadline=None)
@given(value=_json_values, limit=st.integers(0, 6), ascii_only=st.booleans())
def test_the_depth_of_a_parsed_text_is_measured_on_its_bytes(
    value: Any, limit: int, ascii_only: bool
) -> None:
    # The check parse_json runs after a parse: the exact scan's verdict,
    # and the value's own depth.
    text = json.dumps(value, ensure_ascii=ascii_only)
    data = text.encode()
    too_deep = _valid_json_depth_exceeds(data, limit)
    assert too_deep == (_depth_of(value) > limit)
    try:
        check_json_depth(text, limit) if len(text) > limit else NestingDepth(limit).feed(text)
    except StreamDecodeError:
        assert too_deep
    else:
        assert not too_deep


def test_a_large_frame_parses_with_the_collector_paused_and_restored() -> None:
    big = json.dumps({"rows": [{"i": i, "tags": ["a", "b"]} for i in range(20_000)]})
    assert len(big) > 64 * 1024
    during: list[str] = []
    inside = False

    def watch(phase: str, info: dict[str, int]) -> None:
        if inside:
            during.append(phase)

    def parse(text: str) -> Any:
        nonlocal inside
        inside = True
        try:
            return json.loads(text), gc.isenabled()
        finally:
            inside = False

    gc.callbacks.append(watch)
    try:
        value, enabled = _depth_checked(parse, big)
        _, small_enabled = _depth_checked(parse, "[1]")
    finally:
        gc.callbacks.remove(watch)
    assert value["rows"][-1]["i"] == 19_999
    assert not enabled
    assert not during  # 40,000 containers built, and no collection among them
    assert small_enabled  # a small frame is not worth the switch
    assert gc.isenabled()  # resumed after the parse
    assert parse_json(big)["rows"][0]["tags"] == ["a", "b"]
    gc.disable()
    try:
        _depth_checked(parse, big)
        assert not gc.isenabled()  # a collector the caller turned off stays off
    finally:
        gc.enable()


@settings(max_examples=200, deadline=None)
@given(
    depth=st.integers(0, 2 * MAX_JSON_DEPTH),
    cuts=st.lists(st.integers(0, 4 * MAX_JSON_DEPTH), max_size=6),
)
def test_the_streamed_depth_is_the_depth_of_the_whole_text(depth: int, cuts: list[int]) -> None:
    text = json.dumps(nested(depth)) if depth else '"x"'
    # The same verdict whether the text is fed whole or in pieces.
    whole_ok = depth <= MAX_JSON_DEPTH
    tracker = NestingDepth()
    bounds = [*sorted({min(c, len(text)) for c in cuts}), len(text)]
    start = 0
    try:
        for end in bounds:
            tracker.feed(text[start:end])
            start = end
    except StreamDecodeError:
        assert not whole_ok
    else:
        assert whole_ok
    completer = PartialJSONCompleter()
    try:
        completer.complete(text)
    except StreamDecodeError:
        assert not whole_ok
    else:
        assert whole_ok


@twins
@pytest.mark.parametrize("where", ["message", "tool result", "extra body key"])
async def test_a_request_value_too_deep_to_encode_is_invalid_input(where: str, sync: bool) -> None:
    deep = nested(20 * MAX_JSON_DEPTH)
    kwargs: dict[str, Any] = {"messages": [USER]}
    if where == "message":
        kwargs["messages"] = [
            {"role": "user", "content": [{"type": "text", "text": "x", "x": deep}]}
        ]
    elif where == "tool result":
        kwargs["messages"] = [
            {"role": "assistant", "content": [{"type": "tool-call", "toolCallId": "c",
             "toolName": "t", "args": {}, "result": deep}]}
        ]  # fmt: skip
    else:
        kwargs["extra"] = deep
    with FaultServer(reply("text/plain", b'0:"never"\n')) as server:
        async with AssistantClient(server.url, max_retries=0) as client:
            with pytest.raises(InvalidRequestError, match="nested too deeply") as info:
                await chat(client, sync, **kwargs)
        assert server.requests == []
    assert info.value.field in {"messages", "commands", "extra"}


@pytest.mark.parametrize("strict", [False, True])
def test_a_state_path_too_long_to_copy_is_refused_before_the_batch_applies(strict: bool) -> None:
    from assistant_ui.protocol.reading.state_ops import MAX_PATH_SEGMENTS

    ok = {"type": "set", "path": ["kept"], "value": 1}
    deep = {"type": "set", "path": ["a"] * (MAX_PATH_SEGMENTS + 1), "value": nested(200)}
    frames = [
        {"type": "update-state", "operations": [ok]},
        {"type": "update-state", "operations": [{**ok, "path": ["dropped"]}, deep]},
    ]
    body = sse(*frames) + b"data: [DONE]\n\n"
    with pytest.raises(StreamDecodeError, match="path longer than") as info:
        decode_stream(body, encoding="assistant-transport", strict=strict)
    assert info.value.state == {"kept": 1}
    assert info.value.offset is not None
    longest = {"type": "set", "path": ["a"] * MAX_PATH_SEGMENTS, "value": nested(250)}
    body = sse({"type": "update-state", "operations": [longest]}) + b"data: [DONE]\n\n"
    state = decode_stream(body, encoding="assistant-transport").state
    assert json.dumps(state).count("[") == 250


def tool_call_reply(request: RawRequest) -> Iterable[Step]:
    yield head(200, {"Content-Type": "text/plain"})
    yield from chunks([b'9:{"toolCallId":"c","toolName":"deep","args":{}}\n',
                       b'd:{"finishReason":"tool-calls"}\n'])  # fmt: skip


RUNTIMES = ["sync-server", "data-stream", "ai-sdk", "assistant-transport"]


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_a_history_too_deep_to_copy_is_invalid_input(runtime: str) -> None:
    deep = nested(20 * MAX_JSON_DEPTH)
    history = [
        {"role": "user", "content": [{"type": "text", "text": "q"}]},
        {"role": "assistant", "content": [{"type": "tool-call", "toolCallId": "c",
         "toolName": "t", "args": {"x": deep}, "result": deep}]},
    ]  # fmt: skip
    with FaultServer(tool_call_reply) as server:
        client = AssistantClient(server.url, max_retries=0)
        with client, pytest.raises(InvalidRequestError, match="nested too deeply"):
            client.threads("t", runtime=runtime, messages=history).send_sync("hi")
    assert server.requests == []


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_a_tool_result_too_deep_to_encode_is_invalid_input(runtime: str) -> None:
    from assistant_ui import tool

    @tool
    def deep() -> object:
        """Answers with a value nested far too deep."""
        return nested(20 * MAX_JSON_DEPTH)

    with FaultServer(tool_call_reply) as server:
        client = AssistantClient(server.url, max_retries=0)
        with client, pytest.raises(InvalidRequestError, match="nested too deeply") as info:
            client.threads("t", runtime=runtime, tools=[deep], max_steps=3).send_sync("hi")
        assert server.wait_closed()
    assert info.value.field == "result"
    assert len(server.requests) == 1  # the tool ran; its result was never sent


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1])
@pytest.mark.parametrize(
    ("filler", "dense"),
    [
        ("x", False),  # no escape at all
        ('[{\\"\\\\', True),  # escapes dropped by the two replaces
        ("[{" + "x" * 600 + '\\"\\\\', False),  # sparse: dropped by the split
    ],
)
def test_a_long_frame_is_measured_by_its_marks(depth: int, filler: str, dense: bool) -> None:
    # Past 16 KiB the bracket count is skipped for the scan of the marks: a
    # long string (plain, or full of brackets, quotes and escapes) changes
    # nothing about the verdict, whichever way its escapes are dropped.
    content = filler * (100_000 // len(filler))
    padding = json.dumps(content)
    assert (padding.count("\\") * _BYTES_PER_ESCAPE_STEP > len(padding)) is dense
    text = "[" * (depth - 1) + "[" + padding + "]" + "]" * (depth - 1)
    assert len(text) > 16 * 1024
    if depth > MAX_JSON_DEPTH:
        with pytest.raises(StreamDecodeError, match="nested deeper than"):
            parse_json(text)
    else:
        value = parse_json(text)
        for _ in range(depth):
            value = value[0]
        assert value == content


def _big_result_body(calls: int) -> bytes:
    rows = [{"i": i, "tags": ["a", "b"]} for i in range(300)]
    lines = [
        f"9:{json.dumps({'toolCallId': f'c{n}', 'toolName': 't', 'args': {}})}\n"
        f"a:{json.dumps({'toolCallId': f'c{n}', 'result': {'rows': rows}})}\n"
        for n in range(calls)
    ]
    return "".join(lines).encode()


def test_decode_stream_pauses_the_collector_for_a_body_in_memory_only() -> None:
    # 30 results of 600 containers each, in frames below the size at which
    # one frame's parse pauses the collector on its own.
    body = _big_result_body(30)
    collections: list[int] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    seen: list[bool] = []

    def pieces() -> Iterable[bytes]:
        for start in range(0, len(body), 16_384):
            seen.append(gc.isenabled())  # the caller's code runs collected
            yield body[start : start + 16_384]

    gc.collect()
    gc.callbacks.append(watch)
    try:
        whole = decode_stream(body, encoding="data-stream")
        during_whole = len(collections)
        streamed = decode_stream(pieces(), encoding="data-stream")
        during_streamed = len(collections) - during_whole
    finally:
        gc.callbacks.remove(watch)
    # 18,000 containers kept: at most the one collection as the pause ends,
    # where reading them piece by piece from a generator collects many times.
    assert during_whole <= 1 < during_streamed
    assert gc.isenabled()
    assert seen
    assert all(seen)
    assert streamed.message == whole.message
    results = [p["result"] for p in whole.message["parts"] if p["type"] == "tool-call"]
    assert len(results) == 30
    assert results[29]["rows"][-1] == {"i": 299, "tags": ["a", "b"]}
