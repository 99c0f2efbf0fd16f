"""Forms of the bank pages: a student, a difficulty, a route, a review, a consilium decision, a term outcome."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from opora.core.formatting import school_year_label
from opora.students.models import DifficultyKind, Outcome, Term

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StudentForm(forms.Form):
    code = forms.CharField(
        label="Код обучающегося",
        max_length=20,
        required=False,
        help_text="Пусто — код будет присвоен сам (У-0001, У-0002, …). Не вписывайте в код фамилию или инициалы.",
    )
    grade = forms.IntegerField(
        label="Класс (параллель)",
        min_value=1,
        max_value=11,
        error_messages={"min_value": "Класс — число от 1 до 11.", "max_value": "Класс — число от 1 до 11."},
    )
    class_letter = forms.CharField(label="Литера класса", max_length=4, required=False, help_text="Например: А.")
    full_name = forms.CharField(
        label="Фамилия и имя",
        max_length=200,
        required=False,
        help_text="Видит только команда школы. Не попадает ни в какие числа за пределами школы.",
    )

    def __init__(self, *args, keeps_names: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not keeps_names:
            del self.fields["full_name"]


class BankSettingsForm(forms.Form):
    keeps_names = forms.BooleanField(
        label="Хранить фамилии и имена обучающихся рядом с кодами",
        required=False,
        help_text="Если снять отметку, все внесённые фамилии будут стёрты; коды и записи останутся.",
    )


class DifficultyForm(forms.Form):
    kind = forms.ChoiceField(label="Вид трудности", choices=[("", "— выберите —"), *DifficultyKind.choices])
    subject = forms.CharField(
        label="Предмет", max_length=100, required=False, help_text="Обязательно для трудностей в обучении по предмету."
    )
    note = forms.CharField(label="В чём проявляется", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    noted_on = forms.DateField(label="Когда выявлена", widget=DATE, initial=timezone.localdate)


class DateListField(forms.CharField):
    """Dates typed one a line or separated by commas: «20.12.2026, 20.03.2027»."""

    def to_python(self, value):
        text = super().to_python(value)
        days = []
        for part in text.replace(";", ",").replace("\n", ",").split(","):
            part = part.strip()
            if not part:
                continue
            for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
                try:
                    days.append(datetime.datetime.strptime(part, pattern).date())
                    break
                except ValueError:
                    continue
            else:
                raise forms.ValidationError(f"«{part}» — не дата: пишите как 20.12.2026.")
        return days


class RouteForm(forms.Form):
    subjects = forms.CharField(
        label="Предметы", max_length=300, required=False, help_text="Например: математика, русский язык."
    )
    measures = forms.CharField(
        label="Меры", widget=forms.Textarea(attrs={"rows": 5}), help_text="По одной мере в строке."
    )
    responsible = forms.CharField(label="Ответственный педагог", max_length=200, help_text="ФИО или код педагога.")
    starts_on = forms.DateField(label="Начало", widget=DATE)
    ends_on = forms.DateField(label="Окончание", widget=DATE)
    review_dates = DateListField(
        label="Даты пересмотра",
        required=False,
        help_text="Через запятую, например: 20.12.2026, 20.03.2027. Уже назначенные даты сохраняются.",
    )


class ReviewForm(forms.Form):
    review_on = forms.DateField(label="Дата пересмотра", widget=DATE, initial=timezone.localdate)
    note = forms.CharField(
        label="Итог пересмотра",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Пусто — пересмотр только назначен.",
    )


class ConsiliumForm(forms.Form):
    decided_on = forms.DateField(label="Дата заседания ППк", widget=DATE, initial=timezone.localdate)
    decision = forms.CharField(label="Решение", widget=forms.Textarea(attrs={"rows": 4}))
    specialists = forms.CharField(
        label="Специалисты",
        max_length=300,
        help_text="Например: педагог-психолог, учитель-логопед, социальный педагог.",
    )


def _school_years() -> list[tuple[int, str]]:
    today = timezone.localdate()
    current = today.year + 1 if today.month >= 9 else today.year
    return [(end_year, school_year_label(end_year)) for end_year in range(current, current - 4, -1)]


class OutcomeForm(forms.Form):
    end_year = forms.TypedChoiceField(label="Учебный год", coerce=int, choices=_school_years)
    term = forms.ChoiceField(label="Период", choices=Term.choices)
    outcome = forms.ChoiceField(label="Итог", choices=[("", "— выберите —"), *Outcome.choices])
    note = forms.CharField(label="Пояснение", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ConfirmDeletionForm(forms.Form):
    confirm = forms.BooleanField(
        label="Подтверждаю: записи удаляются по запросу и не восстанавливаются",
        error_messages={"required": "Отметьте подтверждение: удалённые записи восстановить нельзя."},
    )
