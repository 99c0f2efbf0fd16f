"""The results and the year outcomes as frames: declared once here, derived from the models."""

from __future__ import annotations

from typing import Any

import polars as pl

from opora.results.models import Period, SchoolResult, StudentResult, YearOutcome
from opora.schools.frames import PK, StoredTable

RESULTS = StoredTable.of(SchoolResult)
STUDENT_RESULTS = StoredTable.of(StudentResult)
OUTCOMES = StoredTable.of(YearOutcome)


def results_frame(region: Any, *, years: list[int] | None = None, codes: list[str] | None = None) -> pl.DataFrame:
    """Form 3 of a region (schools' results per procedure, grade and subject), in a fixed order."""
    frame = RESULTS.read(region=region, years=years, codes=codes)
    return frame.sort(list(RESULTS.key_fields))


def student_results_frame(region: Any, *, years: list[int] | None = None) -> pl.DataFrame:
    """Form 4 of a region: every participant's result, in a fixed order."""
    return STUDENT_RESULTS.read(region=region, years=years).sort(list(STUDENT_RESULTS.key_fields))


def outcomes_frame(region: Any, *, years: list[int] | None = None, period: str | None = Period.YEAR) -> pl.DataFrame:
    """Form 5 of a region for one period (the school year by default; None for every period), in a fixed order.

    For one period the frame has no ``period`` column: it is the analytics' outcomes of that period.
    """
    rows = YearOutcome.objects.all() if period is None else YearOutcome.objects.filter(period=period)
    frame = OUTCOMES.read(rows, region=region, years=years).sort(list(OUTCOMES.key_fields))
    return frame if period is None else frame.drop("period")


__all__ = ["OUTCOMES", "PK", "RESULTS", "STUDENT_RESULTS", "outcomes_frame", "results_frame", "student_results_frame"]
