"""Benchmark: reading and validating form 4 (student-level results) as CSV and .xlsx.

Generates N rows of valid form-4 data, writes them as CSV (UTF-8 or Windows-1251, «;») and as
.xlsx (fewer rows by default: Excel files are slower to make), then reads and validates each
file in a fresh process, so the peak memory reported is that of reading alone.

    .venv/bin/python bench/read_students.py --rows 1000000 --xlsx-rows 1000000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from opora.intake.formats import STUDENT_RESULTS


def student_frame(n: int, *, seed: int = 1) -> pl.DataFrame:
    """N valid form-4 rows: ВПР, ОГЭ and ЕГЭ of about 300 schools, unique participant codes."""
    rng = np.random.default_rng(seed)
    procedure = rng.choice(np.array(["ВПР", "ОГЭ", "ЕГЭ"]), n, p=[0.7, 0.2, 0.1])
    grade = np.where(procedure == "ОГЭ", 9, np.where(procedure == "ЕГЭ", 11, rng.integers(4, 9, n)))
    subject = rng.choice(np.array(["Русский язык", "Математика", "История", "Биология"]), n)
    subject = np.where(
        procedure == "ЕГЭ", np.where(subject == "Математика", "Математика (профильная)", subject), subject
    )
    mark = rng.integers(2, 6, n)
    is_ege = procedure == "ЕГЭ"
    return pl.DataFrame(
        {
            "code": pl.Series(rng.integers(1, 300, n)).cast(pl.String).str.zfill(6),
            "year": pl.Series(rng.integers(2022, 2025, n)),
            "procedure": procedure,
            "grade": pl.Series(grade, dtype=pl.Int64),
            "subject": subject,
            "participant_code": pl.Series(np.arange(n)).cast(pl.String).str.zfill(8),
            "primary_score": pl.Series(rng.integers(0, 40, n)),
            "test_score": pl.Series(np.where(is_ege, rng.integers(0, 101, n), -1)),
            "mark": pl.Series(np.where(is_ege, -1, mark)),
            "journal_mark": pl.Series(np.where(procedure == "ВПР", rng.integers(2, 6, n), -1)),
        }
    ).with_columns(
        [pl.when(pl.col(c) >= 0).then(pl.col(c)).alias(c) for c in ("test_score", "mark", "journal_mark")]
    )


def write_csv(frame: pl.DataFrame, path: Path, encoding: str) -> None:
    labelled = frame.with_columns(
        pl.concat_str([(pl.col("year") - 1).cast(pl.String), pl.lit("/"), pl.col("year").cast(pl.String)])
    ).rename({column.field: column.header for column in STUDENT_RESULTS.columns})
    text = labelled.write_csv(separator=";")
    path.write_bytes(text.encode(encoding))


def measure(path: Path) -> dict[str, float]:
    """Read and validate one file here; print the figures as JSON (run in a child process)."""
    from opora.intake.validation import check_file

    start = time.perf_counter()
    result = check_file(path)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "rows": result.frame.height,
        "errors": result.error_count,
        "seconds": round(seconds, 2),
        "rows_per_second": round(result.frame.height / seconds),
        "peak_rss_mb": round(peak_mb),
        "form": result.form.key,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=200_000)
    parser.add_argument("--encoding", default="utf-8", choices=["utf-8", "cp1251"])
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.measure:
        print(json.dumps(measure(arguments.measure)))
        return

    from opora.intake.writing import write_workbook

    with tempfile.TemporaryDirectory() as folder:
        files = []
        csv_path = Path(folder) / "students.csv"
        start = time.perf_counter()
        write_csv(student_frame(arguments.rows), csv_path, arguments.encoding)
        print(
            f"CSV: {arguments.rows} rows, {csv_path.stat().st_size / 2**20:.0f} MB, made in "
            f"{time.perf_counter() - start:.1f} s"
        )
        files.append(csv_path)
        if arguments.xlsx_rows:
            xlsx_path = Path(folder) / "students.xlsx"
            start = time.perf_counter()
            write_workbook(student_frame(arguments.xlsx_rows), STUDENT_RESULTS, xlsx_path)
            print(
                f"XLSX: {arguments.xlsx_rows} rows, {xlsx_path.stat().st_size / 2**20:.0f} MB, written in "
                f"{time.perf_counter() - start:.1f} s"
            )
            files.append(xlsx_path)
        for path in files:
            child = subprocess.run(
                [sys.executable, __file__, "--measure", str(path)], capture_output=True, text=True, check=True
            )
            print(f"{path.suffix}: {child.stdout.strip()}")


if __name__ == "__main__":
    main()
