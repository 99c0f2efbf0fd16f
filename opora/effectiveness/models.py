"""The council of heads and its management decisions (seed 000 §6.3): decision, owner, deadline, status.

A meeting belongs to its region and, for a municipal council, to its municipality. A decision is
carried out by its owner by its deadline; the next report says which were carried out.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from opora.accounts.scopes import ScopePaths, scoped_queryset
from opora.schools.models import Municipality, Region

MEETING_ROWS = ScopePaths(region="region", municipality="municipality", municipality_optional=True)
DECISION_ROWS = ScopePaths(region="meeting__region", municipality="meeting__municipality", municipality_optional=True)


class CouncilMeeting(models.Model):
    """A meeting of the council of heads (совет руководителей) where the program's state is reported."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="council_meetings", verbose_name="регион")
    municipality = models.ForeignKey(
        Municipality,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="council_meetings",
        verbose_name="муниципалитет (пусто — региональный совет)",
    )
    title = models.CharField("совет", max_length=300, default="Совет руководителей образовательных организаций")
    held_on = models.DateField("дата заседания")
    protocol_number = models.CharField("номер протокола", max_length=50, blank=True)
    agenda = models.TextField("повестка", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="кто внёс"
    )
    created_at = models.DateTimeField("внесено", auto_now_add=True)

    objects = scoped_queryset(MEETING_ROWS).as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "заседание совета руководителей"
        verbose_name_plural = "заседания совета руководителей"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        number = f" № {self.protocol_number}" if self.protocol_number else ""
        return f"{self.title} от {self.held_on:%d.%m.%Y}{number}"


class DecisionStatus(models.TextChoices):
    ASSIGNED = "assigned", "назначено"
    IN_PROGRESS = "in_progress", "выполняется"
    DONE = "done", "выполнено"
    PARTLY_DONE = "partly_done", "выполнено частично"
    NOT_DONE = "not_done", "не выполнено"
    CANCELLED = "cancelled", "отменено"


DECISION_OPEN = (DecisionStatus.ASSIGNED, DecisionStatus.IN_PROGRESS)


class ManagementDecision(models.Model):
    """A management decision of a meeting: what, who, by when, and how it went."""

    meeting = models.ForeignKey(CouncilMeeting, models.CASCADE, related_name="decisions", verbose_name="заседание")
    number = models.PositiveSmallIntegerField("номер")
    text = models.TextField("решение")
    owner = models.CharField("ответственный", max_length=500)
    deadline = models.DateField("срок", null=True, blank=True)
    status = models.CharField(
        "состояние", max_length=12, choices=DecisionStatus.choices, default=DecisionStatus.ASSIGNED
    )
    report = models.TextField("отчёт об исполнении", blank=True)
    status_changed_at = models.DateTimeField("состояние изменено", null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="кем"
    )

    objects = scoped_queryset(DECISION_ROWS).as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "управленческое решение"
        verbose_name_plural = "управленческие решения"
        ordering = ["meeting", "number", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="decision_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"

    def is_overdue(self, today: datetime.date) -> bool:
        return self.deadline is not None and self.deadline < today and self.status in DECISION_OPEN

    def shown_status(self, today: datetime.date) -> str:
        return "просрочено" if self.is_overdue(today) else self.get_status_display()
