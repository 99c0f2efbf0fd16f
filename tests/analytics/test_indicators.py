import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opora.analytics import result_indicators
from tests.analytics.frames import marks_row, results_frame


def test_formulas_of_one_test():
    frame = results_frame(
        [marks_row("1", 2026, "ВПР", 5, "Математика", (2, 3, 4, 1), lowered=3, confirmed=6, raised=1)]
    )
    row = result_indicators(frame).row(0, named=True)
    assert row["success_share"] == pytest.approx(0.8)
    assert row["quality_share"] == pytest.approx(0.5)
    assert row["fail_share"] == pytest.approx(0.2)
    assert row["mean_mark"] == pytest.approx(3.4)
    assert row["learning_degree"] == pytest.approx((100 * 1 + 64 * 4 + 36 * 3 + 16 * 2) / 10)
    assert (row["lowered_share"], row["confirmed_share"], row["raised_share"]) == pytest.approx((0.3, 0.6, 0.1))


def test_missing_counts_give_null_not_zero():
    frame = results_frame(
        [
            {
                **marks_row("1", 2026, "ЕГЭ", 11, "Русский язык", (0, 0, 0, 0)),
                "marks_2": None,
                "marks_3": None,
                "marks_4": None,
                "marks_5": None,
                "participants": 20,
                "below_threshold": 2,
                "mean_score": 61.5,
            },
        ]
    )
    row = result_indicators(frame).row(0, named=True)
    assert row["success_share"] is None and row["fail_share"] is None and row["lowered_share"] is None
    assert row["below_threshold_share"] == pytest.approx(0.1)
    assert row["mean_score"] == 61.5


def test_missing_required_column_is_a_russian_error():
    with pytest.raises(ValueError, match="нет обязательных столбцов: participants"):
        result_indicators(
            pl.DataFrame({"code": ["1"], "year": [2026], "procedure": ["ВПР"], "grade": [5], "subject": ["Математика"]})
        )


marks = st.tuples(*[st.integers(0, 30)] * 4).filter(lambda m: sum(m) > 0)


@settings(max_examples=60, deadline=None)
@given(st.lists(marks, min_size=1, max_size=8), st.randoms(use_true_random=False))
def test_shares_are_consistent_and_order_free(counts, random):
    rows = [marks_row(str(i), 2026, "ОГЭ", 9, "Математика", m) for i, m in enumerate(counts)]
    out = result_indicators(results_frame(rows))
    assert ((out["success_share"] + out["fail_share"] - 1).abs() < 1e-12).all()
    assert (out["quality_share"] <= out["success_share"] + 1e-12).all()
    assert out["mean_mark"].is_between(2, 5).all()
    random.shuffle(rows)
    shuffled = result_indicators(results_frame(rows)).sort("code")
    assert shuffled.equals(out.sort("code"))
