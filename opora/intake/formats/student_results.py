"""Form 4, «Результаты участников»: every participant's result, under an anonymous code."""

from __future__ import annotations

from opora.intake.formats.columns import Column, FileForm
from opora.intake.formats.common import FOR_EGE, FOR_VPR_OGE, grade, procedure, school_code, school_year, subject

STUDENT_RESULTS = FileForm(
    key="student-results",
    title="Результаты участников",
    key_fields=("code", "year", "procedure", "subject", "participant_code"),
    columns=(
        school_code(),
        school_year(),
        procedure(),
        grade(),
        subject("Математика"),
        Column(
            "Код участника",
            "participant_code",
            required=True,
            is_code=True,
            example="0500123",
            aliases=("Код обучающегося", "Идентификатор участника", "ID участника"),
            note="Обезличенный код; фамилии и имена не загружаются.",
        ),
        Column("Первичный балл", "primary_score", "int", minimum=0, example="14", aliases=("Балл",)),
        Column(
            "Тестовый балл",
            "test_score",
            "int",
            minimum=0,
            maximum=100,
            required_if=FOR_EGE,
            note="Обязательно для ЕГЭ; от 0 до 100.",
        ),
        Column(
            "Отметка",
            "mark",
            "int",
            minimum=2,
            maximum=5,
            required_if=FOR_VPR_OGE,
            example="4",
            aliases=("Отметка за работу",),
            note="Обязательно для ВПР и ОГЭ; от 2 до 5.",
        ),
        Column(
            "Отметка по журналу",
            "journal_mark",
            "int",
            minimum=2,
            maximum=5,
            example="4",
            aliases=("Отметка в журнале", "Четвертная отметка"),
            note="Последняя отметка за четверть (триместр); от 2 до 5.",
        ),
    ),
)
