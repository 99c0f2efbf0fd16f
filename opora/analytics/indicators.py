"""Result indicators of one test of a school: УО, КО, share of «2», СОУ, mean, ВПР vs journal."""

from __future__ import annotations

import polars as pl

from ._frames import RESULTS_REQUIRED, RESULTS_SCHEMA, conform

INDICATOR_KEYS = ("code", "year", "procedure", "grade", "subject")


def result_indicators(results: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Indicators per school, year, procedure, grade and subject (form 3 → indicators).

    With N = n₂ + n₃ + n₄ + n₅ the number of marks (equal to «Участников» in a valid form 3):

    - ``success_share`` (УО) = (n₃ + n₄ + n₅) / N
    - ``quality_share`` (КО) = (n₄ + n₅) / N
    - ``fail_share`` (share of «2») = n₂ / N
    - ``learning_degree`` (СОУ, %) = (100·n₅ + 64·n₄ + 36·n₃ + 16·n₂) / N
    - ``mean_mark`` = (2·n₂ + 3·n₃ + 4·n₄ + 5·n₅) / N
    - ``mean_score``: «Средний балл» as given (primary score for ВПР/ОГЭ, test score for ЕГЭ)
    - ``below_threshold_share`` (ЕГЭ) = below_threshold / participants
    - ``lowered_share``, ``confirmed_share``, ``raised_share`` (ВПР) = count / (lowered +
      confirmed + raised): ВПР mark below / equal to / above the journal mark.

    Shares are fractions in [0, 1] (× 100 for percent); an indicator whose counts are missing
    is null, never 0.

    Parameters
    ----------
    results : polars.DataFrame or polars.LazyFrame
        Form 3 with the fields of ``SchoolResult`` (``code``, ``year``, ``procedure``, ``grade``,
        ``subject``, ``participants``, ``marks_2`` … ``raised``).

    Returns
    -------
    polars.DataFrame
        One row per input row, in the input's order, with the key, ``participants`` and the
        indicators above.

    Examples
    --------
    >>> frame = pl.DataFrame({"code": ["1"], "year": [2026], "procedure": ["ВПР"], "grade": [5],
    ...                       "subject": ["Математика"], "participants": [10], "marks_2": [2],
    ...                       "marks_3": [3], "marks_4": [4], "marks_5": [1]})
    >>> result_indicators(frame).select("success_share", "quality_share", "mean_mark").row(0)
    (0.8, 0.5, 3.4)
    """
    frame = conform(results, RESULTS_SCHEMA, RESULTS_REQUIRED, "Результаты по ОО")
    n2, n3, n4, n5 = (pl.col(f"marks_{k}").cast(pl.Float64) for k in (2, 3, 4, 5))
    marks_total = n2 + n3 + n4 + n5
    has_marks = marks_total > 0
    compared = (pl.col("lowered") + pl.col("confirmed") + pl.col("raised")).cast(pl.Float64)
    has_comparison = compared > 0

    def per_mark(expr: pl.Expr) -> pl.Expr:
        return pl.when(has_marks).then(expr / marks_total)

    def per_comparison(column: str) -> pl.Expr:
        return pl.when(has_comparison).then(pl.col(column) / compared)

    return frame.select(
        *INDICATOR_KEYS,
        "participants",
        per_mark(n3 + n4 + n5).alias("success_share"),
        per_mark(n4 + n5).alias("quality_share"),
        per_mark(n2).alias("fail_share"),
        per_mark(100.0 * n5 + 64.0 * n4 + 36.0 * n3 + 16.0 * n2).alias("learning_degree"),
        per_mark(2.0 * n2 + 3.0 * n3 + 4.0 * n4 + 5.0 * n5).alias("mean_mark"),
        pl.col("mean_score"),
        pl.when(pl.col("participants") > 0)
        .then(pl.col("below_threshold") / pl.col("participants"))
        .alias("below_threshold_share"),
        per_comparison("lowered").alias("lowered_share"),
        per_comparison("confirmed").alias("confirmed_share"),
        per_comparison("raised").alias("raised_share"),
    ).collect(engine="streaming")  # row by row, no sums: exact, in the input's order, a third of the memory
