"""Importing a roadmap or an indicator table from a Word or Excel file: check, preview, then write.

``program_import_check`` reads the file (``opora.programs.reading``), parses every deadline within
the program's period (``opora.programs.deadlines``), checks what the database would refuse (too
long a number or title) and says what will happen: how many sections, activities and indicators
will be added, into which program, and what they replace. Nothing is written. The preview then
goes to ``program_import_apply``, which writes all of it in one transaction or nothing: into an
existing program (its roadmap or its indicators replaced) or into a new draft program.

The period a deadline is read in: the program's own (its dates, else its school year); for a new
program the one the document names (its «Сроки реализации», its title or its order), else the
years its deadlines or its year columns name, else the current school year.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from opora.accounts.models import User
from opora.core.formatting import date_short, quantity
from opora.programs.deadlines import parse_deadline, school_year_period, years_period
from opora.programs.models import (
    Activity,
    IndicatorDirection,
    Program,
    ProgramIndicator,
    ProgramKind,
    ProgramSection,
    ProgramStatus,
)
from opora.programs.reading import (
    PASSPORT_FIELDS,
    ActivityRow,
    IndicatorRow,
    Kind,
    Problem,
    ProblemGroup,
    ProgramFile,
    SectionRow,
    group_problems,
    read_program_file,
)
from opora.schools.models import Municipality, Region, School, SchoolYear

ImportKind = Literal["roadmap", "indicators"]
Period = tuple[datetime.date, datetime.date]
_EVERYTHING: Period = (datetime.date(1990, 1, 1), datetime.date(2100, 12, 31))


@dataclass(frozen=True)
class ActivityLine:
    """An activity as it will be written: its section and its deadline as written and as dates."""

    row: ActivityRow
    section: SectionRow | None
    starts_on: datetime.date | None
    ends_on: datetime.date | None


@dataclass(frozen=True)
class ImportPreview:
    """What an import will write, and what is wrong with the file (then it writes nothing).

    ``kinds`` are the tables found and to be written («roadmap», «indicators»); ``replaces``
    says, in Russian, what of the program they replace; ``period`` is the period the deadlines
    were read in and ``period_source`` where it comes from.
    """

    file_name: str
    document: ProgramFile
    kinds: tuple[ImportKind, ...]
    period: Period
    period_source: str
    activities: tuple[ActivityLine, ...]
    problems: tuple[Problem, ...]
    program_id: int | None = None
    program_title: str = ""
    replaces: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def sections(self) -> tuple[SectionRow, ...]:
        return self.document.sections if "roadmap" in self.kinds else ()

    @property
    def indicators(self) -> tuple[IndicatorRow, ...]:
        return self.document.indicators if "indicators" in self.kinds else ()

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def groups(self) -> list[ProblemGroup]:
        return group_problems(self.problems)

    @property
    def counts(self) -> dict[str, int]:
        return {"sections": len(self.sections), "activities": len(self.activities), "indicators": len(self.indicators)}

    @property
    def summary(self) -> str:
        """One paragraph in Russian: what was found, where it goes, whether it can be written."""
        found = []
        if "roadmap" in self.kinds:
            tables = ", ".join(self.document.tables["roadmap"])
            found.append(
                f"дорожная карта ({tables}): {quantity(len(self.sections), 'раздел', 'раздела', 'разделов')}, "
                f"{quantity(len(self.activities), 'мероприятие', 'мероприятия', 'мероприятий')}"
            )
        if "indicators" in self.kinds:
            tables = ", ".join(self.document.tables["indicators"])
            years = ", ".join(self.document.years)
            found.append(
                f"таблица показателей ({tables}): "
                f"{quantity(len(self.indicators), 'показатель', 'показателя', 'показателей')}"
                + (f" с целевыми значениями на {years}" if years else "")
            )
        text = f"Файл «{self.file_name}»: " + ("; ".join(found) if found else "таблицы программы не найдены") + "."
        if self.program_id is not None:
            text += f" Загрузка в программу № {self.program_id} «{self.program_title}»."
        elif self.kinds:
            text += f" Будет создан черновик новой программы «{self.program_title}»."
        if "roadmap" in self.kinds:
            text += (
                f" Сроки переведены в даты в пределах периода {date_short(self.period[0])}–"
                f"{date_short(self.period[1])} ({self.period_source})."
            )
        if self.ok:
            text += " Ошибок нет."
        else:
            text += f" Ошибок: {len(self.errors)}; ничего не будет записано, пока они не исправлены."
        if self.warnings:
            text += f" Предупреждений: {len(self.warnings)}."
        return text

    def report(self) -> list[str]:
        """The summary, what is replaced, notes, then the problems grouped: lines for a page or a terminal."""
        lines = [self.summary, *self.replaces, *self.notes]
        for group in self.groups:
            lines.append(f"{'Ошибка' if group.level == 'error' else 'Предупреждение'}. {group}")
        return lines


def program_import_check(
    content: bytes, file_name: str, kind: ImportKind | None, *, program: Program | None = None
) -> ImportPreview:
    """Read a roadmap or an indicator table from a .docx or .xlsx file and say what importing it will do.

    Parameters
    ----------
    content, file_name
        The file and the name the user gave it.
    kind
        «roadmap» (форма 6) or «indicators» (форма 7); None takes whichever the file holds, both if both.
    program
        The program the file goes into; None for a new draft program.
    """
    document = read_program_file(content, file_name, kind)
    problems = list(document.problems)
    kinds: tuple[ImportKind, ...] = tuple(
        item for item in ("roadmap", "indicators") if document.has(item) and _has_rows(document, item)
    )
    if kind is not None and kind not in kinds and document.has(kind):
        kinds = (*kinds, kind)  # its table is there but empty: the reading said so
    period, source = _period(program, document)
    activities = _activity_lines(document, period) if "roadmap" in kinds else ()
    problems += _deadline_problems(document, activities, period)
    problems += _length_problems(document, kinds)
    replaces: list[str] = []
    notes: list[str] = []
    if program is not None:
        if program.status == ProgramStatus.REVIEW:
            message = "программа на согласовании: загрузить в неё можно после возврата на доработку."
            problems.append(Problem("error", message, file_name, code="status"))
        replaces = _replaced(program, kinds)
        if program.status == ProgramStatus.APPROVED and kinds:
            notes.append("Программа утверждена: загрузка начнёт её следующую версию (утверждённая сохранится).")
        if program.starts_on is None and program.year_id is None and "roadmap" in kinds:
            notes.append(
                f"У программы не указан период: будет записан {date_short(period[0])}–{date_short(period[1])} "
                f"({source})."
            )
    if document.indicator_sections and "indicators" in kinds:
        notes.append(
            "Строки-заголовки таблицы показателей ("
            + quantity(len(document.indicator_sections), "строка", "строки", "строк")
            + ") не сохраняются: у показателей программы нет разделов."
        )
    title = program.title if program is not None else _new_title(document, kinds, file_name)
    return ImportPreview(
        file_name=file_name,
        document=document,
        kinds=kinds,
        period=period,
        period_source=source,
        activities=tuple(activities),
        problems=tuple(problems),
        program_id=program.pk if program is not None else None,
        program_title=title,
        replaces=tuple(replaces),
        notes=tuple(notes),
    )


@transaction.atomic
def program_import_apply(
    preview: ImportPreview,
    *,
    program: Program | None,
    school: School | None = None,
    municipality: Municipality | None = None,
    region: Region,
    by: User | None,
    title: str | None = None,
    program_kind: str | None = None,
) -> Program:
    """Write a checked import: into ``program`` (its roadmap or indicators replaced) or a new draft.

    A new program belongs to the school (and its municipality), else to the municipality, else to
    the region; it is a roadmap when the file holds one (``program_kind`` chooses otherwise).
    Everything is written in one transaction: a refusal leaves the database as it was.

    Raises
    ------
    ValidationError
        The preview has errors, or the program is of another region or on review.
    """
    if not preview.ok:
        raise ValidationError([str(problem) for problem in preview.errors])
    if not preview.kinds:
        raise ValidationError("В файле нет ни дорожной карты, ни таблицы показателей: загружать нечего.")
    if school is not None:
        municipality = school.municipality
    if municipality is not None and municipality.region_id != region.pk:
        raise ValidationError(f"Муниципалитет «{municipality}» не относится к региону «{region}».")
    if program is None:
        program = _new_program(preview, school, municipality, region, by, title, program_kind)
    else:
        if preview.program_id is not None and preview.program_id != program.pk:
            raise ValidationError("Файл проверялся для другой программы: проверьте его для этой ещё раз.")
        if program.region_id != region.pk:
            raise ValidationError(f"Программа № {program.pk} относится к другому региону.")
        from opora.programs.services import _editable, _reopen  # one place for the workflow's rules

        _editable(program)
        if program.status == ProgramStatus.APPROVED:
            if by is None:
                raise ValidationError(
                    "Программа утверждена: её следующую версию начинает пользователь — укажите, от чьего имени."
                )
            _reopen(program, by)
        if title:
            program.title = title.strip()
        if program.starts_on is None and program.year_id is None and "roadmap" in preview.kinds:
            program.starts_on, program.ends_on = preview.period
        program.save()
    period = program_period(program) or preview.period
    if "roadmap" in preview.kinds:
        _write_roadmap(program, preview, period)
    if "indicators" in preview.kinds:
        _write_indicators(program, preview)
    return program


def program_period(program: Program) -> Period | None:
    """The program's period: its dates, else its school year; None when it has neither."""
    if program.starts_on and program.ends_on and program.starts_on <= program.ends_on:
        return program.starts_on, program.ends_on
    if program.year_id is not None:
        start, end = school_year_period(program.year.end_year)
        return program.starts_on or start, program.ends_on or end
    return None


# --- the check ------------------------------------------------------------------------------------------


def _has_rows(document: ProgramFile, kind: Kind) -> bool:
    return bool(document.activities or document.sections) if kind == "roadmap" else bool(document.indicators)


def _period(program: Program | None, document: ProgramFile) -> tuple[Period, str]:
    if program is not None:
        own = program_period(program)
        if own is not None:
            return own, f"период программы № {program.pk}"
    if document.period is not None:
        return document.period, "по документу"
    years = [
        int(year) for activity in document.activities for year in re.findall(r"\b((?:19|20)\d{2})\b", activity.deadline)
    ]
    if years:
        return years_period(min(years), max(years)), "по годам в сроках мероприятий"
    labels = [label for label in document.years if re.fullmatch(r"\d{4}(/\d{4})?", label)]
    if labels:
        if all("/" in label for label in labels):
            ends = [int(label[5:]) for label in labels]
            return (school_year_period(min(ends))[0], school_year_period(max(ends))[1]), "по годам таблицы показателей"
        starts = [int(label[:4]) for label in labels]
        return years_period(min(starts), max(starts)), "по годам таблицы показателей"
    today = timezone.localdate()
    end_year = today.year + 1 if today.month >= 9 else today.year
    return school_year_period(end_year), "текущий учебный год"


def _activity_lines(document: ProgramFile, period: Period) -> list[ActivityLine]:
    lines = []
    for row in document.activities:
        starts_on, ends_on = parse_deadline(row.deadline, *period) if row.deadline else (None, None)
        section = document.sections[row.section] if row.section is not None else None
        lines.append(ActivityLine(row, section, starts_on, ends_on))
    return lines


def _deadline_problems(document: ProgramFile, lines: list[ActivityLine], period: Period) -> list[Problem]:
    column = document.columns.get("roadmap", {}).get("deadline")
    problems = []
    shown = f"{date_short(period[0])}–{date_short(period[1])}"
    for line in lines:
        if not line.row.deadline or line.starts_on is not None:
            continue
        if parse_deadline(line.row.deadline, *_EVERYTHING) != (None, None):
            message = (
                f"срок «{line.row.deadline}» — вне периода программы ({shown}); он сохранится как написан, без дат."
            )
            code = "deadline:outside"
        else:
            message = (
                f"срок «{line.row.deadline}» не удалось перевести в даты; он сохранится как написан, а даты "
                "можно указать вручную."
            )
            code = "deadline:unparsed"
        problems.append(Problem("warning", message, document.file_name, line.row.table, line.row.row, column, code))
    return problems


def _limit(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _length_problems(document: ProgramFile, kinds: tuple[ImportKind, ...]) -> list[Problem]:
    problems = []

    def check(text: str, limit: int, table: str, row: int, column: str | None, what: str) -> None:
        if len(text) > limit:
            problems.append(
                Problem(
                    "error",
                    f"{what} длиннее {limit} символов ({len(text)}); сократите его.",
                    document.file_name,
                    table,
                    row,
                    column,
                    f"length:{what}",
                )
            )

    columns = document.columns
    if "roadmap" in kinds:
        for section in document.sections:
            check(section.number, _limit(ProgramSection, "number"), section.table, section.row, None, "номер раздела")
            check(section.title, _limit(ProgramSection, "title"), section.table, section.row, None, "название раздела")
        roadmap = columns.get("roadmap", {})
        for activity in document.activities:
            where = (activity.table, activity.row)
            check(activity.number, _limit(Activity, "number"), *where, roadmap.get("number"), "номер")
            check(activity.deadline, _limit(Activity, "deadline"), *where, roadmap.get("deadline"), "срок")
    if "indicators" in kinds:
        table = columns.get("indicators", {})
        for indicator in document.indicators:
            where = (indicator.table, indicator.row)
            check(indicator.number, _limit(ProgramIndicator, "number"), *where, table.get("number"), "номер")
            check(indicator.unit, _limit(ProgramIndicator, "unit"), *where, table.get("unit"), "единица измерения")
            baseline = table.get("baseline")
            check(indicator.baseline, _limit(ProgramIndicator, "baseline"), *where, baseline, "базовое значение")
    return problems


def _replaced(program: Program, kinds: tuple[ImportKind, ...]) -> list[str]:
    lines = []
    if "roadmap" in kinds:
        sections, activities = program.sections.count(), program.activities.count()
        if sections or activities:
            history = Activity.objects.filter(program=program).filter(events__isnull=False).distinct().count()
            comments = Activity.objects.filter(program=program).filter(comments__isnull=False).distinct().count()
            line = (
                f"Дорожная карта программы № {program.pk} будет заменена: сейчас в ней "
                f"{quantity(sections, 'раздел', 'раздела', 'разделов')} и "
                f"{quantity(activities, 'мероприятие', 'мероприятия', 'мероприятий')}"
            )
            if history or comments:
                counted = (quantity(n, "мероприятие", "мероприятия", "мероприятий") for n in (history, comments))
                line += "; вместе с ними удалятся отметки о выполнении ({}) и комментарии ({})".format(*counted)
            lines.append(line + ".")
    if "indicators" in kinds:
        indicators = program.indicators.count()
        if indicators:
            actuals = sum(indicator.actuals.count() for indicator in program.indicators.all())
            line = f"Показатели программы № {program.pk} будут заменены: сейчас их {indicators}"
            if actuals:
                line += f"; удалятся и их фактические значения ({actuals})"
            lines.append(line + ".")
    return lines


def _new_title(document: ProgramFile, kinds: tuple[ImportKind, ...], file_name: str) -> str:
    title = re.sub(r"\s+", " ", document.title).strip()
    if title:
        return title[: _limit(Program, "title")]
    what = "Дорожная карта" if "roadmap" in kinds else "Программа"
    return f"{what} из файла «{file_name}»"[: _limit(Program, "title")]


# --- the writing ----------------------------------------------------------------------------------------


def _new_program(
    preview: ImportPreview,
    school: School | None,
    municipality: Municipality | None,
    region: Region,
    by: User | None,
    title: str | None,
    program_kind: str | None,
) -> Program:
    if program_kind is None:
        if "roadmap" in preview.kinds:
            program_kind = ProgramKind.ROADMAP
        else:
            program_kind = ProgramKind.SCHOOL_SUPPORT if school is not None else ProgramKind.MUNICIPAL_PROGRAM
    if program_kind not in ProgramKind.values:
        raise ValidationError(f"Неизвестный вид программы «{program_kind}».")
    start, end = preview.period
    year = None
    if (start.month, start.day, end.month, end.day) == (9, 1, 8, 31) and end.year == start.year + 1:
        year, _ = SchoolYear.objects.get_or_create(end_year=end.year)
    passport = {
        name: value[:10_000] for name, value in preview.document.passport.items() if name in PASSPORT_FIELDS and value
    }
    passport.pop("title", None)
    return Program.objects.create(
        region=region,
        municipality=municipality,
        school=school,
        kind=program_kind,
        title=(title or preview.program_title).strip()[: _limit(Program, "title")],
        year=year,
        starts_on=start,
        ends_on=end,
        created_by=by,
        **passport,
    )


def _write_roadmap(program: Program, preview: ImportPreview, period: Period) -> None:
    program.activities.all().delete()
    program.sections.all().delete()
    sections = [
        ProgramSection(program=program, number=section.number, title=section.title, position=position)
        for position, section in enumerate(preview.document.sections, start=1)
    ]
    bulk_create_with_history(sections, ProgramSection)  # kept in the journal of changes, as one page save is
    saved = list(program.sections.order_by("position"))
    activities = []
    for position, line in enumerate(preview.activities, start=1):
        row = line.row
        starts_on, ends_on = parse_deadline(row.deadline, *period) if row.deadline else (None, None)
        activities.append(
            Activity(
                program=program,
                section=saved[row.section] if row.section is not None else None,
                number=row.number,
                position=position,
                content=row.content,
                deadline=row.deadline,
                starts_on=starts_on,
                ends_on=ends_on,
                owners=row.owners,
                expected_result=row.expected_result,
            )
        )
    bulk_create_with_history(activities, Activity)


_LOWER_IS_BETTER = re.compile(r"^(снижение|уменьшение|сокращение)\b", re.IGNORECASE)


def _write_indicators(program: Program, preview: ImportPreview) -> None:
    program.indicators.all().delete()
    indicators = [
        ProgramIndicator(
            program=program,
            number=indicator.number,
            position=position,
            name=indicator.name,
            unit=indicator.unit,
            # «Снижение доли детей без аттестатов»: the fewer, the better.
            direction=IndicatorDirection.LOWER if _LOWER_IS_BETTER.match(indicator.name) else IndicatorDirection.HIGHER,
            baseline=indicator.baseline,
            targets=dict(indicator.targets),
        )
        for position, indicator in enumerate(preview.indicators, start=1)
    ]
    bulk_create_with_history(indicators, ProgramIndicator)
