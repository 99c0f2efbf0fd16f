"""The audit: every change kept with who, when, before and after; on the object's page, for a period in Excel;
personal data deleted on request leaves the history, and the fact of the deletion stays."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from opora.accounts.models import User
from opora.accounts.services import ERASED, user_delete, user_erase
from opora.core.audit import AUDIT_COLUMNS, history_entries, period_entries, region_restriction
from opora.programs.models import Activity, ActivityStatus, Program
from opora.programs.services import activity_save, activity_status_change, program_create, section_save
from tests.factories import UserFactory


@pytest.fixture
def program(world):
    team = world.users["school_team"]
    program = program_create(by=team, kind="roadmap", title="Дорожная карта школы", school=world.school)
    activity_save(program=program, activity=None, data={"content": "Педсовет по итогам ВПР"}, by=team)
    return program


def _change(entries, field):
    return next((entry, change) for entry in entries for change in entry.changes if change.field == field)


def test_a_change_through_a_page_is_kept_with_who_when_before_and_after(world, program, client):
    team = world.users["school_team"]
    client.force_login(team)
    before = timezone.now()

    response = client.post(reverse("programs:edit", args=[program.pk]), {"title": "Дорожная карта на 2027 год"})

    assert response.status_code == 302
    entry, change = _change(history_entries(program.history.all()), "Наименование")
    assert (entry.who, entry.action, entry.section) == ("Иванова Мария", "изменено", "Программа")
    assert (change.before, change.after) == ("Дорожная карта школы", "Дорожная карта на 2027 год")
    assert before <= entry.when <= timezone.now()


def test_choices_and_links_are_shown_by_their_russian_names(world, program):
    team = world.users["school_team"]
    activity = program.activities.get()
    section = section_save(program=program, section=None, number="1", title="Работа с педагогами", by=team)

    activity_save(program=program, activity=activity, data={"content": activity.content, "section": section}, by=team)
    activity_status_change(activity=activity, status=ActivityStatus.IN_PROGRESS, report="Начали", by=team)

    entries = history_entries(Activity.history.filter(id=activity.pk))
    assert [entry.action for entry in entries] == ["изменено", "изменено", "создано"]
    status = _change(entries, "Состояние")[1]
    assert (status.before, status.after) == ("не начато", "в работе")
    assert _change(entries, "Раздел")[1].after == "1 Работа с педагогами"
    assert entries[0].who == "Иванова Мария"  # a service names who saved, also outside a request
    assert all(change.field != "Версия" for entry in entries for change in entry.changes)
    # a page reads only the newest records, each still compared with the one before it
    assert history_entries(Activity.history.filter(id=activity.pk), limit=2) == entries[:2]


def test_the_history_is_shown_on_the_program_and_the_activity_pages(world, program, client):
    team = world.users["school_team"]
    activity = program.activities.get()
    activity_status_change(activity=activity, status=ActivityStatus.IN_PROGRESS, report="Начали", by=team)
    client.force_login(world.users["curator"])

    for url in (
        reverse("programs:detail", args=[program.pk]),
        reverse("programs:activity", args=[program.pk, activity.pk]),
    ):
        # The page itself loads its journal when scrolled to it, and links to it for a browser without scripts
        page = client.get(url).content.decode()
        assert "Журнал изменений" in page and 'hx-get="?part=history" hx-trigger="revealed"' in page
        assert "<td>Состояние</td>" not in page
        # What htmx loads is the journal alone; without scripts the link opens the whole page with it
        alone = client.get(url, {"part": "history"}, headers={"HX-Request": "true"}).content.decode()
        assert alone.lstrip().startswith('<section class="audit" id="audit"')
        assert "<td>Состояние</td><td>не начато</td><td>в работе</td>" in alone
        whole = client.get(url, {"part": "history"}).content.decode()
        assert "<td>Состояние</td><td>не начато</td><td>в работе</td>" in whole and "<!DOCTYPE html>" in whole


def test_the_journal_of_a_program_is_refused_to_those_who_do_not_see_it(world, program, client):
    # Given the administrator of another region, who does not see the school's program
    client.force_login(world.users["other_region_admin"])
    # When they ask for its journal alone, as the page's script does, they get the same 404 as for the page
    answer = client.get(
        reverse("programs:detail", args=[program.pk]), {"part": "history"}, headers={"HX-Request": "true"}
    )
    assert answer.status_code == 404


def test_the_history_is_shown_on_the_list_and_the_methodology_pages(world, client):
    client.force_login(world.users["region_admin"])
    methodology = world.run.methodology
    methodology.comment = "Порог изменён"
    methodology.parameters = {**methodology.parameters, "bottom_share": 0.15}
    methodology.save()

    list_page = client.get(reverse("identification:list", args=[world.approved_list.pk])).content.decode()
    methodology_page = client.get(reverse("identification:methodology", args=[methodology.pk])).content.decode()

    assert "Журнал изменений" in list_page and "Утверждённый перечень" in list_page
    assert "<td>Что изменено и почему</td><td>Параметры по умолчанию.</td><td>Порог изменён</td>" in methodology_page
    assert "<td>Параметр «Доля школ в нижней группе»</td><td>0,1 (10 %)</td><td>0,15 (15 %)</td>" in methodology_page


def test_the_period_compares_with_the_record_before_it_and_keeps_to_its_days(world, program):
    team = world.users["school_team"]
    activity = program.activities.get()
    long_ago = timezone.now() - datetime.timedelta(days=10)
    Activity.history.filter(id=activity.pk).update(history_date=long_ago)
    Program.history.filter(id=program.pk).update(history_date=long_ago)
    activity_status_change(activity=activity, status=ActivityStatus.DONE, report="Сделано", by=team)
    today = timezone.localdate()

    def of_programs(model, history):  # the world's other records are made today too
        return history if model in (Program, Activity) else None

    recent = period_entries(today, today, restrict=of_programs)
    earlier = period_entries(
        today - datetime.timedelta(days=11), today - datetime.timedelta(days=9), restrict=of_programs
    )

    assert [(entry.section, entry.action) for entry in recent] == [("Мероприятие", "изменено")]
    assert [(change.field, change.before, change.after) for change in recent[0].changes] == [
        ("Состояние", "не начато", "выполнено")
    ]
    assert {(entry.section, entry.action) for entry in earlier} == {
        ("Программа", "создано"),
        ("Мероприятие", "создано"),
    }
    with pytest.raises(ValueError):
        period_entries(today, today - datetime.timedelta(days=1))


def test_a_region_reads_only_its_own_changes(world, program):
    today = timezone.localdate()
    far = Program.objects.create(region=world.other_region, kind="roadmap", title="Программа соседей")

    own = {entry.subject for entry in period_entries(today, today, restrict=region_restriction(world.region.pk))}
    others = {entry.subject for entry in period_entries(today, today, restrict=region_restriction(far.region_id))}

    assert "Дорожная карта школы" in own and "Программа соседей" not in own
    assert "Программа соседей" in others and "Дорожная карта школы" not in others
    assert "Иванова Мария" in own  # the region's users, created in the world today


def test_the_audit_page_and_its_workbook(world, program, client):
    client.force_login(world.users["region_admin"])
    today = timezone.localdate().isoformat()

    page = client.get(reverse("web:audit"), {"start": today, "end": today})
    download = client.get(reverse("web:audit"), {"start": today, "end": today, "format": "xlsx"})
    wrong = client.get(reverse("web:audit"), {"start": today, "end": "2020-01-01"})

    assert page.status_code == 200 and "Дорожная карта школы" in page.content.decode()
    sheet = load_workbook(io.BytesIO(download.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == AUDIT_COLUMNS
    assert ("Программа", "Дорожная карта школы", "Наименование", "—", "Дорожная карта школы") in {
        row[3:8] for row in rows[1:]
    }
    assert "Программа соседей" not in {row[4] for row in rows[1:]}
    assert "Конец периода раньше его начала." in wrong.content.decode()


def test_the_command_writes_the_period_and_refuses_bad_input(world, program, tmp_path):
    out = tmp_path / "журнал.xlsx"
    today = timezone.localdate()
    stdout = io.StringIO()

    call_command("audit", "--from", today.isoformat(), "--to", f"{today:%d.%m.%Y}", "--out", str(out), stdout=stdout)

    assert "Журнал изменений" in stdout.getvalue()
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0] == AUDIT_COLUMNS and len(rows) > 1
    with pytest.raises(CommandError, match="не дата"):
        call_command("audit", "--from", "вчера", "--to", today.isoformat(), "--out", str(out))
    with pytest.raises(CommandError, match=r"\.xlsx"):
        call_command("audit", "--from", today.isoformat(), "--to", today.isoformat(), "--out", str(tmp_path / "a.csv"))
    with pytest.raises(CommandError, match="региональный администратор"):
        call_command("audit", "--from", today.isoformat(), "--to", today.isoformat(), "--out", str(out),
                     "--user", "curator")  # fmt: skip


def _personal(user_pk: int) -> set[str]:
    values = set()
    for record in User.history.filter(id=user_pk):
        values |= {record.first_name, record.last_name, record.patronymic, record.email, record.username}
    return values


def test_erasing_a_user_on_request_purges_the_history_and_keeps_the_fact(world, program):
    admin = world.users["region_admin"]
    team = world.users["school_team"]  # made the program: the account stays, switched off
    team.email = "ivanova@school.ru"
    team.patronymic = "Петровна"
    team.save()

    user_erase(user=team, by=admin)

    assert not _personal(team.pk) & {"Иванова", "Мария", "Петровна", "ivanova@school.ru", "school_team"}
    last = User.history.filter(id=team.pk).order_by("-history_id").first()
    assert (last.history_change_reason, last.history_user, last.is_active) == (ERASED, admin, False)
    entries = history_entries(User.history.filter(id=team.pk))
    assert (entries[0].who, entries[0].action, entries[0].note) == ("Иванова Мария", "изменено", ERASED)
    # the changes the person made still name one account
    assert Program.history.filter(id=program.pk).first().history_user_id in (None, team.pk)


def test_deleting_a_user_on_request_leaves_the_fact_and_no_names(world):
    admin = world.users["region_admin"]
    leaver = UserFactory(username="leaver", last_name="Сидоров", first_name="Семён", email="s@example.ru",
                         role="observer", region=world.region)  # fmt: skip
    leaver.position = "методист"
    leaver.save()
    key = leaver.pk

    assert user_delete(user=leaver, by=admin) is True

    assert not User.objects.filter(pk=key).exists()
    assert not _personal(key) & {"Сидоров", "Семён", "s@example.ru", "leaver"}
    deleted = User.history.filter(id=key, history_type="-").get()
    assert (deleted.history_change_reason, deleted.history_user, deleted.position) == (ERASED, admin, "")
    assert User.history.filter(id=key).count() == 3  # created, changed, deleted: every record stays


def test_deleting_a_user_whose_records_name_them_keeps_the_account_switched_off(world, program):
    team = world.users["school_team"]

    assert user_delete(user=team, by=world.users["region_admin"]) is False

    team.refresh_from_db()
    assert (team.is_active, team.last_name, team.username, team.has_usable_password()) == (
        False,
        "",
        f"удалён-{team.pk}",
        False,
    )


def test_a_login_leaves_no_empty_change_in_the_history(world, client):
    user = world.users["observer"]
    records = User.history.filter(id=user.pk).count()

    response = client.post(reverse("accounts:login"), {"username": "observer", "password": "пароль-для-тестов"})

    assert response.status_code == 302 and User.objects.get(pk=user.pk).last_login is not None

    assert User.history.filter(id=user.pk).count() == records
    assert not {"password", "last_login"} & {field.name for field in User.history.model._meta.fields}


def test_the_admin_deletes_and_erases_through_the_same_service(world, client):
    root = world.users["superuser"]
    leaver = UserFactory(username="leaver2", last_name="Орлова", role="observer", region=world.region)
    stayer = UserFactory(username="stayer", last_name="Соколова", role="observer", region=world.region)
    client.force_login(root)

    client.post(reverse("admin:accounts_user_delete", args=[leaver.pk]), {"post": "yes"})
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "erase_personal_data", "_selected_action": [stayer.pk]},
    )

    assert not User.objects.filter(pk=leaver.pk).exists()
    assert not _personal(leaver.pk) & {"Орлова", "leaver2"}
    assert User.history.get(id=leaver.pk, history_type="-").history_user == root
    stayer.refresh_from_db()
    assert (stayer.last_name, stayer.is_active) == ("", False)
    assert not _personal(stayer.pk) & {"Соколова", "stayer"}
