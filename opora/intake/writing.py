"""Writing a form's data to .xlsx in the form's own headers, and the blank templates of the forms.

``write_workbook`` turns a frame with the form's English field names into a workbook that
``read_table`` and ``validate`` read back into the same frame: codes as text (leading zeros
kept, the column formatted as text), school years as «2023/2024», counts and decimals as
numbers, dates as dates. The sheet is written as XML straight from Polars expressions, so a
million rows take seconds; ``write_csv`` does the same in CSV for data beyond a sheet of Excel.
``template_workbook`` gives the header row, one example row and a
sheet «Инструкция» describing every column.
"""

from __future__ import annotations

import io
import os
import zipfile
from typing import BinaryIO
from xml.sax.saxutils import escape

import polars as pl

from opora.intake import _values as values
from opora.intake.formats import Column, FileForm
from opora.intake.reading import column_letter

INSTRUCTION_SHEET = "Инструкция"
_CHUNK_ROWS = 50_000
_EXCEL_EPOCH_SHIFT = 25_569  # Excel's serial number of 1970-01-01
_ILLEGAL_XML = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
# Cell styles of styles.xml below: 0 general, 1 header, 2 text, 3 date.
_HEADER, _TEXT, _DATE = 1, 2, 3

Target = str | os.PathLike[str] | BinaryIO


def write_workbook(frame: pl.DataFrame, form: FileForm, target: Target | None = None) -> bytes | None:
    """Write the form's data as an .xlsx with the form's Russian headers.

    Parameters
    ----------
    frame
        Columns named by the form's fields (as ``validate`` gives them); absent fields are
        written as empty columns, other columns are left out.
    form
        The form: its headers, its column order and its sheet title.
    target
        A path or a binary file to write to; None to get the bytes.

    Returns
    -------
    bytes or None
        The workbook when ``target`` is None.
    """
    buffer = io.BytesIO() if target is None else None
    with zipfile.ZipFile(buffer if buffer is not None else target, "w", zipfile.ZIP_DEFLATED) as package:
        _write_package(package, form.title)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_sheet_start(form).encode())
            sheet.write(_header_row(form).encode())
            prepared = _prepared(frame, form)
            for offset in range(0, prepared.height, _CHUNK_ROWS):
                chunk = prepared.slice(offset, _CHUNK_ROWS)
                rows = chunk.select(_row_xml(form, first_row=offset + 2)).to_series()
                sheet.write(rows.str.join("").item().encode())
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue() if buffer is not None else None


# Rows of data a sheet of Excel holds (1 048 576 rows with the header).
EXCEL_DATA_ROWS = 1_048_575


def write_csv(frame: pl.DataFrame, form: FileForm) -> bytes:
    """Write the form's data as CSV for Excel in Russian: UTF-8 with BOM, «;», decimal commas.

    For data that does not fit a sheet of Excel (:data:`EXCEL_DATA_ROWS`); ``read_table`` and
    ``validate`` read it back into the same frame, like the workbook of :func:`write_workbook`.
    """
    prepared = _prepared(frame, form).select(_csv_value(column) for column in form.columns)
    return b"\xef\xbb\xbf" + prepared.write_csv(separator=";", null_value="").encode("utf-8")


def _csv_value(column: Column) -> pl.Expr:
    value = pl.col(column.field)
    if column.kind == "decimal":
        text = pl.when(value.cast(pl.Float64).is_finite()).then(value.cast(pl.Float64).cast(pl.String))
        value = text.str.replace(".", ",", literal=True)
    elif column.kind == "date":
        value = value.cast(pl.Date).dt.strftime("%d.%m.%Y")
    elif column.kind == "school_year":
        year = value.cast(pl.Int64)
        value = pl.concat_str([(year - 1).cast(pl.String), pl.lit("/"), year.cast(pl.String)])
    return value.alias(column.header)


def _prepared(frame: pl.DataFrame, form: FileForm) -> pl.DataFrame:
    columns = []
    for column in form.columns:
        if column.field in frame.columns:
            columns.append(pl.col(column.field))
        else:
            columns.append(pl.lit(None).alias(column.field))
    return frame.select(columns)


def _row_xml(form: FileForm, *, first_row: int) -> pl.Expr:
    number = pl.int_range(first_row, first_row + pl.len(), dtype=pl.Int64).cast(pl.String)
    cells = [_cell_xml(column, column_letter(i), number) for i, column in enumerate(form.columns)]
    return pl.concat_str(
        [pl.lit('<row r="'), number, pl.lit('">'), *cells, pl.lit("</row>")], ignore_nulls=True
    ).alias("xml")


def _cell_xml(column: Column, letter: str, number: pl.Expr) -> pl.Expr:
    value = pl.col(column.field)
    reference = pl.concat_str([pl.lit(f'<c r="{letter}'), number])
    if column.kind in ("int", "decimal"):
        numeric = value.cast(pl.Float64) if column.kind == "decimal" else value.cast(pl.Int64)
        finite = numeric.is_finite() if column.kind == "decimal" else numeric.is_not_null()
        text = pl.when(finite).then(numeric.cast(pl.String))
        return pl.concat_str([reference, pl.lit('"><v>'), text, pl.lit("</v></c>")])
    if column.kind == "date":
        serial = (value.cast(pl.Date).cast(pl.Int64) + _EXCEL_EPOCH_SHIFT).cast(pl.String)
        return pl.concat_str([reference, pl.lit(f'" s="{_DATE}"><v>'), serial, pl.lit("</v></c>")])
    if column.kind == "school_year":
        year = value.cast(pl.Int64)
        text = pl.concat_str([(year - 1).cast(pl.String), pl.lit("/"), year.cast(pl.String)])
    else:
        text = value.cast(pl.String)
    text = (
        text.str.replace_all(_ILLEGAL_XML, "")
        .str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )
    text = pl.when(text != "").then(text)
    style = f' s="{_TEXT}"' if column.is_code else ""
    return pl.concat_str(
        [
            reference,
            pl.lit(f'"{style} t="inlineStr"><is><t xml:space="preserve">'),
            text,
            pl.lit("</t></is></c>"),
        ]
    )


def _sheet_start(form: FileForm) -> str:
    widths = "".join(
        f'<col min="{i}" max="{i}" width="{_width(column)}" customWidth="1"'
        + (f' style="{_TEXT}"' if column.is_code else "")
        + "/>"
        for i, column in enumerate(form.columns, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
        'state="frozen"/></sheetView></sheetViews>'
        f"<cols>{widths}</cols><sheetData>"
    )


def _header_row(form: FileForm) -> str:
    cells = "".join(
        f'<c r="{column_letter(i)}1" s="{_HEADER}" t="inlineStr"><is><t>{escape(column.header)}</t></is></c>'
        for i, column in enumerate(form.columns)
    )
    return f'<row r="1">{cells}</row>'


def _width(column: Column) -> int:
    return max(10, min(len(column.header) + 4, 40))


_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""
_ROOT_RELATIONS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/></Relationships>"""
_WORKBOOK_RELATIONS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
Target="styles.xml"/></Relationships>"""
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<numFmts count="1"><numFmt numFmtId="164" formatCode="DD.MM.YYYY"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""


def _write_package(package: zipfile.ZipFile, title: str) -> None:
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{escape(_sheet_title(title), {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>"
    )
    package.writestr("[Content_Types].xml", _CONTENT_TYPES)
    package.writestr("_rels/.rels", _ROOT_RELATIONS)
    package.writestr("xl/workbook.xml", workbook)
    package.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELATIONS)
    package.writestr("xl/styles.xml", _STYLES)


def _sheet_title(title: str) -> str:
    """Excel's sheet names: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()
    return cleaned[:31] or "Данные"


# --- templates -------------------------------------------------------------------------------------------


def template_workbook(form: FileForm, target: Target | None = None) -> bytes | None:
    """The blank form to fill in: the header row alone, and a sheet «Инструкция».

    The instruction sheet lists each column: its name, whether it is required, what to write
    in it (type, allowed values, range), an example value and notes; then the rules between
    columns and the key. Examples stand only there: a blank template loaded by mistake has no
    row to import (its check says the file holds only the header), and no example can overwrite
    a real school's data.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    data = workbook.active
    data.title = _sheet_title(form.title)
    bold = Font(bold=True)
    for index, column in enumerate(form.columns, start=1):
        letter = get_column_letter(index)
        header = data.cell(row=1, column=index, value=column.header)
        header.font = bold
        if column.is_code:
            data.column_dimensions[letter].number_format = "@"
        data.column_dimensions[letter].width = _width(column)
    data.freeze_panes = "A2"

    guide = workbook.create_sheet(INSTRUCTION_SHEET)
    guide.append(list(GUIDE_HEADER))
    for cell in guide[1]:
        cell.font = bold
    for column in form.columns:
        guide.append(
            [column.header, _required_words(column), values.expectation(column), _example_text(column), column.note]
        )
    guide.append([])
    guide.append([f"Примеры — только на этом листе: заполняйте лист «{data.title}» со второй строки."])
    for line in _rules(form):
        guide.append([line])
    for letter, width in zip("ABCDE", (38, 22, 60, 26, 70), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    buffer = io.BytesIO() if target is None else None
    workbook.save(buffer if buffer is not None else target)
    return buffer.getvalue() if buffer is not None else None


GUIDE_HEADER = ("Столбец", "Обязательный", "Что указывать", "Пример", "Примечание")


def _example_text(column: Column) -> str:
    """The example as text, as a user would type it (codes keep their zeros)."""
    return column.example or ""


def _required_words(column: Column) -> str:
    if column.required:
        return "да"
    condition = column.required_if
    if condition is not None:
        named = ", ".join(condition.values)
        return f"для {named}" if condition.field == "procedure" else "при условии"
    return "нет"


def _rules(form: FileForm) -> list[str]:
    lines = ["Правила"]
    keys = ", ".join(f"«{column.header}»" for column in form.key_columns)
    lines.append(
        f"Ключ строки: {keys}. В файле не должно быть двух строк с одинаковым ключом; повторная загрузка "
        "обновляет строку с тем же ключом и ничего не меняет, если данные те же."
    )
    for rule in form.parts:
        lines.append(f"«{form.column(rule.part).header}» не больше «{form.column(rule.whole).header}».")
    for rule in form.sums:
        parts = " + ".join(f"«{form.column(p).header}»" for p in rule.parts)
        text = f"{parts} = «{form.column(rule.total).header}»"
        if rule.when is not None:
            text += " для " + ", ".join(rule.when.values)
        if rule.all_or_none:
            text += "; эти столбцы заполняются все вместе или остаются пустыми"
        lines.append(text + ".")
    lines += [
        "Названия столбцов — в первой строке; порядок столбцов не важен, лишние столбцы не загружаются.",
        "Пустая необязательная ячейка означает «нет данных», а не ноль.",
        "Учебный год: 2023/2024, 2023-2024, 2023/24 или год окончания 2024. Дробную часть можно отделять "
        "запятой.",
        "Коды храните как текст, чтобы не потерять ведущие нули.",
        "Файл с любой ошибкой не загружается целиком; в сообщении об ошибке указаны лист, строка и столбец.",
    ]
    if form.references_schools:
        lines.append(
            "Код ОО должен быть в реестре ОО региона: новые школы сначала загрузите формой «Реестр ОО»."
        )
    return lines
