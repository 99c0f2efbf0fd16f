"""Where each file form is stored: the mapping between a form and the table of the app that owns it.

The tables (model, key, columns) are declared by their apps (``schools/frames.py``,
``results/frames.py``, ``support/frames.py``, ``identification/frames.py``, ``risks/frames.py``); a
form's columns name those columns. The key of a form is the key of its table, and its value fields
— what an import may change — are the form's other columns. The answers to questionnaires have no
table form: each row is a new response (``opora.intake.surveys``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl
from django.db import models

from opora.identification.frames import ROSOBRNADZOR_LIST
from opora.intake.formats import FORMS, FileForm
from opora.results.frames import OUTCOMES, RESULTS, STUDENT_RESULTS
from opora.risks.frames import EXTERNAL_LEVELS
from opora.schools.frames import CONTEXT, PK, SCHOOLS, StoredTable, decimal_round
from opora.support.frames import TEACHERS

__all__ = ["PK", "TARGETS", "FormTarget", "decimal_round"]


@dataclass(frozen=True)
class FormTarget:
    """A file form and the table it fills."""

    form: FileForm
    table: StoredTable

    def __post_init__(self) -> None:
        if tuple(self.form.key_fields) != self.table.key_fields:
            raise ValueError(f"Форма «{self.form.title}»: ключ не совпадает с ключом таблицы {self.table.label}")
        unknown = set(self.form.fields) - set(self.table.fields)
        if unknown:
            raise ValueError(f"Форма «{self.form.title}»: столбцов {sorted(unknown)} нет в таблице {self.table.label}")

    @property
    def form_key(self) -> str:
        return self.form.key

    @property
    def model(self) -> type[models.Model]:
        return self.table.model

    @property
    def label(self) -> str:
        return self.table.label

    @property
    def key_fields(self) -> tuple[str, ...]:
        return self.table.key_fields

    @property
    def value_fields(self) -> tuple[str, ...]:
        return tuple(name for name in self.form.fields if name not in self.key_fields)

    def model_field(self, column: str) -> str:
        return self.table.model_field(column)

    def stored(
        self,
        region: object | None,
        *,
        years: Sequence[int] | None = None,
        codes: Sequence[str] | None = None,
    ) -> pl.DataFrame:
        """The stored records of the region (every region for None): the form's columns and ``_pk``."""
        return self.table.read(
            region=region, years=years, codes=codes, columns=(*self.key_fields, *self.value_fields), with_pk=True
        )

    def rounded(self, frame: pl.DataFrame) -> pl.DataFrame:
        return self.table.rounded(frame)


TARGETS: dict[str, FormTarget] = {
    target.form_key: target
    for target in (
        FormTarget(FORMS["schools"], SCHOOLS),
        FormTarget(FORMS["context"], CONTEXT),
        FormTarget(FORMS["results"], RESULTS),
        FormTarget(FORMS["student-results"], STUDENT_RESULTS),
        FormTarget(FORMS["outcomes"], OUTCOMES),
        FormTarget(FORMS["teachers"], TEACHERS),
        FormTarget(FORMS["rosobrnadzor-list"], ROSOBRNADZOR_LIST),
        FormTarget(FORMS["risk-levels"], EXTERNAL_LEVELS),
    )
}
