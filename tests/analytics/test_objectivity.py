import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from opora.analytics import Methodology, objectivity_long, objectivity_signals, standardised_scores
from opora.analytics._robust import robust_calibration
from opora.analytics.objectivity import benjamini_hochberg_threshold, fisher_brown
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


def signals(frame, methodology=M):
    return objectivity_signals(frame, standardised_scores(frame, methodology), methodology)


def test_inflating_school_fires_all_three_signals():
    out = signals(region(inflating=True)).filter(pl.col("code") == "x").row(0, named=True)
    # each value on its suspicious side of what honest schools of the region have, and beyond its threshold
    assert out["vpr_gap"] > out["vpr_gap_threshold"] > out["vpr_gap_centre"] and out["vpr_gap_fired"]
    assert out["vpr_above_journal"] > out["vpr_above_journal_threshold"] and out["vpr_above_journal_fired"]
    assert out["scores_at_cutoffs"] < out["scores_at_cutoffs_threshold"] and out["scores_at_cutoffs_fired"]
    assert out["signals"] == 3 and out["signals_available"] == 3 and out["objectivity_risk"]
    assert out["objectivity_score"] >= out["objectivity_threshold"] >= 2.326  # the 1 % false-flag floor
    assert out["objectivity_risk_unknown_reason"] is None


def test_honest_region_is_not_flagged():
    out = signals(region(inflating=False))
    assert not out["objectivity_risk"].fill_null(False).any()
    assert out["objectivity_risk"].drop_nulls().len() == out.height  # 120 ВПР results each: all known


def test_a_small_school_is_checked_and_unknown_when_not_flagged():
    only_one_test = (pl.col("grade") == 5) & (pl.col("subject") == "Математика") | (pl.col("procedure") == "ОГЭ")
    honest = region(inflating=False)
    frame = honest.filter((pl.col("code") != "000") | only_one_test)  # school 000: 30 ВПР participants
    out = signals(frame, Methodology(objectivity_min_participants=31)).filter(pl.col("code") == "000")
    school = out.row(0, named=True)
    assert school["objectivity_score"] is not None  # checked, with the uncertainty of its size
    assert school["objectivity_risk"] is None  # not flagged and too small to tell: «нет данных», not «нет»
    assert "меньше 31" in school["objectivity_risk_unknown_reason"]
    # an inflating school of the same size is still caught
    inflating = region(inflating=True).filter((pl.col("code") != "x") | only_one_test)
    x = (
        signals(inflating, Methodology(objectivity_min_participants=31))
        .filter(pl.col("code") == "x")
        .row(0, named=True)
    )
    assert x["objectivity_risk"] is True


def test_in_the_demo_region_flagged_schools_inflate():
    data = demo()
    out = signals(data["results"]).filter(pl.col("year") == 2026).join(data["truth"], on="code")
    flagged = out.filter(pl.col("objectivity_risk"))
    assert flagged.height >= 3
    assert flagged["inflates_vpr"].mean() >= 0.8
    caught = out.filter(pl.col("inflates_vpr"))["objectivity_risk"].fill_null(False).mean()
    assert caught >= 0.8


def test_long_form_has_thresholds_and_directions():
    out = objectivity_long(signals(region(inflating=True)), M)
    x = out.filter(pl.col("code") == "x")
    assert x["signal"].to_list() == ["scores_at_cutoffs", "vpr_above_journal", "vpr_gap"]
    assert x["direction"].to_list() == ["меньше", "больше", "больше"]
    assert x["label"].str.contains("подозрительно").all()
    assert x["fired"].all()
    assert (x["statistic"] >= x["statistic_threshold"]).all()
    assert (x["score"] >= x["score_threshold"]).all()


@settings(max_examples=20, deadline=None)
@given(shift=st.floats(-5, 5), scale=st.floats(0.1, 10), seed=st.integers(0, 1000))
def test_calibration_does_not_depend_on_the_unit_or_origin_of_the_signal(shift, scale, seed):
    rng = np.random.default_rng(seed)
    v = rng.uniform(0.01, 0.2, 300)
    value = rng.normal(0, 0.3, 300) + rng.normal(0, np.sqrt(v))
    level = rng.normal(size=300)
    base = robust_calibration(value, v, level).statistic
    moved = robust_calibration(shift + scale * value, scale**2 * v, level).statistic
    assert np.allclose(base, moved, atol=1e-6)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 1000), spread=st.floats(0.0, 0.5))
def test_calibrated_statistic_is_standard_for_honest_schools_of_every_size(seed, spread):
    rng = np.random.default_rng(seed)
    n = rng.integers(5, 500, 4000)
    v = 1.0 / n
    value = 0.2 + rng.normal(0, spread, 4000) + rng.normal(0, np.sqrt(v))
    t = robust_calibration(value, v).statistic
    small, large = t[n < 50], t[n >= 200]
    for part in (t, small, large):
        assert 0.85 < float(np.std(part)) < 1.15


def test_false_flags_of_honest_schools_stay_at_the_stated_rate():
    """An honest region of 5 000 schools whose teachers differ in leniency: the measured false-flag rate."""
    rng = np.random.default_rng(3)
    m = 5000
    n = rng.integers(8, 400, m)
    values = {}
    for k, spread in enumerate((0.15, 0.05, 0.1)):
        v = 1.0 / n
        values[k] = (rng.normal(0, spread, m) + rng.normal(0, np.sqrt(v)), v)
    stacked = np.column_stack([robust_calibration(*values[k]).statistic for k in range(3)])
    p = fisher_brown(norm.sf(stacked), np.eye(3))
    threshold = max(
        norm.isf(M.objectivity_false_flag_rate), norm.isf(benjamini_hochberg_threshold(p, M.objectivity_fdr))
    )
    assert np.mean(norm.isf(p) >= threshold) <= M.objectivity_false_flag_rate


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=60), st.floats(0.01, 0.2))
def test_benjamini_hochberg_is_a_threshold_every_discovery_passes(p_values, fdr):
    p = np.array(p_values)
    threshold = benjamini_hochberg_threshold(p, fdr)
    discoveries = np.sort(p[p <= threshold])
    m = len(p)
    # step-up: the k discoveries satisfy p₍ₖ₎ ≤ fdr·k/m, and the threshold is at most fdr
    if len(discoveries):
        assert discoveries[-1] <= fdr * len(discoveries) / m + 1e-12
    assert 0 < threshold <= fdr


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 1000))
def test_fisher_brown_gives_uniform_p_under_no_inflation(seed):
    rng = np.random.default_rng(seed)
    p = rng.uniform(size=(4000, 3))
    combined = fisher_brown(p, np.eye(3))
    assert abs(np.mean(combined < 0.05) - 0.05) < 0.015
    # a signal far on the innocent side does not hide a strong one
    assert fisher_brown(np.array([[1e-8, 0.999, 0.5]]), np.eye(3))[0] < 1e-4
