"""The rush: 200 registrations at once for 20 seats, each from its own client address
(X-Forwarded-For from a trusted proxy), against

  * `make demo`'s stack: scripts/serve.py demo — SQLite (WAL, IMMEDIATE transactions, busy
    timeout), gunicorn 2x8, the task worker — the baseline;
  * the production layout: scripts/serve.py serve on our own PostgreSQL cluster and our own
    redis-server (started here on free ports, removed afterwards).

Prints wall time, p50/p95 and errors of each and the ratio PostgreSQL / SQLite, measured in the
same run. Mails go to our own SMTP server; the script checks each arrives once.

Run: .venv/bin/python bench/bench_rush.py   (RUSH=200 SEATS=20)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ops import stack  # noqa: E402

RUSH = int(os.environ.get("RUSH", "200"))
SEATS = int(os.environ.get("SEATS", "20"))


def measure(name: str, app: stack.Stack, smtp: stack.Smtp, database_url: str) -> dict:
    activity = stack.create_session(app, capacity=SEATS, label=name)
    result = stack.rush(f"{app.url}/api/activities/{activity}/registrations/", RUSH, tag=name)
    emails = {f"{name}{n}@example.org" for n in range(RUSH)}
    stack.wait_for(
        lambda: len(set(smtp.inbox.recipients()) & emails) == RUSH, seconds=180, every=0.5
    )
    recipients = smtp.inbox.recipients()
    rows = dict(
        stack.sql(
            database_url,
            "SELECT status, COUNT(*) FROM activities_registration WHERE activity_id = %s "
            "GROUP BY status",
            (activity,),
        )
    )
    durations = sorted(answer.seconds for answer in result.answers)
    return {
        "wall": result.seconds,
        "p50": statistics.median(durations),
        "p95": result.p95(),
        "connection errors": result.statuses[0],
        "5xx": sum(n for status, n in result.statuses.items() if status >= 500),
        "confirmed": rows.get("confirmed", 0),
        "waitlisted": rows.get("waitlisted", 0),
        "mails once": sum(1 for email in emails if recipients[email] == 1),
    }


def main() -> int:
    results = {}
    with stack.own_smtp() as smtp:
        mail = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port), "EMAIL_USE_TLS": "0"}
        with tempfile.TemporaryDirectory(prefix="wt_i13_bench_") as directory:
            url = f"sqlite:///{directory}/demo.sqlite3"
            with stack.running_stack("demo", database_url=url, extra=mail) as app:
                results["demo (SQLite)"] = measure("sqlite", app, smtp, url)
        with stack.own_postgres() as postgres, stack.own_redis() as redis:
            url = postgres.create_database("wijktour_i13_bench")
            extra = {**mail, "REDIS_URL": redis.url}
            with stack.running_stack("serve", database_url=url, extra=extra) as app:
                results["PostgreSQL + Redis"] = measure("postgres", app, smtp, url)

    print(f"Rush: {RUSH} registrations at once for {SEATS} seats, gunicorn 2x8 + worker")
    keys = list(next(iter(results.values())))
    print(f"{'':22}" + "".join(f"{key:>18}" for key in keys))
    for name, figures in results.items():
        cells = "".join(
            f"{value:>17.2f}s" if isinstance(value, float) else f"{value:>18}"
            for value in figures.values()
        )
        print(f"{name:22}{cells}")
    sqlite, postgres = results["demo (SQLite)"], results["PostgreSQL + Redis"]
    print(
        f"ratio PostgreSQL / SQLite: wall {postgres['wall'] / sqlite['wall']:.2f}, "
        f"p95 {postgres['p95'] / sqlite['p95']:.2f}"
    )
    ok = all(
        figures["connection errors"] == 0
        and figures["5xx"] == 0
        and figures["confirmed"] == SEATS
        and figures["waitlisted"] == RUSH - SEATS
        and figures["mails once"] == RUSH
        for figures in results.values()
    )
    print("OK" if ok else "FAILED: see the figures above")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
