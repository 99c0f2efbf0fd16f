"""Methodologies (named, versioned), identification runs with their per-school output, approved lists."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from opora.accounts.scopes import REGION_ROWS, SCHOOL_ROWS, ScopePaths, scoped_queryset
from opora.analytics import Methodology as MethodologyParameters
from opora.core.heartbeat import stale_before
from opora.core.records import ImportedRecord
from opora.identification.flags import FLAGS, categories
from opora.identification.parameters import changed_values
from opora.schools.models import Municipality, Region, School, SchoolYear


class Methodology(models.Model):
    """One version of a region's named methodology; a change makes a new version, old ones are kept."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="methodologies", verbose_name="регион")
    name = models.CharField("название", max_length=200)
    version = models.PositiveIntegerField("версия")
    parameters = models.JSONField("параметры")
    comment = models.TextField("что изменено и почему", blank=True)
    basis_title = models.CharField(
        "документ, утвердивший методику",
        max_length=500,
        blank=True,
        help_text="Например: приказ министерства образования области «Об утверждении методики выявления ШНОР и ШНСУ»",
    )
    basis_number = models.CharField("номер документа", max_length=50, blank=True)
    basis_date = models.DateField("дата документа", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="автор"
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)

    objects = scoped_queryset(REGION_ROWS).as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "методика"
        verbose_name_plural = "методики"
        ordering = ["region", "name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name", "version"], name="methodology_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.name}, версия {self.version}"

    @staticmethod
    def audit_field_changes(field: str, before: object, after: object) -> list[tuple[str, str, str]] | None:
        """The journal of changes names the parameters as the methodology's page does (opora.core.audit)."""
        if field != "parameters":
            return None
        return [(f"Параметр «{label}»", was, became) for label, was, became in changed_values(before, after)]

    @property
    def params(self) -> MethodologyParameters:
        return MethodologyParameters.from_dict({**self.parameters, "name": self.name, "version": self.version})

    @property
    def basis(self) -> str:
        """The document that approved the methodology, as an order names it; "" when not given."""
        if not self.basis_title:
            return ""
        parts = [self.basis_title.strip()]
        if self.basis_date:
            parts.append(f"от {self.basis_date:%d.%m.%Y}")
        if self.basis_number:
            parts.append(f"№ {self.basis_number.strip()}")
        return " ".join(parts)

    @property
    def is_latest(self) -> bool:
        return not Methodology.objects.filter(
            region_id=self.region_id, name=self.name, version__gt=self.version
        ).exists()


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Ожидает расчёта"
    RUNNING = "running", "Идёт расчёт"
    DONE = "done", "Рассчитан"
    FAILED = "failed", "Сбой расчёта"


class IdentificationRun(models.Model):
    """One identification of a region's schools for a school year by a methodology version.

    It records the checksums of its inputs and its full per-school output; it is never changed
    after it is done.
    """

    region = models.ForeignKey(Region, models.PROTECT, related_name="runs", verbose_name="регион")
    year = models.ForeignKey(SchoolYear, models.PROTECT, related_name="runs", verbose_name="учебный год")
    methodology = models.ForeignKey(Methodology, models.PROTECT, related_name="runs", verbose_name="методика")
    status = models.CharField("состояние", max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("ход расчёта, %", default=0)
    progress_message = models.CharField("этап", max_length=300, blank=True)
    input_checksums = models.JSONField("контрольные суммы входных данных", default=dict, blank=True)
    output_checksum = models.CharField("контрольная сумма результата", max_length=64, blank=True)
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
        verbose_name = "расчёт выявления"
        verbose_name_plural = "расчёты выявления"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Расчёт № {self.pk} на {self.year} ({self.methodology})"

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


class FlaggedSchool(models.Model):
    """A school with the flags of identification: one field per flag of the registry (three states)."""

    low_results_cause = models.CharField("причина низких результатов", max_length=100, blank=True)
    years_in_bottom = models.PositiveSmallIntegerField(
        "лет в нижней группе", null=True, blank=True, help_text="Пусто: индекс результатов не рассчитан ни за один год."
    )

    class Meta:
        abstract = True

    @property
    def category(self) -> str:
        return categories(self)


for _flag in FLAGS.values():
    FlaggedSchool.add_to_class(_flag.key, models.BooleanField(_flag.verbose_name, null=True))


class RunSchool(FlaggedSchool):
    """A school's line of a run: indices, flags and the plain-Russian explanation."""

    run = models.ForeignKey(IdentificationRun, models.CASCADE, related_name="schools", verbose_name="расчёт")
    school = models.ForeignKey(School, models.PROTECT, related_name="run_lines", verbose_name="школа")
    code = models.CharField("код ОО", max_length=32)
    name = models.CharField("наименование", max_length=500)
    municipality = models.CharField("муниципалитет", max_length=200)
    results_index = models.FloatField("индекс результатов", null=True)
    results_index_lower = models.FloatField("индекс результатов: нижняя граница", null=True)
    results_index_upper = models.FloatField("индекс результатов: верхняя граница", null=True)
    wellbeing_index = models.FloatField("ИСБШ", null=True)
    value_added = models.FloatField("добавленная ценность", null=True)
    cluster = models.IntegerField("кластер", null=True)
    low_results_probability = models.FloatField(
        "вероятность низких результатов",
        null=True,
        help_text="Вероятность быть в нижней группе не менее K лет из N по модели индекса; пусто: не рассчитана.",
    )
    unknown_reasons = models.JSONField(
        "почему признак не известен", default=dict, blank=True, help_text="Ключ признака → причина по-русски"
    )
    explanation = models.TextField("пояснение", blank=True)
    details = models.JSONField("подробности для пояснения", default=dict, blank=True)

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()

    class Meta:
        verbose_name = "строка расчёта"
        verbose_name_plural = "строки расчёта"
        ordering = ["run", "code"]
        constraints = [models.UniqueConstraint(fields=["run", "school"], name="run_school_unique")]

    def __str__(self) -> str:
        return f"расчёт № {self.run_id}: {self.code}"


class OrderKind(models.TextChoices):
    APPROVAL = "approval", "Об утверждении перечня"
    AMENDMENT = "amendment", "О внесении изменений"
    CANCELLATION = "cancellation", "О признании утратившим силу"


class ApprovedList(models.Model):
    """The official «Перечень ШНОР/ШНСУ» approved by an order; it never changes.

    A mistake is corrected as officials correct an order: a new order amends the list (its
    entries are the list in its new wording) or cancels it; both orders are kept and shown.
    ``year`` is the school year the list is for: the one after the last year of its run's data.
    """

    run = models.ForeignKey(IdentificationRun, models.PROTECT, related_name="approved_lists", verbose_name="расчёт")
    region = models.ForeignKey(Region, models.PROTECT, related_name="approved_lists", verbose_name="регион")
    municipality = models.ForeignKey(
        Municipality,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_lists",
        verbose_name="муниципалитет (пусто — весь регион)",
    )
    year = models.ForeignKey(SchoolYear, models.PROTECT, related_name="approved_lists", verbose_name="учебный год")
    order_number = models.CharField("номер приказа", max_length=50)
    order_date = models.DateField("дата приказа")
    authority = models.CharField("орган, издавший приказ", max_length=300, blank=True)
    kind = models.CharField("вид приказа", max_length=16, choices=OrderKind.choices, default=OrderKind.APPROVAL)
    amends = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name="изменяемый или отменяемый приказ",
    )
    basis = models.CharField("документ, утвердивший методику", max_length=700, blank=True)
    signatory_position = models.CharField("должность подписавшего", max_length=300, blank=True)
    signatory_name = models.CharField("подписавший (инициалы, фамилия)", max_length=200, blank=True)
    reason = models.TextField("основание изменения или отмены", blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="утвердил")
    approved_at = models.DateTimeField("утверждён", auto_now_add=True)

    objects = scoped_queryset(
        ScopePaths(region="region", municipality="municipality", municipality_optional=True)
    ).as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "утверждённый перечень"
        verbose_name_plural = "утверждённые перечни"
        ordering = ["-order_date", "-pk"]

    def __str__(self) -> str:
        return f"Перечень на {self.year} учебный год (приказ № {self.order_number} от {self.order_date:%d.%m.%Y})"

    @property
    def territory(self) -> str:
        return self.municipality.name if self.municipality_id else self.region.name

    @property
    def order_reference(self) -> str:
        """«от 20.11.2026 № 15-од»."""
        return f"от {self.order_date:%d.%m.%Y} № {self.order_number}"

    @property
    def superseded_by(self) -> ApprovedList | None:
        """The later order that amended or cancelled this one, if any."""
        return self.amendments.order_by("-order_date", "-pk").first()

    @property
    def in_force(self) -> bool:
        return self.kind != OrderKind.CANCELLATION and self.superseded_by is None


class Decision(models.TextChoices):
    CALCULATED = "", "по расчёту"
    ADDED = "added", "включена решением комиссии"
    EXCLUDED = "excluded", "исключена решением комиссии"


class ApprovedListEntry(FlaggedSchool):
    """A school of an approved list, copied from the run so that the list stays as approved.

    A school the commission excluded stays as an entry with its reason (``decision``), out of
    the appendix's numbering; one it added has the reason of its inclusion.
    """

    approved_list = models.ForeignKey(ApprovedList, models.CASCADE, related_name="entries", verbose_name="перечень")
    number = models.PositiveIntegerField("№ п/п", help_text="0 — исключена решением комиссии")
    decision = models.CharField("решение комиссии", max_length=16, choices=Decision.choices, blank=True)
    reason = models.TextField("основание решения комиссии", blank=True)
    school = models.ForeignKey(School, models.PROTECT, related_name="+", verbose_name="школа")
    code = models.CharField("код ОО", max_length=32)
    name = models.CharField("наименование", max_length=500)
    municipality = models.CharField("муниципалитет", max_length=200)

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "школа перечня"
        verbose_name_plural = "школы перечня"
        ordering = ["approved_list", "number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.code}"


class RosobrnadzorListing(ImportedRecord):
    """A school in Rosobrnadzor's list of schools with signs of non-objective results (year, procedure).

    Imported as a file; a run compares its objectivity flag with this list.
    """

    school = models.ForeignKey(
        School, models.CASCADE, related_name="rosobrnadzor_listings", verbose_name="школа"
    )
    year = models.ForeignKey(
        SchoolYear, models.PROTECT, related_name="rosobrnadzor_listings", verbose_name="учебный год"
    )
    procedure = models.CharField("процедура", max_length=16)
    source = models.CharField("источник", max_length=500)

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()

    class Meta:
        verbose_name = "школа в перечне Рособрнадзора"
        verbose_name_plural = "перечень Рособрнадзора (признаки необъективности)"
        ordering = ["year", "school", "procedure"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year", "procedure"], name="rosobrnadzor_unique_listing")
        ]

    def __str__(self) -> str:
        return f"{self.school.code} {self.year} {self.procedure}"
