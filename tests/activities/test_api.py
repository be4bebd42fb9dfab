import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from activities.models import Activity, Registration
from tests.factories import KnowledgeSessionFactory, RegistrationFactory, ThemeFactory, TourFactory


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def payload(n: int = 1, **extra) -> dict:
    return {
        "name": f"Fatima {n}",
        "email": f"fatima{n}@wijkteam.example.org",
        "organisation": "Wijkteam Oost",
        "profession": "wmo_consulent",
        "consent": True,
        **extra,
    }


def post(activity, data):
    return APIClient().post(f"/api/activities/{activity.pk}/registrations/", data, format="json")


@pytest.mark.django_db
def test_api_register_returns_201_confirmed_then_waitlisted():
    tour = TourFactory(capacity=1)

    first, second = post(tour, payload(1)), post(tour, payload(2))

    assert (first.status_code, first.json()["status"]) == (201, "confirmed")
    assert (second.status_code, second.json()["status"]) == (201, "waitlisted")


@pytest.mark.django_db
def test_api_register_full_without_waitlist_returns_409():
    tour = TourFactory(capacity=1, waitlist_enabled=False)
    post(tour, payload(1))

    response = post(tour, payload(2))

    assert response.status_code == 409


@pytest.mark.django_db
def test_api_register_bad_input_returns_per_field_400():
    tour = TourFactory()

    response = post(tour, {"name": "", "email": "not-an-email", "profession": "astronaut"})

    assert response.status_code == 400
    assert sorted(response.json()) == ["consent", "email", "name", "organisation", "profession"]
    assert Registration.objects.count() == 0


@pytest.mark.django_db
def test_api_register_refuses_consent_false_and_extra_fields_ignored():
    tour = TourFactory()

    refused = post(tour, payload(1, consent=False))
    accepted = post(tour, payload(2, status="attended", activity=999, domain="wonen"))

    assert refused.status_code == 400
    assert list(refused.json()) == ["consent"]
    registration = Registration.objects.get()
    assert (accepted.status_code, registration.status, registration.domain) == (
        201,
        "confirmed",
        "sociaal",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [
        {"status": Activity.Status.CANCELLED},
        {"starts_at": timezone.now() - dt.timedelta(days=1)},
        {"registration_deadline": timezone.now() - dt.timedelta(minutes=1)},
    ],
)
def test_api_register_closed_activity_returns_400(changes):
    tour = TourFactory()
    Activity.objects.filter(pk=tour.pk).update(**changes)

    response = post(tour, payload())

    assert response.status_code == 400
    assert list(response.json()) == ["activity"]


@pytest.mark.django_db
def test_api_register_same_email_is_indistinguishable_and_takes_no_seat():
    tour = TourFactory(capacity=3)
    post(tour, payload(1))

    again = post(tour, payload(1))
    new = post(tour, payload(2))

    assert (again.status_code, again.json()) == (new.status_code, new.json())
    assert Registration.objects.filter(activity=tour).count() == 2


@pytest.mark.django_db
def test_api_register_rate_limited_per_address(settings):
    settings.REGISTRATION_RATE_LIMIT = "2/60"
    tour = TourFactory(capacity=10)

    codes = [post(tour, payload(n)).status_code for n in range(3)]

    assert codes == [201, 201, 429]


@pytest.mark.django_db
def test_api_cancel_by_token_promotes_waiting():
    from activities.services import issue_cancel_token

    tour = TourFactory(capacity=1)
    seated = RegistrationFactory(activity=tour)
    waiting = RegistrationFactory(activity=tour, status=Registration.Status.WAITLISTED)
    token = issue_cancel_token(registration=seated)

    response = APIClient().post("/api/registrations/cancel/", {"token": token}, format="json")
    unknown = APIClient().post("/api/registrations/cancel/", {"token": "nope"}, format="json")

    assert (response.status_code, unknown.status_code) == (200, 404)
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


@pytest.mark.django_db
def test_api_activities_lists_both_kinds_with_filters():
    theme = ThemeFactory(slug="eenzaamheid")
    tour = TourFactory(title="Fietsen door Oost", capacity=2)
    tour.themes.add(theme)
    # After the tour whatever today's weekday (the factories' defaults are weekdays).
    session = KnowledgeSessionFactory(
        title="Kenniscafé dementie", capacity=1, starts_at=tour.starts_at + dt.timedelta(days=1)
    )
    RegistrationFactory(activity=session)
    KnowledgeSessionFactory(status=Activity.Status.DRAFT)
    client = APIClient()

    everything = client.get("/api/activities/").json()
    by_kind = client.get("/api/activities/", {"kind": "session"}).json()
    with_seats = client.get("/api/activities/", {"has_seats": "true"}).json()
    by_theme = client.get("/api/activities/", {"theme": "eenzaamheid"}).json()
    by_text = client.get("/api/activities/", {"q": "dementie"}).json()

    assert [a["id"] for a in everything["results"]] == sorted([tour.pk, session.pk])
    assert [a["id"] for a in by_kind["results"]] == [session.pk]
    assert [a["id"] for a in with_seats["results"]] == [tour.pk]
    assert [a["id"] for a in by_theme["results"]] == [tour.pk]
    assert [a["id"] for a in by_text["results"]] == [session.pk]
    full = next(a for a in everything["results"] if a["id"] == session.pk)
    assert (full["seats_left"], full["availability"]) == (0, "waiting_list")


@pytest.mark.django_db
def test_api_sessions_lists_sessions_without_online_link():
    session = KnowledgeSessionFactory(online_url="https://meet.example.org/geheim")
    TourFactory()

    results = APIClient().get("/api/sessions/").json()["results"]

    assert [s["id"] for s in results] == [session.pk]
    assert "online_url" not in results[0]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/activities/", "/api/sessions/"])
def test_api_activities_query_count_constant(django_assert_num_queries, url):
    client = APIClient()
    expected = None
    created = 0
    for total in (1, 3, 50):
        for _ in range(total - created):
            session = KnowledgeSessionFactory()
            session.themes.add(ThemeFactory())
            RegistrationFactory(activity=session)
        created = total
        if expected is None:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            expected = len(queries)
        else:
            with django_assert_num_queries(expected):
                response = client.get(url)
        assert response.json()["count"] == total
