"""The writing side: what UIMessageStreamWriter writes, our decoder and the
AI SDK's message model read back as the reply that was written."""

from __future__ import annotations

from assistant_ui import decode_stream
from assistant_ui.protocol.writing.ui_message_stream import (
    DONE,
    UIMessageStreamWriter,
    sse_event,
)


def _body(writer: UIMessageStreamWriter, *steps: list[dict[str, object]]) -> bytes:
    frames = writer.start()
    for step in steps:
        frames += step
    frames += writer.finish()
    return ("".join(sse_event(f) for f in frames) + DONE).encode()


def test_a_reply_with_a_server_tool_reads_back_as_written() -> None:
    w = UIMessageStreamWriter("m1")
    body = _body(
        w,
        w.reasoning_delta("Let me "),
        w.reasoning_delta("think."),
        w.tool_call_begin("c1", "search"),
        w.tool_call_delta("c1", '{"q": '),
        w.tool_call_delta("c1", '"café"}'),
        w.tool_result("c1", {"hits": 2}),
        w.source("s1", "https://example.com", "Example"),
        w.start_step(),
        w.text_delta("Two "),
        w.text_delta("hits."),
    )
    result = decode_stream(body, strict=True)
    parts = result.message["parts"]
    assert [p["type"] for p in parts] == ["reasoning", "tool-call", "source", "text"]
    assert parts[0]["text"] == "Let me think."
    assert parts[1]["args"] == {"q": "café"}
    assert parts[1]["result"] == {"hits": 2}
    assert parts[3]["text"] == "Two hits."
    assert result.message["status"] == {"type": "complete", "reason": "stop"}
    assert result.ui_message is not None
    assert result.ui_message["id"] == "m1"
    steps = [p for p in result.ui_message["parts"] if p["type"] == "step-start"]
    assert len(steps) == 2  # the tool's step ends before the answer's


def test_a_call_left_for_the_client_finishes_with_tool_calls() -> None:
    w = UIMessageStreamWriter("m2")
    body = _body(w, w.tool_call_begin("c1", "get_weather"), w.tool_call_delta("c1", "{}"))
    result = decode_stream(body, strict=True)
    assert result.message["status"]["type"] == "requires-action"
    assert result.message["parts"][0]["toolName"] == "get_weather"


def test_an_error_finishes_with_error_and_bad_input_is_settled() -> None:
    w = UIMessageStreamWriter("m3")
    body = _body(w, w.tool_call_begin("c1", "t"), w.tool_call_delta("c1", "{oops"), w.error("boom"))
    result = decode_stream(body)
    assert result.message["status"]["type"] == "incomplete"
    assert result.message["status"]["reason"] == "error"
    assert b'"type":"tool-input-error"' in body
