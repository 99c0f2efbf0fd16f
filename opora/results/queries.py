"""Reads of results shared by pages, exports and reports."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.db.models import Count, Q, Sum

from opora.accounts.models import User
from opora.analytics import result_indicators
from opora.results.frames import RESULTS, results_frame
from opora.results.models import Period, Procedure, SchoolResult, YearOutcome
from opora.schools.models import School, SchoolContext, SchoolYear
from opora.schools.queries import visible_municipalities

RESULT_FIELDS = RESULTS.value_fields
COLUMNS = list(RESULTS.fields)


def school_results_frame(school: School) -> pl.DataFrame:
    """The school's form 3 rows over all years, as a frame of the model's fields."""
    return results_frame(school.municipality.region, codes=[school.code]).select(COLUMNS)


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


def school_outcomes(school: School) -> list[YearOutcome]:
    """The school's outcomes by year; within a year, its periods in the order of the school year."""
    order = {period.value: index for index, period in enumerate(Period)}
    rows = list(school.outcomes.select_related("year"))
    return sorted(rows, key=lambda row: (row.year.end_year, order.get(row.period, 99)))


@dataclass(frozen=True)
class YearLoad:
    label: str
    contexts: int
    results: int
    outcomes: int


@dataclass(frozen=True)
class ScopeSummary:
    municipalities: int
    schools: int
    rural_share: float | None
    students: int | None
    last_year: str | None
    years: list[YearLoad]


def _per_year(rows) -> dict[int, int]:
    """How many of the rows each school year has (by the year's id)."""
    return dict(rows.order_by().values("year_id").annotate(count=Count("pk")).values_list("year_id", "count"))


def scope_summary(user: User) -> ScopeSummary:
    """Figures of the home page: what the user's scope holds."""
    schools = School.objects.visible_to(user).active()
    totals = schools.aggregate(count=Count("pk"), rural=Count("pk", filter=Q(locality="село")))
    # One grouped count per kind of data, not three counts per year: the page opens often.
    contexts_by_year = _per_year(SchoolContext.objects.filter(school__in=schools))
    results_by_year = _per_year(SchoolResult.objects.filter(school__in=schools))
    outcomes_by_year = _per_year(YearOutcome.objects.filter(school__in=schools, period=Period.YEAR))
    years = []
    for year in SchoolYear.objects.order_by("-end_year"):
        count = contexts_by_year.get(year.pk, 0)
        results = results_by_year.get(year.pk, 0)
        outcomes = outcomes_by_year.get(year.pk, 0)
        if count or results or outcomes:
            years.append(YearLoad(label=year.label, contexts=count, results=results, outcomes=outcomes))
    last_year = None
    students = None
    latest = SchoolContext.objects.filter(school__in=schools).order_by("-year__end_year").first()
    if latest is not None:
        last_year = latest.year.label
        students = SchoolContext.objects.filter(school__in=schools, year=latest.year).aggregate(
            total=Sum("students")
        )["total"]
    count = totals["count"]
    return ScopeSummary(
        municipalities=visible_municipalities(user).count(),
        schools=count,
        rural_share=(totals["rural"] / count) if count else None,
        students=students,
        last_year=last_year,
        years=years,
    )
