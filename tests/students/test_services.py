"""The services of the bank: codes, names by the school's choice, records, export, deletion on request."""

import datetime
import io

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from openpyxl import load_workbook

from opora.students import services
from opora.students.models import (
    DeletionRecord,
    DeletionScope,
    Difficulty,
    RouteReview,
    Student,
    StudentRecordView,
    TermOutcome,
    ViewKind,
)

DAY = datetime.date(2026, 10, 1)


def _student(world, **data):
    return services.student_create(
        school=world.school, data={"code": "", "grade": 5, **data}, by=world.users["school_team"]
    )


def _full_record(world, student):
    team = world.users["school_team"]
    services.difficulty_add(
        student=student, data={"kind": "subject", "subject": "математика", "noted_on": DAY}, by=team
    )
    route = services.route_save(
        student=student,
        route=None,
        data={
            "subjects": "математика",
            "measures": "Консультации\nЗанятия с психологом",
            "responsible": "Учитель П-001",
            "starts_on": DAY,
            "ends_on": datetime.date(2027, 5, 31),
            "review_dates": [datetime.date(2026, 12, 20)],
        },
        by=team,
    )
    services.review_record(route=route, data={"review_on": datetime.date(2026, 12, 20), "note": "Есть успехи"}, by=team)
    services.consilium_add(
        student=student,
        data={"decided_on": DAY, "decision": "Назначить ИОМ", "specialists": "педагог-психолог"},
        by=team,
    )
    services.outcome_save(student=student, data={"end_year": 2027, "term": "1", "outcome": "improved"}, by=team)
    return route


def test_codes_are_generated_in_order_and_unique_in_the_school(world):
    first, second = _student(world), _student(world)
    entered = _student(world, code="А-17")
    assert (first.code, second.code, entered.code) == ("У-0001", "У-0002", "А-17")
    with pytest.raises(ValidationError) as error:
        _student(world, code="а-17")
    assert "уже есть" in error.value.message_dict["code"][0]
    other = services.student_create(school=world.sibling, data={"code": "", "grade": 3}, by=None)
    assert other.code == "У-0001"


@pytest.mark.parametrize(("data", "field"), [({"grade": 12}, "grade"), ({"code": "с пробелом"}, "code")])
def test_bad_student_data_is_refused_beside_its_field(world, data, field):
    with pytest.raises(ValidationError) as error:
        _student(world, **data)
    assert field in error.value.message_dict
    assert not Student.objects.exists()


def test_names_are_kept_only_when_the_school_chooses_and_erased_when_it_stops(world):
    team = world.users["school_team"]
    with pytest.raises(ValidationError) as error:
        _student(world, full_name="Иванов Пётр")
    assert "не хранит фамилии" in error.value.message_dict["full_name"][0]
    services.bank_settings_save(school=world.school, keeps_names=True, by=team)
    student = _student(world, full_name="Иванов  Пётр")
    assert student.full_name == "Иванов Пётр"
    assert services.bank_settings_save(school=world.school, keeps_names=False, by=team) == 1
    student.refresh_from_db()
    assert student.full_name == ""


@pytest.mark.parametrize("persona", ["observer", "curator", "coordinator", "region_admin"])
def test_nobody_outside_the_school_team_writes_the_bank(world, persona):
    with pytest.raises(PermissionDenied):
        services.student_create(school=world.school, data={"code": "", "grade": 5}, by=world.users[persona])


def test_the_team_of_one_school_cannot_write_another_schools_bank(world):
    with pytest.raises(PermissionDenied):
        services.student_create(school=world.sibling, data={"code": "", "grade": 5}, by=world.users["school_team"])


def test_a_route_keeps_its_measures_reviews_and_period(world):
    student = _student(world)
    route = _full_record(world, student)
    assert route.measure_lines == ["Консультации", "Занятия с психологом"]
    review = route.reviews.get()
    assert (review.review_on, review.note) == (datetime.date(2026, 12, 20), "Есть успехи")
    with pytest.raises(ValidationError) as error:
        services.route_save(
            student=student,
            route=route,
            data={"measures": "", "responsible": "", "starts_on": DAY, "ends_on": datetime.date(2026, 9, 1)},
            by=None,
        )
    assert set(error.value.message_dict) == {"measures", "responsible", "ends_on"}
    with pytest.raises(ValidationError) as error:
        services.route_save(
            student=student,
            route=route,
            data={
                "measures": "Меры",
                "responsible": "Учитель",
                "starts_on": DAY,
                "ends_on": datetime.date(2027, 5, 31),
                "review_dates": [datetime.date(2027, 8, 1)],
            },
            by=None,
        )
    assert "review_dates" in error.value.message_dict


def test_a_subject_difficulty_needs_its_subject(world):
    with pytest.raises(ValidationError) as error:
        services.difficulty_add(student=_student(world), data={"kind": "subject", "noted_on": DAY}, by=None)
    assert "subject" in error.value.message_dict
    assert not Difficulty.objects.exists()


def test_a_second_outcome_of_the_same_term_replaces_the_first(world):
    student = _student(world)
    for outcome in ("worse", "improved"):
        services.outcome_save(student=student, data={"end_year": 2027, "term": "2", "outcome": outcome}, by=None)
    assert list(TermOutcome.objects.values_list("outcome", flat=True)) == ["improved"]


def test_a_record_entered_by_mistake_is_removed_only_from_its_student(world):
    student, other = _student(world), _student(world)
    route = _full_record(world, student)
    review = route.reviews.get()
    with pytest.raises(ValidationError):
        services.record_remove(student=other, kind="review", pk=review.pk, by=None)
    services.record_remove(student=student, kind="review", pk=review.pk, by=None)
    assert not RouteReview.objects.exists()


def test_the_export_has_names_only_when_kept_and_is_logged(world):
    team = world.users["school_team"]
    _full_record(world, _student(world))
    sheet = load_workbook(io.BytesIO(services.bank_export(school=world.school, by=team))).active
    header = [cell.value for cell in sheet[1]]
    assert "Фамилия и имя" not in header
    assert sheet.cell(2, 1).value == "У-0001"
    assert "математика" in sheet.cell(2, header.index("Трудности") + 1).value
    services.bank_settings_save(school=world.school, keeps_names=True, by=team)
    _student(world, full_name="Смирнова Анна")
    sheet = load_workbook(io.BytesIO(services.bank_export(school=world.school, by=team))).active
    assert [cell.value for cell in sheet[3]][:2] == ["У-0002", "Смирнова Анна"]
    log = StudentRecordView.objects.filter(kind=ViewKind.EXPORT).order_by("pk")
    assert [(view.user, view.students) for view in log] == [(team, 1), (team, 2)]


def _every_text_of_the_app() -> str:
    """Every value of every row of every table of opora.students, as one text."""
    values = []
    for model in apps.get_app_config("students").get_models():
        fields = [field.attname for field in model._meta.concrete_fields]
        for row in model.objects.values_list(*fields):
            values += [str(value) for value in row]
    return "\n".join(values)


def test_deleting_a_student_leaves_no_personal_data_only_the_audit(world):
    team = world.users["school_team"]
    services.bank_settings_save(school=world.school, keeps_names=True, by=team)
    student = _student(world, code="Ш-0042", full_name="Лебедева Мария")
    _full_record(world, student)
    services.card_view_log(student=student, by=team)
    keeper = _student(world, code="Ш-0043")
    student_pk = student.pk

    record = services.student_delete(student=student, by=team)

    everything = _every_text_of_the_app()
    assert "Ш-0042" not in everything and "Лебедева" not in everything
    assert "математика" not in everything  # the difficulty, the route and its review went with the student
    assert Student.objects.get() == keeper
    for model in apps.get_app_config("students").get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is Student:
                assert not model.objects.filter(**{field.attname: student_pk}).exists(), model
    assert (record.school, record.by, record.scope, record.students) == (world.school, team, DeletionScope.ONE, 1)


def test_deleting_the_whole_bank_leaves_only_who_when_and_how_many(world):
    team = world.users["school_team"]
    for _ in range(3):
        _full_record(world, _student(world))
    services.bank_export(school=world.school, by=team)

    record = services.students_delete_all(school=world.school, by=team)

    assert record.students == 3 and record.scope == DeletionScope.ALL
    assert "У-000" not in _every_text_of_the_app()
    assert list(StudentRecordView.objects.values_list("kind", "students")) == [(ViewKind.EXPORT, 3)]
    with pytest.raises(ValidationError, match="нечего"):
        services.students_delete_all(school=world.school, by=team)
    assert DeletionRecord.objects.count() == 1
