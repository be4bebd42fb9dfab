import datetime as dt

import pytest
from rest_framework.test import APIClient

from activities.models import Activity
from tests.factories import (
    ContactFactory,
    CoordinatorFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    StopFactory,
    TourFactory,
    UserFactory,
    VisitingWindowFactory,
    WorkspaceFactory,
    next_weekday_at,
)
from tours import services
from tours.models import Tour

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def composed_tour(status=Activity.Status.PUBLISHED) -> Tour:
    tour = TourFactory(status=Activity.Status.DRAFT)
    partners = [
        PartnerFactory(workspace=tour.workspace, latitude=52.361 + i * 0.002, longitude=4.931)
        for i in range(2)
    ]
    services.set_stops(tour=tour, partner_ids=[p.pk for p in partners])
    tour.status = status
    tour.save()
    return tour


def test_anonymous_reads_published_tours_only(api):
    published = composed_tour()
    composed_tour(status=Activity.Status.DRAFT)
    response = api.get("/api/tours/")
    assert response.status_code == 200
    assert [t["id"] for t in response.json()["results"]] == [published.pk]
    detail = response.json()["results"][0]
    assert [s["position"] for s in detail["stops"]] == [1, 2]
    assert detail["route_geometry"]["type"] == "LineString"


def test_api_never_shows_hosts(api):
    tour = composed_tour()
    stop = tour.stops.first()
    services.update_stop(stop=stop, host=ContactFactory(partner=stop.partner, name="Els Bakker"))
    assert "Els Bakker" not in api.get(f"/api/tours/{tour.pk}/").content.decode()


def test_anonymous_cannot_write(api):
    tour = composed_tour()
    assert api.post(f"/api/tours/{tour.pk}/compose/").status_code == 403
    assert api.patch(f"/api/tours/{tour.pk}/", {"title": "x"}, format="json").status_code == 403


def test_coordinator_of_other_workspace_gets_404(api):
    tour = composed_tour()
    api.force_authenticate(CoordinatorFactory(workspace=WorkspaceFactory()))
    assert api.post(f"/api/tours/{tour.pk}/compose/").status_code == 404
    response = api.patch(f"/api/tours/{tour.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 404


def test_coordinator_creates_tour_with_stops_and_status_is_not_mass_assigned(api):
    workspace = WorkspaceFactory()
    api.force_authenticate(CoordinatorFactory(workspace=workspace))
    neighbourhood = NeighbourhoodFactory(workspace=workspace)
    partners = [PartnerFactory(workspace=workspace) for _ in range(3)]
    response = api.post(
        "/api/tours/",
        {
            "title": "Wijktour via API",
            "neighbourhood": neighbourhood.pk,
            "starts_at": next_weekday_at(1, 13).isoformat(),
            "latitude": 52.3625,
            "longitude": 4.939,
            "venue_name": "Javaplein",
            "partner_ids": [p.pk for p in partners],
            "status": "published",
            "total_distance_m": 1,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert len(body["stops"]) == 3
    assert body["total_distance_m"] > 1
    assert all(stop["arrives_at"] for stop in body["stops"])


def test_compose_action_recomposes(api):
    tour = composed_tour(status=Activity.Status.DRAFT)
    api.force_authenticate(CoordinatorFactory(workspace=tour.workspace))
    Tour.objects.filter(pk=tour.pk).update(total_distance_m=0)
    response = api.post(f"/api/tours/{tour.pk}/compose/")
    assert response.status_code == 200
    assert response.json()["total_distance_m"] > 0


def test_compose_action_without_stops_is_400(api):
    tour = TourFactory(status=Activity.Status.DRAFT)
    api.force_authenticate(CoordinatorFactory(workspace=tour.workspace))
    response = api.post(f"/api/tours/{tour.pk}/compose/")
    assert response.status_code == 400
    assert list(response.json()) == ["partners"]


def test_unknown_partner_in_partner_ids_is_400(api):
    tour = composed_tour(status=Activity.Status.DRAFT)
    api.force_authenticate(CoordinatorFactory(workspace=tour.workspace))
    response = api.patch(f"/api/tours/{tour.pk}/", {"partner_ids": [999999]}, format="json")
    assert response.status_code == 400
    assert tour.stops.count() == 2


@pytest.mark.parametrize("rows", [1, 3, 50])
def test_tour_list_query_count_does_not_grow(api, django_assert_num_queries, rows):
    workspace = WorkspaceFactory()
    neighbourhood = NeighbourhoodFactory(workspace=workspace)
    for _ in range(rows):
        tour = TourFactory(workspace=workspace, neighbourhood=neighbourhood)
        StopFactory(tour=tour)
    # 5: the last one prefetches the tours' accreditations.
    with django_assert_num_queries(5):
        response = api.get("/api/tours/")
    assert len(response.json()["results"]) == rows


# --- planner ---


def plan_request(**overrides) -> dict:
    body = {
        "starts_at": next_weekday_at(1, 13).isoformat(),
        "start": {"lat": 52.3625, "lon": 4.939},
        "stops": [
            {"lat": 52.3700, "lon": 4.939, "name": "Noord", "visit_minutes": 20},
            {"lat": 52.3650, "lon": 4.939, "name": "Midden", "windows": ["14:00-16:00"]},
        ],
    }
    body.update(overrides)
    return body


@pytest.fixture
def user_api(api) -> APIClient:
    api.force_authenticate(UserFactory())
    return api


def test_planner_orders_and_times_stops(user_api):
    response = user_api.post("/api/routes/plan/", plan_request(), format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [s["name"] for s in body["stops"]] == ["Noord", "Midden"]
    assert len(body["legs"]) == 3
    assert body["total_distance_m"] == sum(leg["distance_m"] for leg in body["legs"])
    midden = dt.datetime.fromisoformat(body["stops"][1]["arrival"])
    assert midden.astimezone(next_weekday_at(1, 13).tzinfo).time() == dt.time(14, 0)
    assert body["geometry"]["type"] == "LineString"
    assert len(body["geometry"]["coordinates"]) == 4
    assert body["problems"] == []


def test_planner_uses_partner_visiting_hours(user_api):
    partner = PartnerFactory(latitude=52.37, longitude=4.94)
    VisitingWindowFactory(partner=partner, weekday=1, opens_at=dt.time(9), closes_at=dt.time(13))
    response = user_api.post(
        "/api/routes/plan/", plan_request(stops=[{"partner": partner.pk}]), format="json"
    )
    body = response.json()
    assert body["unscheduled"] == [0]
    assert [p["kind"] for p in body["problems"]] == ["closes_before_arrival"]
    assert partner.name in body["problems"][0]["message"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"stops": [{"partner": 987654}]}, "stops"),
        ({"start": {"lat": 95, "lon": 4.9}}, "start"),
        ({"start": {"lat": 40.0, "lon": 4.9}}, "start"),
        ({"ends_by": "2020-01-01T10:00:00+01:00", "starts_at": "2020-01-01T13:00:00+01:00"}, None),
        ({"stops": [{"lat": 52.37, "lon": 4.94}] * 41}, "stops"),
        ({"stops": [{"lat": 52.37, "lon": 4.94, "windows": ["nine to five"]}]}, "stops"),
        ({"stops": [{"lat": 52.37, "lon": 4.94, "windows": ["16:00-13:00"]}]}, "stops"),
        ({"stops": [{"visit_minutes": 30}]}, "stops"),
    ],
)
def test_planner_bad_input_is_400(user_api, change, field):
    response = user_api.post("/api/routes/plan/", plan_request(**change), format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field or "ends_by"]


def test_planner_needs_login(api):
    assert api.post("/api/routes/plan/", plan_request(), format="json").status_code == 403


def test_openapi_schema_is_clean():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_order_action_fixes_order_and_flags_windows(api):
    tour = composed_tour(status=Activity.Status.DRAFT)
    api.force_authenticate(CoordinatorFactory(workspace=tour.workspace))
    ids = list(tour.stops.order_by("position").values_list("pk", flat=True))
    response = api.post(f"/api/tours/{tour.pk}/order/", {"stop_ids": ids[::-1]}, format="json")
    assert response.status_code == 200
    assert [s["id"] for s in response.json()["stops"]] == ids[::-1]
    assert response.json()["manual_order"] is True
    response = api.post(f"/api/tours/{tour.pk}/order/", {"stop_ids": [ids[0]]}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["order"]


def test_tour_list_filters_by_neighbourhood(api):
    tour = composed_tour()
    composed_tour()
    response = api.get("/api/tours/", {"neighbourhood": tour.neighbourhood.slug})
    assert [t["id"] for t in response.json()["results"]] == [tour.pk]
