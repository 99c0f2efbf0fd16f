"""Checking a table against a form and turning it into a typed data frame.

``validate(table, form)`` binds the table's headers to the form's columns, parses every column
at once with Polars expressions (one pass for a million rows), runs the checks as vectorised
masks and writes Russian messages only for the rows that fail: wrong type, empty required cell,
out of range, value not allowed, a part larger than its whole, counts that do not sum, a key
repeated inside the file, an unknown school code. ``check_file`` does the whole way from an
uploaded file: read, recognise the form (unless given), validate.

>>> from opora.intake.reading import read_table
>>> table = read_table("Код ОО;Учебный год;Обучающихся;С ОВЗ\\n010001;2023/24;380;420\\n".encode(),
...                    file_name="к.csv")
>>> result = validate(table, FORMS["context"])
>>> result.errors[0].row, result.errors[0].column
(2, 'С ОВЗ')
>>> result.errors[0].message
'значение 420 больше, чем «Обучающихся» (380); ожидается число не больше числа обучающихся'
>>> result.frame["year"].to_list()
[2024]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

from opora.core.formatting import num, quantity
from opora.intake import _values as values
from opora.intake.formats import FORMS, Column, Condition, FileForm, school_year_label
from opora.intake.reading import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    ROW,
    ColumnMatch,
    FileRefused,
    Source,
    Table,
    match_columns,
    read_table,
)
from opora.intake.recognition import Recognition, recognise

DEFAULT_MAX_PROBLEMS = 500
_WARNINGS_PER_CHECK = 5
FULL_LIST_LIMIT = 100_000
"""How many problems the downloadable list holds at most (a sheet of 100 000 rows opens in Excel)."""
GROUP_ROWS = 10
"""How many row numbers a group of repeated problems names."""
PROBLEM_COLUMNS = ("level", "sheet", "row", "column", "value", "message")

_DTYPES: dict[str, pl.DataType] = {
    "text": pl.String(),
    "int": pl.Int64(),
    "decimal": pl.Float64(),
    "school_year": pl.Int64(),
    "date": pl.Date(),
}


@dataclass(frozen=True)
class CellProblem:
    """One error or warning: where it is (sheet, row, column; each may be None) and what is wrong.

    ``message`` says in Russian what is wrong and what is expected; ``str(problem)`` puts the
    place in front: «Лист «Реестр ОО», строка 14, столбец «С ОВЗ»: значение 420 больше, …».
    """

    sheet: str | None
    row: int | None
    column: str | None
    message: str

    @property
    def place(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"лист «{self.sheet}»")
        if self.row is not None:
            parts.append(f"строка {self.row}")
        if self.column:
            parts.append(f"столбец «{self.column}»")
        text = ", ".join(parts)
        return text[:1].upper() + text[1:]

    def __str__(self) -> str:
        place = self.place
        message = self.message if place else self.message[:1].upper() + self.message[1:]
        return f"{place}: {message}" if place else message


@dataclass(frozen=True)
class ProblemGroup:
    """Problems of one kind: how many, in which column, the first rows and one of them in full.

    ``example`` is the first problem's message with its place, so the group reads as one line:
    «Строка 14, столбец «С ОВЗ»: значение 420 больше, … — и ещё 299 таких строк».
    """

    level: str
    column: str | None
    count: int
    rows: tuple[int, ...]
    example: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "column": self.column,
            "count": self.count,
            "rows": list(self.rows),
            "example": self.example,
        }


def _empty_problems() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "level": pl.String,
            "sheet": pl.String,
            "row": pl.Int64,
            "column": pl.String,
            "value": pl.String,
            "message": pl.String,
        }
    )


@dataclass(frozen=True)
class ValidationResult:
    """What a file holds for a form, and what is wrong with it.

    ``frame`` has every field of the form (absent columns as nulls) with its dtype: codes and
    texts Utf8, school years Int64 (the end year), counts Int64, decimals Float64, dates Date;
    ``rows`` gives each frame row's number in the file. ``present_fields`` are the fields whose
    column the file has (an absent column means "not given", not "empty"). ``errors`` and
    ``warnings`` are capped for display; ``error_count`` and ``warning_count`` count them all.
    A file with ``error_count > 0`` must not be stored.
    """

    form: FileForm
    frame: pl.DataFrame
    rows: pl.Series
    errors: list[CellProblem]
    warnings: list[CellProblem]
    error_count: int
    warning_count: int
    present_fields: tuple[str, ...]
    file_name: str
    sheet: str | None
    notes: tuple[str, ...] = ()
    recognition: Recognition | None = None
    error_counts: dict[str, int] = field(default_factory=dict)
    """Errors per column header ("" for errors of no column), for a summary table."""
    groups: list[ProblemGroup] = field(default_factory=list)
    """Errors, then warnings, one group per kind of problem, in the order of the file."""
    problems: pl.DataFrame = field(default_factory=_empty_problems)
    """Every problem (up to :data:`FULL_LIST_LIMIT`): level, sheet, row, column, value, message."""

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def summary(self) -> str:
        """One paragraph in Russian: what was read and whether it can be stored."""
        where = f"Файл «{self.file_name}»" + (f", лист «{self.sheet}»" if self.sheet else "")
        text = f"{where}: форма «{self.form.title}», строк с данными: {num(self.frame.height)}."
        if self.ok:
            text += " Ошибок нет."
        else:
            text += f" Ошибок: {num(self.error_count)}; файл не будет загружен, пока они не исправлены."
            if self.error_count > len(self.errors):
                text += f" Показаны первые {num(len(self.errors))}."
        if self.warning_count:
            text += f" Предупреждений: {num(self.warning_count)}."
        return text

    def report(self, limit: int = 50) -> str:
        """The summary, then the first ``limit`` errors and the warnings, one per line."""
        lines = [self.summary]
        lines += [f"Ошибка. {problem}" for problem in self.errors[:limit]]
        if len(self.errors) > limit or self.error_count > len(self.errors):
            lines.append(f"… и ещё {self.error_count - min(limit, len(self.errors))} ошибок.")
        lines += [f"Предупреждение. {problem}" for problem in self.warnings[:limit]]
        return "\n".join(lines)


class FormNotRecognised(FileRefused):
    """No form fits the file's columns; the message lists what each form needs."""


def check_file(
    source: Source,
    *,
    file_name: str | None = None,
    kind: str | None = None,
    known_codes: Iterable[str] | None = None,
    forms: Mapping[str, FileForm] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_problems: int = DEFAULT_MAX_PROBLEMS,
) -> ValidationResult:
    """From an uploaded file to its form, typed frame, errors and warnings.

    Parameters
    ----------
    source, file_name
        The file (path, bytes or open binary file) and the name the user gave it.
    kind
        A key of ``FORMS`` («schools», «results», …) chosen by the user; None to recognise the
        form from the columns.
    known_codes
        Codes of the schools the rows may refer to (the region's); None to skip that check.
    forms
        The forms the file may hold, by key: ``FORMS`` by default; an import adds the forms of the
        region's questionnaires (``opora.intake.surveys``).

    Raises
    ------
    FileRefused
        The file is no readable table (the message says why, in Russian).
    FormNotRecognised
        ``kind`` is None and no form fits the columns.
    ValueError
        ``kind`` is not a key of ``forms``.
    """
    forms = FORMS if forms is None else forms
    if kind is not None and kind not in forms:
        raise ValueError(f"Неизвестный вид файла «{kind}»; ожидается один из: {', '.join(forms)}.")
    table = read_table(source, file_name=file_name, max_bytes=max_bytes, max_rows=max_rows)
    recognition = None
    if kind is None:
        recognition = recognise(table.headers, forms.values())
        if recognition is None:
            raise FormNotRecognised(_not_recognised(table, forms))
        form = recognition.form
    else:
        form = forms[kind]
    result = validate(table, form, known_codes=known_codes, max_problems=max_problems)
    return _with_recognition(result, recognition)


def _with_recognition(result: ValidationResult, recognition: Recognition | None) -> ValidationResult:
    from dataclasses import replace

    return replace(result, recognition=recognition)


def _not_recognised(table: Table, forms: Mapping[str, FileForm]) -> str:
    lines = [
        f"Не удалось определить, какие данные в файле «{table.file_name}»: названия столбцов не "
        "подходят ни к одной форме. Первая строка должна содержать названия столбцов формы; обязательные "
        "столбцы:"
    ]
    for form in forms.values():
        headers = ", ".join(f"«{column.header}»" for column in form.required_columns)
        if form.recognised_by:
            first = form.column(form.recognised_by[0]).header
            headers += f" и хотя бы один из {len(form.recognised_by)} столбцов вопросов (например, «{first}»)"
        lines.append(f"– {form.title}: {headers}.")
    shown = ", ".join(f"«{header}»" for header in table.headers[:12] if header)
    lines.append(f"В файле: {shown or 'нет названий'}.")
    return "\n".join(lines)


def validate(
    table: Table,
    form: FileForm,
    *,
    known_codes: Iterable[str] | None = None,
    max_problems: int = DEFAULT_MAX_PROBLEMS,
) -> ValidationResult:
    """Check a table against a form; give the typed frame and every problem found.

    Parameters
    ----------
    table
        A table from ``read_table``.
    form
        The form the table is meant to hold.
    known_codes
        The school codes the rows may refer to; codes outside it are errors (not for the
        schools form, which brings new schools). None skips this check.
    max_problems
        How many errors (and warnings) to keep with a message; all are counted.
    """
    return _Validation(table, form, known_codes, max_problems).run()


# --- the work ------------------------------------------------------------------------------------------

Level = Literal["error", "warning"]


@dataclass
class _Check:
    """A vectorised test: ``mask`` is true on the rows with the problem."""

    mask: pl.Expr
    field: str | None
    message: Callable[[dict[str, Any]], str]
    needs: tuple[str, ...] = ()
    level: Level = "error"


def _raw(field_name: str) -> str:
    return f"raw·{field_name}"


class _Validation:
    def __init__(self, table: Table, form: FileForm, known_codes: Iterable[str] | None, cap: int) -> None:
        self.table = table
        self.form = form
        self.known_codes = None if known_codes is None else {str(code) for code in known_codes}
        self.cap = max(cap, 1)
        self.match: ColumnMatch = match_columns(table, form)
        self.present = set(self.match.indexes)
        # A column the file lacks but the form gives a value for (the period: the year).
        self.defaulted = {c.field for c in form.columns if c.default is not None and c.field not in self.present}
        self.file_errors: list[CellProblem] = []
        self.file_warnings: list[CellProblem] = []
        self.groups: list[ProblemGroup] = []
        self.problem_frames: list[pl.DataFrame] = []
        self.file_error_count = 0
        self.file_warning_count = 0

    # -- helpers

    def header(self, field_name: str) -> str:
        """The column's name as the file writes it (the form's when absent)."""
        return self.match.headers.get(field_name) or self.form.column(field_name).header

    def file_problem(
        self, message: str, *, column: str | None = None, level: Level = "error", count: int = 1
    ) -> None:
        problem = CellProblem(self.table.sheet, None, column, message)
        if level == "error":
            self.file_errors.append(problem)
            self.file_error_count += count
        else:
            self.file_warnings.append(problem)
            self.file_warning_count += count

    # -- steps

    def run(self) -> ValidationResult:
        self.check_headers()
        work = self.parse()
        checks = self.row_checks(work)
        errors, warnings, error_count, warning_count, by_column = self.evaluate(work, checks)
        self.column_warnings(work)
        frame = work.select(self.form.fields)
        errors = self.file_errors + errors
        warnings = self.file_warnings + warnings
        for problem in self.file_errors:
            by_column[problem.column or ""] = by_column.get(problem.column or "", 0) + 1
        file_groups = [
            ProblemGroup(level, problem.column, 1, (), str(problem))
            for level, problems in (("error", self.file_errors), ("warning", self.file_warnings))
            for problem in problems
        ]
        groups = sorted(
            file_groups + self.groups, key=lambda group: (group.level != "error", group.rows[:1] or (0,))
        )
        file_rows = [
            {"level": level, "sheet": p.sheet, "row": None, "column": p.column, "value": None, "message": p.message}
            for level, problems in (("error", self.file_errors), ("warning", self.file_warnings))
            for p in problems
        ]
        problems = pl.concat(
            [pl.DataFrame(file_rows, schema=_empty_problems().schema), *self.problem_frames], how="vertical"
        ) if file_rows or self.problem_frames else _empty_problems()
        return ValidationResult(
            form=self.form,
            frame=frame,
            rows=work[ROW],
            errors=errors[: self.cap],
            warnings=warnings[: self.cap],
            error_count=self.file_error_count + error_count,
            warning_count=self.file_warning_count + warning_count,
            present_fields=tuple(f for f in self.form.fields if f in self.present or f in self.defaulted),
            file_name=self.table.file_name,
            sheet=self.table.sheet,
            notes=self.table.notes,
            error_counts=by_column,
            groups=groups,
            problems=problems.sort("row", nulls_last=False, maintain_order=True),
        )

    def check_headers(self) -> None:
        match, form = self.match, self.form
        for column in match.missing_required:
            self.file_problem(
                f"нет в файле; это обязательный столбец формы «{form.title}». Названия столбцов должны быть "
                "в первой строке; порядок столбцов не важен.",
                column=column.header,
            )
        for column, headers in match.repeated:
            named = ", ".join(f"«{header}»" for header in headers)
            self.file_problem(
                f"встречается в файле {len(headers)} раза ({named}); оставьте один.",
                column=column.header,
            )
        if match.extra:
            named = ", ".join(f"«{header}»" for header in match.extra)
            self.file_problem(
                f"столбцы {named} не входят в форму «{form.title}» и не будут загружены.", level="warning"
            )
        if match.unnamed:
            self.file_problem(
                f"в столбцах {', '.join(match.unnamed)} есть данные, но нет названия в первой строке; "
                "они не будут загружены.",
                level="warning",
            )

    def parse(self) -> pl.DataFrame:
        """The bound cells with the typed value of each field beside its text."""
        cells = self.table.cells
        bound = [pl.col(f"c{index}").alias(_raw(name)) for name, index in self.match.indexes.items()]
        raw = cells.select(pl.col(ROW), *bound)
        raw_names = [_raw(name) for name in self.match.indexes]
        if raw_names:
            raw = raw.filter(pl.any_horizontal([pl.col(name).is_not_null() for name in raw_names]))
        if raw_names and raw.height == 0:
            self.file_problem(
                f"в столбцах формы «{self.form.title}» нет ни одной заполненной строки.",
            )
        self.plain = self.plain_columns(raw)
        typed = []
        for column in self.form.columns:
            if column.field in self.defaulted:
                typed.append(pl.lit(column.default, dtype=_DTYPES[column.kind]).alias(column.field))
            elif column.field not in self.present:
                typed.append(pl.lit(None, dtype=_DTYPES[column.kind]).alias(column.field))
            elif column.default is not None:
                parsed = self.parser(column, raw[_raw(column.field)])
                typed.append(
                    pl.when(pl.col(_raw(column.field)).is_null()).then(pl.lit(column.default)).otherwise(parsed)
                    .alias(column.field)
                )
            else:
                typed.append(self.parser(column, raw[_raw(column.field)]).alias(column.field))
        # Lazily, so that common subexpressions (a number's cleaned text) are computed once.
        return raw.lazy().with_columns(typed).collect()

    def plain_columns(self, raw: pl.DataFrame) -> set[str]:
        """Fields whose every cell is already in the simplest form: whole numbers in plain digits,
        codes without wrapping. They skip the slower parsing (most big files are like this)."""
        probes = []
        for column in self.form.columns:
            if column.field not in self.present:
                continue
            source = pl.col(_raw(column.field))
            if column.kind == "int":
                odd = source.is_not_null() & source.cast(pl.Int64, strict=False).is_null()
            elif column.is_code:
                odd = source.str.contains(r"^[='’]")
            else:
                continue
            probes.append(odd.any().alias(column.field))
        if not probes:
            return set()
        found = raw.lazy().select(probes).collect().row(0, named=True)
        return {name for name, odd in found.items() if not odd}

    def parser(self, column: Column, texts: pl.Series) -> pl.Expr:
        source = pl.col(_raw(column.field))
        if column.field in self.plain:
            if column.kind == "int":
                return source.cast(pl.Int64, strict=False)
            return source
        if values.is_looked_up(column):
            mapping = values.value_mapping(texts, column)
            dtype = _DTYPES[column.kind]
            if not mapping:
                return pl.lit(None, dtype=dtype)
            return source.replace_strict(
                list(mapping), list(mapping.values()), default=None, return_dtype=dtype
            )
        if column.kind == "int":
            return values.parse_int(source)
        if column.kind == "decimal":
            return values.parse_number(source)
        if column.kind == "date":
            return values.parse_date(source)
        text = values.parse_code(source) if column.is_code else source
        if column.pattern:
            text = pl.when(text.str.contains(column.pattern)).then(text)
        return pl.when(text != "").then(text)

    # -- the checks of every row

    def row_checks(self, work: pl.DataFrame) -> list[_Check]:
        checks: list[_Check] = []
        for column in self.form.columns:
            if column.field in self.present:
                checks += self.cell_checks(column)
        checks += self.conditional_checks(work)
        checks += self.part_checks()
        checks += self.sum_checks(work)
        checks += self.key_checks(work)
        checks += self.code_checks()
        checks += self.warning_checks()
        return checks

    def cell_checks(self, column: Column) -> list[_Check]:
        name, raw = column.field, _raw(column.field)
        checks = []
        if column.required:
            checks.append(
                _Check(
                    pl.col(raw).is_null(),
                    name,
                    lambda row, c=column: (
                        f"не заполнено; это обязательный столбец, ожидается {values.expectation(c)}"
                    ),
                )
            )
        checks.append(
            _Check(
                pl.col(raw).is_not_null() & pl.col(name).is_null(),
                name,
                lambda row, c=column: values.explain_bad_value(row[_raw(c.field)], c),
                (raw,),
            )
        )
        low, high = _bound(column.minimum, column), _bound(column.maximum, column)
        if low is not None or high is not None:
            outside = pl.lit(False)
            if low is not None:
                outside = outside | (pl.col(name) < low)
            if high is not None:
                outside = outside | (pl.col(name) > high)
            checks.append(
                _Check(
                    outside, name, lambda row, c=column: values.explain_out_of_range(row[c.field], c), (name,)
                )
            )
        return checks

    def conditional_checks(self, work: pl.DataFrame) -> list[_Check]:
        checks = []
        for column in self.form.columns:
            condition = column.required_if
            if condition is None or condition.field not in self.present:
                continue
            applies = pl.col(condition.field).is_in(list(condition.values))
            if column.field not in self.present:
                rows = work.filter(applies)[ROW]
                if rows.len():
                    self.file_problem(
                        f"нет в файле, а он обязателен {_condition_words(condition, self.form)} (таких "
                        f"строк: {rows.len()}, первая — {rows[0]}).",
                        column=column.header,
                        count=rows.len(),
                    )
                continue
            checks.append(
                _Check(
                    applies & pl.col(_raw(column.field)).is_null(),
                    column.field,
                    lambda row, c=column, cond=condition: (
                        f"не заполнено; {_condition_words(cond, self.form, row[cond.field])} здесь ожидается "
                        f"{values.expectation(c)}"
                    ),
                    (condition.field,),
                )
            )
        return checks

    def part_checks(self) -> list[_Check]:
        checks = []
        for rule in self.form.parts:
            if rule.part not in self.present or rule.whole not in self.present:
                continue
            checks.append(
                _Check(
                    pl.col(rule.part) > pl.col(rule.whole),
                    rule.part,
                    lambda row, r=rule: (
                        f"значение {values.format_number(row[r.part])} больше, чем «{self.header(r.whole)}» "
                        f"({values.format_number(row[r.whole])}); ожидается число не больше {r.expected}"
                    ),
                    (rule.part, rule.whole),
                )
            )
        return checks

    def sum_checks(self, work: pl.DataFrame) -> list[_Check]:
        checks = []
        for rule in self.form.sums:
            given = [part for part in rule.parts if part in self.present]
            if rule.all_or_none and given and len(given) < len(rule.parts):
                if work.select(
                    pl.any_horizontal([pl.col(_raw(p)).is_not_null() for p in given]).any()
                ).item():
                    absent = [self.form.column(p).header for p in rule.parts if p not in given]
                    together = ", ".join(f"«{self.form.column(p).header}»" for p in rule.parts)
                    self.file_problem(
                        f"нет в файле, а столбцы {together} заполняются вместе.",
                        column=absent[0],
                    )
                continue
            if len(given) < len(rule.parts) or rule.total not in self.present:
                continue
            parts = [pl.col(part) for part in rule.parts]
            raw_parts = [pl.col(_raw(part)) for part in rule.parts]
            applies = pl.lit(True)
            if rule.when is not None:
                applies = pl.col(rule.when.field).is_in(list(rule.when.values))
            names = " + ".join(f"«{self.header(part)}»" for part in rule.parts)
            if rule.all_or_none:
                partly = pl.any_horizontal([p.is_not_null() for p in raw_parts]) & pl.any_horizontal(
                    [p.is_null() for p in raw_parts]
                )
                checks.append(
                    _Check(
                        applies & partly,
                        rule.parts[0],
                        lambda row, r=rule: (
                            "заполнены не все столбцы "
                            + ", ".join(f"«{self.header(p)}»" for p in r.parts)
                            + " (пусто: "
                            + ", ".join(f"«{self.header(p)}»" for p in r.parts if row[_raw(p)] is None)
                            + "); заполните все или оставьте все пустыми"
                        ),
                        tuple(_raw(p) for p in rule.parts),
                    )
                )
            complete = pl.all_horizontal([p.is_not_null() for p in parts]) & pl.col(rule.total).is_not_null()
            total = pl.sum_horizontal(parts)
            if rule.short_reason is None:
                checks.append(
                    _Check(
                        applies & complete & (total != pl.col(rule.total)),
                        rule.total,
                        lambda row, r=rule, n=names: (
                            f"сумма {n} = {sum(row[p] for p in r.parts)} не равна «{self.header(r.total)}» "
                            f"({row[r.total]}); ожидается сумма, равная {r.expected}"
                        ),
                        (*rule.parts, rule.total),
                    )
                )
                continue
            checks.append(
                _Check(
                    applies & complete & (total > pl.col(rule.total)),
                    rule.total,
                    lambda row, r=rule, n=names: (
                        f"сумма {n} = {sum(row[p] for p in r.parts)} больше, чем «{self.header(r.total)}» "
                        f"({row[r.total]}); ожидается сумма не больше «{self.header(r.total)}»"
                    ),
                    (*rule.parts, rule.total),
                )
            )
            checks.append(
                _Check(
                    applies & complete & (total < pl.col(rule.total)),
                    rule.total,
                    lambda row, r=rule, n=names: (
                        f"сумма {n} = {sum(row[p] for p in r.parts)} меньше, чем «{self.header(r.total)}» "
                        f"({row[r.total]}): {r.short_reason}"
                    ),
                    (*rule.parts, rule.total),
                    level="warning",
                )
            )
        return checks

    def key_checks(self, work: pl.DataFrame) -> list[_Check]:
        keys = list(self.form.key_fields)
        # A form without a key (a questionnaire's answers: every row is a response) has no repeats.
        if not keys or not all(key in self.present or key in self.defaulted for key in keys) or work.height < 2:
            return []
        complete = pl.all_horizontal([pl.col(key).is_not_null() for key in keys])
        # One 64-bit hash per row finds the candidates with little memory; equal keys are then
        # confirmed on those few rows only.
        hashes = work.lazy().select(pl.when(complete).then(pl.struct(keys).hash()).alias("h")).collect()["h"]
        candidates = work.filter(hashes.is_duplicated() & hashes.is_not_null()).select(ROW, *keys)
        if candidates.height == 0:
            return []
        candidates = candidates.with_columns(pl.col(ROW).min().over(keys).alias("first·row"))
        repeats = candidates.filter(pl.col(ROW) != pl.col("first·row"))
        if repeats.height == 0:
            return []
        self.first_rows = dict(zip(repeats[ROW].to_list(), repeats["first·row"].to_list(), strict=True))
        return [
            _Check(
                pl.col(ROW).is_in(repeats[ROW].implode()),
                keys[0],
                lambda row: (
                    f"повторяет строку {self.first_rows[row[ROW]]}: совпадают "
                    + ", ".join(f"«{self.header(k)}» ({self.shown(k, row[k])})" for k in keys)
                    + "; ожидается не больше одной строки с таким сочетанием"
                ),
                tuple(keys),
            )
        ]

    def shown(self, field_name: str, value: object) -> str:
        column = self.form.column(field_name)
        if column.kind == "school_year" and isinstance(value, int):
            return school_year_label(value)
        return values.format_number(value) if not isinstance(value, str) else value

    def code_checks(self) -> list[_Check]:
        if self.known_codes is None or not self.form.references_schools or "code" not in self.present:
            return []
        known = pl.Series("known", sorted(self.known_codes), dtype=pl.String)
        return [
            _Check(
                pl.col("code").is_not_null() & ~pl.col("code").is_in(known.implode()),
                "code",
                lambda row: self.unknown_code(row["code"]),
                ("code",),
            )
        ]

    def unknown_code(self, code: str) -> str:
        message = (
            f"школа с кодом «{code}» не найдена среди школ региона; ожидается код школы из реестра ОО "
            "(новую школу сначала добавьте через форму «Реестр ОО»)"
        )
        if code.isdigit():
            padded = {
                len(known) for known in self.known_codes or () if known.isdigit() and len(known) > len(code)
            }
            matches = sorted(code.zfill(n) for n in padded if code.zfill(n) in (self.known_codes or ()))
            if matches:
                message += (
                    f"; возможно, Excel отбросил ведущий ноль: в реестре есть «{matches[0]}» — сохраните "
                    "коды как текст"
                )
        return message

    def warning_checks(self) -> list[_Check]:
        checks = []
        if {"procedure", "grade"} <= self.present:
            for procedure, grade in (("ОГЭ", 9), ("ЕГЭ", 11)):
                checks.append(
                    _Check(
                        (pl.col("procedure") == procedure) & (pl.col("grade") != grade),
                        "grade",
                        lambda row, p=procedure, g=grade: (
                            f"{p} указан для {row['grade']} класса; обычно {p} сдают в {g} классе — проверьте"
                        ),
                        ("grade",),
                        level="warning",
                    )
                )
        return checks

    def column_warnings(self, work: pl.DataFrame) -> None:
        """Warnings about a whole column: lost leading zeros, shares written instead of percents."""
        if "code" in self.present and work.height:
            digits = work.select(
                pl.col("code").filter(pl.col("code").str.contains(r"^\d+$")).str.len_chars().alias("n")
            )["n"]
            if digits.len() and digits.min() != digits.max():
                short = work.filter(
                    pl.col("code").str.contains(r"^\d+$") & (pl.col("code").str.len_chars() < digits.max())
                )
                self.file_problem(
                    f"коды разной длины ({digits.min()} и {digits.max()} знаков; короче — {short.height}, "
                    f"например «{short['code'][0]}» в строке {short[ROW][0]}): возможно, Excel отбросил "
                    f"ведущие нули у кодов, записанных как числа. "
                    "Сохраните коды как текст.",
                    column=self.header("code"),
                    level="warning",
                )
        for column in self.form.columns:
            if (
                column.field in self.present
                and column.kind == "decimal"
                and column.maximum == 100
                and ("%" in column.header)
            ):
                stats = work.select(pl.col(column.field).max().alias("max"))
                top = stats["max"][0]
                if top is not None and 0 < top <= 1:
                    self.file_problem(
                        "все значения не больше 1: возможно, указаны доли, а не проценты (например, 0,35 "
                        "вместо 35).",
                        column=self.header(column.field),
                        level="warning",
                    )

    # -- from masks to messages

    def evaluate(
        self, work: pl.DataFrame, checks: list[_Check]
    ) -> tuple[list[CellProblem], list[CellProblem], int, int, dict[str, int]]:
        """Count every check's rows at once; write messages for the first rows of each.

        Errors are sorted by row and then column order and capped; row warnings are shown five
        per check, with a line counting the rest.
        """
        if not checks or work.height == 0:
            return [], [], 0, 0, {}
        flags = (
            work.lazy()
            .select([check.mask.fill_null(False).alias(f"f{i}") for i, check in enumerate(checks)])
            .collect()
        )
        counts = flags.sum().row(0)
        order = {name: i for i, name in enumerate(self.form.fields)}
        errors: list[tuple[int, int, CellProblem]] = []
        warnings: list[CellProblem] = []
        totals = {"error": 0, "warning": 0}
        by_column: dict[str, int] = {}
        listed = 0
        for i, (check, count) in enumerate(zip(checks, counts, strict=True)):
            if not count:
                continue
            totals[check.level] += count
            header = self.header(check.field) if check.field else ""
            shown = self.cap if check.level == "error" else _WARNINGS_PER_CHECK
            # The downloadable list takes every row of the check while it has room.
            room = max(FULL_LIST_LIMIT - listed, shown)
            value_column = _raw(check.field) if check.field and check.field in self.present else None
            needs = list(dict.fromkeys((ROW, *check.needs, *((value_column,) if value_column else ()))))
            failing = work.filter(flags[f"f{i}"]).head(room).select(needs)
            messages = [check.message(row) for row in failing.iter_rows(named=True)]
            listed += failing.height
            self.problem_frames.append(
                pl.DataFrame(
                    {
                        "level": [check.level] * failing.height,
                        "sheet": [self.table.sheet] * failing.height,
                        "row": failing[ROW],
                        "column": [header or None] * failing.height,
                        "value": failing[value_column].cast(pl.String) if value_column else [None] * failing.height,
                        "message": messages,
                    },
                    schema=_empty_problems().schema,
                )
            )
            first_rows = tuple(failing[ROW].head(GROUP_ROWS).to_list())
            example = str(CellProblem(self.table.sheet, first_rows[0], header or None, messages[0]))
            self.groups.append(ProblemGroup(check.level, header or None, count, first_rows, example))
            problems = [
                CellProblem(self.table.sheet, row, header or None, message)
                for row, message in zip(failing[ROW].head(shown).to_list(), messages[:shown], strict=True)
            ]
            if check.level == "error":
                by_column[header] = by_column.get(header, 0) + count
                errors += [(p.row or 0, order.get(check.field or "", -1), p) for p in problems]
            else:
                warnings += problems
                if count > len(problems):
                    warnings.append(
                        CellProblem(
                            self.table.sheet,
                            None,
                            header or None,
                            "и ещё " + quantity(count - len(problems), "такая строка", "такие строки", "таких строк"),
                        )
                    )
        ordered = [problem for *_, problem in sorted(errors, key=lambda item: item[:2])]
        return ordered[: self.cap], warnings, totals["error"], totals["warning"], by_column


def _bound(value: float | str | None, column: Column) -> Any:
    if value is None:
        return None
    if column.kind == "date":
        return pl.lit(dt.date.fromisoformat(str(value)))
    return value


def _condition_words(condition: Condition, form: FileForm, value: str | None = None) -> str:
    named = f"«{value}»" if value else ", ".join(f"«{v}»" for v in condition.values)
    if condition.field == "procedure":
        return f"для процедуры {named}" if value or len(condition.values) == 1 else f"для процедур {named}"
    return f"когда «{form.column(condition.field).header}» — {named}"
