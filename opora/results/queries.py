"""Reads of results shared by pages, exports and reports."""

from __future__ import annotations

import polars as pl

from opora.analytics import result_indicators
from opora.intake.targets import PK, RESULTS
from opora.results.models import Procedure
from opora.schools.models import School

RESULT_FIELDS = RESULTS.value_fields
COLUMNS = [*RESULTS.key_fields, *RESULTS.value_fields]


def school_results_frame(school: School) -> pl.DataFrame:
    """The school's form 3 rows over all years, as a frame of the model's fields."""
    return RESULTS.stored(school.municipality.region, codes=[school.code]).drop(PK).select(COLUMNS)


def procedures_of(frame: pl.DataFrame) -> list[str]:
    present = set(frame["procedure"].unique().to_list())
    return [procedure.value for procedure in Procedure if procedure.value in present]


def school_indicators(frame: pl.DataFrame, procedure: str) -> pl.DataFrame:
    """Indicators of one procedure per subject, grade and year (УО, КО, mean mark or score, …)."""
    rows = frame.filter(pl.col("procedure") == procedure)
    if rows.is_empty():
        return result_indicators(frame.head(0))
    return result_indicators(rows).sort("subject", "grade", "year")


def _sum_known(name: str) -> pl.Expr:
    """The sum of a count over grades; unknown when no grade knows it."""
    return pl.when(pl.col(name).is_not_null().any()).then(pl.col(name).sum()).alias(name)


def subject_summary(frame: pl.DataFrame, procedure: str) -> pl.DataFrame:
    """One procedure per subject and year, grades added up, with the indicators of the sums.

    The mean score is the mean of the grades' means weighted by their participants.
    """
    rows = frame.filter(pl.col("procedure") == procedure)
    if rows.is_empty():
        return result_indicators(rows).drop("grade")
    has_score = pl.col("mean_score").is_not_null()
    summed = rows.group_by("code", "year", "procedure", "subject").agg(
        pl.lit(0, dtype=pl.Int64).alias("grade"),
        *(_sum_known(name) for name in RESULT_FIELDS if name != "mean_score"),
        pl.when(has_score.any())
        .then(
            (pl.col("mean_score") * pl.col("participants")).sum()
            / pl.col("participants").filter(has_score).sum()
        )
        .alias("mean_score"),
    )
    indicators = result_indicators(summed.select(COLUMNS))
    counts = summed.select("year", "subject", "marks_2", "marks_3", "marks_4", "marks_5")
    return indicators.drop("grade").join(counts, on=["year", "subject"]).sort("subject", "year")
