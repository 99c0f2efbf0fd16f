"""The dashboard of the program's state: figures from one service, charts as images and data, «нет данных»."""

import datetime
import io

import openpyxl
from django.urls import reverse

from opora.effectiveness.dashboard import chart_data, dashboard
from opora.effectiveness.services import SchoolsInView
from opora.programs.models import Activity, Program
from opora.schools.models import School
from opora.support.models import CuratorAssignment, Partnership

YEAR = 2027  # the world's approved list is the list of 2026/2027


def _schools(world):
    return list(School.objects.filter(municipality__region=world.region).select_related("municipality"))


def test_an_empty_year_says_no_data_everywhere(world, client):
    board = dashboard(world.region, 2031, _schools(world))
    assert board.lists.low_results is None and board.coverage.shnor is None
    assert all(value is None for item in chart_data(board) for _label, value in item.rows)
    client.force_login(world.users["region_admin"])
    page = client.get(reverse("effectiveness:dashboard"), {"year": 2031}).content.decode()
    assert page.count("Нет данных") >= 4 and "<svg" not in page  # no chart of nothing


def test_the_page_shows_the_services_figures(world, client):
    CuratorAssignment.objects.create(
        curator=world.users["curator"], school=world.school, starts_on=datetime.date(2026, 9, 1)
    )
    Partnership.objects.create(school=world.school, partner=world.sibling, year=YEAR)
    program = Program.objects.create(
        region=world.region, municipality=world.municipality, kind="roadmap", title="Дорожная карта"
    )
    for status, day in (("done", 10), ("in_progress", 20), ("not_started", 25)):
        Activity.objects.create(program=program, number=str(day), content="Мероприятие", status=status,
                                ends_on=datetime.date(2026, 10, day))  # fmt: skip
    board = dashboard(
        world.region, YEAR, _schools(world), municipality=world.municipality, today=datetime.date(2026, 12, 3)
    )
    assert board.lists.low_results == 1
    assert (board.coverage.curator, board.coverage.partner, board.coverage.courses) == (1, 1, 0)
    assert (board.execution.total, board.execution.done, board.execution.overdue) == (3, 1, 2)
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("effectiveness:dashboard"), {"year": YEAR}).content.decode()
    assert "Мероприятий со сроком в учебном году: 3, выполнено 33,3" in page
    rows = dict(next(item for item in chart_data(board) if item.key == "coverage").rows)
    assert rows["закреплён куратор"] == 100.0 and rows["курсы педагогов"] == 0.0
    data = client.get(reverse("effectiveness:chart_xlsx", args=["coverage"]), {"year": YEAR})
    sheet = openpyxl.load_workbook(io.BytesIO(data.content)).active
    assert [row for row in sheet.iter_rows(values_only=True)][1:3] == [
        ("закреплён куратор", 100),
        ("выезды куратора", 0),
    ]


def test_a_chart_downloads_as_a_png_image(world, client):
    client.force_login(world.users["observer"])
    image = client.get(reverse("effectiveness:chart_png", args=["lists"]), {"year": YEAR})
    assert image["Content-Type"] == "image/png" and image.content.startswith(b"\x89PNG")
    assert client.get(reverse("effectiveness:chart_png", args=["nonsense"])).status_code == 404


def test_the_school_team_sees_its_school(world, client):
    client.force_login(world.users["school_team"])
    page = client.get(reverse("effectiveness:dashboard"), {"year": YEAR}).content.decode()
    assert world.school.display_name in page
    other = client.get(reverse("effectiveness:school_dashboard", args=[world.neighbour_school.code]))
    assert other.status_code == 404


def test_charts_draw_whole_and_fractional_figures_and_unknown_ones():
    from opora.effectiveness.charts import bars, grouped, png, svg

    for rows in ([("a", 1), ("b", 2)], [("a", 33.3), ("b", None)], [("a", None)]):
        chart = bars("Проверка", rows, unit=" %")
        chart.to_dict(validate=True)  # the pages draw without Altair's check: the builder is checked here
        grouped("План и факт", [("2025", "план", 10.5), ("2025", "факт", None)], unit="%").to_dict(validate=True)
        assert svg(chart).startswith("<svg") and png(chart).startswith(b"\x89PNG")


def test_the_documents_download_from_the_pages(world, client):
    import docx

    client.force_login(world.users["coordinator"])
    page = client.get(reverse("effectiveness:dashboard"), {"year": YEAR}).content.decode()
    assert "Отчёт совету руководителей" in page
    for url in (
        reverse("effectiveness:report", args=["council-report"]) + f"?year={YEAR}&half=1",
        reverse("effectiveness:report", args=["effectiveness"]) + f"?year={YEAR}",
        reverse("effectiveness:report", args=["support-list"]) + f"?year={YEAR}",
        reverse("effectiveness:school_note", args=[world.school.code]) + f"?year={YEAR}",
    ):
        answer = client.get(url)
        assert answer["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
        assert "attachment" in answer["Content-Disposition"]
        assert docx.Document(io.BytesIO(answer.content)).paragraphs
    assert client.get(reverse("effectiveness:report", args=["nonsense"])).status_code == 404
    client.force_login(world.users["school_team"])
    assert client.get(reverse("effectiveness:report", args=["council-report"])).status_code == 403
    assert client.get(reverse("effectiveness:school_note", args=[world.school.code])).status_code == 200


def test_the_schools_by_code_count_as_the_full_list_does(world, client, django_assert_max_num_queries):
    """The page reads the codes of every school and builds only the schools it names: same figures."""
    everyone = School.objects.filter(municipality__region=world.region)
    today = datetime.date(2026, 12, 3)
    full = dashboard(world.region, YEAR, _schools(world), today=today)
    lazy = dashboard(world.region, YEAR, SchoolsInView(everyone), today=today)
    assert lazy.lists == full.lists and lazy.coverage == full.coverage
    assert [(row.school.code, row.status) for row in lazy.movement.rows] == [
        (row.school.code, row.status) for row in full.movement.rows
    ]
    assert [(row.school.code, row.categories) for row in lazy.dynamics.rows] == [
        (row.school.code, row.categories) for row in full.dynamics.rows
    ]
    assert lazy.dynamics.listed == full.dynamics.listed and lazy.movement.next_known == full.movement.next_known
    named = [row.school for row in (*lazy.movement.rows, *lazy.dynamics.rows)]
    assert named, "the world has a ШНОР of the year to name"
    with django_assert_max_num_queries(0):  # what the page shows of them is already read
        assert all(school.display_name and school.municipality.name for school in named)
    # the region's user chooses a municipality: only its schools are counted
    client.force_login(world.users["region_admin"])
    chosen = client.get(reverse("effectiveness:dashboard"), {"year": YEAR, "municipality": world.municipality.pk})
    assert chosen.status_code == 200 and chosen.context["board"].municipality == world.municipality
    unknown = client.get(reverse("effectiveness:dashboard"), {"year": YEAR, "municipality": 999999})
    assert unknown.status_code == 200 and unknown.context["board"].municipality is None
