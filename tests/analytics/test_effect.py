"""The effect of the program: matched difference in differences, checked against a region where support works."""

import numpy as np
import polars as pl
import pytest

from opora.analytics import identify
from opora.analytics.effect import program_effect
from opora.demo.generator import generate_region
from opora.demo.generator.support import raise_supported
from opora.intake.formats import CONTEXT, OUTCOMES, RESULTS, SCHOOLS
from tests.analytics.frames import english


def _identify(region, year):
    return identify(
        results=english(region.results, RESULTS),
        context=english(region.context, CONTEXT),
        schools=english(region.schools, SCHOOLS),
        outcomes=english(region.outcomes, OUTCOMES),
        year=year,
    )


def _effect_in_a_region(seed: int, effect: float):
    # The product's own course: the list of 2025/2026 from the run on 2024/2025, a year of support,
    # the run on 2025/2026.
    region = generate_region(seed=seed, n_schools=800, n_years=4, with_students=False)
    selection = _identify(region, 2025)
    listed = selection.schools.filter(pl.col("low_results").fill_null(False))["code"].to_list()
    supported = raise_supported(region, listed, "2025/2026", effect)
    after = _identify(supported, 2026).yearly.filter(pl.col("year") == 2026)
    frame = (
        selection.schools.select("code", "cluster", pl.col("results_index").alias("index_before"))
        .join(after.select("code", pl.col("raw_index").alias("index_after")), on="code")
        .with_columns(pl.col("code").is_in(listed).alias("supported"))
    )
    return program_effect(frame)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_support_that_works_shows_a_positive_effect_and_support_that_does_not_shows_none(seed):
    assert _effect_in_a_region(seed, 0.0).overall.verdict == "none"
    works = _effect_in_a_region(seed, 0.3).overall
    assert works.verdict == "positive" and works.matched >= 40


def _frame(n_supported: int, n_pool: int, effect: float, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    before = np.r_[rng.normal(-1.5, 0.3, n_supported), rng.normal(-0.5, 0.8, n_pool)]
    supported = np.r_[np.ones(n_supported, bool), np.zeros(n_pool, bool)]
    after = before + rng.normal(0, 0.1, len(before)) + effect * supported
    return pl.DataFrame(
        {
            "code": [f"{i:04d}" for i in range(len(before))],
            "supported": supported,
            "cluster": [1] * len(before),
            "index_before": before,
            "index_after": after,
            "partner": np.arange(len(before)) % 2 == 0,
            "events": np.zeros(len(before), bool),
        }
    )


def test_too_few_schools_are_insufficient_data_never_a_verdict():
    found = program_effect(_frame(3, 100, 1.0), kinds=("partner", "events"))
    assert found.overall.verdict == "insufficient" and found.overall.label == "данных недостаточно"
    assert found.overall.lower is None and found.overall.effect is not None
    assert found.by_kind["events"].verdict == "insufficient" and found.by_kind["events"].matched == 0


def test_the_effect_is_broken_down_by_kind_of_support():
    found = program_effect(_frame(40, 300, 0.5), kinds=("partner", "events"))
    assert found.overall.verdict == "positive" and found.overall.effect == pytest.approx(0.5, abs=0.1)
    assert found.by_kind["partner"].matched == 20 and found.by_kind["partner"].verdict == "positive"
    assert found.by_kind["events"].verdict == "insufficient"


def test_a_school_without_a_similar_unsupported_school_is_left_out_and_counted():
    frame = _frame(10, 50, 0.0).with_columns(
        pl.when(pl.col("supported")).then(pl.lit(2)).otherwise(pl.lit(1)).alias("cluster")
    )
    found = program_effect(frame)
    assert found.unmatched == 10 and found.overall.matched == 0 and found.overall.verdict == "insufficient"


def test_the_result_does_not_depend_on_the_order_of_the_rows():
    frame = _frame(30, 200, 0.2, seed=4)
    first = program_effect(frame).overall
    again = program_effect(frame.sample(fraction=1.0, shuffle=True, seed=9)).overall
    assert (first.effect, first.lower, first.upper) == pytest.approx((again.effect, again.lower, again.upper))
