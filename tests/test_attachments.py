"""Attachments: ``send(content, attachments=[...])`` builds the image and
file parts assistant-ui's attachment adapters build, and every request
shape sends them as its runtime does (checked on the bodies the embedded
demo backend recorded); the size limit stops a large file before anything
is sent."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant_ui import (
    AssistantClient,
    Attachment,
    AttachmentTooLargeError,
    Conversation,
    InvalidRequestError,
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(17)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
CSV = b"city,temperature\nParis,18\n"


def data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


PNG_URL = data_url("image/png", PNG)
PDF_URL = data_url("application/pdf", PDF)
CSV_URL = data_url("text/csv", CSV)
TEXT = {"type": "text", "text": "what is in these?"}


@pytest.fixture
def files(tmp_path: Path) -> Iterator[list[Any]]:
    """A PNG from bytes, a PDF from a path and a CSV from an open file."""
    (tmp_path / "report.pdf").write_bytes(PDF)
    (tmp_path / "cities.csv").write_bytes(CSV)
    opened = (tmp_path / "cities.csv").open("rb")
    yield [PNG, tmp_path / "report.pdf", opened]
    opened.close()


# What each runtime puts on the wire for the three attachments (docs/protocols.md
# §1.3.1 rule 3, 1.4.1, 1.5.1, 1.6).
EXPECTED_USER_MESSAGE: dict[str, Any] = {
    "data-stream": [
        TEXT,
        {"type": "file", "data": PNG_URL, "mediaType": "image/png"},
        {"type": "file", "data": PDF_URL, "mediaType": "application/pdf", "filename": "report.pdf"},
        {"type": "file", "data": CSV_URL, "mediaType": "text/csv", "filename": "cities.csv"},
    ],
    "sync-server": [
        TEXT,
        {"type": "image", "image": PNG_URL},
        {"type": "file", "data": PDF_URL, "mimeType": "application/pdf", "filename": "report.pdf"},
        {"type": "file", "data": CSV_URL, "mimeType": "text/csv", "filename": "cities.csv"},
    ],
    "ai-sdk": [
        TEXT,
        {"type": "file", "mediaType": "image/png", "url": PNG_URL, "filename": "attachment.png"},
        {"type": "file", "mediaType": "application/pdf", "url": PDF_URL, "filename": "report.pdf"},
        {"type": "file", "mediaType": "text/csv", "url": CSV_URL, "filename": "cities.csv"},
    ],
    # The assistant-transport runtime sends only text and image parts.
    "assistant-transport": [TEXT, {"type": "image", "image": PNG_URL}],
}


def sent_user_parts(runtime: str, body: dict[str, Any]) -> Any:
    if runtime in ("data-stream", "sync-server"):
        return body["messages"][0]["content"]
    if runtime == "ai-sdk":
        return body["messages"][0]["parts"]
    return body["commands"][0]["message"]["parts"]


@pytest.mark.parametrize("runtime", list(EXPECTED_USER_MESSAGE))
async def test_send_attaches_bytes_a_path_and_a_file_in_every_shape(
    demo_server: Any, thread_id: str, runtime: str, files: list[Any]
) -> None:
    async with AssistantClient(demo_server.url, max_retries=0) as client:
        thread = client.threads(thread_id, runtime=runtime)
        result = await thread.send(TEXT["text"], attachments=files)
    assert result.text == f"You said: {TEXT['text']}"
    (request,) = demo_server.log.requests_for(thread_id)
    assert sent_user_parts(runtime, request.body) == EXPECTED_USER_MESSAGE[runtime]
    if runtime == "sync-server":  # the seed's body also carries them as a command
        assert request.body["commands"][0]["message"]["parts"] == EXPECTED_USER_MESSAGE[runtime]
    kept = thread.messages[0]["attachments"]
    assert [a["type"] for a in kept] == ["image", "file", "file"]
    assert [a["name"] for a in kept] == ["attachment.png", "report.pdf", "cities.csv"]
    assert kept[0]["content"] == [{"type": "image", "image": PNG_URL}]
    assert all(a["status"] == {"type": "complete"} for a in kept)


def test_the_sync_and_streaming_variants_attach_too(
    demo_server: Any, thread_id: str, tmp_path: Path
) -> None:
    (tmp_path / "report.pdf").write_bytes(PDF)
    with AssistantClient(demo_server.url, max_retries=0) as client:
        thread = client.threads(thread_id, runtime="data-stream")
        thread.send_sync("one", attachments=PNG)  # a single source needs no list
        list(thread.send_stream_sync("two", attachments=[str(tmp_path / "report.pdf")]))
        first_user = thread.messages[0]["id"]
        thread.edit_sync(first_user, "one again", attachments=[("chart", PNG, "image/png")])
    bodies = [r.body for r in demo_server.log.requests_for(thread_id)]
    assert bodies[0]["messages"][0]["content"][1] == {
        "type": "file",
        "data": PNG_URL,
        "mediaType": "image/png",
    }
    assert bodies[1]["messages"][2]["content"][1]["filename"] == "report.pdf"
    # The edit replaces the first message: only the new one is sent.
    assert bodies[2]["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "one again"},
                {"type": "file", "data": PNG_URL, "mediaType": "image/png"},
            ],
        }
    ]


async def test_send_stream_and_edit_attach(demo_server: Any, thread_id: str) -> None:
    async with AssistantClient(demo_server.url, max_retries=0) as client:
        thread = client.threads(thread_id, runtime="ai-sdk")
        events = [e async for e in thread.send_stream("see", attachments=[io.BytesIO(PDF)])]
        assert events
        await thread.edit(thread.messages[0]["id"], "see again", attachments=[Attachment(PNG)])
    bodies = [r.body for r in demo_server.log.requests_for(thread_id)]
    assert bodies[0]["messages"][0]["parts"][1] == {
        "type": "file",
        "mediaType": "application/pdf",  # sniffed: the BytesIO has no name
        "url": PDF_URL,
        "filename": "attachment.pdf",
    }
    assert bodies[1]["messages"][0]["parts"][1]["url"] == PNG_URL


@pytest.mark.parametrize("source", ["bytes", "path", "file"])
def test_an_attachment_over_the_limit_is_refused_before_anything_is_sent(
    demo_server: Any, thread_id: str, tmp_path: Path, source: str
) -> None:
    big = PDF + bytes(200)
    (tmp_path / "big.pdf").write_bytes(big)
    with AssistantClient(demo_server.url, max_retries=0) as client:
        thread = client.threads(thread_id, runtime="data-stream", max_attachment_bytes=100)
        given: Any = {"bytes": big, "path": tmp_path / "big.pdf", "file": io.BytesIO(big)}[source]
        with pytest.raises(AttachmentTooLargeError) as caught:
            thread.send_sync("hi", attachments=[PNG, given])
    error = caught.value
    assert isinstance(error, InvalidRequestError)
    assert error.field == "attachments[1]"
    assert error.limit == 100
    assert error.size == (None if source == "file" else len(big))
    assert error.name == {"bytes": None, "path": "big.pdf", "file": None}[source]
    assert "max_attachment_bytes" in str(error)
    assert thread.messages == []
    assert demo_server.log.requests_for(thread_id) == []


def test_the_default_limit_is_20_mib_and_none_lifts_it() -> None:
    assert Conversation().max_attachment_bytes == 20 * 1024 * 1024
    big = bytes(20 * 1024 * 1024 + 1)
    with pytest.raises(AttachmentTooLargeError, match="20971521 bytes"):
        Conversation(runtime="data-stream").send("hi", attachments=[big])
    conv = Conversation(runtime="data-stream", max_attachment_bytes=None)
    conv.send("hi", attachments=[big])
    assert len(conv.messages[0]["attachments"]) == 1


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (PDF, "application/pdf"),
        (b"just some bytes", "application/octet-stream"),
    ],
)
def test_bytes_without_a_name_are_sniffed(data: bytes, mime: str) -> None:
    attachment = Attachment(data)
    assert attachment.mime_type == mime
    assert attachment.is_image is mime.startswith("image/")
    assert attachment.data_url == data_url(mime, data)


def test_the_name_or_an_explicit_type_decides_the_mime_type(tmp_path: Path) -> None:
    assert Attachment(PNG, "notes.txt").mime_type == "text/plain"  # the name wins over the bytes
    assert Attachment(PNG, "x.bin", "IMAGE/PNG").mime_type == "image/png"
    (tmp_path / "photo.jpeg").write_bytes(b"not really a jpeg")
    photo = Attachment.from_path(tmp_path / "photo.jpeg")
    assert (photo.name, photo.mime_type, photo.size) == ("photo.jpeg", "image/jpeg", 17)
    assert photo.part() == {"type": "image", "image": data_url("image/jpeg", b"not really a jpeg")}
    assert repr(photo) == "Attachment(name='photo.jpeg', mime_type='image/jpeg', size=17)"


def test_bad_attachments_name_the_offending_item(tmp_path: Path) -> None:
    conv = Conversation(runtime="data-stream")
    with pytest.raises(InvalidRequestError, match=r"attachments\[1\]: cannot read") as missing:
        conv.send("hi", attachments=[PNG, tmp_path / "missing.png"])
    assert isinstance(missing.value.__cause__, FileNotFoundError)
    (tmp_path / "notes.txt").write_text("hello")
    with (
        (tmp_path / "notes.txt").open() as text_file,
        pytest.raises(InvalidRequestError, match="text mode"),
    ):
        conv.send("hi", attachments=[text_file])
    with pytest.raises(InvalidRequestError, match=r"attachments\[0\].*got int"):
        conv.send("hi", attachments=[42])
    with pytest.raises(InvalidRequestError, match="got int"):
        conv.send("hi", attachments=42)  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError, match="not a mapping"):
        conv.send("hi", attachments={"id": "a1", "content": []})  # type: ignore[arg-type]
    assert conv.messages == []
