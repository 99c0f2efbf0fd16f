"""What form 4 (one row per participant) tells beyond form 3: scores, their spread, their correlation.

Form 3 gives per school and test the counts of marks and a mean score; the within-school spread
of ЕГЭ scores and how strongly one student's results go together across subjects are not in it
and have to be assumed. Form 4 has them: :func:`student_score_statistics` computes, per school
and test, the participants' mean score with its within-school sum of squares and failures, and
per test of the region the correlation ρ of the sampling errors of two tests written by the
same grade.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from ._frames import DETERMINISTIC, STUDENT_RESULTS_REQUIRED, STUDENT_RESULTS_SCHEMA, conform
from .methodology import ANNUAL_MARKS, DEFAULT_EGE_THRESHOLDS, EGE

CELL_KEYS = ("code", "year", "procedure", "grade", "subject")
WORK_KEYS = ("year", "procedure", "grade", "subject")
# Fewer pairs of a student's results than this in a grade of the region: ρ is not estimated.
MIN_CORRELATION_PAIRS = 30


@dataclass(frozen=True)
class StudentStatistics:
    """Per school-test and per grade of the region, what form 4 gives.

    Attributes
    ----------
    cells : polars.DataFrame
        ``code, year, procedure, grade, subject, n, measure`` (mean score), ``within_ss``
        (Σ (x − x̄)² over the school's participants), ``failed`` (participants with «2» or,
        ЕГЭ, below the minimum; null when the test has no failure mark) and ``failed_cross``
        (Σ over failing participants of x − x̄, for the covariance of mean and failures).
        Only tests where every participant has a score.
    correlations : polars.DataFrame
        ``year, procedure, grade, correlation, pairs``: the estimated ρ of the tests of one
        grade (null with fewer than ``MIN_CORRELATION_PAIRS`` pairs of results of one student).
    """

    cells: pl.DataFrame
    correlations: pl.DataFrame


def student_score_statistics(
    student_results: pl.DataFrame | pl.LazyFrame,
    *,
    ege_thresholds: Mapping[str, int] = DEFAULT_EGE_THRESHOLDS,
) -> StudentStatistics:
    """Scores of the participants per school and test, and the correlation of a student's tests.

    The score x of a participant is the test score (ЕГЭ), the primary score (ВПР, ОГЭ, other
    procedures) or the mark («Годовые отметки»); a failure is the mark «2» (ЕГЭ: a test score
    below the subject's minimum threshold). A test of a school is kept only when every
    participant has a score.

    **Correlation.** With x̄ₛ꜀ the school's mean and σ²_c the pooled within-school variance of
    test c, each result is a within-school deviation d = (x − x̄ₛ꜀)/σ_c. For the tests of one
    procedure and grade of the region::

        ρ̂ = Σ_students Σ_{c<c'} d_c d_c' / Σ_schools Σ_{c<c'} √((n_c − 1)(n_c' − 1))

    — the covariance of two school means written by the same grade, in units of their sampling
    sd: the correlation of one student's results times the share of participants the two tests
    share (an elective ОГЭ subject shares few). Both sums are computed from per-student and
    per-school totals (Σ_{c<c'} a_c a_c' = ((Σ a)² − Σ a²)/2), with no pairs of rows formed.

    Parameters
    ----------
    student_results : polars.DataFrame or polars.LazyFrame
        Form 4: ``code, year, procedure, grade, subject, participant_code, primary_score,
        test_score, mark, journal_mark``.
    ege_thresholds : Mapping[str, int]
        Minimum ЕГЭ test score of each subject.

    Returns
    -------
    StudentStatistics

    Examples
    --------
    >>> rows = pl.DataFrame({"code": ["1"] * 4 + ["2"] * 4, "year": [2026] * 8, "procedure": ["ВПР"] * 8,
    ...     "grade": [5] * 8, "subject": ["Математика", "Русский язык"] * 4,
    ...     "participant_code": ["a", "a", "b", "b", "c", "c", "d", "d"],
    ...     "primary_score": [10.0, 20.0, 14.0, 28.0, 8.0, 30.0, 12.0, 34.0], "mark": [3, 3, 4, 4, 2, 4, 3, 5]})
    >>> statistics = student_score_statistics(rows)
    >>> statistics.cells.select("code", "subject", "n", "measure", "within_ss", "failed").row(0)
    ('1', 'Математика', 2, 12.0, 8.0, 0)
    >>> statistics.correlations["correlation"].to_list()  # too few pairs to estimate
    [None]
    """
    frame = conform(student_results, STUDENT_RESULTS_SCHEMA, STUDENT_RESULTS_REQUIRED, "Результаты участников")
    procedure = pl.col("procedure")
    score = (
        pl.when(procedure == EGE)
        .then(pl.col("test_score"))
        .when(procedure == ANNUAL_MARKS)
        .then(pl.col("mark").cast(pl.Float64))
        .otherwise(pl.col("primary_score"))
    )
    threshold = pl.col("subject").replace_strict(
        {str(k): int(v) for k, v in ege_thresholds.items()}, default=None, return_dtype=pl.Int64
    )
    failed = pl.when(procedure == EGE).then(pl.col("test_score") < threshold).otherwise(pl.col("mark") == 2)
    rows = (
        frame.select(
            *CELL_KEYS,
            pl.col("participant_code"),
            score.cast(pl.Float64).alias("x"),
            failed.alias("_failed"),
        )
        .sort(*CELL_KEYS, "participant_code", "x")
        .collect(engine=DETERMINISTIC)
    )
    keys = list(CELL_KEYS)
    x = pl.col("x")
    cells = (
        rows.group_by(keys, maintain_order=True)
        .agg(
            pl.len().cast(pl.Int64).alias("n"),
            x.null_count().alias("_missing"),
            x.mean().alias("measure"),
            pl.col("_failed").null_count().alias("_failure_unknown"),
            pl.col("_failed").sum().cast(pl.Int64).alias("failed"),
            # Σ (x − x̄)² = Σ x² − n x̄²; the mean is subtracted first for accuracy
            ((x - x.mean()) ** 2).sum().alias("within_ss"),
            (pl.when(pl.col("_failed")).then(x - x.mean()).otherwise(0.0)).sum().alias("failed_cross"),
        )
        .filter(pl.col("_missing") == 0)
        .with_columns(
            pl.when(pl.col("_failure_unknown") == 0).then(pl.col("failed")).alias("failed"),
            pl.when(pl.col("_failure_unknown") == 0).then(pl.col("failed_cross")).alias("failed_cross"),
        )
        .drop("_missing", "_failure_unknown")
    )
    work = list(WORK_KEYS)
    pooled = cells.group_by(work, maintain_order=True).agg(
        (pl.col("within_ss").sum() / (pl.col("n") - 1).clip(lower_bound=0).sum()).alias("_within_variance")
    )
    deviations = (
        rows.join(cells.select(*keys, "measure"), on=keys, how="inner", maintain_order="left")
        .join(pooled, on=work, how="left", maintain_order="left")
        .filter(pl.col("_within_variance") > 0)
        .with_columns(((x - pl.col("measure")) / pl.col("_within_variance").sqrt()).alias("_d"))
    )
    grade = ["year", "procedure", "grade"]
    per_student = (
        deviations.group_by(["code", *grade, "participant_code"], maintain_order=True)
        .agg(pl.col("_d").sum().alias("_s1"), (pl.col("_d") ** 2).sum().alias("_s2"), pl.len().alias("_k"))
        .filter(pl.col("_k") > 1)
    )
    numerator = per_student.group_by(grade, maintain_order=True).agg(
        ((pl.col("_s1") ** 2 - pl.col("_s2")) / 2.0).sum().alias("_numerator"),
        ((pl.col("_k") * (pl.col("_k") - 1)) // 2).sum().cast(pl.Int64).alias("pairs"),
    )
    root = (pl.col("n") - 1).clip(lower_bound=0).cast(pl.Float64).sqrt()
    denominator = (
        cells.join(pooled.filter(pl.col("_within_variance") > 0), on=work, how="semi")
        .group_by(["code", *grade], maintain_order=True)
        .agg(root.sum().alias("_a"), (root**2).sum().alias("_b"))
        .group_by(grade, maintain_order=True)
        .agg(((pl.col("_a") ** 2 - pl.col("_b")) / 2.0).sum().alias("_denominator"))
    )
    correlations = (
        cells.select(grade)
        .unique(maintain_order=True)
        .join(denominator, on=grade, how="left", maintain_order="left")
        .join(numerator, on=grade, how="left", maintain_order="left")
        .with_columns(pl.col("pairs").fill_null(0))
        .select(
            *grade,
            pl.when((pl.col("pairs") >= MIN_CORRELATION_PAIRS) & (pl.col("_denominator") > 0))
            .then((pl.col("_numerator") / pl.col("_denominator")).clip(0.0, 0.99))
            .alias("correlation"),
            "pairs",
        )
        .sort(grade)
    )
    return StudentStatistics(cells=cells.sort(keys), correlations=correlations)
