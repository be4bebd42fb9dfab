"""Security headers, CSRF, no state change on GET, and no mass assignment through the API."""

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from activities.models import Activity, Registration
from activities.services import issue_cancel_token, issue_feed_token
from ratings import services as rating_services
from ratings.models import Rating, RatingInvitation
from tests.factories import (
    CoordinatorFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    PastTourFactory,
    RegistrationFactory,
    TourFactory,
    UserFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.django_db


def page_urls() -> dict[str, str]:
    """One URL per page type: public list/detail, form, sign-in, manage, API, feed."""
    tour = TourFactory(status=Activity.Status.PUBLISHED)
    partner = PartnerFactory(workspace=tour.workspace)
    neighbourhood = NeighbourhoodFactory(workspace=tour.workspace)
    return {
        "agenda": "/",
        "sign-in": "/accounts/login/",
        "password reset": "/accounts/password_reset/",
        "neighbourhood": neighbourhood.get_absolute_url(),
        "partner": partner.get_absolute_url(),
        "tour": tour.get_absolute_url(),
        "manage": "/manage/",
        "api": "/api/partners/",
        "feed": "/feeds/activities.ics",
    }


def test_headers_on_every_page_type():
    urls = page_urls()
    client = Client()
    client.force_login(CoordinatorFactory())

    for kind, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, kind
        csp = response.headers.get("Content-Security-Policy", "")
        directives = dict(
            [*part.strip().split(" ", 1), ""][:2] for part in csp.split(";") if part.strip()
        )
        if response.headers["Content-Type"].startswith("text/html"):
            assert "'self'" in directives["script-src"], kind
            assert "unsafe-inline" not in directives["script-src"], kind
            assert directives["frame-ancestors"] == "'none'", kind
        assert response.headers["X-Content-Type-Options"] == "nosniff", kind
        assert response.headers["Referrer-Policy"] == "same-origin", kind
        assert response.headers["X-Frame-Options"] == "DENY", kind


@override_settings(
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
)
def test_production_cookies_and_hsts():
    UserFactory(username="sanne")
    client = Client()
    login_page = client.get("/accounts/login/", secure=True)
    response = client.post(
        "/accounts/login/",
        {"username": "sanne", "password": "correct-horse-battery"},
        secure=True,
    )

    session = response.cookies["sessionid"]
    csrf = login_page.cookies["csrftoken"]
    assert session["httponly"] is True
    assert session["secure"] is True
    assert session["samesite"] == "Lax"
    assert csrf["secure"] is True
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_csrf_enforced_on_state_changing_pages():
    workspace = WorkspaceFactory()
    coordinator = CoordinatorFactory(workspace=workspace)
    tour = TourFactory(status=Activity.Status.PUBLISHED, workspace=workspace)
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)

    posts = {
        "/accounts/login/": {"username": "x", "password": "y"},
        "/accounts/password_reset/": {"email": "x@example.org"},
        f"/activities/{tour.pk}/register/": {"name": "X", "email": "x@example.org"},
        "/manage/invitations/": {"email": "x@example.org", "role": "coordinator"},
        "/manage/api-tokens/": {"name": "CRM"},
        "/accounts/security/": {"action": "start"},
        "/accounts/logout/": {},
    }
    statuses = {url: client.post(url, data).status_code for url, data in posts.items()}

    assert statuses == dict.fromkeys(posts, 403)
    assert Registration.objects.count() == 0


def test_cancel_link_get_changes_nothing(client):
    registration = RegistrationFactory(activity=TourFactory(status=Activity.Status.PUBLISHED))
    token = issue_cancel_token(registration=registration)

    response = client.get(f"/registrations/{token}/cancel/")

    assert response.status_code == 200
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_rating_link_get_changes_nothing(client):
    registration = RegistrationFactory(
        activity=PastTourFactory(), status=Registration.Status.ATTENDED
    )
    token, token_hash = rating_services.new_token()
    now = timezone.now()
    invitation = RatingInvitation.objects.create(
        registration=registration,
        token_hash=token_hash,
        sent_at=now,
        expires_at=now + timezone.timedelta(days=30),
    )

    response = client.get(f"/ratings/{token}/")

    assert response.status_code == 200
    assert Rating.objects.count() == 0
    invitation.refresh_from_db()
    assert invitation.token_hash == token_hash


def test_personal_feed_get_changes_nothing(client):
    registration = RegistrationFactory(activity=TourFactory(status=Activity.Status.PUBLISHED))
    token = issue_feed_token(registration=registration)
    before = Registration.objects.values().get(pk=registration.pk)

    response = client.get(f"/feeds/personal/{token}.ics")

    assert response.status_code == 200
    assert Registration.objects.values().get(pk=registration.pk) == before


def test_api_ignores_mass_assigned_fields():
    workspace = WorkspaceFactory(slug="eigen")
    foreign = WorkspaceFactory(slug="vreemd")
    coordinator = CoordinatorFactory(workspace=workspace)
    partner = PartnerFactory(workspace=workspace)
    tour = TourFactory(workspace=workspace, status=Activity.Status.DRAFT, capacity=20)
    api = APIClient()
    api.force_authenticate(coordinator)

    partner_response = api.patch(
        f"/api/partners/{partner.slug}/",
        {"workspace": "vreemd", "is_staff": True, "id": 999},
        format="json",
    )
    tour_response = api.patch(
        f"/api/tours/{tour.pk}/",
        {
            "workspace": foreign.pk,
            "status": "published",
            "confirmed_count": 99,
            "waitlisted_count": 99,
            "seats_left": 99,
            "is_staff": True,
            "sequence": 40,
        },
        format="json",
    )

    assert partner_response.status_code in (200, 400)
    assert tour_response.status_code in (200, 400)
    partner.refresh_from_db()
    tour.refresh_from_db()
    coordinator.refresh_from_db()
    assert partner.workspace == workspace
    assert partner.pk != 999
    assert (tour.workspace, tour.status, tour.capacity) == (workspace, "draft", 20)
    assert tour.sequence != 40
    assert coordinator.is_staff is False


def test_registration_api_ignores_status_and_activity_counters():
    tour = TourFactory(status=Activity.Status.PUBLISHED, capacity=10)
    response = APIClient().post(
        f"/api/activities/{tour.pk}/registrations/",
        {
            "name": "Fatma Yilmaz",
            "email": "fatma@example.org",
            "organisation": "Praktijk",
            "profession": "huisarts",
            "consent": True,
            "status": "attended",
            "activity": 12345,
        },
        format="json",
    )

    registrations = list(Registration.objects.values_list("status", "activity_id"))
    assert response.status_code == 201, response.content
    assert registrations == [("confirmed", tour.pk)]
