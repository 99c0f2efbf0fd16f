"""The access cases of the pages of opora.students (joined into ``tests/test_access.py``).

The bank is the school team's (and the installation administrator's): every other role is
refused (403) before any school is looked up; the team of another school finds nothing (404).
The counts page and its export are open to everyone, numbers only.
"""

import datetime
from dataclasses import dataclass

from tests.access_cases import EVERYONE, FORBIDDEN, NOT_FOUND, REDIRECT, Case, _only
from tests.conftest import PERSONAS, World


@dataclass(frozen=True)
class StudentObjects:
    """A student of the world's school with one record of each kind, and a student of the sibling school."""

    student: object
    route: object
    review: object
    difficulty: object
    other: object


def _students(world: World) -> StudentObjects:
    """The students of the world, made once per test (a case asks for them through its kwargs)."""
    cached = getattr(world, "_students_access_objects", None)
    if cached is not None:
        return cached
    from opora.students.services import (
        consilium_add,
        difficulty_add,
        outcome_save,
        review_record,
        route_save,
        student_create,
    )

    day = datetime.date(2026, 10, 1)
    student = student_create(school=world.school, data={"code": "", "grade": 5, "class_letter": "А"}, by=None)
    difficulty = difficulty_add(student=student, data={"kind": "reading", "noted_on": day}, by=None)
    route = route_save(
        student=student,
        route=None,
        data={
            "measures": "Занятия с учителем",
            "responsible": "Учитель П-001",
            "starts_on": day,
            "ends_on": datetime.date(2027, 5, 31),
        },
        by=None,
    )
    review = review_record(route=route, data={"review_on": datetime.date(2026, 12, 20)}, by=None)
    consilium_add(
        student=student, data={"decided_on": day, "decision": "ИОМ", "specialists": "педагог-психолог"}, by=None
    )
    outcome_save(student=student, data={"end_year": 2027, "term": "1", "outcome": "improved"}, by=None)
    other = student_create(school=world.sibling, data={"code": "", "grade": 7}, by=None)
    objects = StudentObjects(student=student, route=route, review=review, difficulty=difficulty, other=other)
    world._students_access_objects = objects
    return objects


KEEPERS = _only("superuser", "school_team", otherwise=FORBIDDEN)
KEEPERS_OTHER_SCHOOL = {**KEEPERS, "school_team": NOT_FOUND}
_SCHOOL_PAGES = (
    ("students:bank", "банк обучающихся школы"),
    ("students:bank_export", "выгрузка банка школы"),
    ("students:view_log", "журнал просмотров записей школы"),
    ("students:bank_settings", "настройки банка школы"),
    ("students:bank_delete", "удаление всех записей банка (подтверждение)"),
    ("students:student_add", "новый обучающийся"),
)
_STUDENT_PAGES = (
    ("students:card", "карточка обучающегося", lambda objects: {}),
    ("students:student_edit", "изменение обучающегося", lambda objects: {}),
    ("students:student_delete", "удаление записей обучающегося (подтверждение)", lambda objects: {}),
    ("students:difficulty_add", "новая трудность", lambda objects: {}),
    ("students:route_add", "новый маршрут", lambda objects: {}),
    ("students:consilium_add", "новое решение ППк", lambda objects: {}),
    ("students:outcome_add", "новый итог периода", lambda objects: {}),
)


def _own(world: World, extra) -> dict:
    objects = _students(world)
    return {"pk": objects.student.pk, **extra(objects)}


def _other(world: World, extra) -> dict:
    objects = _students(world)
    return {"pk": objects.other.pk, **extra(objects)}


CASES: tuple = (
    Case(
        "students:counts", "числа по обучающимся с трудностями", EVERYONE, kwargs=lambda world: _students(world) and {}
    ),
    Case(
        "students:counts_export", "числа по обучающимся в Excel", EVERYONE, kwargs=lambda world: _students(world) and {}
    ),
    Case("students:my_bank", "банк своей школы", {**KEEPERS, "superuser": FORBIDDEN, "school_team": REDIRECT}),
    *(
        Case(
            name, f"{title}: своя школа", KEEPERS, kwargs=lambda world: _students(world) and {"code": world.school.code}
        )
        for name, title in _SCHOOL_PAGES
    ),
    *(
        Case(
            name,
            f"{title}: другая школа",
            KEEPERS_OTHER_SCHOOL,
            kwargs=lambda world: _students(world) and {"code": world.sibling.code},
        )
        for name, title in _SCHOOL_PAGES
    ),
    *(
        Case(name, f"{title}: своей школы", KEEPERS, kwargs=lambda world, extra=extra: _own(world, extra))
        for name, title, extra in _STUDENT_PAGES
    ),
    *(
        Case(
            name, f"{title}: другой школы", KEEPERS_OTHER_SCHOOL, kwargs=lambda world, extra=extra: _other(world, extra)
        )
        for name, title, extra in _STUDENT_PAGES
    ),
    Case(
        "students:route_edit",
        "изменение маршрута",
        KEEPERS,
        kwargs=lambda world: _own(world, lambda objects: {"route": objects.route.pk}),
    ),
    Case(
        "students:review_add",
        "пересмотр маршрута",
        KEEPERS,
        kwargs=lambda world: _own(world, lambda objects: {"route": objects.route.pk}),
    ),
    Case(
        "students:route_edit",
        "маршрут, не принадлежащий обучающемуся",
        {**KEEPERS, "superuser": NOT_FOUND, "school_team": NOT_FOUND},
        kwargs=lambda world: _other(world, lambda objects: {"route": objects.route.pk}),
    ),
    Case(
        "students:record_remove",
        "удаление записи обучающегося (только POST)",
        {**dict.fromkeys(PERSONAS, FORBIDDEN), "superuser": REDIRECT, "school_team": REDIRECT},
        kwargs=lambda world: _own(world, lambda objects: {"kind": "difficulty", "item": objects.difficulty.pk}),
        method="post",
    ),
    Case(
        "students:record_remove",
        "удаление записи обучающегося другой школы",
        {**dict.fromkeys(PERSONAS, FORBIDDEN), "superuser": REDIRECT, "school_team": NOT_FOUND},
        kwargs=lambda world: _other(world, lambda objects: {"kind": "difficulty", "item": objects.difficulty.pk}),
        method="post",
    ),
)
