"""Build the .docx and .xlsx fixtures of tests/programs from the roadmaps and indicator tables of the seeds.

The seeds (shared/seeds/*.txt) are the text of five municipal orders: their tables are written
one row a line with tab-separated cells (seeds 000, 002, 004) or one cell a line after a tab with
the wrapped lines of a cell below it (seeds 001, 003). This script lays each table out as the
order does: the order's heading paragraphs, the header row (two rows where a «Плановое
значение» or «Учебные годы» cell spans the year columns), section rows as one merged cell, the
cells merged down where the order leaves them empty under a merged one, wrapped text as lines.
Each seed gives ``seed_NNN.docx`` (the tables in a Word document) and ``seed_NNN.xlsx`` (one sheet
per table, the paragraphs above it).

Run it after a change of the seeds or of this script::

    .venv/bin/python tests/programs/make_fixtures.py [SEEDS_FOLDER]

(the folder defaults to ../shared/seeds beside the repository).
"""

from __future__ import annotations

import datetime
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import docx
import openpyxl
from docx.shared import Pt
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
DEFAULT_SEEDS = HERE.parents[2] / "shared" / "seeds"
_BUILT = datetime.datetime(2025, 1, 1)


@dataclass
class Cell:
    lines: list[str]
    span: int = 1
    down: bool = False  # merged with the cell above (the order leaves it empty)
    bold: bool = False


@dataclass
class Table:
    name: str  # the sheet's name in the workbook
    width: int
    rows: list[list[Cell]]
    before: list[str] = field(default_factory=list)  # the paragraphs above the table


# --- reading the seeds' text --------------------------------------------------------------------------


def _clean(text: str) -> str:
    text = re.sub(r"</?(b|i)>", "", text)
    text = text.replace("[bookmark: _GoBack]", "").replace("**", "").lstrip("# ")
    return re.sub(r"\s+", " ", text).strip()


def paragraph(lines: list[str], prefix: str, count: int = 1) -> str:
    """The seed's paragraph starting with ``prefix`` and the ``count - 1`` lines after it, as one text."""
    for index, line in enumerate(lines):
        if _clean(line).startswith(prefix):
            return _clean(" ".join(lines[index : index + count]))
    raise ValueError(f"no paragraph «{prefix}» in the seed")


def tab_rows(lines: list[str], header: str) -> list[list[str]]:
    """The rows of a table written one row a line: from the header line to the first line of text."""
    start = next(index for index, line in enumerate(lines) if _clean(line.split("\t")[0]).startswith(header))
    rows = []
    for line in lines[start:]:
        if "\t" in line:
            rows.append(line.rstrip("\n").split("\t"))
        elif line.strip():
            break
    return rows


def vertical_rows(lines: list[str], first: str, last: str | None = None) -> list[list[list[str]]]:
    """The rows of a table written one cell a line after a tab, wrapped lines below, rows apart by empty lines."""
    start = next(index for index, line in enumerate(lines) if line.startswith("\t") and line.strip() == first)
    end = len(lines)
    if last is not None:
        end = next(index for index, line in enumerate(lines) if index > start and _clean(line).startswith(last))
    rows: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in lines[start:end]:
        if not line.strip():
            if line.startswith("\t"):  # an empty cell: a lone tab
                current.append([])
                continue
            if current:
                rows.append(current)
            current = []
        elif line.startswith("\t"):
            current.append([line.strip()])
        elif current:
            current[-1].append(line.strip())
    if current:
        rows.append(current)
    return rows


# --- laying the tables out as the orders do -----------------------------------------------------------


def tab_table(name: str, rows: list[list[str]], *, header_rows: int = 1, before: list[str] = ()) -> Table:
    width = len(rows[0])
    laid: list[list[Cell]] = []
    for index, raw in enumerate(rows):
        cells = [_clean(text) for text in raw] + [""] * (width - len(raw))
        bold = [text.strip().startswith("<b>") and text.strip().endswith("</b>") for text in raw]
        if index < header_rows:
            laid.append(_header_row(cells, laid[0] if index else None))
            continue
        if cells[0] and not any(cells[1:]):  # a section: one cell across the table
            laid.append([Cell([cells[0]], span=width, bold=bold[0])])
            continue
        laid.append(
            [
                Cell([text] if text else [], bold=bold[column] if column < len(bold) else False)
                for column, text in enumerate(cells)
            ]
        )
    return Table(name, width, laid, list(before))


def _header_row(cells: list[str], above: list[Cell] | None) -> list[Cell]:
    """A header row: an empty cell after a named one belongs to it (spans); under the first row, merges down."""
    row: list[Cell] = []
    if above is None:
        for text in cells:
            if not text and row:
                row[-1].span += 1
            else:
                row.append(Cell([text], bold=True))
        return row
    return [Cell([], down=True) if not text else Cell([text], bold=True) for text in cells]


def roadmap_001(rows: list[list[list[str]]], before: list[str]) -> Table:
    width = len(rows[0])
    laid = []
    for cells in rows:
        if len(cells) == 1:
            laid.append([Cell(cells[0], span=width)])
            continue
        cells = cells + [[]] * (width - len(cells))
        # The order merges an expected result down over the activities that share it.
        laid.append([Cell(lines, down=column == width - 1 and not lines) for column, lines in enumerate(cells)])
    return Table("Мероприятия", width, laid, before)


def passport_001(rows: list[list[list[str]]], before: list[str]) -> Table:
    return Table("Паспорт", 2, [[Cell(cells[0]), Cell(cells[1] if len(cells) > 1 else [])] for cells in rows], before)


def passport_003(rows: list[list[list[str]]], before: list[str]) -> Table:
    """The subprogram's passport with its indicator table inside: a label column merged down, 8 columns beside."""
    width = 9
    laid = []
    for cells in rows:
        if cells[0] == ["№"]:  # the text leaves out the label merged down beside the header
            cells = [[], *cells]
        label = Cell(cells[0], down=not cells[0])
        rest = cells[1:]
        if len(cells) <= 2:  # a passport row: label and its value across
            laid.append([label, Cell(rest[0] if rest else [], span=8)])
        elif len(cells) == 5:  # the first header row: «Плановое значение целевого показателя» over the years
            laid.append([label, *(Cell(lines, bold=True) for lines in rest[:3]), Cell(rest[3], span=5, bold=True)])
        elif len(cells) == 9 and not any(rest[:3]):  # the second header row: the years
            laid.append(
                [label, *(Cell([], down=True) for _ in range(3)), *(Cell(lines, bold=True) for lines in rest[3:])]
            )
        elif len(cells) == 3:  # a section: its number and its title across
            laid.append([label, Cell(rest[0]), Cell(rest[1], span=7)])
        else:
            laid.append([label, *(Cell(lines) for lines in rest)])
    return Table("Подпрограмма", width, laid, before)


# --- the seeds ------------------------------------------------------------------------------------------


def seed_tables(seeds: Path) -> dict[str, list[Table]]:
    def read(name: str) -> list[str]:
        return (seeds / name).read_text(encoding="utf-8").splitlines()

    tables: dict[str, list[Table]] = {}

    lines = read("000_3b2f04f5a3180507.txt")
    tables["000"] = [
        tab_table(
            "Дорожная карта",
            tab_rows(lines, "№/п"),
            before=[
                paragraph(lines, "МУНИЦИПАЛЬНОЕ УЧРЕЖДЕНИЕ", 2),
                "П Р И К А З",
                "от 29.09.2023 № 165",
                paragraph(lines, "Об утверждении"),
                paragraph(lines, "Муниципальная программа", 3),
            ],
        )
    ]

    lines = read("001_18b8061e4e109589.txt")
    tables["001"] = [
        passport_001(
            vertical_rows(lines, "Наименование программы", "Раздел 2."),
            [
                paragraph(lines, "Отдел образования администрации", 3),
                "П Р И К А З",
                "от 05 марта 2018 года № 15-ОД",
                paragraph(lines, "«Об утверждении"),
                paragraph(lines, "Муниципальная Программа", 3),
                "Раздел 1. Паспорт Программы",
            ],
        ),
        roadmap_001(vertical_rows(lines, "№ п/п"), [paragraph(lines, "Раздел 7. Мероприятия", 3)]),
    ]

    lines = read("002_835dafa0f7397687.txt")
    tables["002"] = [
        tab_table(
            "Дорожная карта",
            tab_rows(lines, "№ п/п"),
            before=[
                "ПРИКАЗ",
                "29.03.2021 г. № 121",
                paragraph(lines, "Об утверждении «Дорожной карты»"),
                paragraph(lines, "Дорожная карта по реализации"),
            ],
        )
    ]

    lines = read("003_1350dd095b294b5d.txt")
    tables["003"] = [
        passport_003(
            vertical_rows(lines, "Наименование подпрограммы"),
            [
                "УТВЕРЖДЕНА приказом начальника управления образования от 28.10.2021 № 492/01-08",
                paragraph(lines, "2. Подпрограмма"),
            ],
        )
    ]

    lines = read("004_597142aa43e3ca43.txt")
    tables["004"] = [
        tab_table(
            "Контингент",
            tab_rows(lines, "Учебный год"),
            before=[
                "П Р И К А З",
                "28.08.2020 № 264",
                paragraph(lines, "Об утверждении программы помощи"),
                paragraph(lines, "Муниципальная программа", 2),
                paragraph(lines, "I. Сроки реализации Программы"),
                paragraph(lines, "Формирование контингента"),
            ],
        ),
        tab_table(
            "Показатели",
            _indicators_004(lines),
            header_rows=2,
            before=[paragraph(lines, "VI. Индикаторы")],
        ),
        tab_table(
            "Дорожная карта",
            _roadmap_004(lines),
            before=[paragraph(lines, "Дорожная карта", 3)],
        ),
    ]
    return tables


def _indicators_004(lines: list[str]) -> list[list[str]]:
    start = next(i for i, line in enumerate(lines) if line.startswith("№ п/п\tНаименование показателя"))
    return tab_rows(lines[start:], "№ п/п")


def _roadmap_004(lines: list[str]) -> list[list[str]]:
    start = next(i for i, line in enumerate(lines) if line.startswith("№ п/п\tМероприятие"))
    return tab_rows(lines[start:], "№ п/п")


# --- writing ------------------------------------------------------------------------------------------


def write_docx(tables: list[Table], path: Path) -> None:
    document = docx.Document()
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Normal"].font.size = Pt(11)
    for table in tables:
        for text in table.before:
            document.add_paragraph(text)
        grid = document.add_table(rows=len(table.rows), cols=table.width)
        grid.style = document.styles["Table Grid"]
        spans: list[tuple[int, int, int]] = []  # (row, column, span) of each written cell
        tops: dict[int, int] = {}  # column → the row of the cell a «down» cell merges into
        downs: list[tuple[int, int, int]] = []  # (top row, bottom row, column)
        for row_index, row in enumerate(table.rows):
            column = 0
            for cell in row:
                if cell.down:
                    top = tops.get(column, row_index - 1)
                    downs.append((top, row_index, column))
                else:
                    target = grid.cell(row_index, column)
                    for number, line in enumerate(cell.lines):
                        text_paragraph = target.paragraphs[0] if number == 0 else target.add_paragraph()
                        text_paragraph.add_run(line).bold = cell.bold or None
                    spans.append((row_index, column, cell.span))
                    tops[column] = row_index
                column += cell.span
        for row_index, column, span in spans:
            if span > 1:
                grid.cell(row_index, column).merge(grid.cell(row_index, column + span - 1))
        bottoms: dict[tuple[int, int], int] = {}
        for top, bottom, column in downs:
            bottoms[top, column] = max(bottom, bottoms.get((top, column), bottom))
        for (top, column), bottom in bottoms.items():
            grid.cell(top, column).merge(grid.cell(bottom, column))
        document.add_paragraph()
    properties = document.core_properties
    properties.created = properties.modified = _BUILT
    properties.author = properties.last_modified_by = "Опора, тесты"
    properties.revision = 1
    document.save(str(path))


def write_xlsx(tables: list[Table], path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(table.name)
        for text in table.before:
            sheet.append([text])
        sheet.append([])
        first = sheet.max_row + 1
        tops: dict[int, tuple[int, int]] = {}  # column → (row, span) of the last written cell
        merges: dict[tuple[int, int], tuple[int, int, int]] = {}  # top-left → (bottom row, span, row)
        for offset, row in enumerate(table.rows):
            number = first + offset
            column = 1
            for cell in row:
                if cell.down and column in tops:
                    top_row, span = tops[column]
                    merges[top_row, column] = (number, span, top_row)
                else:
                    target = sheet.cell(number, column, "\n".join(cell.lines) if cell.lines else None)
                    target.alignment = Alignment(wrap_text=True, vertical="top")
                    if cell.bold:
                        target.font = Font(bold=True)
                    tops[column] = (number, cell.span)
                    if cell.span > 1:
                        merges[number, column] = (number, cell.span, number)
                column += cell.span
        for (top_row, column), (bottom, span, _) in merges.items():
            sheet.merge_cells(start_row=top_row, start_column=column, end_row=bottom, end_column=column + span - 1)
        for letter, width in zip("ABCDEFGHI", (8, 50, 18, 25, 40, 12, 12, 12, 12), strict=False):
            sheet.column_dimensions[letter].width = width
    workbook.properties.created = workbook.properties.modified = _BUILT
    workbook.properties.creator = "Опора, тесты"
    workbook.save(path)


def write_fixtures(seeds: Path = DEFAULT_SEEDS, folder: Path = FIXTURES) -> list[str]:
    """Write ``seed_NNN.docx`` and ``seed_NNN.xlsx`` of every seed into ``folder``; a line about each."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for key, tables in seed_tables(seeds).items():
        write_docx(tables, folder / f"seed_{key}.docx")
        write_xlsx(tables, folder / f"seed_{key}.xlsx")
        lines.append(f"seed {key}: " + ", ".join(f"{table.name} ({len(table.rows)} строк)" for table in tables))
    return lines


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    for line in write_fixtures(Path(args[0]) if args else DEFAULT_SEEDS):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
