"""«Полнота данных»: per municipality, the schools lacking each kind of data, paged, and the export."""

import io

import openpyxl
import pytest
from django.urls import reverse

from opora.accounts.models import User
from opora.demo.generator import generate_region
from opora.demo.services import demo_region_load
from opora.schools.models import School


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
