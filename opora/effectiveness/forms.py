"""Forms of the effectiveness pages: a meeting of the council, a decision, how a decision went."""

from __future__ import annotations

from django import forms

from opora.effectiveness.models import DecisionStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingForm(forms.Form):
    title = forms.CharField(
        label="Совет", max_length=300, initial="Совет руководителей образовательных организаций"
    )
    held_on = forms.DateField(label="Дата заседания", widget=DATE)
    protocol_number = forms.CharField(label="Номер протокола", max_length=50, required=False)
    agenda = forms.CharField(label="Повестка", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class DecisionForm(forms.Form):
    text = forms.CharField(label="Решение", widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.CharField(label="Ответственный", max_length=500)
    deadline = forms.DateField(label="Срок", widget=DATE, required=False)


class DecisionStatusForm(forms.Form):
    status = forms.ChoiceField(label="Состояние", choices=DecisionStatus.choices)
    report = forms.CharField(
        label="Отчёт об исполнении", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
