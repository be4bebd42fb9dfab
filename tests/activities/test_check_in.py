import pytest
from django.urls import reverse

from activities.models import Registration
from tests.factories import CoordinatorFactory, RegistrationFactory, TourFactory, WorkspaceFactory


@pytest.fixture
def coordinator_client(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))
    client.workspace = workspace
    return client


@pytest.mark.django_db
def test_check_in_by_fetch_answers_json_with_the_count(coordinator_client):
    tour = TourFactory(workspace=coordinator_client.workspace)
    registration = RegistrationFactory(activity=tour)
    RegistrationFactory(activity=tour)

    response = coordinator_client.post(
        reverse("activities:check_in", args=[tour.pk]),
        {"registration": registration.pk, "present": "1"},
        headers={"accept": "application/json"},
    )

    registration.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["present"] is True
    assert response.json()["status_text"] == "1 van 2 aanwezig"
    assert registration.status == Registration.Status.ATTENDED


@pytest.mark.django_db
def test_check_in_without_javascript_returns_to_the_same_row(coordinator_client):
    tour = TourFactory(workspace=coordinator_client.workspace)
    registration = RegistrationFactory(activity=tour)

    response = coordinator_client.post(
        reverse("activities:check_in", args=[tour.pk]),
        {"registration": registration.pk, "present": "1"},
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#checkin-{registration.pk}")


@pytest.mark.django_db
def test_walk_in_is_added_and_marked_present_from_the_check_in_page(coordinator_client):
    tour = TourFactory(workspace=coordinator_client.workspace)
    page = coordinator_client.get(reverse("activities:check_in", args=[tour.pk]))

    response = coordinator_client.post(
        reverse("activities:add_attendee", args=[tour.pk]),
        {
            "walk_in": "1",
            "name": "Inge Inloop",
            "email": "inge@example.org",
            "organisation": "Buurtteam",
            "profession": "sociaal_werker",
            "bike_need": "own",
        },
    )

    walk_in = Registration.objects.get(email="inge@example.org")
    assert 'name="walk_in"' in page.content.decode()
    assert "0 van 0 aanwezig" in page.content.decode()
    assert walk_in.status == Registration.Status.ATTENDED
    assert response["Location"].endswith(f"/check-in/#checkin-{walk_in.pk}")
