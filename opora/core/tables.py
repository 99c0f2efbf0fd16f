"""Tables as Excel workbooks, for the people who continue their work in Excel."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

import polars as pl
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_CELL_LIMIT = 32767


def _cell_value(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, str) and len(value) > _CELL_LIMIT:
        return value[:_CELL_LIMIT]
    return value


def workbook_bytes(
    *,
    sheet_title: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    text_columns: Iterable[int] = (),
) -> bytes:
    """An .xlsx file with one sheet: a bold header row, then the rows.

    ``text_columns`` are indexes of columns written as text (codes keep their leading zeros).
    """
    text_indexes = set(text_columns)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns):
        width = min(max(len(column) + 2, 10), 60)
        sheet.column_dimensions[_column_letter(index)].width = width
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    sheet.append(header)
    for row in rows:
        values = []
        for index, value in enumerate(row):
            if index in text_indexes and value is not None:
                cell = WriteOnlyCell(sheet, value=str(value))
                cell.number_format = "@"
                values.append(cell)
            else:
                values.append(_cell_value(value))
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(frame: pl.DataFrame, *, decimals: int = 3) -> bytes:
    """A table as CSV for Excel in Russian: UTF-8 with BOM, «;» between cells, decimal commas.

    Fractions are rounded (half away from zero) to ``decimals`` places; an unknown value is an
    empty cell, never 0.
    """
    cells = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype.is_float():
            rounded = column.round(decimals, mode="half_away_from_zero")
            column = (
                pl.when(rounded.is_finite())
                .then(pl.when(rounded == 0).then(0.0).otherwise(rounded).cast(pl.String))
                .str.replace(".", ",", literal=True)
            )
        elif dtype == pl.Boolean:
            column = pl.when(column).then(pl.lit("1")).when(~column).then(pl.lit("0"))
        cells.append(column.alias(name))
    return b"\xef\xbb\xbf" + frame.select(cells).write_csv(separator=";", null_value="").encode("utf-8")


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
