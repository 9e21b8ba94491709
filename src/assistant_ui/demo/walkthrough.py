"""The scripted conversation ``aui demo`` holds with the embedded backend.

It goes through the library's public client (``AssistantClient``,
``client.threads``, ``thread.stream_sync``, ``thread.cancel_sync``) in the
original sync-server flavour, and shows in turn: streamed text, reasoning, a
frontend tool (``get_weather``) run here in Python and the follow-up request
that carries its result, and a run cancelled half-way. Then it prints the
whole thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..tools import tool

if TYPE_CHECKING:
    from ..cli import ChatSession, EventRenderer, Output
    from ..client import AssistantClient
    from ..protocol.events import Event

__all__ = ["get_weather", "run_demo"]

# Enough of the long reply to see it stream before it is cancelled.
_TEXT_DELTAS_BEFORE_CANCEL = 12


@tool
def get_weather(city: str) -> dict[str, Any]:
    """Get the current weather for a city.

    Args:
        city: the city name, e.g. "Paris".
    """
    # A real frontend tool would ask a weather service; the demo stays offline.
    return {"city": city, "temperature": 18, "condition": "sunny"}


def answer_tool_calls(session: ChatSession, tools: dict[str, Any]) -> int:
    """Runs the frontend tools the last reply asked for, in Python.

    Writes each result onto its tool-call part of the last assistant message
    (as the frontends do before they resend); returns how many ran.
    """
    if not session.history or session.history[-1].get("role") != "assistant":
        return 0
    ran = 0
    for part in session.history[-1].get("parts", []):
        if part.get("type") != "tool-call" or "result" in part:
            continue
        local = tools.get(part.get("toolName"))
        if local is None:
            continue
        reply = local.run(part.get("args") or {})
        part["result"] = reply.result
        part["isError"] = reply.is_error
        part["state"] = "result"
        ran += 1
    return ran


def _say(session: ChatSession, renderer: EventRenderer, out: Output, text: str) -> None:
    from ..cli import _user_message, run_turn

    out.line(f"you> {text}", "bold")
    run_turn(session, [_user_message(text)], renderer)


def run_demo(client: AssistantClient, out: Output) -> None:
    """Holds the scripted conversation on a new thread and prints the thread."""
    from ..cli import ChatSession, EventRenderer, run_turn

    tools = {get_weather.name: get_weather}
    session = ChatSession(client.threads("aui-demo"), tools=list(tools.values()))
    renderer = EventRenderer(out)

    out.line("\n1. Streaming text", "bold magenta")
    _say(session, renderer, out, "Hello! Who are you?")

    out.line("\n2. Reasoning before the answer", "bold magenta")
    _say(session, renderer, out, "Think about why the sky is blue")

    out.line("\n3. A frontend tool, run here in Python", "bold magenta")
    _say(session, renderer, out, "What's the weather in Paris?")
    ran = answer_tool_calls(session, tools)
    out.line(
        f"(ran {ran} get_weather call{'s' if ran != 1 else ''} locally; sending the result)", "dim"
    )
    run_turn(session, [], renderer)

    out.line("\n4. A cancelled run", "bold magenta")
    out.line("you> Write something long", "bold")
    seen = 0

    def enough(event: Event) -> bool:
        nonlocal seen
        if event.type == "text-delta":
            seen += 1
        return seen >= _TEXT_DELTAS_BEFORE_CANCEL

    run_turn(
        session,
        [{"role": "user", "content": [{"type": "text", "text": "Write something long"}]}],
        renderer,
        should_stop=enough,
    )

    out.line("\nThe thread:", "bold magenta")
    for message in session.history:
        out.print(_summary(message))


def _summary(message: dict[str, Any]) -> str:
    from ..cli import message_text

    role = message.get("role", "?")
    text = " ".join(message_text(message).split())
    if len(text) > 70:
        text = text[:67] + "..."
    extras = []
    for part in message.get("parts", []):
        if part.get("type") == "tool-call":
            extras.append(f"{part.get('toolName')}({part.get('args')}) -> {part.get('result')}")
        elif part.get("type") == "reasoning":
            extras.append("reasoning")
    status = (message.get("status") or {}).get("type")
    if status and status != "complete":
        reason = (message.get("status") or {}).get("reason")
        extras.append(f"{status}/{reason}" if reason else status)
    suffix = f"  [{'; '.join(extras)}]" if extras else ""
    return f"{role:>9}: {text}{suffix}"
