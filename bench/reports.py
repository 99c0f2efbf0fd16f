"""Speed of the monitoring documents: the council report of a 100-school municipality.

A fresh SQLite database (in a temporary directory) is migrated and given the demo region of
``opora.demo.generator.generate_region`` with one municipality of N schools (default 100, three
years of results), loaded by ``opora.demo.services.demo_region_load`` (with its demo users and
council of heads). An identification run on the last year's data gives the list of ШНОР of the
school year under way; every ШНОР gets a roadmap (``opora.demo.programs.demo_roadmap``), a curator,
a held visit and a partner school. Preparing all this is not measured.

Then, in a fresh process, each document is generated ``--repeats`` times after a warm-up (the
first call loads vl-convert): the council report (``council_report``: the dashboard's figures, five
charts as PNG, the decisions due), and for reference the annual analysis, the support list and
one school's analytic note. Printed: median and maximum in seconds, the size and the number of
images. Target: the council report under 10 s.

Run: ``.venv/bin/python bench/reports.py [--schools 100] [--activities 20] [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import child  # noqa: E402  (bench/common.py, beside this script)

TARGET_SECONDS = 10


def prepare(n_schools: int, n_activities: int) -> None:
    """Child process: migrate, load the demo region, identify, give the ШНОР their support; print JSON."""
    import django

    django.setup()
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    from opora.accounts.models import Role, User
    from opora.demo.generator import generate_region
    from opora.demo.programs import demo_roadmap
    from opora.demo.services import demo_region_load
    from opora.identification.services import region_methodology, run_now
    from opora.programs.models import Activity
    from opora.schools.models import School, SchoolYear
    from opora.support.models import CuratorAssignment, MonitoringVisit, Partnership, VisitStatus

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    data = generate_region(n_schools=n_schools, n_municipalities=1, with_students=False, last_year=2026)
    report = demo_region_load(region_data=data)
    region = report.region
    run = run_now(
        region=region,
        year=SchoolYear.objects.get(end_year=2026),
        methodology=region_methodology(region),
        by=None,
        progress=lambda percent, message: None,
    )
    low = list(run.schools.filter(low_results=True).values_list("code", flat=True))
    schools = {school.code: school for school in School.objects.filter(municipality__region=region)}
    others = [school for code, school in sorted(schools.items()) if code not in low]
    team = User.objects.filter(region=region, role=Role.SCHOOL_TEAM).first()
    curator = User.objects.filter(region=region, role=Role.CURATOR).first()
    today = timezone.localdate()
    for index, code in enumerate(low):
        school = schools[code]
        demo_roadmap(school, n_activities, team=team, curator=curator)
        CuratorAssignment.objects.get_or_create(
            curator=curator,
            school=school,
            defaults={"starts_on": datetime.date(today.year if today.month >= 9 else today.year - 1, 9, 1)},
        )
        MonitoringVisit.objects.create(
            school=school, curator=curator, visited_on=today - datetime.timedelta(days=10), status=VisitStatus.HELD
        )
        if others:
            Partnership.objects.create(school=school, partner=others[index % len(others)], year=2027)
    municipality = next(iter(schools.values())).municipality
    print(
        json.dumps(
            {
                "region": region.pk,
                "municipality": municipality.pk,
                "school": schools[low[0]].code if low else next(iter(schools)),
                "schools": len(schools),
                "low_results": len(low),
                "activities": Activity.objects.count(),
                "seconds": time.perf_counter() - started,
            }
        )
    )


def measure(region_pk: int, municipality_pk: int, code: str, repeats: int) -> None:
    """Child process: time each document after a warm-up; print JSON with the figures."""
    import django

    django.setup()
    import docx

    from opora.effectiveness.documents import analytic_note, council_report, effectiveness_report, support_list
    from opora.programs.computed import current_school_year
    from opora.schools.models import Municipality, Region, School

    region = Region.objects.get(pk=region_pk)
    municipality = Municipality.objects.get(pk=municipality_pk)
    school = School.objects.select_related("municipality__region").get(code=code)
    year = current_school_year()
    cases = {
        "council": lambda: council_report(region, municipality, year, 1),
        "effectiveness": lambda: effectiveness_report(region, municipality, year),
        "support": lambda: support_list(region, municipality, year),
        "note": lambda: analytic_note(school, year),
    }
    figures = {}
    for name, make in cases.items():
        content = make()  # warm-up
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            content = make()
            times.append(time.perf_counter() - started)
        document = docx.Document(io.BytesIO(content))
        figures[name] = {
            "median": statistics.median(times),
            "max": max(times),
            "kb": len(content) / 1024,
            "images": len(document.inline_shapes),
        }
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=100, help="школ муниципалитета")
    parser.add_argument("--activities", type=int, default=20, help="мероприятий в дорожной карте каждой ШНОР")
    parser.add_argument("--repeats", type=int, default=3, help="замеряемых выгрузок каждого документа")
    parser.add_argument("--prepare", nargs=2, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(*args.prepare)
        return
    if args.measure:
        region, municipality, code, repeats = args.measure
        measure(int(region), int(municipality), code, int(repeats))
        return
    with tempfile.TemporaryDirectory(prefix="opora-bench-") as temporary:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "opora.settings", "OPORA_VAR_DIR": temporary}
        env.pop("DATABASE_URL", None)
        prepared = child(__file__, ["--prepare", str(args.schools), str(args.activities)], env)
        print(
            f"SQLite: школ {prepared['schools']}, ШНОР {prepared['low_results']}, мероприятий "
            f"{prepared['activities']} (подготовка {prepared['seconds']:.1f} с, не входит в замер)"
        )
        figures = child(
            __file__,
            [
                "--measure",
                str(prepared["region"]),
                str(prepared["municipality"]),
                prepared["school"],
                str(args.repeats),
            ],
            env,
        )
    titles = {
        "council": f"отчёт совету руководителей (council_report, школ {prepared['schools']})",
        "effectiveness": "анализ эффективности за год (effectiveness_report)",
        "support": "перечень для индивидуального сопровождения (support_list)",
        "note": f"аналитическая справка школы {prepared['school']} (analytic_note)",
    }
    for name, title in titles.items():
        found = figures[name]
        target = f" (цель < {TARGET_SECONDS} с)" if name == "council" else ""
        print(
            f"  {title}: медиана {found['median']:.2f} с, максимум {found['max']:.2f} с из {args.repeats}{target}; "
            f"{found['kb']:.0f} КБ, изображений {found['images']}"
        )


if __name__ == "__main__":
    main()
