"""Reads of the support network's records that the modules above share."""

from __future__ import annotations

from opora.schools.models import School
from opora.support.models import CheckState, VisitCheck, VisitStatus


def visit_evidence(school: School) -> dict[str, list[VisitCheck]]:
    """Expert evidence for a school's risk profile: the held visits' checks on each risk factor, latest first."""
    evidence: dict[str, list[VisitCheck]] = {}
    checks = (
        VisitCheck.objects.filter(visit__school=school, visit__status=VisitStatus.HELD)
        .exclude(factor_key="")
        .exclude(state=CheckState.NOT_CHECKED)
        .select_related("visit__curator")
        .order_by("-visit__visited_on", "position")
    )
    for check in checks:
        evidence.setdefault(check.factor_key, []).append(check)
    return evidence
