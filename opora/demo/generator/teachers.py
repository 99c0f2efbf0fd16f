"""Form 8, «Педагоги»: the teachers of the last school year."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from .names import person_names
from .population import EVENING, NOSH, Population

TEACHER_COLUMNS = (
    "Код ОО",
    "Код педагога",
    "ФИО",
    "Предметы",
    "Стаж, лет",
    "Квалификационная категория",
    "Возраст",
    "Дефициты",
    "Дата диагностики",
    "Повышение квалификации",
)
CATEGORIES = ("высшая", "первая", "соответствие занимаемой должности", "без категории")
_CATEGORY_SHARES = np.array([0.28, 0.33, 0.27, 0.12])
PRIMARY = "Начальные классы"
_SUBJECT_SETS = (
    ("Русский язык; Литература", 0.16),
    ("Математика", 0.08),
    ("Математика; Информатика", 0.06),
    ("Математика; Физика", 0.05),
    ("История; Обществознание", 0.08),
    ("Английский язык", 0.10),
    ("Немецкий язык", 0.02),
    ("Биология; Химия", 0.05),
    ("Биология", 0.03),
    ("Химия", 0.02),
    ("География", 0.04),
    ("Физика", 0.02),
    ("Информатика", 0.03),
    ("Физическая культура", 0.08),
    ("Музыка", 0.03),
    ("Изобразительное искусство", 0.02),
    ("Технология", 0.04),
    ("ОБЗР", 0.03),
    ("Русский язык; Литература; Родной язык", 0.02),
    ("Физическая культура; ОБЗР", 0.04),
)
DEFICITS = (
    "Формирование функциональной грамотности",
    "Оценивание образовательных результатов",
    "Работа с обучающимися с ОВЗ",
    "Работа с детьми с трудностями в обучении",
    "Использование цифровых образовательных ресурсов",
    "Предметные знания",
    "Методика преподавания предмета",
    "Классное руководство и воспитательная работа",
    "Работа с детьми с неродным русским языком",
    "Взаимодействие с родителями",
)
_SUBJECT_DEFICITS = (
    ("Математика", "Подготовка к ОГЭ по математике"),
    ("Русский язык", "Подготовка к ОГЭ по русскому языку"),
)


def draw_teachers(rng: np.random.Generator, population: Population, over_60: np.ndarray) -> pl.DataFrame:
    """Form 8: ``staff`` teachers per school (the last year's «Педагогических работников»).

    Exactly ``over_60`` of a school's teachers are older than 60, as in form 2. Higher categories
    are likelier in schools of higher quality q; professional deficits (found by a diagnostic in
    the last school year) likelier in schools of low q and high disadvantage d.
    """
    last_year = population.years[-1]
    staff = population.staff[:, -1]
    school = np.repeat(np.arange(population.n_schools), staff)
    n = len(school)
    start = np.repeat(np.cumsum(staff) - staff, staff)
    number = np.arange(n) - start
    # A random order within the school decides who the older teachers are.
    order = np.lexsort((rng.random(n), school))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - start
    quality = population.quality[school, -1]
    disadvantage = population.disadvantage[school, -1]

    old = rank < over_60[school]
    age = np.where(
        old,
        61 + np.minimum(rng.poisson(3.0, n), 14),
        np.clip(np.rint(rng.normal(43.0 + 2.0 * disadvantage, 9.0)), 22, 60),
    ).astype(np.int64)
    experience = np.clip(age - 22 - rng.poisson(2.0, n), 0, None)

    standing = 0.35 * quality - 0.15 * disadvantage
    shares = _CATEGORY_SHARES[None, :] * np.exp(np.outer(standing, [1.0, 0.3, 0.0, -0.5]))
    shares /= shares.sum(axis=1, keepdims=True)
    category = (rng.random(n)[:, None] > np.cumsum(shares, axis=1)[:, :-1]).sum(axis=1)
    category = np.where(experience < 2, len(CATEGORIES) - 1, category)

    kind = population.school_type[school]
    primary = (kind == NOSH) | ((kind != EVENING) & (rng.random(n) < 0.28))
    weights = np.array([w for _, w in _SUBJECT_SETS])
    first = rng.choice(len(_SUBJECT_SETS), size=n, p=weights / weights.sum())
    second = rng.choice(len(_SUBJECT_SETS), size=n, p=weights / weights.sum())
    # In small schools a teacher teaches whatever is needed.
    doubles = (staff[school] <= 10) & (rng.random(n) < 0.6) & (second != first)
    sets = pl.Series([s for s, _ in _SUBJECT_SETS], dtype=pl.String)

    diagnosed = rng.random(n) < 0.65
    deficit_odds = np.exp(-0.2 - 0.6 * quality + 0.4 * disadvantage)
    has_deficit = diagnosed & (rng.random(n) < deficit_odds / (1.0 + deficit_odds))
    deficit_a = rng.integers(len(DEFICITS), size=n)
    deficit_b = rng.integers(len(DEFICITS), size=n)
    two_deficits = has_deficit & (rng.random(n) < 0.4) & (deficit_a != deficit_b)
    subject_deficit = has_deficit & (rng.random(n) < 0.5)
    autumn = dt.date(last_year - 1, 9, 15)
    diagnosis_day = rng.integers(0, 240, size=n)
    courses = last_year - np.minimum(rng.poisson(1.5, n), 6)
    deficit_names = pl.Series(DEFICITS, dtype=pl.String)

    frame = pl.DataFrame(
        {
            "Код ОО": pl.Series(population.codes.tolist(), dtype=pl.String)[school],
            "Код педагога": pl.Series(number + 1).cast(pl.String).str.zfill(3),
            "ФИО": person_names(rng, rng.random(n) < 0.82),
            "primary": primary,
            "first": sets[first],
            "second": sets[second],
            "doubles": doubles,
            "Стаж, лет": pl.Series(experience, dtype=pl.Int64),
            "Квалификационная категория": pl.Series(CATEGORIES, dtype=pl.String)[category],
            "Возраст": pl.Series(age, dtype=pl.Int64),
            "deficit_a": deficit_names[deficit_a],
            "deficit_b": deficit_names[deficit_b],
            "has_deficit": has_deficit,
            "two_deficits": two_deficits,
            "subject_deficit": subject_deficit,
            "diagnosed": diagnosed,
            "diagnosis_day": diagnosis_day,
            "Повышение квалификации": pl.Series(courses, dtype=pl.Int64),
        }
    )
    subjects = (
        pl.when("primary")
        .then(pl.lit(PRIMARY))
        .when("doubles")
        .then(pl.concat_str("first", "second", separator="; "))
        .otherwise(pl.col("first"))
    )
    specific = pl.lit(None, dtype=pl.String)
    for subject, deficit in reversed(_SUBJECT_DEFICITS):
        teaches = pl.col("Предметы").str.contains(subject, literal=True)
        specific = pl.when(teaches).then(pl.lit(deficit)).otherwise(specific)
    return (
        frame.with_columns(subjects.alias("Предметы"))
        .with_columns(
            pl.when("has_deficit")
            .then(
                pl.concat_str(
                    "deficit_a",
                    pl.when("two_deficits").then("deficit_b"),
                    pl.when("subject_deficit").then(specific),
                    separator="; ",
                    ignore_nulls=True,
                )
            )
            .alias("Дефициты"),
            pl.when("diagnosed")
            .then(pl.lit(autumn) + pl.duration(days=pl.col("diagnosis_day")))
            .alias("Дата диагностики"),
            pl.concat_str(pl.lit("П"), "Код педагога").alias("Код педагога"),
        )
        .select(TEACHER_COLUMNS)
    )
