"""Benchmark the first request in a fresh worker against a warm one (plain script).

A gunicorn worker imports backend.wsgi (which runs ops.warmup when WARMUP_ON_START is on) and
then serves; its first request used to pay for compiling templates, loading translations,
populating the URL resolver and importing icalendar, folium and DRF's serialisers. For each
page this starts fresh processes on the demo data, loads the WSGI application as gunicorn
does, and times the page as the process's first request and the median of the next ones,
with the warm-up off and on, in turn. Goal: first ≤ 1.5× warm with the warm-up on.

Uses a throwaway SQLite database with the demo data, in a temporary directory.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PROCESSES = 2
WARM_REQUESTS = 15
CHILD = """
import json, os, statistics, sys, time
sys.path.insert(0, {root!r})
began = time.perf_counter()
from backend.wsgi import application  # what a gunicorn worker imports (the warm-up runs here)
from django.test import Client
from django.test.utils import setup_test_environment
loaded = time.perf_counter() - began
setup_test_environment()
client = Client()
client.handler.load_middleware()  # the WSGI handler has it loaded already
paths = json.loads(sys.argv[1])
out = {{"load": loaded}}
for path in paths:
    began = time.perf_counter()
    response = client.get(path)
    first = time.perf_counter() - began
    assert response.status_code == 200, (path, response.status_code)
    warm = []
    for _ in range({warm}):
        began = time.perf_counter()
        client.get(path)
        warm.append(time.perf_counter() - began)
    out[path] = (first, statistics.median(warm))
print(json.dumps(out))
"""


def run_child(env: dict, paths: list[str], *, warm_up: bool) -> dict:
    env = env | {"WARMUP_ON_START": "1" if warm_up else "0"}
    completed = subprocess.run(
        [PYTHON, "-c", CHILD.format(root=str(ROOT), warm=WARM_REQUESTS), json.dumps(paths)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    workdir = tempfile.mkdtemp(prefix="bench-warmup-")
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3",
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "PUBLIC_CACHE_SECONDS": "0",
    }
    env.pop("REDIS_URL", None)
    began = time.perf_counter()
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        subprocess.run(
            [PYTHON, "manage.py", *command], env=env, cwd=ROOT, check=True, capture_output=True
        )
    print(f"demo data ready in {time.perf_counter() - began:.1f} s ({workdir})")
    probe = (
        "import sys; sys.path.insert(0, '.'); import django; django.setup();"
        "from tours.models import Tour; from network.models import Partner;"
        "t = Tour.objects.filter(status='published').first(); p = Partner.objects.first();"
        "print(t.get_absolute_url(), p.slug)"
    )
    tour_url, partner = (
        subprocess.run(
            [PYTHON, "-c", probe], env=env, cwd=ROOT, check=True, capture_output=True, text=True
        )
        .stdout.strip()
        .split()
    )
    paths = [
        "/",
        "/feeds/activities.ics",
        f"/feeds/partners/{partner}.ics",
        "/api/partners/",
        tour_url,
    ]
    runs: dict[bool, list[dict]] = {False: [], True: []}
    for _ in range(PROCESSES):
        for warm_up in (False, True):
            # Each page is the first request of its own fresh process.
            merged: dict = {"load": []}
            for path in paths:
                result = run_child(env, [path], warm_up=warm_up)
                merged["load"].append(result["load"])
                merged[path] = result[path]
            merged["load"] = min(merged["load"])
            runs[warm_up].append(merged)
    print(f"best of {PROCESSES} fresh processes; warm = median of the next {WARM_REQUESTS}")
    for warm_up in (False, True):
        load = min(run["load"] for run in runs[warm_up])
        print(f"-- warm-up {'on' if warm_up else 'off'} (worker start {load * 1000:.0f} ms)")
        for path in paths:
            first = min(run[path][0] for run in runs[warm_up])
            warm = statistics.median(run[path][1] for run in runs[warm_up])
            ratio = first / warm
            verdict = "met" if ratio <= 1.5 else "NOT met"
            print(
                f"{path[:38]:38} first {first * 1000:7.1f} ms  warm {warm * 1000:7.1f} ms  "
                f"ratio {ratio:5.2f}" + (f" (goal ≤ 1.5: {verdict})" if warm_up else "")
            )


if __name__ == "__main__":
    main()
