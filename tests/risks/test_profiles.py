"""Risk profiles through the services: defaults, runs, anonymity, judgements, priorities, versions, links, drafts."""

import dataclasses
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from opora.analytics.risks import RISK_INDICATORS
from opora.demo.generator import generate_region
from opora.demo.services import demo_region_load
from opora.identification.models import RunStatus
from opora.intake.regions import region_create
from opora.programs.models import Activity, Program, ProgramKind, ProgramStatus
from opora.programs.services import antirisk_drafts_create
from opora.risks.defaults import FACTORS
from opora.risks.execution import MIN_ANSWERS, questionnaire_values
from opora.risks.models import (
    Audience,
    FactorSet,
    IndicatorRule,
    LevelOverride,
    Measure,
    PriorityFactor,
    ProfileFactor,
    ProfileRun,
    Questionnaire,
    SurveyLink,
    SurveyResponse,
)
from opora.risks.queries import school_factors
from opora.risks.services import (
    LinkClosed,
    factor_save,
    latest_factor_set,
    level_judge,
    link_revoke,
    link_state,
    links_create,
    priorities_set,
    profiles_now,
    response_submit,
)
from opora.schools.models import Region, School, SchoolYear
from opora.support.models import Teacher

TODAY = timezone.localdate()  # the product's today (Europe/Moscow), not the machine's
FILE_FACTORS = {  # the factors whose rules read the files of forms 1, 2, 3 and 5
    "equipment",
    "staff_shortage",
    "teacher_competence",
    "low_adaptivity",
    "school_climate",
    "failure_risk",
    "discipline",
    "parents",
    "disabilities",
    "language_barriers",
}


def _quiet(percent: int, message: str) -> None:
    return None


def compute(region: Region, year: SchoolYear) -> ProfileRun:
    return profiles_now(region=region, year=year, by=None, progress=_quiet)


def levels_of(run: ProfileRun, school: School) -> dict[str, int | None]:
    return dict(
        ProfileFactor.objects.filter(profile__run=run, profile__school=school).values_list("factor__key", "level")
    )


def factor_of(run: ProfileRun, school: School, key: str) -> ProfileFactor:
    return ProfileFactor.objects.get(profile__run=run, profile__school=school, factor__key=key)


def open_link(school: School, audience: str, year: SchoolYear, **dates) -> SurveyLink:
    questionnaire = Questionnaire.objects.get(region=school.municipality.region, audience=audience)
    dates = {"opens_on": TODAY, "closes_on": TODAY + datetime.timedelta(days=30), **dates}
    (link,) = links_create(schools=[school], questionnaire=questionnaire, year=year, by=None, **dates)
    return link


def answer_all(link: SurveyLink, answer: int, times: int) -> None:
    """``times`` people answer every question of the link's questionnaire with the same answer."""
    keys = Questionnaire.objects.get(pk=link.questionnaire_id).sections.values_list("items__key", flat=True)
    for _ in range(times):
        response_submit(link=link, answers=dict.fromkeys(keys, answer))


@pytest.fixture
def year(world) -> SchoolYear:
    return world.run.year


# --- a region's defaults ---------------------------------------------------------------------------


def test_a_new_region_gets_the_default_factors_questionnaires_and_catalog(db):
    # When
    region = region_create(name="Новая область")

    # Then: one version of the factor set with every default factor and its rules
    factor_set = FactorSet.objects.get(region=region)
    assert factor_set.version == 1
    factors = list(factor_set.factors.order_by("number"))
    assert [factor.key for factor in factors] == [factor.key for factor in FACTORS]
    assert [factor.number for factor in factors] == list(range(1, len(FACTORS) + 1))
    for stored, default in zip(factors, FACTORS, strict=True):
        assert stored.name == default.name
        assert stored.rules.count() == len(default.rules), stored.key
    management = factor_set.factors.get(key="management").rules.get(indicator="years_in_bottom")
    assert (management.operator, management.high, management.medium, management.low) == (">=", 3, 2, 1)
    # four questionnaires, one per audience, each with questions about known factors
    questionnaires = Questionnaire.objects.filter(region=region)
    assert sorted(questionnaires.values_list("audience", flat=True)) == sorted(Audience.values)
    keys = {factor.key for factor in FACTORS}
    for questionnaire in questionnaires:
        items = [item for section in questionnaire.sections.all() for item in section.items.all()]
        assert len(items) >= 10, questionnaire.audience
        assert {item.factor_key for item in items} <= keys
    # the catalog: at least 150 measures, each against a known factor and with its source
    measures = Measure.objects.filter(region=region)
    assert measures.count() >= 150
    assert not measures.filter(source="").exists()
    assert all(measure.factor_keys and set(measure.factor_keys) <= keys for measure in measures)


def test_defaults_are_not_duplicated_when_ensured_again(world):
    from opora.risks.services import risk_defaults_create

    before = (FactorSet.objects.count(), Questionnaire.objects.count(), Measure.objects.count())
    risk_defaults_create(region=world.region)
    assert (FactorSet.objects.count(), Questionnaire.objects.count(), Measure.objects.count()) == before


# --- profiles from files alone ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def files_only_data():
    """A demo region with its registry, context, results and outcomes, and no teachers' list."""
    region = generate_region(seed=8, n_schools=40, with_students=False)
    return dataclasses.replace(region, teachers=region.teachers.clear())


def test_files_alone_give_most_factors_a_level_and_the_others_no_data(db, files_only_data):
    # Given: the region's files, no questionnaire answered, no teachers' list, no identification
    loaded = demo_region_load(region_data=files_only_data)
    assert not Teacher.objects.exists() and not SurveyResponse.objects.exists()
    year = SchoolYear.objects.get(end_year=2026)

    # When
    run = compute(loaded.region, year)

    # Then: every school has a profile with every factor
    assert run.status == RunStatus.DONE
    assert run.profiles.count() == 40
    assert ProfileFactor.objects.filter(profile__run=run).count() == 40 * len(FACTORS)
    # every school has at least seven factors with a level, from the files alone
    for profile in run.profiles.all():
        assert profile.factors.filter(level__isnull=False).count() >= 7, profile.code
    known = {key for key, counts in run.summary["levels"].items() if counts["нет данных"] < 40}
    assert known == FILE_FACTORS
    assert {"failure_risk", "disabilities", "low_adaptivity", "school_climate"} <= {
        key for key, counts in run.summary["levels"].items() if counts["нет данных"] == 0
    }
    # the factors that need the questionnaires, the teachers' list or the identification: «нет данных»
    for key in ("low_motivation", "internal_training", "management", "objectivity"):
        assert not ProfileFactor.objects.filter(profile__run=run, factor__key=key, level__isnull=False).exists(), key
        assert run.summary["levels"][key]["нет данных"] == 40
        assert run.summary["levels"][key]["нет риска"] == 0
    # and a school's evidence holds only values the files give
    profile = run.profiles.order_by("code").first()
    evidence = [row["indicator"] for factor in profile.factors.all() for row in factor.evidence]
    sources = {RISK_INDICATORS[indicator.partition(":")[0]].source for indicator in evidence}
    assert sources == {"context", "results", "outcomes"}


def test_each_computed_level_follows_its_evidence(world, year):
    # When
    run = compute(world.region, year)

    # Then: the identification's three years in the bottom group make the school's management «высокий»
    management = factor_of(run, world.school, "management")
    lines = {row["indicator"]: row for row in management.evidence}
    assert lines["years_in_bottom"]["value"] == 3 and lines["years_in_bottom"]["level"] == 3
    assert lines["value_added"]["value"] == pytest.approx(-0.4) and lines["value_added"]["level"] == 3
    assert management.level == 3
    # an equipment without computers or internet known: «нет данных», not «нет риска»
    equipment = factor_of(run, world.school, "equipment")
    assert (equipment.level, equipment.score, equipment.evidence) == (None, None, [])
    # the other region's schools are not in this region's run
    assert not run.profiles.filter(school=world.far_school).exists()


# --- anonymity: a questionnaire figure needs five answers ------------------------------------------


def test_four_answers_give_no_questionnaire_figure_and_five_do(world, year):
    # Given: four students answered every question with the most favourable answer
    link = open_link(world.school, Audience.STUDENTS, year)
    answer_all(link, 5, times=MIN_ANSWERS - 1)

    # When
    four = compute(world.region, year)

    # Then: no questionnaire value, and the motivation (questions only) stays «нет данных»
    assert questionnaire_values(world.region.pk, year.pk).is_empty()
    motivation = factor_of(four, world.school, "low_motivation")
    assert (motivation.level, motivation.evidence) == (None, [])
    climate = factor_of(four, world.school, "school_climate")
    assert not any(row["indicator"].startswith("questionnaire") for row in climate.evidence)

    # When a fifth student answers
    answer_all(link, 5, times=1)
    five = compute(world.region, year)

    # Then the students' answers stand behind the figures of the school's factors
    values = questionnaire_values(world.region.pk, year.pk)
    assert set(values["indicator"].to_list()) == {"questionnaire:students"}
    assert set(values["code"].to_list()) == {world.school.code}
    motivation = factor_of(five, world.school, "low_motivation")
    assert motivation.level == 0
    assert [(row["indicator"], row["value"], row["level"]) for row in motivation.evidence] == [
        ("questionnaire:students", 100.0, 0)
    ]


def test_answers_count_per_school_and_audience(world, year):
    # Given: five answers split between two schools, and five of another audience
    answer_all(open_link(world.school, Audience.STUDENTS, year), 1, times=3)
    answer_all(open_link(world.sibling, Audience.STUDENTS, year), 1, times=2)
    answer_all(open_link(world.school, Audience.PARENTS, year), 1, times=MIN_ANSWERS)

    # When
    values = questionnaire_values(world.region.pk, year.pk)

    # Then: only the parents of the one school give figures
    assert set(values.select("code", "indicator").iter_rows()) == {(world.school.code, "questionnaire:parents")}


def test_the_least_favourable_answers_make_a_high_level(world, year):
    # Given: five students answered every question with the least favourable answer (reversed ones turned round)
    link = open_link(world.school, Audience.STUDENTS, year)
    items = {item.key: item for section in link.questionnaire.sections.all() for item in section.items.all()}
    for _ in range(MIN_ANSWERS):
        response_submit(
            link=link,
            answers={key: len(item.answers) if item.reverse else 1 for key, item in items.items()},
        )

    # When
    run = compute(world.region, year)

    # Then
    assert levels_of(run, world.school)["low_motivation"] == 3


# --- expert judgements ---------------------------------------------------------------------------


def _state(world, run, key):
    return next(state for state in school_factors(world.users["curator"], world.school, run) if state.factor.key == key)


def test_a_judgement_needs_a_reason(world, year):
    with pytest.raises(ValidationError) as error:
        level_judge(
            school=world.school, year=year, factor_key="management", level=1, reason="   ", by=world.users["curator"]
        )
    assert error.value.message_dict == {"reason": ["Обоснуйте оценку: что вы видели, на чём основано решение."]}
    assert not LevelOverride.objects.exists()


def test_the_latest_judgement_is_in_force_and_none_returns_to_the_computed_level(world, year):
    # Given: the computed management level is «высокий»
    run = compute(world.region, year)
    curator, team = world.users["curator"], world.users["school_team"]
    assert _state(world, run, "management").level == 3

    # When the curator judges it «средний», then the school team «низкий»
    level_judge(school=world.school, year=year, factor_key="management", level=2, reason="Посетили уроки.", by=curator)
    level_judge(school=world.school, year=year, factor_key="management", level=1, reason="Новый директор.", by=team)

    # Then the latest is in force, the computed level stays beside it
    state = _state(world, run, "management")
    assert (state.level, state.computed, state.judged.reason) == (1, 3, "Новый директор.")
    assert state.level_name == "низкий"

    # When a judgement without a level withdraws them
    level_judge(school=world.school, year=year, factor_key="management", level=None, reason="Ошиблись.", by=curator)

    # Then the computed level is in force again, and every judgement is kept
    state = _state(world, run, "management")
    assert (state.level, state.computed) == (3, 3)
    assert list(
        LevelOverride.objects.filter(school=world.school).order_by("created_at", "pk").values_list("level", "reason")
    ) == [(2, "Посетили уроки."), (1, "Новый директор."), (None, "Ошиблись.")]


def test_a_judgement_outlives_a_recomputation_and_gives_a_level_to_a_factor_without_data(world, year):
    compute(world.region, year)
    level_judge(
        school=world.school,
        year=year,
        factor_key="equipment",
        level=2,
        reason="Нет интернета.",
        by=world.users["curator"],
    )

    run = compute(world.region, year)

    state = _state(world, run, "equipment")
    assert (state.computed, state.level, state.computed_name, state.level_name) == (None, 2, "нет данных", "средний")


def test_a_judgement_with_an_impossible_level_is_refused(world, year):
    with pytest.raises(ValidationError, match="Выберите уровень"):
        level_judge(
            school=world.school, year=year, factor_key="management", level=4, reason="Так.", by=world.users["curator"]
        )


# --- priorities ----------------------------------------------------------------------------------


def test_at_most_three_priorities_and_a_new_choice_replaces_the_earlier(world, year):
    team = world.users["school_team"]

    # When four are chosen
    with pytest.raises(ValidationError) as error:
        priorities_set(
            school=world.school,
            year=year,
            factor_keys=["management", "equipment", "parents", "discipline"],
            by=team,
        )

    # Then none is saved
    assert error.value.message_dict == {"factors": ["Выберите не больше 3 приоритетных факторов."]}
    assert not PriorityFactor.objects.exists()

    # When three are chosen, then two others
    priorities_set(school=world.school, year=year, factor_keys=["management", "equipment", "parents"], by=team)
    priorities_set(school=world.school, year=year, factor_keys=["discipline", "management"], by=team)

    # Then only the last choice stands
    assert sorted(PriorityFactor.objects.filter(school=world.school).values_list("factor_key", flat=True)) == [
        "discipline",
        "management",
    ]


def test_a_repeated_or_unknown_priority(world, year):
    team = world.users["school_team"]
    priorities_set(school=world.school, year=year, factor_keys=["parents", "parents", "parents", "parents"], by=team)
    assert list(PriorityFactor.objects.values_list("factor_key", flat=True)) == ["parents"]
    with pytest.raises(ValidationError, match="Неизвестный фактор: astrology"):
        priorities_set(school=world.school, year=year, factor_keys=["astrology"], by=team)


# --- versions of the factor set ------------------------------------------------------------------


def _rules_of(factor) -> list[dict]:
    return [
        {
            "indicator": rule.indicator,
            "audience": rule.audience,
            "operator": rule.operator,
            "high": rule.high,
            "medium": rule.medium,
            "low": rule.low,
            "weight": rule.weight,
        }
        for rule in factor.rules.all()
    ]


def test_editing_a_factor_after_a_run_makes_a_new_version_and_the_old_profiles_keep_the_old_factor(world, year):
    # Given: a run by version 1
    old_run = compute(world.region, year)
    old_factor = latest_factor_set(world.region).factors.get(key="management")
    admin = world.users["region_admin"]

    # When the management's threshold of «высокий» is raised past the school's three years
    rules = _rules_of(old_factor)
    for rule in rules:
        if rule["indicator"] == "years_in_bottom":
            rule["high"] = 4
    saved = factor_save(
        factor=old_factor,
        name="Низкая эффективность управления школой",
        description=old_factor.description,
        retired=False,
        rules=rules,
        by=admin,
        comment="Порог высокого уровня — четыре года.",
    )

    # Then the change is in version 2; version 1 is as it was
    assert saved.factor_set.version == 2
    assert saved.factor_set.comment == "Порог высокого уровня — четыре года."
    assert saved.pk != old_factor.pk
    old_factor.refresh_from_db()
    assert old_factor.name == "Низкая эффективность управления"
    assert old_factor.rules.get(indicator="years_in_bottom").high == 3
    assert latest_factor_set(world.region).pk == saved.factor_set_id
    # every factor is copied into the new version
    assert saved.factor_set.factors.count() == len(FACTORS)
    # the old run's profiles keep the old factor and its level
    old = factor_of(old_run, world.school, "management")
    assert (old.factor_id, old.factor.name, old.level) == (old_factor.pk, "Низкая эффективность управления", 3)

    # When the profiles are computed again
    new_run = compute(world.region, year)

    # Then they use version 2 and its rule
    assert new_run.factor_set_id == saved.factor_set_id
    new = factor_of(new_run, world.school, "management")
    assert new.factor_id == saved.pk
    assert {row["indicator"]: row["level"] for row in new.evidence}["years_in_bottom"] == 2


def test_editing_before_any_run_changes_the_latest_version_in_place(world):
    factor = latest_factor_set(world.region).factors.get(key="parents")

    saved = factor_save(
        factor=factor,
        name=factor.name,
        description="Новое описание.",
        retired=False,
        rules=_rules_of(factor)[:1],
        by=world.users["region_admin"],
        comment="",
    )

    assert (saved.pk, saved.factor_set.version) == (factor.pk, 1)
    assert saved.rules.count() == 1
    assert FactorSet.objects.filter(region=world.region).count() == 1


def test_inverted_thresholds_are_refused_and_nothing_is_saved(world, year):
    compute(world.region, year)
    factor = latest_factor_set(world.region).factors.get(key="parents")
    rules = _rules_of(factor)
    rules[1].update(operator=">=", high=0.1, medium=0.2, low=0.3)
    count = IndicatorRule.objects.count()

    with pytest.raises(ValidationError) as error:
        factor_save(factor=factor, name=factor.name, description="", retired=False, rules=rules,
                    by=world.users["region_admin"], comment="Ошибка")  # fmt: skip

    assert error.value.message_dict == {
        "rule_2": ["Правило 2: Для «больше — хуже» пороги идут вниз: высокий ≥ средний ≥ низкий."]
    }
    assert FactorSet.objects.filter(region=world.region).count() == 1
    assert IndicatorRule.objects.count() == count


def test_a_retired_factor_is_not_computed_in_the_new_version(world, year):
    factor = latest_factor_set(world.region).factors.get(key="objectivity")
    compute(world.region, year)
    factor_save(factor=factor, name=factor.name, description="", retired=True, rules=_rules_of(factor),
                by=world.users["region_admin"], comment="Не используется.")  # fmt: skip

    run = compute(world.region, year)

    assert "objectivity" not in levels_of(run, world.school)
    assert "objectivity" not in run.summary["levels"]


# --- links ---------------------------------------------------------------------------------------


def _revoke(link: SurveyLink) -> None:
    link_revoke(link=link, by=None)


def _open_tomorrow(link: SurveyLink) -> None:
    SurveyLink.objects.filter(pk=link.pk).update(opens_on=TODAY + datetime.timedelta(days=1))


def _closed_yesterday(link: SurveyLink) -> None:
    SurveyLink.objects.filter(pk=link.pk).update(
        opens_on=TODAY - datetime.timedelta(days=30), closes_on=TODAY - datetime.timedelta(days=1)
    )


@pytest.mark.parametrize(
    ("close", "state"),
    [(_revoke, "отозвана"), (_open_tomorrow, "ещё не открыта"), (_closed_yesterday, "закрыта")],
)
def test_a_closed_link_refuses_answers(world, year, close, state):
    # Given
    link = open_link(world.school, Audience.STUDENTS, year)
    close(link)
    link.refresh_from_db()

    # When / Then
    assert link_state(link) == state
    with pytest.raises(LinkClosed, match=f"Анкета {state}: ответы по этой ссылке не принимаются."):
        response_submit(link=link, answers={"s01": 5})
    assert not SurveyResponse.objects.exists()


def test_a_link_is_open_on_its_first_and_last_day(world, year):
    link = open_link(world.school, Audience.STUDENTS, year, opens_on=TODAY, closes_on=TODAY)
    assert link_state(link, TODAY) == "открыта"
    assert link_state(link, TODAY + datetime.timedelta(days=1)) == "закрыта"
    assert link_state(link, TODAY - datetime.timedelta(days=1)) == "ещё не открыта"


def test_an_open_link_stores_the_answers_only(world, year):
    # Given
    link = open_link(world.school, Audience.STUDENTS, year)

    # When: answers with an unknown question and an answer off the scale
    response = response_submit(link=link, answers={"s01": 4, "s02": 1, "name": 3, "s03": 9})

    # Then: only the known answers are kept, with the school, year and link; nothing of the person
    stored = SurveyResponse.objects.get()
    assert stored.pk == response.pk
    assert stored.answers == {"s01": 4, "s02": 1}
    assert (stored.school, stored.year, stored.link, stored.questionnaire) == (
        world.school,
        year,
        link,
        link.questionnaire,
    )
    fields = {field.name for field in SurveyResponse._meta.get_fields()}
    assert fields == {
        "id",
        "import_batch",
        "questionnaire",
        "school",
        "year",
        "link",
        "submitted_at",
        "answers",
        "fingerprint",
    }
    assert len(stored.fingerprint) == 64


def test_a_submission_without_any_known_answer_is_refused(world, year):
    link = open_link(world.school, Audience.STUDENTS, year)
    with pytest.raises(ValidationError, match="Ответьте хотя бы на один вопрос"):
        response_submit(link=link, answers={"x": 1})


def test_a_new_link_revokes_the_schools_earlier_one_of_the_audience(world, year):
    first = open_link(world.school, Audience.STUDENTS, year)
    parents = open_link(world.school, Audience.PARENTS, year)

    second = open_link(world.school, Audience.STUDENTS, year)

    first.refresh_from_db()
    parents.refresh_from_db()
    assert first.revoked_at is not None and parents.revoked_at is None and second.revoked_at is None
    assert first.token != second.token and len(second.token) >= 32


@pytest.mark.parametrize(
    ("days", "message"),
    [(-1, "Ссылка закрывается раньше, чем открывается."), (121, "Ссылка открыта не дольше 120 дней")],
)
def test_link_dates_are_checked(world, year, days, message):
    questionnaire = Questionnaire.objects.get(region=world.region, audience=Audience.STUDENTS)
    with pytest.raises(ValidationError, match=message):
        links_create(schools=[world.school], questionnaire=questionnaire, year=year, opens_on=TODAY,
                     closes_on=TODAY + datetime.timedelta(days=days), by=None)  # fmt: skip
    assert not SurveyLink.objects.exists()


# --- drafts of the antirisk programs -------------------------------------------------------------


def test_drafts_refuse_without_priorities(world, year):
    run = compute(world.region, year)
    with pytest.raises(ValidationError, match="Сначала выберите приоритетные факторы"):
        antirisk_drafts_create(school=world.school, run=run, by=world.users["school_team"])
    assert not Program.objects.exists()


def test_drafts_give_a_program_per_priority_and_a_roadmap_of_catalog_measures(world, year):
    # Given: the school's two priorities
    run = compute(world.region, year)
    team = world.users["school_team"]
    priorities_set(school=world.school, year=year, factor_keys=["management", "disabilities"], by=team)

    # When
    programs = antirisk_drafts_create(school=world.school, run=run, by=team)

    # Then: a roadmap and one antirisk program per priority, drafts of the next school year
    roadmap, *antirisk = programs
    assert roadmap.kind == ProgramKind.ROADMAP
    assert [(program.kind, program.factor_key) for program in antirisk] == [
        (ProgramKind.ANTIRISK, "management"),
        (ProgramKind.ANTIRISK, "disabilities"),
    ]
    for program in programs:
        assert program.status == ProgramStatus.DRAFT
        assert program.school == world.school
        assert program.year.end_year == 2027
        assert (program.starts_on, program.ends_on) == (datetime.date(2026, 9, 1), datetime.date(2027, 8, 31))
        assert program.profile == run.profiles.get(school=world.school)
    management = antirisk[0]
    assert management.title == "Антирисковая программа «Низкая эффективность управления»"
    assert management.goal.startswith("Снизить риск «Низкая эффективность управления» с уровня «высокий»")
    # the program's indicators are those of the evidence at a level of risk, with their baseline
    names = list(management.indicators.values_list("name", flat=True))
    assert "Лет в нижней группе по результатам" in names
    # activities are measures of the catalog against the factor, each in the program and in the roadmap
    for program in antirisk:
        activities = list(program.activities.select_related("measure"))
        assert activities
        for activity in activities:
            assert activity.measure is not None
            assert program.factor_key in activity.measure.factor_keys
            assert activity.content == activity.measure.text
            assert activity.starts_on <= activity.ends_on
            assert datetime.date(2026, 9, 1) <= activity.starts_on <= datetime.date(2027, 5, 31)
    assert roadmap.activities.count() == sum(program.activities.count() for program in antirisk)
    assert list(roadmap.sections.order_by("position").values_list("title", flat=True)) == [
        "Низкая эффективность управления",
        "Высокая доля обучающихся с ОВЗ",
    ]


def test_drafting_again_replaces_the_drafts(world, year):
    run = compute(world.region, year)
    team = world.users["school_team"]
    priorities_set(school=world.school, year=year, factor_keys=["management"], by=team)
    antirisk_drafts_create(school=world.school, run=run, by=team)

    priorities_set(school=world.school, year=year, factor_keys=["parents"], by=team)
    antirisk_drafts_create(school=world.school, run=run, by=team)

    assert sorted(Program.objects.values_list("kind", "factor_key")) == [
        (ProgramKind.ANTIRISK, "parents"),
        (ProgramKind.ROADMAP, ""),
    ]
    assert not Activity.objects.filter(program__factor_key="management").exists()


def test_a_submission_time_is_now(world, year):
    link = open_link(world.school, Audience.DIRECTOR, year)
    before = timezone.now()
    response = response_submit(link=link, answers={"d01": 2})
    assert before <= response.submitted_at <= timezone.now()


def test_a_profile_run_of_the_command_line_gives_signs_of_life_while_it_computes(world, year):
    # Given profiles computed at once, as `opora risks` does, whose progress we watch
    signs = []

    def watch(percent: int, message: str) -> None:
        signs.append(ProfileRun.objects.values_list("heartbeat_at", flat=True).get())

    run = profiles_now(region=world.region, year=year, by=None, progress=watch)

    # Then the run bore a sign of life from its first step: a stopped command leaves it seen as interrupted
    assert run.status == RunStatus.DONE
    assert signs and all(sign is not None for sign in signs)
