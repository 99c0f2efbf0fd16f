"""A program's indicators, plan against fact: the targets as written, the actuals entered or computed.

A target is text as the program's author wrote it: «100», «не менее 80 %», «≥ 0,5», «меньше
12,5 %», «до 6 %», «увеличение», «да». :func:`target_parse` reads it with the Russian decimal
comma; a plain number is compared by the indicator's direction (more is better: the actual at
least the target; less is better: at most). «Увеличение» / «снижение» / «сохранение» compare
the actual with the previous period's (or the baseline). A target Опора cannot read — «в 1,3
раза», two numbers, words only — gives «нет данных» with the reason, never a guess.

The actual of a period is the latest value recorded for it, entered by a person or computed by
Опора; a computation that found no data («нет данных») does not hide a value recorded before it.
"""

from __future__ import annotations

import datetime
import re
import textwrap
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import altair as alt
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from opora.accounts.models import User
from opora.core.charts import svg_of
from opora.core.formatting import cell
from opora.programs.computed import COMPUTED, Scope, school_year_bounds
from opora.programs.models import IndicatorActual, IndicatorDirection, Program, ProgramIndicator
from opora.schools.models import SchoolYear

ACHIEVED = "достигнут"
NOT_ACHIEVED = "не достигнут"
NO_DATA = "нет данных"
STATUS_TONES = {ACHIEVED: "ok", NOT_ACHIEVED: "bad", NO_DATA: "none"}

_NUMBER = re.compile(r"[-−–]?\d+(?:[ \u00a0\u202f]\d{3})*(?:[.,]\d+)?")
_SCHOOL_YEAR = re.compile(r"^(\d{4})\s*[-–—/]\s*(\d{2}|\d{4})$")
_YEAR = re.compile(r"^\d{4}$")
_MULTIPLE = re.compile(r"\bв\s+\d+(?:[.,]\d+)?\s*раз")
# The operator written before the number; the «не …» forms first, they contain the others.
_OPERATORS = (
    (("не менее", "не меньше", "не ниже", "≥", ">="), ">="),
    (("не более", "не больше", "не выше", "не превыш", "≤", "<="), "<="),
    (("более", "больше", "свыше", "выше", ">"), ">"),
    (("менее", "меньше", "ниже", "<"), "<"),
)
_TRENDS = (
    (("увелич", "рост", "повыш", "возраст"), "rise"),
    (("сниж", "уменьш", "сокращ", "понижен"), "fall"),
    (("сохран", "стабильн", "не ниже уровня", "на уровне"), "keep"),
)
_YES, _NO = ("да", "есть", "имеется", "наличие"), ("нет", "отсутствует")
_COUNT_UNITS = ("ед", "чел", "шт", "кол")


# --- periods -----------------------------------------------------------------------------------


def period_year(label: str) -> int | None:
    """The end year of a period as a program writes it: «2026» → 2026, «2025/2026», «2025-26» → 2026.

    >>> period_year("2025/2026"), period_year("2020-2021"), period_year("2024"), period_year("весна")
    (2026, 2021, 2024, None)
    """
    text = str(label).strip()
    if _YEAR.match(text):
        return int(text)
    match = _SCHOOL_YEAR.match(text)
    if match is None:
        return None
    start, end = int(match.group(1)), match.group(2)
    end_year = int(end) if len(end) == 4 else start // 100 * 100 + int(end)
    return end_year if end_year == start + 1 else None


def _period_key(label: str) -> tuple[int, str]:
    year = period_year(label)
    return (year if year is not None else 10_000, label)


def _target_label(indicator: ProgramIndicator, year: int) -> str | None:
    for label in indicator.targets or {}:
        if period_year(label) == year:
            return str(label)
    return None


def period_for(indicator: ProgramIndicator, year: int) -> str:
    """The label of a school year as the indicator's targets write it; «2025/2026» when no target names it."""
    return _target_label(indicator, year) or f"{year - 1}/{year}"


# --- targets -----------------------------------------------------------------------------------


def parse_number(text: str) -> float | None:
    """A number written the Russian way: «1 234,5», «−3», «12.5 %»; None when there is none.

    >>> parse_number("1 234,5"), parse_number("−0,5"), parse_number("около"), parse_number(" 80 % ")
    (1234.5, -0.5, None, 80.0)
    """
    match = _NUMBER.search(str(text))
    if match is None:
        return None
    raw = match.group(0).replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    raw = raw.replace(",", ".").replace("−", "-").replace("–", "-")
    try:
        return float(raw)
    except ValueError:
        return None


@dataclass(frozen=True)
class Target:
    """A target read from its text.

    ``comparison`` is ``>=``, ``>``, ``<=``, ``<`` (against ``value``) or a trend against the
    previous value: ``rise``, ``fall``, ``keep``; empty with a ``reason`` when it cannot be read.
    """

    text: str
    value: float | None = None
    comparison: str = ""
    reason: str = ""

    @property
    def readable(self) -> bool:
        return bool(self.comparison)

    @property
    def words(self) -> str:
        """The comparison in words, for a reason: «не менее 80»."""
        names = {">=": "не менее", ">": "больше", "<=": "не более", "<": "меньше"}
        if self.comparison in names:
            return f"{names[self.comparison]} {cell(self.value)}"
        return {"rise": "рост", "fall": "снижение", "keep": "сохранение"}.get(self.comparison, self.text)


def target_parse(text: object, direction: str) -> Target:
    """Read a target written as text (or a number) for an indicator of the given direction.

    >>> target_parse("не менее 80 %", "higher").comparison, target_parse("≥ 0,5", "higher").value
    ('>=', 0.5)
    >>> target_parse("6", "lower").comparison, target_parse("с 8,5 % до 6 %", "lower").value
    ('<=', 6.0)
    >>> target_parse("увеличение", "higher").comparison, target_parse("в 1,3 раза", "lower").readable
    ('rise', False)
    """
    if isinstance(text, bool):
        return Target(str(text), 1.0 if text else 0.0, ">=" if text else "<=")
    if isinstance(text, int | float | Decimal):
        value = float(text)
        return Target(cell(value), value, ">=" if direction == IndicatorDirection.HIGHER else "<=")
    written = str(text or "").strip()
    lowered = written.lower().replace("ё", "е").replace("\u00a0", " ")
    if not lowered:
        return Target(written, reason="целевое значение не задано")
    default = ">=" if direction == IndicatorDirection.HIGHER else "<="
    if _MULTIPLE.search(lowered):
        return Target(
            written,
            reason="цель задана кратностью («в … раза»), а не значением показателя: укажите целевое значение "
            "в единицах показателя",
        )
    numbers = _NUMBER.findall(lowered)
    if not numbers:
        words = lowered.strip(" .!")
        if words in _YES:
            return Target(written, 1.0, ">=")
        if words in _NO:
            return Target(written, 0.0, "<=")
        for stems, trend in _TRENDS:
            if any(stem in lowered for stem in stems):
                return Target(written, comparison=trend)
        return Target(written, reason=f"в целевом значении «{written}» нет числа")
    if len(numbers) > 1:
        last = lowered.rsplit(" до ", 1)
        if len(last) == 2 and len(_NUMBER.findall(last[1])) == 1:
            return Target(written, parse_number(last[1]), default)
        return Target(written, reason=f"в целевом значении «{written}» несколько чисел: непонятно, с каким сравнивать")
    before = lowered[: lowered.find(numbers[0])]
    comparison = default
    for spellings, operator in _OPERATORS:
        if any(spelling in before for spelling in spellings):
            comparison = operator
            break
    return Target(written, parse_number(numbers[0]), comparison)


def _reached(actual: float, target: Target, previous: float | None, direction: str) -> bool | None:
    """Whether the actual meets the target; None when a trend has nothing to compare with."""
    tolerance = 1e-9
    if target.comparison in (">=", ">", "<=", "<"):
        value = target.value
        assert value is not None
        return {
            ">=": actual >= value - tolerance,
            ">": actual > value + tolerance,
            "<=": actual <= value + tolerance,
            "<": actual < value - tolerance,
        }[target.comparison]
    if previous is None:
        return None
    if target.comparison == "rise":
        return actual > previous + tolerance
    if target.comparison == "fall":
        return actual < previous - tolerance
    if direction == IndicatorDirection.LOWER:  # «сохранение»: not worse than before
        return actual <= previous + tolerance
    return actual >= previous - tolerance


# --- plan and fact -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanFactRow:
    """One period of an indicator: its target as written, the actual and whether the target is reached."""

    period: str
    target: str
    target_value: float | None
    actual: float | None
    source: str
    measured_on: datetime.date | None
    computed: bool
    status: str
    reason: str

    @property
    def tone(self) -> str:
        """The colour of the status badge (always beside the word): ``ok``, ``bad`` or ``none``."""
        return STATUS_TONES[self.status]


def _latest_actuals(indicator: ProgramIndicator) -> dict[str, IndicatorActual]:
    """Per period (by its year where it has one), the latest actual with a value, else the latest one."""
    chosen: dict[str, IndicatorActual] = {}
    # sorted here, not by the database, so that a page's prefetch of the actuals serves every indicator
    newest_first = sorted(indicator.actuals.all(), key=lambda actual: (actual.created_at, actual.pk), reverse=True)
    for actual in newest_first:
        key = str(period_year(actual.period) or actual.period.strip())
        current = chosen.get(key)
        if current is None or (current.value is None and actual.value is not None):
            chosen[key] = actual
    return chosen


def _baseline(indicator: ProgramIndicator) -> float | None:
    return parse_number(indicator.baseline) if indicator.baseline else None


def plan_fact(indicator: ProgramIndicator) -> list[PlanFactRow]:
    """Each period of the indicator (its targets' and its actuals'), in order, with the status:
    «достигнут», «не достигнут» or «нет данных» (and why)."""
    targets = {str(label): value for label, value in (indicator.targets or {}).items()}
    actuals = _latest_actuals(indicator)
    labels = {str(period_year(label) or label.strip()): label for label in targets}
    for key, recorded in actuals.items():
        labels.setdefault(key, recorded.period)
    rows = []
    previous = _baseline(indicator)
    for key, label in sorted(labels.items(), key=lambda item: _period_key(item[1])):
        written = targets.get(label, "")
        target = target_parse(written, indicator.direction)
        actual = actuals.get(key)
        value = actual.value if actual is not None else None
        status, reason = _status(value, target, previous, indicator.direction)
        rows.append(
            PlanFactRow(
                period=label,
                target=target.text,
                target_value=target.value if target.comparison in (">=", ">", "<=", "<") else None,
                actual=value,
                source=actual.source if actual is not None else "",
                measured_on=actual.measured_on if actual is not None else None,
                computed=actual.computed if actual is not None else False,
                status=status,
                reason=reason,
            )
        )
        if value is not None:
            previous = value
    return rows


def _status(value: float | None, target: Target, previous: float | None, direction: str) -> tuple[str, str]:
    if not target.readable:
        return NO_DATA, target.reason
    if value is None:
        return NO_DATA, "нет фактического значения"
    reached = _reached(value, target, previous, direction)
    if reached is None:
        return NO_DATA, "нет значения за прошлый период и базового значения, с которым сравнить"
    against = f"цель — {target.words}" if target.value is not None else f"цель — {target.words} с {cell(previous)}"
    return (ACHIEVED if reached else NOT_ACHIEVED), f"факт {cell(value)}, {against}"


# --- writes ------------------------------------------------------------------------------------


def _value(raw: object) -> float | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int | float | Decimal):
        return float(raw)
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".").replace("−", "-")
    text = text.removesuffix("%")
    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise ValueError from error
    if not number.is_finite():
        raise ValueError
    return float(number)


@transaction.atomic
def actual_enter(
    *,
    indicator: ProgramIndicator,
    period: str,
    value: float | str | Decimal | None,
    source: str,
    measured_on: datetime.date | None,
    by: User,
) -> IndicatorActual:
    """Record the actual value of an indicator for a period, as a person found it (with its source and date)."""
    errors: dict[str, str] = {}
    label = str(period or "").strip()
    year = period_year(label)
    if not label:
        errors["period"] = "Укажите год: 2026 или 2025/2026."
    elif year is None:
        errors["period"] = f"Не удалось понять год «{label}»: напишите 2026 или 2025/2026."
    try:
        number = _value(value)
    except ValueError:
        number = None
        errors["value"] = "Введите число, например 12,5."
    else:
        unit = indicator.unit.strip().lower()
        if number is None:
            errors["value"] = "Введите значение показателя."
        elif unit == "%" and not 0 <= number <= 100:
            errors["value"] = "Доля в процентах — число от 0 до 100."
        elif number < 0 and unit.startswith(_COUNT_UNITS):
            errors["value"] = "Количество не может быть отрицательным."
    if not str(source or "").strip():
        errors["source"] = "Укажите источник: документ или отчёт, из которого взято значение."
    if measured_on is None:
        errors["measured_on"] = "Укажите дату, на которую получено значение."
    elif measured_on > timezone.localdate():
        errors["measured_on"] = "Дата не может быть позже сегодняшней."
    elif year is not None and measured_on < school_year_bounds(year)[0]:
        errors["measured_on"] = f"Дата раньше начала периода ({school_year_bounds(year)[0]:%d.%m.%Y})."
    if errors:
        raise ValidationError(errors)
    assert year is not None
    return IndicatorActual.objects.create(
        indicator=indicator,
        period=_target_label(indicator, year) or label,
        value=number,
        source=str(source).strip(),
        measured_on=measured_on,
        computed=False,
        entered_by=by,
    )


@transaction.atomic
def actuals_compute(*, program: Program, year: SchoolYear | int) -> list[IndicatorActual]:
    """Compute the actuals of the program's computed indicators for a school year and store them.

    Each replaces the earlier computed value of its period (values entered by people stay); a
    value Опора could not compute is stored as «нет данных» (no value). Indicators whose key is
    not in the registry, or that do not apply to a program of this level, are left alone.
    """
    end_year = year.end_year if isinstance(year, SchoolYear) else int(year)
    scope = Scope.of(program)
    today = timezone.localdate()
    stored = []
    for indicator in program.indicators.order_by("position", "pk"):
        entry = COMPUTED.get(indicator.computed)
        if entry is None or not entry.applies_to(scope):
            continue
        value = entry.compute(scope, end_year)
        period = period_for(indicator, end_year)
        same_year = [
            actual.pk for actual in indicator.actuals.filter(computed=True) if period_year(actual.period) == end_year
        ]
        IndicatorActual.objects.filter(pk__in=same_year).delete()
        stored.append(
            IndicatorActual.objects.create(
                indicator=indicator,
                period=period,
                value=None if value is None else round(value, 2),
                source=f"Рассчитано Опорой: {entry.method}",
                measured_on=today,
                computed=True,
            )
        )
    return stored


# --- the chart ---------------------------------------------------------------------------------

TARGET_SERIES, ACTUAL_SERIES = "Целевое значение", "Факт"
SERIES_STYLES = {TARGET_SERIES: ("#1d4f91", "square", [5, 3]), ACTUAL_SERIES: ("#d35400", "circle", [1, 0])}


def _title_lines(indicator: ProgramIndicator, width: int = 60, lines: int = 3) -> list[str]:
    """The indicator's number and name over at most three lines (a long name ends with «…»)."""
    wrapped = textwrap.wrap(f"{indicator.number} {indicator.name}".strip(), width) or [""]
    if len(wrapped) > lines:
        wrapped = [*wrapped[: lines - 1], textwrap.shorten(" ".join(wrapped[lines - 1 :]), width, placeholder=" …")]
    return wrapped


def indicator_chart_svg(indicator: ProgramIndicator) -> str:
    """Targets and actuals of the indicator per period, as a small SVG (no script, no internet)."""
    rows = plan_fact(indicator)
    periods = [row.period for row in rows]
    unit = indicator.unit.strip()
    points = []
    for row in rows:
        for series, value in ((TARGET_SERIES, row.target_value), (ACTUAL_SERIES, row.actual)):
            if value is not None:
                caption = f"{row.period}: {series.lower()} {cell(value)}{f' {unit}' if unit else ''}"
                if series == ACTUAL_SERIES:
                    caption += f" ({row.status})"
                points.append({"Период": row.period, "Ряд": series, "Значение": value, "Подпись": caption})
    names = list(SERIES_STYLES)
    legend = alt.Legend(title=None, orient="top")

    def scale(position: int) -> alt.Scale:
        return alt.Scale(domain=names, range=[SERIES_STYLES[name][position] for name in names])

    chart = (
        alt.Chart(alt.Data(values=points), title=alt.Title(_title_lines(indicator), anchor="start", fontSize=13))
        .mark_line(point=alt.OverlayMarkDef(size=60, filled=True))
        .encode(
            x=alt.X("Период:N", scale=alt.Scale(domain=periods), sort=periods, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("Значение:Q", title=unit or "значение"),
            color=alt.Color("Ряд:N", scale=scale(0), legend=legend),
            shape=alt.Shape("Ряд:N", scale=scale(1), legend=legend),
            strokeDash=alt.StrokeDash("Ряд:N", scale=scale(2), legend=legend),
            description="Подпись:N",
        )
        .properties(width=max(160, 70 * len(periods)), height=160)
    )
    return svg_of(chart, hover_titles=True)


__all__ = [
    "ACHIEVED",
    "NOT_ACHIEVED",
    "NO_DATA",
    "PlanFactRow",
    "Target",
    "actual_enter",
    "actuals_compute",
    "indicator_chart_svg",
    "parse_number",
    "period_for",
    "period_year",
    "plan_fact",
    "target_parse",
]
