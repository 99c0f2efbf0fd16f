"""Backup and restore: the demo region backed up, the database emptied as a new one, restored, tables compared."""

import datetime
import zipfile

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from opora.core.backup import BackupError, backup, restore, table_counts
from opora.demo.generator import generate_region
from opora.demo.services import demo_region_load


def _normal(value):
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    return value


def _snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in key order (values normalised to compare across databases)."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = [field.attname for field in model._meta.local_concrete_fields]
        rows = model._base_manager.order_by("pk").values_list(*columns)
        tables[model._meta.db_table] = [tuple(_normal(value) for value in row) for row in rows]
    return tables


def _empty_as_after_migrate():
    # «flush» leaves what «migrate» leaves in a new database: content types and permissions
    call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_demo_region_is_restored_table_by_table(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    (settings.MEDIA_ROOT / "evidence").mkdir(parents=True)
    (settings.MEDIA_ROOT / "evidence" / "акт.pdf").write_bytes(b"%PDF-1.4 test")
    demo_region_load(region_data=generate_region(seed=3, n_schools=20, n_years=2))
    before = _snapshot()
    assert sum(len(rows) for rows in before.values()) > 1000

    archive = tmp_path / "копия.zip"
    report = backup(archive)
    assert report.rows == sum(table_counts().values()) and report.files >= 1
    assert {"manifest.json", "data.jsonl", "links.jsonl", "media/evidence/акт.pdf"} <= set(
        zipfile.ZipFile(archive).namelist()
    )

    _empty_as_after_migrate()
    (settings.MEDIA_ROOT / "evidence" / "акт.pdf").unlink()
    restored = restore(archive)

    assert restored.rows == report.rows
    after = _snapshot()
    assert {table: len(rows) for table, rows in after.items()} == {table: len(rows) for table, rows in before.items()}
    assert after == before  # every row of every table, keys included; the restore wrote no history of its own
    assert (settings.MEDIA_ROOT / "evidence" / "акт.pdf").read_bytes() == b"%PDF-1.4 test"
    # new rows get new keys after a restore (the sequences follow the restored rows)
    from opora.schools.models import Region

    assert Region.objects.create(name="Новый регион").pk > max(row[0] for row in before["schools_region"])


@pytest.mark.django_db(transaction=True)
def test_a_restore_into_a_database_with_data_is_refused_and_changes_nothing(tmp_path, settings, world):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    archive = tmp_path / "копия.zip"
    backup(archive)
    counts = table_counts()
    with pytest.raises(BackupError, match="База не пуста"):
        restore(archive)
    assert table_counts() == counts
    with pytest.raises(CommandError, match="База не пуста"):
        call_command("restore", str(archive))


def test_what_is_not_a_backup_is_named(tmp_path, db):
    broken = tmp_path / "копия.zip"
    broken.write_bytes(b"not a zip")
    with pytest.raises(BackupError, match="не резервная копия"):
        restore(broken)
    with pytest.raises(BackupError, match="не найден"):
        restore(tmp_path / "нет.zip")
    with pytest.raises(BackupError, match=r"\.zip"):
        backup(tmp_path / "копия.json")
    assert connection.vendor in {"sqlite", "postgresql"}
