"""What a streamed request sends, and when it is sent again.

:class:`StreamRequest` is the request half of a stream: the endpoint, the
encoded body, the user's header option, the method, and the retry policy
with the attempts made so far. It builds the ``httpx.Request`` for each
attempt and says how long to wait before the next one; the stream shells
do the sending and the sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from assistant_ui._http.retry import RetryPolicy, retry_delay
from assistant_ui._http.transport import HeadersOption, request_headers, transport_errors
from assistant_ui.errors import AssistantUIError

__all__ = ["StreamRequest"]


@dataclass(slots=True)
class StreamRequest:
    """One streamed request: what to send and how to resend it.

    Attributes:
        url: the endpoint, relative to the client's ``base_url``.
        body: the encoded JSON body (empty for a ``GET``).
        headers: the user's header option (mapping or callable), resolved
            before each attempt.
        method: ``"POST"`` for a run, ``"GET"`` for a resume.
        retry: when to resend a request that failed before its body
            (:mod:`assistant_ui._http.retry`); ``None`` never resends.
        attempts: resends made so far.
    """

    url: str
    body: bytes
    headers: HeadersOption
    method: str = "POST"
    retry: RetryPolicy | None = None
    attempts: int = 0

    def build(
        self, client: httpx.Client | httpx.AsyncClient, user_headers: dict[str, str]
    ) -> httpx.Request:
        """The request of one attempt, with the resolved user headers."""
        with transport_errors(self.url):
            if self.method == "GET":
                return client.build_request("GET", self.url, headers=dict(user_headers))
            return client.build_request(
                "POST", self.url, content=self.body, headers=request_headers(user_headers)
            )

    def retry_delay(self, error: AssistantUIError) -> float | None:
        """Seconds to wait before resending after a failure that happened
        before any body byte was read, or ``None`` to raise it; counts the
        resend."""
        if self.retry is None:
            return None
        delay = retry_delay(error, self.attempts, self.retry)
        if delay is not None:
            self.attempts += 1
        return delay
