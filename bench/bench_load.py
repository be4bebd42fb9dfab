"""Benchmark the public page cache (plain script; `make bench` runs it).

The agenda page and /feeds/activities.ics with 200 upcoming activities, rendered by the views
(PUBLIC_CACHE_SECONDS=0) against served from the cache (a hit), and a calendar app's
conditional request answered 304 by the feed view (one aggregate query) against answered from
the cache. Goals: a hit at most a tenth of the rendered page; a 304 from the cache no slower
than the view's 304 — its gain is that it asks the database nothing, and the database is the
part all app machines share. The cache is Django's local
memory cache here; production's Redis adds one network round trip per lookup (two per hit).
The load test on the whole stack is `make load` (docs/capacity.md).

Times are the best of seven rounds of 20 requests each. Uses a throwaway SQLite database in a
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
WORKDIR = tempfile.mkdtemp(prefix="bench-load-")
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR}/bench.sqlite3"
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from activities.models import Activity  # noqa: E402
from core.models import Workspace  # noqa: E402
from network.models import Neighbourhood  # noqa: E402
from sessions.models import KnowledgeSession  # noqa: E402

ACTIVITIES = 200
ROUNDS = 7
REQUESTS = 20


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
    start = timezone.now() + dt.timedelta(days=3)
    for index in range(ACTIVITIES):
        starts_at = start + dt.timedelta(hours=index * 5)
        KnowledgeSession.objects.create(
            workspace=workspace,
            title=f"Kenniscafé {index}",
            neighbourhood=neighbourhood,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=2),
            venue_name="Buurthuis",
            venue_address="Javaplein 21, Amsterdam",
            latitude=52.3631,
            longitude=4.943,
            capacity=30,
            status=Activity.Status.PUBLISHED,
        )


def best(request) -> float:
    rounds = []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        for _ in range(REQUESTS):
            response = request()
            assert response.status_code in (200, 304), response.status_code
        rounds.append((time.perf_counter() - began) / REQUESTS)
    return min(rounds)


def measure(path: str, *, cached: bool, etag: str = "") -> float:
    settings.PUBLIC_CACHE_SECONDS = 300 if cached else 0
    headers = {"If-None-Match": etag} if etag else {}
    client = Client()
    client.get(path, headers=headers)  # fill the cache (or warm the view)
    return best(lambda: client.get(path, headers=headers))


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    seed()
    etag = Client().get("/feeds/activities.ics")["ETag"]
    feed = "/feeds/activities.ics"
    rows = [
        ("agenda /", measure("/", cached=False), measure("/", cached=True), 0.1),
        ("feed 200", measure(feed, cached=False), measure(feed, cached=True), 0.1),
        (
            "feed 304",
            measure(feed, cached=False, etag=etag),
            measure(feed, cached=True, etag=etag),
            1.0,
        ),
    ]
    print(f"{ACTIVITIES} upcoming activities; best of {ROUNDS} rounds of {REQUESTS} requests")
    for name, rendered, hit, goal in rows:
        ratio = hit / rendered
        print(
            f"{name:10} view {rendered * 1000:7.2f} ms   cache hit {hit * 1000:6.2f} ms   "
            f"ratio {ratio:.3f} (goal ≤ {goal}: {'met' if ratio <= goal else 'NOT met'})"
            f"   {1 / hit:,.0f} hits/s on one core"
        )


if __name__ == "__main__":
    main()
