"""What a streamed request sends, and when it is sent again.

:class:`StreamRequest` is the request half of a stream: the endpoint, the
encoded body, the user's header option, the method, and the retry policy
with the attempts made so far. It builds the ``httpx.Request`` for each
attempt and says how long to wait before the next one; the stream shells
do the sending and the sleeping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final, TypedDict

import httpx

from assistant_ui._http.retry import RetryPolicy, retry_delay
from assistant_ui._http.transport import HeadersOption, request_headers, transport_errors
from assistant_ui.errors import AssistantUIError

__all__ = ["REQUEST_OPTION_NAMES", "RequestOptions", "StreamRequest", "split_request_options"]


class RequestOptions(TypedDict, total=False):
    """Per-call transport options, as the openai and anthropic clients take
    them. None of them is a body field.

    Keys:
        timeout: this call's timeout (seconds or an ``httpx.Timeout``;
            ``None`` disables it), instead of the client's.
        extra_headers: headers added to (and overriding) the client's.
        extra_query: query parameters added to the URL.
        extra_body: keys merged into the JSON body (last, so they win).
        max_retries: resends of this call, instead of the client's policy.
        path: the endpoint, relative to ``base_url``, instead of the chat path.
    """

    timeout: float | httpx.Timeout | None
    extra_headers: Mapping[str, str]
    extra_query: Mapping[str, str]
    extra_body: Mapping[str, Any]
    max_retries: int
    path: str


REQUEST_OPTION_NAMES: Final = frozenset(RequestOptions.__annotations__)
"""The keys of :class:`RequestOptions`."""


def split_request_options(kwargs: Mapping[str, Any]) -> tuple[RequestOptions, dict[str, Any]]:
    """The request options among ``kwargs``, and the rest (body fields)."""
    options: dict[str, Any] = {}
    rest: dict[str, Any] = {}
    for key, value in kwargs.items():
        (options if key in REQUEST_OPTION_NAMES else rest)[key] = value
    return RequestOptions(**options), rest  # type: ignore[typeddict-item]


_CLIENT_DEFAULT: Final[Any] = httpx.USE_CLIENT_DEFAULT


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
        timeout: this request's timeout (default: the httpx client's).
        extra_headers: headers over the user's.
        extra_query: query parameters added to the URL.
    """

    url: str
    body: bytes
    headers: HeadersOption
    method: str = "POST"
    retry: RetryPolicy | None = None
    attempts: int = 0
    timeout: Any = _CLIENT_DEFAULT
    extra_headers: Mapping[str, str] = field(default_factory=dict)
    extra_query: Mapping[str, str] = field(default_factory=dict)

    def with_options(self, options: RequestOptions) -> StreamRequest:
        """This request with per-call options applied (``extra_body`` and
        ``path`` are applied by whoever builds the body and the URL)."""
        changes: dict[str, Any] = {}
        if "timeout" in options:
            changes["timeout"] = options["timeout"]
        if "extra_headers" in options:
            changes["extra_headers"] = dict(options["extra_headers"])
        if "extra_query" in options:
            changes["extra_query"] = dict(options["extra_query"])
        if "max_retries" in options:
            policy = self.retry if self.retry is not None else RetryPolicy()
            changes["retry"] = replace(policy, max_retries=options["max_retries"])
        return replace(self, **changes) if changes else self

    def build(
        self, client: httpx.Client | httpx.AsyncClient, user_headers: dict[str, str]
    ) -> httpx.Request:
        """The request of one attempt, with the resolved user headers."""
        headers = {**user_headers, **self.extra_headers}
        params = dict(self.extra_query) or None
        with transport_errors(self.url):
            if self.method == "GET":
                return client.build_request(
                    "GET", self.url, headers=headers, params=params, timeout=self.timeout
                )
            return client.build_request(
                "POST",
                self.url,
                content=self.body,
                headers=request_headers(headers),
                params=params,
                timeout=self.timeout,
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
