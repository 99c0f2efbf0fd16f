"""Progress of an import reaches the page, also from inside the transaction that writes the file."""

import io

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from opora.intake.models import ImportBatch, ImportStatus
from opora.intake.processing import batch_progress
from opora.intake.services import import_apply, import_check, import_upload


def uploaded(world, status):
    upload = io.BytesIO("Код ОО;Учебный год;Обучающихся\n010001;2025/2026;333\n".encode())
    batch = import_upload(
        region=world.region, file_name="контингент.csv", content=upload.getvalue(), form_key=None, by=None
    )
    ImportBatch.objects.filter(pk=batch.pk).update(status=status, progress=20, progress_message="Сравнение")
    batch.refresh_from_db()
    return batch


def status_page(client, world, batch):
    client.force_login(world.users["region_admin"])
    return client.get(reverse("intake:import_status", args=[batch.pk])).content.decode()


def test_progress_reported_inside_the_write_transaction_is_shown_while_the_import_runs(client, world):
    batch = uploaded(world, ImportStatus.APPLYING)
    with transaction.atomic():
        batch_progress(batch)(63, "Запись результатов участников")
    assert ImportBatch.objects.get(pk=batch.pk).progress == 20  # the row is not touched
    assert "63&nbsp;% · Запись результатов участников" in status_page(client, world, batch)

    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.APPLIED, progress=100, applied_at=timezone.now())
    batch.refresh_from_db()
    assert "63&nbsp;%" not in status_page(client, world, batch)


@pytest.mark.django_db(transaction=True)
def test_progress_reported_outside_a_transaction_goes_to_the_batch(client, world):
    batch = uploaded(world, ImportStatus.CHECKING)
    batch_progress(batch)(70, "Сравнение с данными в базе")
    batch.refresh_from_db()
    assert (batch.progress, batch.progress_message) == (70, "Сравнение с данными в базе")
    assert "70&nbsp;% · Сравнение с данными в базе" in status_page(client, world, batch)


def test_a_finished_import_leaves_no_progress_file(world, settings):
    batch = uploaded(world, ImportStatus.QUEUED)
    batch = import_check(batch=batch, progress=batch_progress(batch))
    assert batch.status == ImportStatus.READY
    import_apply(batch=batch, by=None, progress=batch_progress(batch))
    progress_files = settings.MEDIA_ROOT / "imports" / "progress"
    assert not progress_files.exists() or not any(progress_files.iterdir())
