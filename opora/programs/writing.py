"""A program as its official document (.docx) and as a workbook (.xlsx), in the form the orders use.

``program_docx`` writes the order «Об утверждении …» (its number and date when the program is
approved, blanks to fill in otherwise) and its appendix: the program's passport, its roadmap
(№, Мероприятие, Сроки, Ответственные, Ожидаемый результат; a section as one merged row) and its
indicators (№, Наименование показателя, Ед. измерения, Базовое значение, a column per year).
``program_xlsx`` writes the same tables as sheets. Both import back unchanged through
``opora.programs.importing``: the same sections, activities, deadlines as written, owners,
indicators and targets.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from opora.core.formatting import date_long, date_short
from opora.programs.models import Program, ProgramKind, ProgramStatus

ROADMAP_HEADER = ("№", "Мероприятие", "Сроки", "Ответственные", "Ожидаемый результат")
INDICATOR_HEADER = ("№", "Наименование показателя", "Ед. измерения", "Базовое значение")
ROADMAP_SHEET, INDICATOR_SHEET, PASSPORT_SHEET = "Дорожная карта", "Показатели", "Паспорт"

FONT = "Times New Roman"
TEXT_SIZE = Pt(14)
TABLE_SIZE = Pt(11)
PAGE_WIDTH, LEFT_MARGIN, RIGHT_MARGIN = Cm(21), Cm(3), Cm(1.5)
TEXT_WIDTH = PAGE_WIDTH - LEFT_MARGIN - RIGHT_MARGIN
FIRST_LINE_INDENT = Cm(1.25)
ROADMAP_WIDTHS = (Cm(1.2), Cm(6.0), Cm(2.8), Cm(3.2), Cm(3.3))

# «Об утверждении <родительный падеж>», «Утвердить <винительный падеж>».
_KIND_WORDS = {
    ProgramKind.MUNICIPAL_PROGRAM: ("муниципальной программы поддержки", "муниципальную программу поддержки"),
    ProgramKind.DEVELOPMENT_CONCEPT: ("концепции развития школы", "концепцию развития школы"),
    ProgramKind.DEVELOPMENT_PROGRAM: ("программы развития", "программу развития"),
    ProgramKind.ANTIRISK: ("антирисковой программы", "антирисковую программу"),
    ProgramKind.ROADMAP: ("дорожной карты (плана мероприятий)", "дорожную карту (план мероприятий)"),
    ProgramKind.SCHOOL_SUPPORT: ("программы поддержки школы", "программу поддержки школы"),
}
BLANK_DATE, BLANK_NUMBER = "«___» ____________ 20___ г.", "______"


def passport_rows(program: Program) -> list[tuple[str, str]]:
    """The passport as the orders write it: a label and its text."""
    period = ""
    if program.starts_on and program.ends_on:
        period = f"{date_short(program.starts_on)} – {date_short(program.ends_on)}"
    elif program.year_id:
        period = f"{program.year.label} учебный год"
    return [
        ("Наименование программы", program.title),
        ("Сроки реализации программы", period),
        ("Цель программы", program.goal),
        ("Задачи программы", program.tasks),
        ("Разработчики программы", program.developers),
        ("Исполнители программы", program.executors),
        ("Ожидаемые результаты программы", program.expected_results),
        ("Нормативное основание", program.legal_basis),
        ("Контроль реализации программы", program.control),
    ]


def roadmap_rows(program: Program) -> list[tuple[str, list[str]]]:
    """The roadmap in order: ("section", [text]) and ("activity", [№, мероприятие, сроки, ответственные, результат]).

    Activities without a section come first, then each section with its activities.
    """
    sections = list(program.sections.order_by("position", "pk"))
    activities = list(program.activities.order_by("position", "pk"))
    rows: list[tuple[str, list[str]]] = []
    for activity in activities:
        if activity.section_id is None:
            rows.append(("activity", _activity_cells(activity)))
    for section in sections:
        rows.append(("section", [f"{section.number} {section.title}".strip()]))
        for activity in activities:
            if activity.section_id == section.pk:
                rows.append(("activity", _activity_cells(activity)))
    return rows


def _activity_cells(activity) -> list[str]:
    return [activity.number, activity.content, activity.deadline, activity.owners, activity.expected_result]


def indicator_years(program: Program) -> list[str]:
    """The year columns: every year a target is set for, in order; when none is, the program's years."""
    years = sorted({year for indicator in program.indicators.all() for year in (indicator.targets or {})})
    if not years and program.year_id:
        years = [program.year.label]
    elif not years and program.starts_on and program.ends_on:
        years = [str(year) for year in range(program.starts_on.year, program.ends_on.year + 1)][:10]
    return years


def indicator_rows(program: Program, years: list[str]) -> list[list[str]]:
    return [
        [i.number, i.name, i.unit, i.baseline, *(str((i.targets or {}).get(year, "")) for year in years)]
        for i in program.indicators.order_by("position", "pk")
    ]


def _authority(program: Program) -> str:
    if program.school_id:
        return program.school.name
    if program.municipality_id:
        return f"Орган управления образованием: {program.municipality.name}"
    return f"Орган управления образованием: {program.region.name}"


# --- Word --------------------------------------------------------------------------------------------


def program_docx(program: Program) -> bytes:
    """The program as the order approving it with its appendix (passport, roadmap, indicators), .docx.

    Parameters
    ----------
    program
        The program; its number and date of order are printed when it is approved, blanks otherwise.

    Returns
    -------
    bytes
        The .docx file.
    """
    document = Document()
    _set_up(document, program)
    approved = program.status == ProgramStatus.APPROVED and program.order_number and program.order_date
    genitive, accusative = _KIND_WORDS.get(program.kind, ("программы", "программу"))

    _paragraph(document, _authority(program).upper(), bold=True, centred=True)
    _paragraph(document, "")
    title = _paragraph(document, "ПРИКАЗ", bold=True, centred=True)
    for run in title.runs:  # «П Р И К А З» by letter spacing, not by spaces between letters
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), "60")
        run._r.get_or_add_rPr().append(spacing)
    _paragraph(document, "")
    dated = _paragraph(
        document,
        f"{date_long(program.order_date)}\t№ {program.order_number}" if approved else f"{BLANK_DATE}\t№ {BLANK_NUMBER}",
    )
    dated.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    _paragraph(document, "")
    _paragraph(document, f"Об утверждении {genitive} «{program.title}»", bold=True, centred=True)
    _paragraph(document, "")
    _paragraph(
        document,
        "В целях повышения качества образования в школах с низкими образовательными результатами и школах, "
        "функционирующих в неблагоприятных социальных условиях,",
        indent=True,
    )
    _paragraph(document, "ПРИКАЗЫВАЮ:", bold=True)
    _paragraph(document, f"1. Утвердить {accusative} «{program.title}» (приложение).", indent=True)
    _paragraph(document, "2. Контроль за исполнением настоящего приказа оставляю за собой.", indent=True)
    _paragraph(document, "")
    signature = _paragraph(document, "Руководитель\t____________________ / ____________________")
    signature.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)

    mark = document.add_paragraph()
    mark.paragraph_format.page_break_before = True
    mark.paragraph_format.left_indent = Cm(9)
    mark.add_run("Приложение").add_break(WD_BREAK.LINE)
    reference = (
        f"к приказу от {date_short(program.order_date)} № {program.order_number}"
        if approved
        else f"к приказу от ____________ № {BLANK_NUMBER}"
    )
    mark.add_run(reference)
    _paragraph(document, "")
    _paragraph(document, program.title, bold=True, centred=True)
    _paragraph(document, "")

    _paragraph(document, "Паспорт программы", bold=True, centred=True)
    table = _table(document, 2, (Cm(5.0), TEXT_WIDTH - Cm(5.0)))
    for label, value in passport_rows(program):
        cells = table.add_row().cells
        _cell(cells[0], label)
        _cell(cells[1], value)

    rows = roadmap_rows(program)
    _paragraph(document, "")
    _paragraph(document, "Дорожная карта (план мероприятий)", bold=True, centred=True)
    if rows:
        table = _table(document, len(ROADMAP_HEADER), ROADMAP_WIDTHS, header=ROADMAP_HEADER)
        for kind, values in rows:
            cells = table.add_row().cells
            if kind == "section":
                merged = cells[0].merge(cells[-1])
                _cell(merged, values[0], bold=True)
            else:
                for cell, value in zip(cells, values, strict=True):
                    _cell(cell, value)
    else:
        _paragraph(document, "Мероприятия не заданы.", indent=True)

    years = indicator_years(program)
    indicators = indicator_rows(program, years)
    if indicators:
        _paragraph(document, "")
        _paragraph(document, "Показатели", bold=True, centred=True)
        rest = TEXT_WIDTH - Cm(1.2) - Cm(2.2) - Cm(2.2)
        year_width = min(Cm(2.2), int(rest * 0.5 / max(len(years), 1)))
        widths = (Cm(1.2), rest - year_width * len(years), Cm(2.2), Cm(2.2), *([year_width] * len(years)))
        table = _table(document, len(INDICATOR_HEADER) + len(years), widths, header=(*INDICATOR_HEADER, *years))
        for values in indicators:
            for cell, value in zip(table.add_row().cells, values, strict=True):
                _cell(cell, value)
    _paragraph(document, "")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_up(document: WordDocument, program: Program) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, Cm(29.7)
    section.left_margin, section.right_margin = LEFT_MARGIN, RIGHT_MARGIN
    section.top_margin = section.bottom_margin = Cm(2)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = TEXT_SIZE
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("ascii", "hAnsi", "cs", "eastAsia"):  # Cyrillic takes w:hAnsi/w:cs, not only w:ascii
        fonts.set(qn(f"w:{attribute}"), FONT)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    properties = document.core_properties
    properties.title = program.title[:255]
    properties.author = "Опора"
    properties.language = "ru-RU"


def _paragraph(
    document: WordDocument, text: str, *, bold: bool = False, centred: bool = False, indent: bool = False
) -> Paragraph:
    paragraph = document.add_paragraph()
    if text:
        paragraph.add_run(text).bold = bold or None
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent:
        paragraph.paragraph_format.first_line_indent = FIRST_LINE_INDENT
    return paragraph


def _table(document: WordDocument, columns: int, widths: tuple, *, header: tuple[str, ...] = ()) -> Table:
    table = document.add_table(rows=1 if header else 0, cols=columns)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for index, width in enumerate(widths):
        table.columns[index].width = width
    if header:
        repeated = OxmlElement("w:tblHeader")  # the header repeats on every page
        repeated.set(qn("w:val"), "true")
        table.rows[0]._tr.get_or_add_trPr().append(repeated)
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            _cell(cell, text, bold=True, centred=True)
    return table


def _cell(cell: _Cell, value: str, *, bold: bool = False, centred: bool = False) -> None:
    # A line of the text is a paragraph of the cell: the tasks of a passport stay one a line.
    for index, line in enumerate((value or "").split("\n")):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Cm(0)
        if centred:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(line)
        run.font.size = TABLE_SIZE
        run.bold = bold or None


# --- Excel -------------------------------------------------------------------------------------------


def program_xlsx(program: Program) -> bytes:
    """The program as a workbook: its passport, its roadmap and its indicators, a sheet each, .xlsx."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)

    passport = workbook.active
    passport.title = PASSPORT_SHEET
    for row, (label, value) in enumerate(passport_rows(program), start=1):
        passport.cell(row, 1, label).font = bold
        passport.cell(row, 2, value or None).alignment = wrap
    passport.column_dimensions["A"].width, passport.column_dimensions["B"].width = 32, 100

    def table_sheet(title: str, header: tuple[str, ...], widths: tuple[int, ...]):
        sheet = workbook.create_sheet(title)
        sheet.cell(1, 1, program.title).font = bold
        for column, text in enumerate(header, start=1):
            cell = sheet.cell(3, column, text)
            cell.font, cell.alignment = bold, Alignment(wrap_text=True, vertical="center", horizontal="center")
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[_letter(column)].width = width
        sheet.freeze_panes = "A4"
        return sheet

    sheet = table_sheet(ROADMAP_SHEET, ROADMAP_HEADER, (8, 60, 22, 30, 45))
    for row, (kind, values) in enumerate(roadmap_rows(program), start=4):
        if kind == "section":
            cell = sheet.cell(row, 1, values[0])
            cell.font, cell.alignment = bold, wrap
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(ROADMAP_HEADER))
            continue
        for column, value in enumerate(values, start=1):
            sheet.cell(row, column, value or None).alignment = wrap

    years = indicator_years(program)
    sheet = table_sheet(INDICATOR_SHEET, (*INDICATOR_HEADER, *years), (8, 60, 16, 16, *([14] * len(years))))
    for row, values in enumerate(indicator_rows(program, years), start=4):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row, column, value or None)
            cell.alignment = wrap
            cell.number_format = "@"  # values as written: «8,5», «Не ниже среднего 50%»
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _letter(column: int) -> str:
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
