"""How well Опора's identification finds what the demo model hid, per scenario, against a naive list and a ceiling.

For each scenario of the demo generator (``opora.demo.generator.scenarios``: different mechanisms
of how the data arise) and each seed, with its hidden truth:

- precision, recall and F1 of the ШНОР flag against ``truly_low_results`` (the bottom 10 % of
  the schools by their noise-free results over the years), for Опора's default methodology, for
  the naive rule «bottom 10 % by last year's mean mark» (sorting an Excel column) and for the
  oracle (below);
- the false-positive rate of the ШНОР flag among small schools against large ones, for Опора, the
  naive rule and the oracle's F1-optimal list (whether the ceiling itself flags small schools
  more often);
- objectivity: the share of schools inflating the ВПР that are flagged (recall), the share of
  honest schools flagged (false-flag rate), the share of schools left «not known», and how the
  calibrated statistics of each signal spread among honest schools (sd 1 expected);
- for information: ШНСУ against ``unfavourable``, learning failure against ``mass_failure``.

**The ceiling.** The oracle is the exact Gaussian posterior of each school's true level under the
generator's own model, from the information that the data carry: the participants' primary
scores (form 4; with ``--aggregated`` the counts of marks and mean ЕГЭ scores of form 3) and the
year marks, with the model's true constants (test scales, measurement errors, correlation of one
student's results across subjects and the participants each pair of tests shares, the school's
subject effects and — in the scenarios that have them — its leniency and ВПР drilling as
nuisances, the drift of schools over the years, the spread of schools), and it knows which
schools inflate (their corrupted ВПР are left out). It flags the schools with the highest
posterior probability of being in the true bottom 10 %, as many as maximise the expected F1 —
the best any estimator that sees only the results can do on average. Standard errors are over
the seeds.

Run: ``.venv/bin/python bench/identification_quality.py [--scenarios default wide_ege]
[--seeds 1 2 3] [--schools 400] [--aggregated]``.
Targets in every scenario: F1 within 0.02 of the oracle and at least 0.08 above the naive rule;
objectivity recall ≥ 0.85 with at most 1 % of honest schools flagged; small schools falsely
flagged no more often than large ones.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from opora.analytics import Methodology, identify
from opora.demo.generator import SCENARIOS, Scenario, generate_region
from opora.demo.generator import model as demo_model
from opora.demo.generator.normal import normal_cdf
from opora.intake.formats import CONTEXT, OUTCOMES, RESULTS, SCHOOLS, STUDENT_RESULTS, FileForm, parse_school_year


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


def region_frames(region: object, *, students: bool = True) -> dict[str, pl.DataFrame]:
    """The inputs of ``identify`` from a ``DemoRegion`` (form 4 as ``student_results`` when drawn)."""
    frames = {
        "results": english(region.results, RESULTS),
        "context": english(region.context, CONTEXT),
        "schools": english(region.schools, SCHOOLS),
        "outcomes": english(region.outcomes, OUTCOMES),
    }
    if students and region.student_results is not None:
        frames["student_results"] = english(region.student_results, STUDENT_RESULTS)
    return frames


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


# ---------------------------------------------------------------- the oracle
N_SUBJECT_GROUPS = len(demo_model.SUBJECT_GROUPS)
_SCALE_KEYS = {key: index for key, index in demo_model.SCALE_INDEX.items()}


def _scale_table(scenario: Scenario) -> pl.DataFrame:
    """Per test of the model: procedure, grade, subject, scale index, centre, slope, subject group."""
    rows = []
    for index, scale in enumerate(demo_model.SCALES):
        slope = scale.slope * (scenario.ege_spread if scale.procedure == demo_model.EGE else 1.0)
        rows.append(
            (
                scale.procedure,
                scale.grade,
                scale.subject,
                index,
                scale.centre,
                slope,
                demo_model.subject_group(scale.subject),
                scale.max_score,
            )
        )
    return pl.DataFrame(
        rows,
        schema=["procedure", "grade", "subject", "scale", "centre", "slope", "group", "max_score"],
        orient="row",
    )


def _ordered_probit(
    counts: np.ndarray, cuts: np.ndarray, sd: float, shift: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """ML estimate of the mean η of N(η, sd²) cut at ``cuts`` from category counts, and its variance.

    ``cuts`` has one row of inner cut-offs per cell; Fisher scoring, η kept within ±4 (a class
    with only «5» has no finite estimate; its information is taken there).
    """
    n = counts.sum(axis=1)
    eta = np.zeros(len(n))
    information = np.ones(len(n))
    for _ in range(40):
        z = (cuts - (eta + shift)[:, None]) / sd
        cdf = np.concatenate([np.zeros((len(n), 1)), normal_cdf(z), np.ones((len(n), 1))], axis=1)
        pdf = np.concatenate(
            [np.zeros((len(n), 1)), np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi), np.zeros((len(n), 1))], axis=1
        )
        probability = np.maximum(np.diff(cdf, axis=1), 1e-300)
        derivative = (pdf[:, :-1] - pdf[:, 1:]) / sd  # dP_k / dη
        score = (counts * derivative / probability).sum(axis=1)
        information = n * (derivative**2 / probability).sum(axis=1)
        eta = np.clip(eta + score / np.maximum(information, 1e-12), -4.0, 4.0)
    return eta, 1.0 / np.maximum(information, 1e-12)


def oracle_cells(region: object, scenario: Scenario, use_students: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    """What the data carry about each school, as cells: estimate y of μₜ + u_j (+ nuisances), variance.

    Returns the cells (``code, t, group, vpr, annual, y, variance, block, n``) and, for pairs of
    tests written by the same participants, ``block, a, b, shared`` (participants in both).
    """
    scales = _scale_table(scenario)
    truth = region.truth
    years = sorted(region.results["Учебный год"].unique().to_list())
    year_index = {label: t for t, label in enumerate(years)}
    inflating = truth.filter(pl.col("inflates_vpr"))["code"]
    drop_vpr = scenario.inflation != "marks_only"  # with honest scores the ВПР still carry information
    cells: list[pl.DataFrame] = []
    pairs = pl.DataFrame(schema={"block": pl.String, "a": pl.Int64, "b": pl.Int64, "shared": pl.Int64})
    test_noise = 1.0 + demo_model.TEST_NOISE_SD**2
    if use_students and region.student_results is not None:
        students = region.student_results.rename(
            {"Код ОО": "code", "Учебный год": "year", "Процедура": "procedure", "Класс": "grade", "Предмет": "subject"}
        ).join(scales, on=["procedure", "grade", "subject"], how="inner")
        if drop_vpr:
            students = students.filter(
                ~((pl.col("procedure") == demo_model.VPR) & pl.col("code").is_in(inflating.implode()))
            )
        students = students.with_columns(
            ((pl.col("Первичный балл") - pl.col("centre")) / pl.col("slope")).alias("z"),
            pl.col("year").replace_strict(year_index, return_dtype=pl.Int64).alias("t"),
            pl.concat_str("code", "year", pl.col("grade").cast(pl.String), separator="|").alias("block"),
        )
        tests = students.group_by("code", "t", "block", "scale").agg(
            pl.col("group").first(),
            (pl.col("procedure").first() == demo_model.VPR).alias("vpr"),
            pl.col("z").mean().alias("y"),
            pl.len().alias("n"),
        )
        cells.append(
            tests.select(
                "code",
                "t",
                "group",
                "vpr",
                pl.lit(False).alias("annual"),
                "y",
                (test_noise / pl.col("n")).alias("variance"),
                "block",
                "scale",
                pl.col("n").cast(pl.Int64),
            )
        )
        keyed = students.select("block", "Код участника", "scale")
        pairs = (
            keyed.join(keyed, on=["block", "Код участника"], suffix="_b")
            .filter(pl.col("scale") < pl.col("scale_b"))
            .group_by("block", "scale", "scale_b")
            .agg(pl.len().cast(pl.Int64).alias("shared"))
            .rename({"scale": "a", "scale_b": "b"})
        )
    else:
        results = region.results.rename(
            {"Код ОО": "code", "Учебный год": "year", "Процедура": "procedure", "Класс": "grade", "Предмет": "subject"}
        ).join(scales, on=["procedure", "grade", "subject"], how="inner")
        if drop_vpr:
            results = results.filter(
                ~((pl.col("procedure") == demo_model.VPR) & pl.col("code").is_in(inflating.implode()))
            )
        results = results.with_columns(
            pl.col("year").replace_strict(year_index, return_dtype=pl.Int64).alias("t"),
            pl.concat_str("code", "year", pl.col("grade").cast(pl.String), separator="|").alias("block"),
        )
        ege = results.filter(pl.col("procedure") == demo_model.EGE).with_columns(
            ((pl.col("Средний балл") * pl.col("max_score") / 100.0 - pl.col("centre")) / pl.col("slope")).alias("y")
        )
        cells.append(
            ege.select(
                "code",
                "t",
                "group",
                pl.lit(False).alias("vpr"),
                pl.lit(False).alias("annual"),
                "y",
                (test_noise / pl.col("Участников")).alias("variance"),
                "block",
                "scale",
                pl.col("Участников").cast(pl.Int64).alias("n"),
            )
        )
        marked = results.filter(pl.col("procedure") != demo_model.EGE)
        if marked.height:
            cuts = np.array([demo_model.SCALES[i].z_cuts for i in marked["scale"].to_list()])
            counts = marked.select("2", "3", "4", "5").to_numpy().astype(np.float64)
            eta, variance = _ordered_probit(counts, cuts, math.sqrt(test_noise), np.zeros(len(counts)))
            cells.append(
                marked.select(
                    "code",
                    "t",
                    "group",
                    (pl.col("procedure") == demo_model.VPR).alias("vpr"),
                    pl.lit(False).alias("annual"),
                    pl.Series("y", eta),
                    pl.Series("variance", variance),
                    "block",
                    "scale",
                    pl.col("Участников").cast(pl.Int64).alias("n"),
                )
            )
        # The aggregated draw makes every test of a school independently: no shared errors.
    annual = region.results.filter(pl.col("Процедура") == demo_model.ANNUAL).rename(
        {"Код ОО": "code", "Учебный год": "year", "Предмет": "subject"}
    )
    if annual.height:
        annual = annual.join(truth.select("code", "mass_failure"), on="code", how="left").with_columns(
            pl.col("year").replace_strict(year_index, return_dtype=pl.Int64).alias("t"),
            pl.col("subject").map_elements(demo_model.subject_group, return_dtype=pl.Int64).alias("group"),
        )
        counts = annual.select("2", "3", "4", "5").to_numpy().astype(np.float64)
        cuts = np.broadcast_to(demo_model.JOURNAL_CUTS, (len(counts), 3))
        shift = np.where(annual["mass_failure"].to_numpy(), demo_model.MASS_FAILURE_MARK_SHIFT, 0.0)
        eta, variance = _ordered_probit(counts, cuts, math.sqrt(1 + demo_model.JOURNAL_NOISE_SD**2), shift)
        cells.append(
            annual.select(
                "code",
                "t",
                "group",
                pl.lit(False).alias("vpr"),
                pl.lit(True).alias("annual"),
                pl.Series("y", eta),
                pl.Series("variance", variance),
                pl.concat_str(pl.lit("annual"), pl.int_range(pl.len()).cast(pl.String)).alias("block"),
                pl.lit(-1).cast(pl.Int64).alias("scale"),
                pl.col("Участников").cast(pl.Int64).alias("n"),
            )
        )
    return pl.concat(cells, how="vertical_relaxed"), pairs


def oracle_posterior(region: object, scenario: Scenario, use_students: bool) -> pl.DataFrame:
    """Posterior mean and sd of each school's true level (mean over the years of μₜ)."""
    truth = region.truth
    cells, pairs = oracle_cells(region, scenario, use_students)
    n_years = region.results["Учебный год"].n_unique()
    codes = truth["code"].to_list()
    school_of = {code: i for i, code in enumerate(codes)}
    m = len(codes)
    # latent vector per school: μ_0 … μ_{T−1}, u_1 … u_9, drilling (ВПР only), leniency (year marks)
    dim = n_years + N_SUBJECT_GROUPS + 2
    drift = (
        demo_model.BETA**2 * demo_model.DISADVANTAGE_DRIFT_SD**2 + demo_model.GAMMA**2 * demo_model.QUALITY_DRIFT_SD**2
    )
    steps = np.minimum.outer(np.arange(n_years), np.arange(n_years)).astype(np.float64)
    level = truth["true_results"].to_numpy()
    average = np.full(n_years, 1.0 / n_years)
    tau0 = max(level.var() - drift * float(average @ steps @ average), 1e-6)
    prior = np.zeros((dim, dim))
    prior[:n_years, :n_years] = tau0 + drift * steps
    prior[n_years : n_years + N_SUBJECT_GROUPS, n_years : n_years + N_SUBJECT_GROUPS] = (
        np.eye(N_SUBJECT_GROUPS) * demo_model.SUBJECT_SD**2
    )
    prior[-2, -2] = max(scenario.vpr_drill_sd**2, 1e-10)
    prior[-1, -1] = max(scenario.journal_leniency_sd**2, 1e-10)
    prior_mean = np.zeros(dim)
    prior_mean[:n_years] = level.mean()
    precision0 = np.linalg.inv(prior)
    precision = np.broadcast_to(precision0, (m, dim, dim)).copy()
    linear = np.broadcast_to(precision0 @ prior_mean, (m, dim)).copy()

    rho = scenario.student_subject_correlation
    cells = cells.sort("block", "scale").with_columns(pl.int_range(pl.len()).over("block").alias("slot"))
    blocks = cells["block"].unique(maintain_order=True)
    block_id = {b: i for i, b in enumerate(blocks.to_list())}
    width = int(cells["slot"].max()) + 1
    n_blocks = len(block_id)
    b = cells["block"].replace_strict(block_id, return_dtype=pl.Int64).to_numpy()
    slot = cells["slot"].to_numpy()
    R = np.broadcast_to(np.eye(width), (n_blocks, width, width)).copy()
    A = np.zeros((n_blocks, width, dim))
    y = np.zeros((n_blocks, width))
    R[b, slot, slot] = cells["variance"].to_numpy()
    A[b, slot, cells["t"].to_numpy()] = 1.0
    A[b, slot, n_years + cells["group"].to_numpy()] = 1.0
    A[b, slot, dim - 2] = cells["vpr"].cast(pl.Float64).to_numpy()
    A[b, slot, dim - 1] = cells["annual"].cast(pl.Float64).to_numpy()
    y[b, slot] = cells["y"].to_numpy()
    if pairs.height:
        lookup = cells.select("block", "scale", "slot", "n")
        joined = pairs.join(lookup.rename({"scale": "a", "slot": "slot_a", "n": "n_a"}), on=["block", "a"]).join(
            lookup.rename({"scale": "b", "slot": "slot_b", "n": "n_b"}), on=["block", "b"]
        )
        pb = joined["block"].replace_strict(block_id, return_dtype=pl.Int64).to_numpy()
        covariance = rho * joined["shared"].to_numpy() / (joined["n_a"].to_numpy() * joined["n_b"].to_numpy())
        R[pb, joined["slot_a"].to_numpy(), joined["slot_b"].to_numpy()] = covariance
        R[pb, joined["slot_b"].to_numpy(), joined["slot_a"].to_numpy()] = covariance
    school_of_block = (
        cells.group_by("block", maintain_order=True)
        .agg(pl.col("code").first())["code"]
        .replace_strict(school_of)
        .to_numpy()
    )
    whitened = np.linalg.solve(R, A)  # R⁻¹ A
    information = np.einsum("bwi,bwj->bij", A, whitened)
    score = np.einsum("bwi,bw->bi", whitened, y)
    np.add.at(precision, school_of_block, information)
    np.add.at(linear, school_of_block, score)
    covariance = np.linalg.inv(precision)
    mean = np.einsum("sij,sj->si", covariance, linear)
    target = np.zeros(dim)
    target[:n_years] = 1.0 / n_years
    return pl.DataFrame(
        {
            "code": codes,
            "posterior_mean": mean @ target,
            "posterior_sd": np.sqrt(np.einsum("i,sij,j->s", target, covariance, target)),
        }
    )


def f1_optimal_list(probability: np.ndarray, positives: float) -> np.ndarray:
    """The schools with the highest probability, as many as maximise 2·Σ_{top a} p / (a + positives)."""
    order = np.argsort(-probability, kind="stable")
    expected = 2.0 * np.cumsum(probability[order]) / (np.arange(1, len(order) + 1) + positives)
    chosen = np.zeros(len(probability), dtype=bool)
    chosen[order[: int(np.argmax(expected)) + 1]] = True
    return chosen


def oracle_flags(
    posterior: pl.DataFrame, share: float, rng: np.random.Generator, draws: int = 4000
) -> tuple[np.ndarray, np.ndarray]:
    """Flags of the oracle from P(in the true bottom ⌈share·m⌉) (by simulation).

    Two lists: the F1-optimal one (the size maximising the expected F1, exact here since the
    true group has exactly ⌈share·m⌉ schools) and the ⌈share·m⌉ most probable schools.
    """
    mean = posterior["posterior_mean"].to_numpy()
    sd = posterior["posterior_sd"].to_numpy()
    m = len(mean)
    k = math.ceil(share * m)
    hits = np.zeros(m)
    for _ in range(draws // 500):
        sample = mean + sd * rng.standard_normal((500, m))
        bottom = np.argpartition(sample, k - 1, axis=1)[:, :k]
        hits += np.bincount(bottom.reshape(-1), minlength=m)
    probability = hits / draws
    top = np.zeros(m, dtype=bool)
    top[np.argsort(-probability, kind="stable")[:k]] = True
    return f1_optimal_list(probability, k), top


# ---------------------------------------------------------------- counting
@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    per_seed: list[float] = field(default_factory=list)

    def add(self, predicted: pl.Series, truth: pl.Series) -> None:
        predicted = predicted.fill_null(False)  # evaluation only: «not known» is not a flag
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

    @property
    def standard_error(self) -> float:
        values = np.array(self.per_seed)
        return float(values.std(ddof=1) / math.sqrt(len(values))) if len(values) > 1 else float("nan")


def seed_f1(predicted: pl.Series, truth: pl.Series) -> float:
    counts = Counts()
    counts.add(predicted, truth)
    return counts.f1


@dataclass
class ScenarioResult:
    counts: dict[str, Counts]
    unknown_objectivity: int = 0
    inflating: int = 0
    honest_statistics: dict[str, list[float]] = field(default_factory=dict)
    honest_any_signal: list[bool] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def evaluate(
    scenario_name: str,
    seeds: list[int],
    n_schools: int,
    with_students: bool,
    small: int,
    methodology: Methodology,
    verbose: bool = True,
) -> ScenarioResult:
    scenario = SCENARIOS[scenario_name]
    names = (
        "opora",
        "baseline",
        "oracle",
        "oracle_top",
        "oracle_small",
        "oracle_large",
        "opora_small",
        "opora_large",
        "baseline_small",
        "baseline_large",
        "objectivity",
        "objectivity_small",
        "objectivity_large",
        "unfavourable",
        "resilient",
        "failure",
    )
    outcome = ScenarioResult(counts={name: Counts() for name in names})
    counts = outcome.counts
    rng = np.random.default_rng(0)
    for seed in seeds:
        region = generate_region(seed=seed, n_schools=n_schools, with_students=with_students, scenario=scenario_name)
        frames = region_frames(region)
        year = int(frames["results"]["year"].max())
        started = time.perf_counter()
        identification = identify(**frames, year=year, methodology=methodology)
        outcome.seconds.append(time.perf_counter() - started)
        size = frames["context"].filter(pl.col("year") == year).select("code", "students")
        truth_frame = region.truth.rename({c: f"truth_{c}" for c in region.truth.columns if c != "code"})
        posterior = oracle_posterior(region, scenario, with_students)
        f1_list, top_list = oracle_flags(posterior, methodology.bottom_share, rng)
        oracle = posterior.select("code", pl.Series("oracle_low", f1_list), pl.Series("oracle_top", top_list))
        data = (
            truth_frame.join(identification.schools, on="code", how="left")
            .join(naive_baseline(frames["results"], year), on="code", how="left")
            .join(oracle, on="code", how="left")
            .join(size, on="code", how="left")
            .with_columns(pl.col("baseline_low").fill_null(False))
        )
        truth = data["truth_truly_low_results"]
        is_small = (data["students"] < small).fill_null(False)
        for name, column in (
            ("opora", "low_results"),
            ("baseline", "baseline_low"),
            ("oracle", "oracle_low"),
            ("oracle_top", "oracle_top"),
        ):
            counts[name].add(data[column], truth)
            counts[name].per_seed.append(seed_f1(data[column], truth))
            if name != "oracle_top":
                counts[f"{name}_small"].add(data[column].filter(is_small), truth.filter(is_small))
                counts[f"{name}_large"].add(data[column].filter(~is_small), truth.filter(~is_small))
        inflates = data["truth_inflates_vpr"]
        counts["objectivity"].add(data["objectivity_risk"], inflates)
        counts["objectivity_small"].add(data["objectivity_risk"].filter(is_small), inflates.filter(is_small))
        counts["objectivity_large"].add(data["objectivity_risk"].filter(~is_small), inflates.filter(~is_small))
        outcome.unknown_objectivity += int((data["objectivity_risk"].is_null() & inflates).sum())
        outcome.inflating += int(inflates.sum())
        counts["unfavourable"].add(data["unfavourable"], data["truth_unfavourable"])
        counts["resilient"].add(data["resilient"], data["truth_resilient"])
        counts["failure"].add(data["learning_failure"], data["truth_mass_failure"])
        long = identification.objectivity_signals_long.filter(pl.col("year") == year).join(
            region.truth.select("code", "inflates_vpr"), on="code"
        )
        honest = long.filter(~pl.col("inflates_vpr") & pl.col("statistic").is_not_null())
        for signal, part in honest.partition_by("signal", as_dict=True).items():
            outcome.honest_statistics.setdefault(str(signal[0]), []).extend(part["statistic"].to_list())
        fired = honest.group_by("code").agg(pl.col("fired").any())
        outcome.honest_any_signal.extend(fired["fired"].to_list())
        if verbose:
            print(
                f"    зерно {seed:>5}: F1 Опора {counts['opora'].per_seed[-1]:.3f}, наивное "
                f"{counts['baseline'].per_seed[-1]:.3f}, оракул {counts['oracle'].per_seed[-1]:.3f} "
                f"(identify {outcome.seconds[-1]:.2f} с)",
                flush=True,
            )
    return outcome


def best_oracle(counts: dict[str, Counts]) -> Counts:
    """The oracle's better list (a ceiling must not be understated)."""
    return max(counts["oracle"], counts["oracle_top"], key=lambda k: k.f1)


def report(name: str, outcome: ScenarioResult, small: int) -> list[str]:
    c = outcome.counts
    lines = [f"Сценарий «{name}»: {SCENARIOS[name].label}"]
    lines.append("  ШНОР против скрытой истины (все зёрна вместе; ± стандартная ошибка F1 по зёрнам):")
    for key, label in (
        ("opora", "Опора (методика по умолчанию)"),
        ("baseline", "наивное: нижние 10 % по средней отметке"),
        ("oracle", "предел (оракул, с предметными эффектами)"),
        ("oracle_top", "  он же: ⌈10 %⌉ самых вероятных школ"),
    ):
        k = c[key]
        lines.append(
            f"    {label:<44} F1 {k.f1:.3f} ± {k.standard_error:.3f}  "
            f"precision {k.precision:.3f}  recall {k.recall:.3f}"
        )
    ceiling = best_oracle(c)
    gap_oracle = ceiling.f1 - c["opora"].f1
    gain = c["opora"].f1 - c["baseline"].f1
    paired = np.array(ceiling.per_seed) - np.array(c["opora"].per_seed)
    paired_se = float(paired.std(ddof=1) / math.sqrt(len(paired))) if len(paired) > 1 else float("nan")
    lines.append(
        f"    Разница F1: до лучшего из правил оракула {gap_oracle:+.3f} ± {paired_se:.3f} (цель ≤ 0,02), "
        f"над наивным {gain:+.3f} (цель ≥ 0,08); стандартная ошибка по зёрнам"
    )
    s, b = c["opora_small"], c["opora_large"]
    ns, nb = c["baseline_small"], c["baseline_large"]
    os_, ob = c["oracle_small"], c["oracle_large"]
    lines.append(
        f"  Ложные ШНОР (FP / истинно не низких): Опора — малые (< {small} обучающихся) {s.false_positive_rate:.3f} "
        f"({s.fp} из {s.fp + s.tn}), большие {b.false_positive_rate:.3f} ({b.fp} из {b.fp + b.tn}); наивное — "
        f"малые {ns.false_positive_rate:.3f}, большие {nb.false_positive_rate:.3f}; оракул (список наибольшей "
        f"ожидаемой F1) — малые {os_.false_positive_rate:.3f} ({os_.fp} из {os_.fp + os_.tn}), большие "
        f"{ob.false_positive_rate:.3f} ({ob.fp} из {ob.fp + ob.tn})"
    )
    o = c["objectivity"]
    known = outcome.inflating - outcome.unknown_objectivity
    lines.append(
        f"  Необъективность ВПР: найдено {o.tp} из {outcome.inflating} завышающих (полнота {o.recall:.3f}; "
        f"среди тех, о ком данных достаточно, {o.tp / known if known else float('nan'):.3f}; «нет данных» у "
        f"{outcome.unknown_objectivity}); ложные у честных {o.false_positive_rate:.4f} ({o.fp} из {o.fp + o.tn}; "
        f"малые {c['objectivity_small'].false_positive_rate:.4f}, "
        f"большие {c['objectivity_large'].false_positive_rate:.4f})"
    )
    spreads = []
    for signal, values in sorted(outcome.honest_statistics.items()):
        array = np.array(values, dtype=np.float64)
        mad = 1.4826 * np.median(np.abs(array - np.median(array)))
        spreads.append(f"{signal} sd {array.std():.2f} (MAD {mad:.2f}, > 3: {np.mean(array > 3):.4f})")
    any_signal = np.mean(outcome.honest_any_signal) if outcome.honest_any_signal else float("nan")
    lines.append(
        f"  Калиброванные статистики у честных школ: {'; '.join(spreads)}; хоть один признак: {any_signal:.4f}"
    )
    lines.append(
        f"  ШНСУ F1 {c['unfavourable'].f1:.3f}; резильентные F1 {c['resilient'].f1:.3f}; неуспешность > 50 % F1 "
        f"{c['failure'].f1:.3f}; identify в среднем {np.mean(outcome.seconds):.2f} с"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", nargs="+", default=None, help="scenarios (default: all that the draw allows)")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(2026, 2036)))
    parser.add_argument("--schools", type=int, default=400, help="schools per demo region")
    parser.add_argument("--small", type=int, default=100, help="a school with fewer students is «small»")
    parser.add_argument(
        "--aggregated", action="store_true", help="draw form 3 directly (faster; no form 4, fewer scenarios)"
    )
    args = parser.parse_args()
    with_students = not args.aggregated
    scenarios = args.scenarios or [n for n, s in SCENARIOS.items() if with_students or not s.requires_students]
    methodology = Methodology()
    print(
        f"Демо-регионы: {len(args.seeds)} зёрен × {args.schools} школ, сценариев {len(scenarios)}; "
        f"{'формы 1–5' if with_students else 'формы 1, 2, 3, 5 (без формы 4)'}; методика «{methodology.name}», "
        f"версия {methodology.version}"
    )
    print(
        "Предел (оракул): точное апостериорное распределение уровня школы по модели генератора и тому, что несут "
        "данные, с предметными эффектами школ как помехой; список выбран для наибольшей ожидаемой F1 (и, для "
        "сравнения, ⌈10 %⌉ самых вероятных; цель сравнивается с лучшим из двух)"
    )
    summary = []
    for name in scenarios:
        print(f"Сценарий «{name}»", flush=True)
        outcome = evaluate(name, args.seeds, args.schools, with_students, args.small, methodology)
        lines = report(name, outcome, args.small)
        print("\n".join(lines), flush=True)
        c = outcome.counts
        summary.append(
            (
                name,
                c["opora"],
                c["baseline"],
                best_oracle(c),
                c["objectivity"],
                c["opora_small"].false_positive_rate,
                c["opora_large"].false_positive_rate,
                c["oracle_small"].false_positive_rate,
                c["oracle_large"].false_positive_rate,
            )
        )
    print()
    print("Сводка (F1 ± стандартная ошибка по зёрнам; цели: до оракула ≤ 0,02, над наивным ≥ 0,08, полнота ≥ 0,85,")
    print("ложные признаки необъективности ≤ 1 %, ложные ШНОР у малых школ не чаще, чем у больших; «ор.» — ложные ШНОР")
    print("оракула у малых и больших школ):")
    print(
        f"  {'сценарий':<18} {'Опора':>13} {'наивное':>13} {'оракул':>13} {'полнота':>8} {'ложные':>7} "
        f"{'FP мал.':>8} {'FP бол.':>8} {'ор. мал.':>8} {'ор. бол.':>8}"
    )
    for name, opora, baseline, oracle, objectivity, small_fp, large_fp, oracle_small, oracle_large in summary:
        print(
            f"  {name:<18} {opora.f1:.3f} ± {opora.standard_error:.3f} "
            f"{baseline.f1:.3f} ± {baseline.standard_error:.3f} "
            f"{oracle.f1:.3f} ± {oracle.standard_error:.3f} {objectivity.recall:>8.3f} "
            f"{objectivity.false_positive_rate:>7.4f} {small_fp:>8.3f} {large_fp:>8.3f} {oracle_small:>8.3f} "
            f"{oracle_large:>8.3f}"
        )


if __name__ == "__main__":
    main()
