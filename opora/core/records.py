"""The record an import adds: it carries that import, so that the import can be undone."""

from __future__ import annotations

from django.apps import apps
from django.db import models


class ImportedRecord(models.Model):
    """A row added by a file import (results, outcomes, teachers, …).

    The import is named by the app label (``intake.ImportBatch``), so the data apps need not
    import the intake: intake writes into them, they never read through it. Undoing an import
    deletes the records that carry it.
    """

    import_batch = models.ForeignKey(
        "intake.ImportBatch",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="добавлен загрузкой",
    )

    class Meta:
        abstract = True


def imported_models() -> list[type[models.Model]]:
    """Every installed model whose records carry the import that added them."""
    return [model for model in apps.get_models() if issubclass(model, ImportedRecord)]
