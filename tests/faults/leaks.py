"""What the fault tests check on the client side: no connection left in use."""

from __future__ import annotations

from typing import Any

from assistant_ui import AssistantClient


def _pool_connections(http_client: Any) -> list[Any]:
    # httpx keeps its httpcore pool on the default transport; the pool's
    # connections say whether a request still holds them.
    pool = getattr(getattr(http_client, "_transport", None), "_pool", None)
    return list(pool.connections) if pool is not None else []


def connections_in_use(client: AssistantClient) -> int:
    """Connections of the client's pools that are neither idle nor closed."""
    connection = client._connection
    count = 0
    for http_client in (connection.sync, connection.async_):
        if http_client is None:
            continue
        for conn in _pool_connections(http_client):
            if not (conn.is_idle() or conn.is_closed()):
                count += 1
    return count


def text_of(message: dict[str, Any] | None) -> str:
    """The text parts of a decoded message, joined."""
    if not message:
        return ""
    return "".join(p.get("text", "") for p in message["parts"] if p.get("type") == "text")


def streams_in_flight(client: AssistantClient, thread_id: str) -> int:
    """Streams of a thread still registered for ``cancel()``."""
    return len(client._connection.streams_of(thread_id))
