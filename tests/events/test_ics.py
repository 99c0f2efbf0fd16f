"""The iCalendar writer: folding at 75 octets, escaping, UTC times (RFC 5545)."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opora.events.ics import LIMIT, CalendarEvent, calendar, escape, fold, unfold

STAMP = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


@given(st.text(min_size=0, max_size=400).filter(lambda text: "\r" not in text and "\n" not in text))
def test_folding_keeps_every_line_within_75_octets_and_unfolds_to_the_original(line):
    folded = fold(line)
    assert all(len(piece.encode("utf-8")) <= LIMIT for piece in folded.split("\r\n"))
    assert unfold(folded) == [line]


@given(st.text(max_size=200))
def test_escaped_text_has_no_bare_separators_or_line_breaks(text):
    escaped = escape(text)
    assert "\n" not in escaped and "\r" not in escaped
    bare = escaped.replace("\\\\", "").replace("\\;", "").replace("\\,", "")
    assert ";" not in bare and "," not in bare


def test_calendar_is_crlf_with_utc_times_and_escaped_values():
    moscow = datetime.timezone(datetime.timedelta(hours=3))
    text = calendar(
        [
            CalendarEvent(
                uid="event-7@opora.local",
                summary="Семинар; анализ ВПР, 5 классы",
                starts_at=datetime.datetime(2026, 12, 10, 10, 0, tzinfo=moscow),
                location="МБОУ СОШ № 1, актовый зал",
                description="Первая строка\nвторая строка",
            )
        ],
        stamp=STAMP,
    )
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    lines = unfold(text)
    assert "DTSTART:20261210T070000Z" in lines
    assert "DTEND:20261210T080000Z" in lines  # an hour when the end is not known
    assert "SUMMARY:Семинар\\; анализ ВПР\\, 5 классы" in lines
    assert "DESCRIPTION:Первая строка\\nвторая строка" in lines
    assert "UID:event-7@opora.local" in lines and "DTSTAMP:20261201T090000Z" in lines


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="часового пояса"):
        calendar([CalendarEvent("x", "y", datetime.datetime(2026, 1, 1))], stamp=STAMP)
