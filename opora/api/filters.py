"""The filters of the API's lists (``?municipality=3&year=2025``); a bad value is a 400 in Russian."""

from __future__ import annotations

import django_filters as filters
from django import forms

from opora.events.models import Event, EventKind, EventStatus, Registration
from opora.identification.models import ApprovedList, IdentificationRun, RunSchool
from opora.programs.models import Activity, ActivityStatus, Program, ProgramIndicator, ProgramKind, ProgramStatus
from opora.results.models import Procedure, SchoolResult
from opora.risks.models import RiskProfile
from opora.schools.models import Locality, School, SchoolContext, SchoolType
from opora.support.models import Partnership


class IdField(forms.IntegerField):
    """An id: a whole number the database can hold (a bigger one is a clear 400, not a server error)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class YearField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2200)
        super().__init__(*args, **kwargs)


class GradeField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 11)
        super().__init__(*args, **kwargs)


class GradeFilter(filters.NumberFilter):
    field_class = GradeField


class IdFilter(filters.NumberFilter):
    field_class = IdField


class YearFilter(filters.NumberFilter):
    field_class = YearField


def _year(field: str = "year__end_year") -> YearFilter:
    return YearFilter(field_name=field, label="Учебный год (год окончания: 2025 — это 2024/2025)")


def _school(field: str = "school") -> IdFilter:
    return IdFilter(field_name=field, label="Школа (id)")


def _code(field: str = "school__code") -> filters.CharFilter:
    return filters.CharFilter(field_name=field, label="Код ОО")


class SchoolFilter(filters.FilterSet):
    municipality = IdFilter(label="Муниципалитет (id)")
    school_type = filters.ChoiceFilter(choices=SchoolType.choices, label="Тип ОО")
    locality = filters.ChoiceFilter(choices=Locality.choices, label="Местность")
    is_active = filters.BooleanFilter(label="Действует")
    code = filters.CharFilter(label="Код ОО")
    search = filters.CharFilter(method="search_text", label="Поиск по коду, названию, адресу")

    class Meta:
        model = School
        fields = ["municipality", "school_type", "locality", "is_active", "code"]

    def search_text(self, queryset, name, value):
        return queryset.search(value)


class ContextFilter(filters.FilterSet):
    school = _school()
    code = _code()
    year = _year()
    municipality = IdFilter(field_name="school__municipality", label="Муниципалитет (id)")

    class Meta:
        model = SchoolContext
        fields = ["school", "code", "year", "municipality"]


class ResultFilter(filters.FilterSet):
    school = _school()
    code = _code()
    year = _year()
    municipality = IdFilter(field_name="school__municipality", label="Муниципалитет (id)")
    procedure = filters.ChoiceFilter(choices=Procedure.choices, label="Процедура")
    grade = GradeFilter(label="Класс")
    subject = filters.CharFilter(label="Предмет")

    class Meta:
        model = SchoolResult
        fields = ["school", "code", "year", "municipality", "procedure", "grade", "subject"]


class RunFilter(filters.FilterSet):
    year = _year()

    class Meta:
        model = IdentificationRun
        fields = ["year", "status"]


class RunSchoolFilter(filters.FilterSet):
    run = IdFilter(label="Расчёт (id)")
    school = _school()
    code = filters.CharFilter(label="Код ОО")
    low_results = filters.BooleanFilter(label="ШНОР")
    unfavourable = filters.BooleanFilter(label="ШНСУ")
    objectivity_risk = filters.BooleanFilter(label="Риск необъективности")

    class Meta:
        model = RunSchool
        fields = ["run", "school", "code", "low_results", "unfavourable", "objectivity_risk"]


class ApprovedListFilter(filters.FilterSet):
    year = _year()
    municipality = IdFilter(label="Муниципалитет (id)")

    class Meta:
        model = ApprovedList
        fields = ["year", "municipality", "kind"]


class RiskProfileFilter(filters.FilterSet):
    run = IdFilter(label="Расчёт профилей (id)")
    school = _school()
    code = filters.CharFilter(label="Код ОО")
    year = _year("run__year__end_year")

    class Meta:
        model = RiskProfile
        fields = ["run", "school", "code", "year"]


class ProgramFilter(filters.FilterSet):
    school = _school()
    code = _code()
    municipality = IdFilter(label="Муниципалитет (id)")
    kind = filters.ChoiceFilter(choices=ProgramKind.choices, label="Вид программы")
    status = filters.ChoiceFilter(choices=ProgramStatus.choices, label="Состояние")
    year = _year()

    class Meta:
        model = Program
        fields = ["school", "code", "municipality", "kind", "status", "year"]


class ActivityFilter(filters.FilterSet):
    program = IdFilter(label="Программа (id)")
    section = IdFilter(label="Раздел (id)")
    status = filters.ChoiceFilter(choices=ActivityStatus.choices, label="Состояние")
    school = _school("program__school")

    class Meta:
        model = Activity
        fields = ["program", "section", "status", "school"]


class IndicatorFilter(filters.FilterSet):
    program = IdFilter(label="Программа (id)")

    class Meta:
        model = ProgramIndicator
        fields = ["program"]


class PartnershipFilter(filters.FilterSet):
    school = _school()
    partner = IdFilter(label="Школа-партнёр (id)")
    year = YearFilter(label="Учебный год (год окончания)")

    class Meta:
        model = Partnership
        fields = ["school", "partner", "year", "status"]


class EventFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=EventKind.choices, label="Вид мероприятия")
    status = filters.ChoiceFilter(choices=EventStatus.choices, label="Состояние")
    municipality = IdFilter(label="Муниципалитет (id)")
    starts_after = filters.DateFilter(field_name="starts_at", lookup_expr="date__gte", label="Начало не раньше")
    starts_before = filters.DateFilter(field_name="starts_at", lookup_expr="date__lte", label="Начало не позже")

    class Meta:
        model = Event
        fields = ["kind", "status", "municipality", "starts_after", "starts_before"]


class RegistrationFilter(filters.FilterSet):
    event = IdFilter(label="Мероприятие (id)")
    school = _school()

    class Meta:
        model = Registration
        fields = ["event", "school"]
