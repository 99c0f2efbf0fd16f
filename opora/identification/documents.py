"""The approved list of ШНОР and ШНСУ as documents: the order with its appendix (.docx) and a table (.xlsx).

Pure functions over plain data (no Django): the caller copies an approved list into
``ApprovedListDocument`` and gets the bytes of a file back.

The .docx is rendered with docxtpl from a Word template that officials may edit themselves. The
default template is built by ``opora.identification.docx_template`` and kept in the repository
(``DEFAULT_TEMPLATE``); the placeholders a template may use are the keys of
``approved_list_context`` (listed in docs/documents.md).

Example
-------
>>> import datetime
>>> document = ApprovedListDocument(
...     title="Перечень школ с низкими образовательными результатами на 2025/2026 учебный год",
...     authority="", territory="Заречный городской округ", school_year="2025/2026",
...     order_number="45-ОД", order_date=datetime.date(2026, 11, 20),
...     methodology="Методика выявления ШНОР и ШНСУ, версия 3", run_reference="расчёт № 12 от 20.11.2026",
...     entries=[],
... )
>>> approved_list_context(document)["order_date"]
'20 ноября 2026 г.'
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from opora.core.word import (
    DocumentTemplateError,  # noqa: F401  (raised by approved_list_docx)
    open_template,
    render_template,
)
from opora.identification.flags import FLAGS, category_text, state_word

DEFAULT_TEMPLATE = Path(__file__).parent / "templates" / "docx" / "approved_list.docx"
GENERIC_AUTHORITY = "Орган управления образованием"
NO_ENTRIES = "Школы, отвечающие критериям, не выявлены."
SHEET_TITLE = "Перечень"
XLSX_HEADER = (
    "№ п/п",
    "Код ОО",
    "Наименование ОО",
    "Муниципалитет",
    *(
        header
        for flag in FLAGS.values()
        for header in ((flag.column, flag.cause_column) if flag.cause_field else (flag.column,))
    ),
    "Лет в нижней группе",
)
# Default of the methodology; named in the preamble when the entries do not tell the window.
DEFAULT_WINDOW_YEARS = 3

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
_CAUSES = {"внутришкольные": "внутришкольные", "контекст": "социальный контекст", "не определена": "не определены"}
_PERIODS = {
    1: "последний год",
    2: "два последних года",
    3: "три последних года",
    4: "четыре последних года",
    5: "пять последних лет",
}
# Column widths: the school's identity, then one per flag (its cause wider), then the years.
_XLSX_WIDTHS = (7, 12, 48, 24, *(24 if header.startswith("Причина") else 14 for header in XLSX_HEADER[4:-1]), 12)
_XLSX_WRAPPED = {3, 4, 6}  # 1-based columns with long text


@dataclass(frozen=True)
class ListEntry:
    """One school of the approved list, as it stands in the appendix.

    Attributes
    ----------
    number
        № п/п.
    code
        Код ОО (text: leading zeros are kept).
    name
        Full name of the school.
    municipality
        Its municipality.
    flags
        The school's flags by key (``opora.identification.flags``): True, False or None (not known).
    low_results_cause
        «контекст», «внутришкольные», «не определена» or "" (only for ШНОР).
    years_in_bottom
        Years in the bottom group of the window (K of "K of N").
    window_years
        Years of the window (N of "K of N").
    added_by
        For a school the commission added to the list: its decision (number, date, reason).
    """

    number: int
    code: str
    name: str
    municipality: str
    flags: Mapping[str, bool | None]
    low_results_cause: str
    years_in_bottom: int | None
    window_years: int
    added_by: str = ""


@dataclass(frozen=True)
class CommissionDecision:
    """A school the commission excluded from the list (``excluded``) or added to it (``added``)."""

    action: str
    code: str
    name: str
    reason: str

    @property
    def instruction(self) -> str:
        """As a point of an amending order: «исключить из перечня … — основание»."""
        verb = "исключить из перечня" if self.action == "excluded" else "включить в перечень"
        return f"{verb} {self.name} (код ОО {self.code}) — {self.reason}"

    @property
    def record(self) -> str:
        """As the appendix of an approval records it: «исключена из перечня: … — основание»."""
        verb = "исключена из перечня" if self.action == "excluded" else "включена в перечень"
        return f"{self.name} (код ОО {self.code}) {verb}: {self.reason}"


@dataclass(frozen=True)
class ApprovedListDocument:
    """An approved list with its order: everything the .docx and .xlsx say.

    Attributes
    ----------
    title
        «Перечень школ с низкими образовательными результатами и школ, функционирующих в
        неблагоприятных социальных условиях, на 2025/2026 учебный год».
    authority
        Issuing body, e.g. «Управление образования администрации Заречного городского округа»;
        empty gives «Орган управления образованием».
    territory
        Region or municipality name.
    school_year
        «2025/2026».
    order_number, order_date
        The order's number and date.
    methodology
        «Методика выявления ШНОР и ШНСУ, версия 3», named in the preamble.
    run_reference
        The identification run, e.g. «расчёт № 12 от 20.11.2026».
    entries
        The schools of the list (ШНОР or ШНСУ), in the order of the appendix.
    kind
        ``"approval"``, ``"amendment"`` (of the order ``amends``) or ``"cancellation"`` (of it).
    amends
        The order amended or cancelled: «от 20.11.2026 № 15-од».
    basis
        The region's document that approved the methodology: the legal basis of the order.
    procedures
        The procedures whose results the analysis used, as the preamble names them.
    analysis_years
        «2023/2024–2025/2026»: the school years of the analysis.
    signatory_position, signatory_name
        Who signs the order.
    decisions
        The commission's decisions: each school excluded from the list or added to it, with
        the reason (kept in the appendix, and in an amending order's points).
    reason
        Why an order is cancelled.
    """

    title: str
    authority: str
    territory: str
    school_year: str
    order_number: str
    order_date: datetime.date
    methodology: str
    run_reference: str
    entries: list[ListEntry]
    kind: str = "approval"
    amends: str = ""
    basis: str = ""
    procedures: tuple[str, ...] = ("ВПР", "ОГЭ", "ЕГЭ")
    analysis_years: str = ""
    signatory_position: str = "Руководитель"
    signatory_name: str = ""
    decisions: tuple[CommissionDecision, ...] = ()
    reason: str = ""


def format_date_long(day: datetime.date) -> str:
    """Date as written in an order's heading.

    >>> format_date_long(datetime.date(2026, 11, 5))
    '5 ноября 2026 г.'
    """
    return f"{day.day} {_MONTHS_GENITIVE[day.month - 1]} {day.year} г."


def format_date_short(day: datetime.date) -> str:
    """Date as written in an appendix mark.

    >>> format_date_short(datetime.date(2026, 11, 5))
    '05.11.2026'
    """
    return f"{day:%d.%m.%Y}"


def years_phrase(count: int) -> str:
    """A number of years with the noun agreeing: 1 год, 2 года, 5 лет, 11 лет, 21 год.

    >>> years_phrase(3), years_phrase(5), years_phrase(21)
    ('3 года', '5 лет', '21 год')
    """
    if count % 10 == 1 and count % 100 != 11:
        noun = "год"
    elif 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        noun = "года"
    else:
        noun = "лет"
    return f"{count} {noun}"


def entry_category(entry: ListEntry) -> str:
    """Column «Категория»: ШНОР, ШНСУ or «ШНОР и ШНСУ», with «(резильентная)» when so.

    Raises
    ------
    ValueError
        The school is neither ШНОР nor ШНСУ, so it has no place in the list.
    """
    category = category_text(dict(entry.flags))
    if not category and entry.added_by:
        return "по решению комиссии"
    if not category:
        raise ValueError(f"School {entry.code} is neither low-results nor unfavourable: it cannot be listed.")
    return category


def entry_basis(entry: ListEntry) -> str:
    """Column «Основание»: why the school is in the list, in the words of the order.

    >>> flags = {"low_results": True, "objectivity_risk": True}
    >>> entry = ListEntry(1, "0101", "МБОУ СОШ № 1", "Заречный", flags, "внутришкольные", 3, 3)
    >>> entry_basis(entry)
    'низкие результаты 3 года из 3; причины: внутришкольные; риск необъективности результатов ВПР'
    """
    parts = []
    for flag in FLAGS.values():
        if not entry.flags.get(flag.key) or not flag.basis:
            continue
        if flag.cause_field:  # the years in the bottom group and the cause of low results
            known = entry.window_years > 0 and entry.years_in_bottom is not None
            years = f" {years_phrase(entry.years_in_bottom)} из {entry.window_years}" if known else ""
            parts.append(flag.basis + years)
            if entry.low_results_cause:
                parts.append(f"причины: {_CAUSES.get(entry.low_results_cause, entry.low_results_cause)}")
        else:
            parts.append(flag.basis)
    if entry.added_by:
        parts.append(f"включена решением комиссии: {entry.added_by}")
    return "; ".join(parts)


def approved_list_context(document: ApprovedListDocument) -> dict[str, Any]:
    """The values a Word template may use, by placeholder name.

    Every key is a placeholder (``{{ order_number }}``); ``entries`` is the list of rows, each
    with ``number``, ``code``, ``name``, ``municipality``, ``category`` and ``basis``.

    Raises
    ------
    ValueError
        An entry is neither ШНОР nor ШНСУ.
    """
    title = document.title.strip()
    if title.lower().startswith("перечень"):
        rest = title[len("перечень") :]
        approval_title = f"Об утверждении перечня{rest}"
        approved_object = f"перечень{rest}"
    else:
        approval_title = f"Об утверждении документа «{title}»"
        approved_object = f"«{title}»"
    windows = {entry.window_years for entry in document.entries if entry.window_years > 0}
    window = max(windows) if windows else DEFAULT_WINDOW_YEARS
    period = _PERIODS.get(window) or _last_years(window)
    years = f" ({document.analysis_years})" if document.analysis_years else ""
    procedures = ", ".join(document.procedures)
    basis = document.basis.strip() or "документ, утвердивший методику, не указан"
    amended_order = f"приказ {document.amends} «{approval_title}»"
    decisions = [decision.record for decision in document.decisions]
    if document.kind == "cancellation":
        order_title = f"О признании утратившим силу приказа {document.amends} «{approval_title}»"
        preamble = f"В связи с тем, что {_lower_first(document.reason.rstrip('.'))},"
        points = [
            f"1. Признать утратившим силу {amended_order}.",
            "2. Контроль за исполнением настоящего приказа оставляю за собой.",
        ]
    elif document.kind == "amendment":
        order_title = f"О внесении изменений в приказ {document.amends} «{approval_title}»"
        preamble = (
            "В соответствии с решениями комиссии по выявлению школ с низкими образовательными результатами и "
            f"школ, функционирующих в неблагоприятных социальных условиях ({document.territory}),"
        )
        changes = "; ".join(decision.instruction for decision in document.decisions)
        points = [
            f"1. Внести в {amended_order} следующие изменения: {changes}.",
            f"2. Изложить приложение к приказу {document.amends} в новой редакции (приложение).",
            "3. Контроль за исполнением настоящего приказа оставляю за собой.",
        ]
    else:
        order_title = approval_title
        preamble = (
            "В целях реализации программы поддержки школ с низкими образовательными результатами и школ, "
            "функционирующих в неблагоприятных социальных условиях, на основании комплексного анализа "
            f"образовательных результатов обучающихся ({procedures}) за {period}{years} с учётом социального "
            f"контекста работы общеобразовательных организаций ({document.territory}), выполненного по методике, "
            f"утверждённой документом: {basis} ({document.methodology}; {document.run_reference}),"
        )
        first = f"1. Утвердить {approved_object} (приложение)"
        if decisions:
            first += " с учётом решений комиссии, указанных в приложении"
        points = [
            first + ".",
            "2. Руководителям общеобразовательных организаций, включённых в перечень, разработать на основе "
            "рисковых профилей антирисковые программы и планы мероприятий («дорожные карты») по переходу школ "
            "в эффективный режим работы.",
            "3. Контроль за исполнением настоящего приказа оставляю за собой.",
        ]
    return {
        "title": title,
        "order_title": order_title,
        "approved_object": approved_object,
        "authority": document.authority.strip() or GENERIC_AUTHORITY,
        "territory": document.territory,
        "school_year": document.school_year,
        "order_number": document.order_number,
        "order_date": format_date_long(document.order_date),
        "order_date_short": format_date_short(document.order_date),
        "methodology": document.methodology,
        "basis": basis,
        "procedures": procedures,
        "run_reference": document.run_reference,
        "analysis_period": period,
        "preamble": preamble,
        "points": points,
        "has_appendix": document.kind != "cancellation",
        "appendix_note": "(в редакции настоящего приказа)" if document.kind == "amendment" else "",
        "decisions": decisions if document.kind == "approval" else [],
        "signatory_position": document.signatory_position.strip() or "Руководитель",
        "signatory_name": document.signatory_name.strip() or "____________________",
        "school_count": len(document.entries),
        "no_entries_text": NO_ENTRIES,
        "entries": [
            {
                "number": entry.number,
                "code": entry.code,
                "name": entry.name,
                "municipality": entry.municipality,
                "category": entry_category(entry),
                "basis": entry_basis(entry),
            }
            for entry in document.entries
        ],
    }


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def approved_list_docx(document: ApprovedListDocument, template: Path | None = None) -> bytes:
    """The order approving the list, with the list as its appendix, as a Word document.

    Parameters
    ----------
    document
        The approved list and its order.
    template
        A docxtpl Word template; None for the default one (``DEFAULT_TEMPLATE``).

    Returns
    -------
    bytes
        The .docx file.

    Raises
    ------
    DocumentTemplateError
        The template is not a .docx, has a broken tag or uses an unknown placeholder.
    ValueError
        An entry is neither ШНОР nor ШНСУ.
    """
    context = approved_list_context(document)
    # A misspelt placeholder in an edited template must fail, not leave a blank in an order.
    return render_template(open_template(template or DEFAULT_TEMPLATE), context)


def approved_list_xlsx(document: ApprovedListDocument) -> bytes:
    """The approved list as an .xlsx table: sheet «Перечень», one school a row.

    Row 1 is the title, row 2 the order, row 3 the header (``XLSX_HEADER``), the schools from
    row 4. Codes are text (leading zeros kept), flags «да»/«нет», years «K из N».

    Parameters
    ----------
    document
        The approved list and its order.

    Returns
    -------
    bytes
        The .xlsx file.
    """
    workbook = Workbook()
    workbook.properties.creator = "Опора"
    workbook.properties.title = document.title
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    last_column = get_column_letter(len(XLSX_HEADER))

    sheet.append([document.title])
    sheet.merge_cells(f"A1:{last_column}1")
    sheet["A1"].font = Font(bold=True, size=12)
    sheet["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[1].height = 32
    sheet.append([_order_reference(document)])
    sheet.merge_cells(f"A2:{last_column}2")

    sheet.append(list(XLSX_HEADER))
    header_fill = PatternFill("solid", fgColor="E7E6E6")
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")

    for entry in document.entries:
        sheet.append(_xlsx_row(entry))
        row = sheet.max_row
        sheet.cell(row, 2).number_format = "@"
        for column in _XLSX_WRAPPED:
            sheet.cell(row, column).alignment = Alignment(wrap_text=True, vertical="top")
    if document.entries:
        sheet.auto_filter.ref = f"A3:{last_column}{sheet.max_row}"
    else:
        sheet.append([NO_ENTRIES])

    for column, width in enumerate(_XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "C4"
    sheet.print_title_rows = "3:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _order_reference(document: ApprovedListDocument) -> str:
    issuer = "; ".join(part for part in (document.authority.strip() or GENERIC_AUTHORITY, document.territory) if part)
    return f"Приложение к приказу от {format_date_short(document.order_date)} № {document.order_number} ({issuer})"


def _xlsx_row(entry: ListEntry) -> list[object]:
    if entry.years_in_bottom is None:
        years = "нет данных"
    elif entry.window_years > 0:
        years = f"{entry.years_in_bottom} из {entry.window_years}"
    else:
        years = str(entry.years_in_bottom)
    cells: list[object] = [entry.number, entry.code, entry.name, entry.municipality]
    for flag in FLAGS.values():
        value = entry.flags.get(flag.key)
        cells.append(state_word(value))
        if flag.cause_field:
            cells.append(_CAUSES.get(entry.low_results_cause, entry.low_results_cause) if value else "")
    return [*cells, years]


def _last_years(count: int) -> str:
    number, noun = years_phrase(count).split()
    return f"{number} {'последний' if noun == 'год' else 'последних'} {noun}"
