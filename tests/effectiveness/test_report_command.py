"""``opora report KIND …``: every document from the command line, in the user's scope, with Russian refusals."""

import io
import re

import docx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from opora.effectiveness import documents
from opora.risks.services import profiles_now
from opora.schools.models import SchoolYear

YEAR = "2027"  # the world's approved list is the list of 2026/2027


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _text(path) -> str:
    document = docx.Document(str(path))
    parts = [paragraph.text for paragraph in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture
def profile(world):
    year = SchoolYear.objects.get(end_year=2026)
    return profiles_now(region=world.region, year=year, by=None, progress=lambda percent, message: None)


@pytest.mark.parametrize(
    ("kind", "where", "expected"),
    [
        ("analytic-note", ("--school", "010001"), "Аналитическая справка о результатах и сопровождении школы"),
        ("recommendations", ("--school", "010001"), "Адресные рекомендации по итогам анализа рискового профиля"),
        ("council-report", ("--municipality", "Заречный район", "--half", "1"), "I полугодие 2026/2027"),
        ("effectiveness", ("--municipality", "Заречный район"), "Анализ эффективности реализации программы"),
        ("support-list", ("--municipality", "Заречный район"), "на 2027/2028 учебный год"),
        ("low-results-order", ("--municipality", "Заречный район"), "ПРИКАЗ"),
    ],
)
def test_every_kind_writes_a_word_document(world, profile, tmp_path, kind, where, expected):
    out = tmp_path / f"{kind}.docx"
    printed = run(kind, *where, "--year", YEAR, "--region", "Тестовая область", "--out", str(out))
    assert f"Записан {out}." in printed
    assert expected in _text(out)


def test_the_council_report_defaults_to_the_last_finished_half(world, tmp_path, monkeypatch):
    monkeypatch.setattr("opora.cli.management.commands.report.last_finished_half", lambda: (2027, 1))
    out = tmp_path / "совет.docx"
    printed = run(
        "council-report", "--municipality", "Заречный район", "--region", "Тестовая область", "--out", str(out)
    )
    assert "1 полугодие 2026/2027" in printed
    assert "I полугодие 2026/2027 учебного года" in _text(out)


def test_an_unknown_kind_is_refused_in_russian(world, tmp_path):
    with pytest.raises(CommandError, match=re.escape("Неизвестный вид документа «annual». Допустимые: analytic-note")):
        run("annual", "--out", str(tmp_path / "x.docx"))


def test_a_school_document_needs_a_school(world, tmp_path):
    with pytest.raises(CommandError, match=re.escape("Укажите школу: --school КОД_ОО.")):
        run("analytic-note", "--year", YEAR, "--out", str(tmp_path / "x.docx"))


def test_a_school_outside_the_users_scope_is_not_found(world, tmp_path):
    with pytest.raises(CommandError, match="Школа с кодом «020001» не найдена"):
        run("analytic-note", "--school", "020001", "--user", "coordinator", "--out", str(tmp_path / "x.docx"))


def test_a_coordinator_reports_on_their_municipality_only(world, tmp_path):
    with pytest.raises(CommandError, match="работает только с муниципалитетом «Заречный район»"):
        run(
            "effectiveness",
            "--municipality",
            "Озёрный район",
            "--user",
            "coordinator",
            "--year",
            YEAR,
            "--out",
            str(tmp_path / "x.docx"),
        )
    out = tmp_path / "эффективность.docx"
    run("effectiveness", "--user", "coordinator", "--year", YEAR, "--out", str(out))
    assert "Заречный район, 2026/2027 учебный год" in _text(out)


def test_recommendations_need_a_risk_profile(world, tmp_path):
    with pytest.raises(CommandError, match="Рисковый профиль школы 010001 не рассчитан"):
        run("recommendations", "--school", "010001", "--out", str(tmp_path / "x.docx"))


def test_pdf_without_libreoffice_says_so(world, tmp_path, monkeypatch):
    monkeypatch.setattr(documents.shutil, "which", lambda name: None)
    out = tmp_path / "перечень.pdf"
    with pytest.raises(CommandError, match="LibreOffice не установлен: PDF не получить"):
        run(
            "support-list",
            "--municipality",
            "Заречный район",
            "--region",
            "Тестовая область",
            "--year",
            YEAR,
            "--out",
            str(out),
        )
    assert not out.exists()


def test_the_output_must_be_docx_or_pdf(world, tmp_path):
    with pytest.raises(CommandError, match=re.escape("Файл результата должен быть .docx или .pdf.")):
        run("support-list", "--out", str(tmp_path / "x.xlsx"))
