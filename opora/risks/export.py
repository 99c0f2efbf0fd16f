"""Tables of the risk profiles and of the catalog of measures, for exports: the command line and the pages' buttons.

Each table is a Polars frame with Russian column names, as the user reads them in Excel; the
CSV is ``opora.core.tables.csv_bytes`` of the frame, the workbook :func:`frame_workbook`.
"""

from __future__ import annotations

import polars as pl
from django.db.models import QuerySet

from opora.accounts.models import User
from opora.analytics.risks import LEVELS
from opora.core.tables import workbook_bytes
from opora.risks.defaults import FACTORS
from opora.risks.models import (
    FactorSet,
    LevelOverride,
    Measure,
    MeasureKind,
    PriorityFactor,
    ProfileFactor,
    ProfileRun,
    RiskFactor,
    RiskProfile,
)
from opora.schools.models import Region

CODE_COLUMN = "Код ОО"
NAME_COLUMN = "Наименование"
PRIORITIES_COLUMN = "Приоритетные факторы"
PRIORITIES_SEPARATOR = "; "
CATALOG_COLUMNS = (
    "№ в каталоге",
    "Мера",
    "Факторы риска",
    "Вид",
    "Типичный исполнитель",
    "Типичные сроки",
    "Ожидаемый результат",
    "Источник",
    "Раздел источника",
)
PROFILES_SHEET = "Рисковые профили"
CATALOG_SHEET = "Каталог мер"


def profile_factors(run: ProfileRun) -> list[RiskFactor]:
    """The factors a run computes (not retired), in the order of their numbers."""
    return list(run.factor_set.factors.filter(retired=False).order_by("number"))


def factor_columns(factors: list[RiskFactor]) -> list[str]:
    """One column per factor, named as the factor; a name used twice gets its key in brackets."""
    names = [factor.name for factor in factors]
    return [
        name if names.count(name) == 1 else f"{name} [{factor.key}]"
        for name, factor in zip(names, factors, strict=True)
    ]


def profile_columns(run: ProfileRun) -> list[str]:
    """The header of the profiles table: «Код ОО», «Наименование», the factors, «Приоритетные факторы»."""
    return [CODE_COLUMN, NAME_COLUMN, *factor_columns(profile_factors(run)), PRIORITIES_COLUMN]


def _levels_in_force(run: ProfileRun, profiles: QuerySet[RiskProfile]) -> dict[tuple[int, str], int]:
    """(school, factor key) → the level in force: the expert's latest judgement where it gives one, else computed.

    The same rule as ``opora.risks.queries.FactorState.level``: judgements are taken in the order
    they were made, the latest wins, and one without a level withdraws the earlier ones.
    """
    computed = ProfileFactor.objects.filter(profile__in=profiles, level__isnull=False)
    levels = {
        (school_id, key): level
        for school_id, key, level in computed.values_list("profile__school_id", "factor__key", "level")
    }
    judged: dict[tuple[int, str], int | None] = {}
    overrides = LevelOverride.objects.filter(year=run.year, school__in=profiles.values("school"))
    for school_id, key, level in overrides.order_by("created_at", "pk").values_list("school_id", "factor_key", "level"):
        judged[(school_id, key)] = level
    levels.update({pair: level for pair, level in judged.items() if level is not None})
    return levels


def profiles_frame(run: ProfileRun, user: User | None = None) -> pl.DataFrame:
    """Every school's profile in the run, one row per school, sorted by code.

    Columns: «Код ОО», «Наименование», one per factor of the run (not retired, by number) with the
    level in force — «высокий», «средний», «низкий», «нет риска», or empty where there is no data
    (never «нет риска») — and «Приоритетные факторы», the names of the school's priority factors
    for the year joined by «; ». ``user`` limits the rows to the user's scope; ``None`` is the
    installation (the command line), which sees the whole run.
    """
    factors = profile_factors(run)
    scoped = run.profiles.all() if user is None else run.profiles.visible_to(user)
    profiles = list(scoped.order_by("code").only("pk", "school_id", "code", "name"))
    levels = _levels_in_force(run, scoped)
    names = {factor.key: (factor.number, factor.name) for factor in run.factor_set.factors.all()}
    chosen: dict[int, list[str]] = {}
    priorities = PriorityFactor.objects.filter(year=run.year, school__in=scoped.values("school"))
    for school_id, key in priorities.values_list("school_id", "factor_key"):
        if key in names:
            chosen.setdefault(school_id, []).append(key)
    columns = factor_columns(factors)
    data: dict[str, list[str | None]] = {
        CODE_COLUMN: [profile.code for profile in profiles],
        NAME_COLUMN: [profile.name for profile in profiles],
    }
    for column, factor in zip(columns, factors, strict=True):
        data[column] = [
            LEVELS[level] if (level := levels.get((profile.school_id, factor.key))) is not None else None
            for profile in profiles
        ]
    data[PRIORITIES_COLUMN] = [
        PRIORITIES_SEPARATOR.join(
            names[key][1] for key in sorted(chosen.get(profile.school_id, []), key=lambda key: names[key][0])
        )
        or None
        for profile in profiles
    ]
    return pl.DataFrame(data, schema=dict.fromkeys(data, pl.String))


def _factor_names(region: Region) -> dict[str, str]:
    """Factor key → name: the region's latest set, else the defaults' names."""
    names = {factor.key: factor.name for factor in FACTORS}
    latest = FactorSet.objects.filter(region=region).order_by("-version").first()
    if latest is not None:
        names.update(latest.factors.values_list("key", "name"))
    return names


def catalog_frame(region: Region) -> pl.DataFrame:
    """The region's catalog of measures, one measure per row, by its number in the catalog.

    Columns: :data:`CATALOG_COLUMNS` — the factors by name joined by «; », the kind in words, the
    source document and its section as the catalog keeps them.
    """
    names = _factor_names(region)
    kinds = dict(MeasureKind.choices)
    rows = [
        (
            measure.ident,
            measure.text,
            PRIORITIES_SEPARATOR.join(names.get(key, key) for key in measure.factor_keys or []),
            kinds.get(measure.kind, measure.kind),
            measure.owner,
            measure.timing,
            measure.expected_result,
            measure.source,
            measure.section,
        )
        for measure in Measure.objects.filter(region=region).order_by("ident")
    ]
    return pl.DataFrame(rows, schema=dict.fromkeys(CATALOG_COLUMNS, pl.String), orient="row")


def frame_workbook(frame: pl.DataFrame, *, sheet_title: str) -> bytes:
    """An export frame as an .xlsx workbook of one sheet; the first column (a code, a number) stays text."""
    return workbook_bytes(sheet_title=sheet_title, columns=frame.columns, rows=frame.iter_rows(), text_columns=(0,))
