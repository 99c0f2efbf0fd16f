"""On a phone (390 px) the menu folds into a button and no page scrolls sideways."""

import pytest
from playwright.sync_api import expect

from opora.accounts.models import User
from opora.identification.models import IdentificationRun
from opora.identification.services import region_methodology, run_approve, run_now
from opora.schools.models import Region, School, SchoolYear
from opora.web.navigation import STAGES, stages_for
from tests.browser.conftest import SCREENSHOTS
from tests.conftest import ORDER

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def identified(region: Region) -> IdentificationRun:
    run = run_now(
        region=region,
        year=SchoolYear.objects.get(end_year=2026),
        methodology=region_methodology(region),
        by=None,
        progress=lambda percent, message: None,
    )
    run_approve(run=run, municipality=None, order=ORDER, by=User.objects.get(username="region_admin"))
    return run


def pages_of(user: User, run: IdentificationRun) -> list[str]:
    """Every page of the user's navigation, and the pages behind its first rows."""
    from django.urls import reverse

    paths = ["/"] + [reverse(item.url_name) for _stage, items in stages_for(user) for item, _current in items]
    school = School.objects.visible_to(user).order_by("code").first()
    line = run.schools.filter(school=school).first()
    paths += [
        reverse("schools:detail", args=[school.code]),
        reverse("identification:run", args=[run.pk]),
        reverse("identification:school", args=[run.pk, line.code]),
        reverse("identification:list", args=[run.approved_lists.get().pk]),
        reverse("identification:methodology", args=[run.methodology_id]),
    ]
    return paths


@pytest.mark.parametrize("username", ["region_admin", "school"])
def test_every_page_fits_a_phone(username, demo_region, browser, live_server):
    run = identified(demo_region.region)
    user = User.objects.get(username=username)
    context = browser.new_context(locale="ru-RU", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill("opora-demo")
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(live_server.url + "/")

    # The menu is one button on the first screen, and it opens the navigation
    menu = page.get_by_role("button", name="Меню")
    expect(menu).to_be_visible()
    navigation = page.get_by_role("navigation", name="Разделы")
    expect(navigation).to_be_hidden()
    menu.click()
    expect(navigation).to_be_visible()
    assert len(STAGES) >= 1

    wide = {}
    for path in pages_of(user, run):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = path.strip("/").replace("/", "-") or "home"
        page.screenshot(path=str(SCREENSHOTS / f"phone-{username}-{name}.png"), full_page=True)
        if width > PHONE["width"]:
            wide[path] = width
    context.close()
    assert wide == {}
