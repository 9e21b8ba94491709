"""Plain text replies (docs/protocols.md §2.5): one text part, any split."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant_ui.protocol.decoders.plain_text import PlainTextDecoder
from assistant_ui.protocol.events import PartFinish, PartStart, TextDelta, event_to_dict
from assistant_ui.protocol.leniency import WarningSink


def test_first_text_opens_the_part_and_end_finishes_it() -> None:
    decoder = PlainTextDecoder()
    assert decoder.decode_text("") == []
    assert decoder.decode_text("Hel") == [
        PartStart(part={"type": "text"}),
        TextDelta(text_delta="Hel", path=(0,)),
    ]
    assert decoder.decode_text("lo") == [TextDelta(text_delta="lo", path=(0,))]
    assert decoder.end() == [PartFinish(path=(0,))]


def test_empty_body_has_no_part() -> None:
    assert PlainTextDecoder().end() == []


def decode_body(body: bytes, size: int) -> dict[str, object]:
    from assistant_ui.protocol.reading.parser import StreamParser

    parser = StreamParser(encoding="plain-text", warnings=WarningSink(emit=False))
    for start in range(0, len(body), size):
        parser.feed(body[start : start + size])
    parser.close()
    return parser.message


@pytest.mark.parametrize("size", [1, 2, 3, 1000])
def test_body_is_text_whatever_it_contains(size: int) -> None:
    body = '0:"not a frame"\r\ndata: no\n\n✓ 👋\n'.encode()
    message = decode_body(body, size)
    assert message["parts"] == [
        {
            "type": "text",
            "text": '0:"not a frame"\r\ndata: no\n\n✓ 👋\n',
            "status": {"type": "complete", "reason": "unknown"},
        }
    ]
    assert message["status"] == {"type": "complete", "reason": "unknown"}


def test_bom_is_dropped_and_invalid_utf8_becomes_replacement() -> None:
    message = decode_body(b"\xef\xbb\xbfhi \xff there \xe2\x9c", 1)
    assert message["parts"][0]["text"] == "hi \ufffd there \ufffd"


@given(
    st.text(max_size=200), st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=40)
)
def test_any_split_gives_the_same_text(text: str, sizes: list[int]) -> None:
    body = text.encode("utf-8", "surrogatepass")
    decoder_events = []
    decoder = PlainTextDecoder()
    import codecs

    utf8 = codecs.getincrementaldecoder("utf-8")("replace")
    pos = 0
    index = 0
    while pos < len(body):
        size = sizes[index % len(sizes)]
        decoder_events += decoder.decode_text(utf8.decode(body[pos : pos + size]))
        pos += size
        index += 1
    decoder_events += decoder.decode_text(utf8.decode(b"", True))
    decoder_events += decoder.end()
    joined = "".join(e.text_delta for e in decoder_events if isinstance(e, TextDelta))
    assert joined == body.decode("utf-8", "replace")
    kinds = [event_to_dict(e)["type"] for e in decoder_events]
    if joined:
        assert kinds[0] == "part-start"
        assert kinds[-1] == "part-finish"
    else:
        assert kinds == []
