"""scripts/serve.py as a supervisor: one signal stops every process it started, and killing
the supervisor itself leaves no orphans. Settings it relies on: SITE_URL follows PORT, the
demo's mail sink."""

import os
import signal
import tempfile

import pytest

from tests.ops import stack
from tests.ops.harness import run_python


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purposes (its parent has not reaped it yet).
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(")")[-1].split()[0] != "Z"


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().split(")")[-1].split()[1]) == pid:
                        found.append(int(entry))
            except (FileNotFoundError, ProcessLookupError):
                continue
    return found


def test_site_url_follows_port_unless_set():
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    )
    env = {"DJANGO_SETTINGS_MODULE": "backend.settings", "SITE_URL": ""}

    derived = run_python(code, env={**env, "PORT": "8810"}).strip().splitlines()[-1]
    chosen = run_python(
        code, env={**env, "PORT": "8810", "SITE_URL": "https://wijk.example.org/"}
    ).strip()

    assert derived == "http://127.0.0.1:8810"
    assert chosen.splitlines()[-1] == "https://wijk.example.org"


def test_email_file_path_makes_mails_files():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.MAILERS['default']['BACKEND'], settings.MAILERS['default']['OPTIONS'])"
    )
    out = run_python(
        code,
        env={
            "DJANGO_SETTINGS_MODULE": "backend.settings",
            "EMAIL_FILE_PATH": "/tmp/x",
            "EMAIL_HOST": "",
        },
    )

    assert out.strip().splitlines()[-1] == (
        "django.core.mail.backends.filebased.EmailBackend {'file_path': '/tmp/x'}"
    )


@pytest.mark.slow
@pytest.mark.parametrize("how", ["sigint", "supervisor-killed"])
def test_one_signal_stops_every_process(how):
    with tempfile.TemporaryDirectory(prefix="wt_i13_serve_") as directory:
        url = f"sqlite:///{directory}/serve.sqlite3"
        with stack.running_stack("serve", database_url=url) as app:
            supervisor = app.process.pid
            gunicorn, worker = app.pid("gunicorn"), app.pid("worker")
            pids = [gunicorn, worker, *children_of(gunicorn)]
            assert all(alive(pid) for pid in pids)
            if how == "sigint":
                app.process.send_signal(signal.SIGINT)
            else:
                app.process.kill()
            app.process.wait(timeout=30)
            stack.wait_for(lambda: not any(alive(pid) for pid in pids), seconds=30)

    assert len(pids) == 4  # gunicorn master, 2 gunicorn workers, the task worker
    assert [pid for pid in pids if alive(pid)] == []
    assert not alive(supervisor)
