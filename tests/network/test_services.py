"""The support network's services: curators and conflicts of interest, attention, visits, concerns, teachers."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from docx import Document

from opora.network.documents import curators_order_docx
from opora.network.services import (
    assignment_end,
    attention_for,
    concern_raise,
    concern_step,
    curator_assign,
    mentor_suggestions,
    partnership_confirm,
    recommendation_to_activity,
    teacher_save,
    teacher_shares,
    visit_plan,
    visit_protocol_save,
    workplace_record,
)
from opora.programs.models import Activity
from opora.programs.services import activity_save, program_approve, program_create, program_send
from opora.support.models import CourseRecord, DevelopmentPlan, Teacher, TeacherDiagnostic
from opora.support.queries import visit_evidence

TODAY = timezone.localdate()  # the product's today (Europe/Moscow), not the machine's


@pytest.fixture
def curator(world):
    user = world.users["curator"]
    user.curated_schools.clear()
    return user


def test_assignment_gives_the_curator_the_school_and_ending_it_takes_it_away(world, curator):
    start = TODAY - datetime.timedelta(days=10)
    (assignment,) = curator_assign(curator=curator, schools=[world.sibling], starts_on=start, by=None)
    assert list(curator.curated_schools.all()) == [world.sibling]

    assignment_end(assignment=assignment, ends_on=TODAY - datetime.timedelta(days=1), by=None)

    assert list(curator.curated_schools.all()) == []
    with pytest.raises(ValidationError):
        assignment_end(assignment=assignment, ends_on=start - datetime.timedelta(days=1), by=None)


def test_a_curator_may_not_curate_a_school_where_they_work_or_worked(world, curator):
    workplace_record(
        curator=curator, school=world.school, position="учитель", since_year=2010, until_year=2020, by=None
    )

    with pytest.raises(ValidationError) as refused:
        curator_assign(curator=curator, schools=[world.school, world.sibling], starts_on=TODAY, by=None)

    assert "Конфликт интересов" in " ".join(refused.value.messages)
    assert not curator.curator_assignments.exists()  # nothing half-written: not even the sibling


def test_a_workplace_recorded_later_reports_the_assignment_it_clashes_with(world, curator):
    curator_assign(curator=curator, schools=[world.school], starts_on=TODAY, by=None)
    _place, clashing = workplace_record(curator=curator, school=world.school, by=None)
    assert [item.school for item in clashing] == [world.school]


def test_overlapping_assignment_is_refused(world, curator):
    curator_assign(curator=curator, schools=[world.school], starts_on=TODAY, by=None)
    with pytest.raises(ValidationError):
        curator_assign(curator=curator, schools=[world.school], starts_on=TODAY + datetime.timedelta(days=5), by=None)


def test_the_order_lists_every_assignment(world, curator):
    assignments = curator_assign(curator=curator, schools=[world.school, world.sibling], starts_on=TODAY, by=None)
    document = Document(io.BytesIO(curators_order_docx(authority="Управление", assignments=assignments, number="15")))
    text = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert world.school.code in text and world.sibling.code in text
    assert "О закреплении кураторов" in "\n".join(paragraph.text for paragraph in document.paragraphs)


def _approved_roadmap(world):
    team = world.users["school_team"]
    program = program_create(by=team, kind="roadmap", title="Дорожная карта школы", school=world.school)
    activity_save(
        program=program,
        activity=None,
        data={"content": "Педсовет", "ends_on": TODAY - datetime.timedelta(days=3)},
        by=team,
    )
    program_send(program=program, by=team)
    program_approve(program=program, order_number="7", order_date=TODAY, checklist={}, by=world.users["coordinator"])
    program.next_review_on = TODAY - datetime.timedelta(days=1)
    program.save(update_fields=["next_review_on"])
    return program


def test_attention_lists_overdue_activities_missed_reviews_and_schools_without_a_program(world):
    program = _approved_roadmap(world)

    attention = {item.school.pk: item for item in attention_for([world.school, world.sibling])}

    mine = attention[world.school.pk]
    assert [activity.content for activity in mine.overdue] == ["Педсовет"]
    assert mine.missed_reviews == [program]
    assert not mine.no_program
    assert attention[world.sibling.pk].no_program
    assert attention[world.sibling.pk].overdue == []


def test_follow_up_due_when_its_date_passed_without_a_new_visit(world, curator):
    visit = visit_plan(school=world.school, curator=curator, visited_on=TODAY - datetime.timedelta(days=30), by=curator)
    visit_protocol_save(
        visit=visit,
        status="held",
        participants="",
        findings="Отставание",
        follow_up_on=TODAY - datetime.timedelta(days=1),
        checks={},
        recommendations=[],
        by=curator,
    )
    (item,) = attention_for([world.school])
    assert item.follow_ups_due == [visit]


def test_protocol_needs_a_note_where_something_is_wrong_and_findings_when_held(world, curator):
    visit = visit_plan(school=world.school, curator=curator, visited_on=TODAY, factor_keys=["climate"], by=curator)
    check = visit.checks.get(factor_key="climate")
    with pytest.raises(ValidationError) as refused:
        visit_protocol_save(
            visit=visit,
            status="held",
            participants="",
            findings="",
            follow_up_on=None,
            checks={check.pk: ("not_met", "")},
            recommendations=[],
            by=curator,
        )
    assert len(refused.value.messages) == 2
    visit_protocol_save(
        visit=visit,
        status="held",
        participants="",
        findings="Выводы",
        follow_up_on=None,
        checks={check.pk: ("not_met", "Нет плана работы с классом")},
        recommendations=[],
        by=curator,
    )
    assert [item.note for item in visit_evidence(world.school)["climate"]] == ["Нет плана работы с классом"]


def test_a_recommendation_becomes_an_activity_of_the_roadmap_once(world, curator):
    program = _approved_roadmap(world)
    visit = visit_plan(school=world.school, curator=curator, visited_on=TODAY, by=curator)
    visit_protocol_save(
        visit=visit,
        status="held",
        participants="",
        findings="Выводы",
        follow_up_on=None,
        checks={},
        recommendations=[{"text": "Разработать ИОМ педагогов", "deadline": "в течение года", "owners": "Директор"}],
        by=curator,
    )
    recommendation = visit.recommendations.get()

    activity = recommendation_to_activity(recommendation=recommendation, program=program, by=curator)

    assert Activity.objects.get(pk=activity.pk).recommendation == recommendation
    assert activity.content == "Разработать ИОМ педагогов" and activity.owners == "Директор"
    assert activity.starts_on is not None and activity.ends_on is not None
    with pytest.raises(ValidationError):
        recommendation_to_activity(recommendation=recommendation, program=program, by=curator)


def test_a_concern_is_raised_escalated_and_resolved_with_every_step_kept(world, curator):
    concern = concern_raise(school=world.school, reason="no_reports", description="Нет отчётов", by=curator)
    concern_step(concern=concern, kind="escalated", note="", by=curator)
    concern_step(concern=concern, kind="resolved", note="Отчёты сданы", by=world.users["coordinator"])

    assert concern.status == "resolved"
    assert list(concern.steps.values_list("kind", flat=True)) == ["raised", "escalated", "resolved"]
    with pytest.raises(ValidationError):
        concern_step(concern=concern, kind="escalated", note="", by=curator)


def test_teacher_shares_count_diagnostics_plans_and_courses(world):
    since = TODAY - datetime.timedelta(days=365)
    first = teacher_save(school=world.school, teacher=None, data={"code": "1"}, by=None)
    teacher_save(school=world.school, teacher=None, data={"code": "2"}, by=None)
    TeacherDiagnostic.objects.create(teacher=first, kind="subject", held_on=TODAY, source="ЦНППМ")
    DevelopmentPlan.objects.create(teacher=first, starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=200))
    CourseRecord.objects.create(teacher=first, title="ПК", finished_on=TODAY)

    shares = teacher_shares(Teacher.objects.filter(school=world.school), since=since)

    assert (shares.teachers, shares.diagnosed, shares.with_plan, shares.trained) == (2, 1, 1, 1)
    assert shares.diagnosed_share == 0.5
    assert teacher_shares(Teacher.objects.filter(school=world.sibling), since=since).diagnosed_share is None


def test_a_teacher_code_is_unique_in_its_school(world):
    teacher_save(school=world.school, teacher=None, data={"code": "7"}, by=None)
    with pytest.raises(ValidationError):
        teacher_save(school=world.school, teacher=None, data={"code": "7"}, by=None)


def test_mentors_come_from_partner_schools_first_and_teach_the_same_subject(world):
    year = 2027
    partnership_confirm(school=world.school, partner=world.sibling, year=year, reasons="", by=None)
    mentee = Teacher.objects.create(school=world.school, code="m", subjects="математика", deficits="методика")
    Teacher.objects.create(
        school=world.sibling, code="p", subjects="математика", category="высшая", experience_years=20
    )
    Teacher.objects.create(school=world.school, code="own", subjects="математика", category="высшая")
    Teacher.objects.create(school=world.sibling, code="ru", subjects="русский язык", category="высшая")

    suggestions = mentor_suggestions(world.school, year)

    assert [(item.mentee, item.mentor.code) for item in suggestions] == [(mentee, "p"), (mentee, "own")]
    assert "школа-партнёр" in suggestions[0].reasons
