from dataclasses import fields as dataclass_fields

from django import forms

from opora.analytics import Methodology as MethodologyParameters
from opora.identification.models import Methodology
from opora.identification.parameters import EDITABLE, PARAMETERS
from opora.identification.services import Order, latest_methodologies
from opora.results.models import Period
from opora.schools.models import Region, SchoolYear

# The choices of the methodology's parameters, with their Russian names.
CHOICES = {name: list(entry.choices) for name, entry in PARAMETERS.items() if entry.choices}


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


ADDITION_ROWS = 3
"""How many schools the commission may add to a list in one order (rows of the form)."""


class OrderForm(forms.Form):
    """The order's details: number, date, issuer and signatory."""

    order_number = forms.CharField(label="Номер приказа", max_length=50)
    order_date = forms.DateField(
        label="Дата приказа",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Не позже чем через неделю от сегодняшнего дня, в пределах учебного года перечня.",
    )
    authority = forms.CharField(
        label="Орган, издающий приказ",
        max_length=300,
        required=False,
        help_text="Например: Управление образования администрации Заречного городского округа",
    )
    signatory_position = forms.CharField(
        label="Должность подписывающего", max_length=300, help_text="Например: Начальник управления образования"
    )
    signatory_name = forms.CharField(
        label="Инициалы и фамилия подписывающего", max_length=200, help_text="Например: И. П. Сидорова"
    )

    def order(self) -> Order:
        data = self.cleaned_data
        return Order(
            number=data["order_number"],
            date=data["order_date"],
            authority=data.get("authority", ""),
            signatory_position=data["signatory_position"],
            signatory_name=data["signatory_name"],
        )


class ListDecisionForm(OrderForm):
    """An order with the commission's decisions: schools to exclude from the list, schools to add.

    ``listed`` are the schools the list would hold (a run's lines or a list's entries);
    ``candidates`` the schools of the territory that could be added, as (code, name) pairs.
    """

    def __init__(self, *args, listed, candidates: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.listed = list(listed)
        for line in self.listed:
            self.fields[f"exclude_{line.code}"] = forms.BooleanField(label=f"Исключить {line.code}", required=False)
            self.fields[f"exclude_reason_{line.code}"] = forms.CharField(
                label=f"Основание исключения школы {line.code}", max_length=500, required=False
            )
        choices = [("", "— школа не выбрана —"), *((code, f"{code} {name}") for code, name in candidates)]
        for row in range(ADDITION_ROWS):
            self.fields[f"add_school_{row}"] = forms.ChoiceField(
                label=f"Включить школу ({row + 1})", choices=choices, required=False
            )
            self.fields[f"add_reason_{row}"] = forms.CharField(
                label=f"Основание включения ({row + 1})", max_length=500, required=False
            )

    def rows(self) -> list[tuple[object, forms.BoundField, forms.BoundField]]:
        return [(line, self[f"exclude_{line.code}"], self[f"exclude_reason_{line.code}"]) for line in self.listed]

    def addition_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"add_school_{row}"], self[f"add_reason_{row}"]) for row in range(ADDITION_ROWS)]

    def clean(self):
        data = super().clean()
        for line in self.listed:
            if data.get(f"exclude_{line.code}") and not (data.get(f"exclude_reason_{line.code}") or "").strip():
                self.add_error(
                    f"exclude_reason_{line.code}",
                    "Укажите основание исключения: решение комиссии (номер, дата, причина).",
                )
        seen = set()
        for row in range(ADDITION_ROWS):
            code = data.get(f"add_school_{row}")
            if not code:
                continue
            if code in seen:
                self.add_error(f"add_school_{row}", "Эта школа уже выбрана выше.")
            seen.add(code)
            if not (data.get(f"add_reason_{row}") or "").strip():
                self.add_error(
                    f"add_reason_{row}", "Укажите основание включения: решение комиссии (номер, дата, причина)."
                )
        return data

    def exclusions(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            line.code: data[f"exclude_reason_{line.code}"] for line in self.listed if data.get(f"exclude_{line.code}")
        }

    def additions(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            data[f"add_school_{row}"]: data[f"add_reason_{row}"]
            for row in range(ADDITION_ROWS)
            if data.get(f"add_school_{row}")
        }


class CancelForm(OrderForm):
    reason = forms.CharField(
        label="Почему приказ отменяется",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Будет в преамбуле приказа: «В связи с тем, что …».",
    )


class MethodologyForm(forms.Form):
    comment = forms.CharField(label="Что изменено и почему", widget=forms.Textarea(attrs={"rows": 3}))
    basis_title = forms.CharField(
        label="Документ, которым методика утверждена в регионе",
        max_length=500,
        required=False,
        help_text="Наименование: например, «приказ министерства образования области «Об утверждении методики "
        "выявления ШНОР и ШНСУ»». Приказ об утверждении перечня ссылается на него.",
    )
    basis_number = forms.CharField(label="Номер документа", max_length=50, required=False)
    basis_date = forms.DateField(
        label="Дата документа", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    BASIS_FIELDS = ("basis_title", "basis_number", "basis_date")

    def __init__(self, *args, base: Methodology, **kwargs):
        super().__init__(*args, **kwargs)
        self.base = base
        current = base.params
        types = {field.name: field.type for field in dataclass_fields(MethodologyParameters)}
        for name in EDITABLE:
            entry = PARAMETERS[name]
            value = getattr(current, name)
            kind = types[name]
            help_text = entry.help
            if entry.percent:
                help_text += " Доля от 0 до 1: 0,1 — это 10 %."
            elif entry.unit:
                help_text += f" Единица: {entry.unit}."
            if name == "procedure_weights":
                continue
            if entry.choices:
                field = forms.ChoiceField(label=entry.label, choices=entry.choices, help_text=help_text)
            elif kind in (bool, "bool"):
                field = forms.BooleanField(label=entry.label, required=False, help_text=help_text)
            elif kind in (int, "int"):
                field = forms.IntegerField(label=entry.label, help_text=help_text)
            else:
                field = forms.FloatField(label=entry.label, localize=True, help_text=help_text)
            field.initial = value
            self.fields[name] = field
        for procedure, weight in current.procedure_weights.items():
            field = forms.FloatField(
                label=f"Вес процедуры «{procedure}» в индексе результатов",
                localize=True,
                help_text="0 — процедура не учитывается; 1 — обычный вес.",
            )
            field.initial = weight
            self.fields[f"weight__{procedure}"] = field
        for name in self.BASIS_FIELDS:
            self.fields[name].initial = getattr(base, name)
        self.order_fields(
            [
                *(name for name in EDITABLE if name in self.fields),
                *(f"weight__{p}" for p in current.procedure_weights),
                *self.BASIS_FIELDS,
                "comment",
            ]
        )

    def clean(self):
        data = super().clean()
        if (data.get("basis_number") or data.get("basis_date")) and not (data.get("basis_title") or "").strip():
            self.add_error("basis_title", "Укажите наименование документа, у которого есть номер и дата.")
        # Every range error at once: the methodology checks the values that were read as numbers.
        read = {name: data[name] for name in EDITABLE if name in data}
        weights = {
            name.removeprefix("weight__"): value
            for name, value in data.items()
            if name.startswith("weight__") and value is not None
        }
        candidate = {**self.base.parameters, **read}
        if weights:
            candidate["procedure_weights"] = {**self.base.params.procedure_weights, **weights}
        errors = MethodologyParameters.from_dict(candidate).validate()
        for name, problems in errors.items():
            if name == "procedure_weights":
                targets = [f"weight__{p}" for p in weights] or [None]
                for problem in problems:
                    target = next((t for t in targets if t and f"«{t.removeprefix('weight__')}»" in problem), None)
                    self.add_error(target, problem)
                continue
            for problem in problems:
                self.add_error(name if name in self.fields and name in data else None, problem)
        return data

    def basis(self) -> dict:
        data = self.cleaned_data
        return {
            "basis_title": data.get("basis_title") or "",
            "basis_number": data.get("basis_number") or "",
            "basis_date": data.get("basis_date"),
        }

    def parameters(self) -> dict:
        data = self.cleaned_data
        parameters = {name: data[name] for name in EDITABLE if name in self.fields}
        parameters["procedure_weights"] = {
            name.removeprefix("weight__"): value for name, value in data.items() if name.startswith("weight__")
        }
        return parameters


class FailureForm(forms.Form):
    """The school year and the period of the list «более 50 % неуспевающих»."""

    year = forms.ModelChoiceField(
        label="Учебный год",
        queryset=SchoolYear.objects.filter(outcomes__isnull=False).distinct().order_by("-end_year"),
        required=False,
        empty_label=None,
        to_field_name="end_year",
    )
    period = forms.ChoiceField(label="Период", choices=Period.choices, required=False)

    def chosen(self) -> tuple[SchoolYear | None, str]:
        """The chosen year and period; by default the latest year with outcomes, and the whole year."""
        data = self.cleaned_data if self.is_valid() else {}
        year = data.get("year") or self.fields["year"].queryset.first()
        return year, data.get("period") or Period.YEAR
