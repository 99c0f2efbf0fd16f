"""Partner schools for the ШНОР: ranked candidates and an optimal assignment with capacities.

Pure computation (Polars, numpy, scipy); the Django service ``opora.network.partners`` reads the
run's lines and the results and turns the codes and numbers here into Russian phrases.

**Admissible pair.** A candidate c may support a ШНОР t when c is not itself a ШНОР (neither in
the list nor flagged ``low_results``), c's results index is known and higher than t's (when t's
index is not known, any candidate with a known index is admitted) and c has a free slot
(capacity N minus its confirmed partnerships of the year).

**Cost** (lower is better) of an admissible pair::

    cost = − w_subj · S(t, c) + w_cluster · [cluster differs] + w_resilient · [c not resilient]
           + w_dist · D(t, c) + w_note · [c has a note]

- S(t, c) = mean over t's weak areas a of clip(z_c,a, −1, 2): the candidate's standardised
  result exactly where the ШНОР is weak (an area is a procedure, grade and subject; t's weak
  areas are those with z ≤ ``weak_z``, or else its three lowest); an area c has no data for
  counts 0;
- D = min(km / ``distance_scale_km``, 1) when both have coordinates; otherwise 0 in the same
  municipality and 1 elsewhere;
- a note: the candidate's ШНОР flag is unknown («данных недостаточно для выявления») or it has a
  risk (or an unknown risk) of non-objective results. Such a candidate is listed with its note and
  penalised, so it comes after comparable ones, but is not excluded.

**Assignment.** The ШНОР × slot matrix (each candidate repeated once per free slot) is solved by
:func:`scipy.optimize.linear_sum_assignment`. Columns are restricted to the union of each ШНОР's
``top_k`` cheapest admissible candidates; a ШНОР whose best pair is inadmissible gets no partner.
Rows and columns are sorted by school code first, so the result does not depend on row order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl
from scipy.optimize import linear_sum_assignment

INADMISSIBLE = 1e6


@dataclass(frozen=True)
class PartnerWeights:
    """Weights and thresholds of the cost (see the module's docstring)."""

    subjects: float = 1.0
    cluster: float = 0.5
    resilient: float = 0.25
    distance: float = 0.5
    note: float = 1.0
    weak_z: float = -0.3
    strong_z: float = 0.3
    distance_scale_km: float = 50.0


@dataclass(frozen=True)
class PartnerCandidate:
    """One admissible candidate of a ШНОР, with what the cost was made of."""

    code: str
    rank: int
    cost: float
    strong_areas: tuple[tuple[str, float], ...]
    """The ШНОР's weak areas where the candidate's z ≥ ``strong_z``, with z_c − z_t, best first."""
    same_cluster: bool
    resilient: bool
    distance_km: float | None
    same_municipality: bool
    notes: tuple[str, ...]
    """Keys: ``unknown`` (ШНОР flag not known), ``objectivity_risk``, ``objectivity_unknown``."""


@dataclass(frozen=True)
class PartnerMatching:
    """Ranked candidates and the optimal assignment, by ШНОР code."""

    candidates: dict[str, tuple[PartnerCandidate, ...]]
    assignment: dict[str, str | None]
    assigned: dict[str, PartnerCandidate | None] = field(default_factory=dict)
    """The assigned candidate of each ШНОР with its rank (it may lie beyond ``limit``)."""
    weak_areas: dict[str, tuple[str, ...]] = field(default_factory=dict)


def result_strengths(results: pl.DataFrame) -> pl.DataFrame:
    """Each school's standardised result per area (procedure, grade, subject) of form-3 rows.

    The measure is the mean score when given, else the mean mark (2·n₂+…+5·n₅)/n; it is
    standardised within the test (year, procedure, grade, subject) over the schools weighted by
    participants, and averaged over years. Returns ``code, area, z``, sorted.

    Examples
    --------
    >>> rows = pl.DataFrame({"code": ["a", "b"], "year": [2024, 2024], "procedure": ["ВПР", "ВПР"],
    ...     "grade": [6, 6], "subject": ["математика"] * 2, "participants": [10, 10],
    ...     "mean_score": [10.0, 20.0]})
    >>> result_strengths(rows)["z"].to_list()
    [-1.0, 1.0]
    """
    frame = results.filter(pl.col("participants") > 0)
    marks = [f"marks_{k}" for k in (2, 3, 4, 5)]
    if all(name in frame.columns for name in marks):
        mark = sum(pl.col(f"marks_{k}").fill_null(0) * k for k in (2, 3, 4, 5)) / pl.col("participants")
    else:
        mark = pl.lit(None, dtype=pl.Float64)
    score = pl.col("mean_score") if "mean_score" in frame.columns else pl.lit(None, dtype=pl.Float64)
    test = ["year", "procedure", "grade", "subject"]
    frame = (
        frame.with_columns(m=pl.coalesce(score.cast(pl.Float64), mark), n=pl.col("participants").cast(pl.Float64))
        .drop_nulls("m")
        .with_columns(mean=(pl.col("m") * pl.col("n")).sum().over(test) / pl.col("n").sum().over(test))
        .with_columns(
            sd=(
                (pl.col("n") * (pl.col("m") - pl.col("mean")) ** 2).sum().over(test) / pl.col("n").sum().over(test)
            ).sqrt()
        )
        .filter(pl.col("sd") > 0)
        .with_columns(
            z=(pl.col("m") - pl.col("mean")) / pl.col("sd"),
            area=pl.col("procedure")
            + " "
            + pl.col("subject").str.to_lowercase()
            + " "
            + pl.col("grade").cast(pl.String)
            + " кл.",
        )
    )
    return frame.group_by("code", "area").agg(pl.col("z").mean()).sort("code", "area")


def _haversine(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat1)[:, None], np.radians(lat2)[None, :]
    dlat = p2 - p1
    dlon = np.radians(lon2)[None, :] - np.radians(lon1)[:, None]
    a = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _column(frame: pl.DataFrame, name: str, dtype: pl.DataType | type[pl.DataType]) -> pl.Series:
    if name in frame.columns:
        return frame[name].cast(dtype)
    return pl.Series(name, [None] * frame.height, dtype=dtype)


def match_partners(
    schools: pl.DataFrame,
    strengths: pl.DataFrame,
    *,
    targets: list[str],
    capacity: int = 2,
    limit: int = 10,
    top_k: int = 30,
    weights: PartnerWeights | None = None,
) -> PartnerMatching:
    """Rank the candidate partners of each ШНОР of ``targets`` and assign partners optimally.

    ``schools`` has one row per school of the region: ``code``, ``results_index``,
    ``low_results`` (ШНОР flag, null when unknown), ``objectivity_risk`` (null when unknown),
    ``resilient``, ``cluster``, ``municipality``, ``latitude``, ``longitude`` and ``load``
    (confirmed partnerships of the year as a partner); missing columns are unknown.
    ``strengths`` is :func:`result_strengths`' frame. See the module's docstring for the cost.

    Examples
    --------
    >>> schools = pl.DataFrame({"code": ["t", "good", "far"], "results_index": [-1.0, 0.5, 0.9],
    ...     "low_results": [True, False, False], "objectivity_risk": [False, False, False],
    ...     "cluster": [1, 1, 2], "municipality": ["A", "A", "B"]})
    >>> strengths = pl.DataFrame({"code": ["t", "good", "far"], "area": ["ВПР математика 6 кл."] * 3,
    ...     "z": [-1.0, 1.0, 0.0]})
    >>> match_partners(schools, strengths, targets=["t"]).assignment
    {'t': 'good'}
    """
    w = weights or PartnerWeights()
    schools = schools.unique("code", keep="first").sort("code")
    codes = schools["code"].to_list()
    position = {code: i for i, code in enumerate(codes)}
    target_codes = sorted({code for code in targets if code in position})
    t_idx = np.array([position[c] for c in target_codes], dtype=np.int64)

    index = _column(schools, "results_index", pl.Float64).to_numpy().astype(float)
    low = _column(schools, "low_results", pl.Boolean)
    risk = _column(schools, "objectivity_risk", pl.Boolean)
    resilient = _column(schools, "resilient", pl.Boolean).fill_null(False).to_numpy().astype(bool)
    cluster = _column(schools, "cluster", pl.Int64).fill_null(-1).to_numpy()
    municipality = _column(schools, "municipality", pl.String).fill_null("").to_numpy()
    lat = _column(schools, "latitude", pl.Float64).to_numpy().astype(float)
    lon = _column(schools, "longitude", pl.Float64).to_numpy().astype(float)
    load = _column(schools, "load", pl.Int64).fill_null(0).to_numpy()

    is_target = np.zeros(len(codes), dtype=bool)
    is_target[t_idx] = True
    not_shnor = (low.fill_null(False).to_numpy() == False) & ~is_target  # noqa: E712
    c_mask = not_shnor & ~np.isnan(index) & (capacity - load > 0)
    c_idx = np.flatnonzero(c_mask)
    note_unknown = low.is_null().to_numpy()[c_idx]
    note_risk = risk.fill_null(False).to_numpy()[c_idx]
    note_risk_unknown = risk.is_null().to_numpy()[c_idx]
    has_note = note_unknown | note_risk | note_risk_unknown

    # Areas: a matrix schools × areas of z (NaN where unknown).
    areas = sorted(set(strengths["area"].to_list())) if strengths.height else []
    area_pos = {a: j for j, a in enumerate(areas)}
    z = np.full((len(codes), len(areas)), np.nan)
    known = strengths.filter(pl.col("code").is_in(codes))
    if known.height:
        rows = np.array([position[c] for c in known["code"].to_list()])
        cols = np.array([area_pos[a] for a in known["area"].to_list()])
        z[rows, cols] = known["z"].to_numpy()
    zt = z[t_idx]
    weak = np.nan_to_num(zt, nan=np.inf) <= w.weak_z
    for row in np.flatnonzero(~weak.any(axis=1)):
        finite = np.flatnonzero(~np.isnan(zt[row]))
        weak[row, finite[np.argsort(zt[row, finite], kind="stable")[:3]]] = True
    zc = np.clip(np.nan_to_num(z[c_idx], nan=0.0), -1.0, 2.0)
    n_weak = np.maximum(weak.sum(axis=1, keepdims=True), 1)
    subject_score = (weak.astype(float) @ zc.T) / n_weak

    same_cluster = (cluster[t_idx][:, None] == cluster[c_idx][None, :]) & (cluster[t_idx][:, None] >= 0)
    km = _haversine(lat[t_idx], lon[t_idx], lat[c_idx], lon[c_idx])
    same_muni = (municipality[t_idx][:, None] == municipality[c_idx][None, :]) & (municipality[t_idx][:, None] != "")
    distance = np.where(np.isnan(km), np.where(same_muni, 0.0, 1.0), np.minimum(km / w.distance_scale_km, 1.0))

    cost = (
        -w.subjects * subject_score
        + w.cluster * ~same_cluster
        + w.resilient * ~resilient[c_idx][None, :]
        + w.distance * distance
        + w.note * has_note[None, :]
    )
    t_index = index[t_idx][:, None]
    higher = np.isnan(t_index) | (index[c_idx][None, :] > t_index)
    cost = np.where(higher, cost, INADMISSIBLE)

    # Ranked candidates per ШНОР (ties by code: columns are in code order and the sort is stable).
    order = np.argsort(cost, axis=1, kind="stable")

    def describe(row: int, col: int, rank: int) -> PartnerCandidate:
        s = c_idx[col]
        strong = [
            (areas[j], float(z[s, j] - zt[row, j]))
            for j in np.flatnonzero(weak[row])
            if not np.isnan(z[s, j]) and z[s, j] >= w.strong_z
        ]
        strong.sort(key=lambda item: (-item[1], item[0]))
        flags = (
            ("unknown", note_unknown[col]),
            ("objectivity_risk", note_risk[col]),
            ("objectivity_unknown", note_risk_unknown[col]),
        )
        return PartnerCandidate(
            code=codes[s],
            rank=rank,
            cost=float(cost[row, col]),
            strong_areas=tuple(strong),
            same_cluster=bool(same_cluster[row, col]),
            resilient=bool(resilient[s]),
            distance_km=None if np.isnan(km[row, col]) else float(km[row, col]),
            same_municipality=bool(same_muni[row, col]),
            notes=tuple(key for key, on in flags if on),
        )

    candidates: dict[str, tuple[PartnerCandidate, ...]] = {}
    weak_areas: dict[str, tuple[str, ...]] = {}
    for target_row, t_code in enumerate(target_codes):
        weak_areas[t_code] = tuple(areas[j] for j in np.flatnonzero(weak[target_row]))
        columns = [int(col) for col in order[target_row, :limit] if cost[target_row, col] < INADMISSIBLE]
        candidates[t_code] = tuple(describe(target_row, col, rank) for rank, col in enumerate(columns, start=1))

    assignment: dict[str, str | None] = dict.fromkeys(target_codes)
    assigned: dict[str, PartnerCandidate | None] = dict.fromkeys(target_codes)
    if len(target_codes) and len(c_idx):
        k = min(max(top_k, limit), len(c_idx))
        chosen = np.unique(order[:, :k])
        slots = np.repeat(chosen, (capacity - load[c_idx[chosen]]).astype(np.int64))
        matrix = cost[:, slots]
        rows, cols = linear_sum_assignment(matrix)
        for row, col in zip(rows, cols, strict=True):
            if matrix[row, col] < INADMISSIBLE:
                column = int(slots[col])
                rank = int(np.flatnonzero(order[row] == column)[0]) + 1
                assignment[target_codes[row]] = codes[c_idx[column]]
                assigned[target_codes[row]] = describe(row, column, rank)
    return PartnerMatching(candidates=candidates, assignment=assignment, assigned=assigned, weak_areas=weak_areas)


__all__ = [
    "INADMISSIBLE",
    "PartnerCandidate",
    "PartnerMatching",
    "PartnerWeights",
    "match_partners",
    "result_strengths",
]
