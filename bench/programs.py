"""Speed of the program pages: a school's roadmap and the municipal monitoring dashboard.

A fresh database (SQLite in a temporary directory; with ``--postgres`` also PostgreSQL, the
database ``opora_bench_programs`` on 127.0.0.1:5432, created and dropped here, skipped with a
printed line when no server answers) is migrated and given a region with one municipality of
100 schools. Every school has a roadmap; the first school's has 200 activities, the others
share the rest of the 5 000 activities of the municipality. The roadmaps have sections,
activities of every status (some overdue, some with a measure of the catalog), status changes
with reports, comments with replies, indicators with targets and actuals (one per 20 activities,
at least two), workflow steps, a progress review, an approved version and an antirisk program under them.

Then, in a fresh process, each page is rendered through Django's test Client (with every
middleware, the session and the templates): the roadmap (``programs:detail``) as the school's
team, the dashboard (``programs:dashboard``) as the municipal coordinator. One request warms up
and is not counted, then ``--repeats`` requests are timed: median and maximum in ms, and the
number of queries of one request. Target: under 300 ms each, on SQLite and on PostgreSQL.

Run: ``.venv/bin/python bench/programs.py [--activities 200] [--schools 100]
[--total-activities 5000] [--repeats 9] [--postgres]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import child, postgres_answers  # noqa: E402  (bench/common.py, beside this script)
from common import postgres as pg_execute  # noqa: E402

PG_BENCH_DB = "opora_bench_programs"
TARGET_MS = 300


# ---------------------------------------------------------------- the data
def roadmap(school, activities: int, *, team, curator, factor_key: str, measures: list):
    """The demo roadmap (``opora.demo.programs``) the pages are measured on."""
    from opora.demo.programs import demo_roadmap

    return demo_roadmap(school, activities, team=team, curator=curator, factor_key=factor_key, measures=measures)


def shares(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` nearly equal whole numbers."""
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


def prepare(n_activities: int, n_schools: int, total_activities: int) -> None:
    """Child process: migrate a fresh database and build the municipality; print JSON with what was built."""
    import django

    django.setup()
    from django.core.management import call_command

    from opora.accounts.models import Role, User
    from opora.intake.regions import region_create
    from opora.programs.models import Activity, Program, ProgramIndicator
    from opora.risks.models import Measure, RiskFactor
    from opora.schools.models import Municipality, School

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    region = region_create(name="Замерная область")
    municipality = Municipality.objects.create(region=region, name="Замерный район")
    schools = [
        School.objects.create(
            municipality=municipality,
            code=f"{index + 1:06d}",
            name=f"Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № {index + 1}»",
            short_name=f"МБОУ СОШ № {index + 1}",
        )
        for index in range(n_schools)
    ]

    def user(username: str, **fields) -> User:
        person = User(username=username, last_name="Иванова", first_name="Мария", region=region, **fields)
        person.set_unusable_password()
        person.save()
        return person

    team = user("school_team", role=Role.SCHOOL_TEAM, municipality=municipality, school=schools[0])
    user("coordinator", role=Role.MUNICIPAL_COORDINATOR, municipality=municipality)
    curator = user("curator", role=Role.CURATOR)
    curator.curated_schools.set(schools)
    factor = RiskFactor.objects.filter(factor_set__region=region).first()
    measures = list(Measure.objects.filter(region=region)[:5])
    rest = shares(max(0, total_activities - n_activities), max(1, n_schools - 1))
    first = None
    for index, school in enumerate(schools):
        size = n_activities if index == 0 else rest[index - 1]
        program = roadmap(
            school, size, team=team, curator=curator, factor_key=factor.key if factor else "", measures=measures
        )
        first = first or program
    print(
        json.dumps(
            {
                "program": first.pk,
                "schools": n_schools,
                "programs": Program.objects.count(),
                "activities": Activity.objects.count(),
                "roadmap_activities": first.activities.count(),
                "roadmap_indicators": first.indicators.count(),
                "indicators": ProgramIndicator.objects.count(),
                "seconds": time.perf_counter() - started,
            }
        )
    )


# ---------------------------------------------------------------- the pages
def measure(program: int, repeats: int) -> None:
    """Child process: render each page ``repeats`` times after a warm-up; print JSON with the figures."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from opora.accounts.models import User

    pages = {
        "roadmap": ("school_team", reverse("programs:detail", args=[program])),
        "dashboard": ("coordinator", reverse("programs:dashboard")),
    }
    figures = {}
    for name, (username, url) in pages.items():
        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.get(username=username))
        response = client.get(url)  # warm-up: templates, the session, the user
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        figures[name] = {
            "median_ms": statistics.median(times),
            "max_ms": max(times),
            "queries": len(captured),
            "kb": len(response.content) / 1024,
            "links": response.content.decode().count(f"/programs/{program}/activities/"),
        }
    print(json.dumps(figures))


# ---------------------------------------------------------------- the runs
def run_backend(label: str, env: dict[str, str], args: argparse.Namespace) -> None:
    prepared = child(__file__, ["--prepare", str(args.activities), str(args.schools), str(args.total_activities)], env)
    print(
        f"{label}: школ {prepared['schools']}, программ {prepared['programs']}, мероприятий {prepared['activities']}, "
        f"показателей {prepared['indicators']}; в дорожной карте первой школы мероприятий "
        f"{prepared['roadmap_activities']}, показателей {prepared['roadmap_indicators']} "
        f"(подготовка {prepared['seconds']:.1f} с, не входит в замер)"
    )
    figures = child(__file__, ["--measure", str(prepared["program"]), str(args.repeats)], env)
    # the roadmap page links every activity it lists: it did render the whole roadmap
    assert figures["roadmap"]["links"] >= prepared["roadmap_activities"], figures["roadmap"]
    titles = {
        "roadmap": f"дорожная карта школы (мероприятий {prepared['roadmap_activities']}, "
        f"показателей {prepared['roadmap_indicators']}; programs:detail, команда школы)",
        "dashboard": f"мониторинг (школ {prepared['schools']}, мероприятий {prepared['activities']}; "
        "programs:dashboard, координатор)",
    }
    for name, title in titles.items():
        page = figures[name]
        print(
            f"  {title}: медиана {page['median_ms']:.0f} мс, максимум {page['max_ms']:.0f} мс "
            f"из {args.repeats} (цель < {TARGET_MS} мс); запросов {page['queries']}; страница {page['kb']:.0f} КБ"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=200, help="мероприятий в дорожной карте школы")
    parser.add_argument("--schools", type=int, default=100, help="школ муниципалитета")
    parser.add_argument("--total-activities", type=int, default=5000, help="мероприятий всех школ муниципалитета")
    parser.add_argument("--repeats", type=int, default=9, help="замеряемых запросов каждой страницы")
    parser.add_argument("--postgres", action="store_true", help="и в PostgreSQL на 127.0.0.1:5432")
    parser.add_argument("--prepare", nargs=3, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(*args.prepare)
        return
    if args.measure:
        measure(*args.measure)
        return
    print(
        f"Страницы программ: дорожная карта из {args.activities} мероприятий, мониторинг {args.schools} школ "
        f"с {args.total_activities} мероприятиями"
    )
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
