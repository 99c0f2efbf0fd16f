"""The access cases of the pages of opora.effectiveness (joined into ``tests/test_access.py``)."""

from tests.access_cases import EVERYONE, FORBIDDEN, NOT_FOUND, REDIRECT, Case, _only
from tests.conftest import World


def _meeting(world: World):
    cached = getattr(world, "_meeting", None)
    if cached is not None:
        return cached
    import datetime

    from opora.effectiveness.services import decision_add, meeting_save

    meeting = meeting_save(
        meeting=None,
        region=world.region,
        municipality=world.municipality,
        data={"held_on": datetime.date(2026, 12, 1), "protocol_number": "4"},
        by=None,
    )
    decision = decision_add(meeting=meeting, text="Провести выезды в ШНОР", owner="ММС", deadline=None, by=None)
    world._meeting = (meeting, decision)
    return world._meeting


IN_SCOPE = _only("superuser", "region_admin", "coordinator", "curator", "school_team", "observer")

CASES = (
    Case("effectiveness:overview", "эффективность программы", EVERYONE),
    Case("effectiveness:export", "эффективность в Excel", EVERYONE),
    Case("effectiveness:meetings", "совет руководителей", EVERYONE),
    Case("effectiveness:dashboard", "состояние программы", EVERYONE),
    Case(
        "effectiveness:school_dashboard",
        "состояние программы в школе",
        IN_SCOPE,
        kwargs=lambda world: {"code": world.school.code},
    ),
    Case(
        "effectiveness:school_note",
        "аналитическая справка школы",
        IN_SCOPE,
        kwargs=lambda world: {"code": world.school.code},
    ),
    Case(
        "effectiveness:report",
        "отчёт совету руководителей",
        {**EVERYONE, "school_team": FORBIDDEN},
        kwargs=lambda world: {"kind": "council-report"},
    ),
    Case("effectiveness:chart_png", "график состояния программы", EVERYONE, kwargs=lambda world: {"key": "lists"}),
    Case("effectiveness:chart_xlsx", "данные графика", EVERYONE, kwargs=lambda world: {"key": "coverage"}),
    Case("effectiveness:meeting", "заседание совета", IN_SCOPE, kwargs=lambda world: {"pk": _meeting(world)[0].pk}),
    Case(
        "effectiveness:decision_status",
        "отметка исполнения решения",
        {
            **dict.fromkeys(("superuser", "region_admin", "coordinator"), REDIRECT),
            **dict.fromkeys(("curator", "school_team", "observer"), FORBIDDEN),
            "other_region_admin": NOT_FOUND,
        },
        kwargs=lambda world: {"pk": _meeting(world)[1].pk},
        method="post",
    ),
)
