"""No page asks the database once per school: the main pages' query counts do not grow with the region."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.identification.models import RunSchool
from tests.factories import SchoolFactory

PAGES = (
    ("web:home", lambda world: {}),
    ("schools:list", lambda world: {}),
    ("schools:detail", lambda world: {"code": world.school.code}),
    ("intake:completeness", lambda world: {}),
    ("identification:runs", lambda world: {}),
    ("identification:run", lambda world: {"pk": world.run.pk}),
    ("identification:lists", lambda world: {}),
    ("risks:map", lambda world: {}),
    ("programs:list", lambda world: {}),
    ("programs:dashboard", lambda world: {}),
    ("network:partnerships", lambda world: {}),
    ("network:teachers", lambda world: {}),
    ("students:counts", lambda world: {}),
    ("events:list", lambda world: {}),
    ("events:participation", lambda world: {}),
    ("effectiveness:dashboard", lambda world: {}),
    ("effectiveness:overview", lambda world: {}),
)


def _add_schools(world, count: int, start: int) -> None:
    for index in range(start, start + count):
        school = SchoolFactory(municipality=world.municipality, code=f"01{index:04d}")
        RunSchool.objects.create(
            run=world.run,
            school=school,
            code=school.code,
            name=school.name,
            municipality=school.municipality.name,
            results_index=0.1 * (index % 7),
            results_index_lower=-0.2,
            results_index_upper=0.4,
            low_results=index % 5 == 0,
        )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(url)
    assert answer.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("name, kwargs", PAGES, ids=[name for name, _ in PAGES])
def test_the_query_count_does_not_grow_with_the_number_of_schools(name, kwargs, world, client):
    client.force_login(world.users["region_admin"])
    url = reverse(name, kwargs=kwargs(world))
    _add_schools(world, 5, 100)
    client.get(url)  # caches warmed (the session, the navigation)
    few = _queries(client, url)
    _add_schools(world, 25, 200)
    client.get(url)  # a page may fill a cache once after the data changed: that is not a query per school
    many = _queries(client, url)
    assert many <= few, f"{name}: {few} запросов при 8 школах, {many} — при 33"
