"""The effect of the program: supported schools against similar unsupported ones.

A difference in differences with a matched comparison group (``docs/methodology.md``, «Эффект
программы»). The level before support is the shrunk index of the run that made the list (the
level the decision was taken on; its expected error given the data is 0, so supported schools
and their matches, selected alike on noisy results, do not regress to the mean apart); the
level after is the raw index of the year of support (unbiased for the school's level that year).

1. every supported school is matched with up to ``k`` unsupported schools of the same context
   cluster whose index before support is closest to its own, within a caliper of
   ``caliper_sd`` standard deviations of the index before (calibrated on the data at hand); a
   school with no such neighbour is left out and counted;
2. its effect is its change of the index minus the mean change of its matches,
   eᵢ = ΔIᵢ − mean_{j∈M(i)} ΔIⱼ; this takes out what all similar schools went through (the
   region's year, regression to the mean of schools that started as low);
3. the effect of the program is the mean of eᵢ, with a t-interval whose variance counts every
   comparison school as often as it is used: s²_supported/n + s²_comparison·Σwⱼ²; with fewer
   than ``min_group`` matched schools (or comparison schools) it is «данных недостаточно».

The design supports no causal claim beyond it: schools were not assigned to support at random,
and what sets them apart beyond their cluster and starting results is not controlled for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from scipy import stats

POSITIVE = "positive"
NEGATIVE = "negative"
NO_EFFECT = "none"
INSUFFICIENT = "insufficient"
EFFECT_LABELS = {
    POSITIVE: "положительный эффект",
    NEGATIVE: "отрицательный эффект",
    NO_EFFECT: "значимого эффекта нет",
    INSUFFICIENT: "данных недостаточно",
}


@dataclass(frozen=True)
class Estimate:
    """One estimate: the mean effect with its interval, how many schools it rests on, its verdict.

    Examples
    --------
    >>> Estimate(0.3, 0.1, 0.5, 12, 30, POSITIVE).label
    'положительный эффект'
    """

    effect: float | None
    lower: float | None
    upper: float | None
    matched: int
    comparison: int
    verdict: str

    @property
    def label(self) -> str:
        return EFFECT_LABELS[self.verdict]


@dataclass(frozen=True)
class ProgramEffect:
    """The effect of the program overall and by kind of support, and each school's match."""

    overall: Estimate
    by_kind: dict[str, Estimate] = field(default_factory=dict)
    supported: int = 0
    unmatched: int = 0
    pairs: pl.DataFrame = field(default_factory=pl.DataFrame)


def _estimate(
    changes: np.ndarray, weights: dict[int, float], pool_change: np.ndarray, level: float, min_group: int
) -> Estimate:
    """Mean change of the supported minus the weighted mean change of their matches, with a t-interval.

    The variance counts each comparison school as often as it is used:
    Var = s²_supported / n + s²_comparison · Σ wⱼ² (wⱼ its weight in the comparison mean).
    """
    n = len(changes)
    comparison = len(weights)
    if n == 0:
        return Estimate(None, None, None, 0, comparison, INSUFFICIENT)
    used = np.array(list(weights), dtype=int)
    w = np.array([weights[j] for j in used])
    effect = float(changes.mean() - (w * pool_change[used]).sum())
    if n < min_group or comparison < min_group:
        return Estimate(effect, None, None, n, comparison, INSUFFICIENT)
    variance = changes.var(ddof=1) / n + pool_change[used].var(ddof=1) * float((w**2).sum())
    half = float(stats.t.ppf(0.5 + level / 2, max(min(n, comparison) - 1, 1))) * math.sqrt(variance)
    lower, upper = effect - half, effect + half
    verdict = POSITIVE if lower > 0 else NEGATIVE if upper < 0 else NO_EFFECT
    return Estimate(effect, lower, upper, n, comparison, verdict)


def _weights(chosen: list[np.ndarray]) -> dict[int, float]:
    """Each comparison school's weight in the mean of the matches' means."""
    weights: dict[int, float] = {}
    for nearest in chosen:
        for j in nearest:
            weights[int(j)] = weights.get(int(j), 0.0) + 1.0 / (len(nearest) * len(chosen))
    return weights


def program_effect(
    frame: pl.DataFrame,
    *,
    kinds: tuple[str, ...] = (),
    match_on: str = "index_before",
    k: int = 5,
    caliper_sd: float = 1.0,
    min_group: int = 5,
    level: float = 0.95,
) -> ProgramEffect:
    """The difference in differences of the index between supported schools and their matches.

    ``frame``: one row per school — ``code``, ``supported`` (bool), ``cluster`` (may be null:
    then any cluster), ``index_before``, ``index_after``, and a bool column per kind of support
    in ``kinds`` (a partner school, curator visits, courses, events). Rows without both indices,
    or whose ``supported`` is not known, are left out. ``match_on`` names the column the matches
    are chosen by: best the level the support was decided on (the shrunk index of the run that
    made the list), so that supported schools and their matches were selected alike and regress
    to the mean alike.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> before = rng.normal(0, 1, 200)
    >>> supported = before < -1.0
    >>> after = before + rng.normal(0, 0.2, 200) + np.where(supported, 0.5, 0.0)
    >>> frame = pl.DataFrame({"code": [str(i) for i in range(200)], "supported": supported,
    ...     "cluster": [i % 2 for i in range(200)], "index_before": before, "index_after": after})
    >>> found = program_effect(frame)
    >>> found.overall.verdict, round(found.overall.effect, 1)
    ('positive', 0.5)
    """
    rows = frame.filter(
        pl.col("index_before").is_not_null() & pl.col("index_after").is_not_null() & pl.col(match_on).is_not_null()
    ).sort("code")
    # a school whose support is not known is neither supported nor a comparison
    rows = rows.filter(pl.col("supported").is_not_null())
    supported_rows = rows.filter(pl.col("supported"))
    pool = rows.filter(~pl.col("supported"))
    spread = float(np.std(rows[match_on].to_numpy(), ddof=1)) if rows.height > 1 else 0.0
    caliper = caliper_sd * spread if spread > 0 else math.inf
    pool_level = pool[match_on].to_numpy()
    pool_change = (pool["index_after"] - pool["index_before"]).to_numpy()
    pool_cluster = pool["cluster"].to_list() if "cluster" in pool.columns else [None] * pool.height
    pool_codes = pool["code"].to_list()
    effects, changes, nearest_of, codes, matches = [], [], [], [], []
    unmatched = 0
    for row in supported_rows.iter_rows(named=True):
        cluster = row.get("cluster")
        same = np.array([cluster is None or other == cluster for other in pool_cluster], dtype=bool)
        distance = np.abs(pool_level - row[match_on])
        eligible = np.flatnonzero(same & (distance <= caliper))
        if eligible.size == 0:
            unmatched += 1
            continue
        nearest = eligible[np.argsort(distance[eligible], kind="stable")[:k]]
        change = row["index_after"] - row["index_before"]
        effects.append(change - float(pool_change[nearest].mean()))
        changes.append(change)
        nearest_of.append(nearest)
        codes.append(row["code"])
        matches.append([pool_codes[i] for i in nearest])
    effect_array = np.array(effects, dtype=float)
    change_array = np.array(changes, dtype=float)
    pairs = pl.DataFrame(
        {"code": codes, "matches": matches, "effect": effect_array},
        schema={"code": pl.String, "matches": pl.List(pl.String), "effect": pl.Float64},
    )
    by_kind = {}
    flags = supported_rows.select("code", *kinds) if kinds else None
    for kind in kinds:
        # the schools known to have had this kind (an unknown is not counted as having had it)
        having = set(flags.filter(pl.col(kind).eq_missing(True))["code"].to_list()) if flags is not None else set()
        chosen_rows = [i for i, code in enumerate(codes) if code in having]
        by_kind[kind] = _estimate(
            change_array[chosen_rows], _weights([nearest_of[i] for i in chosen_rows]), pool_change, level, min_group
        )
    return ProgramEffect(
        overall=_estimate(change_array, _weights(nearest_of), pool_change, level, min_group),
        by_kind=by_kind,
        supported=supported_rows.height,
        unmatched=unmatched,
        pairs=pairs,
    )


__all__ = ["EFFECT_LABELS", "Estimate", "ProgramEffect", "program_effect"]
