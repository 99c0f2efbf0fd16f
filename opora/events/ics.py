"""Calendars in the iCalendar format (RFC 5545) that Outlook, Яндекс Календарь and phones import.

Lines end with CRLF and are folded at 75 octets without splitting a UTF-8 character; text values
escape backslashes, semicolons, commas and line breaks; times are written in UTC.

>>> text = calendar([CalendarEvent("e1@opora", "Семинар; ВПР", datetime.datetime(2026, 12, 3, 7, tzinfo=datetime.UTC))],
...                 stamp=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC))
>>> "SUMMARY:Семинар\\\\; ВПР" in text
True
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

LIMIT = 75
"""Octets a content line may hold before it is folded (RFC 5545, 3.1)."""


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    summary: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None = None
    location: str = ""
    description: str = ""
    url: str = ""
    cancelled: bool = False


def escape(value: str) -> str:
    """A TEXT value (RFC 5545, 3.3.11): backslash, semicolon, comma and line breaks escaped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """A content line folded into pieces of at most 75 octets, continuation lines starting with a space."""
    pieces: list[str] = []
    current = ""
    size = 0
    limit = LIMIT
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
            limit = LIMIT - 1  # a continuation line starts with a space
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def unfold(text: str) -> list[str]:
    """The content lines of a folded text (the inverse of :func:`fold`)."""
    return text.replace("\r\n ", "").split("\r\n")


def _utc(moment: datetime.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("время мероприятия без часового пояса")
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(event: CalendarEvent, stamp: datetime.datetime) -> list[str]:
    ends_at = event.ends_at or event.starts_at + datetime.timedelta(hours=1)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(max(ends_at, event.starts_at))}",
        f"SUMMARY:{escape(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    lines.append(f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}")
    lines.append("END:VEVENT")
    return lines


def calendar(events: Iterable[CalendarEvent], *, stamp: datetime.datetime, name: str = "Опора") -> str:
    """A VCALENDAR with the events, ready to be sent as ``text/calendar``."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Opora//Events//RU",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for event in events:
        lines.extend(_event_lines(event, stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
