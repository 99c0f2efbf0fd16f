"""The schools of the demo region: registry, latent disadvantage and quality, sizes of the grades."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from .model import DISADVANTAGE_DRIFT_SD, QUALITY_DRIFT_SD, SUBJECT_GROUPS, SUBJECT_SD, mean_ability
from .names import REGION_NAME, SETTLEMENT_KINDS, STREETS, VILLAGES, municipality_names, person_names
from .scenarios import SCENARIOS, Scenario

SCHOOL_TYPES = ("СОШ", "ООШ", "НОШ", "лицей", "гимназия", "вечерняя (сменная)", "коррекционная", "другое")
SOSH, OOSH, NOSH, LYCEUM, GYMNASIUM, EVENING, SPECIAL, OTHER = range(len(SCHOOL_TYPES))
FIRST_GRADE = np.array([1, 1, 1, 1, 1, 7, 1, 1])
LAST_GRADE = np.array([11, 9, 4, 11, 11, 11, 9, 11])
TAKES_VPR = np.array([True, True, True, True, True, False, False, True])
TAKES_STATE_EXAMS = np.array([True, True, True, True, True, True, False, True])
MAX_GRADE = 11

# Shares of the school types in towns and in villages.
_TYPE_SHARES = {
    False: (0.70, 0.02, 0.03, 0.07, 0.08, 0.04, 0.04, 0.02),
    True: (0.47, 0.35, 0.15, 0.0, 0.0, 0.0, 0.02, 0.01),
}
# Students: median, sd of the logarithm, least and greatest; by (rural, type).
_SIZES = {
    False: (
        (800, 0.35, 400, 1500),
        (300, 0.3, 150, 500),
        (150, 0.3, 60, 300),
        (900, 0.3, 500, 1500),
        (900, 0.3, 500, 1500),
        (120, 0.4, 40, 300),
        (150, 0.35, 60, 300),
        (600, 0.4, 200, 1200),
    ),
    True: (
        (140, 0.55, 45, 600),
        (35, 0.6, 10, 120),
        (16, 0.5, 5, 45),
        (400, 0.3, 200, 800),
        (400, 0.3, 200, 800),
        (80, 0.4, 30, 200),
        (70, 0.3, 30, 150),
        (150, 0.4, 50, 400),
    ),
}
# Selective schools take in favoured children; special and evening schools the opposite.
_TYPE_DISADVANTAGE = np.array([0.0, 0.0, 0.0, -0.7, -0.7, 1.0, 0.8, 0.0])
# Share of a cohort that stays for grades 10–11.
_SENIOR_SHARE = np.array([0.55, 0.0, 0.0, 0.75, 0.75, 1.0, 0.0, 0.55])
_STAFF_BASE = np.array([8, 5, 1, 10, 10, 4, 6, 8])
_STUDENTS_PER_TEACHER = np.array([17.0, 17.0, 17.0, 16.0, 16.0, 15.0, 6.0, 17.0])
_RURAL_DECLINE = 0.02  # yearly shrinking of village cohorts
MAX_SCHOOLS_PER_MUNICIPALITY = 9999  # the 4 last digits of a 6-digit code
RESILIENT_BOOST_SHARE = 0.18
RESILIENT_BOOST = 1.5
INFLATING_SHARE = 0.045
MASS_FAILURE_PER_SCHOOLS = 50

_ORG_FULL = {
    "МБОУ": "Муниципальное бюджетное общеобразовательное учреждение",
    "МАОУ": "Муниципальное автономное общеобразовательное учреждение",
    "МКОУ": "Муниципальное казённое общеобразовательное учреждение",
    "ОГБОУ": "Областное государственное бюджетное общеобразовательное учреждение",
}
_TYPE_FULL = (
    "Средняя общеобразовательная школа",
    "Основная общеобразовательная школа",
    "Начальная общеобразовательная школа",
    "Лицей",
    "Гимназия",
    "Вечерняя (сменная) общеобразовательная школа",
    "Специальная (коррекционная) общеобразовательная школа-интернат",
    "Центр образования",
)
_TYPE_SHORT = ("СОШ", "ООШ", "НОШ", "Лицей", "Гимназия", "В(С)ОШ", "С(К)ОШИ", "ЦО")


@dataclass(frozen=True)
class Population:
    """Everything drawn once per school; arrays are indexed [school] or [school, year]."""

    years: tuple[int, ...]
    codes: np.ndarray  # str
    municipality: np.ndarray
    school_type: np.ndarray
    rural: np.ndarray
    distance_km: np.ndarray
    disadvantage: np.ndarray  # [school, year]
    quality: np.ndarray  # [school, year]
    grade_sizes: np.ndarray  # [school, year, grade 0..11]; column 0 unused
    subject_effect: np.ndarray  # [school, subject group]
    staff: np.ndarray  # [school, year], teaching staff
    inflates_vpr: np.ndarray
    inflation_share: np.ndarray
    mass_failure: np.ndarray
    registry: pl.DataFrame  # form 1
    scenario: Scenario = SCENARIOS["default"]
    inflated_grades: np.ndarray | None = None  # [school, grade 0..11]: the ВПР grades inflated
    journal_leniency: np.ndarray | None = None  # [school]: shift of the journal and year marks
    vpr_drill: np.ndarray | None = None  # [school]: effect on the ВПР only

    @property
    def n_schools(self) -> int:
        return len(self.codes)

    @property
    def students(self) -> np.ndarray:
        return self.grade_sizes.sum(axis=2)

    def mean_ability(self) -> np.ndarray:
        """μ = −β·d + γ·q for each school and year (no subject effect)."""
        return mean_ability(self.disadvantage, self.quality)

    def leniency(self) -> np.ndarray:
        """Shift of the journal and year marks of each school (0 unless the scenario varies it)."""
        return np.zeros(self.n_schools) if self.journal_leniency is None else self.journal_leniency

    def drill(self) -> np.ndarray:
        """Effect of each school on its ВПР only (0 unless the scenario varies it)."""
        return np.zeros(self.n_schools) if self.vpr_drill is None else self.vpr_drill

    def grade_inflated(self, school: np.ndarray, grade: np.ndarray) -> np.ndarray:
        """Whether the ВПР of a grade of a school is inflated (all grades of inflating schools by default)."""
        if self.inflated_grades is None:
            return self.inflates_vpr[school]
        return self.inflated_grades[school, grade]


def allocate_municipalities(n_schools: int, n_municipalities: int) -> np.ndarray:
    """Schools per municipality: the urban district weighs 1.5, the others 1 (largest remainders).

    More municipalities are added when one would hold more schools than its codes allow.
    """
    count = n_municipalities
    while True:
        weights = np.array([1.5] + [1.0] * (count - 1))
        exact = n_schools * weights / weights.sum()
        counts = np.floor(exact).astype(np.int64)
        order = np.argsort(-(exact - counts), kind="stable")
        counts[order[: n_schools - counts.sum()]] += 1
        if counts.max() <= MAX_SCHOOLS_PER_MUNICIPALITY:
            return counts
        count += 1
        if count > 99:
            raise ValueError("Слишком много школ: коды ОО допускают не более 99 муниципалитетов.")


def _standardised(values: np.ndarray) -> np.ndarray:
    centred = values - values.mean()
    sd = centred.std()
    return centred / sd if sd > 1e-12 else centred


def top_share(values: np.ndarray, share: float) -> np.ndarray:
    """The ⌈share·n⌉ entries with the largest values (ties broken by position)."""
    chosen = np.zeros(len(values), dtype=bool)
    chosen[np.argsort(-values, kind="stable")[: math.ceil(share * len(values))]] = True
    return chosen


def draw_population(
    rng: np.random.Generator,
    *,
    n_schools: int,
    years: tuple[int, ...],
    n_municipalities: int,
    scenario: Scenario = SCENARIOS["default"],
    scenario_rng: np.random.Generator | None = None,
) -> Population:
    """Draw the schools, their latent variables and the sizes of their grades.

    ``scenario_rng`` draws only what a scenario adds (inflated grades, leniency, drilling), so the
    default scenario's region is the same whatever the scenarios are.
    """
    per_municipality = allocate_municipalities(n_schools, n_municipalities)
    municipality = np.repeat(np.arange(len(per_municipality)), per_municipality)
    serial = np.concatenate([np.arange(1, k + 1) for k in per_municipality])
    codes = np.array([f"{m + 1:02d}{s:04d}" for m, s in zip(municipality, serial, strict=True)])

    rural = rng.random(n_schools) >= np.where(municipality == 0, 0.70, 0.15)
    school_type = np.empty(n_schools, dtype=np.int64)
    size_target = np.empty(n_schools)
    for is_rural in (False, True):
        where = np.flatnonzero(rural == is_rural)
        school_type[where] = rng.choice(len(SCHOOL_TYPES), size=len(where), p=_TYPE_SHARES[is_rural])
        sizes = np.array(_SIZES[is_rural])[school_type[where]]
        drawn = sizes[:, 0] * np.exp(sizes[:, 1] * rng.standard_normal(len(where)))
        factor = scenario.rural_size_factor if is_rural else 1.0
        size_target[where] = np.clip(drawn * factor, np.maximum(3.0, sizes[:, 2] * factor), sizes[:, 3] * factor)

    distance_km = np.where(
        rural,
        np.clip(35.0 * np.exp(0.7 * rng.standard_normal(n_schools)), 4.0, 250.0),
        np.abs(rng.normal(0.0, 2.5, n_schools)) + 0.3,
    ).round(1)
    municipality_effect = np.concatenate([[0.0], rng.normal(0.0, 0.25, len(per_municipality) - 1)])
    raw = (
        0.6 * rural
        + 0.3 * np.log1p(distance_km)
        + _TYPE_DISADVANTAGE[school_type]
        + municipality_effect[municipality]
        - 0.1 * (np.log(size_target) - np.log(150.0))
        + rng.normal(0.0, 0.6, n_schools)
    )
    disadvantage0 = _standardised(raw)
    quality0 = rng.standard_normal(n_schools)
    # A few disadvantaged schools are good anyway: the resilient schools the program looks for.
    boosted = top_share(disadvantage0, 0.25) & (rng.random(n_schools) < RESILIENT_BOOST_SHARE)
    quality0 = np.where(boosted, np.abs(quality0) + RESILIENT_BOOST, quality0)
    n_years = len(years)
    steps = rng.standard_normal((2, n_schools, n_years))
    steps[:, :, 0] = 0.0
    disadvantage = disadvantage0[:, None] + DISADVANTAGE_DRIFT_SD * steps[0].cumsum(axis=1)
    quality = quality0[:, None] + QUALITY_DRIFT_SD * steps[1].cumsum(axis=1)

    grade_sizes = _draw_grade_sizes(rng, school_type, rural, size_target, n_years)
    students = grade_sizes.sum(axis=2)
    staff_effect = np.exp(rng.normal(0.0, 0.12, n_schools))
    staff = np.maximum(
        1,
        np.rint(
            _STAFF_BASE[school_type, None]
            + students / _STUDENTS_PER_TEACHER[school_type, None] * staff_effect[:, None]
        ),
    ).astype(np.int64)
    subject_effect = rng.normal(0.0, SUBJECT_SD, (n_schools, len(SUBJECT_GROUPS)))

    mass_failure = _choose_mass_failure(disadvantage, quality, rural, school_type, students[:, -1])
    inflates, inflation_share = _choose_inflating(
        rng, disadvantage, school_type, students[:, -1], mass_failure, scenario.inflating_min_students
    )
    extra = scenario_rng if scenario_rng is not None else np.random.default_rng(0)
    inflated_grades = None
    if scenario.inflated_grades:
        # each inflating school inflates only a few of its ВПР grades (4–8), the same every year
        order = np.argsort(extra.random((n_schools, 5)), axis=1)[:, : scenario.inflated_grades] + 4
        inflated_grades = np.zeros((n_schools, MAX_GRADE + 1), dtype=bool)
        np.put_along_axis(inflated_grades, order, True, axis=1)
        inflated_grades &= inflates[:, None]
    leniency = extra.normal(0.0, scenario.journal_leniency_sd, n_schools) if scenario.journal_leniency_sd else None
    drill = extra.normal(0.0, scenario.vpr_drill_sd, n_schools) if scenario.vpr_drill_sd else None

    names = municipality_names(len(per_municipality))
    registry = _registry(rng, codes, municipality, names, school_type, rural, distance_km)
    return Population(
        years=years,
        codes=codes,
        municipality=municipality,
        school_type=school_type,
        rural=rural,
        distance_km=distance_km,
        disadvantage=disadvantage,
        quality=quality,
        grade_sizes=grade_sizes,
        subject_effect=subject_effect,
        staff=staff,
        inflates_vpr=inflates,
        inflation_share=inflation_share,
        mass_failure=mass_failure,
        registry=registry,
        scenario=scenario,
        inflated_grades=inflated_grades,
        journal_leniency=leniency,
        vpr_drill=drill,
    )


def _choose_mass_failure(
    disadvantage: np.ndarray,
    quality: np.ndarray,
    rural: np.ndarray,
    school_type: np.ndarray,
    students: np.ndarray,
) -> np.ndarray:
    """One school in 50 fails more than half its students: the weakest small village schools.

    Candidates are village СОШ and ООШ with 15–200 students in the most disadvantaged quarter;
    those with the lowest expected results are taken.
    """
    true_results = mean_ability(disadvantage, quality).mean(axis=1)
    candidates = np.flatnonzero(
        top_share(disadvantage.mean(axis=1), 0.25)
        & rural
        & np.isin(school_type, (SOSH, OOSH))
        & (students >= 15)
        & (students <= 200)
    )
    weakest = candidates[np.argsort(true_results[candidates], kind="stable")]
    chosen = np.zeros(len(students), dtype=bool)
    chosen[weakest[: round(len(students) / MASS_FAILURE_PER_SCHOOLS)]] = True
    return chosen


def _choose_inflating(
    rng: np.random.Generator,
    disadvantage: np.ndarray,
    school_type: np.ndarray,
    students: np.ndarray,
    mass_failure: np.ndarray,
    min_students: int = 40,
) -> tuple[np.ndarray, np.ndarray]:
    """About 4.5 % of the schools writing the ВПР (40 students or more by default) inflate it.

    Returns the flags and the share ρ ~ U(0.75, 0.95) of eligible students whose mark is raised.
    """
    n_schools = len(students)
    inflates = np.zeros(n_schools, dtype=bool)
    candidates = np.flatnonzero(TAKES_VPR[school_type] & (students >= min_students) & ~mass_failure)
    count = min(round(INFLATING_SHARE * n_schools), len(candidates))
    if count:
        # Pressure to look good is stronger where conditions are harder.
        weights = np.exp(0.5 * disadvantage.mean(axis=1)[candidates])
        inflates[rng.choice(candidates, size=count, replace=False, p=weights / weights.sum())] = True
    return inflates, np.where(inflates, rng.uniform(0.75, 0.95, n_schools), 0.0)


def _draw_grade_sizes(
    rng: np.random.Generator,
    school_type: np.ndarray,
    rural: np.ndarray,
    size_target: np.ndarray,
    n_years: int,
) -> np.ndarray:
    """Students per grade and year, following cohorts: grade g in year t is the cohort t − g."""
    n_schools = len(school_type)
    grades = np.arange(MAX_GRADE + 1)
    first, last = FIRST_GRADE[school_type], LAST_GRADE[school_type]
    taught = (grades[None, :] >= first[:, None]) & (grades[None, :] <= last[:, None])
    senior_share = _SENIOR_SHARE[school_type]
    weight = (
        np.where(
            grades[None, :] >= 10, np.where(school_type[:, None] == EVENING, 1.0, senior_share[:, None]), 1.0
        )
        * taught
    )
    per_grade = size_target / weight.sum(axis=1)
    n_cohorts = n_years + MAX_GRADE
    cohort = np.arange(n_cohorts)
    decline = np.where(rural[:, None], (1.0 - _RURAL_DECLINE) ** (cohort - n_cohorts / 2)[None, :], 1.0)
    entered = rng.poisson(per_grade[:, None] * decline)
    stayed = rng.binomial(entered, np.where(school_type == EVENING, 1.0, senior_share)[:, None])
    sizes = np.zeros((n_schools, n_years, MAX_GRADE + 1), dtype=np.int64)
    for t in range(n_years):
        for g in range(1, MAX_GRADE + 1):
            c = t - g + MAX_GRADE
            sizes[:, t, g] = np.where(g >= 10, stayed[:, c], entered[:, c]) * taught[:, g]
    # A school always has someone to teach.
    empty = sizes.sum(axis=2) == 0
    school_index, year_index = np.nonzero(empty)
    sizes[school_index, year_index, first[school_index]] = 1
    return sizes


def _registry(
    rng: np.random.Generator,
    codes: np.ndarray,
    municipality: np.ndarray,
    names: list[tuple[str, str]],
    school_type: np.ndarray,
    rural: np.ndarray,
    distance_km: np.ndarray,
) -> pl.DataFrame:
    """Form 1, «Реестр ОО»."""
    n_schools = len(codes)
    n_municipalities = len(names)
    angle = 2 * np.pi * np.arange(n_municipalities) / max(1, n_municipalities - 1)
    ring = 0.9 + 0.6 * (np.arange(n_municipalities) // 10)
    centre_lat = np.where(np.arange(n_municipalities) == 0, 56.45, 56.3 + 0.8 * ring * np.sin(angle))
    centre_lon = np.where(np.arange(n_municipalities) == 0, 84.95, 84.6 + 1.6 * ring * np.cos(angle))
    bearing = rng.uniform(0, 2 * np.pi, n_schools)
    straight_km = np.where(rural, distance_km / 1.3, distance_km)
    latitude = centre_lat[municipality] + straight_km * np.cos(bearing) / 111.2
    longitude = centre_lon[municipality] + straight_km * np.sin(bearing) / (111.2 * np.cos(np.radians(56.3)))

    village_order = [rng.permutation(len(VILLAGES)) for _ in range(n_municipalities)]
    village_used = np.zeros(n_municipalities, dtype=np.int64)
    numbers: dict[tuple[int, int], int] = {}
    kind_draw = rng.random(n_schools)
    org_draw = rng.random(n_schools)
    abbreviated = rng.random(n_schools) < 0.15
    street = rng.integers(len(STREETS), size=n_schools)
    house = rng.integers(1, 60, size=n_schools)
    postcode = rng.integers(100, 1000, size=n_schools)
    phone = rng.integers(10, 100, size=(n_schools, 3))
    directors = person_names(rng, rng.random(n_schools) < 0.7).to_list()

    rows: dict[str, list] = {key: [] for key in ("name", "short", "address", "phone", "email")}
    for i in range(n_schools):
        m, kind = int(municipality[i]), int(school_type[i])
        municipality_name, centre = names[m]
        if kind == SPECIAL:
            org = "ОГБОУ"
        elif rural[i]:
            org = "МКОУ" if org_draw[i] < 0.4 else "МБОУ"
        else:
            org = "МАОУ" if org_draw[i] < 0.25 and kind != EVENING else "МБОУ"
        type_full, type_short = _TYPE_FULL[kind], _TYPE_SHORT[kind]
        if rural[i]:
            k = village_used[m]
            village_used[m] += 1
            village = VILLAGES[village_order[m][k % len(VILLAGES)]]
            if k >= len(VILLAGES):
                village = f"{village}-{k // len(VILLAGES) + 1}"
            prefix = (
                ("д." if kind_draw[i] < 0.7 else "с.")
                if kind == NOSH
                else (SETTLEMENT_KINDS[int(np.searchsorted([0.65, 0.85], kind_draw[i], side="right"))])
            )
            place = f"{prefix} {village}"
            title, short_title = f"{type_full} {place}", f"{type_short} {place}"
            street_name = "Школьная" if kind_draw[i] < 0.5 else STREETS[street[i]]
        else:
            group = kind if kind in (LYCEUM, GYMNASIUM, EVENING, SPECIAL, OTHER) else SOSH
            number = numbers.get((m, group), 0) + 1
            numbers[(m, group)] = number
            if kind == NOSH:
                type_full, type_short = "Начальная школа – детский сад", "НШ-ДС"
            place = centre
            title = f"{type_full} № {number} {centre}"
            short_title = f"{type_short} № {number} {centre}"
            street_name = STREETS[street[i]]
        organisation = org if abbreviated[i] else _ORG_FULL[org]
        rows["name"].append(f'{organisation} "{title}"')
        rows["short"].append(f"{org} {short_title}")
        rows["address"].append(
            f"6{(m + 1) % 100:02d}{postcode[i]}, {REGION_NAME}, {municipality_name}, {place}, "
            f"ул. {street_name}, д. {house[i]}"
        )
        rows["phone"].append(f"+7 (38{(m + 1) % 100:02d}) {phone[i, 0]}-{phone[i, 1]}-{phone[i, 2]}")
        rows["email"].append(f"school{codes[i]}@obr-demo.example")

    return pl.DataFrame(
        {
            "Код ОО": codes.tolist(),
            "Наименование": rows["name"],
            "Краткое наименование": rows["short"],
            "Муниципалитет": [names[m][0] for m in municipality],
            "Тип ОО": [SCHOOL_TYPES[k] for k in school_type],
            "Местность": np.where(rural, "село", "город").tolist(),
            "Адрес": rows["address"],
            "Широта": latitude.round(6),
            "Долгота": longitude.round(6),
            "Директор": directors,
            "Телефон": rows["phone"],
            "E-mail": rows["email"],
        },
        schema_overrides={"Широта": pl.Float64, "Долгота": pl.Float64},
    )
