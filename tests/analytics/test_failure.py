import polars as pl
import pytest

from opora.analytics import Methodology, learning_failure, rosobrnadzor_signal
from opora.analytics.failure import failure_shares, rosobrnadzor_tests
from tests.analytics.frames import demo, marks_row, results_frame

M = Methodology()
EMPTY = results_frame([])


def outcomes(**columns):
    return pl.DataFrame({"code": ["a", "b", "c"], "year": [2026] * 3, **columns})


def test_more_than_half_failing_is_strict():
    out = learning_failure(outcomes(students_end=[100, 100, 0], failing=[51, 50, 0]), EMPTY, M)
    # a share that is not known is not «no»: null, with the reason
    assert out["learning_failure"].to_list() == [True, False, None]
    assert out["failing_share"].to_list() == [0.51, 0.5, None]
    assert out["learning_failure_unknown_reason"].to_list()[:2] == [None, None]
    assert "нет ни итогов" in out["learning_failure_unknown_reason"][2]
    assert out["failing_source"].to_list()[:2] == ["итоги года", "итоги года"]


def test_year_marks_give_a_lower_bound_when_outcomes_are_missing():
    rows = [
        marks_row("a", 2026, "Годовые отметки", 5, "Математика", (6, 4, 0, 0)),
        marks_row("a", 2026, "Годовые отметки", 5, "Русский язык", (3, 7, 0, 0)),
        marks_row("a", 2026, "Годовые отметки", 6, "Математика", (0, 10, 0, 0)),
    ]
    out = learning_failure(outcomes(students_end=[20, 10, 10], failing=[None, 1, 1]), results_frame(rows), M)
    a = out.filter(pl.col("code") == "a").row(0, named=True)
    assert a["failing_share_marks"] == pytest.approx(6 / 20)
    assert a["failing_source"] == "годовые отметки" and not a["learning_failure"]


def test_demo_mass_failure_schools_are_found():
    data = demo()
    out = learning_failure(data["outcomes"], data["results"], M).filter(pl.col("year") == 2026)
    joined = out.join(data["truth"], on="code")
    assert (
        joined.filter(pl.col("learning_failure"))["code"]
        .sort()
        .equals(joined.filter(pl.col("mass_failure"))["code"].sort())
    )


def rows(code, year, shares):
    return [
        marks_row(code, year, "ОГЭ", 9, subject, (int(10 * s), 10 - int(10 * s), 0, 0)) for subject, s in shares.items()
    ]


def test_rosobrnadzor_needs_two_tests_now_and_one_repeated():
    frame = results_frame(
        rows("a", 2025, {"Математика": 0.3, "Русский язык": 0.0})
        + rows("a", 2026, {"Математика": 0.3, "Русский язык": 0.4})
        + rows("b", 2025, {"Математика": 0.0, "Русский язык": 0.0})
        + rows("b", 2026, {"Математика": 0.5, "Русский язык": 0.5})
        + rows("c", 2025, {"Математика": 0.5, "Русский язык": 0.5})
        + rows("c", 2026, {"Математика": 0.5, "Русский язык": 0.1})
    )
    out = rosobrnadzor_signal(frame, 2026, M)
    assert out.select("code", "low_tests", "repeated_tests", "rosobrnadzor_signal").rows() == [
        ("a", 2, 1, True),
        ("b", 2, 0, False),
        ("c", 1, 1, False),
    ]


def test_rosobrnadzor_is_not_known_without_the_year_before():
    frame = results_frame(
        rows("a", 2026, {"Математика": 0.5, "Русский язык": 0.5}) + rows("b", 2026, {"Математика": 0.0})
    )
    out = rosobrnadzor_signal(frame, 2026, M)
    assert out["rosobrnadzor_signal"].to_list() == [None, False]
    assert "прошлого года" in out["rosobrnadzor_signal_unknown_reason"][0]
    tests = rosobrnadzor_tests(frame, 2026, M).filter(pl.col("code") == "a")
    assert tests["fail_share"].to_list() == [0.5, 0.5] and tests["previous_fail_share"].null_count() == 2


def test_failure_shares_per_school():
    frame = results_frame(rows("a", 2026, {"Математика": 0.3, "Русский язык": 0.1}))
    out = failure_shares(frame, pl.DataFrame({"code": ["a"], "year": [2026], "graduates_9": [0]}), 2026)
    row = out.row(0, named=True)
    assert row["fail_share_oge"] == pytest.approx(0.2) and row["fail_share_vpr"] is None
    assert row["no_certificate_share_9"] is None  # no graduates: not 0


def test_rosobrnadzor_counts_ege_below_threshold():
    row = {
        **marks_row("a", 2026, "ЕГЭ", 11, "Математика (профильная)", (0, 0, 0, 0)),
        "participants": 10,
        "marks_2": None,
        "marks_3": None,
        "marks_4": None,
        "marks_5": None,
        "below_threshold": 4,
    }
    out = rosobrnadzor_signal(results_frame([row]), 2026, M)
    assert out["low_tests"].to_list() == [1]
