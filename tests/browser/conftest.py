"""Real-browser tests: Playwright driving Debian's chromium against a live server.

The browser is never downloaded: ``/usr/bin/chromium`` is installed by ``make test`` from
Debian's packages. Screenshots of every page visited are kept in ``var/test-artifacts``.
"""

import os
from pathlib import Path

import pytest

from opora.demo.generator import generate_region
from opora.demo.services import DEMO_PASSWORD, demo_region_load

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "screenshots"

# Playwright's sync API runs an event loop in this thread; the ORM calls of the fixtures are still
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} не найден: установите пакет chromium (make test делает это сам)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def demo_data():
    return generate_region(seed=11, n_schools=30, with_students=False)


@pytest.fixture
def demo_region(transactional_db, demo_data):
    return demo_region_load(region_data=demo_data)


class Visit:
    """A logged-in browser page that records requests and saves a screenshot per page."""

    def __init__(self, page, base_url: str, persona: str):
        self.page = page
        self.base_url = base_url
        self.persona = persona
        self.foreign_requests: list[str] = []
        page.on("request", self._check_request)

    def _check_request(self, request) -> None:
        if not request.url.startswith(self.base_url) and not request.url.startswith(("data:", "blob:")):
            self.foreign_requests.append(request.url)

    def open(self, path: str) -> None:
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.persona}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def login(self, username: str, password: str = DEMO_PASSWORD) -> None:
        self.open("/accounts/login/")
        self.page.get_by_label("Имя пользователя").fill(username)
        self.page.get_by_label("Пароль").fill(password)
        self.page.get_by_role("button", name="Войти").click()
        self.page.wait_for_url(self.base_url + "/")


@pytest.fixture
def visit(browser, live_server, request):
    context = browser.new_context(locale="ru-RU", viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    persona = getattr(request, "param", None) or request.node.callspec.params.get("username", "guest")
    yield Visit(page, live_server.url, persona)
    context.close()
