import itertools
from pathlib import Path

import numpy as np
import osmium
import pytest

from routing.geo import Point, haversine_m
from routing.osm import BicycleProfile, StreetGraph, build_bicycle_graph, classify_way
from routing.providers import OsmProvider, build_provider

FIXTURE = Path(__file__).parent.parent / "fixtures" / "osm" / "small_town.osm"
SPEED_MS = 15.0 / 3.6


def node(node_id: int) -> Point:
    """Coordinates of a fixture node: id = 100 + 10 * row + column."""
    row, column = divmod(node_id - 100, 10)
    return Point(round(52.36 + 0.001 * row, 4), round(4.92 + 0.0015 * column, 4))


def path_length(ids: list[int]) -> float:
    return sum(haversine_m(node(a), node(b)) for a, b in itertools.pairwise(ids))


@pytest.fixture(scope="module")
def graph() -> StreetGraph:
    return build_bicycle_graph(source_path=FIXTURE)


@pytest.fixture(scope="module")
def provider(graph: StreetGraph) -> OsmProvider:
    return OsmProvider(graph)


def ride(provider: OsmProvider, a: int, b: int) -> tuple[float, float, list[Point]]:
    matrix = provider.matrix([node(a), node(b)])
    return matrix.distances[0, 1], matrix.durations[0, 1], provider.leg_geometry(node(a), node(b))


# Lengths are compared to a micrometre because numpy's vectorised and scalar sines may differ in
# the last bit; any rule mistake changes a route by 100 m or more.
@pytest.mark.parametrize(
    ("rule", "a", "b", "expected_path"),
    [
        ("oneway with oneway:bicycle=no, with the traffic", 100, 101, [100, 101]),
        ("oneway with oneway:bicycle=no, against the traffic", 101, 100, [101, 100]),
        ("plain oneway, with the traffic", 101, 102, [101, 102]),
        ("plain oneway, against the traffic: detour", 102, 101, [102, 112, 111, 101]),
        ("footway without bicycle tag: detour", 120, 121, [120, 110, 111, 121]),
        ("footway with bicycle=yes", 121, 122, [121, 122]),
        ("private service road: detour", 122, 123, [122, 112, 113, 123]),
        ("cycleway shortcut", 100, 111, [100, 111]),
        ("motorway shortcut not used", 100, 123, [100, 111, 112, 113, 123]),
        ("trunk without bicycle tag not used", 110, 113, [110, 111, 112, 113]),
    ],
)
def test_osm_route_follows_bicycle_rule(provider, rule, a, b, expected_path):
    distance, duration, geometry = ride(provider, a, b)
    assert geometry == [node(i) for i in expected_path], rule
    assert distance == pytest.approx(path_length(expected_path), abs=1e-6), rule
    assert duration == pytest.approx(path_length(expected_path) / SPEED_MS, abs=1e-6), rule


def test_osm_graph_counts_only_bikeable_edges(graph):
    # 5 + 6 + 2 horizontal, 16 vertical and 2 diagonal directed edges (see the fixture layout).
    assert graph.node_count == 12
    assert graph.edge_count == 31
    assert int(graph.snappable.sum()) == 12


def test_osm_point_off_graph_adds_access_hop(provider):
    off = Point(52.3600, 4.9190)  # west of node 100, on the same parallel
    matrix = provider.matrix([off, node(101)])
    hop = haversine_m(off, node(100))
    assert matrix.distances[0, 1] == pytest.approx(hop + path_length([100, 101]), abs=1e-6)
    assert provider.leg_geometry(off, node(101)) == [off, node(100), node(101)]


def test_osm_graph_save_load_round_trip(graph, tmp_path):
    graph.save(tmp_path / "graph")
    loaded = StreetGraph.load(tmp_path / "graph")
    assert np.array_equal(loaded.lat, graph.lat)
    assert np.array_equal(loaded.lon, graph.lon)
    assert np.array_equal(loaded.snappable, graph.snappable)
    assert (loaded.durations != graph.durations).nnz == 0
    assert (loaded.lengths != graph.lengths).nnz == 0
    assert sorted(p.name for p in (tmp_path / "graph").iterdir()) == [
        "durations.npz",
        "lengths.npz",
        "nodes.npz",
    ]


def test_build_provider_osm_from_saved_graph(graph, tmp_path):
    graph.save(tmp_path / "graph")
    provider = build_provider(name="osm", graph_path=tmp_path / "graph")
    distance = provider.matrix([node(102), node(101)]).distances[0, 1]
    assert distance == pytest.approx(path_length([102, 112, 111, 101]), abs=1e-6)


def test_osm_pbf_input_gives_same_graph(graph, tmp_path):
    pbf = tmp_path / "small_town.osm.pbf"
    writer = osmium.SimpleWriter(str(pbf))
    for obj in osmium.FileProcessor(str(FIXTURE)):
        writer.add(obj)
    writer.close()
    from_pbf = build_bicycle_graph(source_path=pbf)
    assert from_pbf.edge_count == graph.edge_count
    assert (from_pbf.lengths != graph.lengths).nnz == 0


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"highway": "residential"}, (True, True)),
        ({"highway": "residential", "oneway": "yes"}, (True, False)),
        ({"highway": "residential", "oneway": "-1"}, (False, True)),
        ({"highway": "residential", "oneway": "true", "oneway:bicycle": "no"}, (True, True)),
        ({"highway": "residential", "oneway": "yes", "cycleway": "opposite_lane"}, (True, True)),
        ({"highway": "tertiary", "oneway": "1", "cycleway:left": "opposite_track"}, (True, True)),
        ({"highway": "tertiary", "oneway:bicycle": "yes"}, (True, False)),
        ({"highway": "primary", "junction": "roundabout"}, (True, False)),
        ({"highway": "primary", "junction": "roundabout", "oneway:bicycle": "no"}, (True, True)),
        ({"highway": "motorway", "bicycle": "yes"}, (True, True)),
        ({"highway": "trunk", "bicycle": "designated"}, (True, True)),
        ({"highway": "path", "bicycle": "permissive"}, (True, True)),
        ({"highway": "service", "access": "no", "bicycle": "yes"}, (True, True)),
        ({"highway": "service", "access": "private", "bicycle": "designated"}, (True, True)),
    ],
)
def test_classify_way_allowed_directions(tags, expected):
    rule = classify_way(tags=tags, profile=BicycleProfile())
    assert rule is not None
    assert (rule.forward, rule.backward) == expected


@pytest.mark.parametrize(
    "tags",
    [
        {"highway": "motorway"},
        {"highway": "motorway_link"},
        {"highway": "trunk"},
        {"highway": "footway"},
        {"highway": "pedestrian"},
        {"highway": "steps"},
        {"highway": "path"},
        {"highway": "residential", "access": "private"},
        {"highway": "residential", "vehicle": "no"},
        {"highway": "residential", "bicycle": "no"},
        {"highway": "residential", "access": "yes", "bicycle": "no"},
        {"highway": "pedestrian", "area": "yes", "bicycle": "yes"},
        {"building": "yes"},
    ],
)
def test_classify_way_blocked(tags):
    assert classify_way(tags=tags, profile=BicycleProfile()) is None


def test_classify_way_footway_pushing_speed_when_enabled():
    profile = BicycleProfile(pushing_speed_kmh=4.0, highway_speeds_kmh={"living_street": 10.0})
    assert classify_way(tags={"highway": "footway"}, profile=profile).speed_kmh == 4.0
    assert classify_way(tags={"highway": "living_street"}, profile=profile).speed_kmh == 10.0
    assert classify_way(tags={"highway": "footway", "bicycle": "no"}, profile=profile) is None


def test_osm_provider_long_detour_found_beyond_search_limit():
    # Two crossings 10 m apart, joined only by a 4 km loop: the first bounded searches miss
    # the target and the provider must fall back to a complete one.
    # Node 1 sits 10 m north of node 0; nodes 4, 2 and 3 lie about 2 km east.
    lat = np.array([52.0, 52.00009, 52.018, 52.018, 52.0])
    lon = np.array([5.0, 5.0, 5.03, 5.0301, 5.03])
    # Loop: 0 -> 4 -> 2 -> 3 -> 1 and back, all two-way.
    chain = [0, 4, 2, 3, 1]
    sources = np.array(chain[:-1] + chain[1:])
    targets = np.array(chain[1:] + chain[:-1])
    lengths = np.array(
        [
            haversine_m(Point(lat[a], lon[a]), Point(lat[b], lon[b]))
            for a, b in zip(sources, targets, strict=True)
        ]
    )
    graph = StreetGraph.from_edges(
        lat=lat,
        lon=lon,
        sources=sources,
        targets=targets,
        lengths_m=lengths,
        durations_s=lengths / SPEED_MS,
    )
    provider = OsmProvider(graph)
    a, b = Point(lat[0], lon[0]), Point(lat[1], lon[1])
    expected = sum(
        haversine_m(Point(lat[x], lon[x]), Point(lat[y], lon[y]))
        for x, y in itertools.pairwise(chain)
    )
    assert haversine_m(a, b) == pytest.approx(10.0, abs=0.01)
    assert provider.matrix([a, b]).distances[0, 1] == pytest.approx(expected, abs=1e-6)
    assert len(provider.leg_geometry(a, b)) == 5
