"""Importing partners' feeds from a real local HTTP server serving real .ics files."""

import datetime as dt
import gzip
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from feeds.models import ImportedEvent, PartnerFeed
from feeds.services import import_enabled_feeds, import_partner_feed
from tests.factories import PartnerFactory

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ics"
YEAR = dt.date.today().year + 1

pytestmark = pytest.mark.django_db


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes().replace(b"{YEAR}", str(YEAR).encode())


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/calendar; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    declare_length: bool = True


@dataclass
class CalendarServer:
    """A real HTTP server on a free local port; tests put files on it by path."""

    base: str
    routes: dict[str, Route]
    requests: list[dict[str, str]]

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def calendar_server(settings) -> Iterator[CalendarServer]:
    settings.FEEDS_IMPORT_ALLOW_PRIVATE = True
    settings.FEEDS_IMPORT_HORIZON_DAYS = 800
    settings.FEEDS_IMPORT_TIMEOUT = 5
    routes: dict[str, Route] = {}
    requests: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append({"path": self.path, **dict(self.headers.items())})
            route = routes.get(self.path)
            if route is None:
                self.send_response(404)
                self.end_headers()
                return
            etag = route.headers.get("ETag")
            if etag and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            if route.declare_length:
                self.send_header("Content-Length", str(len(route.body)))
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield CalendarServer(f"http://127.0.0.1:{server.server_port}", routes, requests)
    finally:
        server.shutdown()
        server.server_close()


def feed_for(url: str, **kwargs) -> PartnerFeed:
    partner = PartnerFactory(**kwargs)
    return PartnerFeed.objects.create(partner=partner, url=url)


def stored(feed: PartnerFeed) -> list[tuple]:
    return [
        (e.uid, e.recurrence_id, e.summary, e.starts_at.astimezone(dt.UTC), e.all_day)
        for e in ImportedEvent.objects.filter(feed=feed).order_by("starts_at", "uid")
    ]


def utc(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(YEAR, month, day, hour, minute, tzinfo=dt.UTC)


def test_recurring_series_with_exdate_rdate_and_exceptions(calendar_server):
    calendar_server.routes["/meeuw.ics"] = Route(fixture("recurring.ics"))
    feed = feed_for(calendar_server.url("/meeuw.ics"))

    outcome = import_partner_feed(feed=feed)

    walk = "wandelgroep@demeeuw.example.org"
    assert (outcome.ok, outcome.event_count) == (True, 6)
    assert stored(feed) == [
        (walk, f"{YEAR}0302T090000Z", "Wandelgroep", utc(3, 2, 9), False),
        (walk, f"{YEAR}0309T090000Z", "Wandelgroep", utc(3, 9, 9), False),
        # EXDATE removed 16 March; RDATE added 20 March at 14:00.
        (walk, f"{YEAR}0320T130000Z", "Wandelgroep", utc(3, 20, 13), False),
        # RECURRENCE-ID moved 23 March to 11:00; the cancelled 30 March is left out.
        (
            walk,
            f"{YEAR}0323T090000Z",
            "Wandelgroep (later door de klokwissel)",
            utc(3, 23, 10),
            False,
        ),
        # After the DST change 10:00 Amsterdam is 08:00 UTC.
        (walk, f"{YEAR}0406T080000Z", "Wandelgroep", utc(4, 6, 8), False),
        # The duplicate UID is stored once; the private entry not at all.
        ("opendag@demeeuw.example.org", f"{YEAR}0409T220000Z", "Open dag", utc(4, 9, 22), True),
    ]
    feed.refresh_from_db()
    assert (feed.last_error, feed.event_count, feed.last_success_at is not None) == ("", 6, True)


def test_google_feed_with_x_wr_timezone_keeps_local_time_across_dst(calendar_server):
    calendar_server.routes["/google.ics"] = Route(fixture("google.ics"))
    feed = feed_for(calendar_server.url("/google.ics"))

    import_partner_feed(feed=feed)

    starts = [row[3] for row in stored(feed)]
    # 10:00 Amsterdam every week: 09:00 UTC in winter, 08:00 UTC from 28/29 March.
    assert [s.astimezone(dt.timezone(dt.timedelta(hours=0))).hour for s in starts] == [
        9,
        9,
        9,
        9,
        8,
        8,
        8,
        8,
    ]


def test_outlook_feed_with_windows_time_zone_names(calendar_server):
    calendar_server.routes["/outlook.ics"] = Route(fixture("outlook.ics"))
    feed = feed_for(calendar_server.url("/outlook.ics"))

    import_partner_feed(feed=feed)

    assert [(row[2], row[3]) for row in stored(feed)] == [
        ("Koffieochtend", utc(1, 12, 9)),
        ("Mantelzorgcafé", utc(7, 6, 12)),
    ]


def test_broken_feed_keeps_last_good_events_and_says_why(calendar_server):
    calendar_server.routes["/meeuw.ics"] = Route(fixture("recurring.ics"))
    feed = feed_for(calendar_server.url("/meeuw.ics"))
    import_partner_feed(feed=feed)
    calendar_server.routes["/meeuw.ics"] = Route(fixture("broken.ics"))

    outcome = import_partner_feed(feed=feed)

    feed.refresh_from_db()
    assert (outcome.ok, feed.last_error) == (
        False,
        "Het agendabestand is beschadigd en kan niet worden gelezen.",
    )
    assert (len(stored(feed)), feed.last_attempt_at > feed.last_success_at) == (6, True)


def test_huge_feed_is_refused(calendar_server, settings):
    settings.FEEDS_IMPORT_MAX_BYTES = 64 * 1024
    event = fixture("outlook.ics").split(b"BEGIN:VEVENT", 1)[1].split(b"END:VEVENT")[0]
    huge = b"BEGIN:VCALENDAR\r\n" + (b"BEGIN:VEVENT" + event + b"END:VEVENT\r\n") * 400
    calendar_server.routes["/huge.ics"] = Route(huge + b"END:VCALENDAR\r\n")
    feed = feed_for(calendar_server.url("/huge.ics"))

    outcome = import_partner_feed(feed=feed)

    assert (outcome.ok, outcome.error) == (False, "De agenda is groter dan de limiet van 64 kB.")


def test_huge_feed_without_declared_length_is_cut_off(calendar_server, settings):
    settings.FEEDS_IMPORT_MAX_BYTES = 64 * 1024
    body = b"BEGIN:VCALENDAR\r\n" + b"X-FILLER:" + b"x" * 200_000 + b"\r\nEND:VCALENDAR\r\n"
    calendar_server.routes["/stream.ics"] = Route(body, declare_length=False)
    feed = feed_for(calendar_server.url("/stream.ics"))

    assert import_partner_feed(feed=feed).error == "De agenda is groter dan de limiet van 64 kB."


def test_gzip_feed_is_read_and_a_gzip_bomb_refused(calendar_server, settings):
    settings.FEEDS_IMPORT_MAX_BYTES = 256 * 1024
    calendar_server.routes["/small.ics"] = Route(
        gzip.compress(fixture("outlook.ics")), headers={"Content-Encoding": "gzip"}
    )
    calendar_server.routes["/bomb.ics"] = Route(
        gzip.compress(b"BEGIN:VCALENDAR\r\n" + b" " * 50_000_000),
        headers={"Content-Encoding": "gzip"},
    )
    small = feed_for(calendar_server.url("/small.ics"))
    bomb = feed_for(calendar_server.url("/bomb.ics"))

    assert import_partner_feed(feed=small).event_count == 2
    assert import_partner_feed(feed=bomb).error == "De agenda is groter dan de limiet van 256 kB."


def test_deeply_nested_feed_is_refused(calendar_server):
    nested = b"BEGIN:VCALENDAR\r\n" + b"BEGIN:X-A\r\n" * 50 + b"END:X-A\r\n" * 50
    calendar_server.routes["/nested.ics"] = Route(nested + b"END:VCALENDAR\r\n")
    feed = feed_for(calendar_server.url("/nested.ics"))

    assert import_partner_feed(feed=feed).error == "Het agendabestand is te diep genest."


def test_redirect_loop_is_refused(calendar_server):
    calendar_server.routes["/a.ics"] = Route(status=302, headers={"Location": "/b.ics"})
    calendar_server.routes["/b.ics"] = Route(status=302, headers={"Location": "/a.ics"})
    feed = feed_for(calendar_server.url("/a.ics"))

    outcome = import_partner_feed(feed=feed)

    assert (outcome.error, len(calendar_server.requests)) == (
        "De link verwijst in een kringetje door.",
        2,
    )


def test_redirects_followed_up_to_the_limit(calendar_server, settings):
    settings.FEEDS_IMPORT_MAX_REDIRECTS = 2
    for hop in range(3):
        calendar_server.routes[f"/{hop}.ics"] = Route(
            status=301, headers={"Location": f"/{hop + 1}.ics"}
        )
    calendar_server.routes["/3.ics"] = Route(fixture("outlook.ics"))
    too_far = feed_for(calendar_server.url("/0.ics"))
    close_enough = feed_for(calendar_server.url("/1.ics"))

    assert import_partner_feed(feed=too_far).error == "De link verwijst meer dan 2 keer door."
    assert import_partner_feed(feed=close_enough).event_count == 2


def test_wrong_content_type_is_refused(calendar_server):
    calendar_server.routes["/agenda"] = Route(
        b"<html><body>Onze agenda</body></html>", content_type="text/html; charset=utf-8"
    )
    feed = feed_for(calendar_server.url("/agenda"))

    assert import_partner_feed(feed=feed).error == (
        "De link geeft text/html, geen agendabestand (.ics). Gebruik de iCal/ICS-link van "
        "de agenda, niet de webpagina."
    )


def test_vanished_feed_reports_gone(calendar_server):
    feed = feed_for(calendar_server.url("/weg.ics"))

    assert (
        import_partner_feed(feed=feed).error == "De agenda staat niet meer op deze link (HTTP 404)."
    )


def test_private_address_refused_without_setting(calendar_server, settings):
    settings.FEEDS_IMPORT_ALLOW_PRIVATE = False
    calendar_server.routes["/meeuw.ics"] = Route(fixture("recurring.ics"))
    feed = feed_for(calendar_server.url("/meeuw.ics"))

    outcome = import_partner_feed(feed=feed)

    assert outcome.error == (
        "127.0.0.1 verwijst naar een privé- of lokaal netwerkadres; alleen openbare "
        "internetadressen kunnen worden opgehaald."
    )
    assert calendar_server.requests == []


def test_unchanged_feed_answers_304_and_keeps_events(calendar_server):
    calendar_server.routes["/meeuw.ics"] = Route(fixture("recurring.ics"), headers={"ETag": '"v1"'})
    feed = feed_for(calendar_server.url("/meeuw.ics"))
    import_partner_feed(feed=feed)

    outcome = import_partner_feed(feed=feed)

    assert (outcome.ok, outcome.not_modified, len(stored(feed))) == (True, True, 6)
    assert calendar_server.requests[-1]["If-None-Match"] == '"v1"'


def test_bad_feed_never_breaks_the_others(calendar_server):
    calendar_server.routes["/good.ics"] = Route(fixture("outlook.ics"))
    calendar_server.routes["/bad.ics"] = Route(b"not a calendar", content_type="text/plain")
    good = feed_for(calendar_server.url("/good.ics"))
    bad = feed_for(calendar_server.url("/bad.ics"))

    outcomes = import_enabled_feeds()

    assert {pk: (o.ok, o.event_count) for pk, o in outcomes.items()} == {
        good.pk: (True, 2),
        bad.pk: (False, 0),
    }


def test_import_command_for_one_partner(calendar_server, capsys):
    calendar_server.routes["/outlook.ics"] = Route(fixture("outlook.ics"))
    feed = feed_for(calendar_server.url("/outlook.ics"), slug="mantelzorgsteunpunt")
    feed_for(calendar_server.url("/other.ics"))

    call_command("import_partner_feeds", "--partner", "mantelzorgsteunpunt")

    assert capsys.readouterr().out == "mantelzorgsteunpunt: 2 events\n1 feeds, 0 failed.\n"
    assert [len(calendar_server.requests), feed.events.count()] == [1, 2]


def test_import_command_unknown_partner_fails():
    with pytest.raises(CommandError, match="No partner with slug 'nobody'"):
        call_command("import_partner_feeds", "--partner", "nobody")


def test_import_command_exits_non_zero_when_a_feed_fails(calendar_server):
    feed_for(calendar_server.url("/missing.ics"))

    with pytest.raises(CommandError, match="1 of 1 feeds failed"):
        call_command("import_partner_feeds")


def test_task_imports_all_feeds(calendar_server):
    from feeds.tasks import import_all_partner_feeds

    calendar_server.routes["/outlook.ics"] = Route(fixture("outlook.ics"))
    feed_for(calendar_server.url("/outlook.ics"))

    result = import_all_partner_feeds.enqueue()

    assert result.return_value == {"feeds": 1, "failed": 0}


def test_unreadable_dates_and_flooding_rules_are_skipped(calendar_server):
    calendar_server.routes["/rommelig.ics"] = Route(fixture("invalid-dates.ics"))
    feed = feed_for(calendar_server.url("/rommelig.ics"))

    outcome = import_partner_feed(feed=feed)

    assert (outcome.ok, [row[2] for row in stored(feed)]) == (True, ["Buurtlunch"])


def test_feed_with_only_unreadable_events_is_an_error(calendar_server):
    body = fixture("invalid-dates.ics").split(b"BEGIN:VEVENT\nUID:goed")[0] + b"END:VCALENDAR\n"
    calendar_server.routes["/kapot.ics"] = Route(body)
    feed = feed_for(calendar_server.url("/kapot.ics"))

    assert import_partner_feed(feed=feed).error == (
        "Geen enkele activiteit in de agenda is te lezen."
    )


def test_outlook_feed_with_windows_zone_names_and_no_vtimezone(calendar_server):
    calendar_server.routes["/exchange.ics"] = Route(fixture("outlook-no-vtimezone.ics"))
    feed = feed_for(calendar_server.url("/exchange.ics"))

    import_partner_feed(feed=feed)

    assert [(row[2], row[3]) for row in stored(feed)] == [
        ("Taalcafé", utc(1, 12, 18)),
        ("Spreekuur schuldhulp", utc(7, 6, 12)),
    ]
