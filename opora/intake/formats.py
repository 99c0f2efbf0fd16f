"""The file forms Опора reads and writes (see docs: «Форматы файлов», shared DATA_FORMATS.md).

Each form is a list of columns: the header users see in Excel, the model field it fills, the kind
of value, whether it is required, and the rules a value must follow (allowed values, range, the
column it is a part of, the procedures that require it). Pure Python: no Django, so the demo
generator, the importer and analysts' notebooks share one definition.

>>> FORMS["results"].column("grade").maximum
11
>>> FORMS["context"].match_header("  с овз: ").field
'students_disabled'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass
from functools import cached_property
from typing import Literal

ValueKind = Literal["text", "int", "decimal", "school_year", "date"]
Normalizer = Literal["subject", "subject_list", "text_list"]


@dataclass(frozen=True)
class Condition:
    """True for the rows whose ``field`` holds one of ``values`` (e.g. the procedure is ЕГЭ)."""

    field: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Column:
    """One column of a file form.

    ``header`` is the name written in the file, ``field`` the model field it fills. ``required``
    means the column must be present and every cell filled; ``required_if`` makes cells
    required only on the rows that meet a condition. ``choices`` are the allowed values (matched
    ignoring case, ё/е and spaces; ``synonyms`` map other spellings to them). ``minimum`` and
    ``maximum`` bound numbers, years and dates (dates as ISO text). ``is_code`` marks an
    identifier kept as text with its leading zeros. ``example`` fills the template's example row
    and ``note`` its instruction sheet.
    """

    header: str
    field: str
    kind: ValueKind = "text"
    required: bool = False
    _: KW_ONLY
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    synonyms: tuple[tuple[str, str], ...] = ()
    minimum: float | str | None = None
    maximum: float | str | None = None
    required_if: Condition | None = None
    is_code: bool = False
    normalizer: Normalizer | None = None
    pattern: str | None = None
    pattern_hint: str = ""
    example: str = ""
    note: str = ""

    @cached_property
    def choice_lookup(self) -> dict[str, str]:
        """Folded spelling → allowed value, for the allowed values and their synonyms."""
        lookup = {fold(choice): choice for choice in self.choices}
        lookup.update({fold(spelling): value for spelling, value in self.synonyms})
        return lookup


@dataclass(frozen=True)
class PartOf:
    """A count that can never exceed another one on the same row («С ОВЗ» ≤ «Обучающихся»).

    ``expected`` ends the message: «ожидается число не больше {expected}».
    """

    part: str
    whole: str
    expected: str


@dataclass(frozen=True)
class SumRule:
    """Counts whose sum equals a total, checked when all parts and the total are filled.

    ``expected`` ends the message: «ожидается сумма, равная {expected}». With ``all_or_none``
    the parts are filled together or left empty together; with ``when`` the rule applies only to
    the rows meeting the condition.
    """

    parts: tuple[str, ...]
    total: str
    expected: str
    when: Condition | None = None
    all_or_none: bool = False
    short_reason: str | None = None
    """When set, a sum below the total is allowed with a warning giving this reason (the parts
    count only the participants for whom they are known); a sum above it stays an error."""


@dataclass(frozen=True)
class FileForm:
    key: str
    title: str
    columns: tuple[Column, ...]
    key_fields: tuple[str, ...]
    parts: tuple[PartOf, ...] = ()
    sums: tuple[SumRule, ...] = ()
    references_schools: bool = True
    """Whether «Код ОО» must name a known school (false for the registry, which brings them)."""

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    @property
    def fields(self) -> list[str]:
        return [column.field for column in self.columns]

    @property
    def key_columns(self) -> list[Column]:
        """The columns identifying a row: a re-import updates the stored row with the same key."""
        return [self.column(field) for field in self.key_fields]

    @property
    def required_columns(self) -> list[Column]:
        return [column for column in self.columns if column.required]

    def column(self, field: str) -> Column:
        return next(column for column in self.columns if column.field == field)

    @cached_property
    def header_lookup(self) -> dict[str, Column]:
        """Normalised header or alias → column."""
        lookup: dict[str, Column] = {}
        for column in self.columns:
            for name in (column.header, *column.aliases):
                lookup.setdefault(normalize_header(name), column)
        return lookup

    def match_header(self, header: str) -> Column | None:
        """The column a header written in a file names, or None."""
        return self.header_lookup.get(normalize_header(header))


# --- names and values as people write them -------------------------------------------------------

_QUOTES = re.compile(r"[«»\"“”„‟″'`‘’]")
_SPACES = re.compile(r"\s+")
_BRACKET_SPACES = re.compile(r"\s*\(\s*")
_CLOSING_SPACES = re.compile(r"\s*\)")


def normalize_header(text: str) -> str:
    """A column name as compared: case-folded, ё as е, no quotes, single spaces, no final colon.

    >>> normalize_header(" «Учёный»  СОВЕТ: ")
    'ученый совет'
    """
    folded = _QUOTES.sub("", str(text).casefold().replace("ё", "е"))
    return " ".join(folded.split()).rstrip(":").rstrip()


def fold(text: str) -> str:
    """A value as compared with allowed values: case-folded, ё as е, single spaces, tidy brackets.

    >>> fold(" Математика(Профильная ) ")
    'математика (профильная)'
    """
    folded = " ".join(str(text).casefold().replace("ё", "е").split())
    folded = _CLOSING_SPACES.sub(")", _BRACKET_SPACES.sub(" (", folded)).strip()
    return folded


_SUBJECT_SYNONYMS: Mapping[str, str] = {
    fold(spelling): subject
    for subject, spellings in {
        "Русский язык": ("Русский", "Рус. яз.", "Рус. язык", "Русск. яз.", "Русский яз."),
        "Математика (профильная)": (
            "Математика профиль",
            "Математика профильная",
            "Математика (профиль)",
            "Математика (профильный уровень)",
            "Математика профильного уровня",
            "Профильная математика",
            "Математика П",
            "Математика (П)",
        ),
        "Математика (базовая)": (
            "Математика база",
            "Математика базовая",
            "Математика (база)",
            "Математика (базовый уровень)",
            "Математика базового уровня",
            "Базовая математика",
            "Математика Б",
            "Математика (Б)",
        ),
        "Английский язык": ("Английский", "Иностранный язык (английский)", "Англ. яз."),
        "Немецкий язык": ("Немецкий", "Иностранный язык (немецкий)"),
        "Французский язык": ("Французский", "Иностранный язык (французский)"),
        "Испанский язык": ("Испанский", "Иностранный язык (испанский)"),
        "Китайский язык": ("Китайский", "Иностранный язык (китайский)"),
        "Информатика": ("Информатика и ИКТ", "Информатика и информационно-коммуникационные технологии"),
        "Окружающий мир": ("Окр. мир", "Окружающий"),
        "Литературное чтение": ("Лит. чтение",),
    }.items()
    for spelling in spellings
}
# Abbreviations that stay in capitals when a whole subject is written in capitals.
_SUBJECT_ABBREVIATIONS = frozenset({"обж", "обзр", "орксэ", "однкнр", "изо", "мхк", "икт"})


def normalize_subject(text: str) -> str:
    """A subject's name as stored: trimmed, single spaces, a capital first letter, synonyms merged.

    «Математика (профильная)» and «Математика (базовая)» stay distinct.

    >>> normalize_subject("  русский ")
    'Русский язык'
    >>> normalize_subject("МАТЕМАТИКА  профиль")
    'Математика (профильная)'
    >>> normalize_subject("химия")
    'Химия'
    """
    tidy = " ".join(str(text).split())
    tidy = _CLOSING_SPACES.sub(")", _BRACKET_SPACES.sub(" (", tidy)).strip()
    if not tidy:
        return ""
    folded = fold(tidy)
    if folded in _SUBJECT_SYNONYMS:
        return _SUBJECT_SYNONYMS[folded]
    letters = sum(char.isalpha() for char in tidy)
    if tidy[1:].isupper() and letters > 3 and folded not in _SUBJECT_ABBREVIATIONS:
        tidy = tidy.lower()
    return tidy[0].upper() + tidy[1:]


def normalize_list(text: str, *, subjects: bool = False) -> str:
    """A «;»-separated list as stored: items trimmed, empty items dropped, joined by «; ».

    >>> normalize_list(" русский;  ; Математика профиль", subjects=True)
    'Русский язык; Математика (профильная)'
    """
    items = (item.strip() for item in str(text).split(";"))
    items = (normalize_subject(item) if subjects else " ".join(item.split()) for item in items if item)
    return "; ".join(dict.fromkeys(item for item in items if item))


# --- the forms ---------------------------------------------------------------------------------------

PROCEDURES = ("ВПР", "ОГЭ", "ЕГЭ", "Годовые отметки", "Контрольный срез")
MARKED_PROCEDURES = ("ВПР", "ОГЭ", "Годовые отметки", "Контрольный срез")
SCHOOL_TYPES = ("СОШ", "ООШ", "НОШ", "лицей", "гимназия", "вечерняя (сменная)", "коррекционная", "другое")
LOCALITIES = ("город", "село")
TEACHER_CATEGORIES = (
    "высшая",
    "первая",
    "соответствие занимаемой должности",
    "без категории",
    "педагог-методист",
    "педагог-наставник",
)

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
_SCHOOL_TYPE_SYNONYMS = (
    ("Средняя общеобразовательная школа", "СОШ"),
    ("Средняя школа", "СОШ"),
    ("Основная общеобразовательная школа", "ООШ"),
    ("Основная школа", "ООШ"),
    ("Начальная общеобразовательная школа", "НОШ"),
    ("Начальная школа", "НОШ"),
    ("Начальная школа - детский сад", "НОШ"),
    ("Вечерняя", "вечерняя (сменная)"),
    ("Сменная", "вечерняя (сменная)"),
    ("Вечерняя школа", "вечерняя (сменная)"),
    ("В(С)ОШ", "вечерняя (сменная)"),
    ("Вечерняя (сменная) общеобразовательная школа", "вечерняя (сменная)"),
    ("Коррекционная школа", "коррекционная"),
    ("С(К)ОШ", "коррекционная"),
    ("Адаптированная", "коррекционная"),
    ("Центр образования", "другое"),
    ("Образовательный центр", "другое"),
    ("Школа-интернат", "другое"),
)
_LOCALITY_SYNONYMS = (
    ("городская", "город"),
    ("городская местность", "город"),
    ("сельская", "село"),
    ("сельская местность", "село"),
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

_SCHOOL_CODE_ALIASES = ("Код школы", "Код образовательной организации", "Код ОУ", "Код организации")
_SCHOOL_YEAR_ALIASES = ("Уч. год", "Учебный год (например, 2023/2024)")

_MIN_YEAR, _MAX_YEAR = 1990, 2100


def _school_code(example: str = "010001") -> Column:
    return Column(
        "Код ОО",
        "code",
        required=True,
        aliases=_SCHOOL_CODE_ALIASES,
        is_code=True,
        example=example,
        note="Код школы из реестра ОО; хранится как текст, ведущие нули сохраняются.",
    )


def _school_year() -> Column:
    return Column(
        "Учебный год",
        "year",
        "school_year",
        required=True,
        aliases=_SCHOOL_YEAR_ALIASES,
        minimum=_MIN_YEAR,
        maximum=_MAX_YEAR,
        example="2023/2024",
        note="2023/2024, 2023-2024, 2023/24 или год окончания 2024.",
    )


def _count(
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


SCHOOLS = FileForm(
    key="schools",
    title="Реестр ОО",
    key_fields=("code",),
    references_schools=False,
    columns=(
        _school_code(),
        Column(
            "Наименование",
            "name",
            required=True,
            aliases=("Полное наименование", "Наименование ОО"),
            example="Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная "
            "школа № 1»",
            note="Полное наименование.",
        ),
        Column(
            "Краткое наименование",
            "short_name",
            aliases=("Сокращённое наименование",),
            example="МБОУ СОШ № 1",
        ),
        Column(
            "Муниципалитет",
            "municipality",
            required=True,
            aliases=("Муниципальное образование", "Муниципальный район", "Район", "МО"),
            example="Заречный городской округ",
            note="Создаётся, если его ещё нет в регионе.",
        ),
        Column(
            "Тип ОО",
            "school_type",
            aliases=("Тип школы", "Вид ОО"),
            choices=SCHOOL_TYPES,
            synonyms=_SCHOOL_TYPE_SYNONYMS,
            example="СОШ",
        ),
        Column(
            "Местность",
            "locality",
            aliases=("Тип местности", "Город/село"),
            choices=LOCALITIES,
            synonyms=_LOCALITY_SYNONYMS,
            example="село",
        ),
        Column(
            "Адрес",
            "address",
            aliases=("Юридический адрес", "Фактический адрес"),
            example="с. Берёзовка, ул. Школьная, д. 1",
        ),
        Column(
            "Широта",
            "latitude",
            "decimal",
            minimum=-90,
            maximum=90,
            example="56,123456",
            note="В градусах, дробную часть можно отделять запятой.",
        ),
        Column(
            "Долгота",
            "longitude",
            "decimal",
            minimum=-180,
            maximum=180,
            example="47,654321",
            note="В градусах, дробную часть можно отделять запятой.",
        ),
        Column(
            "Директор", "director", aliases=("ФИО директора", "Руководитель"), example="Иванова Анна Петровна"
        ),
        Column("Телефон", "phone", example="+7 (8352) 12-34-56"),
        Column(
            "E-mail",
            "email",
            aliases=("Email", "Электронная почта", "Адрес электронной почты", "Почта"),
            pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
            pattern_hint="адрес электронной почты, например school@example.ru",
            example="school1@example.ru",
        ),
    ),
)

CONTEXT = FileForm(
    key="context",
    title="Контекстные данные",
    key_fields=("code", "year"),
    columns=(
        _school_code(),
        _school_year(),
        _count(
            "Обучающихся",
            "students",
            required=True,
            example="380",
            note="На начало учебного года.",
            aliases=("Численность обучающихся", "Количество обучающихся", "Всего обучающихся"),
        ),
        _count(
            "С ОВЗ",
            "students_disabled",
            example="12",
            aliases=("Обучающихся с ОВЗ",),
            note="Обучающиеся с ограниченными возможностями здоровья; не больше «Обучающихся».",
        ),
        _count(
            "Из малообеспеченных семей", "students_low_income", example="40", note="Не больше «Обучающихся»."
        ),
        _count("Из неполных семей", "students_single_parent", example="55", note="Не больше «Обучающихся»."),
        _count(
            "Неродной русский язык",
            "students_non_native",
            example="3",
            aliases=("Для которых русский язык не родной",),
            note="Не больше «Обучающихся».",
        ),
        _count(
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
        _count(
            "Педагогических работников", "teachers", example="28", aliases=("Педагогов", "Число педагогов")
        ),
        _count("Вакансий", "teacher_vacancies", example="2", note="Открытые вакансии педагогов."),
        _count(
            "Педагогов старше 60 лет",
            "teachers_over_60",
            example="5",
            note="Не больше «Педагогических работников».",
        ),
        _count(
            "Педагогов без педагогического образования",
            "teachers_without_pedagogy",
            example="1",
            note="Не больше «Педагогических работников».",
        ),
        _count(
            "Педагогов с внутренним совмещением",
            "teachers_part_time",
            example="6",
            note="Не больше «Педагогических работников».",
        ),
        _count("Компьютеров для учебных целей", "computers", example="30"),
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

_FOR_MARKS = Condition("procedure", MARKED_PROCEDURES)
_FOR_EGE = Condition("procedure", ("ЕГЭ",))
_FOR_VPR_OGE = Condition("procedure", ("ВПР", "ОГЭ"))


def _procedure() -> Column:
    return Column(
        "Процедура",
        "procedure",
        required=True,
        choices=PROCEDURES,
        synonyms=_PROCEDURE_SYNONYMS,
        aliases=("Вид оценочной процедуры", "Оценочная процедура"),
        example="ВПР",
    )


def _grade(example: str = "5") -> Column:
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


def _subject(example: str = "Русский язык") -> Column:
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


RESULTS = FileForm(
    key="results",
    title="Результаты по ОО",
    key_fields=("code", "year", "procedure", "grade", "subject"),
    columns=(
        _school_code(),
        _school_year(),
        _procedure(),
        _grade(),
        _subject(),
        _count(
            "Участников",
            "participants",
            required=True,
            example="25",
            aliases=("Количество участников", "Кол-во участников", "Число участников"),
        ),
        *(
            _count(
                str(mark),
                f"marks_{mark}",
                required_if=_FOR_MARKS,
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
        _count(
            "Не преодолели минимальный порог",
            "below_threshold",
            required_if=_FOR_EGE,
            aliases=("Не преодолели порог", "Ниже минимального порога"),
            note="Обязательно для ЕГЭ; не больше «Участников».",
        ),
        *(
            _count(
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
            ("marks_2", "marks_3", "marks_4", "marks_5"), "participants", "числу участников", when=_FOR_MARKS
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

STUDENT_RESULTS = FileForm(
    key="student-results",
    title="Результаты участников",
    key_fields=("code", "year", "procedure", "subject", "participant_code"),
    columns=(
        _school_code(),
        _school_year(),
        _procedure(),
        _grade(),
        _subject("Математика"),
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
            required_if=_FOR_EGE,
            note="Обязательно для ЕГЭ; от 0 до 100.",
        ),
        Column(
            "Отметка",
            "mark",
            "int",
            minimum=2,
            maximum=5,
            required_if=_FOR_VPR_OGE,
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

OUTCOMES = FileForm(
    key="outcomes",
    title="Итоги учебного года",
    key_fields=("code", "year"),
    columns=(
        _school_code(),
        _school_year(),
        _count("Обучающихся на конец года", "students_end", required=True, example="376"),
        _count(
            "Неуспевающих",
            "failing",
            example="9",
            note="С неудовлетворительной годовой отметкой хотя бы по одному предмету.",
        ),
        _count("Оставлены на повторное обучение", "repeating", example="1"),
        _count("Выпускников 9 классов", "graduates_9", example="34"),
        _count(
            "Не получили аттестат (9)",
            "no_certificate_9",
            example="1",
            note="Не больше «Выпускников 9 классов».",
        ),
        _count("Выпускников 11 классов", "graduates_11", example="15"),
        _count(
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

TEACHERS = FileForm(
    key="teachers",
    title="Педагоги",
    key_fields=("code", "teacher_code"),
    columns=(
        _school_code(),
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
            minimum=_MIN_YEAR,
            maximum=_MAX_YEAR,
            aliases=("Год последнего повышения квалификации", "Последнее повышение квалификации"),
            example="2023",
            note="Год окончания последних курсов повышения квалификации.",
        ),
    ),
    parts=(PartOf("experience_years", "age", "возраста"),),
)

FORMS: dict[str, FileForm] = {
    form.key: form for form in (SCHOOLS, CONTEXT, RESULTS, STUDENT_RESULTS, OUTCOMES, TEACHERS)
}
"""Every form by its key: the values of ``opora import --kind``."""


# --- school years ------------------------------------------------------------------------------------

_YEAR_PAIR = re.compile(r"^\s*(\d{4})\s*[/\-–—]\s*(\d{2}|\d{4})\s*(?:г\.?|уч\.?\s*г\.?)?\s*$")
_YEAR_SINGLE = re.compile(r"^\s*(\d{4})\s*(?:г\.?)?\s*$")


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
            raise ValueError(
                f"«{text}»: год окончания должен быть на единицу больше года начала; "
                "ожидается учебный год, например 2023/2024"
            )
        return _checked_year(end, text)
    single = _YEAR_SINGLE.match(text)
    if single:
        return _checked_year(int(single.group(1)), text)
    raise ValueError(f"«{text}» не является учебным годом; ожидается, например, 2023/2024")


def _checked_year(year: int, text: str) -> int:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValueError(
            f"«{text}»: учебный год вне допустимого диапазона; ожидается год окончания от {_MIN_YEAR} до "
            f"{_MAX_YEAR}"
        )
    return year


def school_year_label(end_year: int) -> str:
    """The school year ending in ``end_year`` as written in files: ``2024`` → ``2023/2024``."""
    return f"{end_year - 1}/{end_year}"
