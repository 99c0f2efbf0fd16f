"""Deadlines as written → the range of days they mean within a program's period."""

import doctest
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import opora.programs.deadlines as deadline_module
from opora.programs.deadlines import document_period, parse_deadline

SCHOOL_YEAR = (date(2023, 9, 1), date(2024, 8, 31))  # seed 000: на 2023-2024 учебный год
YEARS_2020_2023 = (date(2020, 1, 1), date(2023, 12, 31))  # seed 004: 2020 – 2023 гг.
YEAR_2021 = (date(2021, 1, 1), date(2021, 12, 31))  # seed 002: в 2021 году


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the forms of the brief
        ("в течение года", SCHOOL_YEAR),
        ("в течение учебного года", SCHOOL_YEAR),
        ("ежегодно", SCHOOL_YEAR),
        ("постоянно", SCHOOL_YEAR),
        ("октябрь 2023", (date(2023, 10, 1), date(2023, 10, 31))),
        ("ноябрь 2023 г.", (date(2023, 11, 1), date(2023, 11, 30))),
        ("до 01.03.2024", (date(2023, 9, 1), date(2024, 3, 1))),
        ("01.09.2023", (date(2023, 9, 1), date(2023, 9, 1))),
        ("сентябрь–октябрь", (date(2023, 9, 1), date(2023, 10, 31))),
        ("1 полугодие", (date(2023, 9, 1), date(2023, 12, 31))),
        ("2 полугодие", (date(2024, 1, 1), date(2024, 5, 31))),
        ("I квартал 2024", (date(2024, 1, 1), date(2024, 3, 31))),
        ("вторая неделя сентября", (date(2023, 9, 8), date(2023, 9, 14))),
        ("август, ежегодно", (date(2024, 8, 1), date(2024, 8, 31))),
        ("2023–2024 гг.", SCHOOL_YEAR),  # the calendar years, clipped to the period
        ("2023/24", SCHOOL_YEAR),
        ("по мере необходимости", SCHOOL_YEAR),
        ("декабрь 2023 – январь 2024", (date(2023, 12, 1), date(2024, 1, 31))),
        # seed 000
        ("Сентябрь 2023", (date(2023, 9, 1), date(2023, 9, 30))),
        ("В течение года по плану ОО и отдела образования", SCHOOL_YEAR),
        ("В течение года (по плану ОМО)", SCHOOL_YEAR),
        ("В течение года ( по планам ШМО ШНОР)", SCHOOL_YEAR),
        ("Ежегодно, сентябрь", (date(2023, 9, 1), date(2023, 9, 30))),
        ("По заявке ОО", SCHOOL_YEAR),
        ("Январь 2024, март 2024", (date(2024, 1, 1), date(2024, 3, 31))),
        ("По региональному плану", SCHOOL_YEAR),
        ("По завершению 2023-2024 у.г.", (date(2024, 6, 1), date(2024, 6, 30))),
        ("2 раза в год", SCHOOL_YEAR),
        ("Сентябрь 2024", (None, None)),  # after the period's end
        # more forms
        ("с 1 марта 2024", (date(2024, 3, 1), date(2024, 8, 31))),
        ("с сентября по май", (date(2023, 9, 1), date(2024, 5, 31))),
        ("не позднее 15.10.2023", (date(2023, 9, 1), date(2023, 10, 15))),
        ("в конце учебного года", (date(2024, 6, 1), date(2024, 6, 30))),
        ("3 четверть", (date(2024, 1, 1), date(2024, 3, 31))),
        ("до конца 2023 года", (date(2023, 9, 1), date(2023, 12, 31))),
        ("31.02.2024", (None, None)),
        ("уточняется", (None, None)),
        ("", (None, None)),
    ],
)
def test_deadlines_of_a_school_year(text, expected):
    assert parse_deadline(text, *SCHOOL_YEAR) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Июнь 2020", (date(2020, 6, 1), date(2020, 6, 30))),
        ("Ежегодно, по мере необходимости", YEARS_2020_2023),
        ("Сентябрь 2020", (date(2020, 9, 1), date(2020, 9, 30))),
        ("Сентябрь ежегодно", (date(2020, 9, 1), date(2023, 9, 30))),
        ("Сентябрь/ апрель ежегодно", (date(2020, 9, 1), date(2023, 12, 31))),
        ("Октябрь - ноябрь 2020", (date(2020, 10, 1), date(2020, 11, 30))),
        ("Ноябрь 2020, далее ежегодно", (date(2020, 11, 1), date(2023, 11, 30))),
        ("Октябрь 2020 – Апрель 2021", (date(2020, 10, 1), date(2021, 4, 30))),
        # the year written once at the end of a range over New Year: October 2020, not 2019
        ("Октябрь -апрель 2020, далее ежегодно", (date(2020, 10, 1), date(2023, 12, 31))),
        ("В течение года, по обращению", YEARS_2020_2023),
        ("Октябрь .", (date(2020, 10, 1), date(2020, 10, 31))),
        ("В течение года, по запросу.", YEARS_2020_2023),
        ("Октябрь 2020, апрель 2021", (date(2020, 10, 1), date(2021, 4, 30))),
        ("Ежегодно, в течение учебного года", YEARS_2020_2023),
        ("Сентябрь-октябрь 2020", (date(2020, 9, 1), date(2020, 10, 31))),
        ("Март 2021, далее ежегодно", (date(2021, 3, 1), date(2023, 3, 31))),
        ("Ежегодно, в рамках Плана городских методических мероприятий", YEARS_2020_2023),
        ("Май-июнь 2020, далее еже- годно", (date(2020, 5, 1), date(2023, 6, 30))),
        ("Третья неделя сентября", (date(2020, 9, 15), date(2020, 9, 21))),
        ("Четвёртая неделя сентября – третья неделя октября", (date(2020, 9, 22), date(2020, 10, 21))),
        ("Первая – третья неделя октября", (date(2020, 10, 1), date(2020, 10, 21))),
        ("Четвёртая неделя октября", (date(2020, 10, 22), date(2020, 10, 28))),
        ("Ноябрь", (date(2020, 11, 1), date(2020, 11, 30))),
    ],
)
def test_deadlines_of_seed_004(text, expected):
    assert parse_deadline(text, *YEARS_2020_2023) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Март", (date(2021, 3, 1), date(2021, 3, 31))),
        ("Апрель - Май", (date(2021, 4, 1), date(2021, 5, 31))),
        ("По отдельному графику", YEAR_2021),
        ("Май - Сентябрь", (date(2021, 5, 1), date(2021, 9, 30))),
        ("Ежеквартально", YEAR_2021),
        ("Ежемесячно", YEAR_2021),
        ("1 раз в полугодие", YEAR_2021),
    ],
)
def test_deadlines_of_seed_002(text, expected):
    assert parse_deadline(text, *YEAR_2021) == expected


def test_the_period_a_document_names():
    assert document_period("на 2023- 2024 учебный год на территории Бурейского округа") == SCHOOL_YEAR
    assert document_period("2018-2020 гг.") == (date(2018, 1, 1), date(2020, 12, 31))
    assert document_period("Сроки реализации Программы: 2020 – 2023 гг.") == YEARS_2020_2023
    assert document_period("… низкие образовательные результаты в 2021 году (проект 500+)") == YEAR_2021
    assert document_period("01.09.2023 – 31.08.2024") == SCHOOL_YEAR
    assert document_period("2023/2024 учебный год") == SCHOOL_YEAR
    assert document_period("Дорожная карта к муниципальной программе") is None


# --- properties ------------------------------------------------------------------------------------

MONTHS = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
TEMPLATES = (
    "{Month}",
    "{Month} {year}",
    "{Month} {year} г.",
    "{month}–{month2}",
    "{Month} - {month2} {year}",
    "{Month} {year} – {Month2} {year2}",
    "{Month} {year}, далее ежегодно",
    "Ежегодно, {month}",
    "{Month} ежегодно",
    "до {day:02d}.{m:02d}.{year}",
    "с {day:02d}.{m:02d}.{year}",
    "{day:02d}.{m:02d}.{year}",
    "до {day} {genitive} {year}",
    "{ordinal} неделя {genitive}",
    "{ordinal} неделя {genitive} – {ordinal} неделя {genitive2}",
    "{roman} квартал {year}",
    "{half} полугодие",
    "{half} полугодие {year}",
    "{year}–{year2} гг.",
    "{year}/{year_next}",
    "По завершению {year}-{year_next} у.г.",
    "В течение года",
    "в течение учебного года",
    "постоянно",
    "по мере необходимости",
    "{Month} {year}, {month2} {year2}",
    "в конце {genitive}",
)


@st.composite
def deadlines(draw):
    template = draw(st.sampled_from(TEMPLATES))
    month, month2 = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    year = draw(st.integers(2015, 2030))
    values = {
        "month": MONTHS[month - 1],
        "Month": MONTHS[month - 1].capitalize(),
        "month2": MONTHS[month2 - 1],
        "Month2": MONTHS[month2 - 1].capitalize(),
        "genitive": GENITIVE[month - 1],
        "genitive2": GENITIVE[month2 - 1],
        "m": month,
        "day": draw(st.integers(1, 31)),
        "year": year,
        "year2": year + draw(st.integers(0, 2)),
        "year_next": year + 1,
        "ordinal": draw(st.sampled_from(("Первая", "вторая", "Третья", "четвёртая", "последняя"))),
        "roman": draw(st.sampled_from(("I", "II", "III", "IV", "1", "2"))),
        "half": draw(st.sampled_from(("1", "2", "I", "II", "первое", "второе"))),
    }
    return template.format(**values)


@st.composite
def periods(draw):
    start = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)))
    length = draw(st.integers(0, 5 * 366))
    return start, date.fromordinal(min(start.toordinal() + length, date(2035, 12, 31).toordinal()))


@settings(max_examples=400, deadline=None)
@given(deadlines(), periods())
def test_a_written_deadline_is_a_range_inside_the_period(text, period):
    start, end = parse_deadline(text, *period)
    assert (start is None) == (end is None)
    if start is not None:
        assert period[0] <= start <= end <= period[1]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), periods())
def test_any_text_never_raises(text, period):
    start, end = parse_deadline(text, *period)
    assert (start is None) == (end is None)
    if start is not None:
        assert period[0] <= start <= end <= period[1]


@settings(max_examples=200, deadline=None)
@given(deadlines(), periods())
def test_the_same_range_for_the_same_text(text, period):
    assert parse_deadline(text, *period) == parse_deadline(text, *period)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(("В течение года", "постоянно", "Ежегодно", "по мере необходимости", "2 раза в год")), periods())
def test_a_deadline_over_the_program_is_the_whole_period(text, period):
    assert parse_deadline(text, *period) == period


def test_the_doctests_of_the_deadlines_pass():
    assert doctest.testmod(deadline_module).failed == 0
