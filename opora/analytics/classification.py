"""Identification for a year: ШНОР with its probability and cause, ШНСУ, resilient schools, the flags.

Every flag has three states: True, False and null (not known), and beside each flag F a column
``F_unknown_reason`` says in Russian why it is not known. An unknown flag is never written as
«no»: the report leaves its cell empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
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
    STUDENT_RESULTS_REQUIRED,
    STUDENT_RESULTS_SCHEMA,
    conform,
)
from .clusters import context_clusters, peer_comparison
from .decision import expected_count_selection, expected_f1_selection, low_results_probability
from .dynamics import ExitRule, list_exit
from .explanation import EXPLAINED_COLUMNS, explain
from .failure import failure_shares, learning_failure, rosobrnadzor_signal, rosobrnadzor_tests
from .indicators import result_indicators
from .methodology import Methodology
from .objectivity import NO_VPR, objectivity_long, objectivity_signals
from .results_index import raw_results_index, results_index, standardised_scores
from .student_scores import student_score_statistics
from .value_added import value_added, value_added_covariates
from .wellbeing import context_variables, wellbeing_index

INTERNAL = "внутришкольные"
CONTEXT = "контекст"
UNDETERMINED = "не определена"
CAUSES = (INTERNAL, CONTEXT, UNDETERMINED)

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
    "exited_list": "Вышла из перечня",
    "years_in_bottom": "Лет в нижней группе",
    "low_results_probability": "Вероятность низких результатов",
    "explanation": "Пояснение",
}
FLAGS = ("low_results", "unfavourable", "resilient", "objectivity_risk", "learning_failure", "exited_list")
_FLAGS = FLAGS

# Why a flag is not known (Russian, for the report and the «why» page).
NO_INDEX = "нет результатов ни за один год периода: индекс результатов не рассчитан"
NO_CONTEXT = "нет контекстных данных за год"
SOURCES = {
    "student_scores": "результаты участников (форма 4)",
    "marks": "отметки (форма 3)",
    "score": "средний балл (форма 3)",
}


def _few_years(required: int) -> pl.Expr:
    return pl.format(
        "индекс результатов есть только за {} из {} нужных лет", pl.col("years_with_index"), pl.lit(required)
    )


def _incomplete_context(least: float) -> pl.Expr:
    return pl.format(
        "известно {} % взвешенных контекстных данных, нужно не менее {} %",
        (pl.col("wellbeing_completeness").fill_null(0.0) * 100).round(0).cast(pl.Int64),
        pl.lit(round(100 * least)),
    )


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
        needs (intervals, years in the bottom group, probabilities, context prediction, peers,
        objectivity signals with values, failing shares, Rosobrnadzor signal, region's median).
        Flags are nullable Booleans (null = not known) with ``<flag>_unknown_reason``.
    yearly : polars.DataFrame
        Per school and year of the window: raw and shrunk index with interval, rank,
        ``in_bottom``, ``bottom_threshold``, ``bottom_probability`` (P(in the bottom group of the
        year)), ``true_index``/``true_index_sd`` (joint model), ИСБШ, objectivity risk, ВПР
        excluded.
    indicators : polars.DataFrame
        :func:`~opora.analytics.indicators.result_indicators` of the window.
    standardised_scores : polars.DataFrame
        Standardised tests (:func:`~opora.analytics.results_index.standardised_scores`).
    works : polars.DataFrame
        One row per test of the region and year: whether it was scored from the participants'
        results (form 4) or from form 3 with the fixed defaults, the within-school sd, the
        region's student sd, the ρ used and where it came from, the region's failure share.
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
        Signals per school-year (wide: value, calibrated statistic, threshold, fired; score and
        its threshold); ``objectivity_signals_long`` one signal per row.
    failure : polars.DataFrame
        Failing shares per school-year.
    rosobrnadzor_tests : polars.DataFrame
        Per school and test, the share of «2» (ЕГЭ: below the minimum) in the year and the year
        before: what the Rosobrnadzor rule looks at.
    low_results_thresholds : polars.DataFrame
        Per year, the level of the true index under which the bottom group is expected.
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
    works: pl.DataFrame = field(default_factory=pl.DataFrame)
    rosobrnadzor_tests: pl.DataFrame = field(default_factory=pl.DataFrame)
    low_results_thresholds: pl.DataFrame = field(default_factory=pl.DataFrame)
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


NO_INDEX_FOR_EXIT = "нет индекса результатов за последние годы: выход из перечня не оценить"
NO_LIST_FOR_EXIT = "не известен перечень, по которому школа поддерживалась в этом году"


def _exit_flag(
    out: pl.DataFrame, yearly: pl.DataFrame, listed: Sequence[str] | None, year: int, m: Methodology
) -> pl.DataFrame:
    """The flag «вышла из перечня» of the schools supported in the year (section 4.8)."""
    exits = list_exit(
        yearly.select("code", "year", "results_index", "in_bottom"),
        listed,
        year,
        ExitRule(years_out=min(m.exit_years_out, m.years_window), gap_share=m.exit_gap_share),
    )
    out = out.join(exits, on="code", how="left", maintain_order="left")
    if listed is None:
        return out.with_columns(
            pl.lit(None, dtype=pl.Boolean).alias("exited_list"),
            pl.lit(NO_LIST_FOR_EXIT, dtype=pl.String).alias("exited_list_unknown_reason"),
        )
    on_list = pl.col("code").is_in(list(listed))
    return out.with_columns(
        pl.when(on_list).then(pl.col("exited_list")).otherwise(pl.lit(False)).alias("exited_list"),
        pl.when(on_list & pl.col("exited_list").is_null())
        .then(pl.coalesce("exited_list_unknown_reason", pl.lit(NO_INDEX_FOR_EXIT)))
        .otherwise(None)
        .alias("exited_list_unknown_reason"),
    )


def identify(
    *,
    results: pl.DataFrame | pl.LazyFrame,
    context: pl.DataFrame | pl.LazyFrame,
    schools: pl.DataFrame | pl.LazyFrame,
    outcomes: pl.DataFrame | pl.LazyFrame,
    year: int,
    methodology: Methodology | None = None,
    student_results: pl.DataFrame | pl.LazyFrame | None = None,
    listed: Sequence[str] | None = None,
) -> Identification:
    """Identify ШНОР, ШНСУ, resilient schools, objectivity risk and learning failure for a year.

    The steps (``docs/methodology.md`` states each with its formula):

    1. standardise every test (:func:`standardised_scores`) of the N years ``year − N + 1 … year``:
       from the participants' scores where form 4 is given (within-school variances and ρ
       estimated), from form 3 with the fixed defaults otherwise; failures enter each test's
       result with the weight ``failure_weight``;
    2. objectivity signals per school-year, calibrated on the region, one score with a
       threshold for a stated false-flag rate; at risk → the index is computed without the ВПР;
    3. raw results index per school-year, shrunk by empirical Bayes with an interval, the years
       of a school borrowing strength from each other;
    4. ШНОР (``low_results_rule="index"``): from the same model, the probability that the school
       is in the bottom group (⌈``bottom_share``·m⌉ schools a year) in at least K of the N years;
       the list by ``low_results_decision`` (default: the round(Σ p) schools with the highest
       probability, as many as ШНОР are expected). ``"rank"``: in the bottom group by the raw index in
       at least K of N years; ``"rosobrnadzor"``: the 30 % rule;
    5. ИСБШ of the year (mean of the last ``wellbeing_years``), ШНСУ = the ⌈``unfavourable_share``·m⌉
       lowest;
    6. value added = shrunk residual of the raw index on the context; cause of low results
       «внутришкольные» when its upper bound < ``internal_cause_threshold``, «контекст» when its
       lower bound > −``context_cause_margin``·τ, otherwise «не определена»;
    7. resilient = ШНСУ with an index above the regional median (or value added significantly
       above 0, ``resilient_rule="above_prediction"``);
    8. learning failure (> 50 % failing); context clusters and peers; the «Пояснение».

    A flag that the data cannot settle is null (not known), with ``<flag>_unknown_reason``.

    Parameters
    ----------
    results, context, schools, outcomes : polars.DataFrame or polars.LazyFrame
        Forms 3, 2, 1 and 5 with the product's English field names.
    year : int
        The school year to identify (its end year: 2026 for «2025/2026»).
    methodology : Methodology, optional
        Defaults to ``Methodology()``.
    student_results : polars.DataFrame or polars.LazyFrame, optional
        Form 4 (``code, year, procedure, grade, subject, participant_code, primary_score,
        test_score, mark, journal_mark``), when loaded.
    listed : sequence of str, optional
        Codes of the ШНОР supported in the year (the list in force); with it each gets the flag
        ``exited_list`` by the exit rule (:func:`~opora.analytics.dynamics.list_exit`), without
        it the flag is not known.

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

    statistics = None
    if student_results is not None and m.use_student_results:
        students = conform(student_results, STUDENT_RESULTS_SCHEMA, STUDENT_RESULTS_REQUIRED, "Результаты участников")
        statistics = student_score_statistics(students.filter(pl.col("year").is_between(first_year, year)))
    indicators = result_indicators(result_frame)
    scores = standardised_scores(result_frame, m, student_results=statistics)
    signals = objectivity_signals(result_frame, scores, m)
    excluded = (
        signals.filter(pl.col("objectivity_risk").fill_null(False)).select("code", "year")
        if m.exclude_vpr_when_at_risk
        else None
    )
    raw = raw_results_index(scores, m, without_vpr=excluded)

    variables = context_variables(context_frame, registry)
    wellbeing = wellbeing_index(variables, m)
    covariates = value_added_covariates(wellbeing.index, variables, registry, m)
    index = results_index(raw, m, covariates=covariates if m.shrinkage_target == "context" else None)
    added = value_added(raw, covariates, m)
    probability = low_results_probability(index, m)

    ranking_value = "raw_index" if m.low_results_rule == "rank" else "results_index"
    yearly = (
        bottom_group(index, ranking_value, m.bottom_share)
        .join(
            probability.yearly.select("code", "year", "bottom_probability", "true_index", "true_index_sd"),
            on=["code", "year"],
            how="left",
            maintain_order="left",
        )
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
    per_test = rosobrnadzor_tests(result_frame, year, m)
    rosobrnadzor = rosobrnadzor_signal(result_frame, year, m, tests=per_test)
    shares = failure_shares(result_frame, outcome_frame, year)
    va_spread = added.coefficients.filter(pl.col("year") == year).select(pl.col("tau2").first().sqrt()).to_series()
    tau_va = float(va_spread[0]) if va_spread.len() and va_spread[0] is not None else None

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
    has_context = (
        context_frame.filter(pl.col("year") == year)
        .select("code")
        .unique()
        .with_columns(pl.lit(True).alias("_has_context"))
    )
    has_vpr = signals.filter(pl.col("year") == year).select("code", pl.lit(True).alias("_has_vpr"))
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
        .join(
            probability.schools.select("code", "low_results_probability"), on="code", how="left", maintain_order="left"
        )
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
        .join(
            rosobrnadzor.select(
                "code", "low_tests", "repeated_tests", "rosobrnadzor_signal", "rosobrnadzor_signal_unknown_reason"
            ),
            on="code",
            how="left",
            maintain_order="left",
        )
        .join(shares, on="code", how="left", maintain_order="left")
        .join(has_context, on="code", how="left", maintain_order="left")
        .join(has_vpr, on="code", how="left", maintain_order="left")
    )
    out = out.with_columns(
        pl.col("bottom_years").fill_null(pl.lit([], dtype=pl.List(pl.Int64))),
        # the years the school was in the bottom group by its index; unknown when it has no index at all
        pl.when(pl.col("years_with_index") > 0)
        .then(pl.coalesce(pl.col("bottom_years").list.len(), pl.lit(0)))
        .cast(pl.Int64)
        .alias("years_in_bottom"),
        pl.coalesce(pl.col("years_with_index"), pl.lit(0)),  # a count of years: a true zero
        pl.lit(year).cast(pl.Int64).alias("year"),
        pl.lit(median_index, dtype=pl.Float64).alias("median_index"),
        pl.lit(tau_va, dtype=pl.Float64).alias("value_added_spread"),
    )
    out = _low_results(out, m)
    out = _cause(out, m)
    out = _context_flags(out, m)
    out = _exit_flag(out, yearly, listed, year, m)
    out = out.with_columns(
        pl.when(pl.col("_has_vpr").is_null())
        .then(pl.lit(NO_VPR))
        .otherwise(pl.col("objectivity_risk_unknown_reason"))
        .alias("objectivity_risk_unknown_reason"),
        pl.when(pl.col("learning_failure").is_null())
        .then(pl.coalesce("learning_failure_unknown_reason", pl.lit("нет данных о неуспевающих за год")))
        .alias("learning_failure_unknown_reason"),
        pl.col("vpr_excluded").fill_null(False),
    ).drop("_has_context", "_has_vpr")
    out = out.with_columns(
        pl.Series(
            "explanation",
            [
                explain(row, m)
                for row in out.select(c for c in EXPLAINED_COLUMNS if c in out.columns).iter_rows(named=True)
            ],
            dtype=pl.String,
        )
    )
    leading = list(REPORT_COLUMNS)
    reasons = [f"{flag}_unknown_reason" for flag in FLAGS]
    out = out.select(leading + reasons + [c for c in out.columns if c not in leading and c not in reasons]).sort("code")

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
        works=work_sources(scores),
        rosobrnadzor_tests=per_test.with_columns(pl.col("procedure", "subject").cast(pl.String)),
        low_results_thresholds=probability.thresholds,
        notes=notes,
    )


def _low_results(out: pl.DataFrame, m: Methodology) -> pl.DataFrame:
    """ШНОР: True, False or null (not known), with the reason, by the methodology's rule."""
    required = m.years_required
    years = pl.col("years_with_index")
    never = years == 0
    if m.low_results_rule == "rosobrnadzor":
        low = pl.col("rosobrnadzor_signal")
        reason = (
            pl.when(pl.col("low_tests").is_null())
            .then(pl.lit("нет результатов работ за год: признак Рособрнадзора не определён"))
            .otherwise(pl.col("rosobrnadzor_signal_unknown_reason"))
        )
        return out.with_columns(low.alias("low_results")).with_columns(
            pl.when(pl.col("low_results").is_null()).then(reason).alias("low_results_unknown_reason")
        )
    if m.low_results_rule == "rank":
        bottom = pl.col("years_in_bottom")
        missing = m.years_window - years
        low = pl.when(bottom >= required).then(True).when(bottom + missing < required).then(False).otherwise(None)
    else:
        probability = out["low_results_probability"].to_numpy().astype(np.float64)
        if m.low_results_decision == "probability":
            chosen = np.nan_to_num(probability, nan=0.0) >= m.low_results_min_probability
        elif m.low_results_decision == "expected_count":
            chosen = expected_count_selection(probability)
        else:
            chosen = expected_f1_selection(probability)
        out = out.with_columns(pl.Series("_chosen", chosen))
        low = (
            pl.when(never)
            .then(None)
            .when(pl.col("_chosen"))
            .then(True)
            .when(years < min(required, m.years_window))
            .then(None)
            .otherwise(False)
        )
    out = out.with_columns(low.alias("low_results")).with_columns(
        pl.when(pl.col("low_results").is_null())
        .then(pl.when(never).then(pl.lit(NO_INDEX)).otherwise(_few_years(required)))
        .alias("low_results_unknown_reason")
    )
    return out.drop("_chosen") if "_chosen" in out.columns else out


def _cause(out: pl.DataFrame, m: Methodology) -> pl.DataFrame:
    """Cause of low results: «внутришкольные», «контекст» or «не определена» (ШНОР only)."""
    internal = pl.col("value_added_upper") < m.internal_cause_threshold
    as_expected = pl.col("value_added_lower") > -m.context_cause_margin * pl.col("value_added_spread")
    cause = (
        pl.when(~pl.col("low_results").fill_null(False))
        .then(None)
        .when(pl.col("value_added").is_null())
        .then(pl.lit(UNDETERMINED))
        .when(internal)
        .then(pl.lit(INTERNAL))
        .when(as_expected)
        .then(pl.lit(CONTEXT))
        .otherwise(pl.lit(UNDETERMINED))
    )
    return out.with_columns(cause.alias("low_results_cause"))


def _context_flags(out: pl.DataFrame, m: Methodology) -> pl.DataFrame:
    """ШНСУ and resilience, with what makes them not known."""
    unfavourable_reason = (
        pl.when(pl.col("unfavourable").is_not_null())
        .then(None)
        .when(pl.col("_has_context").is_null())
        .then(pl.lit(NO_CONTEXT))
        .otherwise(_incomplete_context(m.wellbeing_min_completeness))
    )
    out = out.with_columns(unfavourable_reason.alias("unfavourable_unknown_reason"))
    if m.resilient_rule == "above_median":
        good = pl.col("results_index") > pl.col("median_index")
        missing = pl.lit("индекс результатов за год не рассчитан")
    else:
        good = pl.col("value_added_lower") > 0
        missing = pl.lit("добавленная ценность за год не рассчитана")
    resilient = (
        pl.when(pl.col("unfavourable").is_null()).then(None).when(~pl.col("unfavourable")).then(False).otherwise(good)
    )
    out = out.with_columns(resilient.alias("resilient"))
    return out.with_columns(
        pl.when(pl.col("resilient").is_not_null())
        .then(None)
        .when(pl.col("unfavourable").is_null())
        .then(pl.format("не известно, ШНСУ ли школа: {}", pl.col("unfavourable_unknown_reason")))
        .otherwise(missing)
        .alias("resilient_unknown_reason")
    )


def work_sources(scores: pl.DataFrame) -> pl.DataFrame:
    """One row per test of the region: where its figures came from and the parameters used.

    Returns
    -------
    polars.DataFrame
        ``year, procedure, grade, subject, source`` (Russian: «результаты участников (форма 4)»,
        «отметки (форма 3)», «средний балл (форма 3)»), ``kind``, ``schools, participants,
        within_sd`` (within-school sd of the measure), ``region_sd, correlation``,
        ``correlation_source`` («оценена по форме 4» / «по умолчанию методики»), ``within_sd_source``
        («оценён по форме 4», «по отметкам формы 3», «по умолчанию»),
        ``region_fail_share, failure_weight``.

    Examples
    --------
    >>> scores = pl.DataFrame({"year": [2026], "procedure": ["ЕГЭ"], "grade": [11], "subject": ["Физика"],
    ...     "kind": ["score"], "participants": [12], "within_variance": [225.0], "region_sd": [18.0],
    ...     "correlation": [0.5], "region_fail_share": [0.1], "failure_weight": [0.3]})
    >>> work_sources(scores).select("source", "within_sd", "within_sd_source").row(0)
    ('средний балл (форма 3)', 15.0, 'по умолчанию')
    """
    if scores.height == 0:
        return pl.DataFrame(
            schema={
                "year": pl.Int64,
                "procedure": pl.String,
                "grade": pl.Int64,
                "subject": pl.String,
                "source": pl.String,
                "kind": pl.String,
                "schools": pl.Int64,
                "participants": pl.Int64,
                "within_sd": pl.Float64,
                "within_sd_source": pl.String,
                "region_sd": pl.Float64,
                "correlation": pl.Float64,
                "correlation_source": pl.String,
                "region_fail_share": pl.Float64,
                "failure_weight": pl.Float64,
            }
        )
    if "correlation_estimated" not in scores.columns:
        scores = scores.with_columns(pl.lit(False).alias("correlation_estimated"))
    # Lazy and streaming (no float sums: exact): an in-memory group-by of millions of rows on a few
    # hundred keys takes a copy of the columns it reads.
    return (
        scores.lazy()
        .group_by("year", "procedure", "grade", "subject", maintain_order=True)
        .agg(
            pl.col("kind").first(),
            pl.len().cast(pl.Int64).alias("schools"),
            pl.col("participants").sum().cast(pl.Int64),
            pl.col("within_variance").first().sqrt().alias("within_sd"),
            pl.col("region_sd").first(),
            pl.col("correlation").first(),
            pl.col("correlation_estimated").any(),
            pl.col("region_fail_share").first(),
            pl.col("failure_weight").max(),
        )
        .with_columns(pl.col("kind", "procedure", "subject").cast(pl.String))
        .with_columns(
            pl.col("kind").replace_strict(SOURCES, default=None, return_dtype=pl.String).alias("source"),
            pl.when(pl.col("kind") == "student_scores")
            .then(pl.lit("оценён по форме 4"))
            .when(pl.col("kind") == "marks")
            .then(pl.lit("по отметкам формы 3"))
            .otherwise(pl.lit("по умолчанию"))
            .alias("within_sd_source"),
        )
        .select(
            "year",
            "procedure",
            "grade",
            "subject",
            "source",
            "kind",
            "schools",
            "participants",
            "within_sd",
            "within_sd_source",
            "region_sd",
            "correlation",
            pl.when(pl.col("correlation_estimated"))
            .then(pl.lit("оценена по форме 4"))
            .otherwise(pl.lit("по умолчанию методики"))
            .alias("correlation_source"),
            "region_fail_share",
            "failure_weight",
        )
        .sort("year", "procedure", "grade", "subject")
        .collect(engine="streaming")
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
    """The per-school report with the Russian columns of :data:`REPORT_COLUMNS` in order.

    Flags are written 1 (yes), 0 (no) or left empty (not known): an unknown flag is never «no».
    Indices and the probability are rounded to 3 decimals; a value that could not be computed
    is empty.

    Examples
    --------
    >>> list(REPORT_COLUMNS.values())[:3]
    ['Код ОО', 'Наименование', 'Муниципалитет']
    """
    frame = identification.schools
    return frame.select(
        *(
            (
                pl.col(name).cast(pl.Int8)
                if name in FLAGS
                else pl.col(name).round(3)
                if frame.schema[name] == pl.Float64
                else pl.col(name)
            ).alias(header)
            for name, header in REPORT_COLUMNS.items()
        )
    )
