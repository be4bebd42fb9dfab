"""The whole process layout, for the rush and the fault tests: our own PostgreSQL cluster
(initdb + pg_ctl on a free port in a temporary folder), our own redis-server, our own SMTP
server (aiosmtpd), and `scripts/serve.py` (gunicorn + task worker + periodic jobs) in front.
Every part can be stopped and started again; the machine's PostgreSQL and Redis are never
touched. All on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import signal
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
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, *, seconds: float, every: float = 0.1) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return True
        time.sleep(every)
    return False


# --- PostgreSQL ---------------------------------------------------------------------------


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"{name} not found under /usr/lib/postgresql/*/bin")
    return found[-1]


def postgres_installed() -> bool:
    return bool(glob.glob("/usr/lib/postgresql/*/bin/initdb"))


def _as_postgres(argv: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@dataclass
class Postgres:
    directory: Path
    port: int

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            _as_postgres([pg_bin("pg_ctl"), "-D", str(self.data), *args]),
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off -c max_connections=200"
        )
        self._ctl("-o", options, "-l", str(self.directory / "log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-m", mode, "-w", "stop")

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@contextlib.contextmanager
def own_postgres() -> Iterator[Postgres]:
    directory = Path(tempfile.mkdtemp(prefix="wt_i13_pg_"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    directory.chmod(0o700)
    server = Postgres(directory=directory, port=free_port())
    subprocess.run(
        _as_postgres(
            [
                pg_bin("initdb"),
                "-D",
                str(server.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--locale=C",
            ]
        ),
        check=True,
        capture_output=True,
        timeout=120,
    )
    server.start()
    try:
        yield server
    finally:
        with contextlib.suppress(Exception):
            server.stop("immediate")
        shutil.rmtree(directory, ignore_errors=True)


# --- Redis --------------------------------------------------------------------------------


@dataclass
class Redis:
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self._answers, seconds=10)

    def _answers(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@contextlib.contextmanager
def own_redis() -> Iterator[Redis]:
    server = Redis(port=free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- SMTP ---------------------------------------------------------------------------------


@dataclass
class Inbox:
    """What our SMTP server accepted. `slow_rcpt` holds each RCPT this long (a slow server),
    so a sender can be killed mid-conversation, before the message was accepted."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    slow_rcpt: float = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        import asyncio

        if self.slow_rcpt:
            await asyncio.sleep(self.slow_rcpt)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def recipients(self) -> Counter:
        with self.lock:
            return Counter(str(message["To"]) for message in self.messages)


@dataclass
class Smtp:
    port: int
    inbox: Inbox
    controller: object | None = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@contextlib.contextmanager
def own_smtp() -> Iterator[Smtp]:
    server = Smtp(port=free_port(), inbox=Inbox())
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- the app: scripts/serve.py ------------------------------------------------------------


@dataclass
class Stack:
    url: str
    env: dict[str, str]
    process: subprocess.Popen
    state: Path
    log: Path

    def pid(self, name: str) -> int:
        return int((self.state / f"{name}.pid").read_text())

    def manage(self, *args: str, timeout: float = 120) -> str:
        completed = subprocess.run(
            [PYTHON, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if completed.returncode != 0:
            raise RuntimeError(completed.stderr[-3000:])
        return completed.stdout

    def shell(self, code: str) -> str:
        return self.manage("shell", "-v0", "-c", code).strip()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def stack_env(*, database_url: str, port: int, state: Path, extra: dict | None = None) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("EMAIL_", "PYTEST_", "DJANGO_", "REDIS_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="backend.settings",
        DATABASE_URL=database_url,
        PORT=str(port),
        STATE_DIR=str(state),
        TRUSTED_PROXIES="127.0.0.1",
        PERIODIC_SECONDS="2",
        MAIL_RETRY_BASE_SECONDS="1",
        LOG_LEVEL="WARNING",
        ACCESS_LOG="/dev/null",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra or {})
    return env


@contextlib.contextmanager
def running_stack(
    mode: str, *, database_url: str, extra: dict | None = None, up_seconds: float = 180
) -> Iterator[Stack]:
    port = free_port()
    state = Path(tempfile.mkdtemp(prefix="wt_i13_stack_"))
    env = stack_env(database_url=database_url, port=port, state=state, extra=extra)
    log = state / "stack.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [PYTHON, str(ROOT / "scripts" / "serve.py"), mode],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    stack = Stack(url=f"http://127.0.0.1:{port}", env=env, process=process, state=state, log=log)
    try:
        up = wait_for(lambda: "Stop everything with Ctrl-C" in stack.log_text(), seconds=up_seconds)
        if not up:
            raise RuntimeError(f"stack did not come up:\n{stack.log_text()[-4000:]}")
        yield stack
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        shutil.rmtree(state, ignore_errors=True)


# --- HTTP ---------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int  # 0: no answer (connection error)
    body: dict
    headers: dict
    seconds: float
    error: str = ""


def request(
    url: str,
    *,
    payload: dict | None = None,
    headers: dict | None = None,
    timeout: float = 60,
) -> Answer:
    data = json.dumps(payload).encode() if payload is not None else None
    all_headers = {"Accept": "application/json", **(headers or {})}
    if data is not None:
        all_headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    req = urllib.request.Request(url, data=data, headers=all_headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            raw = response.read()
            status, response_headers = response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        raw = error.read()
        status, response_headers = error.code, dict(error.headers)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as error:
        return Answer(0, {}, {}, time.perf_counter() - started, error.__class__.__name__)
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        body = {"raw": raw[:300].decode(errors="replace")}
    if not isinstance(body, dict):
        body = {"items": body}
    return Answer(status, body, response_headers, time.perf_counter() - started)


def registration(n: int, *, tag: str = "rush") -> dict:
    return {
        "name": f"Professional {n}",
        "email": f"{tag}{n}@example.org",
        "organisation": "Praktijk De Wijk",
        "profession": "huisarts",
        "consent": True,
    }


def forwarded_for(n: int) -> dict:
    """A different client address per registrant, as a trusted proxy would report it."""
    return {"X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}


@dataclass
class Rush:
    answers: list[Answer]
    seconds: float

    @property
    def statuses(self) -> Counter:
        return Counter(answer.status for answer in self.answers)

    @property
    def outcomes(self) -> Counter:
        return Counter(answer.body.get("status", "") for answer in self.answers)

    def p95(self) -> float:
        durations = sorted(answer.seconds for answer in self.answers)
        return durations[max(0, int(len(durations) * 0.95) - 1)]


def rush(url: str, count: int, *, tag: str = "rush") -> Rush:
    """`count` registrations at once, one thread each, released together."""
    barrier = threading.Barrier(count)
    answers: list[Answer] = [None] * count  # type: ignore[list-item]

    def one(n: int) -> None:
        barrier.wait()
        answers[n] = request(url, payload=registration(n, tag=tag), headers=forwarded_for(n))

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Rush(answers=answers, seconds=time.perf_counter() - started)


CREATE_SESSION = """
import datetime as dt
from django.utils import timezone
from core.models import Workspace
from activities.models import Activity
from sessions.models import KnowledgeSession
workspace, _ = Workspace.objects.get_or_create(slug="rush", defaults={{"name": "Rush"}})
start = timezone.now() + dt.timedelta(days=7)
session = KnowledgeSession.objects.create(
    workspace=workspace, title="Rush {label}", starts_at=start,
    ends_at=start + dt.timedelta(hours=2), capacity={capacity},
    waitlist_enabled={waitlist}, status=Activity.Status.PUBLISHED, venue_name="Zaal",
)
print(session.pk)
"""


def create_session(stack: Stack, *, capacity: int, label: str, waitlist: bool = True) -> int:
    code = CREATE_SESSION.format(capacity=capacity, label=label, waitlist=waitlist)
    return int(stack.shell(code).splitlines()[-1])


def sql(database_url: str, query: str, params: tuple = ()) -> list[tuple]:
    if database_url.startswith("sqlite:///"):
        import sqlite3

        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=30)
        try:
            return connection.execute(query.replace("%s", "?"), params).fetchall()
        finally:
            connection.close()
    import psycopg

    with psycopg.connect(database_url, autocommit=True, connect_timeout=5) as connection:
        cursor = connection.execute(query, params)
        return cursor.fetchall() if cursor.description else []
