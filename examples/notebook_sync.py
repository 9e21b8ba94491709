"""Use the client from a Jupyter notebook (or any plain script): no asyncio.

Every method has a blocking ``_sync`` twin, so notebook cells need no
``await``. Paste the cells below into a notebook, or run the file:

    aui serve --port 8000
    python examples/notebook_sync.py [URL]        # or set AUI_BASE_URL
"""

import os
import sys

from assistant_ui import AssistantClient

BASE_URL = (
    sys.argv[1] if len(sys.argv) > 1 else os.environ.get("AUI_BASE_URL", "http://127.0.0.1:8000")
)

# %% One request, one reply: the original package's API.
client = AssistantClient(BASE_URL)
thread = client.threads("notebook-example")
response = thread.chat_sync(
    messages=[{"role": "user", "content": [{"type": "text", "text": "Hello from a notebook"}]}]
)
print("chat_sync:", response.output_text)

# %% A kept conversation: the thread remembers the history between cells.
conversation = client.threads("notebook-conversation")
first = conversation.send_sync("What can you do?")
print("send_sync:", first.output_text)
second = conversation.send_sync("search python")
print("send_sync:", second.output_text)

# %% The history, in the parts shape the library produces.
for message in conversation.messages:
    text = "".join(p.get("text", "") for p in message["parts"] if p["type"] == "text")
    print(f"{message['role']:>9}: {text[:70]}")

# %% Close the HTTP connections when done (or use `with AssistantClient(...)`).
client.close_sync()
