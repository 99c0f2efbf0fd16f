"""Form 5, «Итоги учебного года»."""

from __future__ import annotations

import numpy as np
import polars as pl

from .context import year_label
from .model import EGE, OGE, SCALE_INDEX, annual_mark_probabilities, ege_below_probability, mark_probabilities
from .population import Population

OUTCOME_COLUMNS = (
    "Код ОО",
    "Учебный год",
    "Обучающихся на конец года",
    "Неуспевающих",
    "Оставлены на повторное обучение",
    "Выпускников 9 классов",
    "Не получили аттестат (9)",
    "Выпускников 11 классов",
    "Не получили аттестат (11)",
)


def draw_outcomes(
    rng: np.random.Generator, population: Population, failing_floor: np.ndarray
) -> pl.DataFrame:
    """Form 5, consistent with the year marks.

    Failing students = the least number implied by the year marks in Russian and mathematics
    (``failing_floor``) + Binomial(the others, p), p = 0.8·P(year mark 2 | μ) for other subjects
    (0.35 in schools with mass failure, which have more than half failing in the last year).
    Certificates (9) are missed with probability 0.4·max P(ОГЭ «2» in Russian, mathematics | μ),
    certificates (11) with 0.5·P(ЕГЭ Russian below its threshold | μ).
    """
    students = population.students
    mu = population.mean_ability()
    n_schools, n_years = students.shape
    end = np.maximum(students - rng.binomial(students, 0.04) + rng.poisson(0.03 * students), 0)
    mass = population.mass_failure[:, None]
    floor = np.minimum(failing_floor, end)
    p_other = np.where(mass, 0.35, 0.8 * annual_mark_probabilities(mu)[..., 0])
    failing = floor + rng.binomial(end - floor, p_other)
    # Mass failure shows at least in the last year: more than half of the students fail.
    more_than_half = np.minimum(end[:, -1] // 2 + 1, end[:, -1])
    failing[:, -1] = np.where(mass[:, 0], np.maximum(failing[:, -1], more_than_half), failing[:, -1])
    repeating = rng.binomial(failing, np.where(mass, 0.3, 0.12))

    sizes = population.grade_sizes
    graduates_9 = rng.binomial(sizes[:, :, 9], 0.99)
    oge_fail = np.maximum(
        mark_probabilities(SCALE_INDEX[(OGE, 9, "Русский язык")], mu.reshape(-1))[:, 0],
        mark_probabilities(SCALE_INDEX[(OGE, 9, "Математика")], mu.reshape(-1))[:, 0],
    ).reshape(mu.shape)
    no_certificate_9 = rng.binomial(graduates_9, 0.4 * oge_fail)
    graduates_11 = rng.binomial(sizes[:, :, 11], 0.99)
    ege_fail = ege_below_probability(SCALE_INDEX[(EGE, 11, "Русский язык")], mu.reshape(-1)).reshape(mu.shape)
    no_certificate_11 = rng.binomial(graduates_11, 0.5 * ege_fail)

    columns = (end, failing, repeating, graduates_9, no_certificate_9, graduates_11, no_certificate_11)
    return pl.DataFrame(
        {
            "Код ОО": np.repeat(population.codes, n_years).tolist(),
            "Учебный год": [year_label(y) for y in population.years] * n_schools,
            **{
                name: pl.Series(values.reshape(-1), dtype=pl.Int64)
                for name, values in zip(OUTCOME_COLUMNS[2:], columns, strict=True)
            },
        }
    )
