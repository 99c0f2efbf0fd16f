"""The identification flow in a real browser: run, read the table and the «why», approve, download."""

import io
import re

import pytest
from docx import Document
from playwright.sync_api import expect

from opora.identification.models import ApprovedList, IdentificationRun

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("username", ["coordinator"])
def test_coordinator_runs_identification_and_approves_the_list(username, demo_region, visit):
    page = visit.page
    visit.login(username)
    page.get_by_role("navigation", name="Разделы").get_by_role("link", name="Расчёты").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Выявление ШНОР и ШНСУ")
    page.get_by_role("button", name="Рассчитать").click()
    expect(page.locator(".cards .card").first).to_contain_text("школ в расчёте")
    expect(page.locator("figure.chart svg")).to_have_count(1)
    visit.screenshot("identification-run")

    page.locator("#f-category").select_option("low_results")
    expect(page).to_have_url(re.compile(r"category=low_results"))
    page.locator("#f-category").select_option("")
    expect(page).to_have_url(re.compile(r"category=&"))
    page.locator("#results tbody tr a").first.click()
    expect(page.get_by_role("heading", name="Почему")).to_be_visible()
    expect(page.get_by_role("heading", name="Контекст школы против региона")).to_be_visible()
    visit.screenshot("identification-why")
    visit.open(f"/identification/runs/{IdentificationRun.objects.get().pk}/")

    point = page.locator("figure.chart svg a").first
    code = re.search(r"^(\d{6}) ", point.locator("title").text_content()).group(1)
    point.locator("path").click()
    expect(page).to_have_url(re.compile(rf"/schools/{code}/$"))
    expect(page.get_by_role("heading", name="Почему")).to_be_visible()
    visit.open(f"/identification/runs/{IdentificationRun.objects.get().pk}/")

    page.get_by_role("link", name="Утвердить перечень").click()
    page.get_by_label("Номер приказа").fill("15-од")
    page.get_by_label("Дата приказа").fill("2026-11-20")
    page.get_by_label("Орган, издающий приказ").fill("Управление образования администрации Заречного городского округа")
    page.get_by_label("Должность подписывающего").fill("Начальник управления образования")
    page.get_by_label("Инициалы и фамилия подписывающего").fill("И. П. Сидорова")
    page.get_by_role("button", name=re.compile("Утвердить перечень")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Перечень ШНОР/ШНСУ на 2026/2027 учебный год")
    visit.screenshot("approved-list")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Приказ и приложение (Word)").click()
    document = Document(io.BytesIO(download_info.value.path().read_bytes()))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "15-од" in text
    approved = ApprovedList.objects.get()
    table_text = " ".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    for entry in approved.entries.all():
        assert entry.code in table_text
    assert visit.foreign_requests == []
