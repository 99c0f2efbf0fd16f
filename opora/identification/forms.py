from dataclasses import fields as dataclass_fields

from django import forms

from opora.analytics import Methodology as MethodologyParameters
from opora.identification.models import Methodology
from opora.identification.services import latest_methodologies
from opora.schools.models import Region, SchoolYear

# Parameters a regional administrator edits in the form, with their Russian names.
EDITABLE = {
    "years_window": "Число лет анализа (N)",
    "years_required": "Лет в нижней группе для ШНОР (K из N)",
    "bottom_share": "Доля школ в нижней группе (ШНОР)",
    "low_results_rule": "Правило низких результатов",
    "unfavourable_share": "Доля школ с худшим ИСБШ (ШНСУ)",
    "resilient_rule": "Правило резильентности",
    "internal_cause_threshold": "Порог добавленной ценности для внутришкольных причин",
    "confidence_level": "Доверительная вероятность интервалов",
    "min_cell_participants": "Минимум участников в ячейке (класс × предмет)",
    "wellbeing_min_completeness": "Минимальная полнота контекстных данных для ИСБШ",
    "cluster_k_min": "Кластеров не меньше",
    "cluster_k_max": "Кластеров не больше",
    "objectivity_min_participants": "Минимум участников ВПР для признаков необъективности",
    "vpr_gap_threshold": "Порог разрыва ВПР и ОГЭ/ЕГЭ (в стандартных отклонениях)",
    "lowered_ratio_threshold": "Порог доли «понизивших» относительно ожидаемой",
    "cutoff_score_threshold": "Порог скученности первичных баллов у границ отметок",
    "objectivity_min_signals": "Признаков для риска необъективности не меньше",
    "exclude_vpr_when_at_risk": "Не учитывать ВПР школы с риском необъективности",
    "failure_share": "Доля неуспевающих для списка «более 50%»",
}
CHOICES = {
    "low_results_rule": [
        ("index", "по индексу результатов"),
        ("rank", "по рангу без сглаживания"),
        ("rosobrnadzor", "правило Рособрнадзора (30 % «2»)"),
    ],
    "resilient_rule": [
        ("above_median", "индекс выше медианы региона"),
        ("above_prediction", "результаты значимо выше ожидаемых по контексту"),
    ],
}


class RunForm(forms.Form):
    year = forms.ModelChoiceField(
        label="Учебный год",
        queryset=SchoolYear.objects.order_by("-end_year"),
        empty_label=None,
        to_field_name="end_year",
    )
    methodology = forms.ModelChoiceField(label="Методика", queryset=Methodology.objects.none(), empty_label=None)

    def __init__(self, *args, region: Region, **kwargs):
        super().__init__(*args, **kwargs)
        latest = [methodology.pk for methodology in latest_methodologies(region)]
        self.fields["methodology"].queryset = Methodology.objects.filter(pk__in=latest)


class ApproveForm(forms.Form):
    order_number = forms.CharField(label="Номер приказа", max_length=50)
    order_date = forms.DateField(label="Дата приказа", widget=forms.DateInput(attrs={"type": "date"}))
    authority = forms.CharField(
        label="Орган, издающий приказ",
        max_length=300,
        required=False,
        help_text="Например: Управление образования администрации Заречного городского округа",
    )


class MethodologyForm(forms.Form):
    comment = forms.CharField(label="Что изменено и почему", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, base: Methodology, **kwargs):
        super().__init__(*args, **kwargs)
        current = base.params
        types = {field.name: field.type for field in dataclass_fields(MethodologyParameters)}
        for name, label in EDITABLE.items():
            value = getattr(current, name)
            kind = types[name]
            if name in CHOICES:
                field = forms.ChoiceField(label=label, choices=CHOICES[name])
            elif kind in (bool, "bool"):
                field = forms.BooleanField(label=label, required=False)
            elif kind in (int, "int"):
                field = forms.IntegerField(label=label)
            else:
                field = forms.FloatField(label=label, localize=True)
            field.initial = value
            self.fields[name] = field
        for procedure, weight in current.procedure_weights.items():
            field = forms.FloatField(
                label=f"Вес процедуры «{procedure}» в индексе результатов", min_value=0, localize=True
            )
            field.initial = weight
            self.fields[f"weight__{procedure}"] = field
        self.order_fields([*EDITABLE, *(f"weight__{p}" for p in current.procedure_weights), "comment"])

    def parameters(self) -> dict:
        data = self.cleaned_data
        parameters = {name: data[name] for name in EDITABLE}
        parameters["procedure_weights"] = {
            name.removeprefix("weight__"): value for name, value in data.items() if name.startswith("weight__")
        }
        return parameters
