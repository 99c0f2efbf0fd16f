"""The ШНОР decision from the uncertainty: P(in the bottom group in at least K of the last N years).

The results index of a school in a year is an estimate with an interval. Ranking the estimates
and counting the years in the bottom group throws that uncertainty away: a small school whose
interval covers half the region is «in the bottom» or not by chance. Here the same
year-over-year model that gives the intervals (:class:`~opora.analytics.shrinkage.SchoolYearModel`)
gives, for every school, the joint posterior of its true index over the N years, and from it
the probability that the school is in the bottom group in at least K of them. The list is then
chosen from the probabilities by a stated rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.special import ndtr, ndtri
from scipy.stats import norm, qmc

from .methodology import Methodology
from .results_index import school_persistent_variance
from .shrinkage import SchoolYearModel

_CHUNK = 2048  # schools per block of the quasi-Monte Carlo sum


@dataclass(frozen=True)
class LowResultsProbability:
    """Probabilities of the bottom group.

    Attributes
    ----------
    schools : polars.DataFrame
        ``code, low_results_probability`` (P(in the bottom group in at least K of the N years)),
        ``years_with_index``.
    yearly : polars.DataFrame
        ``code, year, bottom_probability`` (P(in the bottom group of that year)), posterior
        ``true_index`` mean and ``true_index_sd`` (also for a year without results: from the
        school's other years).
    thresholds : polars.DataFrame
        ``year, schools, bottom_size, true_threshold``: the level q under which ⌈share·m⌉ of the
        region's schools are expected to lie, Σₛ P(θₛ < q) = ⌈share·m⌉.
    """

    schools: pl.DataFrame
    yearly: pl.DataFrame
    thresholds: pl.DataFrame


def bottom_thresholds(mean: np.ndarray, sd: np.ndarray, counted: np.ndarray, share: float) -> np.ndarray:
    """Per year (column), the q with Σ_{counted s} Φ((q − meanₛ)/sdₛ) = ⌈share·m⌉, by bisection.

    Examples
    --------
    >>> mean = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> bottom_thresholds(mean, np.full((4, 1), 1e-6), np.ones((4, 1), dtype=bool), 0.25).round(3).tolist()
    [0.0]
    """
    n_years = mean.shape[1]
    out = np.full(n_years, np.nan)
    for t in range(n_years):
        rows = counted[:, t] & np.isfinite(mean[:, t]) & np.isfinite(sd[:, t])
        m = int(rows.sum())
        if m == 0:
            continue
        k = math.ceil(share * m)
        mu, s = mean[rows, t], np.maximum(sd[rows, t], 1e-9)
        low, high = float(mu.min() - 8 * s.max()), float(mu.max() + 8 * s.max())
        for _ in range(80):
            middle = 0.5 * (low + high)
            if ndtr((middle - mu) / s).sum() < k:  # Φ, as norm.cdf without its argument checks
                low = middle
            else:
                high = middle
        out[t] = 0.5 * (low + high)
    return out


def at_least_k_probability(
    mean: np.ndarray, covariance: np.ndarray, threshold: np.ndarray, k: int, draws: int, seed: int
) -> np.ndarray:
    """P(at least k of the components of N(mean, covariance) are below their thresholds).

    Quasi-Monte Carlo: ``draws`` scrambled Sobol points (fixed ``seed``, the same for every
    school) mapped to N(0, I) and by the Cholesky factor of each school's covariance; the result
    is deterministic. One component (N = 1) is computed exactly. Where Markov's inequality on
    the count of components below (or above) their thresholds already bounds the answer within
    10⁻⁶ of 0 (or 1) — most schools of a country, far from the bottom group — that value is
    taken without sampling.

    Examples
    --------
    >>> mean = np.array([[-1.0, -1.0], [1.0, 1.0]]); cov = np.broadcast_to(np.eye(2) * 0.01, (2, 2, 2))
    >>> at_least_k_probability(mean, cov, np.zeros(2), 2, 256, 0).round(3).tolist()
    [1.0, 0.0]
    """
    m, n_years = mean.shape
    if m == 0:
        return np.zeros(0)
    if n_years == 1:
        sd = np.sqrt(np.maximum(covariance[:, 0, 0], 1e-18))
        return norm.cdf((threshold[0] - mean[:, 0]) / sd) if k <= 1 else np.zeros(m)
    sd = np.sqrt(np.maximum(np.einsum("stt->st", covariance), 1e-18))
    marginal = norm.cdf((threshold[None, :] - mean) / sd)
    out = np.full(m, np.nan)
    out[marginal.sum(axis=1) / k < 1e-6] = 0.0  # P(#below ≥ k) ≤ E[#below] / k
    out[(1.0 - marginal).sum(axis=1) / (n_years - k + 1) < 1e-6] = 1.0
    todo = np.flatnonzero(np.isnan(out))
    if len(todo) == 0:
        return out
    points = qmc.Sobol(d=n_years, scramble=True, seed=seed).random(draws)
    xi = ndtri(np.clip(points, 1e-12, 1 - 1e-12))  # draws × T
    jitter = 1e-10 * np.eye(n_years)
    factor = np.linalg.cholesky(covariance[todo] + jitter)
    for start in range(0, len(todo), _CHUNK):
        stop = min(start + _CHUNK, len(todo))
        sample = mean[todo[start:stop], None, :] + np.einsum("stu,du->sdt", factor[start:stop], xi)
        below = (sample < threshold[None, None, :]).sum(axis=2)
        out[todo[start:stop]] = (below >= k).mean(axis=1)
    return out


def expected_f1_selection(probability: np.ndarray, order_key: np.ndarray | None = None) -> np.ndarray:
    """The k schools with the highest probability, k maximising the expected F1.

    With pᵢ sorted in decreasing order (ties by ``order_key``, e.g. the school code)::

        E F1(k) ≈ 2 Σ_{i≤k} pᵢ / (k + Σᵢ pᵢ)

    (expected true positives over the expected sizes of the list and of the true group). The
    schools chosen have p at least about F1*/2 — below one half when the list is good.

    Examples
    --------
    >>> expected_f1_selection(np.array([0.9, 0.1, 0.6, 0.05])).tolist()
    [True, False, True, False]
    """
    p = np.nan_to_num(np.asarray(probability, dtype=np.float64), nan=0.0)
    if len(p) == 0 or p.sum() <= 0:
        return np.zeros(len(p), dtype=bool)
    keys = (np.arange(len(p)),) if order_key is None else (order_key,)
    order = np.lexsort((*keys, -p))
    expected = 2.0 * np.cumsum(p[order]) / (np.arange(1, len(p) + 1) + p.sum())
    chosen = np.zeros(len(p), dtype=bool)
    chosen[order[: int(np.argmax(expected)) + 1]] = True
    return chosen


def expected_count_selection(probability: np.ndarray, order_key: np.ndarray | None = None) -> np.ndarray:
    """The round(Σ p) schools with the highest probability: as many as ШНОР are expected.

    Examples
    --------
    >>> expected_count_selection(np.array([0.9, 0.1, 0.6, 0.4])).tolist()
    [True, False, True, False]
    """
    p = np.nan_to_num(np.asarray(probability, dtype=np.float64), nan=0.0)
    keys = (np.arange(len(p)),) if order_key is None else (order_key,)
    order = np.lexsort((*keys, -p))
    chosen = np.zeros(len(p), dtype=bool)
    chosen[order[: int(np.floor(p.sum() + 0.5))]] = True
    return chosen


def low_results_probability(index: pl.DataFrame, methodology: Methodology) -> LowResultsProbability:
    """P(the school is in the bottom group in at least K of the last N years), from the index model.

    1. The posterior of the school's true index θₛₜ over the N years: with
       ``borrow_strength_over_years`` the year-over-year model of :func:`results_index`
       (mean μ̂ₜ + C Σ⁻¹ rₛ, covariance C − C Σ⁻¹ C: the years are correlated through what
       persists in the school), otherwise independent years N(index, sd²). A year without
       results is what the other years (or the prior) say.
    2. Per year, the level qₜ under which the bottom group of ⌈``bottom_share``·mₜ⌉ schools is
       expected: Σₛ P(θₛₜ < qₜ) = ⌈share·mₜ⌉ over the mₜ schools with an index that year
       (:func:`bottom_thresholds`).
    3. P(#{t: θₛₜ < qₜ} ≥ K) by quasi-Monte Carlo (:func:`at_least_k_probability`,
       ``probability_draws`` points, seed ``probability_random_state``).

    Parameters
    ----------
    index : polars.DataFrame
        Output of :func:`~opora.analytics.results_index.results_index`.
    methodology : Methodology

    Returns
    -------
    LowResultsProbability

    Examples
    --------
    >>> index = pl.DataFrame({"code": list("abcd"), "year": [2026] * 4, "raw_index": [-1.0, 0.0, 0.5, 1.0],
    ...     "raw_variance": [0.01] * 4, "results_index": [-1.0, 0.0, 0.5, 1.0], "results_index_sd": [0.1] * 4,
    ...     "prior_mean": [0.0] * 4, "tau2": [0.5] * 4})
    >>> one = Methodology(years_window=1, years_required=1, bottom_share=0.25)
    >>> low_results_probability(index, one).schools["low_results_probability"].round(2).to_list()
    [1.0, 0.0, 0.0, 0.0]
    """
    usable = index.filter(pl.col("results_index").is_not_null() & pl.col("raw_index").is_not_null()).sort(
        "code", "year"
    )
    years = sorted(usable["year"].unique().to_list())
    schema_schools = {"code": pl.String, "low_results_probability": pl.Float64, "years_with_index": pl.Int64}
    schema_yearly = {
        "code": pl.String,
        "year": pl.Int64,
        "bottom_probability": pl.Float64,
        "true_index": pl.Float64,
        "true_index_sd": pl.Float64,
    }
    schema_thresholds = {"year": pl.Int64, "schools": pl.Int64, "bottom_size": pl.Int64, "true_threshold": pl.Float64}
    if not years:
        return LowResultsProbability(
            pl.DataFrame(schema=schema_schools),
            pl.DataFrame(schema=schema_yearly),
            pl.DataFrame(schema=schema_thresholds),
        )
    codes = usable["code"].unique().sort()
    columns = [str(y) for y in years]

    def wide(column: str) -> np.ndarray:
        frame = usable.pivot(on="year", index="code", values=column, sort_columns=True)
        frame = codes.to_frame().join(frame, on="code", how="left", maintain_order="left")
        return frame.select([pl.col(c).cast(pl.Float64) for c in columns]).to_numpy()

    observed = np.isfinite(wide("raw_index"))
    prior = wide("prior_mean")
    year_prior = np.nanmedian(np.where(observed, prior, np.nan), axis=0)
    prior = np.where(np.isfinite(prior), prior, year_prior[None, :])
    tau2_year = usable.group_by("year").agg(pl.col("tau2").first()).sort("year")["tau2"].to_numpy()
    pooled = (
        methodology.borrow_strength_over_years
        and len(years) > 1
        and "tau2_school" in usable.columns
        and usable["tau2_school"].drop_nulls().len() > 0
    )
    if pooled:
        model = SchoolYearModel()
        model.sigma2_school_ = float(usable["tau2_school"].drop_nulls()[0])
        model.sigma2_year_ = float(usable["tau2_year"].drop_nulls()[0])
        residual = wide("raw_index") - prior
        variance = wide("raw_variance")
        persistent = school_persistent_variance(usable, codes)
        posterior = model.shrink(residual, variance, persistent)
        mean = prior + posterior.mean
        covariance = model.covariance(variance, persistent)
    else:
        mean = np.where(observed, wide("results_index"), prior)
        sd = np.where(observed, wide("results_index_sd"), np.sqrt(tau2_year)[None, :])
        covariance = np.einsum("st,tu->stu", sd**2, np.eye(len(years)))
    sd = np.sqrt(np.maximum(np.einsum("stt->st", covariance), 0.0))
    share = methodology.bottom_share
    threshold = bottom_thresholds(mean, sd, observed, share)
    required = min(methodology.years_required, len(years))
    probability = at_least_k_probability(
        mean,
        covariance,
        threshold,
        required,
        methodology.probability_draws,
        methodology.probability_random_state,
    )
    marginal = norm.cdf((threshold[None, :] - mean) / np.maximum(sd, 1e-9))
    schools = pl.DataFrame(
        {
            "code": codes,
            "low_results_probability": probability,
            "years_with_index": observed.sum(axis=1).astype(np.int64),
        }
    )
    yearly = pl.DataFrame(
        {
            "code": np.repeat(codes.to_numpy(), len(years)),
            "year": np.tile(np.array(years, dtype=np.int64), len(codes)),
            "bottom_probability": marginal.reshape(-1),
            "true_index": mean.reshape(-1),
            "true_index_sd": sd.reshape(-1),
        }
    ).with_columns(pl.col("code").cast(pl.String))
    counted = observed.sum(axis=0)
    thresholds = pl.DataFrame(
        {
            "year": np.array(years, dtype=np.int64),
            "schools": counted.astype(np.int64),
            "bottom_size": np.array([math.ceil(share * c) for c in counted], dtype=np.int64),
            "true_threshold": threshold,
        }
    )
    return LowResultsProbability(schools=schools, yearly=yearly, thresholds=thresholds)
