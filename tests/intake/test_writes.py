"""Writing many changed rows at once keeps every value, nulls and decimals included."""

from decimal import Decimal

import pytest
from django.db import IntegrityError

from opora.intake.writes import update_rows
from opora.results.models import SchoolResult
from tests.factories import SchoolResultFactory


def test_update_rows_saves_the_named_fields_of_every_instance_and_nothing_else(db):
    rows = [SchoolResultFactory(grade=grade, marks_2=1, mean_score=Decimal("3.50")) for grade in range(4, 9)]
    rows[0].marks_2, rows[0].mean_score = None, Decimal("4.25")
    rows[1].marks_2, rows[1].mean_score = 7, None
    rows[2].participants = 999  # not among the fields written
    update_rows(SchoolResult, rows[:3], ["marks_2", "mean_score"])

    stored = {row.pk: row for row in SchoolResult.objects.all()}
    assert (stored[rows[0].pk].marks_2, stored[rows[0].pk].mean_score) == (None, Decimal("4.25"))
    assert (stored[rows[1].pk].marks_2, stored[rows[1].pk].mean_score) == (7, None)
    assert stored[rows[2].pk].participants != 999
    assert all((stored[row.pk].marks_2, stored[row.pk].mean_score) == (1, Decimal("3.50")) for row in rows[3:])


def test_update_rows_with_nothing_to_write_does_nothing(db):
    row = SchoolResultFactory(marks_2=1)
    update_rows(SchoolResult, [], ["marks_2"])
    update_rows(SchoolResult, [row], [])
    assert SchoolResult.objects.get().marks_2 == 1


def test_a_failed_update_leaves_the_rows_and_lets_the_next_one_work(db):
    row = SchoolResultFactory(marks_2=1, participants=20)
    row.participants = -5  # the column takes no negative number
    with pytest.raises(IntegrityError):
        update_rows(SchoolResult, [row], ["participants"])
    assert SchoolResult.objects.get().participants == 20
    row.participants = 25
    update_rows(SchoolResult, [row], ["participants"])
    assert SchoolResult.objects.get().participants == 25
