import re

import pytest
from django.urls import reverse
from lxml import etree

from activities.models import Activity
from tests.factories import (
    ContactFactory,
    CoordinatorFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    StopFactory,
    TourFactory,
    WorkspaceFactory,
    next_weekday_at,
)
from tours import services
from tours.models import Tour

pytestmark = pytest.mark.django_db
GPX_XSD = "tests/fixtures/gpx-1.1.xsd"


def composed_tour(**kwargs) -> Tour:
    tour = TourFactory(status=Activity.Status.DRAFT, **kwargs)
    partners = [
        PartnerFactory(
            workspace=tour.workspace,
            name=f"Partner {i}",
            latitude=52.361 + i * 0.002,
            longitude=4.931 + i * 0.001,
            neighbourhoods=[tour.neighbourhood],
        )
        for i in range(3)
    ]
    services.set_stops(tour=tour, partner_ids=[p.pk for p in partners])
    services.publish_tour(tour=tour)
    tour.refresh_from_db()
    return tour


def test_tour_detail_shows_map_with_numbered_stops_and_hides_hosts(client):
    tour = composed_tour()
    stop = tour.stops.order_by("position").first()
    services.update_stop(stop=stop, host=ContactFactory(partner=stop.partner, name="Els Bakker"))
    response = client.get(reverse("tours:detail", args=[tour.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class=\\"marker-number\\"') == 3
    assert "Els Bakker" not in html
    assert "Partner 0" in html


def test_tour_detail_shows_hosts_to_coordinator(client):
    tour = composed_tour()
    stop = tour.stops.order_by("position").first()
    services.update_stop(stop=stop, host=ContactFactory(partner=stop.partner, name="Els Bakker"))
    client.force_login(CoordinatorFactory(workspace=tour.workspace))
    html = client.get(reverse("tours:detail", args=[tour.pk])).content.decode()
    assert "Els Bakker" in html


def test_tour_map_loads_nothing_from_another_host(client):
    tour = composed_tour()
    for name in ("tours:detail", "tours:programme"):
        html = client.get(reverse(name, args=[tour.pk])).content.decode()
        sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
        assert sources
        assert [s for s in sources if s.startswith(("http:", "https:", "//"))] == []


def test_draft_tour_is_not_public(client):
    tour = TourFactory(status=Activity.Status.DRAFT)
    assert client.get(reverse("tours:detail", args=[tour.pk])).status_code == 404
    assert client.get(reverse("tours:gpx", args=[tour.pk])).status_code == 404


def test_gpx_validates_against_schema(client):
    tour = composed_tour()
    response = client.get(f"/tours/{tour.pk}/route.gpx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/gpx+xml"
    schema = etree.XMLSchema(etree.parse(GPX_XSD))
    document = etree.fromstring(response.content)
    schema.assertValid(document)
    ns = {"g": "http://www.topografix.com/GPX/1/1"}
    names = document.xpath("//g:wpt/g:name/text()", namespaces=ns)
    stops = tour.stops.order_by("position").select_related("partner")
    assert names[1:4] == [f"{s.position}. {s.partner.name}" for s in stops]
    assert len(document.xpath("//g:trkpt", namespaces=ns)) == 5


def test_programme_page_has_print_stylesheet(client):
    tour = composed_tour()
    html = client.get(reverse("tours:programme", args=[tour.pk])).content.decode()
    assert 'css/tours-print.css" media="print"' in html


def test_manage_pages_are_workspace_scoped(client):
    tour = composed_tour()
    client.force_login(CoordinatorFactory(workspace=WorkspaceFactory()))
    for name in ("tours:manage_editor", "tours:manage_edit", "tours:manage_stops"):
        assert client.get(reverse(name, args=[tour.pk])).status_code == 404
    assert client.post(reverse("tours:manage_cancel", args=[tour.pk])).status_code == 404
    tour.refresh_from_db()
    assert tour.status == Activity.Status.PUBLISHED


def test_manage_pages_refuse_non_coordinators(client):
    tour = composed_tour()
    client.force_login(PartnerFactory().editors.model.objects.create_user("someone"))
    assert client.get(reverse("tours:manage_editor", args=[tour.pk])).status_code == 403


def test_coordinator_creates_picks_and_publishes(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))
    neighbourhood = NeighbourhoodFactory(workspace=workspace)
    partners = [
        PartnerFactory(workspace=workspace, neighbourhoods=[neighbourhood]) for _ in range(3)
    ]
    starts = next_weekday_at(1, 13)
    response = client.post(
        reverse("tours:manage_create"),
        {
            "title": "Wijktour Oost",
            "neighbourhood": neighbourhood.pk,
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "capacity": 20,
            "venue_partner": partners[0].pk,
            "leg_buffer_minutes": 5,
        },
    )
    tour = Tour.objects.get(title="Wijktour Oost")
    assert response.status_code == 302
    assert response["Location"] == reverse("tours:manage_stops", args=[tour.pk])
    assert client.get(response["Location"]).status_code == 200
    response = client.post(
        reverse("tours:manage_stops", args=[tour.pk]),
        {"partners": [p.pk for p in partners[1:]], "visit_minutes": 20},
    )
    assert response.status_code == 302
    assert client.get(reverse("tours:manage_editor", args=[tour.pk])).status_code == 200
    client.post(reverse("tours:manage_publish", args=[tour.pk]))
    tour.refresh_from_db()
    assert tour.status == Activity.Status.PUBLISHED
    assert sorted(tour.stops.values_list("visit_minutes", flat=True)) == [20, 20]


def test_create_form_shows_errors_for_missing_meeting_point(client):
    workspace = WorkspaceFactory()
    client.force_login(CoordinatorFactory(workspace=workspace))
    neighbourhood = NeighbourhoodFactory(workspace=workspace)
    response = client.post(
        reverse("tours:manage_create"),
        {"title": "X", "neighbourhood": neighbourhood.pk, "starts_at": "2030-01-01T13:00"},
    )
    assert response.status_code == 200
    assert Tour.objects.count() == 0


def test_suggest_page_offers_partners(client):
    tour = composed_tour()
    client.force_login(CoordinatorFactory(workspace=tour.workspace))
    response = client.get(
        reverse("tours:manage_suggest", args=[tour.pk]),
        {"budget_minutes": 240, "min_stops": 2, "max_stops": 3, "visit_minutes": 30},
    )
    assert response.status_code == 200
    assert len(response.context["suggestion"].partners) == 2


def test_move_and_duplicate_via_editor(client):
    tour = composed_tour()
    client.force_login(CoordinatorFactory(workspace=tour.workspace))
    last = tour.stops.order_by("position").last()
    move = {"stop": last.pk, "direction": "up"}
    # Published: the new times are shown for confirmation first (changes app).
    asked = client.post(reverse("tours:manage_move", args=[tour.pk]), move)
    last.refresh_from_db()
    assert (asked.status_code, last.position) == (200, 3)
    client.post(reverse("tours:manage_move", args=[tour.pk]), {**move, "confirm": "1"})
    last.refresh_from_db()
    assert last.position == 2
    response = client.post(
        reverse("tours:manage_duplicate", args=[tour.pk]), {"starts_on": "2031-03-04"}
    )
    copy = Tour.objects.exclude(pk=tour.pk).get()
    assert response["Location"] == reverse("tours:manage_editor", args=[copy.pk])
    assert copy.stops.count() == 3


@pytest.mark.parametrize("rows", [1, 3, 50])
def test_manage_list_query_count_does_not_grow(client, django_assert_num_queries, rows):
    workspace = WorkspaceFactory()
    user = CoordinatorFactory(workspace=workspace)
    neighbourhood = NeighbourhoodFactory(workspace=workspace)
    for _ in range(rows):
        StopFactory(tour=TourFactory(workspace=workspace, neighbourhood=neighbourhood))
    client.force_login(user)
    # One more than before: the count of tours to re-check after a partner changed.
    with django_assert_num_queries(6):
        response = client.get(reverse("tours:manage_list"))
    assert len(response.context["tours"]) == rows
