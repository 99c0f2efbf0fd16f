"""The roadmap of a school and the monitoring dashboard take as many queries for 200 activities as for 10.

Issue #12, point 10: the query count of these pages does not grow with the number of activities
(nor with the sections, events, comments, measures and indicators that come with them).
``bench/programs.py`` times the same pages at full size.
"""


from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.demo.programs import demo_roadmap
from opora.programs.models import (
    ActivityStatus,
    Program,
)
from opora.risks.models import Measure, RiskFactor
from tests.factories import SchoolFactory

STATUSES = list(ActivityStatus.values)


def roadmap(school, activities: int, *, team, curator) -> Program:
    region = school.municipality.region
    factor = RiskFactor.objects.filter(factor_set__region=region).first()
    measures = list(Measure.objects.filter(region=region)[:5])
    return demo_roadmap(
        school, activities, team=team, curator=curator, factor_key=factor.key if factor else "", measures=measures
    )


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_a_roadmap_takes_as_many_queries_for_200_activities_as_for_10(world, client):
    team, curator = world.users["school_team"], world.users["curator"]
    small = roadmap(world.school, 10, team=team, curator=curator)
    large = roadmap(world.school, 200, team=team, curator=curator)
    client.force_login(team)
    client.get(reverse("programs:detail", args=[small.pk]))  # the first request of a session does more

    few = queries_of(client, reverse("programs:detail", args=[small.pk]))
    many = queries_of(client, reverse("programs:detail", args=[large.pk]))

    assert many == few, f"{few} queries for 10 activities, {many} for 200"
    page = client.get(reverse("programs:detail", args=[large.pk])).content.decode()
    assert page.count("/activities/") >= 200
    assert "просрочено" in page and "мера" in page and "Изменено после утверждения" in page


def test_the_dashboard_takes_as_many_queries_for_50_schools_as_for_5(world, client):
    team, curator, coordinator = (world.users[name] for name in ("school_team", "curator", "coordinator"))
    client.force_login(coordinator)
    url = reverse("programs:dashboard")
    schools = [SchoolFactory(municipality=world.municipality) for _ in range(50)]
    for school in schools[:5]:
        roadmap(school, 10, team=team, curator=curator)
    client.get(url)

    few = queries_of(client, url)
    for school in schools[5:]:
        roadmap(school, 10, team=team, curator=curator)
    many = queries_of(client, url)

    assert many == few, f"{few} queries for 5 schools, {many} for 50"
    page = client.get(url).content.decode()
    assert all(school.display_name in page for school in schools)
