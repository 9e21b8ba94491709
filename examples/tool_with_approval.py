"""A Python function the assistant may call, run only after you approve it.

The demo backend answers "weather in Paris" by asking the frontend (here:
this script) to run a ``get_weather`` tool. The tool is declared with
``needs_approval=True``, so the approval callback is asked first; a refusal
is sent back as the tool's error result, and the assistant says so.

    aui serve --port 8000
    python examples/tool_with_approval.py [URL] [--yes | --no]   # or AUI_BASE_URL

Without --yes/--no it asks on the terminal.
"""

import os
import sys

from assistant_ui import Approval, AssistantClient, Tool, ToolCall

args = [a for a in sys.argv[1:] if not a.startswith("--")]
BASE_URL = args[0] if args else os.environ.get("AUI_BASE_URL", "http://127.0.0.1:8000")


def get_weather(city: str) -> dict[str, object]:
    """Get the current weather.

    Args:
        city: the city to look up.
    """
    # A real tool would call a weather service; the schema the backend sees
    # comes from this signature and docstring.
    return {"city": city, "temperature": 21, "condition": "cloudy"}


def approve(call: ToolCall) -> bool | Approval:
    """Called before each run of a tool that needs approval."""
    question = f"Run {call.tool_name}({call.args})?"
    if "--yes" in sys.argv:
        print(question, "yes")
        return True
    if "--no" in sys.argv:
        print(question, "no")
        return Approval(approved=False, reason="the user said no")
    return input(question + " [y/N] ").strip().lower() in {"y", "yes"}


def main() -> None:
    weather = Tool.from_function(get_weather, needs_approval=True)
    with AssistantClient(BASE_URL) as client:
        # The tools and the callback belong to the thread: every run uses them.
        thread = client.threads("approval-example", tools=[weather], approve=approve)
        # One call runs the whole loop: the request, the tool call, the
        # approval, the tool, and the follow-up request with its result.
        result = thread.send_sync("What's the weather in Paris?")
        print("assistant:", result.output_text)


if __name__ == "__main__":
    main()
