import logging

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from activities.models import Registration
from core.ratelimit import client_address, hit
from tests.factories import KnowledgeSessionFactory

FORM = {
    "name": "Collega",
    "organisation": "Ziekenhuis Oost",
    "profession": "huisarts",
    "consent": "on",
}


def registration_form(n: int) -> dict:
    return {**FORM, "name": f"Collega {n}", "email": f"collega{n}@ziekenhuis.example.org"}


@pytest.mark.django_db
def test_forty_colleagues_behind_one_address_all_register(client):
    session = KnowledgeSessionFactory(capacity=60)
    url = reverse("activities:register", args=[session.pk])

    statuses = [client.post(url, registration_form(n)).status_code for n in range(40)]

    assert statuses == [200] * 40
    assert Registration.objects.filter(activity=session).count() == 40


@pytest.mark.django_db
def test_one_email_hammering_is_limited(client, settings):
    settings.REGISTRATION_EMAIL_RATE_LIMIT = "3/600"
    sessions = KnowledgeSessionFactory.create_batch(4)
    form = registration_form(1)

    statuses = [
        client.post(reverse("activities:register", args=[s.pk]), form).status_code for s in sessions
    ]

    assert statuses == [200, 200, 200, 429]


@pytest.mark.django_db
def test_one_activity_flooded_is_limited(client, settings):
    settings.REGISTRATION_ACTIVITY_RATE_LIMIT = "5/600"
    session = KnowledgeSessionFactory(capacity=60)
    url = reverse("activities:register", args=[session.pk])

    statuses = [client.post(url, registration_form(n)).status_code for n in range(6)]

    assert statuses == [200] * 5 + [429]


@pytest.mark.django_db
def test_api_registration_limited_per_email(client, settings):
    settings.REGISTRATION_EMAIL_RATE_LIMIT = "1/600"
    session = KnowledgeSessionFactory()
    url = f"/api/activities/{session.pk}/registrations/"
    payload = {**registration_form(1), "consent": True}

    first = client.post(url, payload, content_type="application/json")
    second = client.post(url, payload, content_type="application/json")

    assert (first.status_code, second.status_code) == (201, 429)
    assert second["Retry-After"] == "60"


def test_forwarded_for_ignored_from_untrusted_sender(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    request = RequestFactory().get(
        "/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )

    assert client_address(request) == "203.0.113.9"


def test_forwarded_for_from_trusted_proxy_takes_last_untrusted_hop(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7, 10.1.2.3"
    )

    assert client_address(request) == "198.51.100.7"


def test_hit_counts_per_key_until_budget_used():
    cache.clear()

    results = [hit(key="test:a", rate="2/60") for _ in range(3)] + [hit(key="test:b", rate="2/60")]

    assert results == [False, False, True, False]


def test_hit_fails_open_when_cache_cannot_count(monkeypatch, caplog):
    from core.cache import CacheUnavailable

    def refuse(*args, **kwargs):
        raise CacheUnavailable("down")

    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    monkeypatch.setattr(cache, "incr", refuse)

    with caplog.at_level(logging.WARNING, logger="wijktour.ratelimit"):
        over = hit(key="register:1.2.3.4", rate="0/60")

    assert over is False
    assert "not counted (cache unavailable); allowing" in caplog.text
