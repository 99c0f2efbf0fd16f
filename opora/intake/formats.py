"""The file forms Опора reads and writes (see docs: «Форматы файлов»).

Each form is a list of columns: the header users see in Excel, the model field it fills, the kind
of value and whether it is required. Pure Python: no Django, so the demo generator, the importer
and analysts' notebooks share one definition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

ValueKind = Literal["text", "int", "decimal", "school_year"]


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: ValueKind = "text"
    required: bool = False


@dataclass(frozen=True)
class FileForm:
    key: str
    title: str
    columns: tuple[Column, ...]
    key_fields: tuple[str, ...]

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def column(self, field: str) -> Column:
        return next(column for column in self.columns if column.field == field)


SCHOOLS = FileForm(
    key="schools",
    title="Реестр ОО",
    key_fields=("code",),
    columns=(
        Column("Код ОО", "code", required=True),
        Column("Наименование", "name", required=True),
        Column("Краткое наименование", "short_name"),
        Column("Муниципалитет", "municipality", required=True),
        Column("Тип ОО", "school_type"),
        Column("Местность", "locality"),
        Column("Адрес", "address"),
        Column("Широта", "latitude", "decimal"),
        Column("Долгота", "longitude", "decimal"),
        Column("Директор", "director"),
        Column("Телефон", "phone"),
        Column("E-mail", "email"),
    ),
)

CONTEXT = FileForm(
    key="context",
    title="Контекстные данные",
    key_fields=("code", "year"),
    columns=(
        Column("Код ОО", "code", required=True),
        Column("Учебный год", "year", "school_year", required=True),
        Column("Обучающихся", "students", "int", required=True),
        Column("С ОВЗ", "students_disabled", "int"),
        Column("Из малообеспеченных семей", "students_low_income", "int"),
        Column("Из неполных семей", "students_single_parent", "int"),
        Column("Неродной русский язык", "students_non_native", "int"),
        Column("На профилактическом учёте", "students_on_register", "int"),
        Column("Родители с высшим образованием, %", "parents_higher_education_pct", "decimal"),
        Column("Педагогических работников", "teachers", "int"),
        Column("Вакансий", "teacher_vacancies", "int"),
        Column("Педагогов старше 60 лет", "teachers_over_60", "int"),
        Column("Педагогов без педагогического образования", "teachers_without_pedagogy", "int"),
        Column("Педагогов с внутренним совмещением", "teachers_part_time", "int"),
        Column("Компьютеров для учебных целей", "computers", "int"),
        Column("Скорость интернета, Мбит/с", "internet_mbps", "decimal"),
        Column("Расстояние до райцентра, км", "distance_km", "decimal"),
    ),
)

RESULTS = FileForm(
    key="results",
    title="Результаты по ОО",
    key_fields=("code", "year", "procedure", "grade", "subject"),
    columns=(
        Column("Код ОО", "code", required=True),
        Column("Учебный год", "year", "school_year", required=True),
        Column("Процедура", "procedure", required=True),
        Column("Класс", "grade", "int", required=True),
        Column("Предмет", "subject", required=True),
        Column("Участников", "participants", "int", required=True),
        Column("2", "marks_2", "int"),
        Column("3", "marks_3", "int"),
        Column("4", "marks_4", "int"),
        Column("5", "marks_5", "int"),
        Column("Средний балл", "mean_score", "decimal"),
        Column("Не преодолели минимальный порог", "below_threshold", "int"),
        Column("Понизили", "lowered", "int"),
        Column("Подтвердили", "confirmed", "int"),
        Column("Повысили", "raised", "int"),
    ),
)

OUTCOMES = FileForm(
    key="outcomes",
    title="Итоги учебного года",
    key_fields=("code", "year"),
    columns=(
        Column("Код ОО", "code", required=True),
        Column("Учебный год", "year", "school_year", required=True),
        Column("Обучающихся на конец года", "students_end", "int", required=True),
        Column("Неуспевающих", "failing", "int"),
        Column("Оставлены на повторное обучение", "repeating", "int"),
        Column("Выпускников 9 классов", "graduates_9", "int"),
        Column("Не получили аттестат (9)", "no_certificate_9", "int"),
        Column("Выпускников 11 классов", "graduates_11", "int"),
        Column("Не получили аттестат (11)", "no_certificate_11", "int"),
    ),
)

_YEAR_PAIR = re.compile(r"^\s*(\d{4})\s*[/\-–—]\s*(\d{2}|\d{4})\s*(?:г\.?|уч\.?\s*г\.?)?\s*$")
_YEAR_SINGLE = re.compile(r"^\s*(\d{4})\s*$")


def parse_school_year(value: object) -> int:
    """The calendar year a school year ends in.

    ``2023/2024``, ``2023-2024``, ``2023–2024``, ``2023/24`` and a bare ``2024`` all give 2024.

    Raises
    ------
    ValueError
        With a message in Russian when the value is not a school year.
    """
    if isinstance(value, bool):
        raise ValueError("ожидается учебный год, например 2023/2024")
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    pair = _YEAR_PAIR.match(text)
    if pair:
        start = int(pair.group(1))
        end_text = pair.group(2)
        end = int(end_text) if len(end_text) == 4 else start // 100 * 100 + int(end_text)
        if len(end_text) == 2 and end <= start:
            end += 100  # 1999/00
        if end != start + 1:
            raise ValueError(f"«{text}»: год окончания должен быть на единицу больше года начала")
        return _checked_year(end, text)
    single = _YEAR_SINGLE.match(text)
    if single:
        return _checked_year(int(single.group(1)), text)
    raise ValueError(f"«{text}» не является учебным годом; ожидается, например, 2023/2024")


def _checked_year(year: int, text: str) -> int:
    if not 1990 <= year <= 2100:
        raise ValueError(f"«{text}»: учебный год вне допустимого диапазона (1990–2100)")
    return year


def school_year_label(end_year: int) -> str:
    return f"{end_year - 1}/{end_year}"
