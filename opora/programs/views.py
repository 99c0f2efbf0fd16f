"""Pages of the programs: list, a program with its roadmap, indicators, workflow and reviews, an activity with
its history, evidence and comments, notifications and the monitoring dashboard. Thin: every write is a service."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable, Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from opora.accounts.access import Action, can, require
from opora.accounts.models import Role
from opora.core.audit import audit_context
from opora.core.downloads import DOCX_CONTENT_TYPE, XLSX_CONTENT_TYPE, download_response
from opora.core.forms import add_service_errors
from opora.programs.computed import COMPUTED, Scope, computed_for, current_school_year
from opora.programs.forms import (
    ActivityForm,
    ActualForm,
    ApproveForm,
    CommentForm,
    ImportForm,
    IndicatorForm,
    PassportForm,
    ProgramCreateForm,
    ReturnForm,
    ReviewForm,
    SectionForm,
    StatusForm,
)
from opora.programs.importing import program_import_apply, program_import_check
from opora.programs.indicators import actual_enter, actuals_compute, indicator_chart_svg, plan_fact
from opora.programs.models import (
    UNFINISHED,
    Activity,
    ActivityStatus,
    Evidence,
    IndicatorActual,
    Program,
    ProgramIndicator,
    ProgramKind,
    ProgramReview,
    ProgramSection,
    ProgramStatus,
    overdue,
)
from opora.programs.services import (
    CHECKLIST,
    CHECKLIST_MARKS,
    PASSPORT_FIELDS,
    PASSPORT_LABELS,
    activity_save,
    activity_status_change,
    antirisk_drafts_create,
    comment_add,
    content_diff,
    indicator_save,
    notifications_read,
    program_approve,
    program_content,
    program_return,
    program_save,
    program_send,
    review_record,
    section_save,
)
from opora.programs.services import program_create as program_create_service
from opora.programs.writing import program_docx, program_xlsx
from opora.risks.models import RiskFactor
from opora.risks.views import post_run, profile_url
from opora.schools.models import School
from opora.schools.queries import home_region, visible_municipalities, visible_school_or_404


def _programs(request: HttpRequest):
    return Program.objects.visible_to(request.user).select_related("school", "municipality", "year", "parent")


@login_required
def program_list(request: HttpRequest) -> HttpResponse:
    programs = _programs(request)
    school = request.GET.get("school", "").strip()
    if school:
        programs = programs.filter(school__code=school)
    kind = request.GET.get("kind", "")
    if kind in ProgramKind.values:
        programs = programs.filter(kind=kind)
    page = Paginator(programs.order_by("school__code", "-created_at"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "programs/list.html",
        {
            "page": page,
            "filters": {"school": school, "kind": kind},
            "kinds": ProgramKind.choices,
            "can_create": can(request.user, Action.EDIT_PROGRAM),
        },
    )


def may_edit(user, program: Program) -> bool:
    """Whether the user develops this program: a school's team, its municipality's coordinator, the region's admin."""
    if not can(user, Action.EDIT_PROGRAM):
        return False
    if user.is_superuser or user.role == Role.REGION_ADMIN:
        return True
    if user.role == Role.MUNICIPAL_COORDINATOR:
        return program.municipality_id is not None and program.municipality_id == user.municipality_id
    return program.school_id is not None and program.school_id == user.school_id


def _program_or_404(request: HttpRequest, pk: int) -> Program:
    return get_object_or_404(_programs(request).select_related("region"), pk=pk)


def _detail_url(program: Program) -> str:
    return reverse("programs:detail", args=[program.pk])


def _row_link(name: str, program_pk: int) -> Callable[[int], str]:
    """The address of a program's row (``name`` takes the program and the row) for any row's key."""
    start, end = reverse(name, args=[program_pk, 0]).rsplit("/0/", 1)
    return lambda pk: f"{start}/{pk}/{end}"


def _program_histories(program: Program) -> tuple:
    return (
        program.history.all(),
        ProgramSection.history.filter(program_id=program.pk),
        Activity.history.filter(program_id=program.pk),
        ProgramIndicator.history.filter(program_id=program.pk),
        IndicatorActual.history.filter(indicator__program_id=program.pk),
        ProgramReview.history.filter(program_id=program.pk),
    )


@login_required
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    program = _program_or_404(request, pk)
    user = request.user
    if _journal_only(request):
        return _journal(request, *_program_histories(program))
    sections = []
    activities = program.activities.select_related("section", "measure").order_by("position")
    by_section: dict[int | None, list] = {}
    # A roadmap has a hundred activities or more: each row's links and state are made here at once,
    # not resolved by the template row by row.
    page_link, edit_link = _row_link("programs:activity", program.pk), _row_link("programs:activity_edit", program.pk)
    today = timezone.localdate()
    for activity in activities:
        activity.page_url, activity.edit_url = page_link(activity.pk), edit_link(activity.pk)
        activity.overdue = activity.is_overdue(today)
        by_section.setdefault(activity.section_id, []).append(activity)
    for section in program.sections.order_by("position"):
        sections.append((section, by_section.pop(section.pk, [])))
    if by_section.get(None):
        sections.append((None, by_section.pop(None)))
    factor_names = dict(
        RiskFactor.objects.filter(factor_set__region=program.region)
        .values_list("key", "name")
        .order_by("factor_set__version")
    )
    last_version = program.versions.order_by("-number").first()
    editable = may_edit(user, program) and program.status != ProgramStatus.REVIEW
    return render(
        request,
        "programs/detail.html",
        {
            "program": program,
            "sections": sections,
            "execution": execution_summary(list(activities)),
            "indicators": indicator_rows(program),
            "can_enter": can(user, Action.ENTER_INDICATOR_ACTUAL) and may_edit(user, program),
            "actual_form": ActualForm(),
            "children": _programs(request).filter(parent=program),
            "factor_name": factor_names.get(program.factor_key, ""),
            "editable": editable,
            "can_send": may_edit(user, program) and program.status in (ProgramStatus.DRAFT, ProgramStatus.REWORK),
            "can_return": can(user, Action.REVIEW_PROGRAM) and program.status == ProgramStatus.REVIEW,
            "can_approve": can(user, Action.APPROVE_PROGRAM) and program.status == ProgramStatus.REVIEW,
            "can_review": can(user, Action.RECORD_PROGRESS_REVIEW),
            "return_form": ReturnForm(),
            "approve_form": ApproveForm(),
            "review_form": ReviewForm(tasks=program.task_list) if can(user, Action.RECORD_PROGRESS_REVIEW) else None,
            "status_changes": program.status_changes.select_related("created_by").order_by("-created_at"),
            "checklist_labels": dict(CHECKLIST),
            "checklist_marks": CHECKLIST_MARKS,
            "reviews": program.reviews.select_related("created_by").order_by("-reviewed_on"),
            "versions": program.versions.order_by("-number"),
            "diff": content_diff(last_version.content, program_content(program)) if last_version else [],
            "last_version": last_version,
            "review_missed": program.next_review_on is not None and program.next_review_on < timezone.localdate(),
            **_audit(request, *_program_histories(program)),
        },
    )


JOURNAL_PART = "history"
"""``?part=history``: the page's journal of changes (alone when htmx asks for it, else in the full page)."""


def _journal_only(request: HttpRequest) -> bool:
    return bool(request.htmx) and request.GET.get("part") == JOURNAL_PART


def _journal(request: HttpRequest, *histories) -> HttpResponse:
    """The journal of changes alone, for the page that loads it when it is scrolled to."""
    return render(request, "web/components/history.html", _audit(request, *histories))


def _audit(request: HttpRequest, *histories) -> dict:
    """The journal of changes a page shows, with the link to the period's journal for those who may export it.

    Reading a program's journal costs as much as the rest of its page, and most visits do not
    scroll to it: the page shows a placeholder that loads it when it comes into view
    (``hx-trigger="revealed"``), and a link that opens the page with the journal for a browser
    without scripts. Who may see the page may see its journal: the same view answers both.
    """
    if request.GET.get("part") != JOURNAL_PART:
        return {"audit_lazy": True}
    user = request.user
    return audit_context(*histories, export_url=reverse("web:audit") if can(user, Action.VIEW_AUDIT) else "")


def execution_summary(activities: list[Activity]) -> dict:
    """How a roadmap is being carried out: counts by shown status, by section and by owner."""
    return _summary((a.status, a.ends_on, a.section.title if a.section_id else None, a.owners) for a in activities)


def _summary(rows: Iterable[tuple[str, datetime.date | None, str | None, str]]) -> dict:
    """:func:`execution_summary` of (status, end date, section title, owners) of each activity."""
    today = timezone.localdate()
    counts = {"total": 0, "done": 0, "in_progress": 0, "overdue": 0, "other": 0}
    by_section: dict[str, dict] = {}
    by_owner: dict[str, dict] = {}
    for status, ends_on, section_title, owners in rows:
        counts["total"] += 1
        if overdue(status, ends_on, today):
            key = "overdue"
        elif status in (ActivityStatus.DONE, ActivityStatus.PARTLY_DONE):
            key = "done"
        elif status == ActivityStatus.IN_PROGRESS:
            key = "in_progress"
        else:
            key = "other"
        counts[key] += 1
        section = section_title if section_title is not None else "Без раздела"
        for table, name in ((by_section, section), (by_owner, (owners or "не указаны").strip()[:120])):
            row = table.setdefault(name, {"total": 0, "done": 0, "in_progress": 0, "overdue": 0, "other": 0})
            row["total"] += 1
            row[key] += 1
    return {"counts": counts, "by_section": sorted(by_section.items()), "by_owner": sorted(by_owner.items())}


def indicator_rows(program: Program, *, charts: bool = True) -> list[dict]:
    """Each indicator with plan against fact per period and its chart («нет данных» where no actual)."""
    computed = {key: item.name for key, item in COMPUTED.items()}
    return [
        {
            "indicator": indicator,
            "rows": plan_fact(indicator),
            "computed": computed.get(indicator.computed, ""),
            "chart": charts and bool(indicator.targets or indicator.actuals.all()),
        }
        for indicator in program.indicators.order_by("position").prefetch_related("actuals")
    ]


@login_required
def program_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.EDIT_PROGRAM)
    user = request.user
    schools = School.objects.visible_to(user).order_by("code")
    form = ProgramCreateForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            program = program_create_service(
                by=user,
                kind=data["kind"],
                title=data["title"],
                school=data.get("school"),
                year=data.get("year"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Программа создана как черновик: заполните паспорт, мероприятия и показатели.")
            return redirect("programs:detail", pk=program.pk)
    return render(request, "programs/create.html", {"form": form})


def _require_edit(request: HttpRequest, program: Program) -> None:
    if not may_edit(request.user, program):
        raise PermissionDenied("Изменять программу могут её разработчики.")


@login_required
def program_edit(request: HttpRequest, pk: int) -> HttpResponse:
    program = _program_or_404(request, pk)
    _require_edit(request, program)
    initial = {name: getattr(program, name) for name in PASSPORT_FIELDS} | {"parent": program.parent_id}
    parents = _programs(request).filter(region=program.region).exclude(pk=program.pk).order_by("title")
    form = PassportForm(request.POST or None, initial=initial, parents=parents)
    if request.method == "POST" and form.is_valid():
        try:
            program_save(program=program, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Паспорт программы сохранён.")
            return redirect("programs:detail", pk=program.pk)
    return render(request, "programs/edit.html", {"program": program, "form": form})


@login_required
def activity_edit(request: HttpRequest, pk: int, activity: int | None = None) -> HttpResponse:
    program = _program_or_404(request, pk)
    _require_edit(request, program)
    item = get_object_or_404(program.activities, pk=activity) if activity is not None else None
    initial = (
        {
            name: getattr(item, name)
            for name in (
                "section",
                "number",
                "content",
                "deadline",
                "starts_on",
                "ends_on",
                "owners",
                "expected_result",
                "version",
            )
        }
        if item
        else {}
    )
    factors = list(
        RiskFactor.objects.filter(factor_set__region=program.region, retired=False)
        .order_by("-factor_set__version", "number")
        .values_list("key", "name")
    )
    form = ActivityForm(
        request.POST or None, initial=initial, program=program, factors=list(dict(reversed(factors)).items())
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = activity_save(
                program=program,
                activity=item,
                data=form.cleaned_data,
                by=request.user,
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Мероприятие {saved.number} сохранено.")
            return redirect("programs:detail", pk=program.pk)
    return render(request, "programs/activity_edit.html", {"program": program, "activity": item, "form": form})


@login_required
def section_edit(request: HttpRequest, pk: int, section: int | None = None) -> HttpResponse:
    program = _program_or_404(request, pk)
    _require_edit(request, program)
    item = get_object_or_404(program.sections, pk=section) if section is not None else None
    form = SectionForm(request.POST or None, initial={"number": item.number, "title": item.title} if item else {})
    if request.method == "POST" and form.is_valid():
        try:
            section_save(program=program, section=item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Раздел сохранён.")
            return redirect("programs:detail", pk=program.pk)
    return render(request, "programs/section_edit.html", {"program": program, "section": item, "form": form})


@login_required
def indicator_edit(request: HttpRequest, pk: int, indicator: int | None = None) -> HttpResponse:
    program = _program_or_404(request, pk)
    _require_edit(request, program)
    item = get_object_or_404(program.indicators, pk=indicator) if indicator is not None else None
    choices = [(entry.key, entry.name) for entry in computed_for(Scope.of(program))]
    initial = (
        {
            "number": item.number,
            "name": item.name,
            "unit": item.unit,
            "direction": item.direction,
            "baseline": item.baseline,
            "targets": "\n".join(f"{period}: {value}" for period, value in item.targets.items()),
            "computed": item.computed,
        }
        if item
        else {}
    )
    form = IndicatorForm(request.POST or None, initial=initial, computed_choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            indicator_save(program=program, indicator=item, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Показатель сохранён.")
            return redirect("programs:detail", pk=program.pk)
    return render(request, "programs/indicator_edit.html", {"program": program, "indicator": item, "form": form})


@login_required
@require_POST
def actual_add(request: HttpRequest, pk: int, indicator: int) -> HttpResponse:
    program = _program_or_404(request, pk)
    require(request.user, Action.ENTER_INDICATOR_ACTUAL)
    _require_edit(request, program)
    item = get_object_or_404(program.indicators, pk=indicator)
    form = ActualForm(request.POST)
    if form.is_valid():
        try:
            actual_enter(indicator=item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Фактическое значение показателя {item.number} сохранено.")
    else:
        problems = " ".join(problem for errors in form.errors.values() for problem in errors)
        messages.error(request, f"Значение не сохранено: {problems}")
    return redirect(_detail_url(program))


@login_required
@require_POST
def actuals_compute_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Опора computes the indicators it can from its data for the program's year (or the current one)."""
    program = _program_or_404(request, pk)
    require(request.user, Action.ENTER_INDICATOR_ACTUAL)
    _require_edit(request, program)
    year = program.year.end_year if program.year_id else current_school_year()
    stored = actuals_compute(program=program, year=year)
    known = sum(1 for actual in stored if actual.value is not None)
    messages.success(request, f"Рассчитано показателей: {len(stored)}; из них по {len(stored) - known} — нет данных.")
    return redirect(_detail_url(program))


@login_required
def activity_detail(request: HttpRequest, pk: int, activity: int) -> HttpResponse:
    program = _program_or_404(request, pk)
    item = get_object_or_404(program.activities.select_related("section"), pk=activity)
    user = request.user
    if _journal_only(request):
        return _journal(request, Activity.history.filter(id=item.pk))
    url = reverse("programs:activity", args=[program.pk, item.pk])
    status_form = StatusForm(
        request.POST or None,
        request.FILES or None,
        prefix="status",
        initial={"status": item.status, "version": item.version},
    )
    comment_form = CommentForm(request.POST or None, prefix="comment")
    may_update = can(user, Action.UPDATE_ACTIVITY) and may_edit(user, program)
    if request.method == "POST":
        if "status-status" in request.POST:
            if not may_update:
                raise PermissionDenied("Отмечать выполнение мероприятия могут его исполнители.")
            if status_form.is_valid():
                try:
                    activity_status_change(
                        activity=item,
                        status=status_form.cleaned_data["status"],
                        report=status_form.cleaned_data["report"],
                        files=status_form.cleaned_data["files"],
                        by=user,
                        url=url,
                        expected_version=status_form.cleaned_data.get("version"),
                    )
                except ValidationError as error:
                    add_service_errors(status_form, error)
                else:
                    messages.success(request, "Состояние мероприятия сохранено с отчётом.")
                    return redirect(url)
        else:
            require(user, Action.COMMENT_ACTIVITY)
            if comment_form.is_valid():
                parent_pk = comment_form.cleaned_data.get("parent")
                parent = item.comments.filter(pk=parent_pk).first() if parent_pk else None
                try:
                    comment_add(activity=item, text=comment_form.cleaned_data["text"], parent=parent, by=user, url=url)
                except ValidationError as error:
                    add_service_errors(comment_form, error)
                else:
                    messages.success(request, "Комментарий добавлен.")
                    return redirect(url)
    comments = list(item.comments.select_related("author"))
    replies: dict[int | None, list] = {}
    for comment in comments:
        replies.setdefault(comment.parent_id, []).append(comment)
    return render(
        request,
        "programs/activity.html",
        {
            "program": program,
            "activity": item,
            "events": item.events.select_related("created_by").prefetch_related("evidence"),
            "threads": [(comment, replies.get(comment.pk, [])) for comment in replies.get(None, [])],
            "status_form": status_form if may_update else None,
            "comment_form": comment_form if can(user, Action.COMMENT_ACTIVITY) else None,
            **_audit(request, Activity.history.filter(id=item.pk)),
        },
    )


@login_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """An evidence file, always as a download (never shown as a page), to those who see its program."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("event__activity__program"),
        pk=pk,
        event__activity__program__in=_programs(request),
    )
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def program_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Send for review, return for rework with remarks, or approve by an order."""
    program = _program_or_404(request, pk)
    user = request.user
    url = _detail_url(program)
    try:
        if action == "send":
            _require_edit(request, program)
            require(user, Action.SEND_PROGRAM_FOR_REVIEW)
            program_send(program=program, by=user, url=url)
            messages.success(request, "Программа отправлена на согласование.")
        elif action == "return":
            require(user, Action.REVIEW_PROGRAM)
            form = ReturnForm(request.POST)
            if not form.is_valid():
                raise ValidationError("Напишите замечания: что нужно доработать.")
            program_return(
                program=program, remarks=form.cleaned_data["remarks"], checklist=form.checklist(), by=user, url=url
            )
            messages.success(request, "Программа возвращена на доработку с замечаниями.")
        elif action == "approve":
            require(user, Action.APPROVE_PROGRAM)
            form = ApproveForm(request.POST)
            if not form.is_valid():
                raise ValidationError("Укажите номер и дату утверждающего приказа.")
            version = program_approve(
                program=program,
                order_number=form.cleaned_data["order_number"],
                order_date=form.cleaned_data["order_date"],
                checklist=form.checklist(),
                by=user,
                url=url,
            )
            messages.success(request, f"Программа утверждена: версия {version.number}.")
        else:
            raise Http404("Нет такого действия")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(url)


@login_required
@require_POST
def review_add(request: HttpRequest, pk: int) -> HttpResponse:
    program = _program_or_404(request, pk)
    require(request.user, Action.RECORD_PROGRESS_REVIEW)
    form = ReviewForm(request.POST, tasks=program.task_list)
    if form.is_valid():
        data = form.cleaned_data
        try:
            review_record(
                program=program,
                reviewed_on=data["reviewed_on"],
                overall=data["overall"],
                tasks=form.task_marks(),
                remarks=data["remarks"],
                next_review_on=data.get("next_review_on"),
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Обзор прогресса записан.")
    else:
        messages.error(request, "Обзор не записан: заполните дату и оценки прогресса.")
    return redirect(_detail_url(program))


@login_required
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    program = _program_or_404(request, pk)
    version = get_object_or_404(program.versions, number=number)
    previous = program.versions.filter(number__lt=number).order_by("-number").first()
    return render(
        request,
        "programs/version.html",
        {
            "program": program,
            "version": version,
            "content": version.content,
            "passport": [
                (PASSPORT_LABELS[name], version.content["passport"].get(name, "")) for name in PASSPORT_FIELDS
            ],
            "diff": content_diff(previous.content, version.content) if previous else [],
            "previous": previous,
        },
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = list(request.user.notifications.order_by("-created_at")[:100])
    return render(
        request,
        "programs/notifications.html",
        {"items": items, "unread": any(item.read_at is None for item in items)},
    )


@login_required
@require_POST
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    count = notifications_read(user=request.user)
    messages.success(request, f"Отмечено прочитанными: {count}.")
    return redirect("programs:notifications")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The state of the programs the user sees: roadmap execution, indicators, deadlines and reviews."""
    programs = _programs(request)
    school = request.GET.get("school", "").strip()
    if school:
        programs = programs.filter(school__code=school)
    municipalities = list(visible_municipalities(request.user).order_by("name"))
    municipality = request.GET.get("municipality", "")
    if municipality.isdigit():
        programs = programs.filter(municipality_id=int(municipality))
    # Rows, not objects: only what the counts need of a region's 1,200 activities (building them as
    # objects with their programs and sections took half the page's time); the texts of the few
    # listed activities are read after.
    activities = list(
        Activity.objects.filter(program__in=programs)
        .order_by("ends_on", "pk")
        .values_list("pk", "program__school_id", "status", "ends_on", "section__title", "owners")
    )
    names = {
        school.pk: school.display_name
        for school in School.objects.filter(pk__in={row[1] for row in activities if row[1] is not None})
    }
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=30)
    per_school: dict[str, list[tuple]] = {}
    for row in activities:
        per_school.setdefault(names[row[1]] if row[1] is not None else "Программы территории", []).append(row[2:])
    rows = [(name, _summary(items)["counts"]) for name, items in sorted(per_school.items())]
    upcoming = [pk for pk, _, status, ends_on, *_ in activities if ends_on and today <= ends_on <= horizon
                and status in UNFINISHED][:50]  # fmt: skip
    late = [pk for pk, _, status, ends_on, *_ in activities if overdue(status, ends_on, today)][:50]
    listed = Activity.objects.filter(pk__in=[*upcoming, *late]).in_bulk()
    reviews = list(programs.filter(next_review_on__isnull=False).order_by("next_review_on"))
    return render(
        request,
        "programs/dashboard.html",
        {
            "summary": _summary(row[2:] for row in activities),
            "rows": rows,
            "upcoming": [listed[pk] for pk in upcoming],
            "overdue": [listed[pk] for pk in late],
            "reviews_missed": [p for p in reviews if p.next_review_on < today],
            "reviews_upcoming": [p for p in reviews if today <= p.next_review_on <= horizon],
            "school": school,
            "municipality": municipality,
            "municipalities": municipalities if len(municipalities) > 1 else [],
            "indicators": _indicator_totals(programs),
        },
    )


def _indicator_totals(programs) -> dict:
    """How many indicators of these programs reached their latest target, missed it, or have no data."""
    totals = {"achieved": 0, "missed": 0, "unknown": 0}
    for indicator in ProgramIndicator.objects.filter(program__in=programs).prefetch_related("actuals"):
        rows = plan_fact(indicator)
        status = rows[-1].status if rows else "нет данных"
        totals["achieved" if status == "достигнут" else "missed" if status == "не достигнут" else "unknown"] += 1
    return totals


@login_required
@require_POST
def drafts_create(request: HttpRequest, code: str) -> HttpResponse:
    """One click on a school's risk profile: its antirisk programs and roadmap drafted from the catalog."""
    require(request.user, Action.DRAFT_PROGRAMS)
    school = visible_school_or_404(request.user, code)
    run = post_run(request, school)
    try:
        programs = antirisk_drafts_create(school=school, run=run, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(profile_url(school, run))
    messages.success(request, f"Составлены черновики: {len(programs)}. Их можно править; прежние черновики заменены.")
    return redirect(f"{reverse('programs:list')}?school={school.code}")


@login_required
def monitoring_report(request: HttpRequest) -> HttpResponse:
    """The half-year monitoring report (.docx) of the programs the user sees."""
    from opora.programs.report import monitoring_context, monitoring_docx

    today = timezone.localdate()
    default_end = today.year + 1 if today.month >= 9 else today.year
    try:
        end_year = int(request.GET.get("year") or default_end)
        half = int(request.GET.get("half") or (1 if today.month >= 9 else 2))
    except ValueError as error:
        raise Http404("Неверный период") from error
    if half not in (1, 2) or not 2000 <= end_year <= 2100:
        raise Http404("Неверный период")
    report = monitoring_context(request.user, end_year, half, today=today)
    return download_response(
        monitoring_docx(report),
        filename=f"Мониторинг программ {report.period.replace('/', '-')}.docx",
        content_type=DOCX_CONTENT_TYPE,
    )


IMPORT_DIR = "program-imports"
MAX_IMPORT_BYTES = 20 * 1024 * 1024


def _import_path(token: str) -> str:
    return f"{IMPORT_DIR}/{token}"


@login_required
def program_import(request: HttpRequest) -> HttpResponse:
    """A roadmap or an indicator table from a .docx/.xlsx: check and preview, then write on confirmation."""
    require(request.user, Action.IMPORT_PROGRAM)
    user = request.user
    editable = [program.pk for program in _programs(request) if may_edit(user, program)]
    programs = Program.objects.filter(pk__in=editable).order_by("title")
    schools = School.objects.visible_to(user).order_by("code")
    initial = {"program": request.GET.get("program")} if request.GET.get("program", "").isdigit() else {}
    form = ImportForm(request.POST or None, request.FILES or None, programs=programs, schools=schools, initial=initial)
    preview = None
    token = request.POST.get("token", "")
    if request.method == "POST" and token:
        return _import_apply(request, token, programs, schools)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            form.add_error("file", "Файл больше 20 МБ: это не похоже на программу.")
        else:
            content = upload.read()
            program = form.cleaned_data.get("program")
            preview = program_import_check(content, upload.name, form.cleaned_data.get("kind") or None, program=program)
            if preview.ok and preview.kinds:
                token = secrets.token_hex(16)
                default_storage.save(_import_path(token), ContentFile(content))
                request.session[f"program-import-{token}"] = {
                    "name": upload.name,
                    "kind": form.cleaned_data.get("kind") or "",
                    "program": program.pk if program else None,
                    "school": form.cleaned_data["school"].pk if form.cleaned_data.get("school") else None,
                }
    return render(request, "programs/import.html", {"form": form, "preview": preview, "token": token})


def _import_apply(request: HttpRequest, token: str, programs, schools) -> HttpResponse:
    saved = request.session.pop(f"program-import-{token}", None)
    path = _import_path(token)
    if saved is None or not token.isalnum() or not default_storage.exists(path):
        messages.error(request, "Проверенный файл не найден (проверка устарела): загрузите его ещё раз.")
        return redirect("programs:import")
    with default_storage.open(path, "rb") as stored:
        content = stored.read()
    default_storage.delete(path)
    program = programs.filter(pk=saved["program"]).first() if saved["program"] else None
    school = schools.filter(pk=saved["school"]).first() if saved["school"] else None
    preview = program_import_check(content, saved["name"], saved["kind"] or None, program=program)
    region = program.region if program else (school.municipality.region if school else home_region(request.user))
    if region is None:
        messages.error(request, "Выберите школу: программа относится к региону, а у вас их несколько.")
        return redirect("programs:import")
    try:
        written = program_import_apply(
            preview,
            program=program,
            school=school,
            municipality=request.user.municipality if school is None and program is None else None,
            region=region,
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programs:import")
    counts = preview.counts
    messages.success(
        request,
        f"Программа № {written.pk}: разделов {counts['sections']}, мероприятий {counts['activities']}, "
        f"показателей {counts['indicators']}.",
    )
    return redirect("programs:detail", pk=written.pk)


@login_required
def program_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The program in the official form: the order with its appendix (.docx), or its tables (.xlsx)."""
    program = _program_or_404(request, pk)
    name = f"Программа {program.pk}"
    if fmt == "docx":
        return download_response(program_docx(program), filename=f"{name}.docx", content_type=DOCX_CONTENT_TYPE)
    return download_response(program_xlsx(program), filename=f"{name}.xlsx", content_type=XLSX_CONTENT_TYPE)


@login_required
def indicator_chart(request: HttpRequest, pk: int, indicator: int) -> HttpResponse:
    """An indicator's chart (targets against actuals) as an SVG picture, drawn apart from the page."""
    program = _program_or_404(request, pk)
    item = get_object_or_404(program.indicators.prefetch_related("actuals"), pk=indicator)
    response = HttpResponse(indicator_chart_svg(item), content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
