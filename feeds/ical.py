"""Build iCalendar (RFC 5545) feeds from plain data. No request, no database.

The views turn activities and stops into `FeedEvent`s; this module writes them with the
icalendar library so that Outlook, Google, Apple Calendar and Thunderbird show them at the
right time in Amsterdam, replace changed entries (UID + SEQUENCE) and mark cancelled ones.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vDuration,
    vRecur,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PRODID = "-//Wijktour//Wijktour feeds//NL"
REFRESH_INTERVAL = dt.timedelta(hours=1)
CANCELLED_PREFIX = {"nl": "GEANNULEERD: ", "en": "CANCELLED: "}


@dataclass(frozen=True)
class FeedEvent:
    """One VEVENT: an activity, or a partner's own stop during a tour."""

    uid: str
    summary: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    sequence: int
    created: dt.datetime
    last_modified: dt.datetime
    cancelled: bool = False
    location: str = ""
    latitude: float | None = None
    longitude: float | None = None
    url: str = ""
    description: str = ""
    categories: Sequence[str] = field(default_factory=tuple)
    # Only in a mailed invitation (METHOD:REQUEST/CANCEL), never in a public feed.
    organizer: str = ""
    attendees: Sequence[str] = field(default_factory=tuple)


def activity_uid(*, activity_id: int, host: str) -> str:
    return f"activity-{activity_id}@{host}"


def stop_uid(*, stop_id: int, host: str) -> str:
    return f"stop-{stop_id}@{host}"


@lru_cache(maxsize=1)
def amsterdam_vtimezone() -> Timezone:
    """The VTIMEZONE for Europe/Amsterdam as every major client writes it: the EU rule
    (last Sunday of March 02:00 CET → CEST, last Sunday of October 03:00 CEST → CET) as two
    yearly RRULEs, valid for every year since 1996 without listing transitions.

    icalendar's generated zone lists each transition with the onset in the new offset,
    which parsers that read DTSTART in TZOFFSETFROM place an hour late; tests compare this
    rule with tzdata for every transition up to 2037.
    """
    zone = Timezone()
    zone.add("tzid", "Europe/Amsterdam")
    zone.add("x-lic-location", "Europe/Amsterdam")
    daylight = TimezoneDaylight()
    daylight.add("tzname", "CEST")
    daylight.add("tzoffsetfrom", dt.timedelta(hours=1))
    daylight.add("tzoffsetto", dt.timedelta(hours=2))
    daylight.add("dtstart", dt.datetime(1970, 3, 29, 2, 0))
    daylight.add("rrule", vRecur(freq="YEARLY", bymonth=3, byday="-1SU"))
    standard = TimezoneStandard()
    standard.add("tzname", "CET")
    standard.add("tzoffsetfrom", dt.timedelta(hours=2))
    standard.add("tzoffsetto", dt.timedelta(hours=1))
    standard.add("dtstart", dt.datetime(1970, 10, 25, 3, 0))
    standard.add("rrule", vRecur(freq="YEARLY", bymonth=10, byday="-1SU"))
    zone.add_component(daylight)
    zone.add_component(standard)
    return zone


def local_or_utc(moment: dt.datetime) -> dt.datetime:
    """The moment as Amsterdam wall time (DTSTART;TZID=Europe/Amsterdam), or in UTC when
    the wall time is the second of two (the repeated hour in October): RFC 5545 reads an
    ambiguous local time as the first, so only UTC says which one is meant."""
    local = moment.astimezone(AMSTERDAM)
    if local.fold:
        return moment.astimezone(dt.UTC)
    return local


def build_event(event: FeedEvent, *, language: str) -> Event:
    vevent = Event()
    summary = event.summary
    if event.cancelled:
        summary = CANCELLED_PREFIX.get(language, CANCELLED_PREFIX["en"]) + summary
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", event.last_modified.astimezone(dt.UTC))
    vevent.add("created", event.created.astimezone(dt.UTC))
    vevent.add("last-modified", event.last_modified.astimezone(dt.UTC))
    vevent.add("sequence", event.sequence)
    vevent.add("summary", summary)
    vevent.add("dtstart", local_or_utc(event.starts_at))
    vevent.add("dtend", local_or_utc(event.ends_at))
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    # A cancelled event no longer makes anyone busy.
    vevent.add("transp", "TRANSPARENT" if event.cancelled else "OPAQUE")
    if event.location:
        vevent.add("location", event.location)
    if event.latitude is not None and event.longitude is not None:
        vevent.add("geo", (event.latitude, event.longitude))
    if event.url:
        vevent.add("url", event.url)
    if event.description:
        vevent.add("description", event.description)
    if event.categories:
        vevent.add("categories", list(event.categories))
    if event.organizer:
        vevent.add("organizer", f"mailto:{event.organizer}")
    for attendee in event.attendees:
        vevent.add("attendee", f"mailto:{attendee}", parameters={"ROLE": "REQ-PARTICIPANT"})
    return vevent


def build_calendar(
    *,
    name: str,
    events: Iterable[FeedEvent],
    language: str,
    description: str = "",
    method: str = "",
) -> Calendar:
    """A VCALENDAR with the Amsterdam VTIMEZONE, refresh hints and one VEVENT per event.
    `method` (PUBLISH, REQUEST, CANCEL) is for files sent by mail; feeds carry none."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    if description:
        calendar.add("x-wr-caldesc", description)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    # Shared, never mutated: built once per process.
    calendar.add_component(amsterdam_vtimezone())
    for event in events:
        calendar.add_component(build_event(event, language=language))
    return calendar


def serialise_calendar(
    *,
    name: str,
    events: Iterable[FeedEvent],
    language: str,
    description: str = "",
    method: str = "",
) -> bytes:
    return build_calendar(
        name=name, events=events, language=language, description=description, method=method
    ).to_ical()
