"""Shared fixtures: a small world of two regions and a persona for every role.

For each role there is a user who may see a school and one who must not.
"""

import datetime
from dataclasses import dataclass

import polars as pl
import pytest
from django.core.cache import cache

import opora.core.tasks
from opora.accounts.models import Role, User
from opora.identification.models import ApprovedList, IdentificationRun, Methodology, RunSchool, RunStatus
from opora.identification.services import Order, region_methodology, run_approve
from opora.intake.models import ImportBatch, ImportStatus
from opora.intake.processing import problems_path
from opora.schools.models import Locality, Municipality, Region, School, SchoolType
from tests.factories import (
    MunicipalityFactory,
    RegionFactory,
    SchoolContextFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
    YearOutcomeFactory,
)


class _CommitAtOnce:
    """Stands for ``django.db.transaction`` in ``opora.core.tasks``: a test's transaction never commits."""

    @staticmethod
    def on_commit(callback, using=None, robust=False):
        callback()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path, monkeypatch):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "uploads"
    # Background tasks run at once, inside the test (the worker has its own test), and a service's
    # task is enqueued at once rather than after a commit (tests/core/test_tasks.py checks the real way).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr(opora.core.tasks, "transaction", _CommitAtOnce)
    # Rolled-back tests reuse primary keys: nothing cached may outlive its test.
    cache.clear()


@dataclass
class World:
    region: Region
    other_region: Region
    municipality: Municipality
    neighbour: Municipality
    far_municipality: Municipality
    school: School  # in the municipality; curated; the school team's own school
    sibling: School  # in the municipality, not curated
    neighbour_school: School  # another municipality of the region
    far_school: School  # another region
    users: dict[str, User]
    coordinator_batch: ImportBatch  # an import by the coordinator, with errors
    far_batch: ImportBatch  # an import in the other region
    run: IdentificationRun  # a finished identification of the region
    far_run: IdentificationRun  # of the other region
    approved_list: ApprovedList  # the coordinator's municipality list, approved from ``run``


ORDER = Order(
    number="15-од",
    date=datetime.date(2026, 11, 20),
    authority="Управление образования",
    signatory_position="Начальник управления образования",
    signatory_name="И. П. Сидорова",
)
"""An order a test approves a list with (for the run of 2025/2026: the list for 2026/2027)."""

PERSONAS = (
    "superuser",
    "region_admin",
    "coordinator",
    "curator",
    "school_team",
    "observer",
    "other_region_admin",
)


@pytest.fixture
def world(db) -> World:
    region = RegionFactory(name="Тестовая область")
    other_region = RegionFactory(name="Соседняя область")
    municipality = MunicipalityFactory(region=region, name="Заречный район")
    neighbour = MunicipalityFactory(region=region, name="Озёрный район")
    far_municipality = MunicipalityFactory(region=other_region, name="Дальний район")
    school = SchoolFactory(
        municipality=municipality,
        code="010001",
        short_name="МБОУ ООШ с. Берёзовка",
        school_type=SchoolType.BASIC,
        locality=Locality.RURAL,
    )
    sibling = SchoolFactory(municipality=municipality, code="010002", short_name="МБОУ СОШ № 2")
    neighbour_school = SchoolFactory(
        municipality=neighbour,
        code="020001",
        short_name="МБОУ Гимназия № 1",
        school_type=SchoolType.GYMNASIUM,
    )
    far_school = SchoolFactory(municipality=far_municipality, code="990001", short_name="МБОУ СОШ далеко")
    for end_year in (2025, 2026):
        year = SchoolYearFactory(end_year=end_year)
        for item in (school, sibling, neighbour_school, far_school):
            SchoolContextFactory(school=item, year=year)
            YearOutcomeFactory(school=item, year=year)

    users = {
        "superuser": UserFactory(username="root", is_superuser=True, is_staff=True),
        "region_admin": UserFactory(username="region_admin", role=Role.REGION_ADMIN, region=region),
        "coordinator": UserFactory(
            username="coordinator", role=Role.MUNICIPAL_COORDINATOR, region=region, municipality=municipality
        ),
        "curator": UserFactory(username="curator", role=Role.CURATOR, region=region),
        "school_team": UserFactory(
            username="school_team",
            role=Role.SCHOOL_TEAM,
            region=region,
            municipality=municipality,
            school=school,
        ),
        "observer": UserFactory(username="observer", role=Role.OBSERVER, region=region),
        "other_region_admin": UserFactory(username="other_region_admin", role=Role.REGION_ADMIN, region=other_region),
    }
    users["curator"].curated_schools.set([school])
    coordinator_batch = ImportBatch.objects.create(
        region=region,
        file_name="контекст.xlsx",
        file="imports/test/context.xlsx",
        checksum="0" * 64,
        size=10,
        created_by=users["coordinator"],
        status=ImportStatus.INVALID,
        form_key="context",
    )
    far_batch = ImportBatch.objects.create(
        region=other_region,
        file_name="реестр.csv",
        file="imports/test/schools.csv",
        checksum="1" * 64,
        size=10,
        created_by=users["other_region_admin"],
        status=ImportStatus.INVALID,
        form_key="schools",
    )
    for batch in (coordinator_batch, far_batch):  # each has a list of problems to download
        path = problems_path(batch)
        path.parent.mkdir(parents=True, exist_ok=True)
        pl.DataFrame(
            {"level": ["error"], "sheet": [None], "row": [2], "column": ["Код ОО"], "value": ["1"], "message": ["x"]},
            schema={"level": pl.String, "sheet": pl.String, "row": pl.Int64, "column": pl.String,
                    "value": pl.String, "message": pl.String},
        ).write_parquet(path)
    for item in (region, other_region):  # each region's methodology approved by its own document
        Methodology.objects.filter(region=item).update(
            basis_title="приказ министерства образования «Об утверждении методики выявления ШНОР и ШНСУ»",
            basis_number="314",
            basis_date=datetime.date(2026, 9, 1),
        )
    runs = {}
    for key, run_region, members in (
        ("run", region, (school, sibling, neighbour_school)),
        ("far_run", other_region, (far_school,)),
    ):
        run = IdentificationRun.objects.create(
            region=run_region,
            year=SchoolYearFactory(end_year=2026),
            methodology=region_methodology(run_region),
            status=RunStatus.DONE,
            summary={"schools": len(members), "counts": {}},
        )
        for index, member in enumerate(members):
            RunSchool.objects.create(
                run=run,
                school=member,
                code=member.code,
                name=member.name,
                municipality=member.municipality.name,
                results_index=-1.0 + index,
                results_index_lower=-1.3 + index,
                results_index_upper=-0.7 + index,
                wellbeing_index=-0.5 + index,
                value_added=-0.4,
                cluster=1,
                low_results=index == 0,
                low_results_cause="внутришкольные" if index == 0 else "",
                unfavourable=index == 0,
                years_in_bottom=3 if index == 0 else 0,
                explanation="Пояснение для проверки.",
            )
        runs[key] = run
    approved_list = run_approve(
        run=runs["run"],
        municipality=municipality,
        order=ORDER,
        by=users["coordinator"],
    )
    return World(
        region=region,
        other_region=other_region,
        municipality=municipality,
        neighbour=neighbour,
        far_municipality=far_municipality,
        school=school,
        sibling=sibling,
        neighbour_school=neighbour_school,
        far_school=far_school,
        users=users,
        coordinator_batch=coordinator_batch,
        far_batch=far_batch,
        run=runs["run"],
        far_run=runs["far_run"],
        approved_list=approved_list,
    )
