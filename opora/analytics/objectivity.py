"""Signals that a school's ВПР results are not objective (inflated), each with its threshold."""

from __future__ import annotations

import numpy as np
import polars as pl

from ._frames import DETERMINISTIC, RESULTS_REQUIRED, RESULTS_SCHEMA, conform
from .methodology import EGE, OGE, VPR, Methodology

SIGNALS = {
    "vpr_gap": "ВПР заметно выше уровня ОГЭ/ЕГЭ той же школы",
    "few_lowered": "Слишком мало обучающихся, чья отметка за ВПР ниже отметки по журналу",
    "scores_at_cutoffs": "Первичные баллы ВПР скучены у границ отметок (средний балл ниже, чем следует из отметок)",
}
_MARKS = np.array([2.0, 3.0, 4.0, 5.0])


def objectivity_signals(
    results: pl.DataFrame | pl.LazyFrame,
    scores: pl.DataFrame,
    methodology: Methodology,
) -> pl.DataFrame:
    """Three signals of inflated ВПР results per school and year, and the resulting risk flag.

    With n the school's ВПР participants (signals are computed only when n ≥
    ``objectivity_min_participants``, FIOKO's 20) and z* = ``objectivity_z``:

    1. ``vpr_gap``: the ВПР level minus the ОГЭ/ЕГЭ level of the same school, both in student
       sd (participant-weighted means of the tests' z from :func:`standardised_scores`)::

           gap = L_ВПР − L_ГИА,  z = gap / √(Var L_ВПР + Var L_ГИА)
           fires when gap > ``vpr_gap_threshold`` and z > z*

    2. ``few_lowered``: the share ℓ of ВПР marks below the journal mark against the share ℓ₀
       expected from the region's share of each test, ℓ₀ = Σ_c n_c ℓ_region,c / Σ n_c::

           ratio = ℓ / ℓ₀,  z = (ℓ₀ − ℓ) / √(ℓ₀ (1 − ℓ₀) / n)
           fires when ratio < ``lowered_ratio_threshold`` and z > z*

    3. ``scores_at_cutoffs`` (FIOKO: peaks of primary scores at the cut-offs, seen in form 3):
       for each ВПР test the region's mean primary score of each mark ĉ_k is fitted by least
       squares over schools (mean score ≈ Σₖ pₖ ĉₖ, pₖ the school's share of mark k); the
       school's residual e = mean score − Σₖ pₖ ĉₖ is scaled by the within-band sd
       σ = √(Σ n e² / (m − 4)). Over the school's tests::

           shift = Σ n_c e_c/σ_c / Σ n_c,   z = −Σ n_c e_c/σ_c / √(Σ n_c)
           fires when shift < −``cutoff_score_threshold`` and z > z*

    A school-year is at risk (``objectivity_risk``) when at least ``objectivity_min_signals``
    signals fire.

    Parameters
    ----------
    results : polars.DataFrame or polars.LazyFrame
        Form 3 (needs ``lowered``, ``confirmed``, ``raised`` and ``mean_score`` of the ВПР).
    scores : polars.DataFrame
        Output of :func:`~opora.analytics.results_index.standardised_scores` for the same results.
    methodology : Methodology

    Returns
    -------
    polars.DataFrame
        Per ``code, year``: ``vpr_participants``; ``vpr_gap, vpr_gap_z, vpr_gap_fired``;
        ``lowered_share, lowered_expected, lowered_ratio, lowered_z, few_lowered_fired``;
        ``cutoff_shift, cutoff_z, scores_at_cutoffs_fired``; ``signals`` (fired),
        ``signals_available`` (computable) and ``objectivity_risk``.

    Examples
    --------
    >>> from opora.analytics.results_index import standardised_scores
    >>> empty = pl.DataFrame(schema={"code": pl.String, "year": pl.Int64, "procedure": pl.String,
    ...     "grade": pl.Int64, "subject": pl.String, "participants": pl.Int64})
    >>> objectivity_signals(empty, standardised_scores(empty, Methodology()), Methodology()).height
    0
    """
    frame = (
        conform(results, RESULTS_SCHEMA, RESULTS_REQUIRED, "Результаты по ОО")
        .filter(pl.col("procedure") == VPR)
        .drop("below_threshold")
        .collect(engine=DETERMINISTIC)
    )
    min_n = methodology.objectivity_min_participants
    z_star = methodology.objectivity_z

    gap = _gap(scores)
    lowered = _lowered(frame)
    cutoffs = _cutoffs(frame)
    vpr = (
        frame.filter(pl.col("procedure") == VPR)
        .group_by("code", "year", maintain_order=True)
        .agg(pl.col("participants").sum().alias("vpr_participants"))
    )
    out = (
        vpr.join(gap, on=["code", "year"], how="left", maintain_order="left")
        .join(lowered, on=["code", "year"], how="left", maintain_order="left")
        .join(cutoffs, on=["code", "year"], how="left", maintain_order="left")
    )
    enough = pl.col("vpr_participants") >= min_n

    def fired(condition: pl.Expr, value: str) -> pl.Expr:
        # null when the signal cannot be computed; True / False otherwise
        return pl.when(enough & pl.col(value).is_not_null()).then(condition.fill_null(False))

    out = out.with_columns(
        fired((pl.col("vpr_gap") > methodology.vpr_gap_threshold) & (pl.col("vpr_gap_z") > z_star), "vpr_gap").alias(
            "vpr_gap_fired"
        ),
        fired(
            (pl.col("lowered_ratio") < methodology.lowered_ratio_threshold) & (pl.col("lowered_z") > z_star),
            "lowered_ratio",
        ).alias("few_lowered_fired"),
        fired(
            (pl.col("cutoff_shift") < -methodology.cutoff_score_threshold) & (pl.col("cutoff_z") > z_star),
            "cutoff_shift",
        ).alias("scores_at_cutoffs_fired"),
    )
    fired_columns = ["vpr_gap_fired", "few_lowered_fired", "scores_at_cutoffs_fired"]
    out = out.with_columns(
        pl.sum_horizontal(pl.col(c).fill_null(False).cast(pl.Int64) for c in fired_columns).alias("signals"),
        pl.sum_horizontal(pl.col(c).is_not_null().cast(pl.Int64) for c in fired_columns).alias("signals_available"),
    ).with_columns((pl.col("signals") >= methodology.objectivity_min_signals).alias("objectivity_risk"))
    return out.select(
        "code",
        "year",
        "vpr_participants",
        "vpr_gap",
        "vpr_gap_z",
        "vpr_gap_fired",
        "lowered_share",
        "lowered_expected",
        "lowered_ratio",
        "lowered_z",
        "few_lowered_fired",
        "cutoff_shift",
        "cutoff_z",
        "scores_at_cutoffs_fired",
        "signals",
        "signals_available",
        "objectivity_risk",
    ).sort("code", "year")


def objectivity_long(signals: pl.DataFrame, methodology: Methodology) -> pl.DataFrame:
    """The signals one per row with value, threshold and statistic, for the «why» page.

    Returns
    -------
    polars.DataFrame
        ``code, year, signal, label, value, threshold, statistic, statistic_threshold, fired``.

    Examples
    --------
    >>> signals = pl.DataFrame({"code": ["1"], "year": [2026], "vpr_gap": [0.8], "vpr_gap_z": [4.0],
    ...     "vpr_gap_fired": [True], "lowered_ratio": [None], "lowered_z": [None], "few_lowered_fired": [None],
    ...     "cutoff_shift": [None], "cutoff_z": [None], "scores_at_cutoffs_fired": [None]})
    >>> objectivity_long(signals, Methodology())["fired"].to_list()
    [None, None, True]
    """
    parts = []
    spec = (
        ("vpr_gap", "vpr_gap", "vpr_gap_z", methodology.vpr_gap_threshold, "vpr_gap_fired"),
        (
            "few_lowered",
            "lowered_ratio",
            "lowered_z",
            methodology.lowered_ratio_threshold,
            "few_lowered_fired",
        ),
        (
            "scores_at_cutoffs",
            "cutoff_shift",
            "cutoff_z",
            -methodology.cutoff_score_threshold,
            "scores_at_cutoffs_fired",
        ),
    )
    for signal, value, statistic, threshold, fired in spec:
        parts.append(
            signals.select(
                "code",
                "year",
                pl.lit(signal).alias("signal"),
                pl.lit(SIGNALS[signal]).alias("label"),
                pl.col(value).cast(pl.Float64).alias("value"),
                pl.lit(float(threshold)).alias("threshold"),
                pl.col(statistic).cast(pl.Float64).alias("statistic"),
                pl.lit(float(methodology.objectivity_z)).alias("statistic_threshold"),
                pl.col(fired).cast(pl.Boolean).alias("fired"),
            )
        )
    return pl.concat(parts).sort("code", "year", "signal")


def _gap(scores: pl.DataFrame) -> pl.DataFrame:
    """L_ВПР − L_ГИА with its z, from the tests' standardised scores."""
    keys = ["code", "year", "_vpr"]
    cells = scores.filter(pl.col("procedure").is_in([VPR, OGE, EGE])).select(
        "code", "year", (pl.col("procedure") == VPR).alias("_vpr"), "participants", "z", "variance"
    )
    # Σ w z and Σ w² v with w = n / Σ n, written without a window (faster on millions of rows)
    n = pl.col("participants").cast(pl.Float64)
    levels = cells.group_by(keys, maintain_order=True).agg(
        ((n * pl.col("z")).sum() / n.sum()).alias("level"),
        ((n * n * pl.col("variance")).sum() / n.sum() ** 2).alias("var"),
    )
    vpr = levels.filter(pl.col("_vpr")).select("code", "year", pl.col("level").alias("_lv"), pl.col("var").alias("_vv"))
    gia = levels.filter(~pl.col("_vpr")).select(
        "code", "year", pl.col("level").alias("_lg"), pl.col("var").alias("_vg")
    )
    return vpr.join(gia, on=["code", "year"], how="inner", maintain_order="left").select(
        "code",
        "year",
        (pl.col("_lv") - pl.col("_lg")).alias("vpr_gap"),
        ((pl.col("_lv") - pl.col("_lg")) / (pl.col("_vv") + pl.col("_vg")).sqrt()).alias("vpr_gap_z"),
    )


def _lowered(frame: pl.DataFrame) -> pl.DataFrame:
    """Share of «lowered» against the share expected from the region's tests."""
    test = ["year", "grade", "subject"]
    compared = pl.col("lowered") + pl.col("confirmed") + pl.col("raised")
    vpr = (
        frame.lazy()
        .filter(
            (pl.col("procedure") == VPR)
            & pl.col("lowered").is_not_null()
            & pl.col("confirmed").is_not_null()
            & pl.col("raised").is_not_null()
        )
        .with_columns(compared.cast(pl.Float64).alias("_n"))
        .filter(pl.col("_n") > 0)
    )
    vpr = vpr.with_columns((pl.col("lowered").sum().over(test) / pl.col("_n").sum().over(test)).alias("_region_share"))
    out = vpr.group_by("code", "year", maintain_order=True).agg(
        (pl.col("lowered").sum() / pl.col("_n").sum()).alias("lowered_share"),
        ((pl.col("_n") * pl.col("_region_share")).sum() / pl.col("_n").sum()).alias("lowered_expected"),
        pl.col("_n").sum().alias("_n_total"),
    )
    expected = pl.col("lowered_expected")
    return out.select(
        "code",
        "year",
        "lowered_share",
        "lowered_expected",
        pl.when(expected > 0).then(pl.col("lowered_share") / expected).alias("lowered_ratio"),
        pl.when((expected > 0) & (expected < 1))
        .then((expected - pl.col("lowered_share")) / (expected * (1 - expected) / pl.col("_n_total")).sqrt())
        .alias("lowered_z"),
    ).collect(engine=DETERMINISTIC)


def _cutoffs(frame: pl.DataFrame) -> pl.DataFrame:
    """Residual of the ВПР mean primary score against the marks, in within-band sd."""
    marks = [f"marks_{k}" for k in (2, 3, 4, 5)]
    vpr = (
        frame.filter(
            (pl.col("procedure") == VPR)
            & pl.col("mean_score").is_not_null()
            & pl.all_horizontal(pl.col(m).is_not_null() for m in marks)
        )
        .with_columns(pl.sum_horizontal(marks).cast(pl.Float64).alias("_n"))
        .filter(pl.col("_n") > 0)
    )
    if vpr.height == 0:
        return pl.DataFrame(
            schema={"code": pl.String, "year": pl.Int64, "cutoff_shift": pl.Float64, "cutoff_z": pl.Float64}
        )
    parts = []
    for _, test in (
        vpr.sort("code").partition_by(["year", "grade", "subject"], as_dict=True, maintain_order=True).items()
    ):
        n = test["_n"].to_numpy()
        shares = test.select(marks).to_numpy().astype(np.float64) / n[:, None]
        y = test["mean_score"].to_numpy().astype(np.float64)
        present = shares.sum(axis=0) > 0
        m = len(y)
        if m <= present.sum() + 1:
            continue
        root = np.sqrt(n)
        coef, *_ = np.linalg.lstsq(shares[:, present] * root[:, None], y * root, rcond=None)
        residual = y - shares[:, present] @ coef
        sigma2 = float(np.sum(n * residual**2)) / (m - present.sum())
        if sigma2 <= 0:
            continue
        parts.append(test.select("code", "year", "_n").with_columns(pl.Series("_r", residual / np.sqrt(sigma2))))
    if not parts:
        return pl.DataFrame(
            schema={"code": pl.String, "year": pl.Int64, "cutoff_shift": pl.Float64, "cutoff_z": pl.Float64}
        )
    return (
        pl.concat(parts)
        .group_by("code", "year", maintain_order=True)
        .agg(
            ((pl.col("_n") * pl.col("_r")).sum() / pl.col("_n").sum()).alias("cutoff_shift"),
            (-(pl.col("_n") * pl.col("_r")).sum() / pl.col("_n").sum().sqrt()).alias("cutoff_z"),
        )
    )
