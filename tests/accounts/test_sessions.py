"""A signed-in session ends: after the session's age (10 hours by default) the user signs in again."""

import datetime

from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.conftest import World


def test_a_session_past_its_age_asks_to_sign_in_again(world: World, client):
    # Given a user signed in, whose session works
    client.force_login(world.users["coordinator"])
    assert client.get(reverse("web:home")).status_code == 200
    session = Session.objects.get()
    assert session.expire_date - timezone.now() <= datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)

    # When the session's age has passed
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    # Then the next page sends to the sign-in page
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_session_lasts_a_working_day_and_its_cookie_is_not_for_scripts():
    assert settings.SESSION_COOKIE_AGE == 10 * 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY is True
