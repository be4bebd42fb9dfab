"""Read a partner's iCalendar file into plain occurrences. No request, no database.

Real feeds are messy: Google relies on X-WR-TIMEZONE, Outlook names zones the Windows way
("W. Europe Standard Time"), recurring series have exceptions, and some files are broken or
hostile. This module expands what lies within the horizon, skips what it cannot read, and
raises `FeedParseError` in plain words when nothing usable is left.
"""

import datetime as dt
import re
from dataclasses import dataclass

import icalendar
import recurring_ical_events
import x_wr_timezone
from django.utils.translation import gettext as _

from feeds.ical import AMSTERDAM

MAX_NESTING = 6
MAX_COMPONENTS = 20_000
REFUSED_FREQUENCIES = {"SECONDLY", "MINUTELY", "HOURLY"}
MAX_LENGTHS = {"summary": 300, "location": 300, "description": 5000, "url": 500, "uid": 500}
LINE = re.compile(rb"^(BEGIN|END):([A-Za-z-]+)", re.MULTILINE)


class FeedParseError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Occurrence:
    uid: str
    recurrence_id: str
    summary: str
    description: str
    location: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    all_day: bool
    url: str


def check_structure(body: bytes) -> None:
    """Refuse what is not a calendar, or is nested or sized to exhaust the parser."""
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper()
    if not head.startswith(b"BEGIN:VCALENDAR"):
        raise FeedParseError("not_calendar", _("The file is not an iCalendar file."))
    depth = 0
    components = 0
    for match in LINE.finditer(body):
        if match.group(1).upper() == b"BEGIN":
            depth += 1
            components += 1
            if depth > MAX_NESTING:
                raise FeedParseError("hostile", _("The calendar file is nested too deeply."))
            if components > MAX_COMPONENTS:
                raise FeedParseError("hostile", _("The calendar file has too many entries."))
        else:
            depth -= 1


def as_aware(value: dt.date | dt.datetime) -> tuple[dt.datetime, bool]:
    """(moment, all_day). Floating times are read as Amsterdam time."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=AMSTERDAM)
        return value, False
    return dt.datetime.combine(value, dt.time(0), tzinfo=AMSTERDAM), True


def clipped(component, name: str) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    return str(value).strip()[: MAX_LENGTHS[name.lower()]]


def web_link(component) -> str:
    url = clipped(component, "URL")
    return url if url.startswith(("http://", "https://")) else ""


def readable(event) -> bool:
    """Whether every date and repeat rule of the event can be read (icalendar keeps broken
    values and fails only when they are used, which would sink the whole expansion)."""
    try:
        event["DTSTART"].dt  # noqa: B018 (reading is the check)
        for name in ("DTEND", "RECURRENCE-ID"):
            if name in event:
                event[name].dt  # noqa: B018
        if "DURATION" in event:
            event["DURATION"].dt  # noqa: B018
        for name in ("RDATE", "EXDATE"):
            values = event.get(name, [])
            for value in values if isinstance(values, list) else [values]:
                value.dts  # noqa: B018
        if "RRULE" in event:
            frequencies = {str(f).upper() for f in event["RRULE"].get("FREQ", [])}
            # A partner agenda never repeats hourly or faster; that would flood the agenda.
            if not frequencies or frequencies & REFUSED_FREQUENCIES:
                return False
    except Exception:  # any failure means: leave this event out
        return False
    return True


def drop_unreadable(calendar: icalendar.Calendar) -> None:
    events = [c for c in calendar.subcomponents if c.name == "VEVENT"]
    unreadable = [event for event in events if not readable(event)]
    if events and len(unreadable) == len(events):
        raise FeedParseError("broken", _("None of the events in the calendar can be read."))
    for event in unreadable:
        calendar.subcomponents.remove(event)


def occurrence_of(event) -> Occurrence | None:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return None
    if str(event.get("CLASS", "PUBLIC")).upper() in ("PRIVATE", "CONFIDENTIAL"):
        return None
    start = event.get("DTSTART")
    if start is None:
        return None
    starts_at, all_day = as_aware(start.dt)
    end = event.get("DTEND")
    if end is not None:
        ends_at, _all_day = as_aware(end.dt)
    elif event.get("DURATION") is not None:
        ends_at = starts_at + event["DURATION"].dt
    else:
        ends_at = starts_at + (dt.timedelta(days=1) if all_day else dt.timedelta(0))
    ends_at = max(ends_at, starts_at)
    recurrence = event.get("RECURRENCE-ID")
    recurrence_at = as_aware(recurrence.dt)[0] if recurrence is not None else starts_at
    uid = clipped(event, "UID")
    summary = clipped(event, "SUMMARY")
    if not uid or not summary:
        return None
    return Occurrence(
        uid=uid,
        recurrence_id=recurrence_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ"),
        summary=summary,
        description=clipped(event, "DESCRIPTION"),
        location=clipped(event, "LOCATION"),
        starts_at=starts_at.astimezone(dt.UTC),
        ends_at=ends_at.astimezone(dt.UTC),
        all_day=all_day,
        url=web_link(event),
    )


def parse_occurrences(
    body: bytes, *, now: dt.datetime, horizon_days: int, max_events: int = 5000
) -> list[Occurrence]:
    """The feed's occurrences from now to the horizon, one per UID and recurrence,
    soonest first."""
    check_structure(body)
    try:
        calendar = icalendar.Calendar.from_ical(body)
        calendar = x_wr_timezone.to_standard(calendar)
    except Exception as exc:  # icalendar raises many kinds on garbage; all mean "broken"
        raise FeedParseError(
            "broken", _("The calendar file is damaged and cannot be read.")
        ) from exc
    drop_unreadable(calendar)
    try:
        expanded = recurring_ical_events.of(calendar, skip_bad_series=True).between(
            now, now + dt.timedelta(days=horizon_days)
        )
    except Exception as exc:  # invalid dates or rules inside a series
        raise FeedParseError(
            "broken", _("The calendar has dates or repeat rules that cannot be read.")
        ) from exc
    found: dict[tuple[str, str], Occurrence] = {}
    for event in expanded:
        try:
            occurrence = occurrence_of(event)
        except (ValueError, TypeError, KeyError, AttributeError):
            continue  # one unreadable event does not sink the partner's agenda
        if occurrence is not None:
            found.setdefault((occurrence.uid, occurrence.recurrence_id), occurrence)
    occurrences = sorted(found.values(), key=lambda o: (o.starts_at, o.uid))
    return occurrences[:max_events]
