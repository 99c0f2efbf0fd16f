"""Reading an uploaded file into a table of text cells, whatever form it holds.

``read_table`` takes a path, bytes or an open binary file with the file's original name, and
gives a :class:`Table`: the header row and the data rows as text, with the row numbers a user
sees in Excel (the header is row 1 when the sheet starts at A1). A file that is no table (empty,
broken, password-protected, an old .xls, a Word document, too large) raises :class:`FileRefused`
with a Russian message naming the file. ``match_columns`` then binds the table's headers to the
columns of a form.

>>> table = read_table("Код ОО;Учебный год\\n010001;2023/2024\\n".encode("cp1251"), file_name="c.csv")
>>> table.headers, table.cells["c0"].to_list(), table.cells["row"].to_list()
(('Код ОО', 'Учебный год'), ['010001'], [2])
"""

from __future__ import annotations

import codecs
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

import polars as pl

from opora.intake.formats import Column, FileForm

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_ROWS = 2_000_000
DEFAULT_MAX_UNPACKED_BYTES = 2 * 1024 * 1024 * 1024
# A sheet whose declared area exceeds this many cells is refused before it is loaded: the Excel
# reader allocates the whole rectangle, so one stray cell at XFD1048576 would take all memory.
DEFAULT_MAX_CELLS = 80_000_000

ROW = "row"
"""The column of ``Table.cells`` holding each row's number as the user sees it in Excel."""

FileFormat = Literal["xlsx", "csv"]
Source = str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO


class FileRefused(Exception):
    """The file cannot be read as a table; ``str(error)`` says why in Russian, naming the file."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Table:
    """One sheet (or CSV file) as text.

    ``headers`` are the names in the header row as written (trimmed; "" for a column without
    one). ``cells`` has one text column per header, named ``c0``, ``c1``, … (trimmed, null when
    empty), and ``row``: the row's number as the user sees it. Entirely empty rows are left out.
    ``notes`` are remarks on how the file was read (encoding, separator, sheet), in Russian.
    """

    file_name: str
    sheet: str | None
    headers: tuple[str, ...]
    cells: pl.DataFrame
    header_row: int
    file_format: FileFormat
    encoding: str | None = None
    separator: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def row_count(self) -> int:
        return self.cells.height

    def column_name(self, index: int) -> str:
        """The cell column a user would look for: the Excel letter, or the field number in a CSV."""
        if self.file_format == "xlsx":
            return column_letter(index)
        return f"№ {index + 1}"

    @property
    def place(self) -> str:
        """Where the data is, for messages: «лист «Данные»» or «файл «x.csv»»."""
        return f"лист «{self.sheet}»" if self.sheet else f"файл «{self.file_name}»"


@dataclass(frozen=True)
class ColumnMatch:
    """How a table's headers name a form's columns.

    ``indexes`` and ``headers`` give, for each matched field, the table column and the header as
    written there. ``missing`` are the form's columns absent from the file, ``extra`` the headers
    that name none of them, ``repeated`` the columns named more than once (with the headers).
    ``unnamed`` are the letters of columns with data but no header.
    """

    indexes: dict[str, int]
    headers: dict[str, str]
    missing: tuple[Column, ...]
    extra: tuple[str, ...]
    repeated: tuple[tuple[Column, tuple[str, ...]], ...]
    unnamed: tuple[str, ...]

    @property
    def missing_required(self) -> tuple[Column, ...]:
        return tuple(column for column in self.missing if column.required)


def column_letter(index: int) -> str:
    """Excel's letter of a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def read_table(
    source: Source,
    *,
    file_name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> Table:
    """Read an .xlsx or .csv file into a :class:`Table`.

    The kind of file is told by its content, not its name. An .xlsx gives its first sheet with
    data (hidden sheets last); a CSV may be UTF-8 (with or without BOM), UTF-16 with BOM or
    Windows-1251, separated by «;», «,» or tab. The first non-empty row is the header (rows
    above it with a single filled cell, such as a title, are passed over).

    Parameters
    ----------
    source
        A path, the file's bytes, or an open binary file (read to its end).
    file_name
        The name the user gave the file, for messages; by default the path's name.
    max_bytes, max_rows
        Larger files and files with more data rows are refused.
    max_unpacked_bytes, max_cells
        Limits on an .xlsx once unpacked, against files built to exhaust memory.

    Raises
    ------
    FileRefused
        When the file is empty, broken, protected, too large, of another kind, or holds no
        table with a header and data rows.
    """
    data, name = _load(source, file_name, max_bytes)
    if not data.strip():
        raise FileRefused(f"Файл «{name}» пуст.")
    kind = _sniff(data, name)
    if kind == "xlsx":
        sheet, grid = _read_xlsx(data, name, max_rows, max_unpacked_bytes, max_cells)
        return _table(grid, name=name, sheet=sheet, file_format="xlsx", max_rows=max_rows)
    grid, encoding, separator = _read_csv(data, name, max_rows)
    notes = (f"Кодировка: {_ENCODING_NAMES[encoding]}; разделитель: {_SEPARATOR_NAMES[separator]}.",)
    return _table(
        grid,
        name=name,
        sheet=None,
        file_format="csv",
        max_rows=max_rows,
        encoding=encoding,
        separator=separator,
        notes=notes,
    )


def match_columns(table: Table, form: FileForm) -> ColumnMatch:
    """Bind the table's headers to the form's columns (by name or alias, in any order).

    >>> from opora.intake.formats import FORMS
    >>> table = read_table("Код ОО;x\\n1;2\\n".encode(), file_name="a.csv")
    >>> match = match_columns(table, FORMS["schools"])
    >>> match.indexes, match.extra
    ({'code': 0}, ('x',))
    """
    found: dict[str, list[int]] = {}
    extra: list[str] = []
    unnamed: list[str] = []
    for index, header in enumerate(table.headers):
        if not header:
            if table.cells[f"c{index}"].null_count() < table.cells.height:
                unnamed.append(table.column_name(index))
            continue
        column = form.match_header(header)
        if column is None:
            extra.append(header)
        else:
            found.setdefault(column.field, []).append(index)
    indexes = {field_name: places[0] for field_name, places in found.items()}
    repeated = tuple(
        (form.column(field_name), tuple(table.headers[i] for i in places))
        for field_name, places in found.items()
        if len(places) > 1
    )
    return ColumnMatch(
        indexes=indexes,
        headers={field_name: table.headers[index] for field_name, index in indexes.items()},
        missing=tuple(column for column in form.columns if column.field not in indexes),
        extra=tuple(extra),
        repeated=repeated,
        unnamed=tuple(unnamed),
    )


# --- loading and telling the kind of file --------------------------------------------------------------


def _load(source: Source, file_name: str | None, max_bytes: int) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        name = file_name or "без имени"
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        name = file_name or path.name
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise FileRefused(_too_big(name, size, max_bytes))
            data = path.read_bytes()
        except OSError as error:
            raise FileRefused(f"Файл «{name}» не удалось открыть.") from error
    else:
        name = file_name or str(getattr(source, "name", "") or "без имени")
        name = Path(name).name
        data = source.read(max_bytes + 1)
        if not isinstance(data, bytes):
            raise FileRefused(f"Файл «{name}» не удалось прочитать как двоичный файл.")
    if len(data) > max_bytes:
        raise FileRefused(_too_big(name, len(data), max_bytes))
    return data, name


def _too_big(name: str, size: int, max_bytes: int) -> str:
    return (
        f"Файл «{name}» слишком большой ({_megabytes(size)}); можно загрузить файл не больше "
        f"{_megabytes(max_bytes)}. Разделите данные на несколько файлов."
    )


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(size // 1024, 1)} КБ"
    return f"{size / (1024 * 1024):.0f} МБ"


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _sniff(data: bytes, name: str) -> FileFormat:
    if data.startswith(_OLE):
        if _utf16("EncryptedPackage") in data or _utf16("EncryptionInfo") in data:
            raise FileRefused(
                f"Файл «{name}» защищён паролем. Снимите пароль (в Excel: Файл → Сведения → Защита "
                "книги → Зашифровать с использованием пароля, очистить пароль), сохраните и загрузите файл "
                "снова."
            )
        if _utf16("WordDocument") in data:
            raise FileRefused(f"Файл «{name}» — документ Word, а не таблица. Загрузите файл .xlsx или .csv.")
        raise FileRefused(
            f"Файл «{name}» сохранён в старом формате Excel 97–2003 (.xls), который не поддерживается. "
            "Откройте его в Excel и сохраните как «Книга Excel (.xlsx)» или как CSV."
        )
    if data.startswith(_ZIP) or data.startswith(b"PK\x05\x06"):
        return "xlsx"
    head = data[:2048].lstrip().lower()
    if head.startswith(b"%pdf"):
        raise FileRefused(f"Файл «{name}» — документ PDF, а не таблица. Загрузите файл .xlsx или .csv.")
    if head.startswith(b"{\\rtf"):
        raise FileRefused(f"Файл «{name}» — документ RTF, а не таблица. Загрузите файл .xlsx или .csv.")
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table")) or b"<html" in head:
        raise FileRefused(
            f"Файл «{name}» — веб-страница (HTML или XML), а не книга Excel, хотя может открываться в "
            "Excel. Откройте его в Excel и сохраните как «Книга Excel (.xlsx)»."
        )
    return "csv"


# --- .xlsx ---------------------------------------------------------------------------------------------

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?"')


def _read_xlsx(
    data: bytes, name: str, max_rows: int, max_unpacked_bytes: int, max_cells: int
) -> tuple[str, pl.DataFrame]:
    _check_package(data, name, max_rows, max_unpacked_bytes, max_cells)
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
        sheet_names = list(reader.sheet_names)
    except _READER_FAILURES as error:
        _reraise_interrupts(error)
        raise FileRefused(
            f"Файл «{name}» повреждён или не является книгой Excel: его не удалось открыть. Откройте "
            "его в Excel, сохраните как «Книга Excel (.xlsx)» и загрузите снова."
        ) from error
    hidden: list[int] = []
    for pass_number in (0, 1):
        for index in range(len(sheet_names)) if pass_number == 0 else hidden:
            try:
                sheet = reader.load_sheet(index, header_row=None, dtypes="string", skip_rows=0)
                if pass_number == 0 and getattr(sheet, "visible", "visible") != "visible":
                    hidden.append(index)
                    continue
                grid = sheet.to_polars()
            except _READER_FAILURES as error:
                _reraise_interrupts(error)
                raise FileRefused(
                    f"Файл «{name}»: лист «{sheet_names[index]}» повреждён, его не удалось прочитать. "
                    "Откройте файл в Excel, сохраните как «Книга Excel (.xlsx)» и загрузите снова."
                ) from error
            if grid.width and grid.height and _has_values(grid):
                return sheet_names[index], grid
    raise FileRefused(f"В файле «{name}» нет данных: все листы пусты.")


# The Excel reader is Rust: a panic on a malformed file arrives as a BaseException.
_READER_FAILURES = (BaseException,)


def _reraise_interrupts(error: BaseException) -> None:
    if isinstance(error, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError):
        raise error


def _check_package(data: bytes, name: str, max_rows: int, max_unpacked_bytes: int, max_cells: int) -> None:
    """Refuse what is not a workbook, or would take too much memory, before the reader sees it."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        names = set(package.namelist())
    except Exception as error:  # BadZipFile, an unsupported zip compression method, zlib.error, …
        raise FileRefused(
            f"Файл «{name}» повреждён: архив книги Excel не удалось распаковать. Сохраните файл заново "
            "и загрузите снова."
        ) from error
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        if "word/document.xml" in names:
            raise FileRefused(f"Файл «{name}» — документ Word, а не таблица. Загрузите файл .xlsx или .csv.")
        if "content.xml" in names:
            raise FileRefused(
                f"Файл «{name}» — таблица OpenDocument (.ods). Сохраните её как «Книга Excel (.xlsx)» "
                "или как CSV и загрузите снова."
            )
        raise FileRefused(f"Файл «{name}» — архив, но не книга Excel (.xlsx).")
    if "xl/workbook.bin" in names:
        raise FileRefused(
            f"Файл «{name}» — двоичная книга Excel (.xlsb). Сохраните её как «Книга Excel (.xlsx)»."
        )
    unpacked = sum(info.file_size for info in package.infolist())
    if unpacked > max_unpacked_bytes:
        raise FileRefused(
            f"Файл «{name}» слишком большой после распаковки ({_megabytes(unpacked)}). Разделите данные "
            "на несколько файлов."
        )
    for sheet_path in sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")):
        try:
            with package.open(sheet_path) as stream:
                head = stream.read(4096)
        except Exception as error:
            raise FileRefused(
                f"Файл «{name}» повреждён: лист книги не удалось распаковать. Сохраните файл заново и "
                "загрузите снова."
            ) from error
        dimension = _DIMENSION.search(head)
        if not dimension or not dimension.group(3):
            continue
        first_col, first_row, last_col, last_row = dimension.groups()
        rows = int(last_row) - int(first_row) + 1
        columns = _column_index(last_col.decode()) - _column_index(first_col.decode()) + 1
        if rows > max_rows + 1:
            raise FileRefused(_too_many_rows(name, max_rows))
        if rows * columns > max_cells:
            raise FileRefused(
                f"Файл «{name}»: лист занимает {rows} строк × {columns} столбцов — слишком много ячеек. "
                "Удалите пустые строки и столбцы за пределами таблицы или разделите данные на несколько "
                "файлов."
            )


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _too_many_rows(name: str, max_rows: int) -> str:
    return (
        f"В файле «{name}» больше {max_rows:,} строк данных; разделите данные на несколько файлов."
    ).replace(",", " ")


def _has_values(grid: pl.DataFrame) -> bool:
    return bool(grid.select(pl.any_horizontal(pl.all().is_not_null()).any()).item())


# --- .csv ----------------------------------------------------------------------------------------------

_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 с BOM", "utf-16": "UTF-16", "cp1251": "Windows-1251"}
_SEPARATOR_NAMES = {";": "точка с запятой", ",": "запятая", "\t": "табуляция"}
_SEPARATORS = (";", "\t", ",")
_SAMPLE_LINES = 100
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _read_csv(data: bytes, name: str, max_rows: int) -> tuple[pl.DataFrame, str, str]:
    utf8, encoding = _as_utf8(data, name)
    sample = utf8[:65536].decode("utf-8", errors="ignore").lstrip("\ufeff")
    if "\x00" in sample or len(_CONTROL.findall(sample)) > len(sample) // 100 + 2:
        raise FileRefused(
            f"Файл «{name}» не является таблицей: ожидается книга Excel (.xlsx) или текстовый файл CSV."
        )
    lines = [line for line in sample.splitlines()[:-1] or sample.splitlines() if line.strip()]
    lines = lines[:_SAMPLE_LINES]
    if not lines:
        raise FileRefused(f"Файл «{name}» пуст.")
    separator = _separator(lines)
    width = max(max(_field_count(line, separator) for line in lines), 1)
    try:
        grid = pl.read_csv(
            utf8,
            separator=separator,
            has_header=False,
            schema={f"c{i}": pl.String for i in range(width)},
            missing_columns="insert",
            truncate_ragged_lines=True,
            quote_char='"',
            n_rows=max_rows + 2 + _SAMPLE_LINES,
            encoding="utf8-lossy",
            raise_if_empty=False,
        )
    except Exception as error:
        raise FileRefused(
            f"Файл «{name}» не удалось разобрать как CSV: проверьте, что кавычки в нём закрыты, а "
            "столбцы разделены «;», «,» или табуляцией."
        ) from error
    return grid, encoding, separator


_CHUNK_BYTES = 1 << 20


def _as_utf8(data: bytes, name: str) -> tuple[bytes, str]:
    """The file as UTF-8 for the CSV reader, and the encoding it was in.

    Decoded a megabyte at a time, so that a large file is never held as one Python string.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        converted = _transcoded(data, "utf-16")
        if converted is None:
            raise _undecodable(name)
        return converted, "utf-16"
    if _transcoded(data, "utf-8", check_only=True) is not None:
        return data, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    converted = _transcoded(data, "cp1251")
    if converted is None:
        raise _undecodable(name)
    return converted, "cp1251"


def _transcoded(data: bytes, encoding: str, *, check_only: bool = False) -> bytes | None:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    view = memoryview(data)
    parts: list[bytes] = []
    try:
        for offset in range(0, len(view), _CHUNK_BYTES):
            text = decoder.decode(view[offset : offset + _CHUNK_BYTES])
            if not check_only:
                parts.append(text.encode("utf-8"))
        tail = decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    if check_only:
        return data
    parts.append(tail.encode("utf-8"))
    return b"".join(parts)


def _undecodable(name: str) -> FileRefused:
    return FileRefused(
        f"Файл «{name}» не является таблицей или записан в неизвестной кодировке: ожидается книга Excel "
        "(.xlsx) или текстовый файл CSV в кодировке UTF-8 или Windows-1251."
    )


def _separator(lines: list[str]) -> str:
    """The separator found the same number of times on every sampled line, else the most frequent."""

    def score(separator: str) -> tuple[bool, int]:
        counts = [_field_count(line, separator) - 1 for line in lines]
        steady = len(set(counts)) == 1 and counts[0] > 0
        return steady, counts[0]

    return max(_SEPARATORS, key=score)


def _field_count(line: str, separator: str) -> int:
    count, quoted = 1, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            count += 1
    return count


# --- common to both ------------------------------------------------------------------------------------

_LETTER = re.compile(r"[^\W\d_]")


def _table(
    grid: pl.DataFrame,
    *,
    name: str,
    sheet: str | None,
    file_format: FileFormat,
    max_rows: int,
    encoding: str | None = None,
    separator: str | None = None,
    notes: tuple[str, ...] = (),
) -> Table:
    columns = [f"c{i}" for i in range(grid.width)]
    grid = grid.rename(dict(zip(grid.columns, columns, strict=True)))
    # Cleaning and filtering copy a column; most columns of a big file need neither, so look first.
    probe = (
        grid.lazy()
        .select(
            *(pl.col(c).str.contains(r"^\s|\s$|^$").any().alias(c) for c in columns),
            pl.any_horizontal([pl.col(c).is_not_null() for c in columns]).all().alias(ROW),
        )
        .collect()
        .row(0, named=True)
    )
    frame = grid.lazy().with_columns(
        *(_clean(pl.col(c)) for c in columns if probe[c]),
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(ROW),
    )
    if not probe[ROW]:
        frame = frame.filter(pl.any_horizontal([pl.col(c).is_not_null() for c in columns]))
    del grid
    filled = frame.collect()
    where = f"В файле «{name}»" + (f" (лист «{sheet}»)" if sheet else "")
    if filled.height == 0:
        raise FileRefused(f"Файл «{name}» пуст." if not sheet else f"{where} нет данных.")
    header_index = _header_index(filled.head(_TITLE_ROWS + 1), columns)
    header_values = filled.row(header_index)
    header_row = int(header_values[-1])
    headers = [value or "" for value in header_values[:-1]]
    if header_index:
        notes = (*notes, f"Строки над заголовком (до строки {header_row}) пропущены как заголовок таблицы.")
    if not any(_LETTER.search(header) for header in headers):
        raise FileRefused(
            f"{where} нет строки заголовка: первая строка должна содержать названия столбцов "
            "(например, «Код ОО», «Учебный год»)."
        )
    cells = filled.slice(header_index + 1)
    if cells.height == 0:
        raise FileRefused(f"{where} есть только строка заголовка, строк с данными нет.")
    if cells.height > max_rows:
        raise FileRefused(_too_many_rows(name, max_rows))
    # Trailing columns with neither a header nor data are formatting, not part of the table.
    used = [i for i, header in enumerate(headers) if header or cells[columns[i]].null_count() < cells.height]
    keep = range(used[-1] + 1 if used else 0)
    cells = cells.select([pl.col(columns[i]) for i in keep] + [pl.col(ROW)])
    return Table(
        file_name=name,
        sheet=sheet,
        headers=tuple(" ".join(headers[i].split()) for i in keep),
        cells=cells,
        header_row=header_row,
        file_format=file_format,
        encoding=encoding,
        separator=separator,
        notes=tuple(notes),
    )


_TITLE_ROWS = 10


def _header_index(top: pl.DataFrame, columns: list[str]) -> int:
    """The header is the first row; a title above the table (one filled cell) is passed over."""
    counts = top.select(pl.sum_horizontal([pl.col(c).is_not_null() for c in columns]))
    for index, count in enumerate(counts.to_series().to_list()):
        if count >= 2:
            return index
    return 0


def _clean(cell: pl.Expr) -> pl.Expr:
    stripped = cell.str.strip_chars()
    return pl.when(stripped != "").then(stripped).otherwise(None).name.keep()
