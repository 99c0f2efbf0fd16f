"""Forms of the bank's pages: a practice and a material."""

from __future__ import annotations

from django import forms

from opora.practices.models import PracticeKind
from opora.practices.services import factor_choices, measures_for
from opora.schools.models import Region, School


class SchoolChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: School) -> str:
        return f"{obj.code} {obj.display_name}"


class MeasureChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        text = obj.text if len(obj.text) <= 140 else obj.text[:139] + "…"
        return f"{obj.ident}. {text}"


class PracticeForm(forms.Form):
    school = SchoolChoice(label="Школа", queryset=School.objects.none())
    kind = forms.ChoiceField(label="Вид", choices=PracticeKind.choices)
    title = forms.CharField(label="Название", max_length=300)
    summary = forms.CharField(
        label="Кратко",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Два-три предложения: в чём суть практики. Их видно в списке банка.",
    )
    description = forms.CharField(
        label="Описание", widget=forms.Textarea(attrs={"rows": 10}), help_text="Что делается, для кого, как и кем."
    )
    results = forms.CharField(
        label="Что дала практика",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Результаты: что изменилось, чем это подтверждается.",
    )
    subjects = forms.CharField(
        label="Предметы", required=False, max_length=500, help_text="Через запятую, например: математика, физика."
    )
    factor_keys = forms.MultipleChoiceField(
        label="Факторы риска, против которых работает практика",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    measures = MeasureChoice(
        label="Меры каталога, которые реализует практика",
        required=False,
        queryset=School.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Можно выбрать несколько (Ctrl или ⌘ и щелчок).",
    )

    def __init__(self, *args, region: Region, schools, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools.filter(municipality__region=region)
        self.fields["factor_keys"].choices = factor_choices(region.pk)
        self.fields["measures"].queryset = measures_for(region.pk)


class MaterialForm(forms.Form):
    file = forms.FileField(
        label="Файл",
        help_text="PDF, документ Word или OpenDocument, таблица Excel, презентация, рисунок JPG или PNG, текст.",
    )
