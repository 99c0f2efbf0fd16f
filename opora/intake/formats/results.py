"""Form 3, «Результаты по ОО»: a school's results per procedure, grade and subject."""

from __future__ import annotations

from opora.intake.formats.columns import Column, FileForm, PartOf, SumRule
from opora.intake.formats.common import (
    FOR_EGE,
    FOR_MARKS,
    count,
    grade,
    procedure,
    school_code,
    school_year,
    subject,
)

RESULTS = FileForm(
    key="results",
    title="Результаты по ОО",
    key_fields=("code", "year", "procedure", "grade", "subject"),
    columns=(
        school_code(),
        school_year(),
        procedure(),
        grade(),
        subject(),
        count(
            "Участников",
            "participants",
            required=True,
            example="25",
            aliases=("Количество участников", "Кол-во участников", "Число участников"),
        ),
        *(
            count(
                str(mark),
                f"marks_{mark}",
                required_if=FOR_MARKS,
                example=example,
                aliases=(f"Отметка «{mark}»", f"Кол-во «{mark}»", f"Количество «{mark}»"),
                note="Число участников с этой отметкой; обязательно для ВПР, ОГЭ, годовых отметок и "
                "контрольного среза; «2» + «3» + «4» + «5» = «Участников».",
            )
            for mark, example in ((2, "2"), (3, "9"), (4, "10"), (5, "4"))
        ),
        Column(
            "Средний балл",
            "mean_score",
            "decimal",
            minimum=0,
            maximum=100,
            example="28,5",
            note="Средний первичный балл (ЕГЭ: средний тестовый балл).",
        ),
        count(
            "Не преодолели минимальный порог",
            "below_threshold",
            required_if=FOR_EGE,
            aliases=("Не преодолели порог", "Ниже минимального порога"),
            note="Обязательно для ЕГЭ; не больше «Участников».",
        ),
        *(
            count(
                header,
                field,
                example=example,
                note="ВПР: отметка ниже / равна / выше отметки по журналу; заполняются все три или ни "
                "одного; «Понизили» + «Подтвердили» + «Повысили» = «Участников» (меньше, если у части "
                "участников нет отметки по журналу).",
            )
            for header, field, example in (
                ("Понизили", "lowered", "5"),
                ("Подтвердили", "confirmed", "17"),
                ("Повысили", "raised", "3"),
            )
        ),
    ),
    parts=(PartOf("below_threshold", "participants", "числа участников"),),
    sums=(
        SumRule(
            ("marks_2", "marks_3", "marks_4", "marks_5"), "participants", "числу участников", when=FOR_MARKS
        ),
        SumRule(
            ("lowered", "confirmed", "raised"),
            "participants",
            "числу участников",
            all_or_none=True,
            short_reason="у части участников нет отметки по журналу, сравнение ВПР с журналом — по остальным",
        ),
    ),
)
