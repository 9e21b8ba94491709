"""Reading a response body within a byte limit, decompression included.

httpx decompresses each network read in one call, so 64 KiB of a gzip bomb
becomes up to 64 MiB at once, before anyone can count it. Here the raw
(still compressed) bytes are decompressed with an output bound per call, so
no more than one piece of :data:`PIECE_BYTES` is ever produced past the
limit, and the limit ends the body with a typed error.

- :func:`iter_body` / :func:`aiter_body`: the decoded body of a streamed
  reply, in pieces, for the byte loop (``for chunk in iter_body(response,
  limit): core.feed(chunk)``); raises :class:`~assistant_ui.errors.BodyTooLargeError`.
- :func:`read_error_body` / :func:`aread_error_body`: at most ``cap`` decoded
  bytes of a non-2xx body (the rest is not read), and whether it was cut.

``gzip``, ``deflate`` (zlib or raw) and ``identity`` are decoded here with
the bound; any other content coding httpx knows (``br``, ``zstd`` when their
packages are installed) goes through httpx's decoder and is counted after
each read (a bound per read, not per piece).
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Final, Protocol

import httpx

from assistant_ui.errors import BodyTooLargeError

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_ERROR_BODY_BYTES",
    "PIECE_BYTES",
    "BodyDecoder",
    "aiter_body",
    "aread_error_body",
    "iter_body",
    "read_error_body",
]

DEFAULT_MAX_BODY_BYTES: Final = 256 * 1024 * 1024
"""Longest reply body accepted, counted after decompression (256 MiB: a
thousand times a long reply)."""

DEFAULT_MAX_ERROR_BODY_BYTES: Final = 1024 * 1024
"""How much of a non-2xx body is read (1 MiB); the rest is dropped and the
error is marked ``body_truncated``."""

PIECE_BYTES: Final = 64 * 1024
"""Largest piece one decompression call may produce."""


class _Stage(Protocol):
    def decode(self, data: bytes) -> Iterator[bytes]: ...
    def flush(self) -> Iterator[bytes]: ...


class _Zlib:
    """gzip or deflate, decompressed at most PIECE_BYTES per call."""

    def __init__(self, coding: str) -> None:
        self._gzip = coding == "gzip"
        wbits = zlib.MAX_WBITS | 16 if self._gzip else zlib.MAX_WBITS
        self._obj = zlib.decompressobj(wbits)
        # deflate: zlib-wrapped or raw, told by the two-byte zlib header.
        self._head: bytes | None = None if self._gzip else b""

    def decode(self, data: bytes) -> Iterator[bytes]:
        if self._head is not None:
            data = self._head + data
            if len(data) < 2:
                self._head = data
                return
            self._head = None
            if (data[0] & 0x0F) != zlib.DEFLATED or int.from_bytes(data[:2], "big") % 31:
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate
        try:
            while True:
                out = self._obj.decompress(data, PIECE_BYTES)
                data = self._obj.unconsumed_tail
                if out:
                    yield out
                # A full piece may leave output pending inside zlib even when
                # all input was taken: ask again until a short piece.
                if self._obj.eof or (not data and len(out) < PIECE_BYTES):
                    return  # trailing bytes after the stream are ignored, as httpx does
        except zlib.error as exc:
            raise httpx.DecodingError(str(exc)) from exc

    def flush(self) -> Iterator[bytes]:
        if self._head:
            raise httpx.DecodingError("the deflate body ended after one byte")
        try:
            out = self._obj.flush()
        except zlib.error as exc:
            raise httpx.DecodingError(str(exc)) from exc
        if out:
            yield out


class _Httpx:
    """A content coding httpx decodes (not bounded per piece)."""

    def __init__(self, coding: str) -> None:
        from httpx._decoders import SUPPORTED_DECODERS

        self._decoder = SUPPORTED_DECODERS[coding]()

    def decode(self, data: bytes) -> Iterator[bytes]:
        out = self._decoder.decode(data)
        if out:
            yield out

    def flush(self) -> Iterator[bytes]:
        out = self._decoder.flush()
        if out:
            yield out


def _stages(headers: httpx.Headers) -> list[_Stage]:
    from httpx._decoders import SUPPORTED_DECODERS

    stages: list[_Stage] = []
    # Codings are listed in the order they were applied: undo them in reverse.
    for value in reversed(headers.get_list("content-encoding", split_commas=True)):
        coding = value.strip().lower()
        if coding in ("gzip", "x-gzip", "deflate"):
            stages.append(_Zlib("gzip" if coding == "x-gzip" else coding))
        elif coding in SUPPORTED_DECODERS and coding != "identity":
            stages.append(_Httpx(coding))
        # identity, and codings httpx does not know either, pass through as httpx does.
    return stages


class BodyDecoder:
    """Decodes raw body bytes within ``limit`` decoded bytes.

    Args:
        headers: the response headers (``Content-Encoding``).
        limit: most decoded bytes accepted (``None``: no limit).

    Raises:
        BodyTooLargeError: from :meth:`decode`/:meth:`flush` once the decoded
            body passes ``limit``.
        httpx.DecodingError: corrupt compressed data (the transport boundary
            makes it an ``APIConnectionError`` or a stream error).
    """

    def __init__(self, headers: httpx.Headers, limit: int | None) -> None:
        self._stages = _stages(headers)
        self._limit = limit
        self.decoded = 0
        """Decoded bytes produced so far."""

    def decode(self, data: bytes) -> Iterator[bytes]:
        """Decoded pieces of the next raw bytes."""
        return self._counted(self._run(0, [data], final=False))

    def flush(self) -> Iterator[bytes]:
        """Decoded pieces held back until the body ended."""
        return self._counted(self._run(0, [], final=True))

    def _run(self, index: int, pieces: Iterable[bytes], *, final: bool) -> Iterator[bytes]:
        if index == len(self._stages):
            yield from pieces
            return
        stage = self._stages[index]

        def through() -> Iterator[bytes]:
            for piece in pieces:
                yield from stage.decode(piece)
            if final:
                yield from stage.flush()

        yield from self._run(index + 1, through(), final=final)

    def _counted(self, pieces: Iterator[bytes]) -> Iterator[bytes]:
        limit = self._limit
        for piece in pieces:
            self.decoded += len(piece)
            if limit is not None and self.decoded > limit:
                raise BodyTooLargeError(
                    f"the reply body passed the {limit}-byte limit "
                    f"({self.decoded} bytes decoded so far)",
                    limit=limit,
                )
            yield piece


def iter_body(response: httpx.Response, limit: int | None) -> Iterator[bytes]:
    """The decoded body of a streamed response, within ``limit`` bytes."""
    if response.is_stream_consumed:
        # An in-memory response (a mock transport): its body is already held.
        yield from response.iter_bytes()
        return
    decoder = BodyDecoder(response.headers, limit)
    for raw in response.iter_raw():
        yield from decoder.decode(raw)
    yield from decoder.flush()


async def aiter_body(response: httpx.Response, limit: int | None) -> AsyncIterator[bytes]:
    """The async twin of :func:`iter_body`."""
    if response.is_stream_consumed:
        async for piece in response.aiter_bytes():
            yield piece
        return
    decoder = BodyDecoder(response.headers, limit)
    async for raw in response.aiter_raw():
        for piece in decoder.decode(raw):
            yield piece
    for piece in decoder.flush():
        yield piece


def _take(decoder: BodyDecoder, raw: bytes, kept: list[bytes], room: int) -> int:
    for piece in decoder.decode(raw):
        kept.append(piece[:room])
        room -= len(kept[-1])
        if room <= 0:
            break
    return room


def read_error_body(response: httpx.Response, cap: int) -> tuple[bytes, bool]:
    """Up to ``cap`` decoded bytes of a non-2xx body, and whether there was
    more; the response is closed (the rest is never read)."""
    decoder = BodyDecoder(response.headers, None)
    kept: list[bytes] = []
    room = cap + 1  # one byte more tells whether the body went on
    try:
        for raw in response.iter_raw():
            room = _take(decoder, raw, kept, room)
            if room <= 0:
                break
        else:
            kept.extend(decoder.flush())
    finally:
        response.close()
    return _capped(kept, cap)


async def aread_error_body(response: httpx.Response, cap: int) -> tuple[bytes, bool]:
    """The async twin of :func:`read_error_body`."""
    decoder = BodyDecoder(response.headers, None)
    kept: list[bytes] = []
    room = cap + 1
    try:
        async for raw in response.aiter_raw():
            room = _take(decoder, raw, kept, room)
            if room <= 0:
                break
        else:
            kept.extend(decoder.flush())
    finally:
        await response.aclose()
    return _capped(kept, cap)


def _capped(kept: list[bytes], cap: int) -> tuple[bytes, bool]:
    body = b"".join(kept)
    return body[:cap], len(body) > cap
