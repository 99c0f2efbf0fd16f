"""Imports queued from the page are done by the background worker (``opora db_worker``)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from opora.intake.models import ImportBatch, ImportStatus


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens database connections
def test_worker_checks_and_applies_a_queued_import(client, world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(world.users["coordinator"])
    upload = io.BytesIO("Код ОО;Учебный год;Обучающихся\n010001;2025/2026;333\n".encode())
    upload.name = "контингент.csv"
    client.post(reverse("intake:imports"), {"file": upload})
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == ImportStatus.QUEUED
    page = client.get(reverse("intake:import_status", args=[batch.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "Ожидает обработчика фоновых задач" in page

    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())
    batch.refresh_from_db()
    assert (batch.status, batch.changed, batch.progress) == (ImportStatus.READY, 1, 100)

    client.post(reverse("intake:import_apply", args=[batch.pk]))
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.APPLY_QUEUED
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.APPLIED
    assert world.school.contexts.get(year__end_year=2026).students == 333
