import datetime as dt

import icalendar

from feeds.ical import AMSTERDAM, FeedEvent, amsterdam_vtimezone, local_or_utc, serialise_calendar
from tests.feeds.parsers import parse_with_icaljs, parse_with_vobject

NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)


def feed_event(**overrides) -> FeedEvent:
    values = {
        "uid": "activity-1@example.org",
        "summary": "Wijktour Indische Buurt",
        "starts_at": dt.datetime(2027, 1, 12, 13, 0, tzinfo=dt.UTC),
        "ends_at": dt.datetime(2027, 1, 12, 16, 0, tzinfo=dt.UTC),
        "sequence": 3,
        "created": NOW,
        "last_modified": NOW,
    }
    return FeedEvent(**(values | overrides))


def test_vtimezone_rule_matches_tzdata_for_every_transition_until_2037():
    zone = icalendar.Calendar.from_ical(
        b"BEGIN:VCALENDAR\r\n" + amsterdam_vtimezone().to_ical() + b"END:VCALENDAR\r\n"
    ).timezones[0]
    tz = zone.to_tz()
    # Every half hour of March and October (where the clocks change) and noon every day.
    moments = [
        dt.datetime(year, month, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=30 * step)
        for year in range(1997, 2038)
        for month in (3, 10)
        for step in range(31 * 48)
    ] + [
        dt.datetime(1997, 1, 1, 12, tzinfo=dt.UTC) + dt.timedelta(days=day)
        for day in range(41 * 365)
    ]
    mismatches = [
        moment
        for moment in moments
        if moment.astimezone(tz).utcoffset() != moment.astimezone(AMSTERDAM).utcoffset()
    ]
    assert (len(moments), mismatches) == (136981, [])


def test_local_or_utc_writes_second_autumn_hour_in_utc():
    first = dt.datetime(2027, 10, 31, 0, 30, tzinfo=dt.UTC)  # 02:30 CEST
    second = dt.datetime(2027, 10, 31, 1, 30, tzinfo=dt.UTC)  # 02:30 CET

    assert (local_or_utc(first).tzinfo, local_or_utc(second).tzinfo) == (AMSTERDAM, dt.UTC)


def test_cancelled_event_has_status_prefix_and_is_transparent():
    body = serialise_calendar(name="Wijktour", events=[feed_event(cancelled=True)], language="nl")
    event = icalendar.Calendar.from_ical(body).events[0]

    assert (str(event["SUMMARY"]), event["STATUS"], event["TRANSP"]) == (
        "GEANNULEERD: Wijktour Indische Buurt",
        "CANCELLED",
        "TRANSPARENT",
    )


def test_cancelled_prefix_in_english():
    body = serialise_calendar(name="W", events=[feed_event(cancelled=True)], language="en")

    assert str(icalendar.Calendar.from_ical(body).events[0]["SUMMARY"]) == (
        "CANCELLED: Wijktour Indische Buurt"
    )


def test_calendar_has_refresh_hints_and_name():
    body = serialise_calendar(name="Wijktour: Bos en Lommer", events=[], language="nl")

    assert [line for line in body.decode().splitlines() if line.startswith(("X-", "REFRESH"))] == [
        "X-WR-CALNAME:Wijktour: Bos en Lommer",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
        "X-LIC-LOCATION:Europe/Amsterdam",
    ]


def test_event_properties_survive_independent_parsers():
    event = feed_event(
        location="Buurtcentrum, Javaplein 1, Amsterdam",
        latitude=52.3625,
        longitude=4.939,
        url="https://wijktour.example.org/tours/1/",
        description="Programma:\n13:00 Verzamelen",
        categories=("Eenzaamheid", "Mantelzorg"),
    )
    body = serialise_calendar(name="W", events=[event], language="nl")
    expected = (event.starts_at, event.ends_at, "CONFIRMED", 3, "Wijktour Indische Buurt")

    assert parse_with_icaljs(body) == {event.uid: expected}
    assert parse_with_vobject(body) == {event.uid: expected}
