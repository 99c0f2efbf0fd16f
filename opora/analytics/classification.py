"""Identification for a year: ШНОР with its cause, ШНСУ, resilient schools and the flags."""

from __future__ import annotations

from dataclasses import dataclass, field

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
from .clusters import context_clusters, peer_comparison
from .explanation import explain
from .failure import learning_failure, rosobrnadzor_signal
from .indicators import result_indicators
from .methodology import Methodology
from .objectivity import objectivity_long, objectivity_signals
from .results_index import raw_results_index, results_index, standardised_scores
from .value_added import value_added, value_added_covariates
from .wellbeing import context_variables, wellbeing_index

INTERNAL = "внутришкольные"
CONTEXT = "контекст"

# English column of Identification.schools → the Russian column of the report, in order.
REPORT_COLUMNS: dict[str, str] = {
    "code": "Код ОО",
    "name": "Наименование",
    "municipality": "Муниципалитет",
    "results_index": "Индекс результатов",
    "results_index_lower": "Индекс результатов: нижняя граница",
    "results_index_upper": "Индекс результатов: верхняя граница",
    "wellbeing_index": "ИСБШ",
    "value_added": "Добавленная ценность",
    "cluster": "Кластер",
    "low_results": "ШНОР",
    "low_results_cause": "Причина низких результатов",
    "unfavourable": "ШНСУ",
    "resilient": "Резильентная",
    "objectivity_risk": "Риск необъективности",
    "learning_failure": "Неуспешность более 50%",
    "years_in_bottom": "Лет в нижней группе",
    "explanation": "Пояснение",
}
_FLAGS = ("low_results", "unfavourable", "resilient", "objectivity_risk", "learning_failure")


@dataclass(frozen=True)
class Identification:
    """Everything one identification run computes; all frames are sorted by school code.

    Attributes
    ----------
    year : int
        The school year identified (its end year).
    methodology : Methodology
    schools : polars.DataFrame
        One row per school: the columns of :data:`REPORT_COLUMNS` and what the «why» page
        needs (intervals, years in the bottom group, context prediction, peers, objectivity
        signals with values, failing share, Rosobrnadzor signal, region's median).
    yearly : polars.DataFrame
        Per school and year of the window: raw and shrunk index with interval, rank,
        ``in_bottom``, ``bottom_threshold``, ИСБШ, objectivity risk, ВПР excluded.
    indicators : polars.DataFrame
        :func:`~opora.analytics.indicators.result_indicators` of the window.
    standardised_scores : polars.DataFrame
        Standardised tests (:func:`~opora.analytics.results_index.standardised_scores`).
    wellbeing : polars.DataFrame
        ИСБШ and standardised variables per school-year.
    context_reference : polars.DataFrame
        The region's mean and sd of each context variable per year, with weight and direction.
    missing_context : polars.DataFrame
        Each missing context value and how it was handled.
    value_added_coefficients : polars.DataFrame
        The regression of the results index on the context, per year.
    cluster_profiles, cluster_scores : polars.DataFrame
        Profile of each context cluster, and the criterion for each k tried.
    objectivity : polars.DataFrame
        Signals per school-year (wide); ``objectivity_signals_long`` one per row.
    failure : polars.DataFrame
        Failing shares per school-year.
    notes : list[str]
        Warnings in Russian (e.g. a year of the window without results).
    """

    year: int
    methodology: Methodology
    schools: pl.DataFrame
    yearly: pl.DataFrame
    indicators: pl.DataFrame
    standardised_scores: pl.DataFrame
    wellbeing: pl.DataFrame
    context_reference: pl.DataFrame
    missing_context: pl.DataFrame
    value_added_coefficients: pl.DataFrame
    cluster_profiles: pl.DataFrame
    cluster_scores: pl.DataFrame
    objectivity: pl.DataFrame
    objectivity_signals_long: pl.DataFrame
    failure: pl.DataFrame
    notes: list[str] = field(default_factory=list)


def bottom_group(frame: pl.DataFrame, value: str, share: float, *, by: str = "year") -> pl.DataFrame:
    """Mark the ⌈share·m⌉ schools with the lowest ``value`` in each group (ties by code).

    Returns ``frame`` with ``rank`` (1 = lowest), ``in_bottom`` (null where ``value`` is null)
    and ``bottom_threshold`` (the highest value inside the bottom group).

    Examples
    --------
    >>> frame = pl.DataFrame({"code": list("abcd"), "year": [2026] * 4, "x": [0.3, 0.1, 0.2, 0.4]})
    >>> bottom_group(frame, "x", 0.25)["in_bottom"].to_list()
    [False, True, False, False]
    """
    known = frame.filter(pl.col(value).is_not_null()).sort(by, value, "code")
    ranked = known.with_columns(
        pl.int_range(1, pl.len() + 1).over(by).cast(pl.Int64).alias("rank"),
        pl.len().over(by).alias("_m"),
    ).with_columns(
        (pl.col("rank") <= (pl.col("_m").cast(pl.Float64) * share).ceil()).alias("in_bottom"),
    )
    thresholds = (
        ranked.filter(pl.col("in_bottom"))
        .group_by(by, maintain_order=True)
        .agg(pl.col(value).max().alias("bottom_threshold"))
    )
    return frame.join(
        ranked.select("code", by, "rank", "in_bottom"), on=["code", by], how="left", maintain_order="left"
    ).join(thresholds, on=by, how="left", maintain_order="left")


def identify(
    *,
    results: pl.DataFrame | pl.LazyFrame,
    context: pl.DataFrame | pl.LazyFrame,
    schools: pl.DataFrame | pl.LazyFrame,
    outcomes: pl.DataFrame | pl.LazyFrame,
    year: int,
    methodology: Methodology | None = None,
) -> Identification:
    """Identify ШНОР, ШНСУ, resilient schools, objectivity risk and learning failure for a year.

    The steps (``docs/methodology.md`` states each with its formula):

    1. standardise every test (:func:`standardised_scores`) of the N years ``year − N + 1 … year``;
    2. objectivity signals per school-year; at risk → the index is computed without the ВПР;
    3. raw results index per school-year, shrunk by empirical Bayes with an interval;
    4. per year, the bottom group: the ⌈``bottom_share``·m⌉ schools with the lowest index;
       ШНОР = in the bottom group in at least K of the N years (``low_results_rule="rank"``
       uses the raw index, ``"rosobrnadzor"`` the 30 % rule instead);
    5. ИСБШ of the year (mean of the last ``wellbeing_years``), ШНСУ = the ⌈``unfavourable_share``·m⌉
       lowest;
    6. value added = shrunk residual of the raw index on the context; cause of low results
       «внутришкольные» when its upper bound < ``internal_cause_threshold``, else «контекст»;
    7. resilient = ШНСУ with an index above the regional median (or value added significantly
       above 0, ``resilient_rule="above_prediction"``);
    8. learning failure (> 50 % failing); context clusters and peers; the «Пояснение».

    Parameters
    ----------
    results, context, schools, outcomes : polars.DataFrame or polars.LazyFrame
        Forms 3, 2, 1 and 5 with the product's English field names.
    year : int
        The school year to identify (its end year: 2026 for «2025/2026»).
    methodology : Methodology, optional
        Defaults to ``Methodology()``.

    Returns
    -------
    Identification

    Raises
    ------
    ValueError
        When the methodology is not valid or a required column is missing.

    Examples
    --------
    >>> rows = [(c, 2026, "ОГЭ", 9, "Математика", 20, m2, 15 - m2, 5, 0) for c, m2 in zip("1234", (8, 2, 1, 0))]
    >>> results = pl.DataFrame(rows, orient="row", schema=["code", "year", "procedure", "grade", "subject",
    ...                        "participants", "marks_2", "marks_3", "marks_4", "marks_5"])
    >>> context = pl.DataFrame({"code": list("1234"), "year": [2026] * 4, "students": [100, 200, 300, 400]})
    >>> schools = pl.DataFrame({"code": list("1234"), "name": list("АБВГ"), "municipality": ["М"] * 4})
    >>> outcomes = pl.DataFrame({"code": list("1234"), "year": [2026] * 4, "students_end": [100, 200, 300, 400],
    ...                          "failing": [60, 2, 1, 0]})
    >>> one_year = Methodology(years_window=1, years_required=1, bottom_share=0.25)
    >>> result = identify(results=results, context=context, schools=schools, outcomes=outcomes, year=2026,
    ...                   methodology=one_year)
    >>> result.schools.select("code", "low_results", "learning_failure").row(0)
    ('1', True, True)
    """
    m = methodology or Methodology()
    errors = m.validate()
    if errors:
        summary = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items())
        raise ValueError(f"Методика содержит ошибки: {summary}")
    first_year = year - m.years_window + 1
    window = list(range(first_year, year + 1))
    notes: list[str] = []

    conformed = conform(results, RESULTS_SCHEMA, RESULTS_REQUIRED, "Результаты по ОО").with_columns(
        # a few distinct texts on millions of rows: categories take a fraction of the memory
        pl.col("procedure", "subject").cast(pl.Categorical)
    )
    # The canonical order makes the output independent of the input's row order; sorted year by
    # year, a third of the memory at a time.
    result_frame = pl.concat(
        [
            conformed.filter(pl.col("year") == y)
            .sort("code", "procedure", "grade", "subject")
            .collect(engine="streaming")  # no float sums here: streaming is exact and leaner
            for y in window
        ],
        rechunk=False,
    )
    registry = (
        conform(schools, SCHOOLS_SCHEMA, SCHOOLS_REQUIRED, "Реестр ОО")
        .collect(engine=DETERMINISTIC)
        .unique("code", keep="first")
        .sort("code")
    )
    context_frame = (
        conform(context, CONTEXT_SCHEMA, CONTEXT_REQUIRED, "Контекстные данные")
        .filter(pl.col("year") <= year)
        .sort("code", "year")
        .collect(engine=DETERMINISTIC)
    )
    outcome_frame = (
        conform(outcomes, OUTCOMES_SCHEMA, OUTCOMES_REQUIRED, "Итоги учебного года")
        .filter(pl.col("year").is_between(first_year, year))
        .sort("code", "year")
        .collect(engine=DETERMINISTIC)
    )
    present_years = set(result_frame["year"].unique().to_list())
    for y in window:
        if y not in present_years:
            notes.append(f"Нет результатов за {y - 1}/{y} учебный год.")

    indicators = result_indicators(result_frame)
    scores = standardised_scores(result_frame, m)
    signals = objectivity_signals(result_frame, scores, m)
    excluded = signals.filter(pl.col("objectivity_risk")).select("code", "year") if m.exclude_vpr_when_at_risk else None
    raw = raw_results_index(scores, m, without_vpr=excluded)

    variables = context_variables(context_frame, registry)
    wellbeing = wellbeing_index(variables, m)
    covariates = value_added_covariates(wellbeing.index, variables, registry, m)
    index = results_index(raw, m, covariates=covariates if m.shrinkage_target == "context" else None)
    added = value_added(raw, covariates, m)

    ranking_value = "raw_index" if m.low_results_rule == "rank" else "results_index"
    yearly = (
        bottom_group(index, ranking_value, m.bottom_share)
        .join(
            wellbeing.index.select("code", "year", "wellbeing_index"),
            on=["code", "year"],
            how="left",
            maintain_order="left",
        )
        .join(
            signals.select("code", "year", "objectivity_risk"), on=["code", "year"], how="left", maintain_order="left"
        )
        .sort("code", "year")
    )
    bottom_years = (
        yearly.filter(pl.col("in_bottom").fill_null(False))
        .group_by("code", maintain_order=True)
        .agg(pl.col("year").sort().alias("bottom_years"))
    )
    years_with_index = (
        yearly.filter(pl.col(ranking_value).is_not_null())
        .group_by("code", maintain_order=True)
        .agg(pl.len().cast(pl.Int64).alias("years_with_index"))
    )

    current = yearly.filter(pl.col("year") == year)
    median_index = current["results_index"].median()
    wellbeing_now = _wellbeing_of_year(wellbeing.index, year, min(m.wellbeing_years, m.years_window))
    unfavourable = bottom_group(
        wellbeing_now.with_columns(pl.lit(year).alias("year")), "wellbeing_index", m.unfavourable_share
    ).select(
        "code",
        pl.col("in_bottom").alias("unfavourable"),
        pl.col("bottom_threshold").alias("wellbeing_threshold"),
    )
    clusters = context_clusters(
        wellbeing.index.filter(pl.col("year") == year)
        .drop("wellbeing_index")
        .join(wellbeing_now, on="code", how="left", maintain_order="left")
        .with_columns(pl.lit(year).cast(pl.Int64).alias("year")),
        variables,
        year,
        m,
    )
    peers = peer_comparison(clusters.schools, current.select("code", "results_index"))
    failure = learning_failure(outcome_frame, result_frame, m)
    rosobrnadzor = rosobrnadzor_signal(result_frame, year, m)

    codes = (
        pl.concat(
            [
                registry.select("code"),
                result_frame.select("code").unique(),
                context_frame.filter(pl.col("year") >= first_year).select("code").unique(),
            ]
        )
        .unique()
        .sort("code")
    )
    out = (
        codes.join(registry, on="code", how="left", maintain_order="left")
        .join(
            current.drop("year", "objectivity_risk", "wellbeing_index", "rank"),
            on="code",
            how="left",
            maintain_order="left",
        )
        .join(bottom_years, on="code", how="left", maintain_order="left")
        .join(years_with_index, on="code", how="left", maintain_order="left")
        .join(wellbeing_now, on="code", how="left", maintain_order="left")
        .join(
            wellbeing.index.filter(pl.col("year") == year).select("code", "wellbeing_completeness"),
            on="code",
            how="left",
            maintain_order="left",
        )
        .join(unfavourable, on="code", how="left", maintain_order="left")
        .join(added.schools.filter(pl.col("year") == year).drop("year"), on="code", how="left", maintain_order="left")
        .join(peers, on="code", how="left", maintain_order="left")
        .join(signals.filter(pl.col("year") == year).drop("year"), on="code", how="left", maintain_order="left")
        .join(failure.filter(pl.col("year") == year).drop("year"), on="code", how="left", maintain_order="left")
        .join(rosobrnadzor.select("code", "rosobrnadzor_signal"), on="code", how="left", maintain_order="left")
    )
    out = out.with_columns(
        pl.col("bottom_years").fill_null(pl.lit([], dtype=pl.List(pl.Int64))),
        pl.col("bottom_years").list.len().fill_null(0).cast(pl.Int64).alias("years_in_bottom"),
        pl.col("years_with_index").fill_null(0),
        pl.lit(year).cast(pl.Int64).alias("year"),
        pl.lit(median_index, dtype=pl.Float64).alias("median_index"),
    )
    if m.low_results_rule == "rosobrnadzor":
        low = pl.col("rosobrnadzor_signal").fill_null(False)
    else:
        low = pl.col("years_in_bottom") >= m.years_required
    out = out.with_columns(low.alias("low_results"))
    internal = pl.col("value_added_upper") < m.internal_cause_threshold
    out = out.with_columns(
        pl.when(pl.col("low_results") & pl.col("value_added").is_not_null())
        .then(pl.when(internal).then(pl.lit(INTERNAL)).otherwise(pl.lit(CONTEXT)))
        .alias("low_results_cause"),
        pl.col("unfavourable").fill_null(False),
    )
    if m.resilient_rule == "above_median":
        resilient = pl.col("unfavourable") & (pl.col("results_index") > pl.col("median_index"))
    else:
        resilient = pl.col("unfavourable") & (pl.col("value_added_lower") > 0)
    out = out.with_columns(
        resilient.fill_null(False).alias("resilient"),
        pl.col("objectivity_risk").fill_null(False),
        pl.col("learning_failure").fill_null(False),
        pl.col("vpr_excluded").fill_null(False),
    )
    out = out.with_columns(
        pl.Series("explanation", [explain(row, m) for row in out.iter_rows(named=True)], dtype=pl.String)
    )
    leading = list(REPORT_COLUMNS)
    out = out.select(leading + [c for c in out.columns if c not in leading]).sort("code")

    return Identification(
        year=year,
        methodology=m,
        schools=out,
        yearly=yearly,
        indicators=indicators,
        standardised_scores=scores,
        wellbeing=wellbeing.index,
        context_reference=wellbeing.reference,
        missing_context=wellbeing.missing.filter(pl.col("year").is_between(first_year, year)),
        value_added_coefficients=added.coefficients,
        cluster_profiles=clusters.profiles,
        cluster_scores=clusters.scores,
        objectivity=signals,
        objectivity_signals_long=objectivity_long(signals, m),
        failure=failure,
        notes=notes,
    )


def _wellbeing_of_year(index: pl.DataFrame, year: int, years: int) -> pl.DataFrame:
    """ИСБШ of the year: mean of the school's ИСБШ over the last ``years`` years (known ones)."""
    return (
        index.filter(pl.col("year").is_between(year - years + 1, year))
        .group_by("code", maintain_order=True)
        .agg(pl.col("wellbeing_index").mean(), (pl.col("year") == year).any().alias("_has_year"))
        .filter(pl.col("_has_year"))
        .select("code", "wellbeing_index")
        .sort("code")
    )


def to_report_frame(identification: Identification) -> pl.DataFrame:
    """The per-school report with the 17 Russian columns in order; flags as 1/0.

    Indices are rounded to 3 decimals; a value that could not be computed is empty.

    Examples
    --------
    >>> list(REPORT_COLUMNS.values())[:3]
    ['Код ОО', 'Наименование', 'Муниципалитет']
    """
    frame = identification.schools
    return frame.select(
        *(
            (
                pl.col(name).fill_null(False).cast(pl.Int8)
                if name in _FLAGS
                else pl.col(name).round(3)
                if frame.schema[name] == pl.Float64
                else pl.col(name)
            ).alias(header)
            for name, header in REPORT_COLUMNS.items()
        )
    )
