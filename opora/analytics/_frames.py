"""Input frames: their columns and types, and the small checks every public function runs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal

import polars as pl

# Polars' streaming engine sums floats in an order that varies between runs; the in-memory
# engine gives the same bits for the same inputs, which a run's checksum needs.
DETERMINISTIC: Final[Literal["in-memory"]] = "in-memory"

RESULTS_SCHEMA: Mapping[str, pl.DataType] = {
    "code": pl.String(),
    "year": pl.Int64(),
    "procedure": pl.String(),
    "grade": pl.Int64(),
    "subject": pl.String(),
    "participants": pl.Int64(),
    "marks_2": pl.Int64(),
    "marks_3": pl.Int64(),
    "marks_4": pl.Int64(),
    "marks_5": pl.Int64(),
    "mean_score": pl.Float64(),
    "below_threshold": pl.Int64(),
    "lowered": pl.Int64(),
    "confirmed": pl.Int64(),
    "raised": pl.Int64(),
}
RESULTS_REQUIRED = ("code", "year", "procedure", "grade", "subject", "participants")

CONTEXT_SCHEMA: Mapping[str, pl.DataType] = {
    "code": pl.String(),
    "year": pl.Int64(),
    "students": pl.Int64(),
    "students_disabled": pl.Int64(),
    "students_low_income": pl.Int64(),
    "students_single_parent": pl.Int64(),
    "students_non_native": pl.Int64(),
    "students_on_register": pl.Int64(),
    "parents_higher_education_pct": pl.Float64(),
    "teachers": pl.Int64(),
    "teacher_vacancies": pl.Int64(),
    "teachers_over_60": pl.Int64(),
    "teachers_without_pedagogy": pl.Int64(),
    "teachers_part_time": pl.Int64(),
    "computers": pl.Int64(),
    "internet_mbps": pl.Float64(),
    "distance_km": pl.Float64(),
}
CONTEXT_REQUIRED = ("code", "year", "students")

SCHOOLS_SCHEMA: Mapping[str, pl.DataType] = {
    "code": pl.String(),
    "name": pl.String(),
    "municipality": pl.String(),
    "school_type": pl.String(),
    "locality": pl.String(),
}
SCHOOLS_REQUIRED = ("code",)

OUTCOMES_SCHEMA: Mapping[str, pl.DataType] = {
    "code": pl.String(),
    "year": pl.Int64(),
    "students_end": pl.Int64(),
    "failing": pl.Int64(),
    "repeating": pl.Int64(),
    "graduates_9": pl.Int64(),
    "no_certificate_9": pl.Int64(),
    "graduates_11": pl.Int64(),
    "no_certificate_11": pl.Int64(),
}
OUTCOMES_REQUIRED = ("code", "year")

STUDENT_RESULTS_SCHEMA: Mapping[str, pl.DataType] = {
    "code": pl.String(),
    "year": pl.Int64(),
    "procedure": pl.String(),
    "grade": pl.Int64(),
    "subject": pl.String(),
    "participant_code": pl.String(),
    "primary_score": pl.Float64(),
    "test_score": pl.Float64(),
    "mark": pl.Int64(),
    "journal_mark": pl.Int64(),
}
STUDENT_RESULTS_REQUIRED = ("code", "year", "procedure", "grade", "subject")


def conform(
    frame: pl.DataFrame | pl.LazyFrame,
    schema: Mapping[str, pl.DataType],
    required: tuple[str, ...],
    what: str,
) -> pl.LazyFrame:
    """The frame with exactly the schema's columns and types; absent optional columns are null.

    Raises
    ------
    ValueError
        When a required column is missing (message in Russian, naming the frame).
    """
    lazy = frame.lazy()
    types = lazy.collect_schema()
    missing = [name for name in required if name not in types]
    if missing:
        raise ValueError(f"В таблице «{what}» нет обязательных столбцов: {', '.join(missing)}")

    def column(name: str, dtype: pl.DataType) -> pl.Expr:
        if name not in types:
            return pl.lit(None, dtype=dtype).alias(name)
        if dtype == pl.String and isinstance(types[name], pl.Categorical | pl.Enum):
            return pl.col(name)  # text kept as categories (identify uses them to save memory)
        return pl.col(name).cast(dtype, strict=False)

    return lazy.select(column(name, dtype) for name, dtype in schema.items())


def sort_by_code(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """``frame`` sorted by ``code``, then by the integer ``columns``; rows with equal keys keep their order.

    The same order as ``frame.sort("code", *columns, maintain_order=True)`` (nulls first), on one
    integer key: at country size a sort on the string code and several columns takes twice as long.
    Equal keys in input order also keep sums over them independent of how a parallel sort breaks ties.
    """
    if frame.height == 0:
        return frame
    codes = frame.select(pl.col("code").drop_nulls().unique().sort()).to_series()
    # eager: the lazy replace_strict of a column of nulls only fails inside polars
    code_id = (
        frame["code"].replace_strict(codes, pl.int_range(1, codes.len() + 1, eager=True), return_dtype=pl.Int64)
        if codes.len()
        else pl.zeros(frame.height, pl.Int64, eager=True)
    )
    key = pl.lit(code_id.fill_null(0))  # a row without a code sorts first, as in the sort of the columns
    span = codes.len() + 1
    for column in columns:
        low, high = frame[column].min(), frame[column].max()
        if low is None or high is None:  # every value null: the column orders nothing
            continue
        width = int(high) - int(low) + 2  # type: ignore[arg-type]
        span *= width
        if span >= 2**62:  # the key would overflow: the columns themselves
            return frame.sort("code", *columns, maintain_order=True)
        key = key * width + (pl.col(column) - int(low) + 1).fill_null(0)  # type: ignore[arg-type]
    return frame.with_columns(key.alias("__key")).sort("__key", maintain_order=True).drop("__key")
