"""The social well-being index of a school (ИСБШ) from its context, with missing data reported."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING

import polars as pl

from ._frames import CONTEXT_REQUIRED, CONTEXT_SCHEMA, DETERMINISTIC, SCHOOLS_REQUIRED, SCHOOLS_SCHEMA, conform

if TYPE_CHECKING:  # a methodology is passed in; at run time this module needs none of its code
    from .methodology import Methodology


@dataclass(frozen=True)
class ContextVariableDefinition:
    """A context variable: its Russian name, its formula in words and how it is computed."""

    label: str
    formula: str
    expression: pl.Expr


def _part(count: str, whole: str) -> pl.Expr:
    return pl.when(pl.col(whole) > 0).then(pl.col(count).cast(pl.Float64) / pl.col(whole))


CONTEXT_VARIABLES: dict[str, ContextVariableDefinition] = {
    "low_income_share": ContextVariableDefinition(
        "Доля обучающихся из малообеспеченных семей",
        "Из малообеспеченных семей / Обучающихся",
        _part("students_low_income", "students"),
    ),
    "single_parent_share": ContextVariableDefinition(
        "Доля обучающихся из неполных семей",
        "Из неполных семей / Обучающихся",
        _part("students_single_parent", "students"),
    ),
    "disabled_share": ContextVariableDefinition(
        "Доля обучающихся с ОВЗ", "С ОВЗ / Обучающихся", _part("students_disabled", "students")
    ),
    "non_native_share": ContextVariableDefinition(
        "Доля обучающихся с неродным русским языком",
        "Неродной русский язык / Обучающихся",
        _part("students_non_native", "students"),
    ),
    "on_register_share": ContextVariableDefinition(
        "Доля обучающихся на профилактическом учёте",
        "На профилактическом учёте / Обучающихся",
        _part("students_on_register", "students"),
    ),
    "parents_higher_education_share": ContextVariableDefinition(
        "Доля родителей с высшим образованием",
        "Родители с высшим образованием, % / 100",
        pl.col("parents_higher_education_pct") / 100.0,
    ),
    "vacancy_rate": ContextVariableDefinition(
        "Доля вакантных педагогических должностей",
        "Вакансий / (Педагогических работников + Вакансий)",
        pl.when(pl.col("teachers") + pl.col("teacher_vacancies") > 0).then(
            pl.col("teacher_vacancies") / (pl.col("teachers") + pl.col("teacher_vacancies"))
        ),
    ),
    "teachers_over_60_share": ContextVariableDefinition(
        "Доля педагогов старше 60 лет",
        "Педагогов старше 60 лет / Педагогических работников",
        _part("teachers_over_60", "teachers"),
    ),
    "teachers_without_pedagogy_share": ContextVariableDefinition(
        "Доля педагогов без педагогического образования",
        "Педагогов без педагогического образования / Педагогических работников",
        _part("teachers_without_pedagogy", "teachers"),
    ),
    "teachers_part_time_share": ContextVariableDefinition(
        "Доля педагогов с внутренним совмещением",
        "Педагогов с внутренним совмещением / Педагогических работников",
        _part("teachers_part_time", "teachers"),
    ),
    "computers_per_student": ContextVariableDefinition(
        "Компьютеров на одного обучающегося",
        "Компьютеров для учебных целей / Обучающихся",
        _part("computers", "students"),
    ),
    "log_internet_mbps": ContextVariableDefinition(
        "Скорость интернета (логарифм)",
        "ln(1 + Скорость интернета, Мбит/с)",
        (pl.col("internet_mbps") + 1.0).log(),
    ),
    "rural": ContextVariableDefinition(
        "Сельская местность",
        "1, если «село», иначе 0",
        pl.when(pl.col("locality").str.to_lowercase().str.strip_chars() == "село")
        .then(1.0)
        .when(pl.col("locality").str.to_lowercase().str.strip_chars() == "город")
        .then(0.0),
    ),
    "log_distance_km": ContextVariableDefinition(
        "Удалённость от райцентра (логарифм)",
        "ln(1 + Расстояние до райцентра, км)",
        (pl.col("distance_km") + 1.0).log(),
    ),
    "log_students": ContextVariableDefinition(
        "Численность обучающихся (логарифм)",
        "ln(Обучающихся)",
        pl.when(pl.col("students") > 0).then(pl.col("students").cast(pl.Float64).log()),
    ),
}


@dataclass(frozen=True)
class Wellbeing:
    """ИСБШ per school-year, how missing context was handled, and the region's reference values.

    Attributes
    ----------
    index : polars.DataFrame
        ``code, year, wellbeing_index, wellbeing_raw, wellbeing_completeness`` and the
        standardised variables ``z_<name>`` (after the direction: higher = more favourable).
    missing : polars.DataFrame
        One row per school-year and variable that was missing: ``code, year, variable, label,
        filled_from_year`` (null when no other year had it) and ``handling`` in Russian.
    reference : polars.DataFrame
        ``year, variable, label, region_mean, region_sd, weight, direction``: what each
        school is compared with.
    """

    index: pl.DataFrame
    missing: pl.DataFrame
    reference: pl.DataFrame


def context_variables(context: pl.DataFrame | pl.LazyFrame, schools: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """The context variables of :data:`CONTEXT_VARIABLES` per school-year, in natural units.

    Shares are fractions (0–1); a part whose whole is 0 or unknown is null, never 0.

    Parameters
    ----------
    context : polars.DataFrame or polars.LazyFrame
        Form 2 (fields of ``SchoolContext``).
    schools : polars.DataFrame or polars.LazyFrame
        ``code`` and ``locality`` («город» / «село»).

    Returns
    -------
    polars.DataFrame
        ``code, year, students`` and one column per variable, sorted by code and year.

    Examples
    --------
    >>> context = pl.DataFrame({"code": ["1"], "year": [2026], "students": [200], "students_low_income": [50]})
    >>> schools = pl.DataFrame({"code": ["1"], "locality": ["село"]})
    >>> context_variables(context, schools).select("low_income_share", "rural").row(0)
    (0.25, 1.0)
    """
    frame = conform(context, CONTEXT_SCHEMA, CONTEXT_REQUIRED, "Контекстные данные")
    registry = conform(schools, SCHOOLS_SCHEMA, SCHOOLS_REQUIRED, "Реестр ОО").select("code", "locality")
    return (
        frame.join(registry.unique("code", keep="first"), on="code", how="left", maintain_order="left")
        .select(
            "code",
            "year",
            "students",
            *(definition.expression.alias(name) for name, definition in CONTEXT_VARIABLES.items()),
        )
        .sort("code", "year")
        .collect(engine=DETERMINISTIC)
    )


def wellbeing_index(variables: pl.DataFrame, methodology: Methodology) -> Wellbeing:
    """The social well-being index of each school-year (higher = more favourable conditions).

    1. A missing variable of a school-year is taken from the nearest other year of the same
       school (the earlier one on a tie); if no year has it, it is left out and reported.
    2. Each variable xⱼ is standardised over the region's schools of the year and clipped:
       zⱼ = clip((xⱼ − meanⱼ) / sdⱼ, ±``wellbeing_clip_z``), then oriented: dⱼ·zⱼ with the
       direction dⱼ = ±1 of the methodology.
    3. Weighted mean over the known variables (weights wⱼ renormalised)::

           raw = Σⱼ wⱼ dⱼ zⱼ / Σ_{j known} wⱼ,   completeness = Σ_{j known} wⱼ / Σⱼ wⱼ

    4. ИСБШ = (raw − mean(raw)) / sd(raw) over the region's schools of the year with
       completeness ≥ ``wellbeing_min_completeness``; otherwise ИСБШ is null (not 0).

    Parameters
    ----------
    variables : polars.DataFrame
        Output of :func:`context_variables`.
    methodology : Methodology

    Returns
    -------
    Wellbeing

    Examples
    --------
    >>> variables = pl.DataFrame({"code": ["1", "2", "3"], "year": [2026] * 3,
    ...                           "low_income_share": [0.1, 0.2, 0.3]})
    >>> from opora.analytics.methodology import ContextVariable, Methodology
    >>> m = Methodology(wellbeing_variables=(ContextVariable("low_income_share", 1.0, -1),))
    >>> [round(x, 3) + 0.0 for x in wellbeing_index(variables, m).index["wellbeing_index"]]
    [1.225, 0.0, -1.225]
    """
    chosen = [v for v in methodology.wellbeing_variables if v.weight > 0]
    names = [v.name for v in chosen]
    frame = variables.select(
        "code",
        "year",
        *((pl.col(n) if n in variables.columns else pl.lit(None, dtype=pl.Float64).alias(n)) for n in names),
    ).with_columns(pl.col(n).cast(pl.Float64) for n in names)
    long = frame.unpivot(index=["code", "year"], on=names, variable_name="variable", value_name="value")
    known = long.filter(pl.col("value").is_not_null() & pl.col("value").is_finite())
    absent = long.filter(pl.col("value").is_null() | ~pl.col("value").is_finite()).select("code", "year", "variable")
    candidates = (
        absent.join(
            known.rename({"year": "filled_from_year", "value": "filled"}),
            on=["code", "variable"],
            maintain_order="left",
        )
        .with_columns((pl.col("filled_from_year") - pl.col("year")).abs().alias("_distance"))
        .sort("code", "year", "variable", "_distance", "filled_from_year")
        .unique(["code", "year", "variable"], keep="first", maintain_order=True)
        .select("code", "year", "variable", "filled_from_year", "filled")
    )
    labels = {name: CONTEXT_VARIABLES[name].label if name in CONTEXT_VARIABLES else name for name in names}
    missing = (
        absent.join(candidates, on=["code", "year", "variable"], how="left", maintain_order="left")
        .with_columns(
            pl.col("variable").replace_strict(labels, return_dtype=pl.String).alias("label"),
            pl.when(pl.col("filled_from_year").is_not_null())
            .then(pl.format("взято из {}/{} учебного года", pl.col("filled_from_year") - 1, pl.col("filled_from_year")))
            .otherwise(pl.lit("нет данных ни за один год: переменная не учтена, веса остальных перераспределены"))
            .alias("handling"),
        )
        .select("code", "year", "variable", "label", "filled_from_year", "handling")
        .sort("code", "year", "variable")
    )
    filled = pl.concat([known, candidates.select("code", "year", "variable", pl.col("filled").alias("value"))]).pivot(
        on="variable", index=["code", "year"], values="value"
    )
    for name in names:
        if name not in filled.columns:
            filled = filled.with_columns(pl.lit(None, dtype=pl.Float64).alias(name))
    filled = frame.select("code", "year").join(filled, on=["code", "year"], how="left", maintain_order="left")

    clip = methodology.wellbeing_clip_z
    z_columns = []
    for variable in chosen:
        x = pl.col(variable.name)
        mean = x.mean().over("year")
        sd = x.std(ddof=0).over("year")
        z = pl.when(sd > 0).then((x - mean) / sd).otherwise(pl.when(x.is_not_null()).then(0.0))
        z_columns.append((variable.direction * z.clip(-clip, clip)).alias(f"z_{variable.name}"))
    scored = filled.with_columns(z_columns)
    total_weight = sum(v.weight for v in chosen)
    # Added one by one, left to right: sum_horizontal may add in a different order on a busy machine.
    weighted = reduce(operator.add, (pl.col(f"z_{v.name}").fill_null(0.0) * v.weight for v in chosen))
    known_weight = reduce(
        operator.add, (pl.when(pl.col(f"z_{v.name}").is_not_null()).then(v.weight).otherwise(0.0) for v in chosen)
    )
    scored = scored.with_columns(
        (known_weight / total_weight).alias("wellbeing_completeness"),
        pl.when(known_weight > 0).then(weighted / known_weight).alias("wellbeing_raw"),
    )
    eligible = pl.col("wellbeing_completeness") >= methodology.wellbeing_min_completeness
    raw_eligible = pl.when(eligible).then(pl.col("wellbeing_raw"))
    centre = raw_eligible.mean().over("year")
    spread = raw_eligible.std(ddof=0).over("year")
    scored = scored.with_columns(
        pl.when(eligible)
        .then(pl.when(spread > 0).then((pl.col("wellbeing_raw") - centre) / spread).otherwise(0.0))
        .alias("wellbeing_index")
    )
    index = scored.select(
        "code",
        "year",
        "wellbeing_index",
        "wellbeing_raw",
        "wellbeing_completeness",
        *(f"z_{v.name}" for v in chosen),
    ).sort("code", "year")
    reference = (
        filled.unpivot(index=["code", "year"], on=names, variable_name="variable", value_name="value")
        .group_by("year", "variable", maintain_order=True)
        .agg(pl.col("value").mean().alias("region_mean"), pl.col("value").std(ddof=0).alias("region_sd"))
        .with_columns(
            pl.col("variable").replace_strict(labels, return_dtype=pl.String).alias("label"),
            pl.col("variable")
            .replace_strict({v.name: v.weight for v in chosen}, return_dtype=pl.Float64)
            .alias("weight"),
            pl.col("variable")
            .replace_strict({v.name: v.direction for v in chosen}, return_dtype=pl.Int64)
            .alias("direction"),
        )
        .select("year", "variable", "label", "region_mean", "region_sd", "weight", "direction")
        .sort("year", "variable")
    )
    return Wellbeing(index=index, missing=missing, reference=reference)
