from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from activities.models import Activity
from tests.factories import PartnerFactory, TourFactory
from tours import services

FIXTURE = Path(__file__).parent.parent / "fixtures" / "osm" / "small_town.osm"


def test_load_street_network_writes_cached_graph(tmp_path, settings):
    settings.ROUTING_GRAPH_PATH = tmp_path / "graph"
    call_command("load_street_network", str(FIXTURE))
    assert sorted(p.name for p in (tmp_path / "graph").iterdir()) == [
        "durations.npz",
        "lengths.npz",
        "nodes.npz",
    ]


def test_load_street_network_bad_file_fails_with_line(tmp_path, settings):
    settings.ROUTING_GRAPH_PATH = tmp_path / "graph"
    broken = tmp_path / "broken.osm"
    broken.write_text('<?xml version="1.0"?>\n<osm version="0.6">\n<way id="1">\n</osm>\n')
    with pytest.raises(CommandError, match="line 4"):
        call_command("load_street_network", str(broken))
    assert not (tmp_path / "graph").exists()


def test_load_street_network_missing_or_wrong_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("load_street_network", str(tmp_path / "absent.osm.pbf"))
    text = tmp_path / "streets.txt"
    text.write_text("hello")
    with pytest.raises(CommandError, match=r"\.osm"):
        call_command("load_street_network", str(text))


@pytest.mark.django_db
def test_compose_follows_streets_with_osm_provider(tmp_path, settings):
    settings.ROUTING_GRAPH_PATH = tmp_path / "graph"
    call_command("load_street_network", str(FIXTURE))
    settings.ROUTING_PROVIDER = "osm"
    # Grid corners of the fixture: start at node 100, visit node 123 and node 103.
    tour = TourFactory(
        status=Activity.Status.DRAFT,
        latitude=52.3600,
        longitude=4.9200,
        end_latitude=52.3600,
        end_longitude=4.9200,
    )
    far = PartnerFactory(workspace=tour.workspace, latitude=52.3620, longitude=4.9245)
    services.set_stops(tour=tour, partner_ids=[far.pk])
    tour.refresh_from_db()
    assert tour.route_estimated is False
    assert len(tour.route_geometry["coordinates"]) > 3
    assert tour.route_problems == []


@pytest.mark.django_db
def test_compose_without_loaded_graph_is_a_clear_error(tmp_path, settings):
    settings.ROUTING_GRAPH_PATH = tmp_path / "missing"
    settings.ROUTING_PROVIDER = "osm"
    tour = TourFactory(status=Activity.Status.DRAFT)
    partner = PartnerFactory(workspace=tour.workspace)
    with pytest.raises(services.TourError, match="load_street_network"):
        services.set_stops(tour=tour, partner_ids=[partner.pk])
    assert tour.stops.count() == 0
