"""parse_partial_json: the table of docs/protocols.md §3.5, garbage verdicts checked
against the reference, and properties over generated JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant_ui.errors import StreamDecodeError
from assistant_ui.protocol.partial_json import PartialJSONCompleter, parse_partial_json

UNCHANGED = "<unchanged>"

# docs/protocols.md §3.5, verbatim (input argsText -> args; "<unchanged>" = no value).
SPEC_TABLE: list[tuple[str, Any]] = [
    ("", {}),
    (" ", UNCHANGED),
    ("{", {}),
    ('{"ci', {}),
    ('{"city":', {}),
    ('{"city": "Ber', {"city": "Ber"}),
    ('{"city":"Berlin",', {"city": "Berlin"}),
    ('{"city":"Berlin","unit', {"city": "Berlin"}),
    ('{"n":1.', {"n": 1}),
    ('{"n":1.5e', {"n": 1.5}),
    ('{"n":-', {}),
    ('{"a":[-', {"a": []}),
    ('{"n":12,"m":-3', {"n": 12, "m": -3}),
    ('{"b":t', {"b": True}),
    ('{"b":fals', {"b": False}),
    ('{"b":nul', {"b": None}),
    ('{"s":"a\\', {"s": "a"}),
    ('{"s":"a\\n', {"s": "a\n"}),
    ('{"s":"\\u00', {"s": ""}),
    ('{"s":"\\u00e9', {"s": "é"}),
    ('{"l":[1,{"x":"y', {"l": [1, {"x": "y"}]}),
    ('{"o":{"p":{"q":"r', {"o": {"p": {"q": "r"}}}),
    ('{"a":1}x', {"a": 1}),
    ('{"a":1} {"b":2}', {"a": 1}),
    ('{"k" : 1 ,', {"k": 1}),
    ("[1,2", [1, 2]),
    ('"str"', UNCHANGED),
    ("42", UNCHANGED),
    ("null", UNCHANGED),
]


def _outcome(text: str) -> Any:
    value, ok = parse_partial_json(text)
    return value if ok else UNCHANGED


@pytest.mark.parametrize(("text", "expected"), SPEC_TABLE)
def test_spec_table(text: str, expected: Any) -> None:
    outcome = _outcome(text)
    assert outcome == expected
    assert type(outcome) is type(expected)  # 1 vs 1.0 aside, a list is not a dict


def test_proto_key_is_accepted_by_choice() -> None:
    # The reference's secure parser refuses "__proto__" (no value); Python
    # objects have no prototype to poison, so we keep it as data (3.5 allows it).
    assert _outcome('{"__proto__":{"x":1}}') == {"__proto__": {"x": 1}}


# Inputs that are not JSON prefixes: verdicts obtained by running the
# reference's parsePartialJsonObject (assistant-stream 0.3.57) on them.
GARBAGE_TABLE: list[tuple[str, Any]] = [
    ('{"a":1 2}', UNCHANGED),
    ('{"a":1 2', {"a": 1}),  # the stray "2" is after the last completable position
    ('{"a":01', UNCHANGED),
    ('{"b":tx', UNCHANGED),
    ('x{"a":1}', UNCHANGED),
    ('{"a":1,}', {"a": 1}),
    ("[1,]", [1]),
    ('  {"a":1', {"a": 1}),
    ('{"a":"\\x"}', UNCHANGED),
    ('{"a":"x\ny"}', UNCHANGED),  # raw control character inside a string
    ("[NaN]", UNCHANGED),
    ("[1 x", UNCHANGED),
    ('{"a"x', {}),
    ('{"a"x:1}', UNCHANGED),
    ('{"a":1.}', UNCHANGED),
    ('{"a":-}', UNCHANGED),
    ('{"a\\x":-', UNCHANGED),  # the reference decodes the key before a "-" value
    ('["\\ud83d"]', ["\ud83d"]),  # a lone surrogate escape is valid JSON
    ('{"a":[1,-2E500', {"a": [1, None]}),  # JS: -Infinity, which JSON writes as null
]


@pytest.mark.parametrize(("text", "expected"), GARBAGE_TABLE)
def test_garbage_matches_reference(text: str, expected: Any) -> None:
    assert _outcome(text) == expected


def test_long_string_value_is_handled_in_one_pass() -> None:
    body = "ab\\n" * 50_000
    value, ok = parse_partial_json('{"s":"' + body)
    assert ok
    assert value == {"s": "ab\n" * 50_000}


def test_deep_nesting_is_a_typed_decode_error_instead_of_a_crash() -> None:
    with pytest.raises(StreamDecodeError, match="nested deeper than"):
        parse_partial_json("[" * 100_000)


# -- properties ------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.text(max_size=8)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)
containers = st.one_of(
    st.lists(json_values, max_size=4), st.dictionaries(st.text(max_size=5), json_values, max_size=4)
)
dump_styles = st.sampled_from(
    [
        {"separators": (",", ":"), "ensure_ascii": False},
        {"ensure_ascii": True},
        {"indent": 1},
    ]
)


@given(containers, dump_styles)
def test_complete_text_gives_the_value(value: Any, style: dict[str, Any]) -> None:
    assert parse_partial_json(json.dumps(value, **style)) == (value, True)


@given(containers, dump_styles, st.data())
def test_every_prefix_of_valid_json_gives_a_container(
    value: Any, style: dict[str, Any], data: st.DataObject
) -> None:
    text = json.dumps(value, **style)
    cut = data.draw(st.integers(1, len(text)))
    parsed, ok = parse_partial_json(text[:cut])
    assert ok, text[:cut]
    assert type(parsed) is type(value)


# Characters that make JSON and break it.
_ALPHABET = [*'{}[]",:\\u0123456789-+.eEtrufalsn xé\n\t', "\x01"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_ALPHABET), max_size=24).map("".join))
def test_failure_is_permanent_once_text_starts(text: str) -> None:
    # The accumulator's lazy args rely on this (see accumulator._ToolArgs):
    # among prefixes holding a non-whitespace character, once one yields no
    # value, every longer prefix yields none either.
    start = len(text) - len(text.lstrip(" \t\n\r"))
    failed_at = None
    for end in range(start + 1, len(text) + 1):
        ok = parse_partial_json(text[:end])[1]
        if failed_at is not None:
            assert not ok, (text[:failed_at], text[:end])
        elif not ok:
            failed_at = end


@settings(max_examples=300)
@given(
    st.one_of(
        containers.map(json.dumps),
        st.lists(st.sampled_from(_ALPHABET), max_size=24).map("".join),
    ),
    st.lists(st.integers(0, 60), max_size=6),
)
def test_completer_fed_in_steps_equals_a_fresh_parse(text: str, cuts: list[int]) -> None:
    # The completer resumes its repair scan where it stopped (an unfinished
    # escape, number or literal must be picked up again correctly).
    completer = PartialJSONCompleter()
    for end in [*sorted(min(c, len(text)) for c in cuts), len(text)]:
        prefix = text[:end]
        completed = completer.complete(prefix)
        expected, ok = parse_partial_json(prefix)
        if not ok:
            assert completed is None, prefix
        else:
            assert completed is not None, prefix
            assert completed[1] == expected
            assert json.loads(completed[0]) == expected


@pytest.mark.parametrize(
    "steps",
    [
        ['{"s":"a\\', '{"s":"a\\"b'],  # escaped quote after a cut backslash
        ['{"s":"\\u0', '{"s":"\\u00e9x'],  # unicode escape cut in the middle
        ['{"n":1', '{"n":12', '{"n":12.5e', '{"n":12.5e3}'],
        ['{"b":tr', '{"b":true', '{"b":true,"c":nu', '{"b":true,"c":null}'],
        ['{"k\\', '{"k\\"":1'],  # escaped quote inside a key
        ["[1 ", "[1 ,2"],
    ],
)
def test_completer_resumes_inside_tokens(steps: list[str]) -> None:
    completer = PartialJSONCompleter()
    for prefix in steps:
        completed = completer.complete(prefix)
        assert completed is not None
        assert completed[1] == parse_partial_json(prefix)[0]
