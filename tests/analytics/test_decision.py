"""The ШНОР decision from the uncertainty: thresholds, P(at least K of N), the list's size."""

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from opora.analytics import Methodology, identify
from opora.analytics.decision import (
    at_least_k_probability,
    bottom_thresholds,
    expected_count_selection,
    expected_f1_selection,
    low_results_probability,
)
from tests.analytics.frames import inputs


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 1000), share=st.floats(0.05, 0.5))
def test_the_bottom_threshold_holds_the_expected_count(seed, share):
    rng = np.random.default_rng(seed)
    mean = rng.normal(size=(200, 2))
    sd = rng.uniform(0.05, 1.0, (200, 2))
    q = bottom_thresholds(mean, sd, np.ones((200, 2), dtype=bool), share)
    for t in range(2):
        assert norm.cdf((q[t] - mean[:, t]) / sd[:, t]).sum() == pytest.approx(math.ceil(share * 200), abs=1e-3)


@settings(max_examples=20, deadline=None)
@given(p=st.lists(st.floats(0.01, 0.99), min_size=3, max_size=3), k=st.integers(1, 3))
def test_at_least_k_of_independent_years_matches_the_exact_sum(p, k):
    probability = np.array(p)
    mean = -norm.ppf(probability)[None, :]  # P(θₜ < 0) = pₜ with unit sd
    covariance = np.eye(3)[None, :, :]
    got = at_least_k_probability(mean, covariance, np.zeros(3), k, 4096, 0)[0]
    exact = 0.0
    for a in (0, 1):
        for b in (0, 1):
            for c in (0, 1):
                if a + b + c >= k:
                    exact += np.prod([q if x else 1 - q for q, x in zip(probability, (a, b, c), strict=True)])
    assert got == pytest.approx(exact, abs=0.01)


def test_correlated_years_make_k_of_n_more_likely_for_a_borderline_school():
    mean = np.zeros((1, 3))
    independent = at_least_k_probability(mean, np.eye(3)[None], np.full(3, -0.5), 2, 4096, 0)[0]
    persistent = at_least_k_probability(mean, (0.1 * np.eye(3) + 0.9)[None], np.full(3, -0.5), 2, 4096, 0)[0]
    assert persistent > independent


def test_the_lists():
    p = np.array([0.95, 0.9, 0.6, 0.4, 0.1, 0.05])
    assert expected_count_selection(p).tolist() == [True, True, True, False, False, False]  # Σ p = 3
    assert expected_f1_selection(p).sum() in (3, 4)
    assert not expected_count_selection(np.zeros(4)).any()


def test_probabilities_are_deterministic_and_follow_the_index():
    result = identify(**inputs(), year=2026)
    again = identify(**inputs(), year=2026)
    assert result.schools["low_results_probability"].equals(again.schools["low_results_probability"])
    s = result.schools.drop_nulls("low_results_probability")
    # lower mean index over the years → higher probability, on the whole
    mean_index = result.yearly.group_by("code").agg(pl.col("true_index").mean().alias("level"))
    joined = s.join(mean_index, on="code")
    assert joined.select(pl.corr("level", "low_results_probability", method="spearman")).item() < -0.6
    assert result.low_results_thresholds["bottom_size"].to_list() == [15, 15, 15]


def test_a_school_without_results_this_year_has_a_probability_from_its_other_years():
    data = inputs()
    target = "010003"
    data["results"] = data["results"].filter(~((pl.col("code") == target) & (pl.col("year") == 2026)))
    result = identify(**data, year=2026)
    row = result.schools.filter(pl.col("code") == target).row(0, named=True)
    assert row["low_results_probability"] is not None
    yearly = result.yearly.filter(pl.col("code") == target)
    assert yearly.height == 2  # the index only where results are


def test_without_borrowing_strength_years_are_independent():
    m = Methodology(borrow_strength_over_years=False)
    result = identify(**inputs(), year=2026, methodology=m)
    assert result.schools["low_results_probability"].drop_nulls().len() > 100


def test_one_year_probability_is_the_normal_tail():
    index = pl.DataFrame(
        {
            "code": list("abcd"),
            "year": [2026] * 4,
            "raw_index": [-1.0, 0.0, 0.5, 1.0],
            "raw_variance": [0.01] * 4,
            "results_index": [-1.0, 0.0, 0.5, 1.0],
            "results_index_sd": [0.5] * 4,
            "prior_mean": [0.0] * 4,
            "tau2": [0.5] * 4,
        }
    )
    m = Methodology(years_window=1, years_required=1, bottom_share=0.25)
    out = low_results_probability(index, m)
    q = out.thresholds["true_threshold"][0]
    expected = norm.cdf((q - np.array([-1.0, 0.0, 0.5, 1.0])) / 0.5)
    assert out.schools["low_results_probability"].to_list() == pytest.approx(expected.tolist())
    assert sum(expected) == pytest.approx(1.0, abs=1e-3)
