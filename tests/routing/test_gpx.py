from pathlib import Path

import gpxpy
from lxml import etree

from routing.geo import Point
from routing.gpx import build_gpx

SCHEMA = Path(__file__).parent.parent / "fixtures" / "gpx-1.1.xsd"


def sample_gpx() -> str:
    return build_gpx(
        name="Wijktour Oost",
        description="Fietstour langs partners in Amsterdam-Oost & Watergraafsmeer",
        waypoints=[
            ("Buurthuis De Kolk", Point(52.3601, 4.926), "10:00–10:30 <ontvangst>"),
            ("Wijkteam Oost", Point(52.3632, 4.9309), ""),
        ],
        track=[Point(52.3601, 4.926), Point(52.3613, 4.9281), Point(52.3632, 4.9309)],
    )


def test_build_gpx_validates_against_gpx_11_schema():
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    document = etree.fromstring(sample_gpx().encode())
    assert schema.validate(document), schema.error_log
    assert document.get("version") == "1.1"


def test_build_gpx_round_trips_waypoints_and_track():
    parsed = gpxpy.parse(sample_gpx())
    assert parsed.name == "Wijktour Oost"
    assert [(w.name, w.latitude, w.longitude, w.description) for w in parsed.waypoints] == [
        ("Buurthuis De Kolk", 52.3601, 4.926, "10:00–10:30 <ontvangst>"),
        ("Wijkteam Oost", 52.3632, 4.9309, None),
    ]
    points = parsed.tracks[0].segments[0].points
    assert [(p.latitude, p.longitude) for p in points] == [
        (52.3601, 4.926),
        (52.3613, 4.9281),
        (52.3632, 4.9309),
    ]


def test_build_gpx_without_track_has_no_trk_element():
    text = build_gpx(name="Leeg", description="", waypoints=[], track=[])
    document = etree.fromstring(text.encode())
    assert document.findall("{http://www.topografix.com/GPX/1/1}trk") == []
    assert etree.XMLSchema(etree.parse(str(SCHEMA))).validate(document)
