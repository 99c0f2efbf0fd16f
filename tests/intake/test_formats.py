import pytest
from hypothesis import given
from hypothesis import strategies as st

from opora.intake.formats import CONTEXT, RESULTS, SCHOOLS, parse_school_year, school_year_label


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
