import io
from decimal import Decimal

import openpyxl
import polars as pl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from opora.identification.models import IdentificationRun, RunSchool, RunStatus
from opora.network.partners import partner_matching
from opora.support.models import Partnership, PartnershipStatus
from tests.factories import MunicipalityFactory, RegionFactory, SchoolFactory, SchoolResultFactory, SchoolYearFactory

pytestmark = pytest.mark.django_db


def _line(run, school, *, index, low=False, risk=False, resilient=False, cluster=1):
    return RunSchool.objects.create(
        run=run,
        school=school,
        code=school.code,
        name=school.name,
        municipality=school.municipality.name,
        results_index=index,
        low_results=low,
        objectivity_risk=risk,
        resilient=resilient,
        cluster=cluster,
    )


def _marks(school, year, subject, *, two, five):
    SchoolResultFactory(
        school=school,
        year=year,
        grade=6,
        subject=subject,
        participants=20,
        marks_2=two,
        marks_3=10 - two,
        marks_4=10 - five,
        marks_5=five,
    )


@pytest.fixture
def region():
    region = RegionFactory(name="Область подбора партнёров")
    here, there = MunicipalityFactory(region=region), MunicipalityFactory(region=region)
    data_year = SchoolYearFactory(end_year=2023)
    run = IdentificationRun.objects.create(
        region=region, year=data_year, methodology=region.methodologies.first(), status=RunStatus.DONE
    )
    region.shnor = SchoolFactory(municipality=here, code="900001", latitude=Decimal("55.0"), longitude=Decimal("37.0"))
    region.best = SchoolFactory(municipality=here, code="900002", latitude=Decimal("55.05"), longitude=Decimal("37.0"))
    region.elsewhere = SchoolFactory(municipality=there, code="900003")
    region.risky = SchoolFactory(municipality=here, code="900004")
    region.other_shnor = SchoolFactory(municipality=there, code="900005")
    _line(run, region.shnor, index=-1.0, low=True)
    _line(run, region.best, index=0.3, resilient=True)
    _line(run, region.elsewhere, index=0.9, cluster=2)
    _line(run, region.risky, index=1.2, risk=True)
    _line(run, region.other_shnor, index=-0.8, low=True, cluster=2)
    for school, two, five in (
        (region.shnor, 8, 0),
        (region.best, 0, 9),
        (region.elsewhere, 2, 5),
        (region.risky, 0, 9),
        (region.other_shnor, 6, 1),
    ):
        _marks(school, data_year, "Математика", two=two, five=five)
    region.run = run
    return region


def test_the_known_best_partner_is_assigned_with_its_reasons(region):
    matching = partner_matching(region=region, year=2024, capacity=1)
    assert matching.source.startswith(f"расчёт № {region.run.pk} от ")
    assert matching.source.endswith("(перечень не утверждён)")
    listed = matching.candidates[region.shnor.pk]
    assert listed[0].partner == region.best
    assert "тот же кластер" in listed[0].reasons and "устойчивая школа" in listed[0].reasons
    assert "6 км" in listed[0].reasons
    assert listed[0].reasons[0].startswith("сильные результаты: ВПР математика 6 кл. (+")
    assert listed[0].subjects == ("ВПР математика 6 кл.",)
    risky = next(item for item in listed if item.partner == region.risky)
    assert risky.notes == ("риск необъективности результатов",)
    partners = {pair.school: pair.candidate.partner for pair in matching.assignment if pair.candidate}
    assert partners[region.shnor] == region.best
    assert all(item.partner not in (region.shnor, region.other_shnor) for item in listed)


def test_confirmed_partnerships_count_against_capacity(region):
    Partnership.objects.create(
        school=region.other_shnor, partner=region.best, year=2024, status=PartnershipStatus.CONFIRMED
    )
    matching = partner_matching(region=region, year=2024, capacity=1)
    assert all(item.partner != region.best for item in matching.candidates[region.shnor.pk])
    again = partner_matching(region=region, year=2024, capacity=2)
    best = next(item for item in again.candidates[region.shnor.pk] if item.partner == region.best)
    assert best.load == 1


def test_no_admissible_partner_is_explained(region):
    RunSchool.objects.filter(run=region.run, low_results=False).update(results_index=-2.0)
    pair = next(pair for pair in partner_matching(region=region, year=2024).assignment if pair.school == region.shnor)
    assert pair.candidate is None
    assert pair.explanation.startswith("нет подходящей школы-партнёра: ")


def test_deterministic(region):
    first = partner_matching(region=region, year=2024)
    assert first == partner_matching(region=region, year=2024)


def test_no_run_for_the_year_is_a_clear_message(region):
    with pytest.raises(ValidationError) as error:
        partner_matching(region=region, year=2030)
    assert "2029/2030" in error.value.messages[0]


QUIET = {"stdout": io.StringIO(), "stderr": io.StringIO()}


def test_the_command_writes_one_row_per_shnor(region, tmp_path):
    out = tmp_path / "партнёры.csv"
    call_command("partners", "--year", "2024", "--capacity", "1", "--region", region.name, "--out", str(out), **QUIET)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pl.read_csv(out, separator=";", infer_schema=False)
    assert frame.columns == ["Код ОО", "Школа-партнёр (код)", "Школа-партнёр", "Обоснование"]
    rows = {row[0]: row for row in frame.iter_rows()}
    assert set(rows) == {region.shnor.code, region.other_shnor.code}
    assert rows[region.shnor.code][1:3] == (region.best.code, region.best.name)
    assert "тот же кластер" in rows[region.shnor.code][3] and "км" in rows[region.shnor.code][3]


def test_the_command_writes_xlsx_with_codes_as_text(region, tmp_path):
    out = tmp_path / "партнёры.xlsx"
    call_command("partners", "--year", "2024", "--region", region.name, "--out", str(out), **QUIET)
    sheet = openpyxl.load_workbook(out).active
    assert [cell.value for cell in sheet[1]] == ["Код ОО", "Школа-партнёр (код)", "Школа-партнёр", "Обоснование"]
    assert sheet.max_row == 3
    assert {sheet.cell(row, 1).value for row in (2, 3)} == {region.shnor.code, region.other_shnor.code}


def test_the_command_refuses_bad_input_in_russian(region, tmp_path):
    with pytest.raises(CommandError, match=r"должен быть \.csv или \.xlsx"):
        call_command("partners", "--year", "2024", "--out", str(tmp_path / "a.txt"), **QUIET)
    with pytest.raises(CommandError, match="2029/2030"):
        call_command("partners", "--year", "2030", "--region", region.name, "--out", str(tmp_path / "a.csv"), **QUIET)
