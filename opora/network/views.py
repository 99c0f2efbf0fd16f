"""Pages of the support network: curators and their schools, monitoring visits, engagement concerns,
partner schools and partnerships, teachers and their development. Thin: every write is a service."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from opora.accounts.access import Action, can, require
from opora.accounts.models import Role, User
from opora.core.downloads import DOCX_CONTENT_TYPE, download_response, xlsx_response
from opora.core.forms import add_service_errors
from opora.network import forms as network_forms
from opora.network.documents import curators_order_docx
from opora.network.services import (
    CHECKLIST,
    TeacherShares,
    assignment_conflicts,
    assignment_end,
    attention_for,
    concern_raise,
    concern_step,
    curator_assign,
    mentor_suggestions,
    mentoring_pair_create,
    partnership_activity_add,
    partnership_confirm,
    partnership_save,
    recommendation_to_activity,
    roadmaps_of,
    teacher_save,
    teacher_shares,
    teacher_shares_by_school,
    today,
    visit_plan,
    visit_protocol_save,
    workplace_record,
)
from opora.programs.computed import current_school_year
from opora.risks.models import PriorityFactor, RiskFactor
from opora.risks.services import latest_factor_set
from opora.schools.models import School
from opora.schools.queries import home_region, visible_school_or_404
from opora.support.models import (
    CheckState,
    ConcernStatus,
    CuratorAssignment,
    EngagementConcern,
    MentoringPair,
    MonitoringVisit,
    Partnership,
    PartnershipStatus,
    PlanItem,
    Teacher,
    VisitArea,
    VisitStatus,
)


def _schools(request: HttpRequest):
    return School.objects.visible_to(request.user).select_related("municipality").order_by("code")


def _authority(user) -> str:
    if user.municipality_id:
        return f"Управление образования: {user.municipality.name}"
    region = home_region(user)
    return f"Министерство образования: {region.name}" if region else "Орган управления образованием"


def _factor_names(region) -> dict[str, str]:
    if region is None:
        return {}
    return dict(latest_factor_set(region).factors.values_list("key", "name"))


# ── curators ──────────────────────────────────────────────────────────────────────────────────────


@login_required
def curators(request: HttpRequest) -> HttpResponse:
    """The assignments of curators in scope, with conflicts of interest; assign and record workplaces."""
    require(request.user, Action.ASSIGN_CURATORS)
    schools = _schools(request)
    assign_form = network_forms.AssignForm(user=request.user, schools=schools, prefix="assign")
    workplace_form = network_forms.WorkplaceForm(user=request.user, schools=schools, prefix="place")
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "assign":
            assign_form = network_forms.AssignForm(request.POST, user=request.user, schools=schools, prefix="assign")
            if assign_form.is_valid():
                data = assign_form.cleaned_data
                try:
                    made = curator_assign(
                        curator=data["curator"],
                        schools=list(data["schools"]),
                        starts_on=data["starts_on"],
                        ends_on=data["ends_on"],
                        order_number=data["order_number"],
                        order_date=data["order_date"],
                        by=request.user,
                    )
                except ValidationError as error:
                    add_service_errors(assign_form, error)
                else:
                    messages.success(request, f"Куратор {data['curator']} закреплён за школами: {len(made)}.")
                    return redirect("network:curators")
        elif which == "workplace":
            workplace_form = network_forms.WorkplaceForm(
                request.POST, user=request.user, schools=schools, prefix="place"
            )
            if workplace_form.is_valid():
                data = workplace_form.cleaned_data
                try:
                    _place, clashing = workplace_record(
                        curator=data["curator"],
                        school=data["school"],
                        position=data["position"],
                        since_year=data["since_year"],
                        until_year=data["until_year"],
                        by=request.user,
                    )
                except ValidationError as error:
                    add_service_errors(workplace_form, error)
                else:
                    if clashing:
                        messages.warning(
                            request,
                            "Место работы записано. Внимание: куратор закреплён за этой школой — это конфликт "
                            "интересов, открепите его и закрепите другого куратора.",
                        )
                    else:
                        messages.success(request, "Место работы куратора записано.")
                    return redirect("network:curators")
    assignments = (
        CuratorAssignment.objects.visible_to(request.user)
        .select_related("curator", "school__municipality")
        .order_by("school__code", "-starts_on")
    )
    day = today()
    shown = request.GET.get("show", "current")
    if shown == "current":
        assignments = assignments.filter(starts_on__lte=day).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
    page = Paginator(assignments, 50).get_page(request.GET.get("page"))
    conflicts = assignment_conflicts(page.object_list)
    covered = set(
        CuratorAssignment.objects.visible_to(request.user)
        .filter(starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .values_list("school_id", flat=True)
    )
    return render(
        request,
        "network/curators.html",
        {
            "page": page,
            "conflicts": conflicts,
            "shown": shown,
            "assign_form": assign_form,
            "workplace_form": workplace_form,
            "end_form": network_forms.EndForm(initial={"ends_on": day}),
            "order_form": network_forms.OrderForm(),
            "schools_total": schools.count(),
            "schools_covered": len(covered),
            "today": day,
        },
    )


@login_required
@require_POST
def assignment_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.ASSIGN_CURATORS)
    assignment = get_object_or_404(CuratorAssignment.objects.visible_to(request.user), pk=pk)
    form = network_forms.EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите дату открепления.")
        return redirect("network:curators")
    try:
        assignment_end(assignment=assignment, ends_on=form.cleaned_data["ends_on"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Куратор {assignment.curator} откреплён от школы {assignment.school.display_name}.")
    return redirect("network:curators")


@login_required
def curators_order(request: HttpRequest) -> HttpResponse:
    """The order «О закреплении кураторов» for the assignments in force, .docx."""
    require(request.user, Action.ASSIGN_CURATORS)
    form = network_forms.OrderForm(request.GET)
    number, date = ("", None)
    if form.is_valid():
        number, date = form.cleaned_data["number"], form.cleaned_data["date"]
    day = today()
    assignments = list(
        CuratorAssignment.objects.visible_to(request.user)
        .filter(starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("curator", "school__municipality")
        .order_by("school__municipality__name", "school__code")
    )
    if number:
        assignments = [item for item in assignments if item.order_number in ("", number)] or assignments
    content = curators_order_docx(authority=_authority(request.user), assignments=assignments, number=number, date=date)
    return download_response(content, filename="Приказ о закреплении кураторов.docx", content_type=DOCX_CONTENT_TYPE)


def _curator_context(request: HttpRequest, curator: User) -> dict:
    schools = School.objects.filter(pk__in=curator.curated_schools.values("pk")).select_related("municipality")
    schools = schools & _schools(request)
    return {"curator": curator, "attention": attention_for(schools)}


@login_required
def curator_home(request: HttpRequest) -> HttpResponse:
    """A curator's own schools with what needs attention; for a coordinator, every curator of the scope."""
    require(request.user, Action.RECORD_VISIT)
    if request.user.role == Role.CURATOR and not request.user.is_superuser:
        return render(request, "network/curator.html", {**_curator_context(request, request.user), "own": True})
    schools = _schools(request)
    curators_in_scope = (
        User.objects.filter(role=Role.CURATOR, curated_schools__in=schools)
        .distinct()
        .annotate(n=Count("curated_schools", filter=Q(curated_schools__in=schools), distinct=True))
        .order_by("last_name", "first_name")
    )
    uncurated = schools.filter(curators__isnull=True)
    return render(
        request,
        "network/curators_overview.html",
        {
            "curators": curators_in_scope,
            "uncurated": uncurated[:200],
            "uncurated_count": uncurated.count(),
            "can_assign": can(request.user, Action.ASSIGN_CURATORS),
        },
    )


@login_required
def curator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.RECORD_VISIT)
    curator = get_object_or_404(User, pk=pk, role=Role.CURATOR)
    if request.user.role == Role.CURATOR and not request.user.is_superuser and curator.pk != request.user.pk:
        raise Http404("Куратор не найден")
    context = _curator_context(request, curator)
    if not context["attention"] and not request.user.is_superuser:
        raise Http404("Куратор не найден")
    return render(request, "network/curator.html", {**context, "own": curator.pk == request.user.pk})


# ── visits ────────────────────────────────────────────────────────────────────────────────────────


def _visits(request: HttpRequest):
    return MonitoringVisit.objects.visible_to(request.user).select_related("school__municipality", "curator")


@login_required
def visits(request: HttpRequest) -> HttpResponse:
    items = _visits(request)
    school = request.GET.get("school", "").strip()
    if school:
        items = items.filter(school__code=school)
    status = request.GET.get("status", "")
    if status in VisitStatus.values:
        items = items.filter(status=status)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            filename="Выездной мониторинг.xlsx",
            sheet_title="Выезды",
            columns=("Код ОО", "Школа", "Дата", "Куратор", "Состояние", "Выводы", "Повторный контроль"),
            rows=(
                (
                    visit.school.code,
                    visit.school.display_name,
                    visit.visited_on,
                    str(visit.curator),
                    visit.get_status_display(),
                    visit.findings,
                    visit.follow_up_on,
                )
                for visit in items
            ),
            text_columns=(0,),
        )
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "network/visits.html",
        {
            "page": page,
            "filters": {"school": school, "status": status},
            "statuses": VisitStatus.choices,
            "can_add": can(request.user, Action.RECORD_VISIT),
        },
    )


@login_required
def visit_add(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.RECORD_VISIT)
    schools = _schools(request)
    initial = {}
    if request.GET.get("school"):
        initial["school"] = schools.filter(code=request.GET["school"]).first()
    form = network_forms.VisitPlanForm(request.POST or None, schools=schools, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        school = data["school"]
        curator = request.user
        if curator.role != Role.CURATOR:
            curator = school.curators.filter(role=Role.CURATOR).order_by("pk").first() or request.user
        factors = list(
            RiskFactor.objects.filter(factor_set=latest_factor_set(school.municipality.region))
            .filter(key__in=_priority_keys(school))
            .values_list("key", flat=True)
        )
        visit = visit_plan(
            school=school,
            curator=curator,
            visited_on=data["visited_on"],
            purpose=data["purpose"],
            factor_keys=factors,
            by=request.user,
        )
        messages.success(request, "Выезд запланирован: заполните протокол по его итогам.")
        return redirect("network:visit_edit", pk=visit.pk)
    return render(request, "network/visit_add.html", {"form": form})


def _priority_keys(school: School) -> list[str]:
    return list(PriorityFactor.objects.filter(school=school).values_list("factor_key", flat=True).distinct())


def _visit_or_404(request: HttpRequest, pk: int) -> MonitoringVisit:
    return get_object_or_404(_visits(request), pk=pk)


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit_or_404(request, pk)
    names = _factor_names(visit.school.municipality.region)
    checks = list(visit.checks.all())
    for check in checks:
        check.factor_name = names.get(check.factor_key, check.factor_key)
    recommendations = list(visit.recommendations.prefetch_related("activities__program"))
    for item in recommendations:
        item.factor_name = names.get(item.factor_key, "")
    may_record = can(request.user, Action.RECORD_VISIT)
    return render(
        request,
        "network/visit.html",
        {
            "visit": visit,
            "checks_by_area": _by_area(checks),
            "recommendations": recommendations,
            "may_record": may_record,
            "roadmaps": roadmaps_of(visit.school) if may_record else [],
        },
    )


def _by_area(checks) -> list[tuple[str, list]]:
    labels = dict(VisitArea.choices)
    grouped: dict[str, list] = {}
    for check in checks:
        grouped.setdefault(check.area, []).append(check)
    return [(labels[area], grouped[area]) for area in VisitArea.values if area in grouped]


@login_required
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.RECORD_VISIT)
    visit = _visit_or_404(request, pk)
    checks = list(visit.checks.all())
    names = _factor_names(visit.school.municipality.region)
    for check in checks:
        check.factor_name = names.get(check.factor_key, "")
    existing = list(visit.recommendations.all())
    form = network_forms.VisitProtocolForm(
        request.POST or None,
        initial={
            "status": VisitStatus.HELD if visit.status == VisitStatus.PLANNED else visit.status,
            "participants": visit.participants,
            "findings": visit.findings,
            "follow_up_on": visit.follow_up_on,
        },
    )
    rows = max(len(existing) + 2, 3)
    if request.method == "POST":
        for check in checks:
            check.state = request.POST.get(f"check-{check.pk}-state", check.state)
            check.note = request.POST.get(f"check-{check.pk}-note", check.note)
        recommendations = [
            {
                "text": request.POST.get(f"rec-{index}-text", ""),
                "factor_key": request.POST.get(f"rec-{index}-factor", ""),
                "deadline": request.POST.get(f"rec-{index}-deadline", ""),
                "owners": request.POST.get(f"rec-{index}-owners", ""),
            }
            for index in range(int(request.POST.get("rec-count", rows)))
        ]
        if form.is_valid():
            data = form.cleaned_data
            try:
                visit_protocol_save(
                    visit=visit,
                    status=data["status"],
                    participants=data["participants"],
                    findings=data["findings"],
                    follow_up_on=data["follow_up_on"],
                    checks={check.pk: (check.state, check.note) for check in checks},
                    recommendations=[item for item in recommendations if item["factor_key"] in ("", *names)],
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Протокол выезда сохранён.")
                return redirect("network:visit", pk=visit.pk)
        rec_rows = recommendations
    else:
        rec_rows = [
            {"text": item.text, "factor_key": item.factor_key, "deadline": item.deadline, "owners": item.owners}
            for item in existing
        ] + [{"text": "", "factor_key": "", "deadline": "", "owners": ""}] * (rows - len(existing))
    return render(
        request,
        "network/visit_edit.html",
        {
            "visit": visit,
            "form": form,
            "checks_by_area": _by_area(checks),
            "states": CheckState.choices,
            "rec_rows": list(enumerate(rec_rows)),
            "rec_count": len(rec_rows),
            "factors": sorted(names.items(), key=lambda item: item[1]),
            "checklist_size": sum(len(questions) for questions in CHECKLIST.values()),
        },
    )


@login_required
@require_POST
def recommendation_activity(request: HttpRequest, pk: int, recommendation: int) -> HttpResponse:
    """A visit's recommendation becomes an activity of the school's roadmap."""
    require(request.user, Action.RECORD_VISIT)
    visit = _visit_or_404(request, pk)
    item = get_object_or_404(visit.recommendations, pk=recommendation)
    program = next((p for p in roadmaps_of(visit.school) if str(p.pk) == request.POST.get("program")), None)
    if program is None:
        messages.error(request, "Выберите программу школы, в которую добавить мероприятие.")
        return redirect("network:visit", pk=visit.pk)
    try:
        activity = recommendation_to_activity(recommendation=item, program=program, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("network:visit", pk=visit.pk)
    messages.success(request, f"Рекомендация добавлена в «{program.title}» как мероприятие № {activity.number}.")
    return redirect("network:visit", pk=visit.pk)


# ── engagement concerns ───────────────────────────────────────────────────────────────────────────


def _concerns(request: HttpRequest):
    return EngagementConcern.objects.visible_to(request.user).select_related("school__municipality", "raised_by")


@login_required
def concerns(request: HttpRequest) -> HttpResponse:
    items = _concerns(request)
    status = request.GET.get("status", "active")
    if status == "active":
        items = items.exclude(status=ConcernStatus.RESOLVED)
    elif status in ConcernStatus.values:
        items = items.filter(status=status)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "network/concerns.html",
        {
            "page": page,
            "status": status,
            "statuses": ConcernStatus.choices,
            "can_add": can(request.user, Action.RECORD_CONCERN),
        },
    )


@login_required
def concern_add(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.RECORD_CONCERN)
    schools = _schools(request)
    initial = {}
    if request.GET.get("school"):
        initial["school"] = schools.filter(code=request.GET["school"]).first()
    form = network_forms.ConcernForm(request.POST or None, schools=schools, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            concern = concern_raise(
                school=data["school"], reason=data["reason"], description=data["description"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Замечание записано.")
            return redirect("network:concern", pk=concern.pk)
    return render(request, "network/concern_add.html", {"form": form})


@login_required
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = get_object_or_404(_concerns(request), pk=pk)
    form = network_forms.ConcernStepForm(request.POST or None)
    if request.method == "POST":
        require(request.user, Action.RECORD_CONCERN)
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            if kind == "resolved":
                require(request.user, Action.RESOLVE_CONCERN)
            try:
                concern_step(concern=concern, kind=kind, note=form.cleaned_data["note"], by=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Шаг записан.")
                return redirect("network:concern", pk=concern.pk)
    return render(
        request,
        "network/concern.html",
        {
            "concern": concern,
            "steps": concern.steps.select_related("by"),
            "form": form,
            "may_act": can(request.user, Action.RECORD_CONCERN),
        },
    )


# ── partners ──────────────────────────────────────────────────────────────────────────────────────


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year") or request.POST.get("year") or current_school_year())
    except ValueError:
        return current_school_year()


@login_required
def partners(request: HttpRequest) -> HttpResponse:
    """Candidate partner schools for each ШНОР, and the optimal assignment to confirm."""
    require(request.user, Action.CONFIRM_PARTNERS)
    from opora.network.partners import partner_matching

    region = home_region(request.user)
    year = _year(request)
    try:
        capacity = max(1, min(10, int(request.GET.get("capacity") or 2)))
    except ValueError:
        capacity = 2
    matching, problem = None, ""
    if region is None:
        problem = "Выберите регион: у вас доступ к нескольким регионам."
    else:
        try:
            matching = partner_matching(region=region, year=year, capacity=capacity)
        except ValidationError as error:
            problem = " ".join(error.messages)
    visible = set(_schools(request).values_list("pk", flat=True))
    pairs = [pair for pair in (matching.assignment if matching else ()) if pair.school.pk in visible]
    confirmed = {
        (item.school_id, item.partner_id)
        for item in Partnership.objects.visible_to(request.user).filter(year=year, status=PartnershipStatus.CONFIRMED)
    }
    shown = request.GET.get("school", "")
    return render(
        request,
        "network/partners.html",
        {
            "matching": matching,
            "problem": problem,
            "pairs": pairs,
            "year": year,
            "capacity": capacity,
            "confirmed": confirmed,
            "candidates": matching.candidates if matching else {},
            "shown": shown,
        },
    )


@login_required
@require_POST
def partners_confirm(request: HttpRequest) -> HttpResponse:
    """Confirm the chosen pairs «ШНОР — школа-партнёр» (values «school_pk:partner_pk»)."""
    require(request.user, Action.CONFIRM_PARTNERS)
    year = _year(request)
    schools = {school.pk: school for school in _schools(request).select_related("municipality__region")}
    pairs = [value.partition(":")[::2] for value in request.POST.getlist("pair")]
    wanted = {int(partner_pk) for _school_pk, partner_pk in pairs if partner_pk.isdigit()}
    partners = {school.pk: school for school in School.objects.filter(pk__in=wanted).select_related("municipality")}
    made = 0
    try:
        for school_pk, partner_pk in pairs:
            school = schools.get(int(school_pk)) if school_pk.isdigit() else None
            partner = partners.get(int(partner_pk)) if partner_pk.isdigit() else None
            if school is None or partner is None:
                raise Http404("Школа не найдена")
            reasons = request.POST.get(f"reasons-{school.pk}-{partner.pk}", "")
            subjects = request.POST.get(f"subjects-{school.pk}-{partner.pk}", "")
            partnership_confirm(
                school=school, partner=partner, year=year, reasons=reasons, subjects=subjects, by=request.user
            )
            made += 1
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{reverse('network:partners')}?year={year}")
    if made:
        messages.success(request, f"Утверждено пар «ШНОР — школа-партнёр»: {made}.")
    else:
        messages.error(request, "Отметьте пары, которые утверждаете.")
    return redirect(f"{reverse('network:partnerships')}?year={year}")


def _partnerships(request: HttpRequest):
    return Partnership.objects.visible_to(request.user).select_related("school__municipality", "partner__municipality")


@login_required
def partnerships(request: HttpRequest) -> HttpResponse:
    items = _partnerships(request).annotate(n_activities=Count("activities"))
    year = request.GET.get("year", "")
    if year.isdigit():
        items = items.filter(year=int(year))
    return render(
        request,
        "network/partnerships.html",
        {
            "items": items.order_by("-year", "school__code"),
            "year": year,
            "can_match": can(request.user, Action.CONFIRM_PARTNERS),
        },
    )


@login_required
def partnership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = get_object_or_404(_partnerships(request), pk=pk)
    may_edit = can(request.user, Action.EDIT_PARTNERSHIP)
    form = network_forms.PartnershipForm(
        initial={
            "agreement_number": partnership.agreement_number,
            "agreement_date": partnership.agreement_date,
            "subjects": partnership.subjects,
            "planned_activities": partnership.planned_activities,
            "status": partnership.status,
        }
    )
    activity_form = network_forms.PartnershipActivityForm(initial={"held_on": today()})
    if request.method == "POST":
        require(request.user, Action.EDIT_PARTNERSHIP)
        if request.POST.get("form") == "activity":
            activity_form = network_forms.PartnershipActivityForm(request.POST)
            if activity_form.is_valid():
                try:
                    partnership_activity_add(partnership=partnership, by=request.user, **activity_form.cleaned_data)
                except ValidationError as error:
                    add_service_errors(activity_form, error)
                else:
                    messages.success(request, "Совместное мероприятие записано.")
                    return redirect("network:partnership", pk=partnership.pk)
        else:
            form = network_forms.PartnershipForm(request.POST)
            if form.is_valid():
                try:
                    partnership_save(partnership=partnership, data=form.cleaned_data, by=request.user)
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    messages.success(request, "Соглашение сохранено.")
                    return redirect("network:partnership", pk=partnership.pk)
    return render(
        request,
        "network/partnership.html",
        {
            "partnership": partnership,
            "activities": partnership.activities.all(),
            "form": form,
            "activity_form": activity_form,
            "may_edit": may_edit,
        },
    )


# ── teachers ──────────────────────────────────────────────────────────────────────────────────────


def _since() -> datetime.date:
    """Diagnostics, plans and courses count for the last three school years (seed 003 2.2)."""
    year = current_school_year()
    return datetime.date(year - 3, 9, 1)


@login_required
def teachers(request: HttpRequest) -> HttpResponse:
    """Schools in scope with their teachers: how many, diagnosed, with a plan, trained."""
    require(request.user, Action.VIEW_TEACHERS)
    schools = _schools(request).annotate(n_teachers=Count("teachers")).filter(n_teachers__gt=0)
    code = request.GET.get("school", "").strip()
    if code:
        schools = schools.filter(code=code)
    since = _since()
    page = Paginator(schools, 30).get_page(request.GET.get("page"))
    shares = teacher_shares_by_school(Teacher.objects.filter(school__in=list(page)), since=since)
    rows = [(school, shares.get(school.pk, TeacherShares(0, 0, 0, 0))) for school in page]
    total = teacher_shares(Teacher.objects.visible_to(request.user), since=since)
    return render(
        request, "network/teachers.html", {"page": page, "rows": rows, "total": total, "since": since, "code": code}
    )


@login_required
def school_teachers(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, Action.VIEW_TEACHERS)
    school = visible_school_or_404(request.user, code)
    roster = (
        Teacher.objects.filter(school=school)
        .annotate(
            n_diag=Count("diagnostics", distinct=True),
            n_plans=Count("plans", distinct=True),
            n_courses=Count("courses", distinct=True),
        )
        .order_by("code")
    )
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            filename=f"Педагоги {school.code}.xlsx",
            sheet_title="Педагоги",
            columns=("Код педагога", "ФИО", "Предметы", "Стаж", "Категория", "Дефициты", "Диагностик", "ИОМ", "Курсов"),
            rows=(
                (
                    t.code,
                    t.full_name,
                    t.subjects,
                    t.experience_years,
                    t.category,
                    t.deficits,
                    t.n_diag,
                    t.n_plans,
                    t.n_courses,
                )
                for t in roster
            ),
            text_columns=(0,),
        )
    return render(
        request,
        "network/school_teachers.html",
        {
            "school": school,
            "roster": roster,
            "shares": teacher_shares(Teacher.objects.filter(school=school), since=_since()),
            "since": _since(),
            "may_edit": can(request.user, Action.EDIT_TEACHERS),
            "pairs": MentoringPair.objects.filter(mentee__school=school).select_related("mentor__school", "mentee"),
        },
    )


@login_required
def teacher_add(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, Action.EDIT_TEACHERS)
    school = visible_school_or_404(request.user, code)
    form = network_forms.TeacherForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            teacher = teacher_save(school=school, teacher=None, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Педагог {teacher.code} добавлен.")
            return redirect("network:teacher", pk=teacher.pk)
    return render(request, "network/teacher_add.html", {"school": school, "form": form})


_RECORD_FORMS = {
    "diagnostic": (network_forms.DiagnosticForm, "Диагностика записана."),
    "plan": (network_forms.PlanForm, "ИОМ педагога создан: добавьте его пункты."),
    "course": (network_forms.CourseForm, "Курсы записаны."),
    "contest": (network_forms.ContestForm, "Участие записано."),
}


@login_required
def teacher_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.VIEW_TEACHERS)
    teacher = get_object_or_404(Teacher.objects.visible_to(request.user).select_related("school"), pk=pk)
    may_edit = can(request.user, Action.EDIT_TEACHERS)
    forms_shown = {name: form_class(prefix=name) for name, (form_class, _) in _RECORD_FORMS.items()}
    item_form = network_forms.PlanItemForm(prefix="item")
    if request.method == "POST":
        require(request.user, Action.EDIT_TEACHERS)
        which = request.POST.get("form", "")
        if which in _RECORD_FORMS:
            form_class, done = _RECORD_FORMS[which]
            form = form_class(request.POST, prefix=which)
            forms_shown[which] = form
            if form.is_valid():
                record = form.save(commit=False)
                record.teacher = teacher
                if hasattr(record, "created_by_id"):
                    record.created_by = request.user
                if which == "plan" and record.ends_on < record.starts_on:
                    form.add_error("ends_on", "Маршрут заканчивается раньше, чем начинается.")
                else:
                    record.save()
                    messages.success(request, done)
                    return redirect("network:teacher", pk=teacher.pk)
        elif which == "item":
            plan = get_object_or_404(teacher.plans, pk=request.POST.get("plan"))
            item_form = network_forms.PlanItemForm(request.POST, prefix="item")
            if item_form.is_valid():
                item = item_form.save(commit=False)
                item.plan = plan
                item.position = plan.items.count() + 1
                item.save()
                messages.success(request, "Пункт ИОМ добавлен.")
                return redirect("network:teacher", pk=teacher.pk)
        elif which == "done":
            item = get_object_or_404(PlanItem, pk=request.POST.get("item"), plan__teacher=teacher)
            item.done_on = today()
            item.save(update_fields=["done_on"])
            messages.success(request, "Пункт ИОМ отмечен выполненным.")
            return redirect("network:teacher", pk=teacher.pk)
    plans = teacher.plans.prefetch_related(Prefetch("items", queryset=PlanItem.objects.order_by("position", "pk")))
    return render(
        request,
        "network/teacher.html",
        {
            "teacher": teacher,
            "diagnostics": teacher.diagnostics.all(),
            "plans": plans,
            "courses": teacher.courses.all(),
            "contests": teacher.contests.all(),
            "events": teacher.event_registrations.exclude(event__status="cancelled")
            .select_related("event")
            .order_by("-event__starts_at"),
            "mentors": teacher.mentors.select_related("mentor__school"),
            "mentees": teacher.mentees.select_related("mentee__school"),
            "forms": forms_shown,
            "item_form": item_form,
            "may_edit": may_edit,
        },
    )


@login_required
def mentoring(request: HttpRequest, code: str) -> HttpResponse:
    """Suggested mentors for the school's teachers with deficits: the same subject, partner schools first."""
    require(request.user, Action.VIEW_TEACHERS)
    school = visible_school_or_404(request.user, code)
    year = current_school_year()
    if request.method == "POST":
        require(request.user, Action.EDIT_TEACHERS)
        mentee = get_object_or_404(Teacher, pk=request.POST.get("mentee"), school=school)
        suggestion = next(
            (
                item
                for item in mentor_suggestions(school, year)
                if item.mentee.pk == mentee.pk
                and str(item.mentor.pk) == request.POST.get("mentor")
                and item.subject == request.POST.get("subject")
            ),
            None,
        )
        if suggestion is None:
            raise PermissionDenied("Этот наставник не предлагался для этого педагога.")
        try:
            mentoring_pair_create(
                mentor=suggestion.mentor,
                mentee=mentee,
                subject=suggestion.subject,
                starts_on=today(),
                reasons="; ".join(suggestion.reasons),
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Наставническая пара создана.")
        return redirect("network:mentoring", code=school.code)
    return render(
        request,
        "network/mentoring.html",
        {
            "school": school,
            "suggestions": mentor_suggestions(school, year),
            "pairs": MentoringPair.objects.filter(mentee__school=school).select_related("mentor__school", "mentee"),
            "may_edit": can(request.user, Action.EDIT_TEACHERS),
        },
    )
