"""Periodic jobs, run by cron or systemd timers through `manage.py run_periodic_jobs`.

Each job runs under a lock that holds across machines: a PostgreSQL advisory lock when the
database is PostgreSQL, otherwise an add() in the shared cache. A second run that finds the
lock taken skips the job. The jobs are idempotent as well (each registrant gets one reminder,
each participant one invitation), so a run after the first finds nothing left to do.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from ops.tasks import heartbeat


def _command(name: str) -> Callable[[], str]:
    def run() -> str:
        out = io.StringIO()
        call_command(name, stdout=out)
        return out.getvalue().strip()

    return run


def _enqueue_heartbeat() -> str:
    result = heartbeat.enqueue()
    return f"heartbeat queued ({result.id})"


# The heartbeat first: a slow feed import must not make the worker look stale.
JOBS: dict[str, Callable[[], str]] = {
    "heartbeat": _enqueue_heartbeat,
    "send_reminders": _command("send_reminders"),
    "send_rating_invitations": _command("send_rating_invitations"),
    "import_partner_feeds": _command("import_partner_feeds"),
    "send_followup_surveys": _command("send_followup_surveys"),
    "retry_mail": _command("retry_mail"),
    "requeue_abandoned_tasks": _command("requeue_abandoned_tasks"),
    "issue_certificates": _command("issue_certificates"),
    "send_partner_reviews": _command("send_partner_reviews"),
}
# A cache lock outlives a crashed run by at most this long.
CACHE_LOCK_SECONDS = 15 * 60


@dataclass(frozen=True)
class JobRun:
    name: str
    ran: bool
    output: str


def _lock_id(name: str) -> int:
    # pg advisory locks take a signed 64-bit key.
    return int.from_bytes(hashlib.sha256(f"wijktour:{name}".encode()).digest()[:8], signed=True)


@contextmanager
def job_lock(name: str) -> Iterator[bool]:
    """Yields True when this process holds the job's lock, False when another one does."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_lock_id(name)])
            acquired = cursor.fetchone()[0]
        try:
            yield acquired
        finally:
            if acquired:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [_lock_id(name)])
        return
    key = f"ops:job-lock:{name}"
    acquired = cache.add(key, 1, timeout=CACHE_LOCK_SECONDS)
    try:
        yield acquired
    finally:
        if acquired:
            cache.delete(key)


def run_job(*, name: str) -> JobRun:
    with job_lock(name) as acquired:
        if not acquired:
            return JobRun(name=name, ran=False, output="already running elsewhere; skipped")
        return JobRun(name=name, ran=True, output=JOBS[name]())
