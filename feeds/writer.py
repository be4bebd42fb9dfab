"""Write feeds fast: the VEVENTs of feeds/ical.py as text, without building icalendar objects.

A 1,000-event feed spent three quarters of its time in icalendar's generic serialiser (about
15,000 property objects, then folding every line character by character). Our events have one
fixed shape, so this module writes that shape directly, with icalendar's own escaping,
property order and folding rule, and gives the same bytes: tests/feeds/test_writer.py proves
it on random events (Hypothesis) and parses every feed back with icalendar, vobject and ical.js.
The calendar's head (VCALENDAR properties and the VTIMEZONE) is still written by icalendar,
once per feed name. feeds/ical.py stays the reference; change both together (the property
test fails when they drift apart).
"""

import dataclasses
import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

from feeds.ical import CANCELLED_PREFIX, FeedEvent, build_calendar, build_event, local_or_utc

FOLD_LIMIT = 75
FOLD = "\r\n "
END = "END:VCALENDAR\r\n"
CONTINUATION_BYTE = 0b1100_0000
CONTINUATION_MARK = 0b1000_0000
# The FeedEvent fields write_event knows. An event using a field added later (and not yet
# written here) is written by icalendar instead, so nothing it carries is lost.
WRITTEN_FIELDS = frozenset(
    {
        "uid",
        "summary",
        "starts_at",
        "ends_at",
        "sequence",
        "created",
        "last_modified",
        "cancelled",
        "location",
        "latitude",
        "longitude",
        "url",
        "description",
        "categories",
    }
)
# Fields only a mailed invitation carries (addresses never appear in a public feed): such an
# event is one per mail, so icalendar writing it costs nothing worth a fast path.
MAIL_ONLY_FIELDS = frozenset({"organizer", "attendees"})
UNWRITTEN = tuple(f for f in dataclasses.fields(FeedEvent) if f.name not in WRITTEN_FIELDS)


def uses_unwritten_field(event: FeedEvent) -> bool:
    for unwritten in UNWRITTEN:
        default = (
            unwritten.default_factory()
            if unwritten.default_factory is not dataclasses.MISSING
            else unwritten.default
        )
        if getattr(event, unwritten.name) != default:
            return True
    return False


def escape_text(text: str) -> str:
    """RFC 5545 TEXT escaping, in icalendar's order (it also turns a literal \\N into a line
    break, and every CR, LF or CRLF into one \\n)."""
    return (
        text.replace("\\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line as icalendar does: at most 74 octets of the line before each fold
    (75 with the leading space of a continuation), never inside a UTF-8 character, and never
    right after a backslash or caret, which goes to the next line with the character it
    escapes (some clients do not rejoin an escape split over two lines)."""
    if len(line) < FOLD_LIMIT and line.isascii():
        return line
    data = line.encode()
    size = len(data)
    if size < FOLD_LIMIT:
        return line
    limit = FOLD_LIMIT - 1
    parts = []
    start = 0
    while size - start > limit:
        end = start + limit
        # Back off to the first byte of a character.
        while data[end] & CONTINUATION_BYTE == CONTINUATION_MARK:
            end -= 1
        if data[end - 1] in b"\\^":
            end -= 1
        parts.append(data[start:end])
        start = end
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode()


def timestamp(moment: dt.datetime) -> str:
    utc = moment.astimezone(dt.UTC)
    return f"{utc.year:04}{utc.month:02}{utc.day:02}T{utc.hour:02}{utc.minute:02}{utc.second:02}Z"


def date_time(name: str, moment: dt.datetime) -> str:
    """DTSTART/DTEND: Amsterdam wall time with its TZID, or UTC for the repeated hour."""
    value = local_or_utc(moment)
    stamp = (
        f"{value.year:04}{value.month:02}{value.day:02}"
        f"T{value.hour:02}{value.minute:02}{value.second:02}"
    )
    if value.tzinfo is dt.UTC:
        return f"{name}:{stamp}Z"
    return f"{name};TZID=Europe/Amsterdam:{stamp}"


def write_event(event: FeedEvent, *, language: str) -> str:
    """One VEVENT, CRLF line ends, properties in icalendar's order (its canonical ones
    first, then the rest alphabetically) so that the bytes equal `build_event(...).to_ical()`."""
    if UNWRITTEN and uses_unwritten_field(event):
        return build_event(event, language=language).to_ical().decode()
    summary = event.summary
    if event.cancelled:
        summary = CANCELLED_PREFIX.get(language, CANCELLED_PREFIX["en"]) + summary
    stamp = timestamp(event.last_modified)
    lines = [
        "BEGIN:VEVENT",
        fold("SUMMARY:" + escape_text(summary)),
        date_time("DTSTART", event.starts_at),
        date_time("DTEND", event.ends_at),
        "DTSTAMP:" + stamp,
        fold("UID:" + escape_text(event.uid)),
        f"SEQUENCE:{event.sequence}",
    ]
    if event.categories:
        lines.append(fold("CATEGORIES:" + ",".join(escape_text(c) for c in event.categories)))
    lines.append("CREATED:" + timestamp(event.created))
    if event.description:
        lines.append(fold("DESCRIPTION:" + escape_text(event.description)))
    if event.latitude is not None and event.longitude is not None:
        lines.append(f"GEO:{float(event.latitude)};{float(event.longitude)}")
    lines.append("LAST-MODIFIED:" + stamp)
    if event.location:
        lines.append(fold("LOCATION:" + escape_text(event.location)))
    if event.cancelled:
        lines += ("STATUS:CANCELLED", "TRANSP:TRANSPARENT")
    else:
        lines += ("STATUS:CONFIRMED", "TRANSP:OPAQUE")
    if event.url:
        lines.append(fold("URL:" + event.url))
    lines.append("END:VEVENT\r\n")
    return "\r\n".join(lines)


@lru_cache(maxsize=256)
def calendar_head(*, name: str, language: str, description: str) -> str:
    """Everything before the first VEVENT, written by icalendar (one per feed name)."""
    head = (
        build_calendar(name=name, events=(), language=language, description=description)
        .to_ical()
        .decode()
    )
    return head.removesuffix(END)


def write_calendar(
    *, name: str, events: Iterable[FeedEvent], language: str, description: str = ""
) -> bytes:
    """The same bytes as `feeds.ical.serialise_calendar` with the same arguments."""
    head = calendar_head(name=name, language=language, description=description)
    body = "".join([write_event(event, language=language) for event in events])
    return (head + body + END).encode()
