"""Writing the demo region in the file forms users bring (xlsx, and CSV for form 4)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from openpyxl import Workbook

from .region import DemoRegion

EXCEL_MAX_ROWS = 1_048_576
WORKBOOKS = (
    # file, sheet, attribute of DemoRegion
    ("01_schools.xlsx", "Реестр ОО", "schools"),
    ("02_context.xlsx", "Контекстные данные", "context"),
    ("03_results.xlsx", "Результаты по ОО", "results"),
    ("05_outcomes.xlsx", "Итоги учебного года", "outcomes"),
    ("08_teachers.xlsx", "Педагоги", "teachers"),
)


def _write_workbook(frame: pl.DataFrame, sheet: str, path: Path) -> None:
    """One sheet (more when the rows exceed Excel's limit), the column names in the first row."""
    workbook = Workbook(write_only=True)
    per_sheet = EXCEL_MAX_ROWS - 1
    chunks = [frame.slice(offset, per_sheet) for offset in range(0, max(frame.height, 1), per_sheet)]
    for number, chunk in enumerate(chunks, start=1):
        worksheet = workbook.create_sheet(sheet if number == 1 else f"{sheet} ({number})")
        worksheet.append(frame.columns)
        for row in chunk.iter_rows():
            worksheet.append(row)
    workbook.save(path)


def export_region(region: DemoRegion, directory: Path) -> list[Path]:
    """Write the region's files into ``directory`` (created if missing); return their paths.

    Forms 1, 2, 3, 5 and 8 go to ``01_schools.xlsx``, ``02_context.xlsx``, ``03_results.xlsx``,
    ``05_outcomes.xlsx`` and ``08_teachers.xlsx`` (one sheet named after the form, the column
    names in the first row, codes as text, unknown values as empty cells). Form 4 goes to one CSV
    per school year, ``04_student_results_2023-2024.csv`` etc. (UTF-8 with BOM, «;» separator).
    The hidden truth is not written: see :func:`write_truth`.

    Examples
    --------
    >>> import tempfile
    >>> from opora.demo.generator import generate_region
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths = export_region(generate_region(n_schools=5, n_years=1), Path(folder))
    >>> [path.name for path in paths][:2]
    ['01_schools.xlsx', '02_context.xlsx']
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for file_name, sheet, attribute in WORKBOOKS:
        path = directory / file_name
        _write_workbook(getattr(region, attribute), sheet, path)
        paths.append(path)
    if region.student_results is not None:
        for year in region.student_results["Учебный год"].unique().sort().to_list():
            path = directory / f"04_student_results_{year.replace('/', '-')}.csv"
            rows = region.student_results.filter(pl.col("Учебный год") == year)
            rows.write_csv(path, separator=";", include_bom=True)
            paths.append(path)
    return sorted(paths)


def write_truth(region: DemoRegion, path: Path) -> Path:
    """Write the hidden truth (one row per school) as CSV, UTF-8, «,» separator; return the path.

    Columns: code, quality, disadvantage, true_results, subject_effect, truly_low_results, unfavourable,
    resilient, inflates_vpr, mass_failure (see docs/demo.md). The product never reads it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    region.truth.write_csv(path)
    return path
