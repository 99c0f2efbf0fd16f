"""Reads of the risk profiles shared by pages, exports, documents and the command line."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from opora.accounts.models import User
from opora.analytics.risks import LEVELS, RISK_INDICATORS
from opora.core.formatting import num, percent
from opora.identification.models import RunStatus
from opora.risks.defaults import FACTORS
from opora.risks.execution import MIN_ANSWERS
from opora.risks.models import (
    Audience,
    ExternalLevel,
    LevelOverride,
    PriorityFactor,
    ProfileFactor,
    ProfileRun,
    RiskFactor,
    RiskProfile,
    SurveyLink,
    SurveyResponse,
    level_name,
)
from opora.schools.models import School, SchoolContext, SchoolYear

# ФИОКО names a factor as the default set does: its name gives the factor's key.
FACTOR_KEY_BY_NAME = {factor.name.casefold(): factor.key for factor in FACTORS}
LEVEL_TONES = {None: "neutral", 0: "ok", 1: "low", 2: "warn", 3: "bad"}


def runs_visible_to(user: User) -> QuerySet[ProfileRun]:
    return ProfileRun.objects.visible_to(user).select_related("year", "factor_set", "region", "created_by")


def latest_done_run(user: User, year: SchoolYear | None = None) -> ProfileRun | None:
    runs = runs_visible_to(user).filter(status=RunStatus.DONE)
    if year is not None:
        runs = runs.filter(year=year)
    return runs.order_by("-year__end_year", "-created_at").first()


@dataclass(frozen=True)
class FactorState:
    """A factor of a school's profile: the computed level, ФИОКО's, the expert's, and the one in force."""

    factor: RiskFactor
    computed: int | None
    external: str | None
    judged: LevelOverride | None
    previous: int | None
    evidence: list[dict] = field(default_factory=list)
    priority: bool = False

    @property
    def level(self) -> int | None:
        """The level in force: the expert's when there is one, the computed one otherwise."""
        if self.judged is not None and self.judged.level is not None:
            return self.judged.level
        return self.computed

    @property
    def level_name(self) -> str:
        return level_name(self.level)

    @property
    def tone(self) -> str:
        return LEVEL_TONES[self.level]

    @property
    def computed_name(self) -> str:
        return level_name(self.computed)

    @property
    def previous_name(self) -> str:
        return level_name(self.previous)

    @property
    def change(self) -> str:
        """How the level compares with last year's: «выше», «ниже», «тот же» or «нет данных»."""
        if self.level is None or self.previous is None:
            return "нет данных"
        if self.level > self.previous:
            return "выше"
        return "ниже" if self.level < self.previous else "тот же"

    def evidence_lines(self) -> list[dict]:
        """Each indicator behind the computed level, in words: what, its value, the thresholds, the level."""
        lines = []
        for row in self.evidence:
            key, _, audience = row["indicator"].partition(":")
            indicator = RISK_INDICATORS.get(key)
            label = indicator.label if indicator else key
            if audience:
                label = f"{label} ({Audience(audience).label})"
            unit = indicator.unit if indicator else ""
            lines.append(
                {
                    "label": label,
                    "value": shown_value(row["value"], unit),
                    "thresholds": _thresholds(row, unit),
                    "level": LEVELS[row["level"]],
                    "tone": LEVEL_TONES[row["level"]],
                    "source": indicator.source if indicator else "",
                }
            )
        return lines


def shown_value(value: float | None, unit: str) -> str:
    """A value of an indicator in its unit, in Russian: «12,5 %», «0,04 шт.», «да»; unknown as «нет данных»."""
    if value is None:
        return "нет данных"
    if unit == "доля":
        return percent(value)
    if unit == "%":
        return f"{num(value, 0)} %"
    if unit == "да/нет":
        return "да" if value >= 1 else "нет"
    return f"{num(value, 2 if abs(value) < 10 and value != int(value) else 0)} {unit}".strip()


def _thresholds(row: dict, unit: str) -> str:
    sign = "≥" if row["operator"] == ">=" else "≤"
    parts = [
        f"{name} {sign} {shown_value(row[key], unit)}"
        for key, name in (("high", "высокий"), ("medium", "средний"), ("low", "низкий"))
        if row.get(key) is not None
    ]
    return "; ".join(parts)


def _profile_of(run: ProfileRun | None, school: School) -> RiskProfile | None:
    return run.profiles.filter(school=school).first() if run is not None else None


def school_factors(user: User, school: School, run: ProfileRun) -> list[FactorState]:
    """The school's factors in the run, each with ФИОКО's level, the expert's judgement, last year's level."""
    profile = _profile_of(run, school)
    computed = {
        row.factor.key: row
        for row in (profile.factors.select_related("factor") if profile else ProfileFactor.objects.none())
    }
    previous_run = (
        ProfileRun.objects.filter(region=run.region, year__end_year=run.year.end_year - 1, status=RunStatus.DONE)
        .order_by("-created_at")
        .first()
    )
    previous_profile = _profile_of(previous_run, school)
    previous = (
        dict(previous_profile.factors.values_list("factor__key", "level")) if previous_profile is not None else {}
    )
    judged: dict[str, LevelOverride] = {}
    for override in LevelOverride.objects.filter(school=school, year=run.year).order_by("created_at", "pk"):
        judged[override.factor_key] = override
    external = {
        FACTOR_KEY_BY_NAME.get(row.factor.casefold(), ""): row.level
        for row in ExternalLevel.objects.filter(school=school, year=run.year)
    }
    priorities = set(PriorityFactor.objects.filter(school=school, year=run.year).values_list("factor_key", flat=True))
    return [
        FactorState(
            factor=factor,
            computed=computed[factor.key].level if factor.key in computed else None,
            external=external.get(factor.key),
            judged=judged.get(factor.key),
            previous=previous.get(factor.key),
            evidence=computed[factor.key].evidence if factor.key in computed else [],
            priority=factor.key in priorities,
        )
        for factor in run.factor_set.factors.filter(retired=False).order_by("number")
    ]


@dataclass(frozen=True)
class MapRow:
    profile: RiskProfile
    levels: list[tuple[int | None, str, str]]  # (level, name, tone) per factor


def risk_map(
    user: User, run: ProfileRun, *, municipality: str = "", factor: str = "", level: str = ""
) -> tuple[list[RiskFactor], list[MapRow]]:
    """Schools × factors of the run with the level in force (the expert's where there is one)."""
    factors = list(run.factor_set.factors.filter(retired=False).order_by("number"))
    # Only what the map and its workbook show: a region's 1,500 profiles in full are slow to build.
    profiles = (
        run.profiles.visible_to(user)
        .select_related("school")
        .only("id", "run", "school", "code", "name", "municipality", "school__name", "school__short_name")
        .order_by("municipality", "code")
    )
    if municipality:
        profiles = profiles.filter(municipality=municipality)
    computed: dict[tuple[int, str], int | None] = {
        (profile_id, key): value
        # unordered: the model's own order (by run, school and factor) would sort the region's rows for nothing
        for profile_id, key, value in ProfileFactor.objects.filter(profile__in=profiles)
        .order_by()
        .values_list("profile_id", "factor__key", "level")
    }
    judged: dict[tuple[int, str], int | None] = {}
    for school_id, key, value in (
        LevelOverride.objects.filter(year=run.year, school__in=profiles.values("school"))
        .order_by("created_at", "pk")
        .values_list("school_id", "factor_key", "level")
    ):
        judged[(school_id, key)] = value
    rows = []
    for profile in profiles:
        levels = []
        for item in factors:
            value = computed.get((profile.pk, item.key))
            override = judged.get((profile.school_id, item.key), "none")
            if override != "none" and override is not None:
                value = override
            levels.append((value, level_name(value), LEVEL_TONES[value]))
        rows.append(MapRow(profile, levels))
    if factor:
        index = next((i for i, item in enumerate(factors) if item.key == factor), None)
        if index is not None and level:
            wanted = None if level == "none" else int(level)
            rows = [row for row in rows if row.levels[index][0] == wanted]
    return factors, rows


@dataclass(frozen=True)
class Completion:
    school: School
    audience: str
    responses: int
    expected: int | None
    open_links: int

    @property
    def rate(self) -> float | None:
        return self.responses / self.expected if self.expected else None

    @property
    def enough(self) -> bool:
        """Whether the answers are enough to show a figure (at least five)."""
        return self.responses >= MIN_ANSWERS


def completion(user: User, year: SchoolYear, schools: QuerySet[School]) -> list[Completion]:
    """How many questionnaires each school's audiences filled, against how many could.

    Expected: one director; the teachers and the students of the school's context of the year
    (for parents, one per student); unknown when the context is not loaded.
    """
    counts = {
        (school_id, audience): count
        for school_id, audience, count in SurveyResponse.objects.filter(year=year, school__in=schools)
        .values_list("school_id", "questionnaire__audience")
        .annotate(count=Count("pk"))
        .values_list("school_id", "questionnaire__audience", "count")
    }
    links = {
        (school_id, audience): count
        for school_id, audience, count in SurveyLink.objects.filter(
            year=year, school__in=schools, revoked_at__isnull=True
        )
        .values_list("school_id", "questionnaire__audience")
        .annotate(count=Count("pk"))
        .values_list("school_id", "questionnaire__audience", "count")
    }
    context = {
        row.school_id: row
        for row in SchoolContext.objects.filter(school__in=schools, year__end_year__lte=year.end_year).order_by(
            "year__end_year"
        )
    }
    rows = []
    for school in schools.order_by("code"):
        known = context.get(school.pk)
        expected = {
            Audience.DIRECTOR: 1,
            Audience.TEACHERS: known.teachers if known else None,
            Audience.STUDENTS: known.students if known else None,
            Audience.PARENTS: known.students if known else None,
        }
        for audience in Audience:
            rows.append(
                Completion(
                    school,
                    audience.value,
                    counts.get((school.pk, audience.value), 0),
                    expected[audience],
                    links.get((school.pk, audience.value), 0),
                )
            )
    return rows
