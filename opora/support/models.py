"""The support network's records: teachers and their development, curators and their visits,
engagement concerns, partnerships of schools and mentoring.

The network's pages and services (``opora.network``) write and read these; the programs'
computed indicators and the risk profiles read them too.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from opora.accounts.scopes import SCHOOL_ROWS, ScopedQuerySet, ScopePaths, scope_of, scoped_queryset
from opora.core.records import ImportedRecord
from opora.schools.models import School


class Teacher(ImportedRecord):
    """A teacher of a school, with the deficits found by diagnostics and the last training year."""

    school = models.ForeignKey(School, models.CASCADE, related_name="teachers", verbose_name="школа")
    code = models.CharField("код педагога", max_length=64)
    full_name = models.CharField("ФИО", max_length=300, blank=True)
    subjects = models.CharField("предметы", max_length=500, blank=True)
    experience_years = models.PositiveSmallIntegerField("стаж, лет", null=True, blank=True)
    category = models.CharField("квалификационная категория", max_length=100, blank=True)
    age = models.PositiveSmallIntegerField("возраст", null=True, blank=True)
    deficits = models.TextField("дефициты", blank=True)
    diagnostics_date = models.DateField("дата диагностики", null=True, blank=True)
    last_training_year = models.PositiveSmallIntegerField(
        "повышение квалификации (год)", null=True, blank=True
    )

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()

    class Meta:
        verbose_name = "педагог"
        verbose_name_plural = "педагоги"
        ordering = ["school", "code"]
        constraints = [models.UniqueConstraint(fields=["school", "code"], name="teacher_unique_code")]

    def __str__(self) -> str:
        return f"{self.school.code} {self.code}"


TEACHER_ROWS = ScopePaths(
    region="teacher__school__municipality__region",
    municipality="teacher__school__municipality",
    school="teacher__school",
)


class CuratorAssignment(models.Model):
    """A curator assigned to a school for a period, by an order «О закреплении кураторов».

    The assignments in force today are mirrored into ``User.curated_schools``, which gives a
    curator the scope of their schools (``opora.accounts.scopes``).
    """

    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="curator_assignments", verbose_name="куратор"
    )
    school = models.ForeignKey(School, models.CASCADE, related_name="curator_assignments", verbose_name="школа")
    starts_on = models.DateField("с")
    ends_on = models.DateField("по", null=True, blank=True)
    order_number = models.CharField("номер приказа", max_length=50, blank=True)
    order_date = models.DateField("дата приказа", null=True, blank=True)
    note = models.CharField("примечание", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="кто закрепил"
    )
    created_at = models.DateTimeField("когда", auto_now_add=True)

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "закрепление куратора"
        verbose_name_plural = "закрепление кураторов"
        ordering = ["school", "-starts_on", "pk"]

    def __str__(self) -> str:
        return f"{self.curator} — {self.school.code}"

    def in_force(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


class CuratorWorkplace(models.Model):
    """A school where a curator works or has worked: a conflict of interest for curating it."""

    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="curator_workplaces", verbose_name="куратор"
    )
    school = models.ForeignKey(School, models.CASCADE, related_name="curator_workplaces", verbose_name="школа")
    position = models.CharField("должность", max_length=300, blank=True)
    since_year = models.PositiveSmallIntegerField("с какого года", null=True, blank=True)
    until_year = models.PositiveSmallIntegerField("по какой год (пусто — работает сейчас)", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="кто внёс"
    )
    created_at = models.DateTimeField("когда", auto_now_add=True)

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()

    class Meta:
        verbose_name = "место работы куратора"
        verbose_name_plural = "места работы кураторов"
        ordering = ["curator", "school"]
        constraints = [models.UniqueConstraint(fields=["curator", "school"], name="curator_workplace_unique")]

    def __str__(self) -> str:
        return f"{self.curator} — {self.school.code}"


class VisitStatus(models.TextChoices):
    PLANNED = "planned", "запланирован"
    HELD = "held", "проведён"
    MISSED = "missed", "не состоялся"


class MonitoringVisit(models.Model):
    """A monitoring visit (выездной мониторинг) to a school, with its structured protocol."""

    school = models.ForeignKey(School, models.CASCADE, related_name="monitoring_visits", verbose_name="школа")
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="monitoring_visits", verbose_name="куратор"
    )
    visited_on = models.DateField("дата выезда")
    status = models.CharField("состояние", max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    purpose = models.TextField("цель выезда", blank=True)
    participants = models.TextField("участники со стороны школы", blank=True)
    findings = models.TextField("выводы", blank=True)
    follow_up_on = models.DateField("дата повторного контроля", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="кто внёс"
    )
    created_at = models.DateTimeField("создан", auto_now_add=True)
    updated_at = models.DateTimeField("изменён", auto_now=True)

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "выездной мониторинг"
        verbose_name_plural = "выездной мониторинг"
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.school.code} {self.visited_on:%d.%m.%Y}"


class VisitArea(models.TextChoices):
    MANAGEMENT = "management", "управление"
    QUALITY_CONTROL = "quality_control", "внутренняя система оценки качества"
    LOCAL_ACTS = "local_acts", "локальные акты"
    PROGRAMS = "programs", "программы"
    INFRASTRUCTURE = "infrastructure", "инфраструктура"
    TEACHER_PLANS = "teacher_plans", "планы педагогов"


class CheckState(models.TextChoices):
    MET = "met", "соответствует"
    PARTLY = "partly", "частично"
    NOT_MET = "not_met", "не соответствует"
    NOT_CHECKED = "not_checked", "не проверялось"


VISIT_ROWS = ScopePaths(
    region="visit__school__municipality__region",
    municipality="visit__school__municipality",
    school="visit__school",
)


class VisitCheck(models.Model):
    """A line of a visit's checklist: an area, optionally a risk factor, what was checked and found."""

    visit = models.ForeignKey(MonitoringVisit, models.CASCADE, related_name="checks", verbose_name="выезд")
    position = models.PositiveSmallIntegerField("порядок", default=0)
    area = models.CharField("направление", max_length=20, choices=VisitArea.choices)
    factor_key = models.SlugField("фактор риска", max_length=60, blank=True)
    question = models.CharField("что проверялось", max_length=500)
    state = models.CharField("оценка", max_length=12, choices=CheckState.choices, default=CheckState.NOT_CHECKED)
    note = models.TextField("замечание", blank=True)

    objects = scoped_queryset(VISIT_ROWS).as_manager()

    class Meta:
        verbose_name = "пункт протокола"
        verbose_name_plural = "пункты протокола"
        ordering = ["visit", "position", "pk"]

    def __str__(self) -> str:
        return self.question


class VisitRecommendation(models.Model):
    """A recommendation of a visit; it becomes an activity of the school's roadmap."""

    visit = models.ForeignKey(MonitoringVisit, models.CASCADE, related_name="recommendations", verbose_name="выезд")
    position = models.PositiveSmallIntegerField("порядок", default=0)
    text = models.TextField("рекомендация")
    factor_key = models.SlugField("фактор риска", max_length=60, blank=True)
    deadline = models.CharField("срок (как написано)", max_length=300, blank=True)
    owners = models.CharField("ответственные", max_length=500, blank=True)

    objects = scoped_queryset(VISIT_ROWS).as_manager()

    class Meta:
        verbose_name = "рекомендация выезда"
        verbose_name_plural = "рекомендации выездов"
        ordering = ["visit", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ConcernReason(models.TextChoices):
    NO_REPORTS = "no_reports", "нет отчётов о выполнении мероприятий"
    MISSED_VISITS = "missed_visits", "срыв выездов куратора"
    NO_PLAN = "no_plan", "нет программы или дорожной карты"
    NO_QUESTIONNAIRES = "no_questionnaires", "не заполнены анкеты"
    OTHER = "other", "другое"


class ConcernStatus(models.TextChoices):
    OPEN = "open", "открыто"
    ESCALATED = "escalated", "передано координатору"
    RESOLVED = "resolved", "снято"


class EngagementConcern(models.Model):
    """A curator's concern that a school does not take part; escalated and resolved step by step."""

    school = models.ForeignKey(School, models.CASCADE, related_name="engagement_concerns", verbose_name="школа")
    reason = models.CharField("причина", max_length=20, choices=ConcernReason.choices)
    description = models.TextField("описание")
    status = models.CharField("состояние", max_length=10, choices=ConcernStatus.choices, default=ConcernStatus.OPEN)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="кто")
    raised_at = models.DateTimeField("когда", auto_now_add=True)

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()

    class Meta:
        verbose_name = "замечание о неучастии"
        verbose_name_plural = "замечания о неучастии"
        ordering = ["-raised_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.school.code}: {self.get_reason_display()}"


class ConcernStepKind(models.TextChoices):
    RAISED = "raised", "записано"
    ESCALATED = "escalated", "передано координатору"
    NOTE = "note", "комментарий"
    RESOLVED = "resolved", "снято"


class ConcernStep(models.Model):
    """A step of an engagement concern: raised, escalated, commented, resolved; each one is kept."""

    concern = models.ForeignKey(EngagementConcern, models.CASCADE, related_name="steps", verbose_name="замечание")
    kind = models.CharField("шаг", max_length=10, choices=ConcernStepKind.choices)
    note = models.TextField("комментарий", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="кто")
    at = models.DateTimeField("когда", auto_now_add=True)

    class Meta:
        verbose_name = "шаг по замечанию"
        verbose_name_plural = "шаги по замечаниям"
        ordering = ["concern", "at", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class PartnershipStatus(models.TextChoices):
    CONFIRMED = "confirmed", "утверждено"
    ENDED = "ended", "завершено"


class PartnershipQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(
        region="school__municipality__region", municipality="school__municipality", school="school"
    )

    def visible_to(self, user):
        """A partnership is seen from both of its schools: the supported one and the partner."""
        scope = scope_of(user)
        partner = ScopePaths(
            region="partner__municipality__region", municipality="partner__municipality", school="partner"
        )
        return scope.filter(self, self.scope_paths) | scope.filter(self, partner)


class Partnership(models.Model):
    """A ШНОР (``school``) and the school that supports it (``partner``) for a school year."""

    school = models.ForeignKey(School, models.CASCADE, related_name="partnerships", verbose_name="школа (ШНОР)")
    partner = models.ForeignKey(School, models.CASCADE, related_name="partnered", verbose_name="школа-партнёр")
    year = models.PositiveSmallIntegerField("учебный год (год окончания)")
    status = models.CharField(
        "состояние", max_length=10, choices=PartnershipStatus.choices, default=PartnershipStatus.CONFIRMED
    )
    reasons = models.TextField("обоснование подбора", blank=True)
    agreement_number = models.CharField("номер соглашения", max_length=50, blank=True)
    agreement_date = models.DateField("дата соглашения", null=True, blank=True)
    subjects = models.CharField("предметы", max_length=500, blank=True)
    planned_activities = models.TextField("планируемые совместные мероприятия", blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="кто утвердил"
    )
    confirmed_at = models.DateTimeField("когда утверждено", auto_now_add=True)

    objects = PartnershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "партнёрство школ"
        verbose_name_plural = "партнёрства школ"
        ordering = ["-year", "school", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "partner", "year"], name="partnership_unique_pair_year")
        ]

    def __str__(self) -> str:
        return f"{self.school.code} ← {self.partner.code} ({self.year})"


class PartnershipActivity(models.Model):
    """A joint activity of a partnership (a visit, an open lesson, a joint seminar, …)."""

    partnership = models.ForeignKey(
        Partnership, models.CASCADE, related_name="activities", verbose_name="партнёрство"
    )
    held_on = models.DateField("дата")
    title = models.CharField("мероприятие", max_length=500)
    participants = models.CharField("участники", max_length=500, blank=True)
    result = models.TextField("результат", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="кто внёс"
    )
    created_at = models.DateTimeField("когда", auto_now_add=True)

    class Meta:
        verbose_name = "совместное мероприятие"
        verbose_name_plural = "совместные мероприятия"
        ordering = ["partnership", "held_on", "pk"]

    def __str__(self) -> str:
        return self.title


class DiagnosticKind(models.TextChoices):
    SUBJECT = "subject", "предметная"
    METHODOLOGICAL = "methodological", "методическая"


class TeacherDiagnostic(models.Model):
    """A diagnostics of a teacher's professional deficits: when, by whom, with what result."""

    teacher = models.ForeignKey(Teacher, models.CASCADE, related_name="diagnostics", verbose_name="педагог")
    kind = models.CharField("вид", max_length=16, choices=DiagnosticKind.choices)
    subject = models.CharField("предмет", max_length=200, blank=True)
    held_on = models.DateField("дата")
    source = models.CharField("кто проводил (источник)", max_length=300)
    result = models.CharField("результат", max_length=300, blank=True)
    deficits = models.TextField("выявленные дефициты", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="кто внёс"
    )

    objects = scoped_queryset(TEACHER_ROWS).as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "диагностика дефицитов"
        verbose_name_plural = "диагностика дефицитов"
        ordering = ["teacher", "-held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.teacher} {self.held_on:%d.%m.%Y}"


class DevelopmentPlan(models.Model):
    """An individual professional development plan of a teacher (ИОМ / ИППР педагога)."""

    teacher = models.ForeignKey(Teacher, models.CASCADE, related_name="plans", verbose_name="педагог")
    title = models.CharField("название", max_length=300, default="Индивидуальный образовательный маршрут")
    starts_on = models.DateField("начало")
    ends_on = models.DateField("окончание")
    goal = models.TextField("цель", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="кто внёс"
    )
    created_at = models.DateTimeField("создан", auto_now_add=True)

    objects = scoped_queryset(TEACHER_ROWS).as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ИОМ педагога"
        verbose_name_plural = "ИОМ педагогов"
        ordering = ["teacher", "-starts_on", "pk"]

    def __str__(self) -> str:
        return f"{self.title}: {self.teacher}"


class PlanItemForm(models.TextChoices):
    COURSE = "course", "курсы повышения квалификации"
    MENTORING = "mentoring", "наставничество"
    EVENT = "event", "методическое мероприятие"
    SELF_STUDY = "self_study", "самообразование"
    OPEN_LESSON = "open_lesson", "открытые уроки, взаимопосещение"
    OTHER = "other", "другое"


class PlanItem(models.Model):
    """An item of a teacher's plan: which deficit it closes, how, by when, and when it was done."""

    plan = models.ForeignKey(DevelopmentPlan, models.CASCADE, related_name="items", verbose_name="ИОМ")
    position = models.PositiveSmallIntegerField("порядок", default=0)
    deficit = models.CharField("дефицит", max_length=500, blank=True)
    content = models.TextField("что сделать")
    form = models.CharField("форма", max_length=12, choices=PlanItemForm.choices, default=PlanItemForm.OTHER)
    due_on = models.DateField("срок", null=True, blank=True)
    done_on = models.DateField("выполнено", null=True, blank=True)

    class Meta:
        verbose_name = "пункт ИОМ"
        verbose_name_plural = "пункты ИОМ"
        ordering = ["plan", "position", "pk"]

    def __str__(self) -> str:
        return self.content[:80]


class CourseRecord(models.Model):
    """A course of professional development (курсы ПК) a teacher completed."""

    teacher = models.ForeignKey(Teacher, models.CASCADE, related_name="courses", verbose_name="педагог")
    title = models.CharField("программа курсов", max_length=500)
    provider = models.CharField("организация", max_length=300, blank=True)
    hours = models.PositiveSmallIntegerField("часов", null=True, blank=True)
    finished_on = models.DateField("дата окончания")
    document = models.CharField("документ (удостоверение №)", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="кто внёс"
    )

    objects = scoped_queryset(TEACHER_ROWS).as_manager()

    class Meta:
        verbose_name = "курсы повышения квалификации"
        verbose_name_plural = "курсы повышения квалификации"
        ordering = ["teacher", "-finished_on", "pk"]

    def __str__(self) -> str:
        return self.title


class ContestRecord(models.Model):
    """A teacher's participation in a methodological event or a professional contest."""

    teacher = models.ForeignKey(Teacher, models.CASCADE, related_name="contests", verbose_name="педагог")
    title = models.CharField("мероприятие или конкурс", max_length=500)
    held_on = models.DateField("дата")
    result = models.CharField("результат (участник, призёр, победитель…)", max_length=200, blank=True)

    objects = scoped_queryset(TEACHER_ROWS).as_manager()

    class Meta:
        verbose_name = "участие в мероприятии или конкурсе"
        verbose_name_plural = "участие в мероприятиях и конкурсах"
        ordering = ["teacher", "-held_on", "pk"]

    def __str__(self) -> str:
        return self.title


MENTEE_ROWS = ScopePaths(
    region="mentee__school__municipality__region", municipality="mentee__school__municipality", school="mentee__school"
)


class MentoringPair(models.Model):
    """A mentoring pair «опытный предметник — предметник с дефицитом», often across partner schools."""

    mentor = models.ForeignKey(Teacher, models.CASCADE, related_name="mentees", verbose_name="наставник")
    mentee = models.ForeignKey(Teacher, models.CASCADE, related_name="mentors", verbose_name="наставляемый")
    subject = models.CharField("предмет", max_length=200)
    deficit = models.CharField("дефицит", max_length=500, blank=True)
    starts_on = models.DateField("начало")
    ends_on = models.DateField("окончание", null=True, blank=True)
    reasons = models.TextField("обоснование подбора", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="кто внёс"
    )
    created_at = models.DateTimeField("когда", auto_now_add=True)

    objects = scoped_queryset(MENTEE_ROWS).as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "наставническая пара"
        verbose_name_plural = "наставнические пары"
        ordering = ["-starts_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["mentor", "mentee", "subject"], name="mentoring_unique_pair")]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee}"
