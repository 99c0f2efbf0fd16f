"""The REST API: the same scopes, access table and services as the pages, Russian errors, tokens, pages of rows."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from opora.accounts.access import ACCESS, Action
from opora.accounts.tokens import token_issue, token_revoke
from opora.events.models import Event, Registration
from opora.programs.models import ActivityEvent, Program, ProgramStatus
from opora.programs.services import activity_save, indicator_save, program_create
from opora.schools.models import School
from tests.conftest import World
from tests.factories import SchoolFactory


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)}")
    return client


def _program(world: World):
    program = program_create(
        by=world.users["school_team"], kind="antirisk", title="Антирисковая программа", school=world.school
    )
    activity = activity_save(
        program=program,
        activity=None,
        data={"content": "Диагностика дефицитов педагогов", "deadline": "до 01.03.2027"},
        by=world.users["school_team"],
    )
    indicator = indicator_save(
        program=program,
        indicator=None,
        data={
            "name": "Доля педагогов, прошедших диагностику",
            "unit": "%",
            "direction": "higher",
            "targets": {"2027": "80"},
        },
        by=world.users["school_team"],
    )
    return program, activity, indicator


def test_anonymous_is_asked_to_sign_in_in_russian(world: World):
    # When a request comes without a key
    response = _client().get("/api/schools/")

    # Then it is refused with 401 and a Russian reason
    assert response.status_code == 401
    assert response.json() == {"detail": "Учетные данные не были предоставлены."}
    assert response["WWW-Authenticate"] == "Token"


def test_a_wrong_or_revoked_key_is_refused(world: World):
    user = world.users["coordinator"]
    client = _client(user)
    assert client.get("/api/schools/").status_code == 200

    # When the key is withdrawn
    token_revoke(user=user)

    # Then the same key is refused
    assert client.get("/api/schools/").status_code == 401


def test_a_school_team_sees_only_its_school(world: World):
    # When the school's team lists the schools
    body = _client(world.users["school_team"]).get("/api/schools/").json()

    # Then it sees its own school only
    assert body["count"] == 1
    assert [row["code"] for row in body["results"]] == [world.school.code]
    assert body["results"][0]["municipality_name"] == world.municipality.name


@pytest.mark.parametrize(
    ("persona", "codes"),
    [
        ("region_admin", ["010001", "010002", "020001"]),
        ("coordinator", ["010001", "010002"]),
        ("curator", ["010001"]),
        ("observer", ["010001", "010002", "020001"]),
        ("other_region_admin", ["990001"]),
    ],
)
def test_every_role_sees_its_scope(world: World, persona: str, codes: list[str]):
    body = _client(world.users[persona]).get("/api/schools/").json()
    assert [row["code"] for row in body["results"]] == codes


def test_an_object_outside_the_scope_is_not_found(world: World):
    # When the school's team asks for another school by its id
    response = _client(world.users["school_team"]).get(f"/api/schools/{world.sibling.pk}/")

    # Then the answer is «не найдено», as if there were no such school
    assert response.status_code == 404
    assert response.json() == {"detail": "Не найдено (или недоступно вам)."}


def test_rows_come_in_pages(world: World):
    for number in range(3, 8):
        SchoolFactory(municipality=world.municipality, code=f"0100{number:02d}")
    client = _client(world.users["coordinator"])

    # When the coordinator asks for pages of three
    first = client.get("/api/schools/?page_size=3").json()
    second = client.get(first["next"]).json()

    # Then every school comes once, in order
    assert first["count"] == 7
    codes = [row["code"] for row in first["results"] + second["results"]]
    assert codes == sorted(School.objects.filter(municipality=world.municipality).values_list("code", flat=True))[:6]
    assert second["previous"] is not None

    # And a page that does not exist is «не найдено» in Russian
    missing = client.get("/api/schools/?page=99")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Не найдено (или недоступно вам)."


def test_filters_and_their_errors(world: World):
    client = _client(world.users["region_admin"])

    # When the schools are filtered by municipality and by search
    by_municipality = client.get(f"/api/schools/?municipality={world.neighbour.pk}").json()
    by_search = client.get("/api/schools/?search=Берёзовка").json()
    # And the context by school and year
    context = client.get(f"/api/contexts/?code={world.school.code}&year=2026").json()

    # Then each returns exactly the rows asked for
    assert [row["code"] for row in by_municipality["results"]] == ["020001"]
    assert [row["code"] for row in by_search["results"]] == ["010001"]
    assert [(row["code"], row["year"]) for row in context["results"]] == [("010001", 2026)]

    # And a value of the wrong kind is a 400 naming the filter, in Russian
    response = client.get("/api/schools/?municipality=много")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Запрос не выполнен: проверьте данные."
    assert body["errors"] == {"municipality": ["Введите целое число."]}


def test_run_lines_keep_three_states(world: World):
    line = world.run.schools.get(school=world.sibling)
    line.objectivity_risk = None
    line.unknown_reasons = {"objectivity_risk": "меньше 20 участников ВПР"}
    line.save()

    # When the region's admin reads the run's lines
    body = _client(world.users["region_admin"]).get(f"/api/run-schools/?run={world.run.pk}&code=010002").json()

    # Then an unknown flag is null with its reason, a known «no» is false
    (row,) = body["results"]
    assert row["objectivity_risk"] is None
    assert row["unknown_reasons"] == {"objectivity_risk": "меньше 20 участников ВПР"}
    assert row["low_results"] is False


def test_the_approved_list_shows_a_school_team_its_own_line(world: World):
    # When the school's team reads its municipality's approved list
    body = _client(world.users["school_team"]).get(f"/api/lists/{world.approved_list.pk}/").json()

    # Then the order is there and only the school's own entry
    assert body["order_number"] == world.approved_list.order_number
    assert {entry["code"] for entry in body["entries"]} <= {world.school.code}


def test_a_program_is_created_and_changed_through_the_services(world: World):
    client = _client(world.users["school_team"])

    # When the school's team creates a program and changes its goal
    created = client.post(
        "/api/programs/", {"kind": "antirisk", "title": "Программа по фактору «Низкая мотивация»"}, format="json"
    )
    program = Program.objects.get(pk=created.json()["id"])
    changed = client.patch(f"/api/programs/{program.pk}/", {"goal": "Повысить мотивацию"}, format="json")

    # Then it is a draft of the team's school with the new goal
    assert created.status_code == 201
    assert (program.school, program.status, program.created_by) == (
        world.school,
        ProgramStatus.DRAFT,
        world.users["school_team"],
    )
    assert changed.status_code == 200
    assert changed.json()["goal"] == "Повысить мотивацию"


def test_a_write_not_in_the_access_table_is_refused_with_its_reason(world: World):
    # When an observer tries to create a program
    response = _client(world.users["observer"]).post(
        "/api/programs/", {"kind": "antirisk", "title": "Программа"}, format="json"
    )

    # Then it is refused with the access table's own words
    assert response.status_code == 403
    assert response.json() == {"detail": ACCESS[Action.EDIT_PROGRAM].refusal}


def test_a_program_of_another_developer_cannot_be_changed(world: World):
    program, _activity, _indicator = _program(world)

    # When the school's curator tries to change it
    response = _client(world.users["curator"]).patch(f"/api/programs/{program.pk}/", {"goal": "x"}, format="json")

    # Then the curator (who reviews, not develops) is refused
    assert response.status_code == 403


def test_an_activity_status_is_recorded_with_its_report(world: World):
    _, activity, _indicator = _program(world)
    client = _client(world.users["school_team"])

    # When the team marks the activity done without a report
    empty = client.post(f"/api/activities/{activity.pk}/status/", {"status": "done", "report": " "}, format="json")
    # And then with one
    done = client.post(
        f"/api/activities/{activity.pk}/status/",
        {"status": "done", "report": "Диагностика проведена, протокол № 3"},
        format="json",
    )

    # Then the first is refused by the service's own rule, naming the field
    assert empty.status_code == 400
    assert "report" in empty.json()["errors"]
    # And the second is kept in the activity's history
    assert done.status_code == 201
    event = ActivityEvent.objects.get(activity=activity)
    assert (event.status_from, event.status_to, event.created_by) == ("not_started", "done", world.users["school_team"])
    history = client.get(f"/api/activities/{activity.pk}/history/").json()
    assert [row["status_to_label"] for row in history] == ["выполнено"]
    assert client.get(f"/api/activities/{activity.pk}/").json()["status"] == "done"


def test_an_activity_is_added_to_the_roadmap(world: World):
    program, _activity, _indicator = _program(world)
    client = _client(world.users["school_team"])

    # When an activity is added, and one is asked for another program's section
    added = client.post(
        "/api/activities/",
        {"program": program.pk, "content": "Семинар для педагогов", "deadline": "ноябрь 2026"},
        format="json",
    )
    missing = client.post("/api/activities/", {"content": "Без программы"}, format="json")

    # Then the first is the roadmap's second activity, with the deadline parsed as on the page
    assert added.status_code == 201
    body = added.json()
    assert (body["number"], body["deadline"]) == ("2", "ноябрь 2026")
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"program": ["Укажите программу (id) из доступных вам."]}


def test_an_indicator_actual_is_entered(world: World):
    _, _activity, indicator = _program(world)
    client = _client(world.users["school_team"])

    # When the team enters an actual and one with a year it cannot read
    entered = client.post(
        f"/api/indicators/{indicator.pk}/actuals/",
        {"period": "2025/2026", "value": 65, "source": "протокол диагностики", "measured_on": "2026-06-01"},
        format="json",
    )
    wrong = client.post(f"/api/indicators/{indicator.pk}/actuals/", {"period": "когда-то", "value": 5}, format="json")

    # Then the first is kept and shown with the indicator
    assert entered.status_code == 201
    assert client.get(f"/api/indicators/{indicator.pk}/").json()["actuals"][0]["value"] == 65
    # And the second is refused with the service's message for the field
    assert wrong.status_code == 400
    assert wrong.json()["errors"]["period"] == ["Не удалось понять год «когда-то»: напишите 2026 или 2025/2026."]


def test_a_school_is_registered_for_an_event_and_withdrawn(world: World):
    event = Event.objects.create(
        region=world.region,
        municipality=world.municipality,
        title="Семинар",
        kind="seminar",
        starts_at=timezone.now() + datetime.timedelta(days=10),
    )
    client = _client(world.users["school_team"])

    # When the school's team registers its school, and tries another one
    mine = client.post(f"/api/events/{event.pk}/register/", {"school": world.school.pk, "participants": 3})
    other = client.post(f"/api/events/{event.pk}/register/", {"school": world.sibling.pk, "participants": 3})

    # Then its school is registered with three people, the other school is not its to register
    assert mine.status_code == 201
    assert Registration.objects.get(event=event).participants == 3
    assert other.status_code == 400
    assert other.json()["errors"] == {"school": [f"Школы с id {world.sibling.pk} нет среди доступных вам."]}

    # And the registration can be withdrawn
    withdrawn = client.delete(f"/api/registrations/{mine.json()['id']}/")
    assert withdrawn.status_code == 204
    assert not Registration.objects.filter(event=event).exists()


def test_an_identification_run_is_started(world: World):
    # When the region's admin starts a run for a year that is not in the data
    client = _client(world.users["region_admin"])
    missing = client.post("/api/identification-runs/", {"year": 2001}, format="json")

    # Then it is refused naming the year
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"year": ["Учебного года 2000/2001 нет в данных Опоры."]}

    # When a school's team tries
    refused = _client(world.users["school_team"]).post("/api/identification-runs/", {"year": 2026}, format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == ACCESS[Action.RUN_IDENTIFICATION].refusal

    # When the admin starts one for 2025/2026
    started = client.post("/api/identification-runs/", {"year": 2026}, format="json")
    assert started.status_code == 201
    assert started.json()["year"] == 2026
    assert client.get(f"/api/identification-runs/{started.json()['id']}/").status_code == 200


def test_an_unknown_address_is_a_json_404(world: World):
    response = _client(world.users["region_admin"]).get("/api/nothing-here/")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Такого адреса в API нет")


def test_the_browsable_page_and_the_schema_work_offline(world: World, client):
    client.force_login(world.users["region_admin"])

    # When the API's pages are opened in a browser
    root = client.get("/api/", HTTP_ACCEPT="text/html")
    docs = client.get("/api/docs/")
    schema = client.get("/api/schema/")

    # Then they open, and the documentation page's scripts are the installation's own files
    assert root.status_code == 200
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "http://" not in page.replace("http://testserver", "") and "https://" not in page
    assert schema.status_code == 200
    assert b"/api/activities/{id}/status/" in schema.content


def test_the_command_writes_the_schema_and_issues_keys(world: World, tmp_path, capsys):
    # When the schema is written by the documented command
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(target), "--validate", "--fail-on-warn")

    # Then it describes every endpoint
    text = target.read_text(encoding="utf-8")
    for path in ("/api/schools/", "/api/programs/", "/api/events/{id}/register/", "/api/risk-profiles/"):
        assert f"{path}:" in text

    # And a key is issued to a user, the same one until it is replaced
    call_command("api_token", "coordinator")
    first = capsys.readouterr().out.strip()
    call_command("api_token", "coordinator")
    assert capsys.readouterr().out.strip() == first
    call_command("api_token", "coordinator", "--replace")
    assert capsys.readouterr().out.strip() != first


def test_another_schools_objects_cannot_be_changed_through_the_api(world: World):
    # Given a program, an activity, an indicator and a registration of the world's school
    program, activity, indicator = _program(world)
    event = Event.objects.create(
        region=world.region,
        municipality=world.municipality,
        title="Семинар",
        kind="seminar",
        starts_at=timezone.now() + datetime.timedelta(days=10),
    )
    registration = Registration.objects.create(event=event, school=world.school, participants=2)
    from opora.accounts.models import Role
    from tests.factories import UserFactory

    other_team = UserFactory(
        username="sibling_team",
        role=Role.SCHOOL_TEAM,
        region=world.region,
        municipality=world.municipality,
        school=world.sibling,
    )
    client = _client(other_team)

    # When another school's team writes to each of them
    answers = [
        client.patch(f"/api/programs/{program.pk}/", {"goal": "чужая цель"}, format="json").status_code,
        client.patch(f"/api/activities/{activity.pk}/", {"content": "чужое"}, format="json").status_code,
        client.post(f"/api/activities/{activity.pk}/status/", {"status": "done", "report": "x"}).status_code,
        client.post(
            f"/api/indicators/{indicator.pk}/actuals/", {"period": "2026", "value": 1, "source": "x"}
        ).status_code,
        client.delete(f"/api/registrations/{registration.pk}/").status_code,
        client.post("/api/activities/", {"program": program.pk, "content": "чужое"}).status_code,
    ]

    # Then none of them is found, and nothing changed
    assert answers == [404, 404, 404, 404, 404, 400]
    program.refresh_from_db()
    activity.refresh_from_db()
    assert (program.goal, activity.content, activity.status) == ("", "Диагностика дефицитов педагогов", "not_started")
    assert Registration.objects.filter(pk=registration.pk).exists()


def test_a_change_against_an_old_version_is_refused_with_409(world: World):
    _, activity, _indicator = _program(world)
    client = _client(world.users["school_team"])
    seen = client.get(f"/api/activities/{activity.pk}/").json()["version"]

    # When the activity is changed by someone after the system read it
    first = client.post(
        f"/api/activities/{activity.pk}/status/",
        {"status": "in_progress", "report": "Начато", "version": seen},
        format="json",
    )
    second = client.patch(f"/api/activities/{activity.pk}/", {"content": "Иное", "version": seen}, format="json")

    # Then the second change, made against the version before the first, is refused and nothing is written
    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["detail"].startswith("Мероприятие уже изменил")
    activity.refresh_from_db()
    assert activity.content == "Диагностика дефицитов педагогов"


def test_the_lists_read_their_entries_in_one_query_however_many_lists_there_are(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from opora.identification.models import ApprovedList

    def add_copies(count: int) -> None:
        for _ in range(count):
            copy = ApprovedList.objects.get(pk=world.approved_list.pk)
            entries = list(copy.entries.all())
            copy.pk = None
            copy._state.adding = True
            copy.save()
            for entry in entries:
                entry.pk = None
                entry._state.adding = True
                entry.approved_list = copy
                entry.save()

    client = _client(world.users["region_admin"])
    add_copies(1)
    with CaptureQueriesContext(connection) as few:
        answer = client.get("/api/lists/")
    add_copies(8)
    with CaptureQueriesContext(connection) as many:
        more = client.get("/api/lists/")
    assert answer.status_code == more.status_code == 200
    assert more.json()["count"] == answer.json()["count"] + 8
    assert all(item["entries"] for item in more.json()["results"])
    assert len(many) == len(few)
