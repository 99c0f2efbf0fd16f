import numpy as np
import polars as pl
import pytest

from opora.analytics import Methodology, objectivity_long, objectivity_signals, standardised_scores
from tests.analytics.frames import demo, marks_row, results_frame

M = Methodology()
BAND_MEANS = np.array([5.0, 10.0, 15.0, 19.0])  # mean primary score of the marks 2, 3, 4, 5


def region(inflating: bool, n_schools: int = 40, seed: int = 0) -> pl.DataFrame:
    """Honest schools and school «x»: its ВПР marks one mark up for most 2s and 3s (if inflating)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_schools + 1):
        code = "x" if i == n_schools else f"{i:03d}"
        level = -0.8 if code == "x" else rng.normal(0, 0.5)
        for grade, subject in ((5, "Математика"), (6, "Математика"), (5, "Русский язык"), (6, "Русский язык")):
            p = np.exp(-((np.arange(4) - 1.5 - level) ** 2))
            marks = rng.multinomial(30, p / p.sum())
            score = float(marks @ BAND_MEANS / 30 + rng.normal(0, 0.25))
            lowered = int(rng.binomial(30, 0.3))
            if code == "x" and inflating:
                moved = (marks[:2] * 0.9).astype(int)
                marks = marks.copy()
                marks[0] -= moved[0]
                marks[1] += moved[0] - moved[1]
                marks[2] += moved[1]
                score = float((marks @ BAND_MEANS - moved.sum() * 2.5) / 30)  # pushed to the cut-offs
                lowered = 1
            rows.append(
                marks_row(
                    code,
                    2026,
                    "ВПР",
                    grade,
                    subject,
                    tuple(int(m) for m in marks),
                    mean_score=score,
                    lowered=lowered,
                    confirmed=30 - lowered,
                    raised=0,
                )
            )
        p = np.exp(-((np.arange(4) - 1.5 - level) ** 2))
        rows.append(
            marks_row(code, 2026, "ОГЭ", 9, "Математика", tuple(int(m) for m in rng.multinomial(30, p / p.sum())))
        )
    return results_frame(rows)


def signals(frame):
    return objectivity_signals(frame, standardised_scores(frame, M), M)


def test_inflating_school_fires_all_three_signals():
    out = signals(region(inflating=True)).filter(pl.col("code") == "x").row(0, named=True)
    assert out["vpr_gap"] > M.vpr_gap_threshold and out["vpr_gap_fired"]
    assert out["lowered_ratio"] < M.lowered_ratio_threshold and out["few_lowered_fired"]
    assert out["cutoff_shift"] < -M.cutoff_score_threshold and out["scores_at_cutoffs_fired"]
    assert out["signals"] == 3 and out["signals_available"] == 3 and out["objectivity_risk"]


def test_honest_region_is_not_flagged():
    out = signals(region(inflating=False))
    assert not out["objectivity_risk"].any()


def test_too_few_participants_give_no_signal():
    only_one_test = (pl.col("grade") == 5) & (pl.col("subject") == "Математика") | (pl.col("procedure") == "ОГЭ")
    frame = region(inflating=True).filter((pl.col("code") != "x") | only_one_test)  # school x: 30 ВПР participants
    out = objectivity_signals(frame, standardised_scores(frame, M), Methodology(objectivity_min_participants=31))
    x = out.filter(pl.col("code") == "x").row(0, named=True)
    assert x["signals_available"] == 0 and x["vpr_gap_fired"] is None and not x["objectivity_risk"]


def test_in_the_demo_region_flagged_schools_inflate():
    data = demo()
    out = signals(data["results"]).filter(pl.col("year") == 2026).join(data["truth"], on="code")
    flagged = out.filter(pl.col("objectivity_risk"))
    assert flagged.height >= 3
    assert flagged["inflates_vpr"].all()


def test_long_form_has_thresholds():
    out = objectivity_long(signals(region(inflating=True)), M)
    x = out.filter(pl.col("code") == "x")
    assert x["signal"].to_list() == ["few_lowered", "scores_at_cutoffs", "vpr_gap"]
    assert x["threshold"].to_list() == pytest.approx([0.5, -0.2, 0.2])
    assert x["fired"].all()
    assert (x["statistic_threshold"] == M.objectivity_z).all()
