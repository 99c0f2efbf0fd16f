"""A program's life: who moves it from status to status, versions, activity statuses with evidence, comments."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from opora.programs.models import ActivityStatus, Notification, ProgramStatus
from opora.programs.services import (
    activity_save,
    activity_status_change,
    comment_add,
    program_approve,
    program_create,
    program_return,
    program_save,
    program_send,
    review_record,
)

TODAY = datetime.date(2026, 12, 2)


@pytest.fixture
def program(world):
    team = world.users["school_team"]
    program = program_create(by=team, kind="roadmap", title="Дорожная карта школы", school=world.school)
    activity_save(
        program=program,
        activity=None,
        data={"content": "Педсовет по итогам ВПР", "deadline": "ноябрь 2026", "ends_on": datetime.date(2026, 11, 30)},
        by=team,
    )
    return program


def _pdf(name="отчёт.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%test", content_type="application/pdf")


def test_the_workflow_goes_through_review_rework_and_approval_and_freezes_a_version(world, program):
    team, curator, coordinator = (world.users[name] for name in ("school_team", "curator", "coordinator"))

    program_send(program=program, by=team)
    assert program.status == ProgramStatus.REVIEW
    with pytest.raises(ValidationError, match="на согласовании"):
        program_save(program=program, data={"title": "Другое"}, by=team)

    with pytest.raises(ValidationError):
        program_return(program=program, remarks=" ", checklist={}, by=curator)
    program_return(program=program, remarks="Уточните сроки", checklist={"deadlines": "partly"}, by=curator)
    assert program.status == ProgramStatus.REWORK
    assert program.status_changes.first().checklist == {"deadlines": "partly"}

    program_send(program=program, by=team)
    version = program_approve(
        program=program, order_number="15-од", order_date=TODAY, checklist={"structure": "yes"}, by=coordinator
    )
    assert (program.status, version.number) == (ProgramStatus.APPROVED, 1)
    assert version.content["activities"][0]["content"] == "Педсовет по итогам ВПР"

    # a change after approval starts the next version; the approved one stays as it was
    program_save(program=program, data={"title": "Дорожная карта школы, новая редакция"}, by=team)
    assert program.status == ProgramStatus.DRAFT
    version.refresh_from_db()
    assert version.content["passport"]["title"] == "Дорожная карта школы"


def test_a_status_cannot_be_skipped(world, program):
    with pytest.raises(ValidationError, match="не переходит"):
        program_approve(
            program=program, order_number="1", order_date=TODAY, checklist={}, by=world.users["coordinator"]
        )


@pytest.mark.parametrize(
    ("persona", "action", "allowed"),
    [
        ("school_team", "send", True),
        ("curator", "send", False),
        ("observer", "send", False),
        ("school_team", "return", False),
        ("curator", "return", True),
        ("curator", "approve", False),
        ("school_team", "approve", False),
        ("coordinator", "approve", True),
    ],
)
def test_who_may_move_which_status(world, program, client, persona, action, allowed):
    if action != "send":
        program_send(program=program, by=world.users["school_team"])
    client.force_login(world.users[persona])
    data = {"remarks": "Замечания", "order_number": "1", "order_date": "2026-12-01"}
    response = client.post(reverse(f"programs:{action}", args=[program.pk]), data)
    program.refresh_from_db()
    expected = {"send": ProgramStatus.REVIEW, "return": ProgramStatus.REWORK, "approve": ProgramStatus.APPROVED}
    if allowed:
        assert response.status_code == 302 and program.status == expected[action]
    else:
        assert response.status_code == 403
        assert program.status == (ProgramStatus.DRAFT if action == "send" else ProgramStatus.REVIEW)


def test_an_activity_past_its_end_unfinished_is_overdue_and_a_finished_one_is_not(world, program):
    activity = program.activities.get()
    assert activity.is_overdue(TODAY) and activity.ends_on < TODAY
    assert not activity.is_overdue(datetime.date(2026, 11, 30))
    activity_status_change(
        activity=activity, status=ActivityStatus.DONE, report="Проведён", by=world.users["school_team"]
    )
    assert not activity.is_overdue(TODAY)
    activity.status = ActivityStatus.CANCELLED
    assert not activity.is_overdue(TODAY)


def test_a_status_change_needs_a_report_and_keeps_its_evidence_in_the_history(world, program):
    activity, team = program.activities.get(), world.users["school_team"]
    with pytest.raises(ValidationError):
        activity_status_change(activity=activity, status=ActivityStatus.DONE, report="", by=team)
    event = activity_status_change(
        activity=activity, status=ActivityStatus.DONE, report="Протокол педсовета", files=[_pdf()], by=team
    )
    assert (event.status_from, event.status_to) == (ActivityStatus.NOT_STARTED, ActivityStatus.DONE)
    assert event.evidence.get().original_name == "отчёт.pdf"
    assert Notification.objects.filter(user=world.users["curator"]).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("страница.html", b"<html><script>alert(1)</script></html>", "не принимаются"),
        ("отчёт.pdf", b"<html>not a pdf</html>", "не похоже"),
        ("огромный.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024 + 1), "больше 10 МБ"),
    ],
)
def test_evidence_is_checked_by_type_and_size(world, program, name, content, message):
    with pytest.raises(ValidationError, match=message):
        activity_status_change(
            activity=program.activities.get(),
            status=ActivityStatus.DONE,
            report="Отчёт",
            files=[SimpleUploadedFile(name, content)],
            by=world.users["school_team"],
        )
    assert not program.activities.get().events.exists()


def test_evidence_is_served_as_a_download_never_as_a_page(world, program, client):
    event = activity_status_change(
        activity=program.activities.get(), status="done", report="Отчёт", files=[_pdf()], by=world.users["school_team"]
    )
    client.force_login(world.users["curator"])
    response = client.get(reverse("programs:evidence", args=[event.evidence.get().pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_comments_are_threaded_and_the_other_side_is_told(world, program):
    activity = program.activities.get()
    question = comment_add(activity=activity, text="Когда педсовет?", parent=None, by=world.users["curator"])
    answer = comment_add(activity=activity, text="В пятницу", parent=question, by=world.users["school_team"])
    assert list(question.replies.all()) == [answer]
    assert Notification.objects.filter(user=world.users["curator"], text__contains="Комментарий").exists()


def test_a_progress_review_sets_the_next_date_and_a_missed_one_shows(world, program, client):
    review_record(
        program=program,
        reviewed_on=datetime.date(2026, 10, 1),
        overall="some",
        tasks={},
        remarks="",
        next_review_on=datetime.date(2026, 11, 1),
        by=world.users["curator"],
    )
    assert program.next_review_on == datetime.date(2026, 11, 1)
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    assert "Обзор прогресса был назначен на 01.11.2026 и не проведён." in page
    with pytest.raises(ValidationError):
        review_record(
            program=program,
            reviewed_on=datetime.date(2026, 12, 1),
            overall="good",
            tasks={},
            remarks="",
            next_review_on=datetime.date(2026, 11, 1),
            by=world.users["curator"],
        )


def test_the_dashboard_is_per_municipality_and_per_school(world, program, client):
    client.force_login(world.users["region_admin"])
    everything = client.get(reverse("programs:dashboard")).context["summary"]["counts"]["total"]
    own = client.get(reverse("programs:dashboard"), {"municipality": world.municipality.pk})
    other = client.get(reverse("programs:dashboard"), {"municipality": world.neighbour.pk})
    school = client.get(reverse("programs:dashboard"), {"school": world.school.code})
    assert everything == own.context["summary"]["counts"]["total"] == 1
    assert other.context["summary"]["counts"]["total"] == 0
    assert school.context["summary"]["counts"]["total"] == 1
    assert "Муниципалитет" in own.content.decode()


def test_the_monitoring_page_counts_as_each_programs_own_summary_does(world, program, client):
    """Per school, per section and per owner, with the overdue and the coming deadlines listed."""
    from opora.programs.models import Activity, Program, ProgramSection
    from opora.programs.views import execution_summary

    section = ProgramSection.objects.create(program=program, number="1", title="Оценочные процедуры")
    territory = Program.objects.create(region=world.region, municipality=world.municipality, kind="roadmap",
                                       title="Дорожная карта муниципалитета")  # fmt: skip
    today = timezone.localdate()
    for number, (owner, status, days, chosen) in enumerate(
        (
            ("Директор", ActivityStatus.DONE, -40, section),
            ("Директор", ActivityStatus.IN_PROGRESS, -3, section),  # overdue
            ("Завуч", ActivityStatus.NOT_STARTED, 10, None),  # due within 30 days
            ("", ActivityStatus.PARTLY_DONE, 5, None),
        )
    ):
        Activity.objects.create(program=program, section=chosen, number=str(number), content=f"Шаг {number}",
                                owners=owner, status=status, ends_on=today + datetime.timedelta(days=days))  # fmt: skip
    Activity.objects.create(program=territory, number="1", content="Совещание", status=ActivityStatus.NOT_STARTED,
                            ends_on=today - datetime.timedelta(days=1))  # fmt: skip
    client.force_login(world.users["region_admin"])
    page = client.get(reverse("programs:dashboard")).context
    everything = list(Activity.objects.filter(program__in=[program, territory]))
    assert page["summary"] == execution_summary(everything)
    rows = dict(page["rows"])
    of_territory = [a for a in everything if a.program_id == territory.pk]
    assert rows["Программы территории"] == execution_summary(of_territory)["counts"]
    assert rows[world.school.display_name] == execution_summary(list(program.activities.all()))["counts"]
    assert dict(page["summary"]["by_section"])["Без раздела"]["total"] == 4  # the fixture's, two here, the territory's
    assert dict(page["summary"]["by_owner"])["не указаны"]["total"] >= 1
    assert {a.content for a in page["overdue"]} == {"Шаг 1", "Совещание"} | (
        {"Педсовет по итогам ВПР"} if datetime.date(2026, 11, 30) < today else set()
    )
    assert "Шаг 2" in {a.content for a in page["upcoming"]}
