from django import forms

from opora.schools.models import Locality, Municipality, SchoolType
from opora.schools.queries import SCHOOL_SORTS


class SchoolFilterForm(forms.Form):
    q = forms.CharField(
        label="Поиск",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "код, название, адрес, директор"}),
    )
    municipality = forms.ModelChoiceField(
        label="Муниципалитет", queryset=Municipality.objects.none(), required=False, empty_label="Все"
    )
    school_type = forms.ChoiceField(
        label="Тип ОО", required=False, choices=[("", "Все"), *SchoolType.choices]
    )
    locality = forms.ChoiceField(label="Местность", required=False, choices=[("", "Все"), *Locality.choices])
    inactive = forms.BooleanField(label="Показывать недействующие", required=False)
    sort = forms.ChoiceField(
        required=False,
        choices=[(key, key) for key in SCHOOL_SORTS] + [(f"-{key}", f"-{key}") for key in SCHOOL_SORTS],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
