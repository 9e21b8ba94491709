"""The scripted assistant: what the demo backend says, and how.

It needs no model and no API key. It picks a behaviour from the user's text
(first match wins, case-insensitive):

=====================  ====================================================
``fail`` / ``error``   some text, then an error chunk; the run ends cleanly
``crash``              some text, then the callback raises: assistant-stream
                       sends the error frame and cuts the connection (2.9)
``weather in X``       a ``get_weather`` call the *client* must run (no
                       result; the message ends as requires-action). ``X
                       and Y`` asks for two calls at once.
``think`` / ``reason`` reasoning first, then the answer
``search`` / ``cite``  a server-side ``search`` tool with its result, then
                       (in a second step) source parts and an answer that
                       cites them
``calculate 6 * 7``    a server-side ``calculator`` tool, then (in a second
                       step) the answer
``long``               a long reply (a few thousand words)
``hang`` / ``wait``    a little text, then waits until the client
                       disconnects or the run is cancelled (for tests)
anything else          echoes the user
=====================  ====================================================

A follow-up that carries tool results answers from them ("It is 18°C and
sunny in Paris."); one that carries approval decisions says what was decided.

Text is streamed a word at a time with ``delay`` seconds between chunks, and
the run stops early (quietly) as soon as the client disconnects
(assistant-stream's cancellation flag) or ``/api/cancel`` asks it to.

With ``track_state`` (assistant-transport), the conversation is also kept in
the state as ``state["messages"]``, changed only through assistant-stream's
state proxy, which emits ``set`` and ``append-text`` operations.
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
import secrets
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from assistant_ui.demo.turns import Approval, ToolOutcome, Turn

__all__ = ["RunStopped", "ScriptOptions", "run_script"]

# A cancelled run that waits forever would hold a worker; give up after this.
_HANG_LIMIT_SECONDS = 120.0
_WORD = re.compile(r"\s*\S+\s*$|\s*\S+")
_CITIES = re.compile(r"weather\s+(?:in|for|at)\s+(.+)", re.IGNORECASE)
_CITY_SPLIT = re.compile(r"\s*(?:,|\band\b|&)\s*", re.IGNORECASE)
_SUM = re.compile(r"(-?\d+(?:\.\d+)?)\s*([-+*/x])\s*(-?\d+(?:\.\d+)?)")
_FAKE_WEATHER = {"temperature": 18, "condition": "sunny"}


class RunStopped(Exception):
    """The client went away or the run was cancelled: stop writing."""


@dataclass(eq=False)  # compared by identity: the app keeps running runs in a set
class ScriptOptions:
    """How one run behaves.

    Attributes:
        delay: seconds between text chunks (0 in tests).
        stop: set by ``/api/cancel`` to stop this thread's run.
        track_state: keep ``state["messages"]`` (assistant-transport).
        issued_calls: tool calls this backend issued, by id, shared across
            runs so a follow-up that names only the call id is understood.
    """

    delay: float = 0.02
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    track_state: bool = False
    issued_calls: MutableMapping[str, tuple[str, Any]] = field(default_factory=dict)


class _Reply:
    """Writes one assistant reply onto a RunController, paced and cancellable."""

    def __init__(self, controller: Any, options: ScriptOptions) -> None:
        self.controller = controller
        self.options = options
        self.output_words = 0
        self.input_tokens = 0
        self._state_index: int | None = None

    def check(self) -> None:
        if self.controller.is_cancelled or self.options.stop.is_set():
            raise RunStopped

    async def pause(self) -> None:
        if self.options.delay > 0:
            await asyncio.sleep(self.options.delay)
        else:
            # Still give the event loop a turn so a disconnect is noticed.
            await asyncio.sleep(0)
        self.check()

    async def say(self, text: str, *, words_per_chunk: int = 1) -> None:
        for piece in _chunks(text, words_per_chunk):
            self.check()
            self.controller.append_text(piece)
            self._state_append(piece)
            self.output_words += 1
            await self.pause()

    def next_step(self) -> None:
        """End the step after server-side tool results and open the next one.

        A model run by the AI SDK stops after its tool calls, the server runs
        the tools, and the model is called again in a new step; a frontend
        reads a step that ends in answered tool calls as its cue to send the
        results back (``lastAssistantMessageIsCompleteWithToolCalls``), so the
        answer after a server-side tool must be in a step of its own.
        """
        self.check()
        self.controller.add_step_finish(
            "tool-calls", input_tokens=self.input_tokens, output_tokens=self.output_words
        )
        self.output_words = 0
        self.controller.add_step_start(f"msg_{secrets.token_hex(8)}")

    async def think(self, text: str) -> None:
        for piece in _chunks(text, 1):
            self.check()
            self.controller.append_reasoning(piece)
            await self.pause()

    # -- assistant-transport state ------------------------------------------

    def state_messages(self) -> Any:
        if not self.options.track_state:
            return None
        return self.controller.state["messages"]

    def state_add(self, message: dict[str, Any]) -> None:
        messages = self.state_messages()
        if messages is not None:
            messages.append(message)

    def state_begin_assistant(self) -> None:
        messages = self.state_messages()
        if messages is None:
            return
        self._state_index = len(messages)
        messages.append({"role": "assistant", "content": ""})

    def _state_append(self, piece: str) -> None:
        if self._state_index is None:
            return
        # The proxy sends "set" for the first piece and "append-text" after.
        message = self.controller.state["messages"][self._state_index]
        message["content"] += piece

    def state_tool_call(self, call_id: str, name: str, args: Any) -> None:
        if self._state_index is None:
            return
        message = self.controller.state["messages"][self._state_index]
        if "toolCalls" not in message:
            message["toolCalls"] = []
        message["toolCalls"].append({"toolCallId": call_id, "toolName": name, "args": args})

    def state_sources(self, sources: list[dict[str, str]]) -> None:
        """Record the answer's sources on the assistant message in the state."""
        if self._state_index is not None:
            self.controller.state["messages"][self._state_index]["sources"] = sources

    def state_tool_result(self, result: Any, *, is_error: bool = False) -> None:
        """Record a server-side tool's result on the last call in the state, so
        a frontend that renders ``state["messages"]`` shows the call answered."""
        if self._state_index is None:
            return
        calls = self.controller.state["messages"][self._state_index]["toolCalls"]
        call = calls[len(calls) - 1]
        call["result"] = result
        if is_error:
            call["isError"] = True


async def _delivered(tool: Any) -> None:
    """Wait until a tool call's chunks reached the main stream.

    assistant-stream writes each tool call through its own queue and task,
    so without this its frames can land after the step finish, which closes
    the call's arguments on the data stream (docs/protocols.md §2.2.3) and would
    drop the rest. ``append_args_text`` schedules its put, hence the first
    turn of the loop; the reader empties the queue in order after that.
    """
    await asyncio.sleep(0)
    # The queue has no "drained" event (its sentinel is never marked done,
    # so join() would wait forever): poll it, one loop turn at a time.
    while not tool.queue.empty():  # noqa: ASYNC110
        await asyncio.sleep(0)


def _chunks(text: str, words_per_chunk: int) -> Iterator[str]:
    pieces = _WORD.findall(text)
    for start in range(0, len(pieces), words_per_chunk):
        yield "".join(pieces[start : start + words_per_chunk])


async def run_script(controller: Any, turn: Turn, options: ScriptOptions) -> None:
    """Write the scripted reply to ``turn`` onto an assistant-stream controller.

    Raises:
        RunStopped: the client disconnected or the run was cancelled.
        RuntimeError: the user asked the assistant to ``crash``.
    """
    reply = _Reply(controller, options)
    reply.input_tokens = len(turn.user_text.split())
    if options.track_state:
        valid = isinstance(turn.state, dict) and isinstance(turn.state.get("messages"), list)
        # A resumable run's controller starts without the request's state.
        if not valid or controller.state is None:
            base = copy.deepcopy(turn.state) if isinstance(turn.state, dict) else {}
            if not valid:
                base["messages"] = []
            controller.state = base
    for outcome in turn.tool_results:
        reply.state_add(
            {
                "role": "tool",
                "toolCallId": outcome.tool_call_id,
                "toolName": outcome.tool_name,
                "result": outcome.result,
                "isError": outcome.is_error,
            }
        )
    if not turn.is_follow_up and turn.user_text:
        reply.state_add({"role": "user", "content": turn.user_text})
    reply.state_begin_assistant()
    message_id = turn.message_id or f"msg_{secrets.token_hex(8)}"
    controller.add_step_start(message_id)
    finish_reason = await _respond(reply, turn)
    controller.add_step_finish(
        finish_reason, input_tokens=reply.input_tokens, output_tokens=reply.output_words
    )


async def _respond(reply: _Reply, turn: Turn) -> str:
    """Writes the reply; returns the step's finish reason."""
    if turn.is_follow_up:
        await _answer_follow_up(reply, turn)
        return "stop"
    text = turn.user_text.strip()
    lowered = text.lower()
    if re.search(r"\bcrash\b", lowered):
        await reply.say("Crashing as requested...")
        raise RuntimeError("The demo backend crashed on request.")
    if re.search(r"\b(fail|error)\b", lowered):
        await reply.say("Trying, but this request is scripted to fail.")
        reply.controller.add_error("The demo backend failed on request.")
        return "error"
    if "weather" in lowered:
        await _ask_for_weather(reply, text)
        return "tool-calls"
    if re.search(r"\b(think|reason)", lowered):
        await reply.think(
            f"The user wants me to think about: {text!r}. I will consider it step by step, "
            "then answer briefly."
        )
        await reply.say(f"After thinking it over: {text}? A fine question, and the answer is 42.")
        return "stop"
    if re.search(r"\b(search|sources?|cite)\b", lowered):
        await _search(reply, text)
        return "stop"
    match = _SUM.search(text)
    if match and re.search(r"\b(calc\w*|compute|what is)\b", lowered):
        await _calculate(reply, match)
        return "stop"
    if re.search(r"\blong\b", lowered):
        await reply.say(_long_text(), words_per_chunk=8)
        return "stop"
    if re.search(r"\b(hang|wait|stall)\b", lowered):
        await reply.say("Working on it")
        await _wait_until_stopped(reply)
        return "stop"
    if not text:
        await reply.say(
            "Hello! Try: 'weather in Paris', 'think about tea', 'search python', "
            "'calculate 6 * 7', 'long', or 'fail'."
        )
        return "stop"
    await reply.say(f"You said: {text}")
    return "stop"


async def _ask_for_weather(reply: _Reply, text: str) -> None:
    match = _CITIES.search(text)
    raw = match.group(1) if match else "Paris"
    cities = [c.strip(" ?.!").title() for c in _CITY_SPLIT.split(raw) if c.strip(" ?.!")]
    cities = cities or ["Paris"]
    await reply.say("Let me check the weather for you.")
    for city in cities:
        args = {"city": city}
        tool = await reply.controller.add_tool_call("get_weather")
        _remember(reply.options.issued_calls, tool.tool_call_id, ("get_weather", args))
        reply.state_tool_call(tool.tool_call_id, "get_weather", args)
        encoded = json.dumps(args)
        # Stream the arguments in two pieces, as a model would.
        half = len(encoded) // 2
        tool.append_args_text(encoded[:half])
        await reply.pause()
        tool.append_args_text(encoded[half:])
        await _delivered(tool)
        # No result: the client runs get_weather and sends the result back.


# Follow-ups arrive within minutes; a long-running server forgets older calls.
_ISSUED_CALLS_KEPT = 1000


def _remember(
    calls: MutableMapping[str, tuple[str, Any]], call_id: str, call: tuple[str, Any]
) -> None:
    calls[call_id] = call
    while len(calls) > _ISSUED_CALLS_KEPT:
        del calls[next(iter(calls))]  # dicts keep insertion order: the oldest first


async def _answer_follow_up(reply: _Reply, turn: Turn) -> None:
    sentences = [_describe_outcome(reply, turn, outcome) for outcome in turn.tool_results]
    sentences += [_describe_approval(approval) for approval in turn.approvals]
    await reply.say(" ".join(sentences))


def _describe_outcome(reply: _Reply, turn: Turn, outcome: ToolOutcome) -> str:
    name = outcome.tool_name or reply.options.issued_calls.get(outcome.tool_call_id, ("tool",))[0]
    args = turn.tool_args.get(outcome.tool_call_id)
    if args is None:
        args = reply.options.issued_calls.get(outcome.tool_call_id, ("", None))[1]
    result = outcome.result
    city = None
    if isinstance(result, dict) and isinstance(result.get("city"), str):
        city = result["city"]
    elif isinstance(args, dict) and isinstance(args.get("city"), str):
        city = args["city"]
    if outcome.is_error:
        where = f" for {city}" if city else ""
        return f"The {name} tool failed{where}: {_show(result)}."
    if name == "get_weather" or city:
        place = city or "your city"
        if isinstance(result, dict):
            temperature = next(
                (result[k] for k in ("temperature", "temp", "celsius") if k in result), None
            )
            condition = next(
                (result[k] for k in ("condition", "conditions", "summary") if k in result), None
            )
            if temperature is not None and condition is not None:
                return f"It is {temperature}°C and {condition} in {place}."
            if temperature is not None:
                return f"It is {temperature}°C in {place}."
        return f"The weather in {place}: {_show(result)}."
    return f"The {name} tool returned {_show(result)}."


def _describe_approval(approval: Approval) -> str:
    name = approval.tool_name or "the tool"
    if approval.approved:
        return f"Thanks, {name} was approved, so I went ahead."
    reason = f" (reason: {approval.reason})" if approval.reason else ""
    return f"You denied {name}{reason}, so I did not run it."


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


async def _search(reply: _Reply, text: str) -> None:
    query = (
        re.sub(
            r"^\W*(search( for)?|cite( sources)?( for)?|sources?( for)?)\W*",
            "",
            text,
            flags=re.IGNORECASE,
        )
        or "assistant-ui"
    )
    results = [
        {
            "id": "src-1",
            "title": f"{query} - Wikipedia",
            "url": "https://en.wikipedia.org/wiki/Main_Page",
        },
        {
            "id": "src-2",
            "title": "assistant-ui documentation",
            "url": "https://www.assistant-ui.com/docs",
        },
    ]
    tool = await reply.controller.add_tool_call("search")
    reply.state_tool_call(tool.tool_call_id, "search", {"query": query})
    tool.append_args_text(json.dumps({"query": query}))
    await reply.pause()
    tool.set_response({"results": results})
    reply.state_tool_result({"results": results})
    await _delivered(tool)
    reply.next_step()
    await reply.pause()
    for source in results:
        reply.controller.add_source(source["id"], source["url"], source["title"])
    reply.state_sources(results)
    await reply.say(
        f"I searched for {query!r}. The encyclopedia has an overview [1], and the "
        "assistant-ui documentation explains the runtimes [2]."
    )


async def _calculate(reply: _Reply, match: re.Match[str]) -> None:
    left, op, right = float(match.group(1)), match.group(2), float(match.group(3))
    expression = f"{match.group(1)} {op} {match.group(3)}"
    tool = await reply.controller.add_tool_call("calculator")
    reply.state_tool_call(tool.tool_call_id, "calculator", {"expression": expression})
    tool.append_args_text(json.dumps({"expression": expression}))
    await reply.pause()
    if op == "/" and right == 0:
        tool.set_response({"error": "division by zero"}, is_error=True)
        reply.state_tool_result({"error": "division by zero"}, is_error=True)
        await _delivered(tool)
        reply.next_step()
        await reply.say(f"{expression} has no value: division by zero.")
        return
    value = {"+": left + right, "-": left - right, "/": left / right if right else 0.0}.get(
        op, left * right
    )
    shown = int(value) if float(value).is_integer() else round(value, 6)
    tool.set_response({"value": shown})
    reply.state_tool_result({"value": shown})
    await _delivered(tool)
    reply.next_step()
    await reply.pause()
    await reply.say(f"{expression} = {shown}.")


async def _wait_until_stopped(reply: _Reply) -> None:
    waiters = {
        asyncio.ensure_future(reply.options.stop.wait()),
        asyncio.ensure_future(reply.controller.cancelled_event.wait()),
    }
    try:
        await asyncio.wait(waiters, timeout=_HANG_LIMIT_SECONDS, return_when="FIRST_COMPLETED")
    finally:
        for waiter in waiters:
            waiter.cancel()
    reply.check()


def _long_text() -> str:
    paragraph = (
        "This is a deliberately long reply from the demo backend, written to exercise "
        "streaming over many chunks. Every sentence arrives a few words at a time, the way "
        "a language model writes, so a client can show progress, measure throughput, or "
        "cancel half-way through. "
    )
    return "".join(f"Paragraph {n}. {paragraph}\n\n" for n in range(1, 61))
