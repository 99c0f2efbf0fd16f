"""The latent mean of a school's students from its counts of marks (ordered probit, known cuts)."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, ndtri

_EDGE = 8.0  # a cut at ±8 sd stands for ±∞ (Φ(−8) ≈ 6·10⁻¹⁶)
_SQRT_2PI = np.sqrt(2.0 * np.pi)


def region_cuts(shares: np.ndarray) -> np.ndarray:
    """Cut-offs t₁ < t₂ < t₃ on the region's student scale N(0, 1) from the region's mark shares.

    tₖ = Φ⁻¹(F₁ + … + Fₖ) for the marks 2, 3, 4 (F the shares of 2, 3, 4, 5); a cumulative
    share of 0 or 1 gives ∓8.
    """
    cumulative = np.cumsum(shares, axis=1)[:, :3]
    with np.errstate(divide="ignore"):
        cuts = ndtri(np.clip(cumulative, 0.0, 1.0))
    return np.clip(cuts, -_EDGE, _EDGE)


def _density(x: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * x * x) / _SQRT_2PI


def latent_means(
    counts: np.ndarray,
    cuts: np.ndarray,
    within_sd: np.ndarray,
    start: np.ndarray,
    pseudo_counts: np.ndarray,
    iterations: int = 25,
) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-likelihood latent mean η of each school and its sampling variance.

    A school's students are N(η, σ²) on the region's scale; a mark is k when the latent value
    falls between the cuts t_{k−1} and t_k, so with b_k = (t_k − η)/σ::

        P_k(η) = Φ(b_k) − Φ(b_{k−1}),   log L(η) = Σ_k n_k log P_k(η)
        score  = (1/σ) Σ_k n_k (φ(b_{k−1}) − φ(b_k)) / P_k
        I(η)   = (n/σ²) Σ_k (φ(b_{k−1}) − φ(b_k))² / P_k      (Fisher information)

    Fisher scoring η ← η + score / I from ``start``; ``pseudo_counts`` (a fraction of a student
    spread as in the region) keep η finite when all marks fall in one extreme category.
    Returns η and 1 / I(η) computed with the real counts.

    Parameters
    ----------
    counts : numpy.ndarray
        (m, 4) counts of the marks 2, 3, 4, 5.
    cuts : numpy.ndarray
        (m, 3) cut-offs of the test of each row.
    within_sd : numpy.ndarray
        (m,) σ, within-school sd on the region's scale.
    start : numpy.ndarray
        (m,) starting values.
    pseudo_counts : numpy.ndarray
        (m, 4) counts added for the estimate (not for the variance).
    """
    n_rows = counts.shape[0]
    sigma = within_sd[:, None]
    fitted_counts = counts + pseudo_counts
    lower_edge = np.full((n_rows, 1), -np.inf)
    upper_edge = np.full((n_rows, 1), np.inf)
    eta = start.astype(np.float64).copy()

    def terms(eta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        b = (cuts - eta[:, None]) / sigma
        bounds = np.concatenate([lower_edge, b, upper_edge], axis=1)
        cdf = ndtr(bounds)
        pdf = np.where(np.isfinite(bounds), _density(np.where(np.isfinite(bounds), bounds, 0.0)), 0.0)
        probability = np.maximum(np.diff(cdf, axis=1), 1e-300)
        slope = pdf[:, :-1] - pdf[:, 1:]  # φ(b_{k−1}) − φ(b_k)
        return probability, slope

    for _ in range(iterations):
        probability, slope = terms(eta)
        score = (fitted_counts * slope / probability).sum(axis=1) / within_sd
        information = fitted_counts.sum(axis=1) * (slope**2 / probability).sum(axis=1) / within_sd**2
        step = np.clip(score / np.maximum(information, 1e-12), -1.0, 1.0)
        eta = eta + step
        if np.max(np.abs(step), initial=0.0) < 1e-8:
            break
    probability, slope = terms(eta)
    information = counts.sum(axis=1) * (slope**2 / probability).sum(axis=1) / within_sd**2
    return eta, 1.0 / np.maximum(information, 1e-12)
