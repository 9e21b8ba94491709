"""Decoder for Ollama's ``/api/chat`` replies: newline-delimited JSON chat events
(``Content-Type: application/x-ndjson``).

Each line is one JSON object:

- ``message.content`` (a string) is assistant text and ``message.thinking``
  reasoning, both appended in append mode (docs/protocols.md §3.3);
- ``message.tool_calls`` lists complete calls (``function.name``,
  ``function.arguments`` as an object, an ``id`` when the server gives one):
  each becomes a closed tool-call part with no result, for the client to run;
- the last line has ``"done": true``, its ``done_reason`` and the token
  counts (``prompt_eval_count``, ``eval_count``): it finishes the message;
- ``{"error": "..."}`` is an error frame.

A body that ends without its ``done`` line is cut off. Blank lines are
keep-alives. A line that is not a JSON object is dropped with a warning, or
fatal in strict mode (there is no reference decoder to match here).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, Final, Literal

from assistant_ui.errors import IncompleteStreamError
from assistant_ui.protocol.decoders.part_writer import PartWriter
from assistant_ui.protocol.events import ErrorEvent, Event, MessageFinish
from assistant_ui.protocol.ids import ASSISTANT_UI_ID_LENGTH, new_id
from assistant_ui.protocol.json_text import parse_json
from assistant_ui.protocol.leniency import WarningSink, fatal_or_warn
from assistant_ui.protocol.usage import renamed_counts

__all__ = ["OllamaDecoder", "claims_line", "may_claim"]

_FINISH_REASONS: Final = {"stop": "stop", "length": "length", "load": "stop"}
_USAGE_NAMES: Final = (("prompt_eval_count", "inputTokens"), ("eval_count", "outputTokens"))


class OllamaDecoder:
    """Decodes Ollama chat events into canonical events.

    Args:
        strict: fatal on lines that are not JSON objects.
        warnings: where dropped input is reported.
    """

    encoding: ClassVar[str] = "ollama"
    framing: ClassVar[Literal["lines"]] = "lines"

    __slots__ = ("_done", "_strict", "_w", "warnings")

    def __init__(self, *, strict: bool = False, warnings: WarningSink | None = None) -> None:
        self._strict = strict
        self.warnings = warnings if warnings is not None else WarningSink()
        self._w = PartWriter()
        self._done = False

    @property
    def finished(self) -> bool:
        """True once the ``"done": true`` line (or an error line) arrived."""
        return self._done

    def decode_line(self, line: str) -> list[Event]:
        """Events for one line (line ending removed)."""
        if not line.strip() or self._done:
            return []
        try:
            value = parse_json(line)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            fatal_or_warn(self._strict, self.warnings, "ollama:invalid", "Invalid NDJSON event")
            return []
        if "error" in value and "message" not in value:
            self._done = True  # the server ends the reply with its error
            self._w.close_append()
            self._w.out.append(ErrorEvent(error=value["error"]))
            return self._w.drain()
        message = value.get("message")
        if isinstance(message, dict):
            self._on_message(message)
        if value.get("done") is True:
            self._done = True
            self._w.close_append()
            reason = value.get("done_reason")
            usage = renamed_counts(value, _USAGE_NAMES)
            self._w.out.append(
                MessageFinish(
                    finish_reason=_FINISH_REASONS.get(str(reason), "unknown"), usage=usage
                )
            )
        return self._w.drain()

    def _on_message(self, message: dict[str, Any]) -> None:
        thinking = message.get("thinking")
        if isinstance(thinking, str) and thinking:
            self._w.append("reasoning", thinking)
        content = message.get("content")
        if isinstance(content, str) and content:
            self._w.append("text", content)
        for call in message.get("tool_calls") or ():
            function = call.get("function") if isinstance(call, dict) else None
            if not isinstance(function, dict) or not isinstance(function.get("name"), str):
                self.warnings.warn("ollama:tool-call", "Dropped a tool call without a name")
                continue
            call_id = call.get("id") if isinstance(call.get("id"), str) else None
            state = self._w.start_tool(call_id or new_id(ASSISTANT_UI_ID_LENGTH), function["name"])
            arguments = function.get("arguments")
            self._w.tool_args(state, json.dumps(arguments if arguments is not None else {}))
            self._w.close_tool(state)

    def end(self) -> list[Event]:
        """Closes the message; a body without its ``done`` line was cut off.

        Raises:
            IncompleteStreamError: the last line did not say ``"done": true``.
        """
        self._w.close_append()
        if not self._done:
            raise IncompleteStreamError('Stream ended before its final event ("done": true)')
        return self._w.drain()


def may_claim(start: str) -> bool:
    """Whether a first line that begins with ``start`` (not yet complete)
    could still be an NDJSON chat event (a JSON object)."""
    return start.lstrip()[:1] in ("", "{")


def claims_line(line: str, complete: bool) -> bool:
    """Whether the first line of a body is an NDJSON chat event: a JSON object
    with a ``done`` flag and a ``message`` object (or an ``error``)."""
    if not line.lstrip().startswith("{"):
        return False
    try:
        value = parse_json(line)
    except ValueError:
        return False
    if not isinstance(value, dict):
        return False
    return ("done" in value and isinstance(value.get("message"), dict)) or (set(value) == {"error"})
