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
        if m > p:
            tau2 = max(0.0, float(residual @ residual - np.sum(v * (1.0 - leverage))) / (m - p))
        else:
            tau2 = 0.0
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
