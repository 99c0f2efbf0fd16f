"""Learning failure (more than half the students failing) and the Rosobrnadzor low-results signal."""

from __future__ import annotations

import polars as pl

from ._frames import (
    DETERMINISTIC,
    OUTCOMES_REQUIRED,
    OUTCOMES_SCHEMA,
    RESULTS_REQUIRED,
    RESULTS_SCHEMA,
    conform,
)
from .methodology import ANNUAL_MARKS, EGE, Methodology


def learning_failure(
    outcomes: pl.DataFrame | pl.LazyFrame,
    results: pl.DataFrame | pl.LazyFrame,
    methodology: Methodology,
) -> pl.DataFrame:
    """Share of students failing per school-year, and the flag «более 50% неуспевающих».

    Two sources, the first that is known is used:

    1. year outcomes (form 5): share = Неуспевающих / Обучающихся на конец года;
    2. year marks (form 3, «Годовые отметки»): a lower bound of the students with at least one
       «2»: share = Σ_grades max_subjects n₂ / Σ_grades max_subjects participants (at least
       the students of a grade failing its worst subject fail).

    ``learning_failure`` is True when share > ``failure_share`` (strictly more than 50 %).

    Parameters
    ----------
    outcomes : polars.DataFrame or polars.LazyFrame
        Form 5 (fields of ``YearOutcome``).
    results : polars.DataFrame or polars.LazyFrame
        Form 3.
    methodology : Methodology

    Returns
    -------
    polars.DataFrame
        ``code, year, failing_share_outcomes, failing_share_marks, failing_share,
        failing_source`` («итоги года» / «годовые отметки»), ``learning_failure``.

    Examples
    --------
    >>> outcomes = pl.DataFrame({"code": ["1"], "year": [2026], "students_end": [40], "failing": [21]})
    >>> results = pl.DataFrame(schema={"code": pl.String, "year": pl.Int64, "procedure": pl.String,
    ...     "grade": pl.Int64, "subject": pl.String, "participants": pl.Int64})
    >>> learning_failure(outcomes, results, Methodology()).select("failing_share", "learning_failure").row(0)
    (0.525, True)
    """
    year_outcomes = (
        conform(outcomes, OUTCOMES_SCHEMA, OUTCOMES_REQUIRED, "Итоги учебного года")
        .select(
            "code",
            "year",
            pl.when((pl.col("students_end") > 0) & pl.col("failing").is_not_null())
            .then(pl.col("failing") / pl.col("students_end"))
            .alias("failing_share_outcomes"),
        )
        .group_by("code", "year", maintain_order=True)
        .agg(pl.col("failing_share_outcomes").max())
    )
    marks = (
        conform(results, RESULTS_SCHEMA, RESULTS_REQUIRED, "Результаты по ОО")
        .filter((pl.col("procedure") == ANNUAL_MARKS) & pl.col("marks_2").is_not_null())
        .group_by("code", "year", "grade", maintain_order=True)
        .agg(pl.col("marks_2").max().alias("_fail"), pl.col("participants").max().alias("_n"))
        .group_by("code", "year", maintain_order=True)
        .agg(
            pl.when(pl.col("_n").sum() > 0)
            .then(pl.col("_fail").sum() / pl.col("_n").sum())
            .alias("failing_share_marks")
        )
    )
    share = pl.coalesce("failing_share_outcomes", "failing_share_marks")
    return (
        year_outcomes.join(marks, on=["code", "year"], how="full", coalesce=True, maintain_order="left_right")
        .with_columns(
            share.alias("failing_share"),
            pl.when(pl.col("failing_share_outcomes").is_not_null())
            .then(pl.lit("итоги года"))
            .when(pl.col("failing_share_marks").is_not_null())
            .then(pl.lit("годовые отметки"))
            .alias("failing_source"),
        )
        .with_columns((pl.col("failing_share") > methodology.failure_share).fill_null(False).alias("learning_failure"))
        .select(
            "code",
            "year",
            "failing_share_outcomes",
            "failing_share_marks",
            "failing_share",
            "failing_source",
            "learning_failure",
        )
        .sort("code", "year")
        .collect(engine=DETERMINISTIC)
    )


def rosobrnadzor_signal(results: pl.DataFrame | pl.LazyFrame, year: int, methodology: Methodology) -> pl.DataFrame:
    """Rosobrnadzor's low-results signal for a year (as in its inspection acts, 2025).

    A test is (procedure, grade, subject); its share of «2» is n₂ / N (ЕГЭ: below the minimum
    threshold / participants; year marks are not a procedure here). The signal is on when

    - at least ``rosobrnadzor_fail_share`` (30 %) got «2» on two or more tests in ``year``, and
    - the same test had at least that share both in ``year`` − 1 and in ``year``.

    Parameters
    ----------
    results : polars.DataFrame or polars.LazyFrame
        Form 3.
    year : int
        The school year (its end year).
    methodology : Methodology

    Returns
    -------
    polars.DataFrame
        ``code, low_tests`` (tests at or over the share in ``year``), ``repeated_tests`` (also
        in the year before) and ``rosobrnadzor_signal``; one row per school with results in
        ``year``.

    Examples
    --------
    >>> rows = [("1", y, "ОГЭ", 9, s, 10, 4, 6, 0, 0) for y in (2025, 2026) for s in ("Русский язык", "Математика")]
    >>> frame = pl.DataFrame(rows, schema=["code", "year", "procedure", "grade", "subject", "participants",
    ...                                    "marks_2", "marks_3", "marks_4", "marks_5"], orient="row")
    >>> rosobrnadzor_signal(frame, 2026, Methodology())["rosobrnadzor_signal"].to_list()
    [True]
    """
    frame = conform(results, RESULTS_SCHEMA, RESULTS_REQUIRED, "Результаты по ОО")
    fail = (
        pl.when(pl.col("procedure") == EGE)
        .then(pl.col("below_threshold") / pl.col("participants"))
        .otherwise(pl.col("marks_2") / pl.col("participants"))
    )
    tests = frame.filter(
        (pl.col("procedure") != ANNUAL_MARKS) & pl.col("year").is_in([year - 1, year]) & (pl.col("participants") > 0)
    ).with_columns((fail >= methodology.rosobrnadzor_fail_share).fill_null(False).alias("_low"))
    current = tests.filter(pl.col("year") == year)
    previous = tests.filter((pl.col("year") == year - 1) & pl.col("_low")).select(
        "code", "procedure", "grade", "subject", pl.lit(True).alias("_low_before")
    )
    return (
        current.join(previous, on=["code", "procedure", "grade", "subject"], how="left", maintain_order="left")
        .group_by("code", maintain_order=True)
        .agg(
            pl.col("_low").sum().cast(pl.Int64).alias("low_tests"),
            (pl.col("_low") & pl.col("_low_before").fill_null(False)).sum().cast(pl.Int64).alias("repeated_tests"),
        )
        .with_columns(((pl.col("low_tests") >= 2) & (pl.col("repeated_tests") >= 1)).alias("rosobrnadzor_signal"))
        .sort("code")
        .collect(engine=DETERMINISTIC)
    )
