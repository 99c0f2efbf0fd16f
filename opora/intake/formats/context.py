"""Form 2, «Контекстные данные»: the yearly context of a school (key: Код ОО + Учебный год)."""

from __future__ import annotations

from opora.intake.formats.columns import Column, FileForm, PartOf
from opora.intake.formats.common import count, school_code, school_year

CONTEXT = FileForm(
    key="context",
    title="Контекстные данные",
    key_fields=("code", "year"),
    columns=(
        school_code(),
        school_year(),
        count(
            "Обучающихся",
            "students",
            required=True,
            example="380",
            note="На начало учебного года.",
            aliases=("Численность обучающихся", "Количество обучающихся", "Всего обучающихся"),
        ),
        count(
            "С ОВЗ",
            "students_disabled",
            example="12",
            aliases=("Обучающихся с ОВЗ",),
            note="Обучающиеся с ограниченными возможностями здоровья; не больше «Обучающихся».",
        ),
        count(
            "Из малообеспеченных семей", "students_low_income", example="40", note="Не больше «Обучающихся»."
        ),
        count("Из неполных семей", "students_single_parent", example="55", note="Не больше «Обучающихся»."),
        count(
            "Неродной русский язык",
            "students_non_native",
            example="3",
            aliases=("Для которых русский язык не родной",),
            note="Не больше «Обучающихся».",
        ),
        count(
            "На профилактическом учёте",
            "students_on_register",
            example="4",
            note="КДН, ПДН, внутришкольный учёт; не больше «Обучающихся».",
        ),
        Column(
            "Родители с высшим образованием, %",
            "parents_higher_education_pct",
            "decimal",
            aliases=("Родители с высшим образованием", "Доля родителей с высшим образованием, %"),
            minimum=0,
            maximum=100,
            example="35,5",
            note="Процент от 0 до 100.",
        ),
        count(
            "Педагогических работников", "teachers", example="28", aliases=("Педагогов", "Число педагогов")
        ),
        count("Вакансий", "teacher_vacancies", example="2", note="Открытые вакансии педагогов."),
        count(
            "Педагогов старше 60 лет",
            "teachers_over_60",
            example="5",
            note="Не больше «Педагогических работников».",
        ),
        count(
            "Педагогов без педагогического образования",
            "teachers_without_pedagogy",
            example="1",
            note="Не больше «Педагогических работников».",
        ),
        count(
            "Педагогов с внутренним совмещением",
            "teachers_part_time",
            example="6",
            note="Не больше «Педагогических работников».",
        ),
        count("Компьютеров для учебных целей", "computers", example="30"),
        Column(
            "Скорость интернета, Мбит/с",
            "internet_mbps",
            "decimal",
            minimum=0,
            example="50",
            aliases=("Скорость интернета",),
        ),
        Column(
            "Расстояние до райцентра, км",
            "distance_km",
            "decimal",
            minimum=0,
            example="42,5",
            aliases=("Расстояние до райцентра",),
        ),
    ),
    parts=(
        *(
            PartOf(part, "students", "числа обучающихся")
            for part in (
                "students_disabled",
                "students_low_income",
                "students_single_parent",
                "students_non_native",
                "students_on_register",
            )
        ),
        *(
            PartOf(part, "teachers", "числа педагогических работников")
            for part in ("teachers_over_60", "teachers_without_pedagogy", "teachers_part_time")
        ),
    ),
)
