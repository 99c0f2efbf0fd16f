"""Every write of the identification: methodologies of a region, runs, approval of the official list.

Pages, the command line and the API call only these functions. A service changes state and, when
a run follows, enqueues its task once the change is committed; the computation itself is
``opora.identification.execution``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from opora.accounts.models import User
from opora.analytics import Methodology as MethodologyParameters
from opora.core.heartbeat import heartbeat
from opora.core.tasks import enqueue_on_commit
from opora.identification import tasks
from opora.identification.execution import Progress, run_execute
from opora.identification.flags import FLAG_KEYS, LISTED_FLAGS
from opora.identification.models import (
    ApprovedList,
    ApprovedListEntry,
    Decision,
    IdentificationRun,
    Methodology,
    OrderKind,
    RunSchool,
    RunStatus,
)
from opora.identification.recovery import runs_interrupted_fail
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
def methodology_save(
    *,
    base: Methodology,
    parameters: dict[str, Any],
    comment: str,
    by: User,
    basis_title: str | None = None,
    basis_number: str | None = None,
    basis_date: date | None = None,
) -> Methodology:
    """Store changed parameters as the next version of the region's methodology; old versions stay.

    The document that approved the methodology in the region (its name, number and date) goes
    with the version; when not given it is that of ``base``.
    """
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
        basis_title=(base.basis_title if basis_title is None else basis_title).strip(),
        basis_number=(base.basis_number if basis_number is None else basis_number).strip(),
        basis_date=base.basis_date if basis_date is None and basis_title is None else basis_date,
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
    """Create a run; it is computed in the background once the run is committed.

    Runs left by a worker that died mid-run are marked failed first: the page then offers them again.
    """
    runs_interrupted_fail()
    run = _run_create(region=region, year=year, methodology=methodology, by=by)
    enqueue_on_commit(tasks.execute_run, run.pk)
    return run


def run_rerun(*, run: IdentificationRun, by: User | None) -> IdentificationRun:
    """The same year and methodology on the current data: a new run; the old one stays."""
    return run_start(region=run.region, year=run.year, methodology=run.methodology, by=by)


def run_now(
    *, region: Region, year: SchoolYear, methodology: Methodology, by: User | None, progress: Progress
) -> IdentificationRun:
    """Create a run and compute it at once (the command line waits for it).

    The run gives signs of life as a worker's does: a command stopped mid-run (Ctrl+C twice, the
    terminal closed, the machine switched off) leaves a run that is seen as interrupted and can be
    started again, and a long run of the command line is never taken for an abandoned one.
    """
    run = _run_create(region=region, year=year, methodology=methodology, by=by)
    with heartbeat(IdentificationRun.objects.filter(pk=run.pk)):
        return run_execute(run=run, progress=progress)


# An order may be dated a little ahead (it is signed on a set day), not into another year by a slip.
ORDER_DATE_MARGIN = timedelta(days=7)


@dataclass(frozen=True)
class Order:
    """The order that approves, amends or cancels a list: its number, date, issuer and signatory."""

    number: str
    date: date
    authority: str = ""
    signatory_position: str = ""
    signatory_name: str = ""


def support_year(run: IdentificationRun) -> SchoolYear:
    """The school year a run's list is for: the one after the last year of its data."""
    year, _ = SchoolYear.objects.get_or_create(end_year=run.year.end_year + 1)
    return year


def _order_errors(order: Order, year: SchoolYear, *, not_before: date | None = None) -> dict[str, list[str]]:
    """What is wrong with an order's number and date for a list of ``year``, by form field."""
    errors: dict[str, list[str]] = {}
    if not order.number.strip():
        errors["order_number"] = ["Укажите номер приказа."]
    latest_allowed = timezone.localdate() + ORDER_DATE_MARGIN
    start, end = date(year.end_year - 1, 6, 1), date(year.end_year, 8, 31)
    if order.date > latest_allowed:
        errors["order_date"] = [
            f"Дата {order.date:%d.%m.%Y} позже сегодняшней больше чем на неделю: проверьте день и год."
        ]
    elif not start <= order.date <= end:
        errors["order_date"] = [
            f"Перечень на {year.label} учебный год утверждается с {start:%d.%m.%Y} (итоги года известны) по "
            f"{end:%d.%m.%Y}; дата {order.date:%d.%m.%Y} вне этих сроков."
        ]
    elif not_before is not None and order.date < not_before:
        errors["order_date"] = [f"Приказ не может быть раньше изменяемого приказа ({not_before:%d.%m.%Y})."]
    if not order.signatory_position.strip():
        errors["signatory_position"] = ["Укажите должность того, кто подписывает приказ."]
    if not order.signatory_name.strip():
        errors["signatory_name"] = ["Укажите инициалы и фамилию того, кто подписывает приказ."]
    return errors


def _decision_errors(
    decisions: dict[str, str], known: set[str], field: str, missing: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for code, reason in decisions.items():
        if code not in known:
            errors.setdefault(field, []).append(missing.format(code=code))
        elif not reason.strip():
            errors.setdefault(field, []).append(f"Школа {code}: укажите основание — решение комиссии (номер, дата).")
    return errors


def _entry_from_line(line: RunSchool | ApprovedListEntry, **values: Any) -> ApprovedListEntry:
    return ApprovedListEntry(
        school_id=line.school_id,
        code=line.code,
        name=line.name,
        municipality=line.municipality,
        low_results_cause=line.low_results_cause,
        years_in_bottom=line.years_in_bottom,
        **{key: getattr(line, key) for key in FLAG_KEYS},
        **values,
    )


def _store_entries(
    approved: ApprovedList,
    kept: list[RunSchool | ApprovedListEntry],
    added: list[tuple[RunSchool | ApprovedListEntry, str]],
    excluded: list[tuple[RunSchool | ApprovedListEntry, str]],
) -> None:
    included = [(line, Decision.CALCULATED, "") for line in kept] + [
        (line, Decision.ADDED, reason) for line, reason in added
    ]
    included.sort(key=lambda item: (item[0].municipality, item[0].code))
    entries = [
        _entry_from_line(line, approved_list=approved, number=number, decision=decision, reason=reason.strip())
        for number, (line, decision, reason) in enumerate(included, start=1)
    ]
    entries += [
        _entry_from_line(line, approved_list=approved, number=0, decision=Decision.EXCLUDED, reason=reason.strip())
        for line, reason in excluded
    ]
    bulk_create_with_history(entries, ApprovedListEntry, default_user=approved.approved_by)  # the journal of changes


@transaction.atomic
def run_approve(
    *,
    run: IdentificationRun,
    municipality: Municipality | None,
    order: Order,
    by: User,
    exclusions: dict[str, str] | None = None,
    additions: dict[str, str] | None = None,
) -> ApprovedList:
    """Approve the run's ШНОР and ШНСУ (of a municipality, or of the whole region) as the official list.

    ``exclusions`` and ``additions`` map a school's code to the commission's decision that takes
    it out of the list or puts it in (its number and date, its reason); both stay with the list,
    in its appendix and on the school's «почему» page.
    """
    exclusions, additions = exclusions or {}, additions or {}
    if run.status != RunStatus.DONE:
        raise ValidationError("Утвердить можно только завершённый расчёт.")
    year = support_year(run)
    errors = _order_errors(order, year)
    if not run.methodology.basis:
        errors.setdefault("__all__", []).append(
            f"У методики «{run.methodology}» не указан документ, которым она утверждена в регионе: без него у "
            "приказа нет основания. Его указывает региональный администратор в форме методики."
        )
    lines = run.schools.filter(LISTED).order_by("municipality", "code")
    territory = run.schools.all()
    if municipality is not None:
        lines = lines.filter(school__municipality=municipality)
        territory = territory.filter(school__municipality=municipality)
    listed = {line.code: line for line in lines}
    others = {line.code: line for line in territory.exclude(code__in=list(listed))}
    errors.update(
        _decision_errors(exclusions, set(listed), "exclusions", "Школы {code} нет среди включаемых в перечень.")
    )
    errors.update(
        _decision_errors(additions, set(others), "additions", "Школа {code} не входит в расчёт или уже в перечне.")
    )
    if errors:
        raise ValidationError(errors)
    approved = ApprovedList.objects.create(
        run=run,
        region=run.region,
        municipality=municipality,
        year=year,
        order_number=order.number.strip(),
        order_date=order.date,
        authority=order.authority.strip(),
        signatory_position=order.signatory_position.strip(),
        signatory_name=order.signatory_name.strip(),
        basis=run.methodology.basis,
        approved_by=by,
    )
    _store_entries(
        approved,
        kept=[line for code, line in listed.items() if code not in exclusions],
        added=[(others[code], reason) for code, reason in additions.items()],
        excluded=[(listed[code], reason) for code, reason in exclusions.items()],
    )
    return approved


def _require_in_force(approved: ApprovedList) -> None:
    if not approved.in_force:
        later = approved.superseded_by
        raise ValidationError(
            f"Приказ {approved.order_reference} уже изменён или отменён"
            + (f" приказом {later.order_reference}" if later else "")
            + ": изменяйте действующий приказ."
        )


@transaction.atomic
def list_amend(
    *,
    approved: ApprovedList,
    order: Order,
    by: User,
    exclusions: dict[str, str] | None = None,
    additions: dict[str, str] | None = None,
) -> ApprovedList:
    """A new order that amends a list: it excludes or adds schools, each by a commission's decision.

    The amended list keeps its order and its schools; the new order holds the list in its new
    wording, and both are shown.
    """
    exclusions, additions = exclusions or {}, additions or {}
    approved = ApprovedList.objects.select_for_update().get(pk=approved.pk)
    _require_in_force(approved)
    current = {entry.code: entry for entry in approved.entries.exclude(decision=Decision.EXCLUDED)}
    territory = approved.run.schools.all()
    if approved.municipality_id is not None:
        territory = territory.filter(school__municipality_id=approved.municipality_id)
    others = {line.code: line for line in territory.exclude(code__in=list(current))}
    errors = _order_errors(order, approved.year, not_before=approved.order_date)
    errors.update(_decision_errors(exclusions, set(current), "exclusions", "Школы {code} нет в перечне."))
    errors.update(
        _decision_errors(additions, set(others), "additions", "Школа {code} не входит в расчёт или уже в перечне.")
    )
    if not exclusions and not additions:
        errors.setdefault("__all__", []).append("Укажите, какие школы исключить из перечня или включить в него.")
    if errors:
        raise ValidationError(errors)
    amendment = ApprovedList.objects.create(
        run=approved.run,
        region=approved.region,
        municipality=approved.municipality,
        year=approved.year,
        order_number=order.number.strip(),
        order_date=order.date,
        authority=order.authority.strip(),
        signatory_position=order.signatory_position.strip(),
        signatory_name=order.signatory_name.strip(),
        basis=approved.basis,
        kind=OrderKind.AMENDMENT,
        amends=approved,
        approved_by=by,
    )
    _store_entries(
        amendment,
        kept=[entry for code, entry in current.items() if code not in exclusions],
        added=[(others[code], reason) for code, reason in additions.items()],
        excluded=[(current[code], reason) for code, reason in exclusions.items()],
    )
    return amendment


@transaction.atomic
def list_cancel(*, approved: ApprovedList, order: Order, reason: str, by: User) -> ApprovedList:
    """A new order that cancels a list («признать утратившим силу»); both stay and are shown."""
    approved = ApprovedList.objects.select_for_update().get(pk=approved.pk)
    _require_in_force(approved)
    errors = _order_errors(order, approved.year, not_before=approved.order_date)
    if not reason.strip():
        errors["reason"] = ["Укажите, почему приказ отменяется."]
    if errors:
        raise ValidationError(errors)
    return ApprovedList.objects.create(
        run=approved.run,
        region=approved.region,
        municipality=approved.municipality,
        year=approved.year,
        order_number=order.number.strip(),
        order_date=order.date,
        authority=order.authority.strip(),
        signatory_position=order.signatory_position.strip(),
        signatory_name=order.signatory_name.strip(),
        basis=approved.basis,
        kind=OrderKind.CANCELLATION,
        amends=approved,
        reason=reason.strip(),
        approved_by=by,
    )
