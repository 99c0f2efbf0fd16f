"""Benchmark: importing participants' results (form 4) through the real import path.

Generates N rows of form 4 as a CSV file, then in a fresh process for each database (SQLite file,
PostgreSQL when it answers on 127.0.0.1:5432) creates the region's schools and runs the same
steps as ``opora import``: store the upload, read and validate it, compare with the database,
write the rows and recompute the school figures. Prints seconds, rows per second and the peak
memory of the importing process, then the parts of the write: the stages the import reports
(writing the participants, rebuilding the indexes and keys set aside for the load, computing
and writing the school figures, the commit).

    .venv/bin/python bench/import_students.py                 # 1 000 000 rows
    .venv/bin/python bench/import_students.py --rows 200000 --backends sqlite

Target (issue 15, point 6): 1 000 000 rows in under 10 s on each database, under 1 GB peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "opora_bench_import"
SUBJECTS = ("Русский язык", "Математика", "История", "Биология", "География", "Обществознание")


def school_codes(schools: int) -> list[str]:
    return [
        f"{municipality:02d}{number:04d}" for municipality in range(1, 11) for number in range(1, schools // 10 + 1)
    ]


def write_students_csv(path: Path, rows: int, schools: int, seed: int = 1) -> None:
    """Form 4 rows of ВПР for one school year: about 100 participants per school, grade and subject."""
    rng = np.random.default_rng(seed)
    codes = np.array(school_codes(schools))
    school = rng.integers(0, len(codes), rows)
    grade = rng.integers(4, 9, rows)
    subject = rng.integers(0, len(SUBJECTS), rows)
    mark = np.clip(np.round(rng.normal(3.6, 0.8, rows)), 2, 5).astype(int)
    journal = np.clip(mark + rng.integers(-1, 2, rows), 2, 5)
    frame = pl.DataFrame(
        {
            "Код ОО": codes[school],
            "Учебный год": "2025/2026",
            "Процедура": "ВПР",
            "Класс": grade,
            "Предмет": np.array(SUBJECTS)[subject],
            "Код участника": [f"У{i:07d}" for i in range(rows)],
            "Первичный балл": (mark * 4 + rng.integers(0, 4, rows)).astype(int),
            "Тестовый балл": None,
            "Отметка": mark,
            "Отметка по журналу": journal,
        }
    )
    frame.write_csv(path, separator=";")


def child(backend: str, csv_path: Path, schools: int) -> None:
    """Runs in a fresh process: set up an empty database, import the file, print the figures."""
    import django

    django.setup()
    from django.core.management import call_command

    from opora.intake.regions import region_create
    from opora.intake.services import import_apply, import_check, import_upload
    from opora.schools.models import Municipality, School

    call_command("migrate", verbosity=0)
    region = region_create(name="Область для замера")
    municipalities = {
        code[:2]: Municipality.objects.get_or_create(region=region, name=f"Муниципалитет {code[:2]}")[0]
        for code in school_codes(schools)
    }
    new_schools = [
        School(code=code, name=f"Школа {code}", municipality=municipalities[code[:2]]) for code in school_codes(schools)
    ]
    for school in new_schools:
        school.fill_search_text()
    School.objects.bulk_create(new_schools)
    content = csv_path.read_bytes()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    started = time.perf_counter()
    batch = import_upload(region=region, file_name=csv_path.name, content=content, form_key=None, by=None)
    batch = import_check(batch=batch)
    checked = time.perf_counter()
    assert batch.status == "ready", batch.report.get("errors")
    stages: list[tuple[str, float]] = []
    batch = import_apply(
        batch=batch, by=None, progress=lambda percent, message: stages.append((message, time.perf_counter()))
    )
    finished = time.perf_counter()

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    total = finished - started
    print(
        f"{backend:<10} rows {batch.added:>9,}  check {checked - started:6.1f} s  write {finished - checked:6.1f} s  "
        f"total {total:6.1f} s  {batch.added / total:>9,.0f} rows/s  peak memory {peak / 1024:,.0f} MB "
        f"(before the import {baseline / 1024:,.0f} MB)".replace(",", " ")
    )
    print(f"{'':<10} parts of the write: " + "; ".join(write_parts(stages, finished)))


def write_parts(stages: list[tuple[str, float]], finished: float) -> list[str]:
    """Seconds of each stage the import reported, up to the next one (the last one to the end)."""
    ends = [moment for _, moment in stages[1:]] + [finished]
    return [f"{message} {end - begun:.1f} s" for (message, begun), end in zip(stages, ends, strict=True)]


def postgres_answers() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
        return True
    except Exception:
        return False


def fresh_postgres_database() -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
        connection.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    return f"postgresql://postgres@127.0.0.1:5432/{PG_BENCH_DB}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--schools", type=int, default=2000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.csv, args.schools)
        return

    with tempfile.TemporaryDirectory(prefix="opora-bench-") as directory:
        csv_path = Path(directory) / "04_student_results.csv"
        started = time.perf_counter()
        write_students_csv(csv_path, args.rows, args.schools)
        size = csv_path.stat().st_size / 1024 / 1024
        print(
            f"form 4 file: {args.rows:,} rows, {size:,.0f} MB, made in {time.perf_counter() - started:.1f} s".replace(
                ",", " "
            )
        )
        for backend in args.backends.split(","):
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "opora.settings",
                "OPORA_VAR_DIR": str(Path(directory) / backend),
            }
            if backend == "postgresql":
                if not postgres_answers():
                    print("postgresql: no server on 127.0.0.1:5432, skipped")
                    continue
                env["DATABASE_URL"] = fresh_postgres_database()
            else:
                env.pop("DATABASE_URL", None)
            command = [
                sys.executable,
                __file__,
                "--child",
                backend,
                "--csv",
                str(csv_path),
                "--schools",
                str(args.schools),
            ]
            subprocess.run(command, env=env, check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
