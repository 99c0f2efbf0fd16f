"""Every write of the events, and the participation of schools in them.

An event is planned by the coordinator (or the region's administrator) with its organiser, time,
audience, level, target schools and the risk factors it addresses. A school's team registers the
school (how many people it sends) and its teachers by name; the organiser marks who attended and,
for a contest, how many won. The participation of ШНОР (seed 000 2.5 and 4.6) is counted from the
attendance: a registration whose attendance is not marked yet is «нет данных», never «не был».
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from opora.accounts.models import User
from opora.events.ics import CalendarEvent, calendar
from opora.events.models import CONTEST_KINDS, Event, EventKind, EventStatus, Registration
from opora.identification.queries import listed_codes
from opora.schools.models import Municipality, Region, School
from opora.support.models import Teacher

EVENT_FIELDS = (
    "title",
    "kind",
    "level",
    "audience",
    "organiser",
    "starts_at",
    "ends_at",
    "place",
    "online_link",
    "description",
    "subjects",
    "factor_keys",
    "capacity",
    "status",
)


def school_year_of(day: datetime.date) -> int:
    """The school year a day belongs to, by the year it ends (1 September starts the next one)."""
    return day.year + 1 if day.month >= 9 else day.year


def school_year_span(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year - 1, 9, 1), datetime.date(year, 8, 31)


# ── events ────────────────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def event_save(
    *,
    event: Event | None,
    region: Region,
    municipality: Municipality | None,
    data: dict,
    target_schools: Iterable[School] = (),
    by: User | None,
) -> Event:
    """Create or change an event; target schools must belong to its territory."""
    errors: dict[str, list[str]] = {}
    title = (data.get("title") or "").strip()
    if not title:
        errors["title"] = ["Укажите название мероприятия."]
    if not (data.get("organiser") or "").strip():
        errors["organiser"] = ["Укажите организатора мероприятия."]
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    if starts_at is None:
        errors["starts_at"] = ["Укажите дату и время начала."]
    elif ends_at is not None and ends_at < starts_at:
        errors["ends_at"] = ["Окончание раньше начала: проверьте даты."]
    if municipality is not None and municipality.region_id != region.pk:
        errors["municipality"] = ["Муниципалитет не из региона мероприятия."]
    targets = list(target_schools)
    outside = [
        school.code
        for school in targets
        if school.municipality.region_id != region.pk
        or (municipality is not None and school.municipality_id != municipality.pk)
    ]
    if outside:
        errors["target_schools"] = [f"Школы не с территории мероприятия: {', '.join(sorted(outside))}."]
    if errors:
        raise ValidationError(errors)
    event = event or Event(region=region, created_by=by)
    event.region, event.municipality = region, municipality
    for name in EVENT_FIELDS:
        if name in data:
            value = data[name]
            setattr(event, name, value.strip() if isinstance(value, str) else value)
    event.title = title
    if event.capacity is not None and event.pk is not None:
        taken = seats_taken(event)
        if taken > event.capacity:
            raise ValidationError({"capacity": [f"Уже записано участников: {taken}; мест не может быть меньше."]})
    event.save()
    event.target_schools.set(targets)
    return event


def seats_taken(event: Event) -> int:
    """People registered for an event: each teacher, and each school's announced number of participants."""
    school_rows = event.registrations.filter(teacher__isnull=True).aggregate(total=Sum("participants"))["total"] or 0
    return school_rows + event.registrations.filter(teacher__isnull=False).count()


def _open_for_registration(event: Event) -> None:
    if event.status == EventStatus.CANCELLED:
        raise ValidationError("Мероприятие отменено: запись закрыта.")
    finish = event.ends_at or event.starts_at
    if finish < timezone.now():
        raise ValidationError("Мероприятие уже прошло: запись закрыта.")


@transaction.atomic
def register(
    *, event: Event, school: School, participants: int, teachers: Iterable[Teacher] = (), by: User | None
) -> list[Registration]:
    """Register a school (with how many people it sends) and some of its teachers by name.

    Registering again changes the school's number and adds the teachers not yet registered.
    """
    _open_for_registration(event)
    if school.municipality.region_id != event.region_id or (
        event.municipality_id is not None and school.municipality_id != event.municipality_id
    ):
        raise ValidationError(f"Школа {school.code} не с территории мероприятия.")
    chosen = list(teachers)
    strangers = [teacher.code for teacher in chosen if teacher.school_id != school.pk]
    if strangers:
        raise ValidationError(f"Педагоги не из школы {school.code}: {', '.join(strangers)}.")
    if participants < 1 and not chosen:
        raise ValidationError(
            {"participants": ["Укажите, сколько участников направляет школа, или выберите педагогов."]}
        )
    event = Event.objects.select_for_update().get(pk=event.pk)
    row, _created = Registration.objects.get_or_create(
        event=event, school=school, teacher=None, defaults={"participants": 0, "registered_by": by}
    )
    row.participants = max(participants, 0)
    row.save(update_fields=["participants"])
    made = [row]
    known = set(event.registrations.filter(teacher__in=chosen).values_list("teacher", flat=True))
    for teacher in chosen:
        if teacher.pk not in known:
            made.append(Registration.objects.create(event=event, school=school, teacher=teacher, registered_by=by))
    if event.capacity is not None and seats_taken(event) > event.capacity:
        raise ValidationError(
            f"Мест не хватает: их {event.capacity}, а с этой записью участников было бы {seats_taken(event)}."
        )
    return made


@transaction.atomic
def registration_cancel(*, registration: Registration, by: User | None) -> None:
    """Withdraw a registration (a school's row withdraws its teachers too) before attendance is marked."""
    rows = Registration.objects.filter(pk=registration.pk)
    if registration.teacher_id is None:
        rows = Registration.objects.filter(event=registration.event, school=registration.school)
    if rows.filter(Q(attended__isnull=False) | Q(attended_count__isnull=False)).exists():
        raise ValidationError("Посещение уже отмечено: запись не отменить, её можно только исправить в отметке.")
    for row in rows:
        row._change_reason = f"запись отменена ({by})" if by else "запись отменена"
        row.delete()


@dataclass(frozen=True)
class Mark:
    """What the organiser marks for one registration; None is «не отмечено»."""

    attended: bool | None = None
    attended_count: int | None = None
    winners: int | None = None
    prize_winners: int | None = None


@transaction.atomic
def attendance_save(*, event: Event, marks: dict[int, Mark], by: User | None) -> int:
    """Mark attendance (and a contest's results) of the event's registrations; the event becomes «проведено»."""
    if event.status == EventStatus.CANCELLED:
        raise ValidationError("Мероприятие отменено: посещение не отмечается.")
    if event.starts_at > timezone.now():
        raise ValidationError("Мероприятие ещё не началось: посещение отмечают после начала.")
    rows = {row.pk: row for row in event.registrations.filter(pk__in=marks)}
    errors = []
    for pk, mark in marks.items():
        if pk not in rows:
            errors.append(f"Запись № {pk} не относится к этому мероприятию.")
        elif mark.attended_count and (mark.winners or 0) + (mark.prize_winners or 0) > mark.attended_count:
            errors.append(
                f"Школа {rows[pk].school.code}: победителей и призёров больше, "
                f"чем присутствовало ({mark.attended_count})."
            )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    for pk, mark in marks.items():
        row = rows[pk]
        row.attended = mark.attended
        if row.teacher_id is None:
            row.attended_count = mark.attended_count
            if mark.attended_count is not None and mark.attended is None:
                row.attended = mark.attended_count > 0
        if event.kind in CONTEST_KINDS:
            row.winners, row.prize_winners = mark.winners, mark.prize_winners
        row.marked_by, row.marked_at = by, now
        row.save()
    if event.status == EventStatus.PLANNED:
        event.status = EventStatus.HELD
        event.save(update_fields=["status", "updated_at"])
    return len(marks)


@transaction.atomic
def event_cancel(*, event: Event, by: User | None) -> Event:
    if event.registrations.filter(attended=True).exists():
        raise ValidationError("Посещение уже отмечено: проведённое мероприятие не отменить.")
    event.status = EventStatus.CANCELLED
    event._change_reason = f"отменено ({by})" if by else "отменено"
    event.save(update_fields=["status", "updated_at"])
    return event


# ── calendar ──────────────────────────────────────────────────────────────────────────────────────


def events_calendar(events: Iterable[Event], *, host: str, name: str) -> str:
    """The events as an iCalendar text (RFC 5545)."""
    items = []
    for event in events:
        where = ", ".join(part for part in (event.place, event.online_link) if part)
        description = "\n".join(
            part
            for part in (
                f"{event.get_kind_display().capitalize()}, {event.get_level_display()} уровень",
                f"Организатор: {event.organiser}",
                f"Аудитория: {event.get_audience_display()}",
                event.description,
            )
            if part
        )
        items.append(
            CalendarEvent(
                uid=f"event-{event.pk}@{host}",
                summary=event.title,
                starts_at=event.starts_at,
                ends_at=event.ends_at,
                location=where,
                description=description,
                cancelled=event.status == EventStatus.CANCELLED,
            )
        )
    return calendar(items, stamp=timezone.now(), name=name)


# ── participation ─────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class SchoolParticipation:
    school: School
    shnor: bool | None
    registered: int  # events the school registered for
    attended: int  # events it attended (by a school row or a teacher)
    unmarked: int  # registrations of held events without a mark
    teachers: int  # distinct teachers who attended
    students_events: int  # attended events for students (contests, mostly)
    winners: int
    prize_winners: int


@dataclass(frozen=True)
class Participation:
    """Who took part in the events of a school year, with the figures of ШНОР against the others."""

    year: int
    shnor_known: bool
    events: int
    held: int
    rows: tuple[SchoolParticipation, ...]
    by_kind: tuple[tuple[str, int, int], ...]  # kind label, ШНОР that attended, all schools that attended

    def _group(self, shnor: bool) -> list[SchoolParticipation]:
        return [row for row in self.rows if row.shnor is shnor]

    @property
    def shnor_total(self) -> int | None:
        return len(self._group(True)) if self.shnor_known else None

    @property
    def shnor_attended(self) -> int | None:
        return sum(1 for row in self._group(True) if row.attended) if self.shnor_known else None

    @property
    def shnor_share(self) -> float | None:
        total = self.shnor_total
        return (self.shnor_attended or 0) / total if total else None

    @property
    def others_share(self) -> float | None:
        others = self._group(False)
        return sum(1 for row in others if row.attended) / len(others) if others else None


def participation(
    schools: QuerySet[School], region: Region, year: int, municipality: Municipality | None
) -> Participation:
    """The participation of the schools in the events of the school year (held or planned, not cancelled)."""
    start, end = school_year_span(year)
    events = Event.objects.filter(region=region, starts_at__date__range=(start, end)).exclude(
        status=EventStatus.CANCELLED
    )
    if municipality is not None:
        events = events.filter(Q(municipality=None) | Q(municipality=municipality))
    codes = listed_codes(region, year, ("low_results",), municipality=municipality)
    listed = set(codes) if codes is not None else None
    schools = schools.select_related("municipality").order_by("code")
    registrations = (
        Registration.objects.filter(event__in=events, school__in=schools)
        .select_related("event")
        .only(
            "school_id",
            "teacher_id",
            "event__id",
            "event__kind",
            "event__status",
            "attended",
            "winners",
            "prize_winners",
        )
    )
    registered: dict[int, set[int]] = defaultdict(set)
    attended: dict[int, set[int]] = defaultdict(set)
    unmarked: dict[int, int] = defaultdict(int)
    teachers: dict[int, set[int]] = defaultdict(set)
    students: dict[int, set[int]] = defaultdict(set)
    wins: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    kinds: dict[str, tuple[set[int], set[int]]] = {}
    for row in registrations:
        registered[row.school_id].add(row.event.pk)
        if row.attended is None and row.teacher_id is None and row.event.status == EventStatus.HELD:
            unmarked[row.school_id] += 1
        if row.attended:
            attended[row.school_id].add(row.event.pk)
            if row.teacher_id:
                teachers[row.school_id].add(row.teacher_id)
            if row.event.kind == EventKind.STUDENT_CONTEST:
                students[row.school_id].add(row.event.pk)
            kinds.setdefault(row.event.kind, (set(), set()))[1].add(row.school_id)
        wins[row.school_id][0] += row.winners or 0
        wins[row.school_id][1] += row.prize_winners or 0
    rows = []
    shnor_ids = set()
    for school in schools:
        shnor = None if listed is None else school.code in listed
        if shnor:
            shnor_ids.add(school.pk)
        rows.append(
            SchoolParticipation(
                school=school,
                shnor=shnor,
                registered=len(registered[school.pk]),
                attended=len(attended[school.pk]),
                unmarked=unmarked[school.pk],
                teachers=len(teachers[school.pk]),
                students_events=len(students[school.pk]),
                winners=wins[school.pk][0],
                prize_winners=wins[school.pk][1],
            )
        )
    labels = dict(EventKind.choices)
    by_kind = tuple(
        (labels[kind], len(found & shnor_ids), len(found)) for kind, (_unused, found) in sorted(kinds.items())
    )
    return Participation(
        year=year,
        shnor_known=listed is not None,
        events=events.count(),
        held=events.filter(status=EventStatus.HELD).count(),
        rows=tuple(rows),
        by_kind=by_kind,
    )
