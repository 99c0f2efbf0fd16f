"""Reads of the Данные section: import history, completeness of the data, stored forms as frames."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.db.models import Count, Max, Q, QuerySet

from opora.accounts.models import User
from opora.intake.models import ImportBatch
from opora.intake.targets import PK, TARGETS
from opora.results.models import Period, Procedure, SchoolResult, StudentResult, YearOutcome
from opora.schools.models import Region, School, SchoolContext, SchoolType, SchoolYear
from opora.support.models import Teacher


def data_stamp() -> str:
    """A mark that changes whenever an import is applied or undone.

    Intake is the only writer of the loaded data (registry, context, results, outcomes, students),
    so figures counted from them can be kept under this mark until the next import changes it.
    """
    found = ImportBatch.objects.aggregate(
        applied=Count("pk", filter=Q(applied_at__isnull=False)),
        last_applied=Max("applied_at"),
        undone=Count("pk", filter=Q(rolled_back_at__isnull=False)),
        last_undone=Max("rolled_back_at"),
    )
    return "|".join(str(found[key]) for key in ("applied", "last_applied", "undone", "last_undone"))


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
    ("teachers", "Педагоги"),
)
# The grades a procedure is written in, and the school types that do not teach them.
_PROCEDURE_GRADES = {"vpr": range(4, 12), "oge": (9,), "ege": (11,)}
_NOT_TAUGHT = {
    "oge": {SchoolType.PRIMARY},
    "ege": {SchoolType.PRIMARY, SchoolType.BASIC},
    "vpr": {SchoolType.EVENING},
}


@dataclass(frozen=True)
class SchoolCompleteness:
    school: School
    present: dict[str, bool]
    expected: dict[str, bool]

    @property
    def missing(self) -> list[str]:
        """The kinds of data the school should have and does not (expected gaps are not gaps)."""
        return [title for key, title in COMPLETENESS_COLUMNS if self.expected[key] and not self.present[key]]

    def state(self, key: str) -> str:
        if self.present[key]:
            return "есть"
        return "нет" if self.expected[key] else "не ожидается"


@dataclass(frozen=True)
class MunicipalityCompleteness:
    name: str
    schools: int
    counts: dict[str, int]
    expected: dict[str, int]


def expected_data(school: School, grades: set[int]) -> dict[str, bool]:
    """Which kinds of data a school is expected to have, by its type and the grades it teaches.

    A НОШ writes no ОГЭ or ЕГЭ and an ООШ no ЕГЭ; an evening school writes no ВПР. A school of
    another type is expected to have a procedure unless its results of every year show grades
    but none of that procedure's (a СОШ without an 11th grade); with no results at all it is
    expected to have them all.
    """
    expected = dict.fromkeys((key for key, _title in COMPLETENESS_COLUMNS), True)
    for key, types in _NOT_TAUGHT.items():
        if school.school_type in types or (grades and not grades.intersection(_PROCEDURE_GRADES[key])):
            expected[key] = False
    return expected


def completeness(user: User, year: SchoolYear) -> tuple[list[MunicipalityCompleteness], list[SchoolCompleteness]]:
    """For a school year: how many schools of each municipality have each kind of data, and which lack it.

    Grades a school does not teach make some gaps expected (an ООШ has no ЕГЭ): those are counted
    as neither present nor missing.
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
        "outcomes": having(YearOutcome.objects.filter(period=Period.YEAR)),
        "teachers": set(Teacher.objects.filter(school__in=visible).values_list("school_id", flat=True).distinct()),
    }
    grades: dict[int, set[int]] = {}
    taught = SchoolResult.objects.filter(school__in=visible).values_list("school_id", "grade").distinct()
    for school_id, grade in taught:
        grades.setdefault(school_id, set()).add(grade)
    rows = [
        SchoolCompleteness(
            school,
            {key: school.pk in found for key, found in sets.items()},
            expected_data(school, grades.get(school.pk, set())),
        )
        for school in schools
    ]
    by_municipality: dict[str, list[SchoolCompleteness]] = {}
    for row in rows:
        by_municipality.setdefault(row.school.municipality.name, []).append(row)
    summary = [
        MunicipalityCompleteness(
            name=name,
            schools=len(items),
            counts={
                key: sum(item.present[key] and item.expected[key] for item in items) for key, _ in COMPLETENESS_COLUMNS
            },
            expected={key: sum(item.expected[key] for item in items) for key, _ in COMPLETENESS_COLUMNS},
        )
        for name, items in by_municipality.items()
    ]
    return summary, rows
