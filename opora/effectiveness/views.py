"""Pages of the effectiveness of the program and of the council's decisions. Thin: the figures are
the services', every write is a service."""

from __future__ import annotations

import shutil

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from opora.accounts.access import Action, can, require
from opora.accounts.models import Role, User
from opora.core.downloads import DOCX_CONTENT_TYPE, download_response, xlsx_response
from opora.core.formatting import school_year_label
from opora.core.forms import add_service_errors
from opora.effectiveness.charts import bars_png, bars_svg
from opora.effectiveness.dashboard import chart_data, dashboard
from opora.effectiveness.documents import analytic_note, council_report, effectiveness_report, support_list, to_pdf
from opora.effectiveness.forms import DecisionForm, DecisionStatusForm, MeetingForm
from opora.effectiveness.models import DECISION_OPEN, CouncilMeeting, ManagementDecision
from opora.effectiveness.services import (
    SUPPORT_KINDS,
    SchoolsInView,
    decision_add,
    decision_update,
    dynamics,
    effect,
    meeting_save,
    movement,
)
from opora.identification.models import IdentificationRun, RunStatus
from opora.programs.computed import current_school_year
from opora.schools.models import Municipality, Region, School
from opora.schools.queries import chosen_region, visible_municipalities, visible_school_or_404


def _region(request: HttpRequest) -> Region | None:
    return chosen_region(request.user, request.GET.get("region") or request.POST.get("region"))


def _choose_region(request: HttpRequest, title: str) -> HttpResponse:
    regions = Region.objects.order_by("name") if request.user.is_superuser else Region.objects.none()
    return render(request, "risks/choose_region.html", {"title": title, "regions": regions})


def _years(region: Region) -> list[int]:
    done = IdentificationRun.objects.filter(region=region, status=RunStatus.DONE)
    return sorted(set(done.values_list("year__end_year", flat=True)), reverse=True)


def _year(request: HttpRequest, region: Region) -> int:
    wanted = request.GET.get("year", "")
    if wanted.isdigit() and 2000 < int(wanted) < 2100:
        return int(wanted)
    years = _years(region)
    return years[0] if years else current_school_year()


def _territory(user: User):
    """The municipality whose lists the user works with (None: the region)."""
    return user.municipality if user.municipality_id else None


def _visible(request: HttpRequest, region: Region):
    return School.objects.visible_to(request.user).filter(municipality__region=region)


def _schools(request: HttpRequest, region: Region) -> list[School]:
    return list(_visible(request, region).select_related("municipality"))


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The effectiveness of a year of support: dynamics, movement on the list, effect of the program."""
    region = _region(request)
    if region is None:
        return _choose_region(request, "Эффективность программы")
    year = _year(request, region)
    schools = _schools(request, region)
    municipality = _territory(request.user)
    found_dynamics = dynamics(region, year, schools, municipality)
    found_movement = movement(region, year, schools, municipality)
    found_effect = effect(region, year, schools, municipality)
    years = sorted({*_years(region), year}, reverse=True)
    return render(
        request,
        "effectiveness/overview.html",
        {
            "region": region,
            "year": year,
            "year_label": school_year_label(year),
            "years": [(item, school_year_label(item)) for item in years],
            "dynamics": found_dynamics,
            "movement": found_movement,
            "effect": found_effect,
            "kinds": SUPPORT_KINDS,
            "by_kind": [(SUPPORT_KINDS[key], estimate) for key, estimate in (found_effect.result.by_kind.items())]
            if found_effect.result
            else [],
            "multi_region": request.user.is_superuser,
            "can_report": can(request.user, Action.MAKE_REPORTS),
            "pdf": shutil.which("soffice") is not None,
        },
    )


def _number(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """A part of the effectiveness page as .xlsx: ``part`` = dynamics, movement or effect."""
    region = _region(request)
    if region is None:
        return _choose_region(request, "Эффективность программы")
    year = _year(request, region)
    schools = _schools(request, region)
    municipality = _territory(request.user)
    part = request.GET.get("part", "dynamics")
    label = school_year_label(year).replace("/", "-")
    if part == "movement":
        found = movement(region, year, schools, municipality)
        return xlsx_response(
            filename=f"Движение по перечню {label}.xlsx",
            sheet_title="Движение по перечню",
            columns=["Код ОО", "Школа", "Муниципалитет", "Состояние", "Лет поддержки", "Годы в перечне",
                     "По правилу выхода", "В перечне следующего года"],
            rows=(
                [row.school.code, row.school.display_name, row.school.municipality.name, row.status_label,
                 len(row.support_years), ", ".join(school_year_label(y) for y in row.support_years),
                 _state(row.exit_rule), _state(row.next_list)]
                for row in found.rows
            ),
            text_columns=[0],
        )  # fmt: skip
    if part == "effect":
        found_effect = effect(region, year, schools, municipality)
        result = found_effect.result
        lines = []
        if result is not None:
            for name, estimate in (
                ("в целом", result.overall),
                *((SUPPORT_KINDS[k], e) for k, e in result.by_kind.items()),
            ):
                lines.append([name, estimate.label, _number(estimate.effect), _number(estimate.lower),
                              _number(estimate.upper), estimate.matched, estimate.comparison])  # fmt: skip
        return xlsx_response(
            filename=f"Эффект программы {label}.xlsx",
            sheet_title="Эффект программы",
            columns=["Поддержка", "Вывод", "Эффект (индекс)", "Нижняя граница", "Верхняя граница",
                     "Поддержанных школ с парами", "Школ сравнения"],
            rows=lines or [["нет данных", found_effect.reason, None, None, None, None, None]],
        )  # fmt: skip
    found_dynamics = dynamics(region, year, schools, municipality)
    return xlsx_response(
        filename=f"Динамика результатов {label}.xlsx",
        sheet_title="Динамика результатов",
        columns=["Код ОО", "Школа", "Муниципалитет", "Категория", f"Индекс {school_year_label(year - 1)}",
                 f"Индекс {school_year_label(year)}", "Изменение", "Нижняя граница изменения",
                 "Верхняя граница изменения", "Динамика", "Доля «2» на ВПР и ОГЭ", "Без аттестата (9 класс)"],
        rows=(
            [row.school.code, row.school.display_name, row.school.municipality.name, row.categories,
             _number(row.before.index), _number(row.after.index), _number(row.change),
             _number(_bound(row, -1)), _number(_bound(row, 1)), row.label, row.failing_text,
             row.no_certificate_text]
            for row in found_dynamics.rows
        ),
        text_columns=[0],
    )  # fmt: skip


def _bound(row, sign: int) -> float | None:
    halves = [
        (estimate.upper - estimate.lower) / 2
        for estimate in (row.before, row.after)
        if estimate.lower is not None and estimate.upper is not None
    ]
    if not halves:
        return None
    first, second = (halves * 2)[:2]
    return row.change + sign * (first**2 + second**2) ** 0.5


def _state(value: bool | None) -> str:
    return "нет данных" if value is None else ("да" if value else "нет")


# ── the council's decisions ───────────────────────────────────────────────────────────────────────


def _meetings(request: HttpRequest):
    return CouncilMeeting.objects.visible_to(request.user).select_related("municipality", "region")


def may_record(user: User, meeting: CouncilMeeting | None = None) -> bool:
    """The region's administrator records the regional council, a coordinator the council of their municipality."""
    if not can(user, Action.RECORD_DECISIONS):
        return False
    if meeting is None or user.is_superuser:
        return True
    if Role(user.role) == Role.REGION_ADMIN:
        return user.region_id == meeting.region_id
    return meeting.municipality_id is not None and meeting.municipality_id == user.municipality_id


@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    """The meetings of the council of heads, with how their decisions went; record a meeting."""
    region = _region(request)
    items = (
        _meetings(request)
        .order_by("-held_on", "-pk")
        .annotate(
            n_decisions=Count("decisions"),
            n_done=Count("decisions", filter=Q(decisions__status__in=("done", "partly_done"))),
            n_open=Count("decisions", filter=Q(decisions__status__in=DECISION_OPEN)),
        )
    )
    form = MeetingForm()
    if request.method == "POST":
        require(request.user, Action.RECORD_DECISIONS)
        if region is None:
            raise PermissionDenied("Заседание относится к одному региону: выберите регион.")
        form = MeetingForm(request.POST)
        if form.is_valid():
            try:
                meeting = meeting_save(
                    meeting=None,
                    region=region,
                    municipality=_territory(request.user),
                    data=form.cleaned_data,
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Заседание записано: добавьте его решения.")
                return redirect("effectiveness:meeting", pk=meeting.pk)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "effectiveness/meetings.html",
        {"page": page, "form": form if can(request.user, Action.RECORD_DECISIONS) and region else None},
    )


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(_meetings(request), pk=pk)
    manage = may_record(request.user, meeting)
    form = DecisionForm()
    if request.method == "POST":
        require(request.user, Action.RECORD_DECISIONS)
        if not manage:
            raise PermissionDenied("Решения этого совета записывает тот, кто ведёт совет.")
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                decision_add(meeting=meeting, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Решение записано.")
                return redirect("effectiveness:meeting", pk=meeting.pk)
    today = timezone.localdate()
    decisions = [
        (
            item,
            item.shown_status(today),
            DecisionStatusForm(initial={"status": item.status, "report": item.report}, prefix=f"d{item.pk}"),
        )
        for item in meeting.decisions.all()
    ]
    return render(
        request,
        "effectiveness/meeting.html",
        {"meeting": meeting, "decisions": decisions, "form": form if manage else None, "manage": manage},
    )


@login_required
@require_POST
def decision_status(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.RECORD_DECISIONS)
    decision = get_object_or_404(ManagementDecision.objects.visible_to(request.user).select_related("meeting"), pk=pk)
    if not may_record(request.user, decision.meeting):
        raise PermissionDenied("Исполнение решений этого совета отмечает тот, кто ведёт совет.")
    form = DecisionStatusForm(request.POST, prefix=f"d{decision.pk}")
    if form.is_valid():
        try:
            decision_update(decision=decision, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, f"Решение {decision.number}: " + " ".join(error.messages))
        else:
            messages.success(request, f"Решение {decision.number}: {decision.get_status_display()}.")
    else:
        messages.error(request, f"Решение {decision.number}: выберите состояние.")
    return redirect("effectiveness:meeting", pk=decision.meeting_id)


# ── dashboards ────────────────────────────────────────────────────────────────────────────────────


def _board(request: HttpRequest, region: Region, school: School | None = None):
    # The dashboard is of the school year under way unless another is asked for.
    wanted = request.GET.get("year", "")
    year = int(wanted) if wanted.isdigit() and 2000 < int(wanted) < 2100 else current_school_year()
    if school is not None:  # the board of one school counts that school alone
        return dashboard(region, year, [school], school=school)
    visible = _visible(request, region)
    municipality = _territory(request.user)
    wanted = request.GET.get("municipality", "")
    if municipality is None and wanted.isdigit():
        municipality = Municipality.objects.filter(pk=int(wanted), schools__in=visible).distinct().first()
        if municipality is not None:
            visible = visible.filter(municipality=municipality)
    return dashboard(region, year, SchoolsInView(visible), municipality=municipality)


def _board_context(request: HttpRequest, board, region: Region) -> dict:
    charts = [
        (item, bars_svg(item.title, item.rows, item.unit, item.colours) if item.known else "")
        for item in chart_data(board)
    ]
    years = sorted({*_years(region), board.year}, reverse=True)
    municipalities = list(visible_municipalities(request.user).filter(region=region).order_by("name"))
    return {
        "board": board,
        "charts": charts,
        "region": region,
        "year_label": school_year_label(board.year),
        "years": [(item, school_year_label(item)) for item in years],
        "municipalities": municipalities if _territory(request.user) is None and len(municipalities) > 1 else [],
        "query": request.GET.urlencode(),
        "multi_region": request.user.is_superuser,
        "can_report": can(request.user, Action.MAKE_REPORTS),
        "pdf": shutil.which("soffice") is not None,
    }


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """The state of the program for the user's territory: a page a head of department shows at a meeting."""
    if Role(request.user.role) == Role.SCHOOL_TEAM and request.user.school_id:
        return school_dashboard(request, request.user.school.code)  # the team's page is its school's
    region = _region(request)
    if region is None:
        return _choose_region(request, "Состояние программы")
    board = _board(request, region)
    return render(request, "effectiveness/dashboard.html", _board_context(request, board, region))


@login_required
def school_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    """The same page for one school."""
    school = visible_school_or_404(request.user, code)
    region = school.municipality.region
    board = _board(request, region, school)
    return render(request, "effectiveness/dashboard.html", _board_context(request, board, region))


def _chart(request: HttpRequest, key: str, code: str | None):
    if code:
        school = visible_school_or_404(request.user, code)
        board = _board(request, school.municipality.region, school)
    else:
        region = _region(request)
        if region is None:
            return None, None
        board = _board(request, region)
    found = next((item for item in chart_data(board) if item.key == key), None)
    if found is None:
        raise Http404("Нет такого графика")
    return board, found


@login_required
def chart_png(request: HttpRequest, key: str) -> HttpResponse:
    """A chart of the dashboard as an image, for a presentation."""
    board, found = _chart(request, key, request.GET.get("school"))
    if board is None:
        return _choose_region(request, "График состояния программы")
    image = bars_png(found.title, found.rows, found.unit, found.colours)
    name = f"{found.title} — {board.territory}, {school_year_label(board.year).replace('/', '-')}.png"
    return download_response(image, filename=name, content_type="image/png")


@login_required
def chart_xlsx(request: HttpRequest, key: str) -> HttpResponse:
    """The data of a chart of the dashboard as .xlsx."""
    board, found = _chart(request, key, request.GET.get("school"))
    if board is None:
        return _choose_region(request, "Данные графика")
    return xlsx_response(
        filename=f"{found.title} — {board.territory}, {school_year_label(board.year).replace('/', '-')}.xlsx",
        sheet_title=found.title[:31],
        columns=["Показатель", f"Значение{found.unit}" if found.unit else "Значение"],
        rows=([label, value if value is not None else "нет данных"] for label, value in found.rows),
    )


# ── documents ─────────────────────────────────────────────────────────────────────────────────────

REPORTS = {
    "council-report": "Отчёт совету руководителей",
    "effectiveness": "Анализ эффективности",
    "support-list": "Перечень школ для индивидуального сопровождения",
}


def _document_response(request: HttpRequest, content: bytes, name: str) -> HttpResponse:
    """The .docx, or with ``?format=pdf`` its PDF where LibreOffice is installed."""
    if request.GET.get("format") == "pdf":
        pdf = to_pdf(content)
        if pdf is None:
            messages.error(request, "PDF не получить: на сервере не установлен LibreOffice. Скачайте документ Word.")
            return redirect(request.META.get("HTTP_REFERER") or "effectiveness:dashboard")
        return download_response(pdf, filename=f"{name}.pdf", content_type="application/pdf")
    return download_response(content, filename=f"{name}.docx", content_type=DOCX_CONTENT_TYPE)


@login_required
def school_note(request: HttpRequest, code: str) -> HttpResponse:
    """The school's analytic note (аналитическая справка) for a school year, in Word."""
    school = visible_school_or_404(request.user, code)
    wanted = request.GET.get("year", "")
    year = int(wanted) if wanted.isdigit() and 2000 < int(wanted) < 2100 else current_school_year()
    content = analytic_note(school, year)
    return _document_response(
        request, content, f"Аналитическая справка {school.code} {school_year_label(year).replace('/', '-')}"
    )


@login_required
def report(request: HttpRequest, kind: str) -> HttpResponse:
    """A report of the user's territory: to the council of heads (a half-year), the annual analysis of
    effectiveness, the list of schools needing individual support."""
    require(request.user, Action.MAKE_REPORTS)
    if kind not in REPORTS:
        raise Http404("Нет такого отчёта")
    region = _region(request)
    if region is None:
        return _choose_region(request, REPORTS[kind])
    board_year = request.GET.get("year", "")
    year = int(board_year) if board_year.isdigit() and 2000 < int(board_year) < 2100 else current_school_year()
    schools = _schools(request, region)
    municipality = _territory(request.user)
    wanted = request.GET.get("municipality", "")
    if municipality is None and wanted.isdigit():
        municipality = next((item.municipality for item in schools if item.municipality_id == int(wanted)), None)
    if municipality is not None:
        schools = [item for item in schools if item.municipality_id == municipality.pk]
    label = school_year_label(year).replace("/", "-")
    territory = municipality.name if municipality is not None else region.name
    if kind == "council-report":
        half = 2 if request.GET.get("half") == "2" else 1
        content = council_report(region, municipality, year, half, schools=schools)
        name = f"{REPORTS[kind]} — {territory}, {label}, {half}-е полугодие"
    elif kind == "effectiveness":
        content = effectiveness_report(region, municipality, year, schools=schools)
        name = f"{REPORTS[kind]} — {territory}, {label}"
    else:
        content = support_list(region, municipality, year, schools=schools)
        name = f"{REPORTS[kind]} — {territory}, {label}"
    return _document_response(request, content, name)
