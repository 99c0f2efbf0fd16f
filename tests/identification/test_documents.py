"""The approved list as documents: the order with its appendix (.docx) and the table (.xlsx).

No database: the functions take plain data.
"""

import dataclasses
import datetime
import io
import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from docxtpl import DocxTemplate

from opora.identification.documents import (
    DEFAULT_TEMPLATE,
    NO_ENTRIES,
    XLSX_HEADER,
    ApprovedListDocument,
    CommissionDecision,
    DocumentTemplateError,
    ListEntry,
    approved_list_context,
    approved_list_docx,
    approved_list_xlsx,
    entry_basis,
    entry_category,
    format_date_long,
    years_phrase,
)
from opora.identification.docx_template import build_template
from opora.identification.flags import FLAGS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "documents.md"
TITLE = (
    "Перечень школ с низкими образовательными результатами и школ, функционирующих в неблагоприятных "
    "социальных условиях, на 2025/2026 учебный год"
)
ORDER_TITLE = (
    "Об утверждении перечня школ с низкими образовательными результатами и школ, функционирующих в "
    "неблагоприятных социальных условиях, на 2025/2026 учебный год"
)
AUTHORITY = "Управление образования администрации Заречного городского округа"
BASIS = (
    "приказ министерства образования Энской области «Об утверждении методики выявления ШНОР и ШНСУ» "
    "от 01.09.2026 № 314"
)
DECIDED = "решение комиссии от 18.11.2026 № 3"
TAG = re.compile(r"\{[{%]|[}%]\}")


def entry(number: int, code: str, name: str, **given) -> ListEntry:
    values = {
        "municipality": "Заречный городской округ",
        "low_results_cause": "",
        "years_in_bottom": 0,
        "window_years": 3,
    }
    flags = dict.fromkeys(FLAGS, False)
    for key, value in given.items():
        if key == "mass_failure":
            key = "learning_failure"
        (flags if key in FLAGS else values)[key] = value
    return ListEntry(number=number, code=code, name=name, flags=flags, **values)


ENTRIES = [
    entry(
        1,
        "0012001",
        "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 1»",
        low_results=True,
        low_results_cause="внутришкольные",
        objectivity_risk=True,
        years_in_bottom=3,
    ),
    entry(
        2,
        "0012002",
        "МКОУ «Основная общеобразовательная школа с. Луговое»",
        municipality="Луговской район",
        low_results=True,
        low_results_cause="контекст",
        unfavourable=True,
        mass_failure=True,
        years_in_bottom=2,
    ),
    entry(3, "0012003", "МКОУ «СОШ п. Таёжный»", unfavourable=True, resilient=True, years_in_bottom=0),
]


@pytest.fixture
def approved() -> ApprovedListDocument:
    return ApprovedListDocument(
        title=TITLE,
        authority=AUTHORITY,
        territory="Заречный городской округ",
        school_year="2025/2026",
        order_number="45-ОД",
        order_date=datetime.date(2026, 11, 20),
        methodology="Методика выявления ШНОР и ШНСУ, версия 3",
        run_reference="расчёт № 12 от 20.11.2026",
        entries=ENTRIES,
        basis=BASIS,
        procedures=("ВПР", "ОГЭ", "ЕГЭ", "годовые отметки"),
        analysis_years="2023/2024–2025/2026",
        signatory_position="Начальник управления образования",
        signatory_name="И. П. Сидорова",
    )


@pytest.fixture
def empty(approved) -> ApprovedListDocument:
    return dataclasses.replace(approved, authority="", entries=[])


def texts(content: bytes) -> list[str]:
    return [paragraph.text for paragraph in docx.Document(io.BytesIO(content)).paragraphs]


def body_texts(document) -> list[str]:
    """Every paragraph of the body in order, table cells included."""
    return [node.text for node in document.element.body.iter(qn("w:p"))]


def test_order_names_its_number_date_title_and_methodology(approved):
    # Given a list of three schools
    # When the order is rendered
    paragraphs = [text for text in texts(approved_list_docx(approved)) if text]

    # Then it reads as an order in the seeds' form
    assert paragraphs[:4] == [AUTHORITY, "ПРИКАЗ", "20 ноября 2026 г.\t№ 45-ОД", ORDER_TITLE]
    assert paragraphs[4] == (
        "В целях реализации программы поддержки школ с низкими образовательными результатами и школ, "
        "функционирующих в неблагоприятных социальных условиях, на основании комплексного анализа "
        "образовательных результатов обучающихся (ВПР, ОГЭ, ЕГЭ, годовые отметки) за три последних года "
        "(2023/2024–2025/2026) с учётом социального контекста работы общеобразовательных организаций "
        "(Заречный городской округ), выполненного по методике, утверждённой документом: " + BASIS
        + " (Методика выявления ШНОР и ШНСУ, версия 3; расчёт № 12 от 20.11.2026),"
    )
    assert paragraphs[5:9] == [
        "ПРИКАЗЫВАЮ:",
        "1. Утвердить перечень школ с низкими образовательными результатами и школ, функционирующих в "
        "неблагоприятных социальных условиях, на 2025/2026 учебный год (приложение).",
        "2. Руководителям общеобразовательных организаций, включённых в перечень, разработать на основе "
        "рисковых профилей антирисковые программы и планы мероприятий («дорожные карты») по переходу школ "
        "в эффективный режим работы.",
        "3. Контроль за исполнением настоящего приказа оставляю за собой.",
    ]
    assert paragraphs[9:] == [
        "Начальник управления образования\tИ. П. Сидорова",
        "Приложение\nк приказу от 20.11.2026 № 45-ОД",
        TITLE,
    ]


def test_commission_decisions_stand_in_the_appendix_and_the_added_school_in_the_table(approved):
    added = dataclasses.replace(entry(4, "0012004", "МБОУ ООШ № 4"), added_by=f"{DECIDED}: высокая неуспеваемость")
    document = dataclasses.replace(
        approved,
        entries=[*ENTRIES, added],
        decisions=(
            CommissionDecision("excluded", "0012005", "МБОУ СОШ № 5", f"{DECIDED}: смена состава"),
            CommissionDecision("added", "0012004", "МБОУ ООШ № 4", f"{DECIDED}: высокая неуспеваемость"),
        ),
    )
    paragraphs = [text for text in texts(approved_list_docx(document)) if text]
    assert paragraphs[6].endswith("(приложение) с учётом решений комиссии, указанных в приложении.")
    assert paragraphs[-3:] == [
        "Решения комиссии:",
        f"МБОУ СОШ № 5 (код ОО 0012005) исключена из перечня: {DECIDED}: смена состава.",
        f"МБОУ ООШ № 4 (код ОО 0012004) включена в перечень: {DECIDED}: высокая неуспеваемость.",
    ]
    (table,) = docx.Document(io.BytesIO(approved_list_docx(document))).tables
    last = [cell.text for cell in table.rows[-1].cells]
    assert last[4:] == [
        "по решению комиссии",
        f"включена решением комиссии: {DECIDED}: высокая неуспеваемость",
    ]


def test_an_amending_order_names_the_order_it_amends_and_gives_the_list_anew(approved):
    amending = dataclasses.replace(
        approved,
        kind="amendment",
        amends="от 20.11.2026 № 45-ОД",
        order_number="51-ОД",
        order_date=datetime.date(2026, 12, 1),
        decisions=(CommissionDecision("excluded", "0012003", "МКОУ «СОШ п. Таёжный»", "ошибка в данных"),),
    )
    paragraphs = [text for text in texts(approved_list_docx(amending)) if text]
    assert paragraphs[3] == f"О внесении изменений в приказ от 20.11.2026 № 45-ОД «{ORDER_TITLE}»"
    assert paragraphs[6] == (
        f"1. Внести в приказ от 20.11.2026 № 45-ОД «{ORDER_TITLE}» следующие изменения: исключить из перечня "
        "МКОУ «СОШ п. Таёжный» (код ОО 0012003) — ошибка в данных."
    )
    assert paragraphs[7] == "2. Изложить приложение к приказу от 20.11.2026 № 45-ОД в новой редакции (приложение)."
    assert "(в редакции настоящего приказа)" in paragraphs


def test_a_cancelling_order_has_no_appendix(approved):
    cancelling = dataclasses.replace(
        approved, kind="cancellation", amends="от 20.11.2026 № 45-ОД", reason="Перечень утверждён по неполным данным"
    )
    content = approved_list_docx(cancelling)
    paragraphs = [text for text in texts(content) if text]
    assert paragraphs[3] == f"О признании утратившим силу приказа от 20.11.2026 № 45-ОД «{ORDER_TITLE}»"
    assert paragraphs[4] == "В связи с тем, что перечень утверждён по неполным данным,"
    assert paragraphs[6] == f"1. Признать утратившим силу приказ от 20.11.2026 № 45-ОД «{ORDER_TITLE}»."
    assert docx.Document(io.BytesIO(content)).tables == []


def test_appendix_is_on_its_own_page(approved):
    document = docx.Document(io.BytesIO(approved_list_docx(approved)))

    mark = next(paragraph for paragraph in document.paragraphs if paragraph.text.startswith("Приложение"))

    assert mark.paragraph_format.page_break_before is True


def test_appendix_table_lists_every_school_with_category_and_basis(approved):
    # Given a list of three schools
    # When the order is rendered
    document = docx.Document(io.BytesIO(approved_list_docx(approved)))

    # Then the appendix table has the header and one row per school
    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows == [
        ["№ п/п", "Код ОО", "Наименование ОО", "Муниципалитет", "Категория", "Основание"],
        [
            "1",
            "0012001",
            "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 1»",
            "Заречный городской округ",
            "ШНОР",
            "низкие результаты 3 года из 3; причины: внутришкольные; риск необъективности результатов ВПР",
        ],
        [
            "2",
            "0012002",
            "МКОУ «Основная общеобразовательная школа с. Луговое»",
            "Луговской район",
            "ШНОР и ШНСУ",
            "низкие результаты 2 года из 3; причины: социальный контекст; неблагоприятные социальные условия; "
            "неуспешность более 50% обучающихся",
        ],
        [
            "3",
            "0012003",
            "МКОУ «СОШ п. Таёжный»",
            "Заречный городской округ",
            "ШНСУ (резильентная)",
            "неблагоприятные социальные условия",
        ],
    ]
    assert NO_ENTRIES not in texts(approved_list_docx(approved))


def test_order_without_schools_says_none_were_found(empty):
    # Given a list without schools and without an issuing body
    # When the order is rendered
    content = approved_list_docx(empty)

    # Then there is no table, the appendix says so, and the heading is the generic body
    document = docx.Document(io.BytesIO(content))
    assert document.tables == []
    paragraphs = [text for text in texts(content) if text]
    assert paragraphs[0] == "Орган управления образованием"
    assert paragraphs[-3:] == ["Приложение\nк приказу от 20.11.2026 № 45-ОД", TITLE, NO_ENTRIES]
    assert NO_ENTRIES == "Школы, отвечающие критериям, не выявлены."


@pytest.mark.parametrize("which", ["approved", "empty"])
def test_rendering_leaves_no_template_tags(which, request):
    document = request.getfixturevalue(which)

    content = approved_list_docx(document)

    with zipfile.ZipFile(io.BytesIO(content)) as package:
        for name in package.namelist():
            if name.endswith(".xml"):
                assert not TAG.search(package.read(name).decode("utf-8")), name
    properties = docx.Document(io.BytesIO(content)).core_properties
    assert (properties.title, properties.subject) == (TITLE, ORDER_TITLE)


def test_names_are_written_as_they_are(approved):
    # Characters special to XML, and braces, are text in a name
    name = 'АНОО "Школа <Успех> & партнёры" {{ не тег }}'
    document = dataclasses.replace(approved, entries=[entry(1, "001", name, unfavourable=True)])

    table = docx.Document(io.BytesIO(approved_list_docx(document))).tables[0]

    assert table.rows[1].cells[2].text == name


def test_xlsx_has_the_same_list_with_codes_as_text(approved):
    # Given a list of three schools
    # When it is exported to Excel
    workbook = openpyxl.load_workbook(io.BytesIO(approved_list_xlsx(approved)))

    # Then one sheet holds the title, the order, the header and a row per school
    assert workbook.sheetnames == ["Перечень"]
    sheet = workbook["Перечень"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == TITLE
    assert rows[1][0] == (
        "Приложение к приказу от 20.11.2026 № 45-ОД "
        "(Управление образования администрации Заречного городского округа; Заречный городской округ)"
    )
    assert rows[2] == (
        "№ п/п",
        "Код ОО",
        "Наименование ОО",
        "Муниципалитет",
        "ШНОР",
        "Причина низких результатов",
        "ШНСУ",
        "Резильентная",
        "Риск необъективности",
        "Неуспешность более 50%",
        "Вышла из перечня",
        "Лет в нижней группе",
    )
    assert rows[2] == XLSX_HEADER
    assert rows[3:] == [
        (1, "0012001", ENTRIES[0].name, "Заречный городской округ", "да", "внутришкольные", "нет", "нет", "да",
         "нет", "нет", "3 из 3"),
        (2, "0012002", ENTRIES[1].name, "Луговской район", "да", "социальный контекст", "да", "нет", "нет", "да",
         "нет", "2 из 3"),
        (3, "0012003", ENTRIES[2].name, "Заречный городской округ", "нет", None, "да", "да", "нет", "нет",
         "нет", "0 из 3"),
    ]  # fmt: skip
    codes = [sheet.cell(row, 2) for row in range(4, 7)]
    assert [(cell.data_type, cell.number_format) for cell in codes] == [("s", "@")] * 3
    assert all(cell.font.bold for cell in sheet[3])
    assert sheet.freeze_panes == "C4"
    assert sheet.auto_filter.ref == "A3:L6"
    assert sheet.column_dimensions["C"].width == 48


def test_xlsx_without_schools_says_none_were_found(empty):
    sheet = openpyxl.load_workbook(io.BytesIO(approved_list_xlsx(empty)))["Перечень"]

    rows = list(sheet.iter_rows(values_only=True))

    assert (
        rows[1][0]
        == "Приложение к приказу от 20.11.2026 № 45-ОД (Орган управления образованием; Заречный городской округ)"
    )
    assert rows[2] == XLSX_HEADER
    assert [row[0] for row in rows[3:]] == [NO_ENTRIES]


def test_committed_template_is_what_the_builder_builds():
    # The template kept in the repository must not drift from docx_template.py:
    # rebuild it with `python -m opora.identification.docx_template` after a change.
    # Given the template as the builder makes it now
    built = io.BytesIO()
    build_template().save(built)

    # Then every part of the package (text, styles, page settings, properties) is the same
    with zipfile.ZipFile(DEFAULT_TEMPLATE) as committed_package, zipfile.ZipFile(built) as built_package:
        assert committed_package.namelist() == built_package.namelist()
        for name in committed_package.namelist():
            assert committed_package.read(name) == built_package.read(name), name
    # and it holds the placeholders and tags
    xml = "".join(body_texts(docx.Document(str(DEFAULT_TEMPLATE))))
    for tag in (
        "{{ authority }}",
        "{{ order_date }}",
        "№ {{ order_number }}",
        "{{ order_title }}",
        "{{ preamble }}",
        "{%p for point in points %}",
        "{{ point }}",
        "{{ signatory_position }}",
        "{{ signatory_name }}",
        "{%p if has_appendix %}",
        "к приказу от {{ order_date_short }} № {{ order_number }}",
        "{{ title }}",
        "{%p if entries %}",
        "{%tr for e in entries %}",
        "{{ e.number }}{{ e.code }}{{ e.name }}{{ e.municipality }}{{ e.category }}{{ e.basis }}",
        "{%tr endfor %}",
        "{%p else %}",
        NO_ENTRIES,
        "{%p endif %}",
    ):
        assert tag in xml, tag


def test_template_uses_only_placeholders_that_are_filled(approved):
    used = DocxTemplate(str(DEFAULT_TEMPLATE)).get_undeclared_template_variables()

    assert used <= set(approved_list_context(approved))


def test_every_placeholder_is_documented_for_officials(approved):
    documentation = DOCS.read_text(encoding="utf-8")

    for name in set(approved_list_context(approved)) - {"entries"}:
        assert f"{{{{ {name} }}}}" in documentation, name
    assert "{%tr for e in entries %}" in documentation
    for field in ("number", "code", "name", "municipality", "category", "basis"):
        assert f"{{{{ e.{field} }}}}" in documentation, field


def test_edited_template_with_an_unknown_placeholder_is_refused(approved, tmp_path):
    # Given an official's template with a misspelt placeholder
    template = build_template()
    template.add_paragraph("Исполнитель: {{ ordr_number }}")
    path = tmp_path / "мой шаблон.docx"
    template.save(str(path))

    # When it is used, the order is not produced with a blank in it
    with pytest.raises(DocumentTemplateError, match="ordr_number"):
        approved_list_docx(approved, template=path)


def test_edited_template_keeps_the_officials_changes(approved, tmp_path):
    template = build_template()
    template.paragraphs[0].runs[0].text = "{{ authority }} ({{ territory }})"
    path = tmp_path / "approved_list.docx"
    template.save(str(path))

    paragraphs = texts(approved_list_docx(approved, template=path))

    assert paragraphs[0] == f"{AUTHORITY} (Заречный городской округ)"


def test_template_that_is_not_a_word_file_is_refused(approved, tmp_path):
    path = tmp_path / "шаблон.docx"
    path.write_bytes(b"not a zip")

    with pytest.raises(DocumentTemplateError, match="не является документом Word"):
        approved_list_docx(approved, template=path)


def test_template_with_a_broken_tag_is_refused(approved, tmp_path):
    template = build_template()
    template.add_paragraph("{% if entries %}")
    path = tmp_path / "approved_list.docx"
    template.save(str(path))

    with pytest.raises(DocumentTemplateError, match="ошибка в разметке"):
        approved_list_docx(approved, template=path)


def test_school_that_is_neither_category_cannot_be_listed():
    with pytest.raises(ValueError, match="0012009"):
        entry_category(entry(9, "0012009", "МБОУ СОШ № 9"))


def test_basis_without_a_window_names_low_results_only():
    school = entry(1, "001", "МБОУ СОШ № 1", low_results=True, years_in_bottom=2, window_years=0)

    assert entry_basis(school) == "низкие результаты"


def test_analysis_period_follows_the_window_of_the_run(approved):
    five_years = [dataclasses.replace(item, window_years=5) for item in ENTRIES]

    assert approved_list_context(approved)["analysis_period"] == "три последних года"
    assert approved_list_context(dataclasses.replace(approved, entries=five_years))["analysis_period"] == (
        "пять последних лет"
    )


def test_title_not_starting_with_perechen_is_quoted(approved):
    context = approved_list_context(dataclasses.replace(approved, title="Список ШНОР на 2025/2026 учебный год"))

    assert context["order_title"] == "Об утверждении документа «Список ШНОР на 2025/2026 учебный год»"
    assert context["approved_object"] == "«Список ШНОР на 2025/2026 учебный год»"


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (datetime.date(2026, 11, 20), "20 ноября 2026 г."),
        (datetime.date(2026, 1, 1), "1 января 2026 г."),
        (datetime.date(2025, 5, 9), "9 мая 2025 г."),
        (datetime.date(2025, 8, 31), "31 августа 2025 г."),
    ],
)
def test_order_date_has_genitive_month_and_no_leading_zero(day, text):
    assert format_date_long(day) == text


@pytest.mark.parametrize(
    ("count", "text"),
    [(0, "0 лет"), (1, "1 год"), (2, "2 года"), (4, "4 года"), (5, "5 лет"), (11, "11 лет"), (12, "12 лет"),
     (21, "21 год"), (22, "22 года")],
)  # fmt: skip
def test_years_agree_with_the_number(count, text):
    assert years_phrase(count) == text
