"""Documents of monitoring and reports (seed 000 §6): each a Word file from an editable template.

- ``analytic_note`` — the school's analytic note: three years of results by procedure and subject
  with charts, its context against the region, its risk profile, what was done, dynamics, conclusions;
- ``council_report`` — the municipal half-year report to the council of heads: the figures of the
  dashboard (:func:`opora.effectiveness.dashboard.dashboard`, the same the page shows) with its
  charts, and the council's decisions due in the half with which were carried out;
- ``effectiveness_report`` — the annual analysis of effectiveness with proposals for next year;
- ``support_list`` — the schools needing individual methodological support next year (seed 000 6.2);
- ``to_pdf`` — a PDF of any of them where LibreOffice is installed.

Two steps each, as for the order of the list: a ``*_context`` function reads the figures into a
dataclass of plain text (tests compare its figures with the pages'), and the document renders it
with docxtpl into the template built by :mod:`opora.effectiveness.docx_templates` (kept as a .docx
in ``templates/docx/``, editable in Word; a user's own template may be passed as ``template``).
A part without data says «нет данных»; a document never fails for the lack of data.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import shutil
import statistics
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from django.db.models import Q
from django.utils import timezone
from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage

from opora.analytics.effect import POSITIVE as EFFECT_POSITIVE
from opora.core.formatting import date_long, date_short, num, percent, quantity, school_year_label
from opora.core.word import DocumentTemplateError, open_template, render_template
from opora.effectiveness.charts import bars_png, grouped, png
from opora.effectiveness.dashboard import ChartData, Dashboard, chart_data, dashboard
from opora.effectiveness.docx_templates import (
    ANALYTIC_NOTE_TEMPLATE,
    COUNCIL_REPORT_TEMPLATE,
    EFFECTIVENESS_TEMPLATE,
    SUPPORT_LIST_TEMPLATE,
)
from opora.effectiveness.models import CouncilMeeting, ManagementDecision
from opora.effectiveness.services import SUPPORT_KINDS, DecisionsReport, decisions_due, dynamics, effect, movement
from opora.events.models import Registration
from opora.identification.models import RunStatus
from opora.programs.computed import school_year_bounds
from opora.programs.models import Activity, ActivityStatus, Program
from opora.programs.report import HALVES, half_range
from opora.results.models import Procedure
from opora.results.queries import procedures_of, school_results_frame, subject_summary
from opora.risks.models import ProfileFactor, ProfileRun, level_name
from opora.schools.frames import context_frame
from opora.schools.models import Municipality, Region, School, SchoolContext
from opora.schools.queries import CONTEXT_ROWS
from opora.support.models import CourseRecord, CuratorAssignment, MonitoringVisit, Partnership, VisitStatus

__all__ = [
    "DocumentTemplateError",
    "analytic_note",
    "analytic_note_context",
    "council_report",
    "council_report_context",
    "effectiveness_report",
    "effectiveness_report_context",
    "support_list",
    "support_list_context",
    "to_pdf",
]

NO_DATA = "нет данных"
RESULT_YEARS = 3
IMAGE_WIDTH = Cm(16)
PDF_TIMEOUT = 120


# ── shared rows ───────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Figure:
    """A line «label — value» of a table of figures."""

    label: str
    value: str


@dataclass(frozen=True)
class Section:
    """A part of a report: its heading, chart (PNG, None — «нет данных»), figures and notes."""

    heading: str
    chart: bytes | None
    figures: list[Figure]
    notes: list[str]


@dataclass(frozen=True)
class DecisionLine:
    number: str
    text: str
    owner: str
    deadline: str
    status: str
    report: str


def _chart_png(item: ChartData) -> bytes | None:
    if not item.known:
        return None
    return bars_png(item.title, item.rows, item.unit, item.colours)


def chart_value(value: float | int | None, unit: str = "") -> str:
    """A figure of a dashboard's chart as the documents print it: «3», «33,3 %», «нет данных»."""
    if value is None:
        return NO_DATA
    if unit.strip() == "%":
        return f"{num(value, 1)}\u00a0%"
    return num(value, 0 if float(value).is_integer() else 1)


def _figures(item: ChartData) -> list[Figure]:
    return [Figure(label, chart_value(value, item.unit)) for label, value in item.rows]


def _names(rows, limit: int = 30) -> str:
    names = [row.school.display_name for row in rows]
    shown = ", ".join(names[:limit])
    return shown + (f" и ещё {len(names) - limit}" if len(names) > limit else "")


def _decision_lines(report: DecisionsReport, today: datetime.date) -> list[DecisionLine]:
    return [
        DecisionLine(
            number=f"{item.number} (протокол от {date_short(item.meeting.held_on)}"
            + (f" № {item.meeting.protocol_number})" if item.meeting.protocol_number else ")"),
            text=item.text,
            owner=item.owner,
            deadline=date_short(item.deadline) if item.deadline else "без срока",
            status=item.shown_status(today),
            report=item.report or "—",
        )
        for item in report.decisions
    ]


def _decisions_summary(report: DecisionsReport, period: str, today: datetime.date) -> str:
    if not report.decisions:
        return f"Решений совета руководителей со сроком {period} нет: {NO_DATA}."
    total = len(report.decisions)
    overdue = sum(1 for item in report.open if item.is_overdue(today))
    return (
        f"Решений со сроком {period}: {total}; выполнено (полностью или частично) {len(report.done)} "
        f"({percent(len(report.done) / total, 0)}), не выполнено {len(report.not_done)}, "
        f"не завершено {len(report.open)}" + (f", из них просрочено {overdue}." if overdue else ".")
    )


def _council_decisions(region: Region, municipality: Municipality | None):
    # The territory's own council: the municipality's, or the regional one (no municipality).
    meetings = CouncilMeeting.objects.filter(region=region, municipality=municipality)
    return ManagementDecision.objects.filter(meeting__in=meetings)


def _territory_schools(region: Region, municipality: Municipality | None) -> list[School]:
    schools = School.objects.filter(municipality__region=region).select_related("municipality")
    if municipality is not None:
        schools = schools.filter(municipality=municipality)
    return list(schools)


def _territory_name(region: Region, municipality: Municipality | None) -> str:
    return municipality.name if municipality is not None else region.name


# ── the school's analytic note ────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class ResultRow:
    subject: str
    year: str
    participants: str
    success: str
    quality: str
    mean_mark: str
    mean_score: str


@dataclass(frozen=True)
class ProcedureResults:
    name: str
    chart: bytes | None
    rows: list[ResultRow]


@dataclass(frozen=True)
class ContextLine:
    label: str
    school: str
    region: str


@dataclass(frozen=True)
class ActivityLine:
    number: str
    content: str
    deadline: str
    status: str


@dataclass(frozen=True)
class AnalyticNote:
    title: str
    school_name: str
    municipality: str
    school_year: str
    made_on: str
    results_years: str
    procedures: list[ProcedureResults]
    context_note: str
    context_rows: list[ContextLine]
    profile_reference: str
    profile_rows: list[Figure]
    activities: list[ActivityLine]
    support: list[Figure]
    dynamics_text: str
    execution_text: str
    execution_chart: bytes | None
    conclusions: list[str]
    board: Dashboard


def _share_text(value: float | None) -> str:
    return NO_DATA if value is None else percent(value)


def _procedure_results(frame: pl.DataFrame, procedure: str, years: list[int], *, with_chart: bool) -> ProcedureResults:
    summary = subject_summary(frame, procedure).filter(pl.col("year").is_in(years))
    ege = procedure == Procedure.EGE
    rows = [
        ResultRow(
            subject=row["subject"],
            year=school_year_label(row["year"]),
            participants=num(row["participants"]) if row["participants"] is not None else NO_DATA,
            success=_share_text(row["success_share"]),
            quality=_share_text(row["quality_share"]),
            mean_mark=NO_DATA if row["mean_mark"] is None else num(row["mean_mark"], 2),
            mean_score=NO_DATA if row["mean_score"] is None else num(row["mean_score"], 1),
        )
        for row in summary.sort("subject", "year").iter_rows(named=True)
    ]
    value = "mean_score" if ege else "quality_share"
    points = [
        (
            row["subject"],
            school_year_label(row["year"]),
            None if row[value] is None else round(row[value] * (1 if ege else 100), 1),
        )
        for row in summary.sort("subject", "year").iter_rows(named=True)
    ]
    known = any(point[2] is not None for point in points)
    title = (
        f"{procedure}: средний балл по предметам" if ege else f"{procedure}: качество обученности (КО) по предметам, %"
    )
    chart = png(grouped(title, points, unit="балл" if ege else "%")) if known and with_chart else None
    return ProcedureResults(procedure, chart, rows)


def _context_table(school: School, year: int) -> tuple[str, list[ContextLine]]:
    latest = SchoolContext.objects.filter(school=school, year__end_year__lte=year).order_by("-year__end_year").first()
    if latest is None:
        return f"Социальный контекст школы не загружен: {NO_DATA}.", []
    end_year = latest.year.end_year
    frame = context_frame(school.municipality.region, years=[end_year])
    rows = []
    for field, unit, whole in CONTEXT_ROWS:
        if field not in frame.columns:
            continue
        label = str(SchoolContext._meta.get_field(field).verbose_name)
        label = label[:1].upper() + label[1:]
        own = getattr(latest, field)
        if whole:
            values = (
                frame.select((pl.col(field).cast(pl.Float64) / pl.col(whole).cast(pl.Float64)).alias("share"))
                .drop_nulls()["share"]
                .to_list()
            )
            own_whole = getattr(latest, whole)
            own_text = NO_DATA if own is None or not own_whole else f"{num(own)} {unit} ({percent(own / own_whole)})"
            region_text = percent(statistics.median(values)) if values else NO_DATA
        else:
            values = [float(value) for value in frame[field].drop_nulls().to_list()]
            decimals = 1 if unit in ("%", "км", "Мбит/с") else 0
            own_text = NO_DATA if own is None else f"{num(float(own), decimals)} {unit}"
            region_text = f"{num(statistics.median(values), decimals)} {unit}" if values else NO_DATA
        rows.append(ContextLine(label, own_text, region_text))
    note = (
        f"Данные {school_year_label(end_year)} учебного года; для сравнения — медиана по школам региона "
        "(для долей — медиана долей)."
    )
    return note, rows


def _profile(school: School, year: int) -> tuple[str, list[Figure]]:
    run = (
        ProfileRun.objects.filter(
            region=school.municipality.region, status=RunStatus.DONE, year__end_year__lte=year, profiles__school=school
        )
        .select_related("year", "factor_set")
        .order_by("-year__end_year", "-created_at")
        .first()
    )
    if run is None:
        return f"Рисковый профиль школы не рассчитан: {NO_DATA}.", []
    factors = ProfileFactor.objects.filter(profile__run=run, profile__school=school).select_related("factor")
    rows = [Figure(row.factor.name, level_name(row.level)) for row in factors.order_by("factor__number")]
    reference = f"Расчёт рисковых профилей № {run.pk} на данных {run.year.label} учебного года"
    if run.finished_at:
        reference += f" от {date_short(timezone.localdate(run.finished_at))}"
    return reference + ".", rows


def _done_activities(school: School, year: int) -> list[ActivityLine]:
    start, end = school_year_bounds(year)
    activities = (
        Activity.objects.filter(program__in=Program.objects.filter(school=school))
        .filter(Q(ends_on__range=(start, end)) | Q(ends_on=None, program__year__end_year=year))
        .filter(status__in=(ActivityStatus.DONE, ActivityStatus.PARTLY_DONE))
        .order_by("ends_on", "position", "pk")
    )
    return [
        ActivityLine(
            item.number,
            item.content,
            item.deadline or (date_short(item.ends_on) if item.ends_on else "—"),
            item.get_status_display(),
        )
        for item in activities
    ]


def _support_lines(school: School, year: int) -> list[Figure]:
    start, end = school_year_bounds(year)
    curators = CuratorAssignment.objects.filter(school=school, starts_on__lte=end).filter(
        Q(ends_on=None) | Q(ends_on__gte=start)
    )
    curator_names = sorted(
        {item.curator.full_name or item.curator.username for item in curators.select_related("curator")}
    )
    visits = list(
        MonitoringVisit.objects.filter(school=school, status=VisitStatus.HELD, visited_on__range=(start, end))
        .order_by("visited_on")
        .values_list("visited_on", flat=True)
    )
    partners = sorted(
        item.partner.display_name
        for item in Partnership.objects.filter(school=school, year=year).select_related("partner")
    )
    courses = CourseRecord.objects.filter(teacher__school=school, finished_on__range=(start, end))
    course_count = courses.count()
    teachers = len(set(courses.values_list("teacher_id", flat=True)))
    events = sorted(
        set(
            Registration.objects.filter(
                school=school, attended=True, event__starts_at__date__range=(start, end)
            ).values_list("event__title", flat=True)
        )
    )
    return [
        Figure("Закреплённый куратор", ", ".join(curator_names) or NO_DATA),
        Figure(
            "Выезды куратора",
            f"{len(visits)}: " + ", ".join(date_short(day) for day in visits) if visits else NO_DATA,
        ),
        Figure("Школа-партнёр", ", ".join(partners) or NO_DATA),
        Figure(
            "Курсы повышения квалификации",
            f"{quantity(course_count, 'курс', 'курса', 'курсов')}, педагогов {teachers}" if course_count else NO_DATA,
        ),
        Figure("Участие в мероприятиях", "; ".join(events) if events else NO_DATA),
    ]


def analytic_note_context(
    school: School, year: int, *, today: datetime.date | None = None, with_charts: bool = True
) -> AnalyticNote:
    """What the analytic note of ``school`` for the school year ending in ``year`` says."""
    today = today or timezone.localdate()
    region = school.municipality.region
    frame = school_results_frame(school)
    known_years = sorted({value for value in frame["year"].to_list() if value <= year}) if frame.height else []
    years = known_years[-RESULT_YEARS:]
    recent = frame.filter(pl.col("year").is_in(years)) if years else frame.head(0)
    procedures = [
        _procedure_results(recent, name, years, with_chart=with_charts)
        for name in (procedures_of(recent) if years else [])
    ]
    context_note, context_rows = _context_table(school, year)
    profile_reference, profile_rows = _profile(school, year)
    board = dashboard(region, year, [school], school=school, today=today)
    own = next((row for row in board.dynamics.rows if row.school.pk == school.pk), None)
    if not board.dynamics.known_list:
        dynamics_text = f"Перечня ШНОР и ШНСУ на {school_year_label(year)} учебный год нет: динамика — {NO_DATA}."
    elif not board.dynamics.listed:
        dynamics_text = (
            f"Школа не входит в перечень ШНОР и ШНСУ на {school_year_label(year)} учебный год: динамика "
            "результатов ШНОР и ШНСУ к ней не относится."
        )
    elif own is None or own.dynamics is None:
        dynamics_text = (
            f"Индекс результатов школы за {school_year_label(year - 1)} и {school_year_label(year)} учебные годы "
            f"(с погрешностью) не рассчитан: динамика — {NO_DATA}."
        )
    else:
        dynamics_text = (
            f"Индекс результатов: {num(own.before.index, 2)} в {school_year_label(year - 1)} и "
            f"{num(own.after.index, 2)} в {school_year_label(year)} учебном году (изменение {num(own.change, 2)}); "
            f"динамика — {own.label}."
        )
    execution = board.execution
    if execution.total:
        execution_text = (
            f"Мероприятий программ школы со сроком в учебном году: {execution.total}; выполнено {execution.done} "
            f"({percent(execution.done_share)}), в работе {execution.in_progress}, просрочено {execution.overdue}, "
            f"не выполнено {execution.not_done}."
        )
    else:
        execution_text = f"Мероприятий программ школы со сроком в учебном году нет: {NO_DATA}."
    execution_item = next(item for item in chart_data(board) if item.key == "execution")
    support = _support_lines(school, year)
    conclusions = [_note_dynamics(own)]
    high = [row.label for row in profile_rows if row.value == "высокий"]
    if profile_rows:
        conclusions.append(
            "Факторы риска высокого уровня: " + ", ".join(high) + "." if high else "Факторов риска высокого уровня нет."
        )
    else:
        conclusions.append(f"Рисковый профиль: {NO_DATA}; рекомендуется рассчитать профиль и провести анкетирование.")
    conclusions.append(execution_text)
    missing = [row.label.lower() for row in support if row.value == NO_DATA]
    if len(missing) == len(support):
        conclusions.append(f"Сопровождение школы в учебном году не отмечено: {NO_DATA}.")
    elif missing:
        conclusions.append("Не отмечено: " + ", ".join(missing) + ".")
    return AnalyticNote(
        title="Аналитическая справка о результатах и сопровождении школы",
        school_name=school.name,
        municipality=school.municipality.name,
        school_year=school_year_label(year),
        made_on=date_long(today),
        results_years=(
            f"{school_year_label(years[0])}–{school_year_label(years[-1])}"
            if len(years) > 1
            else (school_year_label(years[0]) if years else NO_DATA)
        ),
        procedures=procedures,
        context_note=context_note,
        context_rows=context_rows,
        profile_reference=profile_reference,
        profile_rows=profile_rows,
        activities=_done_activities(school, year),
        support=support,
        dynamics_text=dynamics_text,
        execution_text=execution_text,
        execution_chart=_chart_png(execution_item) if with_charts else None,
        conclusions=conclusions,
        board=board,
    )


def _note_dynamics(own) -> str:
    if own is None or own.dynamics is None:
        return f"Динамику результатов оценить нельзя: {NO_DATA}."
    return f"Динамика индекса результатов за год — {own.label}."


def analytic_note(
    school: School, year: int, *, template: Path | None = None, today: datetime.date | None = None
) -> bytes:
    """The analytic note of the school for the school year ending in ``year`` as a .docx."""
    context = analytic_note_context(school, year, today=today)
    return render_docx(template or ANALYTIC_NOTE_TEMPLATE, _values(context), exclude=("board",))


# ── the council report ────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class IndicatorRow:
    program: str
    name: str
    target: str
    actual: str
    status: str


@dataclass(frozen=True)
class CouncilReport:
    title: str
    territory: str
    period: str
    school_year: str
    made_on: str
    sections: list[Section]
    indicators: list[IndicatorRow]
    decisions_summary: str
    decisions: list[DecisionLine]
    conclusions: list[str]
    board: Dashboard


def last_finished_half(today: datetime.date | None = None) -> tuple[int, int]:
    """The school year (its end year) and half that last ended before ``today``."""
    today = today or timezone.localdate()
    if today.month >= 9:  # the first half of this school year is under way: the second of the last one
        return today.year, 2
    return today.year, 1  # January–August: the first half (September–December) has ended


def _board_sections(board: Dashboard, *, with_charts: bool = True) -> list[Section]:
    items = {item.key: item for item in chart_data(board)}
    moved = board.movement
    lists_notes = []
    if moved.known_list:
        for label, rows in (
            ("Вышли из перечня", moved.left),
            ("Вернулись в перечень", moved.returned),
            ("Остаются в перечне", moved.stays),
        ):
            if rows:
                lists_notes.append(f"{label}: {_names(rows)}.")
    else:
        lists_notes.append(f"Перечня ШНОР и ШНСУ на {school_year_label(board.year)} учебный год нет: {NO_DATA}.")
    coverage = board.coverage
    coverage_notes = (
        [f"ШНОР в перечне: {coverage.shnor}; доля — от их числа."]
        if coverage.shnor
        else [f"ШНОР в перечне нет: охват — {NO_DATA}."]
    )
    execution = board.execution
    execution_notes = (
        [f"Мероприятий со сроком в учебном году: {execution.total}, выполнено {percent(execution.done_share)}."]
        if execution.total
        else [f"Мероприятий со сроком в учебном году нет: {NO_DATA}."]
    )
    indicators = board.indicators
    indicator_notes = (
        [f"Показателей с целевым значением на год: {len(indicators.lines)}."]
        if indicators.lines
        else [f"Показателей с целевым значением на {school_year_label(board.year)} учебный год нет: {NO_DATA}."]
    )
    dynamics_found = board.dynamics
    dynamics_notes = (
        [
            "Динамика учитывается, только если изменение индекса результатов больше его погрешности."
            + (
                f" Доля ШНОР и ШНСУ с положительной динамикой — {percent(dynamics_found.positive_share)}."
                if dynamics_found.positive_share is not None
                else ""
            )
        ]
        if dynamics_found.known_list
        else [f"Перечня на год нет: динамика — {NO_DATA}."]
    )
    notes = {
        "lists": lists_notes,
        "indicators": indicator_notes,
        "execution": execution_notes,
        "coverage": coverage_notes,
        "dynamics": dynamics_notes,
    }
    return [
        Section(
            heading=f"{number}. {item.title}",
            chart=_chart_png(item) if with_charts else None,
            figures=_figures(item),
            notes=notes[key],
        )
        for number, (key, item) in enumerate(items.items(), start=1)
    ]


def _indicator_rows(board: Dashboard) -> list[IndicatorRow]:
    return [
        IndicatorRow(
            line.program,
            f"{line.name}{', ' + line.unit if line.unit else ''}",
            str(line.target),
            NO_DATA if line.actual is None else num(line.actual, 0 if float(line.actual).is_integer() else 2),
            line.status,
        )
        for line in board.indicators.lines
    ]


def council_report_context(
    region: Region,
    municipality: Municipality | None,
    year: int,
    half: int,
    *,
    schools: list[School] | None = None,
    today: datetime.date | None = None,
    with_charts: bool = True,
) -> CouncilReport:
    """The half-year report to the council of heads: the dashboard's figures and the decisions due."""
    if half not in HALVES:
        raise ValueError("Полугодие — 1 или 2.")
    today = today or timezone.localdate()
    schools = _territory_schools(region, municipality) if schools is None else schools
    board = dashboard(region, year, schools, municipality=municipality, today=today)
    start, end = half_range(year, half)
    period = f"{HALVES[half]} {school_year_label(year)} учебного года"
    due = decisions_due(_council_decisions(region, municipality), start, end)
    sections = _board_sections(board, with_charts=with_charts)
    conclusions = []
    if board.execution.total:
        conclusions.append(
            f"Дорожные карты выполнены на {percent(board.execution.done_share)}; просрочено мероприятий: "
            f"{board.execution.overdue}."
        )
    if board.indicators.lines:
        conclusions.append(
            f"Показатели программ: достигнуто {board.indicators.achieved}, не достигнуто "
            f"{board.indicators.not_achieved}, без фактических значений {board.indicators.no_data}."
        )
    if due.decisions:
        conclusions.append(
            f"Решения совета: выполнено {len(due.done)} из {len(due.decisions)}"
            + (f"; не выполнено {len(due.not_done)} — их нужно рассмотреть повторно." if due.not_done else ".")
        )
    if not conclusions:
        conclusions.append(f"Данных о ходе программы за период нет: {NO_DATA}.")
    return CouncilReport(
        title="Отчёт о ходе реализации программы поддержки ШНОР и ШНСУ",
        territory=_territory_name(region, municipality),
        period=period,
        school_year=school_year_label(year),
        made_on=date_long(today),
        sections=sections,
        indicators=_indicator_rows(board),
        decisions_summary=_decisions_summary(due, f"с {date_short(start)} по {date_short(end)}", today),
        decisions=_decision_lines(due, today),
        conclusions=conclusions,
        board=board,
    )


def council_report(
    region: Region,
    municipality: Municipality | None,
    year: int,
    half: int,
    *,
    schools: list[School] | None = None,
    template: Path | None = None,
    today: datetime.date | None = None,
) -> bytes:
    """The half-year report to the council of heads as a .docx (see :func:`council_report_context`)."""
    context = council_report_context(region, municipality, year, half, schools=schools, today=today)
    return render_docx(template or COUNCIL_REPORT_TEMPLATE, _values(context), exclude=("board",))


# ── the annual analysis of effectiveness ──────────────────────────────────────────────────────────


@dataclass(frozen=True)
class DynamicsLine:
    school: str
    categories: str
    before: str
    after: str
    change: str
    dynamics: str


@dataclass(frozen=True)
class MovementLine:
    school: str
    status: str
    years: str
    listed: str


@dataclass(frozen=True)
class EffectLine:
    kind: str
    matched: str
    verdict: str
    estimate: str


@dataclass(frozen=True)
class EffectivenessReport:
    title: str
    territory: str
    school_year: str
    next_year: str
    made_on: str
    dynamics_text: str
    dynamics_chart: bytes | None
    dynamics_rows: list[DynamicsLine]
    movement_text: str
    movement_chart: bytes | None
    movement_rows: list[MovementLine]
    effect_text: list[str]
    effect_rows: list[EffectLine]
    decisions_summary: str
    decisions: list[DecisionLine]
    proposals: list[str]


def _estimate_text(estimate) -> str:
    if estimate.effect is None:
        return NO_DATA
    if estimate.lower is None:
        return num(estimate.effect, 2)
    return f"{num(estimate.effect, 2)} (от {num(estimate.lower, 2)} до {num(estimate.upper, 2)})"


def effectiveness_report_context(
    region: Region,
    municipality: Municipality | None,
    year: int,
    *,
    schools: list[School] | None = None,
    today: datetime.date | None = None,
    with_charts: bool = True,
) -> EffectivenessReport:
    """The annual analysis of effectiveness of the program for the school year ending in ``year``."""
    today = today or timezone.localdate()
    schools = _territory_schools(region, municipality) if schools is None else schools
    board = dashboard(region, year, schools, municipality=municipality, today=today)
    found_dynamics, moved = board.dynamics, board.movement
    found_effect = effect(region, year, schools, municipality)
    items = {item.key: item for item in chart_data(board)}
    if found_dynamics.known_list:
        dynamics_text = (
            f"ШНОР и ШНСУ в перечне: {found_dynamics.listed}; динамика известна у {found_dynamics.known}: "
            f"положительная — {found_dynamics.positive}, без значимых изменений — {found_dynamics.unchanged}, "
            f"отрицательная — {found_dynamics.negative}; {NO_DATA} — {found_dynamics.no_data}. Изменение индекса "
            "засчитывается, только если оно больше его погрешности."
        )
    else:
        dynamics_text = f"Перечня ШНОР и ШНСУ на {school_year_label(year)} учебный год нет: динамика — {NO_DATA}."
    if moved.known_list:
        movement_text = (
            f"ШНОР в перечне: {len(moved.rows)}; вышли из перечня — {len(moved.left)}, вернулись — "
            f"{len(moved.returned)}, остаются — {len(moved.stays)}, впервые в перечне — {len(moved.new)}."
            + (
                ""
                if moved.next_known
                else " Перечень следующего года ещё не утверждён: выход определён по правилу выхода расчёта выявления."
            )
        )
    else:
        movement_text = f"Перечня ШНОР на {school_year_label(year)} учебный год нет: движение — {NO_DATA}."
    result = found_effect.result
    effect_rows: list[EffectLine] = []
    if result is None:
        effect_text = [f"Эффект программы: {NO_DATA} ({found_effect.reason})."]
    else:
        effect_text = [
            f"Поддержанные школы — ШНОР по {found_effect.source} — сравниваются с неподдержанными школами региона "
            "того же кластера и того же уровня результатов до поддержки: эффект — насколько больше изменился их "
            "индекс результатов. Это не доказательство причинности: школы распределялись по поддержке не случайно.",
            f"В целом: {result.overall.label}"
            + (f", {_estimate_text(result.overall)}" if result.overall.effect is not None else "")
            + f". Поддержанных школ {result.supported}, из них с подобранными парами {result.overall.matched}; "
            f"школ сравнения {result.overall.comparison}.",
        ]
        effect_rows = [
            EffectLine("в целом", str(result.overall.matched), result.overall.label, _estimate_text(result.overall)),
            *(
                EffectLine(SUPPORT_KINDS[key], str(estimate.matched), estimate.label, _estimate_text(estimate))
                for key, estimate in result.by_kind.items()
            ),
        ]
    start, end = school_year_bounds(year)
    due = decisions_due(_council_decisions(region, municipality), start, end)
    proposals = _proposals(board, found_effect, year)
    return EffectivenessReport(
        title="Анализ эффективности реализации программы поддержки ШНОР и ШНСУ",
        territory=_territory_name(region, municipality),
        school_year=school_year_label(year),
        next_year=school_year_label(year + 1),
        made_on=date_long(today),
        dynamics_text=dynamics_text,
        dynamics_chart=_chart_png(items["dynamics"]) if with_charts else None,
        dynamics_rows=[
            DynamicsLine(
                row.school.display_name,
                row.categories,
                num(row.before.index, 2),
                num(row.after.index, 2),
                num(row.change, 2),
                row.label,
            )
            for row in found_dynamics.rows
        ],
        movement_text=movement_text,
        movement_chart=_chart_png(items["lists"]) if with_charts else None,
        movement_rows=[
            MovementLine(
                row.school.display_name,
                row.status_label,
                str(len(row.support_years)),
                ", ".join(school_year_label(item) for item in row.support_years),
            )
            for row in moved.rows
        ],
        effect_text=effect_text,
        effect_rows=effect_rows,
        decisions_summary=_decisions_summary(due, f"в {school_year_label(year)} учебном году", today),
        decisions=_decision_lines(due, today),
        proposals=proposals,
    )


def _proposals(board: Dashboard, found_effect, year: int) -> list[str]:
    next_label = school_year_label(year + 1)
    proposals = []
    long_stay = [row for row in board.movement.rows if row.status != "left" and len(row.support_years) >= 2]
    if long_stay:
        proposals.append(
            f"Предлагается назначить индивидуальное методическое сопровождение на {next_label} учебный год школам, "
            f"которые находятся в перечне два года и более: {_names(long_stay)}."
        )
    returned = board.movement.returned
    if returned:
        proposals.append(
            f"Предлагается проанализировать причины возвращения в перечень школ: {_names(returned)} — и "
            "предусмотреть для них индивидуальное сопровождение."
        )
    result = found_effect.result
    if result is not None:
        positive = [SUPPORT_KINDS[key] for key, item in result.by_kind.items() if item.verdict == EFFECT_POSITIVE]
        if positive:
            proposals.append(
                "Предлагается сохранить в плане следующего года виды поддержки, у которых выявлен положительный "
                f"эффект: {', '.join(positive)}."
            )
        elif result.by_kind:
            proposals.append(
                "Ни у одного вида поддержки положительный эффект не выявлен (или данных недостаточно): предлагается "
                "не делать выводов об отказе от видов поддержки, а продолжить наблюдение ещё один год."
            )
    missed = [line for line in board.indicators.lines if line.status == "не достигнут"]
    if missed:
        names = "; ".join(f"{line.name} ({line.program})" for line in missed[:10])
        proposals.append(f"Предлагается пересмотреть мероприятия по недостигнутым показателям: {names}.")
    if board.execution.overdue:
        proposals.append(
            f"Просрочено мероприятий дорожных карт: {board.execution.overdue}; предлагается уточнить сроки и "
            "ответственных в плане следующего года."
        )
    coverage = board.coverage
    if coverage.shnor and coverage.curator is not None and coverage.curator < coverage.shnor:
        proposals.append(
            f"Куратор закреплён не за всеми ШНОР ({coverage.curator} из {coverage.shnor}): предлагается закрепить "
            "кураторов за остальными."
        )
    if not proposals:
        proposals.append(f"Оснований для предложений нет: {NO_DATA} о ходе программы за год.")
    return proposals


def effectiveness_report(
    region: Region,
    municipality: Municipality | None,
    year: int,
    *,
    schools: list[School] | None = None,
    template: Path | None = None,
    today: datetime.date | None = None,
) -> bytes:
    """The annual analysis of effectiveness as a .docx (see :func:`effectiveness_report_context`)."""
    context = effectiveness_report_context(region, municipality, year, schools=schools, today=today)
    return render_docx(template or EFFECTIVENESS_TEMPLATE, _values(context))


# ── the list of schools needing individual support ────────────────────────────────────────────────


@dataclass(frozen=True)
class SupportLine:
    number: int
    code: str
    name: str
    municipality: str
    years: str
    listed: str
    reasons: str


@dataclass(frozen=True)
class SupportList:
    title: str
    territory: str
    school_year: str
    next_year: str
    made_on: str
    basis: str
    entries: list[SupportLine]
    empty_text: str


def support_list_context(
    region: Region,
    municipality: Municipality | None,
    year: int,
    *,
    schools: list[School] | None = None,
    today: datetime.date | None = None,
) -> SupportList:
    """Seed 000 6.2: the ШНОР of the year's list that stay in it or returned to it, for support next year."""
    today = today or timezone.localdate()
    schools = _territory_schools(region, municipality) if schools is None else schools
    moved = movement(region, year, schools, municipality)
    found = {row.school.pk: row for row in dynamics(region, year, schools, municipality).rows}
    chosen = [
        row
        for row in moved.rows
        if row.status in ("stays", "returned") and row.next_list is not False and not row.exit_rule
    ]
    entries = []
    for number, row in enumerate(sorted(chosen, key=lambda item: (-len(item.support_years), item.school.code)), 1):
        reasons = [row.status_label]
        count = len(row.support_years)
        reasons.append(f"в перечне {quantity(count, 'год', 'года', 'лет')}")
        if row.next_list:
            reasons.append(f"включена в перечень на {school_year_label(year + 1)} учебный год")
        state = found.get(row.school.pk)
        reasons.append(f"динамика результатов — {state.label if state else NO_DATA}")
        entries.append(
            SupportLine(
                number=number,
                code=row.school.code,
                name=row.school.display_name,
                municipality=row.school.municipality.name,
                years=str(count),
                listed=", ".join(school_year_label(item) for item in row.support_years),
                reasons="; ".join(reasons),
            )
        )
    if not moved.known_list:
        empty = f"Перечня ШНОР на {school_year_label(year)} учебный год нет: {NO_DATA}."
    else:
        empty = "Школ, которые остаются в перечне или вернулись в него, нет."
    return SupportList(
        title="Перечень школ, нуждающихся в индивидуальном методическом сопровождении",
        territory=_territory_name(region, municipality),
        school_year=school_year_label(year),
        next_year=school_year_label(year + 1),
        made_on=date_long(today),
        basis=(
            f"В перечень включены ШНОР перечня на {school_year_label(year)} учебный год, которые остаются в "
            "перечне ШНОР (находятся в нём два года подряд и более) или вернулись в него, и не вышли из него по "
            "правилу выхода: им на следующий учебный год назначается индивидуальное методическое сопровождение."
        ),
        entries=entries,
        empty_text=empty,
    )


def support_list(
    region: Region,
    municipality: Municipality | None,
    year: int,
    *,
    schools: list[School] | None = None,
    template: Path | None = None,
    today: datetime.date | None = None,
) -> bytes:
    """The list of schools needing individual methodological support next year as a .docx."""
    context = support_list_context(region, municipality, year, schools=schools, today=today)
    return render_docx(template or SUPPORT_LIST_TEMPLATE, _values(context))


# ── rendering ─────────────────────────────────────────────────────────────────────────────────────


def _values(context: Any) -> dict[str, Any]:
    """A context dataclass as the template's values (charts stay PNG bytes until rendering)."""
    return {item.name: getattr(context, item.name) for item in dataclasses.fields(context)}


def _plain(value: Any, document: DocxTemplate, name: str = "") -> Any:
    if isinstance(value, bytes):
        return InlineImage(document, io.BytesIO(value), width=IMAGE_WIDTH)
    if value is None and "chart" in name:
        return NO_DATA
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {item.name: _plain(getattr(value, item.name), document, item.name) for item in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(item, document, name) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item, document, key) for key, item in value.items()}
    return value


def render_docx(template: Path, values: dict[str, Any], *, exclude: tuple[str, ...] = ()) -> bytes:
    """Render a docxtpl template with ``values``; an unknown placeholder is refused by name.

    Raises
    ------
    DocumentTemplateError
        The template is not a .docx, has a broken tag or uses an unknown placeholder.
    """
    document = open_template(template)
    context = {key: _plain(value, document, key) for key, value in values.items() if key not in exclude}
    context["no_data"] = NO_DATA
    return render_template(document, context)


def to_pdf(docx: bytes) -> bytes | None:
    """The document as PDF through LibreOffice (``soffice --headless``); None when it is not installed."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.docx"
        source.write_bytes(docx)
        subprocess.run(
            [
                soffice,
                "--headless",
                f"-env:UserInstallation=file://{folder}/profile",
                "--convert-to",
                "pdf",
                "--outdir",
                folder,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=PDF_TIMEOUT,
        )
        result = Path(folder) / "document.pdf"
        return result.read_bytes() if result.is_file() else None
