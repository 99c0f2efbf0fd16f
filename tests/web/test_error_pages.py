"""Error pages are Russian pages of the product, with the way back: 404, 403, 500 and a stale form."""

import pytest
from django.test import Client
from django.urls import reverse


def assert_product_page(response, status: int, heading: str) -> str:
    page = response.content.decode()
    assert response.status_code == status
    assert '<html lang="ru">' in page
    assert f"<h1>{heading}</h1>" in page
    assert "На главную страницу Опоры" in page
    return page


def test_not_found_is_a_russian_page_with_the_menu(world, client, settings):
    settings.DEBUG = False
    client.force_login(world.users["coordinator"])
    page = assert_product_page(client.get("/нет-такой-страницы/"), 404, "Страница не найдена")
    assert 'aria-label="Разделы"' in page  # the navigation stays, so the way on is one click


def test_forbidden_says_why_in_russian(world, client, settings):
    settings.DEBUG = False
    client.force_login(world.users["coordinator"])
    response = client.get(reverse("identification:methodology_edit", args=[world.run.methodology_id]))
    page = assert_product_page(response, 403, "Недостаточно прав")
    assert "Изменять методику может региональный администратор." in page


@pytest.mark.urls("tests.web.urls_with_failure")
def test_server_error_is_a_russian_page(world, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(world.users["coordinator"])
    page = assert_product_page(client.get("/failing/"), 500, "Ошибка на сервере")
    assert "Данные не изменены" in page


def test_a_stale_form_is_explained(world, settings):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["coordinator"])
    page = assert_product_page(client.post(reverse("accounts:logout")), 403, "Форма устарела")
    assert "данные не изменены" in page
