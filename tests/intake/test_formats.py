import pytest
from hypothesis import given
from hypothesis import strategies as st

from opora.intake.formats import (
    CONTEXT,
    FORMS,
    RESULTS,
    SCHOOLS,
    fold,
    normalize_header,
    normalize_list,
    normalize_subject,
    parse_school_year,
    school_year_label,
)


@pytest.mark.parametrize(
    "text", ["2023/2024", "2023-2024", "2023–2024", "2023/24", "2024", 2024, 2024.0, " 2023 / 2024 "]
)
def test_every_written_form_of_a_school_year(text):
    assert parse_school_year(text) == 2024


@pytest.mark.parametrize("text", ["2023/2025", "2024/2023", "абв", "", "23/24", "3023/3024", True])
def test_wrong_school_years_are_refused_in_russian(text):
    with pytest.raises(ValueError, match=r"учебн|год"):
        parse_school_year(text)


@given(st.integers(min_value=1991, max_value=2100))
def test_label_parses_back(end_year):
    assert parse_school_year(school_year_label(end_year)) == end_year
    assert parse_school_year(f"{end_year - 1}/{end_year % 100:02d}") == end_year


@given(st.text(max_size=20))
def test_any_text_either_parses_to_a_year_or_is_refused(text):
    try:
        year = parse_school_year(text)
    except ValueError as error:
        assert str(error)
    else:
        assert 1990 <= year <= 2100


def test_forms_have_unique_headers_and_fields():
    for form in (SCHOOLS, CONTEXT, RESULTS):
        assert len(set(form.headers)) == len(form.headers)
        assert len({column.field for column in form.columns}) == len(form.columns)
        key_columns = [column for column in form.columns if column.field in form.key_fields]
        assert all(column.required for column in key_columns)


# --- every form --------------------------------------------------------------------------------------


def test_the_forms_and_their_keys():
    assert list(FORMS) == [
        "schools",
        "context",
        "results",
        "student-results",
        "outcomes",
        "teachers",
        "rosobrnadzor-list",
        "risk-levels",
    ]
    assert FORMS["student-results"].fields == [
        "code",
        "year",
        "procedure",
        "grade",
        "subject",
        "participant_code",
        "primary_score",
        "test_score",
        "mark",
        "journal_mark",
    ]
    assert FORMS["teachers"].fields == [
        "code",
        "teacher_code",
        "full_name",
        "subjects",
        "experience_years",
        "category",
        "age",
        "deficits",
        "diagnostics_date",
        "last_training_year",
    ]
    assert [c.header for c in FORMS["student-results"].key_columns] == [
        "Код ОО",
        "Учебный год",
        "Процедура",
        "Предмет",
        "Код участника",
    ]


@pytest.mark.parametrize("form", list(FORMS.values()), ids=list(FORMS))
def test_every_form_is_consistent(form):
    assert len(set(form.headers)) == len(form.headers)
    assert len(set(form.fields)) == len(form.fields)
    names = [normalize_header(name) for column in form.columns for name in (column.header, *column.aliases)]
    assert len(names) == len(set(names)), "a name or alias is given twice"
    # A key cell is never empty: the column is required, or an empty (absent) cell takes its default.
    assert all(form.column(field).required or form.column(field).default for field in form.key_fields)
    for rule in form.parts:
        assert {rule.part, rule.whole} <= set(form.fields)
    for rule in form.sums:
        assert {*rule.parts, rule.total} <= set(form.fields)
    for column in form.columns:
        assert form.match_header(column.header) is column
        for spelling, value in column.synonyms:
            assert value in column.choices, spelling
        if column.required_if:
            allowed = form.column(column.required_if.field).choices
            assert set(column.required_if.values) <= set(allowed)


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("русский", "Русский язык"),
        ("  Русский   язык ", "Русский язык"),
        ("математика профиль", "Математика (профильная)"),
        ("Математика(базовая)", "Математика (базовая)"),
        ("Математика (профильная)", "Математика (профильная)"),
        ("МАТЕМАТИКА", "Математика"),
        ("ОБЖ", "ОБЖ"),
        ("окружающий мир", "Окружающий мир"),
        ("Информатика и ИКТ", "Информатика"),
        ("", ""),
    ],
)
def test_subject_names_are_normalised(written, stored):
    assert normalize_subject(written) == stored


@given(st.text(max_size=30))
def test_normalising_a_subject_twice_changes_nothing(text):
    once = normalize_subject(text)
    assert normalize_subject(once) == once


def test_lists_headers_and_folding():
    assert normalize_list("Физика;физика; ;Химия", subjects=True) == "Физика; Химия"
    assert normalize_header("«Не получили аттестат (9)»:") == "не получили аттестат (9)"
    assert normalize_header("На профилактическом  учёте") == normalize_header("на профилактическом учете")
    assert fold("  Вечерняя(Сменная) ") == "вечерняя (сменная)"
