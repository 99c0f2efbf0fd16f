"""Scenarios of the demo region: the same hidden model with some of its mechanisms changed.

A method tuned to one generator can look good on it and fail on data that arise otherwise. Each
scenario changes *how* the data arise, not only a number: how a school inflates its ВПР (pushing
scores to the cut-offs, lenient checking of scores near them, raising marks only, in some grades
only), how strongly one student's results go together across subjects, how widely ЕГЭ scores
spread within a school, how small the schools are, and whether honest schools differ in how
leniently their teachers mark. docs/demo.md describes each; the quality bench reports each.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import STUDENT_SUBJECT_CORRELATION

# How an inflating school raises its ВПР results.
PUSH_TO_CUTOFF = "push_to_cutoff"  # one mark up for most 2s and 3s, the score put at the new cut-off
LENIENT_CHECKING = "lenient_checking"  # scores a few points below a cut-off are raised to it
MARKS_ONLY = "marks_only"  # one mark up, the primary score left as it was
INFLATION_MECHANISMS = (PUSH_TO_CUTOFF, LENIENT_CHECKING, MARKS_ONLY)


@dataclass(frozen=True)
class Scenario:
    """The mechanisms of one scenario of the demo region.

    Attributes
    ----------
    name : str
        Key of :data:`SCENARIOS`.
    label : str
        Russian description.
    inflation : str
        How inflating schools raise the ВПР (:data:`INFLATION_MECHANISMS`).
    inflated_grades : int
        0: every ВПР grade of an inflating school is inflated; k > 0: only k grades drawn at
        random for each inflating school (the same in every year).
    lenient_window : float
        Lenient checking: a score at most this share of the maximum below a cut-off is raised.
    student_subject_correlation : float
        Correlation of one student's ε across the subjects of a year.
    ege_spread : float
        Factor on the ЕГЭ score scale: the within-school spread of test scores (and the share
        below the minimum thresholds) grows with it.
    rural_size_factor : float
        Factor on the size of village schools (0.33: many schools with a handful of students).
    inflating_min_students : int
        Least students of a school that may inflate.
    journal_leniency_sd : float
        Sd of a school's leniency in journal and year marks (honest schools differ in it).
    vpr_drill_sd : float
        Sd of a school's effect on the ВПР only (drilling for it), not in the true results.
    requires_students : bool
        The mechanism acts on the results of single participants (form 4 must be drawn).
    """

    name: str
    label: str
    inflation: str = PUSH_TO_CUTOFF
    inflated_grades: int = 0
    lenient_window: float = 0.1
    student_subject_correlation: float = STUDENT_SUBJECT_CORRELATION
    ege_spread: float = 1.0
    rural_size_factor: float = 1.0
    inflating_min_students: int = 40
    journal_leniency_sd: float = 0.0
    vpr_drill_sd: float = 0.0
    requires_students: bool = False


SCENARIOS: dict[str, Scenario] = {
    scenario.name: scenario
    for scenario in (
        Scenario("default", "основной: завышение ВПР «дотягиванием» до границы отметки"),
        Scenario(
            "lenient_checking",
            "мягкая проверка: баллы чуть ниже границы отметки поднимают до неё",
            inflation=LENIENT_CHECKING,
            requires_students=True,
        ),
        Scenario(
            "marks_only",
            "завышены только отметки, первичные баллы честные",
            inflation=MARKS_ONLY,
            requires_students=True,
        ),
        Scenario(
            "some_grades",
            "завышение только в одном-двух классах школы",
            inflated_grades=2,
            requires_students=True,
        ),
        Scenario(
            "high_correlation",
            "высокая корреляция результатов ученика по предметам (0,93, наблюдаемая ≈ 0,83)",
            student_subject_correlation=0.93,
            requires_students=True,
        ),
        Scenario(
            "wide_ege",
            "широкий разброс баллов ЕГЭ внутри школы (в 1,3 раза, ≈ 18 тестовых баллов)",
            ege_spread=1.3,
            requires_students=True,
        ),
        Scenario(
            "small_schools",
            "много малых школ (сельские школы втрое меньше), завышают и школы от 15 учеников",
            rural_size_factor=0.33,
            inflating_min_students=15,
        ),
        Scenario(
            "teacher_leniency",
            "честные школы различаются мягкостью журнальных отметок и подготовкой к ВПР",
            journal_leniency_sd=0.3,
            vpr_drill_sd=0.15,
            requires_students=True,
        ),
    )
}


def scenario_named(name: str) -> Scenario:
    """The scenario of that name; a Russian error listing the known ones otherwise."""
    if name not in SCENARIOS:
        raise ValueError(f"Неизвестный сценарий «{name}»; есть: {', '.join(SCENARIOS)}.")
    return SCENARIOS[name]
