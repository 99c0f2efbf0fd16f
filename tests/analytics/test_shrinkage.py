import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opora.analytics import FayHerriot
from opora.analytics.shrinkage import SchoolYearModel


def simulate(m=2000, tau2=0.25, seed=0):
    rng = np.random.default_rng(seed)
    theta = rng.normal(0.3, np.sqrt(tau2), m)
    v = rng.uniform(0.01, 0.5, m)
    return theta, theta + rng.normal(0, np.sqrt(v)), v


def test_moments_recover_tau2_and_the_mean():
    _, y, v = simulate()
    model = FayHerriot().fit(np.ones((len(y), 1)), y, v)
    assert model.tau2_ == pytest.approx(0.25, rel=0.15)
    assert model.coef_[0] == pytest.approx(0.3, abs=0.05)
    assert model.n_features_in_ == 1


def test_shrinkage_beats_the_direct_estimates():
    theta, y, v = simulate(seed=1)
    X = np.ones((len(y), 1))
    posterior = FayHerriot().fit(X, y, v).shrink(X, y, v)
    assert np.mean((posterior.mean - theta) ** 2) < np.mean((y - theta) ** 2)
    covered = np.abs(posterior.mean - theta) <= 1.96 * np.sqrt(posterior.variance)
    assert covered.mean() == pytest.approx(0.95, abs=0.03)


def test_covariates_enter_the_prior():
    rng = np.random.default_rng(2)
    x = rng.normal(size=500)
    theta = 2 * x + rng.normal(0, 0.3, 500)
    v = np.full(500, 0.1)
    X = np.column_stack([np.ones(500), x])
    model = FayHerriot().fit(X, theta + rng.normal(0, np.sqrt(v)), v)
    assert model.coef_[1] == pytest.approx(2.0, abs=0.1)
    assert model.predict(X[:1])[0] == pytest.approx(model.coef_[0] + 2.0 * x[0], abs=0.2)


def test_bad_input_is_refused_in_russian():
    with pytest.raises(ValueError, match="пропуски"):
        FayHerriot().fit(np.ones((2, 1)), np.array([0.0, np.nan]), np.ones(2))
    with pytest.raises(ValueError, match="Размерности"):
        FayHerriot().fit(np.ones((2, 1)), np.zeros(3), np.ones(3))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(-3, 3), st.floats(0.001, 5)), min_size=3, max_size=30))
def test_weights_are_shares_and_estimates_stay_between_data_and_prior(points):
    y = np.array([p[0] for p in points])
    v = np.array([p[1] for p in points])
    X = np.ones((len(y), 1))
    model = FayHerriot().fit(X, y, v)
    posterior = model.shrink(X, y, v)
    assert np.all((posterior.weight >= 0) & (posterior.weight <= 1))
    prior = model.predict(X)
    low, high = np.minimum(y, prior) - 1e-9, np.maximum(y, prior) + 1e-9
    assert np.all((posterior.mean >= low) & (posterior.mean <= high))
    assert np.all(posterior.variance >= 0)


def test_school_year_model_estimates_persistence():
    rng = np.random.default_rng(3)
    a = rng.normal(0, 0.5, 3000)
    r = a[:, None] + rng.normal(0, 0.1, (3000, 3)) + rng.normal(0, 0.2, (3000, 3))
    v = np.full((3000, 3), 0.04)
    model = SchoolYearModel().fit(r, v, tau2=0.26)
    assert model.sigma2_school_ == pytest.approx(0.25, abs=0.03)
    assert model.sigma2_year_ == pytest.approx(0.01, abs=0.03)


def test_school_year_model_handles_missing_years():
    r = np.array([[0.5, np.nan, 0.4], [-0.5, -0.4, np.nan], [0.0, 0.1, -0.1]])
    model = SchoolYearModel().fit(r, np.full((3, 3), 0.01), tau2=0.2)
    posterior = model.shrink(r, np.full((3, 3), 0.01))
    assert np.isfinite(posterior.mean).all()
    assert posterior.variance[0, 1] > posterior.variance[0, 0]
