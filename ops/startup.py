"""Start-up checks for `make serve` with DJANGO_ENV=production. Pure: reads a mapping of
environment variables, imports no Django, so the supervisor can run it before anything else."""

from __future__ import annotations

from collections.abc import Mapping

INSECURE_DEFAULT_KEY = "django-insecure-wijktour-development-key-do-not-use-in-production"
TRUE = {"1", "true", "yes", "on"}


def insecure_defaults(environ: Mapping[str, str]) -> list[str]:
    """What keeps this environment from serving real people safely; empty when fine."""
    problems = []
    key = environ.get("SECRET_KEY", "")
    if not key or key == INSECURE_DEFAULT_KEY or key.startswith("django-insecure"):
        problems.append("SECRET_KEY is not set (or is the development key)")
    elif len(key) < 32 or len(set(key)) < 5:
        problems.append("SECRET_KEY is too short or too simple (50 random characters)")
    if environ.get("DEBUG", "").strip().lower() in TRUE:
        problems.append("DEBUG is on: tracebacks would show to visitors")
    site_url = environ.get("SITE_URL", "")
    if not site_url:
        problems.append("SITE_URL is not set: mailed links, QR codes and feeds need it")
    elif not site_url.startswith("https://") and environ.get("ALLOW_HTTP", "") not in TRUE:
        problems.append("SITE_URL is not https:// (set ALLOW_HTTP=true only behind TLS)")
    if not environ.get("ALLOWED_HOSTS"):
        problems.append("ALLOWED_HOSTS is not set (the host name of SITE_URL)")
    if not environ.get("EMAIL_HOST"):
        problems.append("EMAIL_HOST is not set: confirmations would go nowhere")
    return problems
