"""A real server in a separate process, for contention tests and the registration bench.

Each server runs gunicorn (2 workers × 8 threads, like production) against its own database:
a SQLite file (an in-memory test database cannot be shared between threads or processes) or
a throwaway PostgreSQL database that is created here and dropped afterwards.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PG_ADMIN_URL = os.environ.get("PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=2):
            return True
    except Exception:
        return False


@contextlib.contextmanager
def throwaway_database(kind: str, name: str) -> Iterator[str]:
    """A DATABASE_URL for a new, empty database that is removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="wt_registration_") as directory:
            yield f"sqlite:///{directory}/{name}.sqlite3"
        return
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(
    database_url: str, settings_module: str = "backend.settings", extra: dict | None = None
) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("EMAIL_", "PYTEST_", "DJANGO_"))
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE=settings_module,
        REGISTRATION_RATE_LIMIT="1000000/60",
        PYTHONPATH=str(ROOT),
        DEBUG="false",
        SECRET_KEY="contention-harness-secret-key-not-for-production",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="ERROR",
    )
    env.update(extra or {})
    return env


# The shared virtualenv may hold an editable install of another checkout; its import finder
# would fill in modules this worktree lacks (e.g. an app's admin.py) from that checkout.
# Child processes drop it so they run this worktree's code only.
ONLY_THIS_CHECKOUT = (
    "import sys; sys.meta_path[:] = [f for f in sys.meta_path "
    "if '__editable__' not in getattr(f, '__module__', '')]; "
)


def python_command(main: str, argv: list[str]) -> list[str]:
    """`python -c` running `main` with `argv`, after dropping foreign editable finders."""
    return [PYTHON, "-c", f"{ONLY_THIS_CHECKOUT}sys.argv = {argv!r}; {main}"]


def manage(database_url: str, *args: str) -> str:
    result = subprocess.run(
        python_command(
            "import runpy; runpy.run_path(sys.argv[0], run_name='__main__')",
            [str(ROOT / "manage.py"), *args],
        ),
        env=_env(database_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    return result.stdout


def run_python(database_url: str, code: str) -> str:
    return manage(database_url, "shell", "-v0", "-c", code).strip()


def prepare_database(database_url: str) -> None:
    manage(database_url, "migrate", "--noinput", "-v0")


CREATE_ACTIVITY = """
import datetime as dt
from django.utils import timezone
from core.models import Workspace
from activities.models import Activity
from sessions.models import KnowledgeSession
workspace, _ = Workspace.objects.get_or_create(slug="contention", defaults={{"name": "C"}})
start = timezone.now() + dt.timedelta(days=7)
session = KnowledgeSession.objects.create(
    workspace=workspace, title="Contention {label}", starts_at=start,
    ends_at=start + dt.timedelta(hours=2), capacity={capacity},
    waitlist_enabled={waitlist}, status=Activity.Status.PUBLISHED, venue_name="Zaal",
)
print(session.pk)
"""


def create_activities(database_url: str, *, capacity: int, labels: list[str]) -> list[int]:
    code = "\n".join(
        CREATE_ACTIVITY.format(capacity=capacity, label=label, waitlist=True) for label in labels
    )
    return [int(line) for line in run_python(database_url, code).splitlines()[-len(labels) :]]


def sql(database_url: str, query: str, params: tuple = ()) -> list[tuple]:
    """Read or write the server's database directly (a `manage.py shell` costs a second)."""
    if database_url.startswith("sqlite:///"):
        import sqlite3

        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=30)
        try:
            rows = connection.execute(query.replace("%s", "?"), params).fetchall()
            connection.commit()
            return rows
        finally:
            connection.close()
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        cursor = connection.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def status_counts(database_url: str, activity_id: int) -> dict[str, int]:
    rows = sql(
        database_url,
        "SELECT status, COUNT(*) FROM activities_registration WHERE activity_id = %s "
        "GROUP BY status",
        (activity_id,),
    )
    return dict(rows)


def set_cancel_tokens(database_url: str, activity_id: int, status: str, count: int) -> list[str]:
    """Give `count` registrations with `status` known cancel tokens (the real ones are only
    ever mailed) and return the tokens."""
    rows = sql(
        database_url,
        "SELECT id FROM activities_registration WHERE activity_id = %s AND status = %s "
        "ORDER BY id DESC LIMIT %s",
        (activity_id, status, count),
    )
    tokens = []
    for (registration_id,) in rows:
        token = secrets.token_urlsafe(32)
        sql(
            database_url,
            "UPDATE activities_registration SET cancel_token_hash = %s WHERE id = %s",
            (hashlib.sha256(token.encode()).hexdigest(), registration_id),
        )
        tokens.append(token)
    return tokens


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen


@contextlib.contextmanager
def running_server(
    database_url: str,
    *,
    settings_module: str = "backend.settings",
    workers: int = 2,
    threads: int = 8,
    extra_env: dict | None = None,
) -> Iterator[Server]:
    port = free_port()
    env = _env(database_url, settings_module, extra_env)
    with tempfile.TemporaryFile() as log:
        yield from _serve(env, workers, threads, port, log)


def _serve(env, workers, threads, port, log) -> Iterator[Server]:
    process = subprocess.Popen(
        python_command(
            "from gunicorn.app.wsgiapp import run; run()",
            [
                "gunicorn",
                "backend.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--backlog",
                "2048",
                "--log-level",
                "warning",
                "--timeout",
                "60",
            ],
        ),
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "/api/", timeout=2) as response:
                    response.read()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(log.read().decode()[-3000:]) from error
                time.sleep(0.1)
        yield Server(url=url, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def post_json(url: str, payload: dict, timeout: float = 60) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        body = error.read()
        try:
            return error.code, json.loads(body or b"{}")
        except ValueError:
            return error.code, {"raw": body[:200].decode(errors="replace")}


def registration_payload(n: int, profession: str = "huisarts") -> dict:
    return {
        "name": f"Professional {n}",
        "email": f"professional{n}@example.org",
        "organisation": "Praktijk De Wijk",
        "profession": profession,
        "consent": True,
    }


@dataclass
class Burst:
    statuses: Counter
    answers: Counter
    seconds: float
    durations: list[float]


def fire_concurrently(requests: list[tuple[str, dict]]) -> Burst:
    """Send all requests at once (one thread each, released together by a barrier)."""
    barrier = threading.Barrier(len(requests))
    results: list[tuple[int, dict, float]] = [None] * len(requests)  # type: ignore[list-item]

    def worker(index: int, url: str, payload: dict) -> None:
        barrier.wait()
        started = time.perf_counter()
        status, body = post_json(url, payload)
        results[index] = (status, body, time.perf_counter() - started)

    threads = [
        threading.Thread(target=worker, args=(i, url, payload))
        for i, (url, payload) in enumerate(requests)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return Burst(
        statuses=Counter(status for status, _body, _t in results),
        answers=Counter(body.get("status", "") for _status, body, _t in results),
        seconds=seconds,
        durations=[t for _s, _b, t in results],
    )
