"""Reads of the bank of good practices shared by its pages, its export and the public page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from opora.practices.models import Practice, PracticeKind
from opora.practices.services import practice_search
from opora.risks.models import FactorSet, Measure, RiskFactor
from opora.schools.models import Region


@dataclass(frozen=True)
class PracticeFilters:
    """What a list of the bank is filtered by (the query string of its page)."""

    q: str = ""
    factor: str = ""
    subject: str = ""
    kind: str = ""
    measure: Measure | None = None

    @classmethod
    def of(cls, params, measures: QuerySet[Measure]) -> PracticeFilters:
        wanted = (params.get("measure") or "").strip()
        measure = measures.filter(pk=int(wanted)).first() if wanted.isdigit() else None
        kind = params.get("kind", "")
        return cls(
            q=(params.get("q") or "").strip()[:200],
            factor=(params.get("factor") or "").strip(),
            subject=(params.get("subject") or "").strip().lower(),
            kind=kind if kind in PracticeKind.values else "",
            measure=measure,
        )


def practices_filtered(practices: QuerySet[Practice], filters: PracticeFilters) -> QuerySet[Practice]:
    """The practices matching the filters: the search, a risk factor, a subject, a kind, a measure."""
    practices = practice_search(practices, filters.q)
    if filters.kind:
        practices = practices.filter(kind=filters.kind)
    if filters.subject:
        practices = practices.filter(subjects__contains=filters.subject)
    if filters.measure is not None:
        practices = practices.filter(measures=filters.measure)
    if filters.factor:
        # A list in a JSON column cannot be searched the same way on SQLite and PostgreSQL: read it.
        keys = practices.values_list("pk", "factor_keys")
        practices = practices.filter(pk__in=[pk for pk, factor_keys in keys if filters.factor in (factor_keys or [])])
    return practices.select_related("school__municipality").distinct()


def factor_names(region: Region | None) -> dict[str, str]:
    """The names of the risk factors by key: of the region's latest set, or of every region."""
    if region is None:
        return dict(RiskFactor.objects.order_by("-factor_set__version").values_list("key", "name"))
    factor_set = FactorSet.objects.filter(region=region).order_by("-version").first()
    return dict(factor_set.factors.values_list("key", "name")) if factor_set else {}


def subject_options(practices: QuerySet[Practice]) -> list[str]:
    """The subjects named by the practices, for the filter's choice."""
    found: set[str] = set()
    for text in practices.values_list("subjects", flat=True).distinct():
        found.update(part.strip() for part in text.split(",") if part.strip())
    return sorted(found)
