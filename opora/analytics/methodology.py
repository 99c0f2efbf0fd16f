"""The methodology of identification: every parameter and default, versioned and validated.

A :class:`Methodology` is what a regional administrator edits through a form; the product
stores each version (``to_dict`` → JSON) and records which one a run used. Nothing in the
analytics reads a constant that is not a field here. ``docs/methodology.md`` states the reasons
for the defaults.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

VPR = "ВПР"
OGE = "ОГЭ"
EGE = "ЕГЭ"
ANNUAL_MARKS = "Годовые отметки"
CONTROL_TEST = "Контрольный срез"
PROCEDURES = (VPR, OGE, EGE, ANNUAL_MARKS, CONTROL_TEST)

LOW_RESULTS_RULES = ("index", "rank", "rosobrnadzor")
LOW_RESULTS_DECISIONS = ("expected_count", "expected_f1", "probability")
SHRINKAGE_TARGETS = ("region_mean", "context")
PROCEDURE_COMBINATIONS = ("precision", "fixed")
RESILIENT_RULES = ("above_median", "above_prediction")
CLUSTER_METHODS = ("kmeans", "ward")
CLUSTER_CRITERIA = ("silhouette", "calinski_harabasz")
VALUE_ADDED_COVARIATES = ("wellbeing", "log_students", "rural", "school_type")

# Minimum ЕГЭ test scores (Рособрнадзор) used when form 4 is aggregated to form 3.
DEFAULT_EGE_THRESHOLDS: Mapping[str, int] = {
    "Русский язык": 24,
    "Математика (профильная)": 27,
    "Обществознание": 42,
    "Биология": 36,
    "Физика": 36,
    "История": 32,
    "Химия": 36,
    "Информатика": 40,
    "География": 37,
    "Литература": 32,
    "Английский язык": 22,
}


@dataclass(frozen=True)
class ContextVariable:
    """One variable of the social well-being index (ИСБШ).

    Parameters
    ----------
    name : str
        A variable of :data:`opora.analytics.wellbeing.CONTEXT_VARIABLES`
        (e.g. ``"low_income_share"``).
    weight : float
        Weight ≥ 0 in the index.
    direction : int
        +1 when a larger value means more favourable conditions (parents' education),
        −1 when it means less favourable ones (share of low-income families).
    """

    name: str
    weight: float
    direction: int


DEFAULT_WELLBEING_VARIABLES: tuple[ContextVariable, ...] = (
    ContextVariable("low_income_share", 1.0, -1),
    ContextVariable("parents_higher_education_share", 1.0, +1),
    ContextVariable("single_parent_share", 0.5, -1),
    ContextVariable("disabled_share", 0.5, -1),
    ContextVariable("non_native_share", 0.5, -1),
    ContextVariable("on_register_share", 0.5, -1),
    ContextVariable("vacancy_rate", 0.5, -1),
    ContextVariable("teachers_over_60_share", 0.5, -1),
    ContextVariable("teachers_without_pedagogy_share", 0.5, -1),
    ContextVariable("teachers_part_time_share", 0.25, -1),
    ContextVariable("computers_per_student", 0.25, +1),
    ContextVariable("log_internet_mbps", 0.25, +1),
    ContextVariable("rural", 0.5, -1),
    ContextVariable("log_distance_km", 0.5, -1),
)

DEFAULT_PROCEDURE_WEIGHTS: Mapping[str, float] = {
    VPR: 1.0,
    OGE: 1.0,
    EGE: 1.0,
    ANNUAL_MARKS: 1.0,
    CONTROL_TEST: 0.0,
}


# Parameters of earlier versions that no longer exist: ``from_dict`` drops them, so a stored
# methodology still loads. The objectivity signals are now calibrated on the region and combined
# into one score whose threshold follows from a stated false-flag rate (docs/methodology.md §8).
REMOVED_PARAMETERS = frozenset(
    {
        "objectivity_z",
        "vpr_gap_threshold",
        "lowered_ratio_threshold",
        "cutoff_score_threshold",
        "objectivity_min_signals",
    }
)


@dataclass(frozen=True)
class Methodology:
    """A named, versioned methodology of identification: every parameter with its default.

    Parameters (groups; ``docs/methodology.md`` gives the reasons)
    ----------------------------------------------------------------
    name, version
        Identify the methodology; the product keeps old versions.
    years_window, years_required
        N and K: a school is low-results (ШНОР) when it is in the bottom group in at least K of
        the last N school years (default 2 of 3, the regional «rank rule»).
    bottom_share
        Share of the region's schools that forms the bottom group each year (0.10).
    low_results_rule
        ``"index"`` (the probability from the year-over-year model of the results index, default),
        ``"rank"`` (the raw index without shrinkage: the regional orders' ranking) or
        ``"rosobrnadzor"`` (the 30 % «2» signal).
    low_results_decision, low_results_min_probability
        How the probability P(in the bottom group in at least K of N years) gives the list (rule
        ``"index"``): ``"expected_count"`` (default) takes the round(Σ p) schools with the highest
        probability, as many as ШНОР are expected; ``"expected_f1"`` as many as maximise the
        expected F1 = 2·Σ_{i≤k} pᵢ / (k + Σ p); ``"probability"`` takes those with
        p ≥ ``low_results_min_probability`` (0.5).
    probability_draws, probability_random_state
        Quasi-random points (scrambled Sobol, fixed seed) over which the probabilities are
        computed.
    procedure_weights, subject_weights, default_subject_weight
        Weights of procedures and subjects in the results index; a subject not listed weighs
        ``default_subject_weight``; weight 0 leaves a procedure or subject out.
    procedure_combination
        ``"precision"``: procedures weigh Wₚ / (Vₚ/N + ω²ₚ) (their weight over their sampling
        variance and how much the procedure departs from a school's other procedures in the
        region, so neither a procedure with a handful of participants nor year marks on a
        school's own scale can dominate); ``"fixed"``: Wₚ.
    min_cell_participants
        Results of a test with fewer participants are not used in the index.
    failure_weight, failure_chance_band
        λ: weight of the failing results (mark «2»; ЕГЭ below the subject's minimum) beyond
        those the school's mean implies, in each test's result: z = z_mean + λ·excess; an
        excess within ``failure_chance_band`` robust sd of the region's line is chance.
    use_student_results
        When form 4 is given, tests it covers are standardised from the participants' scores
        and their within-school variances and the correlation ρ are estimated from it.
    same_students_correlation
        ρ, correlation of the sampling errors of two tests written by the same grade; used for
        tests that have form 3 alone (with form 4 it is estimated).
    ege_score_sd
        Within-school sd of the ЕГЭ test score for tests with form 3 alone (with form 4 it is
        estimated).
    shrinkage_target
        ``"region_mean"`` (James–Stein toward the regional mean) or ``"context"`` (Fay–Herriot
        toward the prediction from ИСБШ and the value-added covariates).
    borrow_strength_over_years
        Each year's index also uses the school's other years of the window as much as its
        results prove stable (an area-and-time empirical-Bayes model).
    confidence_level
        Level of every interval (0.95 → ±1.96 sd).
    wellbeing_variables
        Variables of ИСБШ with weights and directions.
    wellbeing_min_completeness
        Least share of the ИСБШ weight with known data; below it ИСБШ is not computed.
    wellbeing_clip_z
        Standardised context variables are clipped to ±this value (outliers).
    wellbeing_years
        ИСБШ of the analysis year is the mean of the school's ИСБШ over this many last years of
        the window (1 = that year only; at most N is used): counts of small schools vary by
        chance from year to year, while their conditions are long-term.
    unfavourable_share
        Share of schools with the lowest ИСБШ that are ШНСУ (0.25).
    value_added_covariates
        Covariates of the value-added regression (``"wellbeing"``, ``"log_students"``,
        ``"rural"``, ``"school_type"``).
    internal_cause_threshold, context_cause_margin
        The cause of low results is «внутришкольные» when the upper bound of the value added is
        below ``internal_cause_threshold`` (0: significantly below what the context predicts),
        «контекст» when its lower bound is above −``context_cause_margin``·τ (τ the sd of
        results between schools in the same conditions: no material shortfall), otherwise
        «не определена» (the data cannot tell them apart).
    resilient_rule
        ``"above_median"``: ШНСУ with a results index above the regional median;
        ``"above_prediction"``: ШНСУ whose value added has a lower bound above 0 (HSE).
    exit_years_out, exit_gap_share
        The exit from the list (:mod:`opora.analytics.dynamics`): a school supported in the year
        leaves the list when it was out of the bottom group in each of the last
        ``exit_years_out`` years and closed at least ``exit_gap_share`` of its gap to the median.
    cluster_method, cluster_k_min, cluster_k_max, cluster_criterion, cluster_random_state,
    cluster_sample_size
        Clustering of schools by context: k-means or Ward, k chosen in [k_min, k_max] by the
        silhouette or Calinski–Harabasz criterion; with more than ``cluster_sample_size``
        schools both are found on a fixed sample of that many and every school goes to the
        nearest centre.
    objectivity_min_participants
        A school with fewer ВПР results (FIOKO: 20) is checked too, but when it is not flagged
        its risk is «нет данных» rather than «нет».
    objectivity_false_flag_rate
        The combined objectivity score of an honest school exceeds its threshold with at most
        this probability (0.01).
    objectivity_fdr
        Control for testing thousands of schools: among the flagged schools the expected share
        of honest ones is at most this (Benjamini–Hochberg, 0.05).
    exclude_vpr_when_at_risk
        For a school at risk the results index is computed without the ВПР.
    failure_share
        Learning failure: more than this share of students failing (0.5).
    rosobrnadzor_fail_share
        Share of «2» of the Rosobrnadzor signal (0.30).

    Examples
    --------
    >>> regional = Methodology(name="Методика области", version=2, bottom_share=0.15)
    >>> regional.validate()
    {}
    >>> Methodology.from_dict(regional.to_dict()) == regional
    True
    """

    name: str = "Методика Опоры"
    version: int = 1
    years_window: int = 3
    years_required: int = 2
    bottom_share: float = 0.10
    low_results_rule: str = "index"
    low_results_decision: str = "expected_count"
    low_results_min_probability: float = 0.5
    probability_draws: int = 1024
    probability_random_state: int = 0
    procedure_weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_PROCEDURE_WEIGHTS))
    subject_weights: Mapping[str, float] = field(default_factory=dict)
    default_subject_weight: float = 1.0
    procedure_combination: str = "precision"
    min_cell_participants: int = 1
    failure_weight: float = 0.5
    failure_chance_band: float = 3.0
    use_student_results: bool = True
    same_students_correlation: float = 0.5
    ege_score_sd: float = 15.0
    shrinkage_target: str = "region_mean"
    borrow_strength_over_years: bool = True
    confidence_level: float = 0.95
    wellbeing_variables: tuple[ContextVariable, ...] = DEFAULT_WELLBEING_VARIABLES
    wellbeing_min_completeness: float = 0.6
    wellbeing_clip_z: float = 3.0
    wellbeing_years: int = 3
    unfavourable_share: float = 0.25
    value_added_covariates: tuple[str, ...] = ("wellbeing",)
    internal_cause_threshold: float = 0.0
    context_cause_margin: float = 1.0
    resilient_rule: str = "above_median"
    exit_years_out: int = 2
    exit_gap_share: float = 0.25
    cluster_method: str = "kmeans"
    cluster_k_min: int = 3
    cluster_k_max: int = 8
    cluster_criterion: str = "silhouette"
    cluster_random_state: int = 0
    cluster_sample_size: int = 3000
    objectivity_min_participants: int = 20
    objectivity_false_flag_rate: float = 0.01
    objectivity_fdr: float = 0.05
    exclude_vpr_when_at_risk: bool = True
    failure_share: float = 0.5
    rosobrnadzor_fail_share: float = 0.30

    # ------------------------------------------------------------------ weights
    def procedure_weight(self, procedure: str) -> float:
        """Weight of a procedure in the results index (0 for a procedure not listed)."""
        return float(self.procedure_weights.get(procedure, 0.0))

    def subject_weight(self, subject: str) -> float:
        """Weight of a subject in the results index (``default_subject_weight`` if not listed)."""
        return float(self.subject_weights.get(subject, self.default_subject_weight))

    @property
    def z_critical(self) -> float:
        """z of the two-sided interval: Φ⁻¹(½ + level/2), 1.96 for 0.95."""
        from statistics import NormalDist

        return NormalDist().inv_cdf(0.5 + self.confidence_level / 2.0)

    # ------------------------------------------------------------------ storage
    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dictionary; ``Methodology.from_dict(m.to_dict()) == m``.

        Examples
        --------
        >>> Methodology.from_dict(Methodology().to_dict()) == Methodology()
        True
        """
        data: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "wellbeing_variables":
                value = [{"name": v.name, "weight": v.weight, "direction": v.direction} for v in value]
            elif isinstance(value, Mapping):
                value = dict(value)
            elif isinstance(value, tuple):
                value = list(value)
            data[item.name] = value
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Methodology:
        """Rebuild a methodology from :meth:`to_dict`; missing keys take their defaults.

        Parameters of earlier versions that no longer exist (:data:`REMOVED_PARAMETERS`) are
        dropped, so a stored methodology of an earlier version still loads.

        Raises
        ------
        ValueError
            On a key that is not a parameter (message in Russian).

        Examples
        --------
        >>> Methodology.from_dict({"bottom_share": 0.2, "objectivity_z": 3.0}).bottom_share
        0.2
        """
        known = {item.name: item for item in fields(cls)}
        data = {key: value for key, value in data.items() if key not in REMOVED_PARAMETERS}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ValueError(f"Неизвестные параметры методики: {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key == "wellbeing_variables":
                value = tuple(
                    v
                    if isinstance(v, ContextVariable)
                    else ContextVariable(str(v["name"]), float(v["weight"]), int(v["direction"]))
                    for v in value
                )
            elif key in ("procedure_weights", "subject_weights"):
                value = {str(k): float(w) for k, w in dict(value).items()}
            elif key == "value_added_covariates":
                value = tuple(str(v) for v in value)
            values[key] = value
        return cls(**values)

    # ------------------------------------------------------------------ validation
    def validate(self) -> dict[str, list[str]]:
        """Errors per field, in Russian, for the methodology form; empty when valid.

        Examples
        --------
        >>> Methodology(bottom_share=1.5, years_required=4).validate()["bottom_share"]
        ['Доля должна быть больше 0 и меньше 1.']
        """
        from .wellbeing import CONTEXT_VARIABLES

        errors: dict[str, list[str]] = {}

        def add(name: str, message: str) -> None:
            errors.setdefault(name, []).append(message)

        def share(name: str) -> None:
            value = getattr(self, name)
            if not _is_number(value) or not 0.0 < value < 1.0:
                add(name, "Доля должна быть больше 0 и меньше 1.")

        def positive_int(name: str, least: int = 1) -> None:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < least:
                add(name, f"Нужно целое число не меньше {least}.")

        def non_negative(name: str) -> None:
            value = getattr(self, name)
            if not _is_number(value) or value < 0:
                add(name, "Нужно число не меньше 0.")

        def choice(name: str, options: tuple[str, ...]) -> None:
            if getattr(self, name) not in options:
                add(name, f"Допустимые значения: {', '.join(options)}.")

        if not str(self.name).strip():
            add("name", "Укажите название методики.")
        positive_int("version")
        positive_int("years_window")
        positive_int("years_required")
        if (
            isinstance(self.years_required, int)
            and isinstance(self.years_window, int)
            and self.years_required > self.years_window
        ):
            add("years_required", "Число лет в нижней группе (K) не может быть больше числа лет анализа (N).")
        for name in (
            "bottom_share",
            "unfavourable_share",
            "failure_share",
            "rosobrnadzor_fail_share",
            "confidence_level",
            "wellbeing_min_completeness",
            "low_results_min_probability",
            "objectivity_false_flag_rate",
            "objectivity_fdr",
        ):
            share(name)
        if not _is_number(self.failure_weight) or not 0.0 <= self.failure_weight <= 2.0:
            add("failure_weight", "Вес неудач должен быть от 0 до 2.")
        non_negative("failure_chance_band")
        choice("low_results_decision", LOW_RESULTS_DECISIONS)
        positive_int("probability_draws", 64)
        if not isinstance(self.probability_random_state, int) or self.probability_random_state < 0:
            add("probability_random_state", "Нужно целое число не меньше 0.")
        if _is_number(self.same_students_correlation) and not 0.0 <= self.same_students_correlation < 1.0:
            add("same_students_correlation", "Корреляция должна быть не меньше 0 и меньше 1.")
        elif not _is_number(self.same_students_correlation):
            add("same_students_correlation", "Нужно число.")
        choice("low_results_rule", LOW_RESULTS_RULES)
        choice("shrinkage_target", SHRINKAGE_TARGETS)
        choice("procedure_combination", PROCEDURE_COMBINATIONS)
        choice("resilient_rule", RESILIENT_RULES)
        positive_int("exit_years_out")
        if not _is_number(self.exit_gap_share) or not 0.0 <= self.exit_gap_share <= 1.0:
            add("exit_gap_share", "Доля сокращения разрыва должна быть от 0 до 1.")
        choice("cluster_method", CLUSTER_METHODS)
        choice("cluster_criterion", CLUSTER_CRITERIA)

        weights = dict(self.procedure_weights)
        for procedure, weight in weights.items():
            if procedure not in PROCEDURES:
                add("procedure_weights", f"Неизвестная процедура «{procedure}».")
            elif not _is_number(weight) or weight < 0:
                add("procedure_weights", f"Вес процедуры «{procedure}» должен быть не меньше 0.")
        if not any(_is_number(w) and w > 0 for w in weights.values()):
            add("procedure_weights", "Хотя бы одна процедура должна иметь положительный вес.")
        for subject, weight in dict(self.subject_weights).items():
            if not _is_number(weight) or weight < 0:
                add("subject_weights", f"Вес предмета «{subject}» должен быть не меньше 0.")
        non_negative("default_subject_weight")
        positive_int("min_cell_participants")
        if not _is_number(self.ege_score_sd) or self.ege_score_sd <= 0:
            add("ege_score_sd", "Нужно положительное число.")

        seen: set[str] = set()
        for variable in self.wellbeing_variables:
            if variable.name not in CONTEXT_VARIABLES:
                add("wellbeing_variables", f"Неизвестная переменная контекста «{variable.name}».")
            if variable.name in seen:
                add("wellbeing_variables", f"Переменная «{variable.name}» указана дважды.")
            seen.add(variable.name)
            if not _is_number(variable.weight) or variable.weight < 0:
                add("wellbeing_variables", f"Вес переменной «{variable.name}» должен быть не меньше 0.")
            if variable.direction not in (-1, 1):
                add("wellbeing_variables", f"Направление переменной «{variable.name}»: +1 или −1.")
        if not any(_is_number(v.weight) and v.weight > 0 for v in self.wellbeing_variables):
            add("wellbeing_variables", "Хотя бы одна переменная ИСБШ должна иметь положительный вес.")
        if not _is_number(self.wellbeing_clip_z) or self.wellbeing_clip_z <= 0:
            add("wellbeing_clip_z", "Нужно положительное число.")
        positive_int("wellbeing_years")

        for covariate in self.value_added_covariates:
            if covariate not in VALUE_ADDED_COVARIATES:
                add("value_added_covariates", f"Неизвестная переменная «{covariate}».")
        if len(set(self.value_added_covariates)) != len(self.value_added_covariates):
            add("value_added_covariates", "Переменные не должны повторяться.")
        if not _is_number(self.internal_cause_threshold):
            add("internal_cause_threshold", "Нужно число.")
        non_negative("context_cause_margin")

        positive_int("cluster_k_min", 2)
        positive_int("cluster_k_max", 2)
        if (
            isinstance(self.cluster_k_min, int)
            and isinstance(self.cluster_k_max, int)
            and self.cluster_k_min > self.cluster_k_max
        ):
            add("cluster_k_max", "Наибольшее число кластеров не может быть меньше наименьшего.")
        if not isinstance(self.cluster_random_state, int) or self.cluster_random_state < 0:
            add("cluster_random_state", "Нужно целое число не меньше 0.")
        positive_int("cluster_sample_size", 100)

        positive_int("objectivity_min_participants")
        return errors


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
