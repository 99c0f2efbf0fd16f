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

NO_FAILING_SHARE = "нет ни итогов учебного года (неуспевающие), ни годовых отметок"
NO_PREVIOUS_YEAR = "по работам с долей «2» не менее порога нет результатов прошлого года"
NO_RESULTS = "нет результатов работ за год"


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

    ``learning_failure`` is True when share > ``failure_share`` (strictly more than 50 %), False
    when the share is known and not above it, and null (not known) when neither source gives the
    share; ``learning_failure_unknown_reason`` says why.

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
        failing_source`` («итоги года» / «годовые отметки»), ``learning_failure`` (null when not
        known), ``learning_failure_unknown_reason``.

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
        .with_columns(
            (pl.col("failing_share") > methodology.failure_share).alias("learning_failure"),
            pl.when(pl.col("failing_share").is_null())
            .then(pl.lit(NO_FAILING_SHARE))
            .alias("learning_failure_unknown_reason"),
        )
        .select(
            "code",
            "year",
            "failing_share_outcomes",
            "failing_share_marks",
            "failing_share",
            "failing_source",
            "learning_failure",
            "learning_failure_unknown_reason",
        )
        .sort("code", "year")
        .collect(engine="streaming")  # sums of counts only: exact, and leaner than in memory
    )


def rosobrnadzor_tests(results: pl.DataFrame | pl.LazyFrame, year: int, methodology: Methodology) -> pl.DataFrame:
    """Per school and test, the share of «2» (ЕГЭ: below the minimum) now and a year before.

    What the Rosobrnadzor rule looks at, for the «why» page: a test is (procedure, grade,
    subject); year marks are not tests here.

    Returns
    -------
    polars.DataFrame
        ``code, procedure, grade, subject, participants, fail_share, low`` (share ≥
        ``rosobrnadzor_fail_share``), ``previous_participants, previous_fail_share,
        previous_low`` (null when the test had no results a year before).

    Examples
    --------
    >>> rows = [("1", y, "ОГЭ", 9, "Математика", 10, 4, 6, 0, 0) for y in (2025, 2026)]
    >>> frame = pl.DataFrame(rows, schema=["code", "year", "procedure", "grade", "subject", "participants",
    ...                                    "marks_2", "marks_3", "marks_4", "marks_5"], orient="row")
    >>> rosobrnadzor_tests(frame, 2026, Methodology()).select("fail_share", "low", "previous_low").row(0)
    (0.4, True, True)
    """
    frame = conform(results, RESULTS_SCHEMA, RESULTS_REQUIRED, "Результаты по ОО")
    fail = (
        pl.when(pl.col("procedure") == EGE)
        .then(pl.col("below_threshold") / pl.col("participants"))
        .otherwise(pl.col("marks_2") / pl.col("participants"))
    )
    keys = ["code", "procedure", "grade", "subject"]
    tests = (
        frame.filter(
            (pl.col("procedure") != ANNUAL_MARKS)
            & pl.col("year").is_in([year - 1, year])
            & (pl.col("participants") > 0)
        )
        .with_columns(fail.alias("fail_share"))
        .with_columns((pl.col("fail_share") >= methodology.rosobrnadzor_fail_share).alias("low"))
        .select("year", *keys, "participants", "fail_share", "low")
    )
    current = tests.filter(pl.col("year") == year).drop("year")
    previous = (
        tests.filter(pl.col("year") == year - 1)
        .drop("year")
        .rename({"participants": "previous_participants", "fail_share": "previous_fail_share", "low": "previous_low"})
    )
    # no sums: streaming is exact and leaner
    return current.join(previous, on=keys, how="left", maintain_order="left").sort(*keys).collect(engine="streaming")


def rosobrnadzor_signal(
    results: pl.DataFrame | pl.LazyFrame,
    year: int,
    methodology: Methodology,
    *,
    tests: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Rosobrnadzor's low-results signal for a year (as in its inspection acts, 2025).

    A test is (procedure, grade, subject); its share of «2» is n₂ / N (ЕГЭ: below the minimum
    threshold / participants; year marks are not a procedure here). The signal is on when

    - at least ``rosobrnadzor_fail_share`` (30 %) got «2» on two or more tests in ``year``, and
    - the same test had at least that share both in ``year`` − 1 and in ``year``.

    It is off when fewer than two tests reach the share, or when each of them is known not to
    have reached it a year before; it is not known (null, with
    ``rosobrnadzor_signal_unknown_reason``) when two or more tests reach it now and some of them
    have no results a year before. A test whose share of «2» is not given does not count.

    Parameters
    ----------
    results : polars.DataFrame or polars.LazyFrame
        Form 3.
    year : int
        The school year (its end year).
    methodology : Methodology
    tests : polars.DataFrame, optional
        :func:`rosobrnadzor_tests` of the same results, when already computed.

    Returns
    -------
    polars.DataFrame
        ``code, low_tests`` (tests at or over the share in ``year``), ``repeated_tests`` (also
        in the year before), ``rosobrnadzor_signal`` (null when not known) and
        ``rosobrnadzor_signal_unknown_reason``; one row per school with results in ``year``.

    Examples
    --------
    >>> rows = [("1", y, "ОГЭ", 9, s, 10, 4, 6, 0, 0) for y in (2025, 2026) for s in ("Русский язык", "Математика")]
    >>> frame = pl.DataFrame(rows, schema=["code", "year", "procedure", "grade", "subject", "participants",
    ...                                    "marks_2", "marks_3", "marks_4", "marks_5"], orient="row")
    >>> rosobrnadzor_signal(frame, 2026, Methodology())["rosobrnadzor_signal"].to_list()
    [True]
    """
    if tests is None:
        tests = rosobrnadzor_tests(results, year, methodology)
    low = pl.col("low").fill_null(False)
    summary = (
        tests.group_by("code", maintain_order=True)
        .agg(
            low.sum().cast(pl.Int64).alias("low_tests"),
            (low & pl.col("previous_low").fill_null(False)).sum().cast(pl.Int64).alias("repeated_tests"),
            (low & pl.col("previous_low").is_null()).sum().cast(pl.Int64).alias("_unknown_before"),
        )
        .with_columns(
            pl.when((pl.col("low_tests") >= 2) & (pl.col("repeated_tests") >= 1))
            .then(True)
            .when((pl.col("low_tests") >= 2) & (pl.col("_unknown_before") > 0))
            .then(None)
            .otherwise(False)
            .alias("rosobrnadzor_signal")
        )
        .with_columns(
            pl.when(pl.col("rosobrnadzor_signal").is_null())
            .then(pl.lit(NO_PREVIOUS_YEAR))
            .alias("rosobrnadzor_signal_unknown_reason")
        )
        .drop("_unknown_before")
        .sort("code")
    )
    return summary


def failure_shares(
    results: pl.DataFrame | pl.LazyFrame, outcomes: pl.DataFrame | pl.LazyFrame, year: int
) -> pl.DataFrame:
    """Failures the seeds and Rosobrnadzor look at first, per school, for a year.

    ``fail_share_vpr``, ``fail_share_oge`` = Σ n₂ / Σ participants of the procedure;
    ``below_threshold_share_ege`` = Σ below the minimum / Σ participants of ЕГЭ (subjects with a
    threshold); ``no_certificate_share_9`` / ``_11`` = not getting the certificate / graduates
    (form 5). Null when the figures are not given.

    Examples
    --------
    >>> results = pl.DataFrame({"code": ["1"], "year": [2026], "procedure": ["ЕГЭ"], "grade": [11],
    ...     "subject": ["Русский язык"], "participants": [10], "below_threshold": [3]})
    >>> outcomes = pl.DataFrame({"code": ["1"], "year": [2026], "graduates_11": [10], "no_certificate_11": [1]})
    >>> failure_shares(results, outcomes, 2026).select("below_threshold_share_ege", "no_certificate_share_11").row(0)
    (0.3, 0.1)
    """
    frame = conform(results, RESULTS_SCHEMA, RESULTS_REQUIRED, "Результаты по ОО").filter(pl.col("year") == year)
    n = pl.col("participants")

    def share(procedure: str, failed: str) -> pl.Expr:
        rows = (pl.col("procedure") == procedure) & pl.col(failed).is_not_null() & (n > 0)
        total = n.filter(rows).sum()
        return pl.when(total > 0).then(pl.col(failed).filter(rows).sum() / total)

    per_school = frame.group_by("code", maintain_order=True).agg(
        share("ВПР", "marks_2").alias("fail_share_vpr"),
        share("ОГЭ", "marks_2").alias("fail_share_oge"),
        share(EGE, "below_threshold").alias("below_threshold_share_ege"),
    )
    certificates = (
        conform(outcomes, OUTCOMES_SCHEMA, OUTCOMES_REQUIRED, "Итоги учебного года")
        .filter(pl.col("year") == year)
        .group_by("code", maintain_order=True)
        .agg(
            pl.when(pl.col("graduates_9").sum() > 0)
            .then(pl.col("no_certificate_9").sum() / pl.col("graduates_9").sum())
            .alias("no_certificate_share_9"),
            pl.when(pl.col("graduates_11").sum() > 0)
            .then(pl.col("no_certificate_11").sum() / pl.col("graduates_11").sum())
            .alias("no_certificate_share_11"),
        )
    )
    return (
        per_school.join(certificates, on="code", how="full", coalesce=True, maintain_order="left_right")
        .sort("code")
        .collect(engine=DETERMINISTIC)
    )
