"""Speed of the regional dashboard «Состояние программы» for a region of 1 500 schools.

A fresh database (SQLite in a temporary directory; with ``--postgres`` also PostgreSQL, the
database ``opora_bench_dashboard`` on 127.0.0.1:5432, created and dropped here, skipped with a
printed line when no server answers) is migrated and given a region of ``--schools`` schools in
municipalities of 100, two finished identification runs (on 2024/2025, whose ШНОР are the list of
2025/2026, and on 2025/2026 with every school's yearly index), a regional program with
``--activities`` activities of 2025/2026 and 20 indicators, curators, partnerships, courses and an
event with registrations for the ШНОР.

Then, in a fresh process, the dashboard of 2025/2026 (``effectiveness:dashboard``) is rendered as
the region's administrator through Django's test Client: the first request of the new process
is timed and printed apart, ``--repeats`` more are timed (median and maximum in ms; the charts
are kept by their figures), then 3 more with every chart drawn again (as after the data changed),
and the queries of one request are counted. Target: under 300 ms.

Run: ``.venv/bin/python bench/dashboard.py [--schools 1500] [--activities 3000] [--repeats 9] [--postgres]``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import child, postgres_answers  # noqa: E402  (bench/common.py, beside this script)
from common import postgres as pg_execute  # noqa: E402

PG_BENCH_DB = "opora_bench_dashboard"
TARGET_MS = 300
YEAR = 2026


def prepare(n_schools: int, n_activities: int) -> None:
    """Child process: migrate a fresh database and build the region; print JSON with what was built."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from opora.accounts.models import Role, User
    from opora.events.models import Event, Registration
    from opora.identification.models import IdentificationRun, Methodology, RunSchool, RunStatus
    from opora.intake.regions import region_create
    from opora.programs.models import Activity, Program, ProgramIndicator
    from opora.schools.models import Municipality, School, SchoolYear
    from opora.support.models import CourseRecord, CuratorAssignment, Partnership, Teacher

    started = time.perf_counter()
    rng = random.Random(1)
    call_command("migrate", verbosity=0)
    region = region_create(name="Замерная область")
    municipalities = [
        Municipality.objects.create(region=region, name=f"Район № {index + 1}")
        for index in range((n_schools + 99) // 100)
    ]
    School.objects.bulk_create(
        School(
            municipality=municipalities[index // 100],
            code=f"{index // 100 + 1:02d}{index % 100 + 1:04d}",
            name=f"Муниципальное бюджетное общеобразовательное учреждение «Школа № {index + 1}»",
            short_name=f"МБОУ СОШ № {index + 1}",
        )
        for index in range(n_schools)
    )
    schools = list(School.objects.filter(municipality__region=region).order_by("code"))
    methodology = Methodology.objects.filter(region=region).first()
    levels = {school.pk: rng.gauss(0, 1) for school in schools}
    cut = sorted(levels.values())[len(schools) // 10]
    shnor = [school for school in schools if levels[school.pk] <= cut]
    for end_year in (YEAR - 1, YEAR):
        run = IdentificationRun.objects.create(
            region=region,
            year=SchoolYear.objects.get_or_create(end_year=end_year)[0],
            methodology=methodology,
            status=RunStatus.DONE,
        )
        lines = []
        for school in schools:
            level = levels[school.pk] + (0.1 * rng.gauss(0, 1) if end_year == YEAR else 0.0)
            lines.append(
                RunSchool(
                    run=run,
                    school=school,
                    code=school.code,
                    name=school.name,
                    municipality=school.municipality.name,
                    results_index=level,
                    results_index_lower=level - 0.3,
                    results_index_upper=level + 0.3,
                    cluster=rng.randint(1, 6),
                    low_results=levels[school.pk] <= cut,
                    details={
                        "yearly": [
                            {"year": year, "raw_index": level + 0.05 * rng.gauss(0, 1), "raw_variance": 0.02}
                            for year in (end_year - 1, end_year)
                        ]
                    },
                )
            )
        RunSchool.objects.bulk_create(lines, batch_size=500)
    admin = User(username="region_admin", role=Role.REGION_ADMIN, region=region, last_name="Иванова")
    admin.set_unusable_password()
    admin.save()
    curator = User(username="curator", role=Role.CURATOR, region=region, last_name="Петрова")
    curator.set_unusable_password()
    curator.save()
    start = datetime.date(YEAR - 1, 9, 1)
    CuratorAssignment.objects.bulk_create(
        CuratorAssignment(curator=curator, school=school, starts_on=start) for school in shnor
    )
    strong = [school for school in schools if levels[school.pk] > 1]
    Partnership.objects.bulk_create(
        Partnership(school=school, partner=strong[index % len(strong)], year=YEAR)
        for index, school in enumerate(shnor[: len(shnor) // 2])
    )
    Teacher.objects.bulk_create(Teacher(school=school, code=f"T{index}") for index, school in enumerate(shnor))
    CourseRecord.objects.bulk_create(
        CourseRecord(teacher=teacher, title="Курсы ПК", finished_on=datetime.date(YEAR, 3, 1))
        for teacher in Teacher.objects.all()[: len(shnor) // 3]
    )
    event = Event.objects.create(
        region=region,
        title="Региональный семинар",
        kind="seminar",
        organiser="ИРО",
        starts_at=timezone.make_aware(datetime.datetime(YEAR, 2, 10, 10)),
        status="held",
    )
    Registration.objects.bulk_create(
        Registration(event=event, school=school, participants=2, attended=True) for school in shnor[::2]
    )
    program = Program.objects.create(region=region, kind="municipal_program", title="Программа поддержки ШНОР")
    statuses = ["done", "done", "in_progress", "not_started", "not_done", "partly_done"]
    Activity.objects.bulk_create(
        Activity(
            program=program,
            number=str(index + 1),
            content=f"Мероприятие {index + 1}",
            status=statuses[index % len(statuses)],
            ends_on=start + datetime.timedelta(days=index % 360),
        )
        for index in range(n_activities)
    )
    ProgramIndicator.objects.bulk_create(
        ProgramIndicator(
            program=program, number=str(index + 1), position=index, name=f"Показатель {index + 1}", unit="%",
            targets={f"{YEAR - 1}/{YEAR}": "не менее 50"},
        )
        for index in range(20)
    )  # fmt: skip
    print(
        json.dumps(
            {
                "schools": len(schools),
                "shnor": len(shnor),
                "activities": n_activities,
                "seconds": time.perf_counter() - started,
            }
        )
    )


def measure(repeats: int) -> None:
    """Child process: render the dashboard ``repeats`` times after a warm-up; print JSON with the figures."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from opora.accounts.models import User

    url = f"{reverse('effectiveness:dashboard')}?year={YEAR}"
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="region_admin"))
    started = time.perf_counter()
    response = client.get(url)
    first_ms = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured)
    from opora.effectiveness.charts import bars_svg

    redrawn = []
    for _ in range(3):  # the figures changed: every chart drawn again, in a process already serving
        bars_svg.cache_clear()
        started = time.perf_counter()
        client.get(url)
        redrawn.append((time.perf_counter() - started) * 1000)
    page = response.content.decode()
    print(
        json.dumps(
            {
                "first_ms": first_ms,
                "redrawn_ms": statistics.median(redrawn),
                "median_ms": statistics.median(times),
                "max_ms": max(times),
                "queries": queries,
                "charts": page.count("<svg"),
            }
        )
    )


def run_backend(label: str, env: dict[str, str], args: argparse.Namespace) -> None:
    built = child(__file__, ["--prepare", str(args.schools), str(args.activities)], env)
    print(
        f"{label}: школ {built['schools']}, ШНОР {built['shnor']}, мероприятий {built['activities']} "
        f"(подготовка {built['seconds']:.1f} с, не входит в замер)"
    )
    figures = child(__file__, ["--measure", str(args.repeats)], env)
    print(
        f"  региональная панель «Состояние программы» (effectiveness:dashboard, {YEAR - 1}/{YEAR}): "
        f"медиана {figures['median_ms']:.0f} мс, максимум {figures['max_ms']:.0f} мс из {args.repeats} "
        f"(цель < {TARGET_MS} мс); с перерисовкой всех графиков (данные изменились) — медиана "
        f"{figures['redrawn_ms']:.0f} мс; самый первый запрос нового процесса {figures['first_ms']:.0f} мс; "
        f"запросов {figures['queries']}; графиков {figures['charts']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=1500, help="школ региона")
    parser.add_argument("--activities", type=int, default=3000, help="мероприятий программы региона")
    parser.add_argument("--repeats", type=int, default=9, help="замеряемых запросов")
    parser.add_argument("--postgres", action="store_true", help="и в PostgreSQL на 127.0.0.1:5432")
    parser.add_argument("--prepare", nargs=2, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=1, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(*args.prepare)
        return
    if args.measure:
        measure(*args.measure)
        return
    print(f"Панель состояния программы: регион из {args.schools} школ")
    with tempfile.TemporaryDirectory(prefix="opora-bench-") as temporary:
        base = {**os.environ, "DJANGO_SETTINGS_MODULE": "opora.settings"}
        sqlite = {**base, "OPORA_VAR_DIR": str(Path(temporary) / "sqlite")}
        sqlite.pop("DATABASE_URL", None)
        run_backend("SQLite", sqlite, args)
        if not args.postgres:
            print("PostgreSQL: не замерялся (включается ключом --postgres)")
        elif not postgres_answers():
            print("PostgreSQL: сервер на 127.0.0.1:5432 не отвечает, пропущено")
        else:
            pg_execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
            pg_execute(f"CREATE DATABASE {PG_BENCH_DB}")
            try:
                postgres = {
                    **base,
                    "OPORA_VAR_DIR": str(Path(temporary) / "postgres"),
                    "DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{PG_BENCH_DB}",
                }
                run_backend("PostgreSQL", postgres, args)
            finally:
                pg_execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
