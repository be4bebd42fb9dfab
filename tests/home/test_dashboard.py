"""The coordinator's dashboard (home.views.dashboard at /manage/)."""

import pytest
from django.shortcuts import resolve_url
from django.urls import reverse

from tests.factories import (
    CoordinatorFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    RegistrationFactory,
    TourFactory,
    UserFactory,
)


@pytest.mark.django_db
def test_dashboard_lists_coordinator_neighbourhoods(client):
    coordinator = CoordinatorFactory()
    workspace = coordinator.memberships.get().workspace
    NeighbourhoodFactory(workspace=workspace, name="Indische Buurt")
    NeighbourhoodFactory(name="Elders")
    client.force_login(coordinator)

    response = client.get("/manage/")

    assert response.status_code == 200
    assert "Indische Buurt" in response.text
    assert "Elders" not in response.text


@pytest.mark.django_db
def test_dashboard_refuses_non_coordinator(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("someone", password="x" * 12))

    assert client.get("/manage/").status_code == 403


@pytest.mark.django_db
def test_dashboard_sends_partner_editor_to_their_partners(client):
    editor = UserFactory()
    PartnerFactory().editors.add(editor)
    client.force_login(editor)

    response = client.get("/manage/")

    assert response.status_code == 302
    assert response.url == "/manage/partners/"


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3, 50])
def test_dashboard_query_count_is_constant(client, django_assert_num_queries, count):
    coordinator = CoordinatorFactory()
    workspace = coordinator.memberships.get().workspace
    for tour in TourFactory.create_batch(count, workspace=workspace):
        RegistrationFactory(activity=tour)
    client.force_login(coordinator)

    # 8: one of them reads the accreditation deadlines (accreditation/_dashboard_due.html).
    with django_assert_num_queries(8):
        response = client.get("/manage/")

    assert response.status_code == 200
    assert response.text.count("/check-in/") == min(count, 20)


def test_dashboard_url_name_is_manage():
    assert reverse("home:dashboard") == "/manage/"


def test_dashboard_is_where_sign_in_lands(settings):
    assert resolve_url(settings.LOGIN_REDIRECT_URL) == "/manage/"
