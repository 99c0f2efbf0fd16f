"""Reading a roadmap (form 6) or an indicator table (form 7) out of a Word (.docx) or Excel (.xlsx) file.

``read_program_file`` finds the table(s) in the file, binds their columns by meaning (names and
synonyms of DATA_FORMATS.md §6–7, in any order; extra columns are ignored with a warning), and
gives plain dataclasses: sections, activities with their row numbers, indicators with a target
per year column, and every problem found, each naming the file, the table (or sheet), the row
and the column, in Russian. No database: ``opora.programs.importing`` checks and writes.

How a table is read, as the orders lay it out:

- the header is the first row that names the columns (a second header row under a merged
  «Плановое значение» or «Учебные годы» cell gives the year columns); a row that repeats the
  header, or only numbers the columns («1 | 2 | 3»), is skipped;
- a section row is one merged cell across the table («1. Организационные мероприятия»), or a row
  with only a number and a title, or a bold title alone; its activities follow it;
- a row without a number under an activity continues it (the orders break a row across pages),
  so its cells are joined to the activity's; the lines of a cell are joined with spaces, a word
  broken by a hyphen at the end of a line is put together again;
- in an indicator table, rows without a number under a section whose title ends with a colon
  are the indicators it lists («6.3 Положительная динамика …: русский язык»), and a section title
  «Единица измерения: %» gives the unit of its indicators when the table has no unit column;
- empty rows are skipped; a table inside the passport (its label column merged down the
  rows) ends where the label changes.

>>> document = read_program_file(_example_xlsx(), "план.xlsx", "roadmap")
>>> [(a.row, a.number, a.deadline) for a in document.activities]
[(3, '1.1', 'Октябрь 2023')]
>>> document.sections[0].title
'Организационные мероприятия'
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from opora.core.formatting import quantity
from opora.programs.deadlines import document_period

Kind = Literal["roadmap", "indicators"]
Level = Literal["error", "warning"]
KINDS: dict[str, str] = {"roadmap": "дорожная карта (план мероприятий)", "indicators": "таблица показателей"}

MAX_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 60
GROUP_ROWS = 10
"""How many row numbers a group of repeated problems names."""


# --- what the reading gives ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """An error or a warning and where it is: «Файл «план.docx», таблица 2, строка 14, столбец «Сроки»: …»."""

    level: Level
    message: str
    file_name: str
    table: str | None = None  # «таблица 2» or «лист «Дорожная карта»»
    row: int | None = None
    column: str | None = None
    code: str = ""  # the kind of problem: problems of one kind are grouped

    @property
    def place(self) -> str:
        parts = [f"Файл «{self.file_name}»"]
        if self.table:
            parts.append(self.table)
        if self.row is not None:
            parts.append(f"строка {self.row}")
        if self.column:
            parts.append(f"столбец «{self.column}»")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


@dataclass(frozen=True)
class ProblemGroup:
    """Problems of one kind in one column: how many, the first rows, and the first in full.

    ``str(group)`` reads as one line: «Файл …, таблица 1, строка 31, столбец «Ответственные»: не
    указаны ответственные — и ещё 2 такие строки (строки 40, 52)».
    """

    level: Level
    column: str | None
    count: int
    rows: tuple[int, ...]
    example: str

    def __str__(self) -> str:
        if self.count <= 1:
            return self.example
        more = quantity(self.count - 1, "такая строка", "такие строки", "таких строк")
        shown = [str(row) for row in self.rows[1:]]
        listed = f" (строки {', '.join(shown)}{', …' if self.count > len(self.rows) else ''})" if shown else ""
        return f"{self.example} — и ещё {more}{listed}"


@dataclass(frozen=True)
class SectionRow:
    """A section heading (направление, задача, этап) of a table."""

    number: str
    title: str
    table: str
    row: int


@dataclass(frozen=True)
class ActivityRow:
    """An activity as its row writes it; ``section`` is the index of its section in ``sections``."""

    table: str
    row: int
    section: int | None
    number: str
    content: str
    deadline: str
    owners: str
    expected_result: str


@dataclass(frozen=True)
class IndicatorRow:
    """An indicator: unit, baseline and the target of each year column («2021», «2020/2021»)."""

    table: str
    row: int
    section: int | None
    number: str
    name: str
    unit: str
    baseline: str
    targets: dict[str, str]


@dataclass(frozen=True)
class ProgramFile:
    """What a file holds for a program: its tables read, and what is wrong with them.

    ``title``, ``period`` and ``passport`` are what the document says about the program itself
    (its heading, its «Сроки реализации», the rows of its passport table), for a new program.
    """

    file_name: str
    title: str = ""
    period: tuple[datetime.date, datetime.date] | None = None
    passport: dict[str, str] = field(default_factory=dict)
    sections: tuple[SectionRow, ...] = ()
    activities: tuple[ActivityRow, ...] = ()
    indicator_sections: tuple[SectionRow, ...] = ()
    indicators: tuple[IndicatorRow, ...] = ()
    years: tuple[str, ...] = ()
    tables: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The tables read for each kind: {"roadmap": ("таблица 3",), …}."""
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    """For each kind, each field's column as the file names it: {"roadmap": {"deadline": "Сроки"}}."""
    problems: tuple[Problem, ...] = ()

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def groups(self) -> list[ProblemGroup]:
        return group_problems(self.problems)

    def has(self, kind: Kind) -> bool:
        return bool(self.tables.get(kind))


def group_problems(problems: Iterable[Problem]) -> list[ProblemGroup]:
    """Errors, then warnings: one group per kind of problem in one table and column, in file order."""
    groups: dict[tuple, list[Problem]] = {}
    for problem in problems:
        key = (problem.level, problem.code or problem.message, problem.table, problem.column)
        groups.setdefault(key, []).append(problem)
    result = [
        ProblemGroup(
            level=members[0].level,
            column=members[0].column,
            count=len(members),
            rows=tuple(problem.row for problem in members if problem.row is not None)[:GROUP_ROWS],
            example=str(members[0]),
        )
        for members in groups.values()
    ]
    return sorted(result, key=lambda group: group.level != "error")


# --- columns by meaning -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Field:
    key: str
    header: str  # the name of DATA_FORMATS.md
    synonyms: str  # said in a message: «(или «Сроки исполнения»)»
    pattern: re.Pattern[str]
    required: bool = False


def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)


_NUMBER = _Field("number", "№", "", _pattern(r"^(№|n|no|номер)\s*(п\s*/\s*п|пп|/\s*п|п/п)?$|^п\s*/\s*п$"))
# Order matters: «Результат мероприятия» is a result, «Сроки проведения мероприятия» a deadline.
ROADMAP_FIELDS = (
    _NUMBER,
    _Field("deadline", "Сроки", "«Сроки исполнения», «Срок»", _pattern(r"^срок|^дата|^период"), True),
    _Field(
        "owners",
        "Ответственные",
        "«Ответственный исполнитель», «Исполнители»",
        _pattern(r"ответствен|исполнител"),
        True,
    ),
    _Field(
        "expected_result",
        "Ожидаемый результат",
        "«Планируемый результат», «Ожидаемые результаты», «Результат»",
        _pattern(r"^(ожидаем|планируем|прогнозируем|предполагаем)\w* (конечн\w* )?результат|^результат|^эффект"),
    ),
    _Field(
        "content",
        "Мероприятие",
        "«Содержание действия», «Основные мероприятия»",
        _pattern(r"мероприяти|^содержание|^действи|^наименование (работ|действи)|^виды? (работ|деятельности)"),
        True,
    ),
)
INDICATOR_FIELDS = (
    _NUMBER,
    _Field(
        "baseline",
        "Базовое значение",
        "«На начало реализации программы»",
        _pattern(r"^базов|^на начало|^исходн|^значение на начало|^стартов"),
    ),
    _Field("unit", "Ед. измерения", "«Единица измерения»", _pattern(r"^ед\.?\s*изм|^единиц\w* измерени")),
    _Field(
        "name",
        "Наименование показателя",
        "«Показатель», «Индикатор»",
        _pattern(r"^(наименование|название)( целев\w*)? (показател|индикатор)|^(целев\w* )?показател|^индикатор"),
        True,
    ),
)
# The order the forms name their columns in (DATA_FORMATS.md §6, §7), for messages.
_SHOWN_ORDER = ("number", "content", "deadline", "owners", "expected_result", "name", "unit", "baseline")
FIELDS: dict[str, tuple[_Field, ...]] = {"roadmap": ROADMAP_FIELDS, "indicators": INDICATOR_FIELDS}
_MAIN = {"roadmap": "content", "indicators": "name"}
_YEAR_WORDS = {"год", "года", "г", "гг", "уч", "учебный", "на", "план", "плановое", "целевое", "значение", "цель"}
_PASSPORT = (
    ("title", r"^(наименование|название) (под)?программы|^наименование$"),
    ("period", r"^(срок|период)\w* (и этапы )?реализации"),
    ("goal", r"^цел[ьи]\b"),
    ("tasks", r"^задач[аи]\b"),
    ("developers", r"разработчик"),
    ("executors", r"исполнител|^участники"),
    ("expected_results", r"ожидаем\w* (конечн\w* )?результат|^планируем\w* результат"),
    ("legal_basis", r"нормативн|основани\w* (для )?разработки|правов\w* основ"),
    ("control", r"^контрол|^система (организации )?контрол"),
)
PASSPORT_FIELDS = tuple(key for key, _ in _PASSPORT if key != "period")
_TITLE = re.compile(
    r"^(\d+\.\s*)?((муниципальн|региональн|школьн)\w* )?(дорожная карта|план мероприятий|план-график|"
    r"(под)?программа|комплекс мер|антирисков)",
    re.IGNORECASE,
)
_SECTION_NUMBER = re.compile(r"^((?:\d{1,2}|[IVX]{1,4})(?:\.\d{1,2})*\.?)\s+(\S.*)$")
_NUMBER_LIKE = re.compile(r"^(?:\d{1,3}|[IVX]{1,4})(?:\.\d{1,3})*\.?$")


def normalised(text: str) -> str:
    """A header as compared: lower case, е for ё, no quotes, single spaces, no trailing colon or dot."""
    line = text.lower().replace("ё", "е").replace("\xa0", " ")
    line = re.sub(r"[«»\"“”„']", "", line)
    line = re.sub(r"\s+", " ", line).strip()
    return line.rstrip(":.").strip()


def year_label(header: str) -> str | None:
    """The year a target column is for, as targets are keyed: «2021», «2020/2021»; None for another column.

    >>> year_label("2020-2021"), year_label("2024 год"), year_label("На 2023/24 уч. год"), year_label("Цель")
    ('2020/2021', '2024', '2023/2024', None)
    """
    line = normalised(header).replace("–", "-").replace("—", "-")
    line = re.sub(r"(\d{4})\s*([-/])\s*(\d{2,4})", r"\1\2\3", line)
    words = [word for word in re.split(r"[\s.,()]+", line) if word and word not in _YEAR_WORDS]
    if len(words) != 1:
        return None
    match = re.fullmatch(r"(\d{4})(?:[-/](\d{2}|\d{4}))?", words[0])
    if not match:
        return None
    first = int(match.group(1))
    if not 1990 <= first <= 2100:
        return None
    if match.group(2) is None:
        return str(first)
    second = match.group(2)
    last = first // 100 * 100 + int(second) if len(second) == 2 else int(second)
    return f"{first}/{last}" if last == first + 1 else None


def _field_of(text: str, kind: Kind) -> str | None:
    line = normalised(text)
    if not line:
        return None
    for item in FIELDS[kind]:
        if item.pattern.search(line):
            return item.key
    if kind == "indicators" and year_label(text):
        return "year"
    return None


# --- the file as tables -------------------------------------------------------------------------------


@dataclass(eq=False)
class _Cell:
    """A cell of the layout grid; one object stands for all the grid cells a merged cell covers."""

    text: str = ""
    lines: tuple[str, ...] = ()
    bold: bool = False


_EMPTY = _Cell()


@dataclass
class _Row:
    number: int  # as the user counts: the row of the table, or the row of the sheet
    cells: list[_Cell]

    def cell(self, index: int) -> _Cell:
        return self.cells[index] if 0 <= index < len(self.cells) else _EMPTY


@dataclass
class _Grid:
    name: str  # «таблица 2», «лист «Дорожная карта»»
    rows: list[_Row]
    before: list[str]  # the paragraphs (or lone cells of a sheet) since the previous table
    truncated: bool = False
    sheet: bool = False

    @property
    def width(self) -> int:
        return max((len(row.cells) for row in self.rows), default=0)


class _Refused(Exception):
    pass


def _joined_lines(lines: Iterable[str]) -> str:
    """The lines of a wrapped cell as one text; «квалифи-» + «кации» is «квалификации», «научно-» + … keeps it."""
    text = ""
    for raw in lines:
        line = re.sub(r"\s+", " ", raw).strip()
        if not line:
            continue
        if not text:
            text = line
        elif re.search(r"[А-Яа-яЁёA-Za-z]-$", text) and line[:1].islower():
            text = text + line if text[-2].lower() in "оеё" else text[:-1] + line
        else:
            text = f"{text} {line}"
    return text


def _file_grids(content: bytes, file_name: str) -> tuple[list[_Grid], list[str]]:
    if len(content) > MAX_BYTES:
        raise _Refused(f"Файл «{file_name}» больше 20 МБ; таблицы программы столько не занимают.")
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise _Refused(
            f"Файл «{file_name}» сохранён в старом формате (.doc или .xls). Откройте его в Word или Excel и "
            "сохраните как «Документ Word (.docx)» или «Книга Excel (.xlsx)»."
        )
    if not content.startswith(b"PK"):
        raise _Refused(
            f"Файл «{file_name}» — не документ Word (.docx) и не книга Excel (.xlsx). Дорожную карту и таблицу "
            "показателей можно загрузить только в этих форматах."
        )
    try:
        package = zipfile.ZipFile(io.BytesIO(content))
        names = set(package.namelist())
        unpacked = sum(info.file_size for info in package.infolist())
    except Exception as error:  # BadZipFile, zlib.error, an unsupported method
        raise _Refused(f"Файл «{file_name}» повреждён: его не удалось открыть. Сохраните его заново.") from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise _Refused(f"Файл «{file_name}» слишком большой после распаковки.")
    try:
        if "word/document.xml" in names:
            return _docx_grids(content)
        if "xl/workbook.xml" in names:
            return _xlsx_grids(content)
    except _Refused:
        raise
    except Exception as error:  # the readers fail in many ways on a broken file
        raise _Refused(
            f"Файл «{file_name}» повреждён: его не удалось прочитать. Откройте его в Word или Excel, сохраните "
            "заново и загрузите снова."
        ) from error
    raise _Refused(f"Файл «{file_name}» — архив, но не документ Word (.docx) и не книга Excel (.xlsx).")


def _docx_grids(content: bytes) -> tuple[list[_Grid], list[str]]:
    import docx
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(content))
    grids: list[_Grid] = []
    paragraphs: list[str] = []
    before: list[str] = []

    def cell_of(tc) -> _Cell:
        texts = [Paragraph(p, document).text for p in tc.iterchildren(qn("w:p"))]
        lines = tuple(line.strip() for text in texts for line in text.split("\n") if line.strip())
        runs = [run for p in tc.iterchildren(qn("w:p")) for run in Paragraph(p, document).runs if run.text.strip()]
        return _Cell(_joined_lines(lines), lines, bool(runs) and all(run.bold for run in runs))

    def table(tbl) -> None:
        rows: list[_Row] = []
        above: list[_Cell] = []
        nested = []
        for number, tr in enumerate(tbl.tr_lst, start=1):
            if number > MAX_ROWS:
                break
            cells: list[_Cell] = [_EMPTY] * (tr.grid_before or 0)
            for tc in tr.tc_lst:
                span = max(tc.grid_span, 1)
                if tc.vMerge == "continue":
                    start = len(cells)
                    cells.extend(above[start + k] if start + k < len(above) else _EMPTY for k in range(span))
                else:
                    cells.extend([cell_of(tc)] * span)
                nested.extend(tc.iterchildren(qn("w:tbl")))
            rows.append(_Row(number, cells[:MAX_COLUMNS]))
            above = cells
        grids.append(_Grid(f"таблица {len(grids) + 1}", rows, list(before), truncated=len(tbl.tr_lst) > MAX_ROWS))
        before.clear()
        for inner in nested:
            table(inner)

    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            text = Paragraph(child, document).text.strip()
            if text:
                paragraphs.append(text)
                before.append(text)
        elif child.tag == qn("w:tbl"):
            table(child)
    return grids, paragraphs


def _xlsx_grids(content: bytes) -> tuple[list[_Grid], list[str]]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    grids: list[_Grid] = []
    paragraphs: list[str] = []
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible":
            continue
        origins: dict[tuple[int, int], tuple[int, int]] = {}
        for merged in sheet.merged_cells.ranges:
            for row in range(merged.min_row, min(merged.max_row, MAX_ROWS) + 1):
                for column in range(merged.min_col, min(merged.max_col, MAX_COLUMNS) + 1):
                    origins[row, column] = (merged.min_row, merged.min_col)
        cache: dict[tuple[int, int], _Cell] = {}
        rows: list[_Row] = []
        last_row, last_column = min(sheet.max_row, MAX_ROWS), min(sheet.max_column, MAX_COLUMNS)
        values = {
            (cell.row, cell.column): cell
            for line in sheet.iter_rows(min_row=1, max_row=last_row, max_col=last_column)
            for cell in line
            if cell.value is not None
        }
        for row_number in range(1, last_row + 1):
            cells = []
            for column in range(1, last_column + 1):
                origin = origins.get((row_number, column), (row_number, column))
                if origin not in cache:
                    source = values.get(origin)
                    if source is None:
                        cache[origin] = _EMPTY
                    else:
                        lines = tuple(line.strip() for line in _cell_text(source.value).split("\n") if line.strip())
                        cache[origin] = _Cell(_joined_lines(lines), lines, bool(source.font and source.font.b))
                cells.append(cache[origin])
            rows.append(_Row(row_number, cells))
        grids.append(_Grid(f"лист «{sheet.title}»", rows, [], truncated=sheet.max_row > MAX_ROWS, sheet=True))
    return grids, paragraphs


def _cell_text(value: object) -> str:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}".replace(".", ",")
    return str(value)


# --- a table: its header and its rows -----------------------------------------------------------------


@dataclass
class _Header:
    row_index: int  # the index in grid.rows of the last header row
    row_number: int
    fields: dict[str, int]  # field → column
    headers: dict[str, str]  # field → header as written
    years: list[tuple[str, int, str]]  # (label, column, header as written)
    extra: list[tuple[int, str]]
    labels: list[int]  # columns of a merged label of an outer table (a passport's «Показатели»)
    repeated: list[tuple[str, list[str]]]
    texts: list[str]  # every header as written, for messages


def _header_cells(row: _Row) -> list[tuple[int, _Cell]]:
    """The row's distinct cells with the first column each covers."""
    seen: set[int] = set()
    result = []
    for index, cell in enumerate(row.cells):
        if id(cell) in seen or cell is _EMPTY:
            continue
        seen.add(id(cell))
        result.append((index, cell))
    return result


def _find_header(grid: _Grid, kind: Kind) -> _Header | None:
    """The first row (with the row under it, when that one names the year columns) that names the table's columns."""
    for index, row in enumerate(grid.rows):
        if not any(cell.text for cell in row.cells):
            continue
        header = _header_at(grid, index, kind)
        found = set(header.fields) | ({"year"} if header.years else set())
        if kind == "roadmap":
            results = found & {"deadline", "owners", "expected_result"}
            qualifies = ("content" in found and results) or len(results) >= 2
        else:
            qualifies = ("name" in found and found & {"unit", "baseline", "year"}) or (
                "year" in found and found & {"unit", "baseline"}
            )
        if qualifies:
            return header
    return None


def _header_at(grid: _Grid, index: int, kind: Kind) -> _Header:
    row = grid.rows[index]
    texts = [cell.text for cell in row.cells]
    owners = list(row.cells)
    last = index
    if index + 1 < len(grid.rows):  # a second header row: years under «Плановое значение», «Учебные годы»
        below = grid.rows[index + 1]
        own = [(c, cell) for c, cell in _header_cells(below) if cell is not row.cell(c) and cell.text]
        spans = {id(cell): sum(1 for other in row.cells if other is cell) for cell in row.cells}
        if own and all(
            _field_of(cell.text, kind) and (spans[id(row.cell(c))] >= 2 or not row.cell(c).text) for c, cell in own
        ):
            last = index + 1
            for column, cell in enumerate(below.cells):
                if cell is not row.cell(column) and cell.text:
                    texts[column] = cell.text
                    owners[column] = cell
    fields: dict[str, int] = {}
    headers: dict[str, str] = {}
    named: dict[str, list[str]] = {}
    years: list[tuple[str, int, str]] = []
    extra: list[tuple[int, str]] = []
    labels: list[int] = []
    seen: set[int] = set()
    above = grid.rows[index - 1] if index else None
    for column, text in enumerate(texts):
        if id(owners[column]) in seen or not text:
            continue
        seen.add(id(owners[column]))
        if above is not None and above.cell(column) is row.cell(column):
            labels.append(column)  # merged down from above the header: the label of an outer table
            continue
        key = _field_of(text, kind)
        if key == "year":
            label = year_label(text) or text
            if label in {item[0] for item in years}:
                named.setdefault(f"year:{label}", [next(h for lab, _, h in years if lab == label)]).append(text)
            else:
                years.append((label, column, text))
        elif key:
            named.setdefault(key, []).append(text)
            if key not in fields:
                fields[key], headers[key] = column, text
        else:
            extra.append((column, text))
    repeated = [(key, values) for key, values in named.items() if len(values) > 1]
    shown: list[str] = []
    for column, text in enumerate(texts):
        if text and (not shown or shown[-1] != text) and column not in labels:
            shown.append(text)
    return _Header(last, grid.rows[last].number, fields, headers, years, extra, labels, repeated, shown)


def _grid_headers(grid: _Grid) -> list[str]:
    """The texts of a table's first row that has any, for a message."""
    for row in grid.rows:
        texts = [cell.text for _, cell in _header_cells(row) if cell.text]
        if texts:
            return [text if len(text) <= 60 else text[:57] + "…" for text in texts[:8]]
    return []


class _Reader:
    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.problems: list[Problem] = []

    def problem(
        self,
        level: Level,
        message: str,
        *,
        table: str | None = None,
        row: int | None = None,
        column: str | None = None,
        code: str = "",
    ) -> None:
        self.problems.append(Problem(level, message, self.file_name, table, row, column, code))

    def error(self, message: str, **where) -> None:
        self.problem("error", message, **where)

    def warning(self, message: str, **where) -> None:
        self.problem("warning", message, **where)

    def ok_so_far(self) -> bool:
        return not any(problem.level == "error" for problem in self.problems)

    # -- header problems

    def check_header(self, grid: _Grid, header: _Header, kind: Kind) -> bool:
        ok = True
        found = ", ".join(f"«{text}»" for text in header.texts) or "нет названий"
        for item in sorted(FIELDS[kind], key=lambda item: _SHOWN_ORDER.index(item.key)):
            if item.required and item.key not in header.fields:
                also = f" (или {item.synonyms})" if item.synonyms else ""
                self.error(
                    f"нет столбца «{item.header}»{also}; в таблице есть столбцы: {found}. Порядок столбцов не "
                    "важен, но названия должны быть в первой строке таблицы.",
                    table=grid.name,
                    row=header.row_number,
                    code=f"missing:{item.key}",
                )
                ok = False
        if kind == "indicators" and not header.years:
            self.error(
                "нет ни одного столбца года с целевыми значениями («2024», «2023/2024»); в таблице есть столбцы: "
                f"{found}.",
                table=grid.name,
                row=header.row_number,
                code="missing:years",
            )
            ok = False
        for key, values in header.repeated:
            named = ", ".join(f"«{value}»" for value in values)
            what = key.removeprefix("year:") if key.startswith("year:") else _header_name(kind, key)
            self.error(
                f"столбец «{what}» встречается {len(values)} раза ({named}); оставьте один.",
                table=grid.name,
                row=header.row_number,
                code=f"repeated:{key}",
            )
            ok = False
        if header.extra:
            named = ", ".join(f"«{text}»" for _, text in header.extra)
            self.warning(
                f"столбцы {named} не входят в {'дорожную карту' if kind == 'roadmap' else 'таблицу показателей'} "
                "и не будут загружены.",
                table=grid.name,
                row=header.row_number,
                code="extra",
            )
        if grid.truncated:
            self.warning(
                f"в таблице больше {MAX_ROWS} строк; прочитаны первые {MAX_ROWS}.", table=grid.name, code="truncated"
            )
        return ok


def _header_name(kind: Kind, key: str) -> str:
    return next(item.header for item in FIELDS[kind] if item.key == key)


# --- rows ---------------------------------------------------------------------------------------------


@dataclass
class _Block:
    """The rows of one table below its header, with the columns bound."""

    grid: _Grid
    header: _Header
    start: int  # the index of the first row after the header

    def rows(self) -> Iterable[_Row]:
        header_row = self.grid.rows[self.header.row_index] if self.header.row_index >= 0 else None
        for row in self.grid.rows[self.start :]:
            if header_row is not None and any(
                row.cell(column) is not header_row.cell(column) for column in self.header.labels
            ):
                return  # the outer table's label changed: this table inside it has ended
            yield row

    def columns(self) -> list[int]:
        return sorted({*self.header.fields.values(), *(column for _, column, _ in self.header.years)})

    def is_header_again(self, row: _Row) -> bool:
        """A header repeated on a new page, or the row that numbers the columns («1 | 2 | 3 | 4 | 5»)."""
        texts = [row.cell(column).text for column in self.columns()]
        if all(
            not text or normalised(text) == normalised(self.header_text(column))
            for text, column in zip(texts, self.columns(), strict=True)
        ) and any(texts):
            return True
        numbers = [text for text in texts if text]
        return len(numbers) >= 3 and numbers == [str(n) for n in range(1, len(numbers) + 1)]

    def header_text(self, column: int) -> str:
        for key, index in self.header.fields.items():
            if index == column:
                return self.header.headers[key]
        return next((text for _, index, text in self.header.years if index == column), "")


def _section_of(block: _Block, row: _Row, kind: Kind, has_previous: bool) -> tuple[str, str] | None:
    """(number, title) when the row is a section heading."""
    fields = block.header.fields
    columns = block.columns()
    cells = [row.cell(column) for column in columns]
    filled = {id(cell): cell for cell in cells if cell.text}
    if not filled:
        return None
    number_cell = row.cell(fields["number"]) if "number" in fields else _EMPTY
    main_cell = row.cell(fields[_MAIN[kind]]) if _MAIN[kind] in fields else _EMPTY
    spans = {id(cell): sum(1 for other in cells if other is cell) for cell in filled.values()}
    if len(filled) == 1 and len(columns) > 2:
        (only,) = filled.values()
        if spans[id(only)] >= 2:  # one merged cell across the table
            return _split_section(only.text)
    others = [cell for cell in filled.values() if cell is not number_cell]
    if number_cell.text and len(others) == 1 and spans[id(others[0])] >= 2 and len(columns) > 2:
        return number_cell.text, others[0].text  # a number, and the title merged across the rest
    if number_cell.text and main_cell.text and set(filled) == {id(number_cell), id(main_cell)}:
        return number_cell.text, main_cell.text  # only a number and a title
    if set(filled) == {id(main_cell)} and not number_cell.text and (main_cell.bold or not has_previous):
        return _split_section(main_cell.text)
    return None


def _split_section(text: str) -> tuple[str, str]:
    match = _SECTION_NUMBER.match(text)
    if match and not re.match(r"^\d{1,2}\s+(?:раз|неделя|квартал|полугоди)", text):
        return match.group(1), match.group(2).strip()
    return "", text


def _unit_hint(title: str) -> str | None:
    match = re.search(r"единиц\w*\s+измерени\w*\s*[:\-–]\s*(.+)$", title, re.IGNORECASE)
    return match.group(1).strip().rstrip(".").strip() if match else None


class _TableReader:
    """Rows of the blocks of one kind, into sections and activities or indicators."""

    def __init__(self, reader: _Reader, kind: Kind) -> None:
        self.reader = reader
        self.kind = kind
        self.sections: list[SectionRow] = []
        self.items: list[dict] = []
        self.years: list[str] = []

    def read(self, block: _Block) -> None:
        fields = block.header.fields
        for label, _, _ in block.header.years:
            if label not in self.years:
                self.years.append(label)
        previous_row: _Row | None = None
        previous_item: dict | None = None  # the item the next unnumbered row may continue
        unit_hint = ""
        list_section: int | None = None  # a section whose title ends with a colon: its rows are its items
        for row in block.rows():
            columns = block.columns()
            if not any(row.cell(column).text for column in columns) or block.is_header_again(row):
                continue
            section = _section_of(block, row, self.kind, previous_item is not None)
            if section is not None:
                number, title = section
                self.sections.append(SectionRow(number, title, block.grid.name, row.number))
                hint = _unit_hint(title)
                if hint is not None:
                    unit_hint = hint
                elif not title.endswith(":") and not number.count("."):
                    unit_hint = ""
                list_section = len(self.sections) - 1 if title.endswith(":") else None
                previous_item, previous_row = None, row
                continue
            values = {key: row.cell(column).text for key, column in fields.items()}
            targets = {label: row.cell(column).text for label, column, _ in block.header.years}
            number = values.get("number", "")
            if not number and "number" in fields and previous_item is not None and previous_row is not None:
                self.continue_item(previous_item, block, row, previous_row)
                previous_row = row
                continue
            item: dict = {
                "table": block.grid.name,
                "row": row.number,
                "section": len(self.sections) - 1 if self.sections else None,
                "number": number,
                **{key: value for key, value in values.items() if key != "number"},
            }
            if self.kind == "indicators":
                item["targets"] = {label: value for label, value in targets.items() if value}
                if not item.get("unit") and unit_hint:
                    item["unit"] = unit_hint
                if not number and list_section is not None:
                    parent = self.sections[list_section]
                    item["number"] = parent.number
                    item["name"] = f"{parent.title} {item.get('name', '')}".strip()
            main = _MAIN[self.kind]
            if not item.get(main):
                self.reader.error(
                    "не заполнено мероприятие." if self.kind == "roadmap" else "не заполнено наименование показателя.",
                    table=block.grid.name,
                    row=row.number,
                    column=block.header.headers.get(main),
                    code="empty:main",
                )
                previous_item, previous_row = None, row
                continue
            self.items.append(item)
            previous_item = item if self.kind == "roadmap" or list_section is None else None
            previous_row = row

    def continue_item(self, item: dict, block: _Block, row: _Row, previous_row: _Row) -> None:
        """A row broken across pages: its cells go on the item's."""
        for key, column in block.header.fields.items():
            cell = row.cell(column)
            if key == "number" or not cell.text or cell is previous_row.cell(column):
                continue
            item[key] = _joined_lines([item.get(key, ""), cell.text])
        for label, column, _ in block.header.years:
            cell = row.cell(column)
            if cell.text and cell is not previous_row.cell(column):
                targets = item.setdefault("targets", {})
                targets[label] = _joined_lines([targets.get(label, ""), cell.text])


# --- the whole file -----------------------------------------------------------------------------------


def read_program_file(content: bytes, file_name: str, kind: Kind | None = None) -> ProgramFile:
    """Read the roadmap and/or the indicator table of a .docx or .xlsx file.

    Parameters
    ----------
    content, file_name
        The file and the name the user gave it (used in messages).
    kind
        «roadmap» or «indicators»: the table that must be there (the other is not read); None reads
        whichever the file holds and wants at least one.

    Returns
    -------
    ProgramFile
        The tables as dataclasses, and the problems found (``ok`` is False when there are errors).
    """
    reader = _Reader(file_name)
    try:
        grids, paragraphs = _file_grids(content, file_name)
    except _Refused as refusal:
        return ProgramFile(file_name, problems=(Problem("error", str(refusal), file_name, code="file"),))
    kinds: tuple[Kind, ...] = (kind,) if kind else ("roadmap", "indicators")
    results: dict[str, _TableReader] = {}
    tables: dict[str, tuple[str, ...]] = {}
    columns: dict[str, dict[str, str]] = {}
    blocks_read: list[_Block] = []
    first_used: int | None = None
    for item in kinds:
        blocks = _blocks(grids, item)
        if not blocks:
            continue
        if kind is None:  # a header over nothing (a workbook's empty sheet) is no table of the file
            blocks = [block for block in blocks if _has_data(block)]
            if not blocks:
                continue
        table_reader = _TableReader(reader, item)
        for block in blocks:
            if block.header.row_index >= 0 and not reader.check_header(block.grid, block.header, item):
                continue
            table_reader.read(block)
            blocks_read.append(block)
            index = grids.index(block.grid)
            first_used = index if first_used is None else min(first_used, index)
        results[item] = table_reader
        tables[item] = tuple(dict.fromkeys(block.grid.name for block in blocks))
        columns[item] = dict(blocks[0].header.headers)
        for label, _, text in blocks[0].header.years:
            columns[item][f"year:{label}"] = text
    if not results:
        reader.error(_not_found(grids, kinds), code="not_found")
    for read_kind, table_reader in results.items():
        alone = kind is not None or not any(other.items for other in results.values())
        if not table_reader.items and reader.ok_so_far() and alone:
            what = "ни одного мероприятия" if read_kind == "roadmap" else "ни одного показателя"
            reader.error(
                f"в таблице нет {what}: под строкой названий столбцов пусто.",
                table=tables[read_kind][0],
                code=f"empty:{read_kind}",
            )
    roadmap, indicators = results.get("roadmap"), results.get("indicators")
    activities = tuple(_activity(item) for item in roadmap.items) if roadmap else ()
    indicator_rows = tuple(_indicator(item) for item in indicators.items) if indicators else ()
    for activity in activities:
        if not activity.deadline:
            reader.warning(
                "не указаны сроки.",
                table=activity.table,
                row=activity.row,
                column=columns["roadmap"].get("deadline"),
                code="empty:deadline",
            )
        if not activity.owners:
            reader.warning(
                "не указаны ответственные.",
                table=activity.table,
                row=activity.row,
                column=columns["roadmap"].get("owners"),
                code="empty:owners",
            )
    for indicator in indicator_rows:
        if not indicator.targets and not indicator.baseline:
            reader.warning(
                "нет ни базового, ни целевых значений.", table=indicator.table, row=indicator.row, code="empty:values"
            )
    passport, passport_period = _passport(grids)
    for grid in grids:  # a sheet's title and notes above its table
        if grid.sheet:
            paragraphs.extend(text for text in _lone_texts(grid) if text not in paragraphs)
    for block in blocks_read:  # lone texts above a sheet's header: its title, its period
        above = _texts_above(block)
        block.grid.before.extend(text for text in above if text not in block.grid.before)
        paragraphs.extend(text for text in above if text not in paragraphs)
    before = grids[first_used].before if first_used is not None else []
    title = passport.get("title") or _title(reversed(before)) or _title(paragraphs) or ""
    period = _period(passport_period, paragraphs, title)
    return ProgramFile(
        file_name=file_name,
        title=title,
        period=period,
        passport=passport,
        sections=tuple(roadmap.sections) if roadmap else (),
        activities=activities,
        indicator_sections=tuple(indicators.sections) if indicators else (),
        indicators=indicator_rows,
        years=tuple(indicators.years) if indicators else (),
        tables=tables,
        columns=columns,
        problems=tuple(reader.problems),
    )


def _has_data(block: _Block) -> bool:
    return any(row.cell(column).text for row in block.rows() for column in block.columns())


def _activity(item: dict) -> ActivityRow:
    return ActivityRow(
        table=item["table"],
        row=item["row"],
        section=item["section"],
        number=item.get("number", ""),
        content=item.get("content", ""),
        deadline=item.get("deadline", ""),
        owners=item.get("owners", ""),
        expected_result=item.get("expected_result", ""),
    )


def _indicator(item: dict) -> IndicatorRow:
    return IndicatorRow(
        table=item["table"],
        row=item["row"],
        section=item["section"],
        number=item.get("number", ""),
        name=item.get("name", ""),
        unit=item.get("unit", ""),
        baseline=item.get("baseline", ""),
        targets=dict(item.get("targets", {})),
    )


def _blocks(grids: list[_Grid], kind: Kind) -> list[_Block]:
    """The tables of a kind; a table without a header right after one, of the same width, continues it."""
    blocks: list[_Block] = []
    previous: _Block | None = None
    for grid in grids:
        header = _find_header(grid, kind)
        if header is not None:
            previous = _Block(grid, header, header.row_index + 1)
            blocks.append(previous)
            continue
        if (
            previous is not None
            and grids.index(grid) == grids.index(previous.grid) + 1
            and not grid.before
            and grid.width == previous.grid.width
            and not any(_find_header(grid, other) for other in ("roadmap", "indicators"))
        ):
            continued = _Header(
                -1,
                0,
                previous.header.fields,
                previous.header.headers,
                previous.header.years,
                [],
                [],
                [],
                previous.header.texts,
            )
            blocks.append(_Block(grid, continued, 0))
            continue
        previous = None
    return blocks


def _not_found(grids: list[_Grid], kinds: tuple[Kind, ...]) -> str:
    wanted = []
    for kind in kinds:
        needed = ", ".join(
            f"«{item.header}»" + (f" (или {item.synonyms})" if item.synonyms else "")
            for item in sorted(FIELDS[kind], key=lambda item: _SHOWN_ORDER.index(item.key))
            if item.required
        )
        if kind == "indicators":
            needed += " и столбцы годов с целевыми значениями («2024», «2023/2024»)"
        wanted.append(f"{'дорожной карты (плана мероприятий)' if kind == 'roadmap' else 'показателей'}: {needed}")
    text = (
        "не найдена таблица "
        + "; или таблица ".join(wanted)
        + ". Первая строка таблицы должна называть столбцы; порядок столбцов не важен."
    )
    described = [f"{grid.name} — {', '.join(f'«{h}»' for h in _grid_headers(grid))}" for grid in grids[:6]]
    described = [line for line in described if not line.endswith("— ")]
    if described:
        text += " В файле: " + "; ".join(described) + "."
    else:
        text += " В файле нет ни одной таблицы."
    return text


def _passport(grids: list[_Grid]) -> tuple[dict[str, str], str]:
    """The passport's rows: a label in the first column, the value beside it; a label merged down takes more rows."""
    passport: dict[str, list[str]] = {}
    for grid in grids:
        above: _Cell | None = None
        key: str | None = None
        for row in grid.rows:
            cells = _header_cells(row)
            if not cells or cells[0][0] != 0:
                above, key = None, None
                continue
            label = cells[0][1]
            values = [cell for _, cell in cells[1:] if cell.text]
            if label is not above:
                line = normalised(label.text)
                key = next((name for name, pattern in _PASSPORT if re.search(pattern, line)), None)
            above = label
            if key is None or len(values) != 1:
                continue
            value = "\n".join(values[0].lines)
            if value and value not in passport.get(key, []):
                passport.setdefault(key, []).append(value)
    joined = {key: "\n".join(values) for key, values in passport.items()}
    period_text = joined.pop("period", "")
    return joined, period_text


def _texts_above(block: _Block) -> list[str]:
    """The rows above a table's header that hold one text: a sheet's title and notes."""
    texts = []
    for row in block.grid.rows[: max(block.header.row_index, 0)]:
        cells = [cell for _, cell in _header_cells(row) if cell.text]
        if len(cells) == 1:
            texts.append(cells[0].text)
    return texts


def _lone_texts(grid: _Grid) -> list[str]:
    """The rows at the top of a sheet that hold one text each, up to its first row of several cells."""
    texts = []
    for row in grid.rows:
        cells = [cell for _, cell in _header_cells(row) if cell.text]
        if len(cells) > 1:
            break
        if cells:
            texts.append(cells[0].text)
    return texts


def _title(texts: Iterable[str]) -> str:
    """The first text that names a program or a roadmap («Муниципальная программа …», «Дорожная карта …»)."""
    for text in texts:
        line = re.sub(r"\s+", " ", text).strip()
        if _TITLE.match(line) and len(line) <= 500:
            return re.sub(r"^\d+\.\s*", "", line)
    return ""


def _period(period_text: str, paragraphs: list[str], title: str) -> tuple[datetime.date, datetime.date] | None:
    """The program's period: its passport's «Сроки реализации», a paragraph saying them, its title, its order."""
    candidates = [period_text]
    candidates += [text for text in paragraphs if re.search(r"срок\w* (и этапы )?реализации", text, re.IGNORECASE)]
    candidates += [title]
    candidates += [text for text in paragraphs if normalised(text).startswith("об утверждении")]
    for text in candidates:
        if text:
            found = document_period(text)
            if found is not None:
                return found
    return None


def _example_xlsx() -> bytes:
    """A tiny roadmap as Excel, for the module's example."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["№", "Мероприятие", "Сроки", "Ответственные", "Ожидаемый результат"])
    sheet.append(["1. Организационные мероприятия"])
    sheet.merge_cells("A2:E2")
    sheet.append(["1.1", "Совещание с руководителями", "Октябрь 2023", "Отдел образования", "Определены задачи"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
