"""Form 5, «Итоги учебного года»: failing students, repeaters and certificates of a school's year."""

from __future__ import annotations

from opora.intake.formats.columns import Column, FileForm, PartOf
from opora.intake.formats.common import count, school_code, school_year

PERIODS = (
    "год",
    "1 полугодие",
    "2 полугодие",
    "1 четверть",
    "2 четверть",
    "3 четверть",
    "4 четверть",
    "1 триместр",
    "2 триместр",
    "3 триместр",
)
# How people write «1 полугодие»: «I полугодие», «первое полугодие», «1-е полугодие», …
_ORDINALS = {
    "1": ("I", "первое", "первая", "первый", "1-е", "1-я", "1-й"),
    "2": ("II", "второе", "вторая", "второй", "2-е", "2-я", "2-й"),
    "3": ("III", "третья", "третий", "3-я", "3-й"),
    "4": ("IV", "четвёртая", "4-я"),
}
_PERIOD_SYNONYMS = (
    ("учебный год", "год"),
    ("за год", "год"),
    ("годовые", "год"),
    ("итоги года", "год"),
    *(
        (f"{spelling} {part}", f"{number} {part}")
        for number, spellings in _ORDINALS.items()
        for part in ("полугодие", "четверть", "триместр")
        for spelling in spellings
        if f"{number} {part}" in PERIODS
    ),
)

OUTCOMES = FileForm(
    key="outcomes",
    title="Итоги учебного года",
    key_fields=("code", "year", "period"),
    columns=(
        school_code(),
        school_year(),
        Column(
            "Период",
            "period",
            choices=PERIODS,
            synonyms=_PERIOD_SYNONYMS,
            default="год",
            aliases=("Отчётный период", "Период аттестации"),
            example="год",
            note="год, 1 полугодие, 2 полугодие, 1–4 четверть или 1–3 триместр; без столбца — учебный год. "
            "Список школ, где неуспевающих больше половины, можно составить и за полугодие или четверть.",
        ),
        count(
            "Обучающихся на конец года",
            "students_end",
            required=True,
            example="376",
            aliases=("Обучающихся на конец периода",),
        ),
        count(
            "Неуспевающих",
            "failing",
            example="9",
            note="С неудовлетворительной отметкой за период (годовой — за год) хотя бы по одному предмету.",
        ),
        count("Оставлены на повторное обучение", "repeating", example="1"),
        count("Выпускников 9 классов", "graduates_9", example="34"),
        count(
            "Не получили аттестат (9)",
            "no_certificate_9",
            example="1",
            note="Не больше «Выпускников 9 классов».",
        ),
        count("Выпускников 11 классов", "graduates_11", example="15"),
        count(
            "Не получили аттестат (11)",
            "no_certificate_11",
            example="0",
            note="Не больше «Выпускников 11 классов».",
        ),
    ),
    parts=(
        PartOf("failing", "students_end", "числа обучающихся на конец года"),
        PartOf("repeating", "students_end", "числа обучающихся на конец года"),
        PartOf("graduates_9", "students_end", "числа обучающихся на конец года"),
        PartOf("graduates_11", "students_end", "числа обучающихся на конец года"),
        PartOf("no_certificate_9", "graduates_9", "числа выпускников 9 классов"),
        PartOf("no_certificate_11", "graduates_11", "числа выпускников 11 классов"),
    ),
)
