"""Reads of the registry shared by pages, exports and reports."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.http import Http404

from opora.accounts.access import Action, can
from opora.accounts.models import User
from opora.schools.models import Municipality, Region, School, SchoolContext, SchoolYear

SCHOOL_SORTS: dict[str, str] = {
    "code": "code",
    "name": "name",
    "municipality": "municipality__name",
    "type": "school_type",
    "locality": "locality",
    "students": "students",
}


def visible_municipalities(user: User) -> QuerySet[Municipality]:
    return Municipality.objects.visible_to(user).select_related("region")


def visible_school_or_404(user: User, code: str) -> School:
    """The school with this code if the user may see it; otherwise «not found».

    A school outside the scope answers 404, not 403, so that its existence is not disclosed.
    """
    school = School.objects.visible_to(user).select_related("municipality__region").filter(code=code).first()
    if school is None:
        raise Http404("Школа не найдена")
    return school


def can_change_school(user: User, school: School) -> bool:
    """Whether the user may change the school's own data (its team, its coordinator, the region)."""
    return can(user, Action.EDIT_SCHOOL_DATA) and School.objects.visible_to(user).filter(pk=school.pk).exists()


def chosen_region(user: User, wanted: str | None) -> Region | None:
    """The user's region; an installation administrator of several regions names it (``?region=<id>``)."""
    region = home_region(user)
    if region is None and user.is_superuser:
        wanted = wanted or ""
        region = Region.objects.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    return region


def home_region(user: User | None) -> Region | None:
    """The region a user works in: where their files go and what their exports cover.

    For an installation administrator (and the command line, ``None``) it is the only region,
    if there is one region.
    """
    if user is None or user.is_superuser:
        regions = list(Region.objects.all()[:2])
        return regions[0] if len(regions) == 1 else None
    if user.region_id is not None:
        return user.region
    if user.municipality_id is not None:
        return user.municipality.region
    if user.school_id is not None:
        return user.school.municipality.region
    return None


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
