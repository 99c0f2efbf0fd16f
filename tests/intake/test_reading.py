import io
import random
import re
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opora.intake.formats import FORMS, RESULTS, SCHOOLS
from opora.intake.reading import FileRefused, column_letter, match_columns, read_table
from opora.intake.validation import validate
from tests.intake.form_data import csv_bytes, xlsx_bytes

CYRILLIC = re.compile("[а-яА-ЯёЁ]")


def cells(table):
    return [list(row) for row in table.cells.drop("row").rows()]


# --- .xlsx ---------------------------------------------------------------------------------------------


def test_xlsx_keeps_text_codes_and_turns_number_codes_into_whole_numbers():
    data = xlsx_bytes([["Код ОО", "Обучающихся", "Широта"], ["010001", 380, 56.5], [10002, 12.0, 1e-7]])

    table = read_table(data, file_name="реестр.xlsx")

    assert table.sheet == "Данные"
    assert table.headers == ("Код ОО", "Обучающихся", "Широта")
    assert cells(table) == [["010001", "380", "56.5"], ["10002", "12", "0.0000001"]]
    assert table.cells["row"].to_list() == [2, 3]
    assert table.file_format == "xlsx"


def test_xlsx_empty_rows_are_skipped_but_rows_keep_their_excel_numbers():
    data = xlsx_bytes([["Код ОО", "Наименование"], ["1", "А"], [None, None], ["  ", None], ["2", "Б"]])

    table = read_table(data, file_name="a.xlsx")

    assert table.cells["row"].to_list() == [2, 5]
    assert cells(table) == [["1", "А"], ["2", "Б"]]


def test_xlsx_takes_the_first_sheet_with_data_and_names_it():
    workbook = openpyxl.Workbook()
    workbook.active.title = "Пустой"
    hidden = workbook.create_sheet("Скрытый")
    hidden.append(["x", "y"])
    hidden.sheet_state = "hidden"
    data_sheet = workbook.create_sheet("Результаты 2024")
    data_sheet.append(["Код ОО", "Класс"])
    data_sheet.append(["010001", 5])
    buffer = io.BytesIO()
    workbook.save(buffer)

    table = read_table(buffer.getvalue(), file_name="r.xlsx")

    assert table.sheet == "Результаты 2024"
    assert cells(table) == [["010001", "5"]]


def test_a_title_above_the_header_is_passed_over():
    data = xlsx_bytes([["Результаты ВПР, 2024 год"], [None], ["Код ОО", "Класс"], ["010001", 5]])

    table = read_table(data, file_name="r.xlsx")

    assert table.headers == ("Код ОО", "Класс")
    assert table.header_row == 3
    assert table.cells["row"].to_list() == [4]
    assert "пропущены" in table.notes[0]


def test_a_table_starting_further_down_keeps_its_row_numbers():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["C4"], sheet["D4"], sheet["C5"], sheet["D7"] = "Код ОО", "Класс", "010001", 9
    buffer = io.BytesIO()
    workbook.save(buffer)

    table = read_table(buffer.getvalue(), file_name="r.xlsx")

    assert table.header_row == 4
    assert table.headers[-2:] == ("Код ОО", "Класс")
    assert table.cells["row"].to_list() == [5, 7]


def test_xlsx_dates_booleans_and_error_cells_come_as_text():
    import datetime as dt

    data = xlsx_bytes([["Дата диагностики", "Флаг", "Формула"], [dt.date(2024, 3, 15), True, "=1/0"]])

    table = read_table(data, file_name="d.xlsx")

    assert cells(table) == [["2024-03-15 00:00:00", "true", None]]


# --- .csv ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "separator", "name"),
    [
        ("cp1251", ";", "Windows-1251; разделитель: точка с запятой"),
        ("utf-8-sig", "\t", "UTF-8 с BOM; разделитель: табуляция"),
        ("utf-8", ",", "UTF-8; разделитель: запятая"),
        ("utf-16", "\t", "UTF-16; разделитель: табуляция"),
    ],
)
def test_csv_encodings_and_separators_are_found(encoding, separator, name):
    rows = [
        ["Код ОО", "Стаж, лет", "Наименование"],
        ["010001", "12", "Школа «Ёлочка», с. Ключи"],
        ["010002", "", ""],
    ]

    table = read_table(csv_bytes(rows, separator=separator, encoding=encoding), file_name="п.csv")

    assert table.headers == ("Код ОО", "Стаж, лет", "Наименование")
    assert cells(table) == [["010001", "12", "Школа «Ёлочка», с. Ключи"], ["010002", None, None]]
    assert table.notes == (f"Кодировка: {name}.",)
    assert table.sheet is None and table.place == "файл «п.csv»"


def test_csv_blank_lines_keep_row_numbers_and_cells_are_trimmed():
    data = "Код ОО;Класс\r\n 010001 ; 5\r\n\r\n;\r\n010002;6\r\n".encode()

    table = read_table(data, file_name="a.csv")

    assert table.cells["row"].to_list() == [2, 5]
    assert cells(table) == [["010001", "5"], ["010002", "6"]]


def test_csv_rows_longer_or_shorter_than_the_header_are_cut_or_padded():
    data = "Код ОО;Класс\n010001\n010002;6;лишнее\n".encode()

    table = read_table(data, file_name="a.csv")

    assert cells(table) == [["010001", None], ["010002", "6"]]


def test_sources_may_be_a_path_or_an_open_file(tmp_path):
    path = tmp_path / "контекст.csv"
    path.write_bytes("Код ОО;Обучающихся\n010001;5\n".encode("cp1251"))

    from_path = read_table(path)
    with path.open("rb") as stream:
        from_stream = read_table(stream)

    assert from_path.file_name == from_stream.file_name == "контекст.csv"
    assert cells(from_path) == cells(from_stream) == [["010001", "5"]]


# --- refusals ------------------------------------------------------------------------------------------


def _ole(*streams: str) -> bytes:
    body = b"".join(name.encode("utf-16-le") + b"\x00" * 8 for name in streams)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + body


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, content in files.items():
            package.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "пусто.csv", "Файл «пусто.csv» пуст."),
        (b"  \r\n\t\n", "пусто.csv", "Файл «пусто.csv» пуст."),
        (_ole("EncryptionInfo", "EncryptedPackage"), "секрет.xlsx", "Файл «секрет.xlsx» защищён паролем."),
        (_ole("Workbook"), "старый.xls", "Файл «старый.xls» сохранён в старом формате Excel 97–2003 (.xls)"),
        (_ole("WordDocument"), "d.doc", "Файл «d.doc» — документ Word, а не таблица."),
        (b"PK\x03\x04" + b"\x00" * 100, "битый.xlsx", "Файл «битый.xlsx» повреждён: архив книги Excel"),
        (_zip({"word/document.xml": b"<w/>"}), "d.docx", "Файл «d.docx» — документ Word, а не таблица."),
        (
            _zip({"content.xml": b"<x/>", "mimetype": b"ods"}),
            "t.ods",
            "Файл «t.ods» — таблица OpenDocument (.ods).",
        ),
        (_zip({"a.txt": b"x"}), "a.zip", "Файл «a.zip» — архив, но не книга Excel (.xlsx)."),
        (b"%PDF-1.4\n...", "отчёт.pdf", "Файл «отчёт.pdf» — документ PDF, а не таблица."),
        (
            b"<html><table><tr><td>1</td></tr></table></html>",
            "выгрузка.xls",
            "Файл «выгрузка.xls» — веб-страница",
        ),
        (bytes(range(256)) * 4, "a.bin", "Файл «a.bin» не является таблицей"),
        (b"\x98\x98 abc", "a.csv", "Файл «a.csv» не является таблицей или записан в неизвестной кодировке"),
        (
            "Код ОО;Класс\n".encode(),
            "h.csv",
            "В файле «h.csv» есть только строка заголовка, строк с данными нет.",
        ),
        (b"1;2\n3;4\n", "n.csv", "В файле «n.csv» нет строки заголовка: первая строка должна содержать"),
        (
            xlsx_bytes([["Код ОО"]], sheet="Лист1"),
            "h.xlsx",
            "В файле «h.xlsx» (лист «Лист1») есть только строка заголовка",
        ),
        (xlsx_bytes([]), "e.xlsx", "В файле «e.xlsx» нет данных: все листы пусты."),
    ],
)
def test_what_is_no_table_is_refused_with_a_russian_message_naming_the_file(data, name, message):
    with pytest.raises(FileRefused) as refusal:
        read_table(data, file_name=name)

    assert str(refusal.value).startswith(message)


def test_too_big_and_too_long_files_are_refused(tmp_path):
    data = ("Код ОО;Класс\n" + "010001;5\n" * 20).encode()
    path = tmp_path / "big.csv"
    path.write_bytes(data)

    with pytest.raises(
        FileRefused,
        match=r"^Файл «big\.csv» слишком большой \(1 КБ\); можно загрузить файл не "
        r"больше 1 КБ\. Разделите данные на несколько файлов\.$",
    ):
        read_table(path, max_bytes=100)
    with pytest.raises(FileRefused, match=r"^В файле «big\.csv» больше 10 строк данных"):
        read_table(path, max_rows=10)
    with pytest.raises(FileRefused, match=r"^В файле «big\.xlsx» больше 10 строк данных"):
        read_table(xlsx_bytes([["Код ОО"], *[["1"]] * 11]), file_name="big.xlsx", max_rows=10)


def test_a_sheet_declaring_a_huge_area_is_refused_before_loading():
    original = xlsx_bytes([["Код ОО", "Класс"], ["1", 5]])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                content = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', content)
            target.writestr(info, content)

    with pytest.raises(FileRefused, match=r"^Файл «h\.xlsx»: лист занимает 1048576 строк × 16384 столбцов"):
        read_table(buffer.getvalue(), file_name="h.xlsx", max_rows=5_000_000)


# --- columns -------------------------------------------------------------------------------------------


def test_headers_match_ignoring_case_spaces_quotes_colon_yo_and_by_alias():
    data = csv_bytes(
        [
            [
                "  код   оо: ",
                "«ПРОЦЕДУРА»",
                '"Класс"',
                "Учебный предмет",
                "Отметка «2»",
                "Заметки",
                "Уч. год",
                "",
            ],
            ["1", "ВПР", "5", "Русский язык", "3", "x", "2024", "данные без названия"],
        ]
    )

    match = match_columns(read_table(data, file_name="r.csv"), RESULTS)

    assert match.indexes == {"code": 0, "procedure": 1, "grade": 2, "subject": 3, "marks_2": 4, "year": 6}
    assert match.headers["marks_2"] == "Отметка «2»"
    assert match.extra == ("Заметки",)
    assert match.unnamed == ("№ 8",)
    assert [column.header for column in match.missing_required] == ["Участников"]


def test_a_column_named_twice_is_reported():
    table = read_table(csv_bytes([["Код ОО", "Наименование", "код оо"], ["1", "А", "2"]]), file_name="s.csv")

    match = match_columns(table, SCHOOLS)

    assert [(column.field, headers) for column, headers in match.repeated] == [("code", ("Код ОО", "код оо"))]
    assert match.indexes["code"] == 0


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


# --- damaged input never crashes ---------------------------------------------------------------------


def _refused_cleanly(error: FileRefused) -> None:
    assert CYRILLIC.search(str(error))
    assert "«" in str(error)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000), st.sampled_from(["a.csv", "a.xlsx", "a"]))
def test_random_bytes_give_a_table_or_a_clear_refusal(data, name):
    try:
        table = read_table(data, file_name=name)
    except FileRefused as error:
        _refused_cleanly(error)
        return
    for form in FORMS.values():
        validate(table, form)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_damaged_workbooks_give_a_table_or_a_clear_refusal(data):
    original = bytearray(xlsx_bytes([["Код ОО", "Учебный год", "Обучающихся"], ["010001", "2023/2024", 380]]))
    how = data.draw(st.sampled_from(["flip", "cut", "splice"]))
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    if how == "flip":
        for _ in range(data.draw(st.integers(1, 20))):
            original[rng.randrange(len(original))] = rng.randrange(256)
    elif how == "cut":
        # The workbook's length varies (it holds a timestamp): draw a position independent of it.
        del original[4 + data.draw(st.integers(0, 10**6)) % (len(original) - 4) :]
    else:
        start = rng.randrange(len(original))
        original[start : start + 50] = data.draw(st.binary(min_size=1, max_size=50))
    try:
        table = read_table(bytes(original), file_name="книга.xlsx")
    except FileRefused as error:
        _refused_cleanly(error)
        return
    validate(table, FORMS["context"])


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=400), st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "utf-16"]))
def test_any_text_in_any_supported_encoding_gives_a_table_or_a_clear_refusal(text, encoding):
    data = text.encode(encoding, errors="replace")
    try:
        table = read_table(data, file_name="t.csv")
    except FileRefused as error:
        _refused_cleanly(error)
        return
    assert table.cells.height >= 1
    for form in FORMS.values():
        validate(table, form)
