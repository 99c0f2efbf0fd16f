"""Form 2, «Контекстные данные»: yearly context of each school, following its disadvantage."""

from __future__ import annotations

import numpy as np
import polars as pl

from .population import SPECIAL, Population

UNKNOWN_SHARE = 0.02  # optional cells left empty ("not known")
_INTERNET_TIERS = np.array([2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0])

# Parts of the students: share in an average school (logit) and how it follows d.
_STUDENT_PARTS = {
    "С ОВЗ": (0.06, 0.4, 0.4),
    "Из малообеспеченных семей": (0.15, 0.8, 0.35),
    "Из неполных семей": (0.20, 0.4, 0.3),
    "Неродной русский язык": (0.03, 0.6, 1.0),
    "На профилактическом учёте": (0.02, 0.6, 0.4),
}
_STAFF_PARTS = {
    "Педагогов старше 60 лет": (0.15, 0.5, 0.3),
    "Педагогов без педагогического образования": (0.06, 0.5, 0.4),
    "Педагогов с внутренним совмещением": (0.20, 0.6, 0.4),
}
_DECIMALS = ("Родители с высшим образованием, %", "Скорость интернета, Мбит/с", "Расстояние до райцентра, км")
CONTEXT_COLUMNS = (
    "Код ОО",
    "Учебный год",
    "Обучающихся",
    *_STUDENT_PARTS,
    "Родители с высшим образованием, %",
    "Педагогических работников",
    "Вакансий",
    *_STAFF_PARTS,
    "Компьютеров для учебных целей",
    "Скорость интернета, Мбит/с",
    "Расстояние до райцентра, км",
)


def year_label(end_year: int) -> str:
    """«2023/2024» for the school year that ends in 2024."""
    return f"{end_year - 1}/{end_year}"


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: float) -> float:
    return float(np.log(p / (1.0 - p)))


def draw_context(rng: np.random.Generator, population: Population) -> tuple[pl.DataFrame, np.ndarray]:
    """Form 2, and the true number of teachers over 60 in the last year (for form 8).

    Each part is Binomial(whole, p) with ``logit p = logit p₀ + b·d + school effect``, so the
    counts follow the school's disadvantage d of that year with noise; parts never exceed wholes.
    """
    n_schools, n_years = population.disadvantage.shape
    d = population.disadvantage
    students = population.students
    staff = population.staff
    columns: dict[str, np.ndarray] = {"Обучающихся": students}
    for column, (share, slope, spread) in _STUDENT_PARTS.items():
        effect = rng.normal(0.0, spread, n_schools)[:, None]
        p = _logistic(_logit(share) + slope * d + effect)
        if column == "С ОВЗ":
            p = np.where(population.school_type[:, None] == SPECIAL, 0.95, p)
        columns[column] = rng.binomial(students, p)
    effect = rng.normal(0.0, 0.3, n_schools)[:, None]
    higher = 100.0 * _logistic(_logit(0.35) - 0.7 * d + effect + rng.normal(0.0, 0.1, d.shape))
    columns["Родители с высшим образованием, %"] = higher.round(1)
    columns["Педагогических работников"] = staff
    columns["Вакансий"] = rng.poisson(0.04 * staff * np.exp(0.6 * d))
    for column, (share, slope, spread) in _STAFF_PARTS.items():
        effect = rng.normal(0.0, spread, n_schools)[:, None]
        columns[column] = rng.binomial(staff, _logistic(_logit(share) + slope * d + effect))
    computers = 3.0 + 0.1 * students * np.exp(rng.normal(0.0, 0.3, n_schools)[:, None] - 0.2 * d)
    columns["Компьютеров для учебных целей"] = np.rint(computers).astype(np.int64)
    tier = np.rint(4.5 - 1.2 * d[:, :1] + rng.normal(0.0, 0.8, (n_schools, 1)))
    upgrades = np.cumsum(rng.random((n_schools, n_years)) < 0.15, axis=1)
    tier = np.clip(tier + upgrades, 0, len(_INTERNET_TIERS) - 1).astype(np.int64)
    columns["Скорость интернета, Мбит/с"] = _INTERNET_TIERS[tier]
    columns["Расстояние до райцентра, км"] = np.repeat(population.distance_km[:, None], n_years, axis=1)
    over_60_last = columns["Педагогов старше 60 лет"][:, -1].copy()

    frame = pl.DataFrame(
        {
            "Код ОО": np.repeat(population.codes, n_years).tolist(),
            "Учебный год": [year_label(y) for y in population.years] * n_schools,
            **{column: values.reshape(-1) for column, values in columns.items()},
        }
    )
    optional = CONTEXT_COLUMNS[3:]
    unknown = rng.random((frame.height, len(optional))) < UNKNOWN_SHARE
    frame = frame.with_columns(
        pl.when(pl.Series(unknown[:, j])).then(None).otherwise(pl.col(column)).alias(column)
        for j, column in enumerate(optional)
    )
    casts = {c: pl.Int64 for c in CONTEXT_COLUMNS[2:] if c not in _DECIMALS}
    casts.update({c: pl.Float64 for c in _DECIMALS})
    return frame.select(CONTEXT_COLUMNS).cast(casts), over_60_last
