import numpy as np
import polars as pl
import pytest

from opora.analytics import ContextClustering, ContextVariable, Methodology, context_clusters, peer_comparison
from opora.analytics.clusters import WARD_MAX_SCHOOLS


def blobs(seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0, 0], [6, 0], [0, 6]])
    return np.vstack([c + rng.normal(0, 0.5, (40, 2)) for c in centres])


@pytest.mark.parametrize("method", ["kmeans", "ward"])
@pytest.mark.parametrize("criterion", ["silhouette", "calinski_harabasz"])
def test_finds_the_three_groups(method, criterion):
    model = ContextClustering(method=method, criterion=criterion, k_min=2, k_max=6).fit(blobs())
    assert model.k_ == 3
    assert len(set(model.labels_[:40])) == 1 and model.labels_[0] != model.labels_[40] != model.labels_[80]
    assert set(model.scores_) == {2, 3, 4, 5, 6}
    assert model.cluster_centers_.shape == (3, 2)


def test_deterministic():
    X = blobs(1)
    assert np.array_equal(ContextClustering().fit(X).labels_, ContextClustering().fit(X).labels_)


def test_too_few_schools_make_one_cluster():
    model = ContextClustering(k_min=3).fit(np.zeros((2, 2)))
    assert model.k_ == 1 and model.labels_.tolist() == [0, 0]


def test_ward_refuses_a_sample_too_large_for_its_memory():
    with pytest.raises(ValueError, match="k-средних"):
        ContextClustering(method="ward", sample_size=WARD_MAX_SCHOOLS + 1).fit(np.zeros((WARD_MAX_SCHOOLS + 1, 1)))


@pytest.mark.parametrize("method", ["kmeans", "ward"])
def test_a_country_is_clustered_on_a_sample_and_every_school_assigned(method):
    X = np.vstack([blobs(seed) for seed in range(20)])  # 2 400 schools
    model = ContextClustering(method=method, k_min=2, k_max=5, sample_size=300).fit(X)
    assert model.k_ == 3 and len(model.labels_) == len(X)
    assert len({tuple(model.labels_[i : i + 40]) for i in range(0, len(X), 40)}) == 3  # each blob whole


def frames(order):
    codes = [f"{i:03d}" for i in range(60)]
    z = [-1.0] * 20 + [0.0] * 20 + [1.0] * 20
    noise = np.random.default_rng(0).normal(0, 0.05, 60)
    wellbeing = pl.DataFrame(
        {"code": codes, "year": [2026] * 60, "wellbeing_index": z, "z_low_income_share": (np.array(z) + noise).tolist()}
    )
    return wellbeing[order], wellbeing.select("code", "year", pl.lit(0.2).alias("low_income_share"))


M = Methodology(wellbeing_variables=(ContextVariable("low_income_share", 1.0, -1),), cluster_k_min=2, cluster_k_max=5)


def test_clusters_are_numbered_from_the_least_favourable_and_independent_of_order():
    wellbeing, variables = frames(list(range(60)))
    result = context_clusters(wellbeing, variables, 2026, M)
    assert result.schools.filter(pl.col("code") == "000")["cluster"][0] == 1
    assert result.schools.filter(pl.col("code") == "059")["cluster"][0] == result.profiles["cluster"].max()
    assert result.profiles["wellbeing_index"].is_sorted()
    assert result.scores.filter(pl.col("chosen")).height == 1
    shuffled, _ = frames(list(np.random.default_rng(5).permutation(60)))
    assert context_clusters(shuffled, variables, 2026, M).schools.equals(result.schools)


def test_schools_without_wellbeing_are_not_clustered():
    wellbeing, variables = frames(list(range(60)))
    wellbeing = wellbeing.with_columns(
        pl.when(pl.col("code") == "000").then(None).otherwise(pl.col("wellbeing_index")).alias("wellbeing_index")
    )
    assert "000" not in context_clusters(wellbeing, variables, 2026, M).schools["code"].to_list()


def test_peer_comparison():
    clusters = pl.DataFrame({"code": ["a", "b", "c", "d"], "cluster": [1, 1, 1, 2]})
    index = pl.DataFrame({"code": ["a", "b", "c", "d"], "results_index": [0.0, 1.0, 2.0, 5.0]})
    out = peer_comparison(clusters, index)
    a = out.filter(pl.col("code") == "a").row(0, named=True)
    assert (a["peers"], a["peers_mean_index"], a["peer_gap"], a["peer_percentile"]) == (2, 1.5, -1.5, 0.0)
    c = out.filter(pl.col("code") == "c").row(0, named=True)
    assert c["peer_percentile"] == 1.0
    d = out.filter(pl.col("code") == "d").row(0, named=True)
    assert d["peers"] == 0 and d["peers_mean_index"] is None
