"""Form 8, «Педагоги»: the teachers of a school (key: Код ОО + Код педагога)."""

from __future__ import annotations

from opora.intake.formats.columns import MAX_YEAR, MIN_YEAR, Column, FileForm, PartOf
from opora.intake.formats.common import school_code

TEACHER_CATEGORIES = (
    "высшая",
    "первая",
    "соответствие занимаемой должности",
    "без категории",
    "педагог-методист",
    "педагог-наставник",
)

_CATEGORY_SYNONYMS = (
    ("высшая категория", "высшая"),
    ("высшая квалификационная категория", "высшая"),
    ("первая категория", "первая"),
    ("первая квалификационная категория", "первая"),
    ("1 категория", "первая"),
    ("1", "первая"),
    ("соответствие", "соответствие занимаемой должности"),
    ("СЗД", "соответствие занимаемой должности"),
    ("нет", "без категории"),
    ("не имеет", "без категории"),
    ("б/к", "без категории"),
    ("педагог методист", "педагог-методист"),
    ("педагог наставник", "педагог-наставник"),
)

TEACHERS = FileForm(
    key="teachers",
    title="Педагоги",
    key_fields=("code", "teacher_code"),
    columns=(
        school_code(),
        Column(
            "Код педагога",
            "teacher_code",
            required=True,
            is_code=True,
            example="T0001",
            aliases=("Идентификатор педагога", "Табельный номер"),
        ),
        Column(
            "ФИО",
            "full_name",
            aliases=("ФИО педагога", "Фамилия, имя, отчество"),
            example="Петрова Мария Ивановна",
        ),
        Column(
            "Предметы",
            "subjects",
            required=True,
            normalizer="subject_list",
            aliases=("Преподаваемые предметы", "Предмет"),
            example="Русский язык; Литература",
            note="Через «;».",
        ),
        Column(
            "Стаж, лет",
            "experience_years",
            "int",
            required=True,
            minimum=0,
            maximum=70,
            example="12",
            aliases=("Педагогический стаж", "Стаж"),
        ),
        Column(
            "Квалификационная категория",
            "category",
            required=True,
            choices=TEACHER_CATEGORIES,
            synonyms=_CATEGORY_SYNONYMS,
            aliases=("Категория",),
            example="первая",
        ),
        Column(
            "Возраст",
            "age",
            "int",
            required=True,
            minimum=18,
            maximum=100,
            example="38",
            aliases=("Возраст, лет",),
        ),
        Column(
            "Дефициты",
            "deficits",
            normalizer="text_list",
            aliases=("Профессиональные дефициты", "Выявленные дефициты"),
            example="Формирование функциональной грамотности; Оценивание",
            note="Предметы или области, выявленные диагностикой, через «;».",
        ),
        Column(
            "Дата диагностики",
            "diagnostics_date",
            "date",
            minimum="2000-01-01",
            maximum="2100-12-31",
            example="15.03.2024",
            note="ДД.ММ.ГГГГ.",
        ),
        Column(
            "Повышение квалификации",
            "last_training_year",
            "int",
            minimum=MIN_YEAR,
            maximum=MAX_YEAR,
            aliases=("Год последнего повышения квалификации", "Последнее повышение квалификации"),
            example="2023",
            note="Год окончания последних курсов повышения квалификации.",
        ),
    ),
    parts=(PartOf("experience_years", "age", "возраста"),),
)
