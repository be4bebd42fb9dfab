"""iCalendar entries for activities, built from plain data (no request, no ORM queries):
the registration mails attach them and the feeds may reuse them.

Times are written in UTC, which every calendar client converts to local time; the UID is
stable per activity and SEQUENCE grows with every change that matters to an attendee, so a
client replaces the entry instead of adding a second one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from icalendar import Calendar, Event, vGeo


@dataclass(frozen=True)
class CalendarEntry:
    activity_id: int
    sequence: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    description: str = ""
    location: str = ""
    url: str = ""
    latitude: float | None = None
    longitude: float | None = None
    cancelled: bool = False
    updated_at: dt.datetime | None = None


def activity_uid(*, activity_id: int, site_url: str) -> str:
    host = urlsplit(site_url).hostname or "wijktour.localhost"
    return f"activity-{activity_id}@{host}"


def build_calendar(
    *, entries: Iterable[CalendarEntry], site_url: str, method: str = "PUBLISH", name: str = ""
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Wijktour//Wijktour//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for entry in entries:
        event = Event()
        event.add("uid", activity_uid(activity_id=entry.activity_id, site_url=site_url))
        event.add("sequence", entry.sequence)
        event.add("summary", entry.title)
        event.add("dtstart", entry.starts_at.astimezone(dt.UTC))
        event.add("dtend", entry.ends_at.astimezone(dt.UTC))
        event.add("dtstamp", (entry.updated_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC))
        if entry.description:
            event.add("description", entry.description)
        if entry.location:
            event.add("location", entry.location)
        if entry.url:
            event.add("url", entry.url)
        if entry.latitude is not None and entry.longitude is not None:
            event.add("geo", vGeo((entry.latitude, entry.longitude)))
        event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
