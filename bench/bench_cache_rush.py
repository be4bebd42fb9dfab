"""Benchmark the public page cache during a registration rush (plain script, in process).

200 people register for one kenniscafé with 20 seats (20 confirmed, 180 on the waiting
list) while calendar apps keep fetching the public feeds and visitors the agenda: after every
registration, each of the public feeds and the agenda is requested once (anonymous, brotli
accepted). Counted: the share of feed requests answered from the cache. Run twice in the
same process: with the cache as it is (tags: a registration touches only what shows seats),
and as it was before issue 15 (every registration made every cached page stale).
Goal: ≥ 95 % of anonymous feed requests are hits.

The whole-stack load test (locust, gunicorn, PostgreSQL, Redis) is `make load`; this is the
same rush without the network, in one process, with Django's local-memory cache.
"""

import datetime as dt
import logging
import os
import time

from _common import start_django

start_django(
    "bench-rush-",
    REDIS_URL=None,
    LOG_LEVEL=os.environ.get("LOG_LEVEL", "ERROR"),
    PUBLIC_CACHE_SECONDS="300",
)

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models.signals import post_save  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from activities import services  # noqa: E402
from activities.models import Activity, Registration  # noqa: E402
from core.models import Workspace  # noqa: E402
from core.vocab import Domain, Profession  # noqa: E402
from network.models import Neighbourhood, Partner, Theme  # noqa: E402
from ops import cache as page_cache  # noqa: E402
from sessions.models import KnowledgeSession  # noqa: E402
from tours.models import Stop, Tour  # noqa: E402

PEOPLE = 200
SEATS = 20
ACTIVITIES = 30


def seed() -> KnowledgeSession:
    workspace = Workspace.objects.create(name="Bench", slug="bench")
    hood = Neighbourhood.objects.create(
        workspace=workspace, name="Oost", slug="oost", municipality="Amsterdam",
        latitude=52.36, longitude=4.94,
    )  # fmt: skip
    theme = Theme.objects.create(name="Eenzaamheid", slug="eenzaamheid")
    partner = Partner.objects.create(
        workspace=workspace, name="Buurthuis", slug="buurthuis", domain=Domain.WELFARE,
        address="Javaplein 1", postcode="1094 HW", city="Amsterdam", latitude=52.36,
        longitude=4.94,
    )  # fmt: skip
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=7)
    for index in range(ACTIVITIES):
        starts_at = start + dt.timedelta(hours=5 * index)
        tour = Tour.objects.create(
            workspace=workspace, neighbourhood=hood, title=f"Wijktour {index}",
            starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=3),
            status=Activity.Status.PUBLISHED, capacity=15,
        )  # fmt: skip
        tour.themes.add(theme)
        Stop.objects.create(
            tour=tour, partner=partner, position=1,
            arrives_at=starts_at + dt.timedelta(minutes=30),
            departs_at=starts_at + dt.timedelta(minutes=60),
        )  # fmt: skip
    session = KnowledgeSession.objects.create(
        workspace=workspace, neighbourhood=hood, title="Kenniscafé dementie",
        starts_at=start, ends_at=start + dt.timedelta(hours=2), venue_partner=partner,
        status=Activity.Status.PUBLISHED, capacity=SEATS, waitlist_enabled=True,
    )  # fmt: skip
    session.themes.add(theme)
    return session


def rush(session: KnowledgeSession, *, offset: int) -> tuple[dict[str, list[str]], float]:
    feeds = [
        "/feeds/activities.ics",
        "/feeds/neighbourhoods/oost.ics",
        "/feeds/themes/eenzaamheid.ics",
        "/feeds/partners/buurthuis.ics",
        f"/feeds/activities/{session.pk}.ics",
    ]
    states: dict[str, list[str]] = {"feeds": [], "agenda": []}
    began = time.perf_counter()
    for person in range(PEOPLE):
        services.register(
            activity_id=session.pk,
            registrant=services.Registrant(
                name=f"Deelnemer {person}",
                email=f"p{offset + person}@praktijk.example.org",
                organisation="Praktijk",
                profession=Profession.GP,
                phone="",
                bike_need="",
                notes="",
                language="nl",
            ),
        )
        for url in feeds:
            response = Client().get(url, headers={"Accept-Encoding": "br, gzip"})
            states["feeds"].append(response["X-Cache"])
        states["agenda"].append(Client().get("/")["X-Cache"])
    return states, time.perf_counter() - began


def everything_stale(sender, **kwargs) -> None:
    """The cache before issue 15: any saved registration replaced the one generation."""
    page_cache.invalidate((page_cache.EVERYTHING,))


def main() -> None:
    logging.disable(logging.INFO)  # a mail task per registration
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    session = seed()
    results = {}
    for label, offset in (("tags (now)", 0), ("one generation (before)", PEOPLE)):
        Registration.objects.all().delete()
        cache.clear()
        if offset:
            post_save.connect(everything_stale, sender=Registration, dispatch_uid="bench-old")
        try:
            results[label] = rush(session, offset=offset)
        finally:
            post_save.disconnect(dispatch_uid="bench-old", sender=Registration)
        seated = Registration.objects.filter(status=Registration.Status.CONFIRMED).count()
        assert seated == SEATS, seated
    print(f"{PEOPLE} registrations for {SEATS} seats; after each, 5 feeds and the agenda")
    for label, (states, seconds) in results.items():
        feed_hits = states["feeds"].count("hit") / len(states["feeds"])
        agenda_hits = states["agenda"].count("hit") / len(states["agenda"])
        verdict = "met" if feed_hits >= 0.95 else "NOT met"
        print(
            f"{label:24} feed hits {feed_hits:6.1%} (goal ≥ 95 %: {verdict})   agenda hits "
            f"{agenda_hits:6.1%}   wall {seconds:5.1f} s"
        )


if __name__ == "__main__":
    main()
