"""Two people editing the same activity: the second save, made against what the first has changed, is refused.

The version the form was filled against travels with it; a save against an older version writes
nothing and says who changed the activity and when.
"""

import datetime
import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from opora.programs.models import Activity, ActivityEvent, ActivityStatus, Evidence, Notification, Program
from opora.programs.services import activity_save, activity_status_change, program_create
from tests.factories import RegionFactory, UserFactory

STALE = re.compile(r"Мероприятие уже изменил Петров Пётр в \d\d:\d\d \d\d\.\d\d\.\d{4}; обновите страницу")


@pytest.fixture
def people(world):
    """Two members of the school's team: the one who saves first and the one whose form is then out of date."""
    first = UserFactory(
        username="petrov",
        last_name="Петров",
        first_name="Пётр",
        role="school_team",
        region=world.region,
        municipality=world.municipality,
        school=world.school,
    )
    return first, world.users["school_team"]


@pytest.fixture
def activity(world):
    team = world.users["school_team"]
    program = program_create(by=team, kind="roadmap", title="Дорожная карта школы", school=world.school)
    return activity_save(
        program=program,
        activity=None,
        data={"content": "Педсовет по итогам ВПР", "deadline": "ноябрь 2026", "ends_on": datetime.date(2026, 11, 30)},
        by=team,
    )


def test_a_save_against_an_older_version_is_refused_and_writes_nothing(activity, people):
    first, second = people
    # Given both opened the activity at the same version
    shown = activity.version
    mine = Activity.objects.get(pk=activity.pk)
    theirs = Activity.objects.get(pk=activity.pk)

    # When the first saves, then the second saves against the version both were shown
    activity_save(
        program=activity.program, activity=mine, data={"content": "Педсовет 5 ноября"}, by=first, expected_version=shown
    )
    records = activity.history.count()
    with pytest.raises(ValidationError) as refused:
        activity_save(
            program=activity.program,
            activity=theirs,
            data={"content": "Педсовет отменён", "owners": "Завуч"},
            by=second,
            expected_version=shown,
        )

    # Then the second is told who changed it and when, and the first's change stands untouched
    assert refused.value.code == "stale"
    assert STALE.search(refused.value.messages[0])
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.content, stored.owners, stored.version) == ("Педсовет 5 ноября", "", shown + 1)
    assert activity.history.count() == records


def test_a_save_against_the_current_version_goes_through_and_moves_the_version_on(activity, people):
    first, _second = people
    shown = activity.version

    saved = activity_save(
        program=activity.program, activity=activity, data={"content": "Педсовет"}, by=first, expected_version=shown
    )

    assert saved.version == shown + 1
    assert Activity.objects.get(pk=activity.pk).version == shown + 1
    # A caller without a form (the command line, an import) saves without the check, and moves the version too
    activity_save(program=activity.program, activity=saved, data={"content": "Педсовет-2"}, by=first)
    assert Activity.objects.get(pk=activity.pk).version == shown + 2


def test_a_status_change_against_an_older_version_is_refused_with_no_event_file_or_notice(activity, people):
    first, second = people
    shown = activity.version
    activity_status_change(
        activity=Activity.objects.get(pk=activity.pk),
        status=ActivityStatus.IN_PROGRESS,
        report="Начали",
        by=first,
        expected_version=shown,
    )
    events, notices = ActivityEvent.objects.count(), Notification.objects.count()

    with pytest.raises(ValidationError, match=STALE):
        activity_status_change(
            activity=Activity.objects.get(pk=activity.pk),
            status=ActivityStatus.DONE,
            report="Всё сделано",
            files=[SimpleUploadedFile("отчёт.pdf", b"%PDF-1.4 test", content_type="application/pdf")],
            by=second,
            expected_version=shown,
        )

    assert Activity.objects.get(pk=activity.pk).status == ActivityStatus.IN_PROGRESS
    counts = (ActivityEvent.objects.count(), Notification.objects.count(), Evidence.objects.count())
    assert counts == (events, notices, 0)


def _version_in(page: str) -> int:
    found = re.search(r'name="(?:status-)?version" value="(\d+)"', page)
    assert found, "the form carries the activity's version"
    return int(found.group(1))


def test_the_edit_page_refuses_a_stale_form_and_says_so(activity, people, client):
    first, second = people
    url = reverse("programs:activity_edit", args=[activity.program_id, activity.pk])
    # Given the second opened the edit form
    client.force_login(second)
    shown = _version_in(client.get(url).content.decode())
    client.logout()
    # and the first then saved a change through the same page
    client.force_login(first)
    fresh = _version_in(client.get(url).content.decode())
    assert client.post(url, {"content": "Педсовет 5 ноября", "version": fresh}).status_code == 302
    client.logout()

    # When the second sends the form they opened before
    client.force_login(second)
    response = client.post(url, {"content": "Педсовет отменён", "owners": "Завуч", "version": shown})

    # Then the form comes back with the reason at the top and the first's change stands
    assert response.status_code == 200
    assert STALE.search(response.content.decode())
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.content, stored.owners) == ("Педсовет 5 ноября", "")


def test_the_activity_page_refuses_a_stale_status_change(activity, people, client):
    first, second = people
    url = reverse("programs:activity", args=[activity.program_id, activity.pk])
    client.force_login(second)
    shown = _version_in(client.get(url).content.decode())
    client.logout()
    client.force_login(first)
    sent = {"status-status": "in_progress", "status-report": "Начали", "status-version": shown}
    assert client.post(url, sent).status_code == 302
    client.logout()

    client.force_login(second)
    response = client.post(url, {"status-status": "done", "status-report": "Сделано", "status-version": shown})

    assert response.status_code == 200
    assert STALE.search(response.content.decode())
    assert Activity.objects.get(pk=activity.pk).status == ActivityStatus.IN_PROGRESS
    assert list(ActivityEvent.objects.filter(activity=activity).values_list("status_to", flat=True)) == ["in_progress"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_one_goes_through_and_the_other_is_refused():
    # Given an activity two people opened at version 1
    region = RegionFactory(name="Область одновременных правок")
    program = Program.objects.create(region=region, kind="roadmap", title="Дорожная карта")
    activity = Activity.objects.create(program=program, number="1", content="Педсовет")
    people = [UserFactory(username=f"editor{index}", role="region_admin", region=region) for index in (1, 2)]
    start = threading.Barrier(2)
    outcomes = []

    def save(user, text):
        try:
            start.wait()
            activity_save(
                program=program,
                activity=Activity.objects.get(pk=activity.pk),
                data={"content": text},
                by=user,
                expected_version=1,
            )
            outcomes.append(("saved", text))
        except ValidationError as error:
            outcomes.append((error.code, text))
        finally:
            connection.close()

    # When both save at once, each in its own connection
    threads = [threading.Thread(target=save, args=(user, f"Правка {user.username}")) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then exactly one change is written and the other is refused as stale
    assert sorted(outcome for outcome, _text in outcomes) == ["saved", "stale"]
    winner = next(text for outcome, text in outcomes if outcome == "saved")
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.content, stored.version) == (winner, 2)
    assert activity.history.filter(history_type="~").count() == 1
