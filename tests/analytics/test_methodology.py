import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opora.analytics import ContextVariable, Methodology


def test_defaults_are_valid():
    assert Methodology().validate() == {}


def test_defaults_of_the_issue():
    m = Methodology()
    assert (m.bottom_share, m.years_required, m.years_window, m.unfavourable_share, m.failure_share) == (
        0.10,
        2,
        3,
        0.25,
        0.5,
    )
    assert m.resilient_rule == "above_median"
    assert m.objectivity_min_participants == 20


def test_to_dict_is_json_and_round_trips():
    m = Methodology(
        name="Методика области",
        version=3,
        bottom_share=0.15,
        subject_weights={"Математика": 2.0},
        value_added_covariates=("wellbeing", "rural"),
    )
    data = json.loads(json.dumps(m.to_dict(), ensure_ascii=False))
    assert Methodology.from_dict(data) == m


def test_from_dict_fills_missing_keys_with_defaults():
    assert Methodology.from_dict({"bottom_share": 0.2}) == Methodology(bottom_share=0.2)


def test_from_dict_rejects_unknown_keys_in_russian():
    with pytest.raises(ValueError, match="Неизвестные параметры методики: colour"):
        Methodology.from_dict({"colour": "red"})


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"bottom_share": 0.0}, "bottom_share"),
        ({"bottom_share": 1.0}, "bottom_share"),
        ({"unfavourable_share": -0.1}, "unfavourable_share"),
        ({"failure_share": 2}, "failure_share"),
        ({"years_required": 4}, "years_required"),
        ({"years_window": 0}, "years_window"),
        ({"low_results_rule": "excel"}, "low_results_rule"),
        ({"procedure_weights": {"ВПР": -1.0}}, "procedure_weights"),
        ({"procedure_weights": {"Олимпиада": 1.0}}, "procedure_weights"),
        ({"procedure_weights": {"ВПР": 0.0}}, "procedure_weights"),
        ({"cluster_k_min": 6, "cluster_k_max": 4}, "cluster_k_max"),
        ({"objectivity_fdr": 0.0}, "objectivity_fdr"),
        ({"objectivity_false_flag_rate": 1.0}, "objectivity_false_flag_rate"),
        ({"low_results_decision": "top"}, "low_results_decision"),
        ({"low_results_min_probability": 1.5}, "low_results_min_probability"),
        ({"failure_weight": -0.1}, "failure_weight"),
        ({"failure_chance_band": -1.0}, "failure_chance_band"),
        ({"context_cause_margin": -1.0}, "context_cause_margin"),
        ({"probability_draws": 10}, "probability_draws"),
        ({"same_students_correlation": 1.0}, "same_students_correlation"),
        ({"wellbeing_variables": (ContextVariable("zodiac", 1.0, 1),)}, "wellbeing_variables"),
        ({"wellbeing_variables": (ContextVariable("rural", 1.0, 0),)}, "wellbeing_variables"),
        ({"value_added_covariates": ("wellbeing", "wellbeing")}, "value_added_covariates"),
        ({"name": "  "}, "name"),
    ],
)
def test_validate_names_the_field_in_russian(changes, field):
    errors = Methodology(**changes).validate()
    assert field in errors
    assert all(any("а" <= ch <= "я" for ch in message.lower()) for message in errors[field])


def test_k_greater_than_n_message():
    assert Methodology(years_required=4).validate()["years_required"] == [
        "Число лет в нижней группе (K) не может быть больше числа лет анализа (N)."
    ]


def test_z_critical_of_95_percent():
    assert Methodology().z_critical == pytest.approx(1.959964, abs=1e-6)


@given(
    bottom=st.floats(0.01, 0.99),
    unfavourable=st.floats(0.01, 0.99),
    window=st.integers(1, 6),
    data=st.data(),
)
def test_valid_parameters_round_trip_and_validate(bottom, unfavourable, window, data):
    required = data.draw(st.integers(1, window))
    m = Methodology(bottom_share=bottom, unfavourable_share=unfavourable, years_window=window, years_required=required)
    assert m.validate() == {}
    assert Methodology.from_dict(json.loads(json.dumps(m.to_dict()))) == m


def test_weights_of_procedures_and_subjects():
    m = Methodology(subject_weights={"Физика": 0.5})
    assert m.procedure_weight("ВПР") == 1.0
    assert m.procedure_weight("Олимпиада") == 0.0
    assert m.subject_weight("Физика") == 0.5
    assert m.subject_weight("Химия") == m.default_subject_weight


def test_a_stored_methodology_of_the_previous_version_still_loads():
    # to_dict() of the version before calibrated objectivity: its five objectivity parameters are dropped
    previous = {
        **{k: v for k, v in Methodology().to_dict().items() if k not in NEW_PARAMETERS},
        "objectivity_z": 3.0,
        "vpr_gap_threshold": 0.2,
        "lowered_ratio_threshold": 0.5,
        "cutoff_score_threshold": 0.2,
        "objectivity_min_signals": 2,
        "bottom_share": 0.15,
    }
    loaded = Methodology.from_dict(json.loads(json.dumps(previous, ensure_ascii=False)))
    assert loaded.bottom_share == 0.15 and loaded.validate() == {}
    assert loaded.objectivity_fdr == Methodology().objectivity_fdr


NEW_PARAMETERS = {
    "low_results_decision",
    "low_results_min_probability",
    "probability_draws",
    "probability_random_state",
    "failure_weight",
    "failure_chance_band",
    "use_student_results",
    "context_cause_margin",
    "objectivity_false_flag_rate",
    "objectivity_fdr",
}
