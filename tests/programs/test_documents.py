"""Roadmaps and indicator tables read from .docx and .xlsx, imported, exported and imported back.

The fixtures are the tables of the five seed orders laid out as the orders are
(tests/programs/make_fixtures.py); the numbers asserted here were counted in the seeds.
"""

import datetime
import doctest
import io
from collections import Counter
from pathlib import Path

import docx
import openpyxl
import pytest
from django.core.exceptions import ValidationError

from opora.programs import importing, reading
from opora.programs.importing import program_import_apply, program_import_check
from opora.programs.models import Activity, ActivityEvent, Program, ProgramKind, ProgramStatus
from opora.programs.reading import read_program_file
from opora.programs.writing import program_docx, program_xlsx
from tests.programs import make_fixtures

FIXTURES = Path(__file__).parent / "fixtures"
FORMATS = ("docx", "xlsx")


def read(seed: str, extension: str, kind=None):
    name = f"seed_{seed}.{extension}"
    return read_program_file((FIXTURES / name).read_bytes(), name, kind)


def per_section(document) -> list[int]:
    counts = Counter(activity.section for activity in document.activities)
    return [counts[index] for index in range(len(document.sections))]


def by_number(document, number: str):
    return next(activity for activity in document.activities if activity.number == number)


def workbook(rows: list[list], merges: tuple[str, ...] = ()) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "План"
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- the seeds ------------------------------------------------------------------------------------


@pytest.mark.parametrize("extension", FORMATS)
def test_seed_000_bureya_roadmap(extension):
    # Given the municipal program of Bureya district for 2023/2024
    document = read("000", extension)

    # Then its 6 sections and 30 activities are read, 7, 5, 6, 6, 3 and 3 per section
    assert document.ok and not document.problems
    assert [section.number for section in document.sections] == ["1.", "2.", "3.", "4.", "5.", "6."]
    assert document.sections[0].title == "Организационно – управленческие мероприятия"
    assert document.sections[5].title.startswith("Мероприятия по принятию управленческих решений")
    assert len(document.activities) == 30
    assert per_section(document) == [7, 5, 6, 6, 3, 3]
    # And the period is the program's school year, from its title
    assert document.period == (datetime.date(2023, 9, 1), datetime.date(2024, 8, 31))
    assert document.title.startswith("Муниципальная программа поддержки школ с низкими результатами обучения")
    # And the rows broken across pages are joined back to their activities
    broken = by_number(document, "2.3.")
    assert broken.content == (
        "Организация внутришкольного повышения профессиональной компетенции педагогов через проведение ШМО, "
        "мастер – классов, тренингов."
    )
    assert broken.deadline == "В течение года ( по планам ШМО ШНОР)"
    assert (
        broken.expected_result == "Повышение уровня предметных, педагогических и метапредметных компетенций педагогов"
    )
    assert by_number(document, "5.1").content == (
        "Проведение консультаций по разработке на основе рисков профилей и реализации концептуальных документов "
        "и антирисковых программ"
    )
    # And deadlines and owners are kept as written
    assert Counter(activity.deadline for activity in document.activities)["В течение года"] == 13
    assert by_number(document, "4.6").deadline == "Январь 2024, март 2024"
    assert by_number(document, "6.2.").deadline == "Сентябрь 2024"
    assert by_number(document, "1.1.").owners == "Отдел образования ОМО"
    assert by_number(document, "6.1.").owners == "Отдел образования, ОМО, ШНОР"


@pytest.mark.parametrize("extension", FORMATS)
def test_seed_001_tungiro_olyokma_roadmap_and_passport(extension):
    document = read("001", extension)

    assert document.ok and not document.problems
    assert len(document.sections) == 6
    assert (
        document.sections[4].title
        == "Формирование в профессиональном педагогическом сообществе лидерства и высоких достижений"
    )
    assert len(document.activities) == 27
    assert per_section(document) == [6, 6, 5, 3, 4, 3]
    assert {activity.deadline for activity in document.activities} == {"Ежегодно"}
    assert {activity.owners for activity in document.activities} == {"Отдел образования МБОУ"}
    # Wrapped lines of a cell make one text; «научно-» at a line's end keeps its hyphen
    assert by_number(document, "1.1").content == (
        "Разработка и реализация мониторинга учебных достижений, в том числе с использованием индексов "
        "социального благополучия"
    )
    assert "научно-методической поддержки" in by_number(document, "3.1").expected_result
    # A result merged down over activities 1.1–1.4 is each one's
    assert len({by_number(document, f"1.{n}").expected_result for n in range(1, 5)}) == 1
    # The passport gives the period (2018-2020 гг.), the name and the six tasks, one a line
    assert document.period == (datetime.date(2018, 1, 1), datetime.date(2020, 12, 31))
    assert document.passport["title"].startswith("Муниципальная Программа повышения качества образования")
    assert len(document.passport["tasks"].splitlines()) == 6
    assert document.passport["control"].startswith("Контроль реализации программы осуществляет")


@pytest.mark.parametrize("extension", FORMATS)
def test_seed_002_bobrov_roadmap_with_its_columns_in_another_order(extension):
    document = read("002", extension)

    # Columns: № п/п · Содержание действия · Ответственный исполнитель · Сроки · Ожидаемые результаты
    assert document.columns["roadmap"] == {
        "number": "№ п/п",
        "content": "Содержание действия",
        "owners": "Ответственный исполнитель",
        "deadline": "Сроки",
        "expected_result": "Ожидаемые результаты",
    }
    assert [section.number for section in document.sections] == [
        "1.",
        "1.1.",
        "1.2.",
        "1.3.",
        "2.",
        "2.1",
        "2.2.",
        "2.3.",
        "2.4.",
        "3.",
        "3.1",
        "3.2.",
        "3.3.",
        "3.4.",
        "4.",
    ]
    assert len(document.activities) == 31  # numbered 1–32, the seed has no 3
    assert per_section(document) == [2, 4, 4, 3, 0, 4, 1, 3, 2, 0, 1, 1, 3, 1, 2]
    assert by_number(document, "10").owners == "Гайворонская Н.И. Суворина Т.В."
    assert {activity.deadline for activity in document.activities} == {
        "Март",
        "Май",
        "Апрель - Май",
        "По отдельному графику",
        "Февраль",
        "Май - Сентябрь",
        "В течение года",
        "Ежеквартально",
        "Ежемесячно",
        "1 раз в полугодие",
    }
    assert document.period == (datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))
    # Activity 30 has no owner: a warning, not an error
    assert document.ok
    [warning] = document.warnings
    assert warning.message == "не указаны ответственные."
    assert warning.column == "Ответственный исполнитель"
    assert by_number(document, "30").row == warning.row


@pytest.mark.parametrize("extension", FORMATS)
def test_seed_003_indicators_inside_the_passport(extension):
    document = read("003", extension)

    assert document.ok and not document.problems
    assert document.tables.keys() == {"indicators"}
    assert document.years == ("2021", "2022", "2023", "2024")
    assert [(s.number, s.title[:28]) for s in document.indicator_sections] == [
        ("2.1.", "Выявление динамики образоват"),
        ("2.3.", "Оказание методической помощи"),
    ]
    assert [indicator.number for indicator in document.indicators] == [
        "2.1.1.",
        "2.1.2.",
        "2.2.",
        "2.3.1.",
        "2.3.2.",
        "2.3.3.",
    ]
    assert [indicator.baseline for indicator in document.indicators] == ["100", "50", "17", "100", "0", "100"]
    assert {indicator.unit for indicator in document.indicators} == {"%"}
    assert document.indicators[1].targets == {"2021": "50", "2022": "100", "2023": "100", "2024": "100"}
    assert document.indicators[2].targets == {"2021": "30", "2022": "40", "2023": "50", "2024": "50"}
    # The passport around the table: its name, goal and four tasks (its label merged down)
    assert document.passport["title"].startswith("Подпрограмма по поддержке школ")
    assert len(document.passport["tasks"].splitlines()) == 4
    assert document.period is None


@pytest.mark.parametrize("extension", FORMATS)
def test_seed_004_strezhevoy_indicators_and_roadmap(extension):
    document = read("004", extension)

    assert document.ok and not document.problems
    # The roadmap: 4 directions, the 4th with its three stages, 41 activities
    assert [section.title[:14] for section in document.sections] == [
        "Направление 1.",
        "Направление 2.",
        "Направление 3.",
        "Направление 4.",
        "Подготовительн",
        "Основной этап",
        "Заключительный",
    ]
    assert len(document.activities) == 41
    assert per_section(document) == [17, 7, 6, 0, 5, 4, 2]
    # Rows broken across pages: activity 5 of direction 1, 7.1, and 2 and 6 of direction 3
    direction_1 = [a for a in document.activities if a.section == 0]
    direction_3 = [a for a in document.activities if a.section == 2]
    assert direction_1[6].number == "5." and direction_1[6].deadline == "Ноябрь 2020, далее ежегодно"
    assert direction_1[6].content.endswith(
        "Перспективных планов ПК и Индивидуальных планов профессионального развития педагогов."
    )
    assert direction_1[6].expected_result == (
        "Получение данных текущего состояния управленческих и образовательных процессов школы"
    )
    assert by_number(document, "7.1").content.endswith("5. «Информационная безопасность в сети Интернет».")
    assert "Перспективных планов повышения квалификации школы" in direction_3[1].content  # «квалифи-» + «кации»
    assert direction_3[5].deadline == "Май-июнь 2020, далее еже- годно"
    stages = [a.deadline for a in document.activities if a.section >= 4]
    assert stages.count("Вторая неделя сентября") == 3
    assert "Четвёртая неделя сентября – третья неделя октября" in stages
    assert document.activities[-1].owners == "ЭС УО"
    # The indicators: 15, the unit from each task's heading, 6.3 listing two subjects
    assert document.years == ("2020/2021", "2021/2022", "2022/2023")
    assert len(document.indicators) == 15
    assert document.indicators[0].unit == "% от общего числа обучающихся"
    assert document.indicators[0].targets == {
        "2020/2021": "Не ниже среднего 50%",
        "2021/2022": "Не ниже среднего 60%",
        "2022/2023": "Не ниже среднего 70%",
    }
    listed = [indicator for indicator in document.indicators if indicator.number == "6.3"]
    assert [indicator.name.rsplit(": ", 1)[1] for indicator in listed] == ["русский язык", "математика"]
    assert listed[0].targets == {"2020/2021": "0,6", "2021/2022": "0,9", "2022/2023": "1,2"}
    assert document.indicators[8].targets["2020/2021"] == "да"
    # The period from «Сроки реализации Программы: 2020 – 2023 гг.»; the contingent table is not read
    assert document.period == (datetime.date(2020, 1, 1), datetime.date(2023, 12, 31))
    assert document.tables["indicators"] == (("таблица 2",) if extension == "docx" else ("лист «Показатели»",))


def test_the_kind_asked_for_reads_that_table_only():
    assert read("004", "docx", "roadmap").indicators == ()
    assert read("004", "docx", "indicators").activities == ()
    document = read("003", "docx", "roadmap")
    assert not document.ok
    assert document.errors[0].message.startswith("не найдена таблица дорожной карты (плана мероприятий)")


# --- other layouts and errors ------------------------------------------------------------------------


def test_columns_in_another_order_with_extra_columns_still_import():
    content = workbook(
        [
            ["Ответственный исполнитель", "Примечание", "Сроки исполнения", "Основные мероприятия", "№ п/п", "Отметка"],
            ["1. Работа с кадрами"],
            ["Директор", "", "Октябрь 2023", "Диагностика педагогов", "1.1", "да"],
            ["Завуч", "очно", "В течение года", "Посещение уроков", "1.2", ""],
        ],
        merges=("A2:F2",),
    )
    document = read_program_file(content, "план.xlsx", "roadmap")

    assert document.ok
    assert [(s.number, s.title) for s in document.sections] == [("1.", "Работа с кадрами")]
    assert [(a.number, a.content, a.deadline, a.owners, a.expected_result) for a in document.activities] == [
        ("1.1", "Диагностика педагогов", "Октябрь 2023", "Директор", ""),
        ("1.2", "Посещение уроков", "В течение года", "Завуч", ""),
    ]
    [warning] = document.warnings
    assert str(warning) == (
        "Файл «план.xlsx», лист «План», строка 1: столбцы «Примечание», «Отметка» не входят в дорожную карту "
        "и не будут загружены."
    )


def test_unrecognisable_columns_get_a_clear_message():
    content = workbook([["Что", "Когда", "Кто"], ["Совещание", "Октябрь", "Директор"]])

    document = read_program_file(content, "план.xlsx", "roadmap")

    [error] = document.errors
    assert str(error) == (
        "Файл «план.xlsx»: не найдена таблица дорожной карты (плана мероприятий): «Мероприятие» (или «Содержание "
        "действия», «Основные мероприятия»), «Сроки» (или «Сроки исполнения», «Срок»), «Ответственные» (или "
        "«Ответственный исполнитель», «Исполнители»). Первая строка таблицы должна называть столбцы; порядок "
        "столбцов не важен. В файле: лист «План» — «Что», «Когда», «Кто»."
    )


def test_a_missing_column_is_named_with_the_columns_found():
    content = workbook([["№", "Мероприятие", "Ответственные", "Результат"], ["1", "Совещание", "Директор", "Решение"]])

    document = read_program_file(content, "план.xlsx", "roadmap")

    [error] = document.errors
    assert str(error) == (
        "Файл «план.xlsx», лист «План», строка 1: нет столбца «Сроки» (или «Сроки исполнения», «Срок»); в таблице "
        "есть столбцы: «№», «Мероприятие», «Ответственные», «Результат». Порядок столбцов не важен, но названия "
        "должны быть в первой строке таблицы."
    )


def test_repeated_problems_are_grouped_with_their_rows():
    rows = [["№", "Мероприятие", "Сроки", "Ответственные"]]
    rows += [[str(n), f"Мероприятие {n}", "Октябрь 2023", ""] for n in range(1, 15)]
    rows += [["15", "", "Ноябрь 2023", "Директор"]]

    document = read_program_file(workbook(rows), "план.xlsx", "roadmap")

    error, warning = document.groups
    assert (error.level, error.count, str(error)) == (
        "error",
        1,
        "Файл «план.xlsx», лист «План», строка 16, столбец «Мероприятие»: не заполнено мероприятие.",
    )
    assert (warning.level, warning.count, warning.rows) == ("warning", 14, tuple(range(2, 12)))
    assert str(warning) == (
        "Файл «план.xlsx», лист «План», строка 2, столбец «Ответственные»: не указаны ответственные. — и ещё "
        "13 таких строк (строки 3, 4, 5, 6, 7, 8, 9, 10, 11, …)"
    )


def test_a_repeated_header_and_the_row_of_column_numbers_are_skipped():
    header = ["№", "Мероприятие", "Сроки", "Ответственные", "Ожидаемый результат"]
    rows = [
        header,
        ["1", "2", "3", "4", "5"],
        ["1", "Совещание", "Март", "Директор", "Решение"],
        header,
        ["2", "Семинар", "Апрель", "Завуч", "Семинар проведён"],
    ]

    document = read_program_file(workbook(rows), "план.xlsx", "roadmap")

    assert document.ok and not document.problems
    assert [activity.content for activity in document.activities] == ["Совещание", "Семинар"]


def test_indicators_with_two_header_rows_in_a_word_table():
    document = docx.Document()
    table = document.add_table(rows=4, cols=5)
    texts = [
        ["№", "Показатель", "Базовое значение", "Целевое значение", ""],
        ["", "", "", "2025", "2026"],
        ["1", "Доля обучающихся с ОВЗ, охваченных сопровождением", "40", "60", "80"],
        ["2", "Снижение доли неуспевающих", "12", "10", "8"],
    ]
    for row, values in zip(table.rows, texts, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    table.cell(0, 3).merge(table.cell(0, 4))
    for column in range(3):
        table.cell(0, column).merge(table.cell(1, column))
    buffer = io.BytesIO()
    document.save(buffer)

    result = read_program_file(buffer.getvalue(), "показатели.docx", "indicators")

    assert result.ok, result.problems
    assert result.years == ("2025", "2026")
    assert [(i.number, i.baseline, i.targets) for i in result.indicators] == [
        ("1", "40", {"2025": "60", "2026": "80"}),
        ("2", "12", {"2025": "10", "2026": "8"}),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "сохранён в старом формате (.doc или .xls)"),
        ("Мероприятие;Сроки\n".encode(), "не документ Word (.docx) и не книга Excel (.xlsx)"),
        (b"PK\x03\x04broken", "повреждён"),
    ],
)
def test_a_file_that_is_no_document_is_refused(content, message):
    document = read_program_file(content, "план.docx", "roadmap")

    [error] = document.errors
    assert message in error.message
    assert error.message.startswith("Файл «план.docx»")


# --- importing ---------------------------------------------------------------------------------------


def content_of(program: Program) -> dict:
    """What an export must keep: sections, activities (deadlines as written, owners), indicators, targets."""
    sections = {section.pk: section for section in program.sections.all()}
    return {
        "sections": [(s.number, s.title) for s in program.sections.order_by("position")],
        "activities": [
            (
                sections[a.section_id].number + sections[a.section_id].title if a.section_id else None,
                a.number,
                a.content,
                a.deadline,
                a.starts_on,
                a.ends_on,
                a.owners,
                a.expected_result,
            )
            for a in program.activities.order_by("position")
        ],
        "indicators": [
            (i.number, i.name, i.unit, i.baseline, i.targets, i.direction)
            for i in program.indicators.order_by("position")
        ],
    }


def imported(world, name: str, kind=None, **where) -> Program:
    preview = program_import_check((FIXTURES / name).read_bytes(), name, kind)
    assert preview.ok, preview.report()
    return program_import_apply(preview, program=None, region=world.region, by=world.users["coordinator"], **where)


def test_a_seed_roadmap_becomes_a_new_draft_program(world):
    # When the Bureya roadmap is imported for the coordinator's municipality
    program = imported(world, "seed_000.docx", municipality=world.municipality)

    # Then a draft roadmap of the municipality holds its sections and activities
    assert (program.kind, program.status, program.municipality, program.school) == (
        ProgramKind.ROADMAP,
        ProgramStatus.DRAFT,
        world.municipality,
        None,
    )
    assert program.title.startswith("Муниципальная программа поддержки школ")
    assert (program.starts_on, program.ends_on, program.year.end_year) == (
        datetime.date(2023, 9, 1),
        datetime.date(2024, 8, 31),
        2024,
    )
    assert (program.sections.count(), program.activities.count()) == (6, 30)
    # And each deadline is kept as written and read as dates within the program's school year
    dates = {a.number: (a.deadline, a.starts_on, a.ends_on) for a in program.activities.all()}
    assert dates["1.2."] == ("Октябрь 2023", datetime.date(2023, 10, 1), datetime.date(2023, 10, 31))
    assert dates["1.6."] == ("В течение года", datetime.date(2023, 9, 1), datetime.date(2024, 8, 31))
    assert dates["4.1."] == ("Ежегодно, сентябрь", datetime.date(2023, 9, 1), datetime.date(2023, 9, 30))
    assert dates["6.2."] == ("Сентябрь 2024", None, None)  # after the period: kept as written
    assert program.activities.filter(section__number="4.").count() == 6


def test_the_preview_says_what_will_be_added_and_warns_about_deadlines(world):
    preview = program_import_check((FIXTURES / "seed_000.xlsx").read_bytes(), "seed_000.xlsx", "roadmap")

    assert preview.counts == {"sections": 6, "activities": 30, "indicators": 0}
    assert preview.summary == (
        "Файл «seed_000.xlsx»: дорожная карта (лист «Дорожная карта»): 6 разделов, 30 мероприятий. Будет создан "
        "черновик новой программы «Муниципальная программа поддержки школ с низкими результатами обучения и/или "
        "школ, функционирующих в неблагоприятных социальных условиях, на 2023- 2024 учебный год на территории "
        "Бурейского округа». Сроки переведены в даты в пределах периода 01.09.2023–31.08.2024 (по документу). "
        "Ошибок нет. Предупреждений: 1."
    )
    [warning] = preview.warnings
    assert str(warning) == (
        "Файл «seed_000.xlsx», лист «Дорожная карта», строка 43, столбец «Сроки»: срок «Сентябрь 2024» — вне "
        "периода программы (01.09.2023–31.08.2024); он сохранится как написан, без дат."
    )
    line = preview.activities[1]
    assert (line.row.number, line.section.number, line.starts_on) == ("1.2.", "1.", datetime.date(2023, 10, 1))


def test_seed_004_imports_both_tables_for_the_school(world):
    program = imported(world, "seed_004.docx", school=world.school)

    assert (program.kind, program.school, program.municipality) == (
        ProgramKind.ROADMAP,
        world.school,
        world.municipality,
    )
    assert (program.sections.count(), program.activities.count(), program.indicators.count()) == (7, 41, 15)
    assert (program.starts_on, program.ends_on, program.year) == (
        datetime.date(2020, 1, 1),
        datetime.date(2023, 12, 31),
        None,
    )
    week = program.activities.filter(deadline="Вторая неделя сентября").first()
    assert (week.starts_on, week.ends_on) == (datetime.date(2020, 9, 8), datetime.date(2020, 9, 14))
    lowered = program.indicators.get(number="6.1")
    assert (lowered.direction, lowered.targets) == ("lower", {"2020/2021": "8,5", "2021/2022": "7,5", "2022/2023": "6"})


def test_indicators_alone_make_a_program_of_the_school(world):
    program = imported(world, "seed_003.xlsx", "indicators", school=world.school)

    assert (program.kind, program.indicators.count(), program.activities.count()) == (ProgramKind.SCHOOL_SUPPORT, 6, 0)
    assert program.goal.startswith("Создание  условий для поддержки малоэффективных")
    assert len(program.task_list) == 4
    assert program.indicators.get(number="2.2.").baseline == "17"


def test_importing_into_a_program_replaces_its_roadmap_and_says_so(world):
    program = imported(world, "seed_002.docx", municipality=world.municipality)
    activity = program.activities.first()
    ActivityEvent.objects.create(
        activity=activity,
        status_from="not_started",
        status_to="done",
        report="Сделано",
        created_by=world.users["coordinator"],
    )

    preview = program_import_check(
        (FIXTURES / "seed_000.docx").read_bytes(), "seed_000.docx", "roadmap", program=program
    )

    assert preview.replaces == (
        f"Дорожная карта программы № {program.pk} будет заменена: сейчас в ней 15 разделов и 31 мероприятие; вместе с "
        "ними удалятся отметки о выполнении (1 мероприятие) и комментарии (0 мероприятий).",
    )
    # The program's own period (2021) is the one the deadlines are read in
    assert preview.period == (datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))
    program_import_apply(preview, program=program, region=world.region, by=world.users["coordinator"])
    assert (program.sections.count(), program.activities.count()) == (6, 30)
    assert not ActivityEvent.objects.filter(activity_id=activity.pk).exists()


def test_a_program_on_review_refuses_the_import(world):
    program = imported(world, "seed_002.docx", municipality=world.municipality)
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.REVIEW)
    program.refresh_from_db()

    preview = program_import_check(
        (FIXTURES / "seed_000.docx").read_bytes(), "seed_000.docx", "roadmap", program=program
    )

    assert not preview.ok
    assert preview.errors[0].message.startswith("программа на согласовании")
    with pytest.raises(ValidationError):
        program_import_apply(preview, program=program, region=world.region, by=world.users["coordinator"])
    assert program.activities.count() == 31


def test_nothing_is_half_written(world, monkeypatch):
    program = imported(world, "seed_002.docx", municipality=world.municipality)
    preview = program_import_check((FIXTURES / "seed_004.docx").read_bytes(), "seed_004.docx", None, program=program)

    def broken(*args, **kwargs):
        raise RuntimeError("диск переполнен")

    monkeypatch.setattr(importing, "_write_indicators", broken)
    with pytest.raises(RuntimeError):
        program_import_apply(preview, program=program, region=world.region, by=world.users["coordinator"])

    # The roadmap written before the failure is rolled back with it
    assert (program.sections.count(), program.activities.count(), program.indicators.count()) == (15, 31, 0)
    assert Program.objects.count() == 1


def test_too_long_a_number_is_an_error_before_anything_is_written(world):
    content = workbook([["№", "Мероприятие", "Сроки", "Ответственные"], ["1" * 25, "Совещание", "Март", "Директор"]])

    preview = program_import_check(content, "план.xlsx", "roadmap")

    [error] = preview.errors
    assert (
        str(error)
        == "Файл «план.xlsx», лист «План», строка 2, столбец «№»: номер длиннее 20 символов (25); сократите его."
    )
    with pytest.raises(ValidationError):
        program_import_apply(preview, program=None, region=world.region, by=None)
    assert not Program.objects.exists()


# --- export and back -----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", ["000", "001", "002", "004"])
@pytest.mark.parametrize("extension", FORMATS)
def test_an_export_imports_back_unchanged(world, seed, extension):
    # Given a program imported from a seed
    original = imported(world, f"seed_{seed}.docx", school=world.school)

    # When it is exported and the export imported as a new program
    exported = program_docx(original) if extension == "docx" else program_xlsx(original)
    preview = program_import_check(exported, f"программа.{extension}", None)
    assert preview.ok, preview.report()
    assert not preview.warnings or {w.code for w in preview.warnings} <= {"empty:owners", "deadline:outside"}
    copy = program_import_apply(preview, program=None, school=world.school, region=world.region, by=None)

    # Then sections, activities, deadlines, owners, indicators and targets are the same, and so is the period
    assert content_of(copy) == content_of(original)
    assert (copy.title, copy.starts_on, copy.ends_on) == (original.title, original.starts_on, original.ends_on)


@pytest.mark.parametrize("extension", FORMATS)
def test_indicators_export_and_import_back(world, extension):
    original = imported(world, "seed_003.docx", "indicators", school=world.school)

    exported = program_docx(original) if extension == "docx" else program_xlsx(original)
    copy = program_import_apply(
        program_import_check(exported, f"показатели.{extension}", "indicators"),
        program=None,
        school=world.school,
        region=world.region,
        by=None,
    )

    assert content_of(copy)["indicators"] == content_of(original)["indicators"]
    assert copy.goal == original.goal and copy.tasks == original.tasks


def test_the_docx_is_the_order_with_its_appendix(world):
    program = imported(world, "seed_002.docx", municipality=world.municipality)

    document = docx.Document(io.BytesIO(program_docx(program)))

    texts = [paragraph.text for paragraph in document.paragraphs]
    assert "ПРИКАЗ" in texts
    assert "«___» ____________ 20___ г.\t№ ______" in texts  # a draft: blanks to fill in
    assert f"Об утверждении дорожной карты (плана мероприятий) «{program.title}»" in texts
    passport, roadmap = document.tables
    assert [row.cells[0].text for row in passport.rows][:2] == ["Наименование программы", "Сроки реализации программы"]
    assert passport.rows[1].cells[1].text == "01.01.2021 – 31.12.2021"
    assert [cell.text for cell in roadmap.rows[0].cells] == [
        "№",
        "Мероприятие",
        "Сроки",
        "Ответственные",
        "Ожидаемый результат",
    ]
    section = roadmap.rows[1]
    assert len({id(cell._tc) for cell in section.cells}) == 1  # one merged cell
    assert section.cells[0].text == "1. Организационные действия"
    assert len(roadmap.rows) == 1 + 15 + 31

    # An approved program prints its order's number and date
    Program.objects.filter(pk=program.pk).update(
        status=ProgramStatus.APPROVED, order_number="121", order_date=datetime.date(2021, 3, 29)
    )
    program.refresh_from_db()
    texts = [paragraph.text for paragraph in docx.Document(io.BytesIO(program_docx(program))).paragraphs]
    assert "29 марта 2021 г.\t№ 121" in texts
    assert "Приложение\nк приказу от 29.03.2021 № 121" in texts


def test_the_workbook_has_a_roadmap_sheet_and_an_indicator_sheet(world):
    program = imported(world, "seed_004.xlsx", school=world.school)

    book = openpyxl.load_workbook(io.BytesIO(program_xlsx(program)))

    assert book.sheetnames == ["Паспорт", "Дорожная карта", "Показатели"]
    roadmap, indicators = book["Дорожная карта"], book["Показатели"]
    assert [cell.value for cell in roadmap[3]] == ["№", "Мероприятие", "Сроки", "Ответственные", "Ожидаемый результат"]
    assert roadmap["A4"].value.startswith("Направление 1.") and "A4:E4" in {str(r) for r in roadmap.merged_cells.ranges}
    assert [cell.value for cell in indicators[3]] == [
        "№",
        "Наименование показателя",
        "Ед. измерения",
        "Базовое значение",
        "2020/2021",
        "2021/2022",
        "2022/2023",
    ]
    assert indicators.max_row == 3 + 15


def test_activities_without_a_section_come_first(world):
    program = imported(world, "seed_000.docx", municipality=world.municipality)
    Activity.objects.create(program=program, number="0", position=0, content="Вводное совещание", deadline="Сентябрь")

    preview = program_import_check(program_xlsx(program), "копия.xlsx", "roadmap")

    assert preview.activities[0].row.content == "Вводное совещание" and preview.activities[0].section is None
    assert len(preview.activities) == 31


def test_the_doctests_of_the_reading_pass():
    assert doctest.testmod(reading).failed == 0


@pytest.mark.skipif(not make_fixtures.DEFAULT_SEEDS.is_dir(), reason="the seeds are not beside the repository")
def test_the_fixtures_are_what_the_script_makes_of_the_seeds(tmp_path):
    make_fixtures.write_fixtures(make_fixtures.DEFAULT_SEEDS, tmp_path)

    for made in sorted(tmp_path.iterdir()):
        kept = read_program_file((FIXTURES / made.name).read_bytes(), made.name)
        fresh = read_program_file(made.read_bytes(), made.name)
        assert fresh == kept, made.name
