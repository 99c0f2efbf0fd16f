"""The access cases of the support network's pages (joined into ``tests/test_access.py``)."""

from dataclasses import dataclass

from django.utils import timezone

from tests.access_cases import EVERYONE, FORBIDDEN, NOT_FOUND, REDIRECT, Case, _only
from tests.conftest import World


@dataclass(frozen=True)
class NetworkObjects:
    """What the network's pages of the world's school show: an assignment, a visit, a concern, …"""

    assignment: object
    visit: object
    recommendation: object
    concern: object
    partnership: object
    teacher: object


def _network(world: World) -> NetworkObjects:
    """The network's objects of the world, made once per test."""
    cached = getattr(world, "_network", None)
    if cached is not None:
        return cached
    import datetime

    from opora.network.services import (
        concern_raise,
        curator_assign,
        partnership_confirm,
        teacher_save,
        visit_plan,
        visit_protocol_save,
    )

    curator = world.users["curator"]
    day = timezone.localdate()  # the product's today (Europe/Moscow), not the machine's
    (assignment,) = curator_assign(curator=curator, schools=[world.school], starts_on=day, by=None)
    visit = visit_plan(school=world.school, curator=curator, visited_on=day, by=curator)
    visit_protocol_save(
        visit=visit,
        status="held",
        participants="Директор",
        findings="Дорожная карта выполняется с отставанием",
        follow_up_on=day + datetime.timedelta(days=60),
        checks={},
        recommendations=[{"text": "Провести педсовет по итогам ВПР", "deadline": "в течение года"}],
        by=curator,
    )
    concern = concern_raise(school=world.school, reason="no_reports", description="Нет отчётов", by=curator)
    partnership = partnership_confirm(
        school=world.school, partner=world.sibling, year=world.run.year.end_year + 1, reasons="тест", by=None
    )
    teacher = teacher_save(school=world.school, teacher=None, data={"code": "T-1", "subjects": "математика"}, by=None)
    objects = NetworkObjects(
        assignment=assignment,
        visit=visit,
        recommendation=visit.recommendations.get(),
        concern=concern,
        partnership=partnership,
        teacher=teacher,
    )
    world._network = objects
    return objects


COORDINATORS = _only("superuser", "region_admin", "coordinator", "other_region_admin", otherwise=FORBIDDEN)
SUPPORTERS = _only("superuser", "region_admin", "coordinator", "curator", "other_region_admin", otherwise=FORBIDDEN)
IN_SCOPE = _only("superuser", "region_admin", "coordinator", "curator", "school_team", "observer")
SUPPORTERS_IN_SCOPE = {**SUPPORTERS, "other_region_admin": NOT_FOUND}
WORKERS = _only(
    "superuser", "region_admin", "coordinator", "curator", "school_team", "other_region_admin", otherwise=FORBIDDEN
)
WORKERS_IN_SCOPE = {**WORKERS, "other_region_admin": NOT_FOUND}
_coordinators_redirect = {
    **dict.fromkeys(("superuser", "region_admin", "coordinator", "other_region_admin"), REDIRECT),
    **dict.fromkeys(("curator", "school_team", "observer"), FORBIDDEN),
}

CASES = (
    Case("network:curators", "закрепление кураторов", COORDINATORS),
    Case("network:curators_order", "приказ о закреплении кураторов", COORDINATORS),
    Case(
        "network:assignment_end",
        "открепление куратора школы",
        {**_coordinators_redirect, "other_region_admin": NOT_FOUND},
        kwargs=lambda world: {"pk": _network(world).assignment.pk},
        method="post",
    ),
    Case("network:curator", "школы кураторов", SUPPORTERS),
    Case(
        "network:curator_detail",
        "страница куратора",
        SUPPORTERS_IN_SCOPE,
        kwargs=lambda world: {"pk": world.users["curator"].pk},
    ),
    Case("network:visits", "выездной мониторинг", EVERYONE),
    Case("network:visit_add", "новый выезд", SUPPORTERS),
    Case("network:visit", "протокол выезда", IN_SCOPE, kwargs=lambda world: {"pk": _network(world).visit.pk}),
    Case(
        "network:visit_edit",
        "заполнение протокола",
        SUPPORTERS_IN_SCOPE,
        kwargs=lambda world: {"pk": _network(world).visit.pk},
    ),
    Case(
        "network:recommendation_activity",
        "рекомендация выезда в дорожную карту",
        {
            **dict.fromkeys(("superuser", "region_admin", "coordinator", "curator"), REDIRECT),
            "school_team": FORBIDDEN,
            "observer": FORBIDDEN,
            "other_region_admin": NOT_FOUND,
        },
        kwargs=lambda world: {"pk": _network(world).visit.pk, "recommendation": _network(world).recommendation.pk},
        method="post",
    ),
    Case("network:concerns", "замечания о неучастии", EVERYONE),
    Case("network:concern_add", "новое замечание", SUPPORTERS),
    Case("network:concern", "замечание о школе", IN_SCOPE, kwargs=lambda world: {"pk": _network(world).concern.pk}),
    Case("network:partners", "подбор школ-партнёров", COORDINATORS),
    Case("network:partners_confirm", "утверждение пар", _coordinators_redirect, method="post"),
    Case("network:partnerships", "партнёрства школ", EVERYONE),
    Case(
        "network:partnership",
        "партнёрство школы",
        IN_SCOPE,
        kwargs=lambda world: {"pk": _network(world).partnership.pk},
    ),
    Case("network:teachers", "педагоги", WORKERS),
    Case(
        "network:school_teachers", "педагоги школы", WORKERS_IN_SCOPE, kwargs=lambda world: {"code": world.school.code}
    ),
    Case(
        "network:teacher_add",
        "новый педагог",
        {
            **_only("superuser", "region_admin", "coordinator", "school_team", otherwise=FORBIDDEN),
            "other_region_admin": NOT_FOUND,
        },
        kwargs=lambda world: {"code": world.school.code},
    ),
    Case("network:mentoring", "подбор наставников", WORKERS_IN_SCOPE, kwargs=lambda world: {"code": world.school.code}),
    Case("network:teacher", "педагог", WORKERS_IN_SCOPE, kwargs=lambda world: {"pk": _network(world).teacher.pk}),
)
