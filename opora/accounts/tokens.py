"""Keys of the REST API for other systems: one per user, issued, replaced or withdrawn by the installation.

A key acts for its user with that user's role and scope, exactly as the user's pages do; it is
stored as DRF's ``Token`` and sent as ``Authorization: Token <ключ>``.
"""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from opora.accounts.models import User


@transaction.atomic
def token_issue(*, user: User, replace: bool = False) -> str:
    """The user's key; ``replace`` withdraws the old one (a system holding it is refused from now on)."""
    if replace:
        Token.objects.filter(user=user).delete()
    token, _created = Token.objects.get_or_create(user=user)
    return token.key


def token_revoke(*, user: User) -> bool:
    """Withdraw the user's key; whether there was one."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted > 0
