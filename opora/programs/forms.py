"""Forms of the program pages: passport, activity, status with report and evidence, comments, workflow, reviews."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from opora.programs.models import ActivityStatus, IndicatorDirection, ProgramKind, ProgramSection, ReviewProgress
from opora.programs.services import CHECKLIST, CHECKLIST_MARKS, EVIDENCE_TYPES
from opora.schools.models import School, SchoolYear

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgramCreateForm(forms.Form):
    kind = forms.ChoiceField(label="Вид", choices=ProgramKind.choices)
    title = forms.CharField(label="Наименование", max_length=500)
    school = forms.ModelChoiceField(
        label="Школа", queryset=School.objects.none(), required=False, help_text="Пусто — программа территории."
    )
    year = forms.ModelChoiceField(
        label="Учебный год",
        queryset=SchoolYear.objects.order_by("-end_year"),
        required=False,
        to_field_name="end_year",
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class PassportForm(forms.Form):
    title = forms.CharField(label="Наименование", max_length=500)
    starts_on = forms.DateField(label="Начало", required=False, widget=DATE)
    ends_on = forms.DateField(label="Окончание", required=False, widget=DATE)
    goal = forms.CharField(label="Цель", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    tasks = forms.CharField(
        label="Задачи", required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="По одной задаче в строке."
    )
    developers = forms.CharField(label="Разработчики", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    executors = forms.CharField(label="Исполнители", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    expected_results = forms.CharField(
        label="Ожидаемые результаты", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    legal_basis = forms.CharField(
        label="Нормативное основание", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    control = forms.CharField(label="Контроль", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    parent = forms.ModelChoiceField(
        label="Входит в программу",
        queryset=None,
        required=False,
        empty_label="— ни в какую —",
        help_text="Антирисковая программа школы входит в её программу развития; муниципальная дорожная карта — в "
        "муниципальную программу.",
    )

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents


def _version_field() -> forms.IntegerField:
    """The version of the activity the form was filled against: a save against an older one is refused."""
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class ActivityForm(forms.Form):
    section = forms.ModelChoiceField(label="Раздел", queryset=ProgramSection.objects.none(), required=False)
    number = forms.CharField(label="№", max_length=20, required=False)
    content = forms.CharField(label="Мероприятие", widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.CharField(
        label="Сроки (как в документе)",
        max_length=300,
        required=False,
        help_text="Например: «ноябрь 2026», «в течение года», «до 01.03.2027».",
    )
    starts_on = forms.DateField(label="Начало срока", required=False, widget=DATE)
    ends_on = forms.DateField(
        label="Окончание срока",
        required=False,
        widget=DATE,
        help_text="После этой даты невыполненное мероприятие считается просроченным.",
    )
    owners = forms.CharField(label="Ответственные", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    expected_result = forms.CharField(
        label="Ожидаемый результат", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    task = forms.ChoiceField(label="Задача программы", required=False)
    factor_key = forms.ChoiceField(label="Фактор риска", required=False)
    version = _version_field()

    def __init__(self, *args, program, factors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = program.sections.order_by("position")
        self.fields["task"].choices = [("", "—"), *((task, task) for task in program.task_list)]
        self.fields["factor_key"].choices = [("", "—"), *factors]


class SectionForm(forms.Form):
    number = forms.CharField(label="№", max_length=20, required=False)
    title = forms.CharField(label="Название раздела (направления)", max_length=500)


def _targets_text(targets: dict) -> str:
    return "\n".join(f"{period}: {value}" for period, value in targets.items())


class IndicatorForm(forms.Form):
    number = forms.CharField(label="№", max_length=20, required=False)
    name = forms.CharField(label="Наименование показателя", widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.CharField(label="Единица измерения", max_length=100, required=False)
    direction = forms.ChoiceField(label="Что лучше", choices=IndicatorDirection.choices)
    baseline = forms.CharField(label="Базовое значение", max_length=100, required=False)
    targets = forms.CharField(
        label="Целевые значения по годам",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="По одному году в строке: «2026/2027: не менее 80» или «2027: 15».",
    )
    computed = forms.ChoiceField(label="Рассчитывается Опорой", required=False)

    def __init__(self, *args, computed_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["computed"].choices = [("", "нет, вводится вручную"), *computed_choices]

    def clean_targets(self) -> dict:
        targets = {}
        for number, line in enumerate(self.cleaned_data["targets"].splitlines(), start=1):
            if not line.strip():
                continue
            period, separator, value = line.partition(":")
            if not separator or not period.strip() or not value.strip():
                raise forms.ValidationError(f"Строка {number}: напишите «год: значение», например «2027: 15».")
            targets[period.strip()] = value.strip()
        return targets


class ActualForm(forms.Form):
    period = forms.CharField(label="Год", max_length=20, help_text="Как в целях: 2027 или 2026/2027.")
    value = forms.FloatField(label="Фактическое значение", localize=True)
    source = forms.CharField(label="Источник", max_length=500, help_text="Откуда значение: отчёт, протокол, форма.")
    measured_on = forms.DateField(label="На дату", widget=DATE)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Новое состояние", choices=ActivityStatus.choices)
    report = forms.CharField(
        label="Короткий отчёт",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Что сделано и чем это подтверждается. Обязательно.",
    )
    files = MultipleFileField(
        label="Подтверждающие файлы",
        required=False,
        help_text=f"До 10 МБ каждый: {', '.join(sorted(EVIDENCE_TYPES))}.",
    )
    version = _version_field()


class CommentForm(forms.Form):
    text = forms.CharField(label="Комментарий", widget=forms.Textarea(attrs={"rows": 2}))
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _checklist_fields(form: forms.Form, required: bool) -> None:
    for key, label in CHECKLIST:
        form.fields[f"check_{key}"] = forms.ChoiceField(
            label=label,
            choices=[("", "—"), *CHECKLIST_MARKS.items()],
            required=required,
        )


class ReturnForm(forms.Form):
    remarks = forms.CharField(label="Замечания", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _checklist_fields(self, required=False)

    def checklist(self) -> dict:
        return {
            key: self.cleaned_data[f"check_{key}"] for key, _label in CHECKLIST if self.cleaned_data.get(f"check_{key}")
        }


class ApproveForm(ReturnForm):
    remarks = None
    order_number = forms.CharField(label="Номер приказа", max_length=50)
    order_date = forms.DateField(label="Дата приказа", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order_date"].initial = timezone.localdate()


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label="Дата обзора", widget=DATE)
    overall = forms.ChoiceField(label="Общий прогресс", choices=ReviewProgress.choices)
    remarks = forms.CharField(label="Замечания", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    next_review_on = forms.DateField(label="Следующий обзор", required=False, widget=DATE)

    def __init__(self, *args, tasks: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewed_on"].initial = timezone.localdate()
        self.tasks = tasks
        for number, task in enumerate(tasks, start=1):
            self.fields[f"task_{number}"] = forms.ChoiceField(
                label=f"Задача {number}: {task}", choices=ReviewProgress.choices
            )

    def task_marks(self) -> dict[str, str]:
        return {task: self.cleaned_data[f"task_{number}"] for number, task in enumerate(self.tasks, start=1)}


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Файл .docx или .xlsx",
        help_text="Дорожная карта (план мероприятий) или таблица показателей, как в приказе.",
    )
    kind = forms.ChoiceField(
        label="Что в файле",
        choices=[("", "определить по столбцам"), ("roadmap", "дорожная карта"), ("indicators", "показатели")],
        required=False,
    )
    program = forms.ModelChoiceField(
        label="В программу",
        queryset=None,
        required=False,
        empty_label="— новая программа (черновик) —",
        help_text="В существующей программе загрузка заменит её мероприятия или показатели.",
    )
    school = forms.ModelChoiceField(
        label="Школа новой программы",
        queryset=School.objects.none(),
        required=False,
        help_text="Пусто — программа территории.",
    )

    def __init__(self, *args, programs, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        self.fields["school"].queryset = schools
