"""Every write of the identification: methodologies of a region, runs, approval of the official list.

Pages, the command line and the API call only these functions. A service changes state and, when
a run follows, enqueues its task once the change is committed; the computation itself is
``opora.identification.execution``.
"""

from __future__ import annotations

from datetime import date
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from opora.accounts.models import User
from opora.analytics import Methodology as MethodologyParameters
from opora.core.tasks import enqueue_on_commit
from opora.identification import tasks
from opora.identification.execution import Progress, run_execute
from opora.identification.flags import FLAG_KEYS, LISTED_FLAGS
from opora.identification.models import (
    ApprovedList,
    ApprovedListEntry,
    IdentificationRun,
    Methodology,
    RunStatus,
)
from opora.schools.models import Municipality, Region, SchoolYear

DEFAULT_NAME = MethodologyParameters().name
# Schools that belong in the official list.
LISTED = reduce(or_, (Q(**{flag.key: True}) for flag in LISTED_FLAGS))


def _without_identity(parameters: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in parameters.items() if key not in ("name", "version")}


def methodology_defaults_create(*, region: Region) -> Methodology:
    """Give a region the default methodology (version 1) unless it has one; returns its latest."""
    latest = Methodology.objects.filter(region=region, name=DEFAULT_NAME).order_by("-version").first()
    if latest is not None:
        return latest
    return Methodology.objects.create(
        region=region,
        name=DEFAULT_NAME,
        version=1,
        parameters=_without_identity(MethodologyParameters().to_dict()),
        comment="Параметры по умолчанию.",
    )


def region_methodology(region: Region, name: str | None = None) -> Methodology:
    """The latest version of the region's methodology of this name (the default name if None).

    Raises
    ------
    Methodology.DoesNotExist
        With a Russian message, when the region has no methodology of that name.
    """
    latest = Methodology.objects.filter(region=region, name=name or DEFAULT_NAME).order_by("-version").first()
    if latest is None:
        raise Methodology.DoesNotExist(f"У региона «{region}» нет методики «{name or DEFAULT_NAME}».")
    return latest


def latest_methodologies(region: Region) -> list[Methodology]:
    """The latest version of each of the region's methodologies, by name."""
    latest: dict[str, Methodology] = {}
    for methodology in Methodology.objects.filter(region=region).order_by("name", "-version"):
        latest.setdefault(methodology.name, methodology)
    return list(latest.values())


@transaction.atomic
def methodology_save(*, base: Methodology, parameters: dict[str, Any], comment: str, by: User) -> Methodology:
    """Store changed parameters as the next version of the region's methodology; old versions stay."""
    candidate = MethodologyParameters.from_dict(
        {**base.parameters, **parameters, "name": base.name, "version": base.version + 1}
    )
    errors = candidate.validate()
    if not comment.strip():
        errors.setdefault("comment", []).append("Опишите, что изменено и почему.")
    if errors:
        raise ValidationError({field: messages for field, messages in errors.items()})
    last = (
        Methodology.objects.select_for_update()
        .filter(region_id=base.region_id, name=base.name)
        .order_by("-version")
        .first()
    )
    return Methodology.objects.create(
        region_id=base.region_id,
        name=base.name,
        version=last.version + 1,
        parameters=_without_identity(candidate.to_dict()),
        comment=comment.strip(),
        created_by=by,
    )


def _run_create(
    *, region: Region, year: SchoolYear, methodology: Methodology, by: User | None
) -> IdentificationRun:
    if methodology.region_id != region.pk:
        raise ValidationError({"methodology": ["Методика другого региона: выберите методику своего региона."]})
    return IdentificationRun.objects.create(region=region, year=year, methodology=methodology, created_by=by)


@transaction.atomic
def run_start(*, region: Region, year: SchoolYear, methodology: Methodology, by: User | None) -> IdentificationRun:
    """Create a run; it is computed in the background once the run is committed."""
    run = _run_create(region=region, year=year, methodology=methodology, by=by)
    enqueue_on_commit(tasks.execute_run, run.pk)
    return run


def run_rerun(*, run: IdentificationRun, by: User | None) -> IdentificationRun:
    """The same year and methodology on the current data: a new run; the old one stays."""
    return run_start(region=run.region, year=run.year, methodology=run.methodology, by=by)


def run_now(
    *, region: Region, year: SchoolYear, methodology: Methodology, by: User | None, progress: Progress
) -> IdentificationRun:
    """Create a run and compute it at once (the command line waits for it)."""
    run = _run_create(region=region, year=year, methodology=methodology, by=by)
    return run_execute(run=run, progress=progress)


@transaction.atomic
def run_approve(
    *,
    run: IdentificationRun,
    municipality: Municipality | None,
    order_number: str,
    order_date: date,
    authority: str,
    by: User,
) -> ApprovedList:
    """Approve the run's ШНОР and ШНСУ (of a municipality, or of the whole region) as the official list."""
    if run.status != RunStatus.DONE:
        raise ValidationError("Утвердить можно только завершённый расчёт.")
    if not order_number.strip():
        raise ValidationError({"order_number": ["Укажите номер приказа."]})
    lines = run.schools.filter(LISTED).order_by("municipality", "code")
    if municipality is not None:
        lines = lines.filter(school__municipality=municipality)
    approved = ApprovedList.objects.create(
        run=run,
        region=run.region,
        municipality=municipality,
        year=run.year,
        order_number=order_number.strip(),
        order_date=order_date,
        authority=authority.strip(),
        approved_by=by,
    )
    ApprovedListEntry.objects.bulk_create(
        ApprovedListEntry(
            approved_list=approved,
            number=number,
            school_id=line.school_id,
            code=line.code,
            name=line.name,
            municipality=line.municipality,
            low_results_cause=line.low_results_cause,
            years_in_bottom=line.years_in_bottom,
            **{key: getattr(line, key) for key in FLAG_KEYS},
        )
        for number, line in enumerate(lines, start=1)
    )
    return approved
