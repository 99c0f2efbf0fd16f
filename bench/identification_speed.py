"""Speed and memory of the analytics at country size.

1. Identification of a country-size input: 40 000 schools, 3 school years, form 3 aggregates,
   form 2 context and form 5 outcomes (drawn by the demo generator without students, written
   to Parquet), through ``opora.analytics.identify`` in a fresh process: wall time and peak RSS.
   Target: under 20 s and 4 GB on a 2-core machine.
2. Aggregation of 15 million student rows (form 4, synthetic, written to Parquet) to form 3:
   ``aggregate_student_results`` over ``pl.scan_parquet`` against the same aggregation written
   directly in DuckDB SQL over the same file; both times and their ratio. Target: ratio ≤ 1.5.

Run: ``.venv/bin/python bench/identification_speed.py [--schools 40000] [--rows 15000000]``.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from opora.analytics import DEFAULT_EGE_THRESHOLDS, aggregate_student_results  # noqa: E402


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# ---------------------------------------------------------------- 1. identification
def write_country(directory: Path, n_schools: int, seed: int) -> int:
    """Draw the region with the demo generator and write the four inputs as Parquet."""
    from identification_quality import region_frames  # bench/ is on sys.path when run as a script

    from opora.demo.generator import generate_region

    started = time.perf_counter()
    region = generate_region(
        seed=seed, n_schools=n_schools, with_students=False, n_municipalities=max(4, n_schools // 2000)
    )
    frames = region_frames(region)
    for name, frame in frames.items():
        frame.write_parquet(directory / f"{name}.parquet")
    print(
        f"  данные: {n_schools} школ, {frames['results'].height} строк формы 3, "
        f"{frames['context'].height} строк контекста "
        f"(подготовка {time.perf_counter() - started:.1f} с, не входит в замер)"
    )
    return int(frames["results"]["year"].max())


def run_identification(directory: Path, year: int) -> None:
    """Child process: read the Parquet inputs, identify, print JSON with time and peak RSS."""
    from opora.analytics import identify, to_report_frame

    started = time.perf_counter()
    frames = {
        name: pl.read_parquet(directory / f"{name}.parquet") for name in ("results", "context", "schools", "outcomes")
    }
    loaded = time.perf_counter()
    identification = identify(**frames, year=year)
    report = to_report_frame(identification)
    finished = time.perf_counter()
    print(
        json.dumps(
            {
                "read_seconds": loaded - started,
                "identify_seconds": finished - loaded,
                "peak_rss_mb": peak_rss_mb(),
                "schools": report.height,
                "low_results": int(report["ШНОР"].sum()),
            }
        )
    )


# ---------------------------------------------------------------- 2. student aggregation
VPR_SUBJECTS = ("Русский язык", "Математика", "История", "Биология", "География", "Обществознание")
OGE_SUBJECTS = ("Русский язык", "Математика", "Обществознание", "Биология", "Информатика", "География")
EGE_SUBJECTS = ("Русский язык", "Математика (профильная)", "Обществознание", "Биология", "Физика", "История")


def write_students(path: Path, n_rows: int, n_schools: int, seed: int) -> None:
    """Synthetic form 4: ВПР (grades 4–8), ОГЭ (9), ЕГЭ (11) with scores, marks and journal marks."""
    rng = np.random.default_rng(seed)
    procedure = rng.choice(3, size=n_rows, p=[0.7, 0.2, 0.1])  # ВПР, ОГЭ, ЕГЭ
    grade = np.where(procedure == 0, rng.integers(4, 9, n_rows), np.where(procedure == 1, 9, 11))
    subject = rng.integers(0, 6, n_rows)
    school = rng.integers(0, n_schools, n_rows)
    ability = rng.standard_normal(n_rows)
    primary = np.clip(np.rint(15 + 6 * ability), 0, 40)
    mark = np.clip(2 + np.searchsorted([-1.1, 0.0, 1.1], ability), 2, 5)
    journal = np.clip(mark + rng.choice([-1, 0, 1], size=n_rows, p=[0.15, 0.6, 0.25]), 2, 5)
    test_score = np.clip(np.rint(60 + 18 * ability), 0, 100)
    is_ege = procedure == 2
    is_vpr = procedure == 0
    subjects = pl.Series([*VPR_SUBJECTS, *OGE_SUBJECTS, *EGE_SUBJECTS])
    frame = pl.DataFrame(
        {
            "code": pl.Series(school, dtype=pl.Int64).cast(pl.String).str.zfill(6),
            "year": pl.Series(np.full(n_rows, 2026), dtype=pl.Int64),
            "procedure": pl.Series(["ВПР", "ОГЭ", "ЕГЭ"])[procedure],
            "grade": pl.Series(grade, dtype=pl.Int64),
            "subject": subjects[procedure * 6 + subject],
            "participant_code": pl.Series(np.arange(n_rows), dtype=pl.Int64).cast(pl.String).str.zfill(8),
            "primary_score": pl.Series(primary, dtype=pl.Float64),
            "test_score": pl.Series(np.where(is_ege, test_score, np.nan)).fill_nan(None),
            "mark": pl.Series(np.where(is_ege, -1, mark), dtype=pl.Int64),
            "journal_mark": pl.Series(np.where(is_vpr, journal, -1), dtype=pl.Int64),
        }
    ).with_columns(pl.when(pl.col(c) >= 0).then(pl.col(c)).alias(c) for c in ("mark", "journal_mark"))
    frame.write_parquet(path)


DUCKDB_SQL = """
SELECT code, year, procedure, grade, subject,
       count(*) AS participants,
       CASE WHEN procedure <> 'ЕГЭ' AND count(mark) > 0 THEN count_if(mark = 2) END AS marks_2,
       CASE WHEN procedure <> 'ЕГЭ' AND count(mark) > 0 THEN count_if(mark = 3) END AS marks_3,
       CASE WHEN procedure <> 'ЕГЭ' AND count(mark) > 0 THEN count_if(mark = 4) END AS marks_4,
       CASE WHEN procedure <> 'ЕГЭ' AND count(mark) > 0 THEN count_if(mark = 5) END AS marks_5,
       round(avg(CASE WHEN procedure = 'ЕГЭ' THEN test_score
                      WHEN procedure = 'Годовые отметки' THEN mark
                      ELSE primary_score END), 2) AS mean_score,
       CASE WHEN procedure = 'ЕГЭ' AND any_value(t.threshold) IS NOT NULL
            THEN count_if(test_score < t.threshold) END AS below_threshold,
       CASE WHEN procedure = 'ВПР' THEN count_if(mark < journal_mark) END AS lowered,
       CASE WHEN procedure = 'ВПР' THEN count_if(mark = journal_mark) END AS confirmed,
       CASE WHEN procedure = 'ВПР' THEN count_if(mark > journal_mark) END AS raised
FROM read_parquet(?) AS s
LEFT JOIN thresholds AS t USING (subject)
GROUP BY code, year, procedure, grade, subject
ORDER BY code, year, procedure, grade, subject
"""


def time_aggregation(path: Path, repeats: int) -> tuple[list[float], list[float], bool]:
    import duckdb

    polars_times, duckdb_times = [], []
    ours = theirs = None
    connection = duckdb.connect()
    connection.execute("SET threads TO 2")
    values = ", ".join(f"('{subject}', {threshold})" for subject, threshold in DEFAULT_EGE_THRESHOLDS.items())
    connection.execute(f"CREATE TABLE thresholds AS SELECT * FROM (VALUES {values}) AS t(subject, threshold)")
    for _ in range(repeats):
        started = time.perf_counter()
        ours = aggregate_student_results(pl.scan_parquet(path))
        polars_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        # fetchnumpy: DuckDB's .pl() would need pyarrow, which Опора does not depend on
        theirs = pl.DataFrame(connection.execute(DUCKDB_SQL, [str(path)]).fetchnumpy())
        duckdb_times.append(time.perf_counter() - started)
    assert ours is not None and theirs is not None
    same = ours.cast({c: pl.Float64 for c in ours.columns if ours.schema[c].is_numeric()}).equals(
        theirs.select(ours.columns).cast({c: pl.Float64 for c in ours.columns if ours.schema[c].is_numeric()})
    )
    return polars_times, duckdb_times, same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=40_000)
    parser.add_argument("--rows", type=int, default=15_000_000, help="student rows (form 4)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-identification", action="store_true")
    parser.add_argument("--skip-aggregation", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("DIR", "YEAR"), help=argparse.SUPPRESS)
    parser.add_argument("--write-students", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write_students:
        path, rows, schools, seed = args.write_students
        write_students(Path(path), int(rows), int(schools), int(seed))
        return
    if args.child:
        run_identification(Path(args.child[0]), int(args.child[1]))
        return
    with tempfile.TemporaryDirectory(prefix="opora-bench-") as temporary:
        directory = Path(temporary)
        if not args.skip_identification:
            print(f"1. Выявление: {args.schools} школ, 3 года (формы 1, 2, 3, 5)")
            year = write_country(directory, args.schools, args.seed)
            child = subprocess.run(
                [sys.executable, __file__, "--child", str(directory), str(year)],
                check=True,
                capture_output=True,
                text=True,
            )
            figures = json.loads(child.stdout.strip().splitlines()[-1])
            print(
                f"  чтение Parquet {figures['read_seconds']:.1f} с; "
                f"identify + отчёт {figures['identify_seconds']:.1f} с "
                f"(цель < 20 с); пиковая память процесса {figures['peak_rss_mb'] / 1024:.2f} ГБ (цель < 4 ГБ); "
                f"школ в отчёте {figures['schools']}, ШНОР {figures['low_results']}"
            )
        if not args.skip_aggregation:
            print(f"2. Агрегация формы 4: {args.rows:,} строк".replace(",", " "))
            path = directory / "students.parquet"
            started = time.perf_counter()
            # drawn in a child process, so the peak memory below is that of the aggregation
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--write-students",
                    str(path),
                    str(args.rows),
                    str(args.schools),
                    str(args.seed),
                ],
                check=True,
            )
            print(f"  Parquet {path.stat().st_size / 2**20:.0f} МБ (подготовка {time.perf_counter() - started:.1f} с)")
            polars_times, duckdb_times, same = time_aggregation(path, args.repeats)
            best_polars, best_duckdb = min(polars_times), min(duckdb_times)
            print("  Polars (aggregate_student_results): " + ", ".join(f"{t:.2f}" for t in polars_times) + " с")
            print("  DuckDB SQL:                         " + ", ".join(f"{t:.2f}" for t in duckdb_times) + " с")
            print(
                f"  лучшее: Polars {best_polars:.2f} с, DuckDB {best_duckdb:.2f} с, отношение "
                f"{best_polars / best_duckdb:.2f} (цель ≤ 1,5); результаты совпадают: {'да' if same else 'НЕТ'}"
            )
            print(f"  пиковая память процесса агрегации (оба движка): {peak_rss_mb() / 1024:.2f} ГБ")


if __name__ == "__main__":
    main()
