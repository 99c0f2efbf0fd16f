"""A year of support that works: the results of the supported schools as if their quality had risen.

The effectiveness analysis is checked against a region where support works and one where it does
not. The schools are the ones the product itself supports (its list for the year, found from the
earlier years' data), so the effect is applied after the region is drawn, to that year's form 3
only: every earlier year and every other school stays exactly as drawn.

A rise δ of μ (units of ability, as ``true_results``) moves each test's distribution up by δ/σ
(σ ≈ 1,06, the sd of a student's result: ability and test error): the cumulative shares of the
marks F become Φ(Φ⁻¹(F) − δ/σ), the share below the ЕГЭ minimum likewise, and the mean score rises
by δ/σ times the within-school sd of the test's score (taken as 1,5 times the sd of the schools'
means of that test, or 15 for ЕГЭ).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import numpy as np
import polars as pl
from scipy.stats import norm

from .region import DemoRegion

RESULT_SD = 1.06
"""The sd of a student's result around the school's μ: √(1 + 0,35²)."""
EGE_SCORE_SD = 15.0
MARKS = ("2", "3", "4", "5")


def _shifted_counts(counts: list[int | None], shift: float) -> list[int | None]:
    if any(count is None for count in counts):
        return counts
    total = sum(counts)  # type: ignore[arg-type]
    if total == 0:
        return counts
    cumulative = np.cumsum(counts)[:-1] / total
    moved = norm.cdf(norm.ppf(np.clip(cumulative, 1e-6, 1 - 1e-6)) - shift)
    moved = np.where(cumulative <= 0, 0.0, np.where(cumulative >= 1, 1.0, moved))
    bounds = np.concatenate([[0], np.rint(moved * total), [total]]).astype(int)
    bounds = np.maximum.accumulate(bounds)
    return [int(value) for value in np.diff(bounds)]


def raise_supported(region: DemoRegion, codes: Iterable[str], year: str, effect: float) -> DemoRegion:
    """The region with form 3 of ``year`` («2025/2026») of the schools ``codes`` raised by ``effect``.

    ``effect`` is a rise of μ in units of ability; 0 returns the region unchanged. Form 4 is not
    changed: call it on a region generated with ``with_students=False``.
    """
    if not effect:
        return region
    if region.student_results is not None:
        raise ValueError("Поддержка применяется к сводным результатам (форма 3): создайте регион без формы 4.")
    shift = effect / RESULT_SD
    wanted = set(codes)
    results = region.results
    spread = results.group_by("Процедура", "Класс", "Предмет").agg(pl.col("Средний балл").std().alias("_sd"))
    results = results.with_row_index("_row").join(
        spread, on=["Процедура", "Класс", "Предмет"], how="left", maintain_order="left"
    )
    target = results.filter(pl.col("Код ОО").is_in(list(wanted)) & (pl.col("Учебный год") == year))
    rows = []
    for row in target.iter_rows(named=True):
        marks = _shifted_counts([row[mark] for mark in MARKS], shift)
        row.update(dict(zip(MARKS, marks, strict=True)))
        if row["Средний балл"] is not None:
            sd = EGE_SCORE_SD if row["Процедура"] == "ЕГЭ" else 1.5 * (row["_sd"] or 0.0)
            row["Средний балл"] = round(row["Средний балл"] + shift * sd, 2)
        below, participants = row["Не преодолели минимальный порог"], row["Участников"]
        if below is not None and participants:
            row["Не преодолели минимальный порог"] = _shifted_counts([below, participants - below], shift)[0]
        rows.append(row)
    changed = pl.DataFrame(rows, schema=target.schema) if rows else target
    untouched = results.join(changed.select("_row"), on="_row", how="anti")
    merged = pl.concat([untouched, changed]).sort("_row").drop("_row", "_sd")
    return replace(region, results=merged)
