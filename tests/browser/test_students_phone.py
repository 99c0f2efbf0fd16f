"""On a phone (390 px) the bank and the counts pages fit the screen, and the team adds a record there."""

import pytest

from opora.students.models import Student
from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _login(page, base_url: str, username: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill("opora-demo")
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(base_url + "/")


def test_the_bank_pages_fit_a_phone(demo_region, browser, live_server):
    # The demo region holds the students' banks (opora.demo.students).
    student = Student.objects.filter(school__team__username="school").order_by("code").first()
    code = student.school.code
    paths = {
        "school": [
            f"/students/school/{code}/",
            f"/students/{student.pk}/",
            f"/students/{student.pk}/routes/add/",
            f"/students/school/{code}/add/",
            "/students/",
        ],
        "region_admin": ["/students/"],
    }
    wide = {}
    for username, pages in paths.items():
        context = browser.new_context(locale="ru-RU", viewport=PHONE, is_mobile=True)
        page = context.new_page()
        _login(page, live_server.url, username)
        for path in pages:
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = path.strip("/").replace("/", "-")
            page.screenshot(path=str(SCREENSHOTS / f"phone-{username}-{name}.png"), full_page=True)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                wide[f"{username} {path}"] = width
        if username == "school":
            page.goto(live_server.url + f"/students/{student.pk}/difficulties/add/")
            page.get_by_label("Вид трудности").select_option("attendance")
            page.get_by_role("button", name="Сохранить").click()
            page.wait_for_url(live_server.url + f"/students/{student.pk}/")
            assert "пропуски занятий" in page.content()
        context.close()
    assert wide == {}
