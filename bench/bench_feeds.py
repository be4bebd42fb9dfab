"""Benchmark the calendar feeds (plain script; `make bench` runs it).

1. /feeds/activities.ics with 1,000 activities through the whole view (queries, building,
   serialising, HTTP) against serialising the same events with the icalendar library alone,
   measured in the same run. Goal: at most 2x.
2. The same view with the feed written by icalendar (feeds.ical.serialise_calendar, what the
   view used before feeds/writer.py) against the view as it is. Issue 15 measured the old view
   at 1.05-1.09x pretix's organiser feed; the goal of at most 0.5x pretix means at most ~0.46x
   the old view. bench/bench_pretix.py measures pretix itself when it is installed.
3. A conditional request (If-None-Match) that answers 304 against the full response.
   Goal: under a tenth of the full response's time.
4. Bytes on the wire: the body raw, gzip and brotli (as ops.compression sends it).
   Goal: at most 120 kB for 1,000 activities.

Times are the best of seven rounds, run in turn. Uses a throwaway SQLite database in a
temporary directory, migrated by the script.
"""

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="bench-feeds-")
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from icalendar import Calendar, Event  # noqa: E402

from activities.models import Activity  # noqa: E402
from core.models import Workspace  # noqa: E402
from core.vocab import Domain  # noqa: E402
from feeds import selectors, writer  # noqa: E402
from feeds.ical import AMSTERDAM, amsterdam_vtimezone, serialise_calendar  # noqa: E402
from feeds.publishing import activity_event  # noqa: E402
from network.models import Neighbourhood, Partner, Theme  # noqa: E402
from sessions.models import KnowledgeSession  # noqa: E402
from tours.models import Stop, Tour  # noqa: E402

ACTIVITIES = 1000
ROUNDS = 7


def seed() -> None:
    workspace = Workspace.objects.create(name="Bench", slug="bench")
    neighbourhood = Neighbourhood.objects.create(
        workspace=workspace,
        name="Indische Buurt",
        slug="indische-buurt",
        municipality="Amsterdam",
        latitude=52.36,
        longitude=4.94,
    )
    themes = [Theme.objects.create(name=f"Thema {i}", slug=f"thema-{i}") for i in range(5)]
    partners = [
        Partner.objects.create(
            workspace=workspace,
            name=f"Partner {i}",
            slug=f"partner-{i}",
            domain=Domain.WELFARE,
            address=f"Javaplein {i}",
            postcode="1094 HW",
            city="Amsterdam",
            latitude=52.36 + i * 0.001,
            longitude=4.94,
        )
        for i in range(8)
    ]
    start = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    for index in range(ACTIVITIES):
        starts_at = start + dt.timedelta(days=index // 3, hours=index % 3)
        common = {
            "workspace": workspace,
            "neighbourhood": neighbourhood,
            "title": f"Activiteit {index}",
            "description": "Een middag in de wijk.",
            "starts_at": starts_at,
            "ends_at": starts_at + dt.timedelta(hours=3),
            "venue_name": "Buurtcentrum",
            "venue_address": "Javaplein 1, Amsterdam",
            "latitude": 52.3625,
            "longitude": 4.939,
            "status": Activity.Status.PUBLISHED,
        }
        if index % 2:
            activity = KnowledgeSession.objects.create(**common, programme="Lezing en gesprek")
        else:
            activity = Tour.objects.create(**common)
            Stop.objects.bulk_create(
                Stop(
                    tour=activity,
                    partner=partners[(index + n) % 8],
                    position=n + 1,
                    arrives_at=starts_at + dt.timedelta(minutes=30 * n + 15),
                    departs_at=starts_at + dt.timedelta(minutes=30 * n + 40),
                )
                for n in range(5)
            )
        activity.themes.set(themes[index % 5 : index % 5 + 2])


def interleaved(**functions) -> dict[str, float]:
    """Best time of each function over the rounds, run in turn so that load from other
    processes on the machine falls on all of them alike."""
    samples: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(ROUNDS):
        for name, function in functions.items():
            began = time.perf_counter()
            function()
            samples[name].append(time.perf_counter() - began)
    return {name: min(values) for name, values in samples.items()}


def icalendar_alone(events) -> bytes:
    """The baseline: the same VEVENTs written straight with icalendar, nothing else."""
    calendar = Calendar()
    calendar.add("prodid", "-//bench//NL")
    calendar.add("version", "2.0")
    calendar.add_component(amsterdam_vtimezone())
    for e in events:
        vevent = Event()
        vevent.add("uid", e.uid)
        vevent.add("dtstamp", e.last_modified)
        vevent.add("created", e.created)
        vevent.add("last-modified", e.last_modified)
        vevent.add("sequence", e.sequence)
        vevent.add("summary", e.summary)
        vevent.add("dtstart", e.starts_at.astimezone(AMSTERDAM))
        vevent.add("dtend", e.ends_at.astimezone(AMSTERDAM))
        vevent.add("status", "CONFIRMED")
        vevent.add("transp", "OPAQUE")
        vevent.add("location", e.location)
        vevent.add("geo", (e.latitude, e.longitude))
        vevent.add("url", e.url)
        vevent.add("description", e.description)
        vevent.add("categories", list(e.categories))
        calendar.add_component(vevent)
    return calendar.to_ical()


def with_icalendar_writer(request):
    """The view as it was: the same queries and events, the feed written by icalendar."""
    fast = writer.write_calendar
    writer.write_calendar = serialise_calendar
    try:
        return request()
    finally:
        writer.write_calendar = fast


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    seed()
    print(f"seeded {ACTIVITIES} activities in {time.perf_counter() - began:.1f} s ({WORKDIR})")

    client = Client()
    url = "/feeds/activities.ics"
    first = client.get(url)
    assert first.status_code == 200, first.status_code
    assert first.content.count(b"BEGIN:VEVENT") == ACTIVITIES
    events = [
        activity_event(row, language="nl")
        for row in selectors.feed_rows(selectors.feed_activities())
    ]
    baseline_size = len(icalendar_alone(events))

    etag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    old = with_icalendar_writer(lambda: client.get(url))
    assert old.content == first.content, "feeds/writer.py and icalendar disagree"
    best = interleaved(
        view=lambda: client.get(url),
        old=lambda: with_icalendar_writer(lambda: client.get(url)),
        alone=lambda: icalendar_alone(events),
        conditional=lambda: client.get(url, HTTP_IF_NONE_MATCH=etag),
    )
    view, old, alone, conditional = best["view"], best["old"], best["alone"], best["conditional"]
    sizes = {
        encoding: len(client.get(url, HTTP_ACCEPT_ENCODING=encoding).content)
        for encoding in ("identity", "gzip", "br")
    }

    print(
        f"feed body {len(first.content) / 1024:.0f} kB "
        f"(baseline body {baseline_size / 1024:.0f} kB)"
    )
    print(f"view, {ACTIVITIES} activities:      {view * 1000:8.1f} ms")
    print(f"icalendar alone, same events: {alone * 1000:8.1f} ms")
    print(f"ratio view / icalendar alone: {view / alone:8.2f}x  (goal <= 2x)")
    print(f"view writing with icalendar:  {old * 1000:8.1f} ms  (the view before issue 15)")
    print(
        f"ratio view / old view:        {view / old:8.2f}x  (goal <= 0.46x, i.e. <= 0.5x pretix;"
        f" ~{view / old * 1.07:.2f}x pretix at the issue's 1.05-1.09x)"
    )
    print(f"304 conditional request:      {conditional * 1000:8.1f} ms")
    print(f"ratio 304 / full response:    {conditional / view:8.3f}   (goal < 0.1)")
    print(
        "bytes on the wire: "
        + ", ".join(f"{name} {size / 1024:.0f} kB" for name, size in sizes.items())
        + f"  (goal <= 120 kB: {'met' if min(sizes.values()) <= 120 * 1024 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
