"""Forms of the support network's pages: assignments, workplaces, visits, concerns, partnerships, teachers."""

from __future__ import annotations

from django import forms

from opora.accounts.models import Role, User
from opora.schools.models import School
from opora.support.models import (
    ConcernReason,
    ConcernStepKind,
    ContestRecord,
    CourseRecord,
    DevelopmentPlan,
    PartnershipStatus,
    PlanItem,
    TeacherDiagnostic,
    VisitStatus,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def curators_of(user) -> object:
    """The curators a coordinator may assign: active users with the curator role of the region."""
    curators = User.objects.filter(role=Role.CURATOR, is_active=True).order_by("last_name", "first_name")
    if not user.is_superuser:
        region_id = user.region_id or (user.municipality.region_id if user.municipality_id else None)
        curators = curators.filter(region_id=region_id)
    return curators


class SchoolChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: School) -> str:
        return f"{obj.code} {obj.display_name}"


class AssignForm(forms.Form):
    curator = forms.ModelChoiceField(label="Куратор", queryset=User.objects.none())
    schools = SchoolChoice(
        label="Школы", queryset=School.objects.none(), widget=forms.SelectMultiple(attrs={"size": 8})
    )
    starts_on = forms.DateField(label="Закреплён с", widget=DATE)
    ends_on = forms.DateField(label="по", required=False, widget=DATE, help_text="Пусто — до отмены.")
    order_number = forms.CharField(label="Номер приказа", max_length=50, required=False)
    order_date = forms.DateField(label="Дата приказа", required=False, widget=DATE)

    def __init__(self, *args, user, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["curator"].queryset = curators_of(user)
        self.fields["schools"].queryset = schools


class WorkplaceForm(forms.Form):
    curator = forms.ModelChoiceField(label="Куратор", queryset=User.objects.none())
    school = forms.ModelChoiceField(label="Школа", queryset=School.objects.none())
    position = forms.CharField(label="Должность", max_length=300, required=False)
    since_year = forms.IntegerField(label="С какого года", min_value=1950, max_value=2100, required=False)
    until_year = forms.IntegerField(
        label="По какой год", min_value=1950, max_value=2100, required=False, help_text="Пусто — работает сейчас."
    )

    def __init__(self, *args, user, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["curator"].queryset = curators_of(user)
        self.fields["school"].queryset = schools


class EndForm(forms.Form):
    ends_on = forms.DateField(label="Открепить с", widget=DATE)


class OrderForm(forms.Form):
    number = forms.CharField(label="Номер приказа", max_length=50, required=False)
    date = forms.DateField(label="Дата приказа", required=False, widget=DATE)


class VisitPlanForm(forms.Form):
    school = forms.ModelChoiceField(label="Школа", queryset=School.objects.none())
    visited_on = forms.DateField(label="Дата выезда", widget=DATE)
    purpose = forms.CharField(label="Цель выезда", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class VisitProtocolForm(forms.Form):
    status = forms.ChoiceField(label="Выезд", choices=VisitStatus.choices)
    participants = forms.CharField(
        label="Участники со стороны школы", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    findings = forms.CharField(label="Выводы", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    follow_up_on = forms.DateField(label="Повторный контроль", required=False, widget=DATE)


class ConcernForm(forms.Form):
    school = forms.ModelChoiceField(label="Школа", queryset=School.objects.none())
    reason = forms.ChoiceField(label="Причина", choices=ConcernReason.choices)
    description = forms.CharField(label="Что происходит", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class ConcernStepForm(forms.Form):
    kind = forms.ChoiceField(
        label="Шаг",
        choices=[(key, label) for key, label in ConcernStepKind.choices if key != ConcernStepKind.RAISED],
    )
    note = forms.CharField(label="Комментарий", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PartnershipForm(forms.Form):
    agreement_number = forms.CharField(label="Номер соглашения", max_length=50, required=False)
    agreement_date = forms.DateField(label="Дата соглашения", required=False, widget=DATE)
    subjects = forms.CharField(label="Предметы", max_length=500, required=False)
    planned_activities = forms.CharField(
        label="Планируемые совместные мероприятия", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    status = forms.ChoiceField(label="Состояние", choices=PartnershipStatus.choices)


class PartnershipActivityForm(forms.Form):
    held_on = forms.DateField(label="Дата", widget=DATE)
    title = forms.CharField(label="Мероприятие", max_length=500)
    participants = forms.CharField(label="Участники", max_length=500, required=False)
    result = forms.CharField(label="Результат", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TeacherForm(forms.Form):
    code = forms.CharField(label="Код педагога", max_length=64)
    full_name = forms.CharField(label="ФИО", max_length=300, required=False)
    subjects = forms.CharField(label="Предметы", max_length=500, required=False, help_text="Через запятую.")
    experience_years = forms.IntegerField(label="Стаж, лет", min_value=0, max_value=70, required=False)
    category = forms.CharField(label="Квалификационная категория", max_length=100, required=False)
    age = forms.IntegerField(label="Возраст", min_value=18, max_value=100, required=False)


def _dated(model, fields):
    widgets = {name: DATE for name in fields if name.endswith("_on")}
    return forms.modelform_factory(model, fields=fields, widgets=widgets)


DiagnosticForm = _dated(TeacherDiagnostic, ["kind", "subject", "held_on", "source", "result", "deficits"])
PlanForm = _dated(DevelopmentPlan, ["title", "starts_on", "ends_on", "goal"])
PlanItemForm = _dated(PlanItem, ["deficit", "content", "form", "due_on", "done_on"])
CourseForm = _dated(CourseRecord, ["title", "provider", "hours", "finished_on", "document"])
ContestForm = _dated(ContestRecord, ["title", "held_on", "result"])
