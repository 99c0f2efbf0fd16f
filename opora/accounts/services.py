"""Writes of the accounts: a user's personal data deleted on request.

The history keeps who did what and when; a request to delete a person's data removes their names
and e-mail from the user and from every history record of the user, and leaves the fact of the
deletion (who deleted, when) as a history record of its own.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError

from opora.accounts.models import User
from opora.core.audit import history_erase

ERASED = "удалён по запросу"
PERSONAL_FIELDS = ("first_name", "last_name", "patronymic", "email", "position")


def _erased_values(user: User) -> dict[str, str]:
    return dict.fromkeys(PERSONAL_FIELDS, "") | {"username": f"удалён-{user.pk}"}


def _erase(user: User, by: User | None) -> None:
    values = _erased_values(user)
    history_erase(user, values)
    for name, value in values.items():
        setattr(user, name, value)
    user._change_reason = ERASED
    # The one who deleted is named, unless it is the user themself (their row may be about to go).
    user._history_user = by if by is not None and by.pk != user.pk else None


@transaction.atomic
def user_erase(*, user: User, by: User | None) -> User:
    """Delete a user's personal data on request, keeping the account (switched off) and its history.

    The account stays as «удалён-N» so that the records the person made still say that one person
    made them; the names, e-mail and position are gone from the user and from its history.
    """
    _erase(user, by)
    user.is_active = False
    user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def user_delete(*, user: User, by: User | None) -> bool:
    """Delete a user on request; True when the row went, False when it was kept switched off and
    without personal data because records of the product name it (a program, a list, a judgement)."""
    _erase(user, by)
    try:
        with transaction.atomic():
            user.delete()
    except ProtectedError:
        user_erase(user=user, by=by)
        return False
    return True
