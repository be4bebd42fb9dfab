import dataclasses
import datetime as dt
import json
import subprocess

import icalendar
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser.string import _foldline

from feeds.ical import AMSTERDAM, FeedEvent, serialise_calendar
from feeds.writer import MAIL_ONLY_FIELDS, WRITTEN_FIELDS, fold, write_calendar
from tests.feeds.parsers import ICAL_JS

NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)
# What breaks serialisers: the TEXT escapes, line breaks of every kind, icalendar's literal
# \N, carets (RFC 6868), multi-byte characters up to emoji (4 octets) and plain letters.
NASTY = ",;\\\n\r^:\"'N é–ß€😀👩‍⚕️日本"
texts = st.text(alphabet=st.sampled_from(NASTY) | st.characters(codec="utf-8"), max_size=400)
moments = st.datetimes(
    min_value=dt.datetime(1990, 1, 1),
    max_value=dt.datetime(2060, 12, 31),
    timezones=st.sampled_from([dt.UTC, AMSTERDAM]),
    allow_imaginary=False,
)
coordinates = st.floats(min_value=-90, max_value=90, allow_nan=False)
urls = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789/:?&=;,%-._~+", max_size=200).map(
    lambda path: "https://wijktour.example.org/" + path
)
# icalendar writes X-WR-CALNAME/X-WR-CALDESC unescaped and refuses a line break in them; feed
# names come from one-line fields.
one_line = texts.map(lambda text: text.replace("\n", " ").replace("\r", " "))
events = st.builds(
    FeedEvent,
    uid=st.text(min_size=1, max_size=120),
    summary=texts,
    starts_at=moments,
    ends_at=moments,
    sequence=st.integers(min_value=0, max_value=10_000),
    created=moments,
    last_modified=moments,
    cancelled=st.booleans(),
    location=texts,
    latitude=st.none() | coordinates,
    longitude=st.none() | coordinates,
    url=st.just("") | urls,
    description=texts,
    categories=st.lists(texts, max_size=4).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(
    events=st.lists(events, max_size=4),
    name=one_line,
    description=one_line,
    language=st.sampled_from(["nl", "en"]),
)
def test_write_calendar_gives_icalendar_bytes_for_any_events(events, name, description, language):
    arguments = {"name": name, "events": events, "language": language, "description": description}

    assert write_calendar(**arguments) == serialise_calendar(**arguments)


@settings(max_examples=500, deadline=None)
@given(line=st.text(alphabet=st.sampled_from(NASTY) | st.characters(codec="utf-8"), max_size=600))
def test_fold_keeps_lines_within_75_octets_and_characters_whole(line):
    line = line.replace("\n", "").replace("\r", "")
    folded = fold("DESCRIPTION:" + line)
    # Each physical line is whole UTF-8 on its own: no character split over a fold.
    physical = folded.encode().split(b"\r\n")
    decoded = [part.decode() for part in physical]

    assert [len(part) <= 75 for part in physical] == [True] * len(physical)
    assert decoded[0].startswith("DESCRIPTION:")
    assert [part.startswith(" ") for part in decoded[1:]] == [True] * (len(decoded) - 1)
    assert folded.replace("\r\n ", "") == "DESCRIPTION:" + line
    assert folded == _foldline("DESCRIPTION:" + line)


def test_fold_moves_an_escape_to_the_next_line_whole():
    line = "DESCRIPTION:" + "x" * 61 + "\\,rest"

    assert fold(line) == "DESCRIPTION:" + "x" * 61 + "\r\n \\,rest"


def test_fold_splits_before_an_emoji_not_inside_it():
    line = "SUMMARY:" + "a" * 65 + "😀😀"

    assert fold(line).encode().split(b"\r\n") == [
        ("SUMMARY:" + "a" * 65).encode(),
        " 😀😀".encode(),
    ]


def test_short_line_is_not_folded():
    assert fold("SUMMARY:" + "a" * 66) == "SUMMARY:" + "a" * 66


ICAL_JS_ALL = """
const ICAL = require(process.argv[1]);
let text = '';
process.stdin.on('data', c => text += c);
process.stdin.on('end', () => {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) {
    ICAL.TimezoneService.register(zone);
  }
  const out = {};
  for (const vevent of calendar.getAllSubcomponents('vevent')) {
    const event = new ICAL.Event(vevent);
    const categories = vevent.getFirstProperty('categories');
    out[event.uid] = [
      event.startDate.toUnixTime(), event.endDate.toUnixTime(), event.summary,
      event.description, event.location, vevent.getFirstPropertyValue('url'),
      vevent.getFirstPropertyValue('geo'), categories ? categories.getValues() : [],
    ];
  }
  process.stdout.write(JSON.stringify(out));
});
"""


def every_field_by_icaljs(body: bytes) -> dict[str, tuple]:
    completed = subprocess.run(
        ["node", "-e", ICAL_JS_ALL, str(ICAL_JS)],
        input=body,
        capture_output=True,
        check=True,
        timeout=30,
    )
    return {
        uid: (
            dt.datetime.fromtimestamp(start, tz=dt.UTC),
            dt.datetime.fromtimestamp(end, tz=dt.UTC),
            summary,
            description,
            location,
            url,
            tuple(geo),
            tuple(categories),
        )
        for uid, (start, end, summary, description, location, url, geo, categories) in json.loads(
            completed.stdout
        ).items()
    }


def every_field_by_vobject(body: bytes) -> dict[str, tuple]:
    calendar = vobject.readOne(body.decode())
    return {
        e.uid.value: (
            e.dtstart.value.astimezone(dt.UTC),
            e.dtend.value.astimezone(dt.UTC),
            e.summary.value,
            e.description.value,
            e.location.value,
            e.url.value,
            tuple(float(part) for part in e.geo.value.split(";")),
            tuple(e.categories.value),
        )
        for e in calendar.vevent_list
    }


def every_field_by_icalendar(body: bytes) -> dict[str, tuple]:
    return {
        str(e["UID"]): (
            e.start.astimezone(dt.UTC),
            e.end.astimezone(dt.UTC),
            str(e["SUMMARY"]),
            str(e["DESCRIPTION"]),
            str(e["LOCATION"]),
            str(e["URL"]),
            (e["GEO"].latitude, e["GEO"].longitude),
            tuple(str(c) for c in e["CATEGORIES"].cats),
        )
        for e in icalendar.Calendar.from_ical(body).events
    }


def test_written_feed_reads_the_same_in_three_parsers_across_dst(moments):
    # Text a parser could get wrong; long enough to fold, in the middle of an emoji's octets.
    description = (
        "Programma:\n13:15–13:40 Buurthuis, Javaplein 1\\2; ingang, achterom\n"
        + "Lang verhaal 😀 " * 12
    )
    written = [
        FeedEvent(
            uid=f"activity-{index}@wijktour.example.org",
            summary=f"Wijktour {label}, Oost; 👩‍⚕️ zorg",
            starts_at=starts_at,
            ends_at=ends_at,
            sequence=index,
            created=NOW,
            last_modified=NOW,
            location="Buurtcentrum, Javaplein 1; 1094 HW Amsterdam",
            latitude=52.3625,
            longitude=4.939,
            url=f"https://wijktour.example.org/tours/{index}/?a=1,2;b",
            description=description,
            categories=("Eenzaamheid, ouderen", "Mantelzorg; jong"),
        )
        for index, (label, (starts_at, ends_at)) in enumerate(moments.items())
    ]
    body = write_calendar(name="Wijktour: Oost", events=written, language="nl")
    expected = {
        event.uid: (
            event.starts_at.astimezone(dt.UTC),
            event.ends_at.astimezone(dt.UTC),
            event.summary,
            event.description,
            event.location,
            event.url,
            (52.3625, 4.939),
            event.categories,
        )
        for event in written
    }

    assert every_field_by_icalendar(body) == expected
    assert every_field_by_vobject(body) == expected
    assert every_field_by_icaljs(body) == expected


def test_writer_knows_every_feed_event_field():
    """A field added to FeedEvent (and feeds.ical.build_event) must be written here too;
    until then such events fall back to icalendar (test below)."""
    assert {f.name for f in dataclasses.fields(FeedEvent)} == WRITTEN_FIELDS | MAIL_ONLY_FIELDS


def test_event_with_a_field_the_writer_does_not_know_is_written_by_icalendar(monkeypatch):
    from feeds import writer

    event = FeedEvent(
        uid="activity-1@example.org",
        summary="Wijktour",
        starts_at=NOW,
        ends_at=NOW + dt.timedelta(hours=2),
        sequence=0,
        created=NOW,
        last_modified=NOW,
        location="Buurthuis",
    )
    location = next(f for f in dataclasses.fields(FeedEvent) if f.name == "location")
    monkeypatch.setattr(writer, "UNWRITTEN", (location,))
    monkeypatch.setattr(writer, "build_event", lambda event, language: FakeEvent())

    assert writer.write_event(event, language="nl") == "BEGIN:VEVENT\r\nX-BY:icalendar\r\n"


class FakeEvent:
    def to_ical(self) -> bytes:
        return b"BEGIN:VEVENT\r\nX-BY:icalendar\r\n"
