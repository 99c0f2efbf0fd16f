"""Every write to the bank of students with difficulties: one function per use case, in a transaction.

Each service checks that ``by`` may keep the school's bank (its team; the installation's
administrator; ``None`` is the command line and the demo loader), whatever page called it.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from opora.accounts.access import Action, require
from opora.core.formatting import date_short, school_year_label
from opora.core.tables import workbook_bytes
from opora.schools.models import School
from opora.students.models import (
    CODE_PATTERN,
    ConsiliumDecision,
    DeletionRecord,
    DeletionScope,
    Difficulty,
    DifficultyKind,
    IndividualRoute,
    Outcome,
    RouteReview,
    Student,
    StudentBank,
    StudentRecordView,
    Term,
    TermOutcome,
    ViewKind,
)

if TYPE_CHECKING:
    from opora.accounts.models import User

CODE_PREFIX = "У-"
_GENERATED = re.compile(r"^У-(\d+)$")


def _require_keeper(by: User | None, school: School) -> None:
    """Refuse unless ``by`` keeps this school's bank: 403 for the action, 404 for a school out of reach."""
    require(by, Action.KEEP_STUDENTS)
    if by is not None and not School.objects.visible_to(by).filter(pk=school.pk).exists():
        raise PermissionDenied("Банк обучающихся этой школы ведёт только её команда.")


def keeps_names(school: School) -> bool:
    """Whether the school chose to keep students' names beside their codes (a read: creates nothing)."""
    return StudentBank.objects.filter(school=school, keeps_names=True).exists()


def next_code(school: School) -> str:
    """The next free generated code of the school: «У-0001», «У-0002», …"""
    numbers = [
        int(match.group(1))
        for code in Student.objects.filter(school=school, code__startswith=CODE_PREFIX).values_list("code", flat=True)
        if (match := _GENERATED.match(code))
    ]
    return f"{CODE_PREFIX}{max(numbers, default=0) + 1:04d}"


@transaction.atomic
def bank_settings_save(*, school: School, keeps_names: bool, by: User | None) -> int:
    """Choose whether the school keeps names; turning it off erases every name kept. Returns names erased."""
    _require_keeper(by, school)
    StudentBank.objects.update_or_create(school=school, defaults={"keeps_names": keeps_names})
    if keeps_names:
        return 0
    return Student.objects.filter(school=school).exclude(full_name="").update(full_name="")


def _codes_of(school: School, *, besides: Student | None) -> set[str]:
    # Compared case-folded in Python: SQLite compares Cyrillic case-sensitively.
    codes = Student.objects.filter(school=school).exclude(pk=getattr(besides, "pk", None))
    return {code.casefold() for code in codes.values_list("code", flat=True)}


def _clean_student(*, school: School, data: dict, student: Student | None) -> dict:
    errors: dict[str, list[str]] = {}
    code = (data.get("code") or "").strip()
    if student is not None and not code:
        code = student.code
    if code:
        if not re.match(CODE_PATTERN, code):
            errors["code"] = ["Код — буквы, цифры и знаки «-», «_», «/», «.», до 20 знаков, без пробелов."]
        elif code.casefold() in _codes_of(school, besides=student):
            errors["code"] = [f"Код «{code}» уже есть в банке школы: выберите другой или оставьте поле пустым."]
    grade = data.get("grade")
    if not isinstance(grade, int) or not 1 <= grade <= 11:
        errors["grade"] = ["Класс — число от 1 до 11."]
    letter = (data.get("class_letter") or "").strip()
    if len(letter) > 4:
        errors["class_letter"] = ["Литера класса — не длиннее 4 знаков."]
    full_name = " ".join((data.get("full_name") or "").split())
    if full_name and not keeps_names(school):
        errors["full_name"] = [
            "Школа не хранит фамилии обучающихся: включите хранение в настройках банка или оставьте поле пустым."
        ]
    if len(full_name) > 200:
        errors["full_name"] = ["Не длиннее 200 знаков."]
    if errors:
        raise ValidationError(errors)
    return {"code": code or next_code(school), "grade": grade, "class_letter": letter, "full_name": full_name}


@transaction.atomic
def student_create(*, school: School, data: dict, by: User | None) -> Student:
    """Add a student to the school's bank; without a code the next «У-NNNN» is given."""
    _require_keeper(by, school)
    values = _clean_student(school=school, data=data, student=None)
    return Student.objects.create(school=school, created_by=by, **values)


@transaction.atomic
def student_update(*, student: Student, data: dict, by: User | None) -> Student:
    """Change a student's code, class or name."""
    _require_keeper(by, student.school)
    for name, value in _clean_student(school=student.school, data=data, student=student).items():
        setattr(student, name, value)
    student.save()
    return student


def _touch(student: Student) -> None:
    student.save(update_fields=["updated_at"])


@transaction.atomic
def difficulty_add(*, student: Student, data: dict, by: User | None) -> Difficulty:
    """Record a difficulty of a student: its kind, the subject where it is about learning, when it was noted."""
    _require_keeper(by, student.school)
    errors: dict[str, list[str]] = {}
    kind = data.get("kind")
    subject = (data.get("subject") or "").strip()
    if kind not in DifficultyKind.values:
        errors["kind"] = ["Выберите вид трудности."]
    elif kind == DifficultyKind.SUBJECT and not subject:
        errors["subject"] = ["Укажите предмет, по которому у обучающегося трудности."]
    noted_on = data.get("noted_on")
    if not isinstance(noted_on, datetime.date):
        errors["noted_on"] = ["Укажите дату, когда трудность выявлена."]
    if errors:
        raise ValidationError(errors)
    difficulty = Difficulty.objects.create(
        student=student, kind=kind, subject=subject, note=(data.get("note") or "").strip(), noted_on=noted_on
    )
    _touch(student)
    return difficulty


def _check_period(starts_on: object, ends_on: object, errors: dict[str, list[str]]) -> None:
    if not isinstance(starts_on, datetime.date):
        errors["starts_on"] = ["Укажите дату начала маршрута."]
    if not isinstance(ends_on, datetime.date):
        errors["ends_on"] = ["Укажите дату окончания маршрута."]
    elif isinstance(starts_on, datetime.date) and ends_on < starts_on:
        errors["ends_on"] = ["Окончание маршрута не может быть раньше начала."]


@transaction.atomic
def route_save(*, student: Student, route: IndividualRoute | None, data: dict, by: User | None) -> IndividualRoute:
    """Create an individual route (ИОМ) of a student or change one; ``data["review_dates"]`` plans reviews."""
    _require_keeper(by, student.school)
    errors: dict[str, list[str]] = {}
    measures = "\n".join(line.strip() for line in (data.get("measures") or "").splitlines() if line.strip())
    if not measures:
        errors["measures"] = ["Укажите хотя бы одну меру маршрута."]
    responsible = " ".join((data.get("responsible") or "").split())
    if not responsible:
        errors["responsible"] = ["Укажите ответственного педагога."]
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    _check_period(starts_on, ends_on, errors)
    review_dates = list(data.get("review_dates") or [])
    if not errors and any(not starts_on <= day <= ends_on for day in review_dates):
        errors["review_dates"] = ["Даты пересмотра должны быть внутри срока маршрута."]
    if errors:
        raise ValidationError(errors)
    if route is None:
        route = IndividualRoute(student=student)
    route.subjects = " ".join((data.get("subjects") or "").split())
    route.measures, route.responsible, route.starts_on, route.ends_on = measures, responsible, starts_on, ends_on
    route.save()
    planned = set(route.reviews.values_list("review_on", flat=True))
    RouteReview.objects.bulk_create(
        RouteReview(route=route, review_on=day) for day in sorted(set(review_dates) - planned)
    )
    _touch(student)
    return route


@transaction.atomic
def review_record(*, route: IndividualRoute, data: dict, by: User | None) -> RouteReview:
    """Record a held review of a route (what was found, what changes), or plan one without a note."""
    _require_keeper(by, route.student.school)
    review_on = data.get("review_on")
    if not isinstance(review_on, datetime.date):
        raise ValidationError({"review_on": ["Укажите дату пересмотра."]})
    note = (data.get("note") or "").strip()
    review = route.reviews.filter(review_on=review_on).first()
    if review is None:
        review = RouteReview.objects.create(route=route, review_on=review_on, note=note)
    elif note:
        review.note = note
        review.save(update_fields=["note"])
    _touch(route.student)
    return review


@transaction.atomic
def consilium_add(*, student: Student, data: dict, by: User | None) -> ConsiliumDecision:
    """Record a decision of the school's psychological and pedagogical consilium (ППк) on a student."""
    _require_keeper(by, student.school)
    errors: dict[str, list[str]] = {}
    decided_on = data.get("decided_on")
    if not isinstance(decided_on, datetime.date):
        errors["decided_on"] = ["Укажите дату заседания консилиума."]
    decision = (data.get("decision") or "").strip()
    if not decision:
        errors["decision"] = ["Запишите решение консилиума."]
    specialists = " ".join((data.get("specialists") or "").split())
    if not specialists:
        errors["specialists"] = ["Укажите специалистов, участвовавших в консилиуме."]
    if errors:
        raise ValidationError(errors)
    decision_row = ConsiliumDecision.objects.create(
        student=student, decided_on=decided_on, decision=decision, specialists=specialists
    )
    _touch(student)
    return decision_row


@transaction.atomic
def outcome_save(*, student: Student, data: dict, by: User | None) -> TermOutcome:
    """Record the outcome of a term; a second record for the same year and term replaces the first."""
    _require_keeper(by, student.school)
    errors: dict[str, list[str]] = {}
    end_year = data.get("end_year")
    if not isinstance(end_year, int) or not 2000 <= end_year <= 2100:
        errors["end_year"] = ["Выберите учебный год."]
    if data.get("term") not in Term.values:
        errors["term"] = ["Выберите четверть, полугодие или учебный год."]
    if data.get("outcome") not in Outcome.values:
        errors["outcome"] = ["Выберите итог."]
    if errors:
        raise ValidationError(errors)
    outcome, _ = TermOutcome.objects.update_or_create(
        student=student,
        end_year=end_year,
        term=data["term"],
        defaults={"outcome": data["outcome"], "note": (data.get("note") or "").strip()},
    )
    _touch(student)
    return outcome


RECORD_KINDS: dict[str, type] = {
    "difficulty": Difficulty,
    "route": IndividualRoute,
    "review": RouteReview,
    "consilium": ConsiliumDecision,
    "outcome": TermOutcome,
}


@transaction.atomic
def record_remove(*, student: Student, kind: str, pk: int, by: User | None) -> None:
    """Remove one record of a student entered by mistake (a difficulty, a route, a review, a decision, an outcome)."""
    _require_keeper(by, student.school)
    model = RECORD_KINDS.get(kind)
    if model is None:
        raise ValidationError("Нет такой записи.")
    rows = (
        model.objects.filter(route__student=student) if model is RouteReview else model.objects.filter(student=student)
    )
    deleted, _ = rows.filter(pk=pk).delete()
    if not deleted:
        raise ValidationError("Запись не найдена: возможно, её уже удалили.")
    _touch(student)


def card_view_log(*, student: Student, by: User) -> StudentRecordView:
    """Log that ``by`` opened the student's record (item 7: every view of a student record is logged)."""
    return StudentRecordView.objects.create(school=student.school, student=student, user=by, kind=ViewKind.CARD)


def list_view_log(*, school: School, students: int, by: User) -> StudentRecordView:
    """Log that ``by`` opened the list of the school's bank (codes, classes and the names kept)."""
    return StudentRecordView.objects.create(school=school, user=by, kind=ViewKind.LIST, students=students)


BANK_COLUMNS = (
    "Код",
    "Класс",
    "Трудности",
    "Индивидуальный маршрут (ИОМ)",
    "Пересмотры маршрута",
    "Решения ППк",
    "Итоги периодов",
    "Внесён",
)


def _bank_rows(school: School, with_names: bool) -> list[list[object]]:
    students = (
        Student.objects.filter(school=school)
        .prefetch_related("difficulties", "routes__reviews", "consilium_decisions", "outcomes")
        .order_by("code")
    )
    rows = []
    for student in students:
        routes = list(student.routes.all())
        row: list[object] = [student.code]
        if with_names:
            row.append(student.full_name or "")
        row += [
            student.class_label,
            "; ".join(item.label for item in student.difficulties.all()),
            "\n".join(
                f"{date_short(route.starts_on)}–{date_short(route.ends_on)}"
                f"{', ' + route.subjects if route.subjects else ''}; ответственный: {route.responsible}; "
                f"меры: {'; '.join(route.measure_lines)}"
                for route in routes
            ),
            "\n".join(
                f"{date_short(review.review_on)}: {review.note or 'запланирован'}"
                for route in routes
                for review in route.reviews.all()
            ),
            "\n".join(
                f"{date_short(item.decided_on)}: {item.decision} ({item.specialists})"
                for item in student.consilium_decisions.all()
            ),
            "\n".join(
                f"{school_year_label(item.end_year)}, {item.get_term_display()}: {item.get_outcome_display()}"
                for item in sorted(student.outcomes.all(), key=lambda outcome: outcome.sort_key)
            ),
            student.created_at.date(),
        ]
        rows.append(row)
    return rows


@transaction.atomic
def bank_export(*, school: School, by: User) -> bytes:
    """The school's bank as an .xlsx file for its team (names only if the school keeps them); logged as a view."""
    _require_keeper(by, school)
    with_names = keeps_names(school)
    columns = list(BANK_COLUMNS)
    if with_names:
        columns.insert(1, "Фамилия и имя")
    rows = _bank_rows(school, with_names)
    StudentRecordView.objects.create(school=school, user=by, kind=ViewKind.EXPORT, students=len(rows))
    return workbook_bytes(sheet_title="Банк обучающихся", columns=columns, rows=rows, text_columns=[0])


@transaction.atomic
def student_delete(*, student: Student, by: User) -> DeletionRecord:
    """Delete a student's records on request: every row and every log of views; the audit keeps who, when, one."""
    _require_keeper(by, student.school)
    school = student.school
    # The cascade removes difficulties, routes with their reviews, decisions, outcomes and the view log.
    student.delete()
    return DeletionRecord.objects.create(school=school, by=by, scope=DeletionScope.ONE, students=1)


@transaction.atomic
def students_delete_all(*, school: School, by: User) -> DeletionRecord:
    """Delete the whole bank of the school on request, with the log of views of its records.

    The log of exports stays: it names who exported how many records, never a student.
    """
    _require_keeper(by, school)
    students = Student.objects.filter(school=school)
    count = students.count()
    if not count:
        raise ValidationError("В банке школы нет записей: удалять нечего.")
    students.delete()
    return DeletionRecord.objects.create(school=school, by=by, scope=DeletionScope.ALL, students=count)
