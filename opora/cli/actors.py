"""Whom a command acts for: ``--user`` names a user, whose rights and scope then apply."""

from __future__ import annotations

from django.core.management.base import CommandError

from opora.accounts.access import ACCESS, Action, can
from opora.accounts.models import User


def acting_user(username: str | None, action: Action) -> User | None:
    """The user a command acts for (``--user``), checked against the access table.

    Without ``--user`` the command acts for the installation (``None``), which may do everything.
    """
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"Пользователь «{username}» не найден или отключён.")
    if not can(user, action):
        raise CommandError(ACCESS[action].refusal)
    return user
