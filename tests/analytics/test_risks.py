"""Risk profiles in the analytics: each indicator's formula, thresholds → levels, weights → a factor's level.

Pure Python: runs with ``-p no:django`` too.
"""

import random

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opora.analytics.risks import (
    LEVELS,
    RISK_INDICATORS,
    RULE_SCHEMA,
    factor_level,
    risk_indicator_values,
    risk_levels,
    rule_errors,
)
from tests.analytics.frames import marks_row, results_frame

NO_RESULTS = pl.DataFrame(
    schema={
        "code": pl.String,
        "year": pl.Int64,
        "procedure": pl.String,
        "grade": pl.Int64,
        "subject": pl.String,
        "participants": pl.Int64,
    }
)
NO_OUTCOMES = pl.DataFrame(schema={"code": pl.String, "year": pl.Int64})
NO_CONTEXT = pl.DataFrame(schema={"code": pl.String, "year": pl.Int64, "students": pl.Int64})
SCHOOLS = pl.DataFrame({"code": ["1", "2"], "locality": ["село", "город"]})


def values_of(frame: pl.DataFrame, code: str = "1") -> dict[str, float]:
    return dict(frame.filter(pl.col("code") == code).select("indicator", "value").iter_rows())


def indicators(**inputs) -> pl.DataFrame:
    arguments = {
        "year": 2026,
        "schools": SCHOOLS,
        "context": NO_CONTEXT,
        "results": NO_RESULTS,
        "outcomes": NO_OUTCOMES,
        **inputs,
    }
    return risk_indicator_values(**arguments)


def rules(*rows: tuple) -> pl.DataFrame:
    """Rules as (factor, indicator, operator, high, medium, low, weight)."""
    return pl.DataFrame(list(rows), schema=RULE_SCHEMA, orient="row")


def values(*rows: tuple) -> pl.DataFrame:
    """Values as (code, indicator, value)."""
    return pl.DataFrame(
        list(rows), schema={"code": pl.String, "indicator": pl.String, "value": pl.Float64}, orient="row"
    )


# --- each indicator's formula --------------------------------------------------------------------


def test_context_shares_from_the_latest_year_up_to_the_year():
    # Given: two years of form 2 of one school, and a later year that must not count
    context = pl.DataFrame(
        {
            "code": ["1", "1", "1"],
            "year": [2025, 2026, 2027],
            "students": [100, 200, 999],
            "students_disabled": [1, 20, 999],
            "students_low_income": [1, 50, 999],
            "students_single_parent": [1, 60, 999],
            "students_non_native": [1, 10, 999],
            "students_on_register": [1, 4, 999],
            "parents_higher_education_pct": [10.0, 22.5, 99.0],
            "teachers": [10, 18, 99],
            "teacher_vacancies": [0, 2, 99],
            "teachers_over_60": [1, 6, 99],
            "teachers_without_pedagogy": [1, 3, 99],
            "teachers_part_time": [1, 9, 99],
            "computers": [1, 10, 999],
            "internet_mbps": [1.0, 25.0, 999.0],
        }
    )

    # When
    found = values_of(indicators(context=context))

    # Then: every context indicator by its formula over the year 2026
    assert found == pytest.approx(
        {
            "computers_per_student": 10 / 200,
            "internet_mbps": 25.0,
            "vacancy_rate": 2 / (18 + 2),
            "students_per_teacher": 200 / 18,
            "teachers_over_60_share": 6 / 18,
            "teachers_part_time_share": 9 / 18,
            "teachers_without_pedagogy_share": 3 / 18,
            "disabled_share": 20 / 200,
            "non_native_share": 10 / 200,
            "on_register_share": 4 / 200,
            "single_parent_share": 60 / 200,
            "low_income_share": 50 / 200,
            "parents_higher_education_share": 0.225,
        }
    )
    assert set(found) == {key for key, item in RISK_INDICATORS.items() if item.source == "context"}


def test_context_of_an_earlier_year_stands_when_the_year_is_not_loaded():
    context = pl.DataFrame({"code": ["1"], "year": [2024], "students": [100], "students_disabled": [7]})
    assert values_of(indicators(context=context))["disabled_share"] == pytest.approx(0.07)


def test_a_share_of_a_zero_or_unknown_whole_is_absent_never_zero():
    # Given: no teachers counted, no students, an unknown count of computers
    context = pl.DataFrame(
        {
            "code": ["1"],
            "year": [2026],
            "students": [0],
            "students_disabled": [0],
            "teachers": [None],
            "teachers_over_60": [2],
            "computers": [None],
        },
        schema_overrides={"teachers": pl.Int64, "computers": pl.Int64},
    )

    # When
    found = values_of(indicators(context=context))

    # Then: nothing at all is known, and nothing is 0
    assert found == {}


def test_results_fail_shares_over_all_tests_of_the_year():
    # Given: two ВПР, an ОГЭ, an ЕГЭ, annual marks, and a ВПР of another year
    results = results_frame(
        [
            marks_row("1", 2026, "ВПР", 5, "Математика", (3, 4, 2, 1), lowered=2, confirmed=7, raised=1),
            marks_row("1", 2026, "ВПР", 6, "Русский язык", (1, 5, 3, 1), lowered=1, confirmed=8, raised=1),
            marks_row("1", 2026, "ОГЭ", 9, "Математика", (2, 8, 8, 2)),
            {
                **marks_row("1", 2026, "ЕГЭ", 11, "Русский язык", (0, 0, 0, 0)),
                **dict.fromkeys(("marks_2", "marks_3", "marks_4", "marks_5")),
                "participants": 25,
                "below_threshold": 3,
            },
            marks_row("1", 2026, "Годовые отметки", 7, "Математика", (1, 9, 7, 3)),
            marks_row("1", 2025, "ВПР", 5, "Математика", (10, 0, 0, 0), lowered=10, confirmed=0, raised=0),
        ]
    )

    # When
    found = values_of(indicators(results=results))

    # Then: «2» over participants summed over the tests of 2026, by procedure
    assert found == pytest.approx(
        {
            "vpr_fail_share": (3 + 1) / (10 + 10),
            "oge_fail_share": 2 / 20,
            "ege_below_share": 3 / 25,
            "year_marks_fail_share": 1 / 20,
            "vpr_lowered_share": (2 + 1) / (10 + 10),
        }
    )


def test_a_test_without_marks_does_not_count_as_passed():
    # Given: a ВПР whose marks are unknown beside one with marks
    unknown = {**marks_row("1", 2026, "ВПР", 7, "Физика", (0, 0, 0, 0)), "marks_2": None, "participants": 50}
    results = results_frame([marks_row("1", 2026, "ВПР", 5, "Математика", (5, 3, 1, 1)), unknown])

    # When
    found = values_of(indicators(results=results))

    # Then: the unknown test is left out of both parts of the share, and nothing compared is absent
    assert found == pytest.approx({"vpr_fail_share": 0.5})


def test_outcomes_shares():
    outcomes = pl.DataFrame(
        {
            "code": ["1", "1"],
            "year": [2026, 2025],
            "students_end": [200, 100],
            "failing": [10, 50],
            "repeating": [3, 50],
            "graduates_9": [20, 10],
            "no_certificate_9": [1, 10],
            "graduates_11": [0, 10],
            "no_certificate_11": [0, 10],
        }
    )

    found = values_of(indicators(outcomes=outcomes))

    # The year's outcomes; no graduates of the 11th grade: that share is absent, not 0
    assert found == pytest.approx({"failing_share": 0.05, "repeating_share": 0.015, "no_certificate_9_share": 0.05})


def test_identification_values_with_flags_as_one_and_zero():
    identification = pl.DataFrame(
        {
            "code": ["1", "2"],
            "years_in_bottom": [3, None],
            "value_added": [-0.42, 0.1],
            "objectivity_risk": [1, 0],
        },
        schema_overrides={"years_in_bottom": pl.Int64},
    )

    frame = indicators(identification=identification)

    assert values_of(frame, "1") == pytest.approx(
        {"years_in_bottom": 3.0, "value_added": -0.42, "objectivity_risk": 1.0}
    )
    assert values_of(frame, "2") == pytest.approx({"value_added": 0.1, "objectivity_risk": 0.0})


def test_staff_shares_from_the_teachers_list():
    # Given: four teachers of form 8, one with an unknown year of courses
    teachers = pl.DataFrame(
        {
            "code": ["1", "1", "1", "1"],
            "deficits": ["методика", "", None, "  "],
            "last_training_year": [2015, 2023, 2022, None],
            "category": ["без категории", "высшая", "соответствие занимаемой должности", None],
        },
        schema_overrides={"last_training_year": pl.Int64},
    )

    found = values_of(indicators(teachers=teachers))

    assert found == pytest.approx(
        {
            "teachers_with_deficits_share": 1 / 4,
            # courses in 2023 are three years before 2026, not earlier; unknown years are left out
            "teachers_not_trained_share": 2 / 3,
            "teachers_without_category_share": 2 / 4,
        }
    )


def test_no_teachers_and_no_identification_give_no_values():
    frame = indicators(teachers=None, identification=None)
    assert frame.is_empty()
    assert frame.columns == ["code", "indicator", "value"]


def test_a_missing_required_column_is_named_in_russian():
    with pytest.raises(ValueError, match=r"«Контекстные данные».*students"):
        indicators(context=pl.DataFrame({"code": ["1"], "year": [2026]}))


# --- thresholds → levels -------------------------------------------------------------------------

HIGHER_WORSE = ("f", "a", ">=", 0.3, 0.2, 0.1, 1.0)
LOWER_WORSE = ("f", "a", "<=", 0.1, 0.2, 0.3, 1.0)


@pytest.mark.parametrize(
    ("rule", "value", "level"),
    [
        (HIGHER_WORSE, 0.35, 3),
        (HIGHER_WORSE, 0.3, 3),  # the threshold itself is reached
        (HIGHER_WORSE, 0.2999, 2),
        (HIGHER_WORSE, 0.2, 2),
        (HIGHER_WORSE, 0.1999, 1),
        (HIGHER_WORSE, 0.1, 1),
        (HIGHER_WORSE, 0.0999, 0),
        (HIGHER_WORSE, 0.0, 0),
        (LOWER_WORSE, 0.0, 3),
        (LOWER_WORSE, 0.1, 3),
        (LOWER_WORSE, 0.1001, 2),
        (LOWER_WORSE, 0.2, 2),
        (LOWER_WORSE, 0.2001, 1),
        (LOWER_WORSE, 0.3, 1),
        (LOWER_WORSE, 0.3001, 0),
        (LOWER_WORSE, 5.0, 0),
    ],
)
def test_a_value_gets_the_level_whose_threshold_it_reaches(rule, value, level):
    evidence, factors = risk_levels(values(("1", "a", value)), rules(rule))
    assert evidence["level"].to_list() == [level]
    assert factors.select("level", "indicators").row(0) == (level, 1)


@pytest.mark.parametrize(("value", "level"), [(1.0, 3), (0.0, 0)])
def test_a_rule_with_only_the_high_threshold_is_high_or_no_risk(value, level):
    evidence, _factors = risk_levels(values(("1", "a", value)), rules(("f", "a", ">=", 1.0, None, None, 1.0)))
    assert evidence["level"].to_list() == [level]


def test_a_rule_without_the_medium_threshold_skips_that_level():
    rule = ("f", "a", ">=", 0.3, None, 0.1, 1.0)
    evidence, _factors = risk_levels(values(("1", "a", 0.25), ("2", "a", 0.05)), rules(rule))
    assert evidence.select("code", "level").rows() == [("1", 1), ("2", 0)]


def test_evidence_keeps_the_value_and_the_rule():
    evidence, _factors = risk_levels(values(("1", "a", 0.25)), rules(HIGHER_WORSE))
    assert evidence.row(0, named=True) == {
        "code": "1",
        "factor": "f",
        "indicator": "a",
        "value": 0.25,
        "operator": ">=",
        "high": 0.3,
        "medium": 0.2,
        "low": 0.1,
        "weight": 1.0,
        "level": 2,
    }


# --- weights → a factor's level ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "level"),
    [(0.0, 0), (0.49, 0), (0.5, 1), (1.49, 1), (1.5, 2), (2.49, 2), (2.5, 3), (3.0, 3)],
)
def test_factor_level_rounds_half_way_up(score, level):
    assert pl.select(factor_level(pl.lit(score))).item() == level


def test_weights_combine_the_rules_into_the_factor_level():
    # Given: a factor of three rules, a heavy one at «высокий», two light ones at «нет риска»
    frame = rules(
        ("f", "a", ">=", 0.3, 0.2, 0.1, 2.0),
        ("f", "b", ">=", 0.3, 0.2, 0.1, 0.5),
        ("f", "c", "<=", 10.0, 20.0, 30.0, 0.5),
    )
    given = values(("1", "a", 0.4), ("1", "b", 0.0), ("1", "c", 50.0))

    # When
    evidence, factors = risk_levels(given, frame)

    # Then: score = (2·3 + 0.5·0 + 0.5·0) / 3 = 2, level «средний»
    assert evidence.select("indicator", "level").rows() == [("a", 3), ("b", 0), ("c", 0)]
    row = factors.row(0, named=True)
    assert row["score"] == pytest.approx(2.0)
    assert (row["level"], row["indicators"]) == (2, 3)

    # And with equal weights the same levels give score 1, «низкий»
    _evidence, equal = risk_levels(given, frame.with_columns(pl.lit(1.0).alias("weight")))
    assert equal.select("score", "level").row(0) == (pytest.approx(1.0), 1)


def test_one_indicator_feeds_every_factor_that_has_a_rule_for_it():
    frame = rules(("f", "a", ">=", 0.3, 0.2, 0.1, 1.0), ("g", "a", ">=", 0.9, 0.5, 0.25, 1.0))
    _evidence, factors = risk_levels(values(("1", "a", 0.3)), frame)
    assert factors.select("factor", "level").rows() == [("f", 3), ("g", 1)]


def test_a_factor_with_no_known_value_has_no_level_never_no_risk():
    # Given: factor «g» has rules, but none of its indicators has a value for the school
    frame = rules(("f", "a", ">=", 0.3, 0.2, 0.1, 1.0), ("g", "b", ">=", 0.3, 0.2, 0.1, 1.0))

    # When
    evidence, factors = risk_levels(values(("1", "a", 0.0)), frame)

    # Then: «f» is «нет риска» (its value is known); «g» has no row at all: «нет данных»
    assert factors.select("code", "factor", "level").rows() == [("1", "f", 0)]
    assert evidence.select("code", "factor").rows() == [("1", "f")]


def test_the_product_values_never_hold_an_unknown_value():
    # A value the data cannot give is no row at all (a NaN speed of the internet included)
    context = pl.DataFrame({"code": ["1"], "year": [2026], "students": [100], "internet_mbps": [float("nan")]})
    frame = indicators(context=context)
    assert frame["value"].is_null().sum() == 0
    assert frame["value"].is_finite().all()


@pytest.mark.parametrize("unknown", [None, float("nan")])
@pytest.mark.parametrize("operator", [">=", "<="])
def test_an_unknown_value_passed_in_gives_no_level(unknown, operator):
    # Given: a value row whose value is unknown (a caller's frame with nulls, or NaN from a division)
    frame = rules(("g", "b", operator, 0.3, 0.3, 0.3, 1.0))

    # When
    _evidence, factors = risk_levels(values(("2", "b", unknown)), frame)

    # Then: «нет данных», neither «нет риска» nor «высокий»
    assert factors.is_empty()


def test_values_tied_to_a_factor_feed_only_that_factor():
    # Given: the questionnaire answers about «f» and about «g», both under one indicator
    frame = rules(("f", "q", "<=", 40, 55, 70, 1.0), ("g", "q", "<=", 40, 55, 70, 1.0))
    given = pl.DataFrame({"code": ["1", "1"], "indicator": ["q", "q"], "value": [30.0, 90.0], "factor": ["f", "g"]})

    _evidence, factors = risk_levels(given, frame)

    assert factors.select("factor", "level").rows() == [("f", 3), ("g", 0)]


def test_level_names():
    assert LEVELS == ("нет риска", "низкий", "средний", "высокий")


# --- rule_errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "errors"),
    [
        ((">=", 0.3, 0.2, 0.1, 1.0), []),
        (("<=", 0.1, 0.2, 0.3, 1.0), []),
        ((">=", 0.3, 0.3, 0.3, 1.0), []),
        ((">=", 1.0, None, None, 1.0), []),
        ((">=", 0.3, None, 0.1, 0.5), []),
        (
            (">=", 0.1, 0.2, 0.3, 1.0),
            ["Для «больше — хуже» пороги идут вниз: высокий ≥ средний ≥ низкий."],
        ),
        (
            ("<=", 0.3, 0.2, 0.1, 1.0),
            ["Для «меньше — хуже» пороги идут вверх: высокий ≤ средний ≤ низкий."],
        ),
        ((">=", 0.1, None, 0.3, 1.0), ["Для «больше — хуже» пороги идут вниз: высокий ≥ средний ≥ низкий."]),
        ((">=", None, None, None, 1.0), ["Укажите хотя бы один порог."]),
        ((">=", 0.3, 0.2, 0.1, 0.0), ["Вес должен быть больше 0."]),
        ((">=", 0.3, 0.2, 0.1, -1.0), ["Вес должен быть больше 0."]),
        (
            ("=", None, None, None, 0.0),
            ["Оператор — «>=» или «<=», а не «=».", "Укажите хотя бы один порог.", "Вес должен быть больше 0."],
        ),
    ],
)
def test_rule_errors_say_what_is_wrong_in_russian(rule, errors):
    assert rule_errors(*rule) == errors


# --- properties ----------------------------------------------------------------------------------

FACTORS = ("f", "g", "h")
INDICATORS = ("a", "b", "c", "d")


@st.composite
def rule_sets(draw) -> pl.DataFrame:
    rows = []
    for indicator in INDICATORS:
        factor = draw(st.sampled_from(FACTORS))
        operator = draw(st.sampled_from((">=", "<=")))
        thresholds = sorted(draw(st.lists(st.floats(0, 1, allow_nan=False), min_size=3, max_size=3)))
        high, medium, low = thresholds[::-1] if operator == ">=" else thresholds
        weight = draw(st.sampled_from((0.5, 1.0, 2.0)))
        rows.append((factor, indicator, operator, high, medium, low, weight))
    return rules(*rows)


@st.composite
def value_sets(draw, unknown: bool = False) -> pl.DataFrame:
    """Values of some schools' indicators; with ``unknown``, some rows hold null or NaN."""
    value = st.floats(0, 1, allow_nan=False)
    if unknown:
        value = st.one_of(value, st.none(), st.just(float("nan")))
    rows = [
        (code, indicator, draw(value)) for code in ("1", "2", "3") for indicator in INDICATORS if draw(st.booleans())
    ]
    return values(*rows)


def _known(given: pl.DataFrame) -> pl.DataFrame:
    return given.filter(pl.col("value").is_not_null() & pl.col("value").is_not_nan())


def _factor_levels(given: pl.DataFrame, frame: pl.DataFrame) -> dict[tuple[str, str], int]:
    _evidence, factors = risk_levels(given, frame)
    return {(code, factor): level for code, factor, level in factors.select("code", "factor", "level").iter_rows()}


@settings(max_examples=60, deadline=None)
@given(rule_sets(), value_sets(), st.randoms(use_true_random=False))
def test_levels_do_not_depend_on_the_order_of_rows(frame, given, shuffler):
    rows, rule_rows = given.rows(), frame.rows()
    shuffler.shuffle(rows)
    shuffler.shuffle(rule_rows)
    shuffled = values(*rows) if rows else given
    first_evidence, first = risk_levels(given, frame)
    second_evidence, second = risk_levels(shuffled, rules(*rule_rows))
    assert first.to_dicts() == second.to_dicts()
    assert first_evidence.to_dicts() == second_evidence.to_dicts()


@settings(max_examples=80, deadline=None)
@given(rule_sets(), value_sets(unknown=True))
def test_a_missing_value_never_counts_as_no_risk(frame, given):
    # The factor's score is the weighted mean over the known values only: with a missing value
    # (no row, null or NaN) counted as «нет риска» (level 0) the score could only be lower.
    evidence, factors = risk_levels(given, frame)
    assert evidence.height == _known(given).height
    known = {(code, factor) for code, factor in evidence.select("code", "factor").iter_rows()}
    assert set(factors.select("code", "factor").iter_rows()) == known
    for row in factors.iter_rows(named=True):
        mine = evidence.filter((pl.col("code") == row["code"]) & (pl.col("factor") == row["factor"]))
        all_weights = frame.filter(pl.col("factor") == row["factor"])["weight"].sum()
        as_if_zero = (mine["level"] * mine["weight"]).sum() / all_weights
        assert row["score"] == pytest.approx((mine["level"] * mine["weight"]).sum() / mine["weight"].sum())
        assert row["score"] >= as_if_zero - 1e-12
    # A factor none of whose indicators is known has no level at all
    for code in ("1", "2", "3"):
        for factor in FACTORS:
            own = frame.filter(pl.col("factor") == factor)["indicator"].to_list()
            has_value = not _known(given).filter((pl.col("code") == code) & pl.col("indicator").is_in(own)).is_empty()
            assert ((code, factor) in known) == has_value


@settings(max_examples=60, deadline=None)
@given(rule_sets(), value_sets(), st.floats(0, 1, allow_nan=False), st.integers(0, 1000))
def test_a_worse_value_never_gives_a_lower_level(frame, given, step, seed):
    # Given: one known value made worse (larger for «>=», smaller for «<=»)
    if given.is_empty():
        return
    index = random.Random(seed).randrange(given.height)
    code, indicator, value = given.row(index)
    operator = frame.filter(pl.col("indicator") == indicator)["operator"].item()
    worse = value + step if operator == ">=" else value - step
    rows = given.rows()
    rows[index] = (code, indicator, worse)

    # When
    before_evidence, _ = risk_levels(given, frame)
    after_evidence, _ = risk_levels(values(*rows), frame)
    before, after = _factor_levels(given, frame), _factor_levels(values(*rows), frame)

    # Then: neither the indicator's level nor any factor's level goes down
    def level_of(evidence: pl.DataFrame) -> int:
        return evidence.filter((pl.col("code") == code) & (pl.col("indicator") == indicator))["level"].item()

    assert level_of(after_evidence) >= level_of(before_evidence)
    assert set(after) == set(before)
    assert all(after[key] >= before[key] for key in before)
