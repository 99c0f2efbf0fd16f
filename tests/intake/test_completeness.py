"""«Полнота данных»: per municipality, the schools lacking each kind of data, paged, and the export."""

import io

import openpyxl
import pytest
from django.urls import reverse

from opora.accounts.models import User
from opora.demo.generator import generate_region
from opora.demo.services import demo_region_load
from opora.intake.queries import COMPLETENESS_COLUMNS, completeness
from opora.results.models import SchoolResult
from opora.schools.models import School, SchoolType, SchoolYear


@pytest.fixture(scope="module")
def region_data():
    return generate_region(seed=3, n_schools=120, with_students=False)


@pytest.fixture
def region(db, region_data):
    return demo_region_load(region_data=region_data)


def test_every_school_without_participants_results_is_listed_a_hundred_a_page(region, client):
    client.force_login(User.objects.get(username="region_admin"))
    first = client.get(reverse("intake:completeness"))
    gaps = first.context["gaps"]
    assert gaps.paginator.count == School.objects.active().count() == 120
    assert len(gaps.object_list) == 100
    assert all("Результаты участников" in row.missing for row in gaps.object_list)
    second = client.get(reverse("intake:completeness"), {"page": 2})
    assert len(second.context["gaps"].object_list) == 20
    assert "Страница 2 из 2" in second.content.decode()

    exported = client.get(reverse("intake:completeness_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    assert sheet.max_row - 1 == 120


def test_a_coordinator_sees_only_the_schools_of_the_municipality(region, client):
    coordinator = User.objects.get(username="coordinator")
    client.force_login(coordinator)
    response = client.get(reverse("intake:completeness"))
    assert [row.name for row in response.context["summary"]] == [coordinator.municipality.name]
    listed = {row.school.municipality_id for row in response.context["gaps"].object_list}
    assert listed == {coordinator.municipality_id}


def test_expected_gaps_are_not_gaps(world, client):
    # Given a НОШ, and a СОШ whose results show no 11th grade
    year = SchoolYear.objects.get(end_year=2026)
    School.objects.filter(pk=world.school.pk).update(school_type=SchoolType.PRIMARY)
    School.objects.filter(pk=world.sibling.pk).update(school_type=SchoolType.SECONDARY)
    SchoolResult.objects.create(
        school=world.sibling,
        year=year,
        procedure="ОГЭ",
        grade=9,
        subject="Математика",
        participants=10,
        marks_2=1,
        marks_3=4,
        marks_4=4,
        marks_5=1,
    )

    # When completeness is computed
    _summary, rows = completeness(world.users["coordinator"], year)
    by_code = {row.school.code: row for row in rows}

    # Then the НОШ misses no ОГЭ or ЕГЭ, and the СОШ without an 11th grade misses no ЕГЭ
    primary, secondary = by_code[world.school.code], by_code[world.sibling.code]
    assert "ОГЭ" not in primary.missing and "ЕГЭ" not in primary.missing and "ВПР" in primary.missing
    assert primary.state("ege") == "не ожидается"
    assert "ЕГЭ" not in secondary.missing and "ОГЭ" not in secondary.missing
    assert {title for _key, title in COMPLETENESS_COLUMNS} >= set(primary.missing)
    client.force_login(world.users["coordinator"])
    assert "не ожидается" in client.get(reverse("intake:completeness")).content.decode()
