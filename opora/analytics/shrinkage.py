"""Empirical-Bayes shrinkage of noisy school estimates: the Fay–Herriot area-level model."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Posterior:
    """Shrunk estimates: posterior mean, variance and the weight γ of the school's own data."""

    mean: np.ndarray
    variance: np.ndarray
    weight: np.ndarray


class FayHerriot:
    """The Fay–Herriot model fitted by the Prasad–Rao method of moments.

    Each school i has a direct estimate yᵢ with known sampling variance vᵢ::

        yᵢ = θᵢ + eᵢ,   eᵢ ~ N(0, vᵢ)           (sampling error)
        θᵢ = xᵢ'β + uᵢ, uᵢ ~ N(0, τ²)            (between-school variation)

    ``fit`` estimates τ² by moments (Prasad & Rao, 1990) from the ordinary least-squares
    residuals rᵢ and leverages hᵢᵢ::

        τ̂² = max(0, (Σ rᵢ² − Σ vᵢ (1 − hᵢᵢ)) / (m − p))

    and then β̂ by weighted least squares with weights 1 / (τ̂² + vᵢ). ``shrink`` gives the
    empirical-Bayes (best linear unbiased) predictor and its variance::

        γᵢ = τ̂² / (τ̂² + vᵢ)
        θ̂ᵢ = γᵢ yᵢ + (1 − γᵢ) xᵢ'β̂
        Var(θᵢ | y) ≈ γᵢ vᵢ + (1 − γᵢ)² xᵢ' Cov(β̂) xᵢ

    (the leading terms g₁ + g₂ of the Prasad–Rao mean squared error). With X a column of ones
    this is James–Stein shrinkage toward the weighted mean. A school with few students (large
    vᵢ) is pulled toward the prediction; a large one keeps nearly its own estimate.

    Parameters
    ----------
    min_variance : float
        Floor for vᵢ, so that a school with a degenerate variance cannot dominate.

    Attributes
    ----------
    coef_ : numpy.ndarray
        β̂, shape (p,).
    tau2_ : float
        τ̂², the between-school variance not explained by X.
    coef_covariance_ : numpy.ndarray
        Cov(β̂) = (X' W X)⁻¹, shape (p, p).
    n_features_in_ : int
        p.

    Examples
    --------
    >>> X = np.ones((6, 1)); y = np.array([-1.0, -0.5, 0.0, 0.5, 1.0, 3.0])
    >>> v = np.array([0.01, 0.01, 0.01, 0.01, 0.01, 10.0])  # the last school is tiny
    >>> FayHerriot().fit(X, y, v).shrink(X, y, v).mean.round(2).tolist()
    [-0.97, -0.48, 0.0, 0.49, 0.97, 0.11]
    """

    def __init__(self, *, min_variance: float = 1e-6) -> None:
        self.min_variance = min_variance

    def fit(self, X: np.ndarray, y: np.ndarray, sampling_variance: np.ndarray) -> FayHerriot:
        """Estimate τ² and β from the direct estimates ``y`` and their variances."""
        X, y, v = self._check(X, y, sampling_variance)
        m, p = X.shape
        if m == 0:
            raise ValueError("Нет данных для оценки модели.")
        beta_ols, *_ = np.linalg.lstsq(X, y, rcond=None)
        residual = y - X @ beta_ols
        leverage = np.einsum("ij,jk,ik->i", X, np.linalg.pinv(X.T @ X), X)
        tau2 = max(0.0, float(residual @ residual - np.sum(v * (1.0 - leverage))) / (m - p)) if m > p else 0.0
        weights = 1.0 / (tau2 + v)
        precision = X.T @ (X * weights[:, None])
        covariance = np.linalg.pinv(precision)
        self.coef_ = covariance @ (X.T @ (weights * y))
        self.tau2_ = tau2
        self.coef_covariance_ = covariance
        self.n_features_in_ = p
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The synthetic prediction x'β̂ (what the covariates alone predict)."""
        return np.asarray(X, dtype=np.float64) @ self.coef_

    def shrink(self, X: np.ndarray, y: np.ndarray, sampling_variance: np.ndarray) -> Posterior:
        """Posterior mean, variance and weight γ for schools with direct estimates ``y``."""
        X, y, v = self._check(X, y, sampling_variance)
        prediction = X @ self.coef_
        weight = self.tau2_ / (self.tau2_ + v)
        mean = weight * y + (1.0 - weight) * prediction
        g2 = np.einsum("ij,jk,ik->i", X, self.coef_covariance_, X)
        variance = weight * v + (1.0 - weight) ** 2 * g2
        return Posterior(mean=mean, variance=variance, weight=weight)

    def _check(self, X: np.ndarray, y: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        v = np.maximum(np.asarray(v, dtype=np.float64), self.min_variance)
        if X.ndim != 2 or y.shape != (X.shape[0],) or v.shape != y.shape:
            raise ValueError("Размерности X, y и дисперсий не согласованы.")
        if not (np.isfinite(X).all() and np.isfinite(y).all() and np.isfinite(v).all()):
            raise ValueError("Во входных данных есть пропуски или бесконечные значения.")
        return X, y, v


class SchoolYearModel:
    """Borrowing strength over the years of a school (a Rao–Yu-type area-and-time model).

    The residuals rₛₜ = Yₛₜ − priorₛₜ of a school's raw index after the yearly regional fit
    (:class:`FayHerriot`) are modelled as::

        rₛₜ = aₛ + δₛₜ + eₛₜ,   aₛ ~ N(0, σ²_school),  δₛₜ ~ N(0, σ²_year),  eₛₜ ~ N(0, Vₛₜ)

    aₛ is what persists in the school from year to year, δₛₜ its change in one year, eₛₜ
    the sampling error. ``fit`` estimates, by moments, σ²_school as the mean product of a
    school's residuals in two different years (sampling errors of different years are
    independent) and σ²_year = τ̄² − σ²_school, τ̄² the mean yearly between-school variance.
    ``shrink`` gives, per school, with C = σ²_school·11' + σ²_year·I and Σ = C + diag(V)::

        E(θₛ − prior | r) = C Σ⁻¹ rₛ,     Var = diag(C − C Σ⁻¹ C)

    so a year's estimate leans on the school's other years as much as the data show its
    results to be stable; a year without data has V = ∞.

    Attributes
    ----------
    sigma2_school_ : float
    sigma2_year_ : float

    Examples
    --------
    >>> r = np.array([[0.5, 0.4, 0.6], [-0.5, -0.6, -0.4], [0.1, -0.1, 0.0], [-0.1, 0.1, 0.0]])
    >>> model = SchoolYearModel().fit(r, np.full((4, 3), 0.01), tau2=0.2)
    >>> round(model.sigma2_school_, 3)
    0.122
    """

    def fit(
        self,
        residual: np.ndarray,
        sampling_variance: np.ndarray,
        *,
        tau2: float,
        persistent: np.ndarray | None = None,
    ) -> SchoolYearModel:
        """Estimate σ²_school and σ²_year from residuals (NaN where a year has no data).

        ``persistent`` (per school, optional) is the variance ηₛ² of a part of the residual
        that persists over the years but is not the school's level (how far its procedures'
        own departures, :func:`~opora.analytics.results_index.procedure_interaction`, move its
        index): it is taken out of σ²_school and of τ̄².
        """
        r = np.asarray(residual, dtype=np.float64)
        observed = np.isfinite(r)
        filled = np.where(observed, r, 0.0)
        eta = np.zeros(r.shape[0]) if persistent is None else np.nan_to_num(np.asarray(persistent, dtype=np.float64))
        total = 0.0
        pairs = 0
        noise = 0.0
        n_years = r.shape[1]
        for t in range(n_years):
            for u in range(t + 1, n_years):
                both = observed[:, t] & observed[:, u]
                total += float(np.sum(filled[both, t] * filled[both, u]))
                noise += float(np.sum(eta[both]))
                pairs += int(both.sum())
        covariance = (total - noise) / pairs if pairs else 0.0
        level = max(tau2 - (noise / pairs if pairs else 0.0), 0.0)
        self.sigma2_school_ = float(np.clip(covariance, 0.0, level))
        self.sigma2_year_ = float(max(level - self.sigma2_school_, 0.0))
        return self

    def _sigma(self, v: np.ndarray, persistent: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        n_years = v.shape[1]
        C = self.sigma2_school_ * np.ones((n_years, n_years)) + self.sigma2_year_ * np.eye(n_years)
        Sigma = C[None, :, :] + np.einsum("st,tu->stu", v, np.eye(n_years))
        if persistent is not None:
            eta = np.nan_to_num(np.asarray(persistent, dtype=np.float64))
            Sigma = Sigma + eta[:, None, None] * np.ones((n_years, n_years))[None, :, :]
        return C, Sigma

    def shrink(
        self, residual: np.ndarray, sampling_variance: np.ndarray, persistent: np.ndarray | None = None
    ) -> Posterior:
        """Posterior mean and variance of θ − prior for every school and year.

        With ``persistent`` ηₛ², Σ = C + ηₛ² 11' + diag(V): what persists in a school's index
        only because of its procedures' departures is not taken for its level.
        """
        r = np.asarray(residual, dtype=np.float64)
        observed = np.isfinite(r) & np.isfinite(sampling_variance)
        filled = np.where(observed, r, 0.0)
        v = np.where(observed, np.maximum(sampling_variance, 1e-6), 1e8)
        C, Sigma = self._sigma(v, persistent)
        solved = np.linalg.solve(Sigma, filled[:, :, None])[:, :, 0]
        mean = solved @ C.T
        CS = np.linalg.solve(Sigma, np.broadcast_to(C, Sigma.shape))  # Σ⁻¹ C
        variance = np.diag(C)[None, :] - np.einsum("tu,sut->st", C, CS)
        prior_variance = np.diag(C)[None, :]
        weight = np.where(prior_variance > 0, 1.0 - variance / np.where(prior_variance > 0, prior_variance, 1.0), 0.0)
        return Posterior(mean=mean, variance=np.maximum(variance, 0.0), weight=weight)

    def covariance(self, sampling_variance: np.ndarray, persistent: np.ndarray | None = None) -> np.ndarray:
        """Posterior covariance of θₛ − prior over the years, C − C Σ⁻¹ C, shape (schools, T, T).

        The years of one school are correlated through its persistent part aₛ: what the
        decision «in the bottom group in at least K of N years» needs (a year without data has
        V = ∞).

        Examples
        --------
        >>> residual = np.array([[0.3, 0.3], [-0.3, -0.3]])
        >>> model = SchoolYearModel().fit(residual, np.full((2, 2), 0.01), tau2=0.1)
        >>> model.covariance(np.array([[0.01, np.nan]])).shape
        (1, 2, 2)
        """
        v = np.asarray(sampling_variance, dtype=np.float64)
        v = np.where(np.isfinite(v), np.maximum(v, 1e-6), 1e8)
        C, Sigma = self._sigma(v, persistent)
        CS = np.linalg.solve(Sigma, np.broadcast_to(C, Sigma.shape))
        return C[None, :, :] - np.einsum("tu,suv->stv", C, CS)
