"""Reads of the bank: the school's own list, and the counts seen outside the school.

Outside the school only numbers are seen, per school, per municipality and for the region, and
only for groups of at least five students (``opora.students.suppression``): never a code, a name
or a single record.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from opora.schools.models import Municipality, School
from opora.students.models import (
    DeletionRecord,
    Difficulty,
    DifficultyKind,
    Outcome,
    Student,
    TermOutcome,
)
from opora.students.suppression import THRESHOLD, suppress

if TYPE_CHECKING:
    from opora.accounts.models import User

MEASURES = (
    ("with_route", "с ИОМ"),
    ("with_consilium", "с решением ППк"),
    ("improved", "последний итог — улучшение"),
)


@dataclass
class Figures:
    """How many students a group holds, and how many of them have each feature."""

    size: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, other: Figures) -> None:
        self.size += other.size
        for key, value in other.counts.items():
            self.counts[key] = self.counts.get(key, 0) + value

    def share(self, key: str) -> float | None:
        return self.counts.get(key, 0) / self.size if self.size else None


@dataclass
class CountsRow:
    """A line of the counts table: a school, a municipality's total or the region's total."""

    level: str  # "school", "municipality", "region"
    label: str
    figures: Figures
    hidden: bool
    code: str = ""

    @property
    def cells(self) -> list[tuple[int, float | None]]:
        """(count, share) of every feature, in the order of :func:`feature_labels`."""
        return [(self.figures.counts.get(key, 0), self.figures.share(key)) for key, _ in feature_labels()]


def feature_labels() -> list[tuple[str, str]]:
    """The features counted: each kind of difficulty, then route, consilium and improvement."""
    return [(f"kind:{value}", label) for value, label in DifficultyKind.choices] + list(MEASURES)


def _school_figures(schools: QuerySet[School]) -> dict[int, Figures]:
    students = Student.objects.filter(school__in=schools)
    figures: dict[int, Figures] = {}
    for row in students.values("school").annotate(
        size=Count("pk"),
        with_route=Count("pk", filter=Q(routes__isnull=False), distinct=True),
        with_consilium=Count("pk", filter=Q(consilium_decisions__isnull=False), distinct=True),
    ):
        figures[row["school"]] = Figures(
            size=row["size"], counts={"with_route": row["with_route"], "with_consilium": row["with_consilium"]}
        )
    for row in (
        Difficulty.objects.filter(student__school__in=schools)
        .values("student__school", "kind")
        .annotate(students=Count("student", distinct=True))
    ):
        figures[row["student__school"]].counts[f"kind:{row['kind']}"] = row["students"]
    latest: dict[int, tuple[tuple[int, int], str, int]] = {}
    for outcome in (
        TermOutcome.objects.filter(student__school__in=schools)
        .select_related("student")
        .only("student__school_id", "student_id", "end_year", "term", "outcome")
    ):
        known = latest.get(outcome.student_id)
        if known is None or outcome.sort_key > known[0]:
            latest[outcome.student_id] = (outcome.sort_key, outcome.outcome, outcome.student.school_id)
    for _, outcome, school_id in latest.values():
        if outcome == Outcome.IMPROVED:
            counts = figures[school_id].counts
            counts["improved"] = counts.get("improved", 0) + 1
    return figures


def bank_counts(user: User, *, municipality: Municipality | None = None) -> list[CountsRow]:
    """The counts table the user may see: schools with records, municipality totals, the region's total.

    Hidden rows follow ``suppress``: groups under five, and the smallest groups beside them where the
    total would reveal them; a municipality whose total is hidden has every school hidden, so that
    the region's total cannot be split into its schools either.
    """
    schools = School.objects.visible_to(user)
    if municipality is not None:
        schools = schools.filter(municipality=municipality)
    figures = _school_figures(schools)
    if not figures:
        return []
    by_municipality: dict[int, list[School]] = defaultdict(list)
    for school in schools.filter(pk__in=figures).select_related("municipality").order_by("municipality__name", "code"):
        by_municipality[school.municipality_id].append(school)
    totals: dict[int, Figures] = {}
    blocks: dict[int, list[CountsRow]] = {}
    municipality_names: dict[int, str] = {}
    hidden_totals: set[int] = set()
    for municipality_id, members in by_municipality.items():
        municipality_names[municipality_id] = members[0].municipality.name
        result = suppress({school.pk: figures[school.pk].size for school in members})
        total = Figures()
        for school in members:
            total.add(figures[school.pk])
        totals[municipality_id] = total
        if result.total_hidden:
            hidden_totals.add(municipality_id)
        blocks[municipality_id] = [
            CountsRow("school", school.display_name, figures[school.pk], school.pk in result.hidden, school.code)
            for school in members
        ]
    region = suppress(
        {key: total.size for key, total in totals.items()},
        forced=frozenset(hidden_totals),
        floors={key: len(members) for key, members in by_municipality.items()},
    )
    rows: list[CountsRow] = []
    several = len(totals) > 1
    for municipality_id, block in blocks.items():
        total_hidden = municipality_id in hidden_totals or (several and municipality_id in region.hidden)
        for row in block:
            row.hidden = row.hidden or total_hidden
        rows += block
        rows.append(
            CountsRow(
                "municipality", f"Итого: {municipality_names[municipality_id]}", totals[municipality_id], total_hidden
            )
        )
    if several:
        region_total = Figures()
        for total in totals.values():
            region_total.add(total)
        rows.append(CountsRow("region", "Итого по всем школам", region_total, region.total_hidden))
    return rows


def deletions(school: School) -> QuerySet[DeletionRecord]:
    return DeletionRecord.objects.filter(school=school).select_related("by")


__all__ = ["THRESHOLD", "CountsRow", "Figures", "bank_counts", "deletions", "feature_labels"]
