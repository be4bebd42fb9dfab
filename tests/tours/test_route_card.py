"""The route card, GPX and map of a tour composed on Valhalla over the Amsterdam extract."""

import itertools
from pathlib import Path

import osmium
import pytest
from django.urls import reverse
from lxml import etree

from activities.models import Activity
from routing.geo import Point
from tests.factories import PartnerFactory, TourFactory
from tours import services
from tours.models import Tour
from tours.route_card import route_card

pytestmark = pytest.mark.django_db
GPX_XSD = "tests/fixtures/gpx-1.1.xsd"
NS = {"g": "http://www.topografix.com/GPX/1/1"}
AMSTERDAM = Path(__file__).resolve().parents[2] / "routing" / "data" / "osm"
AMSTERDAM = AMSTERDAM / "amsterdam_centrum_2026.osm.pbf"


def street_tour() -> Tour:
    tour = TourFactory(
        status=Activity.Status.DRAFT,
        venue_name="De Waag",
        latitude=52.37265,
        longitude=4.90030,
        end_latitude=52.37265,
        end_longitude=4.90030,
    )
    places = [("Buurtcentrum Waterlooplein", 52.36770, 4.90200), ("Huis Dam", 52.3729, 4.8935)]
    partners = [
        PartnerFactory(workspace=tour.workspace, name=name, latitude=lat, longitude=lon)
        for name, lat, lon in places
    ]
    services.set_stops(tour=tour, partner_ids=[p.pk for p in partners])
    services.publish_tour(tour=tour)
    tour.refresh_from_db()
    return tour


def test_route_card_rows_follow_the_legs_with_times_and_distances(streets):
    tour = street_tour()
    stops = list(tour.stops.select_related("partner").order_by("position"))
    card = route_card(tour, stops, language="nl")
    kinds = [row.kind for row in card.rows]
    assert card.streets is True
    assert kinds[0] == "start" and kinds[-1] == "end"
    assert kinds.count("stop") == 2
    turns = [row for row in card.rows if row.kind == "turn"]
    assert "Sla rechtsaf naar Sint Antoniesbreestraat." in [row.text for row in turns]
    totals = [row.total_m for row in card.rows]
    assert totals == sorted(totals)
    assert card.rows[-1].total_m == tour.total_distance_m
    times = [row.at for row in card.rows]
    assert times == sorted(times)


def test_tour_page_shows_the_cue_sheet_in_the_readers_language(client, streets):
    tour = street_tour()
    html = client.get(reverse("tours:detail", args=[tour.pk])).content.decode()
    assert "Sla rechtsaf naar Sint Antoniesbreestraat." in html
    assert "Stop / hergroeperen" in html
    client.cookies["django_language"] = "en"
    html = client.get(reverse("tours:detail", args=[tour.pk])).content.decode()
    assert "Turn right onto Sint Antoniesbreestraat." in html
    assert "Stop / regroup" in html
    client.cookies["django_language"] = "nl"
    programme = client.get(reverse("tours:programme", args=[tour.pk])).content.decode()
    assert 'class="route-card"' in programme
    assert "Route over de straten" in programme
    assert '"dashArray": null' in programme and '"dashArray": "8 8"' not in programme


def test_gpx_has_street_track_instruction_route_and_timed_waypoints(client, streets):
    tour = street_tour()
    response = client.get(f"/tours/{tour.pk}/route.gpx")
    document = etree.fromstring(response.content)
    etree.XMLSchema(etree.parse(GPX_XSD)).assertValid(document)
    track = document.xpath("//g:trkpt", namespaces=NS)
    assert len(track) > 40
    names = document.xpath("//g:rte/g:rtept/g:name/text()", namespaces=NS)
    assert "Sla rechtsaf naar Sint Antoniesbreestraat." in names
    assert document.xpath("//g:metadata/g:copyright/@author", namespaces=NS) == [
        "OpenStreetMap contributors"
    ]
    descriptions = document.xpath("//g:wpt/g:desc/text()", namespaces=NS)
    assert any(d.startswith("Aankomst ") for d in descriptions)
    # Every track vertex lies within 2 m of an OSM way of the extract.
    segments = []
    for way in osmium.FileProcessor(str(AMSTERDAM)).with_locations():
        if way.is_way() and "highway" in way.tags:
            nodes = [(n.lat, n.lon) for n in way.nodes if n.location.valid()]
            segments += list(itertools.pairwise(nodes))
    from tests.routing.test_valhalla import _to_segment_m

    for point in track:
        p = Point(float(point.get("lat")), float(point.get("lon")))
        assert min(_to_segment_m(p, Point(*a), Point(*b)) for a, b in segments) <= 2.0


def test_estimated_tour_says_so_on_the_card_and_map(client):
    tour = TourFactory(status=Activity.Status.PUBLISHED, latitude=52.36, longitude=4.93)
    partner = PartnerFactory(workspace=tour.workspace, latitude=52.362, longitude=4.931)
    services.set_stops(tour=tour, partner_ids=[partner.pk])
    html = client.get(reverse("tours:detail", args=[tour.pk])).content.decode()
    assert "Schatting:" in html
    assert "Schatting: rechte lijnen tussen de haltes" in html
    programme = client.get(reverse("tours:programme", args=[tour.pk])).content.decode()
    assert "Schatting:" in programme
