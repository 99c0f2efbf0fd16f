"""What a user may see and change: the one place that decides it.

Every page, export and API endpoint asks this module. A user's scope follows from the role:

============================  ====================================  ==============
role                          sees                                  changes
============================  ====================================  ==============
регион. администратор         the region                            the region
муницип. координатор          the municipality                      the municipality
куратор                       the schools assigned to them          nothing of the registry
команда школы                 the school                            its own data
наблюдатель                   the region or its municipality        nothing
============================  ====================================  ==============

An installation administrator (superuser) sees every region.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from opora.accounts.models import Role, User
from opora.schools.models import Municipality, Region, School

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


@dataclass(frozen=True)
class Scope:
    """The part of the installation a user works with."""

    everything: bool = False
    region_id: int | None = None
    municipality_id: int | None = None
    school_ids: frozenset[int] = frozenset()
    read_only: bool = True

    def filter_schools(self, schools: QuerySet[School]) -> QuerySet[School]:
        if self.everything:
            return schools
        if self.school_ids:
            return schools.filter(pk__in=self.school_ids)
        if self.municipality_id is not None:
            return schools.filter(municipality_id=self.municipality_id)
        if self.region_id is not None:
            return schools.filter(municipality__region_id=self.region_id)
        return schools.none()

    def filter_municipalities(self, municipalities: QuerySet[Municipality]) -> QuerySet[Municipality]:
        if self.everything:
            return municipalities
        if self.municipality_id is not None:
            return municipalities.filter(pk=self.municipality_id)
        if self.school_ids:
            return municipalities.filter(schools__in=self.school_ids).distinct()
        if self.region_id is not None:
            return municipalities.filter(region_id=self.region_id)
        return municipalities.none()


NO_SCOPE = Scope()


def scope_of(user: User | AnonymousUser) -> Scope:
    """The scope of a user; an anonymous or inactive user sees nothing."""
    if not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    if user.is_superuser:
        return Scope(everything=True, read_only=False)
    role = Role(user.role)
    if role == Role.REGION_ADMIN:
        return Scope(region_id=user.region_id, read_only=False)
    if role == Role.MUNICIPAL_COORDINATOR:
        return Scope(municipality_id=user.municipality_id, region_id=user.region_id, read_only=False)
    if role == Role.CURATOR:
        return Scope(school_ids=frozenset(user.curated_schools.values_list("pk", flat=True)))
    if role == Role.SCHOOL_TEAM:
        ids = frozenset([user.school_id]) if user.school_id else frozenset()
        return Scope(school_ids=ids, read_only=False)
    return Scope(region_id=user.region_id, municipality_id=user.municipality_id)


def describe_scope(user: User) -> str:
    """The scope in the user's words, for the top bar."""
    if user.is_superuser:
        return "Все регионы"
    role = Role(user.role)
    if role == Role.SCHOOL_TEAM and user.school is not None:
        return user.school.display_name
    if role == Role.CURATOR:
        count = user.curated_schools.count()
        return f"Курируемые школы: {count}"
    if user.municipality is not None:
        return user.municipality.name
    if user.region is not None:
        return user.region.name
    return "Без области доступа"


def visible_school_or_404(user: User, code: str) -> School:
    """The school with this code if the user may see it; otherwise «not found».

    A school outside the scope answers 404, not 403, so that its existence is not disclosed.
    """
    school = School.objects.visible_to(user).select_related("municipality__region").filter(code=code).first()
    if school is None:
        raise Http404("Школа не найдена")
    return school


def can_change_school(user: User, school: School) -> bool:
    scope = scope_of(user)
    return not scope.read_only and scope.filter_schools(School.objects.filter(pk=school.pk)).exists()


IMPORTER_ROLES = (Role.REGION_ADMIN, Role.MUNICIPAL_COORDINATOR)


def can_import(user: User) -> bool:
    """Regional administrators and municipal coordinators load files; the others read."""
    return user.is_authenticated and user.is_active and (user.is_superuser or Role(user.role) in IMPORTER_ROLES)


def home_region(user: User) -> Region | None:
    """The region a user works in: where their files go and what their exports cover.

    For an installation administrator it is the only region, if there is one region.
    """
    if user.is_superuser:
        regions = list(Region.objects.all()[:2])
        return regions[0] if len(regions) == 1 else None
    if user.region_id is not None:
        return user.region
    if user.municipality_id is not None:
        return user.municipality.region
    if user.school_id is not None:
        return user.school.municipality.region
    return None


def imports_visible_to(user: User, imports: QuerySet) -> QuerySet:
    """The imports a user may see: the region's for its administrator, one's own for a coordinator."""
    if not can_import(user):
        return imports.none()
    if user.is_superuser:
        return imports
    if Role(user.role) == Role.REGION_ADMIN:
        return imports.filter(region_id=user.region_id)
    return imports.filter(created_by=user)


def can_run_identification(user: User) -> bool:
    """Identification runs are started by regional administrators and municipal coordinators."""
    return can_import(user)


def can_approve_list(user: User) -> bool:
    """A coordinator approves the list of the municipality, a regional administrator the region's."""
    return can_import(user)


def can_edit_methodology(user: User) -> bool:
    return user.is_authenticated and user.is_active and (user.is_superuser or Role(user.role) == Role.REGION_ADMIN)
