"""Programs, roadmaps and their indicators: the living documents of a region, a municipality and a school.

A program has a passport (name, period, goal, tasks, developers, executors, expected results,
legal basis, control), its approving order, a link to the program it belongs to, sections
(направления) of activities and indicators with yearly targets. The antirisk programs a school
drafts from its risk profile start here as drafts.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

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
    next_review_on = models.DateField("следующий обзор прогресса", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="создал"
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)

    objects = scoped_queryset(
        ScopePaths(region="region", municipality="municipality", school="school", municipality_optional=True)
    ).as_manager()
    history = HistoricalRecords()

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

    history = HistoricalRecords()
    audit_region_paths = ("program__region",)  # opora.core.audit.region_restriction

    class Meta:
        verbose_name = "раздел программы"
        verbose_name_plural = "разделы программы"
        ordering = ["program", "position"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ActivityStatus(models.TextChoices):
    NOT_STARTED = "not_started", "не начато"
    IN_PROGRESS = "in_progress", "в работе"
    DONE = "done", "выполнено"
    PARTLY_DONE = "partly_done", "выполнено частично"
    NOT_DONE = "not_done", "не выполнено"
    CANCELLED = "cancelled", "отменено"


UNFINISHED = (ActivityStatus.NOT_STARTED, ActivityStatus.IN_PROGRESS)
"""Statuses of an activity that becomes «просрочено» once its end date has passed."""


def overdue(status: str, ends_on: datetime.date | None, today: datetime.date) -> bool:
    """«Просрочено»: the end date has passed and the activity is neither finished nor cancelled."""
    return ends_on is not None and ends_on < today and status in UNFINISHED


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
    status = models.CharField(
        "состояние", max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.NOT_STARTED
    )
    recommendation = models.ForeignKey(
        "support.VisitRecommendation",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name="рекомендация выездного мониторинга",
    )
    # Optimistic locking: each save through the services adds one; a form carries the number it was
    # filled against, and a save against an older number is refused instead of overwriting.
    version = models.PositiveIntegerField("версия", default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])
    audit_region_paths = ("program__region",)

    class Meta:
        verbose_name = "мероприятие"
        verbose_name_plural = "мероприятия"
        ordering = ["program", "position"]

    def __str__(self) -> str:
        return f"{self.number} {self.content[:60]}"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """«Просрочено»: the end date has passed and the activity is neither finished nor cancelled."""
        return overdue(self.status, self.ends_on, today or timezone.localdate())

    @property
    def shown_status(self) -> str:
        """The status as a page shows it: «просрочено» instead of an unfinished one past its end date."""
        return "просрочено" if self.is_overdue() else self.get_status_display()


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

    history = HistoricalRecords()
    audit_region_paths = ("program__region",)

    class Meta:
        verbose_name = "показатель программы"
        verbose_name_plural = "показатели программы"
        ordering = ["program", "position"]

    def __str__(self) -> str:
        return f"{self.number} {self.name[:60]}"


class ActivityEvent(models.Model):
    """A change of an activity's status with its short report: the activity's history."""

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="events", verbose_name="мероприятие")
    status_from = models.CharField("было", max_length=16, choices=ActivityStatus.choices)
    status_to = models.CharField("стало", max_length=16, choices=ActivityStatus.choices)
    report = models.TextField("отчёт")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="кто")
    created_at = models.DateTimeField("когда", auto_now_add=True)

    class Meta:
        verbose_name = "изменение мероприятия"
        verbose_name_plural = "история мероприятий"
        ordering = ["activity", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.get_status_from_display()} → {self.get_status_to_display()}"


class Evidence(models.Model):
    """A file attached to a status change as evidence; served only as a download, never as a page."""

    event = models.ForeignKey(ActivityEvent, models.CASCADE, related_name="evidence", verbose_name="изменение")
    file = models.FileField("файл", upload_to="evidence/%Y/%m/")
    original_name = models.CharField("имя файла", max_length=255)
    size = models.PositiveIntegerField("размер, байт")
    content_type = models.CharField("тип", max_length=100)

    class Meta:
        verbose_name = "подтверждающий файл"
        verbose_name_plural = "подтверждающие файлы"
        ordering = ["event", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Comment(models.Model):
    """A comment on an activity; a reply names the comment it answers (curator ↔ school)."""

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="comments", verbose_name="мероприятие")
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="replies", verbose_name="ответ на"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="автор")
    text = models.TextField("текст")
    created_at = models.DateTimeField("когда", auto_now_add=True)

    class Meta:
        verbose_name = "комментарий"
        verbose_name_plural = "комментарии"
        ordering = ["activity", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:40]}"


class Notification(models.Model):
    """A notice for a user inside the product (a comment, a status change, a program sent for review)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications", verbose_name="кому"
    )
    text = models.CharField("текст", max_length=500)
    url = models.CharField("ссылка", max_length=500, blank=True)
    created_at = models.DateTimeField("когда", auto_now_add=True)
    read_at = models.DateTimeField("прочитано", null=True, blank=True)

    class Meta:
        verbose_name = "уведомление"
        verbose_name_plural = "уведомления"
        ordering = ["user", "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:60]


class StatusChange(models.Model):
    """A step of a program's workflow (черновик → на согласовании → на доработке → утверждено)."""

    program = models.ForeignKey(Program, models.CASCADE, related_name="status_changes", verbose_name="программа")
    status_from = models.CharField("было", max_length=16, choices=ProgramStatus.choices)
    status_to = models.CharField("стало", max_length=16, choices=ProgramStatus.choices)
    remarks = models.TextField("замечания", blank=True)
    checklist = models.JSONField("экспертный лист", default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="кто")
    created_at = models.DateTimeField("когда", auto_now_add=True)

    class Meta:
        verbose_name = "шаг согласования"
        verbose_name_plural = "согласование программ"
        ordering = ["program", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.program_id}: {self.get_status_from_display()} → {self.get_status_to_display()}"


class ProgramVersion(models.Model):
    """A frozen copy of a program as it was approved: passport, sections, activities, indicators."""

    program = models.ForeignKey(Program, models.CASCADE, related_name="versions", verbose_name="программа")
    number = models.PositiveIntegerField("версия")
    content = models.JSONField("содержание")
    order_number = models.CharField("номер приказа", max_length=50, blank=True)
    order_date = models.DateField("дата приказа", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="кто")
    created_at = models.DateTimeField("когда", auto_now_add=True)

    class Meta:
        verbose_name = "утверждённая версия программы"
        verbose_name_plural = "утверждённые версии программ"
        ordering = ["program", "-number"]
        constraints = [models.UniqueConstraint(fields=["program", "number"], name="program_version_unique")]

    def __str__(self) -> str:
        return f"{self.program_id} v{self.number}"


class ReviewProgress(models.TextChoices):
    GOOD = "good", "хороший прогресс"
    SOME = "some", "есть прогресс"
    INSUFFICIENT = "insufficient", "недостаточный прогресс"


class ProgramReview(models.Model):
    """A progress review of a program by its curator or coordinator, with the date of the next one."""

    program = models.ForeignKey(Program, models.CASCADE, related_name="reviews", verbose_name="программа")
    reviewed_on = models.DateField("дата обзора")
    overall = models.CharField("общий прогресс", max_length=16, choices=ReviewProgress.choices)
    tasks = models.JSONField("прогресс по задачам", default=dict, blank=True, help_text="Задача → прогресс")
    remarks = models.TextField("замечания", blank=True)
    next_review_on = models.DateField("следующий обзор", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="кто")
    created_at = models.DateTimeField("записан", auto_now_add=True)

    history = HistoricalRecords()
    audit_region_paths = ("program__region",)

    class Meta:
        verbose_name = "обзор прогресса"
        verbose_name_plural = "обзоры прогресса"
        ordering = ["program", "-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.program_id} {self.reviewed_on}: {self.get_overall_display()}"


class IndicatorActual(models.Model):
    """An actual value of a program's indicator for a year: entered (with source and date) or computed."""

    indicator = models.ForeignKey(ProgramIndicator, models.CASCADE, related_name="actuals", verbose_name="показатель")
    period = models.CharField("год", max_length=20, help_text="Как в целевых значениях: 2026 или 2025/2026")
    value = models.FloatField("значение", null=True, blank=True)
    source = models.CharField("источник", max_length=500, blank=True)
    measured_on = models.DateField("на дату", null=True, blank=True)
    computed = models.BooleanField("рассчитано Опорой", default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="внёс"
    )
    created_at = models.DateTimeField("записано", auto_now_add=True)

    history = HistoricalRecords()
    audit_region_paths = ("indicator__program__region",)

    class Meta:
        verbose_name = "фактическое значение показателя"
        verbose_name_plural = "фактические значения показателей"
        ordering = ["indicator", "period", "-created_at"]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period}: {self.value}"
