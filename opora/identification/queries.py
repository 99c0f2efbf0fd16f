"""Reads of identification runs shared by pages, exports and the command line."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.db.models import Count, Q, QuerySet

from opora.accounts.models import User
from opora.analytics import REPORT_COLUMNS, learning_failure
from opora.analytics import Methodology as MethodologyParameters
from opora.core.formatting import school_year_label
from opora.core.tables import workbook_bytes
from opora.identification.documents import ApprovedListDocument, CommissionDecision, ListEntry
from opora.identification.flags import FLAG_KEYS, FLAGS, LISTED_FLAGS, flags_of, state_word
from opora.identification.models import (
    ApprovedList,
    ApprovedListEntry,
    Decision,
    IdentificationRun,
    OrderKind,
    RosobrnadzorListing,
    RunSchool,
    RunStatus,
)
from opora.identification.parameters import changes
from opora.results.frames import outcomes_frame, results_frame
from opora.schools.models import Municipality, Region, School


def runs_visible_to(user: User) -> QuerySet[IdentificationRun]:
    """Runs of the user's region (every region for an installation administrator)."""
    return IdentificationRun.objects.visible_to(user).select_related("region", "year", "methodology", "created_by")


def lines_visible_to(user: User, run: IdentificationRun) -> QuerySet[RunSchool]:
    """The run's lines of the schools the user may see: a school team sees only its own."""
    return run.schools.visible_to(user)


def latest_line_of(user: User, school: School) -> RunSchool | None:
    """The school's line in the latest finished run the user may see."""
    run = done_runs(runs_visible_to(user)).filter(schools__school=school).first()
    return run.schools.select_related("run__year").get(school=school) if run else None


def approved_lists_visible_to(user: User) -> QuerySet[ApprovedList]:
    """Lists of the user's region: the regional ones and those of the user's municipalities."""
    return ApprovedList.objects.visible_to(user).select_related("region", "municipality", "year", "run", "approved_by")


def entries_visible_to(user: User, approved: ApprovedList) -> QuerySet[ApprovedListEntry]:
    """The list's schools the user may see: a school team sees only its own line."""
    return approved.entries.visible_to(user).order_by("number")


def flag_counts(lines: QuerySet[RunSchool], *, unknown: bool = False) -> dict[str, int]:
    """How many of the lines have each flag (ШНОР, ШНСУ, resilient, …); with ``unknown``, how many do not know it."""
    return lines.aggregate(
        **{key: Count("pk", filter=Q(**({f"{key}__isnull": True} if unknown else {key: True}))) for key in FLAG_KEYS}
    )


def run_report_frame(run: IdentificationRun, lines: QuerySet[RunSchool] | None = None) -> pl.DataFrame:
    """The run's table with the columns of the report, named in Russian; flags as 1, 0 or empty."""
    lines = run.schools.all() if lines is None else lines
    fields = list(REPORT_COLUMNS)
    rows = []
    for line in lines.order_by("code"):
        row = []
        for name in fields:
            value = getattr(line, name)
            if name in FLAGS:
                value = None if value is None else int(value)
            elif name == "low_results_cause":
                value = value or None
            row.append(value)
        rows.append(row)
    schema = {
        REPORT_COLUMNS[name]: (
            pl.Int64
            if name in FLAGS or name in ("cluster", "years_in_bottom")
            else pl.Float64
            if name
            in (
                "results_index",
                "results_index_lower",
                "results_index_upper",
                "wellbeing_index",
                "value_added",
                "low_results_probability",
            )
            else pl.Utf8
        )
        for name in fields
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def report_workbook(frame: pl.DataFrame) -> bytes:
    rounded = frame.with_columns(pl.col(pl.Float64).round(3))
    return workbook_bytes(sheet_title="Выявление", columns=frame.columns, rows=rounded.iter_rows(), text_columns=[0])


def _known(value: object) -> str:
    return "нет данных" if value is None else str(value)


@dataclass(frozen=True)
class Movement:
    code: str
    name: str
    municipality: str
    before: RunSchool | None
    after: RunSchool | None
    flag: str = ""
    short_name: str = ""
    methodology: tuple[str, ...] = ()
    """What differs between the two runs' methodologies, in Russian («Доля школ в нижней группе: …»)."""

    @property
    def reason(self) -> str:
        """Why the school moved, from its figures in the two runs."""
        before, after = self.before, self.after
        if before is None or after is None:
            return "школа есть только в одном из расчётов"
        parts = []
        if before.years_in_bottom != after.years_in_bottom:
            parts.append(f"лет в нижней группе: {_known(before.years_in_bottom)} → {_known(after.years_in_bottom)}")
        if before.results_index is not None and after.results_index is not None:
            parts.append(
                f"индекс результатов: {before.results_index:.2f} → {after.results_index:.2f}".replace(".", ",")
            )
        if (
            before.wellbeing_index is not None
            and after.wellbeing_index is not None
            and round(before.wellbeing_index, 2) != round(after.wellbeing_index, 2)
        ):
            parts.append(f"ИСБШ: {before.wellbeing_index:.2f} → {after.wellbeing_index:.2f}".replace(".", ","))
        for flag in FLAGS.values():
            was, now = getattr(before, flag.key), getattr(after, flag.key)
            if flag.key != self.flag and not flag.listed and was != now:
                parts.append(f"{flag.short.lower()}: {state_word(was)} → {state_word(now)}")
        if self.methodology:
            parts.append("методика: " + "; ".join(self.methodology))
        return "; ".join(parts) or "изменились пороги группы"


@dataclass(frozen=True)
class Comparison:
    flag: str
    entered: list[Movement]
    left: list[Movement]
    stayed: int


def compare_runs(before: QuerySet[RunSchool], after: QuerySet[RunSchool], flag: str) -> Comparison:
    """Who entered and who left a list (ШНОР, ШНСУ, …) between two runs, with the reason."""
    old = {line.code: line for line in before.select_related("school", "run__methodology")}
    new = {line.code: line for line in after.select_related("school", "run__methodology")}
    entered, left, stayed = [], [], 0
    methodology: tuple[str, ...] = ()
    if old and new:
        first_old, first_new = next(iter(old.values())), next(iter(new.values()))
        methodology = tuple(changes(first_old.run.methodology.parameters, first_new.run.methodology.parameters))
    for code in sorted(set(old) | set(new)):
        was = bool(old.get(code) and getattr(old[code], flag))
        now = bool(new.get(code) and getattr(new[code], flag))
        line = new.get(code) or old.get(code)
        movement = Movement(
            code,
            line.name,
            line.municipality,
            old.get(code),
            new.get(code),
            flag,
            line.school.display_name,
            methodology,
        )
        if now and not was:
            entered.append(movement)
        elif was and not now:
            left.append(movement)
        elif was and now:
            stayed += 1
    return Comparison(flag=flag, entered=entered, left=left, stayed=stayed)


def done_runs(runs: QuerySet[IdentificationRun]) -> QuerySet[IdentificationRun]:
    return runs.filter(status=RunStatus.DONE)


# How the preamble names a procedure whose results the analysis used.
PROCEDURE_NAMES = {
    "ВПР": "ВПР",
    "ОГЭ": "ОГЭ",
    "ЕГЭ": "ЕГЭ",
    "Годовые отметки": "годовые отметки",
    "Контрольный срез": "контрольные срезы",
}


def run_procedures(run: IdentificationRun) -> tuple[str, ...]:
    """The procedures whose results the run's index used: weighed by the methodology and in the data."""
    weights = run.methodology.params.procedure_weights
    present = run.summary.get("procedures")
    used = [name for name in PROCEDURE_NAMES if weights.get(name, 0) > 0 and (present is None or name in present)]
    return tuple(PROCEDURE_NAMES[name] for name in used)


def approved_list_document(approved: ApprovedList, entries: QuerySet[ApprovedListEntry]) -> ApprovedListDocument:
    """The order of a list with its appendix as plain data for the documents (only ``entries`` in it)."""
    run = approved.run
    window = run.methodology.params.years_window
    first_year = run.year.end_year - window + 1
    rows = list(entries)
    included = [entry for entry in rows if entry.decision != Decision.EXCLUDED]
    decided = [entry for entry in rows if entry.decision]
    return ApprovedListDocument(
        title=f"Перечень школ с низкими образовательными результатами и школ, функционирующих в неблагоприятных "
        f"социальных условиях, на {approved.year.label} учебный год",
        authority=approved.authority,
        territory=approved.territory,
        school_year=approved.year.label,
        order_number=approved.order_number,
        order_date=approved.order_date,
        methodology=str(run.methodology),
        run_reference=f"расчёт № {run.pk} от {run.created_at:%d.%m.%Y}",
        entries=[
            ListEntry(
                number=entry.number,
                code=entry.code,
                name=entry.name,
                municipality=entry.municipality,
                flags=flags_of(entry),
                low_results_cause=entry.low_results_cause,
                years_in_bottom=entry.years_in_bottom,
                window_years=window,
                added_by=entry.reason if entry.decision == Decision.ADDED else "",
            )
            for entry in included
        ],
        kind=approved.kind,
        amends=approved.amends.order_reference if approved.amends_id else "",
        basis=approved.basis,
        procedures=run_procedures(run),
        analysis_years=f"{school_year_label(first_year)}–{run.year.label}" if window > 1 else run.year.label,
        signatory_position=approved.signatory_position,
        signatory_name=approved.signatory_name,
        decisions=tuple(
            CommissionDecision(
                "excluded" if entry.decision == Decision.EXCLUDED else "added", entry.code, entry.name, entry.reason
            )
            for entry in decided
        ),
        reason=approved.reason,
    )


def order_history(approved: ApprovedList) -> list[ApprovedList]:
    """Every order of the list, the first approval first: those it amends and those amending it."""
    first = approved
    while first.amends_id is not None:
        first = first.amends
    chain = [first]
    while True:
        following = chain[-1].amendments.order_by("order_date", "pk").first()
        if following is None:
            return chain
        chain.append(following)


@dataclass(frozen=True)
class ListRelation:
    """How a municipal list and the regional list of the same year differ for one municipality."""

    municipality: str
    municipal: ApprovedList
    regional: ApprovedList
    only_municipal: list[ApprovedListEntry]
    only_regional: list[ApprovedListEntry]
    decisions: list[ApprovedListEntry]


def _in_force(lists: QuerySet[ApprovedList]) -> list[ApprovedList]:
    return [item for item in lists.exclude(kind=OrderKind.CANCELLATION) if item.in_force]


def list_relations(user: User, approved: ApprovedList) -> list[ListRelation]:
    """For a regional list: each municipality's list in force of the same year, and where they differ.

    For a municipal list: the regional list in force, if there is one. Only the schools the user
    may see are named.
    """
    same_year = approved_lists_visible_to(user).filter(region=approved.region, year=approved.year)
    if approved.municipality_id is None:
        pairs = [(item, approved) for item in _in_force(same_year.exclude(municipality=None))]
    else:
        pairs = [(approved, item) for item in _in_force(same_year.filter(municipality=None))]
    relations = []
    for municipal, regional in pairs:
        local = {e.code: e for e in entries_visible_to(user, municipal).exclude(decision=Decision.EXCLUDED)}
        whole = {
            e.code: e
            for e in entries_visible_to(user, regional)
            .exclude(decision=Decision.EXCLUDED)
            .filter(school__municipality_id=municipal.municipality_id)
        }
        relations.append(
            ListRelation(
                municipality=municipal.municipality.name,
                municipal=municipal,
                regional=regional,
                only_municipal=[entry for code, entry in local.items() if code not in whole],
                only_regional=[entry for code, entry in whole.items() if code not in local],
                decisions=list(entries_visible_to(user, municipal).exclude(decision=Decision.CALCULATED)),
            )
        )
    return relations


def school_decisions(user: User, school: School, run: IdentificationRun) -> list[ApprovedListEntry]:
    """The commission's decisions about the school in the lists made from the run."""
    return list(
        ApprovedListEntry.objects.visible_to(user)
        .filter(school=school, approved_list__run=run)
        .exclude(decision=Decision.CALCULATED)
        .select_related("approved_list")
        .order_by("approved_list__order_date")
    )


@dataclass(frozen=True)
class FailingSchool:
    """A school's failing share for a period: known (with its counts) or not known («нет данных»)."""

    school: School
    students: int | None
    failing: int | None
    share: float | None
    above: bool | None


def failure_list(
    user: User, *, region: Region, year: int, period: str, methodology: MethodologyParameters
) -> tuple[list[FailingSchool], list[FailingSchool]]:
    """The schools the user may see where more than ``failure_share`` of the students fail in the period.

    The share is the analytics' (``learning_failure``): Неуспевающих / Обучающихся на конец
    периода of form 5 for that period. Returns the schools above the threshold (highest share
    first) and those whose share for the period is not known — «нет данных», never «нет».
    """
    visible = School.objects.visible_to(user).active().filter(municipality__region=region)
    schools = {school.code: school for school in visible.select_related("municipality")}
    outcomes = outcomes_frame(region, years=[year], period=period).filter(pl.col("code").is_in(list(schools)))
    no_results = results_frame(region, years=[]).head(0)
    shares = learning_failure(outcomes, no_results, methodology).join(
        outcomes.select("code", "students_end", "failing"), on="code", how="left"
    )
    known = {
        row["code"]: FailingSchool(
            schools[row["code"]], row["students_end"], row["failing"], row["failing_share"], row["learning_failure"]
        )
        for row in shares.iter_rows(named=True)
        if row["failing_share"] is not None
    }
    above = sorted((row for row in known.values() if row.above), key=lambda row: (-(row.share or 0), row.school.code))
    unknown = [
        FailingSchool(school, None, None, None, None) for code, school in sorted(schools.items()) if code not in known
    ]
    return above, unknown


@dataclass(frozen=True)
class ListAgreement:
    """Where Rosobrnadzor's list of a year and a run's objectivity flag agree and differ."""

    listed: dict[str, list[str]]
    """School code → procedures of the list, for the schools in sight."""
    both: list[RunSchool]
    only_list: list[RunSchool]
    only_opora: list[RunSchool]
    list_unknown: list[RunSchool]
    """Listed by Rosobrnadzor, while Опора has «нет данных»."""

    @property
    def agreed_share(self) -> float | None:
        """Share of the list's schools Опора flagged too; None with no listed school."""
        total = len(self.both) + len(self.only_list) + len(self.list_unknown)
        return len(self.both) / total if total else None


def rosobrnadzor_agreement(run: IdentificationRun, lines: QuerySet[RunSchool]) -> ListAgreement | None:
    """Rosobrnadzor's list of the run's year against the run's objectivity flag; None without a list."""
    listings = RosobrnadzorListing.objects.filter(year=run.year, school__in=lines.values("school"))
    listed: dict[str, list[str]] = {}
    for code, procedure in listings.order_by("school__code", "procedure").values_list("school__code", "procedure"):
        listed.setdefault(code, []).append(procedure)
    region_list = RosobrnadzorListing.objects.filter(year=run.year, school__municipality__region=run.region)
    if not listed and not region_list.exists():
        return None
    both, only_list, only_opora, unknown = [], [], [], []
    for line in lines.order_by("code"):
        in_list, flag = line.code in listed, line.objectivity_risk
        if in_list and flag:
            both.append(line)
        elif in_list and flag is None:
            unknown.append(line)
        elif in_list:
            only_list.append(line)
        elif flag:
            only_opora.append(line)
    return ListAgreement(listed, both, only_list, only_opora, unknown)


LISTED_KEYS = tuple(flag.key for flag in LISTED_FLAGS)
"""ШНОР и ШНСУ: the flags that put a school in the list."""


def _within(rows: QuerySet, region: Region, municipality: Municipality | None) -> QuerySet:
    if municipality is not None:
        return rows.filter(school__municipality=municipality)
    return rows.filter(school__municipality__region=region)


def lists_in_force(region: Region, year: int, municipality: Municipality | None = None) -> list[ApprovedList]:
    """The lists in force for the school year that cover the territory (regional and its municipality's)."""
    lists = ApprovedList.objects.filter(region=region, year__end_year=year).exclude(kind=OrderKind.CANCELLATION)
    if municipality is not None:
        lists = lists.filter(Q(municipality=None) | Q(municipality=municipality))
    return [item for item in lists.select_related("municipality") if item.in_force]


def latest_done_run(region: Region, year: int) -> IdentificationRun | None:
    """The latest finished identification of the region on the data of a school year."""
    return (
        IdentificationRun.objects.filter(region=region, year__end_year=year, status=RunStatus.DONE)
        .order_by("-created_at", "-pk")
        .first()
    )


def listed_codes(
    region: Region, year: int, flags: tuple[str, ...] = LISTED_KEYS, *, municipality: Municipality | None = None
) -> list[str] | None:
    """Codes of the territory's ШНОР и/или ШНСУ (``flags``) for a school year; None when no list is known.

    The lists in force for the year first (a school the commission added counts among ШНОР и/или
    ШНСУ, one it excluded does not); without a list, the flags of the latest finished run on the
    previous year's data. An empty list means the list is known and none of the scope's schools is in it.
    For the region without a regional list, the municipal lists in force together are the region's
    (a municipality without a list of its own then adds no school).
    """
    return Listed(region, municipality).codes(year, flags)


class Listed:
    """:func:`listed_codes` of one territory, each school year's list (or run) read once.

    A page that asks for several flags and years of the same territory (the dashboard: the year's
    ШНОР and ШНСУ, the ШНОР of the years around it) reads each year's source in one query.
    """

    def __init__(self, region: Region, municipality: Municipality | None = None) -> None:
        self.region = region
        self.municipality = municipality
        self._years: dict[int, tuple[bool, list[tuple]] | None] = {}

    def _rows(self, year: int) -> tuple[bool, list[tuple]] | None:
        """(from an approved list, rows of code, decision and the listed flags) of the year; None: nothing known."""
        if year not in self._years:
            self._years[year] = self._read(year)
        return self._years[year]

    def _read(self, year: int) -> tuple[bool, list[tuple]] | None:
        lists = lists_in_force(self.region, year, self.municipality)
        if lists:
            entries = _within(
                ApprovedListEntry.objects.filter(approved_list__in=lists), self.region, self.municipality
            ).exclude(decision=Decision.EXCLUDED)
            return True, list(entries.values_list("code", "decision", *LISTED_KEYS))
        run = latest_done_run(self.region, year - 1)
        if run is None:
            return None
        lines = _within(run.schools.all(), self.region, self.municipality)
        return False, [(code, "", *flags) for code, *flags in lines.values_list("code", *LISTED_KEYS)]

    def codes(self, year: int, flags: tuple[str, ...] = LISTED_KEYS) -> list[str] | None:
        """The codes of the schools with any of ``flags`` in the year's list; None when no list is known."""
        found = self._rows(year)
        if found is None:
            return None
        from_list, rows = found
        positions = [2 + LISTED_KEYS.index(flag) for flag in flags]
        added = from_list and set(flags) == set(LISTED_KEYS)
        return sorted(
            {row[0] for row in rows if any(row[at] is True for at in positions) or (added and row[1] == Decision.ADDED)}
        )
