"""Warm a fresh worker before it serves: the first request should cost what the others do.

A fresh worker's first request used to pay 1.2-2.0 s once: importing the libraries a page
needs on first use (icalendar, folium, DRF's serialisers and schema), populating the URL
resolver, loading the translation catalogues and compiling the templates. `warm_up()` does
that work at start (backend/wsgi.py calls it when WARMUP_ON_START is on, by default in
production), then serves a few public pages to itself (the agenda, the activities feed, the
partner API, a tour and a kenniscafé) so that what is only built on first use (ORM
compilers, serialiser fields, middleware state, lazy imports) is built too. Those requests
only read; they skip the public page cache (a session cookie that matches no session), and
the database connections are closed afterwards, so a preloading master can fork safely.

Extension point: WARMUP_HOOKS lists dotted paths of functions (no arguments) to run after
the built-in steps, e.g. loading the routing engine (issue 11's Valhalla actor). A failing
step is logged and skipped: a worker that cannot warm up still serves.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Imported on first use by some page or feed; each costs tens to hundreds of ms.
MODULES = (
    "icalendar",
    "feeds.writer",
    "feeds.views",
    "folium",
    "branca.element",
    "jinja2",
    "rest_framework.serializers",
    "rest_framework.renderers",
    "rest_framework.templatetags.rest_framework",
    "django_filters.rest_framework",
    "drf_spectacular.openapi",
    "ortools.constraint_solver.pywrapcp",
    "gpxpy",
    "brotli",
    "qrcode",
)
_done = False


def import_modules() -> None:
    for name in MODULES:
        try:
            import_module(name)
        except ImportError:
            logger.info("warm-up: %s not installed", name)


def populate_urls() -> None:
    from django.urls import get_resolver, reverse

    resolver = get_resolver()
    # Builds the reverse dictionaries (per language) and every app's namespace.
    for namespace in resolver.namespace_dict:
        resolver.namespace_dict[namespace][1]._populate()
    reverse("activities:agenda")


def load_translations() -> None:
    from django.utils import translation

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Agenda")


def template_names() -> list[str]:
    """Every template of our own apps and the project's templates/ directory."""
    roots = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    base = Path(settings.BASE_DIR)
    roots += [p for p in base.glob("*/templates") if not p.is_relative_to(base / ".venv")]
    names = []
    for root in roots:
        names += [
            path.relative_to(root).as_posix()
            for path in root.rglob("*")
            if path.suffix in {".html", ".txt", ".xml", ".ics", ".js"}
        ]
    return sorted(set(names))


def compile_templates() -> None:
    """Compile our templates once; the cached loader (on whenever DEBUG is off) keeps them."""
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from django.template.loader import get_template

    for name in template_names():
        try:
            get_template(name)
        except (TemplateDoesNotExist, TemplateSyntaxError):
            logger.debug("warm-up: template %s skipped", name)


def render_forms() -> None:
    """Form rendering builds the form renderer's own template engine on first use."""
    from django import forms

    class Probe(forms.Form):
        name = forms.CharField()
        choice = forms.ChoiceField(choices=[("a", "a")])

    str(Probe())


def public_paths() -> list[str]:
    from activities.models import Activity

    paths = ["/", "/feeds/activities.ics", "/api/partners/", "/api/activities/"]
    for kind in (Activity.Kind.TOUR, Activity.Kind.SESSION):
        activity = (
            Activity.objects.filter(kind=kind, status=Activity.Status.PUBLISHED)
            .only("pk", "kind")
            .first()
        )
        if activity is not None:
            paths.append(activity.get_absolute_url())
    return paths


def serve_pages() -> None:
    from django.db import connections
    from django.test import Client

    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h not in {"*", ""}), "localhost")
    client = Client(raise_request_exception=False, HTTP_HOST=host)
    # Past SECURE_SSL_REDIRECT as the proxy's requests are; past the page cache.
    client.cookies[settings.SESSION_COOKIE_NAME] = "warm-up"
    try:
        for path in public_paths():
            response = client.get(path, secure=True, HTTP_X_FORWARDED_PROTO="https")
            if response.status_code >= 400:
                logger.info("warm-up: %s answered %s", path, response.status_code)
    finally:
        # Inside a transaction (a test) the connection is not ours to close.
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:
                connection.close()


STEPS: tuple[tuple[str, Callable[[], None]], ...] = (
    ("modules", import_modules),
    ("urls", populate_urls),
    ("translations", load_translations),
    ("templates", compile_templates),
    ("forms", render_forms),
    ("pages", serve_pages),
)


def warm_up() -> dict[str, float]:
    """Run every step and each WARMUP_HOOKS function; return seconds per step."""
    timings: dict[str, float] = {}
    hooks = [(path, import_string(path)) for path in getattr(settings, "WARMUP_HOOKS", [])]
    for name, step in (*STEPS, *hooks):
        began = time.perf_counter()
        try:
            step()
        except Exception:
            logger.exception("warm-up step %s failed", name)
        timings[name] = time.perf_counter() - began
    logger.info(
        "warm-up done in %.0f ms: %s",
        sum(timings.values()) * 1000,
        ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in timings.items()),
    )
    return timings


def warm_up_on_start() -> None:
    """Called once by backend/wsgi.py (and asgi.py) after the application is loaded."""
    global _done
    if _done or not getattr(settings, "WARMUP_ON_START", False):
        return
    _done = True
    warm_up()
