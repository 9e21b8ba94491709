"""Stream an assistant's reply to the terminal as it arrives.

Start a backend first, for instance the embedded demo one:

    aui serve --port 8000

then run (the URL is optional; the AUI_BASE_URL variable works too):

    python examples/stream_to_terminal.py [URL] ["your message"]
"""

import os
import sys

from assistant_ui import AssistantClient, events

BASE_URL = (
    sys.argv[1] if len(sys.argv) > 1 else os.environ.get("AUI_BASE_URL", "http://127.0.0.1:8000")
)
QUESTION = sys.argv[2] if len(sys.argv) > 2 else "think about tea"


def main() -> None:
    messages = [{"role": "user", "content": [{"type": "text", "text": QUESTION}]}]
    with AssistantClient(BASE_URL) as client:
        thread = client.threads("terminal-example")

        # Iterating a stream yields typed high-level events; `match` picks the
        # ones worth showing. Leaving the `with` block frees the connection.
        with thread.stream_sync(messages=messages) as stream:
            shown = None  # the kind of text printed last, to label each section once
            for event in stream:
                match event:
                    case events.ReasoningEvent(delta=delta):
                        if shown != "reasoning":
                            print("[reasoning] ", end="")
                            shown = "reasoning"
                        print(delta, end="", flush=True)
                    case events.TextEvent(delta=delta):
                        if shown != "text":
                            print("\n[text] " if shown else "[text] ", end="")
                            shown = "text"
                        print(delta, end="", flush=True)
                    case events.ToolCallReadyEvent(tool_name=name, args=args):
                        print(f"\n[tool call: {name}({args})]", end="", flush=True)
                        shown = "tool"
                    case events.MessageFinishEvent(status=status):
                        print(f"\n[finished: {status['type']}]")

        # Only the text? `text_stream` yields the text deltas and nothing else.
        with thread.stream_sync(messages=messages) as stream:
            text = "".join(stream.text_stream)
        print(f"text only: {text}")


if __name__ == "__main__":
    main()
