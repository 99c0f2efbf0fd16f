"""Every change of an import's state: upload, check, confirm, decline, undo.

Pages, the command line and the API call only these functions. A service changes the import's
state and, when background work follows, enqueues its task once the change is committed; the
work itself is ``opora.intake.processing``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from opora.accounts.models import User
from opora.core.records import imported_models
from opora.core.tasks import enqueue_on_commit
from opora.intake import tasks
from opora.intake.formats import FORMS
from opora.intake.models import ImportBatch, ImportChange, ImportStatus
from opora.intake.processing import (
    ImportInterrupted,
    ImportRefused,
    Progress,
    apply_retryable,
    discard_files,
    forget_checked_frame,
    import_apply,
    import_check,
    live_progress,
)
from opora.intake.surveys import SURVEY_TITLES
from opora.intake.writes import undo_blockers, undo_changes
from opora.schools.models import Region

__all__ = [
    "ImportInterrupted",
    "ImportRefused",
    "Progress",
    "RollbackCheck",
    "apply_retryable",
    "discard_files",
    "import_apply",
    "import_check",
    "import_discard",
    "import_queue_apply",
    "import_rollback",
    "import_submit",
    "import_upload",
    "live_progress",
    "rollback_check",
]


@transaction.atomic
def import_upload(
    *, region: Region, file_name: str, content: bytes, form_key: str | None, by: User | None
) -> ImportBatch:
    """Store an uploaded file as a new import, waiting for its check.

    ``form_key`` is a key of ``FORMS``, or of the answers to one of the region's questionnaires
    («survey-teachers»), or None to recognise the form from the columns.
    """
    if form_key and form_key not in FORMS and form_key not in SURVEY_TITLES:
        raise ImportRefused(f"Неизвестная форма файла: «{form_key}».")
    batch = ImportBatch(
        region=region,
        form_key=form_key or "",
        file_name=Path(file_name).name[:500],
        checksum=hashlib.sha256(content).hexdigest(),
        size=len(content),
        created_by=by,
    )
    batch.file.save(Path(file_name).name, ContentFile(content), save=False)
    batch.save()
    return batch


@transaction.atomic
def import_submit(
    *, region: Region, file_name: str, content: bytes, form_key: str | None, by: User | None
) -> ImportBatch:
    """Store an uploaded file and have it checked in the background."""
    batch = import_upload(region=region, file_name=file_name, content=content, form_key=form_key, by=by)
    enqueue_on_commit(tasks.check_import, batch.pk)
    return batch


@transaction.atomic
def import_queue_apply(*, batch: ImportBatch, by: User | None) -> ImportBatch:
    """Confirm a checked import: it is written in the background, the whole file or nothing.

    An import whose write failed (the database went away, say) is confirmed again the same way.
    """
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportStatus.READY and not apply_retryable(batch):
        raise ImportRefused("Эту загрузку нельзя применить: она не проверена или уже обработана.")
    batch.status = ImportStatus.APPLY_QUEUED
    batch.progress = 0
    batch.progress_message = "Ожидает обработчика фоновых задач"
    batch.save(update_fields=["status", "progress", "progress_message"])
    enqueue_on_commit(tasks.apply_import, batch.pk, by.pk if by is not None else None)
    return batch


def import_discard(*, batch: ImportBatch, by: User | None) -> ImportBatch:
    """Decline a checked import: nothing is written; the record stays in the history."""
    batch.refresh_from_db()
    if batch.status not in (ImportStatus.READY, ImportStatus.INVALID, ImportStatus.FAILED):
        raise ImportRefused("Отклонить можно только проверенную и не загруженную загрузку.")
    forget_checked_frame(batch)
    batch.status = ImportStatus.DISCARDED
    batch.save(update_fields=["status"])
    return batch


@dataclass(frozen=True)
class RollbackCheck:
    allowed: bool
    reason: str = ""


def rollback_check(batch: ImportBatch) -> RollbackCheck:
    """Whether the import can be undone: nothing may have been built on it since."""
    if batch.status != ImportStatus.APPLIED:
        return RollbackCheck(False, "Отменить можно только загруженные данные.")
    later = ImportChange.objects.filter(
        batch__status=ImportStatus.APPLIED, batch__applied_at__gt=batch.applied_at
    ).select_related("batch")
    for model in batch.changes.values_list("model", flat=True).distinct():
        touched = batch.changes.filter(model=model).values("object_id")
        clash = later.filter(model=model, object_id__in=touched).first()
        if clash is not None:
            return RollbackCheck(
                False,
                f"После неё те же записи изменила загрузка «{clash.batch.file_name}»: сначала отмените её.",
            )
    for model in imported_models():
        added = model.objects.filter(import_batch=batch).values("pk")
        clash = later.filter(model=model._meta.label, object_id__in=added).first()
        if clash is not None:
            return RollbackCheck(
                False,
                f"Добавленные ею записи изменила загрузка «{clash.batch.file_name}»: сначала отмените её.",
            )
    blockers = undo_blockers(batch)
    if blockers:
        return RollbackCheck(
            False,
            "Отменить загрузку нельзя: на добавленные ею записи уже ссылаются другие данные — "
            + "; ".join(blockers)
            + ". Данные не изменены.",
        )
    return RollbackCheck(True)


@transaction.atomic
def import_rollback(*, batch: ImportBatch, by: User | None) -> ImportBatch:
    """Undo an import: delete what it added, restore what it changed."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    verdict = rollback_check(batch)
    if not verdict.allowed:
        raise ImportRefused(verdict.reason)
    undo_changes(batch)
    batch.status = ImportStatus.ROLLED_BACK
    batch.rolled_back_at = timezone.now()
    batch.rolled_back_by = by
    batch.save(update_fields=["status", "rolled_back_at", "rolled_back_by"])
    return batch
