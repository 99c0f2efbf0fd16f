"""Form 4 (one row per participant) aggregated to form 3 (one row per school and test)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ._frames import STUDENT_RESULTS_REQUIRED, STUDENT_RESULTS_SCHEMA, conform
from .methodology import ANNUAL_MARKS, DEFAULT_EGE_THRESHOLDS, EGE, VPR

AGGREGATE_KEYS = ("code", "year", "procedure", "grade", "subject")


def aggregate_student_results(
    student_results: pl.DataFrame | pl.LazyFrame,
    *,
    ege_thresholds: Mapping[str, int] = DEFAULT_EGE_THRESHOLDS,
) -> pl.DataFrame:
    """Form 3 figures from form 4 rows, per school, year, procedure, grade and subject.

    - ``participants`` = number of rows (participants);
    - ``marks_2`` … ``marks_5`` = number of participants with that mark (null for the ЕГЭ,
      which has no marks);
    - ``mean_score`` = mean test score (ЕГЭ), mean mark («Годовые отметки»), otherwise mean
      primary score (ВПР, ОГЭ), rounded half away from zero to 0.01 (as Excel); null when no
      score is given;
    - ``below_threshold`` (ЕГЭ) = participants whose test score is below the subject's minimum
      threshold (``ege_thresholds``; null for a subject without one);
    - ``lowered`` / ``confirmed`` / ``raised`` (ВПР) = participants whose ВПР mark is below /
      equal to / above their journal mark, over those with both marks (their sum is less than
      ``participants`` when some journal marks are unknown).

    The work is a single lazy Polars group-by (streaming engine), so a file of tens of millions
    of rows can be scanned (``pl.scan_parquet`` / ``pl.scan_csv``) without loading it whole.

    Parameters
    ----------
    student_results : polars.DataFrame or polars.LazyFrame
        Form 4 with fields ``code, year, procedure, grade, subject, participant_code,
        primary_score, test_score, mark, journal_mark``.
    ege_thresholds : Mapping[str, int]
        Minimum ЕГЭ test score of each subject (defaults: Russian 24, profile mathematics 27, …).

    Returns
    -------
    polars.DataFrame
        Columns of form 3 (``code, year, procedure, grade, subject, participants, marks_2,
        marks_3, marks_4, marks_5, mean_score, below_threshold, lowered, confirmed, raised``),
        sorted by the key.

    Examples
    --------
    >>> rows = pl.DataFrame({"code": ["1"] * 3, "year": [2026] * 3, "procedure": ["ВПР"] * 3,
    ...     "grade": [5] * 3, "subject": ["Математика"] * 3, "participant_code": ["a", "b", "c"],
    ...     "primary_score": [5.0, 10.0, 15.0], "mark": [2, 3, 4], "journal_mark": [3, 3, 3]})
    >>> aggregate_student_results(rows).select("participants", "marks_2", "mean_score", "lowered", "raised").row(0)
    (3, 1, 10.0, 1, 1)
    """
    frame = conform(student_results, STUDENT_RESULTS_SCHEMA, STUDENT_RESULTS_REQUIRED, "Результаты участников")
    procedure = pl.col("procedure")
    is_ege = procedure == EGE
    is_vpr = procedure == VPR
    mark = pl.col("mark")
    journal = pl.col("journal_mark")
    threshold = pl.col("subject").replace_strict(
        {str(k): int(v) for k, v in ege_thresholds.items()}, default=None, return_dtype=pl.Int64
    )
    score = (
        pl.when(is_ege)
        .then(pl.col("test_score"))
        .when(procedure == ANNUAL_MARKS)
        .then(mark.cast(pl.Float64))
        .otherwise(pl.col("primary_score"))
    )
    # The threshold is looked up row-wise (inside the aggregation it would run once per group).
    prepared = frame.with_columns(score.alias("_score"), threshold.alias("_threshold"))
    grouped = prepared.group_by(list(AGGREGATE_KEYS)).agg(
        pl.len().cast(pl.Int64).alias("participants"),
        *((mark == k).sum().cast(pl.Int64).alias(f"marks_{k}") for k in (2, 3, 4, 5)),
        mark.count().alias("_marked"),
        pl.col("_score").mean().alias("_score"),
        (pl.col("test_score") < pl.col("_threshold")).sum().cast(pl.Int64).alias("below_threshold"),
        pl.col("_threshold").max().alias("_threshold"),
        (mark < journal).sum().cast(pl.Int64).alias("lowered"),
        (mark == journal).sum().cast(pl.Int64).alias("confirmed"),
        (mark > journal).sum().cast(pl.Int64).alias("raised"),
    )
    has_marks = ~is_ege & (pl.col("_marked") > 0)
    out = grouped.select(
        *AGGREGATE_KEYS,
        "participants",
        *(pl.when(has_marks).then(pl.col(f"marks_{k}")).alias(f"marks_{k}") for k in (2, 3, 4, 5)),
        pl.col("_score").round(2, mode="half_away_from_zero").alias("mean_score"),
        pl.when(is_ege & pl.col("_threshold").is_not_null()).then(pl.col("below_threshold")).alias("below_threshold"),
        *(pl.when(is_vpr).then(pl.col(c)).alias(c) for c in ("lowered", "confirmed", "raised")),
    )
    return out.sort(list(AGGREGATE_KEYS)).collect(engine="streaming")
