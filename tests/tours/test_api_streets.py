"""The planner API on Valhalla over the Amsterdam extract: street geometry, instructions per
leg in the request's language, and reachability problems."""

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory, next_weekday_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def user_api() -> APIClient:
    api = APIClient()
    api.force_authenticate(UserFactory())
    return api


def request_body(*stops) -> dict:
    return {
        "starts_at": next_weekday_at(1, 10).isoformat(),
        "start": {"lat": 52.37265, "lon": 4.90030, "name": "De Waag"},
        "stops": list(stops),
    }


WATERLOOPLEIN = {"lat": 52.36850, "lon": 4.90270, "name": "Buurthuis Waterlooplein"}


def test_planner_returns_street_geometry_and_dutch_instructions(user_api, streets):
    response = user_api.post("/api/routes/plan/", request_body(WATERLOOPLEIN), format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["estimated"] is False
    assert len(body["geometry"]["coordinates"]) > 20
    assert len(body["legs"]) == 2
    texts = [i["text"] for i in body["legs"][0]["instructions"]]
    assert "Sla rechtsaf naar Sint Antoniesbreestraat." in texts
    first = body["legs"][0]["instructions"][0]
    assert set(first) == {
        "text",
        "streets",
        "distance_m",
        "duration_s",
        "lat",
        "lon",
        "walking",
        "kind",
    }
    assert body["problems"] == []


def test_planner_instructions_in_english(user_api, streets):
    user_api.cookies["django_language"] = "en"
    response = user_api.post("/api/routes/plan/", request_body(WATERLOOPLEIN), format="json")
    texts = [i["text"] for i in response.json()["legs"][0]["instructions"]]
    assert "Turn right onto Sint Antoniesbreestraat." in texts


def test_planner_reports_a_stop_far_from_the_streets(user_api, streets):
    water = {"lat": 52.3765, "lon": 4.9003, "name": "Pont"}
    response = user_api.post(
        "/api/routes/plan/",
        request_body(WATERLOOPLEIN, water),
        format="json",
    )
    body = response.json()
    [problem] = body["problems"]
    assert problem["kind"] == "unreachable"
    assert problem["stop"] == 1
    assert problem["point"] is None
    assert problem["message"] == (
        f"Halte Pont ligt {problem['distance_m']} m van de dichtstbijzijnde fietsbare straat."
    )
    assert body["unscheduled"] == [1]
    assert [s["name"] for s in body["stops"]] == ["Buurthuis Waterlooplein"]


def test_planner_meeting_point_off_the_streets_falls_back_to_the_estimate(user_api, streets):
    body = request_body(WATERLOOPLEIN)
    body["start"] = {"lat": 52.3765, "lon": 4.9003, "name": "Pont"}
    answer = user_api.post("/api/routes/plan/", body, format="json")
    answer = answer.json()
    assert answer["estimated"] is True
    [problem] = answer["problems"]
    assert (problem["kind"], problem["point"], problem["stop"]) == ("unreachable", "start", None)
    assert problem["message"].startswith("Startpunt Pont ligt ")
    assert all(leg["instructions"] == [] for leg in answer["legs"])


def test_tour_api_has_legs_with_instructions_and_start_problems(streets):
    from tests.factories import CoordinatorFactory, PartnerFactory, TourFactory
    from tours import services

    tour = TourFactory(
        venue_name="Pont", latitude=52.3765, longitude=4.9003, end_latitude=52.37265,
        end_longitude=4.90030,
    )  # fmt: skip
    partner = PartnerFactory(workspace=tour.workspace, latitude=52.36850, longitude=4.90270)
    services.set_stops(tour=tour, partner_ids=[partner.pk])
    api = APIClient()
    api.force_authenticate(CoordinatorFactory(workspace=tour.workspace))
    body = api.get(f"/api/tours/{tour.pk}/").json()
    assert body["route_estimated"] is True
    assert [(p["point"], p["kind"]) for p in body["problems"]] == [("start", "unreachable")]
    assert body["legs"] == []
    tour.latitude, tour.longitude = 52.37265, 4.90030
    tour.save()
    services.compose_route(tour=tour)
    body = api.get(f"/api/tours/{tour.pk}/").json()
    assert body["problems"] == []
    assert body["legs"][0]["instructions"][0]["text"].startswith("Fiets richting")
