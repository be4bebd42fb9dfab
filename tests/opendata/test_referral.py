import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opendata import referral
from opendata.models import PublishingSettings
from tests.factories import (
    NeighbourhoodFactory,
    PartnerFactory,
    ThemeFactory,
    VisitingWindowFactory,
    WorkspaceFactory,
)


def test_distance_km_amsterdam_to_rotterdam_is_about_57_km():
    assert round(referral.distance_km((52.3702, 4.8952), (51.9244, 4.4777))) == 57


def test_is_open_respects_weekday_and_closing_time():
    class W:
        weekday, opens_at, closes_at = 2, dt.time(9), dt.time(12)

    assert referral.is_open([W], dt.datetime(2026, 12, 2, 9, 0))
    assert not referral.is_open([W], dt.datetime(2026, 12, 2, 12, 0))
    assert not referral.is_open([W], dt.datetime(2026, 12, 3, 10, 0))


@pytest.fixture
def network(db):
    workspace = WorkspaceFactory(slug="ros-test")
    hood = NeighbourhoodFactory(
        workspace=workspace, name="Indische Buurt", latitude=52.3625, longitude=4.939
    )
    taal = ThemeFactory(slug="taal", name="Taal")
    near = PartnerFactory(
        workspace=workspace, name="Dichtbij", latitude=52.3626, longitude=4.9391,
        themes=[taal], neighbourhoods=[hood], referral_info="Bel het spreekuur.",
    )  # fmt: skip
    far = PartnerFactory(
        workspace=workspace, name="Ver weg", latitude=52.3800, longitude=4.8500, themes=[taal]
    )
    PartnerFactory(workspace=workspace, name="Ander thema", themes=[ThemeFactory()])
    VisitingWindowFactory(partner=near, weekday=0, opens_at=dt.time(9), closes_at=dt.time(12))
    VisitingWindowFactory(partner=far, weekday=2, opens_at=dt.time(13), closes_at=dt.time(17))
    return workspace


def _names(response) -> list[str]:
    return [r.partner.name for r in response.context["results"]]


def test_referral_search_nearest_first_with_distance_and_instructions(client, network):
    response = client.get("/refer/", {"theme": "taal", "place": "1094 AB"})

    body = response.content.decode()
    assert _names(response) == ["Dichtbij", "Ver weg"]
    assert "Verwijzen:" in body
    assert "Bel het spreekuur." in body
    assert "km" in body


def test_referral_search_by_neighbourhood_name(client, network):
    response = client.get("/refer/", {"place": "indische buurt", "theme": "taal"})

    assert _names(response) == ["Dichtbij", "Ver weg"]
    assert response.context["results"][0].distance_km < 0.1


def test_referral_search_open_on_day_and_time(client, network):
    monday = client.get("/refer/", {"when": "day", "day": "0", "time": "10:00"})
    wednesday = client.get("/refer/", {"when": "day", "day": "2"})
    closed = client.get("/refer/", {"when": "day", "day": "0", "time": "12:30"})

    assert _names(monday) == ["Dichtbij"]
    assert _names(wednesday) == ["Ver weg"]
    assert _names(closed) == []


def test_referral_search_open_now_uses_local_time(client, network, settings):
    now = timezone.localtime()
    partner = network.partners.get(name="Ander thema")
    start = (now - dt.timedelta(minutes=1)).time().replace(second=0, microsecond=0)
    end = dt.time(23, 59, 59)
    if start < end:
        VisitingWindowFactory(partner=partner, weekday=now.weekday(), opens_at=start, closes_at=end)

        assert _names(client.get("/refer/", {"when": "now"})) == ["Ander thema"]


def test_referral_search_unknown_place_is_a_field_error(client, network):
    response = client.get("/refer/", {"place": "Atlantis"})

    assert response.context["form"].errors == {"place": ["We kennen deze postcode of wijk niet."]}


def test_referral_search_query_count_does_not_grow_with_partners(client, network):
    with CaptureQueriesContext(connection) as few:
        client.get("/refer/", {"place": "1094", "theme": "taal"})
    for _ in range(10):
        partner = PartnerFactory(
            workspace=network, themes=[network.partners.first().themes.first()]
        )
        VisitingWindowFactory(partner=partner)

    with CaptureQueriesContext(connection) as many:
        client.get("/refer/", {"place": "1094", "theme": "taal"})

    assert len(many) == len(few)


def test_referral_embed_allows_only_listed_frame_ancestors_and_no_scripts(client, network):
    PublishingSettings.objects.create(
        workspace=network, frame_ancestors="https://www.gemeente.nl\nhttps://praktijk.example"
    )

    response = client.get("/refer/embed/ros-test/", {"theme": "taal"})

    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://www.gemeente.nl https://praktijk.example" in csp
    assert "script-src 'none'" in csp
    assert "X-Frame-Options" not in response
    assert "<script" not in response.content.decode()
    assert _names(response) == ["Dichtbij", "Ver weg"]


def test_referral_embed_without_settings_only_allows_self(client, network):
    response = client.get("/refer/embed/ros-test/")

    assert "frame-ancestors 'self';" in response["Content-Security-Policy"] + ";"
    assert client.get("/refer/embed/unknown/").status_code == 404


def test_coordinator_saves_embed_sites_and_bad_origin_is_refused(client, db):
    from tests.factories import CoordinatorFactory

    coordinator = CoordinatorFactory()
    workspace = coordinator.memberships.get().workspace
    client.force_login(coordinator)

    client.post("/manage/open-data/embed/", {"frame_ancestors": "https://www.gemeente.nl/\n"})
    client.post("/manage/open-data/embed/", {"frame_ancestors": "javascript:alert(1)"})

    assert PublishingSettings.objects.get(workspace=workspace).frame_ancestors == (
        "https://www.gemeente.nl"
    )
