"""Effectiveness: dynamics of the ШНОР, movement on the list, effect of the program, the council's decisions."""

import datetime

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from opora.effectiveness.models import DecisionStatus
from opora.effectiveness.services import (
    decision_add,
    decision_update,
    decisions_due,
    dynamics,
    effect,
    meeting_save,
    movement,
)
from opora.identification.models import ApprovedList, IdentificationRun, RunSchool, RunStatus
from opora.schools.models import School
from opora.support.models import Partnership
from tests.factories import SchoolFactory, SchoolYearFactory

N_SCHOOLS = 60


def _region(world, effect_size: float, seed: int = 0):
    """Two finished runs over 60 schools of the world's municipality: the run on 2024/2025 made the list
    of 2025/2026 (the 12 lowest are ШНОР), the run on 2025/2026 gives the year's raw index."""
    rng = np.random.default_rng(seed)
    schools = [world.school, world.sibling] + [
        SchoolFactory(municipality=world.municipality, code=f"01{index:04d}") for index in range(10, 10 + N_SCHOOLS - 2)
    ]
    level = np.sort(rng.normal(0.0, 1.0, N_SCHOOLS))
    supported = np.arange(N_SCHOOLS) < 12
    after = level + rng.normal(0.0, 0.05, N_SCHOOLS) + effect_size * supported
    runs = {}
    for end_year in (2025, 2026):
        runs[end_year] = IdentificationRun.objects.create(
            region=world.region,
            year=SchoolYearFactory(end_year=end_year),
            methodology=world.run.methodology,
            status=RunStatus.DONE,
        )
    # (the world's own run on 2025/2026 is older: the latest finished run is this one)
    for i, school in enumerate(schools):
        common = {"school": school, "code": school.code, "name": school.name, "municipality": school.municipality.name}
        RunSchool.objects.create(
            run=runs[2025], results_index=level[i], cluster=1, low_results=bool(supported[i]), **common
        )
        yearly = [
            {"year": 2025, "raw_index": level[i], "raw_variance": 0.0025},
            {"year": 2026, "raw_index": after[i], "raw_variance": 0.0025},
        ]
        RunSchool.objects.create(
            run=runs[2026],
            results_index=after[i],
            cluster=1,
            low_results=bool(supported[i]),
            exited_list=False,
            details={"yearly": yearly},
            **common,
        )
    return schools, supported


def _visible(world):
    return list(School.objects.filter(municipality__region=world.region).select_related("municipality"))


def test_supported_schools_that_rose_more_than_similar_ones_show_a_positive_effect(world):
    _region(world, 0.6)
    found = effect(world.region, 2026, _visible(world))
    assert found.result.overall.verdict == "positive"
    assert found.result.overall.effect == pytest.approx(0.6, abs=0.15)
    assert "расчёту" in found.source and "не утверждён" in found.source


def test_no_rise_beyond_the_similar_schools_is_no_effect(world):
    _region(world, 0.0)
    assert effect(world.region, 2026, _visible(world)).result.overall.verdict == "none"


def test_by_kind_of_support_with_few_schools_it_is_insufficient_data(world):
    schools, _supported = _region(world, 0.6)
    for school in schools[6:9]:
        Partnership.objects.create(school=school, partner=schools[-1], year=2026)
    found = effect(world.region, 2026, _visible(world)).result
    assert found.by_kind["partner"].verdict == "insufficient" and found.by_kind["partner"].matched == 3
    assert found.by_kind["events"].matched == 0


def test_without_a_list_of_the_year_the_effect_and_dynamics_are_not_known(world):
    found = effect(world.region, 2030, _visible(world))
    assert found.result is None and "нет" in found.reason
    assert not dynamics(world.region, 2030, _visible(world)).known_list


def test_dynamics_count_only_changes_beyond_their_interval(world):
    _region(world, 0.6)
    found = dynamics(world.region, 2026, _visible(world))
    assert found.listed == 12 and found.known == 12
    assert found.positive == 12 and found.positive_share == 1.0


def test_movement_says_who_left_returned_and_stays(world):
    schools, _ = _region(world, 0.0)
    # 2023/2024 and 2024/2025 lists from earlier runs: schools 0–5 were ШНОР two years running, school 6 earlier only
    for end_year, listed in ((2023, range(0, 7)), (2024, range(0, 6))):
        run = IdentificationRun.objects.create(
            region=world.region,
            year=SchoolYearFactory(end_year=end_year),
            methodology=world.run.methodology,
            status=RunStatus.DONE,
        )
        for i in listed:
            school = schools[i]
            RunSchool.objects.create(run=run, school=school, code=school.code, name=school.name,
                                     municipality=school.municipality.name, low_results=True)  # fmt: skip
    ApprovedList.objects.all().delete()  # no list approved: each year's list is the previous year's run
    # school 7 met the exit rule in 2025/2026, and the run on that year no longer flags it
    RunSchool.objects.filter(run__year__end_year=2026, code=schools[7].code).update(exited_list=True, low_results=False)
    found = movement(world.region, 2026, _visible(world))
    status = {row.school.code: row for row in found.rows}
    assert status[schools[0].code].status == "stays" and len(status[schools[0].code].support_years) == 3
    assert status[schools[6].code].status == "returned"  # listed for 2023/2024, not 2024/2025, again 2025/2026
    assert status[schools[7].code].status == "left" and status[schools[7].code].exit_rule is True
    assert status[schools[8].code].status == "new"
    assert found.next_known  # the run on 2025/2026 stands for the list of 2026/2027


def test_council_decisions_are_kept_and_the_report_says_which_were_carried_out(world):
    meeting = meeting_save(
        meeting=None,
        region=world.region,
        municipality=world.municipality,
        data={"held_on": datetime.date(2026, 9, 20), "protocol_number": "2"},
        by=None,
    )
    first = decision_add(
        meeting=meeting, text="Закрепить кураторов", owner="ММС", deadline=datetime.date(2026, 10, 1), by=None
    )
    second = decision_add(
        meeting=meeting, text="Провести семинар", owner="ОО", deadline=datetime.date(2026, 11, 1), by=None
    )
    with pytest.raises(ValidationError, match="Кратко опишите"):
        decision_update(decision=first, status=DecisionStatus.DONE, report="", by=None)
    decision_update(decision=first, status=DecisionStatus.DONE, report="Приказ № 112", by=None)
    report = decisions_due(meeting.decisions.all(), datetime.date(2026, 9, 1), datetime.date(2026, 12, 31))
    assert [item.number for item in report.done] == [1] and [item.number for item in report.open] == [2]
    assert second.is_overdue(datetime.date(2026, 12, 2))
    with pytest.raises(ValidationError):
        decision_add(meeting=meeting, text="", owner="", deadline=datetime.date(2026, 1, 1), by=None)


def test_the_coordinator_records_a_meeting_and_its_decisions_on_the_pages(world, client):
    client.force_login(world.users["coordinator"])
    answer = client.post(reverse("effectiveness:meetings"), {"title": "Совет руководителей", "held_on": "2026-12-01"})
    assert answer.status_code == 302
    page = answer.url
    client.post(page, {"text": "Организовать выезды кураторов", "owner": "ММС", "deadline": "2027-01-20"})
    shown = client.get(page).content.decode()
    assert "Организовать выезды кураторов" in shown and "назначено" in shown
    client.force_login(world.users["observer"])
    assert "Записать решение" not in client.get(page).content.decode()


def test_the_overview_page_shows_all_three_parts(world, client):
    _region(world, 0.6)
    client.force_login(world.users["region_admin"])
    page = client.get(reverse("effectiveness:overview"), {"year": 2026}).content.decode()
    assert "Положительная динамика" in page and "положительный эффект" in page and "Движение по перечню" in page
    for part in ("dynamics", "movement", "effect"):
        answer = client.get(reverse("effectiveness:export"), {"year": 2026, "part": part})
        assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    empty = client.get(reverse("effectiveness:overview"), {"year": 2031}).content.decode()
    assert empty.count("Нет данных") >= 3


def test_dynamics_follow_the_share_of_fails_and_of_pupils_without_a_certificate(world):
    from opora.results.models import SchoolResult, YearOutcome
    from tests.factories import SchoolResultFactory

    schools, _supported = _region(world, 0.0)
    school = schools[0]
    SchoolResult.objects.filter(school=school).delete()
    YearOutcome.objects.filter(school=school).delete()
    for end_year, fails, without in ((2025, 30, 6), (2026, 8, 1)):
        year = SchoolYearFactory(end_year=end_year)
        SchoolResultFactory(school=school, year=year, procedure="ОГЭ", grade=9, participants=100, marks_2=fails,
                            marks_3=40, marks_4=20, marks_5=100 - 60 - fails)  # fmt: skip
        YearOutcome.objects.create(school=school, year=year, students_end=300, failing=5, graduates_9=40,
                                   no_certificate_9=without)  # fmt: skip
    rows = {row.school.code: row for row in dynamics(world.region, 2026, _visible(world)).rows}
    mine = rows[school.code]
    assert mine.failing.dynamics == "positive" and mine.failing_text == "30,0\u00a0% → 8,0\u00a0% (положительная)"
    assert mine.no_certificate.dynamics == "none"  # 6 of 40 → 1 of 40: within chance
    assert rows[schools[1].code].failing is None or rows[schools[1].code].failing_text
