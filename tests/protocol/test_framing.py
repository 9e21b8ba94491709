"""Byte framing: lines and SSE events, whatever the network chunking
(docs/protocols.md §2.1, 2.3.1)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant_ui.errors import LineTooLongError
from assistant_ui.protocol.framing import (
    BOMStripper,
    Line,
    LineSplitter,
    SSEEvent,
    SSEParser,
    SSEReader,
)


def split_at(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c for c in cuts if 0 < c < len(data)})
    bounds = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


def lines_of(chunks: list[bytes], **kwargs: int) -> tuple[list[Line], Line | None]:
    bom = BOMStripper()
    splitter: LineSplitter | None = None
    out: list[Line] = []
    for chunk in chunks:
        data = bom.feed(chunk)
        if data:
            splitter = splitter or LineSplitter(start_offset=bom.stripped, **kwargs)
            out += splitter.feed(data)
    rest = bom.flush()
    splitter = splitter or LineSplitter(start_offset=bom.stripped, **kwargs)
    if rest:
        out += splitter.feed(rest)
    return out, splitter.flush()


def events_of(chunks: list[bytes]) -> tuple[list[SSEEvent], bool]:
    parser = SSEParser()
    lines, tail = lines_of(chunks)
    events = [e for line in lines if (e := parser.decode(line)) is not None]
    if tail is not None:
        event = parser.decode(tail)
        assert event is None
    return events, parser.flush()


def test_every_line_ending_ends_a_line() -> None:
    lines, tail = lines_of([b"a\nb\r\nc\rd"])
    assert [line.text for line in lines] == ["a", "b", "c"]
    assert [line.offset for line in lines] == [0, 2, 5]
    assert tail == Line("d", 7)


def test_crlf_cut_across_reads_is_one_line_ending() -> None:
    lines, tail = lines_of([b"a\r", b"\nb\r", b"", b"\n"])
    assert [line.text for line in lines] == ["a", "b"]
    assert tail is None


def test_cr_then_cr_is_an_empty_line() -> None:
    lines, _ = lines_of([b"a\r", b"\rb\n"])
    assert [line.text for line in lines] == ["a", "", "b"]


def test_unicode_line_separators_do_not_split() -> None:
    body = '0:"a\u2028b\u2029c\x85d\x0ce"\n'.encode()
    lines, _ = lines_of([body])
    assert [line.text for line in lines] == ['0:"a\u2028b\u2029c\x85d\x0ce"']


def test_multibyte_character_cut_anywhere_decodes_whole() -> None:
    body = "h\u00e9llo \U0001f44b \u4e16\u754c\n".encode()
    lines, _ = lines_of([body[i : i + 1] for i in range(len(body))])
    assert lines[0].text == "h\u00e9llo \U0001f44b \u4e16\u754c"


def test_invalid_utf8_becomes_replacement_character() -> None:
    lines, _ = lines_of([b"a\xffb\n"])
    assert lines[0].text == "a\ufffdb"


def test_bom_is_dropped_once_and_offsets_count_it() -> None:
    lines, _ = lines_of([b"\xef", b"\xbb", b"\xbfa\n\xef\xbb\xbfb\n"])
    assert [line.text for line in lines] == ["a", "\ufeffb"]
    assert lines[0].offset == 3


def test_short_body_that_only_looks_like_a_bom_is_kept() -> None:
    lines, tail = lines_of([b"\xef\xbb"])
    assert lines == []
    assert tail == Line("\ufffd", 0)


def test_line_over_the_limit_raises_with_its_offset() -> None:
    splitter = LineSplitter(max_line_bytes=8)
    assert [line.text for line in splitter.feed(b"ok\n")] == ["ok"]
    with pytest.raises(LineTooLongError) as info:
        splitter.feed(b"123456789")
    assert info.value.offset == 3


def test_lines_before_an_overlong_line_are_returned_first() -> None:
    splitter = LineSplitter(max_line_bytes=4)
    assert [line.text for line in splitter.feed(b"ab\ncd\n123456")] == ["ab", "cd"]
    with pytest.raises(LineTooLongError) as info:
        splitter.feed(b"7\n")
    assert info.value.offset == 6
    with pytest.raises(LineTooLongError):
        splitter.flush()


def test_sse_fields_comments_and_dispatch() -> None:
    body = b": hi\nevent: x\nid: 7\nretry: 15\ndata: a\ndata:b\nfoo: bar\n\n"
    events, dropped = events_of([body])
    assert events == [SSEEvent(data="a\nb", event="x", id="7", retry=15, offset=5)]
    assert dropped is False


def test_sse_event_without_data_is_not_dispatched() -> None:
    events, _ = events_of([b"event: ping\n\ndata\n\n"])
    assert [e.data for e in events] == [""]


def test_sse_unterminated_event_is_dropped_at_end() -> None:
    events, dropped = events_of([b"data: a\n\ndata: b\n"])
    assert [e.data for e in events] == ["a"]
    assert dropped is True


def test_sse_id_persists_and_nul_ids_are_ignored() -> None:
    events, _ = events_of([b"id: 1\ndata: a\n\nid: x\x00y\ndata: b\n\n"])
    assert [e.id for e in events] == ["1", "1"]


def test_sse_event_over_the_limit_raises() -> None:
    parser = SSEParser(max_event_chars=4)
    parser.decode(Line("data: ab", 0))
    with pytest.raises(LineTooLongError):
        parser.decode(Line("data: cd", 9))


SSE_BODY = (
    '\ufeff: heartbeat\r\n\r\ndata: {"a":1}\r\n\r\nevent: e\rdata: x\u2028y\r\r'
    "data: \u00e9\U0001f44b\ndata\n\nid: 3\ndata: last\n\n"
).encode()


@given(st.lists(st.integers(min_value=1, max_value=len(SSE_BODY) - 1), max_size=40))
def test_any_split_gives_the_same_sse_events(cuts: list[int]) -> None:
    assert events_of(split_at(SSE_BODY, cuts)) == events_of([SSE_BODY])


@given(st.binary(max_size=300), st.lists(st.integers(min_value=1, max_value=299), max_size=20))
def test_any_split_of_random_bytes_gives_the_same_lines(data: bytes, cuts: list[int]) -> None:
    assert lines_of(split_at(data, cuts)) == lines_of([data])


# --- SSEReader: the parser above, with a shortcut for one-line events ------


def reader_events(chunks: list[bytes]) -> tuple[list[tuple[str, str, int]], bool]:
    """(data, event name, offset) of every event SSEReader gives, and whether
    the end dropped one."""
    bom = BOMStripper()
    reader: SSEReader | None = None
    out: list[tuple[str, str, int]] = []

    def take(data: bytes) -> None:
        items, offsets = reader.feed(data) if reader is not None else ([], [])
        for item, offset in zip(items, offsets, strict=True):
            if isinstance(item, str):
                out.append((item, "message", offset))
            else:
                assert item.event != "message"
                out.append((item.data, item.event, offset))

    for chunk in chunks:
        data = bom.feed(chunk)
        if data:
            reader = reader or SSEReader(start_offset=bom.stripped)
            take(data)
    rest = bom.flush()
    reader = reader or SSEReader(start_offset=bom.stripped)
    if rest:
        take(rest)
    return out, reader.flush()


def parser_events(chunks: list[bytes]) -> tuple[list[tuple[str, str, int]], bool]:
    events, dropped = events_of(chunks)
    tail_dropped = lines_of(chunks)[1] is not None
    return [(e.data, e.event, e.offset) for e in events], dropped or tail_dropped


_SSE_LINES = st.sampled_from(
    [
        b'data: {"a":1}',
        b"data: x",
        b"data:y",
        b"data: ",
        b"data",
        b"",
        b"",
        b": comment",
        b"event: custom",
        b"event: message",
        b"id: 4",
        b"retry: 10",
        "data: \u00e9\u2028\U0001f44b".encode(),
        b"data: \xff\xfe",
        b"dat: a",
    ]
)


@given(
    st.lists(st.tuples(_SSE_LINES, st.sampled_from([b"\n", b"\n", b"\n", b"\r\n", b"\r"]))),
    st.binary(max_size=8),
    st.lists(st.integers(min_value=1, max_value=400), max_size=20),
)
def test_sse_reader_gives_the_parsers_events_for_any_bytes_and_split(
    lines: list[tuple[bytes, bytes]], tail: bytes, cuts: list[int]
) -> None:
    body = b"".join(line + end for line, end in lines) + tail
    expected = parser_events([body])
    assert reader_events(split_at(body, cuts)) == expected


def test_sse_reader_reads_one_line_events_as_their_data() -> None:
    items, offsets = SSEReader().feed(b'data: {"a":1}\n\ndata:  two\n\n: c\ndata: x\n\n')
    assert items == ['{"a":1}', " two", "x"]
    assert offsets == [0, 15, 31]


def test_sse_reader_returns_events_before_an_overlong_line_first() -> None:
    reader = SSEReader(max_line_bytes=12)
    items, offsets = reader.feed(b"data: ab\n\ndata: 0123456789\n\n")
    assert (items, offsets) == (["ab"], [0])
    with pytest.raises(LineTooLongError) as info:
        reader.feed(b"data: c\n\n")
    assert info.value.offset == 10


def test_sse_reader_returns_events_before_overlong_event_data_first() -> None:
    reader = SSEReader(max_line_bytes=8)
    items, _ = reader.feed(b"data: ab\n\ndata: cd\ndata: ef\ndata: gh\n\n")
    assert items == ["ab"]
    with pytest.raises(LineTooLongError):
        reader.feed(b"data: c\n\n")


def test_feed_raw_declines_input_with_a_cr_and_consumes_nothing() -> None:
    splitter = LineSplitter()
    assert splitter.feed_raw(b"a\r\nb\n") is None
    assert [(line.text, line.offset) for line in splitter.feed(b"a\r\nb\n")] == [
        ("a", 0),
        ("b", 3),
    ]
    assert splitter.feed_raw(b"cd\nef") == ([b"cd"], 5)
    assert splitter.feed_raw(b"g\n\n") == ([b"efg", b""], 8)
