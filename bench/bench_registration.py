"""Registration throughput over real HTTP on PostgreSQL.

Starts gunicorn (2 workers × 8 threads) on a throwaway PostgreSQL database that this script
creates and drops, then measures, against a trivial endpoint (GET /api/, the API root) in the
same run:
  * 200 simultaneous registrations for 20 seats (correctness: exactly 20 confirmed);
  * 1,000 sequential registrations.
Mails go to the console backend (discarded), as with the default immediate tasks backend.

Run: .venv/bin/python bench/bench_registration.py   (PG_ADMIN_URL overrides the server)
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.activities import harness  # noqa: E402


def get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        return response.status


def concurrent_gets(url: str, count: int) -> float:
    barrier = threading.Barrier(count)
    statuses: list[int] = []

    def worker() -> None:
        barrier.wait()
        statuses.append(get(url))

    threads = [threading.Thread(target=worker) for _ in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * count, statuses
    return time.perf_counter() - started


def sequential(count: int, call) -> list[float]:
    durations = []
    for n in range(count):
        started = time.perf_counter()
        call(n)
        durations.append(time.perf_counter() - started)
    return durations


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


CONFIGURATIONS = [
    ("mail sent in the request (immediate tasks backend, the default)", {}),
    (
        "mail queued for a worker (django_tasks_db.DatabaseBackend, production)",
        {"TASKS_BACKEND": "django_tasks_db.DatabaseBackend"},
    ),
]


def measure(database: str, label: str, extra_env: dict, burst_id: int, sequential_id: int) -> bool:
    with harness.running_server(database, extra_env=extra_env) as server:
        trivial = f"{server.url}/api/"
        for _ in range(20):  # warm both workers
            get(trivial)
        baseline_burst = concurrent_gets(trivial, 200)
        register_url = f"{server.url}/api/activities/{burst_id}/registrations/"
        burst = harness.fire_concurrently(
            [(register_url, harness.registration_payload(n)) for n in range(200)]
        )
        counts = harness.status_counts(database, burst_id)
        baseline_sequential = sequential(1000, lambda n: get(trivial))
        sequential_url = f"{server.url}/api/activities/{sequential_id}/registrations/"

        def register(n: int) -> None:
            status, body = harness.post_json(
                sequential_url, harness.registration_payload(10_000 + n)
            )
            assert (status, body.get("status")) == (201, "confirmed"), (status, body)

        registration_sequential = sequential(1000, register)

    ok = counts == {"confirmed": 20, "waitlisted": 180} and burst.statuses == {201: 200}
    durations = sorted(burst.durations)
    confirmed_at = sorted(burst.durations)[19]
    print(f"- {label}")
    print(
        f"  200 concurrent for 20 seats: {burst.seconds:.2f} s wall "
        f"(trivial GET /api/ x200 concurrent: {baseline_burst:.2f} s; "
        f"ratio {burst.seconds / baseline_burst:.1f}x)"
    )
    print(f"    outcome {counts}, HTTP {dict(burst.statuses)} -> {'OK' if ok else 'WRONG'}")
    print(
        f"    latency p50 {ms(statistics.median(durations))}, "
        f"p95 {ms(durations[int(len(durations) * 0.95) - 1])}, max {ms(durations[-1])}; "
        f"20th answer after {confirmed_at:.2f} s"
    )
    total_seq = sum(registration_sequential)
    total_base = sum(baseline_sequential)
    print(
        f"  1,000 sequential registrations: {total_seq:.2f} s "
        f"({1000 / total_seq:.0f}/s, mean {ms(statistics.mean(registration_sequential))}, "
        f"p95 {ms(sorted(registration_sequential)[949])})"
    )
    print(
        f"  1,000 sequential trivial GETs:  {total_base:.2f} s "
        f"({1000 / total_base:.0f}/s, mean {ms(statistics.mean(baseline_sequential))}); "
        f"ratio {total_seq / total_base:.1f}x"
    )
    return ok


def main() -> int:
    if not harness.postgres_available():
        print("PostgreSQL not reachable at", harness.PG_ADMIN_URL, "- skipped.")
        return 0
    print("Registration over HTTP on PostgreSQL (gunicorn 2 workers x 8 threads)")
    print("  reference: pretix 2026.8.0, 200 simultaneous orders for a quota of 20: 6.6-8.1 s")
    all_ok = True
    for index, (label, extra_env) in enumerate(CONFIGURATIONS):
        name = f"wt_registration_bench_{os.getpid()}_{index}"
        with harness.throwaway_database("postgres", name) as database:
            harness.prepare_database(database)
            burst_id, sequential_id = harness.create_activities(
                database, capacity=20, labels=["burst", "sequential"]
            )
            harness.sql(
                database,
                "UPDATE activities_activity SET capacity = 100000 WHERE id = %s",
                (sequential_id,),
            )
            all_ok &= measure(database, label, extra_env, burst_id, sequential_id)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
