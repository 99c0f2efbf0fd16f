"""Each demo role logs in and walks the main pages in a real browser."""

import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from opora.accounts.models import User
from opora.schools.models import School

pytestmark = pytest.mark.browser

ROLES = {
    "region_admin": "Региональный администратор",
    "coordinator": "Муниципальный координатор",
    "curator": "Куратор",
    "school": "Команда школы",
    "observer": "Наблюдатель",
    "admin": "Администратор системы",
}


@pytest.mark.parametrize("username", list(ROLES))
def test_role_walks_main_pages(username, demo_region, visit):
    user = User.objects.get(username=username)
    visible = School.objects.visible_to(user).active().count()
    page = visit.page

    visit.login(username)
    expect(page.locator(".user-role")).to_have_text(ROLES[username])
    expect(page.get_by_role("heading", level=1)).to_contain_text("Здравствуйте")
    visit.screenshot("home")

    page.get_by_role("navigation", name="Разделы").get_by_role("link", name="Школы").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Реестр школ")
    expect(page.locator("#results .table-meta strong")).to_have_text(str(visible))
    visit.screenshot("schools")

    page.locator("#results tbody tr a").first.click()
    expect(page.get_by_role("heading", name="Контекст по годам")).to_be_visible()
    expect(page.locator("#context-table thead th")).to_have_count(2 + 3)  # indicator, unit, three years
    visit.screenshot("school-card")

    visit.open("/accounts/password/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Смена пароля")

    page.get_by_role("button", name="Выйти").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Вход в Опору")
    assert visit.foreign_requests == []


@pytest.mark.parametrize("username", ["coordinator"])
def test_coordinator_filters_sorts_and_exports(username, demo_region, visit):
    user = User.objects.get(username=username)
    rural = School.objects.visible_to(user).active().filter(locality="село").count()
    page = visit.page
    visit.login(username)
    visit.open("/schools/")

    page.get_by_label("Местность").select_option("село")
    expect(page.locator("#results .table-meta strong")).to_have_text(str(rural))
    expect(page).to_have_url(re.compile(r"locality=%D1%81%D0%B5%D0%BB%D0%BE"))

    page.get_by_role("link", name="Обучающихся").click()
    expect(page.locator("th[aria-sort='ascending']")).to_have_text("Обучающихся")
    page.get_by_role("link", name="Обучающихся").click()
    expect(page.locator("th[aria-sort='descending']")).to_have_text("Обучающихся")
    visit.screenshot("schools-filtered")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Выгрузить в Excel").click()
    content = download_info.value.path().read_bytes()
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert len(rows) == rural + 1
    assert {row[5] for row in rows[1:]} == {"село"}
    assert visit.foreign_requests == []


@pytest.mark.parametrize("username", ["school"])
def test_school_team_cannot_open_another_school(username, demo_region, visit):
    user = User.objects.get(username=username)
    other = School.objects.exclude(pk=user.school_id).first()
    visit.login(username)
    response = visit.page.goto(f"{visit.base_url}/schools/{other.code}/")
    assert response.status == 404


@pytest.mark.parametrize("username", ["coordinator"])
def test_coordinator_reads_results_of_a_school(username, demo_region, visit):
    user = User.objects.get(username=username)
    school = School.objects.visible_to(user).filter(results__procedure="ОГЭ").distinct().first()
    page = visit.page
    visit.login(username)
    visit.open(f"/schools/{school.code}/")
    expect(page.locator("#results-section svg")).to_have_count(2)
    page.get_by_role("navigation", name="Процедура").get_by_role("link", name="ОГЭ").click()
    expect(page.locator("#results-section h3")).to_have_text("ОГЭ: по предметам (классы сложены)")
    visit.screenshot("school-results")
    assert visit.foreign_requests == []


@pytest.mark.parametrize("username", ["coordinator"])
def test_coordinator_uploads_checks_and_applies_a_file(username, demo_region, visit, tmp_path):
    user = User.objects.get(username=username)
    school = School.objects.visible_to(user).order_by("code").first()
    path = tmp_path / "контингент.csv"
    path.write_text(f"Код ОО;Учебный год;Обучающихся\n{school.code};2025/2026;777\n", encoding="cp1251")
    page = visit.page
    visit.login(username)
    page.get_by_role("navigation", name="Разделы").get_by_role("link", name="Загрузка файлов").click()
    page.get_by_label("Файл", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.locator("#status .badge")).to_have_text("Проверен, ждёт подтверждения")
    expect(page.get_by_text("строка будет изменена")).to_be_visible()
    visit.screenshot("import-preview")
    page.get_by_role("button", name="Загрузить в базу").click()
    expect(page.locator("#status .badge")).to_have_text("Загружен")
    visit.screenshot("import-applied")
    assert school.contexts.get(year__end_year=2026).students == 777
    assert visit.foreign_requests == []
