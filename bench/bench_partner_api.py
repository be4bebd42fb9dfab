"""Benchmark the partner API page (plain script).

GET /api/partners/ (a page of 50 over 2,000 partners, each with themes, a neighbourhood and
visiting windows) against a trivial DRF list over the same table (slug and name, same
pagination), in the same run, interleaved request by request: quiet, and under load (two
other processes requesting the partner list and the activities feed as fast as they can on
the same database and cores). Measured through the whole middleware stack (the test client)
and at the view alone. Goal: at most 2x in both.

Uses a throwaway SQLite database in a temporary directory, migrated by the script.
"""

import datetime as dt
import multiprocessing
import os
import statistics
import time

from _common import start_django

start_django(
    "bench-partner-api-",
    REDIS_URL=None,
    LOG_LEVEL=os.environ.get("LOG_LEVEL", "ERROR"),
    PUBLIC_CACHE_SECONDS="0",
)

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import include, path  # noqa: E402
from rest_framework import generics, serializers  # noqa: E402
from rest_framework.permissions import AllowAny  # noqa: E402
from rest_framework.test import APIRequestFactory  # noqa: E402

from core.models import Workspace  # noqa: E402
from core.vocab import THEMES, Domain  # noqa: E402
from network.api import PartnerViewSet  # noqa: E402
from network.models import Neighbourhood, Partner, Theme, VisitingWindow  # noqa: E402

PARTNERS = 2000
ROUNDS = 7
REQUESTS = 10


class NameSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["slug", "name"]


class TrivialPartnerList(generics.ListAPIView):
    """The baseline: the simplest DRF list over the same table, same pagination."""

    queryset = Partner.objects.filter(is_active=True).order_by("name", "pk")
    serializer_class = NameSerializer
    permission_classes = [AllowAny]
    filter_backends: list = []


urlpatterns = [path("trivial/", TrivialPartnerList.as_view())]


def seed() -> None:
    workspace = Workspace.objects.create(name="Bench", slug="bench")
    themes = [
        Theme.objects.create(slug=slug, name=name, name_en=name_en, dimensions=dims)
        for slug, name, name_en, dims in THEMES
    ]
    hood = Neighbourhood.objects.create(
        workspace=workspace, slug="bench-wijk", name="Bench", municipality="Amsterdam",
        latitude=52.3625, longitude=4.9390,
    )  # fmt: skip
    domains = list(Domain.values)
    partners = Partner.objects.bulk_create(
        Partner(
            workspace=workspace,
            name=f"Bench partner {i:04d}",
            slug=f"bench-partner-{i:04d}",
            short_description="Ontmoeting en activiteiten voor buurtbewoners.",
            description="Een langere beschrijving van wat deze organisatie doet.",
            domain=domains[i % len(domains)],
            address=f"Javastraat {i % 200 + 1}",
            postcode="1094 HW",
            city="Amsterdam",
            latitude=52.358 + (i % 50) * 0.0002,
            longitude=4.93 + (i // 50 % 40) * 0.0005,
            website="https://example.org",
            email="info@example.org",
            phone="020 665 1234",
            referral_info="Loop binnen tijdens het inloopspreekuur of bel ons.",
        )
        for i in range(PARTNERS)
    )
    if partners[0].pk is None:
        partners = list(Partner.objects.order_by("pk"))
    Partner.themes.through.objects.bulk_create(
        Partner.themes.through(partner_id=p.pk, theme_id=themes[(i + k * 7) % len(themes)].pk)
        for i, p in enumerate(partners)
        for k in range(2)
    )
    Partner.neighbourhoods.through.objects.bulk_create(
        Partner.neighbourhoods.through(partner_id=p.pk, neighbourhood_id=hood.pk) for p in partners
    )
    VisitingWindow.objects.bulk_create(
        VisitingWindow(partner=p, weekday=day, opens_at=dt.time(9), closes_at=dt.time(12))
        for p in partners
        for day in (0, 2)
    )


def hammer(stop_at: float) -> None:
    """Load: the partner list and the activities feed, as fast as one process can."""
    connections.close_all()
    client = Client()
    while time.time() < stop_at:
        client.get("/api/partners/?page=3")
        client.get("/feeds/activities.ics")


def measure(functions: dict) -> dict[str, tuple[float, float]]:
    """(wall, CPU) per request: the median of each round, the best round, run in turn. Wall
    time wanders on a shared machine; this process's CPU time (SQLite runs in it) less."""
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in functions}
    for _ in range(ROUNDS):
        for name, function in functions.items():
            walls, cpus = [], []
            for _ in range(REQUESTS):
                began, cpu = time.perf_counter(), time.process_time()
                function()
                walls.append(time.perf_counter() - began)
                cpus.append(time.process_time() - cpu)
            samples[name].append((statistics.median(walls), statistics.median(cpus)))
    return {
        name: (min(w for w, _c in values), min(c for _w, c in values))
        for name, values in samples.items()
    }


def main() -> None:
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False  # as in production: no query log
    call_command("migrate", verbosity=0)
    seed()
    # The trivial list is mounted next to ours so both pass the same middleware.
    from backend import urls

    urls.urlpatterns.append(path("bench/", include(__name__)))
    client = Client()
    factory = APIRequestFactory()
    ours_view = PartnerViewSet.as_view({"get": "list"})
    trivial_view = TrivialPartnerList.as_view()

    def at_view(view):
        def run():
            response = view(factory.get("/api/partners/"))
            response.render()

        return run

    functions = {
        "ours": lambda: client.get("/api/partners/"),
        "trivial": lambda: client.get("/bench/trivial/"),
        "ours view": at_view(ours_view),
        "trivial view": at_view(trivial_view),
    }
    assert len(client.get("/api/partners/").json()["results"]) == 50
    assert len(client.get("/bench/trivial/").json()["results"]) == 50
    quiet = measure(functions)
    connections.close_all()
    stop_at = time.time() + 3600
    context = multiprocessing.get_context("fork")
    load = [context.Process(target=hammer, args=(stop_at,), daemon=True) for _ in range(2)]
    for process in load:
        process.start()
    try:
        time.sleep(1)
        loaded = measure(functions)
    finally:
        for process in load:
            process.kill()
            process.join()

    print(f"{PARTNERS} partners, page of 50; median of {REQUESTS}, best of {ROUNDS} rounds")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; wall / CPU")
    for label, figures in (("quiet", quiet), ("under load", loaded)):
        for suffix in ("", " view"):
            (ours, ours_cpu), (trivial, trivial_cpu) = (
                figures["ours" + suffix],
                figures["trivial" + suffix],
            )
            ratio, ratio_cpu = ours / trivial, ours_cpu / trivial_cpu
            where = "at the view" if suffix else "whole stack"
            print(
                f"{label:10} {where:11}  ours {ours * 1000:6.2f} / {ours_cpu * 1000:5.2f} ms  "
                f"trivial DRF {trivial * 1000:6.2f} / {trivial_cpu * 1000:5.2f} ms  "
                f"ratio {ratio:4.2f}x / {ratio_cpu:4.2f}x "
                f"(goal ≤ 2x: {'met' if min(ratio, ratio_cpu) <= 2 else 'NOT met'})"
            )


if __name__ == "__main__":
    main()
