"""The stored tables read as the frames the analytics expect: the same columns and types."""

import pytest

from opora.analytics import _frames as contract
from opora.results.frames import OUTCOMES, RESULTS, STUDENT_RESULTS
from opora.schools.frames import CONTEXT, SCHOOL_IDENTITY, SCHOOLS


@pytest.mark.parametrize(
    ("table", "schema", "columns"),
    [
        (RESULTS, contract.RESULTS_SCHEMA, None),
        (STUDENT_RESULTS, contract.STUDENT_RESULTS_SCHEMA, None),
        (OUTCOMES, contract.OUTCOMES_SCHEMA, None),
        (CONTEXT, contract.CONTEXT_SCHEMA, None),
        (SCHOOLS, contract.SCHOOLS_SCHEMA, SCHOOL_IDENTITY),
    ],
    ids=lambda item: getattr(item, "label", ""),
)
def test_table_columns_are_the_analytics_input(table, schema, columns):
    # The outcomes are given to the analytics for one period (the year): ``outcomes_frame`` drops it.
    names = [name for name in (columns or table.fields) if name != "period"]
    assert set(names) == set(schema)
    types = {name: table.dtype(name) for name in names}
    # ЕГЭ test scores are whole numbers in the database and numbers of any kind in the analytics.
    mismatched = {name for name in names if types[name] != schema[name] and name != "test_score"}
    assert mismatched == set()


def test_key_comes_from_the_models_unique_constraint():
    assert RESULTS.key_fields == ("code", "year", "procedure", "grade", "subject")
    assert STUDENT_RESULTS.key_fields == ("code", "year", "procedure", "subject", "participant_code")
    assert CONTEXT.key_fields == ("code", "year")
    assert OUTCOMES.key_fields == ("code", "year", "period")
