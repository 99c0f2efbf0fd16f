"""What a user may see: the one place that decides which rows of any table a user reaches.

A user's scope follows from the role:

============================  ==========================================
role                          sees
============================  ==========================================
регион. администратор         the region
муницип. координатор          the municipality
куратор                       the schools assigned to them
команда школы                 the school
наблюдатель                   the region or, when one is set, its municipality
============================  ==========================================

An installation administrator (superuser) sees every region. What a user may *do* is the
access table of ``opora.accounts.access``.

Every model whose rows belong to a region, a municipality or a school declares where its rows
say so (:class:`ScopePaths`) and gets ``Model.objects.visible_to(user)`` from
:func:`scoped_queryset`: pages, exports, the command line and the API filter rows only
through it. The module names no model of another app: a path is a lookup
(``school__municipality``), so the apps below it (the whole product) can use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.db import models
from django.db.models import Q

from opora.accounts.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from opora.accounts.models import User

Model = TypeVar("Model", bound=models.Model)


@dataclass(frozen=True)
class ScopePaths:
    """Where a model's rows name their region, municipality and school (ORM lookups).

    ``municipality_optional`` marks rows that may belong to the whole region (a regional list
    has no municipality): every user of the region sees those.
    """

    region: str
    municipality: str | None = None
    school: str | None = None
    municipality_optional: bool = False


REGION_ROWS = ScopePaths(region="region")
SCHOOL_ROWS = ScopePaths(
    region="school__municipality__region", municipality="school__municipality", school="school"
)


@dataclass(frozen=True)
class Scope:
    """The part of the installation a user works with.

    ``municipality_ids`` and ``school_ids`` are None when the user is not limited to some
    municipalities or schools of the region.
    """

    everything: bool = False
    region_id: int | None = None
    municipality_ids: frozenset[int] | None = None
    school_ids: frozenset[int] | None = None

    def filter(self, queryset: models.QuerySet[Model], paths: ScopePaths) -> models.QuerySet[Model]:
        """The rows of ``queryset`` inside the scope."""
        if self.everything:
            return queryset
        if self.region_id is None:
            return queryset.none()
        condition = Q(**{paths.region: self.region_id})
        if self.municipality_ids is not None and paths.municipality is not None:
            within = Q(**{f"{paths.municipality}__in": self.municipality_ids})
            if paths.municipality_optional:
                within |= Q(**{f"{paths.municipality}__isnull": True})
            condition &= within
        if self.school_ids is not None and paths.school is not None:
            condition &= Q(**{f"{paths.school}__in": self.school_ids})
        return queryset.filter(condition)


NO_SCOPE = Scope()


def scope_of(user: User | AnonymousUser | None) -> Scope:
    """The scope of a user; an anonymous or inactive user sees nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    if user.is_superuser:
        return Scope(everything=True)
    role = Role(user.role)
    region_id = user.region_id
    if role == Role.SCHOOL_TEAM:
        if user.school_id is None:
            return NO_SCOPE
        school = user.school
        return Scope(
            region_id=school.municipality.region_id,
            municipality_ids=frozenset([school.municipality_id]),
            school_ids=frozenset([school.pk]),
        )
    if role == Role.CURATOR:
        pairs = list(user.curated_schools.values_list("pk", "municipality_id"))
        return Scope(
            region_id=region_id,
            municipality_ids=frozenset(municipality for _, municipality in pairs),
            school_ids=frozenset(school for school, _ in pairs),
        )
    if role in (Role.MUNICIPAL_COORDINATOR, Role.OBSERVER) and user.municipality_id is not None:
        region_id = region_id or user.municipality.region_id
        return Scope(region_id=region_id, municipality_ids=frozenset([user.municipality_id]))
    return Scope(region_id=region_id)


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows where its rows name their region, municipality and school."""

    scope_paths: ClassVar[ScopePaths] = SCHOOL_ROWS

    def visible_to(self, user: User | AnonymousUser | None) -> Any:
        """The rows the user may see: the one scoping rule of the product."""
        return scope_of(user).filter(self, self.scope_paths)


def scoped_queryset(paths: ScopePaths, base: type[models.QuerySet] = ScopedQuerySet) -> type[ScopedQuerySet]:
    """A queryset class filtering by ``paths`` (``objects = scoped_queryset(...).as_manager()``)."""
    bases = (base,) if issubclass(base, ScopedQuerySet) else (ScopedQuerySet, base)
    return type("ScopedQuerySet", bases, {"scope_paths": paths, "__module__": base.__module__})


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
