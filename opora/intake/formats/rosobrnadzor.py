"""«Перечень Рособрнадзора»: the published list of schools with signs of non-objective results.

Опора's own objectivity flag is checked against it: the run page shows where they agree and
differ, per school and in total. The list is kept per school, year and procedure.
"""

from __future__ import annotations

from dataclasses import replace

from opora.intake.formats.columns import Column, FileForm
from opora.intake.formats.common import procedure, school_code, school_year

ROSOBRNADZOR_PROCEDURES = ("ВПР", "ОГЭ", "ЕГЭ")

ROSOBRNADZOR_LIST = FileForm(
    key="rosobrnadzor-list",
    title="Перечень Рособрнадзора",
    key_fields=("code", "year", "procedure"),
    columns=(
        school_code(),
        school_year(),
        replace(
            procedure(),
            choices=ROSOBRNADZOR_PROCEDURES,
            synonyms=tuple(pair for pair in procedure().synonyms if pair[1] in ROSOBRNADZOR_PROCEDURES),
            aliases=("Процедура с признаками необъективности", "Вид оценочной процедуры"),
            note="ВПР, ОГЭ или ЕГЭ: процедура, по которой у школы выявлены признаки необъективности.",
        ),
        Column(
            "Источник",
            "source",
            required=True,
            aliases=("Основание", "Документ", "Письмо Рособрнадзора"),
            example="письмо Рособрнадзора от 10.10.2026 № 01-123",
            note="Документ, в котором опубликован перечень (письмо, его дата и номер).",
        ),
    ),
)
