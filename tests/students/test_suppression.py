"""The rule of small groups: what the counts page may show outside the school."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opora.students.suppression import THRESHOLD, is_small, suppress


def test_four_students_are_hidden_and_five_shown():
    assert is_small(4)
    assert not is_small(5)
    assert not is_small(0)


def test_a_lone_small_school_is_joined_by_the_smallest_other():
    result = suppress({"a": 4, "b": 30, "c": 9})
    assert result.hidden == frozenset({"a", "c"})
    assert not result.total_hidden


def test_a_total_under_five_is_hidden_with_every_group():
    result = suppress({"a": 2, "b": 2, "c": 0})
    assert result.hidden == frozenset({"a", "b"})
    assert result.total_hidden


def test_five_groups_of_one_hide_their_total_too():
    # Total 5 over five hidden groups: each would be known to hold exactly one student.
    assert suppress(dict.fromkeys("abcde", 1)).total_hidden


def test_a_single_group_of_five_is_shown():
    assert suppress({"a": 5}) == suppress({"a": 5, "b": 0})
    assert suppress({"a": 5}).hidden == frozenset()


def test_floors_count_what_a_reader_knows():
    # Two hidden municipalities of 3 and 4 schools, 7 students: each school holds one, hide the total.
    assert suppress({"m1": 3, "m2": 4, "m3": 40}, forced=frozenset({"m1"}), floors={"m1": 3, "m2": 4}).hidden == {
        "m1",
        "m2",
        "m3",
    }


def test_negative_sizes_are_refused():
    with pytest.raises(ValueError, match="отрицательным"):
        suppress({"a": -1})


sizes = st.dictionaries(st.integers(0, 30), st.integers(0, 40), max_size=8)


@given(sizes)
def test_no_small_group_is_ever_shown(groups):
    result = suppress(groups)
    for key, size in groups.items():
        if 0 < size < THRESHOLD:
            assert key in result.hidden


@given(sizes)
def test_what_subtraction_reveals_is_a_safe_group(groups):
    result = suppress(groups)
    if result.total_hidden or not result.hidden:
        return
    hidden = [groups[key] for key in result.hidden]
    # The reader learns only the sum of the hidden groups: at least five students, in two or more
    # groups, and not all of one student each (so no group's size follows).
    assert len(hidden) >= 2
    assert sum(hidden) >= THRESHOLD
    assert sum(hidden) > len(hidden)


@given(sizes)
def test_the_total_is_hidden_only_when_it_must_be(groups):
    result = suppress(groups)
    total = sum(groups.values())
    if total >= THRESHOLD and not any(0 < size < THRESHOLD for size in groups.values()):
        assert result.hidden == frozenset()
        assert not result.total_hidden
    if 0 < total < THRESHOLD:
        assert result.total_hidden


@given(sizes)
def test_empty_groups_are_never_hidden(groups):
    result = suppress(groups)
    assert all(groups[key] > 0 for key in result.hidden)
