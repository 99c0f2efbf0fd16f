"""Forms of the events' pages: an event, a school's registration."""

from __future__ import annotations

from django import forms

from opora.events.models import Audience, EventKind, EventLevel, EventStatus
from opora.schools.models import Municipality, School
from opora.support.models import Teacher

MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]


class SchoolChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: School) -> str:
        return f"{obj.code} {obj.display_name}"


class TeacherChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Teacher) -> str:
        subjects = f" ({obj.subjects})" if obj.subjects else ""
        return f"{obj.full_name or obj.code}{subjects}"


class EventForm(forms.Form):
    title = forms.CharField(label="Название", max_length=500)
    kind = forms.ChoiceField(label="Вид", choices=EventKind.choices)
    level = forms.ChoiceField(label="Уровень", choices=EventLevel.choices, initial=EventLevel.MUNICIPAL)
    audience = forms.ChoiceField(label="Аудитория", choices=Audience.choices)
    organiser = forms.CharField(
        label="Организатор", max_length=500, help_text="Например: ММО учителей математики, опорная школа № 3."
    )
    municipality = forms.ModelChoiceField(
        label="Муниципалитет",
        queryset=Municipality.objects.none(),
        required=False,
        empty_label="весь регион (региональное мероприятие)",
    )
    starts_at = forms.DateTimeField(label="Начало", widget=MOMENT, input_formats=MOMENT_FORMATS)
    ends_at = forms.DateTimeField(label="Окончание", widget=MOMENT, input_formats=MOMENT_FORMATS, required=False)
    place = forms.CharField(label="Место проведения", max_length=500, required=False)
    online_link = forms.URLField(label="Ссылка на трансляцию", required=False, assume_scheme="https")
    description = forms.CharField(label="Описание", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    subjects = forms.CharField(label="Предметы", max_length=500, required=False, help_text="Через запятую.")
    factor_keys = forms.MultipleChoiceField(
        label="Факторы риска", choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )
    target_schools = SchoolChoice(
        label="Целевые школы",
        queryset=School.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Пусто — для всех школ территории.",
    )
    capacity = forms.IntegerField(label="Мест", min_value=1, required=False, help_text="Пусто — без ограничения.")
    status = forms.ChoiceField(label="Состояние", choices=EventStatus.choices, initial=EventStatus.PLANNED)

    def __init__(self, *args, municipalities, schools, factors, fixed_municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["target_schools"].queryset = schools
        self.fields["factor_keys"].choices = factors
        if fixed_municipality is not None:
            self.fields["municipality"].queryset = municipalities.filter(pk=fixed_municipality.pk)
            self.fields["municipality"].required = True
            self.fields["municipality"].empty_label = None
            self.fields["municipality"].initial = fixed_municipality.pk


class RegisterForm(forms.Form):
    school = forms.ModelChoiceField(label="Школа", queryset=School.objects.none())
    participants = forms.IntegerField(
        label="Участников от школы",
        min_value=0,
        max_value=500,
        initial=1,
        help_text="Сколько человек направляет школа (обучающиеся считаются, не называются).",
    )
    teachers = TeacherChoice(
        label="Педагоги",
        queryset=Teacher.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Педагоги, которые идут на мероприятие, — для учёта участия каждого.",
    )

    def __init__(self, *args, schools, teachers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["teachers"].queryset = teachers
        if schools.count() == 1:
            self.fields["school"].initial = schools.first().pk
        if not teachers.exists():
            del self.fields["teachers"]
