"""State operations: the table of docs/protocols.md §3.10 in both modes, error
texts, immutability of inputs, and the copy-on-write tree."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from assistant_ui.errors import StreamDecodeError
from assistant_ui.protocol.leniency import WarningSink
from assistant_ui.protocol.reading.state_ops import StateTree, apply_operations
from assistant_ui.protocol.text import copy_json

# docs/protocols.md §3.10, verbatim: seed state, operations, strict result, lenient result.
SPEC_TABLE: list[tuple[Any, list[dict[str, Any]], Any, Any]] = [
    (None, [{"type": "set", "path": [], "value": {"a": 1}}], {"a": 1}, {"a": 1}),
    (None, [{"type": "set", "path": ["a", "b"], "value": 1}], {"a": {"b": 1}}, {"a": {"b": 1}}),
    (
        {"a": "x"},
        [{"type": "append-text", "path": ["a"], "value": "y"}],
        {"a": "xy"},
        {"a": "xy"},
    ),
    (
        {},
        [{"type": "append-text", "path": ["missing"], "value": "y"}],
        {"error": "Expected string at path [missing]"},
        {},
    ),
    (
        {"a": 1},
        [{"type": "append-text", "path": ["a"], "value": "y"}],
        {"error": "Expected string at path [a]"},
        {"a": 1},
    ),
    ({"l": [1]}, [{"type": "set", "path": ["l", "1"], "value": 2}], {"l": [1, 2]}, {"l": [1, 2]}),
    (
        {"l": [1]},
        [{"type": "set", "path": ["l", "3"], "value": 2}],
        {"error": "Insert array index out of bounds"},
        {"l": [1, 2]},
    ),
    (
        {"l": [1]},
        [{"type": "set", "path": ["l", "01"], "value": 2}],
        {"error": "Expected array index at [01]"},
        {"l": [1]},
    ),
    (
        {"l": [1]},
        [{"type": "set", "path": ["l", "x"], "value": 2}],
        {"error": "Expected array index at [x]"},
        {"l": [1]},
    ),
    (
        {"a": "str"},
        [{"type": "set", "path": ["a", "b"], "value": 1}],
        {"error": "Invalid path: [b]"},
        {"a": "str"},
    ),
    (
        {},
        [{"type": "set", "path": ["__proto__", "x"], "value": 1}],
        {"error": "Unsafe gorp path segment: __proto__"},
        {},
    ),
    (
        {"l": []},
        [{"type": "set", "path": ["l", "0", "name"], "value": "n"}],
        {"l": [{"name": "n"}]},
        {"l": [{"name": "n"}]},
    ),
    (
        {"a": {"b": 1}},
        [
            {"type": "set", "path": ["a"], "value": None},
            {"type": "set", "path": ["a", "c"], "value": 2},
        ],
        {"a": {"c": 2}},
        {"a": {"c": 2}},
    ),
    (
        {"s": "a"},
        [
            {"type": "append-text", "path": ["s"], "value": "b"},
            {"type": "bogus", "path": ["s"], "value": "c"},
        ],
        {"error": "Invalid operation type: bogus"},
        {"s": "ab"},
    ),
]


def _strict(seed: Any, ops: list[dict[str, Any]]) -> Any:
    try:
        return apply_operations(seed, ops, strict=True)
    except StreamDecodeError as exc:
        return {"error": exc.reason}


@pytest.mark.parametrize(("seed", "ops", "strict_result", "lenient_result"), SPEC_TABLE)
def test_spec_table(
    seed: Any, ops: list[dict[str, Any]], strict_result: Any, lenient_result: Any
) -> None:
    before = copy.deepcopy(seed)
    assert _strict(seed, ops) == strict_result
    assert apply_operations(seed, ops, strict=False, warnings=WarningSink(emit=False)) == (
        lenient_result
    )
    assert seed == before  # never mutated


def test_strict_error_undoes_the_whole_batch() -> None:
    # The reference stores the state only once every operation of the event
    # applied, so the operations before the failing one are lost too.
    ops = [
        {"type": "set", "path": ["a"], "value": 1},
        {"type": "append-text", "path": ["a"], "value": "x"},
        {"type": "set", "path": ["b"], "value": 2},
    ]
    with pytest.raises(StreamDecodeError) as info:
        apply_operations({"z": 0}, ops, strict=True)
    assert info.value.reason == "Expected string at path [a]"
    assert str(info.value) == "Expected string at path [a]"
    assert info.value.state == {"z": 0}


def test_strict_failure_keeps_earlier_batches_and_undoes_in_place_changes() -> None:
    tree = StateTree({"m": [{"t": "a"}]}, strict=True)
    append = {"type": "append-text", "path": ["m", "0", "t"], "value": "b"}
    tree.apply([append, {"type": "set", "path": ["m", "1"], "value": {}}])
    # This batch mutates owned containers and the rope in place, then fails.
    failing = [
        append,
        {"type": "set", "path": ["m", "2"], "value": 1},
        {"type": "set", "path": ["m", "0", "new"], "value": 1},
        {"type": "set", "path": ["m", "9"], "value": 1},
    ]
    with pytest.raises(StreamDecodeError, match="out of bounds"):
        tree.apply(failing)
    assert tree.value == {"m": [{"t": "ab"}, {}]}
    tree.apply([append])
    assert tree.value == {"m": [{"t": "abb"}, {}]}


def test_lenient_skips_the_failing_operation_and_reports_it() -> None:
    sink = WarningSink(emit=False)
    ops = [
        {"type": "append-text", "path": ["a"], "value": "x"},
        {"type": "set", "path": ["b"], "value": 2},
    ]
    assert apply_operations({"a": 1}, ops, warnings=sink) == {"a": 1, "b": 2}
    assert len(sink.messages) == 1
    assert "Expected string at path [a]" in sink.messages[0]


def test_lenient_clamp_appends_and_warns_once() -> None:
    sink = WarningSink(emit=False)
    ops = [
        {"type": "set", "path": ["l", "5"], "value": "a"},
        {"type": "set", "path": ["l", "9"], "value": "b"},
    ]
    assert apply_operations({"l": []}, ops, warnings=sink) == {"l": ["a", "b"]}
    assert len(sink.messages) == 1
    assert "Clamped" in sink.messages[0]


@pytest.mark.parametrize(
    ("segment", "error"),
    [
        ("-1", "Insert array index out of bounds"),
        ("-0", "Expected array index at [-0]"),
        ("1.0", "Expected array index at [1.0]"),
        ("", "Expected array index at []"),
        (" 1", "Expected array index at [ 1]"),
        (True, "Expected array index at [true]"),
        (1.5, "Expected array index at [1.5]"),
    ],
)
def test_array_segments_must_be_canonical_indices(segment: Any, error: str) -> None:
    assert _strict({"l": [0, 1]}, [{"type": "set", "path": ["l", segment], "value": 9}]) == {
        "error": error
    }


def test_integer_segments_index_arrays_and_name_object_keys() -> None:
    # The SSE encoding allows integer segments (2.4.1).
    ops = [
        {"type": "set", "path": ["l", 1], "value": "b"},
        {"type": "set", "path": ["o", 7], "value": True},
    ]
    assert apply_operations({"l": ["a"]}, ops, strict=True) == {"l": ["a", "b"], "o": {"7": True}}


@pytest.mark.parametrize("segment", ["constructor", "prototype"])
def test_other_unsafe_segments(segment: str) -> None:
    assert _strict({}, [{"type": "set", "path": [segment], "value": 1}]) == {
        "error": f"Unsafe gorp path segment: {segment}"
    }


@pytest.mark.parametrize(
    ("op", "error"),
    [
        ({"path": ["a"], "value": 1}, "Invalid operation type: undefined"),
        ({"type": None, "path": ["a"], "value": 1}, "Invalid operation type: null"),
        ("set", "Invalid operation type: undefined"),
        ({"type": "set", "value": 1}, "Invalid path: expected an array, got undefined"),
        ({"type": "set", "path": ["a"]}, "Invalid set operation: missing value"),
    ],
)
def test_malformed_operations(op: Any, error: str) -> None:
    assert _strict({}, [op]) == {"error": error}
    assert apply_operations({}, [op], warnings=WarningSink(emit=False)) == {}


def test_walk_through_scalars_reports_the_rest_of_the_path() -> None:
    ops = [{"type": "set", "path": ["a", "b", "c"], "value": 1}]
    assert _strict({"a": {"b": 5}}, ops) == {"error": "Invalid path: [c]"}
    assert _strict({"a": True}, ops) == {"error": "Invalid path: [b, c]"}


def test_append_text_at_the_root() -> None:
    assert apply_operations("ab", [{"type": "append-text", "path": [], "value": "c"}]) == "abc"
    assert _strict(None, [{"type": "append-text", "path": [], "value": "c"}]) == {
        "error": "Expected string at path []"
    }


def test_operation_values_are_never_mutated() -> None:
    value = {"t": "a", "inner": {"n": [1]}}
    ops = [
        {"type": "set", "path": ["m"], "value": value},
        {"type": "append-text", "path": ["m", "t"], "value": "b"},
        {"type": "set", "path": ["m", "inner", "n", "1"], "value": 2},
    ]
    assert apply_operations(None, ops, strict=True) == {"m": {"t": "ab", "inner": {"n": [1, 2]}}}
    assert value == {"t": "a", "inner": {"n": [1]}}


def test_tree_streams_text_and_hands_out_fresh_copies() -> None:
    seed = {"messages": [{"content": ""}]}
    tree = StateTree(seed, strict=True)
    for token in ["Hel", "lo", " wor", "ld"]:
        tree.apply([{"type": "append-text", "path": ["messages", "0", "content"], "value": token}])
    first = tree.value
    assert first == {"messages": [{"content": "Hello world"}]}
    assert type(first) is dict
    assert type(first["messages"]) is list
    first["messages"][0]["content"] = "changed"
    tree.apply([{"type": "append-text", "path": ["messages", "0", "content"], "value": "!"}])
    assert tree.value == {"messages": [{"content": "Hello world!"}]}
    assert seed == {"messages": [{"content": ""}]}


def test_copy_json_is_deep_and_plain() -> None:
    original = {"a": [1, {"b": (2, 3)}]}
    copied = copy_json(original)
    assert copied == {"a": [1, {"b": [2, 3]}]}
    copied["a"][1]["b"].append(4)
    assert original == {"a": [1, {"b": (2, 3)}]}


# -- properties ------------------------------------------------------------

segments = st.sampled_from(["a", "b", "l", "0", "1", "2", "01", "x", "a", "l", "__proto__"])
values = st.recursive(
    st.none() | st.integers(0, 3) | st.sampled_from(["", "s"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "b", "l"]), children, max_size=3)
    ),
    max_leaves=6,
)
operations = st.lists(
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["set", "append-text", "set"]),
            "path": st.lists(segments, max_size=3),
            "value": values | st.sampled_from(["x", "yz"]),
        }
    ),
    max_size=8,
)


@given(values, operations, st.booleans())
def test_inputs_are_never_mutated(seed: Any, ops: list[dict[str, Any]], strict: bool) -> None:
    seed_before = copy.deepcopy(seed)
    ops_before = copy.deepcopy(ops)
    try:
        apply_operations(seed, ops, strict=strict, warnings=WarningSink(emit=False))
    except StreamDecodeError:
        assert strict
    assert seed == seed_before
    assert ops == ops_before


@settings(max_examples=400)
@given(values, operations)
@example(
    {},
    [
        {"type": "set", "path": ["a"], "value": "x"},
        {"type": "append-text", "path": ["a"], "value": "yz"},  # a str in an owned dict
        {"type": "append-text", "path": ["a"], "value": "z"},  # then its buffer
        {"type": "set", "path": ["b", "l"], "value": 1},
        {"type": "set", "path": ["b", "__proto__"], "value": 1},  # refused either way
    ],
)
def test_one_tree_equals_one_call_per_operation(seed: Any, ops: list[dict[str, Any]]) -> None:
    # The owned-container fast path must be invisible: applying everything to
    # one tree equals folding fresh calls (each of which copies on write).
    tree = StateTree(seed, warnings=WarningSink(emit=False))
    folded = seed
    for op in ops:
        tree.apply([op])
        folded = apply_operations(folded, [op], warnings=WarningSink(emit=False))
        assert tree.value == folded


@given(values, st.lists(operations, max_size=4))
def test_strict_batches_apply_whole_or_not_at_all(seed: Any, batches: list[list[Any]]) -> None:
    tree = StateTree(seed, strict=True)
    for batch in batches:
        before = tree.value
        try:
            expected = apply_operations(before, batch, strict=True)
        except StreamDecodeError as exc:
            with pytest.raises(StreamDecodeError, match=re.escape(exc.reason)):
                tree.apply(batch)
            assert tree.value == before
        else:
            tree.apply(batch)
            assert tree.value == expected
