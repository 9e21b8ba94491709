"""A FastAPI app that relays a chat to an assistant-ui backend and streams the text.

A browser (or curl) POSTs a message here; the app forwards it to the
backend with the async client and streams the reply's text back as it
arrives. The backend URL is the AUI_BASE_URL variable.

    pip install 'assistant-ui-sync-server-api[docs]'   # FastAPI (or: pip install fastapi uvicorn)
    aui serve --port 8000                              # a backend to relay to
    AUI_BASE_URL=http://127.0.0.1:8000 uvicorn examples.fastapi_proxy:app --port 8001
    curl -N -X POST localhost:8001/chat -H 'content-type: application/json' \\
         -d '{"message": "Hello", "thread_id": "t1"}'

GET / serves a tiny page that does the same from a browser.
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, StreamingResponse
from pydantic import BaseModel

from assistant_ui import AssistantClient, AssistantUIError

BASE_URL = os.environ.get("AUI_BASE_URL", "http://127.0.0.1:8000")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # One client for the app's life: it keeps the backend connections pooled.
    async with AssistantClient(BASE_URL) as client:
        app.state.client = client
        yield


app = FastAPI(lifespan=lifespan)


class ChatRequest(BaseModel):
    message: str
    thread_id: str = "proxy-thread"


@app.post("/chat")
async def chat(request: ChatRequest) -> StreamingResponse:
    """Streams the backend's reply to ``message`` as plain text."""
    thread = app.state.client.threads(request.thread_id)
    messages = [{"role": "user", "content": [{"type": "text", "text": request.message}]}]

    async def text() -> AsyncIterator[str]:
        # The stream is opened inside the generator, so it lives exactly as
        # long as the browser's response; a browser that goes away closes it.
        try:
            async with thread.stream(messages=messages) as stream:
                async for delta in stream.text_stream:
                    yield delta
        except AssistantUIError as exc:  # the status line is sent already
            yield f"\n[error: {exc}]"

    return StreamingResponse(text(), media_type="text/plain; charset=utf-8")


PAGE = """<!doctype html><meta charset="utf-8"><title>assistant-ui proxy</title>
<form id="f"><input id="m" value="Hello" autofocus><button>Send</button></form>
<pre id="out"></pre>
<script>
f.onsubmit = async (e) => {
  e.preventDefault(); out.textContent = "";
  const r = await fetch("/chat", {method: "POST", headers: {"content-type": "application/json"},
                                  body: JSON.stringify({message: m.value})});
  const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) { const {value, done} = await reader.read(); if (done) break; out.textContent += value; }
};
</script>"""


@app.get("/", response_class=HTMLResponse)
async def index() -> str:
    """A page with a message box that shows the streamed reply."""
    return PAGE
