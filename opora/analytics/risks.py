"""Risk profiles: each school's risk factors with a level, from indicators and the region's rules.

Two steps, each a function:

1. :func:`risk_indicator_values` computes every indicator of :data:`RISK_INDICATORS` a school's
   data allow for a school year: context shares (form 2), results (form 3), year outcomes
   (form 5), teachers (form 8) and what identification found. A value the data cannot give is
   absent, never 0.
2. :func:`risk_levels` applies the region's rules (factor × indicator × operator × thresholds ×
   weight) to those values: each indicator gets a level, each factor the weighted mean of its
   indicators' levels. A factor none of whose indicators is known has no level («нет данных»).

Levels are scored 0 «нет риска», 1 «низкий», 2 «средний», 3 «высокий». The rules are data: a
region edits them; ``docs/risks.md`` gives the reasons for the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ._frames import (
    CONTEXT_REQUIRED,
    CONTEXT_SCHEMA,
    DETERMINISTIC,
    OUTCOMES_REQUIRED,
    OUTCOMES_SCHEMA,
    RESULTS_REQUIRED,
    RESULTS_SCHEMA,
    SCHOOLS_REQUIRED,
    SCHOOLS_SCHEMA,
    conform,
)
from .methodology import ANNUAL_MARKS, EGE, OGE, VPR
from .wellbeing import context_variables

LEVELS = ("нет риска", "низкий", "средний", "высокий")
"""Level names by score: 0 «нет риска» … 3 «высокий»."""
OPERATORS = (">=", "<=")
"""«>=»: the larger the value, the higher the risk; «<=»: the smaller, the higher."""
SOURCES = {
    "context": "контекстные данные",
    "results": "результаты",
    "outcomes": "итоги учебного года",
    "identification": "выявление",
    "staff": "педагоги",
    "questionnaire": "анкеты",
}


@dataclass(frozen=True)
class RiskIndicator:
    """An indicator a rule may use: its Russian name, where its data come from and its formula in words."""

    key: str
    label: str
    source: str
    formula: str
    unit: str = "доля"


def _indicators(*items: RiskIndicator) -> dict[str, RiskIndicator]:
    return {item.key: item for item in items}


RISK_INDICATORS: dict[str, RiskIndicator] = _indicators(
    RiskIndicator("computers_per_student", "Компьютеров на одного обучающегося", "context",
                  "Компьютеров для учебных целей / Обучающихся", "шт."),
    RiskIndicator("internet_mbps", "Скорость интернета", "context", "Скорость интернета, Мбит/с", "Мбит/с"),
    RiskIndicator("vacancy_rate", "Доля вакантных педагогических должностей", "context",
                  "Вакансий / (Педагогических работников + Вакансий)"),
    RiskIndicator("students_per_teacher", "Обучающихся на одного педагога", "context",
                  "Обучающихся / Педагогических работников", "чел."),
    RiskIndicator("teachers_over_60_share", "Доля педагогов старше 60 лет", "context",
                  "Педагогов старше 60 лет / Педагогических работников"),
    RiskIndicator("teachers_part_time_share", "Доля педагогов с внутренним совмещением", "context",
                  "Педагогов с внутренним совмещением / Педагогических работников"),
    RiskIndicator("teachers_without_pedagogy_share", "Доля педагогов без педагогического образования", "context",
                  "Педагогов без педагогического образования / Педагогических работников"),
    RiskIndicator("disabled_share", "Доля обучающихся с ОВЗ", "context", "С ОВЗ / Обучающихся"),
    RiskIndicator("non_native_share", "Доля обучающихся с неродным русским языком", "context",
                  "Неродной русский язык / Обучающихся"),
    RiskIndicator("on_register_share", "Доля обучающихся на профилактическом учёте", "context",
                  "На профилактическом учёте / Обучающихся"),
    RiskIndicator("single_parent_share", "Доля обучающихся из неполных семей", "context",
                  "Из неполных семей / Обучающихся"),
    RiskIndicator("low_income_share", "Доля обучающихся из малообеспеченных семей", "context",
                  "Из малообеспеченных семей / Обучающихся"),
    RiskIndicator("parents_higher_education_share", "Доля родителей с высшим образованием", "context",
                  "Родители с высшим образованием, % / 100"),
    RiskIndicator("vpr_fail_share", "Доля «2» по ВПР", "results", "«2» / Участников по всем ВПР года"),
    RiskIndicator("oge_fail_share", "Доля «2» по ОГЭ", "results", "«2» / Участников по всем ОГЭ года"),
    RiskIndicator("ege_below_share", "Доля не преодолевших минимальный порог ЕГЭ", "results",
                  "Не преодолели минимальный порог / Участников по всем ЕГЭ года"),
    RiskIndicator("year_marks_fail_share", "Доля «2» в годовых отметках", "results",
                  "«2» / Участников по годовым отметкам года"),
    RiskIndicator("vpr_lowered_share", "Доля понизивших отметку на ВПР", "results",
                  "Понизили / (Понизили + Подтвердили + Повысили) по ВПР года"),
    RiskIndicator("failing_share", "Доля неуспевающих", "outcomes", "Неуспевающих / Обучающихся на конец года"),
    RiskIndicator("repeating_share", "Доля оставленных на повторное обучение", "outcomes",
                  "Оставлены на повторное обучение / Обучающихся на конец года"),
    RiskIndicator("no_certificate_9_share", "Доля выпускников 9 классов без аттестата", "outcomes",
                  "Не получили аттестат (9) / Выпускников 9 классов"),
    RiskIndicator("no_certificate_11_share", "Доля выпускников 11 классов без аттестата", "outcomes",
                  "Не получили аттестат (11) / Выпускников 11 классов"),
    RiskIndicator("years_in_bottom", "Лет в нижней группе по результатам", "identification",
                  "Лет из периода анализа в нижней группе по индексу результатов", "лет"),
    RiskIndicator("value_added", "Результаты с учётом условий (добавленная ценность)", "identification",
                  "Индекс результатов минус ожидаемый по условиям, в стандартных отклонениях", "ст. откл."),
    RiskIndicator("objectivity_risk", "Риск необъективности ВПР", "identification",
                  "1 — признак выявления «риск необъективности», 0 — нет", "да/нет"),
    RiskIndicator("teachers_with_deficits_share", "Доля педагогов с выявленными дефицитами", "staff",
                  "Педагогов с дефицитами / Педагогов в списке (форма «Педагоги»)"),
    RiskIndicator("teachers_not_trained_share", "Доля педагогов без повышения квалификации за 3 года", "staff",
                  "Педагогов, чьи последние курсы раньше чем 3 года назад / Педагогов с известным годом курсов"),
    RiskIndicator("teachers_without_category_share", "Доля педагогов без квалификационной категории", "staff",
                  "«без категории» и «соответствие занимаемой должности» / Педагогов в списке"),
    RiskIndicator("questionnaire", "Ответы анкеты", "questionnaire",
                  "Средняя доля благополучных ответов на вопросы анкеты об этом факторе, 0–100 (только при "
                  "5 ответах и более)", "%"),
)  # fmt: skip


def _share(numerator: str, denominator: str) -> pl.Expr:
    return pl.when(pl.col(denominator) > 0).then(pl.col(numerator).cast(pl.Float64) / pl.col(denominator))


def _long(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    present = [column for column in columns if column in frame.columns]
    if frame.is_empty() or not present:
        return pl.DataFrame(schema={"code": pl.String, "indicator": pl.String, "value": pl.Float64})
    return (
        frame.select("code", *(pl.col(column).cast(pl.Float64) for column in present))
        .unpivot(index="code", variable_name="indicator", value_name="value")
        .drop_nulls("value")
        .filter(pl.col("value").is_finite())
    )


def _context_values(context: pl.DataFrame, schools: pl.DataFrame, year: int) -> pl.DataFrame:
    """The school's latest context up to ``year``: shares of form 2 and a few counts."""
    latest = context.filter(pl.col("year") <= year).sort("code", "year").group_by("code", maintain_order=True).last()
    if latest.is_empty():
        return _long(latest, [])
    variables = context_variables(latest, schools)
    extra = latest.select(
        "code",
        pl.col("internet_mbps").cast(pl.Float64),
        _share("students", "teachers").alias("students_per_teacher"),
    )
    joined = variables.join(extra, on="code", how="left")
    return _long(joined, [key for key, item in RISK_INDICATORS.items() if item.source == "context"])


def _results_values(results: pl.DataFrame, year: int) -> pl.DataFrame:
    rows = results.filter(pl.col("year") == year)
    if rows.is_empty():
        return _long(rows, [])

    def fail_share(procedure: str, name: str) -> pl.Expr:
        chosen = pl.col("procedure") == procedure
        given = chosen & pl.col("marks_2").is_not_null()
        return (
            pl.when(pl.col("participants").filter(given).sum() > 0)
            .then(pl.col("marks_2").filter(given).sum() / pl.col("participants").filter(given).sum())
            .alias(name)
        )

    ege = (pl.col("procedure") == EGE) & pl.col("below_threshold").is_not_null()
    compared = (pl.col("procedure") == VPR) & pl.col("lowered").is_not_null()
    n_compared = (pl.col("lowered") + pl.col("confirmed") + pl.col("raised")).filter(compared).sum()
    per_school = rows.group_by("code", maintain_order=True).agg(
        fail_share(VPR, "vpr_fail_share"),
        fail_share(OGE, "oge_fail_share"),
        fail_share(ANNUAL_MARKS, "year_marks_fail_share"),
        pl.when(pl.col("participants").filter(ege).sum() > 0)
        .then(pl.col("below_threshold").filter(ege).sum() / pl.col("participants").filter(ege).sum())
        .alias("ege_below_share"),
        pl.when(n_compared > 0).then(pl.col("lowered").filter(compared).sum() / n_compared).alias("vpr_lowered_share"),
    )
    return _long(per_school, ["vpr_fail_share", "oge_fail_share", "ege_below_share", "year_marks_fail_share",
                              "vpr_lowered_share"])  # fmt: skip


def _outcome_values(outcomes: pl.DataFrame, year: int) -> pl.DataFrame:
    rows = outcomes.filter(pl.col("year") == year)
    values = rows.select(
        "code",
        _share("failing", "students_end").alias("failing_share"),
        _share("repeating", "students_end").alias("repeating_share"),
        _share("no_certificate_9", "graduates_9").alias("no_certificate_9_share"),
        _share("no_certificate_11", "graduates_11").alias("no_certificate_11_share"),
    )
    return _long(values, [name for name in values.columns if name != "code"])


def _identification_values(identification: pl.DataFrame | None) -> pl.DataFrame:
    if identification is None or identification.is_empty():
        return _long(pl.DataFrame(schema={"code": pl.String}), [])
    frame = identification.select(
        "code",
        *(
            pl.col(name).cast(pl.Float64)
            for name in ("years_in_bottom", "value_added", "objectivity_risk")
            if name in identification.columns
        ),
    )
    return _long(frame, ["years_in_bottom", "value_added", "objectivity_risk"])


def _staff_values(teachers: pl.DataFrame | None, year: int) -> pl.DataFrame:
    if teachers is None or teachers.is_empty():
        return _long(pl.DataFrame(schema={"code": pl.String}), [])
    trained = pl.col("last_training_year").is_not_null()
    category = pl.col("category").fill_null("")
    per_school = teachers.group_by("code", maintain_order=True).agg(
        (pl.col("deficits").fill_null("").str.strip_chars() != "").mean().alias("teachers_with_deficits_share"),
        pl.when(trained.sum() > 0)
        .then((pl.col("last_training_year").filter(trained) < year - 3).mean())
        .alias("teachers_not_trained_share"),
        pl.when(pl.col("category").is_not_null().sum() > 0)
        .then(category.is_in(["без категории", "соответствие занимаемой должности"]).mean())
        .alias("teachers_without_category_share"),
    )
    return _long(per_school, ["teachers_with_deficits_share", "teachers_not_trained_share",
                              "teachers_without_category_share"])  # fmt: skip


def risk_indicator_values(
    *,
    year: int,
    schools: pl.DataFrame | pl.LazyFrame,
    context: pl.DataFrame | pl.LazyFrame,
    results: pl.DataFrame | pl.LazyFrame,
    outcomes: pl.DataFrame | pl.LazyFrame,
    teachers: pl.DataFrame | None = None,
    identification: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Every indicator of :data:`RISK_INDICATORS` the data allow, per school, for a school year.

    Context is the school's latest year up to ``year``; results and outcomes are of ``year``;
    teachers (form 8: ``code, deficits, last_training_year, category``) as given; the
    identification's ``code, years_in_bottom, value_added, objectivity_risk`` (flags as 1/0,
    unknown as null). The questionnaire indicators come from the answers (the product computes
    them, only where at least five answers stand behind a figure).

    Returns
    -------
    polars.DataFrame
        ``code, indicator, value`` (one row per known value), sorted by code and indicator.

    Examples
    --------
    >>> context = pl.DataFrame({"code": ["1"], "year": [2026], "students": [200], "computers": [10]})
    >>> schools = pl.DataFrame({"code": ["1"], "locality": ["село"]})
    >>> empty = pl.DataFrame(schema={"code": pl.String, "year": pl.Int64, "procedure": pl.String,
    ...     "grade": pl.Int64, "subject": pl.String, "participants": pl.Int64})
    >>> outcomes = pl.DataFrame({"code": ["1"], "year": [2026], "students_end": [200], "failing": [30]})
    >>> values = risk_indicator_values(year=2026, schools=schools, context=context, results=empty, outcomes=outcomes)
    >>> dict(values.select("indicator", "value").iter_rows())["failing_share"]
    0.15
    """
    context_frame = conform(context, CONTEXT_SCHEMA, CONTEXT_REQUIRED, "Контекстные данные").collect(
        engine=DETERMINISTIC
    )
    school_frame = conform(schools, SCHOOLS_SCHEMA, SCHOOLS_REQUIRED, "Реестр ОО").collect(engine=DETERMINISTIC)
    result_frame = conform(results, RESULTS_SCHEMA, RESULTS_REQUIRED, "Результаты по ОО").collect(engine=DETERMINISTIC)
    outcome_frame = conform(outcomes, OUTCOMES_SCHEMA, OUTCOMES_REQUIRED, "Итоги учебного года").collect(
        engine=DETERMINISTIC
    )
    parts = [
        _context_values(context_frame, school_frame, year),
        _results_values(result_frame, year),
        _outcome_values(outcome_frame, year),
        _identification_values(identification),
        _staff_values(teachers, year),
    ]
    return pl.concat(parts, how="vertical_relaxed").sort("code", "indicator")


RULE_SCHEMA = {
    "factor": pl.String,
    "indicator": pl.String,
    "operator": pl.String,
    "high": pl.Float64,
    "medium": pl.Float64,
    "low": pl.Float64,
    "weight": pl.Float64,
}


def rule_errors(operator: str, high: float | None, medium: float | None, low: float | None, weight: float) -> list[str]:
    """What is wrong with one rule, in Russian (empty when it is valid).

    >>> rule_errors(">=", 0.3, 0.2, 0.1, 1.0), rule_errors("<=", 0.3, 0.2, 0.1, 1.0)[0][:37]
    ([], 'Для «меньше — хуже» пороги идут вверх')
    """
    errors = []
    if operator not in OPERATORS:
        errors.append(f"Оператор — «>=» или «<=», а не «{operator}».")
    thresholds = [value for value in (high, medium, low) if value is not None]
    if not thresholds:
        errors.append("Укажите хотя бы один порог.")
    elif operator == ">=" and thresholds != sorted(thresholds, reverse=True):
        errors.append("Для «больше — хуже» пороги идут вниз: высокий ≥ средний ≥ низкий.")
    elif operator == "<=" and thresholds != sorted(thresholds):
        errors.append("Для «меньше — хуже» пороги идут вверх: высокий ≤ средний ≤ низкий.")
    if not weight > 0:
        errors.append("Вес должен быть больше 0.")
    return errors


def _level_expression() -> pl.Expr:
    value = pl.col("value")

    def reached(threshold: str) -> pl.Expr:
        bound = pl.col(threshold)
        return bound.is_not_null() & pl.when(pl.col("operator") == ">=").then(value >= bound).otherwise(value <= bound)

    return (
        pl.when(reached("high"))
        .then(3)
        .when(reached("medium"))
        .then(2)
        .when(reached("low"))
        .then(1)
        .otherwise(0)
        .cast(pl.Int64)
    )


def factor_level(score: pl.Expr) -> pl.Expr:
    """The level of a factor from the weighted mean score of its indicators (half-way rounding up)."""
    return pl.when(score >= 2.5).then(3).when(score >= 1.5).then(2).when(score >= 0.5).then(1).otherwise(0)


def risk_levels(values: pl.DataFrame, rules: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Levels of each school's indicators and factors by the region's rules.

    A rule (``factor, indicator, operator, high, medium, low, weight``) gives an indicator the
    level whose threshold its value reaches: with «>=» a value ≥ ``high`` is «высокий» (3),
    else ≥ ``medium`` «средний» (2), else ≥ ``low`` «низкий» (1), else «нет риска» (0); with
    «<=» the same downwards. A factor's score is the weighted mean of the levels of its
    indicators with known values, and its level::

        score = Σ wᵢ·levelᵢ / Σ wᵢ;   level = 3 if score ≥ 2,5; 2 if ≥ 1,5; 1 if ≥ 0,5; else 0

    A value that is unknown (null or NaN) is no evidence; a factor with no known indicator has no
    row: «нет данных», never «нет риска».

    Parameters
    ----------
    values : polars.DataFrame
        ``code, indicator, value`` (from :func:`risk_indicator_values` and the questionnaires); an
        optional ``factor`` column ties a value to one factor (the answers about that factor).
    rules : polars.DataFrame
        The columns of :data:`RULE_SCHEMA`; a factor may have several rules.

    Returns
    -------
    (polars.DataFrame, polars.DataFrame)
        The evidence: ``code, factor, indicator, value, operator, high, medium, low, weight,
        level``; and the factors: ``code, factor, score, level, indicators`` (how many known).

    Examples
    --------
    >>> values = pl.DataFrame({"code": ["1", "1"], "indicator": ["a", "b"], "value": [0.4, 0.05]})
    >>> rules = pl.DataFrame({"factor": ["f", "f"], "indicator": ["a", "b"], "operator": [">=", ">="],
    ...     "high": [0.3, 0.3], "medium": [0.2, 0.2], "low": [0.1, 0.1], "weight": [1.0, 1.0]})
    >>> evidence, factors = risk_levels(values, rules)
    >>> evidence["level"].to_list(), factors.select("score", "level").row(0)
    ([3, 0], (1.5, 2))
    """
    rule_frame = rules.select([pl.col(name).cast(dtype) for name, dtype in RULE_SCHEMA.items()])
    given = values.select(
        "code",
        "indicator",
        pl.col("value").cast(pl.Float64),
        (pl.col("factor") if "factor" in values.columns else pl.lit(None)).cast(pl.String).alias("_for"),
    ).filter(pl.col("value").is_finite())  # an unknown value (null, NaN) is no evidence: never «нет риска»
    evidence = (
        given.join(rule_frame, on="indicator", how="inner")
        .filter(pl.col("_for").is_null() | (pl.col("_for") == pl.col("factor")))
        .with_columns(_level_expression().alias("level"))
        .select("code", "factor", "indicator", "value", "operator", "high", "medium", "low", "weight", "level")
        .sort("code", "factor", "indicator")
    )
    factors = (
        evidence.group_by("code", "factor", maintain_order=True)
        .agg(
            ((pl.col("level") * pl.col("weight")).sum() / pl.col("weight").sum()).alias("score"),
            pl.len().cast(pl.Int64).alias("indicators"),
        )
        .with_columns(factor_level(pl.col("score")).cast(pl.Int64).alias("level"))
        .select("code", "factor", "score", "level", "indicators")
        .sort("code", "factor")
    )
    return evidence, factors
