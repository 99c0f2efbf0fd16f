"""The half-year monitoring report of the programs (seed 002, item 32; seed 003: analysis every half-year).

``monitoring_context`` reads the programs a user sees for a half-year of a school year into plain
text and numbers (``MonitoringReport``); ``monitoring_docx`` lays it out as a Word document. An
indicator without an actual value is «нет данных», never «не достигнут».
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from django.utils import timezone
from docx import Document
from docx.shared import Pt

from opora.accounts.models import User
from opora.accounts.scopes import describe_scope
from opora.core.formatting import date_long, percent, quantity, school_year_label
from opora.programs.models import UNFINISHED, Activity, ActivityStatus, Program, ProgramIndicator

HALVES = {1: "I полугодие", 2: "II полугодие"}


def half_range(end_year: int, half: int) -> tuple[datetime.date, datetime.date]:
    """The dates of a half of the school year ending in ``end_year``: September–December or January–August."""
    if half == 1:
        return datetime.date(end_year - 1, 9, 1), datetime.date(end_year - 1, 12, 31)
    return datetime.date(end_year, 1, 1), datetime.date(end_year, 8, 31)


@dataclass(frozen=True)
class SchoolLine:
    name: str
    due: int
    done: int
    in_progress: int
    overdue: int
    not_done: int


@dataclass(frozen=True)
class MonitoringReport:
    title: str
    territory: str
    period: str
    made_on: str
    programs: list[tuple[str, int]]
    due: int
    done: int
    overdue: int
    schools: list[SchoolLine]
    overdue_lines: list[str]
    indicators: list[tuple[str, str, str, str, str]]  # program, indicator, target, actual, status
    reviews: list[str]
    missed_reviews: list[str]
    conclusions: list[str] = field(default_factory=list)


def monitoring_context(user: User, end_year: int, half: int, *, today: datetime.date | None = None) -> MonitoringReport:
    """The report of the programs the user sees for a half-year of the school year ending in ``end_year``."""
    from opora.programs.indicators import plan_fact

    today = today or timezone.localdate()
    start, end = half_range(end_year, half)
    period = f"{HALVES[half]} {school_year_label(end_year)} учебного года"
    programs = Program.objects.visible_to(user).select_related("school")
    by_status: dict[str, int] = {}
    for program in programs:
        label = f"{program.get_kind_display()} — {program.get_status_display()}"
        by_status[label] = by_status.get(label, 0) + 1
    activities = list(
        Activity.objects.filter(program__in=programs, ends_on__gte=start, ends_on__lte=end)
        .select_related("program__school")
        .order_by("ends_on", "pk")
    )
    schools: dict[str, dict[str, int]] = {}
    overdue_lines = []
    for activity in activities:
        name = activity.program.school.display_name if activity.program.school_id else "Программы территории"
        row = schools.setdefault(name, {"due": 0, "done": 0, "in_progress": 0, "overdue": 0, "not_done": 0})
        row["due"] += 1
        if activity.status in (ActivityStatus.DONE, ActivityStatus.PARTLY_DONE):
            row["done"] += 1
        elif activity.is_overdue(today):
            row["overdue"] += 1
            deadline = activity.deadline or f"{activity.ends_on:%d.%m.%Y}"
            overdue_lines.append(f"{name}: {activity.content} (срок: {deadline})")
        elif activity.status in UNFINISHED:
            row["in_progress"] += 1
        elif activity.status == ActivityStatus.NOT_DONE:
            row["not_done"] += 1
    lines = [SchoolLine(name, **counts) for name, counts in sorted(schools.items())]
    indicators = []
    for indicator in ProgramIndicator.objects.filter(program__in=programs).select_related("program"):
        rows = plan_fact(indicator)
        if not rows:
            continue
        last = rows[-1]
        shown = "нет данных" if last.actual is None else str(last.actual).replace(".", ",")
        indicators.append((indicator.program.title, indicator.name, str(last.target or "—"), shown, last.status))
    reviewed = [
        f"{review.reviewed_on:%d.%m.%Y} — {review.program.title}: {review.get_overall_display()}"
        for program in programs
        for review in program.reviews.filter(reviewed_on__gte=start, reviewed_on__lte=end).select_related("program")
    ]
    missed = [
        f"{program.next_review_on:%d.%m.%Y} — {program.title}"
        for program in programs.filter(next_review_on__lt=min(today, end), next_review_on__gte=start)
    ]
    due = sum(line.due for line in lines)
    done = sum(line.done for line in lines)
    overdue = sum(line.overdue for line in lines)
    conclusions = []
    if due:
        conclusions.append(f"Из {quantity(due, 'мероприятия', 'мероприятий', 'мероприятий')} со сроком в периоде "
                           f"выполнено {done} ({percent(done / due, 0)}), просрочено {overdue}.")  # fmt: skip
        lagging = sorted((line for line in lines if line.overdue), key=lambda line: -line.overdue)[:5]
        if lagging:
            conclusions.append(
                "Больше всего просроченных мероприятий: "
                + "; ".join(f"{line.name} — {line.overdue}" for line in lagging)
                + ". Рекомендуется рассмотреть их на совещании и назначить куратору выездной мониторинг."
            )
    else:
        conclusions.append("Мероприятий со сроком в этом периоде нет.")
    missed_indicators = [row for row in indicators if row[4] == "не достигнут"]
    if missed_indicators:
        conclusions.append(f"Не достигнуто целевых значений показателей: {len(missed_indicators)}.")
    if missed:
        conclusions.append(f"Не проведено обзоров прогресса в назначенный срок: {len(missed)}.")
    return MonitoringReport(
        title="Аналитическая справка о ходе реализации программ поддержки школ",
        territory=describe_scope(user),
        period=period,
        made_on=date_long(today),
        programs=sorted(by_status.items()),
        due=due,
        done=done,
        overdue=overdue,
        schools=lines,
        overdue_lines=overdue_lines[:200],
        indicators=indicators,
        reviews=reviewed,
        missed_reviews=missed,
        conclusions=conclusions,
    )


def monitoring_docx(report: MonitoringReport) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    document.add_heading(report.title, level=1)
    document.add_paragraph(f"{report.territory}, {report.period}. Составлена {report.made_on}.")
    document.add_heading("1. Программы", level=2)
    if report.programs:
        _table(document, ("Вид и состояние", "Программ"), [(label, str(count)) for label, count in report.programs])
    else:
        document.add_paragraph("Программ нет.")
    document.add_heading("2. Исполнение мероприятий со сроком в периоде", level=2)
    if report.schools:
        _table(
            document,
            ("Школа", "Со сроком в периоде", "Выполнено", "В работе", "Просрочено", "Не выполнено"),
            [
                (line.name, str(line.due), str(line.done), str(line.in_progress), str(line.overdue), str(line.not_done))
                for line in report.schools
            ],
        )
    else:
        document.add_paragraph("Мероприятий со сроком в периоде нет.")
    document.add_heading("3. Просроченные мероприятия", level=2)
    for line in report.overdue_lines or ["Просроченных мероприятий нет."]:
        document.add_paragraph(line, style="List Bullet" if report.overdue_lines else None)
    document.add_heading("4. Показатели: план и факт", level=2)
    if report.indicators:
        _table(document, ("Программа", "Показатель", "Цель", "Факт", "Итог"), report.indicators)
    else:
        document.add_paragraph("Показателей нет.")
    document.add_heading("5. Обзоры прогресса", level=2)
    for line in report.reviews or ["Обзоров в периоде не было."]:
        document.add_paragraph(line)
    if report.missed_reviews:
        document.add_paragraph("Не проведены в срок:")
        for line in report.missed_reviews:
            document.add_paragraph(line, style="List Bullet")
    document.add_heading("6. Выводы", level=2)
    for line in report.conclusions:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _table(document, header, rows) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
