"""A school team sees the approved order and its own line only: on the page and in both downloads."""

import dataclasses
import io

import docx
import openpyxl
from django.urls import reverse

from opora.identification.models import ApprovedListEntry, RunSchool
from opora.identification.services import run_approve
from tests.conftest import ORDER


def approve_region_list(world):
    """A regional list with every school of the run in it (all of them ШНОР)."""
    RunSchool.objects.filter(run=world.run).update(low_results=True)
    return run_approve(
        run=world.run,
        municipality=None,
        order=dataclasses.replace(ORDER, number="7-од", authority="Министерство образования"),
        by=world.users["region_admin"],
    )


def appendix_codes(content: bytes) -> set[str]:
    (table,) = docx.Document(io.BytesIO(content)).tables
    return {row.cells[1].text for row in table.rows[1:]}


def sheet_codes(content: bytes) -> set[str]:
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(min_row=4, values_only=True))
    return {row[1] for row in rows if row[1]}


def test_school_team_sees_only_its_own_line(world, client):
    approved = approve_region_list(world)
    assert ApprovedListEntry.objects.filter(approved_list=approved).count() == 3
    own = world.school.code
    client.force_login(world.users["school_team"])

    page = client.get(reverse("identification:list", args=[approved.pk]))
    word = client.get(reverse("identification:list_docx", args=[approved.pk]))
    excel = client.get(reverse("identification:list_xlsx", args=[approved.pk]))

    assert [row["code"] for row in page.context["rows"]] == [own]
    assert world.sibling.code not in page.content.decode()
    assert appendix_codes(word.content) == {own}
    assert sheet_codes(excel.content) == {own}


def test_region_administrator_sees_every_line(world, client):
    approved = approve_region_list(world)
    client.force_login(world.users["region_admin"])
    excel = client.get(reverse("identification:list_xlsx", args=[approved.pk]))
    assert sheet_codes(excel.content) == {world.school.code, world.sibling.code, world.neighbour_school.code}


def test_school_not_in_the_list_sees_the_order_and_no_line(world, client):
    client.force_login(world.users["school_team"])
    # The coordinator's list holds the run's first school only; make the team's school another one.
    ApprovedListEntry.objects.filter(approved_list=world.approved_list).update(school=world.sibling)
    page = client.get(reverse("identification:list", args=[world.approved_list.pk]))
    assert page.status_code == 200
    assert page.context["rows"] == []
    assert "Вашей школы в перечне нет." in page.content.decode()


def test_a_school_with_an_unknown_flag_is_listed_only_by_a_decision(world, client):
    line = world.run.schools.get(code=world.sibling.code)
    line.low_results = None
    line.unfavourable = None
    line.unknown_reasons = {"low_results": "нет результатов ни за один год окна"}
    line.save()
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("identification:approve", args=[world.run.pk])).content.decode()
    assert "Школы без данных для решения" in page
    assert "нет результатов ни за один год окна" in page
    approved = run_approve(run=world.run, municipality=world.municipality, order=ORDER, by=world.users["coordinator"])
    assert not approved.entries.filter(code=world.sibling.code).exists()
