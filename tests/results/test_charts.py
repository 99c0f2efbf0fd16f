"""The school card's charts of results, drawn as plain SVG: well-formed for any figures, a mark per value."""

import xml.etree.ElementTree as ET

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from opora.results.charts import MARK_COLOURS, mark_distribution, shares_by_year

SVG = "{http://www.w3.org/2000/svg}"
share = st.one_of(st.none(), st.floats(0, 1))
count = st.integers(0, 300)
rows = st.lists(
    st.fixed_dictionaries(
        {
            "subject": st.sampled_from(
                ["Математика", "Русский язык", "История <&>", "Очень длинное название предмета"]
            ),
            "year": st.integers(2020, 2027),
            "success_share": share,
            "quality_share": share,
            "marks_2": count,
            "marks_3": count,
            "marks_4": count,
            "marks_5": count,
        }
    ),
    max_size=12,
    unique_by=lambda row: (row["subject"], row["year"]),
)
SCHEMA = {
    "subject": pl.String,
    "year": pl.Int64,
    "success_share": pl.Float64,
    "quality_share": pl.Float64,
    "marks_2": pl.Int64,
    "marks_3": pl.Int64,
    "marks_4": pl.Int64,
    "marks_5": pl.Int64,
}


def _frame(items: list[dict]) -> pl.DataFrame:
    frame = pl.DataFrame(items, schema=SCHEMA)
    return frame.with_columns(participants=pl.sum_horizontal("marks_2", "marks_3", "marks_4", "marks_5"))


@given(items=rows)
def test_any_results_draw_well_formed_charts_with_a_mark_per_known_value(items):
    frame = _frame(items)

    shares = ET.fromstring(shares_by_year(frame, title="ВПР"))
    marks = ET.fromstring(mark_distribution(frame, title="ВПР"))

    known_shares = sum(row[name] is not None for row in items for name in ("success_share", "quality_share"))
    points = len(shares.findall(f"{SVG}circle")) + len(shares.findall(f"{SVG}rect"))
    assert points == known_shares + 2  # and the legend's two
    segments = sum(row[f"marks_{mark}"] > 0 for row in items for mark in (2, 3, 4, 5))
    assert len(marks.findall(f"{SVG}rect")) == segments + len(MARK_COLOURS)


def test_each_segment_names_its_subject_year_mark_and_share():
    frame = _frame(
        [
            {
                "subject": "Математика",
                "year": 2026,
                "success_share": 0.9,
                "quality_share": 0.7,
                "marks_2": 1,
                "marks_3": 3,
                "marks_4": 4,
                "marks_5": 2,
            }
        ]
    )
    svg = mark_distribution(frame, title="ВПР")
    assert "<title>Математика, 2025/26: «4» — 40,0\u00a0%</title>" in svg
    assert "<title>Математика, 2025/26: КО 70,0\u00a0%</title>" in shares_by_year(frame, title="ВПР")
