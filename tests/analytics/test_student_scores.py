"""Form 4 in the index: scores, within-school spread and ρ from the data; failures beyond the mean."""

from functools import cache

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from opora.analytics import Methodology, identify, raw_results_index, standardised_scores
from opora.analytics.student_scores import student_score_statistics
from opora.demo.generator import generate_region
from opora.intake.formats import CONTEXT, OUTCOMES, RESULTS, SCHOOLS, STUDENT_RESULTS
from tests.analytics.frames import english, results_frame

M = Methodology()


@cache
def region_inputs(scenario: str = "default", seed: int = 5, n_schools: int = 120) -> dict[str, pl.DataFrame]:
    region = generate_region(seed=seed, n_schools=n_schools, scenario=scenario)
    return {
        "results": english(region.results, RESULTS),
        "context": english(region.context, CONTEXT),
        "schools": english(region.schools, SCHOOLS),
        "outcomes": english(region.outcomes, OUTCOMES),
        "student_results": english(region.student_results, STUDENT_RESULTS),
    }


def simulated_students(rho: float, n_schools: int = 60, size: int = 25, seed: int = 0) -> pl.DataFrame:
    """Two ВПР subjects of grade 5 written by the same students, their results correlated by ρ."""
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(n_schools):
        level = rng.normal(0, 3)
        common = rng.standard_normal(size)
        for subject in ("Математика", "Русский язык"):
            own = np.sqrt(rho) * common + np.sqrt(1 - rho) * rng.standard_normal(size)
            for i in range(size):
                rows.append(
                    (f"{s:03d}", 2026, "ВПР", 5, subject, f"{i:03d}", float(20 + level + 5 * own[i]), None, 3, 3)
                )
    return pl.DataFrame(
        rows,
        schema=[
            "code",
            "year",
            "procedure",
            "grade",
            "subject",
            "participant_code",
            "primary_score",
            "test_score",
            "mark",
            "journal_mark",
        ],
        orient="row",
    )


@settings(max_examples=10, deadline=None)
@given(rho=st.floats(0.0, 0.9), seed=st.integers(0, 100))
def test_the_correlation_of_a_students_results_is_estimated(rho, seed):
    statistics = student_score_statistics(simulated_students(rho, seed=seed))
    estimate = statistics.correlations["correlation"][0]
    assert estimate == pytest.approx(max(rho, 0.0), abs=0.12)


def test_within_school_sum_of_squares_and_failures():
    statistics = student_score_statistics(simulated_students(0.5))
    cells = statistics.cells
    assert (cells["n"] == 25).all() and (cells["failed"] == 0).all()
    pooled = cells["within_ss"].sum() / (cells["n"] - 1).sum()
    assert pooled == pytest.approx(25.0, rel=0.15)  # 5² within a school


def test_identify_uses_form_4_and_records_which_works_used_what():
    data = region_inputs()
    result = identify(**data, year=2026)
    works = result.works
    tests = works.filter(pl.col("procedure").is_in(["ВПР", "ОГЭ", "ЕГЭ"]))
    assert (tests["source"] == "результаты участников (форма 4)").all()
    assert (tests["within_sd_source"] == "оценён по форме 4").all()
    annual = works.filter(pl.col("procedure") == "Годовые отметки")
    assert (annual["source"] == "отметки (форма 3)").all()
    assert (annual["correlation"] == M.same_students_correlation).all()
    # ρ of the ВПР estimated: a student's ε correlate by 0.6, the scores within a school by ≈ 0.53
    vpr = tests.filter(pl.col("procedure") == "ВПР")["correlation"]
    assert 0.35 < vpr.mean() < 0.6 and vpr.n_unique() > 1
    without = identify(**{k: v for k, v in data.items() if k != "student_results"}, year=2026)
    assert set(without.works["source"]) == {"отметки (форма 3)", "средний балл (форма 3)"}


def test_scenarios_show_in_the_estimates():
    correlated = identify(**region_inputs("high_correlation"), year=2026).works
    wide = identify(**region_inputs("wide_ege"), year=2026).works
    default = identify(**region_inputs(), year=2026).works
    assert (
        correlated.filter(pl.col("procedure") == "ВПР")["correlation"].mean()
        > default.filter(pl.col("procedure") == "ВПР")["correlation"].mean() + 0.2
    )
    ege = [frame.filter(pl.col("procedure") == "ЕГЭ")["within_sd"].mean() for frame in (default, wide)]
    assert ege[1] > 1.2 * ege[0]


def test_same_form_4_in_another_row_order_gives_the_same_output():
    data = region_inputs()
    base = identify(**data, year=2026)
    shuffled = {**data, "student_results": data["student_results"].sample(fraction=1.0, shuffle=True, seed=3)}
    assert identify(**shuffled, year=2026).schools.equals(base.schools)


def test_a_work_partly_covered_by_form_4_uses_form_3():
    data = region_inputs()
    first = data["student_results"]["code"].unique().sort()[0]
    partial = data["student_results"].filter(
        ~((pl.col("code") == first) & (pl.col("procedure") == "ОГЭ") & (pl.col("year") == 2026))
    )
    works = identify(**{**data, "student_results": partial}, year=2026).works
    oge = works.filter((pl.col("procedure") == "ОГЭ") & (pl.col("year") == 2026))
    assert (oge["source"] == "отметки (форма 3)").all()


# ---------------------------------------------------------------- failures
def ege_region(extra: list[dict[str, object]], seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(60):
        mean = rng.normal(62, 8)
        n = int(rng.integers(8, 40))
        below = int(rng.binomial(n, norm.cdf((24 - mean) / 15)))
        rows.append(
            {
                "code": f"{i:03d}",
                "year": 2026,
                "procedure": "ЕГЭ",
                "grade": 11,
                "subject": "Русский язык",
                "participants": n,
                "mean_score": round(mean, 2),
                "below_threshold": below,
            }
        )
    return results_frame(rows + extra)


def ege_school(code: str, mean: float, below: int, n: int = 30) -> dict[str, object]:
    return {
        "code": code,
        "year": 2026,
        "procedure": "ЕГЭ",
        "grade": 11,
        "subject": "Русский язык",
        "participants": n,
        "mean_score": mean,
        "below_threshold": below,
    }


def test_equal_mean_scores_and_many_failures_rank_lower():
    frame = ege_region([ege_school("A", 55.0, 0), ege_school("B", 55.0, 9)])  # B: 30 % below the minimum
    raw = raw_results_index(standardised_scores(frame, M), M)
    a, b = (raw.filter(pl.col("code") == c)["raw_index"][0] for c in ("A", "B"))
    assert b < a - 0.2
    # the methodology can leave failures out: then they rank the same
    no_failures = Methodology(failure_weight=0.0)
    raw = raw_results_index(standardised_scores(frame, no_failures), no_failures)
    a, b = (raw.filter(pl.col("code") == c)["raw_index"][0] for c in ("A", "B"))
    assert a == pytest.approx(b)


@settings(max_examples=25, deadline=None)
@given(below=st.integers(0, 30), more=st.integers(1, 10))
def test_more_failures_at_the_same_mean_never_raise_the_result(below, more):
    more = min(more, 30 - below)
    frame = ege_region([ege_school("A", 55.0, below), ege_school("B", 55.0, below + more)])
    scores = standardised_scores(frame, M)
    a, b = (scores.filter(pl.col("code") == c)["z"][0] for c in ("A", "B"))
    assert b <= a + 1e-12


def test_failures_within_chance_change_nothing():
    frame = ege_region([])
    scores = standardised_scores(frame, M)
    assert (scores["failure_excess"].fill_null(0.0) == 0.0).mean() > 0.95
    assert scores["z"].to_list() == pytest.approx(
        (scores["z_mean"] + M.failure_weight * scores["failure_excess"].fill_null(0.0)).to_list()
    )
