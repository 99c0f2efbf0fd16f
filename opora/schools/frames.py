"""Stored tables read as Polars frames: the one way the apps hand their data to the analytics.

An app that owns a table declares it once as a :class:`StoredTable` (in its ``frames.py``; this
module declares the registry's and the context's):
which model, which fields identify a row and which are values. Everything else is derived from
the model: the frame's columns and types, and how a reference reads back — a school as its
code (``code``), a school year as its end year (``year``), a municipality as its name. Intake
maps its file forms onto these tables; identification and the later modules read them.

>>> from decimal import Decimal
>>> plain_value(Decimal("12.50")), plain_value("")
(12.5, None)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import models

from opora.schools.models import Municipality, School, SchoolContext, SchoolYear

PK = "_pk"
# A reference to these models reads back as the column named here, through the given field.
_REFERENCES: dict[type[models.Model], tuple[str, str]] = {
    School: ("code", "code"),
    SchoolYear: ("year", "end_year"),
    Municipality: ("municipality", "name"),
}
SCHOOL_REGION = "school__municipality__region"


def decimal_round(value: pl.Expr, places: int) -> pl.Expr:
    """Rounding as Excel and the database do it: half away from zero (12,225 → 12,23)."""
    return value.cast(pl.Float64).round(places, mode="half_away_from_zero")


def plain_value(value: Any) -> Any:
    """A database value as a frame holds it: decimals as floats, empty text as unknown."""
    if isinstance(value, Decimal):
        return float(value)
    if value == "":
        return None
    return value


@dataclass(frozen=True)
class StoredTable:
    """A model read as a frame of plain columns.

    Parameters
    ----------
    model
        The Django model.
    key_fields
        Columns that identify a row (a re-import updates the row with the same key); by default
        the fields of the model's unique constraint.
    value_fields
        The other columns; by default every concrete field that is neither the key, the primary
        key, nor one of ``skip``.
    renames
        Column names that differ from the model's field names (``{"code": "teacher_code"}``
        where a model's own ``code`` would clash with its school's code).
    """

    model: type[models.Model]
    key_fields: tuple[str, ...]
    value_fields: tuple[str, ...]
    renames: dict[str, str] = field(default_factory=dict)
    region_path: str = SCHOOL_REGION

    @classmethod
    def of(
        cls,
        model: type[models.Model],
        *,
        key: Sequence[str] | None = None,
        skip: Iterable[str] = (),
        renames: dict[str, str] | None = None,
        region_path: str = SCHOOL_REGION,
    ) -> StoredTable:
        """The table of a model, its columns derived from the model's fields."""
        renames = renames or {}
        skipped = {"id", "import_batch", *skip}
        key_model_fields = list(key) if key is not None else _unique_fields(model)
        columns = {}
        for model_field in model._meta.concrete_fields:
            if model_field.name in skipped:
                continue
            columns[model_field.name] = _column_name(model_field, renames)
        key_columns = tuple(columns[name] for name in key_model_fields)
        value_columns = tuple(column for name, column in columns.items() if name not in key_model_fields)
        return cls(
            model=model,
            key_fields=key_columns,
            value_fields=value_columns,
            renames=renames,
            region_path=region_path,
        )

    @property
    def fields(self) -> tuple[str, ...]:
        return (*self.key_fields, *self.value_fields)

    @property
    def label(self) -> str:
        return self.model._meta.label

    def model_field(self, column: str) -> str:
        """The model's field that a column fills (``code`` → ``school``, ``teacher_code`` → ``code``)."""
        for model_field in self.model._meta.concrete_fields:
            if _column_name(model_field, self.renames) == column:
                return model_field.name
        raise KeyError(column)

    def lookup(self, column: str) -> str:
        """The ORM path that reads a column back (``code`` → ``school__code``)."""
        model_field = self.model._meta.get_field(self.model_field(column))
        reference = _reference(model_field)
        if reference is not None:
            return f"{model_field.name}__{reference[1]}"
        return model_field.name

    def dtype(self, column: str) -> pl.DataType:
        model_field = self.model._meta.get_field(self.model_field(column))
        reference = _reference(model_field)
        if reference is not None:
            return pl.Int64() if reference[0] == "year" else pl.Utf8()
        if isinstance(model_field, models.DecimalField | models.FloatField):
            return pl.Float64()
        if isinstance(model_field, models.BooleanField):
            return pl.Boolean()
        if isinstance(model_field, models.IntegerField):
            return pl.Int64()
        if isinstance(model_field, models.DateField):
            return pl.Date()
        return pl.Utf8()

    def read(
        self,
        queryset: models.QuerySet | None = None,
        *,
        region: Any = None,
        years: Sequence[int] | None = None,
        codes: Sequence[str] | None = None,
        columns: Sequence[str] | None = None,
        with_pk: bool = False,
    ) -> pl.DataFrame:
        """The stored rows as a frame, optionally of one region, some years and school codes.

        ``queryset`` narrows the rows first (e.g. ``Model.objects.visible_to(user)``); the frame
        has ``columns`` (every column by default) and, with ``with_pk``, the row's id as ``_pk``.
        """
        rows = self.model.objects.all() if queryset is None else queryset
        if region is not None:
            rows = rows.filter(**{self.region_path: region})
        if years is not None and "year" in self.fields:
            rows = rows.filter(**{f"{self.lookup('year')}__in": list(years)})
        if codes is not None:
            rows = rows.filter(**{f"{self.lookup('code')}__in": list(codes)})
        names = list(columns) if columns is not None else list(self.fields)
        paths = [self.lookup(name) for name in names]
        schema = {name: self.dtype(name) for name in names}
        if with_pk:
            paths.insert(0, "pk")
            schema = {PK: pl.Int64(), **schema}
        values = rows.values_list(*paths)
        return pl.DataFrame(
            [tuple(plain_value(value) for value in row) for row in values.iterator(chunk_size=5000)],
            schema=schema,
            orient="row",
        )

    def rounded(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The frame with decimals rounded as the database keeps them, so a re-import compares equal."""
        roundings = []
        for name in frame.columns:
            if name not in self.value_fields:
                continue
            model_field = self.model._meta.get_field(self.model_field(name))
            if isinstance(model_field, models.DecimalField):
                roundings.append(decimal_round(pl.col(name), model_field.decimal_places))
        return frame.with_columns(roundings) if roundings else frame


def _reference(model_field: models.Field) -> tuple[str, str] | None:
    if not model_field.is_relation or model_field.related_model is None:
        return None
    return _REFERENCES.get(model_field.related_model)


def _column_name(model_field: models.Field, renames: dict[str, str]) -> str:
    if model_field.name in renames:
        return renames[model_field.name]
    reference = _reference(model_field)
    return reference[0] if reference is not None else model_field.name


def _unique_fields(model: type[models.Model]) -> list[str]:
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields and constraint.condition is None:
            return list(constraint.fields)
    raise ValueError(f"{model._meta.label}: нет ограничения уникальности, из которого взять ключ строки")


SCHOOLS = StoredTable.of(School, key=("code",), skip=("search_text", "is_active"), region_path="municipality__region")
CONTEXT = StoredTable.of(SchoolContext)
# What identification and the reports take of the registry: the active schools' identity.
SCHOOL_IDENTITY = ("code", "name", "municipality", "school_type", "locality")


def schools_frame(region: Any, *, active_only: bool = True) -> pl.DataFrame:
    """The region's schools (code, name, municipality, type, locality), by code; blanks as unknown."""
    schools = School.objects.filter(is_active=True) if active_only else School.objects.all()
    return SCHOOLS.read(schools.order_by("code"), region=region, columns=SCHOOL_IDENTITY)


def context_frame(region: Any, *, years: list[int] | None = None) -> pl.DataFrame:
    """Form 2 of a region (yearly context of the schools), in a fixed order."""
    return CONTEXT.read(region=region, years=years).sort(list(CONTEXT.key_fields))
