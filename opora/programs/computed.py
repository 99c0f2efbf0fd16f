"""The indicators of a program that Опора computes from its own data, and how.

A program's indicator names one of these by its key (``ProgramIndicator.computed``); twice a
year (or whenever asked) Опора computes its actual value for a school year and stores it beside
the values people enter. A function returns ``None`` — «нет данных» — whenever the data it
needs are not loaded (no results of the year, no list of ШНОР, no teachers, …): never 0 for
missing data. Shares are in per cent (0–100), as the seeds write them.

The school year is named by the calendar year it ends in (2026 is 2025/2026), as everywhere in
Опора; a program's period «2021» (seed 003) is read as the school year 2020/2021.

**ШНОР и/или ШНСУ of a year** are the schools of the lists in force for that school year
(«Перечень», approved by an order; a school the commission excluded is not in it, one it added
is), in the program's territory. When no list was approved for the year, the flags of the
latest finished identification run on the previous year's data stand for it (that run is what
the list would have been approved from). Neither → «нет данных».

Coverage of the seeds' indicator tables
---------------------------------------
Seed 001 (Тунгиро-Олёкминский район, паспорт, «Основные показатели»):

- доля ШНОР и ШНСУ с условиями равного доступа к качественному образованию, в том числе с ДОТ —
  **not computable**: Опора holds no data on access conditions or distance learning (form 2 has
  computers and internet speed, which are not «условия равного доступа»);
- доля педагогов, прошедших переподготовку или ПК — ``teachers_training_share``;
- доля обучающихся ШНСУ, успешно сдавших ГИА — ``gia_success_unfavourable_share``;
- доля школ, обучающиеся которых продемонстрировали более высокие результаты, среди ШНОР и
  ШНСУ — ``positive_dynamics_share`` (the same figure as seed 003, 2.1.2);
- процент укомплектованности педагогическими кадрами — ``staffing_percent``;
- повышение качества образовательных услуг — **not computable**: the seed gives no measure of
  it (no unit, no formula); a program states it through the other indicators (УО, КО, «2»);
- from the expected results: снижена доля обучающихся, не освоивших основную
  общеобразовательную программу — ``failing_share``.

Seed 003 (подпрограмма 2021–2024, таблица «Показатели»):

- 2.1.1 доля школ, в которых проведён анализ результатов и социальных условий —
  ``analysed_share``;
- 2.1.2 доля ШНОР и/или ШНСУ с положительной динамикой результатов — ``positive_dynamics_share``;
- 2.2 доля педагогов ШНОР и/или ШНСУ, прошедших диагностику компетенций —
  ``teachers_diagnostics_share``;
- 2.3.1 доля ШНОР и/или ШНСУ, охваченных методической работой — ``methodical_coverage_share``;
- 2.3.2 доля ШНОР и/или ШНСУ в сетевом взаимодействии с опорными школами — ``networking_share``
  (a confirmed partner school and a joint activity held in the year);
- 2.2 also: the share of teachers with an individual plan — ``teachers_plan_share``;
- 2.3.3 доля ШНОР, которым оказана адресная методическая помощь — ``targeted_help_share``.

Seed 004 (МОУ «ОСОШ», Стрежевой, «Индикаторы (показатели) эффективности»):

- 1.1, 1.2 отношение к школе и мотивация к обучению (уровень «не ниже среднего») — **not
  computable**: the results of the psychological diagnostics are not loaded into Опора (the
  questionnaires of the risk profile give shares of favourable answers per risk factor, not
  these instruments' levels);
- 2.1 количество мероприятий для родителей — ``parent_events_count`` (from the roadmaps);
- 2.2 доля родителей, участвующих в этих мероприятиях — **not computable**: no attendance data;
- 3.1 участие педагогов в городских/региональных методических мероприятиях, 3.2
  представленный педагогический опыт — **not computable**: Опора keeps no record of events
  attended or experience presented;
- 3.3 доля педагогов, эффективно применяющих деятельностные технологии — **not computable**:
  lesson observations are not in Опора;
- 4.1 доля педагогов с низкой мотивацией к профессиональному самоопределению — **not
  computable**: psychological diagnostics, not loaded;
- 5.1 наличие сети школ-партнёров — ``partner_schools_count``;
- 5.2 наполнение банка лучших практик — **not computable**: no bank of practices in Опора;
- 6.1 доля детей без аттестатов в 9 классе — ``no_certificate_9_share``;
- 6.2 доля неудовлетворительных результатов по математике на ОГЭ с первой попытки —
  ``oge_math_fail_share``;
- 6.3 динамика общего и качественного результатов 10-х классов на начало и конец года —
  **not computable**: form 3 keeps one «Контрольный срез» per school, year, grade and subject,
  so the start and the end of the year cannot be told apart;
- 6.4 доля детей, получивших не менее 120 баллов на ЕГЭ по сумме трёх предметов —
  ``ege_120_share`` (needs form 4, the participants' results).

Seed 004 writes the targets of 6.2–6.4 as multiples of the baseline («в 1,3 раза»: 0,9 / 1,1 /
1,3), not as shares; Опора computes the share itself, so such a target has to be rewritten as a
share (baseline ÷ 1,3) for the plan-fact comparison to mean anything.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import polars as pl
from django.db.models import Q, QuerySet
from django.utils import timezone

from opora.accounts.models import Role, User
from opora.analytics.dynamics import POSITIVE, dynamics_of
from opora.identification.models import (
    RunSchool,
)
from opora.identification.queries import LISTED_KEYS, latest_done_run
from opora.identification.queries import listed_codes as listed_codes_of
from opora.programs.models import Activity, ActivityStatus, IndicatorDirection, Program, ProgramKind
from opora.results.frames import outcomes_frame, results_frame, student_results_frame
from opora.results.models import Procedure, SchoolResult
from opora.risks.models import MeasureKind
from opora.schools.frames import context_frame
from opora.schools.models import Municipality, Region, School, SchoolContext
from opora.support.frames import TEACHERS
from opora.support.models import Partnership, PartnershipStatus, Teacher

PARENTS_FACTOR = "parents"
"""The risk factor «Низкий уровень вовлечённости родителей» (reference data of project 500+)."""

# The programs whose done activities are the targeted help of a school (seed 003, 2.3.3).
HELP_KINDS = (ProgramKind.ANTIRISK, ProgramKind.ROADMAP, ProgramKind.SCHOOL_SUPPORT)
HELP_DONE = (ActivityStatus.DONE, ActivityStatus.PARTLY_DONE)


class Level(StrEnum):
    """Whose program it is: a school's, a municipality's or the region's."""

    SCHOOL = "school"
    MUNICIPALITY = "municipality"
    REGION = "region"


LEVEL_NAMES = {Level.SCHOOL: "школа", Level.MUNICIPALITY: "муниципалитет", Level.REGION: "регион"}
EVERY_LEVEL = frozenset(Level)
TERRITORIES = frozenset({Level.MUNICIPALITY, Level.REGION})


@dataclass(frozen=True)
class Scope:
    """The territory an indicator is computed for: a region, a municipality of it, or one school."""

    region: Region
    municipality: Municipality | None = None
    school: School | None = None

    @classmethod
    def of(cls, program: Program) -> Scope:
        """The scope of a program: its school, else its municipality, else its region."""
        if program.school_id is not None:
            return cls(region=program.region, municipality=program.school.municipality, school=program.school)
        return cls(region=program.region, municipality=program.municipality)

    @property
    def level(self) -> Level:
        if self.school is not None:
            return Level.SCHOOL
        if self.municipality is not None:
            return Level.MUNICIPALITY
        return Level.REGION

    def narrow(self, rows: QuerySet, school_path: str = "school") -> QuerySet:
        """Rows whose school (at ``school_path``) is in the scope."""
        if self.school is not None:
            return rows.filter(**{school_path: self.school})
        if self.municipality is not None:
            return rows.filter(**{f"{school_path}__municipality": self.municipality})
        return rows.filter(**{f"{school_path}__municipality__region": self.region})

    def schools(self, *, active_only: bool = False) -> QuerySet[School]:
        if self.school is not None:
            schools = School.objects.filter(pk=self.school.pk)
        elif self.municipality is not None:
            schools = School.objects.filter(municipality=self.municipality)
        else:
            schools = School.objects.filter(municipality__region=self.region)
        return schools.filter(is_active=True) if active_only else schools

    def codes(self) -> list[str]:
        return sorted(self.schools().values_list("code", flat=True))

    def programs(self) -> QuerySet[Program]:
        """The programs of the territory: its own and those of its municipalities and schools."""
        programs = Program.objects.filter(region=self.region)
        if self.school is not None:
            return programs.filter(school=self.school)
        if self.municipality is not None:
            return programs.filter(Q(municipality=self.municipality) | Q(school__municipality=self.municipality))
        return programs


@dataclass(frozen=True)
class ComputedIndicator:
    """An indicator Опора computes.

    Attributes
    ----------
    key
        What ``ProgramIndicator.computed`` holds.
    name
        The name as the seed words it.
    unit, direction
        «%» or «ед.»; whether more is better (``higher``) or less (``lower``).
    levels
        The programs it applies to: a school's, a municipality's, the region's.
    seeds
        Where it comes from («003, п. 2.1.1»).
    method
        How it is computed, in Russian: the stored actual's source and the page's hint.
    compute
        ``(scope, year) -> float | None``; ``year`` is the school year's end year.
    """

    key: str
    name: str
    unit: str
    direction: str
    levels: frozenset[Level]
    seeds: tuple[str, ...]
    method: str
    compute: Callable[[Scope, int], float | None]

    def applies_to(self, scope: Scope) -> bool:
        return scope.level in self.levels


# --- the pieces every indicator uses -------------------------------------------------------------


def _percent(part: float | None, whole: float | None) -> float | None:
    """part / whole × 100; unknown when the whole is unknown or empty."""
    if part is None or whole is None or whole <= 0:
        return None
    return 100.0 * part / whole


def _sums(frame: pl.DataFrame, part: str, whole: str) -> tuple[float, float]:
    """Σ part and Σ whole over the rows where both are known."""
    known = frame.filter(pl.col(part).is_not_null() & pl.col(whole).is_not_null())
    totals = known.select(pl.col(part).cast(pl.Float64).sum(), pl.col(whole).cast(pl.Float64).sum()).row(0)
    return float(totals[0] or 0.0), float(totals[1] or 0.0)


def school_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """1 September of the year before to 31 August of ``year``."""
    return datetime.date(year - 1, 9, 1), datetime.date(year, 8, 31)


def _today() -> datetime.date:
    return timezone.localdate()


def current_school_year(today: datetime.date | None = None) -> int:
    """The end year of the school year ``today`` falls in (from 1 September)."""
    today = today or _today()
    return today.year + 1 if today.month >= 9 else today.year


def listed_codes(scope: Scope, year: int, flags: tuple[str, ...] = LISTED_KEYS) -> list[str] | None:
    """Codes of the scope's ШНОР и/или ШНСУ for a school year (:func:`opora.identification.queries.listed_codes`)."""
    codes = listed_codes_of(scope.region, year, flags, municipality=scope.municipality)
    if codes is None or scope.school is None:
        return codes
    return [code for code in codes if code == scope.school.code]


def _group(scope: Scope, year: int, flags: tuple[str, ...] = LISTED_KEYS) -> list[str] | None:
    """The schools an indicator of ШНОР и/или ШНСУ counts: the school itself, else the territory's listed ones."""
    if scope.school is not None:
        return [scope.school.code]
    return listed_codes(scope, year, flags)


# --- the indicators ----------------------------------------------------------------------------


def analysed_share(scope: Scope, year: int) -> float | None:
    """Active schools with both results (form 3) and context (form 2) of the year ÷ active schools."""
    schools = scope.schools(active_only=True)
    total = schools.count()
    with_results = set(
        SchoolResult.objects.filter(school__in=schools, year__end_year=year).values_list("school", flat=True)
    )
    with_context = set(
        SchoolContext.objects.filter(school__in=schools, year__end_year=year).values_list("school", flat=True)
    )
    if not with_results and not with_context:
        return None  # nothing of the year is loaded yet: no analysis to count
    return _percent(len(with_results & with_context), total)


@dataclass(frozen=True)
class IndexEstimate:
    """A school's results index of a year with its interval (the bounds may be unknown)."""

    index: float
    lower: float | None = None
    upper: float | None = None


def _estimate(values: dict) -> IndexEstimate | None:
    if values.get("results_index") is None:
        return None
    return IndexEstimate(values["results_index"], values.get("results_index_lower"), values.get("results_index_upper"))


Z95 = 1.959963984540054
"""The 95 % quantile of the normal law: the yearly index's interval is ±Z95·√v."""


def _yearly_estimate(values: dict) -> IndexEstimate | None:
    """A year's index as observed (before shrinkage) with its sampling interval ±1,96·√v.

    The shrunk yearly index borrows strength over the years of the school and would hide the
    very change the dynamics looks for; without the raw index, the shrunk one is used.
    """
    raw, variance = values.get("raw_index"), values.get("raw_variance")
    if raw is not None and variance is not None and variance >= 0:
        half = Z95 * math.sqrt(variance)
        return IndexEstimate(raw, raw - half, raw + half)
    return _estimate(values)


def _line_estimate(line: RunSchool | None) -> IndexEstimate | None:
    if line is None or line.results_index is None:
        return None
    return IndexEstimate(line.results_index, line.results_index_lower, line.results_index_upper)


def index_dynamics(before: IndexEstimate, after: IndexEstimate) -> str | None:
    """The dynamics of the index (``"positive"``, ``"negative"``, ``"none"``; None: not known).

    A change counts only when it exceeds its own interval, √(h₁² + h₂²) from the two years'
    intervals (:func:`opora.analytics.dynamics.dynamics_of`, methodology 4.8).
    """
    return dynamics_of(before.index, (before.lower, before.upper), after.index, (after.lower, after.upper))


def index_rose(before: IndexEstimate, after: IndexEstimate) -> bool:
    """Whether the index rose beyond the uncertainty of the change (positive dynamics)."""
    return index_dynamics(before, after) == POSITIVE


def index_pairs(region: Region, year: int, codes: list[str]) -> dict[str, tuple[IndexEstimate, IndexEstimate]]:
    """(last year, this year) results index of each school that has both.

    Both from the latest finished run on the year's data, which keeps every year it used on one
    scale (``details["yearly"]``); where it lacks the previous year, the previous year's own run.
    The index is relative to the region's schools of the same year, so a rise is a rise among them.
    """
    run = latest_done_run(region, year)
    if run is None:
        return {}
    previous_run = None
    pairs = {}
    for line in run.schools.filter(code__in=codes):
        yearly = {row.get("year"): row for row in (line.details or {}).get("yearly", [])}
        after = _yearly_estimate(yearly[year]) if year in yearly else _line_estimate(line)
        if after is None:
            continue
        before = _yearly_estimate(yearly.get(year - 1, {}))
        if before is None:
            previous_run = previous_run or latest_done_run(region, year - 1)
            earlier = previous_run.schools.filter(code=line.code).first() if previous_run else None
            earlier_yearly = {
                row.get("year"): row for row in ((earlier.details or {}) if earlier else {}).get("yearly", [])
            }
            before = (
                _yearly_estimate(earlier_yearly[year - 1]) if year - 1 in earlier_yearly else _line_estimate(earlier)
            )
        if before is not None:
            pairs[line.code] = (before, after)
    return pairs


def positive_dynamics_share(scope: Scope, year: int) -> float | None:
    """ШНОР и/или ШНСУ of the year with positive dynamics of the results index (:func:`index_dynamics`) ÷ those
    whose dynamics is known (both years' index and an interval)."""
    codes = _group(scope, year)
    if not codes:
        return None
    known = [index_dynamics(before, after) for before, after in index_pairs(scope.region, year, codes).values()]
    known = [dynamics for dynamics in known if dynamics is not None]
    return _percent(sum(dynamics == POSITIVE for dynamics in known), len(known))


def _teachers(scope: Scope, codes: list[str]) -> pl.DataFrame:
    return TEACHERS.read(region=scope.region, codes=codes, columns=("code", "diagnostics_date", "last_training_year"))


def _teacher_rows(scope: Scope, codes: list[str]) -> QuerySet[Teacher]:
    return Teacher.objects.filter(school__code__in=codes, school__municipality__region=scope.region)


def teachers_diagnostics_share(scope: Scope, year: int) -> float | None:
    """Teachers of ШНОР и/или ШНСУ (for a school's program, of the school) diagnosed in the year ÷ all of them.

    Diagnosed: a diagnostics recorded in Опора during the school year, or form 8's date of the
    latest diagnostic in it (form 8 keeps only the latest date: for an earlier year without
    records in Опора the share is a lower bound).
    """
    codes = _group(scope, year)
    if not codes:
        return None
    teachers = _teacher_rows(scope, codes)
    total = teachers.count()
    if not total:
        return None
    start, end = school_year_bounds(year)
    diagnosed = (
        teachers.filter(Q(diagnostics_date__range=(start, end)) | Q(diagnostics__held_on__range=(start, end)))
        .distinct()
        .count()
    )
    return _percent(diagnosed, total)


def teachers_plan_share(scope: Scope, year: int) -> float | None:
    """Teachers of ШНОР и/или ШНСУ with an individual development plan (ИОМ) in force during the year ÷ all."""
    codes = _group(scope, year)
    if not codes:
        return None
    teachers = _teacher_rows(scope, codes)
    total = teachers.count()
    if not total:
        return None
    start, end = school_year_bounds(year)
    with_plan = teachers.filter(plans__starts_on__lte=end, plans__ends_on__gte=start).distinct().count()
    return _percent(with_plan, total)


def _networked(codes: list[str], year: int) -> QuerySet[Partnership]:
    """Confirmed partnerships of the year whose schools held at least one joint activity in it."""
    start, end = school_year_bounds(year)
    return Partnership.objects.filter(
        school__code__in=codes,
        year=year,
        status=PartnershipStatus.CONFIRMED,
        activities__held_on__range=(start, end),
    )


def networking_share(scope: Scope, year: int) -> float | None:
    """ШНОР и/или ШНСУ in networking (a confirmed partner school and a joint activity held in the year) ÷ all."""
    codes = listed_codes(scope, year, LISTED_KEYS)
    if not codes:
        return None
    networked = set(_networked(codes, year).values_list("school__code", flat=True))
    return _percent(len(networked), len(codes))


def partner_schools_count(scope: Scope, year: int) -> float | None:
    """The partner schools of a school for the year (seed 004, 5.1 «наличие сети школ-партнёров»)."""
    if scope.school is None:
        return None
    partners = Partnership.objects.filter(school=scope.school, year=year, status=PartnershipStatus.CONFIRMED)
    return float(partners.values("partner").distinct().count())


TRAINING_YEARS = 3
"""Courses at least once in three years: a teacher «прошёл ПК» with courses ending in the last three years."""


def teachers_training_share(scope: Scope, year: int) -> float | None:
    """Teachers of the scope's schools whose latest courses ended in the three years up to ``year`` ÷ teachers.

    Counted among teachers whose year of courses is given and not after ``year`` (a later year
    hides whether they had courses then).
    """
    teachers = _teachers(scope, scope.codes()).filter(
        pl.col("last_training_year").is_not_null() & (pl.col("last_training_year") <= year)
    )
    if teachers.is_empty():
        return None
    trained = teachers.filter(pl.col("last_training_year") >= year - TRAINING_YEARS).height
    return _percent(trained, teachers.height)


def methodical_coverage_share(scope: Scope, year: int) -> float | None:
    """ШНОР и/или ШНСУ with a curator ÷ ШНОР и/или ШНСУ, for the current school year only.

    Опора keeps today's assignment of curators and not its history: for another year, «нет данных».
    """
    if year != current_school_year():
        return None
    codes = _group(scope, year)
    if not codes:
        return None
    curated = set(
        User.objects.filter(role=Role.CURATOR, is_active=True, curated_schools__code__in=codes).values_list(
            "curated_schools__code", flat=True
        )
    )
    return _percent(len(curated & set(codes)), len(codes))


def _activities_of_year(year: int) -> Q:
    """Activities of the school year: by their end date, or by their program's year when they have none."""
    start, end = school_year_bounds(year)
    return Q(ends_on__range=(start, end)) | Q(ends_on=None, program__year__end_year=year)


def targeted_help_share(scope: Scope, year: int) -> float | None:
    """ШНОР with an activity done (or partly done) in the year under an antirisk program, a roadmap or a program
    of support of the school ÷ ШНОР (the program in any state: a draft being carried out counts)."""
    codes = _group(scope, year, ("low_results",))
    if not codes:
        return None
    helped = set(
        Activity.objects.filter(
            _activities_of_year(year),
            program__school__code__in=codes,
            program__kind__in=HELP_KINDS,
            status__in=HELP_DONE,
        ).values_list("program__school__code", flat=True)
    )
    return _percent(len(helped), len(codes))


def gia_success_unfavourable_share(scope: Scope, year: int) -> float | None:
    """Graduates of 9th and 11th grades of ШНСУ who got the certificate ÷ graduates (form 5).

    The certificate stands for success at ГИА: the outcomes count graduates, not exam sittings.
    """
    codes = _group(scope, year, ("unfavourable",))
    if not codes:
        return None
    outcomes = outcomes_frame(scope.region, years=[year]).filter(pl.col("code").is_in(codes))
    failed_9, graduates_9 = _sums(outcomes, "no_certificate_9", "graduates_9")
    failed_11, graduates_11 = _sums(outcomes, "no_certificate_11", "graduates_11")
    graduates = graduates_9 + graduates_11
    return _percent(graduates - failed_9 - failed_11, graduates)


def staffing_percent(scope: Scope, year: int) -> float | None:
    """Teachers ÷ (teachers + vacancies) of the year's context (form 2), over the scope's schools that give both."""
    context = context_frame(scope.region, years=[year]).filter(pl.col("code").is_in(scope.codes()))
    teachers, vacancies = _sums(context, "teachers", "teacher_vacancies")
    return _percent(teachers, teachers + vacancies)


def failing_share(scope: Scope, year: int) -> float | None:
    """Students failing at the end of the year ÷ students at the end of the year (form 5)."""
    outcomes = outcomes_frame(scope.region, years=[year]).filter(pl.col("code").is_in(scope.codes()))
    return _percent(*_sums(outcomes, "failing", "students_end"))


def no_certificate_9_share(scope: Scope, year: int) -> float | None:
    """9th-grade graduates without the certificate ÷ 9th-grade graduates (form 5)."""
    outcomes = outcomes_frame(scope.region, years=[year]).filter(pl.col("code").is_in(scope.codes()))
    return _percent(*_sums(outcomes, "no_certificate_9", "graduates_9"))


MATHEMATICS = "математика"


def oge_math_fail_share(scope: Scope, year: int) -> float | None:
    """«2» ÷ participants of ОГЭ in mathematics (form 3).

    Form 3 gives the main period's results; they are taken as the first attempt (retakes are not loaded).
    """
    results = results_frame(scope.region, years=[year], codes=None if scope.level == Level.REGION else scope.codes())
    math = results.filter(
        (pl.col("procedure") == str(Procedure.OGE))
        & (pl.col("subject").str.strip_chars().str.to_lowercase() == MATHEMATICS)
    )
    return _percent(*_sums(math, "marks_2", "participants"))


EGE_SUM = 120
EGE_SUBJECTS = 3


def ege_120_share(scope: Scope, year: int) -> float | None:
    """ЕГЭ participants whose three best test scores add up to 120 or more ÷ ЕГЭ participants (form 4).

    A participant is a school's anonymous code; one who took fewer than three subjects did not reach it.
    """
    students = student_results_frame(scope.region, years=[year])
    ege = students.filter(
        (pl.col("procedure") == str(Procedure.EGE))
        & pl.col("test_score").is_not_null()
        & pl.col("code").is_in(scope.codes())
    )
    if ege.is_empty():
        return None
    per_participant = ege.group_by("code", "participant_code").agg(
        pl.col("test_score").sort(descending=True).head(EGE_SUBJECTS).sum().alias("best"),
        pl.len().alias("subjects"),
    )
    reached = per_participant.filter((pl.col("subjects") >= EGE_SUBJECTS) & (pl.col("best") >= EGE_SUM)).height
    return _percent(reached, per_participant.height)


def parent_events_count(scope: Scope, year: int) -> float | None:
    """Activities for parents done in the year under the scope's programs: a measure «работа с родителями» of the
    catalog or an activity against the risk «Низкий уровень вовлечённости родителей».

    The same activity in a school's antirisk program and in its roadmap counts once. No program
    with activities for the year → «нет данных».
    """
    activities = Activity.objects.filter(_activities_of_year(year), program__in=scope.programs())
    if not activities.exists():
        return None
    done = activities.filter(
        Q(measure__kind=MeasureKind.PARENTS) | Q(factor_key=PARENTS_FACTOR), status=ActivityStatus.DONE
    )
    distinct = set(done.values_list("program__school", "measure", "content", "ends_on"))
    return float(len(distinct))


def _registry(*items: ComputedIndicator) -> dict[str, ComputedIndicator]:
    return {item.key: item for item in items}


HIGHER, LOWER = str(IndicatorDirection.HIGHER), str(IndicatorDirection.LOWER)

COMPUTED: dict[str, ComputedIndicator] = _registry(
    ComputedIndicator(
        key="analysed_share",
        name="Доля школ, в которых проведен анализ данных об образовательных результатах обучающихся и внешних "
        "социальных условиях работы",
        unit="%",
        direction=HIGHER,
        levels=TERRITORIES,
        seeds=("003, п. 2.1.1",),
        method="действующие школы, по которым за учебный год загружены и результаты (форма 3), и контекстные "
        "данные (форма 2), от всех действующих школ территории",
        compute=analysed_share,
    ),
    ComputedIndicator(
        key="positive_dynamics_share",
        name="Доля ШНОР и/или ШНСУ, ежегодно показывающих положительную динамику образовательных результатов "
        "обучающихся",
        unit="%",
        direction=HIGHER,
        levels=TERRITORIES,
        seeds=("003, п. 2.1.2", "001: доля школ, обучающиеся которых продемонстрировали более высокие результаты"),
        method="ШНОР и ШНСУ перечня на учебный год, у которых индекс результатов года выше верхней границы "
        "интервала прошлого года, от тех, у кого индекс известен за оба года (расчёт выявления)",
        compute=positive_dynamics_share,
    ),
    ComputedIndicator(
        key="teachers_diagnostics_share",
        name="Доля педагогических работников в ШНОР и/или ШНСУ, прошедших диагностику профессиональных "
        "(предметных, методических) компетенций, в том числе с применением дистанционных технологий",
        unit="%",
        direction=HIGHER,
        levels=EVERY_LEVEL,
        seeds=("003, п. 2.2",),
        method="педагоги ШНОР и ШНСУ перечня (для программы школы — педагоги школы), у которых дата диагностики "
        "в учебном году, от всех педагогов этих школ (форма 8)",
        compute=teachers_diagnostics_share,
    ),
    ComputedIndicator(
        key="teachers_plan_share",
        name="Доля педагогических работников ШНОР и/или ШНСУ, имеющих индивидуальный образовательный маршрут "
        "(индивидуальный план профессионального развития)",
        unit="%",
        direction=HIGHER,
        levels=EVERY_LEVEL,
        seeds=("003, п. 2.2", "004: индивидуальные планы профессионального развития педагогов"),
        method="педагоги ШНОР и ШНСУ перечня (для программы школы — педагоги школы) с ИОМ, действовавшим в "
        "учебном году, от всех педагогов этих школ",
        compute=teachers_plan_share,
    ),
    ComputedIndicator(
        key="networking_share",
        name="Доля ШНОР и/или ШНСУ, включенных в сетевое взаимодействие с опорными школами (школами-партнёрами)",
        unit="%",
        direction=HIGHER,
        levels=TERRITORIES,
        seeds=("003, п. 2.3.2",),
        method="ШНОР и ШНСУ перечня, у которых на учебный год утверждена школа-партнёр и проведено хотя бы одно "
        "совместное мероприятие, от всех ШНОР и ШНСУ перечня",
        compute=networking_share,
    ),
    ComputedIndicator(
        key="partner_schools_count",
        name="Наличие сети школ-партнёров (количество школ-партнёров)",
        unit="ед.",
        direction=HIGHER,
        levels=frozenset({Level.SCHOOL}),
        seeds=("004, п. 5.1",),
        method="школы-партнёры школы, утверждённые координатором на учебный год",
        compute=partner_schools_count,
    ),
    ComputedIndicator(
        key="methodical_coverage_share",
        name="Доля ШНОР и/или ШНСУ, охваченных методической работой",
        unit="%",
        direction=HIGHER,
        levels=TERRITORIES,
        seeds=("003, п. 2.3.1",),
        method="ШНОР и ШНСУ перечня, за которыми закреплён куратор, от всех ШНОР и ШНСУ перечня; только за "
        "текущий учебный год",
        compute=methodical_coverage_share,
    ),
    ComputedIndicator(
        key="targeted_help_share",
        name="Доля ШНОР, которым оказана адресная методическая помощь, в рамках проекта по организации "
        "методической поддержки общеобразовательных организаций, имеющих низкие образовательные результаты "
        "обучающихся",
        unit="%",
        direction=HIGHER,
        levels=TERRITORIES,
        seeds=("003, п. 2.3.3",),
        method="ШНОР перечня, у которых в учебном году выполнено (полностью или частично) хотя бы одно "
        "мероприятие антирисковой программы, дорожной карты или программы поддержки школы, от всех ШНОР перечня",
        compute=targeted_help_share,
    ),
    ComputedIndicator(
        key="teachers_training_share",
        name="Доля педагогических работников образовательных организаций, прошедших переподготовку или "
        "повышение квалификации по актуальным вопросам повышения качества образования",
        unit="%",
        direction=HIGHER,
        levels=EVERY_LEVEL,
        seeds=("001",),
        method="педагоги, окончившие курсы повышения квалификации за последние три года, от педагогов с "
        "указанным годом курсов (форма 8)",
        compute=teachers_training_share,
    ),
    ComputedIndicator(
        key="gia_success_unfavourable_share",
        name="Доля обучающихся школ, функционирующих в неблагоприятных социальных условиях, успешно сдавших "
        "итоговую государственную аттестацию, в общей численности обучающихся из данных школ, прошедших "
        "государственную итоговую аттестацию",
        unit="%",
        direction=HIGHER,
        levels=EVERY_LEVEL,
        seeds=("001",),
        method="выпускники 9 и 11 классов ШНСУ перечня (для программы школы — школы), получившие аттестат, от "
        "всех выпускников (форма 5)",
        compute=gia_success_unfavourable_share,
    ),
    ComputedIndicator(
        key="staffing_percent",
        name="Процент укомплектованности образовательных учреждений педагогическими кадрами",
        unit="%",
        direction=HIGHER,
        levels=EVERY_LEVEL,
        seeds=("001",),
        method="педагогические работники от суммы педагогических работников и вакансий (форма 2)",
        compute=staffing_percent,
    ),
    ComputedIndicator(
        key="failing_share",
        name="Доля обучающихся, не освоивших основную общеобразовательную программу",
        unit="%",
        direction=LOWER,
        levels=EVERY_LEVEL,
        seeds=("001: ожидаемые результаты",),
        method="неуспевающие от обучающихся на конец учебного года (форма 5)",
        compute=failing_share,
    ),
    ComputedIndicator(
        key="no_certificate_9_share",
        name="Доля детей без аттестатов в 9 классе",
        unit="%",
        direction=LOWER,
        levels=EVERY_LEVEL,
        seeds=("004, п. 6.1",),
        method="выпускники 9 классов без аттестата от всех выпускников 9 классов (форма 5)",
        compute=no_certificate_9_share,
    ),
    ComputedIndicator(
        key="oge_math_fail_share",
        name="Доля неудовлетворительных результатов по математике на ОГЭ с первой попытки",
        unit="%",
        direction=LOWER,
        levels=EVERY_LEVEL,
        seeds=("004, п. 6.2",),
        method="отметки «2» от участников ОГЭ по математике (форма 3, основной период)",
        compute=oge_math_fail_share,
    ),
    ComputedIndicator(
        key="ege_120_share",
        name="Доля детей, получивших не менее 120 баллов на ЕГЭ по сумме трех предметов",
        unit="%",
        direction=HIGHER,
        levels=EVERY_LEVEL,
        seeds=("004, п. 6.4",),
        method="участники ЕГЭ, у которых сумма трёх лучших тестовых баллов не меньше 120, от всех участников "
        "ЕГЭ (форма 4)",
        compute=ege_120_share,
    ),
    ComputedIndicator(
        key="parent_events_count",
        name="Количество мероприятий, направленных на повышение родительской компетентности в сфере "
        "детско-родительских отношений",
        unit="ед.",
        direction=HIGHER,
        levels=EVERY_LEVEL,
        seeds=("004, п. 2.1",),
        method="выполненные в учебном году мероприятия программ и дорожных карт — меры «работа с родителями» "
        "и меры против риска «Низкий уровень вовлечённости родителей»",
        compute=parent_events_count,
    ),
)


def computed_for(scope: Scope) -> list[ComputedIndicator]:
    """The computed indicators that apply to a program of the scope's level, in the registry's order."""
    return [item for item in COMPUTED.values() if item.applies_to(scope)]


__all__ = [
    "COMPUTED",
    "ComputedIndicator",
    "IndexEstimate",
    "Level",
    "Scope",
    "computed_for",
    "current_school_year",
    "index_pairs",
    "index_rose",
    "listed_codes",
    "school_year_bounds",
]
