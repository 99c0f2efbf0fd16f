"""Documents of monitoring: the analytic note, the council report, the analysis of effectiveness, the
support list — from templates, «нет данных» where data are missing, the figures of the pages."""

import datetime
import io
import shutil

import docx
import pytest
from docxtpl import DocxTemplate

from opora.analytics.effect import INSUFFICIENT, POSITIVE, Estimate, ProgramEffect
from opora.effectiveness import documents
from opora.effectiveness.dashboard import chart_data, dashboard
from opora.effectiveness.documents import (
    DocumentTemplateError,
    analytic_note,
    chart_value,
    council_report,
    council_report_context,
    effectiveness_report,
    effectiveness_report_context,
    last_finished_half,
    support_list,
    support_list_context,
    to_pdf,
)
from opora.effectiveness.docx_templates import BUILDERS
from opora.effectiveness.services import Effect, decision_add, decision_update, dynamics, meeting_save, movement
from opora.identification.models import IdentificationRun, RunSchool, RunStatus
from opora.identification.services import region_methodology
from opora.programs.models import Activity, Program
from opora.schools.models import School, SchoolYear
from opora.support.models import CuratorAssignment, MonitoringVisit, Partnership, VisitStatus
from tests.factories import SchoolResultFactory

YEAR = 2027  # the world's approved list is the list of 2026/2027
TODAY = datetime.date(2026, 12, 3)


def _read(content: bytes) -> tuple[str, docx.document.Document]:
    document = docx.Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts), document


def _table_figures(document: docx.document.Document) -> dict[str, list[str]]:
    """Every two-column row «Показатель | Значение» of the document's tables, by label."""
    found: dict[str, list[str]] = {}
    for table in document.tables:
        if [cell.text for cell in table.rows[0].cells] != ["Показатель", "Значение"]:
            continue
        for row in table.rows[1:]:
            label, value = (cell.text for cell in row.cells)
            found.setdefault(label, []).append(value)
    return found


def _schools(world, municipality=None):
    schools = School.objects.filter(municipality__region=world.region).select_related("municipality")
    return list(schools.filter(municipality=municipality) if municipality else schools)


def _support(world):
    CuratorAssignment.objects.create(
        curator=world.users["curator"], school=world.school, starts_on=datetime.date(2026, 9, 1)
    )
    Partnership.objects.create(school=world.school, partner=world.sibling, year=YEAR)
    MonitoringVisit.objects.create(
        school=world.school,
        curator=world.users["curator"],
        visited_on=datetime.date(2026, 10, 14),
        status=VisitStatus.HELD,
    )
    program = Program.objects.create(
        region=world.region, school=world.school, kind="roadmap", title="Дорожная карта школы"
    )
    for status, day in (("done", 10), ("in_progress", 20), ("not_started", 25)):
        Activity.objects.create(
            program=program,
            number=str(day),
            content=f"Мероприятие {day}",
            status=status,
            ends_on=datetime.date(2026, 10, day),
        )


def _results(world):
    for end_year in (2025, 2026):
        year = SchoolYear.objects.get(end_year=end_year)
        for subject, fours in (("Математика", 7), ("Русский язык", 5)):
            SchoolResultFactory(school=world.school, year=year, subject=subject, marks_4=fours + end_year - 2025)


def _earlier_list(world):
    """A finished run on 2024/2025 data: the school is a ШНОР of 2025/2026 too, so it stays in the list."""
    run = IdentificationRun.objects.create(
        region=world.region,
        year=SchoolYear.objects.get(end_year=2025),
        methodology=region_methodology(world.region),
        status=RunStatus.DONE,
        summary={"schools": 1, "counts": {}},
    )
    RunSchool.objects.create(
        run=run,
        school=world.school,
        code=world.school.code,
        name=world.school.name,
        municipality=world.municipality.name,
        results_index=-1.2,
        cluster=1,
        low_results=True,
        years_in_bottom=3,
    )


def test_every_document_renders_without_data_and_says_so(world):
    # Given a year without a list, programs, visits, profiles or results
    empty_year = 2031
    rendered = {
        "note": analytic_note(world.sibling, empty_year, today=TODAY),
        "council": council_report(world.region, world.municipality, empty_year, 1, today=TODAY),
        "effectiveness": effectiveness_report(world.region, world.municipality, empty_year, today=TODAY),
        "support": support_list(world.region, world.municipality, empty_year, today=TODAY),
    }
    # Then each is a Word document that says «нет данных» where a part has none
    for name, content in rendered.items():
        text, document = _read(content)
        assert "нет данных" in text, name
        assert len(document.inline_shapes) == 0, name  # no chart of nothing
    note = _read(rendered["note"])[0]
    assert "Рисковый профиль школы не рассчитан: нет данных." in note
    assert "Выполненных мероприятий программ школы в учебном году нет: нет данных." in note
    assert "Выезды куратора | нет данных" in note
    assert "Перечня ШНОР на 2030/2031 учебный год нет: нет данных." in _read(rendered["support"])[0]


def test_the_council_report_shows_the_figures_of_the_dashboard(world):
    # Given support, a roadmap and a council decision in the first half
    _support(world)
    meeting = meeting_save(
        meeting=None,
        region=world.region,
        municipality=world.municipality,
        data={"held_on": datetime.date(2026, 9, 20), "protocol_number": "3"},
        by=None,
    )
    done = decision_add(
        meeting=meeting, text="Закрепить кураторов.", owner="ИМО", deadline=datetime.date(2026, 10, 1), by=None
    )
    decision_update(decision=done, status="done", report="Приказ издан.", by=None)
    decision_add(
        meeting=meeting, text="Провести диагностику.", owner="ШНОР", deadline=datetime.date(2027, 3, 1), by=None
    )
    schools = _schools(world, world.municipality)
    # When the report and the dashboard are made from the same query
    content = council_report(world.region, world.municipality, YEAR, 1, schools=schools, today=TODAY)
    board = dashboard(world.region, YEAR, schools, municipality=world.municipality, today=TODAY)
    text, document = _read(content)
    figures = _table_figures(document)
    # Then every figure of every chart of the dashboard is in the report, in the same words
    for item in chart_data(board):
        for label, value in item.rows:
            assert chart_value(value, item.unit) in figures[label], (item.key, label)
    assert figures["закреплён куратор"] == ["100,0\u00a0%"]
    assert "Мероприятий со сроком в учебном году: 3, выполнено 33,3\u00a0%." in text  # a decimal comma
    drawn = [item.key for item in chart_data(board) if item.known]
    assert len(document.inline_shapes) == len(drawn) == 4  # the dashboard's charts as images; no indicators
    # and the decisions due in the half (September–December) with which were carried out
    assert "Решений со сроком с 01.09.2026 по 31.12.2026: 1; выполнено (полностью или частично) 1 (100\u00a0%)" in text
    assert "Закрепить кураторов. | ИМО | 01.10.2026 | выполнено | Приказ издан." in text
    assert "Провести диагностику." not in text  # due in the second half


def test_the_council_report_context_is_the_dashboard(world):
    context = council_report_context(world.region, world.municipality, YEAR, 2, today=TODAY, with_charts=False)
    assert context.board.lists.low_results == 1
    assert context.period == "II полугодие 2026/2027 учебного года"
    assert context.sections[0].heading == "1. Перечни и движение ШНОР"


def test_the_analytic_note_has_results_charts_support_and_russian_numbers(world):
    # Given two years of results and a year of support
    _results(world)
    _support(world)
    # When the note is made
    text, document = _read(analytic_note(world.school, YEAR, today=TODAY))
    # Then the results are drawn and tabled, in Russian format
    assert len(document.inline_shapes) >= 2  # the ВПР chart and the roadmap's execution
    assert "Годы анализа: 2024/2025–2025/2026." in text
    assert "Математика | 2024/2025 | 20 | 90,0\u00a0% | 50,0\u00a0% | 3,55 | нет данных" in text
    assert "Выезды куратора | 1: 14.10.2026" in text
    assert "Школа-партнёр | МБОУ СОШ № 2" in text
    assert "10 | Мероприятие 10 | 10.10.2026 | выполнено" in text
    assert "Мероприятий программ школы со сроком в учебном году: 3; выполнено 1 (33,3\u00a0%)" in text
    assert "Составлена 3 декабря 2026 г." in text


def test_the_effectiveness_report_proposes_support_for_schools_staying_in_the_list(world):
    _earlier_list(world)
    text, _document = _read(effectiveness_report(world.region, world.municipality, YEAR, today=TODAY))
    assert "МБОУ ООШ с. Берёзовка | остаётся в перечне | 2 | 2025/2026, 2026/2027" in text
    assert "Предлагается назначить индивидуальное методическое сопровождение на 2027/2028 учебный год" in text
    assert "Эффект программы: нет данных" in text  # no run on the year's data yet


def test_the_support_list_names_the_schools_staying_in_the_list_with_their_years(world):
    _earlier_list(world)
    context = support_list_context(world.region, world.municipality, YEAR, today=TODAY)
    assert [(entry.code, entry.years) for entry in context.entries] == [(world.school.code, "2")]
    assert context.entries[0].reasons.startswith("остаётся в перечне; в перечне 2 года")
    text, _document = _read(support_list(world.region, world.municipality, YEAR, today=TODAY))
    assert "на 2027/2028 учебный год" in text
    assert f"1 | {world.school.code} | МБОУ ООШ с. Берёзовка | Заречный район | 2 | 2025/2026, 2026/2027" in text


def test_a_school_new_to_the_list_needs_no_individual_support(world):
    context = support_list_context(world.region, world.municipality, YEAR, today=TODAY)
    assert context.entries == []
    assert context.empty_text == "Школ, которые остаются в перечне или вернулись в него, нет."


def test_an_unknown_placeholder_in_an_edited_template_is_named(world, tmp_path):
    template = tmp_path / "свой.docx"
    edited = docx.Document()
    edited.add_paragraph("{{ territory }} {{ municipal_head }}")
    edited.save(str(template))
    with pytest.raises(DocumentTemplateError, match="municipal_head"):
        support_list(world.region, world.municipality, YEAR, template=template, today=TODAY)
    DocxTemplate(template)  # the file itself is untouched


def test_the_templates_in_the_repository_are_what_the_code_builds(tmp_path):
    for path, build in BUILDERS.items():
        built = build()
        kept = docx.Document(str(path))
        assert [p.text for p in kept.paragraphs] == [p.text for p in built.paragraphs], path.name
        assert [[c.text for c in row.cells] for t in kept.tables for row in t.rows] == [
            [c.text for c in row.cells] for t in built.tables for row in t.rows
        ], path.name


def test_pdf_needs_libreoffice(monkeypatch):
    monkeypatch.setattr(documents.shutil, "which", lambda name: None)
    assert to_pdf(b"PK") is None


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice не установлен")
def test_pdf_through_libreoffice(world):
    content = to_pdf(support_list(world.region, world.municipality, YEAR, today=TODAY))
    assert content is not None and content.startswith(b"%PDF")


def test_the_last_finished_half():
    assert last_finished_half(datetime.date(2026, 12, 3)) == (2026, 2)
    assert last_finished_half(datetime.date(2027, 2, 1)) == (2027, 1)


def test_the_effect_is_worded_carefully_and_a_kind_with_a_positive_effect_is_kept(world, monkeypatch):
    # Given an effect of the year: overall too few schools, the partner schools' effect positive
    found = ProgramEffect(
        overall=Estimate(None, None, None, 3, 12, INSUFFICIENT),
        by_kind={"partner": Estimate(0.31, 0.12, 0.5, 6, 20, POSITIVE)},
        supported=3,
    )
    monkeypatch.setattr(documents, "effect", lambda *args: Effect(YEAR, "перечню № 15-од", found))
    # When the analysis is made
    context = effectiveness_report_context(world.region, world.municipality, YEAR, today=TODAY, with_charts=False)
    # Then the overall effect says «данных недостаточно», the kind its estimate, with the caution
    assert context.effect_text[1].startswith("В целом: данных недостаточно.")
    assert "Это не доказательство причинности" in context.effect_text[0]
    assert [(row.kind, row.verdict, row.estimate) for row in context.effect_rows] == [
        ("в целом", "данных недостаточно", "нет данных"),
        ("школа-партнёр", "положительный эффект", "0,31 (от 0,12 до 0,50)"),
    ]
    assert any(
        "сохранить в плане следующего года виды поддержки" in line and "школа-партнёр" in line
        for line in context.proposals
    )


def test_the_effectiveness_report_counts_are_the_services(world):
    _earlier_list(world)
    schools = _schools(world, world.municipality)
    context = effectiveness_report_context(
        world.region, world.municipality, YEAR, schools=schools, today=TODAY, with_charts=False
    )
    moved = movement(world.region, YEAR, schools, world.municipality)
    found = dynamics(world.region, YEAR, schools, world.municipality)
    assert context.movement_text.startswith(
        f"ШНОР в перечне: {len(moved.rows)}; вышли из перечня — {len(moved.left)}, вернулись — "
        f"{len(moved.returned)}, остаются — {len(moved.stays)}, впервые в перечне — {len(moved.new)}."
    )
    assert context.dynamics_text.startswith(f"ШНОР и ШНСУ в перечне: {found.listed}; динамика известна у {found.known}")
