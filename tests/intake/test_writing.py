import datetime as dt
import io

import openpyxl
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opora.intake.formats import FORMS, STUDENT_RESULTS, TEACHERS
from opora.intake.reading import FileRefused, read_table
from opora.intake.validation import check_file, validate
from opora.intake.writing import INSTRUCTION_SHEET, template_workbook, write_csv, write_workbook
from tests.intake.form_data import FORM_KEYS, valid_frames


@pytest.mark.parametrize("key", FORM_KEYS)
@pytest.mark.parametrize(("write", "file_name"), [(write_workbook, "выгрузка.xlsx"), (write_csv, "выгрузка.csv")])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_written_frame_reads_back_the_same(key, write, file_name, data):
    form = FORMS[key]
    frame = data.draw(valid_frames(form))

    result = check_file(write(frame, form), file_name=file_name)

    assert result.form is form
    assert result.ok, result.report()
    assert result.frame.equals(frame)
    assert result.rows.to_list() == list(range(2, frame.height + 2))


@pytest.mark.parametrize("key", FORM_KEYS)
def test_the_template_has_headers_and_instructions_with_examples_that_validate(key):
    form = FORMS[key]

    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook(form)))

    assert workbook.sheetnames == [form.title, INSTRUCTION_SHEET]
    data = workbook[form.title]
    assert [cell.value for cell in data[1]] == form.headers
    assert data.max_row == 1  # no example row a blank template could import
    assert data.column_dimensions["A"].number_format == "@"
    guide = workbook[INSTRUCTION_SHEET]
    assert [cell.value for cell in guide[1]] == ["Столбец", "Обязательный", "Что указывать", "Пример", "Примечание"]
    rows = list(guide.iter_rows(min_row=2, max_row=len(form.columns) + 1, values_only=True))
    listed = {row[0]: row[1] for row in rows}
    assert listed == {
        c.header: "да" if c.required else ("нет" if c.required_if is None else listed[c.header])
        for c in form.columns
    }
    # The examples of the instruction sheet, typed into the data sheet, make a valid row.
    example = "\n".join("\t".join(row) for row in ([c.header for c in form.columns], [row[3] or "" for row in rows]))
    result = check_file(example.encode("utf-8"), file_name="пример.csv", kind=key)
    assert result.ok and result.warning_count == 0, result.report()


def test_a_blank_template_loaded_by_mistake_imports_nothing():
    with pytest.raises(FileRefused, match="только строка заголовка"):
        check_file(template_workbook(FORMS["context"]), file_name="шаблон.xlsx")


def test_the_instructions_say_what_each_column_takes():
    guide = openpyxl.load_workbook(io.BytesIO(template_workbook(STUDENT_RESULTS)))[INSTRUCTION_SHEET]
    rows = {row[0]: row[1:] for row in guide.iter_rows(min_row=2, values_only=True) if row[0]}

    assert rows["Отметка"][:3] == ("для ВПР, ОГЭ", "целое число от 2 до 5", "4")
    assert rows["Процедура"][1] == "одно из значений: ВПР, ОГЭ, ЕГЭ, Годовые отметки, Контрольный срез"
    assert any(
        str(text).startswith("Ключ строки: «Код ОО», «Учебный год», «Процедура», «Предмет», «Код участника»")
        for text in rows
    )


def test_export_keeps_codes_as_text_years_as_labels_and_dates_as_dates():
    frame = pl.DataFrame(
        {
            "code": ["000123"],
            "teacher_code": ["007"],
            "full_name": ["Иванов & <Сын>\x07"],
            "subjects": ["Русский язык"],
            "experience_years": [3],
            "category": ["первая"],
            "age": [30],
            "diagnostics_date": [dt.date(2024, 3, 15)],
        }
    )

    sheet = openpyxl.load_workbook(io.BytesIO(write_workbook(frame, TEACHERS))).active

    assert sheet.title == "Педагоги"
    assert [cell.value for cell in sheet[1]] == TEACHERS.headers
    row = [cell.value for cell in sheet[2]]
    assert row[:3] == ["000123", "007", "Иванов & <Сын>"]
    assert sheet["A2"].number_format == "@"
    assert row[7] is None  # «Дефициты» absent from the frame: an empty column
    assert row[8] == dt.datetime(2024, 3, 15)
    assert sheet["I2"].number_format == "DD.MM.YYYY"


def test_export_writes_school_years_as_labels(tmp_path):
    form = FORMS["outcomes"]
    frame = pl.DataFrame({"code": ["010001"], "year": [2024], "students_end": [10]})
    path = tmp_path / "итоги.xlsx"

    write_workbook(frame, form, path)

    sheet = openpyxl.load_workbook(path).active
    written = dict(zip([cell.value for cell in sheet[1]], [cell.value for cell in sheet[2]], strict=True))
    assert [written[name] for name in ("Код ОО", "Учебный год", "Обучающихся на конец года")] == [
        "010001",
        "2023/2024",
        10,
    ]
    assert validate(read_table(path), form).frame.select("code", "year", "students_end").rows() == [
        ("010001", 2024, 10)
    ]


def test_an_empty_frame_gives_a_header_only_workbook():
    sheet = openpyxl.load_workbook(io.BytesIO(write_workbook(pl.DataFrame(), FORMS["schools"]))).active

    assert sheet.max_row == 1
    assert [cell.value for cell in sheet[1]] == FORMS["schools"].headers
