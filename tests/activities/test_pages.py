import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities import services
from activities.models import Activity, Registration
from tests.factories import (
    CoordinatorFactory,
    KnowledgeSessionFactory,
    RegistrationFactory,
    ThemeFactory,
    TourFactory,
    WorkspaceFactory,
    next_weekday_at,
)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


FORM = {
    "name": "Jan de Boer",
    "email": "jan@huisarts.example.org",
    "organisation": "Huisartsenpraktijk Dapper",
    "profession": "huisarts",
    "bike_need": "ebike",
    "consent": "on",
}


@pytest.mark.django_db
def test_agenda_shows_seats_left_waiting_list_and_full(client):
    # Explicit days: the factories' default weekdays order tours and sessions differently
    # depending on today's weekday.
    first = next_weekday_at(1, 13)
    TourFactory(title="Open tour", capacity=3, starts_at=first)
    waitlisted = KnowledgeSessionFactory(
        title="Volle sessie", capacity=1, starts_at=first + dt.timedelta(days=2)
    )
    RegistrationFactory(activity=waitlisted)
    full = TourFactory(
        title="Dichte tour",
        capacity=1,
        waitlist_enabled=False,
        starts_at=first + dt.timedelta(days=1),
    )
    RegistrationFactory(activity=full)
    TourFactory(title="Concept", status=Activity.Status.DRAFT)

    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()

    assert re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', html) == [
        "Open tour",
        "Dichte tour",
        "Volle sessie",
    ]
    assert "3 seats left" in html
    assert "Waiting list" in html
    assert ">Full<" in html


@pytest.mark.django_db
def test_agenda_filters_by_kind_and_seats(client):
    TourFactory(title="Tour A", capacity=1)
    session = KnowledgeSessionFactory(title="Sessie B", capacity=1)
    RegistrationFactory(activity=session)

    only_sessions = client.get("/", {"kind": "session"}).content.decode()
    with_seats = client.get("/", {"has_seats": "true"}).content.decode()

    assert ("Sessie B" in only_sessions, "Tour A" in only_sessions) == (True, False)
    assert ("Sessie B" in with_seats, "Tour A" in with_seats) == (False, True)


@pytest.mark.django_db
def test_agenda_query_count_constant(client, django_assert_num_queries):
    expected = None
    created = 0
    for total in (1, 3, 50):
        for _ in range(total - created):
            tour = TourFactory()
            tour.themes.add(ThemeFactory())
            RegistrationFactory(activity=tour)
        created = total
        if expected is None:
            with CaptureQueriesContext(connection) as queries:
                client.get("/")
            expected = len(queries)
        else:
            with django_assert_num_queries(expected):
                response = client.get("/")
            assert response.content.decode().count('class="card activity-card"') == min(total, 30)


@pytest.mark.django_db
def test_register_page_confirms_and_mails_after_commit(
    client, smtp_server, django_capture_on_commit_callbacks
):
    tour = TourFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("activities:register", args=[tour.pk]), FORM)

    registration = Registration.objects.get()
    assert response.status_code == 200
    assert (registration.status, registration.bike_need, registration.domain) == (
        "confirmed",
        "ebike",
        "medisch",
    )
    assert [m["To"] for m in smtp_server.messages] == ["jan@huisarts.example.org"]


@pytest.mark.django_db
def test_register_page_without_consent_keeps_input_and_says_why(client):
    tour = TourFactory()

    response = client.post(reverse("activities:register", args=[tour.pk]), {**FORM, "consent": ""})

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["consent"]
    assert 'value="Jan de Boer"' in response.content.decode()
    assert Registration.objects.count() == 0


@pytest.mark.django_db
def test_register_page_full_without_waitlist_says_full(client):
    tour = TourFactory(capacity=1, waitlist_enabled=False)
    RegistrationFactory(activity=tour)

    response = client.post(reverse("activities:register", args=[tour.pk]), FORM)

    assert response.status_code == 409
    assert Registration.objects.count() == 1


@pytest.mark.django_db
def test_register_page_rate_limited(client, settings):
    settings.REGISTRATION_RATE_LIMIT = "1/60"
    tour = TourFactory()
    url = reverse("activities:register", args=[tour.pk])

    client.post(url, FORM)
    response = client.post(url, {**FORM, "email": "other@example.org"})

    assert response.status_code == 429


@pytest.mark.django_db
def test_cancel_link_get_changes_nothing_post_cancels(client):
    registration = RegistrationFactory()
    token = services.issue_cancel_token(registration=registration)
    url = reverse("activities:cancel", args=[token])

    shown = client.get(url)
    registration.refresh_from_db()
    status_after_get = registration.status
    client.post(url)
    registration.refresh_from_db()

    assert (shown.status_code, status_after_get, registration.status) == (
        200,
        "confirmed",
        "cancelled",
    )


@pytest.mark.django_db
def test_cancel_link_unknown_token_is_404(client):
    assert client.get(reverse("activities:cancel", args=["x" * 43])).status_code == 404


@pytest.mark.django_db
def test_personal_page_shows_online_link_only_when_confirmed(client):
    session = KnowledgeSessionFactory(online_url="https://meet.example.org/kenniscafe")
    confirmed = RegistrationFactory(activity=session)
    waiting = RegistrationFactory(activity=session, status=Registration.Status.WAITLISTED)

    seen = client.get(
        reverse(
            "activities:registration",
            args=[services.issue_cancel_token(registration=confirmed)],
        )
    )
    hidden = client.get(
        reverse("activities:registration", args=[services.issue_cancel_token(registration=waiting)])
    )

    assert "https://meet.example.org/kenniscafe" in seen.content.decode()
    assert "https://meet.example.org/kenniscafe" not in hidden.content.decode()
    assert (
        "https://meet.example.org/kenniscafe"
        not in client.get(session.get_absolute_url()).content.decode()
    )


@pytest.mark.django_db
def test_privacy_page_in_both_languages(client):
    assert "Privacyverklaring" in client.get("/privacy/").content.decode()
    client.cookies["django_language"] = "en"
    assert "Privacy notice" in client.get("/privacy/").content.decode()


@pytest.fixture
def coordinator_client(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))
    client.workspace = workspace
    return client


@pytest.mark.django_db
def test_attendee_list_other_workspace_is_404(coordinator_client):
    foreign = TourFactory()

    response = coordinator_client.get(reverse("activities:attendees", args=[foreign.pk]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_attendee_list_shows_mix_and_csv_export(coordinator_client):
    tour = TourFactory(workspace=coordinator_client.workspace)
    RegistrationFactory(activity=tour, name="Anna Huisarts")
    RegistrationFactory(activity=tour, name="Bram Wmo", profession="wmo_consulent")

    page = coordinator_client.get(reverse("activities:attendees", args=[tour.pk]))
    export = coordinator_client.get(reverse("activities:attendees_csv", args=[tour.pk]))

    assert [(n, p) for _label, n, p in page.context["mix"]] == [(1, 50), (1, 50)]
    rows = export.content.decode().splitlines()
    assert (export["Content-Type"], len(rows)) == ("text/csv; charset=utf-8", 3)


@pytest.mark.django_db
def test_check_in_page_marks_present_by_post(coordinator_client):
    tour = TourFactory(workspace=coordinator_client.workspace)
    registration = RegistrationFactory(activity=tour, name="Carla Wijkverpleging")
    url = reverse("activities:check_in", args=[tour.pk])

    found = coordinator_client.get(url, {"q": "carla"})
    coordinator_client.post(url, {"registration": registration.pk, "present": "1"})
    registration.refresh_from_db()

    assert [r.pk for r in found.context["registrations"]] == [registration.pk]
    assert registration.status == "attended"


@pytest.mark.django_db
def test_add_by_hand_remove_and_move_from_waitlist(coordinator_client):
    tour = TourFactory(workspace=coordinator_client.workspace, capacity=1)
    waiting = RegistrationFactory(activity=tour, status=Registration.Status.WAITLISTED)

    coordinator_client.post(
        reverse("activities:add_attendee", args=[tour.pk]),
        {**FORM, "email": "hand@example.org"},
    )
    added = Registration.objects.get(email="hand@example.org")
    coordinator_client.post(reverse("activities:remove_attendee", args=[tour.pk, added.pk]))
    waiting.refresh_from_db()

    assert added.status == "confirmed"
    assert waiting.status == "confirmed"  # promoted when the added person was removed


@pytest.mark.django_db
def test_no_shows_after_activity(coordinator_client):
    tour = TourFactory(workspace=coordinator_client.workspace)
    registration = RegistrationFactory(activity=tour)
    Activity.objects.filter(pk=tour.pk).update(starts_at=timezone.now() - dt.timedelta(hours=2))

    coordinator_client.post(reverse("activities:no_shows", args=[tour.pk]))
    registration.refresh_from_db()

    assert registration.status == "no_show"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["activities:attendees", "activities:check_in"])
def test_coordinator_lists_query_count_constant(
    coordinator_client, django_assert_num_queries, name
):
    tour = TourFactory(workspace=coordinator_client.workspace, capacity=100)
    url = reverse(name, args=[tour.pk])
    expected = None
    created = 0
    for total in (1, 3, 50):
        RegistrationFactory.create_batch(total - created, activity=tour)
        created = total
        if expected is None:
            with CaptureQueriesContext(connection) as queries:
                coordinator_client.get(url)
            expected = len(queries)
        else:
            with django_assert_num_queries(expected):
                response = coordinator_client.get(url)
            assert response.content.decode().count("Deelnemer ") >= total
