"""Events of the program (seed 000 4.6): seminars, master-classes, methodological days, courses,
contests and parents' lectures, with the schools and teachers registered and who attended.

An event belongs to its region and, when a municipality holds it, to that municipality; everyone
of the territory sees it. A registration belongs to a school: a school's team registers its own
people, the organisers mark attendance.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from opora.accounts.scopes import SCHOOL_ROWS, ScopePaths, scoped_queryset
from opora.schools.models import Municipality, Region, School
from opora.support.models import Teacher


class EventKind(models.TextChoices):
    SEMINAR = "seminar", "семинар"
    MASTER_CLASS = "master_class", "мастер-класс"
    METHODOLOGICAL_DAY = "methodological_day", "методический день"
    COURSE = "course", "курсы"
    STUDENT_CONTEST = "student_contest", "конкурс или олимпиада для обучающихся"
    TEACHER_CONTEST = "teacher_contest", "конкурс для педагогов"
    PARENTS_LECTURE = "parents_lecture", "лекторий для родителей"


class Audience(models.TextChoices):
    TEACHERS = "teachers", "педагоги"
    MANAGERS = "managers", "управленческие команды"
    STUDENTS = "students", "обучающиеся"
    PARENTS = "parents", "родители"
    EVERYONE = "everyone", "все участники образовательных отношений"


class EventStatus(models.TextChoices):
    PLANNED = "planned", "запланировано"
    HELD = "held", "проведено"
    CANCELLED = "cancelled", "отменено"


class EventLevel(models.TextChoices):
    SCHOOL = "school", "школьный"
    MUNICIPAL = "municipal", "муниципальный"
    REGIONAL = "regional", "региональный"
    FEDERAL = "federal", "всероссийский"


CONTEST_KINDS = frozenset({EventKind.STUDENT_CONTEST, EventKind.TEACHER_CONTEST})


EVENT_ROWS = ScopePaths(region="region", municipality="municipality", municipality_optional=True)


class Event(models.Model):
    """An event with its organiser, time, audience, target schools and the risk factors it addresses."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="events", verbose_name="регион")
    municipality = models.ForeignKey(
        Municipality,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name="муниципалитет (пусто — региональное)",
    )
    title = models.CharField("название", max_length=500)
    kind = models.CharField("вид", max_length=20, choices=EventKind.choices)
    level = models.CharField("уровень", max_length=10, choices=EventLevel.choices, default=EventLevel.MUNICIPAL)
    audience = models.CharField("аудитория", max_length=10, choices=Audience.choices, default=Audience.TEACHERS)
    organiser = models.CharField("организатор", max_length=500)
    starts_at = models.DateTimeField("начало")
    ends_at = models.DateTimeField("окончание", null=True, blank=True)
    place = models.CharField("место проведения", max_length=500, blank=True)
    online_link = models.URLField("ссылка на трансляцию", blank=True)
    description = models.TextField("описание", blank=True)
    subjects = models.CharField("предметы", max_length=500, blank=True)
    factor_keys = models.JSONField("факторы риска", default=list, blank=True)
    target_schools = models.ManyToManyField(
        School, blank=True, related_name="targeted_events", verbose_name="целевые школы (пусто — все)"
    )
    capacity = models.PositiveIntegerField("мест (пусто — без ограничения)", null=True, blank=True)
    status = models.CharField("состояние", max_length=10, choices=EventStatus.choices, default=EventStatus.PLANNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="кто внёс"
    )
    created_at = models.DateTimeField("создано", auto_now_add=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    objects = scoped_queryset(EVENT_ROWS).as_manager()
    history = HistoricalRecords(m2m_fields=[target_schools])

    class Meta:
        verbose_name = "мероприятие"
        verbose_name_plural = "мероприятия"
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%d.%m.%Y})"


REGISTRATION_ROWS = SCHOOL_ROWS


class Registration(models.Model):
    """A school registered for an event: the school as a whole (``teacher`` empty) or one of its teachers.

    ``attended`` is None until the organiser marks attendance: unknown, never «не был». For a school's
    row ``participants`` is how many people it sends (students of a contest are counted, never named)
    and ``attended_count`` how many came; a contest's winners and prize winners are counts too.
    """

    event = models.ForeignKey(Event, models.CASCADE, related_name="registrations", verbose_name="мероприятие")
    school = models.ForeignKey(School, models.CASCADE, related_name="event_registrations", verbose_name="школа")
    teacher = models.ForeignKey(
        Teacher,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name="педагог (пусто — школа)",
    )
    participants = models.PositiveSmallIntegerField("участников от школы", default=1)
    attended = models.BooleanField("присутствовал", null=True, blank=True)
    attended_count = models.PositiveSmallIntegerField("присутствовало", null=True, blank=True)
    winners = models.PositiveSmallIntegerField("победителей", null=True, blank=True)
    prize_winners = models.PositiveSmallIntegerField("призёров", null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="кто записал"
    )
    registered_at = models.DateTimeField("когда записан", auto_now_add=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто отметил посещение",
    )
    marked_at = models.DateTimeField("когда отмечено", null=True, blank=True)

    objects = scoped_queryset(REGISTRATION_ROWS).as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "запись на мероприятие"
        verbose_name_plural = "записи на мероприятия"
        ordering = ["event", "school", "teacher", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "school"],
                condition=models.Q(teacher__isnull=True),
                name="registration_unique_school",
            ),
            models.UniqueConstraint(
                fields=["event", "teacher"],
                condition=models.Q(teacher__isnull=False),
                name="registration_unique_teacher",
            ),
        ]

    def __str__(self) -> str:
        who = self.teacher.code if self.teacher_id else self.school.code
        return f"{self.event_id}: {who}"
