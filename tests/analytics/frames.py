"""Small input frames for the analytics tests, and demo regions in the product's field names."""

from __future__ import annotations

from functools import cache

import polars as pl

from opora.demo.generator import generate_region
from opora.intake.formats import CONTEXT, OUTCOMES, RESULTS, SCHOOLS, FileForm, parse_school_year

RESULT_COLUMNS = (
    "code",
    "year",
    "procedure",
    "grade",
    "subject",
    "participants",
    "marks_2",
    "marks_3",
    "marks_4",
    "marks_5",
    "mean_score",
    "below_threshold",
    "lowered",
    "confirmed",
    "raised",
)


def english(frame: pl.DataFrame, form: FileForm) -> pl.DataFrame:
    """A frame with the Russian headers of a form → the product's field names, school years as ints."""
    mapping = {column.header: column.field for column in form.columns if column.header in frame.columns}
    out = frame.select(list(mapping)).rename(mapping)
    if "year" in out.columns:
        labels = out["year"].unique().to_list()
        out = out.with_columns(
            pl.col("year").replace_strict({label: parse_school_year(label) for label in labels}, return_dtype=pl.Int64)
        )
    return out


@cache
def demo(seed: int = 7, n_schools: int = 150, with_students: bool = False) -> dict[str, pl.DataFrame]:
    """The four inputs of ``identify`` and the hidden truth of a demo region."""
    region = generate_region(seed=seed, n_schools=n_schools, with_students=with_students)
    return {
        "results": english(region.results, RESULTS),
        "context": english(region.context, CONTEXT),
        "schools": english(region.schools, SCHOOLS),
        "outcomes": english(region.outcomes, OUTCOMES),
        "truth": region.truth,
    }


def inputs(seed: int = 7, n_schools: int = 150) -> dict[str, pl.DataFrame]:
    data = demo(seed, n_schools)
    return {name: data[name] for name in ("results", "context", "schools", "outcomes")}


def marks_row(
    code: str, year: int, procedure: str, grade: int, subject: str, marks: tuple[int, int, int, int], **extra: object
) -> dict[str, object]:
    """One row of form 3 with the counts of the marks 2, 3, 4, 5."""
    row: dict[str, object] = dict.fromkeys(RESULT_COLUMNS)
    row.update(
        code=code,
        year=year,
        procedure=procedure,
        grade=grade,
        subject=subject,
        participants=sum(marks),
        marks_2=marks[0],
        marks_3=marks[1],
        marks_4=marks[2],
        marks_5=marks[3],
    )
    row.update(extra)
    return row


def results_frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "code": pl.String,
            "year": pl.Int64,
            "procedure": pl.String,
            "grade": pl.Int64,
            "subject": pl.String,
            "participants": pl.Int64,
            "marks_2": pl.Int64,
            "marks_3": pl.Int64,
            "marks_4": pl.Int64,
            "marks_5": pl.Int64,
            "mean_score": pl.Float64,
            "below_threshold": pl.Int64,
            "lowered": pl.Int64,
            "confirmed": pl.Int64,
            "raised": pl.Int64,
        },
    )
