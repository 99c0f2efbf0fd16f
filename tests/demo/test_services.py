from io import StringIO
from pathlib import Path

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from opora.accounts.models import Role, User
from opora.demo.generator import generate_region
from opora.demo.services import DEMO_PASSWORD, DemoAlreadyLoaded, demo_region_load
from opora.intake.models import ImportBatch, ImportStatus
from opora.results.models import SchoolResult, StudentResult, YearOutcome
from opora.schools.models import Municipality, School, SchoolContext, SchoolYear
from opora.support.models import Teacher


@pytest.fixture(scope="module")
def small_region():
    return generate_region(seed=5, n_schools=20, with_students=False)


def test_load_stores_every_row_of_the_region(db, small_region):
    report = demo_region_load(region_data=small_region)
    assert report.schools == School.objects.count() == small_region.schools.height
    assert SchoolContext.objects.count() == small_region.context.height
    assert SchoolResult.objects.count() == small_region.results.height
    assert YearOutcome.objects.count() == small_region.outcomes.height
    assert Municipality.objects.count() == small_region.schools["Муниципалитет"].n_unique()
    assert sorted(SchoolYear.objects.values_list("end_year", flat=True)) == [2024, 2025, 2026]


def test_loaded_figures_equal_the_generated_ones(db, small_region):
    demo_region_load(region_data=small_region)
    first = small_region.context.row(0, named=True)
    stored = SchoolContext.objects.get(
        school__code=first["Код ОО"], year__end_year=int(first["Учебный год"][-4:])
    )
    assert stored.students == first["Обучающихся"]
    assert stored.students_low_income == first["Из малообеспеченных семей"]
    total_participants = sum(SchoolResult.objects.values_list("participants", flat=True))
    assert total_participants == small_region.results["Участников"].sum()


def test_one_user_per_role_with_the_demo_password(db, small_region):
    report = demo_region_load(region_data=small_region)
    roles = {user.role for user in User.objects.filter(is_superuser=False)}
    assert roles == set(Role)
    assert {username for username, _ in report.users} == {
        "region_admin",
        "coordinator",
        "curator",
        "school",
        "observer",
        "admin",
    }
    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD)
    school_user = User.objects.get(username="school")
    curator = User.objects.get(username="curator")
    coordinator = User.objects.get(username="coordinator")
    assert school_user.school in curator.curated_schools.all()
    assert school_user.school.municipality == coordinator.municipality
    assert all(s.municipality == coordinator.municipality for s in curator.curated_schools.all())


def test_loading_twice_is_refused_and_changes_nothing(db, small_region):
    demo_region_load(region_data=small_region)
    with pytest.raises(DemoAlreadyLoaded):
        demo_region_load(region_data=small_region)
    assert School.objects.count() == small_region.schools.height


def test_command_loads_once_with_if_empty(db, tmp_path: Path, settings):
    settings.VAR_DIR = tmp_path
    output = StringIO()
    call_command("demo", "--schools", "12", "--seed", "3", stdout=output)
    assert "coordinator" in output.getvalue()
    assert (tmp_path / "demo_hidden_truth.csv").exists()
    count = School.objects.count()
    second = StringIO()
    call_command("demo", "--if-empty", stdout=second)
    assert School.objects.count() == count
    assert "уже есть школы" in second.getvalue()
    assert "region_admin   Региональный администратор" in second.getvalue()
    with pytest.raises(CommandError, match="уже загружен"):
        call_command("demo", "--schools", "12", "--seed", "3", stdout=StringIO())


def test_command_exports_files_without_touching_the_database(db, tmp_path: Path):
    call_command("demo", "--schools", "12", "--export", str(tmp_path), stdout=StringIO())
    assert School.objects.count() == 0
    names = {path.name for path in tmp_path.iterdir()}
    assert {
        "01_schools.xlsx",
        "02_context.xlsx",
        "03_results.xlsx",
        "05_outcomes.xlsx",
        "08_teachers.xlsx",
    } <= names
    assert "hidden_truth.csv" in names
    truth = pl.read_csv(tmp_path / "hidden_truth.csv")
    assert truth.height == 12


def test_the_demo_holds_teachers_and_participants_results_imported_as_a_file(db):
    region = generate_region(seed=6, n_schools=8)
    report = demo_region_load(region_data=region)
    assert report.teachers == Teacher.objects.count() == region.teachers.height
    assert report.student_results == StudentResult.objects.count() == region.student_results.height
    batch = ImportBatch.objects.get()
    assert (batch.form_key, batch.status, batch.changed) == ("student-results", ImportStatus.APPLIED, 0)


def test_the_demo_begins_the_programs_cycle_through_the_products_services(db, tmp_path: Path, settings):
    from opora.identification.models import ApprovedList, IdentificationRun, RunStatus
    from opora.programs.models import Program, ProgramStatus
    from opora.risks.models import ProfileRun, RiskProfile

    settings.VAR_DIR = tmp_path
    output = StringIO()

    # When the demo is loaded as `make run` loads it
    call_command("demo", "--schools", "40", "--seed", "4", stdout=output)

    # Then the last school year is identified, the coordinator's list approved by an order,
    # every school profiled, and the school team's school has drafts of its antirisk programs
    run = IdentificationRun.objects.get()
    assert (run.status, run.year.end_year) == (RunStatus.DONE, 2026)
    approved = ApprovedList.objects.get()
    coordinator = User.objects.get(role=Role.MUNICIPAL_COORDINATOR)
    assert (approved.run, approved.municipality, approved.year.end_year) == (run, coordinator.municipality, 2027)
    assert approved.approved_by == coordinator
    assert RiskProfile.objects.filter(run=ProfileRun.objects.get()).count() == School.objects.count()
    team = User.objects.get(role=Role.SCHOOL_TEAM)
    drafts = Program.objects.filter(school=team.school)
    assert drafts.exists() and set(drafts.values_list("status", flat=True)) == {ProgramStatus.DRAFT}
    text = output.getvalue()
    assert f"Расчёт выявления № {run.pk} за 2025/2026" in text and "утверждён приказом № 47-од" in text


def test_the_demo_with_data_only_leaves_the_cycle_to_its_users(db, tmp_path: Path, settings):
    from opora.identification.models import IdentificationRun

    settings.VAR_DIR = tmp_path
    call_command("demo", "--schools", "12", "--seed", "3", "--data-only", stdout=StringIO())
    assert School.objects.exists() and not IdentificationRun.objects.exists()
