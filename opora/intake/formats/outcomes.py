"""Form 5, «Итоги учебного года»: failing students, repeaters and certificates of a school's year."""

from __future__ import annotations

from opora.intake.formats.columns import FileForm, PartOf
from opora.intake.formats.common import count, school_code, school_year

OUTCOMES = FileForm(
    key="outcomes",
    title="Итоги учебного года",
    key_fields=("code", "year"),
    columns=(
        school_code(),
        school_year(),
        count("Обучающихся на конец года", "students_end", required=True, example="376"),
        count(
            "Неуспевающих",
            "failing",
            example="9",
            note="С неудовлетворительной годовой отметкой хотя бы по одному предмету.",
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
