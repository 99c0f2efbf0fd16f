import datetime as dt
import random

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opora.intake.formats import CONTEXT, FORMS, OUTCOMES, RESULTS, SCHOOLS, STUDENT_RESULTS, TEACHERS
from opora.intake.reading import FileRefused, read_table
from opora.intake.validation import CellProblem, FormNotRecognised, check_file, validate
from tests.intake.form_data import FORM_KEYS, csv_bytes, form_rows, valid_frames, xlsx_bytes


def csv_table(rows, **options):
    return read_table(csv_bytes(rows, **options), file_name="данные.csv")


def messages(result):
    return [str(problem) for problem in result.errors]


def only_error(result):
    assert result.error_count == 1, result.report()
    return str(result.errors[0])


CONTEXT_HEADER = ["Код ОО", "Учебный год", "Обучающихся", "С ОВЗ"]


# --- the frame -----------------------------------------------------------------------------------------


def test_a_valid_file_gives_a_typed_frame_with_every_field():
    rows = [
        [
            "Код ОО",
            "Учебный год",
            "Обучающихся",
            "Родители с высшим образованием, %",
            "Расстояние до райцентра, км",
        ],
        ["010001", "2023/2024", "1 234", "35,5", "12"],
        ["010002", "2023-24", "380", "", "0.5"],
    ]

    result = validate(csv_table(rows), CONTEXT)

    assert result.ok and result.errors == [] and result.warnings == []
    assert result.frame.columns == CONTEXT.fields
    assert result.frame.schema["code"] == pl.String and result.frame.schema["year"] == pl.Int64
    assert result.frame.schema["students"] == pl.Int64 and result.frame.schema["distance_km"] == pl.Float64
    assert result.frame.select(
        "code", "year", "students", "parents_higher_education_pct", "distance_km"
    ).rows() == [
        ("010001", 2024, 1234, 35.5, 12.0),
        ("010002", 2024, 380, None, 0.5),
    ]
    assert result.frame["teachers"].to_list() == [None, None]
    assert result.present_fields == (
        "code",
        "year",
        "students",
        "parents_higher_education_pct",
        "distance_km",
    )
    assert result.rows.to_list() == [2, 3]
    assert result.summary == "Файл «данные.csv»: форма «Контекстные данные», строк с данными: 2. Ошибок нет."


def test_values_are_normalised_subjects_procedures_and_allowed_values():
    rows = [
        [
            "Код ОО",
            "Учебный год",
            "Процедура",
            "Класс",
            "Предмет",
            "Участников",
            "Не преодолели минимальный порог",
        ],
        ["010001", "2024", "егэ", "11", "математика  профиль", "10", "1"],
        ["010001", "2024", "ЕГЭ", "11", "РУССКИЙ", "10", "0"],
        ["010001", "2024", "ЕГЭ", "11", "Математика (базовая)", "10", "0"],
    ]

    frame = validate(csv_table(rows), RESULTS).frame

    assert frame["procedure"].to_list() == ["ЕГЭ"] * 3
    assert frame["subject"].to_list() == ["Математика (профильная)", "Русский язык", "Математика (базовая)"]


def test_schools_choices_synonyms_and_codes_written_to_stay_text():
    rows = [
        ["Код ОО", "Наименование", "Муниципалитет", "Тип ОО", "Местность", "E-mail"],
        ['="010001"', "Школа 1", "Район", "Лицей", "сельская местность", "a@b.ru"],
        ["'010002", "Школа 2", "Район", "средняя общеобразовательная школа", "ГОРОД", ""],
    ]

    result = validate(csv_table(rows), SCHOOLS)

    assert result.ok, result.report()
    assert result.frame.select("code", "school_type", "locality", "email").rows() == [
        ("010001", "лицей", "село", "a@b.ru"),
        ("010002", "СОШ", "город", None),
    ]


def test_teachers_lists_dates_and_categories():
    rows = [
        [
            "Код ОО",
            "Код педагога",
            "Предметы",
            "Стаж, лет",
            "Квалификационная категория",
            "Возраст",
            "Дефициты",
            "Дата диагностики",
            "Повышение квалификации",
        ],
        [
            "010001",
            "T1",
            "русский; литература;",
            "10",
            "Высшая категория",
            "40",
            " оценивание ;; ФГ ",
            "15.03.2024",
            "2023",
        ],
        ["010001", "T2", "Математика", "0", "СЗД", "23", "", "2024-03-15 00:00:00", ""],
        ["010001", "T3", "Физика", "5", "первая", "30", "", "1.9.23", ""],
    ]

    result = validate(csv_table(rows), TEACHERS)

    assert result.ok, result.report()
    assert result.frame.select("subjects", "category", "deficits", "diagnostics_date").rows() == [
        ("Русский язык; Литература", "высшая", "оценивание; ФГ", dt.date(2024, 3, 15)),
        ("Математика", "соответствие занимаемой должности", None, dt.date(2024, 3, 15)),
        ("Физика", "первая", None, dt.date(2023, 9, 1)),
    ]


# --- one message for each kind of error ------------------------------------------------------------------


def test_the_part_larger_than_its_whole_names_sheet_row_and_column():
    rows = [CONTEXT_HEADER] + [[f"0100{i:02d}", "2023/2024", "380", "10"] for i in range(12)]
    rows.append(["010099", "2023/2024", "380", "420"])

    result = validate(read_table(xlsx_bytes(rows, sheet="Реестр ОО"), file_name="к.xlsx"), CONTEXT)

    assert only_error(result) == (
        "Лист «Реестр ОО», строка 14, столбец «С ОВЗ»: значение 420 больше, чем «Обучающихся» (380); "
        "ожидается число не больше числа обучающихся"
    )
    assert result.errors[0] == CellProblem("Реестр ОО", 14, "С ОВЗ", result.errors[0].message)
    assert result.error_counts == {"С ОВЗ": 1}
    assert not result.ok


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (
            ["", "2023/2024", "380", ""],
            "Строка 2, столбец «Код ОО»: не заполнено; это обязательный столбец, ожидается код, например "
            "010001",
        ),
        (
            ["010001", "2023/2025", "380", ""],
            "Строка 2, столбец «Учебный год»: значение «2023/2025»: год окончания должен быть на единицу "
            "больше года начала; ожидается учебный год, например 2023/2024",
        ),
        (
            ["010001", "прошлый", "380", ""],
            "Строка 2, столбец «Учебный год»: значение «прошлый» не является учебным годом; ожидается, "
            "например, 2023/2024",
        ),
        (
            ["010001", "2024", "12,5", ""],
            "Строка 2, столбец «Обучающихся»: значение «12,5» не является целым числом; ожидается целое "
            "число не меньше 0",
        ),
        (
            ["010001", "2024", "много", ""],
            "Строка 2, столбец «Обучающихся»: значение «много» не является числом; ожидается целое число не "
            "меньше 0",
        ),
        (
            ["010001", "2024", "−5", ""],
            "Строка 2, столбец «Обучающихся»: значение −5 отрицательное; ожидается целое число не меньше 0",
        ),
        (
            ["010001", "2024", "", "3"],
            "Строка 2, столбец «Обучающихся»: не заполнено; это обязательный столбец, ожидается целое число "
            "не меньше 0",
        ),
        (
            ["010001", "2024", "99999999999999999999", ""],
            "Строка 2, столбец «Обучающихся»: значение «99999999999999999999» слишком большое; ожидается "
            "целое число не меньше 0",
        ),
    ],
)
def test_wrong_cells_are_named_with_what_is_expected(cells, message):
    assert only_error(validate(csv_table([CONTEXT_HEADER, cells]), CONTEXT)) == message


@pytest.mark.parametrize(
    ("header", "value", "message"),
    [
        (
            "Родители с высшим образованием, %",
            "120",
            "значение 120 вне допустимого диапазона; ожидается число от 0 до 100",
        ),
        (
            "Родители с высшим образованием, %",
            "сорок",
            "значение «сорок» не является числом; ожидается число от 0 до 100 (дробную часть можно отделять "
            "запятой)",
        ),
        (
            "Скорость интернета, Мбит/с",
            "-1",
            "значение −1 вне допустимого диапазона; ожидается число не меньше 0",
        ),
    ],
)
def test_decimal_cells(header, value, message):
    result = validate(
        csv_table([["Код ОО", "Учебный год", "Обучающихся", header], ["1", "2024", "5", value]]), CONTEXT
    )

    assert only_error(result) == f"Строка 2, столбец «{header}»: {message}"


def test_a_value_outside_the_allowed_list_suggests_the_closest():
    rows = [
        ["Код ОО", "Наименование", "Муниципалитет", "Тип ОО", "E-mail"],
        ["1", "Ш", "Р", "лецей", "нет почты"],
    ]

    assert messages(validate(csv_table(rows), SCHOOLS)) == [
        "Строка 2, столбец «Тип ОО»: значение «лецей» не входит в список допустимых (возможно, «лицей»); "
        "ожидается одно из значений: СОШ, ООШ, НОШ, лицей, гимназия, вечерняя (сменная), коррекционная, "
        "другое",
        "Строка 2, столбец «E-mail»: значение «нет почты» записано неверно; ожидается адрес электронной "
        "почты, например school@example.ru",
    ]


def test_latitude_and_longitude_ranges():
    rows = [["Код ОО", "Наименование", "Муниципалитет", "Широта", "Долгота"], ["1", "Ш", "Р", "91", "-180,5"]]

    assert messages(validate(csv_table(rows), SCHOOLS)) == [
        "Строка 2, столбец «Широта»: значение 91 вне допустимого диапазона; ожидается число от −90 до 90",
        "Строка 2, столбец «Долгота»: значение −180,5 вне допустимого диапазона; ожидается число от −180 до "
        "180",
    ]


RESULTS_HEADER = [
    "Код ОО",
    "Учебный год",
    "Процедура",
    "Класс",
    "Предмет",
    "Участников",
    "2",
    "3",
    "4",
    "5",
    "Не преодолели минимальный порог",
    "Понизили",
    "Подтвердили",
    "Повысили",
]


def test_marks_must_sum_to_participants_and_are_required_for_marked_procedures():
    rows = [
        RESULTS_HEADER,
        ["010001", "2024", "ВПР", "5", "Математика", "25", "2", "9", "10", "5", "", "", "", ""],
        ["010001", "2024", "ОГЭ", "9", "Математика", "25", "2", "9", "", "4", "", "", "", ""],
        ["010001", "2024", "ЕГЭ", "11", "Математика (профильная)", "25", "", "", "", "", "", "", "", ""],
        ["010001", "2024", "ЕГЭ", "11", "Русский язык", "25", "", "", "", "", "26", "", "", ""],
        ["010001", "2024", "ВПР", "6", "Математика", "4", "1", "1", "1", "1", "", "1", "1", ""],
        ["010001", "2024", "ВПР", "7", "Математика", "4", "1", "1", "1", "1", "", "2", "2", "1"],
        ["010001", "2024", "ВПР", "12", "Математика", "0", "0", "0", "0", "0", "", "", "", ""],
    ]

    assert messages(validate(csv_table(rows), RESULTS)) == [
        "Строка 2, столбец «Участников»: сумма «2» + «3» + «4» + «5» = 26 не равна «Участников» (25); "
        "ожидается сумма, равная числу участников",
        "Строка 3, столбец «4»: не заполнено; для процедуры «ОГЭ» здесь ожидается целое число не меньше 0",
        "Строка 4, столбец «Не преодолели минимальный порог»: не заполнено; для процедуры «ЕГЭ» здесь "
        "ожидается целое число не меньше 0",
        "Строка 5, столбец «Не преодолели минимальный порог»: значение 26 больше, чем «Участников» (25); "
        "ожидается число не больше числа участников",
        "Строка 6, столбец «Понизили»: заполнены не все столбцы «Понизили», «Подтвердили», «Повысили» "
        "(пусто: «Повысили»); заполните все или оставьте все пустыми",
        "Строка 7, столбец «Участников»: сумма «Понизили» + «Подтвердили» + «Повысили» = 5 больше, чем "
        "«Участников» (4); ожидается сумма не больше «Участников»",
        "Строка 8, столбец «Класс»: значение 12 вне допустимого диапазона; ожидается целое число от 4 до 11",
    ]


def test_vpr_journal_counts_may_cover_fewer_participants_with_a_warning():
    rows = [
        RESULTS_HEADER,
        ["010001", "2024", "ВПР", "7", "Математика", "4", "1", "1", "1", "1", "", "1", "1", "1"],
    ]

    result = validate(csv_table(rows), RESULTS)

    assert result.error_count == 0
    assert [str(problem) for problem in result.warnings] == [
        "Строка 2, столбец «Участников»: сумма «Понизили» + «Подтвердили» + «Повысили» = 3 меньше, чем "
        "«Участников» (4): у части участников нет отметки по журналу, сравнение ВПР с журналом — по остальным"
    ]
    assert result.frame.select("lowered", "confirmed", "raised").row(0) == (1, 1, 1)


def test_a_column_required_by_some_rows_but_absent_is_one_error():
    rows = [
        ["Код ОО", "Учебный год", "Процедура", "Класс", "Предмет", "Код участника", "Отметка"],
        ["010001", "2024", "ВПР", "5", "Математика", "A1", "4"],
        ["010001", "2024", "ЕГЭ", "11", "Русский язык", "A1", ""],
        ["010001", "2024", "ЕГЭ", "11", "Математика (профильная)", "A1", ""],
    ]

    result = validate(csv_table(rows), STUDENT_RESULTS)

    assert messages(result) == [
        "Столбец «Тестовый балл»: нет в файле, а он обязателен для процедуры «ЕГЭ» (таких строк: 2, первая — "
        "3)."
    ]
    assert result.error_count == 2


def test_student_results_require_a_mark_for_vpr_and_a_test_score_for_ege():
    rows = [
        [
            "Код ОО",
            "Учебный год",
            "Процедура",
            "Класс",
            "Предмет",
            "Код участника",
            "Тестовый балл",
            "Отметка",
            "Отметка по журналу",
        ],
        ["010001", "2024", "ВПР", "5", "Математика", "A1", "", "", "6"],
        ["010001", "2024", "ЕГЭ", "11", "Русский язык", "A1", "101", "", ""],
        ["010001", "2024", "ЕГЭ", "11", "Физика", "A1", "", "", ""],
    ]

    assert messages(validate(csv_table(rows), STUDENT_RESULTS)) == [
        "Строка 2, столбец «Отметка»: не заполнено; для процедуры «ВПР» здесь ожидается целое число от 2 до "
        "5",
        "Строка 2, столбец «Отметка по журналу»: значение 6 вне допустимого диапазона; ожидается целое число "
        "от 2 до 5",
        "Строка 3, столбец «Тестовый балл»: значение 101 вне допустимого диапазона; ожидается целое число от "
        "0 до 100",
        "Строка 4, столбец «Тестовый балл»: не заполнено; для процедуры «ЕГЭ» здесь ожидается целое число от "
        "0 до 100",
    ]


def test_a_key_repeated_in_the_file_names_both_rows():
    rows = [
        ["Код ОО", "Учебный год", "Процедура", "Класс", "Предмет", "Код участника", "Отметка"],
        ["010001", "2023/2024", "ВПР", "5", "Математика", "A1", "4"],
        ["010001", "2023/2024", "ВПР", "5", "Русский язык", "A1", "4"],
        ["010001", "2023-24", "впр", "6", "математика", "A1", "3"],
    ]

    assert messages(validate(csv_table(rows), STUDENT_RESULTS)) == [
        "Строка 4, столбец «Код ОО»: повторяет строку 2: совпадают «Код ОО» (010001), «Учебный год» "
        "(2023/2024), «Процедура» (ВПР), «Предмет» (Математика), «Код участника» (A1); ожидается не больше "
        "одной строки с таким сочетанием"
    ]


def test_outcomes_parts_and_teachers_experience():
    outcomes = [
        [
            "Код ОО",
            "Учебный год",
            "Обучающихся на конец года",
            "Выпускников 9 классов",
            "Не получили аттестат (9)",
        ],
        ["010001", "2024", "100", "20", "21"],
    ]
    teachers = [
        ["Код ОО", "Код педагога", "Предметы", "Стаж, лет", "Квалификационная категория", "Возраст"],
        ["010001", "T1", "Физика", "40", "нет", "35"],
    ]

    assert only_error(validate(csv_table(outcomes), OUTCOMES)) == (
        "Строка 2, столбец «Не получили аттестат (9)»: значение 21 больше, чем «Выпускников 9 классов» (20); "
        "ожидается число не больше числа выпускников 9 классов"
    )
    assert only_error(validate(csv_table(teachers), TEACHERS)) == (
        "Строка 2, столбец «Стаж, лет»: значение 40 больше, чем «Возраст» (35); ожидается число не больше "
        "возраста"
    )


def test_a_bad_date():
    rows = [
        [
            "Код ОО",
            "Код педагога",
            "Предметы",
            "Стаж, лет",
            "Квалификационная категория",
            "Возраст",
            "Дата диагностики",
        ],
        ["1", "T1", "Физика", "4", "первая", "35", "31.02.2024"],
    ]

    assert only_error(validate(csv_table(rows), TEACHERS)) == (
        "Строка 2, столбец «Дата диагностики»: значение «31.02.2024» не является датой; ожидается дата в "
        "виде ДД.ММ.ГГГГ (например, 15.03.2024) от 01.01.2000 до 31.12.2100"
    )


# --- school codes --------------------------------------------------------------------------------------


def test_unknown_school_codes_are_errors_with_a_hint_about_lost_zeros():
    rows = [CONTEXT_HEADER, ["010001", "2024", "5", ""], ["10002", "2024", "5", ""], ["999", "2024", "5", ""]]

    result = validate(csv_table(rows), CONTEXT, known_codes={"010001", "010002"})

    assert messages(result) == [
        "Строка 3, столбец «Код ОО»: школа с кодом «10002» не найдена среди школ региона; ожидается код "
        "школы из реестра ОО (новую школу сначала добавьте через форму «Реестр ОО»); возможно, Excel "
        "отбросил ведущий ноль: в реестре есть «010002» — сохраните коды как текст",
        "Строка 4, столбец «Код ОО»: школа с кодом «999» не найдена среди школ региона; ожидается код школы "
        "из реестра ОО (новую школу сначала добавьте через форму «Реестр ОО»)",
    ]
    assert validate(csv_table(rows), CONTEXT).error_count == 0


def test_the_registry_brings_new_codes():
    rows = [["Код ОО", "Наименование", "Муниципалитет"], ["020001", "Новая школа", "Район"]]

    assert validate(csv_table(rows), SCHOOLS, known_codes=set()).ok


# --- columns and warnings --------------------------------------------------------------------------------


def test_missing_and_repeated_columns_are_errors_extra_ones_warnings():
    rows = [["код оо", "Учебный год", "Код ОО", "Примечание", "Ответственный"], ["1", "2024", "1", "x", "y"]]

    result = validate(csv_table(rows), CONTEXT)

    assert messages(result) == [
        "Столбец «Обучающихся»: нет в файле; это обязательный столбец формы «Контекстные данные». Названия "
        "столбцов должны быть в первой строке; порядок столбцов не важен.",
        "Столбец «Код ОО»: встречается в файле 2 раза («код оо», «Код ОО»); оставьте один.",
    ]
    assert [str(w) for w in result.warnings] == [
        "Столбцы «Примечание», «Ответственный» не входят в форму «Контекстные данные» и не будут загружены."
    ]


def test_warnings_for_lost_leading_zeros_shares_and_unusual_grades():
    rows = [
        ["Код ОО", "Учебный год", "Обучающихся", "Родители с высшим образованием, %"],
        ["010001", "2024", "5", "0,35"],
        ["10002", "2024", "5", "0,5"],
    ]
    results = [
        RESULTS_HEADER[:10],
        *[
            ["010001", "2024", "ОГЭ", str(grade), "Химия", "5", "1", "1", "1", "2"]
            for grade in (4, 5, 6, 7, 8, 10, 11)
        ],
    ]

    context = validate(csv_table(rows), CONTEXT)
    grades = validate(csv_table(results), RESULTS)

    assert context.ok and grades.ok
    assert [str(w) for w in context.warnings] == [
        "Столбец «Код ОО»: коды разной длины (5 и 6 знаков; короче — 1, например «10002» в строке 3): "
        "возможно, Excel отбросил ведущие нули у кодов, записанных как числа. Сохраните коды как текст.",
        "Столбец «Родители с высшим образованием, %»: все значения не больше 1: возможно, указаны доли, а не "
        "проценты (например, 0,35 вместо 35).",
    ]
    assert str(grades.warnings[0]) == (
        "Строка 2, столбец «Класс»: ОГЭ указан для 4 класса; обычно ОГЭ сдают в 9 классе — проверьте"
    )
    assert str(grades.warnings[-1]) == "Столбец «Класс»: и ещё 2 такие строки"
    assert grades.warning_count == 7


def test_errors_are_counted_in_full_but_listed_up_to_the_cap():
    rows = [CONTEXT_HEADER] + [[f"{i:06d}", "2024", "x", ""] for i in range(1000)]

    result = validate(csv_table(rows), CONTEXT, max_problems=10)

    assert result.error_count == 1000 and len(result.errors) == 10
    assert [problem.row for problem in result.errors] == list(range(2, 12))
    assert result.summary == (
        "Файл «данные.csv»: форма «Контекстные данные», строк с данными: 1\xa0000. Ошибок: 1\xa0000; файл не будет "
        "загружен, пока они не исправлены. Показаны первые 10."
    )
    assert result.report(limit=2).splitlines()[1:] == [
        "Ошибка. Строка 2, столбец «Обучающихся»: значение «x» не является числом; ожидается целое число не "
        "меньше 0",
        "Ошибка. Строка 3, столбец «Обучающихся»: значение «x» не является числом; ожидается целое число не "
        "меньше 0",
        "… и ещё 998 ошибок.",
    ]


def test_rows_empty_in_every_column_of_the_form_are_left_out():
    rows = [
        ["Код ОО", "Учебный год", "Обучающихся", "Заметки"],
        ["1", "2024", "5", ""],
        ["", "", "", "итого"],
    ]

    result = validate(csv_table(rows), CONTEXT)

    assert result.ok and result.frame.height == 1


# --- from a file ---------------------------------------------------------------------------------------


def test_check_file_recognises_the_form_or_takes_the_users_choice():
    data = csv_bytes([["Код ОО", "Учебный год", "Обучающихся на конец года"], ["1", "2024", "5"]])

    recognised = check_file(data, file_name="итоги.csv")
    chosen = check_file(data, file_name="итоги.csv", kind="context")

    assert recognised.form is OUTCOMES and recognised.ok
    assert recognised.recognition.form is OUTCOMES
    assert chosen.form is CONTEXT and chosen.recognition is None
    assert "Столбец «Обучающихся»: нет в файле" in str(chosen.errors[0])
    with pytest.raises(ValueError, match="Неизвестный вид файла «grades»"):
        check_file(data, file_name="итоги.csv", kind="grades")


def test_check_file_refuses_a_file_of_no_form():
    data = csv_bytes([["Фамилия", "Имя"], ["Иванов", "Иван"]])

    with pytest.raises(FormNotRecognised) as refusal:
        check_file(data, file_name="список.csv")

    text = str(refusal.value)
    assert text.startswith("Не удалось определить, какие данные в файле «список.csv»")
    assert (
        "– Результаты по ОО: «Код ОО», «Учебный год», «Процедура», «Класс», «Предмет», «Участников»." in text
    )
    assert text.endswith("В файле: «Фамилия», «Имя».")
    assert isinstance(refusal.value, FileRefused)


# --- properties ----------------------------------------------------------------------------------------

JUNK = st.sampled_from(
    [
        "",
        " ",
        "abc",
        "-1",
        "1,5",
        "1e9",
        "99999999999999999999",
        "2023/2025",
        "#ДЕЛ/0!",
        "=A1",
        "NaN",
        "∞",
        "０",
        "\x00",
        "ё",
        "'",
        '="',
        "31.02.2024",
        "2",
        "0",
    ]
)


def assert_every_error_is_placed(result, height):
    for problem in result.errors:
        assert problem.message
        if problem.row is not None:
            assert 2 <= problem.row <= height + 1
            assert problem.column
            assert "ожидается" in problem.message or "заполните" in problem.message
        else:
            assert problem.column or problem.message


@pytest.mark.parametrize("key", FORM_KEYS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_junk_in_random_cells_gives_placed_russian_errors_never_a_crash(key, data):
    form = FORMS[key]
    frame = data.draw(valid_frames(form))
    rows = form_rows(frame, form)
    for _ in range(data.draw(st.integers(1, 6))):
        row = data.draw(st.integers(1, len(rows) - 1))
        column = data.draw(st.integers(0, len(rows[0]) - 1))
        rows[row][column] = data.draw(JUNK)

    try:
        result = check_file(csv_bytes(rows), file_name="порча.csv", kind=key)
    except FileRefused as refusal:  # junk may empty every data row, or make the text binary («\x00»)
        assert str(refusal).startswith(
            ("В файле «порча.csv» есть только строка заголовка", "Файл «порча.csv» не является таблицей")
        )
        return
    assert_every_error_is_placed(result, len(rows) - 1)
    assert result.error_count >= len(result.errors)


@pytest.mark.parametrize("key", FORM_KEYS)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_missing_columns_are_named_and_shuffled_columns_give_the_same_frame(key, data):
    form = FORMS[key]
    frame = data.draw(valid_frames(form))
    order = data.draw(st.permutations(range(len(form.columns))))
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "utf-16"]))
    separator = data.draw(st.sampled_from([";", ",", "\t"]))

    shuffled = check_file(
        csv_bytes(
            form_rows(frame, form, order=list(order), comma_decimals=separator != ","),
            separator=separator,
            encoding=encoding,
        ),
        file_name="s.csv",
        kind=key,
    )
    kept = data.draw(st.lists(st.integers(0, len(form.columns) - 1), unique=True, min_size=1))
    try:
        partial = check_file(csv_bytes(form_rows(frame, form, order=kept)), file_name="p.csv", kind=key)
    except FileRefused as refusal:  # the columns kept may all be empty, or have no name with a letter («2»)
        assert str(refusal).startswith("В файле «p.csv» ")
        partial = None

    assert shuffled.ok, shuffled.report()
    assert shuffled.frame.equals(frame)
    if partial is None:
        return
    missing = [
        form.columns[i].header for i in range(len(form.columns)) if i not in kept and form.columns[i].required
    ]
    named = [
        problem.column
        for problem in partial.errors
        if problem.row is None and "нет в файле; это обязательный" in problem.message
    ]
    assert named == missing
    assert_every_error_is_placed(partial, frame.height)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(st.text(max_size=8), min_size=1, max_size=6), min_size=2, max_size=6),
    st.sampled_from(FORM_KEYS),
)
def test_any_grid_of_text_validates_without_crashing(grid, key):
    try:
        table = read_table(csv_bytes(grid, encoding="utf-8"), file_name="g.csv")
    except FileRefused:
        return
    result = validate(table, FORMS[key], known_codes={"010001"})
    assert_every_error_is_placed(result, table.cells["row"].max() or 0)


def test_a_million_cells_are_checked_at_once():
    random.seed(3)
    rows = [["Код ОО", "Учебный год", "Процедура", "Класс", "Предмет", "Код участника", "Отметка"]]
    rows += [
        ["010001", "2024", "ВПР", "5", "Математика", str(i), str(random.randint(2, 5))]
        for i in range(100_000)
    ]
    rows[50_000][6] = "пять"

    result = validate(csv_table(rows), STUDENT_RESULTS)

    assert messages(result) == [
        "Строка 50001, столбец «Отметка»: значение «пять» не является числом; ожидается целое число от 2 до 5"
    ]
