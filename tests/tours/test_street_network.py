"""load_street_network and composing tours on Valhalla over the shipped Amsterdam extract."""

import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from activities.models import Activity
from tests.factories import PartnerFactory, TourFactory
from tours import planning, services

OSM = Path(__file__).resolve().parents[2] / "routing" / "data" / "osm"
AMSTERDAM = OSM / "amsterdam_centrum_2026.osm.pbf"
NIEUWMARKT = (52.37265, 4.90030)
WATERLOOPLEIN = (52.36770, 4.90200)


def test_load_street_network_builds_tiles_and_swaps_atomically(tmp_path, settings, capsys):
    settings.ROUTING_TILES_DIR = tmp_path / "tiles"
    call_command("load_street_network", str(AMSTERDAM))
    first = (tmp_path / "tiles").resolve()
    out = capsys.readouterr().out
    assert out.startswith("Street tiles with 982 nodes and 1310 edges written to ")
    assert (tmp_path / "tiles").is_symlink()
    call_command("load_street_network", str(AMSTERDAM))
    second = (tmp_path / "tiles").resolve()
    assert second != first
    # The previous set stays for a server that still reads it.
    assert first.is_dir() and sorted(os.listdir(second)) == ["0", "1", "2"]


def test_load_street_network_missing_empty_or_wrong_file(tmp_path):
    with pytest.raises(CommandError, match=r"absent\.osm\.pbf: no such file\."):
        call_command("load_street_network", str(tmp_path / "absent.osm.pbf"))
    empty = tmp_path / "empty.osm.pbf"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match=r"empty\.osm\.pbf: the file is empty\."):
        call_command("load_street_network", str(empty))
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(CommandError, match=r"notes\.txt: expected an \.osm\.pbf file\."):
        call_command("load_street_network", str(text))
    fake = tmp_path / "fake.osm.pbf"
    fake.write_text("hello")
    with pytest.raises(CommandError, match="not an OpenStreetMap PBF file"):
        call_command("load_street_network", str(fake))


def test_load_street_network_truncated_file_keeps_old_tiles(tmp_path, settings):
    settings.ROUTING_TILES_DIR = tmp_path / "tiles"
    call_command("load_street_network", str(AMSTERDAM))
    before = (tmp_path / "tiles").resolve()
    broken = tmp_path / "broken.osm.pbf"
    broken.write_bytes(AMSTERDAM.read_bytes()[:3000])
    with pytest.raises(CommandError, match=r"cannot build street tiles: .*PBF error"):
        call_command("load_street_network", str(broken))
    assert (tmp_path / "tiles").resolve() == before


def _tour(**extra):
    return TourFactory(
        status=Activity.Status.DRAFT,
        latitude=NIEUWMARKT[0],
        longitude=NIEUWMARKT[1],
        venue_name="De Waag",
        end_latitude=NIEUWMARKT[0],
        end_longitude=NIEUWMARKT[1],
        **extra,
    )


@pytest.mark.django_db
def test_compose_rides_the_streets_with_a_dutch_cue_sheet(streets):
    tour = _tour()
    partner = PartnerFactory(
        workspace=tour.workspace, latitude=WATERLOOPLEIN[0], longitude=WATERLOOPLEIN[1]
    )
    services.set_stops(tour=tour, partner_ids=[partner.pk])
    tour.refresh_from_db()
    assert tour.route_estimated is False
    assert tour.route_problems == []
    assert len(tour.route_geometry["coordinates"]) > 20
    first = [step["text"] for step in tour.route_legs[0]["steps"]["nl"]]
    assert "Sla rechtsaf naar Sint Antoniesbreestraat." in first
    assert tour.route_legs[0]["steps"]["en"][0]["text"].startswith("Bike ")
    assert tour.total_distance_m == sum(leg["distance_m"] for leg in tour.route_legs)


@pytest.mark.django_db
def test_compose_reports_a_stop_far_from_any_street(streets):
    tour = _tour()
    near = PartnerFactory(
        workspace=tour.workspace, latitude=WATERLOOPLEIN[0], longitude=WATERLOOPLEIN[1]
    )
    # In the IJ behind Centraal Station: some 240 m north of the last street in the extract.
    water = PartnerFactory(
        workspace=tour.workspace, name="Pont", latitude=52.3765, longitude=4.9003
    )
    services.set_stops(tour=tour, partner_ids=[near.pk, water.pk])
    tour.refresh_from_db()
    assert tour.route_estimated is False
    [problem] = tour.route_problems
    assert problem["kind"] == "unreachable"
    message = services.problem_message(problem)
    assert message == (
        f"Halte Pont ligt {problem['distance']} m van de dichtstbijzijnde fietsbare straat."
    )
    assert 150 < problem["distance"] < 1000
    assert tour.stops.get(partner=water).arrives_at is None


@pytest.mark.django_db
def test_compose_outside_the_tiles_falls_back_to_the_estimate(streets):
    # Utrecht: far outside the loaded extracts.
    tour = TourFactory(
        status=Activity.Status.DRAFT,
        latitude=52.0907,
        longitude=5.1214,
        end_latitude=52.0907,
        end_longitude=5.1214,
    )
    partner = PartnerFactory(workspace=tour.workspace, latitude=52.0920, longitude=5.1180)
    services.set_stops(tour=tour, partner_ids=[partner.pk])
    tour.refresh_from_db()
    assert tour.route_estimated is True
    assert tour.route_legs == []
    assert len(tour.route_geometry["coordinates"]) == 3


@pytest.mark.django_db
def test_compose_with_valhalla_but_no_tiles_is_a_clear_error(tmp_path, settings):
    settings.ROUTING_PROVIDER = "valhalla"
    settings.ROUTING_TILES_DIR = tmp_path / "missing"
    tour = TourFactory(status=Activity.Status.DRAFT)
    partner = PartnerFactory(workspace=tour.workspace)
    with pytest.raises(services.TourError, match="load_street_network"):
        services.set_stops(tour=tour, partner_ids=[partner.pk])
    assert tour.stops.count() == 0


def test_warm_creates_the_actor_once(streets):
    from routing import valhalla
    from tours.apps import serves_requests

    valhalla._actors.clear()
    assert planning.warm() is True
    [actor] = valhalla._actors.values()
    planning.plan_route(
        start=planning.Place(*NIEUWMARKT),
        end=planning.Place(*NIEUWMARKT),
        stops=[planning.PlanStop("a", *WATERLOOPLEIN, 600)],
        start_s=36000,
        buffer_s=0,
    )
    assert list(valhalla._actors.values()) == [actor]
    # Tests and management commands never pay for warming at start.
    assert serves_requests() is False


@pytest.mark.django_db
def test_suggest_on_streets_leaves_out_unreachable_candidates(streets):
    from tests.factories import NeighbourhoodFactory

    tour = _tour()
    hood = NeighbourhoodFactory(workspace=tour.workspace)
    near = [
        PartnerFactory(workspace=tour.workspace, neighbourhoods=[hood], latitude=lat, longitude=lon)
        for lat, lon in [WATERLOOPLEIN, (52.37060, 4.90075), (52.36935, 4.90170)]
    ]
    PartnerFactory(
        workspace=tour.workspace, neighbourhoods=[hood], latitude=52.3765, longitude=4.9003
    )
    # Near a street that only leads out of the data: located, yet not connected.
    PartnerFactory(
        workspace=tour.workspace, neighbourhoods=[hood], latitude=52.373605, longitude=4.896115
    )
    suggestion = services.suggest_tour(
        neighbourhood=hood,
        theme_ids=[],
        starts_at=tour.starts_at,
        budget_minutes=240,
        start=services.meeting_point(tour),
        min_stops=3,
        max_stops=4,
        visit_minutes=20,
        buffer_minutes=5,
    )
    assert {p.pk for p in suggestion.partners} == {p.pk for p in near}
    assert suggestion.plan.estimated is False


@pytest.mark.django_db
def test_compose_reports_a_stop_near_a_street_it_cannot_leave(streets):
    tour = _tour()
    near = PartnerFactory(
        workspace=tour.workspace, latitude=WATERLOOPLEIN[0], longitude=WATERLOOPLEIN[1]
    )
    # 26 m from a street at the extract's northern edge that leads out of the data only.
    stuck = PartnerFactory(
        workspace=tour.workspace, name="Hoek", latitude=52.373605, longitude=4.896115
    )
    services.set_stops(tour=tour, partner_ids=[near.pk, stuck.pk])
    tour.refresh_from_db()
    assert tour.route_estimated is False
    [problem] = tour.route_problems
    assert services.problem_message(problem) == (
        "Halte Hoek is niet heen en terug te bereiken over straten waar de groep mag fietsen."
    )
    assert tour.stops.get(partner=stuck).arrives_at is None
    assert tour.stops.get(partner=near).arrives_at is not None
