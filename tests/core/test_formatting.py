"""One rounding everywhere: a figure in the analytics' explanation and the same figure on a page agree."""

import re

from hypothesis import given
from hypothesis import strategies as st

from opora.analytics import Methodology
from opora.analytics.explanation import explain, number
from opora.analytics.explanation import percent as explanation_percent
from opora.core.formatting import num, percent


@given(st.floats(min_value=-999, max_value=999, allow_nan=False), st.integers(min_value=0, max_value=3))
def test_explanation_and_page_round_a_value_alike(value, digits):
    assert number(value, digits) == num(value, digits)
    assert not re.fullmatch(r"−0(,0+)?", num(value, digits))


@given(st.floats(min_value=0, max_value=1, allow_nan=False))
def test_whole_percent_rounds_like_the_page(share):
    assert explanation_percent(share).replace(" ", "\u00a0") == percent(share, 0)


def test_halves_round_away_from_zero_and_no_negative_zero():
    assert (num(-1.325, 2), number(-1.325)) == ("−1,33", "−1,33")
    assert (num(-0.001, 2), number(-0.001)) == ("0,00", "0,00")
    assert percent(4 / 14) == "28,6\u00a0%"
    assert explanation_percent(0.285) == "29 %"


def test_the_why_text_and_the_box_show_one_figure():
    row = {"year": 2026, "results_index": -0.2, "results_index_lower": -0.5, "results_index_upper": 0.1,
           "wellbeing_index": -1.325, "unfavourable": True, "bottom_years": [], "years_in_bottom": 0}  # fmt: skip
    text = explain(row, Methodology())
    figure = re.search(r"ИСБШ (−?\d+,\d+)", text).group(1)
    assert figure == num(row["wellbeing_index"], 2) == "−1,33"
