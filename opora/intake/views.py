"""Pages of the Данные section: loading files, their history, templates, exports and completeness."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from opora.accounts.access import Action, require
from opora.core.downloads import download_response, xlsx_response
from opora.core.formatting import plural
from opora.intake.formats import FORMS
from opora.intake.forms import ExportFilterForm, UploadForm, YearForm
from opora.intake.models import ImportBatch, ImportStatus
from opora.intake.processing import problems_path
from opora.intake.queries import COMPLETENESS_COLUMNS, completeness, import_history, stored_form
from opora.intake.services import (
    ImportRefused,
    apply_retryable,
    import_discard,
    import_queue_apply,
    import_rollback,
    import_submit,
    live_progress,
    rollback_check,
)
from opora.intake.validation import PROBLEM_COLUMNS
from opora.intake.writing import EXCEL_DATA_ROWS, template_workbook, write_csv, write_workbook
from opora.schools.models import SchoolYear
from opora.schools.queries import home_region, visible_municipalities


def _require_importer(request: HttpRequest) -> None:
    require(request.user, Action.IMPORT_DATA)


def _batch_or_404(request: HttpRequest, pk: int) -> ImportBatch:
    return get_object_or_404(import_history(request.user), pk=pk)


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    region = home_region(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, choose_region=region is None)
    if request.method == "POST" and form.is_valid():
        region = region or form.cleaned_data["region"]
        upload = form.cleaned_data["file"]
        batch = import_submit(
            region=region,
            file_name=upload.name,
            content=upload.read(),
            form_key=form.cleaned_data["form_key"] or None,
            by=request.user,
        )
        return redirect("intake:import", pk=batch.pk)
    page = Paginator(import_history(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "intake/import_list.html", {"form": form, "page": page, "region": region})


@login_required
def import_list_export(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    rows = (
        (
            batch.pk,
            timezone.localtime(batch.created_at).replace(tzinfo=None),
            batch.file_name,
            batch.form_title,
            batch.get_status_display(),
            str(batch.created_by or "установка (командная строка)"),
            batch.rows,
            batch.added,
            batch.changed,
            batch.unchanged,
            batch.skipped,
            batch.error_count,
            batch.checksum,
        )
        for batch in import_history(request.user)
    )
    columns = (
        "№",
        "Загружен",
        "Файл",
        "Форма",
        "Состояние",
        "Загрузил",
        "Строк",
        "Добавлено",
        "Изменено",
        "Без изменений",
        "Пропущено строк других муниципалитетов",
        "Ошибок",
        "SHA-256",
    )
    return xlsx_response(filename="История загрузок.xlsx", sheet_title="История загрузок", columns=columns, rows=rows)


def _cards(batch: ImportBatch) -> list[tuple[int, str]]:
    """The counts of the preview (before the write) or of the result (after it), in agreeing words."""
    done = batch.status != ImportStatus.READY
    added = ("строка добавлена", "строки добавлены", "строк добавлено") if done else (
        "строка будет добавлена", "строки будут добавлены", "строк будет добавлено")
    changed = ("строка изменена", "строки изменены", "строк изменено") if done else (
        "строка будет изменена", "строки будут изменены", "строк будет изменено")
    unchanged = ("строка без изменений", "строки без изменений", "строк без изменений")
    cards = [(batch.added, plural(batch.added, *added)), (batch.changed, plural(batch.changed, *changed))]
    cards.append((batch.unchanged, plural(batch.unchanged, *unchanged)))
    if batch.skipped:
        cards.append((batch.skipped, plural(batch.skipped, "строка пропущена", "строки пропущены", "строк пропущено")))
    return cards


def _detail_context(request: HttpRequest, batch: ImportBatch) -> dict:
    batch.progress, batch.progress_message = live_progress(batch)
    report = batch.report or {}
    groups = report.get("groups")
    if groups is None:  # imports checked before problems were grouped
        groups = [
            {"level": "error", "column": None, "count": 1, "rows": [], "example": error}
            for error in report.get("errors", [])
        ]
    return {
        "batch": batch,
        "rollback": rollback_check(batch),
        "report": report,
        "preview": report.get("preview", {}),
        "cards": _cards(batch),
        "error_groups": [group for group in groups if group["level"] == "error"],
        "warning_groups": [group for group in groups if group["level"] == "warning"],
        "problems_file": problems_path(batch).exists(),
        "written": batch.status in (ImportStatus.APPLIED, ImportStatus.ROLLED_BACK),
        "retryable": apply_retryable(batch),
    }


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    return render(request, "intake/import_detail.html", _detail_context(request, batch))


@login_required
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status block, polled by the page while the file is being processed."""
    batch = _batch_or_404(request, pk)
    response = render(request, "intake/import_detail.html#status", _detail_context(request, batch))
    if batch.is_finished:
        response["HX-Refresh"] = "true"  # the finished preview is a different page
    return response


@login_required
def import_problems(request: HttpRequest, pk: int) -> HttpResponse:
    """Every error and warning of the check as .xlsx: sheet, row, column, value, message."""
    batch = _batch_or_404(request, pk)
    path = problems_path(batch)
    if not path.exists():
        raise Http404("У этой загрузки нет списка ошибок")
    frame = pl.read_parquet(path)
    rows = (
        ("ошибка" if level == "error" else "предупреждение", sheet, row, column, value, message)
        for level, sheet, row, column, value, message in frame.select(PROBLEM_COLUMNS).iter_rows()
    )
    return xlsx_response(
        filename=f"Ошибки загрузки {batch.pk} — {Path(batch.file_name).stem}.xlsx",
        sheet_title="Ошибки и предупреждения",
        columns=("Вид", "Лист", "Строка", "Столбец", "Значение в файле", "Что не так"),
        rows=rows,
        text_columns=[4],
    )


@login_required
@require_POST
def import_apply_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    try:
        import_queue_apply(batch=batch, by=request.user)
    except ImportRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("intake:import", pk=pk)


@login_required
@require_POST
def import_discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    try:
        import_discard(batch=batch, by=request.user)
        messages.success(request, "Загрузка отклонена: данные не изменены.")
    except ImportRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("intake:import", pk=pk)


@login_required
@require_POST
def import_rollback_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    try:
        import_rollback(batch=batch, by=request.user)
        messages.success(request, "Загрузка отменена: данные возвращены к состоянию до неё.")
    except ImportRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("intake:import", pk=pk)


def _form_or_404(form_key: str):
    if form_key not in FORMS:
        raise Http404("Нет такой формы")
    return FORMS[form_key]


@login_required
def form_list(request: HttpRequest) -> HttpResponse:
    filters = ExportFilterForm(request.GET or None, municipalities=visible_municipalities(request.user))
    return render(request, "intake/form_list.html", {"forms": FORMS.values(), "filters": filters})


@login_required
def form_template(request: HttpRequest, form_key: str) -> HttpResponse:
    form = _form_or_404(form_key)
    return download_response(template_workbook(form), filename=f"Шаблон — {form.title}.xlsx")


@login_required
def form_export(request: HttpRequest, form_key: str) -> HttpResponse:
    form = _form_or_404(form_key)
    region = home_region(request.user)  # None for an installation administrator of several regions: all
    filters = ExportFilterForm(request.GET or None, municipalities=visible_municipalities(request.user))
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    year = cleaned.get("year")
    municipality = cleaned.get("municipality")
    frame = stored_form(
        request.user,
        region,
        form_key,
        year=year.end_year if year else None,
        municipality_id=municipality.pk if municipality else None,
    )
    suffix = f" {year.label.replace('/', '-')}" if year else ""
    if frame.height > EXCEL_DATA_ROWS:
        # More rows than a sheet of Excel holds: CSV, which Опора loads back the same way.
        return download_response(
            write_csv(frame, form), filename=f"{form.title}{suffix}.csv", content_type="text/csv; charset=utf-8"
        )
    return download_response(write_workbook(frame, form), filename=f"{form.title}{suffix}.xlsx")


def _chosen_year(request: HttpRequest) -> tuple[YearForm, SchoolYear | None]:
    form = YearForm(request.GET or None)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    return form, year or SchoolYear.objects.order_by("-end_year").first()


@login_required
def completeness_view(request: HttpRequest) -> HttpResponse:
    form, year = _chosen_year(request)
    summary, rows = completeness(request.user, year) if year else ([], [])
    gaps = Paginator([row for row in rows if row.missing], 100).get_page(request.GET.get("page"))
    return render(
        request,
        "intake/completeness.html",
        {
            "form": form,
            "year": year,
            "summary": summary,
            "gaps": gaps,
            "columns": COMPLETENESS_COLUMNS,
            "schools": len(rows),
        },
    )


@login_required
def completeness_export(request: HttpRequest) -> HttpResponse:
    _form, year = _chosen_year(request)
    _summary, rows = completeness(request.user, year) if year else ([], [])
    columns = ("Код ОО", "Наименование", "Муниципалитет", *(title for _, title in COMPLETENESS_COLUMNS))
    data = (
        (
            row.school.code,
            row.school.display_name,
            row.school.municipality.name,
            *(row.state(key) for key, _ in COMPLETENESS_COLUMNS),
        )
        for row in rows
    )
    label = year.label.replace("/", "-") if year else ""
    return xlsx_response(
        filename=f"Полнота данных {label}.xlsx",
        sheet_title="Полнота данных",
        columns=columns,
        rows=data,
        text_columns=[0],
    )
