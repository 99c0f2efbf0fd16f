"""Speed of partner-school matching: the whole service on SQLite, and the analytics alone.

1. The product: a fresh SQLite database with a region of N schools (default 2 000) in 20
   municipalities, one finished identification run whose lines carry synthetic indices, flags,
   clusters and coordinates (the lowest 10 % by index are the ШНОР: 200 of 2 000), and form-3
   results for 6 tests (ВПР and ОГЭ, mathematics and Russian, three grades) of every school.
   The rows are bulk-created directly (not through the demo generator and an identification run,
   whose preparation would dominate the bench and is measured by bench/identification_speed.py).
   Then, in the same process, ``opora.network.partners.partner_matching`` (read the run, schools,
   results and partnerships, rank candidates, solve the assignment, build the reasons): wall time.
2. The analytics alone: ``match_partners`` on the same shape of frames (no database).

Target: under 5 s for 2 000 schools and 200 ШНОР.

Run: ``.venv/bin/python bench/partners.py [--schools 2000] [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TESTS = [
    ("ВПР", 5, "Математика"),
    ("ВПР", 6, "Математика"),
    ("ВПР", 6, "Русский язык"),
    ("ВПР", 7, "Русский язык"),
    ("ОГЭ", 9, "Математика"),
    ("ОГЭ", 9, "Русский язык"),
]


def synthetic(n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    index = rng.normal(size=n)
    return {
        "index": index,
        "low": index <= np.quantile(index, 0.1),
        "risk": rng.random(n) < 0.05,
        "resilient": rng.random(n) < 0.1,
        "cluster": rng.integers(0, 6, n),
        "municipality": rng.integers(0, 20, n),
        "lat": 54 + 2 * rng.random(n),
        "lon": 36 + 3 * rng.random(n),
        "marks": rng.dirichlet([2, 4, 4, 2], size=(n, len(TESTS))) + (index[:, None, None] * 0.05),
    }


def product(n: int, seed: int, repeats: int) -> None:
    """Child process: migrate a fresh database, bulk-create the region, time ``partner_matching``."""
    import django

    django.setup()
    from decimal import Decimal

    from django.core.management import call_command

    from opora.identification.models import IdentificationRun, RunSchool, RunStatus
    from opora.intake.regions import region_create
    from opora.network.partners import partner_matching
    from opora.results.models import SchoolResult
    from opora.schools.models import Municipality, School, SchoolYear

    call_command("migrate", verbosity=0)
    data = synthetic(n, seed)
    region = region_create(name="Область для замера")
    municipalities = Municipality.objects.bulk_create(
        [Municipality(region=region, name=f"Район № {i + 1}") for i in range(20)]
    )
    year = SchoolYear.objects.get_or_create(end_year=2023)[0]
    schools = School.objects.bulk_create(
        [
            School(
                code=f"{i + 1:06d}",
                name=f"МБОУ СОШ № {i + 1}",
                municipality=municipalities[data["municipality"][i]],
                latitude=Decimal(f"{data['lat'][i]:.6f}"),
                longitude=Decimal(f"{data['lon'][i]:.6f}"),
            )
            for i in range(n)
        ]
    )
    run = IdentificationRun.objects.create(
        region=region, year=year, methodology=region.methodologies.first(), status=RunStatus.DONE
    )
    RunSchool.objects.bulk_create(
        [
            RunSchool(
                run=run,
                school=school,
                code=school.code,
                name=school.name,
                municipality="",
                results_index=float(data["index"][i]),
                low_results=bool(data["low"][i]),
                objectivity_risk=bool(data["risk"][i]),
                resilient=bool(data["resilient"][i]),
                cluster=int(data["cluster"][i]),
            )
            for i, school in enumerate(schools)
        ],
        batch_size=500,
    )
    results = []
    for i, school in enumerate(schools):
        for t, (procedure, grade, subject) in enumerate(TESTS):
            shares = np.clip(data["marks"][i, t], 0.01, None)
            counts = np.round(shares / shares.sum() * 25).astype(int)
            results.append(
                SchoolResult(
                    school=school,
                    year=year,
                    procedure=procedure,
                    grade=grade,
                    subject=subject,
                    participants=int(counts.sum()),
                    marks_2=int(counts[0]),
                    marks_3=int(counts[1]),
                    marks_4=int(counts[2]),
                    marks_5=int(counts[3]),
                )
            )
    SchoolResult.objects.bulk_create(results, batch_size=1000)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        matching = partner_matching(region=region, year=2024, capacity=2)
        times.append(time.perf_counter() - started)
    print(
        json.dumps(
            {
                "seconds": min(times),
                "shnor": len(matching.assignment),
                "paired": sum(1 for pair in matching.assignment if pair.candidate),
                "schools": n,
                "results": len(results),
            }
        )
    )


def analytics(n: int, seed: int, repeats: int) -> dict:
    from opora.analytics.partners import match_partners, result_strengths

    data = synthetic(n, seed)
    codes = [f"{i + 1:06d}" for i in range(n)]
    schools = pl.DataFrame(
        {
            "code": codes,
            "results_index": data["index"],
            "low_results": data["low"],
            "objectivity_risk": data["risk"],
            "resilient": data["resilient"],
            "cluster": data["cluster"],
            "municipality": data["municipality"].astype(str),
            "latitude": data["lat"],
            "longitude": data["lon"],
            "load": np.zeros(n, dtype=np.int64),
        }
    )
    rows = []
    for i, code in enumerate(codes):
        for t, (procedure, grade, subject) in enumerate(TESTS):
            shares = np.clip(data["marks"][i, t], 0.01, None)
            counts = np.round(shares / shares.sum() * 25).astype(int)
            rows.append((code, 2023, procedure, grade, subject, int(counts.sum()), *map(int, counts)))
    results = pl.DataFrame(
        rows,
        orient="row",
        schema=[
            "code",
            "year",
            "procedure",
            "grade",
            "subject",
            "participants",
            "marks_2",
            "marks_3",
            "marks_4",
            "marks_5",
        ],
    )
    targets = [c for c, low in zip(codes, data["low"], strict=True) if low]
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        found = match_partners(schools, result_strengths(results), targets=targets, capacity=2)
        times.append(time.perf_counter() - started)
    return {"seconds": min(times), "shnor": len(targets), "paired": sum(1 for v in found.assignment.values() if v)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--product", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.product:
        product(args.schools, args.seed, args.repeats)
        return
    with tempfile.TemporaryDirectory(prefix="opora-bench-") as temporary:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "opora.settings", "OPORA_VAR_DIR": temporary}
        env.pop("DATABASE_URL", None)
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--product",
                "--schools",
                str(args.schools),
                "--seed",
                str(args.seed),
                "--repeats",
                str(args.repeats),
            ],
            check=True,
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
        )
        figures = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"1. partner_matching через продукт (SQLite): школ {figures['schools']}, ШНОР {figures['shnor']}, "
        f"строк формы 3 {figures['results']}"
    )
    print(f"  partner_matching: {figures['seconds']:.2f} с (цель < 5 с); с партнёром {figures['paired']} ШНОР")
    alone = analytics(args.schools, args.seed, args.repeats)
    print(
        f"2. Аналитика отдельно (match_partners + result_strengths): {alone['seconds']:.2f} с; "
        f"ШНОР {alone['shnor']}, с партнёром {alone['paired']}"
    )


if __name__ == "__main__":
    main()
