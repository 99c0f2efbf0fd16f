"""A program's indicators: what Опора computes from its data, plan against fact, actuals entered, the chart.

Issue #12, point 4. Every computed indicator on a small region; «нет данных» (None) where the data
are missing, never 0; statuses for both directions and for targets written as text.
"""

import datetime
import doctest
import re

import polars as pl
import pytest
from django.core.exceptions import ValidationError

import opora.programs.computed as computed
import opora.programs.indicators as indicators
from opora.demo.generator import generate_region
from opora.demo.services import demo_region_load
from opora.identification.models import IdentificationRun, RunSchool, RunStatus
from opora.identification.services import region_methodology, run_now
from opora.programs.computed import (
    COMPUTED,
    IndexEstimate,
    Level,
    Scope,
    computed_for,
    index_dynamics,
    index_rose,
    listed_codes,
)
from opora.programs.indicators import (
    ACHIEVED,
    NO_DATA,
    NOT_ACHIEVED,
    actual_enter,
    actuals_compute,
    indicator_chart_svg,
    plan_fact,
    target_parse,
)
from opora.programs.models import (
    Activity,
    ActivityStatus,
    IndicatorActual,
    IndicatorDirection,
    Program,
    ProgramIndicator,
    ProgramKind,
)
from opora.results.models import Procedure, SchoolResult, StudentResult, YearOutcome
from opora.risks.models import Measure, MeasureKind
from opora.schools.models import Region, School, SchoolContext, SchoolYear
from opora.support.models import Teacher
from tests.factories import SchoolResultFactory, SchoolYearFactory, YearOutcomeFactory

# The world's approved list (of its municipality) is for 2026/2027, made from the run on 2025/2026.
LIST_YEAR = 2027
TODAY = datetime.date(2026, 12, 1)


@pytest.fixture
def today(monkeypatch):
    """Today is in the school year 2026/2027, the one the world's list is for."""
    monkeypatch.setattr(computed, "_today", lambda: TODAY)
    return TODAY


def scopes(world) -> dict[str, Scope]:
    return {
        "region": Scope(region=world.region),
        "municipality": Scope(region=world.region, municipality=world.municipality),
        "neighbour": Scope(region=world.region, municipality=world.neighbour),
        "school": Scope(region=world.region, municipality=world.municipality, school=world.school),
        "sibling": Scope(region=world.region, municipality=world.municipality, school=world.sibling),
    }


def teacher(school, code, *, diagnosed=None, trained=None) -> Teacher:
    return Teacher.objects.create(
        school=school, code=code, full_name=f"Педагог {code}", diagnostics_date=diagnosed, last_training_year=trained
    )


def program(school, year: int, kind=ProgramKind.ROADMAP, **values) -> Program:
    return Program.objects.create(
        region=school.municipality.region,
        municipality=school.municipality,
        school=school,
        kind=kind,
        title=f"{kind.label} {school.code} на {year - 1}/{year}",
        year=SchoolYearFactory(end_year=year),
        **values,
    )


def activity(owner: Program, number: str, *, status, ends_on, factor_key="", measure=None, content=None) -> Activity:
    return Activity.objects.create(
        program=owner,
        number=number,
        content=content or f"Мероприятие {number}",
        status=status,
        ends_on=ends_on,
        factor_key=factor_key,
        measure=measure,
    )


def earlier_run(world, lines: dict[School, dict]) -> IdentificationRun:
    """A finished run on 2024/2025: its flags stand for the list of 2025/2026, which was never approved."""
    run = IdentificationRun.objects.create(
        region=world.region,
        year=SchoolYearFactory(end_year=2025),
        methodology=world.run.methodology,
        status=RunStatus.DONE,
    )
    for school, values in lines.items():
        RunSchool.objects.create(
            run=run, school=school, code=school.code, name=school.name, municipality=school.municipality.name, **values
        )
    return run


# --- the registry ------------------------------------------------------------------------------


def test_every_computed_indicator_is_described_and_named_as_in_its_seed():
    assert set(COMPUTED) == {
        "analysed_share",
        "positive_dynamics_share",
        "teachers_diagnostics_share",
        "methodical_coverage_share",
        "targeted_help_share",
        "teachers_training_share",
        "gia_success_unfavourable_share",
        "staffing_percent",
        "failing_share",
        "no_certificate_9_share",
        "oge_math_fail_share",
        "ege_120_share",
        "parent_events_count",
        "teachers_plan_share",
        "networking_share",
        "partner_schools_count",
    }
    for key, item in COMPUTED.items():
        assert item.key == key
        assert item.unit in {"%", "ед."}
        assert item.direction in IndicatorDirection.values
        assert item.levels and item.seeds and item.method and callable(item.compute)
        assert item.seeds[0][:3] in {"001", "003", "004"}
    assert COMPUTED["analysed_share"].name.startswith("Доля школ, в которых проведен анализ данных")
    assert COMPUTED["oge_math_fail_share"].direction == IndicatorDirection.LOWER


def test_the_indicators_of_schools_shares_do_not_apply_to_a_school_program(world):
    school_level = {item.key for item in computed_for(scopes(world)["school"])}
    territory = {item.key for item in computed_for(scopes(world)["municipality"])}
    assert "analysed_share" not in school_level and "positive_dynamics_share" not in school_level
    assert {"no_certificate_9_share", "oge_math_fail_share", "teachers_diagnostics_share"} <= school_level
    assert territory == set(COMPUTED) - {"partner_schools_count"}
    assert "partner_schools_count" in school_level
    assert scopes(world)["region"].level == Level.REGION


def test_the_doctests_of_the_indicators_pass():
    assert doctest.testmod(indicators, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0


# --- ШНОР и ШНСУ of a year ----------------------------------------------------------------------


def test_the_listed_schools_come_from_the_list_in_force_else_from_the_previous_years_run(world):
    every = scopes(world)
    assert listed_codes(every["municipality"], LIST_YEAR) == ["010001"]
    assert listed_codes(every["region"], LIST_YEAR) == ["010001"]
    assert listed_codes(every["neighbour"], LIST_YEAR) == []  # its run line is not flagged
    assert listed_codes(every["region"], 2026) is None  # no list, no run on 2024/2025
    earlier_run(world, {world.sibling: {"unfavourable": True}, world.school: {"low_results": False}})
    assert listed_codes(every["region"], 2026) == ["010002"]
    assert listed_codes(every["region"], 2026, ("low_results",)) == []


# --- each computed indicator on the small world --------------------------------------------------


def test_analysed_share_counts_schools_with_both_results_and_context_of_the_year(world):
    scope = scopes(world)["municipality"]
    year = SchoolYear.objects.get(end_year=2026)
    assert computed.analysed_share(scope, 2026) == pytest.approx(0.0)  # context loaded, no results yet
    SchoolResultFactory(school=world.school, year=year)
    assert computed.analysed_share(scope, 2026) == pytest.approx(50.0)
    SchoolResultFactory(school=world.sibling, year=year)
    assert computed.analysed_share(scope, 2026) == pytest.approx(100.0)
    SchoolContext.objects.filter(school=world.sibling, year=year).delete()
    assert computed.analysed_share(scope, 2026) == pytest.approx(50.0)
    assert computed.analysed_share(scope, 2030) is None  # nothing of that year is loaded


def test_positive_dynamics_is_an_index_above_last_years_interval(world):
    # The list of 2025/2026 stands as the run on 2024/2025 flagged it; the run on 2025/2026 gives this year's index.
    earlier_run(
        world,
        {
            world.school: {"low_results": True, "results_index": -1.5, "results_index_lower": -1.8,
                           "results_index_upper": -1.2},
            world.sibling: {"unfavourable": True, "results_index": 0.1, "results_index_lower": -0.2,
                            "results_index_upper": 0.4},
            world.neighbour_school: {"results_index": 0.0},
        },
    )  # fmt: skip
    every = scopes(world)
    # school: −1,0 > −1,2 (rose); sibling: 0,0 is inside last year's interval (no change)
    assert computed.positive_dynamics_share(every["region"], 2026) == pytest.approx(50.0)
    assert computed.positive_dynamics_share(every["municipality"], 2026) == pytest.approx(50.0)
    assert computed.positive_dynamics_share(every["neighbour"], 2026) is None  # no ШНОР or ШНСУ there
    # The run on the year keeps the previous year on its own scale: that comparison comes first.
    line = world.run.schools.get(school=world.sibling)
    line.details = {"yearly": [{"year": 2025, "results_index": -0.8, "results_index_lower": -1.1,
                                "results_index_upper": -0.5}]}  # fmt: skip
    line.save()
    assert computed.positive_dynamics_share(every["region"], 2026) == pytest.approx(100.0)
    # No run on 2026/2027 yet: «нет данных» for the list of that year.
    assert computed.positive_dynamics_share(every["region"], LIST_YEAR) is None


def test_a_change_counts_only_beyond_the_interval_of_the_change():
    # h = √(h₁² + h₂²); a year without an interval takes the other year's half-width
    assert index_rose(IndexEstimate(0.0, -0.2, 0.2), IndexEstimate(0.3))  # 0,3 > √0,08 ≈ 0,28
    assert not index_rose(IndexEstimate(0.0, -0.2, 0.2), IndexEstimate(0.1, -0.1, 0.3))
    assert not index_rose(IndexEstimate(0.0), IndexEstimate(0.1, -0.1, 0.3))
    assert not index_rose(IndexEstimate(0.0), IndexEstimate(0.4, 0.1, 0.7))  # 0,4 < √0,18 ≈ 0,42
    assert index_rose(IndexEstimate(0.0), IndexEstimate(0.5, 0.2, 0.8))
    assert index_dynamics(IndexEstimate(0.0, -0.1, 0.1), IndexEstimate(-0.5, -0.6, -0.4)) == "negative"
    # without any interval a change cannot be told from chance: «нет данных», never «рост»
    assert index_dynamics(IndexEstimate(0.0), IndexEstimate(0.9)) is None


def test_teachers_diagnostics_share_counts_the_teachers_of_listed_schools_diagnosed_in_the_year(world):
    every = scopes(world)
    assert computed.teachers_diagnostics_share(every["municipality"], LIST_YEAR) is None  # no teachers loaded
    teacher(world.school, "П1", diagnosed=datetime.date(2026, 10, 1))
    teacher(world.school, "П2", diagnosed=datetime.date(2027, 3, 1))
    teacher(world.school, "П3", diagnosed=datetime.date(2026, 5, 1))  # the school year before
    teacher(world.school, "П4")
    teacher(world.sibling, "П5", diagnosed=datetime.date(2026, 10, 1))  # not in the list
    assert computed.teachers_diagnostics_share(every["municipality"], LIST_YEAR) == pytest.approx(50.0)
    assert computed.teachers_diagnostics_share(every["region"], LIST_YEAR) == pytest.approx(50.0)
    assert computed.teachers_diagnostics_share(every["sibling"], LIST_YEAR) == pytest.approx(100.0)  # its own
    assert computed.teachers_diagnostics_share(every["region"], 2030) is None  # no list of that year


def test_methodical_coverage_is_the_share_of_listed_schools_with_a_curator_this_year(world, today):
    every = scopes(world)
    assert computed.methodical_coverage_share(every["municipality"], LIST_YEAR) == pytest.approx(100.0)
    world.users["curator"].curated_schools.clear()
    assert computed.methodical_coverage_share(every["municipality"], LIST_YEAR) == pytest.approx(0.0)
    # The assignment of curators has no history: another year is «нет данных».
    assert computed.methodical_coverage_share(every["municipality"], 2026) is None


def test_targeted_help_counts_low_results_schools_with_an_activity_done_in_the_year(world):
    scope = scopes(world)["municipality"]
    assert computed.targeted_help_share(scope, LIST_YEAR) == pytest.approx(0.0)  # list known, no help recorded
    roadmap = program(world.school, LIST_YEAR)
    activity(roadmap, "1", status=ActivityStatus.IN_PROGRESS, ends_on=datetime.date(2026, 11, 30))
    last_year = program(world.school, 2026, kind=ProgramKind.ANTIRISK)
    activity(last_year, "1", status=ActivityStatus.DONE, ends_on=datetime.date(2026, 5, 15))
    assert computed.targeted_help_share(scope, LIST_YEAR) == pytest.approx(0.0)
    activity(roadmap, "2", status=ActivityStatus.PARTLY_DONE, ends_on=datetime.date(2026, 10, 31))
    assert computed.targeted_help_share(scope, LIST_YEAR) == pytest.approx(100.0)
    assert computed.targeted_help_share(scopes(world)["neighbour"], LIST_YEAR) is None


def test_teachers_training_share_counts_courses_of_the_last_three_years(world):
    scope = scopes(world)["school"]
    assert computed.teachers_training_share(scope, 2026) is None
    for code, trained in (("П1", 2026), ("П2", 2023), ("П3", 2022), ("П4", None), ("П5", 2027)):
        teacher(world.school, code, trained=trained)
    # Known and not after 2026: П1, П2, П3; within three years: П1, П2.
    assert computed.teachers_training_share(scope, 2026) == pytest.approx(200 / 3)


def test_gia_success_of_unfavourable_schools_is_the_share_of_graduates_with_a_certificate(world):
    scope = scopes(world)["municipality"]
    year = SchoolYearFactory(end_year=LIST_YEAR)
    assert computed.gia_success_unfavourable_share(scope, LIST_YEAR) is None  # no outcomes of the year
    YearOutcomeFactory(school=world.school, year=year, graduates_9=20, no_certificate_9=2, graduates_11=10,
                       no_certificate_11=1)  # fmt: skip
    YearOutcomeFactory(school=world.sibling, year=year, graduates_9=30, no_certificate_9=30)  # not ШНСУ
    assert computed.gia_success_unfavourable_share(scope, LIST_YEAR) == pytest.approx(90.0)


def test_staffing_is_teachers_over_teachers_and_vacancies(world):
    every = scopes(world)
    assert computed.staffing_percent(every["school"], 2026) is None  # vacancies not given
    SchoolContext.objects.filter(school=world.school, year__end_year=2026).update(teacher_vacancies=5)
    assert computed.staffing_percent(every["school"], 2026) == pytest.approx(25 / 30 * 100)
    assert computed.staffing_percent(every["municipality"], 2026) == pytest.approx(25 / 30 * 100)
    SchoolContext.objects.filter(school=world.sibling, year__end_year=2026).update(teacher_vacancies=0)
    assert computed.staffing_percent(every["municipality"], 2026) == pytest.approx(50 / 55 * 100)


def test_failing_and_no_certificate_shares_come_from_the_year_outcomes(world):
    every = scopes(world)
    assert computed.failing_share(every["school"], 2026) == pytest.approx(7 / 298 * 100)
    assert computed.failing_share(every["municipality"], 2026) == pytest.approx(7 / 298 * 100)
    assert computed.failing_share(every["school"], 2030) is None
    assert computed.no_certificate_9_share(every["school"], 2026) is None  # graduates not given
    YearOutcome.objects.filter(school=world.school, year__end_year=2026).update(graduates_9=40, no_certificate_9=3)
    assert computed.no_certificate_9_share(every["school"], 2026) == pytest.approx(7.5)


def test_oge_mathematics_fail_share_takes_only_mathematics(world):
    scope = scopes(world)["school"]
    year = SchoolYear.objects.get(end_year=2026)
    assert computed.oge_math_fail_share(scope, 2026) is None
    SchoolResultFactory(school=world.school, year=year, procedure=Procedure.OGE, grade=9, subject="Русский язык",
                        marks_2=10, marks_3=5, marks_4=3, marks_5=2)  # fmt: skip
    assert computed.oge_math_fail_share(scope, 2026) is None
    SchoolResultFactory(school=world.school, year=year, procedure=Procedure.OGE, grade=9, subject="Математика")
    assert computed.oge_math_fail_share(scope, 2026) == pytest.approx(10.0)  # 2 of 20
    assert computed.oge_math_fail_share(scopes(world)["region"], 2026) == pytest.approx(10.0)


def test_ege_120_share_sums_each_participants_three_best_scores(world):
    scope = scopes(world)["school"]
    assert computed.ege_120_share(scope, 2026) is None
    year = SchoolYear.objects.get(end_year=2026)
    subjects = ("Русский язык", "Математика", "Обществознание", "История")
    for code, scores in (("A", (50, 40, 35)), ("B", (70, 60)), ("C", (30, 30, 30, 90)), ("D", (30, 30, 30))):
        for subject, score in zip(subjects, scores, strict=False):
            StudentResult.objects.create(
                school=world.school, year=year, procedure=Procedure.EGE, grade=11, subject=subject,
                participant_code=code, test_score=score, import_batch=world.coordinator_batch,
            )  # fmt: skip
    # A: 125; B: two subjects only; C: 150 of the best three; D: 90.
    assert computed.ege_120_share(scope, 2026) == pytest.approx(50.0)


def test_parent_events_count_once_each_done_activity_for_parents(world):
    scope = scopes(world)["school"]
    assert computed.parent_events_count(scope, LIST_YEAR) is None  # no program for the year
    meeting = Measure.objects.create(
        region=world.region, ident="Т-1", text="Родительский лекторий", factor_keys=["motivation"],
        kind=MeasureKind.PARENTS,
    )  # fmt: skip
    roadmap = program(world.school, LIST_YEAR)
    antirisk = program(world.school, LIST_YEAR, kind=ProgramKind.ANTIRISK, factor_key="parents")
    october = datetime.date(2026, 10, 20)
    for owner in (roadmap, antirisk):  # the same activity in the antirisk program and in the roadmap
        activity(owner, "1", status=ActivityStatus.DONE, ends_on=october, factor_key="parents", content="Собрание")
    activity(roadmap, "2", status=ActivityStatus.DONE, ends_on=october, measure=meeting, factor_key="motivation")
    activity(roadmap, "3", status=ActivityStatus.NOT_STARTED, ends_on=october, factor_key="parents")
    activity(roadmap, "4", status=ActivityStatus.DONE, ends_on=october, factor_key="motivation")
    assert computed.parent_events_count(scope, LIST_YEAR) == 2.0
    assert computed.parent_events_count(scopes(world)["municipality"], LIST_YEAR) == 2.0


# --- on the demo region --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_data():
    return generate_region(seed=8, n_schools=60, with_students=False)


@pytest.fixture
def demo(db, demo_data):
    return demo_region_load(region_data=demo_data)


def _run(region: Region, end_year: int) -> IdentificationRun:
    return run_now(
        region=region,
        year=SchoolYear.objects.get(end_year=end_year),
        methodology=region_methodology(region),
        by=None,
        progress=lambda percent, message: None,
    )


def test_the_computed_indicators_on_the_demo_region(demo):
    region = Region.objects.get()
    scope = Scope(region=region)
    codes = sorted(School.objects.values_list("code", flat=True))
    assert computed.analysed_share(scope, 2026) == pytest.approx(100.0)
    results = SchoolResult.objects.filter(year__end_year=2026, procedure=Procedure.OGE, subject="Математика")
    fails = sum(row.marks_2 for row in results) / sum(row.participants for row in results) * 100
    assert computed.oge_math_fail_share(scope, 2026) == pytest.approx(fails)
    outcomes = pl.DataFrame(list(YearOutcome.objects.filter(year__end_year=2026).values("failing", "students_end")))
    assert computed.failing_share(scope, 2026) == pytest.approx(
        outcomes["failing"].sum() / outcomes["students_end"].sum() * 100
    )
    # The demo has no participants' results and no programs: «нет данных», not 0.
    assert computed.ege_120_share(scope, 2026) is None
    assert computed.parent_events_count(scope, 2026) is None
    # No identification yet: no list, no ШНОР to count.
    assert computed.positive_dynamics_share(scope, 2026) is None
    assert computed.teachers_diagnostics_share(scope, 2026) is None

    _run(region, 2025)
    run = _run(region, 2026)
    listed = listed_codes(scope, 2026)
    assert listed and set(listed) <= set(codes)
    expected = []
    for line in run.schools.filter(code__in=listed):
        yearly = {row["year"]: row for row in line.details["yearly"]}
        if 2025 in yearly and line.results_index is not None:
            expected.append(line.results_index > yearly[2025]["results_index_upper"])
    assert computed.positive_dynamics_share(scope, 2026) == pytest.approx(100 * sum(expected) / len(expected))
    teachers = Teacher.objects.filter(school__code__in=listed)
    diagnosed = teachers.filter(diagnostics_date__range=(datetime.date(2025, 9, 1), datetime.date(2026, 8, 31)))
    assert computed.teachers_diagnostics_share(scope, 2026) == pytest.approx(100 * diagnosed.count() / teachers.count())


# --- plan and fact -----------------------------------------------------------------------------


@pytest.fixture
def municipal_program(world) -> Program:
    return Program.objects.create(
        region=world.region,
        municipality=world.municipality,
        kind=ProgramKind.MUNICIPAL_PROGRAM,
        title="Подпрограмма поддержки ШНОР и ШНСУ на 2021–2024 годы",
    )


def indicator(owner: Program, direction=IndicatorDirection.HIGHER, **values) -> ProgramIndicator:
    defaults = {"number": "2.2", "name": "Доля педагогов, прошедших диагностику", "unit": "%"}
    return ProgramIndicator.objects.create(program=owner, direction=direction, **{**defaults, **values})


def record(item: ProgramIndicator, period: str, value, *, computed_value=False) -> IndicatorActual:
    return IndicatorActual.objects.create(
        indicator=item, period=period, value=value, source="отчёт", computed=computed_value
    )


@pytest.mark.parametrize(
    ("text", "direction", "value", "comparison"),
    [
        ("100", "higher", 100.0, ">="),
        ("не менее 80 %", "higher", 80.0, ">="),
        ("≥ 0,5", "higher", 0.5, ">="),
        ("Не ниже среднего 50%", "higher", 50.0, ">="),
        ("больше 12,5 %", "higher", 12.5, ">"),
        ("меньше 12,5 %", "lower", 12.5, "<"),
        ("не более 7,5", "lower", 7.5, "<="),
        ("8,5", "lower", 8.5, "<="),
        ("с 8,5 % до 6 %", "lower", 6.0, "<="),
        ("1 234,5", "higher", 1234.5, ">="),
        ("да", "higher", 1.0, ">="),
        (55, "higher", 55.0, ">="),
        ("увеличение", "higher", None, "rise"),
        ("Снижение", "lower", None, "fall"),
        ("сохранение", "higher", None, "keep"),
    ],
)
def test_targets_written_as_text_are_read(text, direction, value, comparison):
    target = target_parse(text, direction)
    assert (target.value, target.comparison, target.reason) == (value, comparison, "")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "целевое значение не задано"),
        ("в 1,3 раза", "цель задана кратностью"),
        ("от 50 % и 70 %", "несколько чисел"),
        ("по плану", "нет числа"),
    ],
)
def test_an_unreadable_target_says_why(text, reason):
    target = target_parse(text, "higher")
    assert not target.readable and reason in target.reason


def test_plan_fact_when_more_is_better(municipal_program):
    item = indicator(
        municipal_program,
        baseline="17",
        targets={"2021": "30", "2022": "не менее 40 %", "2023": "увеличение", "2024": "в 1,2 раза", "2025": "50"},
    )
    for period, value in (("2021", 35), ("2022", 39.5), ("2023", 45), ("2024", 50)):
        record(item, period, value)
    rows = plan_fact(item)
    assert [row.period for row in rows] == ["2021", "2022", "2023", "2024", "2025"]
    assert [row.status for row in rows] == [ACHIEVED, NOT_ACHIEVED, ACHIEVED, NO_DATA, NO_DATA]
    assert rows[1].reason == "факт 39,50, цель — не менее 40"
    assert rows[2].reason == "факт 45, цель — рост с 39,50"
    assert rows[3].reason.startswith("цель задана кратностью")
    assert rows[4].reason == "нет фактического значения" and rows[4].actual is None
    assert [row.tone for row in rows[:2]] == ["ok", "bad"]


def test_plan_fact_when_less_is_better_matches_the_ways_of_writing_a_school_year(municipal_program):
    item = indicator(
        municipal_program,
        direction=IndicatorDirection.LOWER,
        name="Доля детей без аттестатов в 9 классе",
        baseline="8,5",
        targets={"2020-2021": "8,5", "2021-2022": "не более 7,5", "2022-2023": "меньше 6 %", "2023-2024": "снижение"},
    )
    for period, value in (("2020/2021", 8.5), ("2021-2022", 7.6), ("2022/23", 6.0), ("2023/2024", 5.0)):
        record(item, period, value)
    rows = plan_fact(item)
    assert [row.period for row in rows] == ["2020-2021", "2021-2022", "2022-2023", "2023-2024"]
    assert [row.status for row in rows] == [ACHIEVED, NOT_ACHIEVED, NOT_ACHIEVED, ACHIEVED]


def test_a_trend_with_nothing_to_compare_with_has_no_data(municipal_program):
    item = indicator(municipal_program, targets={"2025/2026": "рост"})
    record(item, "2025/2026", 40)
    (row,) = plan_fact(item)
    assert row.status == NO_DATA and row.reason.startswith("нет значения за прошлый период")


def test_the_latest_actual_counts_and_a_computation_without_data_hides_no_value(municipal_program):
    item = indicator(municipal_program, targets={"2026": "80"})
    record(item, "2026", 70)
    record(item, "2025/2026", 85)
    record(item, "2026", None, computed_value=True)
    (row,) = plan_fact(item)
    assert (row.actual, row.status, row.computed) == (85, ACHIEVED, False)
    record(item, "2026", 60, computed_value=True)
    (row,) = plan_fact(item)
    assert (row.actual, row.status, row.computed) == (60, NOT_ACHIEVED, True)


# --- entering an actual ------------------------------------------------------------------------


def enter(item, **changes):
    values = {
        "indicator": item,
        "period": "2025/2026",
        "value": "12,5",
        "source": "Статистический отчёт ОО-1",
        "measured_on": datetime.date(2026, 6, 1),
        "by": None,
    }
    return actual_enter(**{**values, **changes})


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"period": ""}, "period", "Укажите год: 2026 или 2025/2026."),
        ({"period": "весна"}, "period", "Не удалось понять год «весна»: напишите 2026 или 2025/2026."),
        ({"value": "много"}, "value", "Введите число, например 12,5."),
        ({"value": None}, "value", "Введите значение показателя."),
        ({"value": "120"}, "value", "Доля в процентах — число от 0 до 100."),
        ({"source": " "}, "source", "Укажите источник: документ или отчёт, из которого взято значение."),
        ({"measured_on": None}, "measured_on", "Укажите дату, на которую получено значение."),
        ({"measured_on": datetime.date(2099, 1, 1)}, "measured_on", "Дата не может быть позже сегодняшней."),
        ({"measured_on": datetime.date(2025, 5, 1)}, "measured_on", "Дата раньше начала периода (01.09.2025)."),
    ],
)
def test_an_actual_is_checked_before_it_is_recorded(world, municipal_program, changes, field, message):
    item = indicator(municipal_program, targets={"2026": "80"})
    with pytest.raises(ValidationError) as error:
        enter(item, by=world.users["coordinator"], **changes)
    assert error.value.message_dict == {field: [message]}
    assert not item.actuals.exists()


def test_a_count_may_not_be_negative(world, municipal_program):
    item = indicator(municipal_program, unit="ед.", name="Количество мероприятий для родителей")
    with pytest.raises(ValidationError) as error:
        enter(item, value="-2", by=world.users["coordinator"])
    assert error.value.message_dict == {"value": ["Количество не может быть отрицательным."]}


def test_an_entered_actual_takes_the_period_as_the_targets_write_it(world, municipal_program):
    item = indicator(municipal_program, targets={"2026": "не менее 10"})
    actual = enter(item, by=world.users["coordinator"])
    assert (actual.period, actual.value, actual.computed, actual.entered_by) == (
        "2026", 12.5, False, world.users["coordinator"]
    )  # fmt: skip
    (row,) = plan_fact(item)
    assert (row.status, row.source) == (ACHIEVED, "Статистический отчёт ОО-1")


# --- computing the actuals of a program ----------------------------------------------------------


def test_actuals_compute_stores_each_computed_indicator_and_replaces_only_computed_values(world, municipal_program):
    failing = indicator(municipal_program, direction=IndicatorDirection.LOWER, computed="failing_share",
                        name="Доля обучающихся, не освоивших ООП", targets={"2025/2026": "до 3 %"})  # fmt: skip
    certificates = indicator(municipal_program, direction=IndicatorDirection.LOWER, computed="no_certificate_9_share",
                             name="Без аттестатов", targets={"2025/2026": "не более 2"})  # fmt: skip
    manual = indicator(municipal_program, name="Доля родителей на собраниях")
    indicator(municipal_program, computed="partner_schools_share", name="Сетевое взаимодействие")  # not computable
    record(failing, "2025/2026", 2.0)  # entered by a person
    stored = actuals_compute(program=municipal_program, year=SchoolYear.objects.get(end_year=2026))
    assert [(actual.indicator, actual.period, actual.value) for actual in stored] == [
        (failing, "2025/2026", round(7 / 298 * 100, 2)),
        (certificates, "2025/2026", None),  # no graduates given: «нет данных»
    ]
    assert all(actual.computed and actual.source.startswith("Рассчитано Опорой: ") for actual in stored)
    actuals_compute(program=municipal_program, year=2026)
    assert failing.actuals.filter(computed=True).count() == 1 and failing.actuals.filter(computed=False).count() == 1
    assert not manual.actuals.exists()
    (row,) = plan_fact(failing)
    assert (row.actual, row.computed, row.status) == (2.35, True, ACHIEVED)
    (row,) = plan_fact(certificates)
    assert (row.status, row.reason) == (NO_DATA, "нет фактического значения")


def test_a_school_program_computes_only_what_applies_to_a_school(world):
    roadmap = program(world.school, 2026)
    own = indicator(roadmap, computed="failing_share", direction=IndicatorDirection.LOWER)
    indicator(roadmap, computed="analysed_share")
    stored = actuals_compute(program=roadmap, year=2026)
    assert [actual.indicator for actual in stored] == [own]


# --- the chart -----------------------------------------------------------------------------------


def test_the_chart_shows_every_period_with_a_legend_and_needs_no_internet(municipal_program):
    item = indicator(
        municipal_program, targets={"2021": "30", "2022": "40", "2023": "не менее 50", "2024": "увеличение"}
    )
    record(item, "2021", 35)
    record(item, "2022", 38)
    svg = indicator_chart_svg(item)
    assert svg.startswith("<svg")
    for period in ("2021", "2022", "2023", "2024"):
        assert f">{period}<" in svg
    assert "Целевое значение" in svg and "Факт" in svg
    namespaces = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert set(re.findall(r"https?://[^\"'\s)]+", svg)) <= namespaces
    assert "<script" not in svg


def test_networking_counts_listed_schools_with_a_partner_and_a_joint_activity_in_the_year(world):
    from opora.network.services import partnership_activity_add, partnership_confirm

    scope = scopes(world)["municipality"]
    assert computed.networking_share(scope, LIST_YEAR) == pytest.approx(0.0)
    pair = partnership_confirm(school=world.school, partner=world.sibling, year=LIST_YEAR, reasons="", by=None)
    assert computed.networking_share(scope, LIST_YEAR) == pytest.approx(0.0)  # a partner, no joint work yet
    start, _end = computed.school_year_bounds(LIST_YEAR)
    partnership_activity_add(
        partnership=pair, held_on=start, title="Открытые уроки", participants="", result="", by=None
    )
    listed = computed.listed_codes(scope, LIST_YEAR, computed.LISTED_KEYS)
    assert computed.networking_share(scope, LIST_YEAR) == pytest.approx(100.0 / len(listed))
    assert computed.partner_schools_count(scopes(world)["school"], LIST_YEAR) == 1.0
    assert computed.networking_share(scopes(world)["neighbour"], LIST_YEAR) is None


def test_plan_share_counts_teachers_with_a_plan_in_force_in_the_year(world):
    from opora.support.models import DevelopmentPlan

    scope = scopes(world)["school"]
    assert computed.teachers_plan_share(scope, LIST_YEAR) is None  # no teachers: «нет данных»
    first, _second = teacher(world.school, "1"), teacher(world.school, "2")
    start, end = computed.school_year_bounds(LIST_YEAR)
    DevelopmentPlan.objects.create(teacher=first, starts_on=start, ends_on=end)
    assert computed.teachers_plan_share(scope, LIST_YEAR) == pytest.approx(50.0)
