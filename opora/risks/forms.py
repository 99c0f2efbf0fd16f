"""Forms of the risk pages: runs, expert judgements, priorities, factors and rules, questionnaires, links, measures."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from opora.analytics.risks import LEVELS, RISK_INDICATORS, SOURCES
from opora.risks.models import Audience, MeasureKind, RiskFactor, Scale
from opora.risks.services import MAX_PRIORITIES
from opora.schools.models import SchoolYear

LEVEL_FIELD_CHOICES = [("", "— вернуть рассчитанный уровень —"), *((str(i), name) for i, name in enumerate(LEVELS))]
OPERATOR_CHOICES = [
    (">=", "чем больше значение, тем выше риск"),
    ("<=", "чем меньше значение, тем выше риск"),
]


def indicator_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The indicators a rule may use, grouped by where their data come from."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for key, indicator in RISK_INDICATORS.items():
        unit = f", {indicator.unit}" if indicator.unit else ""
        groups.setdefault(SOURCES.get(indicator.source, indicator.source), []).append((key, f"{indicator.label}{unit}"))
    return list(groups.items())


def year_field(required: bool = True) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="Учебный год",
        queryset=SchoolYear.objects.order_by("-end_year"),
        empty_label=None,
        to_field_name="end_year",
        required=required,
    )


class RunStartForm(forms.Form):
    year = year_field()


class JudgeForm(forms.Form):
    factor_key = forms.ChoiceField(label="Фактор риска")
    level = forms.ChoiceField(label="Уровень по оценке эксперта", choices=LEVEL_FIELD_CHOICES, required=False)
    reason = forms.CharField(
        label="Обоснование",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Что вы видели и на чём основано решение: посещение уроков, беседа, документы. Обязательно.",
    )

    def __init__(self, *args, factors: list[RiskFactor], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["factor_key"].choices = [(factor.key, factor.name) for factor in factors]

    def chosen_level(self) -> int | None:
        value = self.cleaned_data.get("level")
        return None if value in (None, "") else int(value)


class PrioritiesForm(forms.Form):
    factors = forms.MultipleChoiceField(
        label=f"Приоритетные факторы (не больше {MAX_PRIORITIES})",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, factors: list[RiskFactor], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["factors"].choices = [(factor.key, factor.name) for factor in factors]

    def clean_factors(self):
        chosen = self.cleaned_data["factors"]
        if len(chosen) > MAX_PRIORITIES:
            raise forms.ValidationError(f"Выберите не больше {MAX_PRIORITIES} факторов.")
        return chosen


class FactorForm(forms.Form):
    name = forms.CharField(label="Наименование фактора", max_length=300)
    description = forms.CharField(label="Что означает", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    retired = forms.BooleanField(
        label="Не используется с новой версии",
        required=False,
        help_text="Фактор остаётся в прежних профилях, но в новых расчётах не участвует.",
    )
    comment = forms.CharField(label="Что изменено и почему", max_length=500)


class RuleForm(forms.Form):
    indicator = forms.ChoiceField(label="Показатель", choices=[("", "— правило не задано —")], required=False)
    audience = forms.ChoiceField(
        label="Чья анкета (для ответов анкеты)",
        choices=[("", "—"), *Audience.choices],
        required=False,
    )
    operator = forms.ChoiceField(label="Направление", choices=OPERATOR_CHOICES)
    high = forms.FloatField(label="Порог высокого уровня", required=False, localize=True)
    medium = forms.FloatField(label="Порог среднего уровня", required=False, localize=True)
    low = forms.FloatField(label="Порог низкого уровня", required=False, localize=True)
    weight = forms.FloatField(label="Вес", initial=1.0, localize=True, required=False)
    explanation = forms.CharField(label="Почему так", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    delete = forms.BooleanField(label="Удалить правило", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", "— правило не задано —"), *indicator_choices()]

    def rule(self) -> dict | None:
        data = self.cleaned_data
        if data.get("delete") or not data.get("indicator"):
            return None
        return {
            "indicator": data["indicator"],
            "audience": data.get("audience") or "",
            "operator": data["operator"],
            "high": data.get("high"),
            "medium": data.get("medium"),
            "low": data.get("low"),
            "weight": 1.0 if data.get("weight") is None else data["weight"],
            "explanation": data.get("explanation") or "",
        }


RuleFormSet = forms.formset_factory(RuleForm, extra=2, can_delete=False)


class FactorAddForm(forms.Form):
    key = forms.CharField(
        label="Ключ",
        max_length=60,
        help_text="Латинские буквы, цифры и «_», например digital_skills; по нему фактор узнаётся в анкетах и "
        "выгрузках.",
    )
    name = forms.CharField(label="Наименование фактора", max_length=300)
    description = forms.CharField(label="Что означает", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class SectionForm(forms.Form):
    title = forms.CharField(label="Название раздела", max_length=300)


class ItemForm(forms.Form):
    text = forms.CharField(label="Утверждение или вопрос", widget=forms.Textarea(attrs={"rows": 2}))
    scale = forms.ChoiceField(label="Шкала ответов", choices=Scale.choices)
    factor_key = forms.ChoiceField(label="Фактор риска, о котором вопрос")
    reverse = forms.BooleanField(
        label="Обратный вопрос",
        required=False,
        help_text="Согласие означает больший риск (например, «на уроках часто шумно»).",
    )

    def __init__(self, *args, factors: list[RiskFactor], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["factor_key"].choices = [(factor.key, factor.name) for factor in factors]


class LinksForm(forms.Form):
    questionnaire = forms.ModelChoiceField(label="Анкета", queryset=None, empty_label=None)
    year = year_field()
    opens_on = forms.DateField(label="Открыта с", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    closes_on = forms.DateField(
        label="Открыта по",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Не дольше 120 дней.",
    )
    schools = forms.ModelMultipleChoiceField(
        label="Школы",
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Ничего не выбрано — ссылки для всех ваших школ. Прежняя открытая ссылка школы на эту анкету "
        "отзывается.",
    )

    def __init__(self, *args, questionnaires, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = questionnaires
        self.fields["schools"].queryset = schools
        today = timezone.localdate()
        self.fields["opens_on"].initial = today
        self.fields["closes_on"].initial = today + datetime.timedelta(days=30)


class MeasureForm(forms.Form):
    text = forms.CharField(label="Мера", widget=forms.Textarea(attrs={"rows": 3}))
    factor_keys = forms.MultipleChoiceField(label="Против каких факторов риска", widget=forms.CheckboxSelectMultiple)
    kind = forms.ChoiceField(label="Вид меры", choices=MeasureKind.choices)
    owner = forms.CharField(label="Типичный исполнитель", max_length=500, required=False)
    timing = forms.CharField(label="Типичные сроки", max_length=300, required=False)
    expected_result = forms.CharField(
        label="Ожидаемый результат", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    source = forms.CharField(
        label="Источник", max_length=300, required=False, help_text="Документ, из которого взята мера."
    )

    def __init__(self, *args, factors: list[RiskFactor], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["factor_keys"].choices = [(factor.key, factor.name) for factor in factors]


class SurveyForm(forms.Form):
    """A questionnaire as a form: one radio group per item, every answer optional."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        for item in items:
            self.fields[item.key] = forms.TypedChoiceField(
                label=item.text,
                choices=[(str(number), answer) for number, answer in enumerate(item.answers, start=1)],
                coerce=int,
                widget=forms.RadioSelect,
                required=False,
            )

    def answers(self) -> dict[str, int]:
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}
