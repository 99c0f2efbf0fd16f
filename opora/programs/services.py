"""Every write of the programs: so far, the drafts of a school's antirisk programs and roadmap.

From a school's risk profile and its priority factors, one call drafts an antirisk program per
priority factor (goal, tasks, indicators with their baseline and target, measures of the catalog
spread over the school year with their owners) and a roadmap that gathers them by factor.
Drafts stay drafts: redrafting replaces the earlier drafts, never a program past its draft.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from opora.accounts.models import User
from opora.analytics.risks import RISK_INDICATORS
from opora.programs.models import (
    Activity,
    IndicatorDirection,
    Program,
    ProgramIndicator,
    ProgramKind,
    ProgramSection,
    ProgramStatus,
)
from opora.risks.models import Measure, MeasureKind, PriorityFactor, ProfileRun
from opora.risks.queries import FactorState, school_factors, shown_value
from opora.schools.models import School, SchoolYear

MEASURES_PER_FACTOR = 8
# Months of a school year a draft's activities are spread over (September … May).
_MONTHS = (9, 10, 11, 12, 1, 2, 3, 4, 5)
_MONTH_NAMES = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
                "ноябрь", "декабрь")  # fmt: skip
# The order of kinds in a draft: first organise, then work with staff and methods, then with students and parents.
_KIND_ORDER = {kind: index for index, kind in enumerate(MeasureKind.values)}


def support_year(year: SchoolYear) -> SchoolYear:
    """The programs drafted from a profile of a year's data are for the next school year."""
    following, _ = SchoolYear.objects.get_or_create(end_year=year.end_year + 1)
    return following


def _month_range(end_year: int, month: int) -> tuple[datetime.date, datetime.date, str]:
    calendar_year = end_year - 1 if month >= 9 else end_year
    start = datetime.date(calendar_year, month, 1)
    following = datetime.date(calendar_year + (month == 12), month % 12 + 1, 1)
    return start, following - datetime.timedelta(days=1), f"{_MONTH_NAMES[month - 1]} {calendar_year}"


def _chosen_measures(region_id: int, factor_key: str) -> list[Measure]:
    """Measures of the catalog against the factor, varied in kind, the most specific first."""
    candidates = [
        measure for measure in Measure.objects.filter(region_id=region_id) if factor_key in (measure.factor_keys or [])
    ]
    candidates.sort(key=lambda measure: (len(measure.factor_keys), _KIND_ORDER.get(measure.kind, 99), measure.ident))
    chosen: list[Measure] = []
    kinds_used: dict[str, int] = {}
    for measure in candidates:  # at most three of one kind, so a draft is not all meetings
        if kinds_used.get(measure.kind, 0) < 3:
            chosen.append(measure)
            kinds_used[measure.kind] = kinds_used.get(measure.kind, 0) + 1
        if len(chosen) == MEASURES_PER_FACTOR:
            break
    return sorted(chosen, key=lambda measure: _KIND_ORDER.get(measure.kind, 99))


def _target(row: dict, unit: str) -> str:
    """The target of an indicator: past the threshold of «средний», where the risk is at most «низкий»."""
    bound = row.get("medium") if row.get("medium") is not None else row.get("low")
    if bound is None:
        bound = row.get("high")
    if bound is None:
        return ""
    return f"{'меньше' if row['operator'] == '>=' else 'больше'} {shown_value(bound, unit)}"


def _goal(state: FactorState) -> str:
    current = state.level_name
    wanted = "низкого" if (state.level or 0) >= 2 else "отсутствия риска"
    return f"Снизить риск «{state.factor.name}» с уровня «{current}» до {wanted} к концу учебного года."


def _tasks(state: FactorState) -> list[str]:
    tasks = []
    for line, row in zip(state.evidence_lines(), state.evidence, strict=True):
        if row["level"] >= 1:
            tasks.append(f"Улучшить показатель «{line['label']}» (сейчас {line['value']}).")
    tasks.append("Провести меры из каталога против этого риска и проанализировать их результат.")
    return tasks


@transaction.atomic
def antirisk_drafts_create(*, school: School, run: ProfileRun, by: User) -> list[Program]:
    """Draft the school's antirisk programs (one per priority factor) and its roadmap from its profile."""
    priorities = list(
        PriorityFactor.objects.filter(school=school, year=run.year).order_by("pk").values_list("factor_key", flat=True)
    )
    if not priorities:
        raise ValidationError("Сначала выберите приоритетные факторы риска школы (до трёх).")
    states = {state.factor.key: state for state in school_factors(by, school, run)}
    missing = [key for key in priorities if key not in states]
    if missing:
        raise ValidationError(f"Приоритетных факторов нет в наборе расчёта: {', '.join(missing)}.")
    year = support_year(run.year)
    start, end = datetime.date(year.end_year - 1, 9, 1), datetime.date(year.end_year, 8, 31)
    profile = run.profiles.filter(school=school).first()
    Program.objects.filter(
        school=school, year=year, status=ProgramStatus.DRAFT, kind__in=[ProgramKind.ANTIRISK, ProgramKind.ROADMAP]
    ).delete()
    development = (
        Program.objects.filter(school=school, kind=ProgramKind.DEVELOPMENT_PROGRAM).order_by("-created_at").first()
    )
    common = {
        "region_id": school.municipality.region_id,
        "municipality_id": school.municipality_id,
        "school": school,
        "year": year,
        "starts_on": start,
        "ends_on": end,
        "profile": profile,
        "created_by": by,
        "developers": f"Администрация {school.display_name}",
        "executors": f"Педагогический коллектив {school.display_name}",
        "control": "Руководитель ОО; куратор школы",
    }
    roadmap = Program.objects.create(
        kind=ProgramKind.ROADMAP,
        title=f"Дорожная карта (план мероприятий) {school.display_name} по переходу в эффективный режим работы "
        f"на {year.label} учебный год",
        goal="Снизить приоритетные риски школы и перейти в эффективный режим работы.",
        tasks="\n".join(f"Снизить риск «{states[key].factor.name}»." for key in priorities),
        parent=development,
        **common,
    )
    programs = [roadmap]
    for section_number, key in enumerate(priorities, start=1):
        state = states[key]
        program = Program.objects.create(
            kind=ProgramKind.ANTIRISK,
            title=f"Антирисковая программа «{state.factor.name}»",
            goal=_goal(state),
            tasks="\n".join(_tasks(state)),
            expected_results=f"Уровень риска «{state.factor.name}» снижен; показатели достигли целевых значений.",
            factor_key=key,
            parent=development,
            **common,
        )
        section = ProgramSection.objects.create(
            program=roadmap, number=f"{section_number}.", title=state.factor.name, position=section_number
        )
        for position, (line, row) in enumerate(zip(state.evidence_lines(), state.evidence, strict=True), start=1):
            if row["level"] < 1:
                continue
            unit = RISK_INDICATORS[row["indicator"].partition(":")[0]].unit
            ProgramIndicator.objects.create(
                program=program,
                number=str(position),
                position=position,
                name=line["label"],
                unit=unit,
                direction=IndicatorDirection.LOWER if row["operator"] == ">=" else IndicatorDirection.HIGHER,
                baseline=line["value"],
                targets={year.label: _target(row, unit)},
                factor_key=key,
            )
        measures = _chosen_measures(school.municipality.region_id, key)
        for position, measure in enumerate(measures, start=1):
            month = _MONTHS[min((position - 1) * len(_MONTHS) // max(len(measures), 1), len(_MONTHS) - 1)]
            starts, ends, written = _month_range(year.end_year, month)
            values = {
                "content": measure.text,
                "deadline": written,
                "starts_on": starts,
                "ends_on": ends,
                "owners": measure.owner or "Руководитель ОО",
                "expected_result": measure.expected_result,
                "factor_key": key,
                "task": _tasks(state)[0],
                "measure": measure,
            }
            Activity.objects.create(program=program, number=str(position), position=position, **values)
            Activity.objects.create(
                program=roadmap,
                section=section,
                number=f"{section_number}.{position}",
                position=section_number * 100 + position,
                **values,
            )
        programs.append(program)
    return programs

