import re

import pytest
from django.http import HttpResponse
from django.test import Client

from activities import services
from activities.models import Registration
from core.vocab import Profession
from ops.cache import replay, store
from tests.factories import (
    CoordinatorFactory,
    KnowledgeSessionFactory,
    RegistrationFactory,
    StopFactory,
    ThemeFactory,
    TourFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_cache")]

NONCE = re.compile(r"'nonce-([^']+)'")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_agenda_second_request_served_from_cache_without_queries(client, django_assert_num_queries):
    TourFactory(title="Fietstour Oost")
    first = client.get("/")

    with django_assert_num_queries(0):
        second = client.get("/")

    assert first["X-Cache"] == "miss"
    assert second["X-Cache"] == "hit"
    assert second.status_code == 200
    assert "Fietstour Oost" in second.content.decode()


def test_agenda_hit_carries_fresh_csrf_token_and_cookie(client):
    TourFactory()
    client.get("/")

    pages = [Client().get("/") for _ in range(2)]

    tokens = [CSRF.search(page.content.decode()).group(1) for page in pages]
    assert [page["X-Cache"] for page in pages] == ["hit", "hit"]
    assert tokens[0] != tokens[1]
    assert ["csrftoken" in page.cookies for page in pages] == [True, True]


def test_replay_gives_each_visitor_a_fresh_csp_nonce(rf):
    rendered = HttpResponse('<script nonce="abc123XYZ">go()</script>')
    rendered["Content-Security-Policy"] = "script-src 'self' 'nonce-abc123XYZ'"
    page = store(rendered)

    replayed = [replay(rf.get("/"), page) for _ in range(2)]

    nonces = [NONCE.search(response["Content-Security-Policy"]).group(1) for response in replayed]
    assert nonces[0] != nonces[1]
    assert "abc123XYZ" not in nonces
    assert [response.content.decode() for response in replayed] == [
        f'<script nonce="{nonce}">go()</script>' for nonce in nonces
    ]


def test_agenda_language_switch_posts_with_token_from_cached_page(client):
    TourFactory()
    Client().get("/")
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/")
    token = CSRF.search(page.content.decode())

    response = visitor.post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token.group(1)}
    )

    assert page["X-Cache"] == "hit"
    assert response.status_code == 302


def test_agenda_shows_new_title_after_activity_saved(client, django_capture_on_commit_callbacks):
    tour = TourFactory(title="Fietstour Oost")
    client.get("/")

    with django_capture_on_commit_callbacks(execute=True):
        tour.title = "Fietstour West"
        tour.save()
    response = client.get("/")

    assert response["X-Cache"] == "miss"
    assert "Fietstour West" in response.content.decode()
    assert "Fietstour Oost" not in response.content.decode()


def test_agenda_seats_left_change_after_registration(client, django_capture_on_commit_callbacks):
    session = KnowledgeSessionFactory(capacity=5)
    before = client.get("/")

    with django_capture_on_commit_callbacks(execute=True):
        services.register(
            activity_id=session.pk,
            registrant=services.Registrant(
                name="An de Vries",
                email="an@praktijk.example.org",
                organisation="Praktijk",
                profession=Profession.GP,
                phone="",
                bike_need="",
                notes="",
                language="nl",
            ),
        )
    after = client.get("/")

    assert Registration.objects.filter(activity=session).count() == 1
    assert after["X-Cache"] == "miss"
    assert after.content != before.content


def test_agenda_invalidated_when_theme_added(client, django_capture_on_commit_callbacks):
    tour = TourFactory()
    client.get("/")
    theme = ThemeFactory(name="Eenzaamheid")

    with django_capture_on_commit_callbacks(execute=True):
        tour.themes.add(theme)
    response = client.get("/")

    assert response["X-Cache"] == "miss"


def test_agenda_for_signed_in_coordinator_never_cached(client):
    TourFactory()
    client.force_login(CoordinatorFactory())
    client.get("/")

    response = client.get("/")

    assert response.has_header("X-Cache") is False


def test_agenda_varies_on_language(client):
    TourFactory()
    dutch = client.get("/")
    client.cookies["django_language"] = "en"
    english = client.get("/")
    english_again = client.get("/")

    assert [dutch["X-Cache"], english["X-Cache"], english_again["X-Cache"]] == [
        "miss",
        "miss",
        "hit",
    ]
    assert dutch["Content-Language"] == "nl"
    assert english_again["Content-Language"] == "en"
    assert english_again.content != dutch.content


def test_feed_conditional_request_answered_304_from_cache_without_queries(
    client, django_assert_num_queries
):
    TourFactory(title="Fietstour Oost")
    first = client.get("/feeds/activities.ics")

    with django_assert_num_queries(0):
        again = client.get("/feeds/activities.ics", headers={"If-None-Match": first["ETag"]})
        full = client.get("/feeds/activities.ics")

    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert full.status_code == 200
    assert full.content == first.content


def test_feed_shows_new_activity_in_neighbourhood(client, django_capture_on_commit_callbacks):
    tour = TourFactory(title="Eerste tour")
    feed = f"/feeds/neighbourhoods/{tour.neighbourhood.slug}.ics"
    first = client.get(feed)

    with django_capture_on_commit_callbacks(execute=True):
        TourFactory(title="Tweede tour", workspace=tour.workspace, neighbourhood=tour.neighbourhood)
    again = client.get(feed, headers={"If-None-Match": first["ETag"]})

    assert again.status_code == 200
    assert again["X-Cache"] == "miss"
    assert again["ETag"] != first["ETag"]
    assert "Tweede tour" in again.content.decode()


def test_feed_cache_invalidated_when_stop_deleted(client, django_capture_on_commit_callbacks):
    stop = StopFactory()
    feed = f"/feeds/partners/{stop.partner.slug}.ics"
    client.get(feed)

    with django_capture_on_commit_callbacks(execute=True):
        stop.delete()
    response = client.get(feed)

    assert response["X-Cache"] == "miss"


def test_personal_feed_never_cached(client):
    registration = RegistrationFactory()
    token = services.issue_feed_token(registration=registration)
    client.get(f"/feeds/personal/{token}.ics")

    response = client.get(f"/feeds/personal/{token}.ics")

    assert response.status_code == 200
    assert response.has_header("X-Cache") is False
