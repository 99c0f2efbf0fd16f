"""Dynamics of the results index and the exit from the list (methodology 4.8)."""

import polars as pl
from hypothesis import example, given
from hypothesis import strategies as st

import opora.analytics.dynamics as dynamics
from opora.analytics.dynamics import ExitRule, dynamics_of, index_changes, list_exit

finite = st.floats(min_value=-5, max_value=5, allow_nan=False)
width = st.floats(min_value=0, max_value=2, allow_nan=False)


@given(finite, width, finite, width)
def test_swapping_the_years_swaps_positive_and_negative(before, h1, after, h2):
    forward = dynamics_of(before, (before - h1, before + h1), after, (after - h2, after + h2))
    backward = dynamics_of(after, (after - h2, after + h2), before, (before - h1, before + h1))
    flip = {"positive": "negative", "negative": "positive", "none": "none"}
    assert backward == flip[forward]


@given(finite, width, finite, width, st.floats(min_value=1, max_value=3))
def test_wider_intervals_never_make_a_change_significant(before, h1, after, h2, factor):
    narrow = dynamics_of(before, (before - h1, before + h1), after, (after - h2, after + h2))
    wide = dynamics_of(
        before, (before - h1 * factor, before + h1 * factor), after, (after - h2 * factor, after + h2 * factor)
    )
    if narrow == "none":
        assert wide == "none"


@given(st.lists(st.tuples(finite, width, finite, width), min_size=1, max_size=30))
@example([(0.0, 0.0, 1.534e-207, 1.534e-207)])  # widths so small that their squares are 0
def test_the_frame_and_the_single_school_agree(rows):
    frame = pl.DataFrame(
        [(b, b - h1, b + h1, a, a - h2, a + h2) for b, h1, a, h2 in rows],
        schema=list(dynamics.CHANGE_COLUMNS),
        orient="row",
    )
    out = index_changes(frame)
    expected = [dynamics_of(b, (b - h1, b + h1), a, (a - h2, a + h2)) for b, h1, a, h2 in rows]
    assert out["dynamics"].to_list() == expected
    assert (out["change_lower"] <= out["change"]).all() and (out["change"] <= out["change_upper"]).all()


def _yearly(rows):
    return pl.DataFrame(rows, schema=["code", "year", "results_index", "in_bottom"], orient="row")


def _window(school_rows):
    # Ten other schools around the median 0 each year, so the median stays 0.
    others = [(f"o{i}", year, value, False) for i, value in enumerate([-0.5, -0.2, 0, 0, 0, 0, 0, 0.2, 0.5, 1.0])
              for year in (2024, 2025, 2026)]  # fmt: skip
    return _yearly(school_rows + others)


def test_a_school_leaves_after_two_years_out_of_the_bottom_with_the_gap_closed():
    yearly = _window([
        ("a", 2024, -2.0, True), ("a", 2025, -1.2, False), ("a", 2026, -1.0, False),  # gap 2 → 1: half closed
        ("b", 2024, -2.0, True), ("b", 2025, -1.9, False), ("b", 2026, -1.8, False),  # out, but gap closed by 10 %
        ("c", 2024, -2.0, False), ("c", 2025, -2.0, True), ("c", 2026, -1.0, False),  # out one year only
        ("d", 2024, -2.0, True), ("d", 2025, -1.0, False), ("d", 2026, -2.1, True),   # back in the bottom
    ])  # fmt: skip
    out = {row["code"]: row for row in list_exit(yearly, ["a", "b", "c", "d"], 2026).iter_rows(named=True)}
    assert (out["a"]["exited_list"], out["a"]["exit_status"]) == (True, "left")
    assert out["a"]["gap_closed"] == 0.5 and out["a"]["entry_year"] == 2024
    assert (out["b"]["exited_list"], out["b"]["exit_status"]) == (False, "improving")
    assert (out["c"]["exited_list"], out["c"]["exit_status"]) == (False, "improving")
    assert (out["d"]["exited_list"], out["d"]["exit_status"]) == (False, "stays")
    assert out["o1"]["exited_list"] is False and out["o1"]["exit_status"] is None  # never on the list
    stricter = list_exit(yearly, ["a"], 2026, ExitRule(years_out=2, gap_share=0.6))
    assert stricter.filter(pl.col("code") == "a")["exited_list"].item() is False


def test_unknown_list_or_missing_years_are_not_known():
    yearly = _window([("a", 2024, -2.0, True), ("a", 2026, -1.0, False)])
    unknown_list = list_exit(yearly, None, 2026)
    assert unknown_list["exited_list"].null_count() == unknown_list.height
    assert unknown_list["exited_list_unknown_reason"].null_count() == 0
    gap_year = list_exit(yearly, ["a"], 2026).filter(pl.col("code") == "a")
    assert gap_year["exited_list"].item() is None and "нет индекса" in gap_year["exited_list_unknown_reason"].item()


@given(
    st.integers(min_value=1, max_value=400),
    st.integers(min_value=1, max_value=400),
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=0, max_value=1),
)
def test_a_share_that_falls_is_the_mirror_of_one_that_rises(n1, n2, p1, p2):
    from opora.analytics.dynamics import share_change

    k1, k2 = round(p1 * n1), round(p2 * n2)
    forward, backward = share_change(k1, n1, k2, n2), share_change(k2, n2, k1, n1)
    flip = {"positive": "negative", "negative": "positive", "none": "none"}
    assert backward.dynamics == flip[forward.dynamics]
    assert forward.lower <= forward.change <= forward.upper
    higher_is_better = share_change(k1, n1, k2, n2, lower_is_better=False)
    assert higher_is_better.dynamics == flip[forward.dynamics]


def test_every_school_once_in_code_order_whether_on_the_list_or_not():
    # given the rows of a window in no particular order, one school on the list
    yearly = _window([("a", 2024, -2.0, True), ("a", 2025, -1.2, False), ("a", 2026, -1.0, False)]).reverse()
    # when the exit is judged with the list and without it
    known = list_exit(yearly, ["a", "not-in-the-window"], 2026)
    unknown = list_exit(yearly, None, 2026)
    # then each school of the window appears once, by code; only the listed one has a status
    codes = sorted({*yearly["code"].to_list()})
    assert known["code"].to_list() == codes and unknown["code"].to_list() == codes
    assert known.filter(pl.col("code") != "a")["exited_list"].to_list() == [False] * (len(codes) - 1)
    assert known.filter(pl.col("code") != "a")["exit_status"].null_count() == len(codes) - 1
    assert known.filter(pl.col("code") == "a").select("exited_list", "exit_status").row(0) == (True, "left")
    assert unknown.schema == known.schema
    assert unknown["years_out_of_bottom"].null_count() == len(codes)
