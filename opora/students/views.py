"""Pages of the bank of students with difficulties and of its counts. Thin: every write is a service.

The bank (list, card, forms, export, deletion) is the school team's (``Action.KEEP_STUDENTS``);
a student of another school is «not found». The counts page is open to everyone in scope and
shows numbers only. Opening the list, a card or the export is logged (``StudentRecordView``).
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from opora.accounts.access import ACCESS, Action, can, require
from opora.core.downloads import download_response, xlsx_response
from opora.core.forms import add_service_errors
from opora.schools.models import School
from opora.schools.queries import visible_municipalities, visible_school_or_404
from opora.students import services
from opora.students.forms import (
    BankSettingsForm,
    ConfirmDeletionForm,
    ConsiliumForm,
    DifficultyForm,
    OutcomeForm,
    ReviewForm,
    RouteForm,
    StudentForm,
)
from opora.students.models import IndividualRoute, Student, StudentRecordView
from opora.students.queries import bank_counts, deletions, feature_labels
from opora.students.suppression import THRESHOLD

HIDDEN = "не показывается"


def _bank_school(request: HttpRequest, code: str) -> School:
    require(request.user, Action.KEEP_STUDENTS)
    return visible_school_or_404(request.user, code)


def _student(request: HttpRequest, pk: int) -> Student:
    require(request.user, Action.KEEP_STUDENTS)
    return get_object_or_404(Student.objects.visible_to(request.user).select_related("school"), pk=pk)


@login_required
def my_bank(request: HttpRequest) -> HttpResponse:
    """The school team's way in: its own school's bank."""
    require(request.user, Action.KEEP_STUDENTS)
    if request.user.school_id is None:
        raise PermissionDenied(ACCESS[Action.KEEP_STUDENTS].refusal)
    return redirect("students:bank", code=request.user.school.code)


def _day(raw: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        return None


@login_required
def view_log(request: HttpRequest, code: str) -> HttpResponse:
    """The whole log of who opened the school's records, for a period; as a page or .xlsx."""
    school = _bank_school(request, code)
    since, until = _day(request.GET.get("since", "")), _day(request.GET.get("until", ""))
    views = StudentRecordView.objects.filter(school=school).select_related("user", "student")
    if since:
        views = views.filter(viewed_at__date__gte=since)
    if until:
        views = views.filter(viewed_at__date__lte=until)
    views = views.order_by("-viewed_at", "-pk")
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            filename=f"Журнал просмотров {school.code}.xlsx",
            sheet_title="Журнал просмотров",
            columns=("Когда", "Пользователь", "Что открыто", "Код обучающегося", "Записей"),
            rows=(
                (
                    timezone.localtime(view.viewed_at).strftime("%d.%m.%Y %H:%M"),
                    str(view.user),
                    view.get_kind_display(),
                    view.student.code if view.student else "",
                    view.students,
                )
                for view in views
            ),
        )
    page = Paginator(views, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "students/view_log.html",
        {"school": school, "page": page, "since": since, "until": until, "query": request.GET.urlencode()},
    )


@login_required
def bank(request: HttpRequest, code: str) -> HttpResponse:
    school = _bank_school(request, code)
    students = list(
        Student.objects.filter(school=school)
        .prefetch_related("difficulties", "routes", "consilium_decisions")
        .order_by("grade", "class_letter", "code")
    )
    # Opening the list is a view of the records it shows (codes, classes, names where kept).
    if students:
        services.list_view_log(school=school, students=len(students), by=request.user)
    return render(
        request,
        "students/bank.html",
        {
            "school": school,
            "students": students,
            "keeps_names": services.keeps_names(school),
            "deletions": deletions(school)[:20],
            "views": StudentRecordView.objects.filter(school=school).select_related("user", "student")[:20],
        },
    )


@login_required
def bank_export(request: HttpRequest, code: str) -> HttpResponse:
    school = _bank_school(request, code)
    content = services.bank_export(school=school, by=request.user)
    return download_response(content, filename=f"Банк обучающихся {school.code}.xlsx")


@login_required
def bank_settings(request: HttpRequest, code: str) -> HttpResponse:
    school = _bank_school(request, code)
    form = BankSettingsForm(
        request.POST if request.method == "POST" else None, initial={"keeps_names": services.keeps_names(school)}
    )
    if request.method == "POST" and form.is_valid():
        erased = services.bank_settings_save(
            school=school, keeps_names=form.cleaned_data["keeps_names"], by=request.user
        )
        messages.success(request, "Настройка банка сохранена." + (f" Стёрто фамилий: {erased}." if erased else ""))
        return redirect("students:bank", code=school.code)
    return render(request, "students/settings.html", {"school": school, "form": form})


@login_required
def bank_delete(request: HttpRequest, code: str) -> HttpResponse:
    school = _bank_school(request, code)
    count = Student.objects.filter(school=school).count()
    form = ConfirmDeletionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.students_delete_all(school=school, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Удалено записей об обучающихся: {record.students}.")
            return redirect("students:bank", code=school.code)
    return render(request, "students/delete.html", {"school": school, "student": None, "count": count, "form": form})


@login_required
def student_add(request: HttpRequest, code: str) -> HttpResponse:
    school = _bank_school(request, code)
    keeps_names = services.keeps_names(school)
    form = StudentForm(request.POST if request.method == "POST" else None, keeps_names=keeps_names)
    if request.method == "POST" and form.is_valid():
        try:
            student = services.student_create(school=school, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Обучающийся {student.code} внесён в банк.")
            return redirect("students:card", pk=student.pk)
    return render(
        request, "students/form.html", {"school": school, "student": None, "form": form, "title": "Новый обучающийся"}
    )


@login_required
def card(request: HttpRequest, pk: int) -> HttpResponse:
    student = _student(request, pk)
    # Item 7 of the issue: every view of a student's record is logged, this page included.
    services.card_view_log(student=student, by=request.user)
    routes = list(student.routes.prefetch_related("reviews"))
    return render(
        request,
        "students/card.html",
        {
            "school": student.school,
            "student": student,
            "keeps_names": services.keeps_names(student.school),
            "difficulties": student.difficulties.all(),
            "routes": routes,
            "decisions": student.consilium_decisions.all(),
            "outcomes": sorted(student.outcomes.all(), key=lambda outcome: outcome.sort_key, reverse=True),
            "views": student.views.select_related("user")[:10],
        },
    )


@login_required
def student_edit(request: HttpRequest, pk: int) -> HttpResponse:
    student = _student(request, pk)
    keeps_names = services.keeps_names(student.school)
    initial = {name: getattr(student, name) for name in ("code", "grade", "class_letter", "full_name")}
    form = StudentForm(request.POST if request.method == "POST" else None, initial=initial, keeps_names=keeps_names)
    if request.method == "POST" and form.is_valid():
        try:
            services.student_update(student=student, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Сведения об обучающемся {student.code} сохранены.")
            return redirect("students:card", pk=student.pk)
    return render(
        request,
        "students/form.html",
        {"school": student.school, "student": student, "form": form, "title": f"Обучающийся {student.code}"},
    )


@login_required
def student_delete(request: HttpRequest, pk: int) -> HttpResponse:
    student = _student(request, pk)
    form = ConfirmDeletionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        school = student.school
        services.student_delete(student=student, by=request.user)
        messages.success(request, "Записи обучающегося удалены по запросу.")
        return redirect("students:bank", code=school.code)
    return render(
        request, "students/delete.html", {"school": student.school, "student": student, "count": 1, "form": form}
    )


def _record_form(
    request: HttpRequest, pk: int, *, form_class, save, title: str, success: str, initial=None, route=None
):
    """A page with one form adding a record to a student (a difficulty, a decision, an outcome, a review)."""
    student = _student(request, pk)
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            save(student, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("students:card", pk=student.pk)
    return render(
        request,
        "students/form.html",
        {"school": student.school, "student": student, "form": form, "title": title, "route": route},
    )


@login_required
def difficulty_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_form(
        request,
        pk,
        form_class=DifficultyForm,
        save=lambda student, data: services.difficulty_add(student=student, data=data, by=request.user),
        title="Трудность обучающегося",
        success="Трудность записана.",
    )


@login_required
def consilium_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_form(
        request,
        pk,
        form_class=ConsiliumForm,
        save=lambda student, data: services.consilium_add(student=student, data=data, by=request.user),
        title="Решение психолого-педагогического консилиума",
        success="Решение ППк записано.",
    )


@login_required
def outcome_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_form(
        request,
        pk,
        form_class=OutcomeForm,
        save=lambda student, data: services.outcome_save(student=student, data=data, by=request.user),
        title="Итог периода",
        success="Итог периода записан.",
    )


@login_required
def route_edit(request: HttpRequest, pk: int, route: int | None = None) -> HttpResponse:
    student = _student(request, pk)
    item = get_object_or_404(IndividualRoute.objects.filter(student=student), pk=route) if route is not None else None
    initial = (
        {name: getattr(item, name) for name in ("subjects", "measures", "responsible", "starts_on", "ends_on")}
        if item
        else {}
    )
    form = RouteForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.route_save(student=student, route=item, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Индивидуальный маршрут сохранён.")
            return redirect("students:card", pk=student.pk)
    title = "Индивидуальный образовательный маршрут" if item else "Новый индивидуальный образовательный маршрут"
    return render(
        request, "students/form.html", {"school": student.school, "student": student, "form": form, "title": title}
    )


@login_required
def review_add(request: HttpRequest, pk: int, route: int) -> HttpResponse:
    student = _student(request, pk)
    item = get_object_or_404(IndividualRoute.objects.filter(student=student), pk=route)
    return _record_form(
        request,
        pk,
        form_class=ReviewForm,
        save=lambda student, data: services.review_record(route=item, data=data, by=request.user),
        title="Пересмотр маршрута",
        success="Пересмотр маршрута записан.",
        route=item,
    )


@login_required
@require_POST
def record_remove(request: HttpRequest, pk: int, kind: str, item: int) -> HttpResponse:
    student = _student(request, pk)
    if kind not in services.RECORD_KINDS:
        raise Http404("Нет такой записи")
    try:
        services.record_remove(student=student, kind=kind, pk=item, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Запись удалена.")
    return redirect("students:card", pk=student.pk)


def _counts_context(request: HttpRequest) -> dict:
    municipalities = visible_municipalities(request.user).order_by("name")
    chosen = None
    wanted = request.GET.get("municipality", "")
    if wanted.isdigit():
        chosen = municipalities.filter(pk=int(wanted)).first()
    rows = bank_counts(request.user, municipality=chosen)
    return {
        "rows": rows,
        "school_rows": sum(row.level == "school" for row in rows),
        "features": feature_labels(),
        "municipalities": municipalities,
        "chosen": chosen,
        "threshold": THRESHOLD,
        "hidden_label": HIDDEN,
    }


@login_required
def counts(request: HttpRequest) -> HttpResponse:
    context = _counts_context(request)
    if can(request.user, Action.KEEP_STUDENTS) and request.user.school_id is not None:
        context["own_school"] = request.user.school
    return render(request, "students/counts.html", context)


@login_required
def counts_export(request: HttpRequest) -> HttpResponse:
    context = _counts_context(request)
    columns = ["Уровень", "Код ОО", "Школа или территория", "Обучающихся в банке"]
    for _, label in context["features"]:
        columns += [f"{label}: число", f"{label}: доля, %"]
    levels = {"school": "школа", "municipality": "муниципалитет", "region": "итого"}
    rows = []
    for row in context["rows"]:
        values: list[object] = [levels[row.level], row.code, row.label]
        if row.hidden:
            values += [HIDDEN] * (1 + 2 * len(context["features"]))
        else:
            values.append(row.figures.size)
            for count, share in row.cells:
                values += [count, round(share * 100, 1) if share is not None else None]
        rows.append(values)
    return xlsx_response(
        filename="Обучающиеся с трудностями — числа.xlsx",
        sheet_title="Числа",
        columns=columns,
        rows=rows,
        text_columns=[1],
    )
