"""Pages of the Выявление stage: runs, a run's table and chart, a school's «why», comparison, approval."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from opora.accounts.access import Action, can, require
from opora.accounts.scopes import scope_of
from opora.core.audit import audit_context
from opora.core.docs import document
from opora.core.downloads import (
    CSV_CONTENT_TYPE,
    DOCX_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    download_response,
    xlsx_response,
)
from opora.core.formatting import num
from opora.core.forms import add_service_errors
from opora.core.tables import csv_bytes
from opora.identification.charts import cached_index_scatter
from opora.identification.documents import (
    approved_list_context,
    approved_list_docx,
    approved_list_xlsx,
)
from opora.identification.flags import FLAGS, LISTED_FLAGS
from opora.identification.forms import CancelForm, FailureForm, ListDecisionForm, MethodologyForm, RunForm
from opora.identification.models import (
    ApprovedList,
    ApprovedListEntry,
    Decision,
    IdentificationRun,
    Methodology,
    RosobrnadzorListing,
    RunStatus,
)
from opora.identification.parameters import PARAMETERS, changes, grouped, variable_label
from opora.identification.queries import (
    approved_list_document,
    approved_lists_visible_to,
    compare_runs,
    done_runs,
    entries_visible_to,
    failure_list,
    flag_counts,
    lines_visible_to,
    list_relations,
    order_history,
    report_workbook,
    rosobrnadzor_agreement,
    run_report_frame,
    runs_visible_to,
    school_decisions,
)
from opora.identification.recovery import interrupted_message
from opora.identification.services import (
    LISTED,
    list_amend,
    list_cancel,
    methodology_save,
    region_methodology,
    run_approve,
    run_rerun,
    run_start,
    support_year,
)
from opora.schools.models import Municipality
from opora.schools.queries import home_region, visible_school_or_404

CATEGORIES = {
    **{flag.key: (flag.plural, Q(**{flag.key: True})) for flag in FLAGS.values()},
    "internal": (
        "ШНОР по внутришкольным причинам",
        Q(**{FLAGS["low_results"].key: True, FLAGS["low_results"].cause_field: "внутришкольные"}),
    ),
    "undetermined": (
        "ШНОР, причина не определена",
        Q(**{FLAGS["low_results"].key: True, FLAGS["low_results"].cause_field: "не определена"}),
    ),
    **{
        f"{flag.key}__unknown": (f"{flag.short}: нет данных", Q(**{f"{flag.key}__isnull": True}))
        for flag in FLAGS.values()
    },
}
# The data a run reads, in the words of the «Данные» section.
INPUT_NAMES = {
    "schools": "Реестр ОО",
    "context": "Контекстные данные",
    "results": "Результаты по ОО",
    "outcomes": "Итоги учебного года",
    "student_results": "Результаты участников",
}
# How the ШНОР list is drawn from the probabilities (the methodology's low_results_decision).
DECISION_RULES = {
    "expected_count": "в перечень входят школы с наибольшей вероятностью, столько, сколько их ожидается "
    "по сумме вероятностей всех школ региона",
    "expected_f1": "в перечень входят школы с наибольшей вероятностью, столько, при скольких ожидаемая "
    "точность перечня (F1) наибольшая",
    "probability": "в перечень входят школы, вероятность которых не ниже порога методики",
}
FAILURE_SHARES = (
    ("fail_share_vpr", "«2» по ВПР"),
    ("fail_share_oge", "«2» по ОГЭ"),
    ("below_threshold_share_ege", "ниже минимального порога ЕГЭ"),
    ("no_certificate_share_9", "без аттестата после 9 класса"),
    ("no_certificate_share_11", "без аттестата после 11 класса"),
)
ORDER_FIELDS = ("order_number", "order_date", "authority", "signatory_position", "signatory_name")
SORTS = {
    "code": "code",
    "name": "name",
    "municipality": "municipality",
    "index": "results_index",
    "wellbeing": "wellbeing_index",
    "value_added": "value_added",
    "years": "years_in_bottom",
}


def _run_or_404(request: HttpRequest, pk: int) -> IdentificationRun:
    return get_object_or_404(runs_visible_to(request.user), pk=pk)


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    region = home_region(request.user)
    allowed = can(request.user, Action.RUN_IDENTIFICATION) and region is not None
    if request.method == "POST" and not allowed:
        require(request.user, Action.RUN_IDENTIFICATION)
        raise PermissionDenied("Расчёт запускается для региона: у вас их несколько, выберите один в администрировании.")
    form = RunForm(request.POST or None, region=region) if allowed else None
    if request.method == "POST" and form.is_valid():
        try:
            run = run_start(
                region=region,
                year=form.cleaned_data["year"],
                methodology=form.cleaned_data["methodology"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("identification:run", pk=run.pk)
    page = Paginator(runs_visible_to(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "identification/run_list.html", {"form": form, "page": page, "flags": FLAGS.values()})


def _filtered_lines(request: HttpRequest, run: IdentificationRun):
    lines = lines_visible_to(request.user, run)
    category = request.GET.get("category", "")
    if category in CATEGORIES:
        lines = lines.filter(CATEGORIES[category][1])
    municipality = request.GET.get("municipality", "")
    if municipality:
        lines = lines.filter(municipality=municipality)
    search = request.GET.get("q", "").strip()
    if search:
        lines = lines.filter(Q(code__icontains=search) | Q(school__search_text__contains=search.casefold()))
    sort = request.GET.get("sort", "code")
    field = SORTS.get(sort.lstrip("-"), "code")
    order = F(field).desc(nulls_last=True) if sort.startswith("-") else F(field).asc(nulls_last=True)
    return lines.select_related("school").order_by(order, "code"), sort


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(request, pk)
    lines, sort = _filtered_lines(request, run)
    visible = lines_visible_to(request.user, run)
    visible_schools = visible.count()
    context = {
        "run": run,
        "lines": Paginator(lines, 50).get_page(request.GET.get("page")),
        "sort": sort,
        "categories": [(key, label) for key, (label, _q) in CATEGORIES.items()],
        "municipalities": sorted(set(visible.values_list("municipality", flat=True))),
        "counts": flag_counts(visible),
        "agreement": rosobrnadzor_agreement(run, visible) if run.status == RunStatus.DONE else None,
        "unknown_counts": flag_counts(visible, unknown=True),
        "works": _works_summary(run),
        "flag_captions": [(flag.key, flag.counted) for flag in FLAGS.values()],
        "visible_schools": visible_schools,
        "input_checksums": [(INPUT_NAMES.get(key, key), value) for key, value in run.input_checksums.items()],
        "partial_scope": visible_schools != run.summary.get("schools"),
        "can_approve": can(request.user, Action.APPROVE_LIST) and run.status == RunStatus.DONE,
        "can_rerun": can(request.user, Action.RUN_IDENTIFICATION),
        "interrupted_message": interrupted_message(run) if run.is_interrupted else "",
        "other_runs": done_runs(runs_visible_to(request.user))
        .exclude(pk=run.pk)
        .filter(year__end_year__gte=run.year.end_year - 1)[:20],
    }
    # One municipality in sight: its name on every line would only push the categories off the screen.
    context["show_municipality"] = len(context["municipalities"]) > 1
    context["columns"] = (
        ("code", "Код ОО", False),
        ("name", "Школа", False),
        *((("municipality", "Муниципалитет", False),) if context["show_municipality"] else ()),
        ("index", "Индекс результатов", True),
        ("wellbeing", "ИСБШ", True),
        ("value_added", "Добавленная ценность", True),
        ("years", "Лет в нижней группе", True),
    )
    if request.htmx and request.htmx.target == "run-status":
        response = render(request, "identification/run_detail.html#status", context)
        if run.is_finished:
            response["HX-Refresh"] = "true"
        return response
    if request.htmx and request.htmx.target == "results":
        return render(request, "identification/run_detail.html#results", context)
    # Only the whole page shows the chart: sorting, filtering and paging replace the table alone.
    context["chart"] = (
        cached_index_scatter(run, visible, link=lambda code: reverse("identification:school", args=[run.pk, code]))
        if run.status == RunStatus.DONE and visible_schools
        else None
    )
    return render(request, "identification/run_detail.html", context)


def _works_summary(run: IdentificationRun) -> dict | None:
    """How the run scored the works of its year: from participants' results (form 4) or from form 3."""
    works = [work for work in run.summary.get("works", []) if work.get("year") == run.year.end_year]
    if not works:
        return None
    from_students = [work for work in works if work.get("kind") == "student_scores"]
    return {
        "total": len(works),
        "from_students": len(from_students),
        "rows": sorted(works, key=lambda work: (work["procedure"], work["grade"], work["subject"])),
    }


@login_required
def run_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    run = _run_or_404(request, pk)
    if run.status != RunStatus.DONE:
        raise Http404("Расчёт не завершён")
    lines, _sort = _filtered_lines(request, run)
    frame = run_report_frame(run, lines)
    name = f"Выявление {run.year.label.replace('/', '-')} расчёт {run.pk}"
    if fmt == "csv":
        return download_response(csv_bytes(frame), filename=f"{name}.csv", content_type=CSV_CONTENT_TYPE)
    return download_response(report_workbook(frame), filename=f"{name}.xlsx", content_type=XLSX_CONTENT_TYPE)


@login_required
def school_why(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    run = _run_or_404(request, pk)
    school = visible_school_or_404(request.user, code)
    line = get_object_or_404(run.schools, school=school)
    peers = (
        lines_visible_to(request.user, run)
        .filter(cluster=line.cluster)
        .exclude(pk=line.pk)
        .select_related("school")
        .order_by("-results_index")
        if line.cluster is not None
        else run.schools.none()
    )
    reference = {row["variable"]: row for row in run.summary.get("context_reference", [])}
    wellbeing = line.details.get("wellbeing", {})
    context_rows = [
        {
            "label": row["label"],
            "z": wellbeing.get(f"z_{variable}"),
            "direction": row["direction"],
            "weight": row["weight"],
        }
        for variable, row in reference.items()
    ]
    row = line.details.get("row", {})
    return render(
        request,
        "identification/school_why.html",
        {
            "run": run,
            "line": line,
            "school": school,
            "peers": peers[:30],
            "peer_count": peers.count(),
            "row": row,
            "unknown": [
                (flag, line.unknown_reasons.get(flag.key) or "данных недостаточно")
                for flag in FLAGS.values()
                if getattr(line, flag.key) is None
            ],
            "decision_rule": DECISION_RULES.get(run.methodology.params.low_results_decision, ""),
            "rule_name": PARAMETERS["low_results_rule"].show(run.methodology.params.low_results_rule),
            "rosobrnadzor": _rosobrnadzor_tests(line.details.get("rosobrnadzor", [])),
            "rosobrnadzor_listed": list(
                RosobrnadzorListing.objects.filter(school=line.school, year=run.year).values_list(
                    "procedure", "source"
                )
            ),
            "failure_shares": [
                (label, row.get(key)) for key, label in FAILURE_SHARES if row.get(key) is not None
            ],
            "yearly": line.details.get("yearly", []),
            "signals": [
                {**signal, "label": signal["label"].split(" (подозрительно")[0], "reading": signal_reading(signal)}
                for signal in line.details.get("signals", [])
            ],
            "missing": line.details.get("missing", []),
            "context_rows": context_rows,
            "decisions": school_decisions(request.user, school, run),
        },
    )


def signal_reading(signal: dict) -> str:
    """A signal of objectivity in words: which way is suspicious, where the school is, and so what."""
    more = signal.get("direction") != "меньше"
    side = "больше" if more else "меньше"
    value, centre, threshold = signal.get("value"), signal.get("centre"), signal.get("threshold")
    if value is None or signal.get("statistic") is None:
        return "нет данных: у школы недостаточно результатов ВПР для этого признака."
    usual = f"подозрительно, когда значение {side} обычного для школ региона ({num(centre, 2)})"
    limit = f"; для школы такой численности признак начинается со значения {num(threshold, 2)}" if threshold else ""
    suspicious_side = centre is not None and (value > centre if more else value < centre)
    if signal.get("fired"):
        return (
            f"{usual}{limit}. У школы {num(value, 2)}: настолько {side} обычного, что случайными колебаниями "
            "это объяснить трудно — признак есть."
        )
    if not suspicious_side:
        return f"{usual}. У школы {num(value, 2)} — не {side} обычного, признака нет."
    return (
        f"{usual}{limit}. У школы {num(value, 2)}: {side} обычного, но в пределах случайных колебаний для школы "
        "такой численности — признака нет."
    )


def _rosobrnadzor_tests(tests: list[dict]) -> list[dict]:
    """The school's tests as the Rosobrnadzor rule reads them, the low ones first."""
    return sorted(tests, key=lambda test: (not test.get("low"), test["procedure"], test["grade"], test["subject"]))


@login_required
def run_compare(request: HttpRequest) -> HttpResponse:
    runs = done_runs(runs_visible_to(request.user))
    before = runs.filter(pk=request.GET.get("before") or 0).first()
    after = runs.filter(pk=request.GET.get("after") or 0).first()
    approved = approved_lists_visible_to(request.user).filter(pk=request.GET.get("list") or 0).first()
    if approved is not None:
        before = approved.run
    comparisons = []
    if before and after:
        old = lines_visible_to(request.user, before)
        new = lines_visible_to(request.user, after)
        comparisons = [(flag.plural, compare_runs(old, new, flag.key)) for flag in FLAGS.values()]
    methodology_changes = (
        changes(before.methodology.parameters, after.methodology.parameters) if before and after else []
    )
    return render(
        request,
        "identification/compare.html",
        {
            "runs": runs[:50],
            "before": before,
            "after": after,
            "approved": approved,
            "comparisons": comparisons,
            "methodology_changes": methodology_changes,
            "lists": approved_lists_visible_to(request.user)[:50],
        },
    )


@login_required
def run_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(request, pk)
    require(request.user, Action.APPROVE_LIST)
    if run.status != RunStatus.DONE:
        raise Http404("Расчёт не завершён")
    user = request.user
    municipality = _own_municipality(user)
    listed = run.schools.filter(LISTED).order_by("municipality", "code")
    territory = run.schools.all()
    if municipality is not None:
        listed = listed.filter(school__municipality=municipality)
        territory = territory.filter(school__municipality=municipality)
    candidates = list(territory.exclude(pk__in=listed.values("pk")).order_by("code").values_list("code", "name"))
    unknown = [
        (
            line,
            [
                (flag.short, line.unknown_reasons.get(flag.key) or "данных недостаточно")
                for flag in LISTED_FLAGS
                if getattr(line, flag.key) is None
            ],
        )
        for line in territory.exclude(pk__in=listed.values("pk"))
        .filter(reduce(or_, (Q(**{f"{flag.key}__isnull": True}) for flag in LISTED_FLAGS)))
        .order_by("code")
    ]
    form = ListDecisionForm(request.POST or None, listed=listed, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            approved = run_approve(
                run=run,
                municipality=municipality,
                order=form.order(),
                by=user,
                exclusions=form.exclusions(),
                additions=form.additions(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Перечень утверждён. Он больше не изменится; исправляется он новым приказом.")
            return redirect("identification:list", pk=approved.pk)
    return render(
        request,
        "identification/approve.html",
        {
            "run": run,
            "form": form,
            "year": support_year(run),
            "territory": municipality.name if municipality else run.region.name,
            "basis_missing": not run.methodology.basis,
            "unknown": unknown,
            "order_field_names": ORDER_FIELDS,
            "can_edit_methodology": can(user, Action.EDIT_METHODOLOGY),
        },
    )


def _own_municipality(user) -> Municipality | None:
    """A user who works with one municipality approves its lists; a regional administrator, the region's."""
    scope = scope_of(user)
    if scope.municipality_ids is not None and len(scope.municipality_ids) == 1:
        return Municipality.objects.get(pk=next(iter(scope.municipality_ids)))
    return None


def _may_change_list(user, approved: ApprovedList) -> bool:
    """A list is amended or cancelled at its level: a municipality's by its coordinator, the region's by the region."""
    if not can(user, Action.APPROVE_LIST):
        return False
    own = _own_municipality(user)
    if user.is_superuser:
        return True
    return (own.pk if own else None) == approved.municipality_id


def _changeable_list_or_404(request: HttpRequest, pk: int) -> ApprovedList:
    approved = _list_or_404(request, pk)
    require(request.user, Action.APPROVE_LIST)
    if not _may_change_list(request.user, approved):
        raise PermissionDenied("Изменить или отменить перечень может тот, кто утверждает перечни этой территории.")
    if not approved.in_force:
        raise Http404("Приказ уже изменён или отменён")
    return approved


@login_required
def list_amend_view(request: HttpRequest, pk: int) -> HttpResponse:
    approved = _changeable_list_or_404(request, pk)
    current = approved.entries.exclude(decision=Decision.EXCLUDED).order_by("number")
    territory = approved.run.schools.all()
    if approved.municipality_id is not None:
        territory = territory.filter(school__municipality_id=approved.municipality_id)
    candidates = list(
        territory.exclude(code__in=current.values("code")).order_by("code").values_list("code", "name")
    )
    form = ListDecisionForm(request.POST or None, listed=current, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            amendment = list_amend(
                approved=approved,
                order=form.order(),
                by=request.user,
                exclusions=form.exclusions(),
                additions=form.additions(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Изменения внесены приказом {amendment.order_reference}; прежний приказ сохранён."
            )
            return redirect("identification:list", pk=amendment.pk)
    return render(
        request,
        "identification/list_amend.html",
        {"approved": approved, "form": form, "order_field_names": ORDER_FIELDS},
    )


@login_required
def list_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    approved = _changeable_list_or_404(request, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cancellation = list_cancel(
                approved=approved, order=form.order(), reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Приказ {approved.order_reference} признан утратившим силу.")
            return redirect("identification:list", pk=cancellation.pk)
    return render(request, "identification/list_cancel.html", {"approved": approved, "form": form})


@login_required
def list_index(request: HttpRequest) -> HttpResponse:
    lists = approved_lists_visible_to(request.user).annotate(
        included_count=Count("entries", filter=~Q(entries__decision=Decision.EXCLUDED))
    )
    return render(request, "identification/list_index.html", {"lists": lists})


def _list_or_404(request: HttpRequest, pk: int) -> ApprovedList:
    return get_object_or_404(approved_lists_visible_to(request.user), pk=pk)


@login_required
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    approved = _list_or_404(request, pk)
    later = done_runs(runs_visible_to(request.user)).filter(created_at__gt=approved.run.created_at)[:10]
    visible = entries_visible_to(request.user, approved)
    document = approved_list_document(approved, visible)
    return render(
        request,
        "identification/list_detail.html",
        {
            "approved": approved,
            "later_runs": later,
            "rows": approved_list_context(document)["entries"],
            "decisions": document.decisions,
            "partial_scope": visible.count() != approved.entries.count(),
            "history": order_history(approved),
            "relations": list_relations(request.user, approved),
            "can_change": approved.in_force and _may_change_list(request.user, approved),
            # the entries' history as far as the reader sees the entries (a school team: its own line)
            **_audit(
                request.user, approved.history.all(), ApprovedListEntry.history.filter(id__in=visible.values("pk"))
            ),
        },
    )


@login_required
def list_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    approved = _list_or_404(request, pk)
    document = approved_list_document(approved, entries_visible_to(request.user, approved))
    name = f"Перечень ШНОР и ШНСУ {approved.year.label.replace('/', '-')} (приказ {approved.order_number})"
    if fmt == "docx":
        return download_response(
            approved_list_docx(document), filename=f"{name}.docx", content_type=DOCX_CONTENT_TYPE
        )
    return download_response(approved_list_xlsx(document), filename=f"{name}.xlsx", content_type=XLSX_CONTENT_TYPE)


def _methodology_or_404(request: HttpRequest, pk: int) -> Methodology:
    return get_object_or_404(Methodology.objects.visible_to(request.user).select_related("region"), pk=pk)


@login_required
def methodology_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "identification/methodology_list.html",
        {
            "methodologies": Methodology.objects.visible_to(request.user).select_related("created_by", "region"),
            "can_edit": can(request.user, Action.EDIT_METHODOLOGY),
        },
    )


@login_required
def methodology_detail(request: HttpRequest, pk: int) -> HttpResponse:
    methodology = _methodology_or_404(request, pk)
    params = methodology.params
    return render(
        request,
        "identification/methodology_detail.html",
        {
            "methodology": methodology,
            "groups": grouped(params.to_dict()),
            "wellbeing": [
                {
                    "label": variable_label(variable.name),
                    "weight": variable.weight,
                    "direction": "чем больше, тем благополучнее условия"
                    if variable.direction > 0
                    else "чем больше, тем менее благополучны условия",
                }
                for variable in params.wellbeing_variables
            ],
            "procedure_weights": list(params.procedure_weights.items()),
            "can_edit": can(request.user, Action.EDIT_METHODOLOGY) and methodology.is_latest,
            **_audit(request.user, methodology.history.all()),
        },
    )


def _audit(user, *histories) -> dict:
    """The journal of changes a page shows, with the link to the period's journal for those who may export it."""
    return audit_context(*histories, export_url=reverse("web:audit") if can(user, Action.VIEW_AUDIT) else "")


@login_required
def methodology_docs(request: HttpRequest) -> HttpResponse:
    """docs/methodology.md as a page: the same text as in the repository, with no internet."""
    text, toc = document("methodology")
    return render(request, "identification/methodology_docs.html", {"text": text, "toc": toc})


@login_required
def methodology_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.EDIT_METHODOLOGY)
    base = _methodology_or_404(request, pk)
    form = MethodologyForm(request.POST or None, base=base)
    if request.method == "POST" and form.is_valid():
        try:
            saved = methodology_save(
                base=base,
                parameters=form.parameters(),
                comment=form.cleaned_data["comment"],
                by=request.user,
                **form.basis(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Сохранена {saved}. Прежние версии сохранены и остаются в расчётах.")
            return redirect("identification:methodology", pk=saved.pk)
    return render(request, "identification/methodology_edit.html", {"form": form, "base": base})


@require_POST
@login_required
def run_rerun_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The same year and methodology on the current data: a new run, the old one stays."""
    run = _run_or_404(request, pk)
    require(request.user, Action.RUN_IDENTIFICATION)
    new = run_rerun(run=run, by=request.user)
    return redirect("identification:run", pk=new.pk)


@login_required
def failure_view(request: HttpRequest) -> HttpResponse:
    """Schools where more than half the students fail, for a school year and a period (the year, a term, …)."""
    region = home_region(request.user)
    form = FailureForm(request.GET or None)
    year, period = form.chosen()
    above: list = []
    unknown: list = []
    methodology = None
    if region is not None and year is not None:
        methodology = region_methodology(region)
        above, unknown = failure_list(
            request.user, region=region, year=year.end_year, period=period, methodology=methodology.params
        )
    if request.GET.get("format") == "xlsx" and year is not None:
        rows = (
            (row.school.code, row.school.display_name, row.school.municipality.name, row.students, row.failing,
             row.share)
            for row in above
        )  # fmt: skip
        return xlsx_response(
            filename=f"Неуспешность более 50 % {year.label.replace('/', '-')} {period}.xlsx",
            sheet_title="Неуспешность более 50 %",
            columns=("Код ОО", "Школа", "Муниципалитет", "Обучающихся на конец периода", "Неуспевающих", "Доля"),
            rows=rows,
            text_columns=[0],
        )
    return render(
        request,
        "identification/failure.html",
        {
            "form": form,
            "year": year,
            "period": period,
            "above": above,
            "unknown": unknown,
            "share": methodology.params.failure_share if methodology else None,
            "region": region,
        },
    )
