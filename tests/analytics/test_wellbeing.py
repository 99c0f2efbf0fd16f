import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opora.analytics import CONTEXT_VARIABLES, ContextVariable, Methodology, context_variables, wellbeing_index
from tests.analytics.frames import demo

SCHOOLS = pl.DataFrame({"code": ["1", "2", "3"], "locality": ["село", "город", None]})


def context(**columns):
    base = {"code": ["1", "2", "3"], "year": [2026] * 3, "students": [100, 200, 0]}
    return pl.DataFrame({**base, **columns})


def test_shares_in_natural_units_and_null_for_an_empty_whole():
    out = context_variables(
        context(
            students_low_income=[25, 20, 0],
            teachers=[10, 0, 5],
            teachers_over_60=[2, 0, 1],
            parents_higher_education_pct=[40.0, None, 10.0],
        ),
        SCHOOLS,
    )
    assert out["low_income_share"].to_list() == [0.25, 0.1, None]
    assert out["teachers_over_60_share"].to_list() == [0.2, None, 0.2]
    assert out["parents_higher_education_share"].to_list() == [0.4, None, 0.1]
    assert out["rural"].to_list() == [1.0, 0.0, None]
    assert out["students_disabled" if False else "disabled_share"].null_count() == 3


def test_every_variable_of_the_catalogue_is_computed():
    out = context_variables(demo()["context"], demo()["schools"])
    assert set(CONTEXT_VARIABLES) <= set(out.columns)


ONE = Methodology(wellbeing_variables=(ContextVariable("low_income_share", 1.0, -1),))


def test_more_poverty_means_a_lower_index_standardised():
    variables = pl.DataFrame({"code": list("abcd"), "year": [2026] * 4, "low_income_share": [0.1, 0.2, 0.3, 0.4]})
    index = wellbeing_index(variables, ONE).index
    assert index["wellbeing_index"].is_sorted(descending=True)
    assert index["wellbeing_index"].mean() == pytest.approx(0.0, abs=1e-12)
    assert index["wellbeing_index"].std(ddof=0) == pytest.approx(1.0)


def test_missing_value_is_taken_from_the_nearest_year_and_reported():
    variables = pl.DataFrame(
        {
            "code": ["a", "a", "a", "b", "b", "b"],
            "year": [2024, 2025, 2026] * 2,
            "low_income_share": [0.5, 0.4, None, 0.1, 0.1, 0.1],
        }
    )
    result = wellbeing_index(variables, ONE)
    assert result.missing.select("code", "year", "filled_from_year").row(0) == ("a", 2026, 2025)
    assert "взято из 2024/2025" in result.missing["handling"][0]
    a2026 = result.index.filter((pl.col("code") == "a") & (pl.col("year") == 2026))
    assert a2026["wellbeing_completeness"][0] == 1.0
    assert a2026["wellbeing_index"][0] < 0  # poorer than b, as in 2025, not «0 %»


def test_missing_is_never_zero():
    two = Methodology(
        wellbeing_variables=(
            ContextVariable("low_income_share", 1.0, -1),
            ContextVariable("single_parent_share", 1.0, -1),
        )
    )
    variables = pl.DataFrame(
        {
            "code": list("abc"),
            "year": [2026] * 3,
            "low_income_share": [None, 0.3, 0.3],
            "single_parent_share": [0.2, 0.2, 0.4],
        }
    )
    result = wellbeing_index(variables, two)
    a = result.index.filter(pl.col("code") == "a").row(0, named=True)
    assert a["wellbeing_completeness"] == 0.5
    assert "перераспределены" in result.missing["handling"][0]
    zero = wellbeing_index(variables.with_columns(pl.col("low_income_share").fill_null(0.0)), two).index
    assert zero.filter(pl.col("code") == "a")["wellbeing_index"][0] != pytest.approx(a["wellbeing_index"])


def test_too_little_context_gives_no_index():
    variables = pl.DataFrame({"code": list("abc"), "year": [2026] * 3, "low_income_share": [None, 0.3, 0.2]})
    index = wellbeing_index(variables, ONE).index
    assert index.filter(pl.col("code") == "a")["wellbeing_index"][0] is None


def test_reference_states_the_region_values():
    result = wellbeing_index(context_variables(demo()["context"], demo()["schools"]), Methodology())
    row = result.reference.filter((pl.col("variable") == "low_income_share") & (pl.col("year") == 2026)).row(
        0, named=True
    )
    assert row["direction"] == -1 and row["weight"] == 1.0 and 0 < row["region_mean"] < 1


@settings(max_examples=20, deadline=None)
@given(st.randoms(use_true_random=False))
def test_index_does_not_depend_on_row_order(random):
    variables = context_variables(demo()["context"], demo()["schools"])
    base = wellbeing_index(variables, Methodology()).index
    rows = variables.rows()
    random.shuffle(rows)
    shuffled = pl.DataFrame(rows, schema=variables.schema, orient="row")
    other = wellbeing_index(shuffled, Methodology()).index
    joined = base.join(other, on=["code", "year"], suffix="_o")
    assert ((joined["wellbeing_index"] - joined["wellbeing_index_o"]).abs().max() or 0) < 1e-12
