"""The default Word template of the order approving the list of ШНОР and ШНСУ.

The template is an ordinary .docx with docxtpl tags: ``{{ placeholder }}`` for values,
``{%p if … %}`` paragraphs around the appendix table and a ``{%tr for e in entries %}`` row that
repeats the table row for every school. It is built here with python-docx so that its layout is
reviewable as code, and kept in the repository as
``opora/identification/templates/docx/approved_list.docx`` (``DEFAULT_TEMPLATE``), where an
official may take it, edit it in Word and use their own copy.

Rebuild it after changing this module::

    .venv/bin/python -m opora.identification.docx_template

Layout as in Russian orders: A4, margins left 3 cm, right 1.5 cm, top and bottom 2 cm; Times New
Roman 14 in the order, 12 in the table.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.oxml.text.parfmt import CT_PPr
from docx.shared import Cm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from opora.identification.documents import DEFAULT_TEMPLATE, NO_ENTRIES

FONT = "Times New Roman"
ORDER_SIZE = Pt(14)
TABLE_SIZE = Pt(12)
TABLE_STYLE = "Таблица перечня"
PAGE_WIDTH, PAGE_HEIGHT = Cm(21), Cm(29.7)
LEFT_MARGIN, RIGHT_MARGIN, TOP_MARGIN, BOTTOM_MARGIN = Cm(3), Cm(1.5), Cm(2), Cm(2)
TEXT_WIDTH = PAGE_WIDTH - LEFT_MARGIN - RIGHT_MARGIN
FIRST_LINE_INDENT = Cm(1.25)
# The appendix mark stands in the right part of the page, as in the seeds.
APPENDIX_MARK_INDENT = Cm(8)

# (header, placeholder of the row, width, centred)
COLUMNS = (
    ("№ п/п", "{{ e.number }}", Cm(0.9), True),
    ("Код ОО", "{{ e.code }}", Cm(1.8), True),
    ("Наименование ОО", "{{ e.name }}", Cm(4.2), False),
    ("Муниципалитет", "{{ e.municipality }}", Cm(3.4), False),
    ("Категория", "{{ e.category }}", Cm(3.0), False),
    ("Основание", "{{ e.basis }}", Cm(3.2), False),
)
# Narrow cell margins (Word's default is 0.19 cm) keep «Муниципалитет» and «(резильентная)» whole.
CELL_MARGIN = Cm(0.1)

# The preamble and the points depend on the kind of order (approval, amendment, cancellation);
# their wording is built by ``approved_list_context``, so an edited template keeps them.
PREAMBLE = "{{ preamble }}"
SIGNATURE = ("{{ signatory_position }}", "{{ signatory_name }}")

# Elements that follow w:suppressAutoHyphens in w:pPr (the schema fixes their order).
_AFTER_SUPPRESS_AUTO_HYPHENS = (
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)

# Fixed so that rebuilding the template does not change its metadata.
_BUILT = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)


def build_template() -> WordDocument:
    """Build the default template of the order with its appendix.

    Returns
    -------
    docx.document.Document
        The template, ready to be saved.
    """
    document = Document()
    _set_up_page(document)
    _set_up_settings(document)
    _set_up_styles(document)
    _set_up_properties(document)

    _paragraph(document, "{{ authority }}", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, caps=True)
    _paragraph(document, "")
    title = _paragraph(document, "ПРИКАЗ", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    _spread_letters(title)
    _paragraph(document, "")
    dated = _paragraph(document, "{{ order_date }}\t№ {{ order_number }}")
    dated.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    _paragraph(document, "")
    _paragraph(document, "{{ order_title }}", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    _paragraph(document, "")
    _paragraph(document, PREAMBLE, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _paragraph(document, "ПРИКАЗЫВАЮ:", bold=True)
    _paragraph(document, "{%p for point in points %}")
    _paragraph(document, "{{ point }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "")
    _paragraph(document, "")
    signature = _paragraph(document, "\t".join(SIGNATURE))
    signature.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)

    _paragraph(document, "{%p if has_appendix %}")
    mark = document.add_paragraph()
    mark.paragraph_format.page_break_before = True
    mark.paragraph_format.left_indent = APPENDIX_MARK_INDENT
    mark_run = mark.add_run("Приложение")
    mark_run.add_break()
    mark.add_run("к приказу от {{ order_date_short }} № {{ order_number }}")
    _paragraph(document, "")
    heading = _paragraph(document, "{{ title }}", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    heading.paragraph_format.keep_with_next = True
    _paragraph(document, "{%p if appendix_note %}")
    _paragraph(document, "{{ appendix_note }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "")

    _paragraph(document, "{%p if entries %}")
    _list_table(document)
    _paragraph(document, "{%p else %}")
    _paragraph(document, NO_ENTRIES, indent=True)
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{%p if decisions %}")
    _paragraph(document, "")
    _paragraph(document, "Решения комиссии:", bold=True)
    _paragraph(document, "{%p for decision in decisions %}")
    _paragraph(document, "{{ decision }}.", align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{%p endif %}")
    # Word wants the body to end with a paragraph, not with the table.
    _paragraph(document, "")
    return document


def write_template(path: Path = DEFAULT_TEMPLATE) -> Path:
    """Build the default template and save it to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    build_template().save(str(path))
    return path


def main(argv: list[str] | None = None) -> int:
    """Write the default template (or to the path given as the only argument)."""
    args = sys.argv[1:] if argv is None else argv
    path = write_template(Path(args[0]) if args else DEFAULT_TEMPLATE)
    print(f"Шаблон приказа записан: {path}")
    return 0


def _set_up_page(document: WordDocument) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin, section.right_margin = LEFT_MARGIN, RIGHT_MARGIN
    section.top_margin, section.bottom_margin = TOP_MARGIN, BOTTOM_MARGIN


def _set_up_settings(document: WordDocument) -> None:
    settings = document.settings.element
    tab_stop = settings.find(qn("w:defaultTabStop"))
    tab_stop.set(qn("w:val"), str(FIRST_LINE_INDENT.twips))
    # Hyphenation is on for the document but suppressed in the order's text (style Normal): only
    # the narrow table columns hyphenate long words such as «общеобразовательное».
    hyphenation = OxmlElement("w:autoHyphenation")
    tab_stop.addnext(hyphenation)


def _set_up_styles(document: WordDocument) -> None:
    # The defaults name theme fonts (Calibri) and English: text outside Normal would get them.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    _set_font(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")))
    normal = document.styles["Normal"]
    _set_font(normal.element.get_or_add_rPr())
    normal.font.name = FONT
    normal.font.size = ORDER_SIZE
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    _hyphenate(normal.element.get_or_add_pPr(), False)

    table_text = document.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    table_text.font.size = TABLE_SIZE
    table_text.paragraph_format.first_line_indent = Cm(0)
    _hyphenate(table_text.element.get_or_add_pPr(), True)


def _hyphenate(paragraph_properties: CT_PPr, allowed: bool) -> None:
    suppress = OxmlElement("w:suppressAutoHyphens")
    suppress.set(qn("w:val"), "false" if allowed else "true")
    paragraph_properties.insert_element_before(suppress, *_AFTER_SUPPRESS_AUTO_HYPHENS)


def _set_font(run_properties: CT_RPr) -> None:
    # Cyrillic text takes the font of w:hAnsi/w:cs, not only w:ascii; theme fonts would win over them.
    fonts = run_properties.get_or_add_rFonts()
    for attribute in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{attribute}"), FONT)
    for attribute in ("asciiTheme", "hAnsiTheme", "cstheme", "eastAsiaTheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    language = run_properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run_properties.append(language)
    # Russian spelling and hyphenation in Word.
    language.set(qn("w:val"), "ru-RU")
    language.set(qn("w:eastAsia"), "ru-RU")
    for size in ("sz", "szCs"):
        element = run_properties.find(qn(f"w:{size}"))
        if element is not None:
            element.set(qn("w:val"), str(int(ORDER_SIZE.pt * 2)))


def _set_up_properties(document: WordDocument) -> None:
    properties = document.core_properties
    # docxtpl renders these too.
    properties.title = "{{ title }}"
    properties.subject = "{{ order_title }}"
    properties.author = "{{ authority }}"
    properties.language = "ru-RU"
    properties.comments = "Шаблон Опоры: приказ об утверждении перечня ШНОР и ШНСУ, о его изменении или отмене"
    properties.keywords = "ШНОР, ШНСУ"
    properties.last_modified_by = "Опора"
    properties.created = _BUILT
    properties.modified = _BUILT
    properties.revision = 1


def _paragraph(
    document: WordDocument,
    text: str,
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    bold: bool = False,
    caps: bool = False,
    indent: bool = False,
) -> Paragraph:
    # One run per paragraph keeps each tag in one run, which docxtpl needs.
    paragraph = document.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold = bold or None
        run.font.all_caps = caps or None
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = FIRST_LINE_INDENT
    return paragraph


def _spread_letters(paragraph: Paragraph) -> None:
    # «П Р И К А З» by letter spacing (3 pt), not by spaces typed between letters.
    for run in paragraph.runs:
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), "60")
        run._r.get_or_add_rPr().append(spacing)


def _list_table(document: WordDocument) -> Table:
    table = document.add_table(rows=4, cols=len(COLUMNS))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header, loop_start, row, loop_end = table.rows
    _cell_margins(table)
    _row_property(header, "tblHeader")  # repeated at the top of every page
    _row_property(row, "cantSplit")  # a school's row stays on one page
    for column, (title, placeholder, width, centred) in enumerate(COLUMNS):
        table.columns[column].width = width
        for cells_row in table.rows:
            cells_row.cells[column].width = width
        _cell_text(header.cells[column], title, bold=True, centred=True)
        _cell_text(row.cells[column], placeholder, centred=centred)
        header.cells[column].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _cell_text(loop_start.cells[0], "{%tr for e in entries %}")
    _cell_text(loop_end.cells[0], "{%tr endfor %}")
    return table


def _cell_text(cell: _Cell, text: str, *, bold: bool = False, centred: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = TABLE_STYLE
    run = paragraph.add_run(text)
    run.bold = bold or None
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _cell_margins(table: Table) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGIN.twips))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    # tblCellMar comes before tblLook in w:tblPr.
    table._tbl.tblPr.find(qn("w:tblLook")).addprevious(margins)


def _row_property(row: _Row, name: str) -> None:
    element = OxmlElement(f"w:{name}")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


if __name__ == "__main__":
    raise SystemExit(main())
