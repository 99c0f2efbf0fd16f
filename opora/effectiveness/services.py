"""The effectiveness of the program for a school year: dynamics, movement on the list, effect, decisions.

- **Dynamics**: each ШНОР and ШНСУ of the year, its results index last year and this year and the
  change with its interval (methodology 4.8, :func:`opora.programs.computed.index_pairs`).
- **Movement**: the schools of the list of the year that left it, returned to it or stay in it,
  with the years of support each received (the lists in force year by year).
- **Effect**: the supported schools against similar unsupported ones (methodology 4.9,
  :func:`opora.analytics.effect.program_effect`), overall and by kind of support.
- **Decisions** of the council of heads: kept per meeting, reported as carried out or not.

Every figure here is what the pages, the exports and the documents show: they all read these.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from opora.accounts.models import User
from opora.analytics.dynamics import DYNAMICS_LABELS, NEGATIVE, NO_CHANGE, POSITIVE, ShareChange, share_change
from opora.analytics.effect import ProgramEffect, program_effect
from opora.core.formatting import percent
from opora.effectiveness.models import DECISION_OPEN, CouncilMeeting, DecisionStatus, ManagementDecision
from opora.events.models import Registration
from opora.identification.models import IdentificationRun
from opora.identification.queries import Listed, latest_done_run, listed_codes, lists_in_force
from opora.programs.computed import IndexEstimate, index_dynamics, index_pairs, school_year_bounds
from opora.results.frames import outcomes_frame, results_frame
from opora.schools.models import Municipality, Region, School
from opora.support.models import CourseRecord, MonitoringVisit, Partnership, VisitStatus

SUPPORT_KINDS = {
    "partner": "школа-партнёр",
    "curator": "выезды куратора",
    "courses": "курсы педагогов",
    "events": "мероприятия",
}
HISTORY_YEARS = 5
"""How many school years back the movement on the list is traced."""


SHOWN_FIELDS = ("id", "code", "name", "short_name", "municipality__id", "municipality__name", "municipality__region")
"""What the pages of effectiveness show of a school (its name and municipality)."""


class SchoolsInView:
    """The schools a page counts: all their codes at once, the School objects only of those shown.

    A region's dashboard counts 1,500 schools but names only its ШНОР and ШНСУ; building all
    1,500 School objects was a third of the page's time. Built from a query, it reads the codes and
    then only the schools asked for; built from School objects already at hand, it uses those.
    """

    def __init__(self, schools: QuerySet[School] | Iterable[School]) -> None:
        self._query = schools if isinstance(schools, QuerySet) else None
        self._known = None if isinstance(schools, QuerySet) else {school.code: school for school in schools}
        self.codes = frozenset(self._known if self._known is not None else schools.values_list("code", flat=True))

    @classmethod
    def of(cls, schools: SchoolsInView | Iterable[School]) -> SchoolsInView:
        return schools if isinstance(schools, SchoolsInView) else cls(schools)

    def by_code(self, codes: Iterable[str]) -> dict[str, School]:
        """The schools among these with the given codes, by code."""
        wanted = sorted(set(codes) & self.codes)
        if self._known is not None:
            return {code: self._known[code] for code in wanted}
        if not wanted or self._query is None:
            return {}
        found = self._query.filter(code__in=wanted).select_related("municipality").only(*SHOWN_FIELDS)
        return {school.code: school for school in found}


# ── dynamics ──────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class DynamicsRow:
    school: School
    categories: str
    before: IndexEstimate
    after: IndexEstimate
    dynamics: str | None
    failing: ShareChange | None = None  # the share of «2» on the ВПР and the ОГЭ
    no_certificate: ShareChange | None = None  # the share of 9th-graders left without a certificate

    @property
    def change(self) -> float:
        return self.after.index - self.before.index

    @property
    def label(self) -> str:
        return DYNAMICS_LABELS.get(self.dynamics or "", "нет данных")

    @property
    def failing_text(self) -> str:
        return share_text(self.failing)

    @property
    def no_certificate_text(self) -> str:
        return share_text(self.no_certificate)


def share_text(found: ShareChange | None) -> str:
    """«12,0 % → 8,0 % (положительная)», or «нет данных»."""
    if found is None:
        return "нет данных"
    return f"{percent(found.before)} → {percent(found.after)} ({DYNAMICS_LABELS[found.dynamics]})"


@dataclass(frozen=True)
class Dynamics:
    year: int
    known_list: bool
    listed: int
    rows: tuple[DynamicsRow, ...]

    def count(self, dynamics: str | None) -> int:
        return sum(1 for row in self.rows if row.dynamics == dynamics)

    @property
    def known(self) -> int:
        return sum(1 for row in self.rows if row.dynamics is not None)

    @property
    def positive(self) -> int:
        return self.count(POSITIVE)

    @property
    def negative(self) -> int:
        return self.count(NEGATIVE)

    @property
    def unchanged(self) -> int:
        return self.count(NO_CHANGE)

    @property
    def positive_share(self) -> float | None:
        """Seed 003 2.1.2: ШНОР и/или ШНСУ with positive dynamics ÷ those whose dynamics is known."""
        return self.count(POSITIVE) / self.known if self.known else None

    @property
    def no_data(self) -> int:
        """Schools of the list without both years' index or an interval."""
        return self.listed - self.known


def _categories(listed: Listed, year: int) -> dict[str, str] | None:
    low = listed.codes(year, ("low_results",))
    unfavourable = listed.codes(year, ("unfavourable",))
    if low is None and unfavourable is None:
        return None
    names: dict[str, list[str]] = {}
    for code in low or ():
        names.setdefault(code, []).append("ШНОР")
    for code in unfavourable or ():
        names.setdefault(code, []).append("ШНСУ")
    return {code: " и ".join(parts) for code, parts in names.items()}


def dynamics(
    region: Region,
    year: int,
    schools: list[School] | SchoolsInView,
    municipality: Municipality | None = None,
    *,
    listed: Listed | None = None,
) -> Dynamics:
    """The dynamics of the results index of the ШНОР and ШНСУ of the year among ``schools``.

    ``listed``: the territory's lists already read (:class:`~opora.identification.queries.Listed`).
    """
    categories = _categories(listed or Listed(region, municipality), year)
    if categories is None:
        return Dynamics(year, False, 0, ())
    by_code = SchoolsInView.of(schools).by_code(categories)
    codes = sorted(by_code)
    pairs = index_pairs(region, year, codes)
    failing, no_certificate = _shares(region, year, codes)
    rows = tuple(
        DynamicsRow(
            by_code[code],
            categories[code],
            before,
            after,
            index_dynamics(before, after),
            failing.get(code),
            no_certificate.get(code),
        )
        for code, (before, after) in sorted(pairs.items())
    )
    return Dynamics(year, True, len(by_code), rows)


MARKED = ("ВПР", "ОГЭ")
"""The procedures whose share of «2» the dynamics follows."""


def _shares(region: Region, year: int, codes: list[str]) -> tuple[dict[str, ShareChange], dict[str, ShareChange]]:
    """Per school, the change of its share of «2» (ВПР and ОГЭ) and of 9th-graders without a certificate."""
    if not codes:
        return {}, {}
    years = [year - 1, year]
    results = results_frame(region, years=years, codes=codes)
    failing: dict[str, ShareChange] = {}
    if results.height:
        sums = (
            results.filter(pl.col("procedure").is_in(MARKED) & pl.col("marks_2").is_not_null())
            .group_by("code", "year")
            .agg(pl.col("marks_2").sum().alias("k"), pl.col("participants").sum().alias("n"))
        )
        table = {(row["code"], row["year"]): (row["k"], row["n"]) for row in sums.iter_rows(named=True)}
        for code in codes:
            if (code, year - 1) in table and (code, year) in table:
                found = share_change(*table[(code, year - 1)], *table[(code, year)])
                if found is not None:
                    failing[code] = found
    outcomes = outcomes_frame(region, years=years).filter(pl.col("code").is_in(codes))
    no_certificate: dict[str, ShareChange] = {}
    if outcomes.height and {"graduates_9", "no_certificate_9"} <= set(outcomes.columns):
        table = {
            (row["code"], row["year"]): (row["no_certificate_9"], row["graduates_9"])
            for row in outcomes.iter_rows(named=True)
            if row["graduates_9"] is not None and row["no_certificate_9"] is not None
        }
        for code in codes:
            if (code, year - 1) in table and (code, year) in table:
                found = share_change(*table[(code, year - 1)], *table[(code, year)])
                if found is not None:
                    no_certificate[code] = found
    return failing, no_certificate


# ── movement on the list ──────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class MovementRow:
    school: School
    support_years: tuple[int, ...]  # school years it was on the list, up to the year
    status: str  # "left", "returned", "stays", "new"
    exit_rule: bool | None  # the flag «вышла из перечня» of the run on the year
    next_list: bool | None  # on the list of the next year (None: not known yet)

    @property
    def status_label(self) -> str:
        return MOVEMENT_LABELS[self.status]


MOVEMENT_LABELS = {
    "left": "вышла из перечня",
    "returned": "вернулась в перечень",
    "stays": "остаётся в перечне",
    "new": "впервые в перечне",
}


@dataclass(frozen=True)
class Movement:
    year: int
    known_list: bool
    next_known: bool
    rows: tuple[MovementRow, ...]

    def of(self, status: str) -> list[MovementRow]:
        return [row for row in self.rows if row.status == status]

    @property
    def left(self) -> list[MovementRow]:
        return self.of("left")

    @property
    def returned(self) -> list[MovementRow]:
        return self.of("returned")

    @property
    def stays(self) -> list[MovementRow]:
        return self.of("stays")

    @property
    def new(self) -> list[MovementRow]:
        return self.of("new")


def movement(
    region: Region,
    year: int,
    schools: list[School] | SchoolsInView,
    municipality: Municipality | None = None,
    *,
    listed: Listed | None = None,
) -> Movement:
    """The ШНОР of the year's list: left after the year, returned to it, stay, or new in it.

    ``listed``: the territory's lists already read (:class:`~opora.identification.queries.Listed`).
    """
    listed = listed or Listed(region, municipality)
    history = {y: listed.codes(y, ("low_results",)) for y in range(year - HISTORY_YEARS + 1, year + 2)}
    current = history[year]
    if current is None:
        return Movement(year, False, history[year + 1] is not None, ())
    by_code = SchoolsInView.of(schools).by_code(current)
    run = latest_done_run(region, year)
    flags = dict(run.schools.filter(code__in=current).values_list("code", "exited_list")) if run is not None else {}
    following = history[year + 1]
    rows = []
    for code in current:
        school = by_code.get(code)
        if school is None:
            continue
        years = tuple(y for y in range(year - HISTORY_YEARS + 1, year + 1) if code in (history[y] or ()))
        earlier = [y for y in years if y < year]
        next_list = None if following is None else code in following
        if next_list is False or (next_list is None and flags.get(code)):
            status = "left"
        elif history[year - 1] is not None and code not in history[year - 1] and earlier:
            status = "returned"
        elif earlier and year - 1 in earlier:
            status = "stays"
        else:
            status = "new"
        rows.append(MovementRow(school, years, status, flags.get(code), next_list))
    return Movement(year, True, following is not None, tuple(rows))


# ── effect of the program ─────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Effect:
    year: int
    source: str  # how the decision of the list is named
    result: ProgramEffect | None  # None: no list of the year, or no run on the year
    reason: str = ""
    kinds: dict[str, str] = field(default_factory=lambda: dict(SUPPORT_KINDS))


def _selection_run(region: Region, year: int) -> tuple[IdentificationRun | None, str]:
    """The run the year's list was made from: the approved list's run, else the latest on the previous year."""
    for approved in lists_in_force(region, year):
        return (
            approved.run,
            f"перечню, утверждённому приказом № {approved.order_number} от {approved.order_date:%d.%m.%Y}",
        )
    run = latest_done_run(region, year - 1)
    if run is None:
        return None, ""
    return run, f"расчёту № {run.pk} на данных {year - 2}/{year - 1} учебного года, перечень не утверждён"


def support_received(codes: list[str], year: int) -> dict[str, set[str]]:
    """The schools among ``codes`` that received each kind of support in the school year
    (:data:`SUPPORT_KINDS`: a partner school, curator visits held, courses of teachers, events attended)."""
    start, end = school_year_bounds(year)
    return {
        "partner": set(
            Partnership.objects.filter(school__code__in=codes, year=year).values_list("school__code", flat=True)
        ),
        "curator": set(
            MonitoringVisit.objects.filter(
                school__code__in=codes, status=VisitStatus.HELD, visited_on__range=(start, end)
            ).values_list("school__code", flat=True)
        ),
        "courses": set(
            CourseRecord.objects.filter(teacher__school__code__in=codes, finished_on__range=(start, end)).values_list(
                "teacher__school__code", flat=True
            )
        ),
        "events": set(
            Registration.objects.filter(
                school__code__in=codes, attended=True, event__starts_at__date__range=(start, end)
            ).values_list("school__code", flat=True)
        ),
    }


def effect(region: Region, year: int, schools: list[School], municipality: Municipality | None = None) -> Effect:
    """The effect of the year of support for the supported schools among ``schools`` (methodology 4.9).

    The comparison schools come from the whole region: similar schools elsewhere in the region
    are the best comparison a municipality has.
    """
    supported = listed_codes(region, year, ("low_results",), municipality=municipality)
    if supported is None:
        return Effect(
            year, "", None, "нет ни утверждённого перечня, ни расчёта выявления, по которому поддерживались школы"
        )
    selection, source = _selection_run(region, year)
    current = latest_done_run(region, year)
    if selection is None or current is None:
        return Effect(
            year, source, None, f"нет завершённого расчёта выявления на данных {year - 1}/{year} учебного года"
        )
    visible = {school.code for school in schools}
    supported = sorted(code for code in supported if code in visible)
    # supported anywhere in the region: not a comparison school
    elsewhere = set(listed_codes(region, year, ("low_results",)) or ()) - set(supported)
    before = {line["code"]: line for line in selection.schools.values("code", "cluster", "results_index")}
    after = {}
    for code, details in current.schools.values_list("code", "details"):
        yearly = {row.get("year"): row for row in (details or {}).get("yearly", [])}
        after[code] = (yearly.get(year) or {}).get("raw_index")
    kinds = support_received(supported, year)
    rows = [
        {
            "code": code,
            "supported": code in supported,
            "cluster": line["cluster"],
            "index_before": line["results_index"],
            "index_after": after.get(code),
            **{kind: code in found for kind, found in kinds.items()},
        }
        for code, line in before.items()
        if code not in elsewhere
    ]
    schema = {
        "code": pl.String,
        "supported": pl.Boolean,
        "cluster": pl.Int64,
        "index_before": pl.Float64,
        "index_after": pl.Float64,
        **dict.fromkeys(kinds, pl.Boolean),
    }
    frame = pl.DataFrame(rows, schema=schema)
    return Effect(year, source, program_effect(frame, kinds=tuple(SUPPORT_KINDS)))


# ── the council's decisions ───────────────────────────────────────────────────────────────────────


@transaction.atomic
def meeting_save(
    *, meeting: CouncilMeeting | None, region: Region, municipality: Municipality | None, data: dict, by: User | None
) -> CouncilMeeting:
    if data.get("held_on") is None:
        raise ValidationError({"held_on": ["Укажите дату заседания."]})
    if municipality is not None and municipality.region_id != region.pk:
        raise ValidationError({"municipality": ["Муниципалитет не из этого региона."]})
    meeting = meeting or CouncilMeeting(region=region, created_by=by)
    meeting.municipality = municipality
    for name in ("title", "held_on", "protocol_number", "agenda"):
        if name in data:
            value = data[name]
            setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    if not meeting.title:
        meeting.title = CouncilMeeting._meta.get_field("title").default
    meeting.save()
    return meeting


@transaction.atomic
def decision_add(*, meeting: CouncilMeeting, text: str, owner: str, deadline: datetime.date | None, by: User | None):
    errors = {}
    if not text.strip():
        errors["text"] = ["Запишите решение."]
    if not owner.strip():
        errors["owner"] = ["Укажите ответственного."]
    if deadline is not None and deadline < meeting.held_on:
        errors["deadline"] = ["Срок раньше даты заседания."]
    if errors:
        raise ValidationError(errors)
    number = (meeting.decisions.aggregate(top=Max("number"))["top"] or 0) + 1
    return ManagementDecision.objects.create(
        meeting=meeting, number=number, text=text.strip(), owner=owner.strip(), deadline=deadline
    )


@transaction.atomic
def decision_update(*, decision: ManagementDecision, status: str, report: str, by: User | None) -> ManagementDecision:
    """Mark how a decision went; a finished one needs a report."""
    if status not in DecisionStatus.values:
        raise ValidationError({"status": ["Неизвестное состояние решения."]})
    if status not in DECISION_OPEN and status != DecisionStatus.CANCELLED and not report.strip():
        raise ValidationError({"report": ["Кратко опишите, что сделано (или почему не сделано)."]})
    decision.status = status
    decision.report = report.strip()
    decision.status_changed_at, decision.status_changed_by = timezone.now(), by
    decision.save()
    return decision


@dataclass(frozen=True)
class DecisionsReport:
    """Decisions due in a period: which were carried out (seed 000 §6.3: the next report says so)."""

    start: datetime.date
    end: datetime.date
    decisions: tuple[ManagementDecision, ...]

    def _with(self, *statuses: str) -> list[ManagementDecision]:
        return [item for item in self.decisions if item.status in statuses]

    @property
    def done(self) -> list[ManagementDecision]:
        return self._with(DecisionStatus.DONE, DecisionStatus.PARTLY_DONE)

    @property
    def not_done(self) -> list[ManagementDecision]:
        return self._with(DecisionStatus.NOT_DONE)

    @property
    def open(self) -> list[ManagementDecision]:
        return self._with(*DECISION_OPEN)


def decisions_due(decisions, start: datetime.date, end: datetime.date) -> DecisionsReport:
    """The decisions (a queryset) due within [start, end], or taken then without a deadline."""
    due = decisions.filter(deadline__range=(start, end)) | decisions.filter(
        deadline=None, meeting__held_on__range=(start, end)
    )
    rows = due.select_related("meeting").order_by("deadline", "meeting__held_on", "number")
    return DecisionsReport(start, end, tuple(rows))
