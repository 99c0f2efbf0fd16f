"""How well Опора's identification finds the schools the demo model made low, against a naive list.

Over several seeds of the demo generator (``opora.demo.generator``), with its hidden truth:

- precision, recall and F1 of the ШНОР flag against ``truly_low_results`` (the bottom 10 % of
  the schools by their noise-free results over the years), for Опора's default methodology and
  for the naive baseline «bottom 10 % by last year's mean mark» (what sorting an Excel column
  gives);
- the false-positive rate among small schools against large ones;
- the share of schools inflating the ВПР caught by the objectivity flag (and its precision);
- for information: ШНСУ against ``unfavourable``, learning failure against ``mass_failure``;
- the ceiling: F1 of an oracle that knows the model and each school's sampling variance (from
  the run's ``raw_variance``) and ranks by the exact posterior mean: on data with no subject
  effects, and on data where each school's subject effects (left out of the truth) add their
  mean over all subjects — the most favourable weighting of subjects. No method that sees only
  the results can do better on average.

Every F1 comes with its standard error over the seeds: with 40 truly low schools a seed, one
school more or less moves the F1 of ten seeds by about 0.0025.

Run: ``.venv/bin/python bench/identification_quality.py [--seeds 1 2 3] [--schools 400]``.
Targets: F1 ≥ 0.85 and at least 0.10 above the baseline.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from opora.analytics import Methodology, identify
from opora.demo.generator import generate_region
from opora.intake.formats import CONTEXT, OUTCOMES, RESULTS, SCHOOLS, FileForm, parse_school_year


def english(frame: pl.DataFrame, form: FileForm) -> pl.DataFrame:
    """A frame of the Russian headers of a form with the product's field names; years as ints."""
    mapping = {column.header: column.field for column in form.columns if column.header in frame.columns}
    out = frame.select(list(mapping)).rename(mapping)
    if "year" in out.columns:
        labels = out["year"].unique().to_list()
        out = out.with_columns(
            pl.col("year").replace_strict({label: parse_school_year(label) for label in labels}, return_dtype=pl.Int64)
        )
    return out


def region_frames(region: object) -> dict[str, pl.DataFrame]:
    """The four inputs of ``identify`` from a ``DemoRegion``."""
    return {
        "results": english(region.results, RESULTS),
        "context": english(region.context, CONTEXT),
        "schools": english(region.schools, SCHOOLS),
        "outcomes": english(region.outcomes, OUTCOMES),
    }


def naive_baseline(results: pl.DataFrame, year: int, share: float = 0.10) -> pl.DataFrame:
    """Bottom ⌈share·m⌉ schools by the participant-weighted mean mark of all marked results of ``year``."""
    marks = [pl.col(f"marks_{k}") for k in (2, 3, 4, 5)]
    n = marks[0] + marks[1] + marks[2] + marks[3]
    means = (
        results.filter((pl.col("year") == year) & pl.col("marks_2").is_not_null())
        .group_by("code")
        .agg(((2 * marks[0] + 3 * marks[1] + 4 * marks[2] + 5 * marks[3]).sum() / n.sum()).alias("mean_mark"))
        .sort("mean_mark", "code")
    )
    flagged = means.head(math.ceil(share * means.height))
    return means.select("code", pl.col("code").is_in(flagged["code"].implode()).alias("baseline_low"))


def oracle_counts(
    truth: pl.DataFrame,
    yearly: pl.DataFrame,
    share: float,
    replicates: int,
    rng: np.random.Generator,
    *,
    subject_effects: bool,
) -> Counts:
    """Counts of the oracle ranking by the exact posterior mean, over ``replicates`` draws.

    Each school's sampling variance over the window is V = 1 / Σₜ (1 / raw_varianceₜ), put on
    the scale of ``true_results`` by the slope b of the mean raw index on it (V / b²); the
    oracle sees y = x + N(0, V), x = ``true_results`` (+ ``subject_effect`` with
    ``subject_effects``), and ranks by m + τ² / (τ² + V) · (y − m), m and τ² the mean and
    variance of x. Schools without results are never flagged.
    """
    per_school = yearly.group_by("code").agg(
        (1.0 / (1.0 / pl.col("raw_variance")).sum()).alias("variance"), pl.col("raw_index").mean().alias("level")
    )
    data = truth.join(per_school, on="code", how="left")
    true = data["true_results"].to_numpy()
    level = true + data["subject_effect"].to_numpy() if subject_effects else true
    measured = data.filter(pl.col("level").is_not_null())
    slope = np.polyfit(measured["true_results"].to_numpy(), measured["level"].to_numpy(), 1)[0]
    variance = data["variance"].fill_null(np.inf).to_numpy() / slope**2
    flagged_truth = data["truly_low_results"]
    m, tau2 = level.mean(), level.var()
    k = math.ceil(share * len(true))
    counts = Counts()
    for _ in range(replicates):
        seen = level + rng.normal(0.0, np.sqrt(np.where(np.isfinite(variance), variance, 0.0)))
        posterior = np.where(np.isfinite(variance), m + tau2 / (tau2 + variance) * (seen - m), np.inf)
        chosen = np.zeros(len(true), dtype=bool)
        chosen[np.argsort(posterior, kind="stable")[:k]] = True
        counts.add(pl.Series(chosen), flagged_truth)
    return counts


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    standard_error: float = float("nan")  # of the F1, from its spread over the seeds

    def __iadd__(self, other: Counts) -> Counts:
        self.tp, self.fp, self.fn, self.tn = (
            self.tp + other.tp,
            self.fp + other.fp,
            self.fn + other.fn,
            self.tn + other.tn,
        )
        return self

    def add(self, predicted: pl.Series, truth: pl.Series) -> None:
        predicted = predicted.fill_null(False)
        self.tp += int((predicted & truth).sum())
        self.fp += int((predicted & ~truth).sum())
        self.fn += int((~predicted & truth).sum())
        self.tn += int((~predicted & ~truth).sum())

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r > 0 else 0.0

    @property
    def false_positive_rate(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else float("nan")


def evaluate(
    seeds: list[int],
    n_schools: int,
    with_students: bool,
    small: int,
    methodology: Methodology,
    verbose: bool = True,
) -> dict[str, Counts]:
    totals = {
        name: Counts()
        for name in (
            "opora",
            "baseline",
            "opora_small",
            "opora_large",
            "baseline_small",
            "baseline_large",
            "objectivity",
            "unfavourable",
            "resilient",
            "failure",
            "oracle",
            "oracle_subjects",
        )
    }
    per_seed: list[tuple[float, ...]] = []
    rng = np.random.default_rng(0)
    for seed in seeds:
        region = generate_region(seed=seed, n_schools=n_schools, with_students=with_students)
        frames = region_frames(region)
        year = int(frames["results"]["year"].max())
        started = time.perf_counter()
        identification = identify(**frames, year=year, methodology=methodology)
        elapsed = time.perf_counter() - started
        size = frames["context"].filter(pl.col("year") == year).select("code", "students")
        truth_frame = region.truth.rename({c: f"truth_{c}" for c in region.truth.columns if c != "code"})
        data = (
            truth_frame.join(identification.schools, on="code", how="left")
            .join(naive_baseline(frames["results"], year), on="code", how="left")
            .join(size, on="code", how="left")
            .with_columns(pl.col("baseline_low").fill_null(False))
        )
        truth = data["truth_truly_low_results"]
        seed_counts = {"opora": Counts(), "baseline": Counts()}
        oracle = oracle_counts(
            region.truth, identification.yearly, methodology.bottom_share, 50, rng, subject_effects=False
        )
        oracle_subjects = oracle_counts(
            region.truth, identification.yearly, methodology.bottom_share, 50, rng, subject_effects=True
        )
        totals["oracle"] += oracle
        totals["oracle_subjects"] += oracle_subjects
        for name, column in (("opora", "low_results"), ("baseline", "baseline_low")):
            seed_counts[name].add(data[column], truth)
            totals[name].add(data[column], truth)
            is_small = (data["students"] < small).fill_null(False)
            totals[f"{name}_small"].add(data[column].filter(is_small), truth.filter(is_small))
            totals[f"{name}_large"].add(data[column].filter(~is_small), truth.filter(~is_small))
        totals["objectivity"].add(data["objectivity_risk"], data["truth_inflates_vpr"])
        totals["unfavourable"].add(data["unfavourable"], data["truth_unfavourable"])
        totals["resilient"].add(data["resilient"], data["truth_resilient"])
        totals["failure"].add(data["learning_failure"], data["truth_mass_failure"])
        per_seed.append((seed_counts["opora"].f1, seed_counts["baseline"].f1, oracle.f1, oracle_subjects.f1))
        if verbose:
            print(
                f"  seed {seed:>5}: F1 Опора {seed_counts['opora'].f1:.3f}, базовый {seed_counts['baseline'].f1:.3f} "
                f"(истинно низких {int(truth.sum())}; identify {elapsed:.2f} с)"
            )
    spread = np.array(per_seed)
    for column, name in enumerate(("opora", "baseline", "oracle", "oracle_subjects")):
        totals[name].standard_error = (
            float(spread[:, column].std(ddof=1) / math.sqrt(len(seeds))) if len(seeds) > 1 else float("nan")
        )
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(2026, 2036)))
    parser.add_argument("--schools", type=int, default=400, help="schools per demo region")
    parser.add_argument("--small", type=int, default=100, help="a school with fewer students is «small»")
    parser.add_argument(
        "--aggregated",
        action="store_true",
        help="draw form 3 directly (faster) instead of aggregating form 4",
    )
    args = parser.parse_args()
    methodology = Methodology()
    print(
        f"Демо-регионы: {len(args.seeds)} зерён × {args.schools} школ; методика «{methodology.name}», "
        f"версия {methodology.version}"
    )
    totals = evaluate(args.seeds, args.schools, not args.aggregated, args.small, methodology)

    def line(label: str, counts: Counts) -> str:
        return (
            f"{label:<38} precision {counts.precision:.3f}  recall {counts.recall:.3f}  F1 {counts.f1:.3f}"
            f"  (TP {counts.tp}, FP {counts.fp}, FN {counts.fn})"
        )

    print()
    print("ШНОР против скрытой истины (все зёрна вместе):")
    print(line("Опора (методика по умолчанию)", totals["opora"]))
    print(line("Базовый: нижние 10 % по среднему баллу", totals["baseline"]))
    gain = totals["opora"].f1 - totals["baseline"].f1
    print(
        f"Разница F1: {gain:+.3f}  (цель: F1 ≥ 0,85 и разница ≥ 0,10); стандартная ошибка F1 по зёрнам: "
        f"Опора ±{totals['opora'].standard_error:.3f}, базовый ±{totals['baseline'].standard_error:.3f}"
    )
    print("Предел (оракул знает модель и дисперсии выборки; оценка только по результатам в среднем не даст больше):")
    for name, label in (
        ("oracle", "без предметных эффектов школ"),
        ("oracle_subjects", "с предметными эффектами, поровну по всем предметам"),
    ):
        print(f"  {label:<52} F1 {totals[name].f1:.3f} (±{totals[name].standard_error:.3f})")
    print()
    print(
        f"Доля ложных срабатываний (FP / истинно не низких), малые школы (< {args.small} обучающихся) против больших:"
    )
    for name, label in (("opora", "Опора"), ("baseline", "Базовый")):
        s, b = totals[f"{name}_small"], totals[f"{name}_large"]
        print(
            f"  {label:<9} малые {s.false_positive_rate:.3f} ({s.fp} из {s.fp + s.tn})   "
            f"большие {b.false_positive_rate:.3f} ({b.fp} из {b.fp + b.tn})"
        )
    print()
    o = totals["objectivity"]
    print(
        f"Завышающие ВПР школы, пойманные признаком необъективности: {o.recall:.3f} ({o.tp} из {o.tp + o.fn}); "
        f"точность признака {o.precision:.3f} ({o.fp} ложных)"
    )
    print(line("ШНСУ против истинно неблагоприятных", totals["unfavourable"]))
    print(line("Резильентные", totals["resilient"]))
    print(line("Неуспешность > 50 % против массовой", totals["failure"]))


if __name__ == "__main__":
    main()
