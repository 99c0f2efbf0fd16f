"""Signs that a school's ВПР results are not objective: calibrated on the region, combined, thresholded.

Three signals per school and year, each a value with its sampling variance. A raw z-statistic
assumes that honest schools differ only by chance; in real data they also differ by how their
teachers mark, how they prepare for the ВПР, how well the ВПР and the ОГЭ fit their pupils. So
each signal is **calibrated on the region's own schools**: a robust line (centre) and the
between-school spread of honest schools are estimated with a Huber M-estimator and the median
absolute deviation, and each school's statistic is its distance from the centre in units of the
spread expected at its size. The signals are combined into one score whose threshold follows
from a stated false-flag rate, with the Benjamini–Hochberg control of false discoveries among the
thousands of schools tested.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

import numpy as np
import polars as pl
from scipy.stats import norm

from ._frames import DETERMINISTIC, RESULTS_REQUIRED, RESULTS_SCHEMA, conform, sort_by_code
from ._robust import HUBER, MAD_TO_SD, robust_calibration, robust_correlation
from .methodology import EGE, OGE, VPR, Methodology

# signal → (Russian label saying which direction is suspicious, direction of suspicion)
SIGNALS = {
    "vpr_gap": "ВПР выше уровня ОГЭ/ЕГЭ той же школы (подозрительно: больше, чем у школ региона)",
    "vpr_above_journal": (
        "Отметки за ВПР чаще выше и реже ниже отметок по журналу, чем в регионе (подозрительно: больше)"
    ),
    "scores_at_cutoffs": (
        "Первичные баллы ВПР скучены у границ отметок: средний балл ниже, чем следует из отметок "
        "(подозрительно: меньше)"
    ),
}
SIGNAL_DIRECTION = {"vpr_gap": 1.0, "vpr_above_journal": 1.0, "scores_at_cutoffs": -1.0}
NO_VPR = "нет результатов ВПР"
_FLOAT = pl.Float64()
NO_SIGNAL = "данных ВПР недостаточно ни для одного признака"


def _too_few(least: int) -> str:
    return f"меньше {least} результатов ВПР: признаков нет, но и вывода об объективности сделать нельзя"


def fisher_brown(p_values: np.ndarray, correlation: np.ndarray) -> np.ndarray:
    """Combine one-sided p-values of correlated signals: Fisher's X = −2 Σ ln pₖ, Brown's correction.

    Under no inflation X has mean 2K and variance 4K + 2 Σ_{k<l} cov_kl, with cov_kl ≈ 3.263 r +
    0.710 r² + 0.027 r³ for statistics correlated by r (Kost & McDermott, 2002); X / c follows
    χ² with f degrees of freedom, c = Var / (2 E), f = 2 E² / Var. Only the signals a school has
    (finite p) count. A signal far on the innocent side (p near 1) adds almost nothing, so it
    cannot hide the others (as it would in a sum of z-statistics).

    Examples
    --------
    >>> p = np.array([[0.001, 0.01, 0.9], [0.5, 0.5, np.nan]])
    >>> fisher_brown(p, np.eye(3)).round(4).tolist()
    [0.0007, 0.5966]
    """
    from scipy.stats import chi2

    p = np.asarray(p_values, dtype=np.float64)
    available = np.isfinite(p)
    x = -2.0 * np.where(available, np.log(np.clip(p, 1e-300, 1.0)), 0.0).sum(axis=1)
    r = np.asarray(correlation, dtype=np.float64)
    cov = 3.263 * r + 0.710 * r**2 + 0.027 * r**3
    np.fill_diagonal(cov, 4.0)
    weights = available.astype(np.float64)
    expectation = 2.0 * weights.sum(axis=1)
    variance = np.einsum("si,ij,sj->s", weights, cov, weights)
    out = np.full(len(p), np.nan)
    known = expectation > 0
    c = variance[known] / (2.0 * expectation[known])
    f = 2.0 * expectation[known] ** 2 / variance[known]
    out[known] = chi2.sf(x[known] / c, f)
    return out


def benjamini_hochberg_threshold(p_values: np.ndarray, fdr: float) -> float:
    """Benjamini–Hochberg: fdr · i* / m, i* the largest i with p₍ᵢ₎ ≤ fdr · i / m.

    Every p at or below it is a discovery (no p lies between p₍ᵢ*₎ and it). With no discovery,
    the level the first one would need: fdr / m.

    Examples
    --------
    >>> benjamini_hochberg_threshold(np.array([0.001, 0.008, 0.039, 0.041, 0.2]), 0.05)
    0.02
    """
    p = np.sort(p_values[np.isfinite(p_values)])
    m = len(p)
    if m == 0:
        return 0.0
    passed = np.flatnonzero(p <= fdr * np.arange(1, m + 1) / m)
    return min(float(fdr * (passed[-1] + 1) / m), fdr) if len(passed) else fdr / m


def objectivity_signals(
    results: pl.DataFrame | pl.LazyFrame,
    scores: pl.DataFrame,
    methodology: Methodology,
) -> pl.DataFrame:
    """Three calibrated signals of inflated ВПР results per school and year, one score, the risk flag.

    The values, each with its sampling variance v (n the school's ВПР results):

    1. ``vpr_gap`` = L_ВПР − L_ГИА: the school's ВПР level by mean marks minus its ОГЭ/ЕГЭ
       level (participant-weighted z of :func:`standardised_scores`, in student sd), v = the sum
       of the two levels' variances (tests of one grade correlated by ρ); suspicious: large.
    2. ``vpr_above_journal`` = (raised − lowered) / compared − the same expected from the
       region's shares of each test: ВПР marks above the journal mark more often and below it
       less often than elsewhere; v = Σ n_c [r_c + ℓ_c − (r_c − ℓ_c)²] / (Σ n_c)²; suspicious:
       large.
    3. ``scores_at_cutoffs`` (FIOKO: peaks of primary scores at the cut-offs): per ВПР test, the
       region's mean primary score of each mark ĉ_k by least squares over schools (mean score ≈
       Σₖ pₖ ĉₖ), the school's residual e in units of the within-band sd σ; over its tests
       Σ n_c e_c/σ_c / Σ n_c, v = 1 / Σ n_c; suspicious: small (scores pushed just over a
       cut-off are the lowest of their band).

    **Calibration** (:func:`robust_calibration`, each signal and year over the region's
    schools, with the school's ВПР level as covariate — the ОГЭ/ЕГЭ level for the gap): a robust
    centre line and the honest between-school spread ω²; the statistic
    t = d·(value − centre) / √(ω² + v), d = ±1 the direction of suspicion, is about N(0, 1) for
    honest schools of every size.

    **Score.** The one-sided p-values pₖ = 1 − Φ(tₖ) of the available signals are combined by
    Fisher's method with Brown's correction for their robust correlations
    (:func:`robust_correlation`, :func:`fisher_brown`) into p; the score S = Φ⁻¹(1 − p), on the
    scale of a standard normal.

    **Threshold.** S* = max(Φ⁻¹(1 − α), Φ⁻¹(1 − p_BH)): at most α =
    ``objectivity_false_flag_rate`` of honest schools exceed it, and p_BH
    (:func:`benjamini_hochberg_threshold` at ``objectivity_fdr``) keeps the expected share of
    honest schools among the flagged ones at most that rate over the region's schools.
    ``objectivity_risk`` = S ≥ S*. A signal «fired» when its own statistic reaches S*.

    Every school with ВПР results is checked. Not flagged, a school with fewer than
    ``objectivity_min_participants`` ВПР results is «not known» (null, with a reason), as is
    a school without any computable signal; a school without ВПР has no risk value.

    Parameters
    ----------
    results : polars.DataFrame or polars.LazyFrame
        Form 3 (needs the ВПР marks, ``lowered``, ``confirmed``, ``raised`` and ``mean_score``).
    scores : polars.DataFrame
        :func:`~opora.analytics.results_index.standardised_scores` for the same results.
    methodology : Methodology

    Returns
    -------
    polars.DataFrame
        Per ``code, year``: ``vpr_participants``; for each signal s: ``s`` (value),
        ``s_variance``, ``s_centre``, ``s_statistic``, ``s_threshold`` (the value at which the
        statistic reaches S*), ``s_fired``; ``objectivity_score``, ``objectivity_p``,
        ``objectivity_threshold`` (S*), ``signals`` (fired), ``signals_available``,
        ``objectivity_risk`` (null when not known) and ``objectivity_risk_unknown_reason``.

    Examples
    --------
    >>> from opora.analytics.results_index import standardised_scores
    >>> empty = pl.DataFrame(schema={"code": pl.String, "year": pl.Int64, "procedure": pl.String,
    ...     "grade": pl.Int64, "subject": pl.String, "participants": pl.Int64})
    >>> objectivity_signals(empty, standardised_scores(empty, Methodology()), Methodology()).height
    0
    """
    frame = (
        conform(results, RESULTS_SCHEMA, RESULTS_REQUIRED, "Результаты по ОО")
        .filter(pl.col("procedure") == VPR)
        .drop("below_threshold")
        .sort("code", "year", "grade", "subject")
        .collect(engine=DETERMINISTIC)
    )
    vpr = frame.group_by("code", "year", maintain_order=True).agg(
        pl.col("participants").sum().cast(pl.Int64).alias("vpr_participants")
    )
    levels = _levels(frame, scores, methodology)
    raw = (
        vpr.join(levels, on=["code", "year"], how="left", maintain_order="left")
        .join(_journal(frame), on=["code", "year"], how="left", maintain_order="left")
        .join(_cutoffs(frame), on=["code", "year"], how="left", maintain_order="left")
        .sort("year", "code")
    )
    if raw.height == 0:
        return _empty()
    parts = [_score_year(part, methodology) for part in raw.partition_by("year", maintain_order=True)]
    return pl.concat(parts).sort("code", "year")


def _score_year(part: pl.DataFrame, methodology: Methodology) -> pl.DataFrame:
    """Calibration, score and threshold for the schools of one year."""
    covariates = {
        "vpr_gap": part["gia_level"].to_numpy().astype(np.float64),
        "vpr_above_journal": part["vpr_level"].to_numpy().astype(np.float64),
        "scores_at_cutoffs": part["vpr_level"].to_numpy().astype(np.float64),
    }
    statistics: dict[str, np.ndarray] = {}
    columns: dict[str, np.ndarray] = {}
    spread: dict[str, tuple[float, float]] = {}
    for signal, direction in SIGNAL_DIRECTION.items():
        value = part[signal].to_numpy().astype(np.float64)
        variance = part[f"{signal}_variance"].to_numpy().astype(np.float64)
        t, centre, omega2, scale, _ = robust_calibration(value, variance, covariates[signal])
        statistics[signal] = direction * t
        columns[f"{signal}_centre"] = centre
        spread[signal] = (omega2, scale)
    names = list(SIGNAL_DIRECTION)
    stacked = np.column_stack([statistics[s] for s in names])
    available = np.isfinite(stacked)
    correlation = np.eye(len(names))
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            r = float(np.clip(robust_correlation(stacked[:, i], stacked[:, j]), -0.5, 0.95))
            correlation[i, j] = correlation[j, i] = r
    count = available.sum(axis=1)
    # p below 1e-300 (a score above ≈ 37) is as certain as it gets; no infinite scores
    p_value = np.maximum(fisher_brown(np.where(available, norm.sf(stacked), np.nan), correlation), 1e-300)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(count > 0, norm.isf(p_value), np.nan)
    bh = benjamini_hochberg_threshold(p_value, methodology.objectivity_fdr)
    threshold = float(max(norm.isf(methodology.objectivity_false_flag_rate), norm.isf(bh) if bh > 0 else math.inf))
    flagged = np.where(np.isnan(score), False, score >= threshold)
    out = part.select("code", "year", "vpr_participants")
    for signal, direction in SIGNAL_DIRECTION.items():
        omega2, scale = spread[signal]
        variance = part[f"{signal}_variance"].to_numpy().astype(np.float64)
        statistic = statistics[signal]
        # the value at which the school's statistic would reach the threshold
        value_threshold = columns[f"{signal}_centre"] + direction * threshold * scale * np.sqrt(omega2 + variance)
        out = out.with_columns(
            part[signal],
            part[f"{signal}_variance"],
            pl.Series(f"{signal}_centre", columns[f"{signal}_centre"]).fill_nan(None),
            pl.Series(f"{signal}_statistic", statistic).fill_nan(None),
            pl.Series(f"{signal}_threshold", value_threshold).fill_nan(None),
            pl.Series(f"{signal}_fired", np.where(np.isfinite(statistic), statistic >= threshold, False))
            .cast(pl.Boolean)
            .alias(f"{signal}_fired"),
        ).with_columns(
            pl.when(pl.col(f"{signal}_statistic").is_not_null())
            .then(pl.col(f"{signal}_fired"))
            .alias(f"{signal}_fired")
        )
    least = methodology.objectivity_min_participants
    enough = pl.col("vpr_participants") >= least
    out = out.with_columns(
        pl.Series("objectivity_score", score).fill_nan(None),
        pl.Series("objectivity_p", p_value).fill_nan(None),
        pl.lit(threshold).alias("objectivity_threshold"),
        pl.Series("_flagged", flagged),
        pl.Series("signals_available", count.astype(np.int64)),
    ).with_columns(
        pl.sum_horizontal(pl.col(f"{s}_fired").fill_null(False).cast(pl.Int64) for s in names).alias("signals"),
        pl.when(pl.col("_flagged"))
        .then(True)
        .when(pl.col("objectivity_score").is_null() | ~enough)
        .then(None)
        .otherwise(False)
        .alias("objectivity_risk"),
        pl.when(pl.col("_flagged"))
        .then(None)
        .when(pl.col("vpr_participants").fill_null(0) == 0)
        .then(pl.lit(NO_VPR))
        .when(pl.col("objectivity_score").is_null())
        .then(pl.lit(NO_SIGNAL))
        .when(~enough)
        .then(pl.lit(_too_few(least)))
        .alias("objectivity_risk_unknown_reason"),
    )
    return out.drop("_flagged")


def _empty() -> pl.DataFrame:
    schema: dict[str, pl.DataType] = {"code": pl.String(), "year": pl.Int64(), "vpr_participants": pl.Int64()}
    for signal in SIGNAL_DIRECTION:
        for suffix in ("", "_variance", "_centre", "_statistic", "_threshold"):
            schema[f"{signal}{suffix}"] = pl.Float64()
        schema[f"{signal}_fired"] = pl.Boolean()
    schema.update(
        {
            "objectivity_score": pl.Float64(),
            "objectivity_p": pl.Float64(),
            "objectivity_threshold": pl.Float64(),
            "signals_available": pl.Int64(),
            "signals": pl.Int64(),
            "objectivity_risk": pl.Boolean(),
            "objectivity_risk_unknown_reason": pl.String(),
        }
    )
    return pl.DataFrame(schema=schema)


def objectivity_long(signals: pl.DataFrame, methodology: Methodology) -> pl.DataFrame:
    """The signals one per row with value, threshold and statistic, for the «why» page.

    Returns
    -------
    polars.DataFrame
        ``code, year, signal, label, direction`` («больше» / «меньше»: which side is
        suspicious), ``value, centre`` (what honest schools of the region have at this level),
        ``threshold`` (the value at which the signal would reach the score's threshold for a
        school of this size), ``statistic`` (calibrated), ``statistic_threshold`` (S*),
        ``fired``, and the school's ``score`` with its ``score_threshold``.

    Examples
    --------
    >>> signals = pl.DataFrame({"code": ["1"], "year": [2026], "vpr_gap": [0.8], "vpr_gap_centre": [0.0],
    ...     "vpr_gap_statistic": [4.0], "vpr_gap_threshold": [0.5], "vpr_gap_fired": [True],
    ...     "objectivity_score": [4.0], "objectivity_threshold": [3.2]})
    >>> objectivity_long(signals, Methodology()).select("signal", "fired").rows()
    [('scores_at_cutoffs', None), ('vpr_above_journal', None), ('vpr_gap', True)]
    """
    parts = []
    for signal, direction in SIGNAL_DIRECTION.items():

        def column(suffix: str, dtype: pl.DataType = _FLOAT, name: str = signal) -> pl.Expr:
            full = f"{name}{suffix}"
            return pl.col(full).cast(dtype) if full in signals.columns else pl.lit(None, dtype=dtype)

        parts.append(
            signals.select(
                "code",
                "year",
                pl.lit(signal).alias("signal"),
                pl.lit(SIGNALS[signal]).alias("label"),
                pl.lit("больше" if direction > 0 else "меньше").alias("direction"),
                column("").alias("value"),
                column("_centre").alias("centre"),
                column("_threshold").alias("threshold"),
                column("_statistic").alias("statistic"),
                column("", name="objectivity_threshold").alias("statistic_threshold"),
                column("_fired", pl.Boolean()).alias("fired"),
                column("", name="objectivity_score").alias("score"),
                column("", name="objectivity_threshold").alias("score_threshold"),
            )
        )
    return pl.concat(parts).sort("code", "year", "signal")


def _grade_level(cells: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Participant-weighted mean z of the cells, with its variance (tests of a grade correlated)."""
    n = pl.col("participants").cast(pl.Float64)
    weighted = cells.with_columns((n / n.sum().over(keys)).alias("_w"))
    by_grade = weighted.group_by([*keys, "grade"], maintain_order=True).agg(
        (pl.col("_w") * pl.col("z")).sum().alias("_level"),
        ((1.0 - pl.col("correlation")) * pl.col("_w") ** 2 * pl.col("variance")).sum().alias("_b"),
        (pl.col("correlation").sqrt() * pl.col("_w") * pl.col("variance").sqrt()).sum().alias("_a"),
    )
    return by_grade.group_by(keys, maintain_order=True).agg(
        pl.col("_level").sum().alias("level"), (pl.col("_b") + pl.col("_a") ** 2).sum().alias("level_variance")
    )


def _levels(frame: pl.DataFrame, scores: pl.DataFrame, methodology: Methodology) -> pl.DataFrame:
    """ВПР level by mean marks (what inflation raises) and ОГЭ/ЕГЭ level, with variances; their gap."""
    from .results_index import standardised_scores

    keys = ["code", "year"]
    # The ВПР level from the marks alone (no failure part, no form 4): inflation raises marks. Tests
    # scored from form 3 already have it (z_mean); those scored from form 4 are standardised again.
    rho = pl.lit(float(methodology.same_students_correlation)).alias("correlation")
    mean_part = pl.col("within_variance") / (pl.col("participants") * pl.col("region_sd") ** 2)
    # Lazy: only the columns used are gathered from the rows kept (an eager filter copies all of them).
    vpr_scores = scores.lazy().filter(pl.col("procedure") == VPR)
    parts = []
    if "kind" in scores.columns:
        parts.append(
            vpr_scores.filter(pl.col("kind") == "marks")
            .select(*keys, "grade", "participants", pl.col("z_mean").alias("z"), mean_part.alias("variance"), rho)
            .collect(engine=DETERMINISTIC)
        )
        scored = (
            vpr_scores.filter(pl.col("kind") != "marks")
            .select("year", "grade", "subject")
            .unique()
            .collect(engine=DETERMINISTIC)
        )
    else:
        scored = vpr_scores.select("year", "grade", "subject").unique().collect(engine=DETERMINISTIC)
    if scored.height:
        scored = scored.with_columns(pl.col("subject").cast(frame.schema["subject"]))
        marks_only = replace(methodology, failure_weight=0.0, use_student_results=False)
        again = standardised_scores(frame.join(scored, on=["year", "grade", "subject"], how="semi"), marks_only).filter(
            pl.col("kind") == "marks"
        )
        parts.append(
            again.select(*keys, "grade", "participants", pl.col("z_mean").alias("z"), mean_part.alias("variance"), rho)
        )
    vpr_cells = (
        pl.concat(parts)
        if parts
        else pl.DataFrame(
            schema={
                "code": pl.String,
                "year": pl.Int64,
                "grade": pl.Int64,
                "participants": pl.Int64,
                "z": pl.Float64,
                "variance": pl.Float64,
                "correlation": pl.Float64,
            }
        )
    )
    if "correlation" not in scores.columns:
        scores = scores.with_columns(pl.lit(float(methodology.same_students_correlation)).alias("correlation"))
    level_column = "z_mean" if "z_mean" in scores.columns else "z"
    gia_cells = (
        scores.lazy()
        .filter(pl.col("procedure").is_in([OGE, EGE]))
        .select(*keys, "grade", "participants", pl.col(level_column).alias("z"), "variance", "correlation")
        .collect(engine=DETERMINISTIC)
    )
    vpr = _grade_level(sort_by_code(vpr_cells, "year", "grade"), keys)  # a grade's tests in input order
    gia = _grade_level(gia_cells, keys)
    joined = vpr.rename({"level": "vpr_level", "level_variance": "_vv"}).join(
        gia.rename({"level": "gia_level", "level_variance": "_vg"}), on=keys, how="left", maintain_order="left"
    )
    return joined.select(
        *keys,
        "vpr_level",
        "gia_level",
        (pl.col("vpr_level") - pl.col("gia_level")).alias("vpr_gap"),
        (pl.col("_vv") + pl.col("_vg")).alias("vpr_gap_variance"),
    )


def _journal(frame: pl.DataFrame) -> pl.DataFrame:
    """Net share of ВПР marks above the journal, against the share expected from the region's tests."""
    test = ["year", "grade", "subject"]
    compared = pl.col("lowered") + pl.col("confirmed") + pl.col("raised")
    vpr = (
        frame.lazy()
        .filter(pl.col("lowered").is_not_null() & pl.col("confirmed").is_not_null() & pl.col("raised").is_not_null())
        .with_columns(compared.cast(pl.Float64).alias("_n"))
        .filter(pl.col("_n") > 0)
        .with_columns(
            (pl.col("lowered").sum().over(test) / pl.col("_n").sum().over(test)).alias("_l"),
            (pl.col("raised").sum().over(test) / pl.col("_n").sum().over(test)).alias("_r"),
        )
    )
    n = pl.col("_n")
    out = vpr.group_by("code", "year", maintain_order=True).agg(
        ((pl.col("raised") - pl.col("lowered")).sum() / n.sum()).alias("_net"),
        ((n * (pl.col("_r") - pl.col("_l"))).sum() / n.sum()).alias("_expected"),
        ((n * (pl.col("_r") + pl.col("_l") - (pl.col("_r") - pl.col("_l")) ** 2)).sum() / n.sum() ** 2).alias(
            "vpr_above_journal_variance"
        ),
    )
    return out.select(
        "code",
        "year",
        (pl.col("_net") - pl.col("_expected")).alias("vpr_above_journal"),
        "vpr_above_journal_variance",
    ).collect(engine=DETERMINISTIC)


def _cutoffs(frame: pl.DataFrame) -> pl.DataFrame:
    """Residual of the ВПР mean primary score against the marks, in within-band sd."""
    marks = [f"marks_{k}" for k in (2, 3, 4, 5)]
    schema = {
        "code": pl.String,
        "year": pl.Int64,
        "scores_at_cutoffs": pl.Float64,
        "scores_at_cutoffs_variance": pl.Float64,
    }
    vpr = (
        frame.lazy()
        .filter(pl.col("mean_score").is_not_null() & pl.all_horizontal(pl.col(m).is_not_null() for m in marks))
        .select("code", "year", "grade", "subject", "mean_score", *marks)  # only what is used, not every column
        .with_columns(pl.sum_horizontal(marks).cast(pl.Float64).alias("_n"))
        .filter(pl.col("_n") > 0)
        .collect(engine=DETERMINISTIC)
    )
    if vpr.height == 0:
        return pl.DataFrame(schema=schema)
    n_all = vpr["_n"].to_numpy()
    shares_all = vpr.select(marks).to_numpy().astype(np.float64) / n_all[:, None]
    y_all = vpr["mean_score"].to_numpy().astype(np.float64)
    r_all = np.full(len(n_all), np.nan)
    # the rows of each test: a hash grouping, no split of the frame
    grouped = (
        vpr.select("year", "grade", "subject")
        .with_row_index("_row")
        .group_by("year", "grade", "subject", maintain_order=True)
        .agg(pl.col("_row"))
    )
    flat = grouped["_row"].explode().to_numpy()
    bounds = np.r_[0, np.cumsum(grouped["_row"].list.len().to_numpy())]
    for start, stop in itertools.pairwise(bounds):
        rows = flat[start:stop]
        n, shares, y = n_all[rows], shares_all[rows], y_all[rows]
        present = shares.sum(axis=0) > 0
        m = len(y)
        design = shares[:, present]
        if m <= design.shape[1] + 1:
            continue
        root = np.sqrt(n)
        weight = np.ones(m)
        sigma = 0.0
        residual = np.zeros(m)
        for _ in range(6):  # Huber's iteratively reweighted least squares
            w = root * np.sqrt(weight)
            coef, *_ = np.linalg.lstsq(design * w[:, None], y * w, rcond=None)
            residual = y - design @ coef
            scaled = residual * root
            # a robust within-band sd: inflating schools must not widen it
            sigma = MAD_TO_SD * float(np.median(np.abs(scaled - np.median(scaled))))
            if sigma <= 0:
                break
            weight = np.minimum(1.0, HUBER / np.maximum(np.abs(scaled) / sigma, 1e-12))
        if sigma <= 0:
            sigma = math.sqrt(float(np.sum(n * residual**2)) / max(m - design.shape[1], 1))
        if sigma <= 0:
            continue
        r_all[rows] = residual / sigma
    scored = vpr.select("code", "year", "_n").with_columns(pl.Series("_r", r_all)).filter(pl.col("_r").is_not_nan())
    if scored.height == 0:
        return pl.DataFrame(schema=schema)
    return scored.group_by("code", "year", maintain_order=True).agg(
        ((pl.col("_n") * pl.col("_r")).sum() / pl.col("_n").sum()).alias("scores_at_cutoffs"),
        (1.0 / pl.col("_n").sum()).alias("scores_at_cutoffs_variance"),
    )
