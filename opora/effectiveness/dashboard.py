"""The state of the program on one page, for a territory or a school, and the same figures for the
documents: the lists and their movement, indicators plan against fact, roadmap execution, support
coverage and dynamics.

A part without data says «нет данных» (None), never 0: no list of the year, no programs, no
indicators with a target for the year.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from opora.core.formatting import school_year_label
from opora.effectiveness.services import (
    Dynamics,
    Movement,
    SchoolsInView,
    dynamics,
    movement,
    support_received,
)
from opora.identification.queries import Listed
from opora.programs.computed import school_year_bounds
from opora.programs.indicators import ACHIEVED, NO_DATA, NOT_ACHIEVED, period_year, plan_fact
from opora.programs.models import UNFINISHED, Activity, ActivityStatus, Program, ProgramIndicator
from opora.schools.models import Municipality, Region, School
from opora.support.models import CuratorAssignment


@dataclass(frozen=True)
class Lists:
    low_results: int | None  # ШНОР of the year's list in the scope; None: no list known
    unfavourable: int | None


@dataclass(frozen=True)
class IndicatorLine:
    program: str
    name: str
    unit: str
    target: str
    actual: float | None
    status: str


@dataclass(frozen=True)
class Indicators:
    lines: tuple[IndicatorLine, ...]

    def count(self, status: str) -> int:
        return sum(1 for line in self.lines if line.status == status)

    @property
    def achieved(self) -> int:
        return self.count(ACHIEVED)

    @property
    def not_achieved(self) -> int:
        return self.count(NOT_ACHIEVED)

    @property
    def no_data(self) -> int:
        return self.count(NO_DATA)


@dataclass(frozen=True)
class Execution:
    """The activities of the year's roadmaps and programs: how many are done, under way, overdue."""

    total: int
    done: int
    in_progress: int
    overdue: int
    not_done: int
    other: int

    @property
    def done_share(self) -> float | None:
        return self.done / self.total if self.total else None


@dataclass(frozen=True)
class Coverage:
    """How many of the year's ШНОР got each kind of support (None: no list of the year)."""

    shnor: int | None
    curator: int | None
    partner: int | None
    courses: int | None
    events: int | None
    visits: int | None

    def share(self, part: int | None) -> float | None:
        return part / self.shnor if part is not None and self.shnor else None


@dataclass(frozen=True)
class Dashboard:
    region: Region
    municipality: Municipality | None
    school: School | None
    year: int
    lists: Lists
    movement: Movement
    indicators: Indicators
    execution: Execution
    coverage: Coverage
    dynamics: Dynamics

    @property
    def territory(self) -> str:
        if self.school is not None:
            return self.school.display_name
        return self.municipality.name if self.municipality is not None else self.region.name


def _programs(region: Region, municipality: Municipality | None, school: School | None):
    programs = Program.objects.filter(region=region)
    if school is not None:
        return programs.filter(school=school)
    if municipality is not None:
        return programs.filter(Q(municipality=municipality) | Q(school__municipality=municipality))
    return programs


def _indicators(programs, year: int) -> Indicators:
    wanted = school_year_label(year)
    lines = []
    indicators = (
        ProgramIndicator.objects.filter(program__in=programs)
        .select_related("program")
        .prefetch_related("actuals")
        .order_by("program__title", "position", "pk")
    )
    for indicator in indicators:
        row = next((item for item in plan_fact(indicator) if period_year(item.period) == year), None)
        if row is None:
            continue
        lines.append(
            IndicatorLine(
                program=indicator.program.title,
                name=indicator.name,
                unit=indicator.unit,
                target=row.target or wanted,
                actual=row.actual,
                status=row.status,
            )
        )
    return Indicators(tuple(lines))


def _execution(programs, year: int, today: datetime.date) -> Execution:
    start, end = school_year_bounds(year)
    activities = Activity.objects.filter(program__in=programs).filter(
        Q(ends_on__range=(start, end)) | Q(ends_on=None, program__year__end_year=year)
    )
    counts = {"done": 0, "in_progress": 0, "overdue": 0, "not_done": 0, "other": 0}
    total = 0
    for status, ends_on in activities.values_list("status", "ends_on"):
        total += 1
        if ends_on is not None and ends_on < today and status in UNFINISHED:
            counts["overdue"] += 1
        elif status in (ActivityStatus.DONE, ActivityStatus.PARTLY_DONE):
            counts["done"] += 1
        elif status == ActivityStatus.IN_PROGRESS:
            counts["in_progress"] += 1
        elif status == ActivityStatus.NOT_DONE:
            counts["not_done"] += 1
        else:
            counts["other"] += 1
    return Execution(total=total, **counts)


def _coverage(codes: list[str] | None, year: int) -> Coverage:
    if codes is None:
        return Coverage(None, None, None, None, None, None)
    start, end = school_year_bounds(year)
    received = support_received(codes, year)
    assigned = CuratorAssignment.objects.filter(school__code__in=codes, starts_on__lte=end).filter(
        Q(ends_on=None) | Q(ends_on__gte=start)
    )
    return Coverage(
        shnor=len(codes),
        curator=len(set(assigned.values_list("school__code", flat=True))),
        partner=len(received["partner"]),
        courses=len(received["courses"]),
        events=len(received["events"]),
        visits=len(received["curator"]),
    )


def dashboard(
    region: Region,
    year: int,
    schools: list[School] | SchoolsInView,
    *,
    municipality: Municipality | None = None,
    school: School | None = None,
    today: datetime.date | None = None,
) -> Dashboard:
    """The program's state in the school year for the territory (or one school) among ``schools``."""
    today = today or timezone.localdate()
    if school is not None:
        schools = [school]
        municipality = school.municipality
    visible = SchoolsInView.of(schools).codes
    listed = Listed(region, municipality)  # each year's list read once for all the parts below
    low = listed.codes(year, ("low_results",))
    unfavourable = listed.codes(year, ("unfavourable",))
    low_here = None if low is None else sorted(code for code in low if code in visible)
    programs = _programs(region, municipality, school)
    return Dashboard(
        region=region,
        municipality=municipality,
        school=school,
        year=year,
        lists=Lists(
            low_results=None if low_here is None else len(low_here),
            unfavourable=None if unfavourable is None else sum(1 for code in unfavourable if code in visible),
        ),
        movement=movement(region, year, schools, municipality, listed=listed),
        indicators=_indicators(programs, year),
        execution=_execution(programs, year, today),
        coverage=_coverage(low_here, year),
        dynamics=dynamics(region, year, schools, municipality, listed=listed),
    )


@dataclass(frozen=True)
class ChartData:
    """One chart of the dashboard: its title, rows (label, value) and how they are drawn."""

    key: str
    title: str
    rows: tuple[tuple[str, float | int | None], ...]
    unit: str = ""
    colours: tuple[str, ...] = ()

    @property
    def known(self) -> bool:
        """Whether any of its figures is known (a chart of nothing but «нет данных» is not drawn)."""
        return any(value is not None for _label, value in self.rows)


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def chart_data(board: Dashboard) -> list[ChartData]:
    """The charts of a dashboard, in the order the page shows them (the documents draw the same)."""
    good, neutral, bad, main = "#3b7d3b", "#8a94a3", "#b8463a", "#2a5db0"
    moved = board.movement
    known = moved.known_list
    coverage = board.coverage
    return [
        ChartData(
            "lists",
            "Перечни и движение ШНОР",
            (
                ("ШНОР в перечне", board.lists.low_results),
                ("ШНСУ в перечне", board.lists.unfavourable),
                ("вышли из перечня", len(moved.left) if known else None),
                ("вернулись в перечень", len(moved.returned) if known else None),
                ("остаются в перечне", len(moved.stays) if known else None),
                ("впервые в перечне", len(moved.new) if known else None),
            ),
            colours=(main, main, good, bad, neutral, main),
        ),
        ChartData(
            "indicators",
            "Показатели программ: план и факт",
            (
                ("достигнуты", board.indicators.achieved if board.indicators.lines else None),
                ("не достигнуты", board.indicators.not_achieved if board.indicators.lines else None),
                ("нет данных", board.indicators.no_data if board.indicators.lines else None),
            ),
            colours=(good, bad, neutral),
        ),
        ChartData(
            "execution",
            "Исполнение дорожных карт",
            tuple(
                (label, value if board.execution.total else None)
                for label, value in (
                    ("выполнено", board.execution.done),
                    ("в работе", board.execution.in_progress),
                    ("просрочено", board.execution.overdue),
                    ("не выполнено", board.execution.not_done),
                    ("не начато или отменено", board.execution.other),
                )
            ),
            colours=(good, main, bad, bad, neutral),
        ),
        ChartData(
            "coverage",
            "Охват ШНОР поддержкой",
            (
                ("закреплён куратор", _percent(coverage.share(coverage.curator))),
                ("выезды куратора", _percent(coverage.share(coverage.visits))),
                ("школа-партнёр", _percent(coverage.share(coverage.partner))),
                ("курсы педагогов", _percent(coverage.share(coverage.courses))),
                ("участие в мероприятиях", _percent(coverage.share(coverage.events))),
            ),
            unit=" %",
        ),
        ChartData(
            "dynamics",
            "Динамика результатов ШНОР и ШНСУ",
            tuple(
                (label, value if board.dynamics.known_list else None)
                for label, value in (
                    ("положительная", board.dynamics.positive),
                    ("без значимых изменений", board.dynamics.unchanged),
                    ("отрицательная", board.dynamics.negative),
                    ("нет данных", board.dynamics.no_data),
                )
            ),
            colours=(good, neutral, bad, neutral),
        ),
    ]
