from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from opora.accounts.scopes import can_change_school, visible_school_or_404
from opora.schools.forms import SchoolFilterForm
from opora.schools.queries import (
    school_context_table,
    school_outcomes,
    school_result_counts,
    visible_municipalities,
)
from opora.schools.queries import (
    school_list as query_school_list,
)
from opora.web.xlsx_export import xlsx_response

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


@login_required
def school_detail(request: HttpRequest, code: str) -> HttpResponse:
    school = visible_school_or_404(request.user, code)
    years, context_rows = school_context_table(school)
    context = {
        "school": school,
        "years": years,
        "context_rows": context_rows,
        "outcomes": school_outcomes(school),
        "result_counts": school_result_counts(school),
        "can_change": can_change_school(request.user, school),
    }
    return render(request, "schools/school_detail.html", context)
