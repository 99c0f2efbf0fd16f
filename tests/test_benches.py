"""The benchmark scripts still run: each on a tiny input, checking that it prints its figures.

The figures themselves are not checked here (speed and quality are read from the full runs that
the README lists); this only keeps the scripts from rotting as the product changes.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_OR_SKIPPED = object()
"""Expected of a bench that needs PostgreSQL: its result line, or the line saying it skipped."""

CASES = [
    (
        ["identification_quality.py", "--seeds", "1", "2", "--schools", "80", "--aggregated"],
        ["ШНОР против скрытой истины", "Разница F1", "Предел (оракул", "с предметными эффектами", "стандартная ошибка"],
    ),
    (
        ["identification_speed.py", "--schools", "300", "--rows", "20000", "--repeats", "1"],
        ["отношение", "результаты совпадают: да"],
    ),
    (
        ["import_students.py", "--rows", "2000", "--schools", "20", "--backends", "sqlite"],
        ["rows/s", "peak memory"],
    ),
    (
        ["read_students.py", "--rows", "2000", "--xlsx-rows", "300"],
        ['"errors": 0'],
    ),
    (
        ["risks.py", "--schools", "30", "--analytics-schools", "300"],
        ["profiles_now", "(цель < 10 с)", "профилей 30, факторов 14", "(цель < 60 с)", "у 300 школ"],
    ),
    (
        ["programs.py", "--activities", "20", "--schools", "5", "--total-activities", "100", "--repeats", "2"],
        ["SQLite: школ 5, программ 10, мероприятий 100", "дорожная карта школы (мероприятий 20", "(цель < 300 мс)"],
    ),
    (
        ["dashboard.py", "--schools", "120", "--activities", "50", "--repeats", "1"],
        ["SQLite: школ 120, ШНОР 13", "(цель < 300 мс)", "графиков 5"],
    ),
    (
        ["reports.py", "--schools", "30", "--repeats", "1"],
        ["SQLite: школ 30, ШНОР 3", "(цель < 10 с)", "аналитическая справка школы"],
    ),
    (
        # gunicorn and locust on PostgreSQL; without a server the bench says it skipped
        ["load.py", "--schools", "30", "--users", "3", "--time", "10s", "--gunicorn-workers", "1", "--threads", "2"],
        [POSTGRES_OR_SKIPPED],
    ),
    (
        ["partners.py", "--schools", "100", "--repeats", "1"],
        ["школ 100, ШНОР 10, строк формы 3 600", "(цель < 5 с)", "Аналитика отдельно", "ШНОР 10, с партнёром"],
    ),
]


@pytest.mark.parametrize(("arguments", "expected"), CASES, ids=[case[0][0] for case in CASES])
def test_bench_runs_on_a_tiny_input(arguments, expected, tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / arguments[0]), *arguments[1:]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "OPORA_VAR_DIR": str(tmp_path / "var")},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for text in expected:
        if text is POSTGRES_OR_SKIPPED:
            assert "Записи без потерь и повторов: да" in done.stdout or "замер пропущен" in done.stdout, done.stdout
        else:
            assert text in done.stdout, done.stdout[-3000:]
