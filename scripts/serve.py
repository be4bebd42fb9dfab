#!/usr/bin/env python3
"""Run Wijktour's whole process layout on one machine, in the foreground (make demo, make serve).

    scripts/serve.py demo    # migrate, load the demo data, serve; mail to files in var/mail/
    scripts/serve.py serve   # migrate, serve; settings from the environment (a real launch)

Starts gunicorn (WEB_WORKERS x WEB_THREADS, static files through whitenoise), the
django-tasks-db worker (db_worker) and the periodic jobs (`manage.py run_periodic_jobs`
every PERIODIC_SECONDS), and keeps them running: a child that dies is started again. One
Ctrl-C (or SIGTERM) stops all of them; each child runs in its own process group that is
terminated, then killed, and on Linux a child also dies with this supervisor (no orphans even
if the supervisor is killed with SIGKILL).

With DJANGO_ENV=production it refuses to start on insecure defaults (ops/startup.py).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ops.startup import insecure_defaults  # noqa: E402 — pure module, no Django set-up


def _die_with_parent() -> None:
    """Linux: the kernel sends SIGTERM to the child when the supervisor goes away."""
    os.setsid()
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except OSError:
        pass


@dataclass
class Child:
    name: str
    argv: list[str]
    restart: bool = True
    process: subprocess.Popen | None = None
    starts: list[float] = field(default_factory=list)

    not_before: float = 0.0
    pid_file: Path | None = None
    log_file: Path | None = None

    def start(self, env: dict[str, str]) -> None:
        self.starts.append(time.monotonic())
        output = self.log_file.open("a") if self.log_file else None
        self.process = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=env,
            preexec_fn=_die_with_parent,
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
        )
        if output:
            output.close()
        if self.pid_file:
            self.pid_file.write_text(str(self.process.pid))

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.running():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)


def python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def manage(*args: str) -> list[str]:
    return [python(), str(ROOT / "manage.py"), *args]


def _secret_key(state: Path) -> str:
    path = state / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def environment(mode: str) -> tuple[dict[str, str], list[str]]:
    """The children's environment and the banner lines about it."""
    env = dict(os.environ)
    port = env.setdefault("PORT", "8000")
    env.setdefault("HOST", "127.0.0.1")
    state = Path(env.get("STATE_DIR") or ROOT / "var" / mode)
    env["STATE_DIR"] = str(state)
    state.mkdir(parents=True, exist_ok=True)
    production = env.get("DJANGO_ENV") == "production"
    notes: list[str] = []
    if not production:
        # The production-grade stack outside production: DEBUG off (our error pages), a key
        # kept in var/ so sessions survive a restart.
        env.setdefault("DEBUG", "false")
        env.setdefault("SECRET_KEY", _secret_key(state))
    if not production:
        env.setdefault("SITE_URL", f"http://{env['HOST']}:{port}")
    env.setdefault("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
    if not env.get("REDIS_URL"):
        # Rate limits and the worker's heartbeat must be shared by every process.
        env.setdefault("CACHE_DIR", str(state / "cache"))
    if mode == "demo" and not env.get("EMAIL_HOST"):
        env.setdefault("EMAIL_FILE_PATH", str(ROOT / "var" / "mail"))
    if env.get("EMAIL_FILE_PATH"):
        notes.append(f"Mails:      written as files to {env['EMAIL_FILE_PATH']}/ (nothing is sent)")
    elif env.get("EMAIL_HOST"):
        notes.append(
            f"Mails:      sent through SMTP {env['EMAIL_HOST']}:{env.get('EMAIL_PORT', '587')}"
        )
    else:
        notes.append("Mails:      printed on this console by the worker (set EMAIL_HOST for SMTP)")
    database = env.get("DATABASE_URL", f"sqlite:///{ROOT / 'db.sqlite3'}")
    notes.append(f"Database:   {database.split('@')[-1]}")
    return env, notes


DEMO_LOGINS = [
    ("coordinator", "wijktour-demo", "coordinator of Steunpunt Wijkverbinding Amsterdam: /manage/"),
    (
        "partner-editor",
        "wijktour-demo",
        "partner editor of Buurthuis De Javakade and Buurtkamer Makassarplein: /manage/partners/",
    ),
    ("admin", "wijktour-demo", "administrator: /admin/"),
]


def banner(mode: str, env: dict[str, str], notes: list[str], children: list[Child]) -> str:
    lines = [
        "",
        "=" * 72,
        f"Wijktour ({mode}) runs at http://{env['HOST']}:{env['PORT']}/",
        f"Links in mails, QR codes and feeds: {env.get('SITE_URL')}/",
        "",
        "Started:    " + ", ".join(child.name for child in children),
        *notes,
    ]
    if mode == "demo":
        lines += ["", "Demo logins (user / password):"]
        lines += [f"  {user:15} / {password}   {what}" for user, password, what in DEMO_LOGINS]
    lines += ["", "Stop everything with Ctrl-C.", "=" * 72, ""]
    return "\n".join(lines)


def wait_healthy(url: str, process: Child, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not process.running():
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
                return True
        except Exception:
            time.sleep(0.2)
    return False


def main(argv: list[str]) -> int:
    mode = argv[1] if len(argv) > 1 else "demo"
    if mode not in ("demo", "serve"):
        print(__doc__)
        return 2
    env, notes = environment(mode)
    if env.get("DJANGO_ENV") == "production":
        problems = insecure_defaults(env)
        if problems:
            print("Refusing to start with DJANGO_ENV=production:", file=sys.stderr)
            for problem in problems:
                print(f"  - {problem}", file=sys.stderr)
            return 1
    for step in (["migrate", "--noinput", "-v0"], *([["seed_demo"]] if mode == "demo" else [])):
        if subprocess.run(manage(*step), cwd=ROOT, env=env).returncode != 0:
            return 1
    if env.get("DJANGO_ENV") == "production":
        subprocess.run(manage("collectstatic", "--noinput", "-v0"), cwd=ROOT, env=env, check=True)

    web = Child(
        "gunicorn",
        [
            python(),
            "-m",
            "gunicorn",
            "backend.wsgi:application",
            "--bind",
            f"{env['HOST']}:{env['PORT']}",
            "--workers",
            env.get("WEB_WORKERS", "2"),
            "--threads",
            env.get("WEB_THREADS", "8"),
            # Room for a rush: connections wait in the queue instead of being refused.
            "--backlog",
            "2048",
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
            # gunicorn's control socket lives in ~/.gunicorn: two stacks on one machine clash.
            "--no-control-socket",
            "--access-logfile",
            env.get("ACCESS_LOG", "-") if mode == "serve" else "/dev/null",
        ],
    )
    # A fixed worker id: before the worker starts (again), the tasks it was running when it
    # died are put back in the queue (ops/queue.py).
    worker_id = env.get("WORKER_ID", f"wijktour-{mode}-worker")
    worker = Child(
        "task worker",
        manage(
            "run_worker",
            "--worker-id",
            worker_id,
            # The demo keeps the console for the banner; `make serve` logs every task.
            "--verbosity",
            env.get("WORKER_VERBOSITY", "0" if mode == "demo" else "1"),
        ),
    )
    state = Path(env["STATE_DIR"])
    web.pid_file, worker.pid_file = state / "gunicorn.pid", state / "worker.pid"
    children = [web, worker]
    stopping = False

    def stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for child in children:
        child.start(env)
    if not wait_healthy(f"http://{env['HOST']}:{env['PORT']}/api/", web):
        print("gunicorn did not come up; see the messages above", file=sys.stderr)
        stopping = True
    else:
        notes.append(f"Job output: {state / 'periodic.log'}")
        print(banner(mode, env, notes, [*children, Child("periodic jobs", [])]), flush=True)

    periodic = Child("periodic jobs", manage("run_periodic_jobs"), restart=False)
    periodic.log_file = state / "periodic.log"
    every = float(env.get("PERIODIC_SECONDS", "60"))
    next_periodic = time.monotonic() + 5
    while not stopping:
        time.sleep(0.2)
        now = time.monotonic()
        if now >= next_periodic and not periodic.running():
            periodic.start(env)
            next_periodic = now + every
        for child in children:
            if child.running() or stopping or now < child.not_before:
                continue
            # A child that dies is started again, waiting longer each time it died recently
            # (1, 2, 4 … 30 s): a database that is away for a while must not make this spin.
            if now - child.starts[-1] > 30:
                child.starts = child.starts[-1:]  # it ran a good while: not crash-looping
            recent = len([t for t in child.starts if now - t < 120])
            if child.not_before == 0.0 and recent > 1:
                child.not_before = now + min(2 ** (recent - 1), 30)
                print(f"{child.name} exited ({child.process.returncode}); restarting soon")
                continue
            child.not_before = 0.0
            print(f"{child.name} exited ({child.process.returncode}); starting it again")
            child.start(env)

    for child in [*children, periodic]:
        child.stop(signal.SIGTERM)
    deadline = time.monotonic() + 12
    for child in [*children, periodic]:
        while child.running() and time.monotonic() < deadline:
            time.sleep(0.1)
        child.stop(signal.SIGKILL)
        if child.process is not None:
            child.process.wait()
    print("Wijktour stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
