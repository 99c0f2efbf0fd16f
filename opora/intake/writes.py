"""Writing a checked import into the database and undoing it.

Every added or changed record is noted in ``ImportChange`` with its values before, so that an
import can be undone; participants' results are marked with their import instead (a region's file
holds a million of them).
"""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import polars as pl
from django.apps import apps
from django.db import connection, models, transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from opora.analytics import aggregate_student_results
from opora.core.records import ImportedRecord, imported_models
from opora.intake.bulkload import bulk_load
from opora.intake.diffing import Diff, changed_fields, diff_rows
from opora.intake.models import ChangeAction, ImportBatch, ImportChange
from opora.intake.targets import PK, TARGETS, FormTarget, decimal_round
from opora.schools.models import Municipality, School, SchoolYear

Progress = Callable[[int, str], None]
Stage = Callable[[str], None]
BATCH_SIZE = 2000
SQLITE_ROWS_PER_INSERT = 500
# Which tables an undo empties first: dependants before what they depend on.
UNDO_ORDER = (
    "results.SchoolResult",
    "schools.SchoolContext",
    "results.YearOutcome",
    "support.Teacher",
    "schools.School",
    "schools.Municipality",
)


def _school_ids(batch: ImportBatch, codes: list[str]) -> dict[str, int]:
    schools = School.objects.filter(municipality__region=batch.region, code__in=codes)
    return dict(schools.values_list("code", "pk"))


def _year_ids(end_years: list[int]) -> dict[int, int]:
    for end_year in end_years:
        SchoolYear.objects.get_or_create(end_year=end_year)
    return dict(SchoolYear.objects.filter(end_year__in=end_years).values_list("end_year", "pk"))


def _municipality_ids(batch: ImportBatch, names: list[str]) -> dict[str, int]:
    ids = dict(Municipality.objects.filter(region=batch.region, name__in=names).values_list("name", "pk"))
    for name in names:
        if name not in ids:
            municipality = Municipality.objects.create(region=batch.region, name=name)
            ids[name] = municipality.pk
            ImportChange.objects.create(
                batch=batch,
                model="schools.Municipality",
                object_id=municipality.pk,
                action=ChangeAction.ADDED,
            )
    return ids


class References:
    """Turns the form's references (school code, school year, municipality) into record ids."""

    def __init__(self, batch: ImportBatch, frame: pl.DataFrame, target: FormTarget):
        self.is_school = target.model is School
        self.schools = {} if self.is_school else _school_ids(batch, frame["code"].unique().to_list())
        self.years = _year_ids(frame["year"].unique().to_list()) if "year" in frame.columns else {}
        self.municipalities = (
            _municipality_ids(batch, frame["municipality"].drop_nulls().unique().to_list())
            if "municipality" in frame.columns
            else {}
        )

    def record_values(self, target: FormTarget, row: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, value in row.items():
            if name == "code" and not self.is_school:
                values["school_id"] = self.schools[value]
            elif name == "year":
                values["year_id"] = self.years[value]
            elif name == "municipality":
                if value is not None:
                    values["municipality_id"] = self.municipalities[value]
            elif name in target.key_fields or name in target.value_fields:
                values[target.model_field(name)] = _stored_value(target, name, value)
        return values


def _stored_value(target: FormTarget, name: str, value: Any) -> Any:
    field = target.model._meta.get_field(target.model_field(name))
    if value is None:
        return "" if isinstance(field, (models.CharField, models.TextField)) and not field.null else None
    if isinstance(field, models.DecimalField):
        return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-field.decimal_places), ROUND_HALF_UP)
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _is_marked(model: type[models.Model]) -> bool:
    """Records of this model carry the import that added them (``import_batch``)."""
    return issubclass(model, ImportedRecord)


def apply_diff(*, batch: ImportBatch, target: FormTarget, diff: Diff, stage: Stage | None = None) -> None:
    """Add the new rows and change the changed ones, so that the import can be undone.

    Records of the big tables are inserted in bulk and carry their import; the registry's
    records are created one by one with their change journal and noted in ``ImportChange``.
    ``stage`` hears of the steps of a big insertion (for the import's progress).
    """
    frame = pl.concat([diff.added, diff.changed.select(diff.added.columns)], how="vertical")
    if frame.is_empty():
        return
    references = References(batch, frame, target)
    model = target.model
    if _is_marked(model):
        insert_marked(batch=batch, target=target, added=diff.added, stage=stage)
    else:
        _create_noted(batch, target, references, diff.added)
    _change_noted(batch, target, references, diff)


def _create_noted(batch: ImportBatch, target: FormTarget, references: References, added_rows: pl.DataFrame) -> None:
    model = target.model
    history = hasattr(model, "history")  # the registry keeps its own change journal
    added = [model(**references.record_values(target, row)) for row in added_rows.iter_rows(named=True)]
    if model is School:
        for school in added:
            school.fill_search_text()
    created = (
        bulk_create_with_history(added, model, batch_size=BATCH_SIZE)
        if history
        else model.objects.bulk_create(added, batch_size=BATCH_SIZE)
    )
    ImportChange.objects.bulk_create(
        [ImportChange(batch=batch, model=target.label, object_id=obj.pk, action=ChangeAction.ADDED) for obj in created],
        batch_size=BATCH_SIZE,
    )


def _change_noted(batch: ImportBatch, target: FormTarget, references: References, diff: Diff) -> None:
    model = target.model
    history = hasattr(model, "history")
    rows = list(diff.changed.iter_rows(named=True))
    if not rows:
        return
    instances = model.objects.in_bulk([row[PK] for row in rows])
    updated_fields: set[str] = set()
    notes = []
    for row in rows:
        instance = instances[row[PK]]
        values = references.record_values(target, {name: row[name] for name in changed_fields(diff, row)})
        before = {field: _json_value(getattr(instance, field)) for field in values}
        for field, value in values.items():
            setattr(instance, field, value)
        updated_fields.update(values)
        notes.append(
            ImportChange(
                batch=batch,
                model=target.label,
                object_id=instance.pk,
                action=ChangeAction.CHANGED,
                before=before,
            )
        )
    if model is School:
        for instance in instances.values():
            instance.fill_search_text()
        updated_fields.add("search_text")
    if history:
        bulk_update_with_history(list(instances.values()), model, sorted(updated_fields), batch_size=BATCH_SIZE)
    else:
        update_rows(model, list(instances.values()), sorted(updated_fields))
    ImportChange.objects.bulk_create(notes, batch_size=BATCH_SIZE)


def insert_marked(*, batch: ImportBatch, target: FormTarget, added: pl.DataFrame, stage: Stage | None = None) -> None:
    """Insert new records in bulk, each marked with the import that added them."""
    if added.is_empty():
        return
    model = target.model
    # The ids replace the codes column by column: a join would copy every column of a million rows.
    schools = _school_ids(batch, added["code"].unique().to_list())
    columns: dict[str, pl.Expr] = {
        "school_id": pl.col("code").replace_strict(schools, default=None, return_dtype=pl.Int64),
        "import_batch_id": pl.lit(batch.pk),
    }
    if "year" in added.columns:
        years = _year_ids(added["year"].unique().to_list())
        columns["year_id"] = pl.col("year").replace_strict(years, default=None, return_dtype=pl.Int64)
    for name in (*target.key_fields, *target.value_fields):
        if name in ("code", "year"):
            continue
        field = model._meta.get_field(target.model_field(name))
        value = pl.col(name) if name in added.columns else pl.lit(None)
        if isinstance(field, models.DecimalField):
            value = decimal_round(value, field.decimal_places)
        elif isinstance(field, (models.CharField, models.TextField)) and not field.null:
            value = value.cast(pl.Utf8).fill_null("")
        columns[field.column] = value
    # Rows in the order of the unique key fill the table's indexes far faster.
    key_columns = [
        model._meta.get_field(target.model_field(name)).column
        if name not in ("code", "year")
        else f"{'school' if name == 'code' else 'year'}_id"
        for name in target.key_fields
    ]
    rows = added.select([expression.alias(column) for column, expression in columns.items()])
    insert_rows(model, rows.sort(key_columns), stage=stage)


def insert_rows(model: type[models.Model], frame: pl.DataFrame, *, stage: Stage | None = None) -> None:
    """Insert a frame whose columns are the table's, by the fastest path (COPY on PostgreSQL).

    A big frame goes in without the table's plain indexes and foreign keys, which are put back
    afterwards (``opora.intake.bulkload``); all of it in one transaction.
    """
    with transaction.atomic(), bulk_load(model, rows=frame.height) as plan:
        _write_rows(model, frame)
        if stage is not None and not plan.is_empty:
            stage("Построение индексов и проверка связей")


def _write_rows(model: type[models.Model], frame: pl.DataFrame) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in frame.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            with cursor.cursor.copy(sql) as copy:
                for chunk in frame.iter_slices(200_000):
                    buffer = io.BytesIO()
                    chunk.write_csv(buffer, include_header=False, null_value="\\N")
                    copy.write(buffer.getbuffer())
        else:
            # Many rows per statement: SQLite's work per statement, not per value, is what a
            # million single-row INSERTs spend most of their time on (half of it, measured).
            row = f"({', '.join(['%s'] * frame.width)})"
            per_statement = max(1, min(SQLITE_ROWS_PER_INSERT, _sqlite_variables() // frame.width))
            many = f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * per_statement)}"
            single = f"INSERT INTO {table} ({columns}) VALUES {row}"
            step = per_statement * frame.width
            for chunk in frame.iter_slices(per_statement * 100):
                # The values row after row, laid out column by column (no tuple per row).
                values: list[Any] = [None] * (chunk.height * chunk.width)
                for place, column in enumerate(chunk.iter_columns()):
                    values[place :: chunk.width] = column.to_list()
                whole = len(values) // step * step
                cursor.executemany(many, [values[start : start + step] for start in range(0, whole, step)])
                tail = values[whole:]
                if tail:
                    cursor.executemany(
                        single, [tail[start : start + frame.width] for start in range(0, len(tail), frame.width)]
                    )


def _sqlite_variables() -> int:
    """How many values one SQLite statement may take (999 before SQLite 3.32)."""
    return 32_766 if sqlite3.sqlite_version_info >= (3, 32) else 999


def update_rows(model: type[models.Model], instances: list[models.Model], field_names: list[str]) -> None:
    """Save the given fields of many instances with one UPDATE … FROM a temporary table.

    Django's ``bulk_update`` writes a CASE expression per field and row, which takes seconds for
    a few thousand rows; here the new values go into a temporary table and a single statement
    joins them (SQLite 3.33+ and PostgreSQL; older SQLite falls back to ``bulk_update``).
    """
    if not instances or not field_names:
        return
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 33):
        model.objects.bulk_update(instances, field_names, batch_size=BATCH_SIZE)
        return
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in field_names]
    pk = model._meta.pk
    table = quote(model._meta.db_table)
    temporary = quote(f"opora_update_{model._meta.db_table}")
    columns = [pk.column, *(field.column for field in fields)]
    listed = ", ".join(quote(column) for column in columns)
    rows = [
        (instance.pk, *(field.get_db_prep_save(getattr(instance, field.attname), connection) for field in fields))
        for instance in instances
    ]
    assignments = ", ".join(f"{quote(field.column)} = {temporary}.{quote(field.column)}" for field in fields)
    placeholders = ", ".join(["%s"] * len(columns))
    # In a savepoint of its own: should a statement fail, the temporary table goes with it.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {temporary} AS SELECT {listed} FROM {table} WHERE 1 = 0")
        cursor.executemany(f"INSERT INTO {temporary} ({listed}) VALUES ({placeholders})", rows)
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM {temporary} "
            f"WHERE {table}.{quote(pk.column)} = {temporary}.{quote(pk.column)}"
        )
        cursor.execute(f"DROP TABLE {temporary}")


def student_results_apply(*, batch: ImportBatch, frame: pl.DataFrame, progress: Progress) -> tuple[int, int, int]:
    """Store participants' results and recompute the school figures (form 3) they make up."""
    target = TARGETS["student-results"]
    results = TARGETS["results"]
    years = frame["year"].unique().to_list()
    progress(25, "Сравнение с сохранёнными результатами участников")
    stored = target.stored(batch.region, years=years)
    diff = diff_rows(frame, stored, key_fields=target.key_fields, value_fields=target.value_fields)

    progress(40, "Запись результатов участников")
    apply_diff(batch=batch, target=target, diff=diff, stage=lambda message: progress(65, message))

    progress(75, "Расчёт показателей по ОО")
    keys = list(target.key_fields)
    tests = ["code", "year", "procedure", "subject"]
    # The stored participants of the tests the file touches and the file does not name, then the
    # file's own. The file's million keys are joined only when such stored participants exist.
    touched = frame.select(tests).unique()
    previous = stored.drop(PK).join(touched, on=tests, how="semi")
    if not previous.is_empty():
        previous = previous.join(frame.select(keys), on=keys, how="anti")
    # With no stored participants to add (a first import) the file's rows are not copied.
    current = frame if previous.is_empty() else pl.concat([previous, frame], how="diagonal_relaxed")
    aggregates = aggregate_student_results(current)
    fields = {*results.key_fields, *results.value_fields}
    school_figures = results.rounded(aggregates.select([name for name in aggregates.columns if name in fields]))
    stored_results = results.stored(batch.region, years=years)
    results_diff = diff_rows(
        school_figures, stored_results, key_fields=results.key_fields, value_fields=results.value_fields
    )
    progress(90, "Запись показателей по ОО")
    apply_diff(batch=batch, target=results, diff=results_diff)
    return diff.added.height, diff.changed.height, diff.unchanged


def undo_changes(batch: ImportBatch) -> None:
    """Delete what the import added and put back the values it changed."""
    for model in imported_models():
        model.objects.filter(import_batch=batch).delete()
    changes = batch.changes.all()
    changed = changes.filter(action=ChangeAction.CHANGED)
    for label in sorted(set(changed.values_list("model", flat=True))):
        model = apps.get_model(label)
        # Newest first, so that were a record changed twice its oldest values win.
        befores = dict(changed.filter(model=label).order_by("-pk").values_list("object_id", "before"))
        instances = model.objects.in_bulk(list(befores))
        fields: set[str] = set()
        for pk, instance in instances.items():
            for field, value in befores[pk].items():
                setattr(instance, field, _python_value(model, field, value))
                fields.add(field)
        if model is School:
            for instance in instances.values():
                instance.fill_search_text()
            fields.add("search_text")
        if hasattr(model, "history"):
            bulk_update_with_history(list(instances.values()), model, sorted(fields), batch_size=BATCH_SIZE)
        else:
            update_rows(model, list(instances.values()), sorted(fields))
    labels = set(changes.filter(action=ChangeAction.ADDED).values_list("model", flat=True))
    for label in sorted(labels, key=lambda name: UNDO_ORDER.index(name) if name in UNDO_ORDER else -1):
        ids = changes.filter(action=ChangeAction.ADDED, model=label).values_list("object_id", flat=True)
        apps.get_model(label).objects.filter(pk__in=list(ids)).delete()


def undo_blockers(batch: ImportBatch) -> list[str]:
    """What would keep an undo from deleting the records the import added, in Russian.

    Every relation that points to such a record — found from the models themselves, so a table
    added later is checked too — blocks the undo unless the rows behind it go with the undo (the
    import added them as well). Deleting a school that an identification run, a user or a later
    import's data refers to would either fail or take those rows with it.
    """
    doomed = _records_to_delete(batch)
    problems = []
    for model, ids in doomed.items():
        for relation in model._meta.get_fields(include_hidden=True):
            if not (relation.is_relation and relation.auto_created and not relation.concrete):
                continue
            linked = _linked_rows(relation, model, ids, doomed, batch)
            if linked is None:
                continue
            count = linked.count()
            if count:
                example = "" if relation.many_to_many else f" (например, «{linked.first()}»)"
                problems.append(f"{relation.related_model._meta.verbose_name_plural} — {count}{example}")
    return problems


def _records_to_delete(batch: ImportBatch) -> dict[type[models.Model], set[int]]:
    doomed: dict[type[models.Model], set[int]] = {}
    for label, object_id in batch.changes.filter(action=ChangeAction.ADDED).values_list("model", "object_id"):
        doomed.setdefault(apps.get_model(label), set()).add(object_id)
    for model in imported_models():
        if any(r.auto_created and not r.concrete for r in model._meta.get_fields(include_hidden=True)):
            ids = set(model.objects.filter(import_batch=batch).values_list("pk", flat=True))
            if ids:
                doomed.setdefault(model, set()).update(ids)
    return doomed


def _linked_rows(
    relation: Any,
    model: type[models.Model],
    ids: set[int],
    doomed: dict[type[models.Model], set[int]],
    batch: ImportBatch,
) -> models.QuerySet | None:
    """Rows of another table that refer to the records, leaving out those the undo deletes too."""
    if relation.many_to_many:
        through = relation.through
        pointer = next(f for f in through._meta.fields if f.is_relation and f.related_model is model)
        return through.objects.filter(**{f"{pointer.name}__in": ids})
    if relation.on_delete is models.DO_NOTHING:
        return None  # journals (change history) keep the id without a constraint
    related = relation.related_model
    rows = related._default_manager.filter(**{f"{relation.field.name}__in": ids})
    if related in doomed:
        rows = rows.exclude(pk__in=doomed[related])
    if issubclass(related, ImportedRecord):
        rows = rows.exclude(import_batch=batch)
    return rows


def _python_value(model: type[models.Model], field_name: str, value: Any) -> Any:
    field = model._meta.get_field(field_name)
    if value is None:
        return None
    if isinstance(field, models.DecimalField):
        return Decimal(value)
    if isinstance(field, models.DateField):
        return dt.date.fromisoformat(value)
    return value
