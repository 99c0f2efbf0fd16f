"""Which tests each school writes: one cell per school, year, procedure, grade and subject."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from .context import year_label
from .model import (
    EGE,
    OGE,
    PROCEDURES,
    SCALE_INDEX,
    SCALES,
    VPR,
    VPR_DRAWN_COUNT,
    VPR_DRAWN_SUBJECTS,
    VPR_FIXED_SUBJECTS,
    subject_group,
)
from .population import TAKES_STATE_EXAMS, TAKES_VPR, Population

SCALE_GRADE = np.array([scale.grade for scale in SCALES])
SCALE_GROUP = np.array([subject_group(scale.subject) for scale in SCALES])
SCALE_PARTICIPATION = np.array([scale.participation for scale in SCALES])

RESULT_COLUMNS = (
    "Код ОО",
    "Учебный год",
    "Процедура",
    "Класс",
    "Предмет",
    "Участников",
    "2",
    "3",
    "4",
    "5",
    "Средний балл",
    "Не преодолели минимальный порог",
    "Понизили",
    "Подтвердили",
    "Повысили",
)
RESULT_TYPES = {
    "Код ОО": pl.String,
    "Учебный год": pl.String,
    "Процедура": pl.String,
    "Класс": pl.Int64,
    "Предмет": pl.String,
    "Участников": pl.Int64,
    "2": pl.Int64,
    "3": pl.Int64,
    "4": pl.Int64,
    "5": pl.Int64,
    "Средний балл": pl.Float64,
    "Не преодолели минимальный порог": pl.Int64,
    "Понизили": pl.Int64,
    "Подтвердили": pl.Int64,
    "Повысили": pl.Int64,
}


@dataclass(frozen=True)
class Cells:
    """Tests written, one entry per school, year and test (index into ``SCALES``)."""

    school: np.ndarray
    year: np.ndarray
    scale: np.ndarray
    eligible: np.ndarray  # students of the grade

    def subset(self, keep: np.ndarray) -> Cells:
        return Cells(self.school[keep], self.year[keep], self.scale[keep], self.eligible[keep])


def build_cells(rng: np.random.Generator, population: Population) -> Cells:
    """ВПР in grades 4–8, ОГЭ in grade 9, ЕГЭ in grade 11, for every grade that has students.

    Grades 6–8 write Russian and mathematics and two subjects drawn at random (per school and
    year) from history, biology, geography, social studies and, in grade 8, physics.
    """
    sizes = population.grade_sizes
    takes_vpr = TAKES_VPR[population.school_type][:, None]
    takes_exams = TAKES_STATE_EXAMS[population.school_type][:, None]
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(school: np.ndarray, year: np.ndarray, scale: np.ndarray | int) -> None:
        parts.append((school, year, np.broadcast_to(np.asarray(scale), school.shape)))

    for grade, subjects in VPR_FIXED_SUBJECTS.items():
        school, year = np.nonzero((sizes[:, :, grade] > 0) & takes_vpr)
        for subject in subjects:
            add(school, year, SCALE_INDEX[(VPR, grade, subject)])
        if grade in VPR_DRAWN_SUBJECTS:
            options = np.array([SCALE_INDEX[(VPR, grade, s)] for s in VPR_DRAWN_SUBJECTS[grade]])
            chosen = np.argsort(rng.random((len(school), len(options))), axis=1)[:, :VPR_DRAWN_COUNT]
            for j in range(VPR_DRAWN_COUNT):
                add(school, year, options[chosen[:, j]])
    for procedure, grade in ((OGE, 9), (EGE, 11)):
        school, year = np.nonzero((sizes[:, :, grade] > 0) & takes_exams)
        for (scale_procedure, _, _), index in SCALE_INDEX.items():
            if scale_procedure == procedure:
                add(school, year, index)
    school, year, scale = (np.concatenate(column).astype(np.int64) for column in zip(*parts, strict=True))
    order = np.lexsort((scale, year, school))
    school, year, scale = school[order], year[order], scale[order]
    return Cells(school, year, scale, sizes[school, year, SCALE_GRADE[scale]])


def result_frame(
    population: Population,
    school: np.ndarray,
    year: np.ndarray,
    procedure: list[str] | pl.Series,
    grade: np.ndarray,
    subject: list[str] | pl.Series,
    values: dict[str, np.ndarray],
    applies: dict[str, np.ndarray] | None = None,
) -> pl.DataFrame:
    """Rows of form 3 from arrays.

    Columns missing from ``values`` are empty; ``applies`` maps a column to the rows where it has
    a value (e.g. marks are empty for the ЕГЭ).
    """
    n = len(school)
    columns: dict[str, pl.Series] = {
        "Код ОО": pl.Series(population.codes.tolist(), dtype=pl.String)[school],
        "Учебный год": pl.Series([year_label(y) for y in population.years], dtype=pl.String)[year],
        "Процедура": pl.Series(procedure, dtype=pl.String),
        "Класс": pl.Series(grade, dtype=pl.Int64),
        "Предмет": pl.Series(subject, dtype=pl.String),
    }
    for name in RESULT_COLUMNS[5:]:
        if name in values:
            columns[name] = pl.Series(name, values[name]).cast(RESULT_TYPES[name])
        else:
            columns[name] = pl.repeat(None, n, dtype=RESULT_TYPES[name], eager=True).alias(name)
    frame = pl.DataFrame(columns)
    if applies:
        frame = frame.with_columns(
            pl.when(pl.Series(mask)).then(pl.col(name)).alias(name) for name, mask in applies.items()
        )
    return frame


def scale_names(scale: np.ndarray) -> tuple[pl.Series, pl.Series]:
    """Procedure and subject of each scale index."""
    procedures = pl.Series([s.procedure for s in SCALES], dtype=pl.String)
    subjects = pl.Series([s.subject for s in SCALES], dtype=pl.String)
    return procedures[scale], subjects[scale]


def sort_results(frame: pl.DataFrame) -> pl.DataFrame:
    """Form 3 in reading order: school, year, procedure (ВПР, ОГЭ, ЕГЭ, year marks), grade, subject."""
    order = pl.col("Процедура").replace_strict(list(PROCEDURES), list(range(len(PROCEDURES))))
    return frame.sort([pl.col("Код ОО"), pl.col("Учебный год"), order, pl.col("Класс"), pl.col("Предмет")])
