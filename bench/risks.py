"""Speed and memory of the risk profiles: through the product for a region, through the analytics for a country.

1. The product: a region of 2 000 schools drawn by the demo generator (forms 1, 2, 3, 5 and 8,
   no form 4) is loaded into a fresh SQLite database, identified once, and given anonymous
   questionnaire answers (about 30 filled questionnaires per school over the four audiences).
   Then, in a fresh process, ``opora.risks.services.profiles_now`` computes and stores every
   school's profile (read the data and the answers, apply the rules, store profiles, factors
   and their evidence) and ``opora.risks.export.profiles_frame`` builds the export table:
   wall time of each and the peak RSS of that process. Target: under 10 s.
2. The analytics alone: 40 000 schools (demo generator frames of forms 1, 2, 3, 5 and 8, with a
   synthetic identification and synthetic questionnaire figures for every school, audience and
   factor), written to Parquet; in a fresh process ``risk_indicator_values`` and ``risk_levels``
   with the default rules: wall time and peak RSS. Target: under 60 s.

Run: ``.venv/bin/python bench/risks.py [--schools 2000] [--analytics-schools 40000]``.
"""

from __future__ import annotations

import argparse
import json
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
sys.path.insert(0, str(ROOT))

YEAR = 2026
RESPONSES_PER_SCHOOL = {"director": 1, "teachers": 8, "students": 12, "parents": 9}


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _quiet(percent: int, message: str) -> None:
    return None


# ---------------------------------------------------------------- 1. through the product
def prepare_region(n_schools: int, seed: int) -> None:
    """Child process: migrate a fresh database, load the demo region, identify it, add answers."""
    import django

    django.setup()
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    from opora.demo.generator import generate_region
    from opora.demo.services import demo_region_load
    from opora.identification.services import region_methodology, run_now
    from opora.risks.models import QuestionItem, Questionnaire, SurveyResponse
    from opora.schools.models import School, SchoolYear

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    data = generate_region(
        seed=seed, n_schools=n_schools, with_students=False, n_municipalities=max(4, n_schools // 500)
    )
    report = demo_region_load(region_data=data)
    year = SchoolYear.objects.get(end_year=YEAR)
    run_now(region=report.region, year=year, methodology=region_methodology(report.region), by=None, progress=_quiet)
    rng = np.random.default_rng(seed)
    submitted = timezone.make_aware(datetime.datetime(YEAR, 4, 15, 12))
    responses = []
    for questionnaire in Questionnaire.objects.filter(region=report.region):
        items = list(QuestionItem.objects.filter(section__questionnaire=questionnaire))
        scales = np.array([len(item.answers) for item in items])
        for school_id in School.objects.filter(municipality__region=report.region).values_list("pk", flat=True):
            for _ in range(RESPONSES_PER_SCHOOL[questionnaire.audience]):
                answers = np.minimum(rng.integers(1, 6, len(items)), scales)
                responses.append(
                    SurveyResponse(
                        questionnaire=questionnaire,
                        school_id=school_id,
                        year=year,
                        submitted_at=submitted,
                        answers={item.key: int(answer) for item, answer in zip(items, answers, strict=True)},
                        fingerprint=f"{school_id}-{len(responses)}",
                    )
                )
    SurveyResponse.objects.bulk_create(responses, batch_size=2000)
    print(
        json.dumps(
            {
                "schools": report.schools,
                "results": report.results,
                "teachers": report.teachers,
                "responses": len(responses),
                "seconds": time.perf_counter() - started,
            }
        )
    )


def time_profiles() -> None:
    """Child process: compute the profiles through the product and build the export table."""
    import django

    django.setup()
    from opora.core.tables import csv_bytes
    from opora.risks.export import profiles_frame
    from opora.risks.services import profiles_now
    from opora.schools.models import Region, SchoolYear

    region = Region.objects.get()
    year = SchoolYear.objects.get(end_year=YEAR)
    before = peak_rss_mb()
    started = time.perf_counter()
    run = profiles_now(region=region, year=year, by=None, progress=_quiet)
    computed = time.perf_counter()
    frame = profiles_frame(run)
    csv_bytes(frame)
    exported = time.perf_counter()
    print(
        json.dumps(
            {
                "profiles_seconds": computed - started,
                "export_seconds": exported - computed,
                "peak_rss_mb": peak_rss_mb(),
                "rss_before_mb": before,
                "profiles": run.profiles.count(),
                "factors": len(frame.columns) - 3,
                "known_levels": int(sum(frame[column].is_not_null().sum() for column in frame.columns[2:-1])),
            }
        )
    )


def bench_product(directory: Path, n_schools: int, seed: int) -> None:
    print(f"1. Рисковые профили через продукт: {n_schools} школ, SQLite")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "opora.settings",
        "OPORA_VAR_DIR": str(directory / "product"),
    }
    env.pop("DATABASE_URL", None)
    prepared = _child(["--prepare", str(n_schools), str(seed)], env)
    print(
        f"  данные: школ {prepared['schools']}, строк формы 3 {prepared['results']}, педагогов {prepared['teachers']}, "
        f"заполненных анкет {prepared['responses']} (подготовка {prepared['seconds']:.1f} с, не входит в замер)"
    )
    figures = _child(["--profiles"], env)
    print(
        "  profiles_now (чтение, анкеты, правила, запись профилей): "
        f"{figures['profiles_seconds']:.2f} с (цель < 10 с); "
        f"таблица выгрузки {figures['export_seconds']:.2f} с; пиковая память процесса "
        f"{figures['peak_rss_mb']:.0f} МБ (до расчёта {figures['rss_before_mb']:.0f} МБ)"
    )
    print(
        f"  профилей {figures['profiles']}, факторов {figures['factors']}, "
        f"известных уровней {figures['known_levels']} из {figures['profiles'] * figures['factors']}"
    )


# ---------------------------------------------------------------- 2. the analytics alone
def write_country(directory: Path, n_schools: int, seed: int) -> None:
    """Demo frames of a country, a synthetic identification and questionnaire figures, as Parquet."""
    from identification_quality import english, region_frames  # bench/ is on sys.path when run as a script

    from opora.demo.generator import generate_region
    from opora.intake.formats import TEACHERS
    from opora.risks.defaults import FACTORS

    started = time.perf_counter()
    region = generate_region(
        seed=seed, n_schools=n_schools, with_students=False, n_municipalities=max(4, n_schools // 2000)
    )
    frames = region_frames(region, students=False)
    frames["teachers"] = english(region.teachers, TEACHERS).select("code", "deficits", "last_training_year", "category")
    rng = np.random.default_rng(seed)
    codes = frames["schools"]["code"]
    frames["identification"] = pl.DataFrame(
        {
            "code": codes,
            "years_in_bottom": rng.choice(4, size=codes.len(), p=[0.8, 0.1, 0.05, 0.05]),
            "value_added": rng.normal(0.0, 0.3, codes.len()),
            "objectivity_risk": (rng.random(codes.len()) < 0.04).astype(np.int64),
        }
    )
    asked = sorted({(factor.key, rule.audience) for factor in FACTORS for rule in factor.rules if rule.audience})
    frames["answers"] = pl.DataFrame(
        {
            "code": np.repeat(codes.to_numpy(), len(asked)),
            "indicator": np.tile([f"questionnaire:{audience}" for _, audience in asked], codes.len()),
            "value": rng.uniform(25.0, 95.0, codes.len() * len(asked)),
            "factor": np.tile([key for key, _ in asked], codes.len()),
        }
    )
    frames["rules"] = pl.DataFrame(
        [
            (factor.key, f"{rule.indicator}:{rule.audience}" if rule.audience else rule.indicator, rule.operator,
             rule.high, rule.medium, rule.low, rule.weight)
            for factor in FACTORS
            for rule in factor.rules
        ],
        schema=["factor", "indicator", "operator", "high", "medium", "low", "weight"],
        orient="row",
    )  # fmt: skip
    for name, frame in frames.items():
        frame.write_parquet(directory / f"{name}.parquet")
    print(
        f"  данные: {n_schools} школ, {frames['results'].height} строк формы 3, {frames['teachers'].height} педагогов, "
        f"{frames['answers'].height} показателей анкет (подготовка {time.perf_counter() - started:.1f} с, "
        "не входит в замер)"
    )


def run_analytics(directory: Path) -> None:
    """Child process: read the Parquet inputs, compute the indicators and the levels, print JSON."""
    from opora.analytics.risks import risk_indicator_values, risk_levels

    started = time.perf_counter()
    names = ("schools", "context", "results", "outcomes", "teachers", "identification", "answers", "rules")
    frames = {name: pl.read_parquet(directory / f"{name}.parquet") for name in names}
    loaded = time.perf_counter()
    values = risk_indicator_values(
        year=YEAR,
        schools=frames["schools"],
        context=frames["context"],
        results=frames["results"],
        outcomes=frames["outcomes"],
        teachers=frames["teachers"],
        identification=frames["identification"],
    )
    indicated = time.perf_counter()
    everything = pl.concat(
        [values.with_columns(pl.lit(None, dtype=pl.String).alias("factor")), frames["answers"]],
        how="vertical_relaxed",
    )
    evidence, factors = risk_levels(everything, frames["rules"])
    finished = time.perf_counter()
    print(
        json.dumps(
            {
                "read_seconds": loaded - started,
                "indicator_seconds": indicated - loaded,
                "levels_seconds": finished - indicated,
                "peak_rss_mb": peak_rss_mb(),
                "values": values.height,
                "evidence": evidence.height,
                "factors": factors.height,
                "schools": factors["code"].n_unique(),
            }
        )
    )


def bench_analytics(directory: Path, n_schools: int, seed: int) -> None:
    print(f"2. Рисковые профили в пакете аналитики: {n_schools} школ (формы 1, 2, 3, 5, 8, выявление, анкеты)")
    country = directory / "country"
    country.mkdir()
    write_country(country, n_schools, seed)
    figures = _child(["--analytics", str(country)], os.environ.copy())
    total = figures["indicator_seconds"] + figures["levels_seconds"]
    print(
        f"  чтение Parquet {figures['read_seconds']:.1f} с; "
        f"risk_indicator_values {figures['indicator_seconds']:.2f} с, "
        f"risk_levels {figures['levels_seconds']:.2f} с, всего {total:.2f} с (цель < 60 с); "
        f"пиковая память процесса {figures['peak_rss_mb'] / 1024:.2f} ГБ"
    )
    print(
        f"  показателей {figures['values']}, строк оснований {figures['evidence']}, "
        f"уровней факторов {figures['factors']} у {figures['schools']} школ"
    )


def _child(arguments: list[str], env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, *arguments], check=True, capture_output=True, text=True, env=env, cwd=ROOT
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=2000, help="школ региона для замера через продукт")
    parser.add_argument("--analytics-schools", type=int, default=40_000, help="школ для замера пакета аналитики")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-product", action="store_true")
    parser.add_argument("--skip-analytics", action="store_true")
    parser.add_argument("--prepare", nargs=2, metavar=("SCHOOLS", "SEED"), help=argparse.SUPPRESS)
    parser.add_argument("--profiles", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--analytics", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare_region(int(args.prepare[0]), int(args.prepare[1]))
        return
    if args.profiles:
        time_profiles()
        return
    if args.analytics:
        run_analytics(Path(args.analytics))
        return
    with tempfile.TemporaryDirectory(prefix="opora-bench-") as temporary:
        directory = Path(temporary)
        if not args.skip_product:
            bench_product(directory, args.schools, args.seed)
        if not args.skip_analytics:
            bench_analytics(directory, args.analytics_schools, args.seed)


if __name__ == "__main__":
    main()
