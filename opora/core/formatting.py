"""Numbers, shares, counts and dates in Russian, the same on pages, in exports and in documents.

One rounding everywhere: half away from zero (as Excel and PostgreSQL round), never truncation,
and never «−0,00». An unknown value is a dash on a page, never 0.

>>> num(1234.5, 1), num(-0.001, 2), percent(4 / 14)
('1\\xa0234,5', '0,00', '28,6\\xa0%')
>>> quantity(1, "строка", "строки", "строк"), quantity(4, "муниципалитет", "муниципалитета", "муниципалитетов")
('1 строка', '4 муниципалитета')
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from opora.analytics.numbers import rounded as rounded  # the one rounding, shared with the analytics

EMPTY = "—"
_NBSP = "\u00a0"
_MINUS = "−"
_MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)


def num(value: object, decimals: int = 0) -> str:
    """A number in Russian form: «1 234,5» (thin groups, decimal comma, «−» for minus).

    An unknown value (None, "" or NaN) is a dash.
    """
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    exact = rounded(value, int(decimals))
    if exact is None:
        return EMPTY
    sign = _MINUS if exact < 0 else ""
    whole, _, fraction = f"{exact.copy_abs():f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = _NBSP.join(groups)
    return f"{sign}{text},{fraction}" if fraction else f"{sign}{text}"


def percent(share: object, decimals: int = 1) -> str:
    """A share 0–1 as per cent: «12,5 %»; unknown as a dash."""
    if share is None or share == "":
        return EMPTY
    try:
        value = Decimal(str(share)) * 100
    except (InvalidOperation, ValueError):
        return EMPTY
    text = num(value, decimals)
    return text if text == EMPTY else f"{text}{_NBSP}%"


def cell(value: object) -> str:
    """Any table value: whole numbers grouped, fractions with up to two decimals, text as is."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, int):
        return num(value)
    if isinstance(value, float | Decimal):
        decimals = 0 if float(value).is_integer() else 2
        return num(value, decimals)
    return str(value)


def plural(count: int, one: str, few: str, many: str) -> str:
    """The noun form that agrees with ``count``: 1 строка, 2 строки, 5 строк, 11 строк, 21 строка.

    >>> [plural(n, "год", "года", "лет") for n in (1, 2, 5, 11, 21, 112)]
    ['год', 'года', 'лет', 'лет', 'год', 'лет']
    """
    count = abs(int(count))
    if count % 10 == 1 and count % 100 != 11:
        return one
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return few
    return many


def quantity(count: int, one: str, few: str, many: str) -> str:
    """A count with its noun: «104 617 строк», «1 школа»."""
    return f"{num(count)} {plural(count, one, few, many)}".replace(_NBSP + " ", " ")


def school_year_label(end_year: int) -> str:
    """The school year ending in ``end_year``: 2026 → «2025/2026»."""
    return f"{end_year - 1}/{end_year}"


def date_long(day: datetime.date) -> str:
    """A date as written in an order's heading: «5 ноября 2026 г.»."""
    return f"{day.day} {_MONTHS_GENITIVE[day.month - 1]} {day.year} г."


def date_short(day: datetime.date) -> str:
    """A date as written in tables and appendix marks: «05.11.2026»."""
    return f"{day:%d.%m.%Y}"
