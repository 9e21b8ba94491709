"""The prelude every SSE decoder shares (sse_json.SSEJSONDecoder), checked
on each of them: event names, [DONE], JSON of the wrong container type."""

from __future__ import annotations

import pytest

from assistant_ui.errors import IncompleteStreamError, StreamDecodeError
from assistant_ui.protocol.decoders.assistant_transport import AssistantTransportDecoder
from assistant_ui.protocol.decoders.object_stream import ObjectStreamDecoder
from assistant_ui.protocol.decoders.openai_chunks import OpenAIChunkDecoder
from assistant_ui.protocol.decoders.sse_json import MISSING_DONE, SSEJSONDecoder, error_text
from assistant_ui.protocol.decoders.ui_message_stream import UIMessageStreamDecoder
from assistant_ui.protocol.framing import SSEEvent
from assistant_ui.protocol.leniency import WarningSink

DECODERS: list[type[SSEJSONDecoder]] = [
    UIMessageStreamDecoder,
    AssistantTransportDecoder,
    OpenAIChunkDecoder,
    ObjectStreamDecoder,
]
# one valid chunk per decoder, each producing at least one event
VALID = {
    UIMessageStreamDecoder: '{"type":"text-start","id":"t"}',
    AssistantTransportDecoder: '{"type":"step-start","messageId":"m"}',
    OpenAIChunkDecoder: '{"choices":[{"delta":{"content":"x"}}]}',
    ObjectStreamDecoder: '[{"type":"set","path":[],"value":1}]',
}


def event(data: str, name: str = "message") -> SSEEvent:
    return SSEEvent(data=data, event=name, id=None, retry=None, offset=0)


@pytest.mark.parametrize("cls", DECODERS)
def test_other_event_names_are_fatal_when_strict_else_one_warning(
    cls: type[SSEJSONDecoder],
) -> None:
    with pytest.raises(StreamDecodeError, match="Unknown SSE event type: ping"):
        cls(strict=True).decode_event(event(VALID[cls], "ping"))
    sink = WarningSink(emit=False)
    decoder = cls(warnings=sink)
    for _ in range(2):
        assert decoder.decode_event(event(VALID[cls], "ping")) == []
    assert sink.messages == ["Ignored unknown SSE event type: ping"]


@pytest.mark.parametrize("cls", DECODERS)
def test_nothing_is_read_after_done(cls: type[SSEJSONDecoder]) -> None:
    decoder = cls(strict=True)
    assert decoder.decode_event(event(VALID[cls])) != []
    decoder.decode_event(event("[DONE]"))
    assert decoder.done
    assert decoder.decode_event(event(VALID[cls])) == []
    assert decoder.decode_event(event("garbage", "ping")) == []
    assert decoder.end() == []


@pytest.mark.parametrize("cls", DECODERS)
def test_data_of_the_wrong_json_type_is_dropped_with_a_warning(cls: type[SSEJSONDecoder]) -> None:
    wrong = '{"a":1}' if cls is ObjectStreamDecoder else "[1]"
    for data in (wrong, "{not json"):
        sink = WarningSink(emit=False)
        decoder = cls(warnings=sink)
        assert decoder.decode_event(event(data)) == []
        assert len(sink.messages) == 1
        assert decoder.decode_event(event(VALID[cls])) != []  # and it goes on


def test_the_object_stream_is_strict_about_its_arrays() -> None:
    with pytest.raises(StreamDecodeError, match="not a JSON array"):
        ObjectStreamDecoder(strict=True).decode_event(event('{"a":1}'))


@pytest.mark.parametrize("cls", [AssistantTransportDecoder, OpenAIChunkDecoder])
def test_missing_done_is_fatal_only_when_strict(cls: type[SSEJSONDecoder]) -> None:
    with pytest.raises(IncompleteStreamError, match=r"\[DONE\]"):
        cls(strict=True).end()
    sink = WarningSink(emit=False)
    decoder = cls(warnings=sink)
    decoder.end()
    assert decoder.done
    assert sink.messages == [MISSING_DONE]


def test_the_ui_stream_requires_done_in_both_modes_and_the_object_stream_never() -> None:
    with pytest.raises(IncompleteStreamError):
        UIMessageStreamDecoder(warnings=WarningSink(emit=False)).end()
    assert ObjectStreamDecoder(strict=True).end() == []


def test_error_text() -> None:
    assert error_text(None) == "unknown error"
    assert error_text("boom") == "boom"
    assert error_text({"a": 1.0}) == '{"a":1}'
