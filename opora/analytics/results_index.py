"""The results index of a school-year: standardised tests, combined, shrunk with an interval.

Three steps, each a function:

1. :func:`standardised_scores` puts every test of a school on one scale: the school's mean (mark or
   score) minus the region's mean of that test, in units of the region's student sd, with its
   sampling variance.
2. :func:`raw_results_index` combines a school's tests into one number per year with the
   procedure and subject weights of the methodology, and its sampling variance.
3. :func:`results_index` shrinks the raw index toward the regional mean (or the context
   prediction) by empirical Bayes (:class:`~opora.analytics.shrinkage.FayHerriot`), so that a
   school with a dozen students cannot land in the bottom group by chance.
"""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl
from scipy.special import ndtri
from scipy.stats import norm

from ._frames import DETERMINISTIC, RESULTS_REQUIRED, RESULTS_SCHEMA, conform, sort_by_code
from ._robust import MAD_TO_SD, robust_calibration, spread_beyond_sampling
from .methodology import ANNUAL_MARKS, CONTROL_TEST, EGE, OGE, VPR, Methodology
from .shrinkage import FayHerriot, SchoolYearModel
from .student_scores import StudentStatistics, student_score_statistics

TEST_KEYS = ("year", "procedure", "grade", "subject")
PROCEDURE_COLUMNS = {
    VPR: "level_vpr",
    OGE: "level_oge",
    EGE: "level_ege",
    ANNUAL_MARKS: "level_annual_marks",
    CONTROL_TEST: "level_control_test",
}


def standardised_scores(
    results: pl.DataFrame | pl.LazyFrame,
    methodology: Methodology,
    *,
    student_results: pl.DataFrame | pl.LazyFrame | StudentStatistics | None = None,
) -> pl.DataFrame:
    """Each school's result in each test as a standardised score with its sampling variance.

    A test («work») is (year, procedure, grade, subject) over the region. For a school s with nₛ
    participants, its measure mₛ is

    - the participants' mean score (test score for ЕГЭ, primary score otherwise) when form 4 is
      given for every school of the work (``kind = "student_scores"``; with
      ``use_student_results``); then the within-school variance is the pooled
      σ²_w = Σₛ Σᵢ (xᵢ − x̄ₛ)² / Σₛ (nₛ − 1) of the participants, and the correlation ρ of the
      work is estimated (:func:`~opora.analytics.student_scores.student_score_statistics`);
    - otherwise, from form 3: the mean mark (2·n₂+3·n₃+4·n₄+5·n₅)/nₛ with the exact pooled
      σ²_w = Σₛ Σₖ nₛₖ (k − mₛ)² / Σₛ (nₛ − 1) (``kind = "marks"``), or for ЕГЭ the mean test
      score with σ²_w = ``ege_score_sd``² (``kind = "score"``); ρ = ``same_students_correlation``.

    With the region's mean M = Σ nₛ mₛ / Σ nₛ and student sd S = √((W + Σ nₛ (mₛ − M)²) / Σ nₛ)
    (W the within sum of squares), the level and its sampling variance are::

        z_mean = (mₛ − M) / S,        v_mean = σ²_w / (nₛ S²)

    **Failures.** A «2» lowers the mean mark and a score below the minimum lowers the mean
    score, but a school where a third fail at the same mean as one where none fail has left a
    group of pupils behind. So each test's result also counts the failures (mark «2»; ЕГЭ:
    below the subject's minimum threshold) *beyond those its mean implies*. With fₛ = failedₛ/nₛ,
    f̃ₛ = (failedₛ + ½)/(nₛ + 1) and its probit πₛ = Φ⁻¹(f̃ₛ), of sampling variance
    vπ = f̃(1 − f̃) / (nₛ φ(πₛ)²), the region's line of failures against the mean,
    π ≈ a + b·z_mean, is fitted robustly over the schools of the test
    (:func:`~opora.analytics._robust.robust_calibration`, with the honest spread ω² around
    it). The school's excess, beyond a chance band of ``failure_chance_band`` (3) robust sd
    σₛ = s √(ω² + vπ), in index units::

        r = πₛ − (a + b·z_mean),   excess = −sign(r) · max(|r| − 2σₛ, 0) / |b|
        z = z_mean + λ · excess,   v = v_mean + λ² vπ / b²  (when the excess is not 0)

    λ = ``failure_weight``. Failures as many as the mean implies (or within chance — a small
    class) change nothing; more failures lower the result, fewer raise it. A test with fewer
    than ``MIN_FAILURE_SCHOOLS`` schools with failures known, no failures in the region or no
    falling line (b ≥ −0.05) has no failure part. Two schools with equal means, one with many
    failures, thus rank differently.

    Tests with fewer than ``min_cell_participants`` participants and rows with neither marks
    nor a usable score are left out. ``weight`` = procedure weight × subject weight.

    Parameters
    ----------
    results : polars.DataFrame or polars.LazyFrame
        Form 3 (fields of ``SchoolResult``).
    methodology : Methodology
    student_results : polars.DataFrame, polars.LazyFrame or StudentStatistics, optional
        Form 4 (or its :func:`~opora.analytics.student_scores.student_score_statistics`).

    Returns
    -------
    polars.DataFrame
        ``code, year, procedure, grade, subject, participants, measure, kind`` ("marks",
        "score" or "student_scores"), ``region_mean, region_sd, within_variance, z_mean,
        fail_share, region_fail_share, expected_fail_share`` (what the line gives at the
        school's mean), ``failure_excess, failure_weight, z, variance, correlation, weight``;
        sorted by year, then code, procedure, grade and subject.

    Examples
    --------
    >>> frame = pl.DataFrame({"code": ["a", "b"], "year": [2026, 2026], "procedure": ["ОГЭ"] * 2,
    ...     "grade": [9, 9], "subject": ["Математика"] * 2, "participants": [2, 2],
    ...     "marks_2": [0, 0], "marks_3": [1, 0], "marks_4": [1, 1], "marks_5": [0, 1]})
    >>> [round(z, 2) for z in standardised_scores(frame, Methodology())["z"]]
    [-0.71, 0.71]
    """
    frame = conform(results, RESULTS_SCHEMA, RESULTS_REQUIRED, "Результаты по ОО").select(
        "code",
        "year",
        "procedure",
        "grade",
        "subject",
        "participants",
        "marks_2",
        "marks_3",
        "marks_4",
        "marks_5",
        "mean_score",
        "below_threshold",
    )
    statistics: StudentStatistics | None = None
    if student_results is not None and methodology.use_student_results:
        statistics = (
            student_results
            if isinstance(student_results, StudentStatistics)
            else student_score_statistics(student_results)
        )
    # Year by year (tests never span years): a third of the memory at a time. Eager steps: one lazy
    # plan sums floats in an order that varies between runs.
    years = sorted(frame.select(pl.col("year").unique()).collect(engine=DETERMINISTIC)["year"].drop_nulls().to_list())
    if statistics is not None:
        years = sorted(set(years) | set(statistics.cells["year"].unique().to_list()))
    parts = [
        _year_scores(
            frame.filter(pl.col("year") == year).collect(engine=DETERMINISTIC),
            methodology,
            None if statistics is None else statistics,
            year,
        )
        for year in years
    ]
    if not parts:
        return _year_scores(frame.collect(engine=DETERMINISTIC), methodology, None, None)
    return pl.concat(parts)


KIND = pl.Enum(["marks", "score", "student_scores"])
_CELL_COLUMNS = {
    "code": pl.String(),
    "year": pl.Int64(),
    "procedure": pl.String(),
    "grade": pl.Int64(),
    "subject": pl.String(),
    "kind": KIND,
    "n": pl.Float64(),
    "measure": pl.Float64(),
    "within_ss": pl.Float64(),
    "failed": pl.Float64(),
}


def _form3_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """Cells of form 3: the mean mark (or ЕГЭ mean score), within sum of squares, failures."""
    marks = [pl.col(f"marks_{k}").cast(pl.Float64) for k in (2, 3, 4, 5)]
    n_marks = marks[0] + marks[1] + marks[2] + marks[3]
    mark_sum = 2.0 * marks[0] + 3.0 * marks[1] + 4.0 * marks[2] + 5.0 * marks[3]
    mark_square_sum = 4.0 * marks[0] + 9.0 * marks[1] + 16.0 * marks[2] + 25.0 * marks[3]
    has_marks = n_marks.is_not_null() & (n_marks > 0)
    has_score = (pl.col("procedure") == EGE) & pl.col("mean_score").is_not_null() & (pl.col("participants") > 0)
    mean_mark = mark_sum / n_marks
    return frame.select(
        "code",
        *TEST_KEYS,
        pl.when(has_marks).then(pl.lit("marks")).when(has_score).then(pl.lit("score")).cast(KIND).alias("kind"),
        pl.when(has_marks).then(n_marks).otherwise(pl.col("participants").cast(pl.Float64)).alias("n"),
        pl.when(has_marks).then(mean_mark).otherwise(pl.col("mean_score")).alias("measure"),
        # Σₖ nₖ (k − m)² = Σ nₖ k² − n m²
        pl.when(has_marks)
        .then(pl.max_horizontal(mark_square_sum - mark_sum * mark_sum / n_marks, pl.lit(0.0)))
        .alias("within_ss"),
        pl.when(has_marks)
        .then(marks[0])
        .when(has_score & (pl.col("below_threshold") <= pl.col("participants")))
        .then(pl.col("below_threshold").cast(pl.Float64))
        .alias("failed"),
    ).filter(pl.col("kind").is_not_null())


def _year_scores(
    frame: pl.DataFrame, methodology: Methodology, statistics: StudentStatistics | None, year: int | None
) -> pl.DataFrame:
    keys = list(TEST_KEYS)
    cells = _form3_cells(frame).select(list(_CELL_COLUMNS)).cast(_CELL_COLUMNS)  # type: ignore[arg-type]
    if statistics is not None and year is not None:
        students = (
            statistics.cells.filter(pl.col("year") == year)
            .with_columns(pl.lit("student_scores").cast(KIND).alias("kind"))
            .select(list(_CELL_COLUMNS))
            .cast(_CELL_COLUMNS)  # type: ignore[arg-type]
        )
        # A work is scored from form 4 when form 4 has every school form 3 has for it; otherwise
        # scores of some schools and marks of others would not be comparable.
        schools = ["code", *keys]
        uncovered = cells.join(students, on=schools, how="anti").select(keys).unique()
        covered = students.join(uncovered, on=keys, how="anti")
        cells = pl.concat([cells.join(covered.select(keys).unique(), on=keys, how="anti"), covered])
    cells = cells.filter(pl.col("n") >= methodology.min_cell_participants).sort("code", *keys)
    m = pl.col("measure")
    n = pl.col("n")
    region = cells.with_columns((n * m).sum().over(keys).truediv(n.sum().over(keys)).alias("region_mean"))
    stats = (
        region.lazy()  # an eager group-by on a few tests would copy every column of the cells first
        .group_by(keys, maintain_order=True)
        .agg(
            pl.col("kind").first().alias("_kind"),
            pl.col("within_ss").sum().alias("_within_ss"),
            (n - 1.0).clip(lower_bound=0.0).sum().alias("_within_df"),
            n.sum().alias("_n_total"),
            pl.len().alias("_schools"),
            (n * (m - pl.col("region_mean")) ** 2).sum().alias("_between_ss"),
            pl.col("failed").sum().alias("_failed"),
            n.filter(pl.col("failed").is_not_null()).sum().alias("_failed_n"),
        )
        .collect(engine=DETERMINISTIC)
    )
    # Form 3 has no within-school sd of the ЕГЭ scores; moment estimators from the school means
    # confuse it with the lower means of small schools, so the methodology states it.
    stats = (
        stats.with_columns(
            pl.when(pl.col("_kind") != "score")
            .then(pl.when(pl.col("_within_df") > 0).then(pl.col("_within_ss") / pl.col("_within_df")))
            .otherwise(pl.lit(methodology.ege_score_sd**2))
            .alias("within_variance"),
            pl.when(pl.col("_failed_n") > 0).then(pl.col("_failed") / pl.col("_failed_n")).alias("region_fail_share"),
        )
        .with_columns(
            pl.when(pl.col("_kind") != "score")
            .then(pl.col("_within_ss"))
            .otherwise(pl.col("within_variance") * (pl.col("_n_total") - pl.col("_schools")).clip(lower_bound=0.0))
            .alias("_within_total"),
        )
        .with_columns(
            ((pl.col("_within_total") + pl.col("_between_ss")) / pl.col("_n_total")).sqrt().alias("region_sd"),
        )
    )
    stats = stats.select(*keys, "within_variance", "region_sd", "region_fail_share")
    z_mean = (m - pl.col("region_mean")) / pl.col("region_sd")
    v_mean = pl.col("within_variance") / (n * pl.col("region_sd") ** 2)
    correlation = _correlation_expression(statistics, methodology)
    out = (
        region.join(stats, on=keys, how="left", maintain_order="left")
        .filter((pl.col("region_sd") > 0) & (pl.col("within_variance") > 0))
        .with_columns(z_mean.alias("z_mean"), v_mean.alias("_v_mean"))
    )
    out = _failure_excess(out, methodology)
    lam = pl.col("failure_weight")
    out = out.with_columns(
        (pl.col("z_mean") + lam * pl.col("failure_excess").fill_null(0.0)).alias("z"),
        (pl.col("_v_mean") + lam**2 * pl.col("_excess_variance").fill_null(0.0)).alias("variance"),
    )
    if statistics is not None:
        estimated = statistics.correlations.select(
            "year", "procedure", "grade", pl.col("correlation").alias("_estimated")
        )
        out = out.join(estimated, on=["year", "procedure", "grade"], how="left", maintain_order="left")
    else:
        out = out.with_columns(pl.lit(None, dtype=pl.Float64).alias("_estimated"))
    return out.select(
        "code",
        *keys,
        n.cast(pl.Int64).alias("participants"),
        "measure",
        "kind",
        "region_mean",
        "region_sd",
        "within_variance",
        "z_mean",
        pl.when(pl.col("failed").is_not_null()).then(n.pow(-1) * pl.col("failed")).alias("fail_share"),
        "region_fail_share",
        "expected_fail_share",
        "failure_excess",
        "failure_weight",
        "z",
        "variance",
        correlation.alias("correlation"),
        ((pl.col("kind") == "student_scores") & pl.col("_estimated").is_not_null()).alias("correlation_estimated"),
        _weight_expression(methodology).alias("weight"),
    )  # still in the order of the sorted cells: every step since keeps it


MIN_FAILURE_SCHOOLS = 20  # schools of a test with known failures for the failure line to be fitted


def _failure_excess(cells: pl.DataFrame, methodology: Methodology) -> pl.DataFrame:
    """Failures beyond those the school's mean implies, per test, in index units (see standardised_scores)."""
    lam = methodology.failure_weight
    band = methodology.failure_chance_band
    n = cells["n"].to_numpy().astype(np.float64)
    failed = cells["failed"].to_numpy().astype(np.float64)
    z_mean = cells["z_mean"].to_numpy().astype(np.float64)
    expected = np.full(len(n), np.nan)
    excess = np.full(len(n), np.nan)
    excess_variance = np.zeros(len(n))
    weight = np.zeros(len(n))
    # the rows of each test (in the frame's order, by school code): a hash grouping, no sort
    groups = cells.select(list(TEST_KEYS)).with_row_index("_row").group_by(list(TEST_KEYS), maintain_order=True)
    grouped = groups.agg(pl.col("_row"))
    flat = grouped["_row"].explode().to_numpy()
    bounds = np.r_[0, np.cumsum(grouped["_row"].list.len().to_numpy())]
    with np.errstate(invalid="ignore", divide="ignore"):
        smoothed = (failed + 0.5) / (n + 1.0)
        probit = ndtri(np.clip(smoothed, 1e-9, 1 - 1e-9))
        density = np.exp(-0.5 * probit**2) / np.sqrt(2 * np.pi)
        probit_variance = smoothed * (1.0 - smoothed) / (n * density**2)
    for start, stop in itertools.pairwise(bounds):
        rows = flat[start:stop]
        known = np.isfinite(failed[rows])
        share = failed[rows][known].sum() / n[rows][known].sum() if known.any() else 0.0
        if lam <= 0 or known.sum() < MIN_FAILURE_SCHOOLS or not 0.0 < share < 1.0:
            continue
        value = np.where(known, probit[rows], np.nan)
        calibration = robust_calibration(value, probit_variance[rows], z_mean[rows])
        slope = calibration.slope
        if not slope < -0.05:  # no falling line of failures against the mean: nothing to compare with
            continue
        residual = value - calibration.centre
        noise = calibration.scale * np.sqrt(calibration.omega2 + probit_variance[rows])
        beyond = np.sign(residual) * np.maximum(np.abs(residual) - band * noise, 0.0)
        excess[rows] = np.where(known, -beyond / abs(slope), np.nan)
        excess_variance[rows] = np.where(known & (beyond != 0), probit_variance[rows] / slope**2, 0.0)
        expected[rows] = np.where(known, norm.cdf(calibration.centre), np.nan)
        weight[rows] = np.where(known, lam, 0.0)
    return cells.with_columns(
        pl.Series("expected_fail_share", expected).fill_nan(None),
        pl.Series("failure_excess", excess).fill_nan(None),
        pl.Series("_excess_variance", excess_variance),
        pl.Series("failure_weight", weight),
    )


def _correlation_expression(statistics: StudentStatistics | None, methodology: Methodology) -> pl.Expr:
    """ρ of each test: estimated from form 4 for the tests scored from it, else the methodology's."""
    default = pl.lit(float(methodology.same_students_correlation))
    return pl.when(pl.col("kind") == "student_scores").then(pl.coalesce("_estimated", default)).otherwise(default)


def _weight_expression(methodology: Methodology) -> pl.Expr:
    procedure_weight = pl.col("procedure").replace_strict(
        dict(methodology.procedure_weights), default=0.0, return_dtype=pl.Float64
    )
    subject_weight = pl.col("subject").replace_strict(
        dict(methodology.subject_weights), default=methodology.default_subject_weight, return_dtype=pl.Float64
    )
    return procedure_weight * subject_weight


def raw_results_index(
    scores: pl.DataFrame,
    methodology: Methodology,
    *,
    without_vpr: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Combine a school's standardised tests into one raw index per school and year.

    Within a procedure p the tests c are averaged with weights aₓ·nₓ (subject weight ×
    participants); each procedure's level is divided by its loading cₚ (:func:`procedure_loadings`,
    estimated from the region's schools each year: the scale on which the procedure shows the
    common level); procedures are averaged with the methodology's weights Wₚ over the
    procedures the school has::

        π_c = a_c n_c / Σ_{c∈p} a_c n_c,     Lₚ = Σ_{c∈p} π_c z_c / cₚ
        Eₚ = Wₚ / (Vₚ / N + ω²ₚ)  (``procedure_combination="precision"``)  or  Eₚ = Wₚ  (``"fixed"``)
        Y  = Σₚ Eₚ Lₚ / Σₚ Eₚ,     so each test weighs ω_c = π_c Eₚ / (cₚ Σ E)

    Tests written by the same grade g share students, so their errors correlate; each test has
    its ρ_c (``correlation`` of :func:`standardised_scores`: estimated from form 4, else
    ``same_students_correlation``) and two tests correlate by √(ρ_c ρ_c')::

        V = Σ_g [ Σ_{c∈g} (1 − ρ_c) ω_c² v_c + (Σ_{c∈g} √ρ_c ω_c √v_c)² ]

    (with one ρ for all tests, (1 − ρ) Σ ω² v + ρ (Σ ω √v)²). Vₚ is the same sum over the
    tests of procedure p with the weights π_c / cₚ.

    With precision weights a procedure with a handful of participants (a large Vₚ) cannot
    outweigh one with hundreds; ω²ₚ (:func:`procedure_interaction`, estimated from the region's
    schools each year) is how much the procedure's level of a school departs from its other
    procedures beyond chance — year marks set by the school on its own scale, a school's drill
    for the ВПР — so a procedure that says less about the school's common level weighs less
    however many results it has; Wₚ still says how much each procedure is trusted.

    Parameters
    ----------
    scores : polars.DataFrame
        Output of :func:`standardised_scores`.
    methodology : Methodology
    without_vpr : polars.DataFrame, optional
        ``code, year`` of the school-years whose index is computed without the ВПР (objectivity
        risk); the index with the ВПР is kept as ``raw_index_with_vpr``.

    Returns
    -------
    polars.DataFrame
        ``code, year, raw_index, raw_variance, raw_index_with_vpr, vpr_excluded, tests,
        participants`` and the procedure levels ``level_vpr, level_oge, level_ege,
        level_annual_marks, level_control_test`` (on the common scale, Lₚ after division by cₚ)
        with variances ``variance_<…>`` and the year's between-school interaction variances
        ``interaction_<…>`` (ω²ₚ).

    Examples
    --------
    >>> scores = pl.DataFrame({"code": ["a", "a"], "year": [2026, 2026], "procedure": ["ВПР", "ОГЭ"],
    ...     "grade": [5, 9], "subject": ["Математика"] * 2, "participants": [10, 10],
    ...     "z": [1.0, 0.0], "variance": [0.1, 0.1], "weight": [1.0, 1.0]})
    >>> raw_results_index(scores, Methodology()).select("raw_index", "raw_variance").row(0)
    (0.5, 0.05)
    """
    procedures = list(PROCEDURE_COLUMNS)
    if "correlation" not in scores.columns:
        scores = scores.with_columns(pl.lit(float(methodology.same_students_correlation)).alias("correlation"))
    procedure_weight = np.array([methodology.procedure_weight(p) for p in procedures] + [0.0])
    cells = (
        scores.lazy()  # only the columns used are gathered from the rows kept
        .filter(pl.col("weight") > 0)
        .select(
            "code",
            "year",
            "grade",
            "participants",
            "z",
            "variance",
            "weight",
            pl.col("correlation").fill_null(float(methodology.same_students_correlation)),
            pl.col("procedure")
            .replace_strict(procedures, list(range(len(procedures))), default=len(procedures), return_dtype=pl.Int64)
            .alias("_p"),
        )
        .filter(pl.col("_p") < len(procedures))
        .collect(engine=DETERMINISTIC)
    )
    cells = sort_by_code(cells, "year", "_p", "grade")  # tests of a grade stay in input (subject) order
    excluded = pl.DataFrame(schema={"code": pl.String, "year": pl.Int64})
    if without_vpr is not None and without_vpr.height:
        excluded = without_vpr.select("code", pl.col("year").cast(pl.Int64)).unique()
    school_years = cells.select("code", "year").unique(maintain_order=True)
    school_years = school_years.join(
        excluded.with_columns(pl.lit(True).alias("vpr_excluded")),
        on=["code", "year"],
        how="left",
        maintain_order="left",
    ).with_columns(pl.col("vpr_excluded").fill_null(False))
    if cells.height == 0:
        return _empty_raw(school_years)

    def runs(*columns: str) -> np.ndarray:
        """Ids 0, 1, … of consecutive runs of equal keys (the frame is sorted by them)."""
        change = pl.any_horizontal(pl.col(c) != pl.col(c).shift() for c in columns).fill_null(True)
        return cells.select(change.cast(pl.Int64).cum_sum() - 1).to_series().to_numpy()

    sy = runs("code", "year")
    syp = runs("code", "year", "_p")
    sypg = runs("code", "year", "_p", "grade")
    n_sy, n_syp, n_sypg = sy[-1] + 1, syp[-1] + 1, sypg[-1] + 1
    procedure = cells["_p"].to_numpy()
    grade = cells["grade"].to_numpy()
    z = cells["z"].to_numpy()
    v = cells["variance"].to_numpy()
    rho = cells["correlation"].to_numpy().astype(np.float64)
    participants = cells["participants"].to_numpy().astype(np.float64)
    a = cells["weight"].to_numpy() * participants

    # Within a procedure: πc = a_c / Σ a; per procedure and grade the sums A = Σ √ρ π √v, B = Σ (1 − ρ) π² v.
    pi = a / np.bincount(syp, a, n_syp)[syp]
    level = np.bincount(syp, pi * z, n_syp)
    first_of_syp = np.flatnonzero(np.r_[True, syp[1:] != syp[:-1]])
    first_of_sypg = np.flatnonzero(np.r_[True, sypg[1:] != sypg[:-1]])
    A = np.bincount(sypg, np.sqrt(rho) * pi * np.sqrt(v), n_sypg)
    B = np.bincount(sypg, (1.0 - rho) * pi**2 * v, n_sypg)
    syp_of_sypg = syp[first_of_sypg]
    sy_of_sypg = sy[first_of_sypg]
    grade_of_sypg = grade[first_of_sypg]
    level_variance = np.bincount(syp_of_sypg, B + A**2, n_syp)
    sy_of_syp = sy[first_of_syp]
    procedure_of_syp = procedure[first_of_syp]
    tests = np.bincount(syp, None, n_syp)
    taken = np.bincount(syp, participants, n_syp)

    excluded_flags = school_years["vpr_excluded"].to_numpy()
    year_of_sy = school_years["year"].to_numpy()
    left_out = excluded_flags[sy_of_syp] & (procedure_of_syp == procedures.index(VPR))
    # every procedure's level on the common scale of the region's procedures (one-factor loadings)
    loading = procedure_loadings(level, procedure_of_syp, year_of_sy[sy_of_syp], left_out, sy_of_syp, len(procedures))
    level = level / loading
    level_variance = level_variance / loading**2
    interaction = procedure_interaction(
        level,
        level_variance,
        procedure_of_syp,
        year_of_sy[sy_of_syp],
        left_out,
        sy_of_syp,
        len(procedures),
    )

    def combine(drop_vpr: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        effective = procedure_weight[procedure_of_syp].copy()
        if methodology.procedure_combination == "precision":
            # over N years the sampling error averages out, a school's departure in a procedure does not
            effective = effective / np.maximum(level_variance / methodology.years_window + interaction, 1e-12)
        effective[drop_vpr[sy_of_syp] & (procedure_of_syp == procedures.index(VPR))] = 0.0
        total = np.bincount(sy_of_syp, effective, n_sy)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = effective / total[sy_of_syp]
        index = np.bincount(sy_of_syp, share * level, n_sy)
        s = (share / loading)[syp_of_sypg]  # a test enters its procedure's level divided by the loading
        syg = sy_of_sypg * 16 + grade_of_sypg
        keys, inverse = np.unique(syg, return_inverse=True)
        s1 = np.bincount(inverse, s**2 * B, len(keys))
        s2 = np.bincount(inverse, s * A, len(keys))
        variance = np.bincount(keys // 16, s1 + s2**2, n_sy)
        used = share > 0
        index[total <= 0] = np.nan
        variance[total <= 0] = np.nan
        persistent[:] = np.bincount(sy_of_syp, np.nan_to_num(share) ** 2 * interaction, n_sy)
        persistent[total <= 0] = np.nan
        return index, variance, np.bincount(sy_of_syp, tests * used, n_sy), np.bincount(sy_of_syp, taken * used, n_sy)

    persistent = np.zeros(n_sy)
    index_with, _, _, _ = combine(np.zeros(n_sy, dtype=bool))
    index, variance, used_tests, used_participants = combine(excluded_flags)
    columns: dict[str, object] = {
        "code": school_years["code"],
        "year": school_years["year"],
        "raw_index": index,
        "raw_variance": variance,
        "raw_interaction_variance": persistent,
        "raw_index_with_vpr": index_with,
        "vpr_excluded": excluded_flags,
        "tests": used_tests.astype(np.int64),
        "participants": used_participants.astype(np.int64),
    }
    for p, column in enumerate(procedures):
        values = np.full(n_sy, np.nan)
        variances = np.full(n_sy, np.nan)
        spreads = np.full(n_sy, np.nan)
        here = procedure_of_syp == p
        values[sy_of_syp[here]] = level[here]
        variances[sy_of_syp[here]] = level_variance[here]
        spreads[sy_of_syp[here]] = interaction[here]
        columns[PROCEDURE_COLUMNS[column]] = values
        columns[PROCEDURE_COLUMNS[column].replace("level_", "variance_")] = variances
        columns[PROCEDURE_COLUMNS[column].replace("level_", "interaction_")] = spreads
    out = pl.DataFrame(columns).with_columns(pl.col(pl.Float64).fill_nan(None))
    return out.sort("code", "year")


MIN_PAIR_SCHOOLS = 30  # schools with both procedures for their interaction to be estimated


def procedure_loadings(
    level: np.ndarray,
    procedure: np.ndarray,
    year: np.ndarray,
    left_out: np.ndarray,
    school_year: np.ndarray,
    n_procedures: int,
) -> np.ndarray:
    """Loading cₚ per (school-year, procedure) entry: the scale on which procedure p shows the common level.

    Each procedure's level is in the student sd of its own tests, and a procedure whose results
    carry more noise per student (marks rather than scores, a teacher's judgement) shows the
    same difference between schools as a smaller number: Lₚ ≈ cₚ·θ + departure + error. In a
    year, for every pair of procedures with at least ``MIN_PAIR_SCHOOLS`` schools, the robust
    between-school covariance (Gnanadesikan–Kettenring, from the MAD: the sampling errors of two
    procedures cancel in it)::

        Cₚ_q = sₚ s_q (MAD²(xₚ + x_q) − MAD²(xₚ − x_q)) / 4,   x = L / s,   s = 1.4826·MAD(L)

    is cₚ c_q Var θ (a one-factor model). Least squares on log Cₚ_q = aₚ + a_q gives
    cₚ = exp(aₚ − mean a) over the procedures with a loading, so the loadings have geometric
    mean 1 and the index stays in student sd. Dividing Lₚ by cₚ (and its variance by cₚ²) puts
    every procedure on one scale before they are combined; otherwise the difference of scales
    (cₚ − c_q)·θ is read as the procedure's departure ω²ₚ and weighs the procedure down. When the
    pairs do not determine the loadings (fewer than three procedures, no odd cycle of pairs, a
    covariance not above 0) every procedure keeps cₚ = 1. Entries ``left_out`` (ВПР of a school
    at risk) do not enter the estimate.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> theta = rng.normal(0, 0.5, 400)
    >>> levels = np.stack([c * theta + rng.normal(0, 0.05, 400) for c in (1.0, 1.0, 0.6)], axis=1).reshape(-1)
    >>> out = procedure_loadings(levels, np.tile([0, 1, 2], 400), np.full(1200, 2026), np.zeros(1200, dtype=bool),
    ...                          np.repeat(np.arange(400), 3), 3)
    >>> np.round(out[:3], 2).tolist()
    [1.15, 1.19, 0.73]
    """
    out = np.ones(len(level))
    usable = np.isfinite(level) & ~left_out
    for y in np.unique(year):
        rows = np.flatnonzero((year == y) & usable)
        if len(rows) == 0:
            continue
        schools, position = np.unique(school_year[rows], return_inverse=True)
        L = np.full((len(schools), n_procedures), np.nan)
        L[position, procedure[rows]] = level[rows]
        written = np.isfinite(L)
        # the same schools for every pair, so that Var θ is one number: drop the least written
        # procedures until enough schools write all the rest
        core = [p for p in np.argsort(-written.sum(axis=0), kind="stable") if written[:, p].sum() >= MIN_PAIR_SCHOOLS]
        while len(core) >= 3 and written[:, core].all(axis=1).sum() < MIN_PAIR_SCHOOLS:
            core.pop()
        if len(core) < 3:
            continue
        common = written[:, core].all(axis=1)
        log_cov = np.full((n_procedures, n_procedures), np.nan)
        for p, q in itertools.combinations(range(n_procedures), 2):
            both = common if p in core and q in core else written[:, p] & written[:, q]
            if both.sum() >= MIN_PAIR_SCHOOLS:
                covariance = _robust_covariance(L[both, p], L[both, q])
                if covariance > 0:
                    log_cov[p, q] = log_cov[q, p] = np.log(covariance)
        pairs = [(p, q) for p, q in itertools.combinations(core, 2) if np.isfinite(log_cov[p, q])]
        A = np.zeros((len(pairs), len(core)))
        for i, (p, q) in enumerate(pairs):
            A[i, [core.index(p), core.index(q)]] = 1.0
        if len(pairs) < len(core) or np.linalg.matrix_rank(A) < len(core):
            continue  # the pairs do not tell c_p from c_q (e.g. only two procedures)
        a = np.full(n_procedures, np.nan)
        a[core] = np.linalg.lstsq(A, np.array([log_cov[p, q] for p, q in pairs]), rcond=None)[0]
        centre = float(np.mean(a[core]))
        for p in range(n_procedures):
            if p not in core:
                # a procedure of fewer schools: from its covariances with the core procedures
                known = [log_cov[p, q] - a[q] for q in core if np.isfinite(log_cov[p, q])]
                if known:
                    a[p] = float(np.mean(known))
        loading = np.where(np.isfinite(a), np.exp(a - centre), 1.0)
        here = year == y
        out[here] = loading[procedure[here]]
    return out


def _robust_covariance(x: np.ndarray, y: np.ndarray) -> float:
    """Gnanadesikan–Kettenring covariance from the MAD of the standardised sum and difference."""

    def spread(values: np.ndarray) -> float:
        return float(MAD_TO_SD * np.median(np.abs(values - np.median(values))))

    sx, sy = spread(x), spread(y)
    if not (sx > 0 and sy > 0):
        return float("nan")
    u, v = x / sx, y / sy
    return sx * sy * (spread(u + v) ** 2 - spread(u - v) ** 2) / 4.0


def procedure_interaction(
    level: np.ndarray,
    level_variance: np.ndarray,
    procedure: np.ndarray,
    year: np.ndarray,
    left_out: np.ndarray,
    school_year: np.ndarray,
    n_procedures: int,
) -> np.ndarray:
    """ω²ₚ per (school-year, procedure) entry: the year's between-school spread of procedure p's departures.

    For two procedures p, q written by the same school in a year, D = Lₚ − L_q. Its spread over
    the region's schools beyond sampling, Tₚ_q = ω²ₚ + ω²_q, solves 1.4826·median(|D − med D| /
    √(T + Vₚ + V_q)) = 1 (:func:`~opora.analytics._robust.spread_beyond_sampling`), for every
    pair with at least ``MIN_PAIR_SCHOOLS`` schools; then ω² ≥ 0 by non-negative least squares
    over the pairs (weighted by their schools; with two procedures alone their pair's spread is
    split evenly: the data cannot tell which departs). Entries ``left_out`` (ВПР of a school at risk)
    do not enter the estimate. A procedure without a pair gets ω² = 0.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> common = rng.normal(0, 0.5, 300)
    >>> levels = np.stack([common + rng.normal(0, s, 300) for s in (0.1, 0.1, 0.4)], axis=1).reshape(-1)
    >>> out = procedure_interaction(levels, np.full(900, 1e-4), np.tile([0, 1, 2], 300), np.full(900, 2026),
    ...                             np.zeros(900, dtype=bool), np.repeat(np.arange(300), 3), 3)
    >>> np.round(out[:3], 2).tolist()
    [0.02, 0.0, 0.16]
    """
    from scipy.optimize import nnls

    out = np.zeros(len(level))
    usable = np.isfinite(level) & np.isfinite(level_variance) & ~left_out
    for y in np.unique(year):
        rows = np.flatnonzero((year == y) & usable)
        if len(rows) == 0:
            continue
        schools, position = np.unique(school_year[rows], return_inverse=True)
        L = np.full((len(schools), n_procedures), np.nan)
        V = np.full((len(schools), n_procedures), np.nan)
        L[position, procedure[rows]] = level[rows]
        V[position, procedure[rows]] = level_variance[rows]
        design, totals, counts = [], [], []
        for p in range(n_procedures):
            for q in range(p + 1, n_procedures):
                both = np.isfinite(L[:, p]) & np.isfinite(L[:, q])
                if both.sum() < MIN_PAIR_SCHOOLS:
                    continue
                difference = L[both, p] - L[both, q]
                omega2, _ = spread_beyond_sampling(difference - np.median(difference), V[both, p] + V[both, q])
                row = np.zeros(n_procedures)
                row[[p, q]] = 1.0
                design.append(row)
                totals.append(omega2)
                counts.append(both.sum())
        if not design:
            continue
        weight = np.sqrt(np.array(counts, dtype=np.float64))
        A, b = np.array(design) * weight[:, None], np.array(totals) * weight
        # the minimum-norm solution splits what the pairs cannot tell apart (two procedures) evenly
        solution = np.linalg.lstsq(A, b, rcond=None)[0]
        if (solution < 0).any():
            solution, _ = nnls(A, b)
        here = year == y
        out[here] = solution[procedure[here]]
    return out


def _empty_raw(school_years: pl.DataFrame) -> pl.DataFrame:
    schema: dict[str, pl.DataType] = {
        "code": pl.String(),
        "year": pl.Int64(),
        "raw_index": pl.Float64(),
        "raw_variance": pl.Float64(),
        "raw_interaction_variance": pl.Float64(),
        "raw_index_with_vpr": pl.Float64(),
        "vpr_excluded": pl.Boolean(),
        "tests": pl.Int64(),
        "participants": pl.Int64(),
    }
    for column in PROCEDURE_COLUMNS.values():
        schema[column] = pl.Float64()
        schema[column.replace("level_", "variance_")] = pl.Float64()
        schema[column.replace("level_", "interaction_")] = pl.Float64()
    return pl.DataFrame(schema=schema)


def results_index(
    raw: pl.DataFrame,
    methodology: Methodology,
    *,
    covariates: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Shrink the raw index of each school-year by empirical Bayes, with an interval.

    For each year separately, :class:`~opora.analytics.shrinkage.FayHerriot` is fitted to the
    schools' raw indices Yₛ and variances Vₛ: with ``shrinkage_target="region_mean"`` the
    prior mean is the regional mean (X = 1; James–Stein); with ``"context"`` it is the
    prediction from the columns of ``covariates`` (schools without them fall back to the
    regional mean). Then::

        γₛ = τ̂² / (τ̂² + Vₛ),   index = γₛ Yₛ + (1 − γₛ) prior,   sd = √(γₛ Vₛ + (1 − γₛ)² g₂)
        interval = index ± z·sd   (z = 1.96 for ``confidence_level`` 0.95)

    With ``borrow_strength_over_years`` (default) the yearly estimates are then replaced by those
    of :class:`~opora.analytics.shrinkage.SchoolYearModel` fitted to the residuals Yₛₜ − priorₛₜ
    of all years: each year leans on the school's other years as much as results prove stable
    (``tau2_school``, ``tau2_year`` give the split).

    The index is in student sd: 0 is the region's average student; −0.5 means the school's
    students are on average half a student sd below.

    Parameters
    ----------
    raw : polars.DataFrame
        Output of :func:`raw_results_index`.
    methodology : Methodology
    covariates : polars.DataFrame, optional
        ``code, year`` and numeric covariate columns (for ``shrinkage_target="context"``).

    Returns
    -------
    polars.DataFrame
        ``raw`` with ``results_index, results_index_sd, results_index_lower,
        results_index_upper, shrinkage_weight, prior_mean, tau2``.

    Examples
    --------
    >>> raw = pl.DataFrame({"code": list("abcdef"), "year": [2026] * 6,
    ...     "raw_index": [-1.0, -0.5, 0.0, 0.5, 1.0, 3.0], "raw_variance": [0.01] * 5 + [10.0]})
    >>> results_index(raw, Methodology())["results_index"].round(2).to_list()
    [-0.97, -0.48, 0.0, 0.49, 0.97, 0.11]
    """
    if raw.height == 0:
        return raw.with_columns(
            *(
                pl.lit(None, dtype=pl.Float64).alias(c)
                for c in (
                    "results_index",
                    "results_index_sd",
                    "results_index_lower",
                    "results_index_upper",
                    "shrinkage_weight",
                    "prior_mean",
                    "tau2",
                )
            )
        )
    usable = raw.filter(pl.col("raw_index").is_not_null() & pl.col("raw_variance").is_not_null())
    covariate_names: list[str] = []
    if methodology.shrinkage_target == "context" and covariates is not None:
        covariate_names = [c for c in covariates.columns if c not in ("code", "year")]
        usable = usable.join(covariates, on=["code", "year"], how="left", maintain_order="left")
    parts = []
    for (year,), part in usable.sort("code").partition_by("year", as_dict=True, maintain_order=True).items():
        parts.append(_shrink_year(part, covariate_names, methodology).with_columns(pl.lit(year).alias("year")))
    shrunk = pl.concat(parts).select(
        "code", "year", "results_index", "results_index_sd", "shrinkage_weight", "prior_mean", "tau2"
    )
    if methodology.borrow_strength_over_years and shrunk["year"].n_unique() > 1:
        columns = ["code", "year", "raw_index", "raw_variance"]
        if "raw_interaction_variance" in usable.columns:
            columns.append("raw_interaction_variance")
        shrunk = _pool_years(shrunk, usable.select(columns))
    z = methodology.z_critical
    return (
        raw.join(shrunk, on=["code", "year"], how="left", maintain_order="left")
        .with_columns(
            (pl.col("results_index") - z * pl.col("results_index_sd")).alias("results_index_lower"),
            (pl.col("results_index") + z * pl.col("results_index_sd")).alias("results_index_upper"),
        )
        .sort("code", "year")
    )


def _pool_years(shrunk: pl.DataFrame, raw: pl.DataFrame) -> pl.DataFrame:
    """Replace the yearly estimates by those of :class:`SchoolYearModel` (all years together)."""
    years = sorted(shrunk["year"].unique().to_list())
    data = shrunk.join(raw, on=["code", "year"], how="left", maintain_order="left").with_columns(
        (pl.col("raw_index") - pl.col("prior_mean")).alias("_residual")
    )
    residual = data.pivot(on="year", index="code", values="_residual", sort_columns=True).sort("code")
    variance = data.pivot(on="year", index="code", values="raw_variance", sort_columns=True).sort("code")
    columns = [str(y) for y in years]
    R = residual.select([pl.col(c).cast(pl.Float64) for c in columns]).to_numpy()
    V = variance.select([pl.col(c).cast(pl.Float64) for c in columns]).to_numpy()
    yearly_tau2 = data.group_by("year", maintain_order=True).agg(pl.col("tau2").first())["tau2"].to_numpy()
    tau2 = float(np.mean(yearly_tau2))
    persistent = school_persistent_variance(data, residual["code"])
    model = SchoolYearModel().fit(R, V, tau2=tau2, persistent=persistent)
    posterior = model.shrink(R, V, persistent)
    pooled = pl.DataFrame(
        {
            "code": np.repeat(residual["code"].to_numpy(), len(years)),
            "year": np.tile(np.array(years, dtype=np.int64), residual.height),
            "_offset": posterior.mean.reshape(-1),
            "_variance": posterior.variance.reshape(-1),
            "_weight": posterior.weight.reshape(-1),
        }
    ).with_columns(pl.col("code").cast(pl.String))
    return data.join(pooled, on=["code", "year"], how="left", maintain_order="left").select(
        "code",
        "year",
        (pl.col("prior_mean") + pl.col("_offset")).alias("results_index"),
        pl.col("_variance").sqrt().alias("results_index_sd"),
        pl.col("_weight").alias("shrinkage_weight"),
        "prior_mean",
        pl.lit(model.sigma2_school_ + model.sigma2_year_).alias("tau2"),
        pl.lit(model.sigma2_school_).alias("tau2_school"),
        pl.lit(model.sigma2_year_).alias("tau2_year"),
    )


def school_persistent_variance(frame: pl.DataFrame, codes: pl.Series) -> np.ndarray | None:
    """Per school (in the order of ``codes``), the mean over its years of ``raw_interaction_variance``."""
    if "raw_interaction_variance" not in frame.columns:
        return None
    per_school = frame.group_by("code").agg(pl.col("raw_interaction_variance").mean())
    ordered = codes.to_frame("code").join(per_school, on="code", how="left", maintain_order="left")
    return ordered["raw_interaction_variance"].fill_null(0.0).to_numpy().astype(np.float64)


def _shrink_year(part: pl.DataFrame, covariate_names: list[str], methodology: Methodology) -> pl.DataFrame:
    y = part["raw_index"].to_numpy().astype(np.float64)
    v = part["raw_variance"].to_numpy().astype(np.float64)
    mean = np.full(len(y), np.nan)
    variance = np.full(len(y), np.nan)
    weight = np.full(len(y), np.nan)
    prior = np.full(len(y), np.nan)
    tau2 = np.full(len(y), np.nan)
    everyone = np.ones(len(y), dtype=bool)
    # (schools the model is fitted on, schools it is applied to, their design matrices)
    groups: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    rest = everyone
    if covariate_names:
        X_full = part.select(covariate_names).to_numpy().astype(np.float64)
        complete = np.isfinite(X_full).all(axis=1)
        if complete.sum() > len(covariate_names) + 1:
            X = np.column_stack([np.ones(complete.sum()), X_full[complete]])
            groups.append((complete, complete, X, X))
            rest = ~complete
    if rest.any():
        # Schools without covariates are shrunk toward the mean of all schools.
        groups.append((everyone, rest, np.ones((len(y), 1)), np.ones((int(rest.sum()), 1))))
    for fit_rows, rows, X_fit, X in groups:
        model = FayHerriot().fit(X_fit, y[fit_rows], v[fit_rows])
        posterior = model.shrink(X, y[rows], v[rows])
        mean[rows] = posterior.mean
        variance[rows] = posterior.variance
        weight[rows] = posterior.weight
        prior[rows] = model.predict(X)
        tau2[rows] = model.tau2_
    return pl.DataFrame(
        {
            "code": part["code"],
            "results_index": mean,
            "results_index_sd": np.sqrt(variance),
            "shrinkage_weight": weight,
            "prior_mean": prior,
            "tau2": tau2,
        }
    )
