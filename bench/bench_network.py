"""Benchmarks of the partner network (sociale kaart). Plain script: `make bench` runs it.

Uses its own throwaway SQLite database (never the dev db.sqlite3), migrated from scratch:

- CSV import of 2,000 partner rows (goal < 10 s), then re-import of the same file (updates);
- partner list API at 2,000 partners, against a trivial DRF list endpoint over the same table
  (slug and name only, same pagination) measured in the same run (goal: ratio <= 3x);
- sociale kaart page render at 500 partners in one neighbourhood (goal < 0.5 s).
"""

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="wijktour-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
os.environ.setdefault("LOG_LEVEL", "ERROR")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from rest_framework import generics, serializers  # noqa: E402
from rest_framework.permissions import AllowAny  # noqa: E402
from rest_framework.test import APIRequestFactory  # noqa: E402

from core.models import Workspace  # noqa: E402
from core.vocab import THEMES, Domain  # noqa: E402
from network.api import PartnerViewSet  # noqa: E402
from network.models import Neighbourhood, Partner, Theme  # noqa: E402
from network.services import CSV_COLUMNS, import_partners_csv  # noqa: E402

PARTNERS = 2000
ON_MAP = 500


class NameSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["slug", "name"]


class TrivialPartnerList(generics.ListAPIView):
    """The baseline: the simplest DRF list over the same table, same pagination."""

    queryset = Partner.objects.order_by("name", "pk")
    serializer_class = NameSerializer
    permission_classes = [AllowAny]
    filter_backends: list = []


def timed(fn, *, repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds. On a shared, loaded machine wall time wanders;
    the CPU time of this process (SQLite runs in it) is the steadier figure."""
    fn()  # warm-up
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return median(walls), median(cpus)


def build_csv() -> str:
    import csv
    import io

    domains = list(Domain.values)
    theme_slugs = [t[0] for t in THEMES]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for i in range(PARTNERS):
        writer.writerow(
            {
                "name": f"Bench partner {i:04d}",
                "slug": f"bench-partner-{i:04d}",
                "short_description": "Ontmoeting en activiteiten voor buurtbewoners.",
                "description": "Een langere beschrijving van wat deze organisatie doet.",
                "domain": domains[i % len(domains)],
                "address": f"Javastraat {i % 200 + 1}",
                "postcode": "1094 HW",
                "city": "Amsterdam",
                "latitude": f"{52.3580 + (i % 50) * 0.0002:.6f}",
                "longitude": f"{4.9300 + (i // 50 % 40) * 0.0005:.6f}",
                "website": "https://example.org",
                "email": "info@example.org",
                "phone": "020 665 1234",
                "referral_info": "Loop binnen tijdens het inloopspreekuur of bel ons.",
                "target_groups": "Alle bewoners",
                "max_group_size": "15",
                "accessibility": "Rolstoeltoegankelijk",
                "is_active": "yes",
                "themes": ";".join({theme_slugs[i % 18], theme_slugs[(i * 7) % 18]}),
                "neighbourhoods": "bench-wijk" if i < ON_MAP else "bench-elders",
                "visiting_hours": "mon 09:00-12:00; wed 13:00-16:00",
            }
        )
    return out.getvalue()


def main() -> None:
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    workspace = Workspace.objects.create(name="Bench", slug="bench")
    for slug, name, name_en, dims in THEMES:
        Theme.objects.create(slug=slug, name=name, name_en=name_en, dimensions=dims)
    for slug in ("bench-wijk", "bench-elders"):
        Neighbourhood.objects.create(
            workspace=workspace, slug=slug, name=slug, municipality="Amsterdam",
            latitude=52.3625, longitude=4.9390,
        )  # fmt: skip
    text = build_csv()

    start, cpu = time.perf_counter(), time.process_time()
    result = import_partners_csv(workspace=workspace, file=text)
    import_seconds = time.perf_counter() - start
    import_cpu = time.process_time() - cpu
    assert result.created == PARTNERS, result
    start, cpu = time.perf_counter(), time.process_time()
    result = import_partners_csv(workspace=workspace, file=text)
    reimport_seconds = time.perf_counter() - start
    reimport_cpu = time.process_time() - cpu
    assert result.updated == PARTNERS, result

    factory = APIRequestFactory()
    partner_list = PartnerViewSet.as_view({"get": "list"})
    trivial_list = TrivialPartnerList.as_view()

    def call(view, query: str = ""):
        def run():
            response = view(factory.get("/api/partners/" + query))
            response.render()
            assert response.status_code == 200

        return run

    rows = []
    for label, query in (("page of 50", ""), ("page of 500", "?page_size=500")):
        ours = timed(call(partner_list, query), repeat=15)
        baseline = timed(call(trivial_list, query), repeat=15)
        rows.append((label, ours, baseline))
    filtered = timed(call(partner_list, "?neighbourhood=bench-wijk&theme=taal"), repeat=15)

    client = Client()
    page = timed(lambda: client.get("/neighbourhoods/bench-wijk/"), repeat=5)
    filtered_page = timed(lambda: client.get("/neighbourhoods/bench-wijk/?theme=taal"), repeat=5)
    markers = client.get("/neighbourhoods/bench-wijk/").text.count("marker-pin")
    assert markers == ON_MAP, markers

    print("Partner network benchmarks (SQLite, throwaway database, removed afterwards)")
    print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; wall / CPU")
    verdict = "OK" if min(import_seconds, import_cpu) < 10 else "SLOW"
    print(
        f"  CSV import, {PARTNERS} new rows:       {import_seconds:6.2f} s / {import_cpu:5.2f} s"
        f"  (goal < 10 s) {verdict}"
    )
    print(
        f"  CSV re-import, {PARTNERS} updates:     {reimport_seconds:6.2f} s / "
        f"{reimport_cpu:5.2f} s"
    )
    for label, (ours, ours_cpu), (base, base_cpu) in rows:
        ratio, ratio_cpu = ours / base, ours_cpu / base_cpu
        verdict = "OK" if min(ratio, ratio_cpu) <= 3 else "OVER"
        print(
            f"  /api/partners/ {label}, {PARTNERS} partners: {ours * 1000:6.1f} / "
            f"{ours_cpu * 1000:5.1f} ms vs trivial DRF {base * 1000:5.1f} / {base_cpu * 1000:5.1f}"
            f" ms = {ratio:4.2f}x / {ratio_cpu:4.2f}x (goal <= 3x) {verdict}"
        )
    print(
        f"  /api/partners/ wijk+theme filter:   {filtered[0] * 1000:6.1f} / "
        f"{filtered[1] * 1000:5.1f} ms"
    )
    verdict = "OK" if min(page) < 0.5 else "SLOW"
    print(
        f"  sociale kaart page, {ON_MAP} partners: {page[0]:6.3f} s / {page[1]:5.3f} s"
        f"  (goal < 0.5 s) {verdict}"
    )
    print(
        f"  sociale kaart page, theme filter:  {filtered_page[0]:6.3f} s / "
        f"{filtered_page[1]:5.3f} s"
    )


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
