"""Partner schools for the ШНОР of a region: candidates with reasons and the optimal assignment.

Reads the ШНОР (the approved list in force for the year, else the latest finished run), the
run's lines of every school (index, flags, cluster), the schools' coordinates and municipalities,
the results of the run's year and the confirmed partnerships of the year (a partner's load),
and calls :func:`opora.analytics.partners.match_partners`. The method: docs/partners.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.core.exceptions import ValidationError
from django.db.models import Count

from opora.analytics.partners import PartnerCandidate, match_partners, result_strengths
from opora.core.formatting import num
from opora.identification.models import ApprovedList, Decision, IdentificationRun, OrderKind, RunStatus
from opora.results.frames import results_frame
from opora.schools.models import Region, School
from opora.support.models import Partnership, PartnershipStatus

NOTES = {
    "unknown": "данных недостаточно для выявления",
    "objectivity_risk": "риск необъективности результатов",
    "objectivity_unknown": "объективность результатов не проверена (нет данных)",
}


@dataclass(frozen=True)
class Candidate:
    partner: School
    rank: int
    cost: float
    reasons: tuple[str, ...]
    notes: tuple[str, ...]
    subjects: tuple[str, ...]
    distance_km: float | None
    load: int


@dataclass(frozen=True)
class Pair:
    school: School
    candidate: Candidate | None
    explanation: str


@dataclass(frozen=True)
class Matching:
    region: Region
    year: int
    source: str
    capacity: int
    candidates: dict[int, tuple[Candidate, ...]]
    assignment: tuple[Pair, ...]


def _latest_list(region: Region, year: int) -> ApprovedList | None:
    lists = ApprovedList.objects.filter(region=region, year__end_year=year, municipality__isnull=True).exclude(
        kind=OrderKind.CANCELLATION
    )
    for approved in lists.order_by("-order_date", "-pk"):
        if approved.in_force:
            return approved
    return None


def _source(region: Region, year: int) -> tuple[IdentificationRun, list[int], str]:
    """The run whose lines describe the schools, the ШНОР's pks and how the page names the source."""
    approved = _latest_list(region, year)
    if approved is not None:
        targets = list(
            approved.entries.exclude(decision=Decision.EXCLUDED)
            .filter(low_results=True)
            .values_list("school", flat=True)
        )
        return (
            approved.run,
            targets,
            f"утверждённый перечень (приказ № {approved.order_number} от {approved.order_date:%d.%m.%Y})",
        )
    runs = IdentificationRun.objects.filter(region=region, status=RunStatus.DONE)
    run = (
        runs.filter(year__end_year=year - 1).order_by("-created_at", "-pk").first()
        or runs.filter(year__end_year=year).order_by("-created_at", "-pk").first()
    )
    if run is None:
        raise ValidationError(
            f"Нет ни утверждённого перечня, ни завершённого расчёта выявления для {year - 1}/{year} учебного года: "
            "подбор школ-партнёров не из чего делать."
        )
    targets = list(run.schools.filter(low_results=True).values_list("school", flat=True))
    stamp = run.finished_at or run.created_at
    return run, targets, f"расчёт № {run.pk} от {stamp:%d.%m.%Y} (перечень не утверждён)"


def _reasons(found: PartnerCandidate) -> tuple[str, ...]:
    reasons = [f"сильные результаты: {area} (+{num(gain, 1)} σ)" for area, gain in found.strong_areas]
    if found.same_cluster:
        reasons.append("тот же кластер")
    if found.resilient:
        reasons.append("устойчивая школа")
    if found.distance_km is not None:
        reasons.append(f"{num(found.distance_km)} км")
    elif found.same_municipality:
        reasons.append("тот же муниципалитет")
    else:
        reasons.append("расстояние: нет данных (другой муниципалитет)")
    return tuple(reasons)


def partner_matching(*, region: Region, year: int, capacity: int = 2, limit: int = 10) -> Matching:
    """Candidates for each ШНОР of ``region`` for the school year ending in ``year`` and the optimal pairs."""
    if capacity < 1:
        raise ValidationError("Школа-партнёр должна поддерживать хотя бы одну школу.")
    run, target_pks, source = _source(region, year)
    lines = list(
        run.schools.values_list(
            "school", "code", "results_index", "low_results", "objectivity_risk", "resilient", "cluster"
        )
    )
    schools = {
        school.pk: school
        for school in School.objects.filter(pk__in=[line[0] for line in lines]).select_related("municipality")
    }
    load = dict(
        Partnership.objects.filter(year=year, status=PartnershipStatus.CONFIRMED, partner__in=schools)
        .values("partner")
        .annotate(n=Count("pk"))
        .values_list("partner", "n")
    )
    frame = pl.DataFrame(
        [
            {
                "code": code,
                "results_index": index,
                "low_results": low,
                "objectivity_risk": risk,
                "resilient": resilient,
                "cluster": cluster,
                "municipality": str(schools[pk].municipality_id),
                "latitude": None if schools[pk].latitude is None else float(schools[pk].latitude),
                "longitude": None if schools[pk].longitude is None else float(schools[pk].longitude),
                "load": load.get(pk, 0),
            }
            for pk, code, index, low, risk, resilient, cluster in lines
        ],
        schema={
            "code": pl.String,
            "results_index": pl.Float64,
            "low_results": pl.Boolean,
            "objectivity_risk": pl.Boolean,
            "resilient": pl.Boolean,
            "cluster": pl.Int64,
            "municipality": pl.String,
            "latitude": pl.Float64,
            "longitude": pl.Float64,
            "load": pl.Int64,
        },
    )
    by_code = {schools[line[0]].code: schools[line[0]] for line in lines}
    results = results_frame(region, years=[run.year.end_year])
    strengths = result_strengths(results)
    target_codes = [schools[pk].code for pk in target_pks if pk in schools]
    found = match_partners(frame, strengths, targets=target_codes, capacity=capacity, limit=limit)

    def candidate(item: PartnerCandidate) -> Candidate:
        return Candidate(
            partner=by_code[item.code],
            rank=item.rank,
            cost=item.cost,
            reasons=_reasons(item),
            notes=tuple(NOTES[key] for key in item.notes),
            subjects=tuple(area for area, _ in item.strong_areas),
            distance_km=item.distance_km,
            load=load.get(by_code[item.code].pk, 0),
        )

    candidates = {by_code[code].pk: tuple(map(candidate, listed)) for code, listed in found.candidates.items()}
    pairs = []
    for code in sorted(found.assignment):
        school = by_code[code]
        item = found.assigned[code]
        if item is None:
            why = (
                "нет школы не из ШНОР с более высоким индексом результатов и свободным местом"
                if not candidates[school.pk]
                else "все подходящие школы уже поддерживают предельное число школ"
            )
            pairs.append(Pair(school=school, candidate=None, explanation=f"нет подходящей школы-партнёра: {why}"))
            continue
        chosen = candidate(item)
        explanation = "; ".join(chosen.reasons + tuple(f"внимание: {note}" for note in chosen.notes))
        if chosen.rank > 1:
            explanation += f"; место в списке кандидатов: {chosen.rank} (лучшие нужны другим школам)"
        pairs.append(Pair(school=school, candidate=chosen, explanation=explanation))
    return Matching(
        region=region, year=year, source=source, capacity=capacity, candidates=candidates, assignment=tuple(pairs)
    )


__all__ = ["Candidate", "Matching", "Pair", "partner_matching"]
