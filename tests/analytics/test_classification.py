import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opora.analytics import REPORT_COLUMNS, Methodology, bottom_group, identify, to_report_frame
from tests.analytics.frames import demo, inputs

HEADERS = [
    "Код ОО",
    "Наименование",
    "Муниципалитет",
    "Индекс результатов",
    "Индекс результатов: нижняя граница",
    "Индекс результатов: верхняя граница",
    "ИСБШ",
    "Добавленная ценность",
    "Кластер",
    "ШНОР",
    "Причина низких результатов",
    "ШНСУ",
    "Резильентная",
    "Риск необъективности",
    "Неуспешность более 50%",
    "Вышла из перечня",
    "Лет в нижней группе",
    "Вероятность низких результатов",
    "Пояснение",
]
FLAGS = ["ШНОР", "ШНСУ", "Резильентная", "Риск необъективности", "Неуспешность более 50%", "Вышла из перечня"]
FLAG_COLUMNS = ["low_results", "unfavourable", "resilient", "objectivity_risk", "learning_failure", "exited_list"]


@pytest.fixture(scope="module")
def result():
    return identify(**inputs(), year=2026)


def test_report_has_the_19_columns_in_order(result):
    report = to_report_frame(result)
    assert report.columns == HEADERS == list(REPORT_COLUMNS.values())
    assert report.height == 150
    for flag in FLAGS:
        assert report.schema[flag] == pl.Int8 and set(report[flag].drop_nulls().unique()) <= {0, 1}
    assert report["Пояснение"].str.len_chars().min() > 20
    probability = report["Вероятность низких результатов"]
    assert probability.drop_nulls().is_between(0, 1).all()


def test_every_unknown_flag_is_an_empty_cell_with_a_reason(result):
    report = to_report_frame(result)
    schools = result.schools
    for flag, header in zip(FLAG_COLUMNS, FLAGS, strict=True):
        unknown = schools[flag].is_null()
        # never written as 0: the cell is empty exactly where the flag is not known
        assert report[header].is_null().equals(unknown), flag
        assert schools.filter(unknown)[f"{flag}_unknown_reason"].null_count() == 0, flag
        assert schools.filter(~unknown)[f"{flag}_unknown_reason"].null_count() == (~unknown).sum(), flag
    # the demo region has schools without ВПР (evening, special) and tiny ones: objectivity not known
    assert schools["objectivity_risk"].null_count() > 0


def test_unknown_flags_are_exported_as_empty_cells():
    data = inputs()
    # a school with results but no context at all, and a school with context but no results
    data["context"] = data["context"].filter(pl.col("code") != "010001")
    data["results"] = data["results"].filter(pl.col("code") != "010002")
    result = identify(**data, year=2026)
    report = to_report_frame(result).filter(pl.col("Код ОО").is_in(["010001", "010002"])).sort("Код ОО")
    no_context, no_results = report.row(0, named=True), report.row(1, named=True)
    assert no_context["ШНСУ"] is None and no_context["Резильентная"] is None
    assert no_results["ШНОР"] is None and no_results["Риск необъективности"] is None
    assert no_results["Вероятность низких результатов"] is None
    reasons = result.schools.filter(pl.col("code") == "010002").row(0, named=True)
    assert "нет результатов" in reasons["low_results_unknown_reason"]


def test_rules_hold_for_every_school(result):
    s = result.schools
    low = s.filter(pl.col("low_results"))
    # the list: the schools with the highest probability, as many as the model expects (Σ p)
    assert low.height == round(s["low_results_probability"].fill_null(0).sum())
    assert low["low_results_probability"].min() >= s.filter(~pl.col("low_results"))["low_results_probability"].max()
    assert s.filter(pl.col("resilient"))["unfavourable"].all()
    assert (s.filter(pl.col("resilient"))["results_index"] > s["median_index"][0]).all()
    assert set(low["low_results_cause"]) <= {"контекст", "внутришкольные", "не определена"}
    assert low["low_results_cause"].null_count() == 0
    not_low = s.filter(~pl.col("low_results").fill_null(False))
    assert not_low["low_results_cause"].null_count() == not_low.height
    assert s["unfavourable"].sum() == math.ceil(0.25 * s["wellbeing_index"].drop_nulls().len())
    yearly = result.yearly
    for year in (2024, 2025, 2026):
        ranked = yearly.filter(pl.col("year") == year)
        assert ranked["in_bottom"].sum() == math.ceil(0.10 * ranked["results_index"].drop_nulls().len())


def test_causes_follow_the_value_added_interval(result):
    low = result.schools.filter(pl.col("low_results"))
    internal = low.filter(pl.col("low_results_cause") == "внутришкольные")
    context = low.filter(pl.col("low_results_cause") == "контекст")
    undetermined = low.filter(pl.col("low_results_cause") == "не определена")
    margin = Methodology().context_cause_margin
    assert (internal["value_added_upper"] < 0).all()
    assert (context["value_added_upper"] >= 0).all()
    assert (context["value_added_lower"] > -margin * context["value_added_spread"]).all()
    # «не определена»: the interval covers 0 and a material shortfall alike (or no value added)
    known = undetermined.filter(pl.col("value_added").is_not_null())
    assert (known["value_added_upper"] >= 0).all()
    assert (known["value_added_lower"] <= -margin * known["value_added_spread"]).all()


def test_a_small_school_is_not_called_context_by_default():
    """A tiny school's value-added interval is wide: its cause is «не определена», not «контекст»."""
    row = {
        "low_results": True,
        "value_added": -0.05,
        "value_added_lower": -0.6,
        "value_added_upper": 0.5,
        "value_added_spread": 0.3,
    }
    from opora.analytics.classification import _cause

    out = _cause(pl.DataFrame([row]), Methodology())
    assert out["low_results_cause"][0] == "не определена"
    narrow = _cause(pl.DataFrame([{**row, "value_added_lower": -0.2, "value_added_upper": 0.1}]), Methodology())
    assert narrow["low_results_cause"][0] == "контекст"


def test_the_flagged_schools_match_the_hidden_truth_well(result):
    joined = result.schools.join(demo()["truth"], on="code")
    true_positive = (joined["low_results"] & joined["truly_low_results"]).sum()
    assert true_positive >= 0.6 * joined["truly_low_results"].sum()
    assert (joined["learning_failure"] == joined["mass_failure"]).all()


def test_same_inputs_same_output_bit_for_bit(result):
    again = identify(**inputs(), year=2026)
    assert again.schools.equals(result.schools)
    assert to_report_frame(again).equals(to_report_frame(result))


def test_row_order_does_not_matter(result):
    shuffled = {name: frame.sample(fraction=1.0, shuffle=True, seed=11) for name, frame in inputs().items()}
    assert identify(**shuffled, year=2026).schools.equals(result.schools)


def test_lazy_inputs_are_accepted(result):
    lazy = {name: frame.lazy() for name, frame in inputs().items()}
    assert identify(**lazy, year=2026).schools.equals(result.schools)


def far_school(code: str, level: int) -> dict[str, pl.DataFrame]:
    """Inputs of one more school with results far above everyone (marks «5» only)."""
    data = inputs()
    template = data["results"].filter(pl.col("code") == data["results"]["code"][0])
    results = template.with_columns(
        pl.lit(code).alias("code"),
        pl.lit(0).alias("marks_2"),
        pl.lit(0).alias("marks_3"),
        pl.lit(0).alias("marks_4"),
        pl.col("participants").alias("marks_5"),
    ).with_columns(
        pl.when(pl.col("procedure") == "ЕГЭ").then(None).otherwise(pl.col(f"marks_{k}")).alias(f"marks_{k}")
        for k in (2, 3, 4, 5)
    )
    results = results.with_columns(
        pl.when(pl.col("procedure") == "ЕГЭ").then(95.0).otherwise(pl.col("mean_score")).alias("mean_score")
    )
    context = (
        data["context"].filter(pl.col("code") == data["context"]["code"][0]).with_columns(pl.lit(code).alias("code"))
    )
    schools = data["schools"].head(1).with_columns(pl.lit(code).alias("code"))
    outcomes = (
        data["outcomes"].filter(pl.col("code") == data["outcomes"]["code"][0]).with_columns(pl.lit(code).alias("code"))
    )
    return {
        name: pl.concat([data[name], extra], how="vertical_relaxed")
        for name, extra in (("results", results), ("context", context), ("schools", schools), ("outcomes", outcomes))
    }


@settings(max_examples=3, deadline=None)
@given(st.sampled_from(["999001", "999002", "000000"]))
def test_an_unrelated_school_far_from_the_threshold_changes_no_clear_flag(code):
    base = identify(**inputs(), year=2026).schools
    with_extra = identify(**far_school(code, 5), year=2026).schools.filter(pl.col("code") != code)
    joined = base.join(with_extra, on="code", suffix="_new")
    # schools clearly inside or outside the bottom group (all years and both runs agree by a margin)
    margin = joined.filter(
        (pl.col("years_in_bottom") == pl.col("years_in_bottom_new"))
        & ((pl.col("results_index") - pl.col("bottom_threshold")).abs() > 0.1)
    )
    assert margin.height > 100
    assert (margin["low_results"] == margin["low_results_new"]).all()


def test_probability_and_decision_rules():
    s = identify(**inputs(), year=2026, methodology=Methodology(low_results_decision="probability")).schools
    assert s.filter(pl.col("low_results"))["low_results_probability"].min() >= 0.5
    assert s.filter(pl.col("low_results") == False)["low_results_probability"].max() < 0.5  # noqa: E712
    f1 = identify(**inputs(), year=2026, methodology=Methodology(low_results_decision="expected_f1")).schools
    assert 0 < f1["low_results"].sum() <= 40


def test_rank_and_rosobrnadzor_rules():
    rank = identify(**inputs(), year=2026, methodology=Methodology(low_results_rule="rank")).schools
    assert (rank.filter(pl.col("low_results"))["years_in_bottom"] >= 2).all()
    assert (rank.filter(pl.col("low_results") == False)["years_in_bottom"] < 2).all()  # noqa: E712
    rosobrnadzor = identify(**inputs(), year=2026, methodology=Methodology(low_results_rule="rosobrnadzor")).schools
    assert rosobrnadzor["low_results"].equals(rosobrnadzor["rosobrnadzor_signal"])
    # the signal is computed whatever the rule, with what it needs per school
    assert {"low_tests", "repeated_tests", "rosobrnadzor_signal"} <= set(rank.columns)


def test_resilience_above_prediction():
    s = identify(**inputs(), year=2026, methodology=Methodology(resilient_rule="above_prediction")).schools
    assert (s.filter(pl.col("resilient"))["value_added_lower"] > 0).all()


def test_invalid_methodology_is_refused():
    with pytest.raises(ValueError, match="Методика содержит ошибки: bottom_share"):
        identify(**inputs(), year=2026, methodology=Methodology(bottom_share=2.0))


def test_a_year_without_results_is_noted():
    data = inputs()
    data["results"] = data["results"].filter(pl.col("year") != 2024)
    result = identify(**data, year=2026)
    assert result.notes == ["Нет результатов за 2023/2024 учебный год."]
    assert result.schools["years_with_index"].max() == 2


def test_missing_context_is_reported_not_zero():
    data = inputs()
    data["context"] = data["context"].with_columns(
        pl.when(pl.col("code") == "010001")
        .then(None)
        .otherwise(pl.col("students_low_income"))
        .alias("students_low_income")
    )
    result = identify(**data, year=2026)
    missing = result.missing_context.filter((pl.col("code") == "010001") & (pl.col("variable") == "low_income_share"))
    assert missing.height == 3
    assert missing["handling"].str.contains("перераспределены").all()


def test_bottom_group_counts_ceil_and_breaks_ties_by_code():
    frame = pl.DataFrame({"code": list("dcba"), "year": [2026] * 4, "x": [0.1, 0.1, 0.5, None]})
    out = bottom_group(frame, "x", 0.25).sort("code")
    assert out["in_bottom"].to_list() == [None, False, True, False]
    assert out["rank"].to_list() == [None, 3, 1, 2]
    assert out["bottom_threshold"][0] == 0.1


def test_per_school_output_has_what_the_why_page_needs(result):
    needed = {
        "bottom_years",
        "bottom_threshold",
        "predicted_index",
        "value_added_lower",
        "value_added_upper",
        "peers_mean_index",
        "peer_gap",
        "vpr_gap",
        "vpr_above_journal",
        "scores_at_cutoffs",
        "objectivity_score",
        "objectivity_threshold",
        "failing_share",
        "fail_share_vpr",
        "fail_share_oge",
        "below_threshold_share_ege",
        "no_certificate_share_9",
        "no_certificate_share_11",
        "low_results_probability",
        "wellbeing_completeness",
        "shrinkage_weight",
        "raw_index",
        "median_index",
        "rosobrnadzor_signal",
    }
    assert needed <= set(result.schools.columns)
    assert set(result.objectivity_signals_long["signal"].unique()) == {
        "vpr_gap",
        "vpr_above_journal",
        "scores_at_cutoffs",
    }
    assert result.rosobrnadzor_tests.columns[:4] == ["code", "procedure", "grade", "subject"]
    assert set(result.works["source"]) == {"отметки (форма 3)", "средний балл (форма 3)"}
    assert result.value_added_coefficients.filter(pl.col("year") == 2026).height >= 2
    assert result.cluster_profiles.height == result.schools["cluster"].drop_nulls().n_unique()


def test_the_exit_flag_is_known_only_with_the_list_of_the_year(result):
    # Without the list the school was supported by, nobody's exit is known.
    assert result.schools["exited_list"].null_count() == result.schools.height
    # With it: the listed schools are judged by the exit rule, the others did not leave a list they were not on.
    listed = result.schools.filter(pl.col("low_results").fill_null(False))["code"].head(10).to_list()
    again = identify(**inputs(), year=2026, listed=listed)
    rows = {row["code"]: row for row in again.schools.iter_rows(named=True)}
    assert all(rows[code]["exited_list"] is False for code in rows if code not in listed)
    assert all(rows[code]["exited_list"] is not None or rows[code]["exited_list_unknown_reason"] for code in listed)
    # A school still in the bottom group this year has not left.
    for code in listed:
        yearly = again.yearly.filter((pl.col("code") == code) & (pl.col("year") == 2026))
        if yearly.height and yearly["in_bottom"].item():
            assert rows[code]["exited_list"] is False
