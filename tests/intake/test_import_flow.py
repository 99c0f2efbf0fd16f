"""The whole import: files of the demo region into an empty database, re-import, errors, undo, scope."""

import io
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from opora.demo.generator import export_region, generate_region
from opora.intake.models import ImportBatch, ImportStatus
from opora.intake.services import (
    ImportRefused,
    import_apply,
    import_check,
    import_rollback,
    import_upload,
    rollback_check,
)
from opora.results.models import SchoolResult, StudentResult, YearOutcome
from opora.schools.models import Region, School, SchoolContext
from opora.support.models import Teacher

REGION = "Демонстрационная область"


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    region = generate_region(seed=21, n_schools=12)
    directory = tmp_path_factory.mktemp("demo")
    export_region(region, directory)
    return region, directory


def run_import(path: Path, *args: str) -> str:
    output = io.StringIO()
    call_command("import", str(path), *args, stdout=output, stderr=io.StringIO())
    return output.getvalue()


def import_all(directory: Path) -> None:
    run_import(directory / "01_schools.xlsx", "--region", REGION)
    for name in ("02_context.xlsx", "03_results.xlsx", "05_outcomes.xlsx", "08_teachers.xlsx"):
        run_import(directory / name)
    for path in sorted(directory.glob("04_student_results_*.csv")):
        run_import(path)


def test_demo_files_import_into_an_empty_database_with_the_same_figures(db, demo_files):
    region, directory = demo_files
    import_all(directory)
    assert School.objects.count() == region.schools.height
    assert SchoolContext.objects.count() == region.context.height
    assert YearOutcome.objects.count() == region.outcomes.height
    assert Teacher.objects.count() == region.teachers.height
    assert StudentResult.objects.count() == region.student_results.height
    assert SchoolResult.objects.count() == region.results.height
    assert sum(SchoolResult.objects.values_list("marks_2", flat=True).exclude(marks_2=None)) == (
        region.results["2"].sum()
    )
    assert (
        sum(
            SchoolContext.objects.values_list("students_low_income", flat=True).exclude(
                students_low_income=None
            )
        )
        == region.context["Из малообеспеченных семей"].sum()
    )
    # Form 3 recomputed from form 4 equals the form 3 file: the student imports changed no school figure.
    student_batches = ImportBatch.objects.filter(form_key="student-results")
    assert [batch.changes.filter(model="results.SchoolResult").count() for batch in student_batches] == [
        0,
        0,
        0,
    ]


def test_importing_the_same_file_again_changes_nothing(db, demo_files):
    _region, directory = demo_files
    run_import(directory / "01_schools.xlsx", "--region", REGION)
    run_import(directory / "02_context.xlsx")
    output = run_import(directory / "02_context.xlsx")
    assert "добавлено 0, изменено 0, без изменений 36" in output


def test_dry_run_writes_nothing(db, demo_files):
    _region, directory = demo_files
    run_import(directory / "01_schools.xlsx", "--region", REGION)
    output = run_import(directory / "02_context.xlsx", "--dry-run")
    assert "будет добавлено 36" in output
    assert SchoolContext.objects.count() == 0
    assert ImportBatch.objects.count() == 1


def test_file_with_errors_writes_nothing_and_names_the_cell(db, demo_files, tmp_path):
    _region, directory = demo_files
    run_import(directory / "01_schools.xlsx", "--region", REGION)
    book = openpyxl.load_workbook(directory / "02_context.xlsx")
    sheet = book.active
    sheet["C5"] = "много"
    damaged = tmp_path / "контекст.xlsx"
    book.save(damaged)
    with pytest.raises(CommandError, match="Ошибок в файле: 1"):
        run_import(damaged)
    assert SchoolContext.objects.count() == 0
    batch = ImportBatch.objects.get(file_name="контекст.xlsx")
    assert batch.status == ImportStatus.INVALID
    assert "строка 5" in batch.report["errors"][0]
    assert "«Обучающихся»" in batch.report["errors"][0]


def test_region_is_required_when_there_are_several(db, demo_files):
    _region, directory = demo_files
    Region.objects.create(name="Первая")
    Region.objects.create(name="Вторая")
    with pytest.raises(CommandError, match="несколько регионов"):
        run_import(directory / "02_context.xlsx")


def _context_with(directory: Path, tmp_path: Path, students: int) -> Path:
    frame = pl.read_excel(directory / "02_context.xlsx", schema_overrides={"Код ОО": pl.Utf8})
    frame = frame.with_columns(pl.lit(students).alias("Обучающихся"))
    path = tmp_path / f"context-{students}.csv"
    frame.write_csv(path, separator=";")
    return path


def test_rollback_restores_the_values_before_the_import(db, demo_files, tmp_path):
    _region, directory = demo_files
    run_import(directory / "01_schools.xlsx", "--region", REGION)
    run_import(directory / "02_context.xlsx")
    before = dict(SchoolContext.objects.values_list("pk", "students"))
    run_import(_context_with(directory, tmp_path, 5000))
    changed = ImportBatch.objects.latest("pk")
    assert changed.changed == 36
    assert set(SchoolContext.objects.values_list("students", flat=True)) == {5000}
    import_rollback(batch=changed, by=None)
    assert dict(SchoolContext.objects.values_list("pk", "students")) == before
    assert ImportBatch.objects.get(pk=changed.pk).status == ImportStatus.ROLLED_BACK


def test_rollback_refused_when_a_later_import_changed_the_same_rows(db, demo_files, tmp_path):
    _region, directory = demo_files
    run_import(directory / "01_schools.xlsx", "--region", REGION)
    run_import(directory / "02_context.xlsx")
    first = ImportBatch.objects.latest("pk")
    run_import(_context_with(directory, tmp_path, 5000))
    verdict = rollback_check(first)
    assert not verdict.allowed
    assert "context-5000.csv" in verdict.reason
    with pytest.raises(ImportRefused):
        import_rollback(batch=first, by=None)


def test_rollback_of_a_registry_with_data_built_on_it_is_refused(db, demo_files):
    _region, directory = demo_files
    run_import(directory / "01_schools.xlsx", "--region", REGION)
    registry = ImportBatch.objects.latest("pk")
    run_import(directory / "02_context.xlsx")
    assert not rollback_check(registry).allowed


def test_student_results_rollback_removes_rows_and_school_figures(db, demo_files):
    _region, directory = demo_files
    run_import(directory / "01_schools.xlsx", "--region", REGION)
    path = sorted(directory.glob("04_student_results_*.csv"))[-1]
    run_import(path)
    batch = ImportBatch.objects.latest("pk")
    assert StudentResult.objects.count() == batch.added > 0
    assert SchoolResult.objects.count() > 0
    import_rollback(batch=batch, by=None)
    assert StudentResult.objects.count() == 0
    assert SchoolResult.objects.count() == 0


@pytest.mark.parametrize(
    "form_key", ["schools", "context", "results", "student-results", "outcomes", "teachers"]
)
def test_every_form_exports_and_imports_back_unchanged(form_key, client, db, demo_files, django_user_model):
    _region, directory = demo_files
    import_all(directory)
    admin = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(admin)
    exported = client.get(reverse("intake:form_export", args=[form_key]))
    assert exported.status_code == 200
    region = Region.objects.get()
    batch = import_upload(
        region=region, file_name=f"{form_key}.xlsx", content=exported.content, form_key=None, by=None
    )
    batch = import_check(batch=batch)
    assert batch.form_key == form_key
    assert (batch.status, batch.added, batch.changed) == (ImportStatus.READY, 0, 0)
    assert batch.unchanged == batch.rows > 0


def test_web_upload_checks_previews_and_applies(client, world):
    client.force_login(world.users["coordinator"])
    content = "Код ОО;Учебный год;Обучающихся;С ОВЗ\n010001;2025/2026;320;14\n010002;2026/2027;150;3\n"
    upload = io.BytesIO(content.encode("cp1251"))
    upload.name = "контингент.csv"
    response = client.post(reverse("intake:imports"), {"file": upload, "form_key": ""})
    batch = ImportBatch.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:import", args=[batch.pk])
    assert (batch.status, batch.form_key, batch.added, batch.changed) == (ImportStatus.READY, "context", 1, 1)
    page = client.get(response["Location"]).content.decode()
    assert "Обучающихся" in page and "300" in page and "320" in page
    client.post(reverse("intake:import_apply", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    assert SchoolContext.objects.get(school=world.school, year__end_year=2026).students == 320
    assert SchoolContext.objects.get(school=world.sibling, year__end_year=2027).students == 150


def test_coordinator_cannot_load_rows_of_another_municipality(client, world):
    client.force_login(world.users["coordinator"])
    content = "Код ОО;Учебный год;Обучающихся\n020001;2025/2026;999\n"
    upload = io.BytesIO(content.encode("utf-8"))
    upload.name = "чужие.csv"
    client.post(reverse("intake:imports"), {"file": upload, "form_key": "context"})
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == ImportStatus.INVALID
    assert "020001" in batch.report["errors"][0]
    assert SchoolContext.objects.get(school=world.neighbour_school, year__end_year=2026).students == 300


def test_coordinator_cannot_move_a_school_into_the_registry_of_another_municipality(client, world):
    client.force_login(world.users["coordinator"])
    content = "Код ОО;Наименование;Муниципалитет\n010009;МБОУ СОШ № 9;Озёрный район\n"
    upload = io.BytesIO(content.encode("utf-8"))
    upload.name = "реестр.csv"
    client.post(reverse("intake:imports"), {"file": upload, "form_key": "schools"})
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == ImportStatus.INVALID
    assert "Заречный район" in batch.report["errors"][0]
    assert not School.objects.filter(code="010009").exists()


def test_apply_twice_is_refused(world):
    region = world.region
    content = "Код ОО;Учебный год;Обучающихся\n010001;2025/2026;301\n".encode()
    batch = import_check(
        batch=import_upload(region=region, file_name="a.csv", content=content, form_key=None, by=None)
    )
    import_apply(batch=batch, by=None)
    with pytest.raises(ImportRefused, match="нельзя применить"):
        import_apply(batch=batch, by=None)


def test_results_aggregated_from_students_without_some_journal_marks_export_and_import_back(
    client, db, demo_files, django_user_model
):
    _region, directory = demo_files
    run_import(directory / "01_schools.xlsx", "--region", REGION)
    students = sorted(directory.glob("04_student_results_*.csv"))[-1]
    frame = pl.read_csv(students, separator=";", infer_schema=False)
    vpr = frame["Процедура"] == "ВПР"
    first_vpr = int(vpr.arg_true()[0])
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == first_vpr).then(None).otherwise(pl.col("Отметка по журналу")).alias(
            "Отметка по журналу"
        )
    )
    edited = directory.parent / "students_without_a_journal_mark.csv"
    frame.write_csv(edited, separator=";")
    run_import(edited)
    short = [
        row
        for row in SchoolResult.objects.filter(procedure="ВПР")
        if row.lowered + row.confirmed + row.raised == row.participants - 1
    ]
    assert len(short) == 1

    admin = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(admin)
    exported = client.get(reverse("intake:form_export", args=["results"]))
    batch = import_upload(
        region=Region.objects.get(), file_name="results.xlsx", content=exported.content, form_key=None, by=None
    )
    batch = import_check(batch=batch)
    assert (batch.status, batch.added, batch.changed) == (ImportStatus.READY, 0, 0)
    assert batch.report["warning_count"] == 1
    assert "нет отметки по журналу" in batch.report["warnings"][0]


def test_rollback_restores_changed_school_results(db, demo_files, tmp_path):
    region, directory = demo_files
    run_import(directory / "01_schools.xlsx", "--region", REGION)
    run_import(directory / "03_results.xlsx")
    before = dict(SchoolResult.objects.values_list("pk", "mean_score"))
    changed_rows = region.results.filter(pl.col("Средний балл").is_not_null()).head(5)
    changed_rows = changed_rows.with_columns((pl.col("Средний балл") + 1).alias("Средний балл"))
    path = tmp_path / "results-changed.csv"
    changed_rows.write_csv(path, separator=";")
    run_import(path)
    batch = ImportBatch.objects.latest("pk")
    assert batch.changed == 5
    assert dict(SchoolResult.objects.values_list("pk", "mean_score")) != before
    import_rollback(batch=batch, by=None)
    assert dict(SchoolResult.objects.values_list("pk", "mean_score")) == before


def test_an_export_beyond_a_sheet_of_excel_comes_as_csv_that_imports_back(
    client, db, demo_files, django_user_model, monkeypatch
):
    _region, directory = demo_files
    import_all(directory)
    monkeypatch.setattr("opora.intake.views.EXCEL_DATA_ROWS", 10)  # a sheet of Excel holds 1 048 575
    admin = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(admin)
    exported = client.get(reverse("intake:form_export", args=["results"]))
    assert exported["Content-Type"] == "text/csv; charset=utf-8"
    assert ".csv" in exported["Content-Disposition"]
    batch = import_upload(
        region=Region.objects.get(), file_name="results.csv", content=exported.content, form_key=None, by=None
    )
    batch = import_check(batch=batch)
    assert (batch.form_key, batch.status, batch.added, batch.changed) == ("results", ImportStatus.READY, 0, 0)
    assert batch.unchanged == SchoolResult.objects.count()
