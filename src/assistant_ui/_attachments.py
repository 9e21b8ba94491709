"""Files sent with a user message: :class:`Attachment`.

``send(content, attachments=[...])`` takes paths, bytes, binary file objects,
``(name, data[, mime_type])`` tuples or :class:`Attachment` objects, and
builds what assistant-ui's composer builds with its attachment adapters: an
``attachments`` entry on the user message (``id``, ``type``, ``name``,
``contentType``, ``status``, ``content``) whose content is one part:

- an image (``image/*``): ``{"type": "image", "image": "data:<mime>;base64,..."}``;
- any other file: ``{"type": "file", "data": "data:<mime>;base64,...",
  "mimeType": ..., "filename": ...}``.

Each request shape then sends those parts as the runtime does
(docs/protocols.md §1.3.1 rule 3, 1.4.1, 1.5.1: the assistant-transport
``add-message`` command keeps only image parts, 1.6).

The MIME type is the one given, else guessed from the file name, else
sniffed from the first bytes (common image types and PDF), else
``application/octet-stream``. Sizes are checked against a limit before a
file is read whole, and before anything is sent.
"""

from __future__ import annotations

import base64
import mimetypes
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final, TypeAlias

from assistant_ui.errors import AttachmentTooLargeError, InvalidRequestError
from assistant_ui.protocol.ids import new_id

__all__ = [
    "DEFAULT_MAX_ATTACHMENT_BYTES",
    "Attachment",
    "AttachmentSource",
    "Attachments",
    "message_attachments",
]

DEFAULT_MAX_ATTACHMENT_BYTES: Final = 20 * 1024 * 1024
"""The default size limit of one attachment (20 MiB)."""

_OCTET_STREAM: Final = "application/octet-stream"

# Magic numbers of the types a name-less upload is most likely to be.
_SIGNATURES: Final = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"%PDF-", "application/pdf"),
)


def sniff_media_type(data: bytes) -> str | None:
    """The MIME type the first bytes announce (PNG, JPEG, GIF, WebP, BMP,
    PDF), or ``None``."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((mime for magic, mime in _SIGNATURES if data.startswith(magic)), None)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file to send with a user message.

    Build one from a path (:meth:`from_path`), an open binary file
    (:meth:`from_file`) or bytes (the constructor); ``send(...,
    attachments=[...])`` also takes those directly.

    Attributes:
        data: the file's bytes.
        name: the file name (``filename`` on the wire); ``None`` for bytes
            without one, which are then named ``attachment`` plus the
            extension of their type.
        mime_type: the MIME type; when not given, guessed from ``name``, else
            sniffed from ``data``, else ``application/octet-stream``.
    """

    data: bytes = field(repr=False)
    name: str | None = None
    mime_type: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.data, bytes):
            object.__setattr__(self, "data", bytes(self.data))
        mime = self.mime_type or _guess(self.name) or sniff_media_type(self.data) or _OCTET_STREAM
        object.__setattr__(self, "mime_type", mime.lower())
        if self.name is None:
            extension = mimetypes.guess_extension(self.mime_type) or ""
            object.__setattr__(self, "name", f"attachment{extension}")

    def __repr__(self) -> str:
        return f"Attachment(name={self.name!r}, mime_type={self.mime_type!r}, size={self.size})"

    @classmethod
    def from_path(
        cls,
        path: str | os.PathLike[str],
        *,
        mime_type: str | None = None,
        max_bytes: int | None = None,
    ) -> Attachment:
        """Reads a file (its size is checked against ``max_bytes`` first).

        Raises:
            InvalidRequestError: the file cannot be read.
            AttachmentTooLargeError: it is larger than ``max_bytes``.
        """
        file = Path(path)
        try:
            size = file.stat().st_size
            _check_size(file.name, size, max_bytes)
            data = file.read_bytes()
        except OSError as exc:
            raise InvalidRequestError(f"cannot read {str(path)!r}: {exc.strerror or exc}") from exc
        return cls(data, file.name, mime_type or "")

    @classmethod
    def from_file(
        cls,
        file: IO[bytes],
        *,
        name: str | None = None,
        mime_type: str | None = None,
        max_bytes: int | None = None,
    ) -> Attachment:
        """Reads an open binary file from its current position (at most
        ``max_bytes`` + 1 bytes, to tell that it is too large). The name
        defaults to the file's own (``open()`` gives one, ``BytesIO`` none).

        Raises:
            InvalidRequestError: the file is open in text mode.
            AttachmentTooLargeError: it is larger than ``max_bytes``.
        """
        if name is None:
            own = getattr(file, "name", None)
            name = os.path.basename(own) if isinstance(own, str) and own else None
        data = file.read() if max_bytes is None else file.read(max_bytes + 1)
        if not isinstance(data, (bytes, bytearray)):
            what = f"file {name!r}" if name else "the file"
            raise InvalidRequestError(f"{what} is open in text mode: open it with 'rb'")
        if max_bytes is not None and len(data) > max_bytes:
            raise AttachmentTooLargeError(name, None, max_bytes)
        return cls(bytes(data), name, mime_type or "")

    @classmethod
    def of(cls, source: Any, *, max_bytes: int | None = None) -> Attachment:
        """An attachment from anything ``attachments=`` accepts.

        Raises:
            InvalidRequestError: an unsupported source or an unreadable file.
            AttachmentTooLargeError: the file is larger than ``max_bytes``.
        """
        if isinstance(source, Attachment):
            attachment = source
        elif isinstance(source, (str, os.PathLike)):
            return cls.from_path(source, max_bytes=max_bytes)
        elif isinstance(source, (bytes, bytearray, memoryview)):
            _check_size(None, len(source), max_bytes)
            return cls(bytes(source))
        elif isinstance(source, tuple) and _is_named_data(source):
            attachment = _from_tuple(source, max_bytes)
        elif callable(getattr(source, "read", None)):
            return cls.from_file(source, max_bytes=max_bytes)
        else:
            raise InvalidRequestError(
                "an attachment is a path, bytes, a binary file, a (name, data[, mime_type])"
                f" tuple or an Attachment, got {type(source).__name__}"
            )
        _check_size(attachment.name, attachment.size, max_bytes)
        return attachment

    @property
    def size(self) -> int:
        """The size in bytes."""
        return len(self.data)

    @property
    def is_image(self) -> bool:
        """Whether it is sent as an image part (an ``image/*`` type)."""
        return self.mime_type.startswith("image/")

    @property
    def data_url(self) -> str:
        """``data:<mime>;base64,<data>``, as the browser's ``FileReader`` makes it."""
        return f"data:{self.mime_type};base64,{base64.b64encode(self.data).decode('ascii')}"

    def part(self) -> dict[str, Any]:
        """The message part: an image part for images, else a file part."""
        if self.is_image:
            return {"type": "image", "image": self.data_url}
        return {
            "type": "file",
            "data": self.data_url,
            "mimeType": self.mime_type,
            "filename": self.name,
        }

    def to_message_attachment(self) -> dict[str, Any]:
        """The ``attachments`` entry of a user message, as assistant-ui's
        adapters complete it."""
        return {
            "id": new_id(),
            "type": "image" if self.is_image else "file",
            "name": self.name,
            "contentType": self.mime_type,
            "status": {"type": "complete"},
            "content": [self.part()],
        }


AttachmentSource: TypeAlias = (
    str
    | os.PathLike[str]
    | bytes
    | bytearray
    | memoryview
    | IO[bytes]
    | Attachment
    | tuple[str, bytes | IO[bytes]]
    | tuple[str, bytes | IO[bytes], str]
)
"""One item ``attachments=`` accepts."""

Attachments: TypeAlias = AttachmentSource | Iterable[AttachmentSource]
"""What ``attachments=`` accepts: one source or several."""


def _guess(name: str | None) -> str | None:
    return mimetypes.guess_type(name, strict=False)[0] if name else None


def _check_size(name: str | None, size: int, limit: int | None) -> None:
    if limit is not None and size > limit:
        raise AttachmentTooLargeError(name, size, limit)


def _is_named_data(source: tuple[Any, ...]) -> bool:
    return (
        len(source) in (2, 3)
        and isinstance(source[0], str)
        and (isinstance(source[1], (bytes, bytearray, memoryview)) or hasattr(source[1], "read"))
        and (len(source) == 2 or isinstance(source[2], str))
    )


def _from_tuple(source: tuple[Any, ...], max_bytes: int | None) -> Attachment:
    name, data = source[0], source[1]
    mime = source[2] if len(source) == 3 else None
    if hasattr(data, "read"):
        return Attachment.from_file(data, name=name, mime_type=mime, max_bytes=max_bytes)
    _check_size(name, len(data), max_bytes)
    return Attachment(bytes(data), name, mime or "")


def _as_list(attachments: Attachments) -> Sequence[Any]:
    # One source on its own is a list of one; a tuple is a (name, data)
    # pair only when it looks like one, else a sequence of sources.
    single = (str, os.PathLike, bytes, bytearray, memoryview, Attachment)
    if isinstance(attachments, single) or hasattr(attachments, "read"):
        return [attachments]
    if isinstance(attachments, tuple) and _is_named_data(attachments):
        return [attachments]
    if isinstance(attachments, Mapping):
        raise InvalidRequestError(
            "expected files, not a mapping (a ready attachment entry goes in the"
            " message's own 'attachments' list)",
            field="attachments",
        )
    if isinstance(attachments, Iterable):
        return list(attachments)
    raise InvalidRequestError(
        f"expected a list of attachments, got {type(attachments).__name__}", field="attachments"
    )


def message_attachments(attachments: Attachments, max_bytes: int | None) -> list[dict[str, Any]]:
    """The ``attachments`` entries of a user message, from what
    ``attachments=`` was given.

    Raises:
        InvalidRequestError: naming the attachment (``attachments[i]``).
        AttachmentTooLargeError: an attachment over ``max_bytes``.
    """
    out: list[dict[str, Any]] = []
    for index, source in enumerate(_as_list(attachments)):
        where = f"attachments[{index}]"
        try:
            out.append(Attachment.of(source, max_bytes=max_bytes).to_message_attachment())
        except AttachmentTooLargeError as exc:
            raise AttachmentTooLargeError(exc.name, exc.size, exc.limit, field=where) from None
        except InvalidRequestError as exc:
            raise InvalidRequestError(str(exc), field=where) from exc.__cause__
    return out
