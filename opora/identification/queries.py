"""Reads of identification runs shared by pages, exports and the command line."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.db.models import Count, Q, QuerySet

from opora.accounts.models import User
from opora.analytics import REPORT_COLUMNS
from opora.core.tables import workbook_bytes
from opora.identification.flags import FLAG_KEYS, FLAGS, state_word
from opora.identification.models import ApprovedList, ApprovedListEntry, IdentificationRun, RunSchool, RunStatus
from opora.schools.models import School


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


def flag_counts(lines: QuerySet[RunSchool]) -> dict[str, int]:
    """How many of the lines have each flag (ШНОР, ШНСУ, resilient, …), by key."""
    return lines.aggregate(**{key: Count("pk", filter=Q(**{key: True})) for key in FLAG_KEYS})


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
            if name in ("results_index", "results_index_lower", "results_index_upper", "wellbeing_index", "value_added")
            else pl.Utf8
        )
        for name in fields
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def report_workbook(frame: pl.DataFrame) -> bytes:
    rounded = frame.with_columns(pl.col(pl.Float64).round(3))
    return workbook_bytes(sheet_title="Выявление", columns=frame.columns, rows=rounded.iter_rows(), text_columns=[0])


@dataclass(frozen=True)
class Movement:
    code: str
    name: str
    municipality: str
    before: RunSchool | None
    after: RunSchool | None
    flag: str = ""

    @property
    def reason(self) -> str:
        """Why the school moved, from its figures in the two runs."""
        before, after = self.before, self.after
        if before is None or after is None:
            return "школа есть только в одном из расчётов"
        parts = []
        if before.years_in_bottom != after.years_in_bottom:
            parts.append(f"лет в нижней группе: {before.years_in_bottom} → {after.years_in_bottom}")
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
        return "; ".join(parts) or "изменились пороги группы"


@dataclass(frozen=True)
class Comparison:
    flag: str
    entered: list[Movement]
    left: list[Movement]
    stayed: int


def compare_runs(before: QuerySet[RunSchool], after: QuerySet[RunSchool], flag: str) -> Comparison:
    """Who entered and who left a list (ШНОР, ШНСУ, …) between two runs, with the reason."""
    old = {line.code: line for line in before}
    new = {line.code: line for line in after}
    entered, left, stayed = [], [], 0
    for code in sorted(set(old) | set(new)):
        was = bool(old.get(code) and getattr(old[code], flag))
        now = bool(new.get(code) and getattr(new[code], flag))
        line = new.get(code) or old.get(code)
        movement = Movement(code, line.name, line.municipality, old.get(code), new.get(code), flag)
        if now and not was:
            entered.append(movement)
        elif was and not now:
            left.append(movement)
        elif was and now:
            stayed += 1
    return Comparison(flag=flag, entered=entered, left=left, stayed=stayed)


def done_runs(runs: QuerySet[IdentificationRun]) -> QuerySet[IdentificationRun]:
    return runs.filter(status=RunStatus.DONE)
