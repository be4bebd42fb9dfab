import subprocess
import sys

from ops.startup import insecure_defaults
from tests.ops.harness import ROOT

GOOD = {
    "SECRET_KEY": "k3J9x-vQ2mZ8rT5wY1uN7bC4hF6gD0sA_pL-eR2tX9qW",
    "SITE_URL": "https://wijktour.example.org",
    "ALLOWED_HOSTS": "wijktour.example.org",
    "EMAIL_HOST": "smtp.example.org",
}


def test_insecure_defaults_none_for_a_proper_environment():
    assert insecure_defaults(GOOD) == []


def test_insecure_defaults_names_each_problem():
    problems = insecure_defaults({"DEBUG": "true", "SITE_URL": "http://127.0.0.1:8000"})

    assert problems == [
        "SECRET_KEY is not set (or is the development key)",
        "DEBUG is on: tracebacks would show to visitors",
        "SITE_URL is not https:// (set ALLOW_HTTP=true only behind TLS)",
        "ALLOWED_HOSTS is not set (the host name of SITE_URL)",
        "EMAIL_HOST is not set: confirmations would go nowhere",
    ]


def test_insecure_defaults_short_key_and_missing_site_url():
    problems = insecure_defaults({**GOOD, "SECRET_KEY": "short", "SITE_URL": ""})

    assert problems == [
        "SECRET_KEY is too short or too simple (50 random characters)",
        "SITE_URL is not set: mailed links, QR codes and feeds need it",
    ]


def test_serve_refuses_to_start_in_production_with_defaults():
    env = {"PATH": "/usr/bin:/bin", "DJANGO_ENV": "production", "PORT": "1"}

    completed = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "serve.py"), "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert completed.returncode == 1
    assert completed.stderr.splitlines()[:2] == [
        "Refusing to start with DJANGO_ENV=production:",
        "  - SECRET_KEY is not set (or is the development key)",
    ]
