"""How a file form is described: its columns and rules, and how names and values are read.

Pure Python (no Django), so the demo generator, the importer and analysts' notebooks share one
definition. Each form is a module of this package (``schools``, ``context``, ``results``, …).
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
    default: str | None = None
    """The value of every row when the file has no such column (a period absent means the year)."""
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
    recognised_by: tuple[str, ...] = ()
    """Fields of which a file must name one at least for the form to be recognised from its columns:
    a questionnaire's questions, since its only required columns (the school, the year) are every form's."""

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



MIN_YEAR, MAX_YEAR = 1990, 2100
"""The school years a file may name (their end years)."""


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
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(
            f"«{text}»: учебный год вне допустимого диапазона; ожидается год окончания от {MIN_YEAR} до "
            f"{MAX_YEAR}"
        )
    return year


def school_year_label(end_year: int) -> str:
    """The school year ending in ``end_year`` as written in files: ``2024`` → ``2023/2024``."""
    return f"{end_year - 1}/{end_year}"
