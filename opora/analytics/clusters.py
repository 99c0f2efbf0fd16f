"""Clusters of schools with similar context, and each school against its cluster peers."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.metrics import calinski_harabasz_score, silhouette_score

from .methodology import Methodology

WARD_MAX_SCHOOLS = 15_000


class ContextClustering:
    """k-means or Ward clustering with k chosen by a stated criterion.

    For each k in [``k_min``, ``k_max``] the schools are clustered and scored; the k with the
    best score is kept (the smaller k on a tie):

    - silhouette s = mean over schools of (b − a) / max(a, b), a the mean distance to the own
      cluster, b to the nearest other one (computed on a fixed random sample of at most
      ``sample_size`` schools); the higher the better;
    - Calinski–Harabasz = [tr(B) / (k − 1)] / [tr(W) / (n − k)]; the higher the better.

    With more than ``sample_size`` schools (a country) the clusters and k are found on a fixed
    random sample of ``sample_size`` schools and every school goes to the nearest centre.
    Deterministic for a given row order (fixed ``random_state``); callers sort the rows by
    school code so the result does not depend on the input order.

    Parameters
    ----------
    method : {"kmeans", "ward"}
    k_min, k_max : int
    criterion : {"silhouette", "calinski_harabasz"}
    random_state : int
    sample_size : int
        Schools the silhouette (and, for larger regions, the clustering) is computed on.
    n_init : int
        k-means restarts.

    Attributes
    ----------
    k_ : int
        The chosen number of clusters.
    labels_ : numpy.ndarray
        Cluster of each row, 0 … k_ − 1.
    cluster_centers_ : numpy.ndarray
        Mean of each cluster, shape (k_, n_features).
    scores_ : dict[int, float]
        The criterion for each k tried.

    Examples
    --------
    >>> X = np.r_[np.zeros((10, 2)), np.ones((10, 2)) * 5, np.ones((10, 2)) * [0, 9]]
    >>> ContextClustering(k_min=2, k_max=4).fit(X).k_
    3
    """

    def __init__(
        self,
        *,
        method: str = "kmeans",
        k_min: int = 3,
        k_max: int = 8,
        criterion: str = "silhouette",
        random_state: int = 0,
        sample_size: int = 3000,
        n_init: int = 4,
    ) -> None:
        self.method = method
        self.k_min = k_min
        self.k_max = k_max
        self.criterion = criterion
        self.random_state = random_state
        self.sample_size = sample_size
        self.n_init = n_init

    def fit(self, X: np.ndarray) -> ContextClustering:
        """Cluster the rows of X (schools × standardised context variables)."""
        X = np.asarray(X, dtype=np.float64)
        n = X.shape[0]
        # A country: the clusters are found on a fixed sample, every school goes to the nearest centre.
        sampled = n > self.sample_size
        rows = (
            np.sort(np.random.default_rng(self.random_state).choice(n, self.sample_size, replace=False))
            if sampled
            else np.arange(n)
        )
        fitted = X[rows]
        m = fitted.shape[0]
        if self.method == "ward" and m > WARD_MAX_SCHOOLS:
            raise ValueError(
                f"Метод Уорда требует памяти порядка n²: не более {WARD_MAX_SCHOOLS} школ; выберите k-средних."
            )
        distinct = len(np.unique(fitted, axis=0)) if m else 0
        k_high = min(self.k_max, m - 1, distinct)
        self.scores_: dict[int, float] = {}
        best: tuple[float, int, np.ndarray] | None = None
        for k in range(max(2, self.k_min), k_high + 1):
            labels = self._labels(fitted, k)
            if len(np.unique(labels)) < 2:
                continue
            score = self._score(fitted, labels)
            self.scores_[k] = score
            if best is None or score > best[0] + 1e-12:
                best = (score, k, labels)
        if best is None:
            self.k_ = 1
            self.labels_ = np.zeros(n, dtype=np.int64)
            self.cluster_centers_ = X.mean(axis=0, keepdims=True) if n else np.zeros((1, X.shape[1]))
            return self
        _, self.k_, labels = best
        self.cluster_centers_ = np.vstack([fitted[labels == c].mean(axis=0) for c in range(self.k_)])
        if sampled:
            distance = ((X[:, None, :] - self.cluster_centers_[None, :, :]) ** 2).sum(axis=2)
            self.labels_ = distance.argmin(axis=1).astype(np.int64)
        else:
            self.labels_ = labels
        return self

    def _labels(self, X: np.ndarray, k: int) -> np.ndarray:
        if self.method == "ward":
            return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(X).astype(np.int64)
        model = KMeans(n_clusters=k, n_init=self.n_init, random_state=self.random_state)
        return model.fit_predict(X).astype(np.int64)

    def _score(self, X: np.ndarray, labels: np.ndarray) -> float:
        if self.criterion == "calinski_harabasz":
            return float(calinski_harabasz_score(X, labels))
        sample = min(self.sample_size, X.shape[0])
        return float(silhouette_score(X, labels, sample_size=sample, random_state=self.random_state))


@dataclass(frozen=True)
class Clusters:
    """Cluster of each school and the profile of each cluster.

    Attributes
    ----------
    schools : polars.DataFrame
        ``code, cluster`` (1 = least favourable context, by mean ИСБШ).
    profiles : polars.DataFrame
        ``cluster, schools, wellbeing_index`` (mean) and the mean of each context variable in
        natural units.
    scores : polars.DataFrame
        ``k, score, chosen``: the criterion for each k tried.
    """

    schools: pl.DataFrame
    profiles: pl.DataFrame
    scores: pl.DataFrame


def context_clusters(
    wellbeing: pl.DataFrame,
    variables: pl.DataFrame,
    year: int,
    methodology: Methodology,
) -> Clusters:
    """Cluster the schools of a year by their standardised context.

    Each school is the vector of its oriented standardised variables zⱼ (see
    :func:`~opora.analytics.wellbeing.wellbeing_index`) scaled by √wⱼ, so that the distance
    is ‖x − y‖² = Σⱼ wⱼ (zⱼ(x) − zⱼ(y))²; a variable unknown for a school (after filling from
    other years) sits at the regional mean (z = 0). Schools without ИСБШ are not clustered.
    Clusters are numbered from 1 by ascending mean ИСБШ.

    Parameters
    ----------
    wellbeing : polars.DataFrame
        ``Wellbeing.index``.
    variables : polars.DataFrame
        Output of :func:`~opora.analytics.wellbeing.context_variables` (for the profiles).
    year : int
    methodology : Methodology

    Returns
    -------
    Clusters

    Examples
    --------
    >>> wb = pl.DataFrame({"code": [str(i) for i in range(12)], "year": [2026] * 12,
    ...     "wellbeing_index": [-1.0] * 6 + [1.0] * 6, "z_low_income_share": [-1.0] * 6 + [1.0] * 6})
    >>> from opora.analytics.methodology import ContextVariable
    >>> m = Methodology(wellbeing_variables=(ContextVariable("low_income_share", 1.0, -1),),
    ...                 cluster_k_min=2, cluster_k_max=3)
    >>> context_clusters(wb, wb.select("code", "year"), 2026, m).schools["cluster"].to_list()[:2]
    [1, 1]
    """
    chosen = [v for v in methodology.wellbeing_variables if v.weight > 0 and f"z_{v.name}" in wellbeing.columns]
    data = wellbeing.filter((pl.col("year") == year) & pl.col("wellbeing_index").is_not_null()).sort("code")
    X = (
        np.column_stack([data[f"z_{v.name}"].fill_null(0.0).to_numpy() * math.sqrt(v.weight) for v in chosen])
        if chosen and data.height
        else np.zeros((data.height, 1))
    )
    model = ContextClustering(
        method=methodology.cluster_method,
        k_min=methodology.cluster_k_min,
        k_max=methodology.cluster_k_max,
        criterion=methodology.cluster_criterion,
        random_state=methodology.cluster_random_state,
        sample_size=methodology.cluster_sample_size,
    ).fit(X)
    labelled = data.select("code", "wellbeing_index").with_columns(pl.Series("_label", model.labels_))
    order = (
        labelled.group_by("_label", maintain_order=True)
        .agg(pl.col("wellbeing_index").mean().alias("_mean"))
        .sort("_mean", "_label")
        .with_columns(pl.int_range(1, pl.len() + 1).cast(pl.Int64).alias("cluster"))
    )
    schools = (
        labelled.join(order.select("_label", "cluster"), on="_label", maintain_order="left")
        .select("code", "cluster")
        .sort("code")
    )
    natural = [c for c in variables.columns if c not in ("code", "year")]
    profiles = (
        schools.join(data.select("code", "wellbeing_index"), on="code", maintain_order="left")
        .join(
            variables.filter(pl.col("year") == year).select("code", *natural),
            on="code",
            how="left",
            maintain_order="left",
        )
        .group_by("cluster", maintain_order=True)
        .agg(pl.len().alias("schools"), pl.col("wellbeing_index").mean(), *(pl.col(c).mean() for c in natural))
        .sort("cluster")
    )
    scores = pl.DataFrame(
        {"k": list(model.scores_), "score": list(model.scores_.values())},
        schema={"k": pl.Int64, "score": pl.Float64},
    ).with_columns((pl.col("k") == model.k_).alias("chosen"))
    return Clusters(schools=schools, profiles=profiles, scores=scores)


def peer_comparison(clusters: pl.DataFrame, index: pl.DataFrame) -> pl.DataFrame:
    """Each school against the other schools of its cluster.

    With the cluster's schools other than s (its peers)::

        peers_mean_index = (Σ_cluster index − index_s) / (count − 1)
        peer_gap = index_s − peers_mean_index
        peer_percentile = share of peers with a lower index

    Parameters
    ----------
    clusters : polars.DataFrame
        ``code, cluster``.
    index : polars.DataFrame
        ``code, results_index`` of the year.

    Returns
    -------
    polars.DataFrame
        ``code, cluster, peers, peers_mean_index, peer_gap, peer_percentile``.

    Examples
    --------
    >>> c = pl.DataFrame({"code": ["a", "b", "c"], "cluster": [1, 1, 1]})
    >>> i = pl.DataFrame({"code": ["a", "b", "c"], "results_index": [0.0, 1.0, 2.0]})
    >>> peer_comparison(c, i).filter(pl.col("code") == "a").select("peers_mean_index", "peer_gap").row(0)
    (1.5, -1.5)
    """
    data = clusters.join(index.select("code", "results_index"), on="code", how="left", maintain_order="left")
    value = pl.col("results_index")
    known = value.is_not_null()
    peers = known.sum().over("cluster") - known.cast(pl.UInt32)
    lower = value.rank("min").over("cluster") - 1
    return (
        data.select(
            "code",
            "cluster",
            peers.cast(pl.Int64).alias("peers"),
            pl.when(peers > 0)
            .then((value.sum().over("cluster") - value.fill_null(0.0)) / peers)
            .alias("peers_mean_index"),
            pl.when(known & (peers > 0)).then(lower.cast(pl.Float64) / peers).alias("peer_percentile"),
            value.alias("_index"),
        )
        .with_columns((pl.col("_index") - pl.col("peers_mean_index")).alias("peer_gap"))
        .select("code", "cluster", "peers", "peers_mean_index", "peer_gap", "peer_percentile")
        .sort("code")
    )
