import pytest
from django.urls import reverse

from opora.accounts.models import Role
from tests.factories import UserFactory

PASSWORD = "пароль-для-тестов"


@pytest.fixture
def coordinator(world):
    return world.users["coordinator"]


def test_login_leads_home_with_scope_in_top_bar(client, coordinator):
    response = client.post(
        reverse("accounts:login"), {"username": "coordinator", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain == [(reverse("web:home"), 302)]
    page = response.content.decode()
    assert "Заречный район" in page
    assert "Муниципальный координатор" in page


def test_wrong_password_is_explained_in_russian(client, coordinator):
    response = client.post(reverse("accounts:login"), {"username": "coordinator", "password": "не тот"})
    assert response.status_code == 200
    assert "Неверное имя пользователя или пароль" in response.content.decode()


def test_login_is_throttled_after_five_failures(client, coordinator):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "coordinator", "password": "не тот"})
    response = client.post(reverse("accounts:login"), {"username": "coordinator", "password": PASSWORD})
    assert response.status_code == 429
    assert "Вход временно заблокирован" in response.content.decode()


def test_logout_ends_the_session(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 302


def test_password_change(client, db):
    user = UserFactory(username="teacher", role=Role.OBSERVER)
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Новый-пароль-2026",
            "new_password2": "Новый-пароль-2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Новый-пароль-2026")


def test_passwords_are_hashed_with_argon2(settings, db):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = UserFactory(username="argon", password="Надёжный-пароль-1")
    assert user.password.startswith("argon2$")
