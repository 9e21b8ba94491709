"""The table of reply encodings: one row per wire format.

Everything that differs between encodings is in its row: the name callers
use, the decoder, the media type a server sends, the marker header that names
it, and how its first frame is recognised. Detection
(:mod:`assistant_ui.protocol.reading.detect`), the parser, the CLI's
``--encoding`` choices and the docs all read this table; no other module
compares encoding names. Adding an encoding is one decoder module under
:mod:`assistant_ui.protocol.decoders` plus one row here (CONTRIBUTING.md,
"How to add a reply encoding").

Rows are tried in order when a body is sniffed: within one framing, the
first row whose ``claims_*`` accepts the first frame wins, so a catch-all row
(plain text) comes last among the line encodings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Literal

from assistant_ui.errors import InvalidRequestError
from assistant_ui.protocol.decoders import (
    assistant_transport,
    data_stream,
    object_stream,
    ollama,
    openai_chunks,
    plain_text,
    ui_message_stream,
)
from assistant_ui.protocol.decoders.base import Framing

__all__ = [
    "ENCODINGS",
    "ENCODING_NAMES",
    "Encoding",
    "EncodingName",
    "encoding_named",
    "encodings_framed",
]


@dataclass(frozen=True, slots=True)
class Encoding:
    """One reply encoding.

    Attributes:
        name: what callers pass as ``encoding=`` (and what results report).
        decoder: the decoder class; its ``framing`` says which frames it is fed.
        media_type: the ``Content-Type`` servers send it with.
        marker_header: a ``(header, value)`` pair that names this encoding
            whatever the media type, if there is one.
        claims_event: for SSE encodings, whether the first event's parsed JSON
            data belongs to this encoding.
        claims_line: for line encodings, whether the first non-blank line
            (and whether it is complete) belongs to this encoding.
        may_claim: for line encodings before the catch-all, whether a first
            line that so far begins with the given text could still be
            claimed once complete; when no row may, the body is the
            catch-all's (plain text) at once, before its first newline.
            ``None``: any start may (detection waits for the whole line).
        fallback: the encoding of its framing used when sniffing cannot
            decide (an ambiguous SSE event, a blank body).
    """

    name: str
    decoder: type[Any]
    media_type: str
    marker_header: tuple[str, str] | None = None
    claims_event: Callable[[Any], bool] | None = None
    claims_line: Callable[[str, bool], bool] | None = None
    may_claim: Callable[[str], bool] | None = None
    fallback: bool = False

    @property
    def framing(self) -> Framing:
        """``"lines"``, ``"sse"`` or ``"text"``: what the decoder is fed."""
        framing: Framing = self.decoder.framing
        return framing

    @property
    def sniffed_as(self) -> Framing:
        """The framing detection reads it with (plain text is told apart from
        the data stream by its first line)."""
        return "lines" if self.framing == "text" else self.framing


ENCODINGS: Final[tuple[Encoding, ...]] = (
    Encoding(
        "data-stream",
        data_stream.DataStreamDecoder,
        "text/plain",
        marker_header=("x-vercel-ai-data-stream", "v1"),
        claims_line=data_stream.claims_line,
        may_claim=data_stream.may_claim,
        fallback=True,
    ),
    Encoding(
        "ollama",
        ollama.OllamaDecoder,
        "application/x-ndjson",
        claims_line=ollama.claims_line,
        may_claim=ollama.may_claim,
    ),
    Encoding(
        "plain-text",
        plain_text.PlainTextDecoder,
        "text/plain",
        claims_line=plain_text.claims_line,
    ),
    Encoding(
        "object-stream",
        object_stream.ObjectStreamDecoder,
        "text/event-stream",
        marker_header=("assistant-stream-format", "object-stream/v0"),
        claims_event=object_stream.claims_event,
    ),
    Encoding(
        "openai",
        openai_chunks.OpenAIChunkDecoder,
        "text/event-stream",
        claims_event=openai_chunks.claims_event,
    ),
    Encoding(
        "assistant-transport",
        assistant_transport.AssistantTransportDecoder,
        "text/event-stream",
        claims_event=assistant_transport.claims_event,
    ),
    Encoding(
        "ui-message-stream",
        ui_message_stream.UIMessageStreamDecoder,
        "text/event-stream",
        marker_header=("x-vercel-ai-ui-message-stream", "v1"),
        claims_event=ui_message_stream.claims_event,
        fallback=True,
    ),
)
"""Every encoding, in sniffing order."""

ENCODING_NAMES: Final[tuple[str, ...]] = tuple(row.name for row in ENCODINGS)
"""Every name ``encoding=`` accepts."""

EncodingName = Literal[
    "data-stream",
    "ollama",
    "plain-text",
    "object-stream",
    "openai",
    "assistant-transport",
    "ui-message-stream",
]
"""The names of :data:`ENCODINGS`, for type checkers (a test keeps them equal)."""

_BY_NAME: Final = {row.name: row for row in ENCODINGS}


def encoding_named(name: str) -> Encoding:
    """The row of an encoding name.

    Raises:
        InvalidRequestError: for a name not in :data:`ENCODING_NAMES`.
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        raise InvalidRequestError(
            f"unknown encoding {name!r}; expected one of {', '.join(ENCODING_NAMES)}",
            field="encoding",
        ) from None


def encodings_framed(framing: Framing) -> tuple[Encoding, ...]:
    """The rows detection tries for a body read as ``"lines"`` or ``"sse"``."""
    return tuple(row for row in ENCODINGS if row.sniffed_as == framing)
