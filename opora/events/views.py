"""Pages of the events: the list and the calendar, an event with its registrations and attendance,
the participation of schools (ШНОР against the others), .ics and .xlsx. Thin: every write is a service."""

from __future__ import annotations

import calendar as month_calendar
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from opora.accounts.access import Action, can, require
from opora.accounts.models import Role, User
from opora.core.downloads import download_response, xlsx_response
from opora.core.formatting import num, school_year_label
from opora.core.forms import add_service_errors
from opora.events.forms import EventForm, RegisterForm
from opora.events.models import CONTEST_KINDS, Audience, Event, EventKind, EventStatus, Registration
from opora.events.services import (
    Mark,
    attendance_save,
    event_cancel,
    event_save,
    events_calendar,
    participation,
    register,
    registration_cancel,
    school_year_of,
    seats_taken,
)
from opora.risks.services import latest_factor_set
from opora.schools.models import Municipality, Region, School
from opora.schools.queries import chosen_region, visible_municipalities
from opora.support.models import Teacher

MONTHS = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


def _events(request: HttpRequest) -> QuerySet[Event]:
    return Event.objects.visible_to(request.user).select_related("municipality", "region")


def _schools(request: HttpRequest) -> QuerySet[School]:
    return School.objects.visible_to(request.user).filter(is_active=True).select_related("municipality")


def _factor_names(region) -> dict[str, str]:
    if region is None:
        return {}
    return dict(latest_factor_set(region).factors.values_list("key", "name"))


def may_manage(user: User, event: Event) -> bool:
    """Whether the user runs this event: the region's administrator, or the coordinator of its municipality."""
    if not can(user, Action.MANAGE_EVENTS):
        return False
    if user.is_superuser:
        return True
    if Role(user.role) == Role.REGION_ADMIN:
        return user.region_id == event.region_id
    return event.municipality_id is not None and event.municipality_id == user.municipality_id


def _filtered(request: HttpRequest) -> tuple[QuerySet[Event], dict]:
    events = _events(request).order_by("starts_at", "pk")
    when = request.GET.get("when", "upcoming")
    now = timezone.now()
    if when == "upcoming":
        events = events.filter(Q(ends_at__gte=now) | Q(ends_at=None, starts_at__gte=now - datetime.timedelta(hours=12)))
    elif when == "past":
        events = events.filter(starts_at__lt=now).order_by("-starts_at", "-pk")
    kind = request.GET.get("kind", "")
    if kind in EventKind.values:
        events = events.filter(kind=kind)
    audience = request.GET.get("audience", "")
    if audience in Audience.values:
        events = events.filter(audience=audience)
    return events, {"when": when, "kind": kind, "audience": audience}


def _own_school(user: User) -> School | None:
    return user.school if Role(user.role) == Role.SCHOOL_TEAM and user.school_id else None


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    """The events of the user's territory: upcoming first; filters by kind and audience."""
    events, filters = _filtered(request)
    events = events.annotate(schools_registered=Count("registrations__school", distinct=True))
    page = Paginator(events, 30).get_page(request.GET.get("page"))
    own = _own_school(request.user)
    targeted = set()
    registered = set()
    if own is not None:
        ids = [event.pk for event in page]
        targeted = set(
            Event.target_schools.through.objects.filter(event_id__in=ids, school=own).values_list("event_id", flat=True)
        )
        registered = set(Registration.objects.filter(event_id__in=ids, school=own).values_list("event_id", flat=True))
    return render(
        request,
        "events/list.html",
        {
            "page": page,
            "filters": filters,
            "kinds": EventKind.choices,
            "audiences": Audience.choices,
            "can_add": can(request.user, Action.MANAGE_EVENTS),
            "own": own,
            "targeted": targeted,
            "registered": registered,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def events_export(request: HttpRequest) -> HttpResponse:
    events, _filters = _filtered(request)
    events = events.annotate(
        schools_registered=Count("registrations__school", distinct=True),
        attended=Count("registrations", filter=Q(registrations__attended=True)),
    )
    return xlsx_response(
        filename="Мероприятия.xlsx",
        sheet_title="Мероприятия",
        columns=[
            "Начало",
            "Окончание",
            "Мероприятие",
            "Вид",
            "Уровень",
            "Аудитория",
            "Организатор",
            "Муниципалитет",
            "Место",
            "Состояние",
            "Записалось школ",
            "Отмечено присутствие (записей)",
        ],
        rows=(
            [
                timezone.localtime(event.starts_at).strftime("%d.%m.%Y %H:%M"),
                timezone.localtime(event.ends_at).strftime("%d.%m.%Y %H:%M") if event.ends_at else "",
                event.title,
                event.get_kind_display(),
                event.get_level_display(),
                event.get_audience_display(),
                event.organiser,
                event.municipality.name if event.municipality else "весь регион",
                event.place,
                event.get_status_display(),
                event.schools_registered,
                event.attended if event.status == EventStatus.HELD else None,
            ]
            for event in events
        ),
    )


def _month(request: HttpRequest) -> datetime.date:
    wanted = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in wanted.split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


@login_required
def event_calendar(request: HttpRequest) -> HttpResponse:
    """A month of events as a calendar (on a phone: the days with events, one under another)."""
    first = _month(request)
    weeks = month_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start = timezone.make_aware(datetime.datetime.combine(weeks[0][0], datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(weeks[-1][-1], datetime.time.max))
    by_day: dict[datetime.date, list[Event]] = {}
    for event in _events(request).filter(starts_at__range=(start, end)).order_by("starts_at", "pk"):
        by_day.setdefault(timezone.localtime(event.starts_at).date(), []).append(event)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "events/calendar.html",
        {
            "title": f"{MONTHS[first.month - 1].capitalize()} {first.year}",
            "weeks": [[(day, day.month == first.month, by_day.get(day, [])) for day in week] for week in weeks],
            "weekdays": WEEKDAYS,
            "today": timezone.localdate(),
            "previous": f"{previous:%Y-%m}",
            "following": f"{following:%Y-%m}",
            "month": f"{first:%Y-%m}",
            "empty": not by_day,
        },
    )


@login_required
def calendar_ics(request: HttpRequest) -> HttpResponse:
    """The territory's events from three months back, as .ics to import into a calendar."""
    since = timezone.now() - datetime.timedelta(days=92)
    events = _events(request).filter(starts_at__gte=since).order_by("starts_at", "pk")
    text = events_calendar(events, host=request.get_host().split(":")[0], name="Мероприятия программы поддержки")
    return download_response(text.encode("utf-8"), filename="Мероприятия.ics", content_type=ICS_CONTENT_TYPE)


@login_required
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(_events(request), pk=pk)
    text = events_calendar([event], host=request.get_host().split(":")[0], name=event.title)
    return download_response(
        text.encode("utf-8"), filename=f"Мероприятие {event.pk}.ics", content_type=ICS_CONTENT_TYPE
    )


def _register_form(request: HttpRequest, event: Event, data=None) -> RegisterForm | None:
    if not can(request.user, Action.REGISTER_FOR_EVENTS) or event.status == EventStatus.CANCELLED:
        return None
    if (event.ends_at or event.starts_at) < timezone.now():
        return None
    schools = _schools(request).filter(municipality__region=event.region)
    if event.municipality_id is not None:
        schools = schools.filter(municipality=event.municipality)
    if not schools.exists():
        return None
    own = _own_school(request.user)
    teachers = Teacher.objects.filter(school=own).order_by("full_name", "code") if own else Teacher.objects.none()
    return RegisterForm(data, schools=schools.order_by("code"), teachers=teachers)


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An event: what, when, where, for whom; the registrations the user may see; register or withdraw."""
    event = get_object_or_404(_events(request).prefetch_related("target_schools"), pk=pk)
    form = _register_form(request, event)
    if request.method == "POST":
        require(request.user, Action.REGISTER_FOR_EVENTS)
        form = _register_form(request, event, request.POST)
        if form is None:
            raise PermissionDenied("Запись на это мероприятие закрыта.")
        if form.is_valid():
            data = form.cleaned_data
            try:
                register(
                    event=event,
                    school=data["school"],
                    participants=data["participants"],
                    teachers=data.get("teachers") or (),
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Школа {data['school'].code} записана на мероприятие.")
                return redirect("events:detail", pk=event.pk)
    registrations = (
        Registration.objects.visible_to(request.user)
        .filter(event=event)
        .select_related("school", "teacher")
        .order_by("school__code", "teacher__full_name", "pk")
    )
    factors = _factor_names(event.region)
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "factors": [factors.get(key, key) for key in event.factor_keys],
            "targets": event.target_schools.all(),
            "registrations": registrations,
            "show_teachers": can(request.user, Action.VIEW_TEACHERS),
            "may_withdraw": can(request.user, Action.REGISTER_FOR_EVENTS),
            "form": form,
            "taken": seats_taken(event),
            "manage": may_manage(request.user, event),
            "started": event.starts_at <= timezone.now(),
        },
    )


def _event_form(request: HttpRequest, region, data=None, initial=None) -> EventForm:
    municipalities = visible_municipalities(request.user).filter(region=region).order_by("name")
    fixed = request.user.municipality if Role(request.user.role) == Role.MUNICIPAL_COORDINATOR else None
    schools = School.objects.visible_to(request.user).filter(municipality__region=region, is_active=True)
    names = _factor_names(region)
    return EventForm(
        data,
        initial=initial,
        municipalities=municipalities,
        schools=schools.select_related("municipality").order_by("code"),
        factors=sorted(names.items(), key=lambda pair: pair[1]),
        fixed_municipality=fixed if not request.user.is_superuser else None,
    )


def _save_event(request: HttpRequest, form: EventForm, region, event: Event | None) -> Event | None:
    if not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    municipality: Municipality | None = data.pop("municipality")
    targets = data.pop("target_schools")
    try:
        return event_save(
            event=event, region=region, municipality=municipality, data=data, target_schools=targets, by=request.user
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None


@login_required
def event_add(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_EVENTS)
    region = chosen_region(request.user, request.GET.get("region") or request.POST.get("region"))
    if region is None:
        return render(
            request,
            "risks/choose_region.html",
            {"title": "Новое мероприятие", "regions": Region.objects.order_by("name")},
        )
    form = _event_form(request, region, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        event = _save_event(request, form, region, None)
        if event is not None:
            messages.success(request, "Мероприятие добавлено.")
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/edit.html", {"form": form, "event": None, "region": region})


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(_events(request), pk=pk)
    require(request.user, Action.MANAGE_EVENTS)
    if not may_manage(request.user, event):
        raise PermissionDenied(
            "Региональное мероприятие меняет региональный администратор, муниципальное — его координатор."
        )
    initial = {name: getattr(event, name) for name in ("title", "kind", "level", "audience", "organiser", "place")}
    initial.update(
        {
            "municipality": event.municipality_id,
            "starts_at": timezone.localtime(event.starts_at),
            "ends_at": timezone.localtime(event.ends_at) if event.ends_at else None,
            "online_link": event.online_link,
            "description": event.description,
            "subjects": event.subjects,
            "factor_keys": event.factor_keys,
            "target_schools": list(event.target_schools.values_list("pk", flat=True)),
            "capacity": event.capacity,
            "status": event.status,
        }
    )
    form = _event_form(request, event.region, request.POST if request.method == "POST" else None, initial)
    if request.method == "POST":
        saved = _save_event(request, form, event.region, event)
        if saved is not None:
            messages.success(request, "Мероприятие сохранено.")
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/edit.html", {"form": form, "event": event, "region": event.region})


@login_required
@require_POST
def event_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(_events(request), pk=pk)
    require(request.user, Action.MANAGE_EVENTS)
    if not may_manage(request.user, event):
        raise PermissionDenied("Отменить мероприятие может тот, кто его ведёт.")
    try:
        event_cancel(event=event, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Мероприятие отменено; записавшиеся школы увидят это на его странице.")
    return redirect("events:detail", pk=event.pk)


@login_required
@require_POST
def registration_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.REGISTER_FOR_EVENTS)
    registration = get_object_or_404(Registration.objects.visible_to(request.user).select_related("event"), pk=pk)
    try:
        registration_cancel(registration=registration, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Запись отменена.")
    return redirect("events:detail", pk=registration.event_id)


def _count(raw: str, label: str, errors: list[str]) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit():
        errors.append(f"{label}: «{raw}» — не целое неотрицательное число.")
        return None
    return int(raw)


def _marks(request: HttpRequest, rows: list[Registration]) -> tuple[dict[int, Mark], list[str]]:
    marks, errors = {}, []
    states = {"": None, "yes": True, "no": False}
    for row in rows:
        who = f"{row.school.code} {row.teacher.full_name or row.teacher.code}" if row.teacher_id else row.school.code
        state = request.POST.get(f"attended-{row.pk}", "")
        if state not in states:
            errors.append(f"{who}: неизвестная отметка «{state}».")
            continue
        marks[row.pk] = Mark(
            attended=states[state],
            attended_count=_count(request.POST.get(f"count-{row.pk}", ""), f"{who}, присутствовало", errors),
            winners=_count(request.POST.get(f"winners-{row.pk}", ""), f"{who}, победителей", errors),
            prize_winners=_count(request.POST.get(f"prize-{row.pk}", ""), f"{who}, призёров", errors),
        )
    return marks, errors


@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser marks who attended (and, for a contest, how many won)."""
    event = get_object_or_404(_events(request), pk=pk)
    require(request.user, Action.MANAGE_EVENTS)
    if not may_manage(request.user, event):
        raise PermissionDenied("Посещение отмечает тот, кто ведёт мероприятие.")
    rows = list(event.registrations.select_related("school", "teacher").order_by("school__code", "teacher", "pk"))
    errors: list[str] = []
    if request.method == "POST":
        marks, errors = _marks(request, rows)
        if not errors:
            try:
                saved = attendance_save(event=event, marks=marks, by=request.user)
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, f"Посещение отмечено: записей {num(saved)}.")
                return redirect("events:detail", pk=event.pk)
    return render(
        request,
        "events/attendance.html",
        {
            "event": event,
            "rows": rows,
            "errors": errors,
            "contest": event.kind in CONTEST_KINDS,
            "started": event.starts_at <= timezone.now(),
            "posted": request.POST if request.method == "POST" else None,
        },
    )


def _participation(request: HttpRequest):
    region = chosen_region(request.user, request.GET.get("region"))
    if region is None:
        return None, None
    wanted = request.GET.get("year", "")
    year = int(wanted) if wanted.isdigit() and 2000 < int(wanted) < 2100 else school_year_of(timezone.localdate())
    municipality = request.user.municipality if request.user.municipality_id else None
    schools = School.objects.visible_to(request.user).filter(municipality__region=region, is_active=True)
    return region, participation(schools, region, year, municipality)


def _yes_no(value: bool | None) -> str:
    return "нет данных" if value is None else ("да" if value else "нет")


@login_required
def participation_view(request: HttpRequest) -> HttpResponse:
    """Who took part in the events of a school year: ШНОР against the other schools (seed 000 2.5, 4.6)."""
    region, found = _participation(request)
    if found is None:
        regions = Region.objects.order_by("name") if request.user.is_superuser else Region.objects.none()
        return render(request, "risks/choose_region.html", {"title": "Участие в мероприятиях", "regions": regions})
    rows = sorted(found.rows, key=lambda row: (row.shnor is not True, row.attended > 0, row.school.code))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    years = range(found.year - 3, found.year + 2)
    return render(
        request,
        "events/participation.html",
        {
            "found": found,
            "page": page,
            "region": region,
            "years": [(year, school_year_label(year)) for year in years],
            "year_label": school_year_label(found.year),
        },
    )


@login_required
def participation_export(request: HttpRequest) -> HttpResponse:
    _region, found = _participation(request)
    if found is None:
        regions = Region.objects.order_by("name") if request.user.is_superuser else Region.objects.none()
        return render(request, "risks/choose_region.html", {"title": "Участие в мероприятиях", "regions": regions})
    return xlsx_response(
        filename=f"Участие в мероприятиях {school_year_label(found.year).replace('/', '-')}.xlsx",
        sheet_title="Участие в мероприятиях",
        columns=[
            "Код ОО",
            "Школа",
            "Муниципалитет",
            "ШНОР",
            "Записывалась (мероприятий)",
            "Участвовала (мероприятий)",
            "Педагогов участвовало",
            "Конкурсов обучающихся",
            "Победителей",
            "Призёров",
            "Посещение не отмечено",
        ],
        rows=(
            [
                row.school.code,
                row.school.display_name,
                row.school.municipality.name,
                _yes_no(row.shnor),
                row.registered,
                row.attended,
                row.teachers,
                row.students_events,
                row.winners,
                row.prize_winners,
                row.unmarked,
            ]
            for row in found.rows
        ),
        text_columns=[0],
    )
