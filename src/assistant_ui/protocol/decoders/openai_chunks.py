"""Decoder for OpenAI chat-completion chunks over SSE (docs/protocols.md §2.6).

No assistant-ui frontend reads this encoding, but Python
``OpenAIStreamResponse`` backends and OpenAI-compatible servers produce it.
Each event is one ``chat.completion.chunk`` object:

- ``choices[0].delta.content`` (a string) is assistant text, appended in
  append mode (docs/protocols.md §3.3); ``delta.reasoning_content`` or
  ``delta.reasoning`` (what OpenAI-compatible servers use for thinking) is
  reasoning text the same way;
- ``delta.tool_calls`` entries are streamed function calls: the first entry
  for an ``index`` opens a tool-call part (its ``id`` and
  ``function.name``), ``function.arguments`` pieces are its argument text;
  the calls are closed (arguments ``{}`` if none came) when the stream ends.
  They never get a result: the client is expected to run them;
- ``choices[0].finish_reason`` is remembered and becomes the message finish
  when the stream ends (at ``[DONE]``), so that a ``usage`` object sent in a
  later chunk (``stream_options.include_usage``) is not lost; OpenAI's names
  are mapped to ours (``tool_calls`` -> ``tool-calls``, ``content_filter`` ->
  ``content-filter``), and ``prompt_tokens``/``completion_tokens`` to
  ``inputTokens``/``outputTokens``;
- an ``{"error": {...}}`` object (how OpenAI reports a failure mid-stream)
  becomes an error event.

Other data (invalid JSON, other shapes) is dropped with a warning. A missing
``[DONE]`` or an SSE event name other than ``message`` is fatal in strict
mode and a warning otherwise.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final

from assistant_ui.protocol.decoders.part_writer import PartWriter, ToolCallState
from assistant_ui.protocol.decoders.sse_json import SSEJSONDecoder
from assistant_ui.protocol.events import ErrorEvent, Event, MessageFinish
from assistant_ui.protocol.json_text import js_json_stringify
from assistant_ui.protocol.leniency import WarningSink
from assistant_ui.protocol.usage import openai_usage

__all__ = ["OpenAIChunkDecoder", "claims_event"]

_FINISH_REASONS: Final = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool-calls",
    "function_call": "tool-calls",
    "content_filter": "content-filter",
}


class OpenAIChunkDecoder(SSEJSONDecoder):
    """Decodes OpenAI ``chat.completion.chunk`` SSE into canonical events.

    Args:
        strict: fatal missing ``[DONE]`` and unknown SSE event names.
        warnings: where dropped input is reported.
    """

    encoding: ClassVar[str] = "openai"
    warning_prefix: ClassVar[str] = "openai"

    def __init__(self, *, strict: bool = False, warnings: WarningSink | None = None) -> None:
        super().__init__(strict=strict, warnings=warnings)
        self._w = PartWriter()
        self._finish_reason: str | None = None
        self._usage: dict[str, Any] = {}
        self._tools: dict[int, ToolCallState] = {}

    def _on_value(self, value: Any, data: str) -> list[Event]:
        if "error" in value and "choices" not in value:
            error = value["error"]
            message = error.get("message") if isinstance(error, dict) else error
            code = error.get("code") if isinstance(error, dict) else None
            self._w.out.append(
                ErrorEvent(
                    error=message if isinstance(message, str) else js_json_stringify(message),
                    code=code if isinstance(code, str) else None,
                )
            )
            return self._w.drain()
        if isinstance(value.get("usage"), dict):
            self._usage = openai_usage(value["usage"])
        choices = value.get("choices")
        choice = choices[0] if isinstance(choices, list) and choices else None
        if isinstance(choice, dict):
            delta = choice.get("delta")
            if isinstance(delta, dict):
                self._delta(delta)
            reason = choice.get("finish_reason")
            if isinstance(reason, str):
                self._finish_reason = _FINISH_REASONS.get(reason, "other")
        return self._w.drain()

    def _invalid(self, reason: str, data: str) -> list[Event]:
        # One warning whatever the reason: these servers send nothing else.
        self._warnings.warn("openai:invalid", f"Dropped invalid chunk: {data[:200]}")
        return []

    def _on_done(self) -> list[Event]:
        self._w.close_append()
        for call in self._tools.values():
            self._w.close_tool(call)
        if self._finish_reason is not None:
            self._w.out.append(MessageFinish(finish_reason=self._finish_reason, usage=self._usage))
        return self._w.drain()

    def _delta(self, delta: dict[str, Any]) -> None:
        reasoning = delta.get("reasoning_content", delta.get("reasoning"))
        if isinstance(reasoning, str) and reasoning:
            self._w.append("reasoning", reasoning)
        content = delta.get("content")
        if isinstance(content, str) and content:
            self._w.append("text", content)
        tool_calls = delta.get("tool_calls")
        for entry in tool_calls if isinstance(tool_calls, list) else ():
            if not isinstance(entry, dict):
                continue
            index = entry.get("index", 0)
            function = entry.get("function")
            function = function if isinstance(function, dict) else {}
            call = self._tools.get(index) if isinstance(index, int) else None
            if call is None:
                tool_call_id, name = entry.get("id"), function.get("name")
                if not isinstance(tool_call_id, str) or not isinstance(index, int):
                    self._warnings.warn("openai:tool-call", "Dropped a tool call without an id")
                    continue
                call = self._tools[index] = self._w.start_tool(
                    tool_call_id, name if isinstance(name, str) else ""
                )
            arguments = function.get("arguments")
            if isinstance(arguments, str) and arguments:
                self._w.tool_args(call, arguments)


def claims_event(value: Any) -> bool:
    """Whether a first SSE event's JSON value is an OpenAI chunk."""
    return isinstance(value, dict) and value.get("object") == "chat.completion.chunk"
