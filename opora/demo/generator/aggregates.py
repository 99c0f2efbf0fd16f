"""Form 3 drawn directly per school, grade and subject: for large regions, and for year marks."""

from __future__ import annotations

import numpy as np
import polars as pl

from .assessments import SCALE_GRADE, SCALE_GROUP, SCALE_PARTICIPATION, Cells, result_frame, scale_names
from .model import (
    ANNUAL,
    ANNUAL_GRADES,
    ANNUAL_SUBJECTS,
    EGE,
    MASS_FAILURE_MARK_SHIFT,
    SCALES,
    VPR,
    annual_mark_probabilities,
    mu_grid_index,
    scale_tables,
    subject_group,
)
from .population import Population

_MARKS = np.arange(2, 6)
# ВПР categories are (mark, journal mark); inflation moves these one mark up.
_MARK_OF, _JOURNAL_OF = np.divmod(np.arange(16), 4)
_MOVABLE = (_MARK_OF <= 1) | ((_MARK_OF == 2) & (_JOURNAL_OF == 3))


def _multinomial(rng: np.random.Generator, n: np.ndarray, probability: np.ndarray) -> np.ndarray:
    probability = np.clip(probability, 0.0, None)
    probability = probability / probability.sum(axis=1, keepdims=True)
    return rng.multinomial(n, probability)


def _mean_score(
    rng: np.random.Generator,
    n: np.ndarray,
    counts: np.ndarray,
    mean: np.ndarray,
    variance: np.ndarray,
    extra_sum: np.ndarray,
    extra_variance: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
) -> np.ndarray:
    """Mean score of ``n`` participants: category means plus the normal error of their sum.

    ``counts`` are the participants scored by the tables; ``extra_sum`` and ``extra_variance``
    add those scored otherwise (pushed to a cut-off); the mean stays within [low, high] / n.
    """
    total = (counts * mean).sum(axis=1) + extra_sum
    spread = np.sqrt((counts * variance).sum(axis=1) + extra_variance)
    drawn = (total + spread * rng.standard_normal(len(n))) / n
    return np.clip(drawn, low / n, high / n).round(2)


def draw_aggregated_results(rng: np.random.Generator, population: Population, cells: Cells) -> pl.DataFrame:
    """Form 3 for ВПР, ОГЭ and ЕГЭ without student rows, from the same model as form 4.

    Participants ~ Binomial(students of the grade, participation); their marks (crossed with the
    journal mark for the ВПР) ~ Multinomial with the exact probabilities of the model for the
    school's μ + u; ВПР inflation moves Binomial(count, share) students one mark up; the mean
    score is the sum of category means plus a normal error with the within-category variances.
    """
    participants = rng.binomial(cells.eligible, SCALE_PARTICIPATION[cells.scale])
    cells = cells.subset(participants > 0)
    participants = participants[participants > 0]
    mu = (
        population.mean_ability()[cells.school, cells.year]
        + population.subject_effect[cells.school, SCALE_GROUP[cells.scale]]
    )
    grid = mu_grid_index(mu)
    n = len(participants)
    marks = np.zeros((n, 4), dtype=np.int64)
    mean_score = np.zeros(n)
    below = np.zeros(n, dtype=np.int64)
    relation = np.zeros((n, 3), dtype=np.int64)  # lowered, confirmed, raised
    for index, scale in enumerate(SCALES):
        rows = np.flatnonzero(cells.scale == index)
        if len(rows) == 0:
            continue
        tables = scale_tables(index)
        counts = _multinomial(rng, participants[rows], tables.probability[grid[rows]])
        mean, variance = tables.mean[grid[rows]], tables.variance[grid[rows]]
        extra_sum = np.zeros(len(rows))
        extra_variance = np.zeros(len(rows))
        if scale.procedure == VPR:
            assert scale.cuts is not None
            share = population.inflation_share[cells.school[rows]][:, None]
            helped = rng.binomial(counts * _MOVABLE, share)
            honest = counts - helped
            moved = np.zeros_like(counts)
            moved[:, 4:] = helped[:, :12]  # (mark k, journal l) → (mark k + 1, journal l)
            final = honest + moved
            cut_of_new_mark = np.array(scale.cuts)[np.minimum(_MARK_OF, 2)]
            extra_sum = (helped * (cut_of_new_mark + 0.3)).sum(axis=1)
            extra_variance = 0.21 * helped.sum(axis=1)
            counts = honest
            by_mark = final.reshape(-1, 4, 4)
            marks[rows] = by_mark.sum(axis=2)
            relation[rows, 0] = (final * (_MARK_OF < _JOURNAL_OF)).sum(axis=1)
            relation[rows, 1] = (final * (_MARK_OF == _JOURNAL_OF)).sum(axis=1)
            relation[rows, 2] = (final * (_MARK_OF > _JOURNAL_OF)).sum(axis=1)
            low = (final * tables.low).sum(axis=1)
            high = (final * tables.high).sum(axis=1)
        else:
            if scale.procedure == EGE:
                below[rows] = counts[:, 0]
            else:
                marks[rows] = counts
            low = (counts * tables.low).sum(axis=1)
            high = (counts * tables.high).sum(axis=1)
        mean_score[rows] = _mean_score(
            rng, participants[rows], counts, mean, variance, extra_sum, extra_variance, low, high
        )

    procedure, subject = scale_names(cells.scale)
    is_ege = np.array([s.procedure == EGE for s in SCALES])[cells.scale]
    is_vpr = np.array([s.procedure == VPR for s in SCALES])[cells.scale]
    values = {
        "Участников": participants,
        **{str(m): marks[:, j] for j, m in enumerate(_MARKS)},
        "Средний балл": mean_score,
        "Не преодолели минимальный порог": below,
        "Понизили": relation[:, 0],
        "Подтвердили": relation[:, 1],
        "Повысили": relation[:, 2],
    }
    applies = {
        **{str(m): ~is_ege for m in _MARKS},
        "Не преодолели минимальный порог": is_ege,
        **{name: is_vpr for name in ("Понизили", "Подтвердили", "Повысили")},
    }
    return result_frame(
        population, cells.school, cells.year, procedure, SCALE_GRADE[cells.scale], subject, values, applies
    )


def draw_annual_marks(rng: np.random.Generator, population: Population) -> tuple[pl.DataFrame, np.ndarray]:
    """Year marks in Russian and mathematics, grades 4–11, and the students failing them.

    Marks ~ Multinomial(students of the grade, P(journal mark | μ + u)); in schools with mass
    failure the marks sit ``MASS_FAILURE_MARK_SHIFT`` lower; a scenario may add each school's
    leniency. Returns form 3 rows and, per school
    and year, Σ over grades of max(«2» in Russian, «2» in mathematics): the least number of
    students failing at least one subject.
    """
    sizes = population.grade_sizes
    mu = population.mean_ability()
    shift = np.where(population.mass_failure, MASS_FAILURE_MARK_SHIFT, 0.0) + population.leniency()
    failing_floor = np.zeros(mu.shape, dtype=np.int64)
    frames = []
    for grade in ANNUAL_GRADES:
        school, year = np.nonzero(sizes[:, :, grade] > 0)
        students = sizes[school, year, grade]
        fails = np.zeros(len(school), dtype=np.int64)
        for subject in ANNUAL_SUBJECTS:
            ability = mu[school, year] + population.subject_effect[school, subject_group(subject)]
            counts = _multinomial(rng, students, annual_mark_probabilities(ability, shift[school]))
            fails = np.maximum(fails, counts[:, 0])
            frames.append(
                result_frame(
                    population,
                    school,
                    year,
                    [ANNUAL] * len(school),
                    np.full(len(school), grade),
                    [subject] * len(school),
                    {
                        "Участников": students,
                        **{str(m): counts[:, j] for j, m in enumerate(_MARKS)},
                        "Средний балл": ((counts * _MARKS).sum(axis=1) / students).round(2),
                    },
                )
            )
        np.add.at(failing_floor, (school, year), fails)
    return pl.concat(frames), failing_floor
