"""What several forms share: procedures, the school code and year columns, counts, grade and subject."""

from __future__ import annotations

from opora.intake.formats.columns import MAX_YEAR, MIN_YEAR, Column, Condition

PROCEDURES = ("ВПР", "ОГЭ", "ЕГЭ", "Годовые отметки", "Контрольный срез")
MARKED_PROCEDURES = ("ВПР", "ОГЭ", "Годовые отметки", "Контрольный срез")
_PROCEDURE_SYNONYMS = (
    ("Всероссийские проверочные работы", "ВПР"),
    ("Основной государственный экзамен", "ОГЭ"),
    ("Единый государственный экзамен", "ЕГЭ"),
    ("Годовая отметка", "Годовые отметки"),
    ("Годовые", "Годовые отметки"),
    ("Итоговые отметки", "Годовые отметки"),
    ("Контрольные срезы", "Контрольный срез"),
    ("Срез", "Контрольный срез"),
)
_SCHOOL_CODE_ALIASES = ("Код школы", "Код образовательной организации", "Код ОУ", "Код организации")
_SCHOOL_YEAR_ALIASES = ("Уч. год", "Учебный год (например, 2023/2024)")



def school_code(example: str = "010001") -> Column:
    return Column(
        "Код ОО",
        "code",
        required=True,
        aliases=_SCHOOL_CODE_ALIASES,
        is_code=True,
        example=example,
        note="Код школы из реестра ОО; хранится как текст, ведущие нули сохраняются.",
    )


def school_year() -> Column:
    return Column(
        "Учебный год",
        "year",
        "school_year",
        required=True,
        aliases=_SCHOOL_YEAR_ALIASES,
        minimum=MIN_YEAR,
        maximum=MAX_YEAR,
        example="2023/2024",
        note="2023/2024, 2023-2024, 2023/24 или год окончания 2024.",
    )


def count(
    header: str,
    field: str,
    *,
    required: bool = False,
    example: str = "",
    note: str = "",
    aliases: tuple[str, ...] = (),
    required_if: Condition | None = None,
    maximum: float | None = None,
) -> Column:
    return Column(
        header,
        field,
        "int",
        required,
        aliases=aliases,
        minimum=0,
        maximum=maximum,
        required_if=required_if,
        example=example,
        note=note,
    )


FOR_MARKS = Condition("procedure", MARKED_PROCEDURES)
FOR_EGE = Condition("procedure", ("ЕГЭ",))
FOR_VPR_OGE = Condition("procedure", ("ВПР", "ОГЭ"))


def procedure() -> Column:
    return Column(
        "Процедура",
        "procedure",
        required=True,
        choices=PROCEDURES,
        synonyms=_PROCEDURE_SYNONYMS,
        aliases=("Вид оценочной процедуры", "Оценочная процедура"),
        example="ВПР",
    )


def grade(example: str = "5") -> Column:
    return Column(
        "Класс",
        "grade",
        "int",
        required=True,
        minimum=4,
        maximum=11,
        example=example,
        aliases=("Параллель",),
        note="Номер класса (параллели), от 4 до 11.",
    )


def subject(example: str = "Русский язык") -> Column:
    return Column(
        "Предмет",
        "subject",
        required=True,
        aliases=("Учебный предмет",),
        normalizer="subject",
        example=example,
        note="Например, Русский язык, Математика; для ЕГЭ «Математика (профильная)» и «Математика "
        "(базовая)» различаются. Написание выравнивается («русский» → «Русский язык»).",
    )


