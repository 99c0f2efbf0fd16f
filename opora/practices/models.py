"""The bank of good practices (банк лучших практик): a school's practice or a methodological
recommendation, its materials and the steps of its moderation.

A practice is written by a school's team, its curator or coordinator, moderated by a coordinator
or the region's administrator, and once published it is read by everyone of the region and, on the
public page, by anyone (without the author's name or any other personal data).
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from opora.accounts.scopes import SCHOOL_ROWS, ScopedQuerySet, ScopePaths, scope_of, scoped_queryset
from opora.risks.models import Measure
from opora.schools.models import School

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from opora.accounts.models import User


class PracticeKind(models.TextChoices):
    PRACTICE = "practice", "практика"
    RECOMMENDATIONS = "recommendations", "методические рекомендации"


class PracticeStatus(models.TextChoices):
    DRAFT = "draft", "черновик"
    MODERATION = "moderation", "на модерации"
    RETURNED = "returned", "возвращена на доработку"
    PUBLISHED = "published", "опубликована"
    UNPUBLISHED = "unpublished", "снята с публикации"


# The statuses in which the authors may change a practice and send it to moderation.
EDITABLE = frozenset({PracticeStatus.DRAFT, PracticeStatus.RETURNED, PracticeStatus.UNPUBLISHED})


class PracticeQuerySet(ScopedQuerySet):
    scope_paths = SCHOOL_ROWS

    def published(self) -> Any:
        return self.filter(status=PracticeStatus.PUBLISHED)

    def readable_by(self, user: User | AnonymousUser | None) -> Any:
        """What the user may read: the normal scope, and the published practices of the user's region
        (a bank exists to share them); ``visible_to`` stays the scope for writing."""
        scope = scope_of(user)
        if scope.everything:
            return self.all()
        if scope.region_id is None:
            return self.none()
        shared = Q(status=PracticeStatus.PUBLISHED, school__municipality__region_id=scope.region_id)
        return self.filter(Q(pk__in=self.visible_to(user).values("pk")) | shared)


class Practice(models.Model):
    """A practice of a school, or methodological recommendations, in the bank of good practices."""

    school = models.ForeignKey(School, models.CASCADE, related_name="practices", verbose_name="школа")
    kind = models.CharField("вид", max_length=20, choices=PracticeKind.choices, default=PracticeKind.PRACTICE)
    title = models.CharField("название", max_length=300)
    summary = models.TextField("кратко", blank=True)
    description = models.TextField("описание")
    results = models.TextField("что дала практика", blank=True)
    subjects = models.CharField("предметы", max_length=500, blank=True)
    factor_keys = models.JSONField("факторы риска", default=list, blank=True)
    measures = models.ManyToManyField(
        Measure, blank=True, related_name="practices", verbose_name="меры каталога, которые реализует практика"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="practices", verbose_name="автор")
    status = models.CharField("состояние", max_length=12, choices=PracticeStatus.choices, default=PracticeStatus.DRAFT)
    moderation_remarks = models.TextField("замечания модератора", blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="модератор",
    )
    moderated_at = models.DateTimeField("модерация", null=True, blank=True)
    published_at = models.DateTimeField("опубликована", null=True, blank=True)
    created_at = models.DateTimeField("создана", auto_now_add=True)
    updated_at = models.DateTimeField("изменена", auto_now=True)
    # The stems of the texts, padded with spaces (search on SQLite; PostgreSQL searches the texts).
    search_text = models.TextField(editable=False, default="")

    objects = scoped_queryset(SCHOOL_ROWS, PracticeQuerySet).as_manager()

    class Meta:
        verbose_name = "практика"
        verbose_name_plural = "банк лучших практик"
        ordering = ["-published_at", "-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def subject_list(self) -> list[str]:
        return [part.strip() for part in self.subjects.split(",") if part.strip()]

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE


PRACTICE_ROWS = ScopePaths(
    region="practice__school__municipality__region",
    municipality="practice__school__municipality",
    school="practice__school",
)


def material_path(material: PracticeMaterial, filename: str) -> str:
    """A material is kept under its practice, by a random name: the uploaded name is only shown."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"practices/{material.practice_id}/{uuid.uuid4().hex}{suffix}"


class PracticeMaterial(models.Model):
    """A file of a practice (a lesson plan, a presentation, …); served only as a download."""

    practice = models.ForeignKey(Practice, models.CASCADE, related_name="materials", verbose_name="практика")
    file = models.FileField("файл", upload_to=material_path, max_length=300)
    original_name = models.CharField("имя файла", max_length=255)
    size = models.PositiveIntegerField("размер, байт")
    content_type = models.CharField("тип", max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="загрузил"
    )
    uploaded_at = models.DateTimeField("загружен", auto_now_add=True)

    objects = scoped_queryset(PRACTICE_ROWS).as_manager()

    class Meta:
        verbose_name = "материал практики"
        verbose_name_plural = "материалы практик"
        ordering = ["practice", "pk"]

    def __str__(self) -> str:
        return self.original_name


class StepKind(models.TextChoices):
    CREATED = "created", "создана"
    SUBMITTED = "submitted", "отправлена на модерацию"
    RETURNED = "returned", "возвращена на доработку"
    PUBLISHED = "published", "опубликована"
    UNPUBLISHED = "unpublished", "снята с публикации"


class PracticeStep(models.Model):
    """A step of a practice's moderation: who, when, from which status to which, with a note."""

    practice = models.ForeignKey(Practice, models.CASCADE, related_name="steps", verbose_name="практика")
    kind = models.CharField("шаг", max_length=12, choices=StepKind.choices)
    status_from = models.CharField("было", max_length=12, choices=PracticeStatus.choices, blank=True)
    status_to = models.CharField("стало", max_length=12, choices=PracticeStatus.choices)
    note = models.TextField("комментарий", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="кто"
    )
    at = models.DateTimeField("когда", auto_now_add=True)

    objects = scoped_queryset(PRACTICE_ROWS).as_manager()

    class Meta:
        verbose_name = "шаг модерации"
        verbose_name_plural = "история модерации практик"
        ordering = ["practice", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.practice_id}: {self.get_kind_display()}"
