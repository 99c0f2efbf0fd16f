"""Backup and restore of an installation: every table's rows and every uploaded file in one .zip.

The archive holds ``manifest.json`` (when, from which database, the rows of each table),
``data.jsonl`` (every object of every model in Django's serialised form, one a line, with exact
values: times keep their microseconds; written and read as a stream), ``links.jsonl`` (the rows of
the many-to-many tables, with their own keys) and ``media/…`` (the uploaded files). JSON does not depend on the
database: a backup of SQLite restores into PostgreSQL and back.

A restore goes into a freshly migrated, empty database (as ``opora migrate`` leaves it): it
refuses a database that holds data, empties the rows ``migrate`` wrote (content types and
permissions, which the backup carries with their own keys), loads everything in one transaction
with the history switched off (a restore is not a change anybody made), and checks that each
table has the rows the manifest lists.
"""

from __future__ import annotations

import datetime
import decimal
import json
import shutil
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils.duration import duration_iso_string

from opora.core.formatting import quantity

FORMAT = "opora-backup-1"
DATA = "data.jsonl"
LINKS = "links.jsonl"
MANIFEST = "manifest.json"
MEDIA = "media/"
# What ``migrate`` writes into an empty database: the backup brings these rows with their keys.
WRITTEN_BY_MIGRATE = ("contenttypes.contenttype", "auth.permission")


class BackupError(Exception):
    """A backup or a restore that cannot be done, with the reason in Russian."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    tables: int
    rows: int
    files: int

    @property
    def summary(self) -> str:
        """«105 таблиц, 338 556 записей, 2 файла»."""
        return ", ".join(
            (
                quantity(self.tables, "таблица", "таблицы", "таблиц"),
                quantity(self.rows, "запись", "записи", "записей"),
                quantity(self.files, "файл", "файла", "файлов"),
            )
        )


class _Exact(json.JSONEncoder):
    """Values as they are: times with their microseconds (Django's own encoder drops them)."""

    def default(self, value):
        if isinstance(value, datetime.datetime | datetime.date | datetime.time):
            return value.isoformat()
        if isinstance(value, datetime.timedelta):
            return duration_iso_string(value)
        if isinstance(value, decimal.Decimal | uuid.UUID):
            return str(value)
        return super().default(value)


def _object_tables() -> list[type]:
    return [model for model in apps.get_models() if not model._meta.proxy and model._meta.managed]


def _dump(data: Path) -> None:
    """Every object of every model, one JSON line each (Django's «python» form, exact values)."""
    with data.open("w", encoding="utf-8") as out:
        for model in _object_tables():
            fields = [field.name for field in model._meta.local_concrete_fields if not field.primary_key]
            rows = model._base_manager.order_by("pk").iterator(chunk_size=2_000)
            for item in serializers.serialize("python", rows, fields=fields):
                out.write(json.dumps(item, cls=_Exact, ensure_ascii=False))
                out.write("\n")


def _link_tables() -> list[type]:
    """The many-to-many tables Django makes itself: the serialisation names their rows only by the
    objects they link, so they are kept with their own keys beside it."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.auto_created and not model._meta.proxy and model._meta.managed
    ]


def table_counts() -> dict[str, int]:
    """Rows of every table of the installation's models (many-to-many tables included), by table name."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        counts[model._meta.db_table] = model._base_manager.count()
    return dict(sorted(counts.items()))


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def backup(path: Path | str) -> BackupReport:
    """Write every table's rows and every uploaded file into the archive ``path``."""
    path = Path(path)
    if path.suffix.lower() != ".zip":
        raise BackupError(f"Резервная копия записывается в файл .zip, а не «{path.name}».")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        data = Path(work) / DATA
        with transaction.atomic():  # one consistent picture of the database
            counts = table_counts()
            _dump(data)
        links = Path(work) / LINKS
        with links.open("w", encoding="utf-8") as out:
            for through in _link_tables():
                columns = [field.attname for field in through._meta.local_concrete_fields]
                for row in through._base_manager.order_by("pk").values_list(*columns).iterator(chunk_size=5_000):
                    out.write(json.dumps({"table": through._meta.label, "row": dict(zip(columns, row, strict=True))}))
                    out.write("\n")
        media = _media_root()
        files = sorted(item for item in media.rglob("*") if item.is_file()) if media.exists() else []
        manifest = {
            "format": FORMAT,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "database": connection.vendor,
            "tables": counts,
            "files": len(files),
        }
        partial = path.with_name(path.name + ".part")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
            archive.write(data, DATA)
            archive.write(links, LINKS)
            for item in files:
                archive.write(item, MEDIA + item.relative_to(media).as_posix())
        partial.replace(path)  # never a half-written backup under the real name
    return BackupReport(path, len(counts), sum(counts.values()), len(files))


def _holding_data() -> list[str]:
    skip = {apps.get_model(label)._meta.db_table for label in WRITTEN_BY_MIGRATE}
    return [table for table, rows in table_counts().items() if rows and table not in skip]


def _insert(model, rows: list) -> None:
    """Rows as they were: inserted raw (no ``auto_now``, no signals), in batches the database accepts."""
    fields = [field for field in model._meta.local_concrete_fields]
    batch = max(1, 30_000 // max(len(fields), 1)) if connection.vendor == "sqlite" else 5_000
    for start in range(0, len(rows), batch):
        model._base_manager._insert(rows[start : start + batch], fields=fields, raw=True)


def _load(data: Path, links_file: Path) -> None:
    """Every object of ``data.jsonl``, model after model as the file has them, then the many-to-many rows."""
    pending: list = []
    current = None
    links: dict[type, list] = {}
    touched: list[type] = []
    with data.open(encoding="utf-8") as lines:
        for item in serializers.deserialize("python", (json.loads(line) for line in lines)):
            model = type(item.object)
            if model is not current:
                if pending:
                    _insert(current, pending)
                pending, current = [], model
                touched.append(model)
            pending.append(item.object)
    if pending:
        _insert(current, pending)
    if links_file.exists():
        with links_file.open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                through = apps.get_model(record["table"])
                links.setdefault(through, []).append(through(**record["row"]))
    for through, rows in links.items():
        _insert(through, rows)
        touched.append(through)
    reset = connection.ops.sequence_reset_sql(no_style(), touched)
    if reset:
        with connection.cursor() as cursor:
            for statement in reset:
                cursor.execute(statement)


def restore(path: Path | str) -> BackupReport:
    """Restore an archive made by :func:`backup` into a freshly migrated, empty database."""
    path = Path(path)
    if not path.exists():
        raise BackupError(f"Файл «{path}» не найден.")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise BackupError(f"«{path.name}» — не резервная копия Опоры (не архив .zip).") from error
    with archive, tempfile.TemporaryDirectory() as work:
        names = set(archive.namelist())
        if MANIFEST not in names or DATA not in names:
            raise BackupError(f"«{path.name}» — не резервная копия Опоры: нет {MANIFEST} или {DATA}.")
        manifest = json.loads(archive.read(MANIFEST))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Неизвестный формат резервной копии: «{manifest.get('format')}».")
        unknown = sorted(set(manifest["tables"]) - set(table_counts()))
        if unknown:
            raise BackupError(
                "В копии есть таблицы, которых нет в этой версии Опоры: " + ", ".join(unknown[:10])
                + ". Обновите Опору до версии, из которой сделана копия, и выполните opora migrate."
            )  # fmt: skip
        holding = _holding_data()
        if holding:
            raise BackupError(
                "База не пуста (есть записи в таблицах: " + ", ".join(holding[:8])
                + "). Восстановление идёт только в новую базу после opora migrate — так ничего не будет потеряно."
            )  # fmt: skip
        data = Path(work) / DATA
        with archive.open(DATA) as source, data.open("wb") as target:
            shutil.copyfileobj(source, target)
        links = Path(work) / LINKS
        if LINKS in names:
            with archive.open(LINKS) as source, links.open("wb") as target:
                shutil.copyfileobj(source, target)
        with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
            for label in WRITTEN_BY_MIGRATE:
                apps.get_model(label)._base_manager.all().delete()
            _load(data, links)
            found = table_counts()
            wrong = {
                table: (rows, found.get(table))
                for table, rows in manifest["tables"].items()
                if found.get(table) != rows
            }
            if wrong:
                details = "; ".join(
                    f"{table}: в копии {rows}, восстановлено {got}" for table, (rows, got) in list(wrong.items())[:5]
                )
                raise BackupError(f"Восстановленные таблицы не совпали с копией ({details}); база оставлена пустой.")
        media = _media_root()
        files = 0
        for name in names:
            if name.startswith(MEDIA) and not name.endswith("/"):
                target = (media / name[len(MEDIA) :]).resolve()
                if not target.is_relative_to(media.resolve()):
                    raise BackupError(f"В копии файл с недопустимым путём: «{name}».")
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(name) as source, target.open("wb") as out:
                    shutil.copyfileobj(source, out)
                files += 1
    counts = manifest["tables"]
    return BackupReport(path, len(counts), sum(counts.values()), files)
