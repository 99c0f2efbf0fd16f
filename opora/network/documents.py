"""The order «О закреплении кураторов» (seed 002, item 2) as a .docx: a preamble, the orders and an
appendix listing each school with its curator and the period."""

from __future__ import annotations

import datetime
import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from opora.core.formatting import date_long, date_short

FONT = "Times New Roman"


def _paragraph(document, text: str, *, bold: bool = False, centred: bool = False, indent: bool = True):
    paragraph = document.add_paragraph()
    paragraph.add_run(text).bold = bold or None
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent and not centred:
        paragraph.paragraph_format.first_line_indent = Cm(1.25)
    return paragraph


def curators_order_docx(
    *, authority: str, assignments: list, number: str = "", date: datetime.date | None = None
) -> bytes:
    """The order assigning curators to schools.

    Parameters
    ----------
    authority
        Who issues the order (the education department of the municipality or the region).
    assignments
        ``CuratorAssignment`` rows with their curator and school, in the order of the appendix.
    number, date
        The order's number and date; blanks to fill by hand when not given.
    """
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.top_margin = section.bottom_margin = Cm(2)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{attribute}"), FONT)
    normal.paragraph_format.space_after = Pt(0)
    document.core_properties.title = "О закреплении кураторов"
    document.core_properties.author = "Опора"
    document.core_properties.language = "ru-RU"

    _paragraph(document, authority, bold=True, centred=True)
    _paragraph(document, "", centred=True)
    _paragraph(document, "ПРИКАЗ", bold=True, centred=True)
    when = date_long(date) if date else "«___» __________ 20__ г."
    _paragraph(document, f"{when}    № {number or '____'}", centred=True)
    _paragraph(document, "", centred=True)
    _paragraph(
        document, "О закреплении кураторов за школами с низкими образовательными результатами", bold=True, centred=True
    )
    _paragraph(document, "")
    _paragraph(
        document,
        "В целях реализации программы поддержки школ с низкими образовательными результатами и школ, "
        "функционирующих в неблагоприятных социальных условиях, оказания им адресной методической помощи",
    )
    _paragraph(document, "ПРИКАЗЫВАЮ:", bold=True, indent=False)
    _paragraph(document, "1. Закрепить кураторов за образовательными организациями согласно приложению.")
    _paragraph(
        document,
        "2. Кураторам обеспечить методическое сопровождение закреплённых школ: выездной мониторинг, "
        "экспертизу антирисковых программ и дорожных карт, обзоры прогресса их выполнения.",
    )
    _paragraph(
        document,
        "3. Руководителям образовательных организаций обеспечить взаимодействие с кураторами и "
        "своевременное представление сведений о выполнении мероприятий.",
    )
    _paragraph(document, "4. Контроль за исполнением приказа оставляю за собой.")
    _paragraph(document, "")
    _paragraph(document, "Руководитель ____________________ / ____________________", indent=False)

    document.add_page_break()
    appendix = _paragraph(document, f"Приложение к приказу от {when} № {number or '____'}", indent=False)
    appendix.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _paragraph(document, "Закрепление кураторов за образовательными организациями", bold=True, centred=True)
    table = document.add_table(rows=1, cols=5)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = ("№", "Образовательная организация", "Муниципалитет", "Куратор (ФИО, должность)", "Срок")
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for index, item in enumerate(assignments, start=1):
        curator = item.curator
        period = f"с {date_short(item.starts_on)}" + (f" по {date_short(item.ends_on)}" if item.ends_on else "")
        values = (
            str(index),
            f"{item.school.name} (код {item.school.code})",
            item.school.municipality.name,
            ", ".join(part for part in (curator.full_name or curator.username, curator.position) if part),
            period,
        )
        row = table.add_row().cells
        for cell, text in zip(row, values, strict=True):
            run = cell.paragraphs[0].add_run(text)
            run.font.size = Pt(12)
    for column, width in zip(table.columns, (Cm(1), Cm(6), Cm(3.5), Cm(4.5), Cm(3)), strict=True):
        for cell in column.cells:
            cell.width = width
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
