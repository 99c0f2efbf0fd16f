import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opora.analytics import aggregate_student_results
from opora.demo.generator import generate_region
from opora.demo.generator.students import aggregate_student_results as demo_aggregate
from opora.intake.formats import RESULTS
from tests.analytics.frames import english

STUDENT_HEADERS = {
    "Код ОО": "code",
    "Учебный год": "year",
    "Процедура": "procedure",
    "Класс": "grade",
    "Предмет": "subject",
    "Код участника": "participant_code",
    "Первичный балл": "primary_score",
    "Тестовый балл": "test_score",
    "Отметка": "mark",
    "Отметка по журналу": "journal_mark",
}


def students(rows):
    return pl.DataFrame(
        rows,
        schema={
            "code": pl.String,
            "year": pl.Int64,
            "procedure": pl.String,
            "grade": pl.Int64,
            "subject": pl.String,
            "participant_code": pl.String,
            "primary_score": pl.Float64,
            "test_score": pl.Float64,
            "mark": pl.Int64,
            "journal_mark": pl.Int64,
        },
        orient="row",
    )


def test_vpr_marks_scores_and_journal():
    frame = students(
        [
            ("1", 2026, "ВПР", 5, "Математика", "a", 5, None, 2, 3),
            ("1", 2026, "ВПР", 5, "Математика", "b", 10, None, 3, 3),
            ("1", 2026, "ВПР", 5, "Математика", "c", 16, None, 4, 3),
        ]
    )
    row = aggregate_student_results(frame).row(0, named=True)
    assert (row["participants"], row["marks_2"], row["marks_3"], row["marks_4"], row["marks_5"]) == (3, 1, 1, 1, 0)
    assert row["mean_score"] == pytest.approx(10.33)
    assert (row["lowered"], row["confirmed"], row["raised"]) == (1, 1, 1)
    assert row["below_threshold"] is None


def test_ege_test_scores_and_thresholds():
    frame = students(
        [
            ("1", 2026, "ЕГЭ", 11, "Русский язык", "a", 10, 23, None, None),
            ("1", 2026, "ЕГЭ", 11, "Русский язык", "b", 40, 80, None, None),
            ("1", 2026, "ЕГЭ", 11, "Астрономия", "c", 30, 10, None, None),
        ]
    )
    out = aggregate_student_results(frame, ege_thresholds={"Русский язык": 24})
    russian = out.filter(pl.col("subject") == "Русский язык").row(0, named=True)
    assert russian["mean_score"] == 51.5 and russian["below_threshold"] == 1 and russian["marks_2"] is None
    assert russian["lowered"] is None
    assert out.filter(pl.col("subject") == "Астрономия")["below_threshold"][0] is None


def test_rounding_half_away_from_zero():
    frame = students(
        [
            ("1", 2026, "ОГЭ", 9, "Математика", str(i), s, None, 3, None)
            for i, s in enumerate((12, 12, 12, 12, 12, 12, 12, 13))
        ]
    )
    assert aggregate_student_results(frame)["mean_score"][0] == 12.13  # 12.125


def test_lazy_input_and_the_demo_generator_agree():
    region = generate_region(seed=3, n_schools=20)
    form4 = region.student_results.rename(STUDENT_HEADERS).with_columns(
        pl.col("year").replace_strict(
            {y: int(y[-4:]) for y in region.student_results["Учебный год"].unique()}, return_dtype=pl.Int64
        )
    )
    ours = aggregate_student_results(form4.lazy())
    theirs = english(demo_aggregate(region.student_results), RESULTS).sort(
        "code", "year", "procedure", "grade", "subject"
    )
    assert ours.height == theirs.height
    for column in ("participants", "marks_2", "marks_5", "below_threshold", "lowered", "confirmed", "raised"):
        assert ours[column].equals(theirs[column]), column
    assert (ours["mean_score"] - theirs["mean_score"]).abs().max() <= 0.0100001


mark = st.integers(2, 5)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(mark, st.one_of(st.none(), mark)), min_size=1, max_size=40))
def test_counts_add_up(pairs):
    frame = students([("1", 2026, "ВПР", 6, "Математика", str(i), 10, None, m, j) for i, (m, j) in enumerate(pairs)])
    row = aggregate_student_results(frame).row(0, named=True)
    assert row["marks_2"] + row["marks_3"] + row["marks_4"] + row["marks_5"] == row["participants"] == len(pairs)
    assert row["lowered"] + row["confirmed"] + row["raised"] == sum(j is not None for _, j in pairs)
