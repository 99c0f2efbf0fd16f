"""Another school's objects through every address with an id: «не найдено» (404), never the object.

Every case of ``tests/test_access.py`` whose address names an object (an id or a school's code)
is opened by the team of the world's school and by the team of another school of the same
municipality. Where the school's own team may open or change the object, it is the school's, and
the other team gets 404; where the role itself is refused (403) before any object is looked up,
the refusal says nothing about the object. Objects of the municipality or the region
(events, questionnaires, the list, the run) are shared on purpose: they are listed in ``SHARED``,
(by address, or by address and case where one address shows both kinds), and for them the
other team gets exactly what the school's own team gets.
"""

from django.urls import reverse

from opora.accounts.models import Role
from tests.conftest import World
from tests.factories import UserFactory
from tests.test_access import CASES

FOUND_OR_ACTED = {200, 302, 400, 405}

SHARED = {
    # the municipality's and the region's own objects, seen by every school of them
    "api:municipality-detail",
    "api:run-detail",
    "api:list-detail",
    "api:event-detail",
    "api:event-register",
    "identification:run",
    "identification:run_export",
    "identification:run_export_csv",
    "identification:list",
    "identification:list_docx",
    "identification:list_xlsx",
    "identification:methodology",
    "risks:run",
    "risks:questionnaire",
    "events:detail",
    "events:event_ics",
    "effectiveness:meeting",
    # addresses whose argument is no object of a school: a chart's or a form's name, a link's token
    "effectiveness:chart_png",
    "effectiveness:chart_xlsx",
    "intake:form_export",
    "intake:form_template",
    "survey",
    # a published practice of the bank is shared between schools by design (a draft is not)
    "practices:detail (опубликованная практика региона)",
    "practices:material (материал опубликованной практики)",
    "practices:public_detail",
    "practices:public_material",
    # a partnership is seen from both of its schools (the world's pairs the school with its sibling)
    "network:partnership",
}


def _answer(client, case, url: str, user) -> int:
    client.force_login(user)
    send = client.post if case.method == "post" else client.get
    status = send(url).status_code
    client.logout()
    return status


def test_another_schools_objects_are_not_found_through_any_address(world: World, client):
    # Given the team of another school of the same municipality
    own_team = world.users["school_team"]
    other_team = UserFactory(
        username="sibling_team",
        role=Role.SCHOOL_TEAM,
        region=world.region,
        municipality=world.municipality,
        school=world.sibling,
    )

    # When each address with an object is opened by both teams
    leaks, checked, shared = {}, 0, {}
    for case in CASES:
        kwargs = case.kwargs(world)
        if not kwargs:
            continue
        url = reverse(case.url_name, kwargs=kwargs)
        own = _answer(client, case, url, own_team)
        other = _answer(client, case, url, other_team)
        key = f"{case.method} {case.url_name}"
        if case.url_name in SHARED or f"{case.url_name} ({case.title})" in SHARED:
            shared[key] = (own, other)
            continue
        checked += 1
        if own in FOUND_OR_ACTED and other != 404:
            leaks[key] = (own, other)  # the school's object reached the other team
        elif own == 403 and other not in (403, 404):
            leaks[key] = (own, other)  # the other team may do what the school's own may not
        # own 404: not the school's object (the other school's, or none): the other team's own business

    # Then no object of the school reaches the other team, and a shared one reaches both alike
    assert checked > 50
    assert leaks == {}, "\n".join(f"{k}: {v}" for k, v in sorted(leaks.items()))
    assert {key: pair for key, pair in shared.items() if pair[0] != pair[1]} == {}
