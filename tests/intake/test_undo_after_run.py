"""Undoing an import that later work refers to: refused in Russian, never a server error, nothing changed."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from opora.accounts.models import User
from opora.demo.generator import export_region, generate_region
from opora.identification.models import RunStatus
from opora.identification.services import region_methodology, run_now
from opora.intake.models import ImportBatch, ImportStatus
from opora.intake.services import ImportRefused, import_rollback, rollback_check
from opora.schools.models import Region, School, SchoolYear

REGION = "Область для отмены"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    directory = tmp_path_factory.mktemp("undo")
    export_region(generate_region(seed=33, n_schools=10, with_students=False), directory)
    return directory


def load(path) -> None:
    call_command("import", str(path), "--region", REGION, stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture
def imported_and_identified(db, files):
    """A registry that added the schools, their data, and an identification run built on them."""
    for name in ("01_schools.xlsx", "02_context.xlsx", "03_results.xlsx", "05_outcomes.xlsx"):
        load(files / name)
    region = Region.objects.get(name=REGION)
    run = run_now(
        region=region,
        year=SchoolYear.objects.get(end_year=2026),
        methodology=region_methodology(region),
        by=None,
        progress=lambda percent, message: None,
    )
    assert run.status == RunStatus.DONE
    return ImportBatch.objects.get(form_key="schools"), run


def test_undo_of_a_registry_that_a_run_uses_is_refused_with_what_blocks_it(imported_and_identified):
    # Given the registry import whose schools an identification run (and their data) refer to
    batch, run = imported_and_identified
    later = ImportBatch.objects.exclude(pk=batch.pk)
    for other in later.order_by("-pk"):  # the data imports can be undone: nothing refers to them
        import_rollback(batch=other, by=None)

    # When its undo is checked
    verdict = rollback_check(batch)

    # Then it is refused, naming the run's lines that refer to the schools
    assert not verdict.allowed
    assert verdict.reason.startswith("Отменить загрузку нельзя: на добавленные ею записи уже ссылаются другие данные")
    assert f"строки расчёта — {run.schools.count()} (например, «расчёт № {run.pk}: " in verdict.reason
    with pytest.raises(ImportRefused, match="строки расчёта"):
        import_rollback(batch=batch, by=None)
    assert School.objects.count() == run.schools.count()


def test_undo_through_the_page_answers_with_the_reason_not_a_server_error(imported_and_identified, client):
    batch, _run = imported_and_identified
    schools = School.objects.count()
    client.force_login(User.objects.create_superuser("root", password="x"))

    response = client.post(reverse("intake:import_rollback", args=[batch.pk]), follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Отменить загрузку нельзя" in page
    assert School.objects.count() == schools
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
