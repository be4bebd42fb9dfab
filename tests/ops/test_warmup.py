import logging

import pytest
from django.core.cache import cache

from ops import warmup
from tests.factories import KnowledgeSessionFactory, TourFactory

CALLS: list[str] = []


def hook() -> None:
    CALLS.append("routing")


def failing_hook() -> None:
    raise RuntimeError("no engine")


def test_template_names_cover_project_and_app_templates():
    names = warmup.template_names()

    assert {"base.html", "activities/agenda.html", "feeds/partner_feed_settings.html"} <= set(names)


@pytest.mark.django_db
def test_warm_up_runs_every_step_then_the_hooks_and_survives_a_failing_one(
    settings, caplog, monkeypatch
):
    # Importing folium and OR-Tools takes seconds; that they import is not what is tested.
    monkeypatch.setattr(warmup, "MODULES", ("icalendar", "no_such_module_here"))
    TourFactory()
    settings.WARMUP_HOOKS = ["tests.ops.test_warmup.failing_hook", "tests.ops.test_warmup.hook"]
    CALLS.clear()

    with caplog.at_level(logging.INFO, logger="ops.warmup"):
        timings = warmup.warm_up()

    assert list(timings) == [
        "modules",
        "urls",
        "translations",
        "templates",
        "forms",
        "pages",
        "tests.ops.test_warmup.failing_hook",
        "tests.ops.test_warmup.hook",
    ]
    assert CALLS == ["routing"]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == [
        "warm-up step tests.ops.test_warmup.failing_hook failed"
    ]


@pytest.mark.django_db
def test_serve_pages_answers_every_public_page_and_fills_no_cache(settings, caplog):
    settings.PUBLIC_CACHE_SECONDS = 300
    cache.clear()
    tour, session = TourFactory(), KnowledgeSessionFactory()

    with caplog.at_level(logging.INFO, logger="ops.warmup"):
        warmup.serve_pages()

    assert warmup.public_paths() == [
        "/",
        "/feeds/activities.ics",
        "/api/partners/",
        "/api/activities/",
        tour.get_absolute_url(),
        session.get_absolute_url(),
    ]
    assert [r.getMessage() for r in caplog.records] == []
    assert [key for key in cache._cache if ":ops:page:" in key] == []


def test_warm_up_on_start_off_does_nothing(settings, monkeypatch):
    settings.WARMUP_ON_START = False
    monkeypatch.setattr(warmup, "warm_up", lambda: pytest.fail("warmed up"))

    warmup.warm_up_on_start()
