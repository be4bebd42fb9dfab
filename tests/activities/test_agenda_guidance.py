import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Registration
from tests.factories import CoordinatorFactory, RegistrationFactory, TourFactory, WorkspaceFactory


@pytest.mark.django_db
def test_agenda_drops_empty_parameters_from_the_address(client):
    response = client.get("/", {"q": "", "kind": "tour", "neighbourhood": "", "theme": ""})

    assert response.status_code == 302
    assert response["Location"] == "/?kind=tour"


@pytest.mark.django_db
def test_agenda_with_nothing_chosen_goes_to_the_plain_address(client):
    response = client.get("/", {"q": "", "kind": ""})

    assert response["Location"] == "/"


@pytest.mark.django_db
def test_agenda_offers_clear_filters_only_when_filtered(client):
    plain = client.get("/").content.decode()
    filtered = client.get("/", {"kind": "tour"}).content.decode()

    assert "Filters wissen" not in plain
    assert '<a href="/">Filters wissen</a>' in filtered
    assert "Alle wijken" in plain and "---------" not in plain


@pytest.mark.django_db
def test_agenda_card_shows_end_time_and_meeting_point(client):
    tour = TourFactory(venue_name="Buurtcentrum Javaplein")

    html = client.get("/").content.decode()

    assert f">{timezone.localtime(tour.ends_at):%H:%M}</time>" in html
    assert "Verzamelpunt: Buurtcentrum Javaplein" in html


@pytest.mark.django_db
def test_full_activity_without_waiting_list_says_so_before_the_form(client):
    tour = TourFactory(capacity=1, waitlist_enabled=False)
    RegistrationFactory(activity=tour)

    html = client.get(reverse("activities:register", args=[tour.pk])).content.decode()

    assert "Deze activiteit is vol en heeft geen wachtlijst." in html
    assert 'name="email"' not in html


@pytest.mark.django_db
def test_full_activity_with_waiting_list_warns_above_the_form(client):
    tour = TourFactory(capacity=1, waitlist_enabled=True)
    RegistrationFactory(activity=tour)

    html = client.get(reverse("activities:register", args=[tour.pk])).content.decode()

    assert html.index("je komt op de wachtlijst") < html.index('name="email"')
    assert "Kies je beroep" in html


@pytest.mark.django_db
def test_dashboard_coming_up_excludes_ended_and_links_titles(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))
    now = timezone.now()
    TourFactory(
        workspace=workspace,
        title="Vanochtend",
        starts_at=now - dt.timedelta(hours=4),
        ends_at=now - dt.timedelta(hours=1),
    )
    coming = TourFactory(workspace=workspace, title="Volgende week")

    html = client.get("/manage/").content.decode()

    assert "Vanochtend" not in html
    assert f'<a href="{reverse("tours:manage_editor", args=[coming.pk])}">Volgende week</a>' in html
    assert Registration.objects.count() == 0
