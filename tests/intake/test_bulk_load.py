"""A big form 4 goes in without its table's plain indexes and foreign keys, and comes out the same.

And the database going away in the middle of a write leaves none of the import's rows, a failed
import with a message in Russian, and an import that can be applied again.
"""

from __future__ import annotations

import polars as pl
import psycopg
import pytest
from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.urls import reverse

from opora.intake import bulkload, writes
from opora.intake.diffing import diff_rows
from opora.intake.models import ImportBatch, ImportStatus
from opora.intake.processing import CONNECTION_LOST
from opora.intake.services import (
    ImportInterrupted,
    apply_retryable,
    import_apply,
    import_check,
    import_queue_apply,
    import_rollback,
    import_upload,
)
from opora.results.models import SchoolResult, StudentResult
from opora.schools.models import Region, School, SchoolYear
from tests.factories import MunicipalityFactory, RegionFactory, SchoolFactory

HEADER = (
    "Код ОО;Учебный год;Процедура;Класс;Предмет;Код участника;Первичный балл;Тестовый балл;Отметка;Отметка по журналу"
)
SUBJECTS = ("Математика", "Русский язык")
on_postgresql = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="needs PostgreSQL"
)
STUDENT_COLUMNS = (
    "school__code",
    "year__end_year",
    "procedure",
    "grade",
    "subject",
    "participant_code",
    "primary_score",
    "test_score",
    "mark",
    "journal_mark",
)
RESULT_COLUMNS = (
    "school__code",
    "year__end_year",
    "procedure",
    "grade",
    "subject",
    "participants",
    "marks_2",
    "marks_3",
    "marks_4",
    "marks_5",
    "mean_score",
    "lowered",
    "confirmed",
    "raised",
)


def form_4(codes: list[str], per_test: int) -> bytes:
    """Participants of ВПР in grades 5 and 6 and two subjects at each school."""
    lines = [HEADER]
    number = 0
    for code in codes:
        for grade in (5, 6):
            for subject in SUBJECTS:
                for _ in range(per_test):
                    number += 1
                    mark = 2 + number % 4
                    journal = "" if number % 7 == 0 else 2 + (number // 3) % 4
                    score = mark * 4 + number % 3
                    lines.append(f"{code};2025/2026;ВПР;{grade};{subject};У{number:06d};{score};;{mark};{journal}")
    return ("\n".join(lines) + "\n").encode()


def schools(count: int) -> list[str]:
    region = RegionFactory(name="Область нагрузки")
    municipality = MunicipalityFactory(region=region, name="Район нагрузки")
    return [SchoolFactory(municipality=municipality, code=f"07{number:04d}").code for number in range(count)]


def checked(content: bytes):
    region = Region.objects.get(name="Область нагрузки")
    batch = import_upload(region=region, file_name="04.csv", content=content, form_key=None, by=None)
    batch = import_check(batch=batch)
    assert batch.status == ImportStatus.READY, batch.report.get("errors")
    return batch


def stored_rows() -> tuple[list[tuple], list[tuple]]:
    students = sorted(StudentResult.objects.values_list(*STUDENT_COLUMNS))
    results = sorted(SchoolResult.objects.values_list(*RESULT_COLUMNS))
    return students, results


def table_definition(model) -> list[tuple]:
    """The indexes and constraints of the model's table, as the database describes them."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                "UNION ALL SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1",
                [table, table],
            )
        else:
            cursor.execute("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s ORDER BY name", [table])
        return cursor.fetchall()


def test_a_big_load_stores_the_same_rows_and_leaves_the_table_as_migrated(db, monkeypatch):
    codes = schools(6)
    content = form_4(codes, per_test=25)  # 600 participants
    before = table_definition(StudentResult)

    batch = checked(content)
    import_apply(batch=batch, by=None)
    row_by_row = stored_rows()
    import_rollback(batch=batch, by=None)
    assert StudentResult.objects.count() == 0

    monkeypatch.setattr(bulkload, "BULK_ROWS", 100)
    set_aside = []
    plan_of = bulkload._plan
    monkeypatch.setattr(bulkload, "_plan", lambda model, rows: set_aside.append(plan_of(model, rows)) or set_aside[-1])
    batch = checked(content)
    import_apply(batch=batch, by=None)

    assert stored_rows() == row_by_row
    assert len(row_by_row[0]) == 600 and len(row_by_row[1]) == 24
    students_plan = set_aside[0]
    assert len(students_plan.indexes) == 4  # school, year, import, and (year, procedure, subject)
    assert len(students_plan.constraints) == (4 if connection.vendor == "postgresql" else 0)  # 3 keys + unique
    assert table_definition(StudentResult) == before
    assert StudentResult.objects.filter(import_batch=batch).count() == 600
    import_rollback(batch=batch, by=None)
    assert stored_rows() == ([], [])


def test_a_load_into_a_table_holding_more_rows_keeps_its_indexes(db, monkeypatch):
    codes = schools(4)
    import_apply(batch=checked(form_4(codes[:3], per_test=25)), by=None)  # 300 rows stored
    monkeypatch.setattr(bulkload, "BULK_ROWS", 50)

    plan = bulkload._plan(StudentResult, rows=100)

    assert plan.indexes == []
    assert len(plan.constraints) == (4 if connection.vendor == "postgresql" else 0)
    assert bulkload._plan(StudentResult, rows=49).is_empty


@on_postgresql
def test_a_row_pointing_nowhere_fails_when_its_key_is_put_back_and_nothing_stays(db, monkeypatch):
    codes = schools(1)
    batch = checked(form_4(codes, per_test=5))
    before = table_definition(StudentResult)
    monkeypatch.setattr(bulkload, "BULK_ROWS", 1)
    school = School.objects.get(code=codes[0])
    year = SchoolYear.objects.get_or_create(end_year=2026)[0]
    rows = pl.DataFrame(
        {
            "procedure": ["ВПР", "ВПР"],
            "grade": [5, 5],
            "subject": ["Математика", "Математика"],
            "participant_code": ["a", "b"],
            "import_batch_id": [batch.pk, batch.pk],
            "school_id": [school.pk, school.pk + 10_000],
            "year_id": [year.pk, year.pk],
        }
    )

    with connection.cursor() as cursor:
        # The test's own transaction has checks pending on the schools just made, which keep
        # their keys from being dropped (the load then goes row by row and would not fail here).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    with pytest.raises(IntegrityError, match="results_studentresult_school_id"), transaction.atomic():
        writes.insert_rows(StudentResult, rows)  # the key is put back within: the row is refused there

    assert StudentResult.objects.count() == 0
    assert table_definition(StudentResult) == before


def _assert_failed_and_empty(batch: ImportBatch, message: str) -> None:
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert batch.progress_message == message
    assert not StudentResult.objects.exists()
    assert not SchoolResult.objects.exists()
    assert apply_retryable(batch)


def test_an_error_of_the_database_mid_write_leaves_nothing_and_the_import_can_be_applied_again(
    transactional_db, monkeypatch
):
    codes = schools(3)
    batch = checked(form_4(codes, per_test=20))
    real = writes.aggregate_student_results

    def database_fails(frame):
        assert StudentResult.objects.count() == 240  # the participants are written by now
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(writes, "aggregate_student_results", database_fails)
    with pytest.raises(ImportInterrupted, match="База данных прервала запись \\(disk I/O error\\)"):
        import_apply(batch=batch, by=None)
    _assert_failed_and_empty(
        batch,
        "База данных прервала запись (disk I/O error): данные не изменены, загрузка отмечена как сбой. "
        "Загрузку можно применить ещё раз.",
    )

    monkeypatch.setattr(writes, "aggregate_student_results", real)
    import_queue_apply(batch=batch, by=None)  # confirmed again; the tests' task queue runs it at once
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    assert StudentResult.objects.filter(import_batch=batch).count() == 240
    assert not apply_retryable(batch)


@on_postgresql
@pytest.mark.parametrize("big", [False, True], ids=["row by row", "bulk load"])
def test_the_connection_killed_mid_write_leaves_nothing_and_a_clear_message(transactional_db, monkeypatch, big):
    codes = schools(4)
    batch = checked(form_4(codes, per_test=30))
    before = table_definition(StudentResult)
    if big:
        monkeypatch.setattr(bulkload, "BULK_ROWS", 100)
    killed, stages = [], []

    def progress(percent: int, message: str) -> None:
        stages.append(message)
        # Once the participants are written, another session ends the importing one.
        if message == "Расчёт показателей по ОО" and not killed:
            assert StudentResult.objects.count() == 480
            pid = connection.connection.info.backend_pid
            params = connection.get_connection_params()
            login = {name: params[name] for name in ("dbname", "user", "password", "host", "port") if params.get(name)}
            with psycopg.connect(**login, autocommit=True) as other:
                killed.append(other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0])

    with pytest.raises(ImportInterrupted) as interrupted:
        import_apply(batch=batch, by=None, progress=progress)
    assert killed == [True]
    assert ("Построение индексов и проверка связей" in stages) is big
    assert str(interrupted.value) == CONNECTION_LOST
    _assert_failed_and_empty(batch, CONNECTION_LOST)
    assert table_definition(StudentResult) == before  # the rollback took the dropped keys back too

    batch = import_apply(batch=batch, by=None)
    assert batch.status == ImportStatus.APPLIED
    assert StudentResult.objects.filter(import_batch=batch).count() == 480
    assert SchoolResult.objects.filter(import_batch=batch).count() == 16


def test_a_failed_write_is_offered_again_on_its_page(client, world, monkeypatch):
    coordinator = world.users["coordinator"]
    client.force_login(coordinator)
    content = "Код ОО;Учебный год;Обучающихся\n010001;2025/2026;301\n".encode()
    batch = import_check(
        batch=import_upload(region=world.region, file_name="a.csv", content=content, form_key=None, by=coordinator)
    )

    def database_fails(**arguments):
        raise OperationalError("database is locked")

    monkeypatch.setattr(writes, "apply_diff", database_fails)
    monkeypatch.setattr("opora.intake.processing.apply_diff", database_fails)
    with pytest.raises(ImportInterrupted):
        import_apply(batch=batch, by=None)
    page = client.get(reverse("intake:import", args=[batch.pk])).content.decode()

    assert "База данных прервала запись (database is locked): данные не изменены" in page
    assert "Применить ещё раз" in page
    monkeypatch.undo()
    client.post(reverse("intake:import_apply", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLY_QUEUED  # confirmed again, for the task worker
    assert import_apply(batch=batch, by=coordinator).status == ImportStatus.APPLIED
    assert "Применить ещё раз" not in client.get(reverse("intake:import", args=[batch.pk])).content.decode()


def test_comparing_with_nothing_stored_gives_what_the_join_gives():
    incoming = pl.DataFrame(
        {"code": ["1", "2", "3"], "year": [2026, 2026, 2025], "students": [10, None, 3], "share": [0.5, 1.0, None]}
    )
    schema = {"_pk": pl.Int64, "code": pl.Utf8, "year": pl.Int32, "students": pl.Int64, "share": pl.Float64}
    unrelated = pl.DataFrame({"_pk": [1], "code": ["9"], "year": [1999], "students": [1], "share": [0.0]}, schema)
    arguments = {"key_fields": ["code", "year"], "value_fields": ["students", "share"]}

    first = diff_rows(incoming, pl.DataFrame(schema=schema), **arguments)
    joined = diff_rows(incoming, unrelated, **arguments)

    assert first.added.equals(joined.added) and first.added.schema == joined.added.schema
    assert first.changed.schema == joined.changed.schema and first.changed.is_empty()
    assert (
        (first.unchanged, first.value_fields) == (joined.unchanged, joined.value_fields) == (0, ("students", "share"))
    )
