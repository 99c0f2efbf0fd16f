"""The history of imports: each file, its check, what it changed, and how to undo it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from opora.accounts.access import Action, can
from opora.accounts.models import Role
from opora.accounts.scopes import REGION_ROWS, ScopedQuerySet
from opora.intake.formats import FORMS
from opora.intake.surveys import SURVEY_TITLES
from opora.schools.models import Region


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Ожидает проверки"
    CHECKING = "checking", "Проверяется"
    READY = "ready", "Проверен, ждёт подтверждения"
    INVALID = "invalid", "Есть ошибки"
    APPLY_QUEUED = "apply_queued", "Ожидает записи"
    APPLYING = "applying", "Загружается"
    APPLIED = "applied", "Загружен"
    ROLLED_BACK = "rolled_back", "Отменён"
    DISCARDED = "discarded", "Отклонён"
    FAILED = "failed", "Сбой обработки"


class ImportBatchQuerySet(ScopedQuerySet):
    scope_paths = REGION_ROWS

    def visible_to(self, user: Any) -> ImportBatchQuerySet:
        """Imports a user may see: the region's for its administrator, one's own for a coordinator."""
        if not can(user, Action.IMPORT_DATA) or user is None:
            return self.none()
        if user.is_superuser:
            return self.all()
        mine = super().visible_to(user)
        return mine if Role(user.role) == Role.REGION_ADMIN else mine.filter(created_by=user)


class ImportBatch(models.Model):
    """One uploaded file and everything Опора did with it."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="imports", verbose_name="регион")
    form_key = models.CharField("форма", max_length=32, blank=True)
    recognized_form_key = models.CharField("распознанная форма", max_length=32, blank=True)
    file_name = models.CharField("имя файла", max_length=500)
    file = models.FileField("файл", upload_to="imports/%Y/%m/", max_length=500)
    checksum = models.CharField("контрольная сумма SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("размер, байт")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="imports",
        verbose_name="загрузил",
    )
    created_at = models.DateTimeField("загружен", auto_now_add=True)
    status = models.CharField(
        "состояние", max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField("ход обработки, %", default=0)
    progress_message = models.CharField("этап", max_length=300, blank=True)
    rows = models.PositiveIntegerField("строк в файле", default=0)
    added = models.PositiveIntegerField("добавлено", default=0)
    changed = models.PositiveIntegerField("изменено", default=0)
    unchanged = models.PositiveIntegerField("без изменений", default=0)
    skipped = models.PositiveIntegerField(
        "пропущено строк о школах вне области доступа",
        default=0,
        help_text="Строки о школах других муниципалитетов: загрузивший подтвердил, что они не загружаются.",
    )
    error_count = models.PositiveIntegerField("ошибок", default=0)
    report = models.JSONField("отчёт проверки", default=dict, blank=True)
    applied_at = models.DateTimeField("применён", null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="подтвердил",
    )
    rolled_back_at = models.DateTimeField("отменён", null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="отменил",
    )

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = "загрузка файла"
        verbose_name_plural = "загрузки файлов"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["region", "status", "form_key"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def form_title(self) -> str:
        if self.form_key in FORMS:
            return FORMS[self.form_key].title
        return SURVEY_TITLES.get(self.form_key, "")

    @property
    def is_finished(self) -> bool:
        return self.status not in (
            ImportStatus.QUEUED,
            ImportStatus.CHECKING,
            ImportStatus.APPLY_QUEUED,
            ImportStatus.APPLYING,
        )


class ChangeAction(models.TextChoices):
    ADDED = "added", "Добавлена"
    CHANGED = "changed", "Изменена"


class ImportChange(models.Model):
    """A row an import added or changed, with its values before, so the import can be undone."""

    batch = models.ForeignKey(ImportBatch, models.CASCADE, related_name="changes", verbose_name="загрузка")
    model = models.CharField("таблица", max_length=100)
    object_id = models.BigIntegerField("запись")
    action = models.CharField("действие", max_length=8, choices=ChangeAction.choices)
    before = models.JSONField("значения до загрузки", null=True, blank=True)

    class Meta:
        verbose_name = "изменение при загрузке"
        verbose_name_plural = "изменения при загрузке"
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.model} {self.object_id} {self.action}"
