"""Benchmark the HSDS API (plain script; `make bench` runs it).

/api/hsds/services, a page of 50 over 2,000 partners (each with themes, a neighbourhood,
visiting hours and a public contact), against a trivial DRF list over the same table (slug
and name, page of 50), measured in the same run. Goal: ratio <= 3x.

1. In process (Django test client), median of 15 rounds each, run in turn.
2. Under concurrent load: gunicorn (1 worker x 4 threads, 127.0.0.1, free port) on the same
   throwaway SQLite database; 4 client threads hit one endpoint for a few seconds, then the
   other; ratio of median latencies and of throughput.

Uses its own throwaway SQLite database in a temporary directory, removed afterwards.
"""

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="wijktour-bench-hsds-")
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
os.environ.setdefault("LOG_LEVEL", "ERROR")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from core.models import Workspace  # noqa: E402
from core.vocab import Domain  # noqa: E402
from network.models import Contact, Neighbourhood, Partner, Theme, VisitingWindow  # noqa: E402

PARTNERS = 2000
ROUNDS = 15
LOAD_SECONDS = 4
THREADS = 4


def seed() -> None:
    workspace = Workspace.objects.create(name="Bench", slug="bench")
    hoods = [
        Neighbourhood.objects.create(
            workspace=workspace,
            name=f"Wijk {i}",
            slug=f"wijk-{i}",
            municipality="Amsterdam",
            latitude=52.36,
            longitude=4.94,
            cbs_code=f"WK03630{i}",
        )
        for i in range(4)
    ]
    themes = [Theme.objects.create(name=f"Thema {i}", slug=f"thema-{i}") for i in range(8)]
    domains = Domain.values
    partners = Partner.objects.bulk_create(
        Partner(
            workspace=workspace,
            name=f"Partner {i:04d}",
            slug=f"partner-{i}",
            domain=domains[i % len(domains)],
            address=f"Javaplein {i}",
            postcode="1094 HW",
            city="Amsterdam",
            latitude=52.36 + (i % 50) * 0.0002,
            longitude=4.94,
            short_description="Ontmoeting en activiteiten.",
            referral_info="Bel of loop binnen.",
            email=f"info{i}@example.org",
            website=f"https://p{i}.example.org",
            phone="+31 20 123 4567",
            kvk_number=f"{10000000 + i}",
            assured_date=dt.date(2026, 6, 1),
        )
        for i in range(PARTNERS)
    )
    Through = Partner.themes.through
    Through.objects.bulk_create(
        Through(partner_id=p.pk, theme_id=themes[(i + k) % 8].pk)
        for i, p in enumerate(partners)
        for k in range(2)
    )
    HoodThrough = Partner.neighbourhoods.through
    HoodThrough.objects.bulk_create(
        HoodThrough(partner_id=p.pk, neighbourhood_id=hoods[i % 4].pk)
        for i, p in enumerate(partners)
    )
    VisitingWindow.objects.bulk_create(
        VisitingWindow(partner=p, weekday=d, opens_at=dt.time(9), closes_at=dt.time(17))
        for p in partners
        for d in range(3)
    )
    Contact.objects.bulk_create(
        Contact(partner=p, name="Balie", email="balie@example.org", is_public=True)
        for p in partners
    )


def in_process() -> tuple[float, float]:
    client = Client()
    urls = {"hsds": "/api/hsds/services?per_page=50&page=3", "trivial": "/bench/trivial/?page=3"}
    for url in urls.values():
        assert client.get(url).status_code == 200, url
    times: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(ROUNDS):
        for name, url in urls.items():
            start = time.perf_counter()
            client.get(url)
            times[name].append(time.perf_counter() - start)
    return median(times["hsds"]), median(times["trivial"])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def hammer(url: str) -> tuple[float, float]:
    """Median latency and requests per second with THREADS client threads."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + LOAD_SECONDS

    def worker() -> None:
        while time.perf_counter() < stop:
            start = time.perf_counter()
            with urllib.request.urlopen(url, timeout=30) as response:
                response.read()
            with lock:
                latencies.append(time.perf_counter() - start)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return median(latencies), len(latencies) / (time.perf_counter() - began)


def under_load() -> tuple[tuple[float, float], tuple[float, float]]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.hsds_site:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            str(THREADS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/api/hsds/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        hammer(base + "/bench/trivial/")  # warm up
        trivial = hammer(base + "/bench/trivial/?page=3")
        hsds = hammer(base + "/api/hsds/services?per_page=50&page=3")
    finally:
        server.terminate()
        server.wait(timeout=10)
    return hsds, trivial


def main() -> None:
    try:
        setup_test_environment()
        call_command("migrate", verbosity=0)
        seed()
        import bench.hsds_site  # noqa: F401  (adds /bench/trivial/ to the URLconf)

        hsds, trivial = in_process()
        print("HSDS API benchmarks (SQLite, 2,000 partners, throwaway database)")
        print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(
            f"  in process: /api/hsds/services page of 50 {hsds * 1000:.1f} ms, trivial DRF "
            f"list {trivial * 1000:.1f} ms, ratio {hsds / trivial:.2f}x (goal <= 3x)"
        )
        (h_lat, h_rps), (t_lat, t_rps) = under_load()
        print(
            f"  under load ({THREADS} threads, gunicorn 1x{THREADS}): HSDS median "
            f"{h_lat * 1000:.1f} ms ({h_rps:.1f} req/s), trivial {t_lat * 1000:.1f} ms "
            f"({t_rps:.1f} req/s), latency ratio {h_lat / t_lat:.2f}x, "
            f"throughput ratio {t_rps / h_rps:.2f}x (goal <= 3x)"
        )
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)


if __name__ == "__main__":
    main()
