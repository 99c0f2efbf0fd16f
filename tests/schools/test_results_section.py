import io
import re

import openpyxl
import pytest
from django.urls import reverse

from opora.results.models import Procedure
from tests.factories import SchoolResultFactory, SchoolYearFactory


@pytest.fixture
def results(world):
    for end_year, (n2, n3, n4, n5) in ((2025, (2, 8, 7, 3)), (2026, (1, 5, 10, 4))):
        year = SchoolYearFactory(end_year=end_year)
        for grade in (5, 6):
            SchoolResultFactory(
                school=world.school,
                year=year,
                grade=grade,
                subject="Математика",
                participants=20,
                marks_2=n2,
                marks_3=n3,
                marks_4=n4,
                marks_5=n5,
                lowered=4,
                confirmed=14,
                raised=2,
            )
        SchoolResultFactory(
            school=world.school,
            year=year,
            procedure=Procedure.EGE,
            grade=11,
            subject="Русский язык",
            participants=8,
            marks_2=None,
            marks_3=None,
            marks_4=None,
            marks_5=None,
            mean_score=61.5,
            below_threshold=1,
        )


def test_card_shows_results_summed_over_grades_with_charts(client, world, results):
    client.force_login(world.users["curator"])
    response = client.get(reverse("schools:detail", args=[world.school.code]))
    page = response.content.decode()
    tabs = re.findall(r'hx-target="#results-section" hx-swap="outerHTML"( aria-current="true")?>([^<]+)</a>', page)
    assert tabs == [(' aria-current="true"', "ВПР"), ("", "ЕГЭ")]
    maths = re.findall(
        r'<tr><th scope="row">Математика</th><td>(\d+/\d+)</td><td class="num">(\d+)</td>\s*<td class="num">(\d+)</td>',
        page,
    )
    assert maths == [("2024/2025", "40", "4"), ("2025/2026", "40", "2")]
    assert page.count("<svg") == 2
    assert "70,0\u00a0%" in page  # КО 2026
    # the pointer on a point or a bar names it
    assert "<title>Математика, 2025/26: КО 70,0\u00a0%</title>" in page
    assert "<title>Математика, 2025/26: «4» — 50,0\u00a0%</title>" in page


def test_tab_switch_returns_only_the_section(client, world, results):
    client.force_login(world.users["curator"])
    response = client.get(
        reverse("schools:detail", args=[world.school.code]),
        {"procedure": "ЕГЭ"},
        headers={"HX-Request": "true", "HX-Target": "results-section"},
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="results-section"')
    assert "Средний тестовый балл" in page
    assert "61,5" in page
    assert "12,5\u00a0%" in page  # 1 of 8 below the threshold


def test_results_export_lists_indicators_per_grade(client, world, results):
    client.force_login(world.users["school_team"])
    response = client.get(reverse("schools:results_export", args=[world.school.code]))
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:6] == ("Учебный год", "Процедура", "Класс", "Предмет", "Участников", "УО, %")
    assert len(rows) == 1 + 6
    first = rows[1]
    assert first[:6] == ("2024/2025", "ВПР", 5, "Математика", 20, 90.0)


def test_card_without_results_says_so(client, world):
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("schools:detail", args=[world.sibling.code])).content.decode()
    assert "Результаты оценочных процедур по этой школе не загружены." in page


def test_the_shares_chart_tells_uo_from_ko_by_colour_and_mark():
    import polars as pl

    from opora.results.charts import SHARE_STYLES, shares_by_year

    summary = pl.DataFrame(
        {
            "subject": ["Математика", "Математика"],
            "year": [2025, 2026],
            "success_share": [0.9, 0.8],
            "quality_share": [0.5, 0.4],
        }
    )
    svg = shares_by_year(summary, title="ВПР")
    assert SHARE_STYLES["УО"][0] != SHARE_STYLES["КО"][0] and SHARE_STYLES["УО"][1] != SHARE_STYLES["КО"][1]
    for colour, _shape, _dash in SHARE_STYLES.values():
        assert f'fill="{colour}"' in svg  # the legend and the points carry each indicator's colour
