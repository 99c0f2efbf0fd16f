"""The bank pages as the school team uses them, and the counts page as everyone else sees it."""

import datetime

import pytest
from django.apps import apps
from django.urls import reverse

from opora.schools.models import School
from opora.students import services
from opora.students.models import (
    ConsiliumDecision,
    DeletionRecord,
    Difficulty,
    IndividualRoute,
    Student,
    StudentRecordView,
    TermOutcome,
    ViewKind,
)
from tests.factories import SchoolFactory


def _fill(school: School, count: int, *, with_route: int = 0) -> list[Student]:
    students = []
    for index in range(count):
        student = services.student_create(school=school, data={"code": "", "grade": 6}, by=None)
        services.difficulty_add(
            student=student, data={"kind": "reading", "noted_on": datetime.date(2026, 9, 20)}, by=None
        )
        if index < with_route:
            services.route_save(
                student=student,
                route=None,
                data={
                    "measures": "Занятия",
                    "responsible": "Учитель",
                    "starts_on": datetime.date(2026, 9, 1),
                    "ends_on": datetime.date(2027, 5, 31),
                },
                by=None,
            )
        students.append(student)
    return students


def test_the_school_team_keeps_a_student_from_first_entry_to_the_full_card(world, client):
    client.force_login(world.users["school_team"])
    response = client.post(
        reverse("students:student_add", args=[world.school.code]), {"code": "", "grade": "4", "class_letter": "Б"}
    )
    student = Student.objects.get()
    assert response.url == reverse("students:card", args=[student.pk])
    card = reverse("students:card", args=[student.pk])
    steps = [
        ("students:difficulty_add", {}, {"kind": "subject", "subject": "математика", "noted_on": "2026-09-20"}),
        (
            "students:route_add",
            {},
            {
                "subjects": "математика",
                "measures": "Консультации учителя\nЗанятия с психологом",
                "responsible": "Петрова О. И.",
                "starts_on": "2026-09-21",
                "ends_on": "2027-05-25",
                "review_dates": "20.12.2026, 20.03.2027",
            },
        ),
        (
            "students:consilium_add",
            {},
            {"decided_on": "2026-10-02", "decision": "Рекомендован ИОМ", "specialists": "педагог-психолог"},
        ),
        ("students:outcome_add", {}, {"end_year": "2027", "term": "1", "outcome": "improved", "note": "Сдал «3»"}),
    ]
    for name, _, data in steps:
        response = client.post(reverse(name, args=[student.pk]), data)
        assert response.status_code == 302 and response.url == card, (name, response.content.decode()[:2000])
    route = IndividualRoute.objects.get()
    response = client.post(
        reverse("students:review_add", args=[student.pk, route.pk]), {"review_on": "2026-12-20", "note": "Успехи есть"}
    )
    assert response.url == card

    page = client.get(card).content.decode()

    for text in (
        "У-0001",
        "4Б",
        "математика",
        "Занятия с психологом",
        "Петрова О. И.",
        "20.12.2026",
        "Успехи есть",
        "20.03.2027",
        "назначен",
        "Рекомендован ИОМ",
        "2026/2027",
        "1-я четверть",
        "улучшение",
    ):
        assert text in page, text
    assert (Difficulty.objects.count(), ConsiliumDecision.objects.count(), TermOutcome.objects.count()) == (1, 1, 1)


def test_a_form_with_mistakes_says_so_beside_the_field_and_writes_nothing(world, client):
    client.force_login(world.users["school_team"])
    student = _fill(world.school, 1)[0]
    response = client.post(
        reverse("students:route_add", args=[student.pk]),
        {
            "measures": "Меры",
            "responsible": "Учитель",
            "starts_on": "2027-05-01",
            "ends_on": "2026-09-01",
            "review_dates": "завтра",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Исправьте ошибки" in page
    assert "«завтра» — не дата" in page
    assert not IndividualRoute.objects.exists()


def test_every_opening_of_a_card_is_logged(world, client):
    team = world.users["school_team"]
    student = _fill(world.school, 1)[0]
    client.force_login(team)
    for _ in range(2):
        assert client.get(reverse("students:card", args=[student.pk])).status_code == 200
    views = StudentRecordView.objects.filter(kind=ViewKind.CARD)
    assert [(view.user, view.student) for view in views] == [(team, student), (team, student)]


def test_the_whole_log_of_views_is_shown_for_a_period_and_exported(world, client):
    team = world.users["school_team"]
    student = _fill(world.school, 1)[0]
    client.force_login(team)
    client.get(reverse("students:card", args=[student.pk]))
    StudentRecordView.objects.filter(kind=ViewKind.CARD).update(
        viewed_at=datetime.datetime(2026, 9, 15, 9, tzinfo=datetime.UTC)
    )
    client.get(reverse("students:bank", args=[world.school.code]))
    log = reverse("students:view_log", args=[world.school.code])
    september = client.get(log, {"since": "2026-09-01", "until": "2026-09-30"}).content.decode()
    assert student.code in september and "15.09.2026" in september
    assert "список банка" not in september  # the list was opened today, outside the period
    assert "За этот период записи не открывали" in client.get(log, {"until": "2026-08-31"}).content.decode()
    export = client.get(log, {"format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_reading_the_pages_writes_only_the_log_of_views(world, client):
    student = _fill(world.school, 6, with_route=2)[0]
    client.force_login(world.users["school_team"])
    models = [model for model in apps.get_app_config("students").get_models()]
    before = {model._meta.label: model.objects.count() for model in models}
    for url in (
        reverse("students:counts"),
        reverse("students:bank", args=[world.school.code]),
        reverse("students:card", args=[student.pk]),
        reverse("students:bank_export", args=[world.school.code]),
        reverse("students:student_edit", args=[student.pk]),
    ):
        assert client.get(url).status_code == 200, url
    after = {model._meta.label: model.objects.count() for model in models}
    grown = {label for label in before if after[label] != before[label]}
    assert grown == {"students.StudentRecordView"}
    assert all(getattr(model, "written_on_read", False) == (model is StudentRecordView) for model in models)


def test_another_schools_student_is_not_found_for_the_team(world, client):
    other = _fill(world.sibling, 1)[0]
    client.force_login(world.users["school_team"])
    assert client.get(reverse("students:card", args=[other.pk])).status_code == 404
    assert not StudentRecordView.objects.exists()


def test_deletion_on_request_is_shown_on_the_bank_page(world, client):
    _fill(world.school, 2)
    client.force_login(world.users["school_team"])
    url = reverse("students:bank_delete", args=[world.school.code])
    assert "Отметьте подтверждение" in client.post(url, {}).content.decode()
    assert Student.objects.count() == 2
    response = client.post(url, {"confirm": "on"})
    assert response.url == reverse("students:bank", args=[world.school.code])
    page = client.get(response.url).content.decode()
    assert "Удалено 2 записи по запросу (все записи банка) — " in page
    assert not Student.objects.exists() and DeletionRecord.objects.count() == 1


def test_one_student_is_deleted_on_request(world, client):
    student, kept = _fill(world.school, 2)
    client.force_login(world.users["school_team"])
    response = client.post(reverse("students:student_delete", args=[student.pk]), {"confirm": "on"})
    assert response.url == reverse("students:bank", args=[world.school.code])
    assert list(Student.objects.all()) == [kept]
    assert DeletionRecord.objects.get().students == 1


def _counts_page(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("students:counts")).content.decode()


@pytest.mark.parametrize(("size", "shown"), [(4, False), (5, True)])
def test_a_school_is_counted_outside_only_from_five_students(world, client, size, shown):
    _fill(world.school, size, with_route=size)
    page = _counts_page(client, world.users["curator"])
    assert ('<td class="muted" colspan=' not in page) is shown
    assert (f'<td class="num">{size}</td>' in page) is shown
    assert "У-0001" not in page


def test_a_small_school_cannot_be_found_by_subtraction_from_its_municipality(world, client):
    _fill(world.school, 4, with_route=4)
    _fill(world.sibling, 9, with_route=1)
    _fill(SchoolFactory(municipality=world.municipality, code="010003"), 20)
    page = _counts_page(client, world.users["coordinator"])
    rows = {line.split("</th>")[0].rsplit(">", 1)[-1]: line for line in page.split("<tr")[2:]}
    hidden = {label for label, line in rows.items() if "не показывается" in line}
    assert hidden == {f"{school.code} {school.display_name}" for school in (world.school, world.sibling)}
    assert '<td class="num">33</td>' in page  # the municipality's total: 4 + 9 + 20


def test_the_counts_show_shares_of_the_group(world, client):
    _fill(world.school, 8, with_route=2)
    page = _counts_page(client, world.users["observer"])
    assert "25,0\xa0%" in page  # 2 of 8 with a route
    assert "100,0\xa0%" in page  # every one of them has a reading difficulty


def test_the_counts_export_hides_the_same_cells(world, client):
    _fill(world.school, 3)
    client.force_login(world.users["region_admin"])
    response = client.get(reverse("students:counts_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for cell in sheet[2]]
    assert values[:4] == ["школа", world.school.code, world.school.display_name, "не показывается"]


def test_the_school_chooses_to_keep_names_and_they_never_reach_the_counts(world, client):
    team = world.users["school_team"]
    client.force_login(team)
    response = client.post(reverse("students:bank_settings", args=[world.school.code]), {"keeps_names": "on"})
    assert response.url == reverse("students:bank", args=[world.school.code])
    for index in range(5):
        client.post(
            reverse("students:student_add", args=[world.school.code]),
            {"code": "", "grade": "3", "full_name": f"Соколов Максим {index}"},
        )
    assert "Соколов Максим 0" in client.get(reverse("students:bank", args=[world.school.code])).content.decode()
    assert StudentRecordView.objects.filter(kind=ViewKind.LIST, user=team, students=5).exists()
    for persona in ("school_team", "coordinator", "region_admin"):
        page = _counts_page(client, world.users[persona])
        assert "Соколов" not in page and "У-0001" not in page
        assert '<td class="num">5</td>' in page


def test_a_student_edited_keeps_the_code_when_it_is_left_empty(world, client):
    student = _fill(world.school, 1)[0]
    client.force_login(world.users["school_team"])
    url = reverse("students:student_edit", args=[student.pk])
    response = client.post(url, {"code": "", "grade": "7", "class_letter": "В"})
    assert response.url == reverse("students:card", args=[student.pk])
    student.refresh_from_db()
    assert (student.code, student.class_label) == ("У-0001", "7В")
    page = client.post(url, {"code": "", "grade": "0"}).content.decode()
    assert "Класс — число от 1 до 11." in page
