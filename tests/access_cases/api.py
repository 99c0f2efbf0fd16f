"""The access cases of the REST API (joined into ``tests/test_access.py``).

An anonymous request is asked for a key (401); an object outside the user's scope is 404; a
write the access table refuses is 403; an allowed write with no data is 400 (its errors named).
"""

from tests.access_cases import EVERYONE, FORBIDDEN, NOT_FOUND, Case, _only
from tests.conftest import World

UNAUTHORIZED, INVALID = 401, 400
IN_SCOPE = _only("superuser", "region_admin", "coordinator", "curator", "school_team", "observer")


def _writers(*personas: str, other_region: int = INVALID) -> dict[str, int]:
    """An allowed write with an empty body is 400; a refused one 403; the other region's admin as given."""
    return {
        **_only(*personas, otherwise=FORBIDDEN),
        **{p: INVALID for p in personas},
        "other_region_admin": other_region,
    }


def _risks(world: World):
    from tests.test_access import _risks as risks

    return risks(world)


def _events(world: World):
    from tests.access_cases.events import _events as events

    return events(world)


def _result(world: World) -> dict:
    from opora.results.models import SchoolResult
    from tests.factories import SchoolResultFactory

    row = SchoolResult.objects.filter(school=world.school).first() or SchoolResultFactory(
        school=world.school, year=world.run.year
    )
    return {"pk": row.pk}


def _context(world: World) -> dict:
    return {"pk": world.school.contexts.order_by("year__end_year").last().pk}


def _partnership(world: World) -> dict:
    from opora.support.models import Partnership

    row, _ = Partnership.objects.get_or_create(school=world.school, partner=world.neighbour_school, year=2026)
    return {"pk": row.pk}


def _profile(world: World) -> dict:
    return {"pk": _risks(world).run.profiles.get(school=world.school).pk}


def _detail(name: str, title: str, kwargs, expected=IN_SCOPE) -> Case:
    return Case(f"api:{name}", title, expected, anonymous=UNAUTHORIZED, kwargs=kwargs)


def _list(name: str, title: str) -> Case:
    return Case(f"api:{name}", title, EVERYONE, anonymous=UNAUTHORIZED)


CASES = (
    _list("api-root", "API: перечень адресов"),
    _list("schema", "API: схема OpenAPI"),
    _list("docs", "API: документация (Swagger UI)"),
    _list("redoc", "API: документация (ReDoc)"),
    _list("municipality-list", "API: муниципалитеты"),
    _detail("municipality-detail", "API: муниципалитет", lambda world: {"pk": world.municipality.pk}),
    _list("school-list", "API: школы"),
    _detail("school-detail", "API: школа", lambda world: {"pk": world.school.pk}),
    _list("context-list", "API: контекстные данные"),
    _detail("context-detail", "API: контекст школы за год", _context),
    _list("result-list", "API: результаты"),
    _detail("result-detail", "API: результат школы", _result),
    _list("run-list", "API: расчёты выявления"),
    Case(
        "api:run-list",
        "API: запуск расчёта без данных",
        _writers("superuser", "region_admin", "coordinator"),
        anonymous=UNAUTHORIZED,
        method="post",
    ),
    _detail("run-detail", "API: расчёт выявления", lambda world: {"pk": world.run.pk}),
    _list("run-school-list", "API: строки расчётов"),
    _detail(
        "run-school-detail", "API: строка расчёта", lambda world: {"pk": world.run.schools.get(school=world.school).pk}
    ),
    _list("list-list", "API: перечни"),
    _detail("list-detail", "API: перечень", lambda world: {"pk": world.approved_list.pk}),
    _list("risk-profile-list", "API: рисковые профили"),
    _detail("risk-profile-detail", "API: рисковый профиль школы", _profile),
    _list("program-list", "API: программы"),
    Case(
        "api:program-list",
        "API: создание программы без данных",
        _writers("superuser", "region_admin", "coordinator", "school_team"),
        anonymous=UNAUTHORIZED,
        method="post",
    ),
    _detail("program-detail", "API: программа", lambda world: {"pk": _risks(world).program.pk}),
    _list("activity-list", "API: мероприятия"),
    Case(
        "api:activity-list",
        "API: новое мероприятие без данных",
        _writers("superuser", "region_admin", "coordinator", "school_team"),
        anonymous=UNAUTHORIZED,
        method="post",
    ),
    _detail("activity-detail", "API: мероприятие", lambda world: {"pk": _risks(world).activity.pk}),
    _detail("activity-history", "API: история мероприятия", lambda world: {"pk": _risks(world).activity.pk}),
    Case(
        "api:activity-status",
        "API: отметка о выполнении без отчёта",
        _writers("superuser", "region_admin", "coordinator", "school_team", other_region=NOT_FOUND),
        anonymous=UNAUTHORIZED,
        kwargs=lambda world: {"pk": _risks(world).activity.pk},
        method="post",
    ),
    _list("indicator-list", "API: показатели"),
    _detail("indicator-detail", "API: показатель", lambda world: {"pk": _risks(world).indicator.pk}),
    Case(
        "api:indicator-actuals",
        "API: факт показателя без данных",
        _writers("superuser", "region_admin", "coordinator", "school_team", other_region=NOT_FOUND),
        anonymous=UNAUTHORIZED,
        kwargs=lambda world: {"pk": _risks(world).indicator.pk},
        method="post",
    ),
    _list("partnership-list", "API: партнёрства"),
    _detail("partnership-detail", "API: партнёрство", _partnership),
    _list("event-list", "API: мероприятия (события)"),
    _detail("event-detail", "API: мероприятие (событие)", lambda world: {"pk": _events(world).event.pk}),
    Case(
        "api:event-register",
        "API: запись на мероприятие без данных",
        _writers("superuser", "region_admin", "coordinator", "school_team", other_region=NOT_FOUND),
        anonymous=UNAUTHORIZED,
        kwargs=lambda world: {"pk": _events(world).event.pk},
        method="post",
    ),
    _list("registration-list", "API: записи на мероприятия"),
    _detail("registration-detail", "API: запись на мероприятие", lambda world: {"pk": _events(world).registration.pk}),
)
