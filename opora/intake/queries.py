"""Reads of the Данные section: import history, completeness of the data, stored forms as frames."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.db.models import QuerySet

from opora.accounts.models import User
from opora.intake.models import ImportBatch
from opora.intake.targets import PK, TARGETS
from opora.results.models import Procedure, SchoolResult, StudentResult, YearOutcome
from opora.schools.models import Region, School, SchoolContext, SchoolYear


def import_history(user: User) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.visible_to(user).select_related("region", "created_by")


def stored_form(
    user: User,
    region: Region | None,
    form_key: str,
    *,
    year: int | None = None,
    municipality_id: int | None = None,
) -> pl.DataFrame:
    """A stored form as a frame of its fields, limited to the schools the user may see."""
    target = TARGETS[form_key]
    codes = School.objects.visible_to(user)
    if region is not None:
        codes = codes.filter(municipality__region=region)
    if municipality_id is not None:
        codes = codes.filter(municipality_id=municipality_id)
    code_list = list(codes.values_list("code", flat=True))
    frame = target.stored(region, years=[year] if year else None, codes=code_list)
    sort = [name for name in target.key_fields if name in frame.columns]
    return frame.drop(PK).sort(sort)


# What is counted as loaded for a school and a year: (column, title).
COMPLETENESS_COLUMNS = (
    ("context", "Контекст"),
    ("vpr", "ВПР"),
    ("oge", "ОГЭ"),
    ("ege", "ЕГЭ"),
    ("year_marks", "Годовые отметки"),
    ("students", "Результаты участников"),
    ("outcomes", "Итоги года"),
)


@dataclass(frozen=True)
class SchoolCompleteness:
    school: School
    present: dict[str, bool]

    @property
    def missing(self) -> list[str]:
        return [title for key, title in COMPLETENESS_COLUMNS if not self.present[key]]


@dataclass(frozen=True)
class MunicipalityCompleteness:
    name: str
    schools: int
    counts: dict[str, int]


def completeness(
    user: User, year: SchoolYear
) -> tuple[list[MunicipalityCompleteness], list[SchoolCompleteness]]:
    """For a school year: how many schools of each municipality have each kind of data, and which lack it.

    Grades a school does not teach make some gaps expected (an ООШ has no ЕГЭ); the page says so.
    """
    visible = School.objects.visible_to(user).active()
    schools = list(visible.select_related("municipality").order_by("municipality__name", "code"))

    def having(queryset) -> set[int]:
        return set(queryset.filter(year=year, school__in=visible).values_list("school_id", flat=True).distinct())

    sets = {
        "context": having(SchoolContext.objects),
        "vpr": having(SchoolResult.objects.filter(procedure=Procedure.VPR)),
        "oge": having(SchoolResult.objects.filter(procedure=Procedure.OGE)),
        "ege": having(SchoolResult.objects.filter(procedure=Procedure.EGE)),
        "year_marks": having(SchoolResult.objects.filter(procedure=Procedure.YEAR_MARKS)),
        "students": having(StudentResult.objects),
        "outcomes": having(YearOutcome.objects),
    }
    rows = [
        SchoolCompleteness(school, {key: school.pk in found for key, found in sets.items()})
        for school in schools
    ]
    by_municipality: dict[str, list[SchoolCompleteness]] = {}
    for row in rows:
        by_municipality.setdefault(row.school.municipality.name, []).append(row)
    summary = [
        MunicipalityCompleteness(
            name=name,
            schools=len(items),
            counts={key: sum(item.present[key] for item in items) for key, _ in COMPLETENESS_COLUMNS},
        )
        for name, items in by_municipality.items()
    ]
    return summary, rows
