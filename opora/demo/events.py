"""Demo events of the region: held seminars with attendance, a contest with its winners, upcoming ones.

Held events lie a few weeks back and upcoming ones a few weeks ahead of the day of loading, so the
calendar, the registrations and the participation of ШНОР have something to show on any day.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from opora.events.models import Registration
from opora.events.services import Mark, attendance_save, event_save, register
from opora.schools.models import Municipality, Region, School
from opora.support.models import Teacher

# (days from today, hour, title, kind, level, audience, organiser, place, factor keys, regional)
_EVENTS = (
    (
        -38,
        14,
        "Семинар «Анализ результатов ВПР и планирование работы с дефицитами»",
        "seminar",
        "municipal",
        "managers",
        "Управление образования, ММС",
        "МБОУ СОШ № 1, актовый зал",
        ["management"],
        False,
    ),
    (
        -24,
        10,
        "Мастер-класс «Смысловое чтение на уроках в 5–6 классах»",
        "master_class",
        "municipal",
        "teachers",
        "Опорная школа: МБОУ СОШ № 1",
        "МБОУ СОШ № 1, каб. 204",
        ["low_motivation"],
        False,
    ),
    (
        -10,
        9,
        "Муниципальная олимпиада по математике для 7–8 классов",
        "student_contest",
        "municipal",
        "students",
        "ММО учителей математики",
        "МБОУ СОШ № 1",
        [],
        False,
    ),
    (
        -5,
        15,
        "Лекторий для родителей «Как поддержать ребёнка перед ОГЭ»",
        "parents_lecture",
        "municipal",
        "parents",
        "Центр психолого-педагогической помощи",
        "онлайн",
        ["parents"],
        False,
    ),
    (
        9,
        10,
        "Региональный методический день «Объективность оценивания»",
        "methodological_day",
        "regional",
        "teachers",
        "Институт развития образования",
        "ИРО, конференц-зал",
        ["objectivity"],
        True,
    ),
    (
        16,
        14,
        "Курсы «Формирующее оценивание» (первое занятие)",
        "course",
        "regional",
        "teachers",
        "Институт развития образования",
        "ИРО, ауд. 12",
        [],
        True,
    ),
    (
        23,
        15,
        "Семинар-практикум «Индивидуальные маршруты обучающихся с трудностями»",
        "seminar",
        "municipal",
        "teachers",
        "ММС, педагог-психолог",
        "МБОУ СОШ № 2",
        ["failure_risk"],
        False,
    ),
)


def _moment(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@transaction.atomic
def demo_events_load(region: Region, school_team_school: School | None = None) -> int:
    """The demo events of the region and the registrations of its largest municipality's schools."""
    rng = random.Random(20261203)
    municipality = (
        Municipality.objects.filter(region=region).annotate(count=Count("schools")).order_by("-count", "name").first()
    )
    if municipality is None:
        return 0
    schools = list(School.objects.filter(municipality=municipality, is_active=True).order_by("code"))
    chosen = ([school_team_school] if school_team_school else []) + [
        school for school in rng.sample(schools, min(8, len(schools))) if school != school_team_school
    ]
    made = 0
    for days, hour, title, kind, level, audience, organiser, place, factors, regional in _EVENTS:
        starts_at = _moment(days, hour)
        event = event_save(
            event=None,
            region=region,
            municipality=None if regional else municipality,
            data={
                "title": title,
                "kind": kind,
                "level": level,
                "audience": audience,
                "organiser": organiser,
                "place": place,
                "starts_at": starts_at,
                "ends_at": starts_at + datetime.timedelta(hours=2 if kind != "course" else 6),
                "factor_keys": factors,
                "capacity": 60 if kind == "seminar" else None,
                "description": "Мероприятие программы поддержки школ с низкими образовательными результатами.",
            },
            by=None,
        )
        made += 1
        for school in chosen[: rng.randint(min(4, len(chosen)), len(chosen))]:
            teachers = list(Teacher.objects.filter(school=school).order_by("code")[: rng.randint(0, 2)])
            if audience != "teachers":
                teachers = []
            participants = rng.randint(1, 4)
            if days >= 0:
                register(event=event, school=school, participants=participants, teachers=teachers, by=None)
            else:  # registration closed at the start: the past registrations are recorded as they were
                Registration.objects.create(event=event, school=school, participants=participants)
                for teacher in teachers:
                    Registration.objects.create(event=event, school=school, teacher=teacher)
        if days < 0:
            marks = {}
            for row in Registration.objects.filter(event=event).order_by("pk"):
                came = rng.random() < 0.85
                if row.teacher_id:
                    marks[row.pk] = Mark(attended=came)
                else:
                    count = rng.randint(1, row.participants) if came else 0
                    winners = rng.randint(0, min(1, count)) if kind == "student_contest" else None
                    prizes = rng.randint(0, count - (winners or 0)) if kind == "student_contest" else None
                    marks[row.pk] = Mark(attended=came, attended_count=count, winners=winners, prize_winners=prizes)
            attendance_save(event=event, marks=marks, by=None)
    return made
