"""The demo region as a whole: ``generate_region`` and what it returns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from .aggregates import draw_aggregated_results, draw_annual_marks
from .assessments import build_cells, sort_results
from .context import draw_context
from .model import mean_ability
from .names import REGION_NAME
from .outcomes import draw_outcomes
from .population import Population, draw_population, top_share
from .scenarios import scenario_named
from .students import aggregate_student_results, draw_student_results
from .teachers import draw_teachers

LOW_RESULTS_SHARE = 0.10
UNFAVOURABLE_SHARE = 0.25
# A stream per part of the generator; "scenario" draws only what a scenario adds (SeedSequence
# children do not depend on how many are spawned, so the other streams stay the same).
_STREAMS = ("population", "context", "cells", "results", "annual", "outcomes", "teachers", "scenario")


@dataclass(frozen=True)
class DemoRegion:
    """A synthetic region in the file forms of Опора, and the hidden truth behind it.

    Attributes
    ----------
    region_name : str
        «Демонстрационная область».
    schools : pl.DataFrame
        Form 1, «Реестр ОО».
    context : pl.DataFrame
        Form 2, one row per school and school year.
    results : pl.DataFrame
        Form 3, aggregated results; computed from ``student_results`` when those exist.
    student_results : pl.DataFrame | None
        Form 4, one row per participant and test (``None`` when generated without students).
    outcomes : pl.DataFrame
        Form 5, «Итоги учебного года».
    teachers : pl.DataFrame
        Form 8, «Педагоги», as of the last school year.
    truth : pl.DataFrame
        The hidden model, one row per school; for tests and benchmarks, never read by the product.
    """

    region_name: str
    schools: pl.DataFrame
    context: pl.DataFrame
    results: pl.DataFrame
    student_results: pl.DataFrame | None
    outcomes: pl.DataFrame
    teachers: pl.DataFrame
    truth: pl.DataFrame


def generate_region(
    *,
    seed: int = 2026,
    n_schools: int = 150,
    last_year: int = 2026,
    n_years: int = 3,
    n_municipalities: int = 4,
    with_students: bool = True,
    scenario: str = "default",
) -> DemoRegion:
    """Generate the demo region from a hidden model of schools and students.

    Each school has a latent social disadvantage d (standardised; higher in villages, far from
    the district centre, in small, special and evening schools) and a latent quality
    q ~ N(0, 1) independent of d, except that 18 % of the most disadvantaged quarter get
    q ← |q| + 1.5 (resilient schools). Both drift as random walks (sd 0.05 and 0.10 a year).
    A student's ability in a subject is

        a = −β·d + γ·q + u + ε,   β = 0.5, γ = 0.4, u ~ N(0, 0.15²), ε ~ N(0, 1),

    so context explains about 60 % of the between-school variance of the expected results
    ``true_results = −β·d + γ·q``. Tests map ``a + e`` (e ~ N(0, 0.35²)) to primary scores and
    marks by fixed cut-offs; journal and year marks are ``a + e_j`` (e_j ~ N(0, 0.5²)) cut at
    more lenient cut-offs. About 4.5 % of schools inflate the ВПР (one mark up for 75–95 % of
    the students with 2 or 3, scores pushed to the cut-off); about 2 % have mass failure. Form 2
    counts are binomial with shares that follow d. The full statement is in docs/demo.md.

    Parameters
    ----------
    seed : int
        Seed of NumPy's random generator; the same arguments always give identical frames.
    n_schools : int
        Number of schools (codes «MMNNNN»: municipality MM, serial NNNN).
    last_year : int
        The calendar year the last school year ends in (2026 → «2025/2026»).
    n_years : int
        Number of school years, ending with ``last_year``.
    n_municipalities : int
        Municipalities; the first is an urban district. More are added when one would hold more
        than 9 999 schools.
    with_students : bool
        Draw form 4 (one row per participant) and aggregate form 3 from it; when False form 3
        is drawn directly per school, grade and subject (fast enough for 40 000 schools).
    scenario : str
        A scenario of :data:`~opora.demo.generator.scenarios.SCENARIOS` that changes some
        mechanisms of the model (how schools inflate the ВПР, correlation of a student's results,
        spread of ЕГЭ scores, size of village schools, leniency of journals); docs/demo.md. Most
        act on single participants and need ``with_students=True``.

    Returns
    -------
    DemoRegion

    Examples
    --------
    >>> region = generate_region(n_schools=20, n_years=2)
    >>> region.context["Учебный год"].unique().sort().to_list()
    ['2024/2025', '2025/2026']
    """
    if n_schools < 1:
        raise ValueError("Число школ должно быть не меньше 1.")
    if n_years < 1:
        raise ValueError("Число учебных лет должно быть не меньше 1.")
    if not 1 <= n_municipalities <= 99:
        raise ValueError("Число муниципалитетов должно быть от 1 до 99.")
    chosen = scenario_named(scenario)
    if chosen.requires_students and not with_students:
        raise ValueError(f"Сценарий «{scenario}» меняет результаты участников: нужен with_students=True.")
    # Independent streams: drawing form 4 or not leaves the other forms unchanged.
    seeds = np.random.SeedSequence(seed).spawn(len(_STREAMS))
    rngs = {name: np.random.default_rng(s) for name, s in zip(_STREAMS, seeds, strict=True)}
    years = tuple(range(last_year - n_years + 1, last_year + 1))
    population = draw_population(
        rngs["population"],
        n_schools=n_schools,
        years=years,
        n_municipalities=n_municipalities,
        scenario=chosen,
        scenario_rng=rngs["scenario"],
    )
    context, over_60 = draw_context(rngs["context"], population)
    cells = build_cells(rngs["cells"], population)
    student_results: pl.DataFrame | None
    if with_students:
        student_results = draw_student_results(rngs["results"], population, cells)
        tests = aggregate_student_results(student_results)
    else:
        student_results = None
        tests = draw_aggregated_results(rngs["results"], population, cells)
    annual, failing_floor = draw_annual_marks(rngs["annual"], population)
    return DemoRegion(
        region_name=REGION_NAME,
        schools=population.registry,
        context=context,
        results=sort_results(pl.concat([tests, annual])),
        student_results=student_results,
        outcomes=draw_outcomes(rngs["outcomes"], population, failing_floor),
        teachers=draw_teachers(rngs["teachers"], population, over_60),
        truth=_truth(population),
    )


def _truth(population: Population) -> pl.DataFrame:
    """The hidden truth: means over the school years of the latent variables, and the flags."""
    quality = population.quality.mean(axis=1)
    disadvantage = population.disadvantage.mean(axis=1)
    true_results = mean_ability(disadvantage, quality)
    unfavourable = top_share(disadvantage, UNFAVOURABLE_SHARE)
    return pl.DataFrame(
        {
            "code": population.codes.tolist(),
            "quality": quality,
            "disadvantage": disadvantage,
            "true_results": true_results,
            "subject_effect": population.subject_effect.mean(axis=1),
            "truly_low_results": top_share(-true_results, LOW_RESULTS_SHARE),
            "unfavourable": unfavourable,
            "resilient": unfavourable & (true_results > np.median(true_results)),
            "inflates_vpr": population.inflates_vpr,
            "mass_failure": population.mass_failure,
        },
        schema_overrides={"code": pl.String},
    )
