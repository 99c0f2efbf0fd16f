"""Turning text cells into typed values, column by column, as Polars expressions.

Each parser gives the typed value (null where the cell is empty or not understood). Cells that
are filled but give null are the wrong-type errors; their messages are written afterwards, for
the few rows shown, by ``explain_bad_value`` in plain Python.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re

import polars as pl

from opora.intake.formats import Column, fold, normalize_list, normalize_subject, parse_school_year

# Digits, optionally grouped by thousands with spaces («1 234»), optionally with a decimal part
# after a point or a comma.
_NUMBER = r"^[+-]?(?:\d+|\d{1,3}(?: \d{3})+)(?:[.,]\d+)?$|^[+-]?[.,]\d+$"
_ODD_SPACES = "[\u00a0\u2007\u2009\u202f]"
_MINUSES = "[\u2212\u2012\u2013]"
_LARGEST_INT = 10**15  # beyond this a float no longer holds every whole number exactly

_DATE_FORMATS = (
    (r"^\d{1,2}\.\d{1,2}\.\d{4}$", "%d.%m.%Y", None),
    (r"^\d{1,2}\.\d{1,2}\.\d{2}$", "%d.%m.%y", None),
    (r"^\d{1,2}/\d{1,2}/\d{4}$", "%d/%m/%Y", None),
    (r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$", "%Y-%m-%d", 10),
)


def number_text(raw: pl.Expr) -> pl.Expr:
    """A number's text with odd spaces and minus signs made plain."""
    return raw.str.replace_all(_ODD_SPACES, " ").str.replace_all(_MINUSES, "-")


def parse_number(raw: pl.Expr) -> pl.Expr:
    """Float64 of «12», «-3,5», «1 234.5»; null for anything else."""
    text = number_text(raw)
    value = text.str.replace_all(" ", "", literal=True).str.replace(",", ".", literal=True)
    return pl.when(text.str.contains(_NUMBER)).then(value.cast(pl.Float64, strict=False))


def parse_int(raw: pl.Expr) -> pl.Expr:
    """Int64 of a whole number («12», «12,0», «1 234»); null for fractions and non-numbers."""
    value = parse_number(raw)
    whole = (value == value.floor()) & (value.abs() < _LARGEST_INT)
    return pl.when(whole).then(value).cast(pl.Int64)


def parse_date(raw: pl.Expr) -> pl.Expr:
    """Date of «15.03.2024», «15.03.24», «15/03/2024» or ISO «2024-03-15[ 00:00:00]»."""
    result: pl.Expr | None = None
    for pattern, fmt, width in reversed(_DATE_FORMATS):
        text = raw.str.slice(0, width) if width else raw
        parsed = text.str.strptime(pl.Date, fmt, strict=False)
        result = pl.when(raw.str.contains(pattern)).then(parsed).otherwise(result)
    assert result is not None
    return result


def parse_code(raw: pl.Expr) -> pl.Expr:
    """A code as text: «="010001"» (how some programs force text in a CSV) and «'010001» unwrapped."""
    return raw.str.replace(r'^="(.*)"$', "$1").str.replace(r"^['’]", "").str.strip_chars()


def value_mapping(values: pl.Series, column: Column) -> dict[str, object]:
    """Typed value of each distinct text for the columns parsed by lookup (few distinct values)."""
    mapping: dict[str, object] = {}
    for text in values.drop_nulls().unique().to_list():
        mapping[text] = lookup_value(text, column)
    return mapping


def lookup_value(text: str, column: Column) -> object:
    """The typed value of one text in a column parsed by lookup, or None when it is not valid."""
    if column.kind == "school_year":
        try:
            return parse_school_year(text)
        except ValueError:
            return None
    if column.choices:
        return column.choice_lookup.get(fold(text))
    if column.normalizer == "subject":
        return normalize_subject(text) or None
    if column.normalizer == "subject_list":
        return normalize_list(text, subjects=True) or None
    if column.normalizer == "text_list":
        return normalize_list(text) or None
    return text


def is_looked_up(column: Column) -> bool:
    return column.kind == "school_year" or bool(column.choices) or column.normalizer is not None


# --- words for messages ----------------------------------------------------------------------------


def format_number(value: object) -> str:
    """A number as a Russian reader writes it: 12, 12,5, −3."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = f"{value:.6f}".rstrip("0").rstrip(".")
    elif isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    else:
        return str(value)
    return text.replace(".", ",").replace("-", "−")


def format_bound(value: float | str, column: Column) -> str:
    if column.kind == "date":
        return dt.date.fromisoformat(str(value)).strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return format_number(value)


def expectation(column: Column) -> str:
    """What a cell of the column should hold: «целое число от 4 до 11»."""
    if column.choices:
        return "одно из значений: " + ", ".join(column.choices)
    if column.kind == "school_year":
        return "учебный год, например 2023/2024"
    if column.kind == "date":
        return f"дата в виде ДД.ММ.ГГГГ (например, {column.example or '15.03.2024'}){_range_words(column)}"
    if column.kind in ("int", "decimal"):
        noun = "целое число" if column.kind == "int" else "число"
        return noun + _range_words(column)
    if column.pattern_hint:
        return column.pattern_hint
    if column.is_code:
        return "код, например " + (column.example or "010001")
    if column.normalizer == "subject":
        return "название предмета, например " + (column.example or "Русский язык")
    return "текст"


def _range_words(column: Column) -> str:
    low, high = column.minimum, column.maximum
    if low is not None and high is not None:
        return f" от {format_bound(low, column)} до {format_bound(high, column)}"
    if low is not None:
        return f" не меньше {format_bound(low, column)}"
    if high is not None:
        return f" не больше {format_bound(high, column)}"
    return ""


def explain_bad_value(text: str, column: Column) -> str:
    """Why a filled cell gives no value, and what is expected."""
    shown = _shown(text)
    if column.kind == "school_year":
        try:
            parse_school_year(text)
        except ValueError as error:
            return f"значение {error}"
        return f"значение «{shown}» не является учебным годом; ожидается {expectation(column)}"
    if column.choices:
        close = difflib.get_close_matches(fold(text), list(column.choice_lookup), n=1, cutoff=0.6)
        hint = f" (возможно, «{column.choice_lookup[close[0]]}»)" if close else ""
        return f"значение «{shown}» не входит в список допустимых{hint}; ожидается {expectation(column)}"
    if column.kind == "int":
        cleaned = re.sub(r"\s", "", text).replace(",", ".")
        try:
            number = float(cleaned)
        except ValueError:
            number = None
        if number is not None and number == number and abs(number) != float("inf"):
            if number.is_integer():
                return f"значение «{shown}» слишком большое; ожидается {expectation(column)}"
            return f"значение «{shown}» не является целым числом; ожидается {expectation(column)}"
        return f"значение «{shown}» не является числом; ожидается {expectation(column)}"
    if column.kind == "decimal":
        return (
            f"значение «{shown}» не является числом; ожидается {expectation(column)} (дробную часть "
            "можно отделять запятой)"
        )
    if column.kind == "date":
        return f"значение «{shown}» не является датой; ожидается {expectation(column)}"
    if column.pattern:
        return f"значение «{shown}» записано неверно; ожидается {expectation(column)}"
    return f"значение «{shown}» не подходит; ожидается {expectation(column)}"


def explain_out_of_range(value: object, column: Column) -> str:
    shown = format_number(value)
    if column.kind == "int" and column.minimum == 0 and isinstance(value, int) and value < 0:
        return f"значение {shown} отрицательное; ожидается {expectation(column)}"
    if column.kind == "school_year":
        return f"учебный год {shown} вне допустимого диапазона; ожидается {expectation(column)}"
    return f"значение {shown} вне допустимого диапазона; ожидается {expectation(column)}"


def _shown(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
