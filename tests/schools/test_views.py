import io

import openpyxl
import pytest
from django.urls import reverse

from opora.schools.models import Locality, SchoolType
from tests.factories import SchoolContextFactory, SchoolFactory, SchoolYearFactory


@pytest.fixture
def coordinator_client(client, world):
    client.force_login(world.users["coordinator"])
    return client


def listed_codes(response) -> list[str]:
    return [school.code for school in response.context["page"].object_list]


def test_list_shows_only_schools_in_scope(coordinator_client):
    response = coordinator_client.get(reverse("schools:list"))
    assert listed_codes(response) == ["010001", "010002"]


def test_list_filters_by_search_type_and_locality(coordinator_client):
    url = reverse("schools:list")
    assert listed_codes(coordinator_client.get(url, {"q": "берёзовка"})) == ["010001"]
    assert listed_codes(coordinator_client.get(url, {"q": "ООШ БЕРЕЗОВКА"})) == ["010001"]
    assert listed_codes(coordinator_client.get(url, {"q": "0100"})) == ["010001", "010002"]
    assert listed_codes(coordinator_client.get(url, {"school_type": SchoolType.BASIC})) == ["010001"]
    assert listed_codes(coordinator_client.get(url, {"locality": Locality.URBAN})) == ["010002"]


def test_filter_by_municipality_outside_scope_is_ignored(client, world):
    client.force_login(world.users["coordinator"])
    response = client.get(reverse("schools:list"), {"municipality": world.far_municipality.pk})
    assert listed_codes(response) == ["010001", "010002"]
    assert "municipality" in response.context["form"].errors


def test_list_sorts_by_students_both_ways(coordinator_client, world):
    year = SchoolYearFactory(end_year=2027)
    SchoolContextFactory(school=world.school, year=year, students=40)
    SchoolContextFactory(school=world.sibling, year=year, students=900)
    url = reverse("schools:list")
    assert listed_codes(coordinator_client.get(url, {"sort": "students"})) == ["010001", "010002"]
    assert listed_codes(coordinator_client.get(url, {"sort": "-students"})) == ["010002", "010001"]


def test_htmx_request_gets_only_the_table(coordinator_client):
    response = coordinator_client.get(reverse("schools:list"), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results">')
    assert "<html" not in page


def test_inactive_schools_hidden_unless_asked(coordinator_client, world):
    world.sibling.is_active = False
    world.sibling.save()
    url = reverse("schools:list")
    assert listed_codes(coordinator_client.get(url)) == ["010001"]
    assert listed_codes(coordinator_client.get(url, {"inactive": "on"})) == ["010001", "010002"]


def test_export_is_an_excel_file_of_the_filtered_list(coordinator_client):
    response = coordinator_client.get(reverse("schools:list_export"), {"locality": Locality.RURAL})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Код ОО", "Наименование", "Краткое наименование", "Муниципалитет")
    assert [row[0] for row in rows[1:]] == ["010001"]


def test_large_numbers_use_russian_format(coordinator_client, world):
    year = SchoolYearFactory(end_year=2027)
    SchoolContextFactory(school=world.sibling, year=year, students=1234)
    response = coordinator_client.get(reverse("schools:list"))
    assert "1\u00a0234" in response.content.decode()


def test_card_shows_context_over_years_with_shares(coordinator_client, world):
    response = coordinator_client.get(reverse("schools:detail", args=[world.school.code]))
    page = response.content.decode()
    assert "2024/2025" in page and "2025/2026" in page
    assert "С ОВЗ" in page
    assert "(4,0\u00a0%)" in page  # 12 of 300 students


def test_card_pages_are_paginated(client, world):
    for number in range(60):
        SchoolFactory(municipality=world.municipality, code=f"01{number + 100:04d}")
    client.force_login(world.users["coordinator"])
    first = client.get(reverse("schools:list"))
    second = client.get(reverse("schools:list"), {"page": 2})
    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 12


def test_card_shows_the_school_in_the_latest_run(coordinator_client, world):
    page = coordinator_client.get(reverse("schools:detail", args=[world.school.code])).content.decode()
    assert "Выявление на 2025/2026 учебный год" in page
    assert "Пояснение для проверки." in page
    assert reverse("identification:school", args=[world.run.pk, world.school.code]) in page
