"""What the demo backend saw: requests, disconnects and cancels, for tests.

The backend runs in uvicorn's thread and tests read from theirs, so the log
is guarded by a condition variable, and :meth:`DemoLog.wait_for` lets a test
wait (with a timeout, never a fixed sleep) for the server to notice
something, such as the disconnect that follows a client-side cancel.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["DemoLog", "RecordedRequest"]


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the demo backend received it."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    """Header names in lower case."""
    body: Any
    """The parsed JSON body, ``None`` when there was none or it was not JSON."""

    @property
    def thread_id(self) -> str | None:
        """The body's ``threadId`` (or the AI SDK chat ``id``), if any."""
        if isinstance(self.body, Mapping):
            for key in ("threadId", "id"):
                value = self.body.get(key)
                if isinstance(value, str):
                    return value
        return None


class DemoLog:
    """Thread-safe record of everything the demo backend saw.

    Args:
        max_entries: keep only the newest entries of each kind (``aui serve``
            runs for days; tests keep everything with the default ``None``).
    """

    def __init__(self, max_entries: int | None = None) -> None:
        self._lock = threading.Condition()
        self._requests: deque[RecordedRequest] = deque(maxlen=max_entries)
        self._disconnects: deque[str | None] = deque(maxlen=max_entries)
        self._cancels: deque[str | None] = deque(maxlen=max_entries)

    def record_request(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)
            self._lock.notify_all()

    def record_disconnect(self, thread_id: str | None) -> None:
        """A client went away while its run was still writing."""
        with self._lock:
            self._disconnects.append(thread_id)
            self._lock.notify_all()

    def record_cancel(self, thread_id: str | None) -> None:
        """``/api/cancel`` was called for a thread."""
        with self._lock:
            self._cancels.append(thread_id)
            self._lock.notify_all()

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def disconnects(self) -> list[str | None]:
        """Thread ids of runs whose client disconnected, oldest first."""
        with self._lock:
            return list(self._disconnects)

    @property
    def cancels(self) -> list[str | None]:
        """Thread ids passed to ``/api/cancel``, oldest first."""
        with self._lock:
            return list(self._cancels)

    def requests_for(self, thread_id: str) -> list[RecordedRequest]:
        """The requests whose body names ``thread_id``."""
        return [r for r in self.requests if r.thread_id == thread_id]

    def wait_for(self, predicate: Callable[[DemoLog], bool], timeout: float = 10.0) -> bool:
        """Wait until ``predicate(self)`` is true; False if ``timeout`` passed first."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                # The predicate reads the properties, which take the
                # re-entrant lock again: Condition wraps an RLock.
                if predicate(self):
                    return True
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._lock.wait(remaining)

    def wait_for_disconnect(self, thread_id: str, timeout: float = 10.0) -> bool:
        """Wait until the backend noticed that ``thread_id``'s client went away."""
        return self.wait_for(lambda log: thread_id in log.disconnects, timeout)

    def clear(self) -> None:
        """Forget everything (for a test that needs a clean slate)."""
        with self._lock:
            self._requests.clear()
            self._disconnects.clear()
            self._cancels.clear()
