"""Risk factors of a region (versioned), questionnaires, risk profiles of schools, the catalog of measures.

A region's factors are a versioned set: a new version copies the last one, so a region adds,
renames or retires factors for a new year while the profiles made by an older version keep it.
Each factor has rules: an indicator, an operator, thresholds of the levels and a weight. A
school's profile for a year is computed by a run from the data and the questionnaires, like an
identification run; the expert judgement that overrides a level, the level given by ФИОКО and
the priority factors attach to the school, year and factor, so they outlive a recomputation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from opora.accounts.scopes import REGION_ROWS, SCHOOL_ROWS, ScopePaths, scoped_queryset
from opora.analytics.risks import LEVELS
from opora.core.heartbeat import stale_before
from opora.core.records import ImportedRecord
from opora.identification.models import RunStatus
from opora.schools.models import Region, School, SchoolYear

LEVEL_CHOICES = [(score, name) for score, name in enumerate(LEVELS)]


def level_name(score: int | None) -> str:
    """«высокий», «средний», «низкий», «нет риска» — or «нет данных» for an unknown level."""
    return "нет данных" if score is None else LEVELS[score]


class FactorSet(models.Model):
    """One version of a region's set of risk factors with their rules."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="factor_sets", verbose_name="регион")
    version = models.PositiveIntegerField("версия")
    title = models.CharField("название", max_length=300)
    comment = models.TextField("что изменено и почему", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="автор"
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)

    objects = scoped_queryset(REGION_ROWS).as_manager()

    class Meta:
        verbose_name = "набор факторов риска"
        verbose_name_plural = "наборы факторов риска"
        ordering = ["region", "-version"]
        constraints = [models.UniqueConstraint(fields=["region", "version"], name="factor_set_unique_version")]

    def __str__(self) -> str:
        return f"{self.title}, версия {self.version}"

    @property
    def is_latest(self) -> bool:
        return not FactorSet.objects.filter(region_id=self.region_id, version__gt=self.version).exists()


class RiskFactor(models.Model):
    """A risk factor of a set: project 500+'s ten and those a region adds."""

    factor_set = models.ForeignKey(FactorSet, models.CASCADE, related_name="factors", verbose_name="набор")
    key = models.SlugField("ключ", max_length=60)
    number = models.PositiveSmallIntegerField("№")
    name = models.CharField("наименование", max_length=300)
    description = models.TextField("что означает", blank=True)
    retired = models.BooleanField(
        "не используется", default=False, help_text="Фактор остаётся в прежних профилях, но не рассчитывается."
    )

    objects = scoped_queryset(ScopePaths(region="factor_set__region")).as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "фактор риска"
        verbose_name_plural = "факторы риска"
        ordering = ["factor_set", "number"]
        constraints = [models.UniqueConstraint(fields=["factor_set", "key"], name="risk_factor_unique_key")]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Audience(models.TextChoices):
    DIRECTOR = "director", "руководитель"
    TEACHERS = "teachers", "педагоги"
    STUDENTS = "students", "обучающиеся"
    PARENTS = "parents", "родители"


class IndicatorRule(models.Model):
    """A rule of a factor: an indicator, its operator, the thresholds of the levels and its weight.

    With «>=» the larger the value the higher the risk: a value at least ``high`` is «высокий»,
    at least ``medium`` «средний», at least ``low`` «низкий»; with «<=» the same downwards. The
    indicator is one of the analytics' (``opora.analytics.risks.RISK_INDICATORS``); the
    questionnaire's needs an audience.
    """

    factor = models.ForeignKey(RiskFactor, models.CASCADE, related_name="rules", verbose_name="фактор")
    indicator = models.CharField("показатель", max_length=60)
    audience = models.CharField("анкета", max_length=16, choices=Audience.choices, blank=True)
    operator = models.CharField(
        "направление", max_length=2, choices=[(">=", "больше — хуже"), ("<=", "меньше — хуже")], default=">="
    )
    high = models.FloatField("порог высокого уровня", null=True, blank=True)
    medium = models.FloatField("порог среднего уровня", null=True, blank=True)
    low = models.FloatField("порог низкого уровня", null=True, blank=True)
    weight = models.FloatField("вес", default=1.0)
    explanation = models.TextField("почему так", blank=True)

    history = HistoricalRecords()
    audit_region_paths = ("factor__factor_set__region",)  # opora.core.audit.region_restriction

    class Meta:
        verbose_name = "правило фактора"
        verbose_name_plural = "правила факторов"
        ordering = ["factor", "pk"]

    def __str__(self) -> str:
        return f"{self.factor.key}: {self.indicator_key}"

    @property
    def indicator_key(self) -> str:
        """The indicator as the values name it (the questionnaire's with its audience)."""
        return f"{self.indicator}:{self.audience}" if self.audience else self.indicator


class Scale(models.TextChoices):
    AGREE = "agree5", "согласие (1–5)"
    FREQUENCY = "frequency5", "частота (1–5)"
    YES_NO = "yesno", "да / нет"


SCALE_ANSWERS = {
    Scale.AGREE: (
        "Совершенно не согласен",
        "Скорее не согласен",
        "Затрудняюсь ответить",
        "Скорее согласен",
        "Полностью согласен",
    ),
    Scale.FREQUENCY: ("Никогда", "Редко", "Иногда", "Часто", "Всегда"),
    Scale.YES_NO: ("Нет", "Да"),
}
"""The answers of each scale, 1 … n (n: the most favourable, unless the item is reversed)."""


class Questionnaire(models.Model):
    """A region's questionnaire for one audience: sections of items, each feeding a risk factor."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="questionnaires", verbose_name="регион")
    audience = models.CharField("для кого", max_length=16, choices=Audience.choices)
    title = models.CharField("название", max_length=300)
    intro = models.TextField("вступление", blank=True)
    closing = models.TextField("благодарность в конце", blank=True)

    objects = scoped_queryset(REGION_ROWS).as_manager()

    class Meta:
        verbose_name = "анкета"
        verbose_name_plural = "анкеты"
        ordering = ["region", "audience"]
        constraints = [models.UniqueConstraint(fields=["region", "audience"], name="questionnaire_unique_audience")]

    def __str__(self) -> str:
        return self.title


class QuestionSection(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, models.CASCADE, related_name="sections", verbose_name="анкета")
    number = models.PositiveSmallIntegerField("№")
    title = models.CharField("название", max_length=300)

    class Meta:
        verbose_name = "раздел анкеты"
        verbose_name_plural = "разделы анкеты"
        ordering = ["questionnaire", "number"]

    def __str__(self) -> str:
        return self.title


class QuestionItem(models.Model):
    section = models.ForeignKey(QuestionSection, models.CASCADE, related_name="items", verbose_name="раздел")
    key = models.SlugField("ключ", max_length=20)
    number = models.PositiveSmallIntegerField("№")
    text = models.TextField("утверждение или вопрос")
    scale = models.CharField("шкала ответов", max_length=16, choices=Scale.choices, default=Scale.AGREE)
    factor_key = models.SlugField("фактор риска", max_length=60)
    reverse = models.BooleanField(
        "обратный", default=False, help_text="Согласие означает больший риск (например, «на уроках часто шумно»)."
    )

    class Meta:
        verbose_name = "вопрос анкеты"
        verbose_name_plural = "вопросы анкеты"
        ordering = ["section", "number"]

    def __str__(self) -> str:
        return f"{self.key}. {self.text[:60]}"

    @property
    def answers(self) -> tuple[str, ...]:
        return SCALE_ANSWERS[Scale(self.scale)]

    def favourable(self, answer: int) -> float:
        """An answer (1 … n) as its share of the most favourable, 0–100 (a reversed item is turned round)."""
        points = len(self.answers) - 1
        position = (answer - 1) / points
        return round(100.0 * ((1 - position) if self.reverse else position), 6)


class SurveyLink(models.Model):
    """An anonymous link for a school and an audience: no login, a token, open between two dates."""

    questionnaire = models.ForeignKey(Questionnaire, models.PROTECT, related_name="links", verbose_name="анкета")
    school = models.ForeignKey(School, models.CASCADE, related_name="survey_links", verbose_name="школа")
    year = models.ForeignKey(SchoolYear, models.PROTECT, related_name="+", verbose_name="учебный год")
    token = models.CharField("ключ ссылки", max_length=64, unique=True)
    opens_on = models.DateField("открыта с")
    closes_on = models.DateField("открыта по")
    revoked_at = models.DateTimeField("отозвана", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="создал"
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()

    class Meta:
        verbose_name = "ссылка на анкету"
        verbose_name_plural = "ссылки на анкеты"
        ordering = ["school", "questionnaire__audience", "-created_at"]

    def __str__(self) -> str:
        return f"{self.school.code}: {self.questionnaire}"


class SurveyResponse(ImportedRecord):
    """One filled questionnaire: its answers only, no personal data (no name, no address, no device)."""

    questionnaire = models.ForeignKey(Questionnaire, models.PROTECT, related_name="responses", verbose_name="анкета")
    school = models.ForeignKey(School, models.CASCADE, related_name="survey_responses", verbose_name="школа")
    year = models.ForeignKey(SchoolYear, models.PROTECT, related_name="+", verbose_name="учебный год")
    link = models.ForeignKey(
        SurveyLink, models.SET_NULL, null=True, blank=True, related_name="responses", verbose_name="по ссылке"
    )
    submitted_at = models.DateTimeField("заполнена")
    answers = models.JSONField("ответы", default=dict, help_text="Ключ вопроса → номер ответа по шкале")
    fingerprint = models.CharField(
        "отпечаток ответа", max_length=64, help_text="Чтобы файл, загруженный дважды, не удвоил ответы"
    )

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()

    class Meta:
        verbose_name = "ответ на анкету"
        verbose_name_plural = "ответы на анкеты"
        ordering = ["school", "-submitted_at"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "fingerprint"], name="survey_response_unique")]

    def __str__(self) -> str:
        return f"{self.school.code}: {self.questionnaire} ({self.submitted_at:%d.%m.%Y})"


class ProfileRun(models.Model):
    """One computation of the risk profiles of a region's schools for a school year by a factor set."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="profile_runs", verbose_name="регион")
    year = models.ForeignKey(SchoolYear, models.PROTECT, related_name="profile_runs", verbose_name="учебный год")
    factor_set = models.ForeignKey(FactorSet, models.PROTECT, related_name="runs", verbose_name="набор факторов")
    status = models.CharField("состояние", max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("ход расчёта, %", default=0)
    progress_message = models.CharField("этап", max_length=300, blank=True)
    summary = models.JSONField("сводка", default=dict, blank=True)
    error = models.TextField("ошибка", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="запустил"
    )
    created_at = models.DateTimeField("запущен", auto_now_add=True)
    finished_at = models.DateTimeField("завершён", null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        "последний сигнал обработчика",
        null=True,
        blank=True,
        help_text="Обработчик фоновых задач обновляет его, пока считает; давний сигнал — обработчик остановился.",
    )

    objects = scoped_queryset(REGION_ROWS).as_manager()

    class Meta:
        verbose_name = "расчёт рисковых профилей"
        verbose_name_plural = "расчёты рисковых профилей"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Рисковые профили № {self.pk} на {self.year}"

    @property
    def is_interrupted(self) -> bool:
        """A worker took the run and stopped giving signs of life (killed mid-run): it has to be started again."""
        return (
            self.status in (RunStatus.QUEUED, RunStatus.RUNNING)
            and self.heartbeat_at is not None
            and self.heartbeat_at < stale_before()
        )

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED) or self.is_interrupted


class RiskProfile(models.Model):
    """A school's risk profile in a run: a level per factor, with the evidence behind it."""

    run = models.ForeignKey(ProfileRun, models.CASCADE, related_name="profiles", verbose_name="расчёт")
    school = models.ForeignKey(School, models.PROTECT, related_name="risk_profiles", verbose_name="школа")
    code = models.CharField("код ОО", max_length=32)
    name = models.CharField("наименование", max_length=500)
    municipality = models.CharField("муниципалитет", max_length=200)

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()

    class Meta:
        verbose_name = "рисковый профиль"
        verbose_name_plural = "рисковые профили"
        ordering = ["run", "code"]
        constraints = [models.UniqueConstraint(fields=["run", "school"], name="risk_profile_unique")]

    def __str__(self) -> str:
        return f"{self.code}: профиль № {self.run_id}"


class ProfileFactor(models.Model):
    """A factor's computed level in a profile (null: «нет данных») and its evidence."""

    profile = models.ForeignKey(RiskProfile, models.CASCADE, related_name="factors", verbose_name="профиль")
    factor = models.ForeignKey(RiskFactor, models.PROTECT, related_name="+", verbose_name="фактор")
    level = models.PositiveSmallIntegerField("уровень", choices=LEVEL_CHOICES, null=True)
    score = models.FloatField("балл", null=True)
    evidence = models.JSONField("основания", default=list, blank=True)

    class Meta:
        verbose_name = "фактор профиля"
        verbose_name_plural = "факторы профиля"
        ordering = ["profile", "factor__number"]
        constraints = [models.UniqueConstraint(fields=["profile", "factor"], name="profile_factor_unique")]

    def __str__(self) -> str:
        return f"{self.profile_id}: {self.factor.key} {level_name(self.level)}"


class LevelOverride(models.Model):
    """An expert's judgement of a factor's level for a school and a year, with its reason.

    Every judgement is kept: the latest is in force, and one with no level withdraws the earlier
    ones (the computed level applies again).
    """

    school = models.ForeignKey(School, models.CASCADE, related_name="+", verbose_name="школа")
    year = models.ForeignKey(SchoolYear, models.PROTECT, related_name="+", verbose_name="учебный год")
    factor_key = models.SlugField("фактор", max_length=60)
    level = models.PositiveSmallIntegerField("уровень", choices=LEVEL_CHOICES, null=True, blank=True)
    reason = models.TextField("обоснование")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="эксперт")
    created_at = models.DateTimeField("когда", auto_now_add=True)

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "экспертная оценка фактора"
        verbose_name_plural = "экспертные оценки факторов"
        ordering = ["school", "year", "factor_key", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.school.code} {self.factor_key}: {level_name(self.level)}"


class ExternalLevel(ImportedRecord):
    """A factor's level given by ФИОКО for a school of project 500+ (loaded from a file, form «Рисковый профиль ФИОКО»).

    The factor is named as ФИОКО names it (the default factors' names); it is shown beside the
    computed level of the factor of that name.
    """

    school = models.ForeignKey(School, models.CASCADE, related_name="+", verbose_name="школа")
    year = models.ForeignKey(SchoolYear, models.PROTECT, related_name="+", verbose_name="учебный год")
    factor = models.CharField("фактор риска", max_length=300)
    level = models.CharField("уровень", max_length=16, choices=[(name, name) for name in LEVELS])

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()

    class Meta:
        verbose_name = "уровень фактора по данным ФИОКО"
        verbose_name_plural = "уровни факторов по данным ФИОКО"
        ordering = ["school", "year", "factor"]
        constraints = [models.UniqueConstraint(fields=["school", "year", "factor"], name="external_level_unique")]

    def __str__(self) -> str:
        return f"{self.school.code} {self.factor}: {self.level}"


class PriorityFactor(models.Model):
    """A factor the school chose as a priority for the year (typically up to three)."""

    school = models.ForeignKey(School, models.CASCADE, related_name="+", verbose_name="школа")
    year = models.ForeignKey(SchoolYear, models.PROTECT, related_name="+", verbose_name="учебный год")
    factor_key = models.SlugField("фактор", max_length=60)
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="выбрал")
    chosen_at = models.DateTimeField("когда", auto_now_add=True)

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "приоритетный фактор"
        verbose_name_plural = "приоритетные факторы"
        ordering = ["school", "year", "pk"]
        constraints = [models.UniqueConstraint(fields=["school", "year", "factor_key"], name="priority_unique")]

    def __str__(self) -> str:
        return f"{self.school.code} {self.year}: {self.factor_key}"


class MeasureKind(models.TextChoices):
    ORGANISATIONAL = "organisational", "организационная"
    STAFF = "staff", "кадровая"
    METHODOLOGICAL = "methodological", "методическая"
    NETWORKING = "networking", "сетевое взаимодействие"
    STUDENTS = "students", "работа с обучающимися"
    PARENTS = "parents", "работа с родителями"
    INFRASTRUCTURE = "infrastructure", "инфраструктура"


class Measure(models.Model):
    """A measure of the region's catalog: what to do against one or more risk factors."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="measures", verbose_name="регион")
    ident = models.CharField("номер в каталоге", max_length=20)
    text = models.TextField("мера")
    factor_keys = models.JSONField("факторы риска", default=list)
    kind = models.CharField("вид", max_length=20, choices=MeasureKind.choices)
    owner = models.CharField("типичный исполнитель", max_length=500, blank=True)
    timing = models.CharField("типичные сроки", max_length=300, blank=True)
    expected_result = models.TextField("ожидаемый результат", blank=True)
    source = models.CharField("источник", max_length=300, blank=True)
    section = models.CharField("раздел источника", max_length=500, blank=True)
    search_text = models.TextField(editable=False, default="")

    objects = scoped_queryset(REGION_ROWS).as_manager()

    class Meta:
        verbose_name = "мера каталога"
        verbose_name_plural = "каталог мер"
        ordering = ["region", "ident"]
        constraints = [models.UniqueConstraint(fields=["region", "ident"], name="measure_unique_ident")]

    def __str__(self) -> str:
        return f"{self.ident}. {self.text[:80]}"
