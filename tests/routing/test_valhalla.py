"""Valhalla on the real OpenStreetMap extracts shipped in routing/data/osm (tiles built once per
session by the `street_tiles` fixture): the bicycle rules, reachability and the matrix."""

import itertools
import random
from functools import cache
from pathlib import Path

import osmium
import pytest

from routing.geo import Point, haversine_m
from routing.providers import ProviderError
from routing.solver import StopInput, plan_route
from routing.valhalla import ValhallaProvider, decode_polyline6, in_process

OSM = Path(__file__).resolve().parents[2] / "routing" / "data" / "osm"
AMSTERDAM = OSM / "amsterdam_centrum_2026.osm.pbf"
MONACO = OSM / "monaco.osm.pbf"
# Amsterdam Centrum box of the extract (see routing/data/osm/NOTICE.md), a little inside it.
AMSTERDAM_BOX = (52.3662, 4.8915, 52.3732, 4.9030)
NIEUWMARKT = Point(52.37265, 4.90030)
WATERLOOPLEIN = Point(52.36770, 4.90200)
GATE_NODE = 846933275
TUNNEL_WAY = 155085107


def _provider(tiles: Path) -> ValhallaProvider:
    return in_process(tiles_dir=tiles, speed_kmh=15.0, quiet_streets=True, max_snap_m=150.0)


@cache
def _ways(path: Path) -> dict[int, tuple[dict[str, str], list[tuple[int, float, float]]]]:
    ways = {}
    for way in osmium.FileProcessor(str(path)).with_locations():
        if way.is_way() and "highway" in way.tags:
            nodes = [(n.ref, n.lat, n.lon) for n in way.nodes if n.location.valid()]
            ways[way.id] = (dict(way.tags), nodes)
    return ways


def _random_points(box, count: int, seed: int) -> list[Point]:
    rng = random.Random(seed)
    south, west, north, east = box
    return [Point(rng.uniform(south, north), rng.uniform(west, east)) for _ in range(count)]


def _way_ids(provider: ValhallaProvider, shape: list[Point]) -> list[int]:
    answer = provider._call(
        "trace_attributes",
        {
            "shape": [{"lat": p.lat, "lon": p.lon} for p in shape],
            "costing": "bicycle",
            "costing_options": provider.costing_options,
            "shape_match": "edge_walk",
            "filters": {"attributes": ["edge.way_id"], "action": "include"},
        },
    )
    return [edge["way_id"] for edge in answer["edges"]]


def _oneway_segments(path: Path) -> tuple[set, set]:
    """(a, b) node pairs a bicycle may ride only from a to b, and pairs it may ride both ways."""
    forward_only, both = set(), set()
    for tags, nodes in _ways(path).values():
        oneway = tags.get("oneway", "no")
        if tags.get("junction") == "roundabout" and oneway == "no":
            oneway = "yes"
        contraflow = tags.get("oneway:bicycle") == "no" or tags.get("cycleway", "").startswith(
            "opposite"
        )
        pairs = [(a[0], b[0]) for a, b in itertools.pairwise(nodes)]
        if oneway in ("yes", "1", "true") and not contraflow:
            forward_only.update(pairs)
        elif oneway == "-1" and not contraflow:
            forward_only.update((b, a) for a, b in pairs)
        else:
            both.update(pairs)
            both.update((b, a) for a, b in pairs)
    return forward_only, both


def _node_index(path: Path) -> dict[tuple[float, float], int]:
    index = {}
    for _tags, nodes in _ways(path).values():
        for ref, lat, lon in nodes:
            index[(round(lat, 6), round(lon, 6))] = ref
    return index


def _routes(provider: ValhallaProvider, points: list[Point]) -> list[list[Point]]:
    shapes = []
    for a, b in itertools.pairwise(points):
        try:
            shapes.append(provider.street_legs([a, b], languages=("nl",))[0].geometry)
        except ProviderError:
            continue  # a random point in a canal: the reachability tests cover that
    return shapes


def test_amsterdam_routes_never_ride_a_oneway_against_its_direction(street_tiles):
    provider = _provider(street_tiles)
    forward_only, both = _oneway_segments(AMSTERDAM)
    nodes = _node_index(AMSTERDAM)
    checked = 0
    for shape in _routes(provider, _random_points(AMSTERDAM_BOX, 41, seed=11)):
        refs = [nodes.get((round(p.lat, 6), round(p.lon, 6))) for p in shape]
        for a, b in itertools.pairwise(refs):
            if a is None or b is None:
                continue
            checked += 1
            against = (b, a) in forward_only and (a, b) not in forward_only
            assert not (against and (a, b) not in both), f"rides {b}→{a} against the one-way"
    assert checked > 500


def test_amsterdam_route_uses_contraflow_where_oneway_bicycle_is_no(street_tiles):
    # Valhalla must know oneway:bicycle=no: some of the 40 random routes ride such a street
    # against the cars' direction (the rule would be vacuous otherwise).
    provider = _provider(street_tiles)
    nodes = _node_index(AMSTERDAM)
    contraflow = set()
    for tags, way_nodes in _ways(AMSTERDAM).values():
        if tags.get("oneway") == "yes" and tags.get("oneway:bicycle") == "no":
            contraflow.update((b[0], a[0]) for a, b in itertools.pairwise(way_nodes))
    used = 0
    for shape in _routes(provider, _random_points(AMSTERDAM_BOX, 41, seed=11)):
        refs = [nodes.get((round(p.lat, 6), round(p.lon, 6))) for p in shape]
        used += sum((a, b) in contraflow for a, b in itertools.pairwise(refs))
    assert used > 0


def test_monaco_routes_avoid_gate_tunnel_and_steps(street_tiles):
    provider = _provider(street_tiles)
    ways = _ways(MONACO)
    steps = {way_id for way_id, (tags, _n) in ways.items() if tags.get("highway") == "steps"}
    gate = next((lat, lon) for _t, ns in ways.values() for ref, lat, lon in ns if ref == GATE_NODE)
    tunnel = ways[TUNNEL_WAY][1]
    track = ways[71126540][1]
    points = [
        # Either side of the closed lift gate, either end of the bicycle=no tunnel ...
        Point(track[0][1], track[0][2]),
        Point(track[-1][1], track[-1][2]),
        Point(tunnel[0][1], tunnel[0][2]),
        Point(tunnel[-1][1], tunnel[-1][2]),
        # ... and across the hills of Monaco, where steps are short cuts.
        *_random_points((43.727, 7.410, 43.748, 7.437), 30, seed=5),
    ]
    shapes = _routes(provider, points)
    assert len(shapes) >= 15
    for shape in shapes:
        assert all(haversine_m(p, Point(*gate)) > 0.5 for p in shape)
        used = set(_way_ids(provider, shape))
        assert TUNNEL_WAY not in used
        assert not used & steps


def test_every_track_vertex_lies_on_an_osm_way(street_tiles):
    provider = _provider(street_tiles)
    legs = provider.street_legs(
        [NIEUWMARKT, WATERLOOPLEIN, Point(52.3712, 4.8935)], languages=("nl",)
    )
    segments = [
        (Point(a[1], a[2]), Point(b[1], b[2]))
        for _tags, nodes in _ways(AMSTERDAM).values()
        for a, b in itertools.pairwise(nodes)
    ]
    for vertex in (p for leg in legs for p in leg.geometry):
        assert min(_to_segment_m(vertex, a, b) for a, b in segments) <= 2.0


def _to_segment_m(p: Point, a: Point, b: Point) -> float:
    # Equirectangular metres around p: exact to millimetres over a few hundred metres.
    import math

    k = math.cos(math.radians(p.lat)) * 111_320.0
    ax, ay = (a.lon - p.lon) * k, (a.lat - p.lat) * 110_574.0
    bx, by = (b.lon - p.lon) * k, (b.lat - p.lat) * 110_574.0
    dx, dy = bx - ax, by - ay
    t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
    return math.hypot(ax + t * dx, ay + t * dy)


def test_cue_sheet_names_the_streets_in_order(street_tiles):
    leg = _provider(street_tiles).street_legs([NIEUWMARKT, WATERLOOPLEIN], languages=("nl", "en"))[
        0
    ]
    streets = [s for m in leg.maneuvers["nl"] for s in m.streets]
    assert streets[:3] == ["Nieuwmarkt", "Nieuwmarkt", "Sint Antoniesbreestraat"]
    assert "Sla rechtsaf naar Sint Antoniesbreestraat." in [
        m.instruction for m in leg.maneuvers["nl"]
    ]
    assert "Turn right onto Sint Antoniesbreestraat." in [
        m.instruction for m in leg.maneuvers["en"]
    ]
    assert leg.maneuvers["nl"][-1].distance_m == 0.0


def test_point_off_the_network_has_its_distance(street_tiles):
    provider = _provider(street_tiles)
    # On the quay of Fontvieille, Monaco, and some 550 m out to sea from there.
    port = Point(43.728, 7.42)
    sea = Point(43.726, 7.43)
    near, far = provider.snaps([port, sea])
    assert round(near.distance_m) == 37
    assert round(far.distance_m) == 553
    with pytest.raises(ProviderError, match=r"^Valhalla sources_to_targets: "):
        provider.matrix([port, sea])


def test_exact_order_equals_enumeration_on_valhalla_matrix(street_tiles):
    provider = _provider(street_tiles)
    points = _random_points((52.3670, 4.8960, 52.3725, 4.9020), 7, seed=3)
    matrix = provider.matrix([NIEUWMARKT, *points, NIEUWMARKT])
    stops = [StopInput(key=str(i), point=p, visit_seconds=600) for i, p in enumerate(points)]
    plan = plan_route(
        start_point=NIEUWMARKT,
        end_point=NIEUWMARKT,
        start_seconds=9 * 3600,
        stops=stops,
        matrix=matrix,
        leg_buffer_seconds=60,
    )
    d = matrix.durations
    n = len(points)
    best = min(
        d[0, order[0] + 1]
        + sum(d[a + 1, b + 1] for a, b in itertools.pairwise(order))
        + d[order[-1] + 1, n + 1]
        for order in itertools.permutations(range(n))
    )
    ridden = sum(leg.duration_s for leg in plan.legs)
    assert plan.optimal is True
    assert ridden == pytest.approx(best)


def test_polyline6_decodes_with_six_decimals():
    # Google's documented example, (38.5, -120.2), (40.7, -120.95) at five decimals, read at six.
    assert decode_polyline6("_p~iF~ps|U_ulLnnqC") == [Point(3.85, -12.02), Point(4.07, -12.095)]
