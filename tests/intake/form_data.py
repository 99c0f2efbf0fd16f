"""Test data for the intake: files made on the fly and hypothesis strategies of valid form frames."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import openpyxl
import polars as pl
from hypothesis import strategies as st

from opora.intake.formats import FORMS, Column, FileForm, school_year_label

DTYPES: dict[str, pl.DataType] = {
    "text": pl.String(),
    "int": pl.Int64(),
    "decimal": pl.Float64(),
    "school_year": pl.Int64(),
    "date": pl.Date(),
}

SUBJECTS = (
    "Русский язык",
    "Математика",
    "Математика (профильная)",
    "Математика (базовая)",
    "История",
    "Биология",
    "Окружающий мир",
    "Физика",
    "Обществознание",
    "Английский язык",
)


def xlsx_bytes(rows: list[list[Any]], *, sheet: str = "Данные", text_columns: tuple[int, ...] = ()) -> bytes:
    """A workbook with one sheet holding ``rows`` from A1 (None leaves a cell empty)."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    for index in text_columns:
        for cell in next(worksheet.iter_cols(min_col=index + 1, max_col=index + 1)):
            cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]], *, separator: str = ";", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue().encode(encoding)


def form_rows(
    frame: pl.DataFrame, form: FileForm, *, comma_decimals: bool = False, order: list[int] | None = None
) -> list[list[Any]]:
    """The frame as a file's rows of text, headers first, in the column ``order`` given."""
    columns = list(form.columns)
    order = order if order is not None else list(range(len(columns)))
    rows: list[list[Any]] = [[columns[i].header for i in order]]
    for record in frame.iter_rows(named=True):
        rows.append([_text(record.get(columns[i].field), columns[i], comma_decimals) for i in order])
    return rows


def _text(value: Any, column: Column, comma_decimals: bool) -> str | None:
    if value is None:
        return None
    if column.kind == "school_year":
        return school_year_label(value)
    if column.kind == "date":
        return value.strftime("%d.%m.%Y")
    if column.kind == "decimal":
        text = repr(float(value))
        return text.replace(".", ",") if comma_decimals else text
    return str(value)


# --- strategies --------------------------------------------------------------------------------------

_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯabcXYZ0123456789"
_TEXT = st.text(alphabet=_LETTERS + " .,-№«»", min_size=1, max_size=25).map(str.strip).filter(bool)
_CODE = st.text(alphabet="0123456789", min_size=6, max_size=6)
_PLAIN_CODE = st.text(alphabet="0123456789ABCDEFабв", min_size=1, max_size=10)
_WORD = st.text(alphabet=_LETTERS, min_size=1, max_size=12)


def _value(column: Column) -> st.SearchStrategy[Any]:
    if column.field == "code":
        return _CODE
    if column.is_code:
        return _PLAIN_CODE
    if column.choices:
        return st.sampled_from(column.choices)
    if column.normalizer == "subject":
        return st.sampled_from(SUBJECTS)
    if column.normalizer == "subject_list":
        return st.lists(st.sampled_from(SUBJECTS), min_size=1, max_size=3, unique=True).map("; ".join)
    if column.normalizer == "text_list":
        return st.lists(_WORD, min_size=1, max_size=3, unique=True).map("; ".join)
    if column.pattern:
        return st.from_regex(r"[a-z0-9]{1,8}@[a-z]{1,8}\.ru", fullmatch=True)
    if column.kind == "school_year":
        return st.integers(2000, 2100)
    if column.kind == "date":
        return st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31))
    if column.kind == "int":
        low = int(column.minimum) if column.minimum is not None else 0
        high = int(column.maximum) if column.maximum is not None else 5000
        return st.integers(low, high)
    if column.kind == "decimal":
        low = float(column.minimum) if column.minimum is not None else 0.0
        high = float(column.maximum) if column.maximum is not None else 10_000.0
        return st.integers(round(low * 100), round(high * 100)).map(lambda cents: cents / 100)
    return _TEXT


@st.composite
def _row(draw: st.DrawFn, form: FileForm) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for column in form.columns:
        strategy = _value(column)
        row[column.field] = draw(strategy if column.required else st.none() | strategy)
    _make_consistent(draw, form, row)
    for column in form.columns:  # an empty cell of a column with a default reads as the default
        if column.default is not None and row[column.field] is None:
            row[column.field] = column.default
    return row


def _make_consistent(draw: st.DrawFn, form: FileForm, row: dict[str, Any]) -> None:
    """Bend a random row to the form's rules between columns."""
    for column in form.columns:
        condition = column.required_if
        if condition is not None and row[condition.field] in condition.values and row[column.field] is None:
            row[column.field] = draw(_value(column))
    if form.key == "results":
        marks = [row[f"marks_{mark}"] for mark in (2, 3, 4, 5)]
        if all(mark is not None for mark in marks) and row["procedure"] != "ЕГЭ":
            row["participants"] = sum(marks)
        participants = row["participants"]
        if row["below_threshold"] is not None:
            row["below_threshold"] = min(row["below_threshold"], participants)
        if any(row[f] is not None for f in ("lowered", "confirmed", "raised")):
            first, second = sorted(draw(st.integers(0, participants)) for _ in range(2))
            row["lowered"], row["confirmed"], row["raised"] = first, second - first, participants - second
    for rule in form.parts:
        if row[rule.part] is not None and row[rule.whole] is not None:
            row[rule.part] = min(row[rule.part], row[rule.whole])


@st.composite
def valid_frames(draw: st.DrawFn, form: FileForm, *, max_rows: int = 6) -> pl.DataFrame:
    """A frame of valid rows of the form (unique keys), as ``validate`` would give it."""
    rows = draw(st.lists(_row(form), min_size=1, max_size=max_rows))
    frame = pl.DataFrame(rows, schema={c.field: DTYPES[c.kind] for c in form.columns})
    return frame.unique(subset=list(form.key_fields), keep="first", maintain_order=True)


FORM_KEYS = list(FORMS)
