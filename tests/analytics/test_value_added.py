import polars as pl
import pytest

from opora.analytics import Methodology, value_added, value_added_covariates


def line(n=20, outlier=-1.0):
    wellbeing = [(i - n / 2) / (n / 2) for i in range(n)]
    raw = [0.5 * w for w in wellbeing]
    if n > 3:
        raw[3] += outlier
    codes = [f"{i:02d}" for i in range(n)]
    return (
        pl.DataFrame({"code": codes, "year": [2026] * n, "raw_index": raw, "raw_variance": [0.01] * n}),
        pl.DataFrame({"code": codes, "year": [2026] * n, "wellbeing": wellbeing}),
    )


def test_school_below_its_context_has_negative_value_added():
    raw, covariates = line()
    result = value_added(raw, covariates, Methodology())
    row = result.schools.filter(pl.col("code") == "03").row(0, named=True)
    assert row["value_added"] < -0.5 and row["value_added_upper"] < 0
    others = result.schools.filter(pl.col("code") != "03")
    assert others["value_added"].abs().max() < 0.2
    slope = result.coefficients.filter(pl.col("term") == "wellbeing")["coefficient"][0]
    assert slope == pytest.approx(0.5, abs=0.1)


def test_coefficients_report_the_explained_share():
    raw, covariates = line(outlier=0.0)
    coefficients = value_added(raw, covariates, Methodology()).coefficients
    assert coefficients["term"].to_list() == ["intercept", "wellbeing"]
    assert coefficients["explained_share"][0] == pytest.approx(1.0, abs=0.05)


def test_constant_covariate_is_dropped_not_fatal():
    raw, covariates = line()
    covariates = covariates.with_columns(pl.lit(1.0).alias("rural"))
    result = value_added(raw, covariates, Methodology())
    assert "rural" not in result.coefficients["term"].to_list()


def test_too_few_schools_give_an_empty_result():
    raw, covariates = line(n=2)
    assert value_added(raw, covariates, Methodology()).schools.height == 0


def test_covariates_with_school_types():
    wellbeing = pl.DataFrame({"code": ["1", "2", "3"], "year": [2026] * 3, "wellbeing_index": [0.1, 0.2, None]})
    variables = pl.DataFrame(
        {"code": ["1", "2", "3"], "year": [2026] * 3, "log_students": [5.0, 6.0, 4.0], "rural": [1.0, 0.0, 1.0]}
    )
    schools = pl.DataFrame({"code": ["1", "2", "3"], "school_type": ["СОШ", "СОШ", "ООШ"]})
    m = Methodology(value_added_covariates=("wellbeing", "log_students", "rural", "school_type"))
    out = value_added_covariates(wellbeing, variables, schools, m)
    assert out.columns == ["code", "year", "wellbeing", "log_students", "rural", "school_type_0"]
    assert out["school_type_0"].to_list() == [0.0, 0.0, 1.0]
    assert out["wellbeing"][2] is None
