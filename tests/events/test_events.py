"""Events: registration and its limits, attendance (unknown is never «не был»), participation of ШНОР, pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from opora.events.models import Event, EventStatus, Registration
from opora.events.services import Mark, attendance_save, event_cancel, event_save, participation, register
from opora.events.services import registration_cancel as withdraw
from opora.network.services import teacher_save
from opora.schools.models import School


def _event(world, *, days: float = 7, **extra) -> Event:
    data = {
        "title": "Мастер-класс «Смысловое чтение»",
        "kind": "master_class",
        "level": "municipal",
        "audience": "teachers",
        "organiser": "Опорная школа № 2",
        "starts_at": timezone.now() + datetime.timedelta(days=days),
        **extra,
    }
    return event_save(event=None, region=world.region, municipality=world.municipality, data=data, by=None)


def test_an_event_ends_after_it_starts_and_targets_schools_of_its_territory(world):
    start = timezone.now()
    with pytest.raises(ValidationError) as refused:
        event_save(
            event=None,
            region=world.region,
            municipality=world.municipality,
            data={"title": "Семинар", "organiser": "ММО", "starts_at": start, "ends_at": start - datetime.timedelta(1)},
            target_schools=[world.neighbour_school],
            by=None,
        )
    assert "Окончание раньше начала" in str(refused.value.message_dict["ends_at"])
    assert world.neighbour_school.code in str(refused.value.message_dict["target_schools"])


def test_a_school_registers_itself_and_its_teachers_once(world):
    event = _event(world)
    data = {"code": "T-1", "full_name": "Орлова Н. В."}
    teacher = teacher_save(school=world.school, teacher=None, data=data, by=None)
    register(event=event, school=world.school, participants=3, teachers=[teacher], by=None)
    register(event=event, school=world.school, participants=4, teachers=[teacher], by=None)  # again: changed
    rows = Registration.objects.filter(event=event)
    assert rows.count() == 2
    assert rows.get(teacher=None).participants == 4


def test_registration_respects_capacity_territory_and_teachers_of_the_school(world):
    event = _event(world, capacity=3)
    with pytest.raises(ValidationError, match="Мест не хватает"):
        register(event=event, school=world.school, participants=4, by=None)
    assert not Registration.objects.filter(event=event).exists()  # nothing half-written
    with pytest.raises(ValidationError, match="не с территории"):
        register(event=event, school=world.neighbour_school, participants=1, by=None)
    stranger = teacher_save(school=world.sibling, teacher=None, data={"code": "S-1"}, by=None)
    with pytest.raises(ValidationError, match="Педагоги не из школы"):
        register(event=event, school=world.school, participants=1, teachers=[stranger], by=None)


def test_no_registration_for_a_past_or_cancelled_event(world):
    past = _event(world, days=-2)
    with pytest.raises(ValidationError, match="уже прошло"):
        register(event=past, school=world.school, participants=1, by=None)
    cancelled = event_cancel(event=_event(world), by=None)
    with pytest.raises(ValidationError, match="отменено"):
        register(event=cancelled, school=world.school, participants=1, by=None)


def test_attendance_is_marked_after_the_start_and_then_the_registration_stays(world):
    event = _event(world, days=1)
    (row,) = register(event=event, school=world.school, participants=2, by=None)
    with pytest.raises(ValidationError, match="ещё не началось"):
        attendance_save(event=event, marks={row.pk: Mark(attended_count=2)}, by=None)
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=2))
    event.refresh_from_db()
    attendance_save(event=event, marks={row.pk: Mark(attended_count=2)}, by=None)
    row.refresh_from_db()
    event.refresh_from_db()
    assert (row.attended, row.attended_count, event.status) == (True, 2, EventStatus.HELD)
    with pytest.raises(ValidationError, match="Посещение уже отмечено"):
        withdraw(registration=row, by=None)
    with pytest.raises(ValidationError, match="не отменить"):
        event_cancel(event=event, by=None)


def test_participation_counts_only_marked_attendance_and_knows_the_shnor(world):
    # The world's school is the one ШНОР of the approved list for 2026/2027.
    event = _event(world, days=1, kind="seminar")
    register(event=event, school=world.school, participants=2, by=None)
    register(event=event, school=world.sibling, participants=1, by=None)
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.make_aware(datetime.datetime(2026, 11, 20, 10)), status=EventStatus.HELD
    )
    schools = School.objects.filter(municipality=world.municipality)
    found = participation(schools, world.region, 2027, world.municipality)
    rows = {row.school.code: row for row in found.rows}
    assert found.shnor_known and found.shnor_total == 1
    assert found.shnor_attended == 0 and rows[world.school.code].unmarked == 1  # registered, not marked yet
    sibling_row = Registration.objects.get(school=world.sibling)
    school_row = Registration.objects.get(school=world.school)
    event.refresh_from_db()
    marks = {school_row.pk: Mark(attended=True), sibling_row.pk: Mark(attended=False)}
    attendance_save(event=event, marks=marks, by=None)
    found = participation(schools, world.region, 2027, world.municipality)
    assert (found.shnor_attended, found.shnor_share, found.others_share) == (1, 1.0, 0.0)
    assert found.by_kind == (("семинар", 1, 1),)


def test_participation_without_a_list_says_no_data(world):
    found = participation(School.objects.filter(municipality=world.municipality), world.region, 2025, None)
    assert not found.shnor_known
    assert found.shnor_total is None and found.shnor_share is None
    assert {row.shnor for row in found.rows} == {None}


def test_school_team_registers_on_the_page_and_coordinator_marks_attendance(world, client):
    event = _event(world, days=2)
    teacher_save(school=world.school, teacher=None, data={"code": "T-9", "full_name": "Белова А. С."}, by=None)
    client.force_login(world.users["school_team"])
    page = client.get(reverse("events:detail", args=[event.pk]))
    assert "Записать школу" in page.content.decode() and "Белова А. С." in page.content.decode()
    teacher = world.school.teachers.get(code="T-9")
    answer = client.post(
        reverse("events:detail", args=[event.pk]),
        {"school": world.school.pk, "participants": 2, "teachers": [teacher.pk]},
    )
    assert answer.status_code == 302
    assert Registration.objects.filter(event=event, school=world.school).count() == 2

    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    client.force_login(world.users["coordinator"])
    rows = list(Registration.objects.filter(event=event).order_by("pk"))
    bad = client.post(reverse("events:attendance", args=[event.pk]), {f"count-{rows[0].pk}": "два"})
    assert "не целое неотрицательное число" in bad.content.decode()
    assert not Registration.objects.filter(event=event, marked_at__isnull=False).exists()
    done = client.post(
        reverse("events:attendance", args=[event.pk]),
        {f"attended-{rows[0].pk}": "yes", f"count-{rows[0].pk}": "2", f"attended-{rows[1].pk}": "yes"},
    )
    assert done.status_code == 302
    assert set(Registration.objects.filter(event=event).values_list("attended", flat=True)) == {True}
    card = client.get(reverse("network:teacher", args=[teacher.pk])).content.decode()
    assert event.title in card and "присутствовал" in card  # the teacher's page shows the event


def test_the_coordinator_cannot_change_a_regional_event(world, client):
    regional = event_save(
        event=None,
        region=world.region,
        municipality=None,
        data={"title": "Региональный методический день", "organiser": "ИРО", "starts_at": timezone.now()},
        by=None,
    )
    client.force_login(world.users["coordinator"])
    assert client.get(reverse("events:detail", args=[regional.pk])).status_code == 200
    assert client.get(reverse("events:edit", args=[regional.pk])).status_code == 403
    client.force_login(world.users["region_admin"])
    assert client.get(reverse("events:edit", args=[regional.pk])).status_code == 200


def test_calendar_and_ics_show_the_events_of_the_month(world, client):
    event = _event(world, days=0.5, title="Лекторий для родителей; «Как помочь с уроками»")
    client.force_login(world.users["observer"])
    local = timezone.localtime(event.starts_at)
    page = client.get(reverse("events:calendar"), {"month": f"{local:%Y-%m}"}).content.decode()
    assert "Лекторий для родителей" in page
    ics = client.get(reverse("events:ics"))
    assert ics["Content-Type"].startswith("text/calendar")
    body = ics.content.decode()
    assert "SUMMARY:Лекторий для родителей\\; «Как помочь с уроками»" in body.replace("\r\n ", "")
    assert f"UID:event-{event.pk}@" in body


def test_participation_page_and_export(world, client):
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("events:participation"), {"year": 2027}).content.decode()
    assert "ШНОР участвовали" in page and "0 из 1" in page
    assert client.get(reverse("events:participation"), {"year": 2025}).content.decode().count("нет данных") >= 2
    export = client.get(reverse("events:participation_export"), {"year": 2027})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
