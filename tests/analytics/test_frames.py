"""The shared frame helpers: the integer-key sort is the stable sort of the columns it replaces."""

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from opora.analytics._frames import sort_by_code

rows = st.lists(
    st.tuples(
        st.one_of(st.none(), st.sampled_from(["010001", "010002", "020001", "А-1", ""])),
        st.one_of(st.none(), st.integers(2020, 2027)),
        st.one_of(st.none(), st.integers(-3, 11)),
        st.integers(0, 10**6),  # the row's place: shows whether equal keys kept their order
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(rows)
def test_sort_by_code_is_the_stable_sort_of_the_columns(data):
    frame = pl.DataFrame(data, schema={"code": pl.String, "year": pl.Int64, "grade": pl.Int64, "place": pl.Int64},
                         orient="row")  # fmt: skip
    assert sort_by_code(frame, "year", "grade").equals(frame.sort("code", "year", "grade", maintain_order=True))


def test_a_key_too_wide_for_one_integer_falls_back_to_the_columns():
    frame = pl.DataFrame({"code": ["b", "a", "b", "a"], "big": [2**40, 0, -(2**40), 0], "tie": [1, 2, 3, 4]})
    out = sort_by_code(frame, "big", "big")
    assert out["tie"].to_list() == [2, 4, 3, 1]
    assert sort_by_code(frame.clear(), "big").height == 0
