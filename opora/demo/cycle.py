"""The program's cycle on the demo region, as its officials would begin it, so that a newcomer's
first look at every stage finds something to read.

After the data are loaded (``opora.demo.services.demo_region_load``), ``opora demo`` runs the
identification of the last school year by the region's methodology, approves the coordinator's
municipality's list by an order, computes every school's risk profile, and drafts the antirisk
programs of the school team's school from its profile and the catalog. Each step is the product's
own service, the one the pages call; nothing here writes a table by itself.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction

from opora.accounts.models import Role, User
from opora.identification.models import ApprovedList, IdentificationRun
from opora.identification.services import Order, region_methodology, run_approve, run_now
from opora.programs.models import Program
from opora.programs.services import antirisk_drafts_create
from opora.results.models import SchoolResult
from opora.risks.models import ProfileFactor, ProfileRun
from opora.risks.services import priorities_set, profiles_now
from opora.schools.models import Region, SchoolYear


@dataclass(frozen=True)
class DemoCycle:
    run: IdentificationRun
    approved: ApprovedList | None
    profiles: ProfileRun
    programs: list[Program]


def _quiet(percent: int, message: str) -> None:
    """The demo's steps report no progress (the command prints their outcome)."""


@transaction.atomic
def demo_cycle_load(region: Region, *, today: datetime.date | None = None) -> DemoCycle:
    """Identify, approve the coordinator's list, profile the schools and draft the team's programs."""
    today = today or datetime.date.today()
    year = SchoolYear.objects.filter(
        pk__in=SchoolResult.objects.filter(school__municipality__region=region).values("year")
    ).order_by("-end_year").first()
    if year is None:
        raise ValueError("В демонстрационном регионе нет результатов: выявлять не по чему.")
    admin = User.objects.filter(region=region, role=Role.REGION_ADMIN).first()
    run = run_now(region=region, year=year, methodology=region_methodology(region), by=admin, progress=_quiet)
    coordinator = User.objects.filter(region=region, role=Role.MUNICIPAL_COORDINATOR).select_related("municipality")
    coordinator = coordinator.first()
    approved = None
    if coordinator is not None and coordinator.municipality is not None:
        order = Order(
            number="47-од",
            date=today,
            authority=f"Управление образования администрации {coordinator.municipality.name}",
            signatory_position="Начальник управления образования",
            signatory_name="Е. В. Смирнова",
        )
        approved = run_approve(run=run, municipality=coordinator.municipality, order=order, by=coordinator)
    profiles = profiles_now(region=region, year=year, by=admin, progress=_quiet)
    team = User.objects.filter(region=region, role=Role.SCHOOL_TEAM).select_related("school").first()
    programs = []
    if team is not None and team.school is not None:
        # The team chooses its priorities as a team would: the factors of the highest levels, up to three.
        factors = ProfileFactor.objects.filter(profile__run=profiles, profile__school=team.school, level__gt=0)
        keys = list(factors.order_by("-level", "factor__number").values_list("factor__key", flat=True)[:3])
        if keys:
            priorities_set(school=team.school, year=year, factor_keys=keys, by=team)
            programs = antirisk_drafts_create(school=team.school, run=profiles, by=team)
    return DemoCycle(run=run, approved=approved, profiles=profiles, programs=programs)
