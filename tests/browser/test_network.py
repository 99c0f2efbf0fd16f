"""A curator's visit in a real browser: the curator plans a visit to a school, fills its protocol with a
finding and a recommendation, and turns the recommendation into an activity of the school's roadmap."""

import datetime

import pytest
from playwright.sync_api import expect

from opora.accounts.models import User
from opora.programs.services import program_create
from opora.support.models import MonitoringVisit
from tests.browser.conftest import Visit

pytestmark = pytest.mark.browser


def test_curator_records_a_visit_whose_recommendation_becomes_a_roadmap_activity(demo_region, browser, live_server):
    # Given the school team's roadmap, at a school the curator is assigned to
    team = User.objects.get(username="school")
    program = program_create(by=team, kind="roadmap", title="Дорожная карта школы", school=team.school)
    context = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})
    visit = Visit(context.new_page(), live_server.url, "curator")
    visit.login("curator")

    # When the curator opens their schools, plans a visit and fills in its protocol
    visit.open("/support/curator/")
    expect(visit.page.get_by_role("heading", name=team.school.code, exact=False).first).to_be_visible()
    visit.open(f"/support/visits/new/?school={team.school.code}")
    visit.page.get_by_label("Дата выезда").fill("2026-11-20")
    visit.page.get_by_label("Цель выезда").fill("Контроль исполнения дорожной карты")
    visit.page.get_by_role("button", name="Запланировать и открыть протокол").click()
    expect(visit.page.get_by_role("heading", name="Протокол выезда", exact=False)).to_be_visible()
    visit.page.get_by_label("Выводы").fill("Антирисковые программы утверждены, ИОМ педагогов не разработаны.")
    question = "У педагогов с выявленными дефицитами есть индивидуальные образовательные маршруты"
    visit.page.get_by_label(question).select_option("not_met")
    visit.page.locator("input[name$='-note']").nth(8).fill("ИОМ нет у 4 педагогов")
    visit.page.locator("#rec-0-text").fill("Разработать ИОМ педагогов с дефицитами по математике")
    visit.page.locator("#rec-0-deadline").fill("до 30.12.2026")
    visit.page.locator("#rec-0-owners").fill("Заместитель директора по УВР")
    visit.page.get_by_role("button", name="Сохранить протокол").click()
    expect(visit.page.get_by_text("Протокол выезда сохранён.")).to_be_visible()

    # and makes the recommendation an activity of the school's roadmap
    visit.page.get_by_role("button", name="Сделать мероприятием дорожной карты").click()
    expect(visit.page.get_by_text("Рекомендация добавлена", exact=False)).to_be_visible()
    visit.screenshot("visit-protocol")

    # Then the roadmap has the activity, linked to the visit's recommendation, with its deadline parsed
    recorded = MonitoringVisit.objects.get(school=team.school, visited_on=datetime.date(2026, 11, 20))
    assert recorded.status == "held"
    activity = program.activities.get()
    assert activity.recommendation.visit == recorded
    assert activity.content == "Разработать ИОМ педагогов с дефицитами по математике"
    assert str(activity.ends_on) == "2026-12-30"
    assert visit.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert visit.foreign_requests == []
    context.close()
