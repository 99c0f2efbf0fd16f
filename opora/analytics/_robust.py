"""Robust estimates of the centre and spread of the region's own schools (median, MAD, Huber).

A school is compared with the region; a few extreme schools (the ones sought) must not move
what they are compared with. These helpers estimate a centre line and the honest spread between
schools beyond their sampling error, as the median absolute deviation does for one number.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

HUBER = 2.0  # Huber's constant: residuals beyond 2 robust sd weigh less in the centre
MAD_TO_SD = 1.4826  # MAD × 1.4826 = sd for normal data
CALIBRATION_SAMPLE = 4000  # schools the spread is solved on (a fixed sample, for a country)


class Calibration(NamedTuple):
    """What :func:`robust_calibration` finds: the statistic, the centre line and the spread."""

    statistic: np.ndarray
    centre: np.ndarray
    omega2: float
    scale: float
    slope: float


def robust_calibration(
    value: np.ndarray, variance: np.ndarray, covariate: np.ndarray | None = None, *, iterations: int = 5
) -> Calibration:
    """Calibrate a signal on the region: robust centre line and honest between-school spread.

    Model of honest schools: value = a + b·covariate + η + e, η ~ (0, ω²) the honest
    differences between schools, e ~ (0, v) the sampling error of the school's own size.
    Alternately (``iterations`` times):

    - ω² solves 1.4826 · median(|r| / √(ω² + v)) = 1 (the statistic has the robust spread of a
      standard normal; when even ω² = 0 gives less, the statistics are scaled by s < 1 instead);
    - (a, b) by weighted least squares with Huber weights min(1, 2/|t|) / (ω² + v).

    Returns the calibrated statistic t = (value − a − b·covariate) / (s √(ω² + v)), the centre
    a + b·covariate, ω², s and the slope b (0 without a covariate). Values that are not finite
    give NaN.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> v = rng.uniform(0.01, 0.1, 3000)
    >>> value = 0.3 + rng.normal(0, 0.2, 3000) + rng.normal(0, np.sqrt(v))
    >>> t, centre, omega2, scale, slope = robust_calibration(value, v)
    >>> round(float(np.std(t)), 1), round(omega2, 2), round(float(centre[0]), 1)
    (1.0, 0.04, 0.3)
    """
    value = np.asarray(value, dtype=np.float64)
    variance = np.asarray(variance, dtype=np.float64)
    n = len(value)
    ok = np.isfinite(value) & np.isfinite(variance) & (variance >= 0)
    x = np.ones((n, 1))
    if covariate is not None:
        c = np.asarray(covariate, dtype=np.float64)
        known = np.isfinite(c)
        centred = np.where(known, c - (np.median(c[ok & known]) if (ok & known).any() else 0.0), 0.0)
        if (ok & known).sum() > 10 and np.std(centred[ok & known]) > 0:
            x = np.column_stack([np.ones(n), centred])
    t = np.full(n, np.nan)
    centre = np.full(n, np.nan)
    if ok.sum() < 3:
        return Calibration(t, centre, float("nan"), float("nan"), 0.0)
    xs, vs, vals = x[ok], variance[ok], value[ok]
    sample = np.arange(len(vals))
    if len(sample) > CALIBRATION_SAMPLE:
        sample = np.linspace(0, len(vals) - 1, CALIBRATION_SAMPLE).astype(np.int64)
    beta = np.zeros(xs.shape[1])
    beta[0] = float(np.median(vals))
    omega2, scale = 0.0, 1.0
    for _ in range(iterations):
        residual = vals - xs @ beta
        omega2, scale = spread_beyond_sampling(residual[sample], vs[sample])
        total = scale**2 * (omega2 + vs)
        standard = residual / np.sqrt(np.maximum(total, 1e-12))
        weight = np.minimum(1.0, HUBER / np.maximum(np.abs(standard), 1e-12)) / np.maximum(total, 1e-12)
        xtw = xs.T * weight
        beta = np.linalg.lstsq(xtw @ xs, xtw @ vals, rcond=None)[0]
    residual = vals - xs @ beta
    omega2, scale = spread_beyond_sampling(residual[sample], vs[sample])
    t[ok] = residual / np.sqrt(np.maximum(scale**2 * (omega2 + vs), 1e-12))
    centre[ok] = xs @ beta
    return Calibration(t, centre, omega2, scale, float(beta[1]) if len(beta) > 1 else 0.0)


def spread_beyond_sampling(residual: np.ndarray, variance: np.ndarray) -> tuple[float, float]:
    """ω² ≥ 0 with robust sd 1 of residual / √(ω² + v); else ω² = 0 and the factor s < 1."""

    def robust_sd(omega2: float) -> float:
        return MAD_TO_SD * float(np.median(np.abs(residual) / np.sqrt(np.maximum(omega2 + variance, 1e-12))))

    at_zero = robust_sd(0.0)
    if at_zero <= 1.0:
        return 0.0, max(at_zero, 1e-6)
    low, high = 0.0, float(np.median(residual**2)) * 4.0 + 1e-12
    while robust_sd(high) > 1.0:
        high *= 4.0
    for _ in range(30):
        middle = 0.5 * (low + high)
        if robust_sd(middle) > 1.0:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high), 1.0


def robust_correlation(u: np.ndarray, v: np.ndarray) -> float:
    """Gnanadesikan–Kettenring correlation with MAD scales: (s²(u+v) − s²(u−v)) / (s²(u+v) + s²(u−v)).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> a = rng.normal(size=5000); b = 0.5 * a + np.sqrt(0.75) * rng.normal(size=5000)
    >>> round(robust_correlation(a, b), 1)
    0.5
    """
    both = np.isfinite(u) & np.isfinite(v)
    if both.sum() < 10:
        return 0.0

    def mad(x: np.ndarray) -> float:
        return MAD_TO_SD * float(np.median(np.abs(x - np.median(x))))

    plus, minus = mad(u[both] + v[both]) ** 2, mad(u[both] - v[both]) ** 2
    return (plus - minus) / (plus + minus) if plus + minus > 0 else 0.0
