"""The access cases of the pages of opora.events (joined into ``tests/test_access.py``)."""

from dataclasses import dataclass

from tests.access_cases import EVERYONE, FORBIDDEN, NOT_FOUND, REDIRECT, Case, _only
from tests.conftest import World


@dataclass(frozen=True)
class EventObjects:
    """A held seminar of the world's municipality with the world's school registered and present."""

    event: object
    registration: object


def _events(world: World) -> EventObjects:
    cached = getattr(world, "_events", None)
    if cached is not None:
        return cached
    import datetime

    from django.utils import timezone

    from opora.events.models import Event, Registration

    held = timezone.now() - datetime.timedelta(days=3)
    event = Event.objects.create(
        region=world.region,
        municipality=world.municipality,
        title="Семинар «Анализ результатов ВПР»",
        kind="seminar",
        organiser="ММО учителей математики",
        starts_at=held,
        status="held",
    )
    # Attendance is marked: withdrawing the registration or cancelling the event is refused (and
    # the page redirects with the reason), so every role's request leaves them in place.
    registration = Registration.objects.create(event=event, school=world.school, participants=2, attended=True)
    world._events = EventObjects(event=event, registration=registration)
    return world._events


IN_SCOPE = _only("superuser", "region_admin", "coordinator", "curator", "school_team", "observer")
MANAGERS = {
    **_only("superuser", "region_admin", "coordinator", otherwise=FORBIDDEN),
    "other_region_admin": NOT_FOUND,
}
_managers_redirect = {
    **dict.fromkeys(("superuser", "region_admin", "coordinator"), REDIRECT),
    **dict.fromkeys(("curator", "school_team", "observer"), FORBIDDEN),
    "other_region_admin": NOT_FOUND,
}


def _event(world: World) -> dict:
    return {"pk": _events(world).event.pk}


CASES = (
    Case("events:list", "мероприятия", EVERYONE),
    Case("events:export", "мероприятия в Excel", EVERYONE),
    Case("events:calendar", "календарь мероприятий", EVERYONE),
    Case("events:ics", "мероприятия в .ics", EVERYONE),
    Case("events:participation", "участие школ в мероприятиях", EVERYONE),
    Case("events:participation_export", "участие школ в Excel", EVERYONE),
    Case(
        "events:add",
        "новое мероприятие",
        _only("superuser", "region_admin", "coordinator", "other_region_admin", otherwise=FORBIDDEN),
    ),
    Case("events:detail", "мероприятие", IN_SCOPE, kwargs=_event),
    Case("events:event_ics", "мероприятие в .ics", IN_SCOPE, kwargs=_event),
    Case("events:edit", "изменение мероприятия", MANAGERS, kwargs=_event),
    Case("events:attendance", "отметка посещения", MANAGERS, kwargs=_event),
    Case("events:cancel", "отмена мероприятия", _managers_redirect, kwargs=_event, method="post"),
    Case(
        "events:registration_cancel",
        "отмена записи школы",
        {
            **dict.fromkeys(("superuser", "region_admin", "coordinator", "school_team"), REDIRECT),
            "curator": FORBIDDEN,
            "observer": FORBIDDEN,
            "other_region_admin": NOT_FOUND,
        },
        kwargs=lambda world: {"pk": _events(world).registration.pk},
        method="post",
    ),
)
