"""Where each file form is stored: the model, its key and how a row of the form becomes a record.

A form's frame (English field names of ``formats.py``) is compared with the stored records by the
key; the value fields are what an import may change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import models

from opora.results.models import SchoolResult, StudentResult, YearOutcome
from opora.schools.models import Region, School, SchoolContext
from opora.support.models import Teacher

PK = "_pk"


def decimal_round(value: pl.Expr, places: int) -> pl.Expr:
    """Rounding as Excel and the database do it: half away from zero (12,225 → 12,23)."""
    return value.cast(pl.Float64).round(places, mode="half_away_from_zero")


@dataclass(frozen=True)
class FormTarget:
    """How one form is stored.

    ``key_fields`` and ``value_fields`` are the form's field names; ``model_fields`` renames a form
    field to the model's field where they differ (form ``teacher_code`` is ``Teacher.code``).
    ``lookups`` are the ORM paths that read a key field back from the stored record.
    """

    form_key: str
    model: type[models.Model]
    key_fields: tuple[str, ...]
    value_fields: tuple[str, ...]
    lookups: dict[str, str] = field(default_factory=dict)
    model_fields: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.model._meta.label

    def model_field(self, form_field: str) -> str:
        return self.model_fields.get(form_field, form_field)

    def stored(
        self, region: Region | None, *, years: list[int] | None = None, codes: list[str] | None = None
    ) -> pl.DataFrame:
        """The stored records of the region (of every region for None) as a frame of the form's fields plus ``_pk``."""
        queryset = self.model.objects.all()
        if region is not None:
            region_path = "municipality__region" if self.model is School else "school__municipality__region"
            queryset = queryset.filter(**{region_path: region})
        if years is not None and "year" in self.key_fields:
            queryset = queryset.filter(year__end_year__in=years)
        if codes is not None:
            queryset = queryset.filter(**{self.lookups.get("code", "code") + "__in": codes})
        paths = {
            name: self.lookups.get(name, self.model_field(name))
            for name in (*self.key_fields, *self.value_fields)
        }
        rows = queryset.values_list("pk", *paths.values())
        schema = {PK: pl.Int64, **{name: self._dtype(name) for name in paths}}
        return pl.DataFrame(
            [tuple(_plain(value) for value in row) for row in rows.iterator(chunk_size=5000)],
            schema=schema,
            orient="row",
        )

    def rounded(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The frame with decimals rounded as the database keeps them, so a re-import compares equal."""
        roundings = []
        for name in frame.columns:
            if name in self.key_fields or name not in self.value_fields:
                continue
            model_field = self.model._meta.get_field(self.model_field(name))
            if isinstance(model_field, models.DecimalField):
                roundings.append(decimal_round(pl.col(name), model_field.decimal_places))
        return frame.with_columns(roundings) if roundings else frame

    def _dtype(self, name: str) -> pl.DataType:
        if name in ("code", "municipality", "procedure", "subject", "participant_code", "teacher_code"):
            return pl.Utf8
        if name == "year":
            return pl.Int64
        model_field = self.model._meta.get_field(self.model_field(name))
        if isinstance(model_field, models.DecimalField):
            return pl.Float64
        if isinstance(model_field, (models.IntegerField, models.PositiveIntegerField)):
            return pl.Int64
        if isinstance(model_field, models.DateField):
            return pl.Date
        return pl.Utf8


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if value == "":
        return None
    return value


SCHOOLS = FormTarget(
    form_key="schools",
    model=School,
    key_fields=("code",),
    value_fields=(
        "name",
        "short_name",
        "municipality",
        "school_type",
        "locality",
        "address",
        "latitude",
        "longitude",
        "director",
        "phone",
        "email",
    ),
    lookups={"municipality": "municipality__name"},
)

CONTEXT = FormTarget(
    form_key="context",
    model=SchoolContext,
    key_fields=("code", "year"),
    value_fields=(
        "students",
        "students_disabled",
        "students_low_income",
        "students_single_parent",
        "students_non_native",
        "students_on_register",
        "parents_higher_education_pct",
        "teachers",
        "teacher_vacancies",
        "teachers_over_60",
        "teachers_without_pedagogy",
        "teachers_part_time",
        "computers",
        "internet_mbps",
        "distance_km",
    ),
    lookups={"code": "school__code", "year": "year__end_year"},
)

RESULTS = FormTarget(
    form_key="results",
    model=SchoolResult,
    key_fields=("code", "year", "procedure", "grade", "subject"),
    value_fields=(
        "participants",
        "marks_2",
        "marks_3",
        "marks_4",
        "marks_5",
        "mean_score",
        "below_threshold",
        "lowered",
        "confirmed",
        "raised",
    ),
    lookups={"code": "school__code", "year": "year__end_year"},
)

STUDENT_RESULTS = FormTarget(
    form_key="student-results",
    model=StudentResult,
    key_fields=("code", "year", "procedure", "subject", "participant_code"),
    value_fields=("grade", "primary_score", "test_score", "mark", "journal_mark"),
    lookups={"code": "school__code", "year": "year__end_year"},
)

OUTCOMES = FormTarget(
    form_key="outcomes",
    model=YearOutcome,
    key_fields=("code", "year"),
    value_fields=(
        "students_end",
        "failing",
        "repeating",
        "graduates_9",
        "no_certificate_9",
        "graduates_11",
        "no_certificate_11",
    ),
    lookups={"code": "school__code", "year": "year__end_year"},
)

TEACHERS = FormTarget(
    form_key="teachers",
    model=Teacher,
    key_fields=("code", "teacher_code"),
    value_fields=(
        "full_name",
        "subjects",
        "experience_years",
        "category",
        "age",
        "deficits",
        "diagnostics_date",
        "last_training_year",
    ),
    lookups={"code": "school__code", "teacher_code": "code"},
    model_fields={"teacher_code": "code"},
)

TARGETS: dict[str, FormTarget] = {
    target.form_key: target for target in (SCHOOLS, CONTEXT, RESULTS, STUDENT_RESULTS, OUTCOMES, TEACHERS)
}
