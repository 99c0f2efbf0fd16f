"""Pages of the registry: the list of schools and a school's card with everything known of it.

The card gathers what several apps hold (context, results, the school's line in identification),
so it is a page of the edge layer, not of the schools app.
"""

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from opora.accounts.access import Action, can
from opora.analytics import result_indicators
from opora.core.downloads import xlsx_response
from opora.identification.queries import latest_line_of
from opora.intake.queries import data_stamp
from opora.results.charts import mark_distribution, shares_by_year
from opora.results.models import Procedure
from opora.results.queries import (
    procedures_of,
    school_indicators,
    school_outcomes,
    school_results_frame,
    subject_summary,
)
from opora.schools.forms import SchoolFilterForm
from opora.schools.models import School
from opora.schools.queries import (
    can_change_school,
    school_context_table,
    visible_municipalities,
    visible_school_or_404,
)
from opora.schools.queries import (
    school_list as query_school_list,
)
from opora.support.models import ConcernStatus, EngagementConcern, MonitoringVisit, Partnership

PAGE_SIZE = 50
SCHOOL_COLUMNS = (
    # (sort key, header, numeric)
    ("code", "Код ОО", False),
    ("name", "Наименование", False),
    ("municipality", "Муниципалитет", False),
    ("type", "Тип ОО", False),
    ("locality", "Местность", False),
    ("students", "Обучающихся", True),
)


def _filtered_schools(request: HttpRequest):
    form = SchoolFilterForm(request.GET or None, municipalities=visible_municipalities(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    schools = query_school_list(
        request.user,
        search=filters.get("q", ""),
        municipality=filters.get("municipality"),
        school_type=filters.get("school_type", ""),
        locality=filters.get("locality", ""),
        include_inactive=filters.get("inactive", False),
        sort=filters.get("sort") or "code",
    )
    return form, schools, filters.get("sort") or "code"


@login_required
def school_list(request: HttpRequest) -> HttpResponse:
    form, schools, sort = _filtered_schools(request)
    page = Paginator(schools, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "sort": sort, "columns": SCHOOL_COLUMNS}
    template = "schools/school_list.html#results" if request.htmx else "schools/school_list.html"
    return render(request, template, context)


@login_required
def school_list_export(request: HttpRequest) -> HttpResponse:
    _form, schools, _sort = _filtered_schools(request)
    rows = (
        (
            school.code,
            school.name,
            school.short_name,
            school.municipality.name,
            school.school_type,
            school.locality,
            school.students,
            school.address,
            school.director,
            school.phone,
            school.email,
            "да" if school.is_active else "нет",
        )
        for school in schools
    )
    columns = (
        "Код ОО",
        "Наименование",
        "Краткое наименование",
        "Муниципалитет",
        "Тип ОО",
        "Местность",
        "Обучающихся",
        "Адрес",
        "Директор",
        "Телефон",
        "E-mail",
        "Действующая",
    )
    stamp = timezone.localdate().strftime("%Y-%m-%d")
    return xlsx_response(
        filename=f"Реестр ОО {stamp}.xlsx",
        sheet_title="Реестр ОО",
        columns=columns,
        rows=rows,
        text_columns=[0],
    )


def _results_section(request: HttpRequest, school) -> dict:
    frame = school_results_frame(school)
    procedures = procedures_of(frame)
    procedure = request.GET.get("procedure")
    if procedure not in procedures:
        procedure = procedures[0] if procedures else None
    if procedure is None:
        return {"procedures": []}
    summary = subject_summary(frame, procedure)
    by_grade = school_indicators(frame, procedure)
    return {
        "procedures": procedures,
        "procedure": procedure,
        "is_ege": procedure == Procedure.EGE,
        "is_vpr": procedure == Procedure.VPR,
        "summary": summary.to_dicts(),
        "by_grade": by_grade.to_dicts(),
        "shares_chart": None
        if procedure == Procedure.EGE
        else shares_by_year(summary, title=f"{procedure}: УО и КО по предметам, %"),
        "marks_chart": None
        if procedure == Procedure.EGE
        else mark_distribution(summary, title=f"{procedure}: распределение отметок"),
    }


RESULTS_SECONDS = 300
"""How long a school's drawn results section is kept at most (an import redraws it at once)."""


def _results_html(request: HttpRequest, school: School) -> str:
    """The school's results section as drawn: the same for every user who sees the school, until an import."""
    procedure = request.GET.get("procedure", "")
    key = (
        "school-results:" + hashlib.sha256(f"{school.pk}|{school.code}|{procedure}|{data_stamp()}".encode()).hexdigest()
    )
    html = cache.get(key)
    if html is None:
        context = {"school": school, **_results_section(request, school)}
        # drawn without the request: the section uses none of it, and the page's context processors are not needed
        html = render_to_string("schools/school_detail.html#results", context)
        cache.set(key, html, RESULTS_SECONDS)
    return html


@login_required
def school_detail(request: HttpRequest, code: str) -> HttpResponse:
    school = visible_school_or_404(request.user, code)
    results = _results_html(request, school)
    if request.htmx and request.htmx.target == "results-section":
        return HttpResponse(results)
    years, context_rows = school_context_table(school)
    context = {
        "school": school,
        "years": years,
        "context_rows": context_rows,
        "outcomes": school_outcomes(school),
        "can_change": can_change_school(request.user, school),
        "run_line": latest_line_of(request.user, school),
        "support": _support_of(request, school),
        "results_html": results,
    }
    return render(request, "schools/school_detail.html", context)


def _support_of(request: HttpRequest, school: School) -> dict:
    """The school's support at a glance: its curators, visits, open concerns, partnerships, teachers."""
    return {
        "curators": list(school.curators.filter(is_active=True).order_by("last_name")),
        "visits": MonitoringVisit.objects.filter(school=school).count(),
        "concerns": EngagementConcern.objects.filter(school=school).exclude(status=ConcernStatus.RESOLVED).count(),
        "partnerships": Partnership.objects.filter(Q(school=school) | Q(partner=school)).count(),
        "teachers": school.teachers.count() if can(request.user, Action.VIEW_TEACHERS) else None,
        "own_bank": can(request.user, Action.KEEP_STUDENTS) and request.user.school_id == school.pk,
    }


INDICATOR_COLUMNS = (
    ("year", "Учебный год"),
    ("procedure", "Процедура"),
    ("grade", "Класс"),
    ("subject", "Предмет"),
    ("participants", "Участников"),
    ("success_share", "УО, %"),
    ("quality_share", "КО, %"),
    ("fail_share", "Доля «2», %"),
    ("learning_degree", "СОУ, %"),
    ("mean_mark", "Средняя отметка"),
    ("mean_score", "Средний балл"),
    ("below_threshold_share", "Ниже минимального порога, %"),
    ("lowered_share", "Понизили, %"),
    ("confirmed_share", "Подтвердили, %"),
    ("raised_share", "Повысили, %"),
)


@login_required
def school_results_export(request: HttpRequest, code: str) -> HttpResponse:
    school = visible_school_or_404(request.user, code)
    frame = school_results_frame(school)
    indicators = result_indicators(frame) if frame.height else None
    rows = []
    for row in indicators.iter_rows(named=True) if indicators is not None else []:
        values = []
        for name, _title in INDICATOR_COLUMNS:
            value = row[name]
            if name == "year":
                value = f"{value - 1}/{value}"
            elif name.endswith("_share") and value is not None:
                value = round(value * 100, 1)
            elif isinstance(value, float):
                value = round(value, 2)
            values.append(value)
        rows.append(values)
    return xlsx_response(
        filename=f"Результаты {school.code}.xlsx",
        sheet_title="Результаты",
        columns=[title for _name, title in INDICATOR_COLUMNS],
        rows=rows,
    )
