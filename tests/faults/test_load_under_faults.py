"""200 concurrent async streams against a server that drops one in ten
mid-stream (issue 12, fault class 4): every stream ends complete or with a
typed error carrying its partial message, and no connection stays in use.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable
from typing import Any

import httpx
from leaks import connections_in_use, text_of
from raw_server import CUT, END, RawRequest, RawServer, Step, body, head

from assistant_ui import AssistantClient
from assistant_ui.errors import StreamInterruptedError

STREAMS = 200
DROP_EVERY = 10
USER = [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]
DATA_STREAM = {"content-type": "text/plain; charset=utf-8", "x-vercel-ai-data-stream": "v1"}
FIRST = (b'0:"part one, "\n', b'0:"part tw')  # the second frame is cut in the middle
REST = (
    b'o"\n',
    b'e:{"finishReason":"stop","usage":{"promptTokens":1,"completionTokens":2},'
    b'"isContinued":false}\n',
    b'd:{"finishReason":"stop","usage":{"promptTokens":1,"completionTokens":2}}\n',
)


def _dropping_server(raw: RawServer) -> str:
    lock = threading.Lock()
    count = 0

    def handler(request: RawRequest) -> Iterable[Step]:
        nonlocal count
        with lock:
            count += 1
            drop = count % DROP_EVERY == 0
        if drop:
            return [head(headers=DATA_STREAM), *body(FIRST), CUT]
        return [head(headers=DATA_STREAM), *body(FIRST), *body(REST), END]

    url, _ = raw.mount(handler)
    return url


async def _one(client: AssistantClient, index: int) -> dict[str, Any]:
    async with client.threads(f"t-load-{index}").stream(messages=USER) as stream:
        return await stream.get_final_message()


async def test_200_streams_with_one_in_ten_dropped(raw: RawServer) -> None:
    client = AssistantClient(_dropping_server(raw), max_retries=0, timeout=httpx.Timeout(30.0))
    outcomes = await asyncio.wait_for(
        asyncio.gather(*(_one(client, i) for i in range(STREAMS)), return_exceptions=True),
        60,
    )
    complete = [o for o in outcomes if isinstance(o, dict)]
    interrupted = [o for o in outcomes if isinstance(o, StreamInterruptedError)]
    others = [o for o in outcomes if not isinstance(o, dict | StreamInterruptedError)]
    assert others == []
    assert (len(complete), len(interrupted)) == (
        STREAMS - STREAMS // DROP_EVERY,
        STREAMS // DROP_EVERY,
    )
    for message in complete:
        assert message["status"] == {"type": "complete", "reason": "stop"}
        assert text_of(message) == "part one, part two"
    for error in interrupted:
        partial = error.partial_message
        assert partial is not None
        assert text_of(partial) == "part one, "  # the cut frame is not applied
        assert partial["status"]["error"]["code"] == "network"
    assert connections_in_use(client) == 0
    await client.close()
