"""The scripted conversation ``aui demo`` holds with the embedded backend.

It goes through the library's public API (``AssistantClient``,
``client.threads``, the conversation's ``send`` with its frontend tool loop,
``thread.cancel_sync``) in the original sync-server flavour, and shows in
turn: streamed text, reasoning, a frontend tool (``get_weather``) run here in
Python and the follow-up request that carries its result, and a run
cancelled half-way. Then it prints the whole thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant_ui._tools.tool import tool

if TYPE_CHECKING:
    from assistant_ui._client import AssistantClient
    from assistant_ui.cli.render import Output
    from assistant_ui.protocol.events import Event

__all__ = ["get_weather", "run_demo"]

# Enough of the long reply to see it stream before it is cancelled.
_TEXT_DELTAS_BEFORE_CANCEL = 12

# Where get_weather reports that it ran (set by run_demo for its output).
_announce: list[Output] = []


@tool
def get_weather(city: str) -> dict[str, Any]:
    """Get the current weather for a city.

    Args:
        city: the city name, e.g. "Paris".
    """
    # A real frontend tool would ask a weather service; the demo stays offline.
    weather = {"city": city, "temperature": 18, "condition": "sunny"}
    for out in _announce:
        out.line(f"(ran get_weather(city={city!r}) here, in Python: {weather}; sending it)", "dim")
    return weather


def run_demo(client: AssistantClient, out: Output) -> None:
    """Holds the scripted conversation on a new thread and prints the thread.

    The frontend tool loop is the library's (``Conversation`` with
    ``tools=[get_weather]``): the reply that asks for the weather ends
    ``requires-action``, the tool runs here, and the conversation sends its
    result in a follow-up request whose answer continues the same message.
    """
    from assistant_ui.cli.render import EventRenderer
    from assistant_ui.cli.turns import Chat, run_turn

    chat = Chat(client.threads("aui-demo", tools=[get_weather]))
    renderer = EventRenderer(out)
    _announce[:] = [out]

    def say(text: str, **options: Any) -> None:
        out.line(f"you> {text}", "bold")
        run_turn(chat, text, renderer, **options)

    out.line("\n1. Streaming text", "bold magenta")
    say("Hello! Who are you?")

    out.line("\n2. Reasoning before the answer", "bold magenta")
    say("Think about why the sky is blue")

    out.line("\n3. A frontend tool, run here in Python, and the follow-up", "bold magenta")
    say("What's the weather in Paris?")

    out.line("\n4. A cancelled run", "bold magenta")
    seen = 0

    def enough(event: Event) -> bool:
        nonlocal seen
        if event.type == "text-delta":
            seen += 1
        return seen >= _TEXT_DELTAS_BEFORE_CANCEL

    say("Write something long", should_stop=enough)

    out.line("\nThe thread:", "bold magenta")
    for message in chat.messages:
        out.print(_summary(message))


def _summary(message: dict[str, Any]) -> str:
    role = message.get("role", "?")
    parts = message.get("parts") or []
    # Each part on its own: a tool loop continues the message in a new part.
    text = " ".join(" ".join(p.get("text", "").split()) for p in parts if p.get("type") == "text")
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
