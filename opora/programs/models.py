"""Programs, roadmaps and their indicators: the living documents of a region, a municipality and a school.

A program has a passport (name, period, goal, tasks, developers, executors, expected results,
legal basis, control), its approving order, a link to the program it belongs to, sections
(направления) of activities and indicators with yearly targets. The antirisk programs a school
drafts from its risk profile start here as drafts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from opora.accounts.scopes import ScopePaths, scoped_queryset
from opora.risks.models import Measure, RiskProfile
from opora.schools.models import Municipality, Region, School, SchoolYear


class ProgramKind(models.TextChoices):
    MUNICIPAL_PROGRAM = "municipal_program", "муниципальная программа поддержки"
    DEVELOPMENT_CONCEPT = "development_concept", "концепция развития школы"
    DEVELOPMENT_PROGRAM = "development_program", "среднесрочная программа развития"
    ANTIRISK = "antirisk", "антирисковая программа"
    ROADMAP = "roadmap", "дорожная карта"
    SCHOOL_SUPPORT = "school_support", "муниципальная программа поддержки школы"


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", "черновик"
    REVIEW = "review", "на согласовании"
    REWORK = "rework", "на доработке"
    APPROVED = "approved", "утверждено"


class Program(models.Model):
    """A program or roadmap of a region, a municipality or a school."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="programs", verbose_name="регион")
    municipality = models.ForeignKey(
        Municipality, models.PROTECT, null=True, blank=True, related_name="programs", verbose_name="муниципалитет"
    )
    school = models.ForeignKey(
        School, models.PROTECT, null=True, blank=True, related_name="programs", verbose_name="школа"
    )
    kind = models.CharField("вид", max_length=24, choices=ProgramKind.choices)
    title = models.CharField("наименование", max_length=500)
    year = models.ForeignKey(
        SchoolYear, models.PROTECT, null=True, blank=True, related_name="programs", verbose_name="учебный год"
    )
    starts_on = models.DateField("начало", null=True, blank=True)
    ends_on = models.DateField("окончание", null=True, blank=True)
    goal = models.TextField("цель", blank=True)
    tasks = models.TextField("задачи", blank=True, help_text="По одной задаче в строке")
    developers = models.TextField("разработчики", blank=True)
    executors = models.TextField("исполнители", blank=True)
    expected_results = models.TextField("ожидаемые результаты", blank=True)
    legal_basis = models.TextField("нормативное основание", blank=True)
    control = models.TextField("контроль", blank=True)
    order_number = models.CharField("номер утверждающего приказа", max_length=50, blank=True)
    order_date = models.DateField("дата утверждающего приказа", null=True, blank=True)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name="входит в программу"
    )
    factor_key = models.SlugField("фактор риска", max_length=60, blank=True)
    profile = models.ForeignKey(
        RiskProfile, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="по рисковому профилю"
    )
    status = models.CharField("состояние", max_length=16, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="создал"
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)

    objects = scoped_queryset(
        ScopePaths(region="region", municipality="municipality", school="school", municipality_optional=True)
    ).as_manager()

    class Meta:
        verbose_name = "программа"
        verbose_name_plural = "программы"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def task_list(self) -> list[str]:
        return [line.strip() for line in self.tasks.splitlines() if line.strip()]


class ProgramSection(models.Model):
    """A direction (направление) of a roadmap: a heading its activities stand under."""

    program = models.ForeignKey(Program, models.CASCADE, related_name="sections", verbose_name="программа")
    number = models.CharField("№", max_length=20)
    title = models.CharField("наименование", max_length=500)
    position = models.PositiveIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "раздел программы"
        verbose_name_plural = "разделы программы"
        ordering = ["program", "position"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Activity(models.Model):
    """An activity of a roadmap: what, by when (as written and as dates), by whom, with what result."""

    program = models.ForeignKey(Program, models.CASCADE, related_name="activities", verbose_name="программа")
    section = models.ForeignKey(
        ProgramSection, models.CASCADE, null=True, blank=True, related_name="activities", verbose_name="раздел"
    )
    number = models.CharField("№", max_length=20)
    position = models.PositiveIntegerField("порядок", default=0)
    content = models.TextField("мероприятие")
    deadline = models.CharField("сроки (как написано)", max_length=300, blank=True)
    starts_on = models.DateField("начало срока", null=True, blank=True)
    ends_on = models.DateField("окончание срока", null=True, blank=True)
    owners = models.TextField("ответственные", blank=True)
    expected_result = models.TextField("ожидаемый результат", blank=True)
    factor_key = models.SlugField("фактор риска", max_length=60, blank=True)
    task = models.TextField("задача программы", blank=True)
    measure = models.ForeignKey(
        Measure, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="мера каталога"
    )

    class Meta:
        verbose_name = "мероприятие"
        verbose_name_plural = "мероприятия"
        ordering = ["program", "position"]

    def __str__(self) -> str:
        return f"{self.number} {self.content[:60]}"


class IndicatorDirection(models.TextChoices):
    HIGHER = "higher", "чем больше, тем лучше"
    LOWER = "lower", "чем меньше, тем лучше"


class ProgramIndicator(models.Model):
    """An indicator of a program: unit, direction, baseline and a target per school year."""

    program = models.ForeignKey(Program, models.CASCADE, related_name="indicators", verbose_name="программа")
    number = models.CharField("№", max_length=20)
    position = models.PositiveIntegerField("порядок", default=0)
    name = models.TextField("наименование показателя")
    unit = models.CharField("единица измерения", max_length=100, blank=True)
    direction = models.CharField(
        "направление", max_length=8, choices=IndicatorDirection.choices, default=IndicatorDirection.HIGHER
    )
    baseline = models.CharField("базовое значение", max_length=100, blank=True)
    targets = models.JSONField("целевые значения по годам", default=dict, blank=True)
    factor_key = models.SlugField("фактор риска", max_length=60, blank=True)
    computed = models.CharField("рассчитывается Опорой как", max_length=60, blank=True)

    class Meta:
        verbose_name = "показатель программы"
        verbose_name_plural = "показатели программы"
        ordering = ["program", "position"]

    def __str__(self) -> str:
        return f"{self.number} {self.name[:60]}"
