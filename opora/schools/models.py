"""Territories, schools, school years and the yearly context of each school."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from opora.accounts.scopes import SCHOOL_ROWS, ScopedQuerySet, ScopePaths, scoped_queryset


class Region(models.Model):
    name = models.CharField("наименование", max_length=200, unique=True)

    class Meta:
        verbose_name = "регион"
        verbose_name_plural = "регионы"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    region = models.ForeignKey(Region, models.PROTECT, related_name="municipalities", verbose_name="регион")
    name = models.CharField("наименование", max_length=200)

    objects = scoped_queryset(ScopePaths(region="region", municipality="pk")).as_manager()

    class Meta:
        verbose_name = "муниципалитет"
        verbose_name_plural = "муниципалитеты"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="municipality_unique_name")]

    def __str__(self) -> str:
        return self.name


class SchoolType(models.TextChoices):
    SECONDARY = "СОШ", "СОШ"
    BASIC = "ООШ", "ООШ"
    PRIMARY = "НОШ", "НОШ"
    LYCEUM = "лицей", "лицей"
    GYMNASIUM = "гимназия", "гимназия"
    EVENING = "вечерняя (сменная)", "вечерняя (сменная)"
    CORRECTIONAL = "коррекционная", "коррекционная"
    OTHER = "другое", "другое"


class Locality(models.TextChoices):
    URBAN = "город", "город"
    RURAL = "село", "село"


def normalize_search(text: str) -> str:
    """Text as search compares it: case-folded, «ё» as «е», single spaces."""
    return " ".join(text.casefold().replace("ё", "е").split())


class SchoolQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(region="municipality__region", municipality="municipality", school="pk")

    def active(self) -> SchoolQuerySet:
        return self.filter(is_active=True)

    def search(self, text: str) -> SchoolQuerySet:
        """Schools whose code, names, address or director contain every word of ``text``."""
        schools = self
        for word in normalize_search(text).split():
            schools = schools.filter(search_text__contains=word)
        return schools


class School(models.Model):
    code = models.CharField("код ОО", max_length=32, unique=True)
    municipality = models.ForeignKey(
        Municipality, models.PROTECT, related_name="schools", verbose_name="муниципалитет"
    )
    name = models.CharField("наименование", max_length=500)
    short_name = models.CharField("краткое наименование", max_length=200, blank=True)
    school_type = models.CharField("тип ОО", max_length=32, choices=SchoolType.choices, blank=True)
    locality = models.CharField("местность", max_length=8, choices=Locality.choices, blank=True)
    address = models.CharField("адрес", max_length=500, blank=True)
    latitude = models.DecimalField("широта", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("долгота", max_digits=9, decimal_places=6, null=True, blank=True)
    director = models.CharField("директор", max_length=200, blank=True)
    phone = models.CharField("телефон", max_length=100, blank=True)
    email = models.EmailField("e-mail", blank=True)
    is_active = models.BooleanField("действующая", default=True)
    # Lower-cased copy of the searchable fields: SQLite compares Cyrillic case-sensitively.
    search_text = models.TextField(editable=False, default="")

    objects = SchoolQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "школа"
        verbose_name_plural = "школы"
        ordering = ["code"]
        indexes = [models.Index(fields=["municipality", "code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    def save(self, *args, **kwargs) -> None:
        self.fill_search_text()
        super().save(*args, **kwargs)

    def fill_search_text(self) -> None:
        """Refresh ``search_text``; call it before ``bulk_create``, which skips ``save``."""
        parts = (self.code, self.name, self.short_name, self.address, self.director)
        self.search_text = normalize_search(" ".join(part for part in parts if part))

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            raise ValidationError({"latitude": "Широта должна быть от −90 до 90."})
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            raise ValidationError({"longitude": "Долгота должна быть от −180 до 180."})


class SchoolYear(models.Model):
    """A school year, named by the calendar year it ends in (2024 is «2023/2024»)."""

    end_year = models.PositiveSmallIntegerField("год окончания", unique=True)

    class Meta:
        verbose_name = "учебный год"
        verbose_name_plural = "учебные годы"
        ordering = ["end_year"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.end_year - 1}/{self.end_year}"


# Parts of a whole: (part field, whole field). Parts may never exceed their whole.
CONTEXT_PARTS: tuple[tuple[str, str], ...] = (
    ("students_disabled", "students"),
    ("students_low_income", "students"),
    ("students_single_parent", "students"),
    ("students_non_native", "students"),
    ("students_on_register", "students"),
    ("teachers_over_60", "teachers"),
    ("teachers_without_pedagogy", "teachers"),
    ("teachers_part_time", "teachers"),
)


class SchoolContext(models.Model):
    """The school's social and staffing context for one school year (form 2)."""

    school = models.ForeignKey(School, models.CASCADE, related_name="contexts", verbose_name="школа")
    year = models.ForeignKey(SchoolYear, models.PROTECT, related_name="contexts", verbose_name="учебный год")
    students = models.PositiveIntegerField("обучающихся")
    students_disabled = models.PositiveIntegerField("с ОВЗ", null=True, blank=True)
    students_low_income = models.PositiveIntegerField("из малообеспеченных семей", null=True, blank=True)
    students_single_parent = models.PositiveIntegerField("из неполных семей", null=True, blank=True)
    students_non_native = models.PositiveIntegerField("неродной русский язык", null=True, blank=True)
    students_on_register = models.PositiveIntegerField("на профилактическом учёте", null=True, blank=True)
    parents_higher_education_pct = models.DecimalField(
        "родители с высшим образованием, %", max_digits=5, decimal_places=2, null=True, blank=True
    )
    teachers = models.PositiveIntegerField("педагогических работников", null=True, blank=True)
    teacher_vacancies = models.PositiveIntegerField("вакансий", null=True, blank=True)
    teachers_over_60 = models.PositiveIntegerField("педагогов старше 60 лет", null=True, blank=True)
    teachers_without_pedagogy = models.PositiveIntegerField(
        "педагогов без педагогического образования", null=True, blank=True
    )
    teachers_part_time = models.PositiveIntegerField(
        "педагогов с внутренним совмещением", null=True, blank=True
    )
    computers = models.PositiveIntegerField("компьютеров для учебных целей", null=True, blank=True)
    internet_mbps = models.DecimalField(
        "скорость интернета, Мбит/с", max_digits=8, decimal_places=2, null=True, blank=True
    )
    distance_km = models.DecimalField(
        "расстояние до райцентра, км", max_digits=7, decimal_places=1, null=True, blank=True
    )

    objects = scoped_queryset(SCHOOL_ROWS).as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "контекстные данные"
        verbose_name_plural = "контекстные данные"
        ordering = ["school", "year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="context_unique_school_year"),
            models.CheckConstraint(
                condition=models.Q(parents_higher_education_pct__gte=0)
                & models.Q(parents_higher_education_pct__lte=100)
                | models.Q(parents_higher_education_pct__isnull=True),
                name="context_parents_pct_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school.code} {self.year}"

    def clean(self) -> None:
        errors = {}
        for part, whole in CONTEXT_PARTS:
            part_value, whole_value = getattr(self, part), getattr(self, whole)
            if part_value is not None and whole_value is not None and part_value > whole_value:
                part_label = self._meta.get_field(part).verbose_name
                whole_label = self._meta.get_field(whole).verbose_name
                errors[part] = f"«{part_label}» ({part_value}) больше, чем «{whole_label}» ({whole_value})."
        if errors:
            raise ValidationError(errors)
