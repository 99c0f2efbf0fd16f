import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opora.analytics import Methodology, raw_results_index, results_index, standardised_scores
from tests.analytics.frames import demo, marks_row, results_frame

M = Methodology()


def scores_frame(rows):
    return pl.DataFrame(
        rows,
        schema={
            "code": pl.String,
            "year": pl.Int64,
            "procedure": pl.String,
            "grade": pl.Int64,
            "subject": pl.String,
            "participants": pl.Int64,
            "z": pl.Float64,
            "variance": pl.Float64,
            "weight": pl.Float64,
        },
        orient="row",
    )


class TestTestScores:
    def test_two_schools_symmetric(self):
        frame = results_frame(
            [
                marks_row("a", 2026, "ОГЭ", 9, "Математика", (0, 1, 1, 0)),
                marks_row("b", 2026, "ОГЭ", 9, "Математика", (0, 0, 1, 1)),
            ]
        )
        out = standardised_scores(frame, M)
        # M = 4, within SS = 1 (df 2) → σ²_w = 0.5; S² = (1 + 1) / 4
        assert out["z"].to_list() == pytest.approx([-(2**-0.5), 2**-0.5])
        assert out["within_variance"].to_list() == pytest.approx([0.5, 0.5])
        assert out["variance"].to_list() == pytest.approx([0.5, 0.5])

    def test_weighted_mean_of_each_test_is_zero(self):
        # the level part; the failure part moves only schools with failures beyond chance
        out = standardised_scores(demo()["results"], M)
        check = out.group_by("year", "procedure", "grade", "subject").agg(
            ((pl.col("participants") * pl.col("z_mean")).sum() / pl.col("participants").sum()).abs().alias("m")
        )
        assert check["m"].max() < 1e-9
        assert (out["failure_excess"].fill_null(0.0) == 0).mean() > 0.98

    def test_ege_uses_the_mean_test_score_and_the_stated_sd(self):
        rows = [
            {
                **marks_row(str(i), 2026, "ЕГЭ", 11, "Русский язык", (0, 0, 0, 0)),
                "participants": 10,
                "marks_2": None,
                "marks_3": None,
                "marks_4": None,
                "marks_5": None,
                "mean_score": 60.0 + i,
            }
            for i in range(5)
        ]
        out = standardised_scores(results_frame(rows), Methodology(ege_score_sd=10.0))
        assert set(out["kind"]) == {"score"}
        assert out["within_variance"].to_list() == pytest.approx([100.0] * 5)
        assert out["z"].is_sorted()

    def test_small_tests_are_left_out(self):
        frame = results_frame(
            [
                marks_row("a", 2026, "ВПР", 5, "Математика", (1, 1, 0, 0)),
                marks_row("b", 2026, "ВПР", 5, "Математика", (0, 5, 5, 2)),
                marks_row("c", 2026, "ВПР", 5, "Математика", (1, 4, 5, 2)),
            ]
        )
        out = standardised_scores(frame, Methodology(min_cell_participants=3))
        assert out["code"].to_list() == ["b", "c"]

    def test_rows_without_marks_or_usable_score_are_left_out(self):
        row = {**marks_row("a", 2026, "ВПР", 5, "Математика", (0, 0, 0, 0)), "participants": 10, "marks_2": None}
        assert standardised_scores(results_frame([row]), M).height == 0


class TestRawIndex:
    def test_example_equal_precision(self):
        frame = scores_frame(
            [
                ("a", 2026, "ВПР", 5, "Математика", 10, 1.0, 0.1, 1.0),
                ("a", 2026, "ОГЭ", 9, "Математика", 10, 0.0, 0.1, 1.0),
            ]
        )
        assert raw_results_index(frame, M).select("raw_index", "raw_variance").row(0) == pytest.approx((0.5, 0.05))

    def test_precision_weights_a_tiny_procedure_less(self):
        frame = scores_frame(
            [
                ("a", 2026, "ВПР", 5, "Математика", 100, 1.0, 0.01, 1.0),
                ("a", 2026, "ОГЭ", 9, "Математика", 2, -1.0, 0.5, 1.0),
            ]
        )
        precise = raw_results_index(frame, M)["raw_index"][0]
        fixed = raw_results_index(frame, Methodology(procedure_combination="fixed"))["raw_index"][0]
        assert fixed == pytest.approx(0.0)
        assert precise == pytest.approx((1.0 / 0.01 - 1.0 / 0.5) / (1 / 0.01 + 1 / 0.5))

    def test_same_grade_tests_correlate(self):
        rows = [
            ("a", 2026, "ВПР", 5, "Математика", 10, 0.0, 0.1, 1.0),
            ("a", 2026, "ВПР", 5, "Русский язык", 10, 0.0, 0.1, 1.0),
        ]
        same = raw_results_index(scores_frame(rows), M)["raw_variance"][0]
        apart = raw_results_index(scores_frame([rows[0], (*rows[1][:3], 6, *rows[1][4:])]), M)["raw_variance"][0]
        assert same == pytest.approx(0.1 * (1 + 0.5) / 2)
        assert apart == pytest.approx(0.05)

    def test_procedure_levels(self):
        frame = scores_frame(
            [
                ("a", 2026, "ВПР", 5, "Математика", 30, 0.6, 0.1, 1.0),
                ("a", 2026, "ВПР", 6, "Математика", 10, 0.2, 0.1, 1.0),
                ("a", 2026, "ОГЭ", 9, "Математика", 10, -0.5, 0.1, 1.0),
            ]
        )
        row = raw_results_index(frame, M).row(0, named=True)
        assert row["level_vpr"] == pytest.approx(0.5)
        assert row["level_oge"] == pytest.approx(-0.5)
        assert row["level_ege"] is None

    def test_vpr_left_out_for_a_school_at_risk(self):
        frame = scores_frame(
            [
                ("a", 2026, "ВПР", 5, "Математика", 10, 1.0, 0.1, 1.0),
                ("a", 2026, "ОГЭ", 9, "Математика", 10, -0.4, 0.1, 1.0),
                ("b", 2026, "ВПР", 5, "Математика", 10, 0.3, 0.1, 1.0),
            ]
        )
        out = raw_results_index(frame, M, without_vpr=pl.DataFrame({"code": ["a", "b"], "year": [2026, 2026]}))
        a, b = out.row(0, named=True), out.row(1, named=True)
        assert (
            a["vpr_excluded"]
            and a["raw_index"] == pytest.approx(-0.4)
            and a["raw_index_with_vpr"] == pytest.approx(0.3)
        )
        assert b["raw_index"] is None and b["raw_index_with_vpr"] == pytest.approx(0.3)

    def test_zero_weight_procedure_is_not_used(self):
        frame = scores_frame(
            [
                ("a", 2026, "Контрольный срез", 5, "Математика", 10, 5.0, 0.1, 0.0),
                ("a", 2026, "ОГЭ", 9, "Математика", 10, 0.2, 0.1, 1.0),
            ]
        )
        assert raw_results_index(frame, M)["raw_index"][0] == pytest.approx(0.2)


class TestShrunkIndex:
    def test_noisy_school_is_pulled_to_the_mean_and_precise_one_is_not(self):
        raw = pl.DataFrame(
            {
                "code": list("abcdef"),
                "year": [2026] * 6,
                "raw_index": [-1.0, -0.5, 0.0, 0.5, 1.0, -3.0],
                "raw_variance": [0.001] * 5 + [10.0],
            }
        )
        out = results_index(raw, M)
        assert out["results_index"][0] == pytest.approx(-1.0, abs=0.01)
        assert out["results_index"][5] > -0.5
        assert (out["results_index_lower"] <= out["results_index"]).all()
        assert (out["results_index"] <= out["results_index_upper"]).all()
        assert out["shrinkage_weight"][5] < 0.1 < 0.9 < out["shrinkage_weight"][0]

    def test_context_target_uses_the_covariates(self):
        raw = pl.DataFrame(
            {
                "code": [str(i) for i in range(8)],
                "year": [2026] * 8,
                "raw_index": [-1.0, -0.9, -1.1, 1.0, 0.9, 1.1, 0.0, -2.0],
                "raw_variance": [0.01] * 7 + [50.0],
            }
        )
        covariates = pl.DataFrame(
            {"code": [str(i) for i in range(8)], "year": [2026] * 8, "wellbeing": [-1.0] * 3 + [1.0] * 3 + [0.0, -1.0]}
        )
        out = results_index(raw, Methodology(shrinkage_target="context"), covariates=covariates)
        # the tiny school 7 is pulled toward what its context predicts (−1), not toward 0
        assert out["results_index"][7] == pytest.approx(-1.0, abs=0.15)

    def test_other_years_lend_strength(self):
        rows = []
        for i in range(30):
            level = (i - 15) / 10
            for year in (2024, 2025, 2026):
                rows.append((str(i), year, level, 0.02))
        rows.append(("x", 2024, 1.0, 0.3))
        rows.append(("x", 2025, 1.0, 0.3))
        rows.append(("x", 2026, -1.5, 0.3))
        raw = pl.DataFrame(rows, schema=["code", "year", "raw_index", "raw_variance"], orient="row")
        pooled = results_index(raw, M).filter((pl.col("code") == "x") & (pl.col("year") == 2026))
        alone = results_index(raw, Methodology(borrow_strength_over_years=False)).filter(
            (pl.col("code") == "x") & (pl.col("year") == 2026)
        )
        assert pooled["results_index"][0] > alone["results_index"][0]
        assert pooled["results_index_sd"][0] < alone["results_index_sd"][0]


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_index_is_invariant_to_row_order(seed):
    results = demo()["results"]
    base = results_index(raw_results_index(standardised_scores(results, M), M), M).sort("code", "year")
    shuffled = results.sample(fraction=1.0, shuffle=True, seed=seed)
    other = results_index(raw_results_index(standardised_scores(shuffled, M), M), M).sort("code", "year")
    assert base["code"].equals(other["code"])
    assert np.allclose(base["results_index"].to_numpy(), other["results_index"].to_numpy(), atol=1e-12, equal_nan=True)


def test_procedure_interaction_recovers_each_procedures_own_spread():
    from opora.analytics.results_index import procedure_interaction

    rng = np.random.default_rng(4)
    common = rng.normal(0, 0.5, 2000)
    spreads = (0.05, 0.1, 0.3)
    levels = np.stack([common + rng.normal(0, s, 2000) for s in spreads], axis=1).reshape(-1)
    sampling = np.full(6000, 0.01)
    noisy = levels + rng.normal(0, 0.1, 6000)
    out = procedure_interaction(
        noisy,
        sampling,
        np.tile([0, 1, 2], 2000),
        np.full(6000, 2026),
        np.zeros(6000, dtype=bool),
        np.repeat(np.arange(2000), 3),
        3,
    )
    assert out[:3] == pytest.approx([s**2 for s in spreads], abs=0.01)


def test_year_marks_on_a_schools_own_scale_weigh_less():
    """A procedure that departs from a school's others (year marks set by the school) gets less weight."""
    rows = []
    rng = np.random.default_rng(1)
    for i in range(200):
        level = rng.normal(0, 0.5)
        lenient = rng.normal(0, 0.5)
        for year in (2024, 2025, 2026):
            rows.append((f"{i:03d}", year, "ОГЭ", 9, "Математика", 30, level + rng.normal(0, 0.1), 0.01, 1.0))
            rows.append((f"{i:03d}", year, "ВПР", 5, "Математика", 30, level + rng.normal(0, 0.1), 0.01, 1.0))
            rows.append((f"{i:03d}", year, "Годовые отметки", 9, "Математика", 30, level + lenient, 0.01, 1.0))
    raw = raw_results_index(scores_frame(rows), M)
    assert raw["interaction_annual_marks"][0] > 0.1
    # the index follows the ОГЭ more than the year marks, though both have the same sampling variance
    joined = raw.filter(pl.col("year") == 2026)
    gap_oge = (joined["raw_index"] - joined["level_oge"]).abs().mean()
    gap_annual = (joined["raw_index"] - joined["level_annual_marks"]).abs().mean()
    assert gap_oge < gap_annual / 3


def _loading_inputs(loadings, schools=1500, seed=7, outliers=0):
    rng = np.random.default_rng(seed)
    common = rng.normal(0, 0.5, schools)
    levels = np.stack([c * common + rng.normal(0, 0.05, schools) for c in loadings], axis=1)
    levels[:outliers, -1] -= 3.0  # a few schools with mass failure in the last procedure
    n = len(loadings)
    return (
        levels.reshape(-1),
        np.tile(np.arange(n), schools),
        np.full(n * schools, 2026),
        np.zeros(n * schools, dtype=bool),
        np.repeat(np.arange(schools), n),
        n,
    )


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), low=st.floats(0.4, 0.9))
def test_procedure_loadings_recover_the_scale_of_each_procedure(seed, low):
    """Given three procedures showing the common level on scales 1, 1 and c; then their loadings are in that ratio."""
    from opora.analytics.results_index import procedure_loadings

    out = procedure_loadings(*_loading_inputs((1.0, 1.0, low), seed=seed))
    # the MAD is a robust but not an efficient spread: with 1500 schools the ratio is known to within a few %
    assert out[2] / out[0] == pytest.approx(low, rel=0.1)
    assert out[1] / out[0] == pytest.approx(1.0, rel=0.1)
    assert np.prod(out[:3]) == pytest.approx(1.0)  # geometric mean 1: the index stays in student sd


def test_procedure_loadings_stay_close_with_a_few_extreme_schools():
    """Given 2 % of schools 3 units lower in one procedure only (mass failure); then its loading moves < 10 %."""
    from opora.analytics.results_index import procedure_loadings

    out = procedure_loadings(*_loading_inputs((1.0, 1.0, 0.6), outliers=30))
    assert out[2] / out[0] == pytest.approx(0.6, rel=0.1)


def test_two_procedures_keep_their_scale():
    """Two procedures cannot tell c_p from c_q: both keep loading 1."""
    from opora.analytics.results_index import procedure_loadings

    assert procedure_loadings(*_loading_inputs((1.0, 0.5))).tolist() == [1.0] * 3000


@pytest.mark.parametrize("factor", [0.5, 2.0])
def test_a_procedure_on_another_scale_does_not_change_the_ranking(factor):
    """Given year marks reported on a compressed or stretched scale; then the index only changes its unit."""
    rng = np.random.default_rng(3)
    rows = {1.0: [], factor: []}
    for i in range(150):
        level = rng.normal(0, 0.5)
        draws = {p: level + rng.normal(0, 0.1) for p in ("ВПР", "ОГЭ", "Годовые отметки")}
        for k in rows:
            for p, grade in (("ВПР", 5), ("ОГЭ", 9), ("Годовые отметки", 7)):
                scale = k if p == "Годовые отметки" else 1.0
                rows[k].append((f"{i:03d}", 2026, p, grade, "Математика", 30, scale * draws[p], 0.01 * scale**2, 1.0))
    base, scaled = (raw_results_index(scores_frame(rows[k]), M)["raw_index"].to_numpy() for k in (1.0, factor))
    # the three procedures' loadings have geometric mean 1, so the whole index is scaled by factor^(1/3)
    assert scaled == pytest.approx(base * factor ** (1 / 3), rel=1e-9)
