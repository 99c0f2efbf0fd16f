"""The default Word templates of the monitoring documents, built by code.

Each template is an ordinary .docx with docxtpl tags: ``{{ placeholder }}`` for values and charts
(a chart is an image, or the words «нет данных» when it has nothing to draw), ``{%p if … %}`` and
``{%p for … %}`` paragraphs around optional parts, and ``{%tr for r in … %}`` rows that repeat a
table row. They are built here with python-docx so that their layout is reviewable as code, and
kept in ``opora/effectiveness/templates/docx/``, where an official may take one, edit it in Word
and use their own copy (the placeholders are listed in docs/documents.md).

Rebuild them after changing this module::

    .venv/bin/python -m opora.effectiveness.docx_templates

Layout: A4, margins left 3 cm, right 1.5 cm, top and bottom 2 cm; Times New Roman 12, tables 10.
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Row
from docx.text.paragraph import Paragraph

TEMPLATES = Path(__file__).parent / "templates" / "docx"
ANALYTIC_NOTE_TEMPLATE = TEMPLATES / "analytic_note.docx"
COUNCIL_REPORT_TEMPLATE = TEMPLATES / "council_report.docx"
EFFECTIVENESS_TEMPLATE = TEMPLATES / "effectiveness_report.docx"
SUPPORT_LIST_TEMPLATE = TEMPLATES / "support_list.docx"
FONT = "Times New Roman"
TEXT_SIZE = Pt(12)
TABLE_SIZE = Pt(10)
TABLE_STYLE = "Таблица справки"
FIRST_LINE_INDENT = Cm(1.25)
PAGE_WIDTH, PAGE_HEIGHT = Cm(21), Cm(29.7)
LEFT_MARGIN, RIGHT_MARGIN, TOP_MARGIN, BOTTOM_MARGIN = Cm(3), Cm(1.5), Cm(2), Cm(2)
# Fixed so that rebuilding a template does not change its metadata.
_BUILT = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)

Column = tuple[str, str, float]  # header, placeholder of the repeated row, width in cm


def _document(title: str, comment: str) -> WordDocument:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin, section.right_margin = LEFT_MARGIN, RIGHT_MARGIN
    section.top_margin, section.bottom_margin = TOP_MARGIN, BOTTOM_MARGIN
    for name in ("Normal", "Heading 1", "Heading 2", "Title"):
        style = document.styles[name]
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("ascii", "hAnsi", "cs", "eastAsia"):
            fonts.set(qn(f"w:{attribute}"), FONT)
        for attribute in ("asciiTheme", "hAnsiTheme", "cstheme", "eastAsiaTheme"):
            fonts.attrib.pop(qn(f"w:{attribute}"), None)
        style.font.color.rgb = RGBColor(0, 0, 0)
    normal = document.styles["Normal"]
    normal.font.size = TEXT_SIZE
    normal.paragraph_format.space_after = Pt(4)
    document.styles["Heading 1"].font.size = Pt(14)
    document.styles["Heading 2"].font.size = Pt(12)
    table_text = document.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    table_text.font.size = TABLE_SIZE
    table_text.paragraph_format.space_after = Pt(0)
    properties = document.core_properties
    properties.title = title
    properties.language = "ru-RU"
    properties.comments = comment
    properties.author = "Опора"
    properties.last_modified_by = "Опора"
    properties.created = _BUILT
    properties.modified = _BUILT
    properties.revision = 1
    return document


def _p(document: WordDocument, text: str = "", *, bold: bool = False, centred: bool = False, indent: bool = False):
    # One run per paragraph keeps each tag in one run, which docxtpl needs.
    paragraph = document.add_paragraph()
    if text:
        paragraph.add_run(text).bold = bold or None
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif indent:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = FIRST_LINE_INDENT
    return paragraph


def _heading(document: WordDocument, text: str, level: int = 1) -> Paragraph:
    return document.add_heading(text, level=level)


def _lines(document: WordDocument, loop: str, text: str) -> None:
    """Paragraphs repeated for each item: ``{%p for line in lines %}``, the text, ``{%p endfor %}``."""
    _p(document, f"{{%p for {loop} %}}")
    _p(document, text, indent=True)
    _p(document, "{%p endfor %}")


def _table(document: WordDocument, columns: list[Column], loop: str) -> None:
    table = document.add_table(rows=4, cols=len(columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header, start, row, end = table.rows
    _row_property(header, "tblHeader")  # repeated at the top of every page
    _row_property(row, "cantSplit")
    for index, (title, placeholder, width) in enumerate(columns):
        for cells_row in table.rows:
            cells_row.cells[index].width = Cm(width)
        _cell(header.cells[index], title, bold=True)
        _cell(row.cells[index], placeholder)
    _cell(start.cells[0], f"{{%tr for {loop} %}}")
    _cell(end.cells[0], "{%tr endfor %}")


def _table_or_no_data(document: WordDocument, condition: str, columns: list[Column], loop: str, empty: str) -> None:
    _p(document, f"{{%p if {condition} %}}")
    _table(document, columns, loop)
    _p(document, "{%p else %}")
    _p(document, empty, indent=True)
    _p(document, "{%p endif %}")


def _cell(cell, text: str, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = TABLE_STYLE
    paragraph.add_run(text).bold = bold or None


def _row_property(row: _Row, name: str) -> None:
    element = OxmlElement(f"w:{name}")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _image(document: WordDocument, placeholder: str) -> None:
    _p(document, placeholder, centred=True)


FIGURES: list[Column] = [("Показатель", "{{ f.label }}", 10.5), ("Значение", "{{ f.value }}", 6.0)]
DECISIONS: list[Column] = [
    ("№ (протокол)", "{{ d.number }}", 2.6),
    ("Решение", "{{ d.text }}", 5.0),
    ("Ответственный", "{{ d.owner }}", 3.0),
    ("Срок", "{{ d.deadline }}", 1.9),
    ("Состояние", "{{ d.status }}", 2.0),
    ("Отчёт об исполнении", "{{ d.report }}", 2.0),
]


def build_analytic_note() -> WordDocument:
    document = _document("{{ title }}", "Шаблон Опоры: аналитическая справка о школе")
    _p(document, "{{ title }}", bold=True, centred=True)
    _p(document, "{{ school_name }}", bold=True, centred=True)
    _p(document, "{{ municipality }}, {{ school_year }} учебный год", centred=True)
    _p(document, "Составлена {{ made_on }}", centred=True)

    _heading(document, "1. Образовательные результаты")
    _p(document, "Годы анализа: {{ results_years }}.", indent=True)
    _p(document, "{%p if procedures %}")
    _p(document, "{%p for p in procedures %}")
    _heading(document, "{{ p.name }}", 2)
    _image(document, "{{ p.chart }}")
    _table(
        document,
        [
            ("Предмет", "{{ r.subject }}", 3.8),
            ("Учебный год", "{{ r.year }}", 2.0),
            ("Участников", "{{ r.participants }}", 2.0),
            ("УО", "{{ r.success }}", 2.0),
            ("КО", "{{ r.quality }}", 2.0),
            ("Средняя отметка", "{{ r.mean_mark }}", 2.3),
            ("Средний балл", "{{ r.mean_score }}", 2.3),
        ],
        "r in p.rows",
    )
    _p(document, "{%p endfor %}")
    _p(document, "{%p else %}")
    _p(document, "Результатов оценочных процедур школы нет: нет данных.", indent=True)
    _p(document, "{%p endif %}")

    _heading(document, "2. Социальный контекст в сравнении с регионом")
    _p(document, "{{ context_note }}", indent=True)
    _p(document, "{%p if context_rows %}")
    _table(
        document,
        [("Показатель", "{{ c.label }}", 8.5), ("Школа", "{{ c.school }}", 4.0), ("Регион", "{{ c.region }}", 4.0)],
        "c in context_rows",
    )
    _p(document, "{%p endif %}")

    _heading(document, "3. Рисковый профиль")
    _p(document, "{{ profile_reference }}", indent=True)
    _p(document, "{%p if profile_rows %}")
    _table(document, [("Фактор риска", "{{ f.label }}", 12.0), ("Уровень", "{{ f.value }}", 4.5)], "f in profile_rows")
    _p(document, "{%p endif %}")

    _heading(document, "4. Что сделано")
    _heading(document, "Мероприятия программ, выполненные в учебном году", 2)
    _table_or_no_data(
        document,
        "activities",
        [
            ("№", "{{ a.number }}", 1.2),
            ("Мероприятие", "{{ a.content }}", 9.3),
            ("Срок", "{{ a.deadline }}", 3.0),
            ("Состояние", "{{ a.status }}", 3.0),
        ],
        "a in activities",
        "Выполненных мероприятий программ школы в учебном году нет: нет данных.",
    )
    _heading(document, "Сопровождение школы", 2)
    _table(document, [("Вид сопровождения", "{{ f.label }}", 6.0), ("Что было", "{{ f.value }}", 10.5)], "f in support")

    _heading(document, "5. Динамика")
    _p(document, "{{ dynamics_text }}", indent=True)
    _p(document, "{{ execution_text }}", indent=True)
    _image(document, "{{ execution_chart }}")

    _heading(document, "6. Выводы")
    _lines(document, "line in conclusions", "{{ line }}")
    return document


def build_council_report() -> WordDocument:
    document = _document("{{ title }}", "Шаблон Опоры: отчёт совету руководителей за полугодие")
    _p(document, "{{ title }}", bold=True, centred=True)
    _p(document, "к заседанию совета руководителей образовательных организаций", centred=True)
    _p(document, "{{ territory }}, {{ period }}", centred=True)
    _p(document, "Составлен {{ made_on }}", centred=True)
    _p(document, "{%p for s in sections %}")
    _heading(document, "{{ s.heading }}")
    # A part without a chart says why in its notes: no second «нет данных» where the chart would be.
    _p(document, "{%p if s.chart != 'нет данных' %}")
    _image(document, "{{ s.chart }}")
    _p(document, "{%p endif %}")
    _table(document, FIGURES, "f in s.figures")
    _lines(document, "line in s.notes", "{{ line }}")
    _p(document, "{%p endfor %}")

    _heading(document, "Показатели программ по каждому показателю")
    _table_or_no_data(
        document,
        "indicators",
        [
            ("Программа", "{{ i.program }}", 4.5),
            ("Показатель", "{{ i.name }}", 5.0),
            ("Цель", "{{ i.target }}", 2.3),
            ("Факт", "{{ i.actual }}", 2.3),
            ("Итог", "{{ i.status }}", 2.4),
        ],
        "i in indicators",
        "Показателей с целевым значением на учебный год нет: нет данных.",
    )
    _heading(document, "Решения совета руководителей со сроком в полугодии")
    _p(document, "{{ decisions_summary }}", indent=True)
    _p(document, "{%p if decisions %}")
    _table(document, DECISIONS, "d in decisions")
    _p(document, "{%p endif %}")
    _heading(document, "Выводы")
    _lines(document, "line in conclusions", "{{ line }}")
    return document


def build_effectiveness_report() -> WordDocument:
    document = _document("{{ title }}", "Шаблон Опоры: анализ эффективности программы за год")
    _p(document, "{{ title }}", bold=True, centred=True)
    _p(document, "{{ territory }}, {{ school_year }} учебный год", centred=True)
    _p(document, "Составлен {{ made_on }}", centred=True)

    _heading(document, "1. Динамика результатов ШНОР и ШНСУ")
    _p(document, "{{ dynamics_text }}", indent=True)
    _image(document, "{{ dynamics_chart }}")
    _p(document, "{%p if dynamics_rows %}")
    _table(
        document,
        [
            ("Школа", "{{ r.school }}", 5.0),
            ("Категория", "{{ r.categories }}", 2.3),
            ("Индекс до", "{{ r.before }}", 2.0),
            ("Индекс после", "{{ r.after }}", 2.0),
            ("Изменение", "{{ r.change }}", 2.0),
            ("Динамика", "{{ r.dynamics }}", 3.2),
        ],
        "r in dynamics_rows",
    )
    _p(document, "{%p endif %}")

    _heading(document, "2. Движение по перечню")
    _p(document, "{{ movement_text }}", indent=True)
    _image(document, "{{ movement_chart }}")
    _p(document, "{%p if movement_rows %}")
    _table(
        document,
        [
            ("Школа", "{{ m.school }}", 6.0),
            ("Состояние", "{{ m.status }}", 3.5),
            ("Лет поддержки", "{{ m.years }}", 2.0),
            ("Годы в перечне", "{{ m.listed }}", 5.0),
        ],
        "m in movement_rows",
    )
    _p(document, "{%p endif %}")

    _heading(document, "3. Эффект программы")
    _lines(document, "line in effect_text", "{{ line }}")
    _p(document, "{%p if effect_rows %}")
    _table(
        document,
        [
            ("Поддержка", "{{ e.kind }}", 4.0),
            ("Школ с парами", "{{ e.matched }}", 2.5),
            ("Вывод", "{{ e.verdict }}", 4.5),
            ("Эффект (индекс)", "{{ e.estimate }}", 5.5),
        ],
        "e in effect_rows",
    )
    _p(document, "{%p endif %}")

    _heading(document, "4. Решения совета руководителей за год")
    _p(document, "{{ decisions_summary }}", indent=True)
    _p(document, "{%p if decisions %}")
    _table(document, DECISIONS, "d in decisions")
    _p(document, "{%p endif %}")

    _heading(document, "5. Предложения в план на {{ next_year }} учебный год и в перечень")
    _lines(document, "line in proposals", "{{ line }}")
    return document


def build_support_list() -> WordDocument:
    document = _document("{{ title }}", "Шаблон Опоры: школы, нуждающиеся в индивидуальном сопровождении")
    _p(document, "{{ title }}", bold=True, centred=True)
    _p(document, "на {{ next_year }} учебный год", bold=True, centred=True)
    _p(document, "{{ territory }}. Составлен {{ made_on }}", centred=True)
    _p(document, "{{ basis }}", indent=True)
    _table_or_no_data(
        document,
        "entries",
        [
            ("№ п/п", "{{ e.number }}", 1.0),
            ("Код ОО", "{{ e.code }}", 1.8),
            ("Школа", "{{ e.name }}", 4.0),
            ("Муниципалитет", "{{ e.municipality }}", 2.8),
            ("Лет поддержки", "{{ e.years }}", 1.5),
            ("Годы в перечне", "{{ e.listed }}", 2.2),
            ("Основание", "{{ e.reasons }}", 3.2),
        ],
        "e in entries",
        "{{ empty_text }}",
    )
    return document


BUILDERS: dict[Path, Callable[[], WordDocument]] = {
    ANALYTIC_NOTE_TEMPLATE: build_analytic_note,
    COUNCIL_REPORT_TEMPLATE: build_council_report,
    EFFECTIVENESS_TEMPLATE: build_effectiveness_report,
    SUPPORT_LIST_TEMPLATE: build_support_list,
}


def write_templates(folder: Path | None = None) -> list[Path]:
    """Build every default template and save it (into ``folder``, by default beside the code)."""
    written = []
    for path, build in BUILDERS.items():
        target = (folder / path.name) if folder is not None else path
        target.parent.mkdir(parents=True, exist_ok=True)
        build().save(str(target))
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    """Write the default templates (or into the folder given as the only argument)."""
    args = sys.argv[1:] if argv is None else argv
    for path in write_templates(Path(args[0]) if args else None):
        print(f"Шаблон записан: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
