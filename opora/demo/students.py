"""Demo banks of students with difficulties: three schools of the region, codes only (one school keeps names).

The first school has a bank large enough for its numbers to be shown outside the school, the second
a bank of three (hidden as a small group), the third keeps invented names beside the codes.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from opora.accounts.models import Role, User
from opora.schools.models import Region, School
from opora.students.models import DifficultyKind, Outcome, Student
from opora.students.services import (
    bank_settings_save,
    consilium_add,
    difficulty_add,
    outcome_save,
    review_record,
    route_save,
    student_create,
)

_SUBJECTS = ("математика", "русский язык", "чтение", "английский язык", "физика")
_MEASURES = (
    "Индивидуальные консультации учителя-предметника раз в неделю",
    "Занятия с педагогом-психологом",
    "Задания базового уровня с пошаговыми подсказками",
    "Наставник из числа старшеклассников",
    "Беседа с родителями, план совместных действий",
    "Занятия с учителем-логопедом",
)
_NAMES = ("Иванов Пётр", "Смирнова Анна", "Кузнецов Илья", "Попова Дарья", "Соколов Максим", "Лебедева Мария")


def _current_end_year(today: datetime.date) -> int:
    return today.year + 1 if today.month >= 9 else today.year


def _fill(school: School, count: int, rng: random.Random, *, names: bool) -> list[Student]:
    today = timezone.localdate()
    end_year = _current_end_year(today)
    kinds = list(DifficultyKind.values)
    students = []
    for index in range(count):
        student = student_create(
            school=school,
            data={
                "code": "",
                "grade": rng.randint(2, 9),
                "class_letter": rng.choice("АБВ"),
                "full_name": _NAMES[index % len(_NAMES)] if names else "",
            },
            by=None,
        )
        for kind in rng.sample(kinds, rng.randint(1, 3)):
            difficulty_add(
                student=student,
                data={
                    "kind": kind,
                    "subject": rng.choice(_SUBJECTS) if kind == DifficultyKind.SUBJECT else "",
                    "note": "",
                    "noted_on": today - datetime.timedelta(days=rng.randint(30, 200)),
                },
                by=None,
            )
        if index % 3 != 2:
            starts_on = datetime.date(end_year - 1, 9, 15)
            route = route_save(
                student=student,
                route=None,
                data={
                    "subjects": rng.choice(_SUBJECTS),
                    "measures": "\n".join(rng.sample(_MEASURES, 3)),
                    "responsible": f"Учитель П-{rng.randint(1, 40):03d}",
                    "starts_on": starts_on,
                    "ends_on": datetime.date(end_year, 5, 31),
                    "review_dates": [datetime.date(end_year - 1, 12, 20), datetime.date(end_year, 3, 20)],
                },
                by=None,
            )
            if today > datetime.date(end_year - 1, 12, 20):
                review_record(
                    route=route,
                    data={
                        "review_on": datetime.date(end_year - 1, 12, 20),
                        "note": "Есть продвижение, меры сохранены.",
                    },
                    by=None,
                )
        if index % 2 == 0:
            consilium_add(
                student=student,
                data={
                    "decided_on": datetime.date(end_year - 1, 10, 10),
                    "decision": "Рекомендованы занятия с педагогом-психологом и индивидуальный маршрут.",
                    "specialists": "педагог-психолог, социальный педагог, классный руководитель",
                },
                by=None,
            )
        for term in ("1", "2"):
            outcome_save(
                student=student,
                data={
                    "end_year": end_year,
                    "term": term,
                    "outcome": rng.choice([Outcome.IMPROVED, Outcome.IMPROVED, Outcome.UNCHANGED, Outcome.WORSE]),
                    "note": "",
                },
                by=None,
            )
        students.append(student)
    return students


@transaction.atomic
def demo_students_load(region: Region, *, seed: int = 13) -> int:
    """Fill the banks of three schools of the region; the number of students made.

    The first is the school of the region's demo school team (so that its login shows a full bank),
    the others the first active schools by code.
    """
    rng = random.Random(seed)
    team_schools = User.objects.filter(role=Role.SCHOOL_TEAM, school__municipality__region=region).values("school")
    active = School.objects.filter(municipality__region=region, is_active=True)
    schools = list(active.filter(pk__in=team_schools).order_by("code")[:1])
    schools += list(active.exclude(pk__in=[school.pk for school in schools]).order_by("code")[: 3 - len(schools)])
    made = 0
    for index, (school, count) in enumerate(zip(schools, (12, 3, 6), strict=False)):
        names = index == 2
        if names:
            bank_settings_save(school=school, keeps_names=True, by=None)
        made += len(_fill(school, count, rng, names=names))
    return made
