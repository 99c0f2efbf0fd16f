"""Reads of the registry shared by pages, exports and reports."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum

from opora.accounts.models import User
from opora.accounts.scopes import scope_of
from opora.results.models import SchoolResult, YearOutcome
from opora.schools.models import Municipality, School, SchoolContext, SchoolYear

SCHOOL_SORTS: dict[str, str] = {
    "code": "code",
    "name": "name",
    "municipality": "municipality__name",
    "type": "school_type",
    "locality": "locality",
    "students": "students",
}


def visible_municipalities(user: User) -> QuerySet[Municipality]:
    return scope_of(user).filter_municipalities(Municipality.objects.select_related("region"))


def school_list(
    user: User,
    *,
    search: str = "",
    municipality: Municipality | None = None,
    school_type: str = "",
    locality: str = "",
    include_inactive: bool = False,
    sort: str = "code",
) -> QuerySet[School]:
    """The schools the user may see, filtered and sorted, with the latest number of students.

    ``sort`` is a key of ``SCHOOL_SORTS``, optionally prefixed with ``-`` for descending order.
    """
    latest_students = (
        SchoolContext.objects.filter(school=OuterRef("pk")).order_by("-year__end_year").values("students")[:1]
    )
    schools = (
        School.objects.visible_to(user)
        .select_related("municipality")
        .annotate(students=Subquery(latest_students))
    )
    if not include_inactive:
        schools = schools.active()
    if search:
        schools = schools.search(search)
    if municipality is not None:
        schools = schools.filter(municipality=municipality)
    if school_type:
        schools = schools.filter(school_type=school_type)
    if locality:
        schools = schools.filter(locality=locality)
    field = SCHOOL_SORTS.get(sort.lstrip("-"), "code")
    expression = F(field).desc(nulls_last=True) if sort.startswith("-") else F(field).asc(nulls_last=True)
    return schools.order_by(expression, "code")


@dataclass(frozen=True)
class ContextCell:
    value: object
    share: float | None = None


@dataclass(frozen=True)
class ContextRow:
    label: str
    unit: str
    decimals: int
    cells: list[ContextCell]


CONTEXT_ROWS: tuple[tuple[str, str, str | None], ...] = (
    # (field, unit, the whole a share is taken of)
    ("students", "чел.", None),
    ("students_disabled", "чел.", "students"),
    ("students_low_income", "чел.", "students"),
    ("students_single_parent", "чел.", "students"),
    ("students_non_native", "чел.", "students"),
    ("students_on_register", "чел.", "students"),
    ("parents_higher_education_pct", "%", None),
    ("teachers", "чел.", None),
    ("teacher_vacancies", "ед.", None),
    ("teachers_over_60", "чел.", "teachers"),
    ("teachers_without_pedagogy", "чел.", "teachers"),
    ("teachers_part_time", "чел.", "teachers"),
    ("computers", "шт.", None),
    ("internet_mbps", "Мбит/с", None),
    ("distance_km", "км", None),
)


def _share(part: object, whole: object) -> float | None:
    if part is None or not whole:
        return None
    return float(part) / float(whole)


def school_context_table(school: School) -> tuple[list[SchoolYear], list[ContextRow]]:
    """The school's context over the years: one row per indicator, one cell per school year.

    Counts of a part carry their share of the whole (students or teachers) of the same year.
    """
    contexts = list(school.contexts.select_related("year").order_by("year__end_year"))
    rows = []
    for field, unit, whole in CONTEXT_ROWS:
        model_field = SchoolContext._meta.get_field(field)
        label = str(model_field.verbose_name)
        cells = [
            ContextCell(
                value=getattr(context, field),
                share=_share(getattr(context, field), getattr(context, whole)) if whole else None,
            )
            for context in contexts
        ]
        decimals = getattr(model_field, "decimal_places", 0) and 1
        rows.append(
            ContextRow(label=label[:1].upper() + label[1:], unit=unit, decimals=decimals, cells=cells)
        )
    return [context.year for context in contexts], rows


def school_outcomes(school: School) -> list[YearOutcome]:
    return list(school.outcomes.select_related("year").order_by("year__end_year"))


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


def scope_summary(user: User) -> ScopeSummary:
    """Figures of the home page: what the user's scope holds."""
    schools = School.objects.visible_to(user).active()
    totals = schools.aggregate(count=Count("pk"), rural=Count("pk", filter=Q(locality="село")))
    years = []
    for year in SchoolYear.objects.order_by("-end_year"):
        contexts = SchoolContext.objects.filter(year=year, school__in=schools)
        results = SchoolResult.objects.filter(year=year, school__in=schools).count()
        outcomes = YearOutcome.objects.filter(year=year, school__in=schools).count()
        count = contexts.count()
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
