"""Dynamics of a school's results index, and the rule by which a school leaves the list of ШНОР.

The dynamics reads a year's index with its interval (the callers give the raw yearly index
±1,96·√v of one identification run: the shrunk one borrows strength over the years and hides
change); the exit reads the shrunk yearly index and the bottom group. Neither calls a change
that lies within its uncertainty a change. ``docs/methodology.md`` («Динамика и выход из перечня»)
states the formulas and why.

**Change and its interval.** With h₁, h₂ the half-widths of the two years' intervals (upper −
lower) / 2, the change Δ = I₂ − I₁ has the half-width h_Δ = √(h₁² + h₂²) (the two estimates'
errors taken as independent, the level of the intervals kept). Positive dynamics: Δ − h_Δ > 0;
negative: Δ + h_Δ < 0; otherwise no significant change. When one year has no interval, its
half-width is taken equal to the other's; with neither, the dynamics is not known (null).

**Exit from the list.** A school supported in the year (on the list in force) leaves the list
when (1) it was out of the bottom group in each of the last ``years_out`` years and (2) its
distance below the region's median closed by at least ``gap_share`` of the distance at entry:
(I_Y − M_Y) − (I_E − M_E) ≥ s·(M_E − I_E), where E is the last year of the window it was in the
bottom group (the first year of the window if none) and M the median index of the year. A
school out of the bottom group whose gain is short of that is «улучшение без выхода»; in the
bottom group in the last year, it stays.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

POSITIVE = "positive"
NEGATIVE = "negative"
NO_CHANGE = "none"
DYNAMICS_LABELS = {
    POSITIVE: "положительная",
    NEGATIVE: "отрицательная",
    NO_CHANGE: "без значимых изменений",
}

LEFT = "left"
IMPROVING = "improving"
STAYS = "stays"
EXIT_LABELS = {
    LEFT: "вышла из перечня",
    IMPROVING: "улучшение без выхода",
    STAYS: "остаётся в нижней группе",
}

CHANGE_COLUMNS = ("index_before", "lower_before", "upper_before", "index_after", "lower_after", "upper_after")


@dataclass(frozen=True)
class ExitRule:
    """The rule of leaving the list: out of the bottom group ``years_out`` years running, and the
    gap to the median closed by at least ``gap_share``.

    Examples
    --------
    >>> ExitRule().years_out, ExitRule().gap_share
    (2, 0.25)
    """

    years_out: int = 2
    gap_share: float = 0.25


def _half_width(lower: str, upper: str) -> pl.Expr:
    return (pl.col(upper) - pl.col(lower)) / 2


def _combined_half_width(first: pl.Expr, second: pl.Expr) -> pl.Expr:
    """√(h₁² + h₂²) of two non-negative half-widths, as max·√(1 + (min/max)²): no square underflows to 0."""
    big, small = pl.max_horizontal(first, second), pl.min_horizontal(first, second)
    return pl.when(big > 0).then(big * (1 + (small / big) ** 2).sqrt()).otherwise(big)


def index_changes(frame: pl.DataFrame) -> pl.DataFrame:
    """The change of each row's index between two years, its interval and its dynamics.

    ``frame`` has the columns of :data:`CHANGE_COLUMNS` (bounds may be null); returned with
    ``change``, ``change_lower``, ``change_upper`` and ``dynamics`` (``"positive"``,
    ``"negative"``, ``"none"``, null when the index of a year or both intervals are missing).

    Examples
    --------
    >>> frame = pl.DataFrame({"index_before": [-1.0, -1.0, -1.0], "lower_before": [-1.2, -1.2, None],
    ...     "upper_before": [-0.8, -0.8, None], "index_after": [-0.2, -0.9, -0.5],
    ...     "lower_after": [-0.4, -1.1, None], "upper_after": [0.0, -0.7, None]})
    >>> index_changes(frame)["dynamics"].to_list()
    ['positive', 'none', None]
    """
    before = _half_width("lower_before", "upper_before")
    after = _half_width("lower_after", "upper_after")
    with_widths = frame.with_columns(
        before.fill_null(after).alias("_h1"),
        after.fill_null(before).alias("_h2"),
        (pl.col("index_after") - pl.col("index_before")).alias("change"),
    ).with_columns(_combined_half_width(pl.col("_h1").abs(), pl.col("_h2").abs()).alias("_h"))
    return (
        with_widths.with_columns(
            (pl.col("change") - pl.col("_h")).alias("change_lower"),
            (pl.col("change") + pl.col("_h")).alias("change_upper"),
        )
        .with_columns(
            pl.when(pl.col("change").is_null() | pl.col("_h").is_null())
            .then(None)
            .when(pl.col("change_lower") > 0)
            .then(pl.lit(POSITIVE))
            .when(pl.col("change_upper") < 0)
            .then(pl.lit(NEGATIVE))
            .otherwise(pl.lit(NO_CHANGE))
            .alias("dynamics")
        )
        .drop("_h1", "_h2", "_h")
    )


def dynamics_of(
    before: float | None,
    before_bounds: tuple[float | None, float | None],
    after: float | None,
    after_bounds: tuple[float | None, float | None],
) -> str | None:
    """The dynamics of one school (the rule of :func:`index_changes`).

    Examples
    --------
    >>> dynamics_of(-1.0, (-1.2, -0.8), -1.5, (-1.7, -1.3))
    'negative'
    >>> dynamics_of(-1.0, (None, None), None, (None, None)) is None
    True
    """
    if before is None or after is None:
        return None
    widths = [(high - low) / 2 for low, high in (before_bounds, after_bounds) if low is not None and high is not None]
    if not widths:
        return None
    first, second = (abs(width) for width in (widths * 2)[:2])
    big, small = max(first, second), min(first, second)
    # the same arithmetic as the frame's (√(h₁² + h₂²) without squaring tiny widths to 0)
    half = big * math.sqrt(1 + (small / big) ** 2) if big > 0 else big
    change = after - before
    if change - half > 0:
        return POSITIVE
    if change + half < 0:
        return NEGATIVE
    return NO_CHANGE


@dataclass(frozen=True)
class ShareChange:
    """A share of a school in two years (say, of «2» among all results) and whether it changed.

    ``dynamics`` is judged by the direction: for a share where lower is better a significant fall
    is ``"positive"``.
    """

    before: float
    after: float
    lower: float
    upper: float
    dynamics: str

    @property
    def change(self) -> float:
        return self.after - self.before


def share_change(
    failed_before: int, total_before: int, failed_after: int, total_after: int, *, lower_is_better: bool = True
) -> ShareChange | None:
    """The change of a share between two years with its interval (normal approximation of two
    binomial shares, 95 %: Δ ± 1,96·√(p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂), each p with a continuity
    guard so that 0 of 12 is not certain), or None without both years.

    Examples
    --------
    >>> found = share_change(30, 100, 10, 100)
    >>> round(found.change, 2), found.dynamics
    (-0.2, 'positive')
    >>> share_change(2, 10, 1, 12).dynamics
    'none'
    >>> share_change(0, 0, 1, 10) is None
    True
    """
    if total_before <= 0 or total_after <= 0:
        return None
    p1, p2 = failed_before / total_before, failed_after / total_after
    g1, g2 = (failed_before + 0.5) / (total_before + 1), (failed_after + 0.5) / (total_after + 1)
    half = 1.959963984540054 * math.sqrt(g1 * (1 - g1) / total_before + g2 * (1 - g2) / total_after)
    delta = p2 - p1
    if delta - half > 0:
        dynamics = NEGATIVE if lower_is_better else POSITIVE
    elif delta + half < 0:
        dynamics = POSITIVE if lower_is_better else NEGATIVE
    else:
        dynamics = NO_CHANGE
    return ShareChange(p1, p2, delta - half, delta + half, dynamics)


def list_exit(
    yearly: pl.DataFrame, listed: Iterable[str] | None, year: int, rule: ExitRule | None = None
) -> pl.DataFrame:
    """Whether each school of the list in force for ``year`` leaves it after the year.

    ``yearly``: one row per school and year of the window — ``code``, ``year``,
    ``results_index``, ``in_bottom`` (one scale: the same run). ``listed``: the codes supported
    in the year (None: not known). Returns one row per school of ``yearly``: ``exited_list``
    (null when the list or the school's last years are not known; false for a school not on the
    list), ``exited_list_unknown_reason``, ``exit_status`` (``left``, ``improving``, ``stays``,
    null), ``years_out_of_bottom``, ``entry_year``, ``gap_at_entry``, ``gap_closed`` (the share
    of the gap closed).

    Examples
    --------
    >>> yearly = pl.DataFrame({"code": ["a"] * 3 + ["b"] * 3, "year": [2024, 2025, 2026] * 2,
    ...     "results_index": [-1.0, -0.5, -0.4, -1.0, -1.1, -0.9],
    ...     "in_bottom": [True, False, False, True, True, True]})
    >>> out = list_exit(yearly, ["a", "b"], 2026)
    >>> out.select("code", "exited_list", "exit_status").rows()
    [('a', True, 'left'), ('b', False, 'stays')]
    """
    rule = rule or ExitRule()
    window = yearly.filter(pl.col("year") <= year).sort("code", "year")
    medians = dict(window.group_by("year").agg(pl.col("results_index").median().alias("median")).iter_rows())
    schema = {
        "code": pl.String,
        "exited_list": pl.Boolean,
        "exited_list_unknown_reason": pl.String,
        "exit_status": pl.String,
        "years_out_of_bottom": pl.Int64,
        "entry_year": pl.Int64,
        "gap_at_entry": pl.Float64,
        "gap_closed": pl.Float64,
    }
    codes = window.select(pl.col("code").unique(maintain_order=True).cast(pl.String))
    if listed is None:
        return codes.with_columns(
            pl.lit(None, dtype=pl.Boolean).alias("exited_list"),
            pl.lit("не известен перечень, по которому школа поддерживалась в этом году", dtype=pl.String).alias(
                "exited_list_unknown_reason"
            ),
            *(pl.lit(None, dtype=dtype).alias(name) for name, dtype in list(schema.items())[3:]),
        )
    on_list = set(listed)
    is_listed = pl.col("code").is_in(pl.Series(sorted(on_list), dtype=pl.String).implode())
    # Only the schools of the list need their years one by one: the others have not left it.
    rows = []
    supported = window.filter(is_listed)
    for code, group in supported.group_by("code", maintain_order=True):
        code = code[0]
        years = group["year"].to_list()
        index = dict(zip(years, group["results_index"].to_list(), strict=True))
        bottom = dict(zip(years, group["in_bottom"].to_list(), strict=True))
        row = {
            "code": code,
            "exited_list": None,
            "exited_list_unknown_reason": None,
            "exit_status": None,
            "years_out_of_bottom": None,
            "entry_year": None,
            "gap_at_entry": None,
            "gap_closed": None,
        }
        last = [y for y in range(year - rule.years_out + 1, year + 1)]
        if any(bottom.get(y) is None or index.get(y) is None for y in last):
            row["exited_list_unknown_reason"] = (
                f"нет индекса результатов за все последние {rule.years_out} года: выход из перечня не оценить"
            )
            rows.append(row)
            continue
        out = 0
        for y in sorted(years, reverse=True):
            if bottom.get(y) is False:
                out += 1
            else:
                break
        entry = max((y for y in years if bottom.get(y)), default=min(years))
        gap = None
        closed = None
        if index.get(entry) is not None and medians.get(entry) is not None and medians.get(year) is not None:
            gap = medians[entry] - index[entry]
            gain = (index[year] - medians[year]) - (index[entry] - medians[entry])
            closed = gain / gap if gap > 0 else None
        row.update(years_out_of_bottom=out, entry_year=entry, gap_at_entry=gap, gap_closed=closed)
        if bottom[year]:
            row.update(exited_list=False, exit_status=STAYS)
        elif out >= rule.years_out and (gap is None or gap <= 0 or (closed is not None and closed >= rule.gap_share)):
            row.update(exited_list=True, exit_status=LEFT)
        else:
            row.update(exited_list=False, exit_status=IMPROVING)
        rows.append(row)
    found = pl.DataFrame(rows, schema=schema)
    return (
        codes.join(found, on="code", how="left", maintain_order="left")
        .with_columns(pl.when(is_listed).then(pl.col("exited_list")).otherwise(False).alias("exited_list"))
        .select(list(schema))
    )


__all__ = [
    "CHANGE_COLUMNS",
    "DYNAMICS_LABELS",
    "EXIT_LABELS",
    "ExitRule",
    "ShareChange",
    "dynamics_of",
    "index_changes",
    "list_exit",
    "share_change",
]
