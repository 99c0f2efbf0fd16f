"""Every write of the programs: the drafts of a school's antirisk programs and roadmap, and a program's life.

From a school's risk profile and its priority factors, one call drafts an antirisk program per
priority factor (goal, tasks, indicators with their baseline and target, measures of the catalog
spread over the school year with their owners) and a roadmap that gathers them by factor.
Drafts stay drafts: redrafting replaces the earlier drafts, never a program past its draft.

Then the program lives: its passport and roadmap are edited, it goes for review (черновик → на
согласовании → на доработке → утверждено; who may move it is the access table's), an approved
program is frozen as a version and a later change starts the next one; each activity's status
changes with a short report and evidence files and is kept in its history; comments are threaded
per activity; curators and coordinators record progress reviews; everyone concerned is told in
the product (and by e-mail where the installation sends it).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from opora.accounts.models import User
from opora.analytics.risks import RISK_INDICATORS
from opora.programs.models import (
    Activity,
    ActivityEvent,
    ActivityStatus,
    Comment,
    Evidence,
    IndicatorDirection,
    Notification,
    Program,
    ProgramIndicator,
    ProgramKind,
    ProgramReview,
    ProgramSection,
    ProgramStatus,
    ProgramVersion,
    ReviewProgress,
    StatusChange,
)
from opora.risks.models import Measure, MeasureKind, PriorityFactor, ProfileRun
from opora.risks.queries import FactorState, school_factors, shown_value
from opora.schools.models import School, SchoolYear

MEASURES_PER_FACTOR = 8
# Months of a school year a draft's activities are spread over (September … May).
_MONTHS = (9, 10, 11, 12, 1, 2, 3, 4, 5)
_MONTH_NAMES = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
                "ноябрь", "декабрь")  # fmt: skip
# The order of kinds in a draft: first organise, then work with staff and methods, then with students and parents.
_KIND_ORDER = {kind: index for index, kind in enumerate(MeasureKind.values)}


def support_year(year: SchoolYear) -> SchoolYear:
    """The programs drafted from a profile of a year's data are for the next school year."""
    following, _ = SchoolYear.objects.get_or_create(end_year=year.end_year + 1)
    return following


def _month_range(end_year: int, month: int) -> tuple[datetime.date, datetime.date, str]:
    calendar_year = end_year - 1 if month >= 9 else end_year
    start = datetime.date(calendar_year, month, 1)
    following = datetime.date(calendar_year + (month == 12), month % 12 + 1, 1)
    return start, following - datetime.timedelta(days=1), f"{_MONTH_NAMES[month - 1]} {calendar_year}"


def _chosen_measures(region_id: int, factor_key: str) -> list[Measure]:
    """Measures of the catalog against the factor, varied in kind, the most specific first."""
    candidates = [
        measure for measure in Measure.objects.filter(region_id=region_id) if factor_key in (measure.factor_keys or [])
    ]
    candidates.sort(key=lambda measure: (len(measure.factor_keys), _KIND_ORDER.get(measure.kind, 99), measure.ident))
    chosen: list[Measure] = []
    kinds_used: dict[str, int] = {}
    for measure in candidates:  # at most three of one kind, so a draft is not all meetings
        if kinds_used.get(measure.kind, 0) < 3:
            chosen.append(measure)
            kinds_used[measure.kind] = kinds_used.get(measure.kind, 0) + 1
        if len(chosen) == MEASURES_PER_FACTOR:
            break
    return sorted(chosen, key=lambda measure: _KIND_ORDER.get(measure.kind, 99))


def _target(row: dict, unit: str) -> str:
    """The target of an indicator: past the threshold of «средний», where the risk is at most «низкий»."""
    bound = row.get("medium") if row.get("medium") is not None else row.get("low")
    if bound is None:
        bound = row.get("high")
    if bound is None:
        return ""
    return f"{'меньше' if row['operator'] == '>=' else 'больше'} {shown_value(bound, unit)}"


def _goal(state: FactorState) -> str:
    if state.level is None:
        return (
            f"Оценить риск «{state.factor.name}» (данных для уровня пока нет: анкеты, сведения о педагогах) и "
            "не допустить его к концу учебного года."
        )
    if state.level == 0:
        return f"Сохранить отсутствие риска «{state.factor.name}» к концу учебного года."
    wanted = "низкого" if state.level >= 2 else "отсутствия риска"
    return f"Снизить риск «{state.factor.name}» с уровня «{state.level_name}» до {wanted} к концу учебного года."


def _tasks(state: FactorState) -> list[str]:
    tasks = []
    for line, row in zip(state.evidence_lines(), state.evidence, strict=True):
        if row["level"] >= 1:
            tasks.append(f"Улучшить показатель «{line['label']}» (сейчас {line['value']}).")
    tasks.append("Провести меры из каталога против этого риска и проанализировать их результат.")
    return tasks


@transaction.atomic
def antirisk_drafts_create(*, school: School, run: ProfileRun, by: User) -> list[Program]:
    """Draft the school's antirisk programs (one per priority factor) and its roadmap from its profile."""
    priorities = list(
        PriorityFactor.objects.filter(school=school, year=run.year).order_by("pk").values_list("factor_key", flat=True)
    )
    if not priorities:
        raise ValidationError("Сначала выберите приоритетные факторы риска школы (до трёх).")
    states = {state.factor.key: state for state in school_factors(by, school, run)}
    missing = [key for key in priorities if key not in states]
    if missing:
        raise ValidationError(f"Приоритетных факторов нет в наборе расчёта: {', '.join(missing)}.")
    year = support_year(run.year)
    start, end = datetime.date(year.end_year - 1, 9, 1), datetime.date(year.end_year, 8, 31)
    profile = run.profiles.filter(school=school).first()
    Program.objects.filter(
        school=school, year=year, status=ProgramStatus.DRAFT, kind__in=[ProgramKind.ANTIRISK, ProgramKind.ROADMAP]
    ).delete()
    development = (
        Program.objects.filter(school=school, kind=ProgramKind.DEVELOPMENT_PROGRAM).order_by("-created_at").first()
    )
    common = {
        "region_id": school.municipality.region_id,
        "municipality_id": school.municipality_id,
        "school": school,
        "year": year,
        "starts_on": start,
        "ends_on": end,
        "profile": profile,
        "created_by": by,
        "developers": f"Администрация {school.display_name}",
        "executors": f"Педагогический коллектив {school.display_name}",
        "control": "Руководитель ОО; куратор школы",
    }
    roadmap = Program.objects.create(
        kind=ProgramKind.ROADMAP,
        title=f"Дорожная карта (план мероприятий) {school.display_name} по переходу в эффективный режим работы "
        f"на {year.label} учебный год",
        goal="Снизить приоритетные риски школы и перейти в эффективный режим работы.",
        tasks="\n".join(f"Снизить риск «{states[key].factor.name}»." for key in priorities),
        parent=development,
        **common,
    )
    programs = [roadmap]
    for section_number, key in enumerate(priorities, start=1):
        state = states[key]
        program = Program.objects.create(
            kind=ProgramKind.ANTIRISK,
            title=f"Антирисковая программа «{state.factor.name}»",
            goal=_goal(state),
            tasks="\n".join(_tasks(state)),
            expected_results=f"Уровень риска «{state.factor.name}» снижен; показатели достигли целевых значений.",
            factor_key=key,
            parent=development,
            **common,
        )
        section = ProgramSection.objects.create(
            program=roadmap, number=f"{section_number}.", title=state.factor.name, position=section_number
        )
        for position, (line, row) in enumerate(zip(state.evidence_lines(), state.evidence, strict=True), start=1):
            if row["level"] < 1:
                continue
            unit = RISK_INDICATORS[row["indicator"].partition(":")[0]].unit
            ProgramIndicator.objects.create(
                program=program,
                number=str(position),
                position=position,
                name=line["label"],
                unit=unit,
                direction=IndicatorDirection.LOWER if row["operator"] == ">=" else IndicatorDirection.HIGHER,
                baseline=line["value"],
                targets={year.label: _target(row, unit)},
                factor_key=key,
            )
        measures = _chosen_measures(school.municipality.region_id, key)
        for position, measure in enumerate(measures, start=1):
            month = _MONTHS[min((position - 1) * len(_MONTHS) // max(len(measures), 1), len(_MONTHS) - 1)]
            starts, ends, written = _month_range(year.end_year, month)
            values = {
                "content": measure.text,
                "deadline": written,
                "starts_on": starts,
                "ends_on": ends,
                "owners": measure.owner or "Руководитель ОО",
                "expected_result": measure.expected_result,
                "factor_key": key,
                "task": _tasks(state)[0],
                "measure": measure,
            }
            Activity.objects.create(program=program, number=str(position), position=position, **values)
            Activity.objects.create(
                program=roadmap,
                section=section,
                number=f"{section_number}.{position}",
                position=section_number * 100 + position,
                **values,
            )
        programs.append(program)
    return programs


# --- the life of a program: editing, workflow, execution, reviews -------------------------------

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# What evidence may be: documents, tables, pictures and archives, recognised by their first bytes.
EVIDENCE_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".zip": ("application/zip", (b"PK\x03\x04",)),
}
# Who moves a program from one status to another (the access table says which roles may).
TRANSITIONS = {
    (ProgramStatus.DRAFT, ProgramStatus.REVIEW): "send",
    (ProgramStatus.REWORK, ProgramStatus.REVIEW): "send",
    (ProgramStatus.REVIEW, ProgramStatus.REWORK): "return",
    (ProgramStatus.REVIEW, ProgramStatus.APPROVED): "approve",
}
# The expert's checklist of a school document (seed 000, §5.2): each point is met, partly met or not.
CHECKLIST = (
    ("structure", "Структура документа соответствует требованиям (паспорт, цель, задачи, мероприятия, показатели)"),
    ("risks", "Цель и задачи вытекают из рискового профиля школы и направлены на снижение рисков"),
    ("measures", "Мероприятия соответствуют задачам, реалистичны и обеспечены ресурсами"),
    ("deadlines", "У каждого мероприятия есть сроки и ответственные"),
    ("indicators", "Показатели измеримы, имеют базовые и целевые значения"),
    ("results", "Ожидаемые результаты конкретны и проверяемы"),
)
CHECKLIST_MARKS = {"yes": "соответствует", "partly": "частично", "no": "не соответствует"}


def program_content(program: Program) -> dict:
    """The program as data: its passport, sections, activities and indicators (what a version freezes)."""
    sections = {section.pk: section for section in program.sections.order_by("position")}
    return {
        "passport": {name: str(getattr(program, name) or "") for name in PASSPORT_FIELDS},
        "sections": [{"number": s.number, "title": s.title} for s in sections.values()],
        "activities": [
            {
                "section": sections[a.section_id].number if a.section_id in sections else "",
                "number": a.number,
                "content": a.content,
                "deadline": a.deadline,
                "owners": a.owners,
                "expected_result": a.expected_result,
            }
            for a in program.activities.order_by("position")
        ],
        "indicators": [
            {"number": i.number, "name": i.name, "unit": i.unit, "baseline": i.baseline, "targets": i.targets}
            for i in program.indicators.order_by("position")
        ],
    }


PASSPORT_FIELDS = (
    "title",
    "starts_on",
    "ends_on",
    "goal",
    "tasks",
    "developers",
    "executors",
    "expected_results",
    "legal_basis",
    "control",
)
PASSPORT_LABELS = {
    "title": "Наименование",
    "starts_on": "Начало",
    "ends_on": "Окончание",
    "goal": "Цель",
    "tasks": "Задачи",
    "developers": "Разработчики",
    "executors": "Исполнители",
    "expected_results": "Ожидаемые результаты",
    "legal_basis": "Нормативное основание",
    "control": "Контроль",
}


def content_diff(before: dict, after: dict) -> list[str]:
    """What changed between two contents of a program, in Russian: passport fields, activities, indicators."""
    lines = []
    for name in PASSPORT_FIELDS:
        old, new = before["passport"].get(name, ""), after["passport"].get(name, "")
        if old != new:
            lines.append(f"{PASSPORT_LABELS[name]}: «{old or '—'}» → «{new or '—'}»")
    for kind, label, key in (("activities", "Мероприятие", "content"), ("indicators", "Показатель", "name")):
        old = {(item["number"], item[key]): item for item in before.get(kind, [])}
        new = {(item["number"], item[key]): item for item in after.get(kind, [])}
        for number, text in sorted(set(new) - set(old)):
            lines.append(f"{label} {number} добавлено: «{text}»")
        for number, text in sorted(set(old) - set(new)):
            lines.append(f"{label} {number} исключено: «{text}»")
        for item_key in sorted(set(old) & set(new)):
            if old[item_key] != new[item_key]:
                changed = [field for field in new[item_key] if new[item_key][field] != old[item_key].get(field)]
                lines.append(f"{label} {item_key[0]} изменено: {', '.join(changed)}")
    return lines


def _editable(program: Program) -> None:
    if program.status == ProgramStatus.REVIEW:
        raise ValidationError("Программа на согласовании: изменить её можно после возврата на доработку.")


@transaction.atomic
def program_save(*, program: Program, data: dict, by: User) -> Program:
    """Change a program's passport. An approved program becomes a draft of its next version (the approved one stays)."""
    _editable(program)
    errors: dict[str, list[str]] = {}
    if not (data.get("title") or "").strip():
        errors["title"] = ["Укажите наименование программы."]
    if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
        errors["ends_on"] = ["Программа заканчивается раньше, чем начинается."]
    if errors:
        raise ValidationError(errors)
    for name in PASSPORT_FIELDS:
        if name in data:
            value = data[name]
            setattr(program, name, value.strip() if isinstance(value, str) else value)
    if "parent" in data:
        parent = data["parent"]
        if parent is not None and (parent.pk == program.pk or parent.region_id != program.region_id):
            raise ValidationError(
                {"parent": ["Программа не может входить в саму себя или в программу другого региона."]}
            )
        program.parent = parent
    _reopen(program, by)
    program.save()
    return program


def _reopen(program: Program, by: User) -> None:
    """A change of an approved program starts its next version as a draft."""
    if program.status == ProgramStatus.APPROVED:
        StatusChange.objects.create(
            program=program,
            status_from=ProgramStatus.APPROVED,
            status_to=ProgramStatus.DRAFT,
            remarks="Изменение утверждённой программы: новая версия.",
            created_by=by,
        )
        program.status = ProgramStatus.DRAFT
        program.save(update_fields=["status"])


def _stale(activity: Activity) -> ValidationError:
    """The refusal of a save against an older version: who changed the activity since, and when."""
    last = activity.history.select_related("history_user").order_by("-history_date", "-history_id").first()
    who = "другой пользователь"
    when = ""
    if last is not None:
        if last.history_user is not None:
            who = last.history_user.full_name or last.history_user.username
        when = f" в {timezone.localtime(last.history_date):%H:%M %d.%m.%Y}"
    return ValidationError(
        f"Мероприятие уже изменил {who}{when}; обновите страницу: ваши изменения не сохранены.", code="stale"
    )


def _claim(activity: Activity, expected_version: int | None) -> None:
    """Take the activity's next version, or refuse when it was saved since the form showed ``expected_version``.

    One conditional UPDATE: of two saves against the same version, the database lets one through
    (the second waits for the first's row lock and then finds the version moved on). ``None``:
    a caller that shows no form (the command line, an import) saves without the check.
    """
    rows = Activity.objects.filter(pk=activity.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if rows.update(version=F("version") + 1) == 0:
        raise _stale(activity)
    activity.version = Activity.objects.values_list("version", flat=True).get(pk=activity.pk)


@transaction.atomic
def activity_save(
    *, program: Program, activity: Activity | None, data: dict, by: User, expected_version: int | None = None
) -> Activity:
    """Add an activity to a program's roadmap or change one; the deadline is kept as written and parsed.

    A change made against ``expected_version`` (the version the form showed) is refused, with nothing
    written, when someone has saved the activity since.
    """
    _editable(program)
    if not (data.get("content") or "").strip():
        raise ValidationError({"content": ["Опишите мероприятие."]})
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": ["Срок заканчивается раньше, чем начинается."]})
    if activity is None:
        last = program.activities.order_by("-position").first()
        activity = Activity(program=program, position=(last.position + 1) if last else 1)
    else:
        _claim(activity, expected_version)
    for name in (
        "section",
        "number",
        "content",
        "deadline",
        "starts_on",
        "ends_on",
        "owners",
        "expected_result",
        "task",
        "factor_key",
    ):
        if name in data:
            value = data[name]
            setattr(activity, name, value.strip() if isinstance(value, str) else value)
    if not activity.number:
        activity.number = str(program.activities.count() + (0 if activity.pk else 1))
    activity._history_user = by  # the history names who saved, also outside a request (the command line)
    activity.save()
    _reopen(program, by)
    return activity


def _notify(users, text: str, url: str) -> None:
    """A notice in the product for each user (and an e-mail where the installation sends them)."""
    users = [user for user in dict.fromkeys(users) if user is not None and user.is_active]
    Notification.objects.bulk_create(Notification(user=user, text=text[:500], url=url) for user in users)
    if getattr(settings, "OPORA_EMAIL_NOTIFICATIONS", False):
        addresses = [user.email for user in users if user.email]
        if addresses:
            send_mail("Опора: " + text[:80], f"{text}\n{url}", None, addresses, fail_silently=True)


def people_of(program: Program) -> list[User]:
    """Who follows a program: its school's team and curators, the municipality's coordinators."""
    users = User.objects.filter(is_active=True)
    people = []
    if program.school_id:
        people += list(users.filter(school_id=program.school_id))
        people += list(users.filter(curated_schools=program.school_id))
    if program.municipality_id:
        people += list(users.filter(role="municipal_coordinator", municipality_id=program.municipality_id))
    else:
        people += list(users.filter(role="region_admin", region_id=program.region_id))
    return people


def _validated_evidence(files) -> list[tuple[object, str, str]]:
    problems, checked = [], []
    for upload in files:
        name = upload.name or "файл"
        suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        if upload.size > EVIDENCE_MAX_BYTES:
            problems.append(f"«{name}»: больше 10 МБ.")
            continue
        if suffix not in EVIDENCE_TYPES:
            allowed = ", ".join(sorted(EVIDENCE_TYPES))
            problems.append(f"«{name}»: такие файлы не принимаются; можно {allowed}.")
            continue
        content_type, signatures = EVIDENCE_TYPES[suffix]
        head = upload.read(16)
        upload.seek(0)
        if not any(head.startswith(signature) for signature in signatures):
            problems.append(f"«{name}»: содержимое не похоже на файл {suffix}.")
            continue
        checked.append((upload, name, content_type))
    if problems:
        raise ValidationError({"files": problems})
    return checked


@transaction.atomic
def activity_status_change(
    *,
    activity: Activity,
    status: str,
    report: str,
    files=(),
    by: User,
    url: str = "",
    expected_version: int | None = None,
) -> ActivityEvent:
    """A new status of an activity with its short report and evidence files; kept in the activity's history.

    Against ``expected_version`` (the version the form showed) it is refused, with nothing written,
    when someone has saved the activity since.
    """
    if status not in ActivityStatus.values:
        raise ValidationError({"status": ["Выберите состояние мероприятия."]})
    if not report.strip():
        raise ValidationError({"report": ["Напишите короткий отчёт: что сделано, чем подтверждается."]})
    checked = _validated_evidence(files)
    _claim(activity, expected_version)
    activity.refresh_from_db(fields=["status"])  # the status it moves from is the stored one, not the page's
    event = ActivityEvent.objects.create(
        activity=activity, status_from=activity.status, status_to=status, report=report.strip(), created_by=by
    )
    for upload, name, content_type in checked:
        Evidence.objects.create(
            event=event, file=upload, original_name=name[:255], size=upload.size, content_type=content_type
        )
    activity.status = status
    activity._history_user = by
    activity.save(update_fields=["status"])
    others = [user for user in people_of(activity.program) if user.pk != by.pk]
    _notify(others, f"{activity.program.title}: мероприятие {activity.number} — {event.get_status_to_display()}", url)
    return event


@transaction.atomic
def comment_add(*, activity: Activity, text: str, parent: Comment | None, by: User, url: str = "") -> Comment:
    if not text.strip():
        raise ValidationError({"text": ["Напишите комментарий."]})
    if parent is not None and parent.activity_id != activity.pk:
        raise ValidationError({"parent": ["Ответ относится к другому мероприятию."]})
    comment = Comment.objects.create(activity=activity, parent=parent, author=by, text=text.strip())
    followers = people_of(activity.program) + ([parent.author] if parent else [])
    _notify(
        [user for user in followers if user.pk != by.pk],
        f"Комментарий к мероприятию {activity.number} программы «{activity.program.title}»",
        url,
    )
    return comment


def _move(program: Program, to: str, by: User, *, remarks: str = "", checklist: dict | None = None) -> StatusChange:
    if (program.status, to) not in TRANSITIONS:
        raise ValidationError(
            f"Из состояния «{program.get_status_display()}» программа не переходит в «{ProgramStatus(to).label}»."
        )
    change = StatusChange.objects.create(
        program=program,
        status_from=program.status,
        status_to=to,
        remarks=remarks.strip(),
        checklist=checklist or {},
        created_by=by,
    )
    program.status = to
    program.save(update_fields=["status"])
    return change


def _checklist(data: dict | None) -> dict:
    data = data or {}
    unknown = [key for key, mark in data.items() if key not in dict(CHECKLIST) or mark not in CHECKLIST_MARKS]
    if unknown:
        raise ValidationError({"checklist": ["Отметьте каждый пункт экспертного листа."]})
    return dict(data)


@transaction.atomic
def program_send(*, program: Program, by: User, url: str = "") -> StatusChange:
    """Send a draft (or a reworked program) for review: its curator and coordinator are told."""
    if not program.activities.exists() and program.kind in (ProgramKind.ROADMAP, ProgramKind.ANTIRISK):
        raise ValidationError("В программе нет ни одного мероприятия: отправлять на согласование нечего.")
    change = _move(program, ProgramStatus.REVIEW, by)
    _notify([u for u in people_of(program) if u.pk != by.pk], f"На согласовании: «{program.title}»", url)
    return change


@transaction.atomic
def program_return(*, program: Program, remarks: str, checklist: dict | None, by: User, url: str = "") -> StatusChange:
    """Send a program back for rework; the remarks are required."""
    if not remarks.strip():
        raise ValidationError({"remarks": ["Напишите замечания: что нужно доработать."]})
    change = _move(program, ProgramStatus.REWORK, by, remarks=remarks, checklist=_checklist(checklist))
    _notify([u for u in people_of(program) if u.pk != by.pk], f"На доработке: «{program.title}»", url)
    return change


@transaction.atomic
def program_approve(
    *,
    program: Program,
    order_number: str,
    order_date: datetime.date | None,
    checklist: dict | None,
    by: User,
    url: str = "",
) -> ProgramVersion:
    """Approve a program by an order: its content is frozen as the next version."""
    if not order_number.strip() or order_date is None:
        raise ValidationError({"order_number": ["Укажите номер и дату утверждающего приказа."]})
    _move(program, ProgramStatus.APPROVED, by, checklist=_checklist(checklist))
    program.order_number, program.order_date = order_number.strip(), order_date
    program.save(update_fields=["order_number", "order_date"])
    last = program.versions.order_by("-number").first()
    version = ProgramVersion.objects.create(
        program=program,
        number=(last.number + 1) if last else 1,
        content=program_content(program),
        order_number=program.order_number,
        order_date=order_date,
        created_by=by,
    )
    _notify([u for u in people_of(program) if u.pk != by.pk], f"Утверждена: «{program.title}»", url)
    return version


@transaction.atomic
def review_record(
    *,
    program: Program,
    reviewed_on: datetime.date,
    overall: str,
    tasks: dict[str, str],
    remarks: str,
    next_review_on: datetime.date | None,
    by: User,
) -> ProgramReview:
    """A progress review of a program; the next review's date is the program's."""
    if overall not in ReviewProgress.values:
        raise ValidationError({"overall": ["Оцените общий прогресс."]})
    if next_review_on is not None and next_review_on <= reviewed_on:
        raise ValidationError({"next_review_on": ["Следующий обзор — позже этого."]})
    unknown = [mark for mark in tasks.values() if mark not in ReviewProgress.values]
    if unknown:
        raise ValidationError({"tasks": ["Оцените прогресс каждой задачи."]})
    review = ProgramReview.objects.create(
        program=program,
        reviewed_on=reviewed_on,
        overall=overall,
        tasks=tasks,
        remarks=remarks.strip(),
        next_review_on=next_review_on,
        created_by=by,
    )
    program.next_review_on = next_review_on
    program.save(update_fields=["next_review_on"])
    return review


def notifications_read(*, user: User) -> int:
    """Mark the user's notices read; how many were unread."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def program_create(
    *, by: User, kind: str, title: str, school: School | None = None, year: SchoolYear | None = None
) -> Program:
    """A new draft program of a school, or of the user's territory (a municipality, or the region)."""
    if kind not in ProgramKind.values:
        raise ValidationError({"kind": ["Выберите вид программы."]})
    if not title.strip():
        raise ValidationError({"title": ["Укажите наименование программы."]})
    if school is None and by.school_id is not None:
        # A school's team writes its school's programs (its user also names the municipality).
        school = by.school
    if school is not None:
        region_id, municipality_id = school.municipality.region_id, school.municipality_id
    elif by.municipality_id is not None:
        region_id, municipality_id = by.municipality.region_id, by.municipality_id
    elif by.region_id is not None:
        region_id, municipality_id = by.region_id, None
    else:
        raise ValidationError("Выберите школу: программа относится к школе, муниципалитету или региону.")
    start = datetime.date(year.end_year - 1, 9, 1) if year else None
    end = datetime.date(year.end_year, 8, 31) if year else None
    return Program.objects.create(
        region_id=region_id,
        municipality_id=municipality_id,
        school=school,
        kind=kind,
        title=title.strip(),
        year=year,
        starts_on=start,
        ends_on=end,
        created_by=by,
    )


@transaction.atomic
def section_save(*, program: Program, section: ProgramSection | None, number: str, title: str, by: User):
    """Add a section (направление) to a program's roadmap or rename one."""
    _editable(program)
    if not title.strip():
        raise ValidationError({"title": ["Укажите название раздела."]})
    if section is None:
        last = program.sections.order_by("-position").first()
        section = ProgramSection(program=program, position=(last.position + 1) if last else 1)
    section.number, section.title = number.strip() or str(section.position), title.strip()
    section.save()
    _reopen(program, by)
    return section


@transaction.atomic
def indicator_save(*, program: Program, indicator: ProgramIndicator | None, data: dict, by: User) -> ProgramIndicator:
    """Add an indicator to a program or change one: unit, direction, baseline, targets per year."""
    _editable(program)
    errors: dict[str, list[str]] = {}
    if not (data.get("name") or "").strip():
        errors["name"] = ["Укажите наименование показателя."]
    if data.get("direction") not in IndicatorDirection.values:
        errors["direction"] = ["Выберите, что лучше: больше или меньше."]
    targets = data.get("targets") or {}
    if not isinstance(targets, dict):
        errors["targets"] = ["Цели по годам: «год: значение», по одной в строке."]
    if errors:
        raise ValidationError(errors)
    if indicator is None:
        last = program.indicators.order_by("-position").first()
        indicator = ProgramIndicator(program=program, position=(last.position + 1) if last else 1)
    for name in ("number", "name", "unit", "direction", "baseline", "computed"):
        if name in data:
            value = data[name]
            setattr(indicator, name, value.strip() if isinstance(value, str) else value)
    indicator.targets = targets
    if not indicator.number:
        indicator.number = str(indicator.position)
    indicator.save()
    _reopen(program, by)
    return indicator
