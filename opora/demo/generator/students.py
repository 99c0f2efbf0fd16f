"""Form 4, results of each participant, and form 3 computed from it."""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from .assessments import (
    RESULT_COLUMNS,
    SCALE_GRADE,
    SCALE_GROUP,
    SCALE_PARTICIPATION,
    Cells,
)
from .context import year_label
from .model import (
    EGE,
    EGE_THRESHOLDS,
    JOURNAL_CUTS,
    JOURNAL_NOISE_SD,
    SCALES,
    TEST_NOISE_SD,
    VPR,
    ege_test_score,
)
from .population import Population
from .scenarios import LENIENT_CHECKING, PUSH_TO_CUTOFF

STUDENT_COLUMNS = (
    "Код ОО",
    "Учебный год",
    "Процедура",
    "Класс",
    "Предмет",
    "Код участника",
    "Первичный балл",
    "Тестовый балл",
    "Отметка",
    "Отметка по журналу",
)
BELOW = "Не преодолели минимальный порог"
_NO_CUT = 10**6
_CENTRE = np.array([s.centre for s in SCALES])
_SLOPE = np.array([s.slope for s in SCALES])
_MAX = np.array([s.max_score for s in SCALES])
_IS_VPR = np.array([s.procedure == VPR for s in SCALES])
_IS_EGE = np.array([s.procedure == EGE for s in SCALES])
# Least primary score of the marks 2, 3, 4, 5 (ЕГЭ has no marks).
_MARK_FLOOR = np.array([(0, *s.cuts) if s.cuts else (0, _NO_CUT, _NO_CUT, _NO_CUT) for s in SCALES])


def draw_student_results(rng: np.random.Generator, population: Population, cells: Cells) -> pl.DataFrame:
    """Form 4: one row per participant and test.

    Each student of a grade takes part with the test's participation probability. Their ability
    is ``a = μ + u + ε`` with ε ~ N(0, 1) correlated (ρ = 0.6 by default) across the subjects of
    one year, the score ``clip(round(c + s·(a + e)), 0, max)``, the journal mark ``a + e_j`` cut at
    the journal cut-offs. In a school that inflates the ВПР, a share of the students is helped in
    the way of the scenario (:mod:`~opora.demo.generator.scenarios`): by default those whose mark
    is 2 or 3 (or 4 with a journal 5) get one mark more and a score just at the cut-off.
    """
    scenario = population.scenario
    eligible = cells.eligible
    n_rows = int(eligible.sum())
    row_cell = np.repeat(np.arange(len(eligible)), eligible)
    number = np.arange(n_rows) - np.repeat(np.cumsum(eligible) - eligible, eligible)
    takes_part = rng.random(n_rows) < SCALE_PARTICIPATION[cells.scale[row_cell]]
    row_cell, number = row_cell[takes_part], number[takes_part]
    school, year, scale = cells.school[row_cell], cells.year[row_cell], cells.scale[row_cell]
    grade = SCALE_GRADE[scale]
    n = len(row_cell)

    # One general ability per student and year, shared by the subjects they write.
    sizes = population.grade_sizes
    offsets = (np.cumsum(sizes.reshape(-1)) - sizes.reshape(-1)).reshape(sizes.shape)
    general = rng.standard_normal(int(sizes.sum()))[offsets[school, year, grade] + number]
    rho = scenario.student_subject_correlation
    own = math.sqrt(rho) * general + math.sqrt(1.0 - rho) * rng.standard_normal(n)
    mu = population.mean_ability()[school, year] + population.subject_effect[school, SCALE_GROUP[scale]]
    ability = mu + own
    is_vpr = _IS_VPR[scale]
    z = ability + TEST_NOISE_SD * rng.standard_normal(n) + np.where(is_vpr, population.drill()[school], 0.0)
    # A wider ЕГЭ spread: the same centre, a steeper scale (more scores far from it, more below the minimum).
    slope = _SLOPE[scale] * np.where(_IS_EGE[scale], scenario.ege_spread, 1.0)
    score = np.clip(np.rint(_CENTRE[scale] + slope * z), 0, _MAX[scale]).astype(np.int64)
    floors = _MARK_FLOOR[scale]
    mark = 2 + (score[:, None] >= floors[:, 1:]).sum(axis=1)
    journal_z = ability + population.leniency()[school] + JOURNAL_NOISE_SD * rng.standard_normal(n)
    journal = 2 + np.searchsorted(JOURNAL_CUTS, journal_z, side="right")

    inflated = is_vpr & population.grade_inflated(school, grade)
    chosen = inflated & (rng.random(n) < population.inflation_share[school])
    pushed = rng.random(n) < 0.3
    if scenario.inflation == LENIENT_CHECKING:
        # the checker finds the few points a student lacks for the next mark
        window = np.maximum(1, np.rint(scenario.lenient_window * _MAX[scale]))
        above = np.where(floors[:, 1:] > score[:, None], floors[:, 1:], _NO_CUT).min(axis=1)
        helped = chosen & (above - score <= window)
        score = np.where(helped, np.minimum(above, _MAX[scale]), score)
        mark = 2 + (score[:, None] >= floors[:, 1:]).sum(axis=1)
    else:
        helped = chosen & ((mark <= 3) | ((mark == 4) & (journal == 5)))
        mark = np.where(helped, mark + 1, mark)
        if scenario.inflation == PUSH_TO_CUTOFF:
            new_floor = np.take_along_axis(floors, (mark - 2)[:, None], axis=1)[:, 0]
            score = np.where(helped, np.minimum(new_floor + pushed, _MAX[scale]), score)

    procedures = pl.Series([s.procedure for s in SCALES], dtype=pl.String)
    subjects = pl.Series([s.subject for s in SCALES], dtype=pl.String)
    is_ege = _IS_EGE[scale]
    frame = pl.DataFrame(
        {
            "Код ОО": pl.Series(population.codes.tolist(), dtype=pl.String)[school],
            "Учебный год": pl.Series([year_label(y) for y in population.years], dtype=pl.String)[year],
            "Процедура": procedures[scale],
            "Класс": pl.Series(grade, dtype=pl.Int64),
            "Предмет": subjects[scale],
            "grade_text": pl.Series(grade).cast(pl.String).str.zfill(2),
            "number_text": pl.Series(number + 1).cast(pl.String).str.zfill(4),
            "Первичный балл": pl.Series(score, dtype=pl.Int64),
            "Тестовый балл": pl.Series(ege_test_score(score, _MAX[scale]), dtype=pl.Int64),
            "Отметка": pl.Series(mark, dtype=pl.Int64),
            "Отметка по журналу": pl.Series(journal, dtype=pl.Int64),
            "is_ege": is_ege,
            "is_vpr": is_vpr,
        }
    )
    return frame.select(
        "Код ОО",
        "Учебный год",
        "Процедура",
        "Класс",
        "Предмет",
        pl.concat_str("grade_text", "number_text").alias("Код участника"),
        "Первичный балл",
        pl.when("is_ege").then("Тестовый балл").alias("Тестовый балл"),
        pl.when(~pl.col("is_ege")).then("Отметка").alias("Отметка"),
        pl.when("is_vpr").then("Отметка по журналу").alias("Отметка по журналу"),
    )


def aggregate_student_results(students: pl.DataFrame) -> pl.DataFrame:
    """Form 3 from form 4, the way the product computes it.

    Participants are counted, marks 2–5 counted (ВПР, ОГЭ); «Средний балл» is the mean primary
    score (ВПР, ОГЭ) or the mean test score (ЕГЭ), rounded to 0.01; ЕГЭ counts test scores below
    the subject's threshold; ВПР counts marks below / equal to / above the journal mark.
    """
    keys = ["Код ОО", "Учебный год", "Процедура", "Класс", "Предмет"]
    is_ege = pl.col("Процедура") == EGE
    is_vpr = pl.col("Процедура") == VPR
    threshold = pl.col("Предмет").replace_strict(EGE_THRESHOLDS, default=None, return_dtype=pl.Int64)
    score = pl.when(is_ege).then(pl.col("Тестовый балл")).otherwise(pl.col("Первичный балл"))
    mark, journal = pl.col("Отметка"), pl.col("Отметка по журналу")
    grouped = students.group_by(keys).agg(
        pl.len().cast(pl.Int64).alias("Участников"),
        *((mark == m).sum().cast(pl.Int64).alias(str(m)) for m in (2, 3, 4, 5)),
        (score.sum() / pl.len()).round(2, mode="half_away_from_zero").alias("Средний балл"),
        (pl.col("Тестовый балл") < threshold).sum().cast(pl.Int64).alias(BELOW),
        (mark < journal).sum().cast(pl.Int64).alias("Понизили"),
        (mark == journal).sum().cast(pl.Int64).alias("Подтвердили"),
        (mark > journal).sum().cast(pl.Int64).alias("Повысили"),
    )
    return grouped.with_columns(
        *(pl.when(~is_ege).then(pl.col(m)).alias(m) for m in ("2", "3", "4", "5")),
        pl.when(is_ege).then(pl.col(BELOW)).alias(BELOW),
        *(pl.when(is_vpr).then(pl.col(c)).alias(c) for c in ("Понизили", "Подтвердили", "Повысили")),
    ).select(RESULT_COLUMNS)
