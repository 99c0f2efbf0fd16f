"""What a deadline as written in a roadmap means in dates: «Октябрь 2023» → 01.10.2023–31.10.2023.

Roadmaps write their deadlines in words («В течение года», «Ежегодно, сентябрь», «Вторая неделя
сентября», «до 01.03.2024», «I квартал 2024», «Апрель - Май»). ``parse_deadline`` turns one into
the range of days it means within the program's period; the text itself is always kept as
written, the range only lets Опора say «просрочено» and draw a timeline. Pure Python: no Django.

The rules, in the order they apply:

- a deadline that spans the program («в течение года», «постоянно», «ежегодно», «ежемесячно»,
  «по мере необходимости», «по запросу», «по плану ОМО», «2 раза в год») is the whole period;
- parts separated by «,», «;» or «и» are joined into one range from the earliest start to the
  latest end («Январь 2024, март 2024» → 01.01.2024–31.03.2024); a part that means nothing is
  ignored when another part means something;
- «ежегодно» or «далее ежегодно» beside a date repeats it every year of the period
  («Сентябрь 2020, далее ежегодно» → from September 2020 to the last September of the period);
- a month, a quarter, a half-year or a week without a year is its first occurrence that falls in
  the period («Март» in a program of 2021 → March 2021); in a range whose year is written once
  («Октябрь - апрель 2020») the reading that overlaps the period more is taken;
- «до X» runs from the start of the period to the end of X, «с X» from the start of X to the end
  of the period;
- «1 полугодие» without a calendar year is the school half-year (1 September – 31 December,
  1 January – 31 May), with a calendar year («I полугодие 2024») the calendar one; «1 четверть»
  is a school quarter (September–October, November–December, January–March, April–May); the
  n-th week of a month is its days 7n−6 … 7n, «последняя неделя» its last seven days;
- «2023/2024», «2023/24», «2023-2024 учебный год» and a plain «2023-2024» are the school year
  (1 September 2023 – 31 August 2024); «2023–2024 гг.» are the calendar years;
- «по завершении (по итогам, в конце) X» is the last month of X (June for a school year),
  «в начале X» its first month;
- the range is clipped to the period; a deadline wholly outside it, or one not understood, gives
  ``(None, None)``.

>>> from datetime import date
>>> parse_deadline("Октябрь 2023", date(2023, 9, 1), date(2024, 8, 31))
(datetime.date(2023, 10, 1), datetime.date(2023, 10, 31))
>>> parse_deadline("Вторая неделя сентября", date(2020, 1, 1), date(2023, 12, 31))
(datetime.date(2020, 9, 8), datetime.date(2020, 9, 14))
>>> parse_deadline("по отдельному графику", date(2021, 1, 1), date(2021, 12, 31))
(datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

__all__ = ["document_period", "parse_deadline", "school_year_period", "years_period"]

Range = tuple[date, date]
_MIN_YEAR, _MAX_YEAR = 1990, 2100


def school_year_period(end_year: int) -> Range:
    """The school year that ends in ``end_year``: 1 September of the year before – 31 August."""
    return date(end_year - 1, 9, 1), date(end_year, 8, 31)


def years_period(first: int, last: int) -> Range:
    """Calendar years ``first`` … ``last``: 1 January – 31 December."""
    return date(first, 1, 1), date(last, 12, 31)


def parse_deadline(text: str, period_start: date, period_end: date) -> tuple[date | None, date | None]:
    """The range of days a deadline as written means within the program's period.

    Parameters
    ----------
    text
        The deadline as the roadmap writes it («Октябрь 2023», «В течение года»).
    period_start, period_end
        The program's period (both days included).

    Returns
    -------
    tuple
        ``(start, end)`` with ``period_start <= start <= end <= period_end``, or ``(None, None)``
        when the deadline is not understood or lies wholly outside the period.
    """
    if not isinstance(text, str) or period_start > period_end:
        return None, None
    try:
        found = _Deadline(period_start, period_end).read(text)
    except (ValueError, OverflowError, IndexError):  # a date that does not exist (31.02.2024)
        found = None
    if found is None:
        return None, None
    start, end = max(found[0], period_start), min(found[1], period_end)
    if start > end:
        return None, None
    return start, end


def document_period(text: str) -> Range | None:
    """The period a program's title or passport names: «на 2023- 2024 учебный год», «2018-2020 гг.».

    >>> document_period("Сроки реализации Программы: 2020 – 2023 гг.")
    (datetime.date(2020, 1, 1), datetime.date(2023, 12, 31))
    >>> document_period("программа … на 2023- 2024 учебный год")
    (datetime.date(2023, 9, 1), datetime.date(2024, 8, 31))
    """
    line = _normalised(text)
    dates = re.search(r"(\d{1,2})\.(\d{1,2})\.(\d{4})\s*(?:-|по|до)\s*(\d{1,2})\.(\d{1,2})\.(\d{4})", line)
    if dates:
        day1, month1, year1, day2, month2, year2 = (int(value) for value in dates.groups())
        try:
            start, end = date(year1, month1, day1), date(year2, month2, day2)
        except ValueError:
            return None
        return (start, end) if start <= end else None
    school = re.search(r"(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*(?:учебн|уч\.|у\.\s?г)", line)
    if school:
        first, last = int(school.group(1)), _full_year(int(school.group(1)), school.group(2))
        if last is not None and _MIN_YEAR <= first < last <= _MAX_YEAR:
            return date(first, 9, 1), date(last, 8, 31)
    years = re.search(r"(\d{4})\s*-\s*(\d{4})", line)
    if years:
        first, last = int(years.group(1)), int(years.group(2))
        if _MIN_YEAR <= first <= last <= _MAX_YEAR:
            return years_period(first, last)
    school = re.search(r"\b(\d{4})\s*/\s*(\d{2}|\d{4})\b", line)
    if school:
        first, last = int(school.group(1)), _full_year(int(school.group(1)), school.group(2))
        if last is not None and first >= _MIN_YEAR and last == first + 1 <= _MAX_YEAR:
            return school_year_period(last)
    single = re.search(r"(?:\bв|\bна)\s+(\d{4})\s*(?:году|год|г\b)", line)
    if single and _MIN_YEAR <= int(single.group(1)) <= _MAX_YEAR:
        return years_period(int(single.group(1)), int(single.group(1)))
    return None


# --- reading ------------------------------------------------------------------------------------------

_MONTH_STEMS = (
    ("январ", "ь я е ю ем"),
    ("феврал", "ь я е ю ем"),
    ("март", "_ а е у ом"),
    ("апрел", "ь я е ю ем"),
    ("ма", "й я е ю ем"),
    ("июн", "ь я е ю ем"),
    ("июл", "ь я е ю ем"),
    ("август", "_ а е у ом"),
    ("сентябр", "ь я е ю ем"),
    ("октябр", "ь я е ю ем"),
    ("ноябр", "ь я е ю ем"),
    ("декабр", "ь я е ю ем"),
)
_MONTH_ABBREVIATIONS = {
    "янв": 1,
    "фев": 2,
    "февр": 2,
    "мар": 3,
    "апр": 4,
    "авг": 8,
    "сен": 9,
    "сент": 9,
    "окт": 10,
    "ноя": 11,
    "нояб": 11,
    "дек": 12,
}
_MONTHS: dict[str, int] = {
    stem + ("" if ending == "_" else ending): number
    for number, (stem, endings) in enumerate(_MONTH_STEMS, start=1)
    for ending in endings.split()
}
_ORDINALS = (
    (r"перв(?:ая|ой|ую|ый|ое|ого|ом)|1-?(?:я|ая|й|ый|е|ое)", 1),
    (r"втор(?:ая|ой|ую|ый|ое|ого|ом)|2-?(?:я|ая|й|ой|е|ое)", 2),
    (r"трет(?:ья|ьей|ью|ий|ье|ьего|ьем)|3-?(?:я|ья|й|ий|е|ье)", 3),
    (r"четв[её]рт(?:ая|ой|ую|ый|ое|ого|ом)|4-?(?:я|ая|й|ый|е|ое)", 4),
    (r"пят(?:ая|ой|ую|ый|ое|ого|ом)|5-?(?:я|ая|й|ый|е|ое)", 5),
    (r"последн(?:яя|ей|юю|ий|ее|его|ем)", -1),
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "і": 1, "іі": 2, "ііі": 3, "іv": 4}
# Deadlines that span the program: each is the whole period.
_WHOLE = re.compile(
    r"в\s+течени[ея]\s+(?:всего\s+)?(?:учебного\s+|календарного\s+|отчетного\s+)?"
    r"(?:года|периода|срока|программы|реализации|проекта)"
    r"|на\s+протяжении\s+(?:всего\s+)?(?:учебного\s+)?(?:года|периода|срока)"
    r"|весь\s+период|в\s+период\s+реализации|постоянн\w*|регулярн\w*|систематическ\w*|периодическ\w*"
    r"|ежемесячн\w*|ежеквартальн\w*|еженедельн\w*|ежедневн\w*|ежегодно\s+в\s+течение\s+года"
    r"|по\s+мере\s+\w+|по\s+запрос\w*|по\s+обращени\w*|по\s+заявк\w*|по\s+необходимости"
    r"|по\s+(?:\w+\s+){0,2}(?:график\w*|план\w*)|согласно\s+(?:\w+\s+){0,2}(?:график\w*|план\w*)"
    r"|в\s+соответствии\s+с\s+(?:\w+\s+){0,2}(?:график\w*|план\w*)|в\s+рамках\s+.*"
    r"|\d+\s+раз[а]?\s+в\s+\w+|раз\s+в\s+\w+|в\s+течение\s+всего|в\s+течение\s+(?:срока|периода)"
)
_RECUR = re.compile(r"(?:далее\s+)?ежегодн\w*|(?:далее\s+)?каждый\s+год")

_TOKENS = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("date", r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?!\d)"),
        ("school_year_range", r"(\d{4})\s*[-/]\s*(\d{4}|\d{2})\s*(?:уч\w*\.?\s*г\w*\.?|у\.\s?г\.?|учебн\w*\s+год\w*)"),
        ("years", r"(\d{4})\s*-\s*(\d{4})\s*(?:гг?\.?|год\w*)"),
        ("school_year_range", r"(\d{4})\s*[-/]\s*(\d{4}|\d{2})(?!\d)"),
        ("year", r"(\d{4})(?!\d)\s*(?:гг?\b\.?|год\w*)?"),
        ("day_num", r"(\d{1,2})(?!\d)(?!-)"),
        ("dash", r"-|/|\bпо\b"),
        ("until", r"\bдо\b|\bне\s+позднее\b|\bне\s+позже\b|\bк\b"),
        ("from", r"\bс\b|\bсо\b|\bначиная\s+с\b"),
        ("edge_end", r"\b(?:конц\w*|конец|окончани\w*|завершени\w*|итог\w*)\b"),
        ("edge_start", r"\b(?:начал[оа]|начале)\b"),
        ("edge_middle", r"\bсередин\w*\b"),
        ("week", r"\bнедел\w*"),
        ("quarter", r"\bквартал\w*"),
        ("half", r"\bполугод\w*"),
        ("term", r"\bчетверт(?:ь|и|ью)\b"),
        ("season_6", r"\b(?:лет[оа]|летом|летн\w*)\b"),
        ("season_9", r"\b(?:осень|осенью|осенн\w*)\b"),
        ("season_12", r"\b(?:зима|зимой|зимн\w*)\b"),
        ("season_3", r"\b(?:весна|весной|весенн\w*)\b"),
        ("school_generic", r"\b(?:учебн\w*\s+год\w*|уч\.\s*г\w*\.?|у\.\s?г\.?|года|год)\b"),
    )
)
_ORDINAL = re.compile("|".join(f"(?:{pattern})" for pattern, _ in _ORDINALS))
_WORD = re.compile(r"[\w.]+")


@dataclass(frozen=True)
class _Token:
    kind: str
    value: int = 0
    day: date | None = None


@dataclass(frozen=True)
class _Spec:
    """One point or stretch of time, perhaps without its year: resolved once the year is known."""

    kind: str  # date, day, week, month, quarter, half, term, year, years, school_year, season, edge
    month: int | None = None
    year: int | None = None  # calendar year; for school_year, half (school), term: the end year
    number: int | None = None  # day, week, quarter, half, term number; for years: the last year
    day: date | None = None
    school: bool = False  # a half-year of the school year, not of the calendar one
    edge: str = ""  # "end", "start", "middle" of the inner spec
    inner: _Spec | None = None

    @property
    def has_year(self) -> bool:
        if self.kind == "date":
            return True
        if self.kind == "edge":
            return self.inner is not None and self.inner.has_year
        return self.year is not None

    def with_year(self, year: int) -> _Spec:
        if self.kind == "edge" and self.inner is not None:
            return replace(self, inner=self.inner.with_year(year))
        return replace(self, year=year)

    def resolve(self) -> Range | None:
        """The days of the spec (its year known)."""
        if self.kind == "date":
            return (self.day, self.day) if self.day else None
        if self.kind == "edge":
            return _edge(self.inner.resolve() if self.inner else None, self.edge, self.inner)
        year = self.year
        if year is None or not _MIN_YEAR <= year <= _MAX_YEAR:
            return None
        if self.kind == "month":
            return _month(year, self.month or 1)
        if self.kind == "day":
            day = date(year, self.month or 1, self.number or 1)
            return day, day
        if self.kind == "week":
            first, last = _month(year, self.month or 1)
            if self.number == -1:
                return last - timedelta(days=6), last
            if not self.number or not 1 <= self.number <= 5:
                return None
            start = first + timedelta(days=7 * (self.number - 1))
            return start, min(start + timedelta(days=6), last)
        if self.kind == "quarter":
            if not self.number or not 1 <= self.number <= 4:
                return None
            return _month(year, 3 * self.number - 2)[0], _month(year, 3 * self.number)[1]
        if self.kind == "half":
            if self.number not in (1, 2):
                return None
            if self.school:
                return (
                    (date(year - 1, 9, 1), date(year - 1, 12, 31))
                    if self.number == 1
                    else (date(year, 1, 1), date(year, 5, 31))
                )
            return (date(year, 1, 1), date(year, 6, 30)) if self.number == 1 else (date(year, 7, 1), date(year, 12, 31))
        if self.kind == "term":
            terms = {
                1: ((year - 1, 9, 1), (year - 1, 10, 31)),
                2: ((year - 1, 11, 1), (year - 1, 12, 31)),
                3: ((year, 1, 1), (year, 3, 31)),
                4: ((year, 4, 1), (year, 5, 31)),
            }
            if self.number not in terms:
                return None
            first_day, last_day = terms[self.number]
            return date(*first_day), date(*last_day)
        if self.kind == "year":
            return years_period(year, year)
        if self.kind == "years":
            final = self.number or year
            return years_period(year, final) if year <= final <= _MAX_YEAR else None
        if self.kind == "school_year":
            return school_year_period(year)
        if self.kind == "season":
            first_month = self.month or 6
            start_year = year - 1 if first_month == 12 else year
            start = date(start_year, first_month, 1)
            end_month = (first_month + 1) % 12 + 1
            return start, _month(year, end_month)[1]
        return None

    def year_candidates(self, period: Range) -> list[int]:
        """The years to try for a spec written without one: around the period."""
        if self.kind in ("school_year", "term") or (self.kind == "half" and self.school):
            return list(range(period[0].year, period[1].year + 2))
        if self.kind == "edge" and self.inner is not None:
            return self.inner.year_candidates(period)
        return list(range(period[0].year - 1, period[1].year + 2))


def _month(year: int, month: int) -> Range:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _edge(found: Range | None, edge: str, inner: _Spec | None) -> Range | None:
    """The start, middle or end of a stretch: a month's first or last ten days, a year's first or last month."""
    if found is None or inner is None:
        return None
    start, end = found
    if inner.kind in ("month",):
        if edge == "start":
            return start, start + timedelta(days=9)
        if edge == "middle":
            return start + timedelta(days=10), start + timedelta(days=19)
        return start + timedelta(days=20), end
    if inner.kind == "school_year":  # lessons start in September and end in June; January is the middle
        if edge == "start":
            return _month(start.year, 9)
        return _month(end.year, 1 if edge == "middle" else 6)
    if edge == "start":
        return _month(start.year, start.month)
    if edge == "middle":
        middle = start + (end - start) / 2
        return _month(middle.year, middle.month)
    return _month(end.year, end.month)


def _full_year(first: int, second: str) -> int | None:
    if len(second) == 2:
        candidate = first // 100 * 100 + int(second)
        return candidate if candidate > first else candidate + 100
    return int(second)


def _normalised(text: str) -> str:
    line = text.lower().replace("ё", "е").replace("\xa0", " ")
    line = re.sub(r"[\u2010-\u2015\u2212\u2043]", "-", line)
    line = re.sub(r"\bеже-\s*(годн|месячн|квартальн|недельн|дневн)", r"еже\1", line)
    line = re.sub(r"\s+", " ", line)
    return line.strip(" .,;:!?")


def _joined(start: Range | None, end: Range | None) -> Range | None:
    if start is None or end is None or start[0] > end[1]:
        return None
    return start[0], end[1]


def _spec_year(spec: _Spec) -> int | None:
    if spec.kind == "date":
        return spec.day.year if spec.day else None
    if spec.kind == "edge":
        return _spec_year(spec.inner) if spec.inner else None
    return spec.year


def _overlap(found: Range, period: Range) -> int:
    start, end = max(found[0], period[0]), min(found[1], period[1])
    return (end - start).days + 1 if start <= end else 0


class _Deadline:
    def __init__(self, period_start: date, period_end: date) -> None:
        self.period: Range = (period_start, period_end)

    # -- the whole text: parts, recurrence, whole period

    def read(self, text: str) -> Range | None:
        line = _normalised(text)
        if not line:
            return None
        parts = [part.strip() for part in re.split(r"[,;]|\s+и\s+|\(|\)", line) if part.strip()]
        whole = recur = False
        ranges: list[tuple[Range, bool]] = []
        for part in parts:
            if _WHOLE.search(part):
                whole = True
                continue
            recurring = bool(_RECUR.search(part))
            rest = _RECUR.sub(" ", part).strip()
            if recurring and not re.search(r"\w", rest):
                recur = True
                continue
            found = self.part(rest)
            if found is not None:
                ranges.append((found, recurring))
        if whole:
            return self.period
        if not ranges:
            return self.period if recur else None
        spans = [self.recurring(found) if recurring or recur else found for found, recurring in ranges]
        present = [span for span in spans if span is not None]
        if not present:
            return None
        return min(span[0] for span in present), max(span[1] for span in present)

    def recurring(self, found: Range) -> Range | None:
        """A stretch repeated every year, as one range over its occurrences in the period."""
        occurrences = []
        for shift in range(-1, self.period[1].year - found[0].year + 2):
            try:
                start = found[0].replace(year=found[0].year + shift)
                end = found[1].replace(year=found[1].year + shift)
            except ValueError:  # 29 February
                start = found[0].replace(year=found[0].year + shift, day=28)
                end = found[1].replace(year=found[1].year + shift, day=28)
            if shift < 0 and found[0] >= self.period[0]:
                continue
            if _overlap((start, end), self.period):
                occurrences.append((start, end))
        if not occurrences:
            return None
        return min(o[0] for o in occurrences), max(o[1] for o in occurrences)

    # -- one part: «до X», «с X», «X - Y», «X»

    def part(self, text: str) -> Range | None:
        tokens = list(self.tokens(text))
        if not any(token.kind not in ("word", "dash") for token in tokens):
            return None
        mode = ""
        while tokens and tokens[0].kind in ("until", "from", "word"):
            if tokens[0].kind in ("until", "from"):
                mode = tokens[0].kind
            tokens.pop(0)
        tokens = [token for token in tokens if token.kind != "word"]
        pieces: list[list[_Token]] = [[]]
        for token in tokens:
            if token.kind == "dash":
                pieces.append([])
            else:
                pieces[-1].append(token)
        pieces = [piece for piece in pieces if piece]
        if not pieces:
            return None
        if len(pieces) == 1:
            spec = self.spec(pieces[0])
            found = self.alone(spec) if spec else None
        else:
            first, last = pieces[0], pieces[-1]
            # «первая - третья неделя октября»: the first term borrows what the last one says after it.
            if len(first) == 1 and first[0].kind in ("ord", "num") and len(last) > 1:
                first = first + last[1:]
            start_spec, end_spec = self.spec(first), self.spec(last)
            found = self.span(start_spec, end_spec) if start_spec and end_spec else None
            if mode == "from":  # «с сентября по май» is the span itself
                mode = ""
        if found is None:
            return None
        if mode == "until":
            return (self.period[0], found[1]) if found[1] >= self.period[0] else None
        if mode == "from":
            return (found[0], self.period[1]) if found[0] <= self.period[1] else None
        return found

    def alone(self, spec: _Spec) -> Range | None:
        if spec.has_year:
            return spec.resolve()
        return self.first_occurrence(spec.with_year(year).resolve() for year in spec.year_candidates(self.period))

    def first_occurrence(self, readings: Iterable[Range | None]) -> Range | None:
        """Of the readings of a term without its year: the first that starts in the period, else the
        first that overlaps it."""
        overlapping = [found for found in readings if found is not None and _overlap(found, self.period)]
        starting = [found for found in overlapping if found[0] >= self.period[0]]
        chosen = starting or overlapping
        return chosen[0] if chosen else None

    def span(self, first: _Spec, last: _Spec) -> Range | None:
        """«X - Y». A side without its year takes the other side's (the year before or after when
        the range wraps over New Year); a wrapped range may also mean the written year for the other
        side («Октябрь - апрель 2020»): the reading that overlaps the period more is taken."""
        if first.has_year and last.has_year:
            return _joined(first.resolve(), last.resolve())
        if first.has_year or last.has_year:
            year = _spec_year(last if last.has_year else first)
            if year is None:
                return None
            if last.has_year:
                natural = (first.with_year(year), last)
                wrapped = [(first.with_year(year - 1), last), (first.with_year(year), last.with_year(year + 1))]
            else:
                natural = (first, last.with_year(year))
                wrapped = [(first, last.with_year(year + 1)), (first.with_year(year - 1), last.with_year(year))]
            found = _joined(natural[0].resolve(), natural[1].resolve())
            if found is not None:
                return found
            readings = [_joined(start.resolve(), end.resolve()) for start, end in wrapped]
            candidates = [reading for reading in readings if reading is not None]
            return max(candidates, key=lambda reading: _overlap(reading, self.period)) if candidates else None
        readings = []
        for year in first.year_candidates(self.period):
            for end_year in (year, year + 1):  # the end is the first one after the start
                found = _joined(first.with_year(year).resolve(), last.with_year(end_year).resolve())
                if found is not None:
                    readings.append(found)
                    break
        return self.first_occurrence(readings)

    # -- tokens and terms

    def tokens(self, text: str) -> Iterable[_Token]:
        position = 0
        while position < len(text):
            if text[position].isspace() or text[position] in ".:«»\"'":
                position += 1
                continue
            match = _ORDINAL.match(text, position)
            if match and (match.end() == len(text) or not text[match.end()].isalnum()):
                value = next(number for pattern, number in _ORDINALS if re.fullmatch(pattern, match.group()))
                yield _Token("ord", value)
                position = match.end()
                continue
            for kind, pattern in _TOKENS:
                match = pattern.match(text, position)
                if match:
                    position = match.end()
                    token = self.token(kind, match)
                    if token is not None:
                        yield token
                    break
            else:
                match = _WORD.match(text, position)
                if not match:
                    position += 1
                    continue
                position = match.end()
                item = match.group().strip(".")
                if item in _MONTHS or item in _MONTH_ABBREVIATIONS:
                    yield _Token("month", _MONTHS.get(item) or _MONTH_ABBREVIATIONS[item])
                elif item in _ROMAN:
                    yield _Token("num", _ROMAN[item])
                else:
                    yield _Token("word")

    def token(self, kind: str, match: re.Match[str]) -> _Token | None:
        if kind == "date":
            day_number, month_number, year = int(match.group(1)), int(match.group(2)), match.group(3)
            full = int(year) if len(year) == 4 else 2000 + int(year)
            return _Token("date", day=date(full, month_number, day_number))
        if kind == "school_year_range":
            first = int(match.group(1))
            last = _full_year(first, match.group(2))
            if last is None or not _MIN_YEAR <= first <= _MAX_YEAR or last > _MAX_YEAR:
                return _Token("word")
            if last == first + 1:
                return _Token("school_year", last)
            return _Token("years", first, day=date(last, 12, 31)) if last > first else _Token("word")
        if kind == "years":
            first, last = int(match.group(1)), int(match.group(2))
            if not _MIN_YEAR <= first <= last <= _MAX_YEAR:
                return _Token("word")
            return _Token("years", first, day=date(last, 12, 31))
        if kind == "year":
            value = int(match.group(1))
            return _Token("year", value) if _MIN_YEAR <= value <= _MAX_YEAR else _Token("word")
        if kind == "day_num":
            return _Token("num", int(match.group(1)))
        if kind.startswith("edge_"):
            return _Token("edge", day=None, value={"edge_end": 1, "edge_start": 2, "edge_middle": 3}[kind])
        if kind.startswith("season_"):
            return _Token("season", int(kind.removeprefix("season_")))
        return _Token(kind)

    def spec(self, tokens: list[_Token]) -> _Spec | None:
        """One term: «1 марта 2024», «вторая неделя сентября», «I квартал», «2023/2024», «конец сентября»."""
        if not tokens:
            return None
        head, rest = tokens[0], tokens[1:]
        if head.kind == "edge":
            inner = self.spec(rest) if rest else _Spec("school_year")
            if inner is None:
                return None
            return _Spec("edge", edge={1: "end", 2: "start", 3: "middle"}[head.value], inner=inner)
        year = next((token.value for token in rest if token.kind == "year"), None)
        school_year = next((token.value for token in tokens if token.kind == "school_year"), None)
        if head.kind == "date":
            return _Spec("date", day=head.day)
        if head.kind == "school_year":
            return _Spec("school_year", year=head.value)
        if head.kind == "school_generic":
            return _Spec("school_year")
        if head.kind == "years":
            return _Spec("years", year=head.value, number=head.day.year if head.day else head.value)
        if head.kind == "year":
            return _Spec("year", year=head.value)
        if head.kind == "month":
            return _Spec("month", month=head.value, year=year)
        if head.kind == "season":
            return _Spec("season", month=head.value, year=year)
        if head.kind in ("num", "ord") and rest:
            unit = rest[0]
            after = rest[1:]
            month = next((token.value for token in after if token.kind == "month"), None)
            if unit.kind == "month" and head.kind == "num":
                if not 1 <= head.value <= calendar.monthrange(year or 2000, unit.value)[1]:
                    return None
                return _Spec("day", month=unit.value, year=year, number=head.value)
            if unit.kind == "week" and month:
                return _Spec("week", month=month, year=year, number=head.value)
            if unit.kind == "quarter":
                return _Spec("quarter", year=year, number=head.value)
            if unit.kind == "half":
                if year is not None:
                    return _Spec("half", year=year, number=head.value)
                return _Spec("half", year=school_year, number=head.value, school=True)
            if unit.kind == "term":
                return _Spec("term", year=school_year, number=head.value)
        return None
