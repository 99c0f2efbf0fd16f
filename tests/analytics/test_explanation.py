from opora.analytics import Methodology, explain
from opora.analytics.explanation import number, percent

M = Methodology()
BASE = {
    "year": 2026,
    "results_index": -0.9,
    "results_index_lower": -1.1,
    "results_index_upper": -0.7,
    "bottom_years": [2025, 2026],
    "years_in_bottom": 2,
    "wellbeing_index": -1.2,
    "shrinkage_weight": 0.95,
    "participants": 400,
}


def test_numbers_the_russian_way():
    assert number(-0.456) == "−0,46"
    assert number(None) == "—"
    assert percent(0.5) == "50 %"


def test_low_results_with_internal_causes():
    text = explain(
        {
            **BASE,
            "low_results": True,
            "low_results_cause": "внутришкольные",
            "predicted_index": -0.3,
            "value_added": -0.5,
            "value_added_lower": -0.7,
            "value_added_upper": -0.3,
        },
        M,
    )
    assert "Индекс результатов −0,90 (интервал −1,10 … −0,70)" in text
    assert "2 из 3 лет (2024/2025, 2025/2026)" in text
    assert "ШНОР" in text and "внутришкольные причины" in text


def test_low_results_explained_by_context():
    text = explain(
        {
            **BASE,
            "low_results": True,
            "low_results_cause": "контекст",
            "predicted_index": -0.9,
            "value_added": 0.0,
            "value_added_lower": -0.2,
            "value_added_upper": 0.2,
        },
        M,
    )
    assert "объясняются прежде всего социальным контекстом" in text


def test_one_year_in_the_bottom_is_not_enough():
    text = explain({**BASE, "bottom_years": [2026], "years_in_bottom": 1}, M)
    assert "не относится к ШНОР" in text


def test_small_school_shrinkage_is_explained():
    text = explain({**BASE, "shrinkage_weight": 0.3, "raw_index": -1.8, "participants": 12}, M)
    assert "эмпирического Байеса" in text and "30 %" in text


def test_unknown_context_objectivity_and_failure():
    text = explain(
        {
            **BASE,
            "wellbeing_index": None,
            "wellbeing_completeness": 0.4,
            "objectivity_risk": True,
            "objectivity_score": 4.2,
            "objectivity_threshold": 2.9,
            "vpr_gap_fired": True,
            "vpr_gap": 0.8,
            "vpr_above_journal_fired": True,
            "vpr_above_journal": 0.3,
            "vpr_excluded": True,
            "raw_index_with_vpr": -0.2,
            "learning_failure": True,
            "failing_share": 0.56,
            "failing_source": "итоги года",
        },
        M,
    )
    assert "ИСБШ не рассчитан: известно 40 %" in text
    assert "Риск необъективности ВПР: сводный показатель 4,20 при пороге 2,90" in text and "без ВПР" in text
    assert "ВПР выше уровня ОГЭ/ЕГЭ той же школы (0,80)" in text
    assert "Неуспевающих 56 % (итоги года)" in text


def test_resilient_and_peers():
    text = explain(
        {
            **BASE,
            "results_index": 0.4,
            "bottom_years": [],
            "years_in_bottom": 0,
            "unfavourable": True,
            "resilient": True,
            "median_index": 0.0,
            "cluster": 2,
            "peer_gap": 0.5,
            "peers": 30,
        },
        M,
    )
    assert (
        "ШНСУ" in text
        and "Резильентная" in text
        and "Кластер 2 (школ со схожими условиями, кроме этой: 30): индекс на 0,50 выше" in text
    )


def test_probability_cause_not_determined_and_unknown_flags():
    text = explain(
        {
            **BASE,
            "low_results": True,
            "low_results_probability": 0.72,
            "low_results_cause": "не определена",
            "predicted_index": -0.6,
            "value_added": -0.2,
            "value_added_lower": -0.9,
            "value_added_upper": 0.5,
        },
        M,
    )
    assert "вероятность быть в нижних 10 % не менее 2 из 3 лет — 72 %" in text
    assert "причина не определена" in text
    unknown = explain(
        {
            **BASE,
            "low_results": None,
            "low_results_unknown_reason": "индекс результатов есть только за 1 из 2 нужных лет",
            "vpr_participants": 12,
            "objectivity_risk": None,
            "objectivity_risk_unknown_reason": "меньше 20 результатов ВПР",
            "learning_failure": None,
            "learning_failure_unknown_reason": "нет ни итогов учебного года",
        },
        M,
    )
    assert "ШНОР: не известно — индекс результатов есть только за 1 из 2 нужных лет." in unknown
    assert "Объективность ВПР: нет данных — меньше 20 результатов ВПР." in unknown
    assert "Доля неуспевающих не известна" in unknown
