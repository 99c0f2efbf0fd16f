from django import forms

from opora.intake.formats import FORMS
from opora.intake.surveys import SURVEY_TITLES
from opora.schools.models import Municipality, Region, SchoolYear

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Файл",
        help_text="Excel (.xlsx) или CSV (UTF-8 или Windows-1251; разделитель «;», «,» или табуляция). "
        "Первая строка — названия столбцов.",
    )
    form_key = forms.ChoiceField(
        label="Что в файле",
        required=False,
        choices=[
            ("", "Определить по столбцам"),
            *((key, form.title) for key, form in FORMS.items()),
            *SURVEY_TITLES.items(),  # the region's questionnaires: their columns are the questions
        ],
    )

    region = forms.ModelChoiceField(label="Регион", queryset=Region.objects.all(), required=True)

    def __init__(self, *args, choose_region: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not choose_region:
            del self.fields["region"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Файл больше 200 МБ: разделите его на части (например, по годам).")
        if upload.size == 0:
            raise forms.ValidationError(f"Файл «{upload.name}» пуст.")
        return upload


class ExportFilterForm(forms.Form):
    year = forms.ModelChoiceField(
        label="Учебный год",
        queryset=SchoolYear.objects.order_by("-end_year"),
        required=False,
        empty_label="Все годы",
        to_field_name="end_year",
    )
    municipality = forms.ModelChoiceField(
        label="Муниципалитет", queryset=Municipality.objects.none(), required=False, empty_label="Все"
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities


class YearForm(forms.Form):
    year = forms.ModelChoiceField(
        label="Учебный год",
        queryset=SchoolYear.objects.order_by("-end_year"),
        required=False,
        empty_label=None,
        to_field_name="end_year",
    )
