"""The roadmap of a school and the monitoring dashboard take as many queries for 200 activities as for 10.

Issue #12, point 10: the query count of these pages does not grow with the number of activities
(nor with the sections, events, comments, measures and indicators that come with them).
``bench/programs.py`` times the same pages at full size.
"""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opora.programs.models import (
    Activity,
    ActivityEvent,
    ActivityStatus,
    Comment,
    IndicatorActual,
    Program,
    ProgramIndicator,
    ProgramKind,
    ProgramReview,
    ProgramSection,
    ProgramStatus,
    ProgramVersion,
    ReviewProgress,
    StatusChange,
)
from opora.programs.services import program_content
from opora.risks.models import Measure, RiskFactor
from tests.factories import SchoolFactory

STATUSES = list(ActivityStatus.values)


def roadmap(school, activities: int, *, team, curator) -> Program:
    """A school's roadmap: sections, activities of every status (some overdue, some with a catalog measure),
    events and comments on them, indicators with actuals, workflow steps, reviews, a version and a child."""
    today = timezone.localdate()
    region = school.municipality.region
    factor = RiskFactor.objects.filter(factor_set__region=region).first()
    measures = list(Measure.objects.filter(region=region)[:5])
    program = Program.objects.create(
        region=region,
        municipality=school.municipality,
        school=school,
        kind=ProgramKind.ROADMAP,
        title=f"Дорожная карта {school.code} на {activities} мероприятий",
        tasks="Повысить качество обучения\nРазвить внеурочную деятельность",
        goal="Повышение образовательных результатов",
        factor_key=factor.key if factor else "",
        status=ProgramStatus.APPROVED,
        order_number="1-од",
        order_date=today,
        next_review_on=today + datetime.timedelta(days=10 if activities % 2 else -10),
        created_by=team,
    )
    sections = ProgramSection.objects.bulk_create(
        ProgramSection(program=program, number=f"{index}.", title=f"Направление {index}", position=index)
        for index in range(1, 1 + max(2, activities // 40))
    )
    items = Activity.objects.bulk_create(
        Activity(
            program=program,
            section=sections[index % len(sections)] if index % 7 else None,
            number=str(index + 1),
            position=index,
            content=f"Мероприятие {index + 1}: методический семинар по итогам ВПР",
            deadline="в течение года",
            starts_on=today - datetime.timedelta(days=60),
            ends_on=today + datetime.timedelta(days=(index % 90) - 45),
            owners=f"Заместитель директора {index % 4}",
            expected_result="Проведён семинар",
            measure=measures[index % len(measures)] if measures and index % 5 == 0 else None,
            status=STATUSES[index % len(STATUSES)],
        )
        for index in range(activities)
    )
    ActivityEvent.objects.bulk_create(
        ActivityEvent(
            activity=item,
            status_from=ActivityStatus.NOT_STARTED,
            status_to=item.status,
            report="Сделано по плану",
            created_by=team,
        )
        for item in items[::3]
    )
    comments = Comment.objects.bulk_create(
        Comment(activity=item, author=curator, text="Приложите протокол") for item in items[::4]
    )
    Comment.objects.bulk_create(
        Comment(activity=comment.activity, parent=comment, author=team, text="Приложили") for comment in comments
    )
    indicators = ProgramIndicator.objects.bulk_create(
        ProgramIndicator(
            program=program,
            number=str(index + 1),
            position=index,
            name=f"Доля обучающихся с отметками «4» и «5», показатель {index + 1}",
            unit="%",
            baseline="40",
            targets={"2025/2026": 45 + index, "2026/2027": 50 + index},
        )
        for index in range(max(2, activities // 20))
    )
    IndicatorActual.objects.bulk_create(
        IndicatorActual(
            indicator=indicator,
            period=period,
            value=44.0 + index,
            source="ВПР",
            measured_on=today,
            entered_by=team,
        )
        for index, indicator in enumerate(indicators)
        for period in ("2025/2026", "2026/2027")[: 1 + index % 2]
    )
    StatusChange.objects.create(
        program=program, status_from=ProgramStatus.DRAFT, status_to=ProgramStatus.REVIEW, created_by=team
    )
    StatusChange.objects.create(
        program=program,
        status_from=ProgramStatus.REVIEW,
        status_to=ProgramStatus.APPROVED,
        checklist={"structure": "yes"},
        created_by=curator,
    )
    ProgramReview.objects.create(
        program=program,
        reviewed_on=today,
        overall=ReviewProgress.SOME,
        tasks={"Повысить качество обучения": "some"},
        created_by=curator,
    )
    content = program_content(program)
    content["activities"] = content["activities"][1:]  # the roadmap has changed since its approved version
    ProgramVersion.objects.create(program=program, number=1, content=content, order_number="1-од", created_by=team)
    Program.objects.create(
        region=region,
        municipality=school.municipality,
        school=school,
        kind=ProgramKind.ANTIRISK,
        title="Антирисковая программа",
        parent=program,
        created_by=team,
    )
    return program


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
