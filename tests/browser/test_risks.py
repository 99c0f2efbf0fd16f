"""The risk stage in a real browser: a questionnaire filled on a phone, the map and a school's profile."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from opora.risks.models import Audience, ProfileRun, Questionnaire, SurveyResponse
from opora.risks.services import links_create, profiles_now
from opora.schools.models import Region, School, SchoolYear
from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LEVEL_WORDS = re.compile(r"^(нет риска|низкий|средний|высокий|нет данных)$")


def computed(region: Region) -> ProfileRun:
    return profiles_now(
        region=region, year=SchoolYear.objects.get(end_year=2026), by=None, progress=lambda percent, message: None
    )


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_questionnaire_is_filled_on_a_phone(demo_region, browser, live_server):
    # Given: a students' link of a school, opened on a phone without logging in
    school = School.objects.filter(municipality__region=demo_region.region).order_by("code").first()
    questionnaire = Questionnaire.objects.get(region=demo_region.region, audience=Audience.STUDENTS)
    today = timezone.localdate()  # the product's today (Europe/Moscow), not the machine's
    (link,) = links_create(
        schools=[school],
        questionnaire=questionnaire,
        year=SchoolYear.objects.get(end_year=2026),
        opens_on=today,
        closes_on=today + datetime.timedelta(days=14),
        by=None,
    )
    context = browser.new_context(locale="ru-RU", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    foreign = []
    page.on("request", lambda request: None if request.url.startswith(live_server.url) else foreign.append(request.url))
    page.goto(f"{live_server.url}/survey/{link.token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(questionnaire.title)
    assert fits(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "phone-survey.png"), full_page=True)

    # When: three questions are answered by tapping the labels of the answers
    chosen = {"s01": "Полностью согласен", "s02": "Скорее согласен", "s03": "Затрудняюсь ответить"}
    for key, answer in chosen.items():
        page.locator(f"#id_{key}_label + ul").get_by_text(answer, exact=True).tap()
        expect(page.get_by_role("radiogroup").filter(has=page.locator(f"#id_{key}_label")).get_by_label(
            answer, exact=True
        )).to_be_checked()  # fmt: skip
    page.get_by_role("button", name="Отправить ответы").tap()

    # Then: thanks, on a page that fits the phone too
    expect(page.get_by_role("heading", level=1)).to_have_text("Спасибо!")
    assert fits(page)
    page.screenshot(path=str(SCREENSHOTS / "phone-survey-done.png"), full_page=True)
    context.close()
    # and only the answers are stored: 5, 4, 3 on the agreement scale
    response = SurveyResponse.objects.get()
    assert (response.school, response.answers) == (school, {"s01": 5, "s02": 4, "s03": 3})
    assert foreign == []


@pytest.mark.parametrize("username", ["coordinator"])
def test_coordinator_opens_the_map_and_a_schools_profile(username, demo_region, visit):
    # Given: the region's profiles of 2025/2026
    run = computed(demo_region.region)
    page = visit.page
    visit.login(username)

    # When: «Карта рисков» is opened from the navigation
    page.get_by_role("navigation", name="Разделы").get_by_role("link", name="Карта рисков").click()

    # Then: the map of the coordinator's schools, one level in words per factor
    expect(page.get_by_role("heading", level=1)).to_have_text("Карта рисков · 2025/2026")
    rows = page.locator("table.risk-map tbody tr")
    factors = run.factor_set.factors.filter(retired=False).count()
    expect(rows.first.locator("td .level")).to_have_count(factors)
    levels = rows.locator("td .level").all_text_contents()
    assert levels and all(LEVEL_WORDS.match(level) for level in levels)
    assert {"высокий", "средний", "низкий", "нет риска"} & set(levels)
    assert "нет данных" in levels  # the motivation: no questionnaire answered yet
    visit.screenshot("risk-map")

    # When: a school's profile is opened
    first = rows.first.locator("th a")
    code = first.text_content().split()[0]
    first.click()

    # Then: its chart and its table of levels
    expect(page).to_have_url(re.compile(rf"/risks/schools/{code}/\?year=2026$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Рисковый профиль:")
    expect(page.get_by_role("heading", name="Уровни факторов")).to_be_visible()
    expect(page.locator("ul.bars li")).to_have_count(factors)
    expect(page.locator("ul.bars .bar").first).to_be_attached()
    table = page.locator("table.data").first
    expect(table.locator("tbody tr")).to_have_count(factors)
    expect(table.locator("thead th")).to_have_text(
        ["Фактор", "Уровень", "Рассчитан", "ФИОКО", "Экспертная оценка", "Год назад"]
    )
    expect(table).to_contain_text("Низкая учебная мотивация обучающихся")
    page.get_by_text("Высокая доля обучающихся с рисками учебной неуспешности:", exact=False).first.click()
    expect(page.get_by_role("cell", name="Доля неуспевающих").first).to_be_visible()
    visit.screenshot("risk-profile")
    assert visit.foreign_requests == []
