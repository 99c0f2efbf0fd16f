"""«Пояснение»: why a school is (or is not) on each list, in plain Russian with the numbers."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any

from .methodology import Methodology
from .numbers import rounded
from .objectivity import SIGNALS

# The columns of Identification.schools that explain() reads (the caller passes only these).
EXPLAINED_COLUMNS = (
    "bottom_years", "cluster", "failing_share", "failing_source", "learning_failure",
    "learning_failure_unknown_reason", "low_results", "low_results_cause", "low_results_probability",
    "low_results_unknown_reason", "median_index", "objectivity_risk", "objectivity_risk_unknown_reason",
    "objectivity_score", "objectivity_threshold", "participants", "peer_gap", "peers", "predicted_index",
    "raw_index", "raw_index_with_vpr", "resilient", "results_index", "results_index_lower",
    "results_index_upper", "shrinkage_weight", "unfavourable", "value_added", "value_added_lower",
    "value_added_upper", "vpr_excluded", "vpr_participants", "wellbeing_completeness", "wellbeing_index",
    "year", "years_in_bottom", *(f"{name}_fired" for name in SIGNALS), *SIGNALS,
)  # fmt: skip


# A region's explanations repeat the methodology's figures in every school's text: formatted once.
@lru_cache(maxsize=4096, typed=True)
def number(value: float | None, digits: int = 2) -> str:
    """A number the Russian way: decimal comma, true minus sign; «—» when unknown.

    Examples
    --------
    >>> number(-0.456)
    '−0,46'
    """
    exact = rounded(value, digits)
    if exact is None:
        return "—"
    return f"{exact:f}".replace(".", ",").replace("-", "−")


@lru_cache(maxsize=4096, typed=True)
def percent(value: float | None) -> str:
    """A share as whole percent: 0.523 → «52 %».

    Examples
    --------
    >>> percent(0.523)
    '52 %'
    """
    exact = None if value is None else rounded(Decimal(str(value)) * 100, 0)
    return "—" if exact is None else f"{exact:f} %"


def _in_sentence(label: str) -> str:
    """A label inside a sentence: first letter small, unless the label starts with an abbreviation."""
    return label if label[:2].isupper() else label[0].lower() + label[1:]


def of_years(count: int) -> str:
    """«из N лет» with the right word: 1 → «года», otherwise «лет» (genitive after «из»).

    Examples
    --------
    >>> of_years(1), of_years(3), of_years(21)
    ('1 года', '3 лет', '21 года')
    """
    return f"{count} года" if count % 10 == 1 and count % 100 != 11 else f"{count} лет"


def explain(row: Mapping[str, Any], methodology: Methodology) -> str:
    """The «Пояснение» of one school from its row of ``Identification.schools``.

    Sentences, in this order, each only when it applies: the results index with its interval
    and the years in the bottom group; ШНОР and its cause (value added against the context
    prediction); the shrinkage of a small school; ШНСУ (ИСБШ, or why it is unknown);
    resilience; the objectivity signals; learning failure; the cluster comparison.

    Examples
    --------
    >>> explain({"results_index": None, "year": 2026, "wellbeing_index": 0.4}, Methodology())
    'Нет результатов за 2025/2026 учебный год: индекс результатов не рассчитан.'
    """
    m = methodology
    parts: list[str] = []
    bottom = percent(m.bottom_share).removesuffix(" %")
    index = row.get("results_index")
    year = row.get("year")
    if index is None:
        label = f"{year - 1}/{year}" if isinstance(year, int) else "анализируемый"
        parts.append(f"Нет результатов за {label} учебный год: индекс результатов не рассчитан.")
    else:
        years = row.get("bottom_years") or []
        in_bottom = row.get("years_in_bottom") or 0
        listed = f" ({', '.join(f'{y - 1}/{y}' for y in years)})" if years else ""
        where = (
            f"в нижних {bottom} % школ региона {in_bottom} из {of_years(m.years_window)}{listed}"
            if in_bottom
            else f"в нижние {bottom} % школ региона не входила ни в одном из {of_years(m.years_window)}"
        )
        parts.append(
            f"Индекс результатов {number(index)} (интервал {number(row.get('results_index_lower'))} … "
            f"{number(row.get('results_index_upper'))}); {where}."
        )
    probability = row.get("low_results_probability")
    chance = (
        f"вероятность быть в нижних {bottom} % не менее {m.years_required} из {of_years(m.years_window)} — "
        f"{percent(probability)}"
        if probability is not None
        else None
    )
    low = row.get("low_results")
    if low:
        if m.low_results_rule == "rosobrnadzor":
            parts.append("ШНОР по признаку Рособрнадзора: не менее 30 % «2» по двум и более процедурам.")
        elif m.low_results_rule == "rank":
            parts.append(f"ШНОР: в нижней группе не менее {m.years_required} из {of_years(m.years_window)}.")
        else:
            rule = {
                "probability": f"не меньше {percent(m.low_results_min_probability)}",
                "expected_f1": "среди наибольших (перечень такого размера, при котором ожидаемая точность списка "
                "наибольшая)",
            }.get(
                m.low_results_decision,
                "среди наибольших (в перечне столько школ, сколько их ожидается по сумме вероятностей)",
            )
            parts.append(f"ШНОР: {chance}, {rule}.")
        cause = row.get("low_results_cause")
        prediction = row.get("predicted_index")
        added = row.get("value_added")
        context = (
            f"Школы в таких условиях (ИСБШ {number(row.get('wellbeing_index'))}) в среднем имеют индекс "
            f"{number(prediction)}; добавленная ценность {number(added)} "
            f"({number(row.get('value_added_lower'))} … {number(row.get('value_added_upper'))})"
        )
        if cause == "внутришкольные":
            parts.append(
                f"{context}: результаты ниже, чем у школ в таких же условиях, — вероятны внутришкольные причины."
            )
        elif cause == "контекст":
            parts.append(
                f"{context}: результаты в обычных пределах для таких условий — низкие результаты "
                "объясняются прежде всего социальным контекстом."
            )
        elif added is None:
            parts.append("Причина не определена: ИСБШ или добавленная ценность не рассчитаны.")
        else:
            parts.append(
                f"{context}: причина не определена — интервал слишком широк, чтобы отличить результаты ниже "
                "ожидаемых для таких условий от ожидаемых."
            )
    elif low is None and row.get("low_results_unknown_reason"):
        parts.append(f"ШНОР: не известно — {row['low_results_unknown_reason']}.")
    elif index is not None and m.low_results_rule == "index" and chance is not None:
        parts.append(f"В перечень ШНОР не входит: {chance}.")
    elif index is not None and (row.get("years_in_bottom") or 0) > 0:
        parts.append(f"Это меньше {m.years_required} из {of_years(m.years_window)}: школа не относится к ШНОР.")
    weight = row.get("shrinkage_weight")
    if index is not None and weight is not None and weight < 0.5:
        parts.append(
            f"Данных мало ({row.get('participants')} результатов участников за год): по методу эмпирического "
            f"Байеса оценка сдвинута к среднему по региону, собственные данные школы весят {percent(weight)} "
            f"(без сдвига {number(row.get('raw_index'))})."
        )
    wellbeing = row.get("wellbeing_index")
    if wellbeing is None:
        parts.append(
            f"ИСБШ не рассчитан: известно {percent(row.get('wellbeing_completeness') or 0.0)} взвешенных контекстных "
            f"данных, нужно не менее {percent(m.wellbeing_min_completeness)}."
        )
    elif row.get("unfavourable"):
        parts.append(f"ШНСУ: ИСБШ {number(wellbeing)} — в нижних {percent(m.unfavourable_share)} школ региона.")
    if row.get("resilient"):
        if m.resilient_rule == "above_median":
            parts.append(
                f"Резильентная: условия неблагоприятные, а индекс результатов выше медианы региона "
                f"({number(row.get('median_index'))})."
            )
        else:
            parts.append(
                "Резильентная: условия неблагоприятные, а результаты значимо выше ожидаемых для таких условий."
            )
    fired = [
        _in_sentence(SIGNALS[name].split(" (подозрительно")[0]) + f" ({number(row.get(name))})"
        for name in SIGNALS
        if row.get(f"{name}_fired")
    ]
    if row.get("objectivity_risk"):
        sentence = (
            f"Риск необъективности ВПР: сводный показатель {number(row.get('objectivity_score'))} при пороге "
            f"{number(row.get('objectivity_threshold'))}" + (": " + "; ".join(fired) if fired else "") + "."
        )
        if row.get("vpr_excluded"):
            sentence += (
                f" Индекс рассчитан без ВПР (с ВПР он был бы {number(row.get('raw_index_with_vpr'))} "
                "до сдвига к среднему)."
            )
        parts.append(sentence)
    elif row.get("objectivity_risk_unknown_reason") and row.get("vpr_participants"):
        parts.append(f"Объективность ВПР: нет данных — {row['objectivity_risk_unknown_reason']}.")
    if row.get("learning_failure") is None and row.get("learning_failure_unknown_reason"):
        parts.append(f"Доля неуспевающих не известна: {row['learning_failure_unknown_reason']}.")
    if row.get("learning_failure"):
        parts.append(
            f"Неуспевающих {percent(row.get('failing_share'))} ({row.get('failing_source')}) — более "
            f"{percent(m.failure_share)}."
        )
    if row.get("cluster") is not None and row.get("peer_gap") is not None:
        gap = row["peer_gap"]
        direction = "выше" if gap >= 0 else "ниже"
        parts.append(
            f"Кластер {row['cluster']} (школ со схожими условиями, кроме этой: {row.get('peers')}): индекс на "
            f"{number(abs(gap))} {direction} их среднего."
        )
    return " ".join(parts)
