import math

import numpy as np
import pytest

from routing.geo import EARTH_RADIUS_M, Point, haversine_m
from routing.providers import (
    OsrmProvider,
    ProviderError,
    StraightLineProvider,
    TravelMatrix,
    build_provider,
)

# Two points on one meridian: the great-circle distance is exactly R times the latitude gap.
NORTH = Point(52.37, 4.9)
SOUTH = Point(52.36, 4.9)
MERIDIAN_M = EARTH_RADIUS_M * math.radians(0.01)


def test_haversine_same_meridian_equals_arc_length():
    assert haversine_m(NORTH, SOUTH) == pytest.approx(MERIDIAN_M, abs=1e-6)


def test_point_invalid_latitude_raises():
    with pytest.raises(ValueError, match="latitude"):
        Point(91.0, 4.9)


def test_straight_line_matrix_default_detour_and_speed():
    matrix = StraightLineProvider().matrix([SOUTH, NORTH, SOUTH])
    expected_m = MERIDIAN_M * 1.3
    expected_s = expected_m / (15.0 / 3.6)
    assert matrix.distances[0, 1] == pytest.approx(expected_m, abs=1e-6)
    assert matrix.durations[0, 1] == pytest.approx(expected_s, abs=1e-6)
    assert matrix.durations[1, 0] == pytest.approx(expected_s, abs=1e-6)
    assert matrix.durations[0, 2] == 0.0
    assert matrix.distances.shape == (3, 3)


def test_straight_line_matrix_custom_options():
    provider = build_provider(name="straight", detour_factor=1.0, speed_kmh=18.0)
    matrix = provider.matrix([SOUTH, NORTH])
    assert provider.estimated is True
    assert matrix.durations[0, 1] == pytest.approx(MERIDIAN_M / 5.0, abs=1e-6)


def test_straight_line_geometry_is_end_points():
    assert StraightLineProvider().leg_geometry(SOUTH, NORTH) == [SOUTH, NORTH]


def test_build_provider_unknown_name_raises():
    with pytest.raises(ValueError, match="unknown travel-time provider 'google'"):
        build_provider(name="google")


def test_build_provider_valhalla_without_tiles_raises(tmp_path):
    with pytest.raises(ProviderError, match="load_street_network"):
        build_provider(
            name="valhalla",
            tiles_dir=tmp_path / "absent",
            speed_kmh=15.0,
            quiet_streets=True,
            max_snap_m=150.0,
        )


def test_build_provider_osrm_makes_no_request():
    provider = build_provider(name="osrm", base_url="http://127.0.0.1:9/", profile="bicycle")
    assert isinstance(provider, OsrmProvider)
    assert provider.base_url == "http://127.0.0.1:9"
    assert provider.profile == "bicycle"
    assert provider.estimated is False


def test_travel_matrix_accepts_lists_and_takes_submatrix():
    matrix = TravelMatrix(
        durations=[[0, 1, 2], [3, 0, 4], [5, 6, 0]],
        distances=[[0, 10, 20], [30, 0, 40], [50, 60, 0]],
    )
    sub = matrix.take([2, 0])
    assert isinstance(matrix.durations, np.ndarray)
    assert sub.durations.tolist() == [[0.0, 5.0], [2.0, 0.0]]
    assert sub.distances.tolist() == [[0.0, 50.0], [20.0, 0.0]]


def test_travel_matrix_non_square_raises():
    with pytest.raises(ValueError, match="square"):
        TravelMatrix(durations=[[0, 1]], distances=[[0, 1]])
