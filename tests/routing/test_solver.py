import itertools
import math
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routing.geo import Point
from routing.providers import StraightLineProvider, TravelMatrix
from routing.solver import StopInput, format_hhmm, plan_route

HERE = Point(52.36, 4.92)
NINE = 9 * 3600


def hours(h: float) -> int:
    return int(h * 3600)


def make_matrix(durations: list[list[int]]) -> TravelMatrix:
    """Integer durations; distances are 4 m per second of riding so ties follow time."""
    array = np.array(durations, dtype=np.float64)
    return TravelMatrix(durations=array, distances=array * 4.0)


def brute_force(
    *, stops: list[StopInput], travel: np.ndarray, start: int, latest_end: int | None = None
) -> tuple[int, int]:
    """(most stops that fit, earliest end for that many) by trying every ordered subset."""
    n = len(stops)
    end_node = n + 1
    for count in range(n, -1, -1):
        best_end = math.inf
        for order in itertools.permutations(range(n), count):
            clock, previous, ok = start, 0, True
            for index in order:
                arrival = clock + travel[previous][index + 1]
                stop = stops[index]
                starts = [
                    max(arrival, opens)
                    for opens, closes in stop.windows
                    if max(arrival, opens) + stop.visit_seconds <= closes
                ]
                if stop.windows and not starts:
                    ok = False
                    break
                clock = (min(starts) if starts else arrival) + stop.visit_seconds
                previous = index + 1
            if not ok:
                continue
            end = clock + travel[previous][end_node]
            if latest_end is not None and end > latest_end:
                continue
            best_end = min(best_end, end)
        if best_end < math.inf:
            return count, int(best_end)
    raise AssertionError("the empty tour always fits when there is no latest end")


def assert_plan_consistent(plan, stops, travel, start):
    """Visits respect windows and the clock adds up along the returned order."""
    clock, previous = start, 0
    for index, visit in zip(plan.order, plan.visits, strict=True):
        stop = stops[index]
        assert visit.key == stop.key
        assert visit.arrival_seconds == clock + travel[previous][index + 1]
        assert visit.start_seconds == visit.arrival_seconds + visit.wait_seconds
        assert visit.departure_seconds == visit.start_seconds + stop.visit_seconds
        if stop.windows:
            assert any(
                opens <= visit.start_seconds and visit.departure_seconds <= closes
                for opens, closes in stop.windows
            )
        clock, previous = visit.departure_seconds, index + 1
    assert plan.end_seconds == clock + travel[previous][len(stops) + 1]


@st.composite
def instances(draw, *, max_stops: int, with_windows: bool):
    n = draw(st.integers(min_value=1, max_value=max_stops))
    size = n + 2
    travel = [
        [0 if i == j else draw(st.integers(min_value=60, max_value=1500)) for j in range(size)]
        for i in range(size)
    ]
    stops = []
    for i in range(n):
        visit = draw(st.sampled_from([600, 1200, 1800]))
        windows: tuple[tuple[int, int], ...] = ()
        if with_windows and draw(st.booleans()):
            count = draw(st.integers(min_value=1, max_value=2))
            windows = tuple(
                (opens, opens + draw(st.integers(min_value=300, max_value=hours(3))))
                for opens in draw(
                    st.lists(
                        st.integers(min_value=NINE, max_value=hours(13)),
                        min_size=count,
                        max_size=count,
                    )
                )
            )
        stops.append(StopInput(key=f"s{i}", point=HERE, visit_seconds=visit, windows=windows))
    return stops, travel


def check_against_brute_force(stops, travel, latest_end=None):
    plan = plan_route(
        start_point=HERE,
        end_point=HERE,
        start_seconds=NINE,
        stops=stops,
        matrix=make_matrix(travel),
        latest_end_seconds=latest_end,
    )
    count, end = brute_force(stops=stops, travel=travel, start=NINE, latest_end=latest_end)
    assert plan.optimal is True
    assert len(plan.order) == count
    assert plan.end_seconds == end
    assert len(plan.unfitted) == len(stops) - count
    assert plan.feasible is (count == len(stops))
    assert {u.key for u in plan.unfitted} == {s.key for s in stops} - {v.key for v in plan.visits}
    assert_plan_consistent(plan, stops, travel, NINE)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_stops=7, with_windows=False))
def test_plan_route_without_windows_matches_brute_force(instance):
    check_against_brute_force(*instance)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_stops=7, with_windows=True))
def test_plan_route_with_windows_matches_brute_force(instance):
    check_against_brute_force(*instance)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    instances(max_stops=6, with_windows=True), st.integers(min_value=hours(1), max_value=hours(5))
)
def test_plan_route_with_latest_end_matches_brute_force(instance, budget):
    check_against_brute_force(*instance, latest_end=NINE + budget)


@pytest.mark.parametrize("with_windows", [False, True])
def test_plan_route_nine_stops_matches_brute_force(with_windows):
    rng = random.Random(9)
    size = 11
    travel = [[0 if i == j else rng.randint(120, 900) for j in range(size)] for i in range(size)]
    stops = []
    for i in range(9):
        windows = ()
        if with_windows and i % 3 == 0:
            opens = rng.randint(NINE, hours(12))
            windows = ((opens, opens + hours(2)),)
        stops.append(StopInput(key=f"s{i}", point=HERE, visit_seconds=900, windows=windows))
    check_against_brute_force(stops, travel)


def test_plan_route_window_closed_reports_unfitted_in_plain_words():
    stops = [
        StopInput(
            key="kolk",
            point=HERE,
            visit_seconds=1800,
            windows=((hours(13), hours(16)),),
            name="Buurthuis De Kolk",
        ),
        StopInput(key="wijkteam", point=HERE, visit_seconds=1800, name="Wijkteam Oost"),
    ]
    travel = [[0, 1200, 600, 300], [1200, 0, 600, 300], [600, 600, 0, 300], [300, 300, 300, 0]]
    plan = plan_route(
        start_point=HERE,
        end_point=HERE,
        start_seconds=hours(16),
        stops=stops,
        matrix=make_matrix(travel),
    )
    assert plan.feasible is False
    assert [v.key for v in plan.visits] == ["wijkteam"]
    assert len(plan.unfitted) == 1
    unfitted = plan.unfitted[0]
    assert unfitted.key == "kolk"
    assert unfitted.reason_code == "closes_before_arrival"
    assert unfitted.message == "Buurthuis De Kolk closes at 16:00; earliest arrival 16:20"
    assert unfitted.detail == {
        "closes_at": hours(16),
        "earliest_arrival": hours(16) + 1200,
        "visit_seconds": 1800,
    }


def test_plan_route_visit_longer_than_window_reported():
    stops = [
        StopInput(key="a", point=HERE, visit_seconds=1800, windows=((hours(10), hours(10.25)),))
    ]
    plan = plan_route(
        start_point=HERE,
        end_point=HERE,
        start_seconds=NINE,
        stops=stops,
        matrix=make_matrix([[0, 60, 60], [60, 0, 60], [60, 60, 0]]),
    )
    assert plan.visits == []
    assert plan.unfitted[0].reason_code == "visit_longer_than_window"
    assert plan.unfitted[0].detail == {"visit_seconds": 1800, "longest_window_seconds": 900}


def test_plan_route_conflicting_stops_keeps_one_and_names_the_other():
    # Both must be visited 10:00-10:30 exactly; only one can be.
    window = ((hours(10), hours(10.5)),)
    stops = [
        StopInput(key="a", point=HERE, visit_seconds=1800, windows=window, name="A"),
        StopInput(key="b", point=HERE, visit_seconds=1800, windows=window, name="B"),
    ]
    travel = [[0, 600, 700, 300], [600, 0, 60, 300], [700, 60, 0, 300], [300, 300, 300, 0]]
    plan = plan_route(
        start_point=HERE,
        end_point=HERE,
        start_seconds=NINE,
        stops=stops,
        matrix=make_matrix(travel),
    )
    assert [v.key for v in plan.visits] == ["a"]
    assert plan.visits[0].arrival_seconds == NINE + 600
    assert plan.visits[0].wait_seconds == hours(1) - 600
    assert plan.unfitted[0].key == "b"
    assert plan.unfitted[0].reason_code == "conflicts_with_other_stops"
    assert plan.unfitted[0].message == "fitting in B would make A miss its opening hours"


def test_plan_route_manual_order_flags_violation_and_keeps_order():
    stops = [
        StopInput(key="s0", point=HERE, visit_seconds=1800),
        StopInput(key="s1", point=HERE, visit_seconds=1800),
        StopInput(
            key="s2",
            point=HERE,
            visit_seconds=1800,
            windows=((NINE, hours(10)),),
            name="Huisartsenpost",
        ),
    ]
    travel = [[0 if i == j else 600 for j in range(5)] for i in range(5)]
    plan = plan_route(
        start_point=HERE,
        end_point=HERE,
        start_seconds=NINE,
        stops=stops,
        matrix=make_matrix(travel),
        fixed_order=[0, 1, 2],
    )
    assert plan.order == [0, 1, 2]
    assert [v.arrival_seconds for v in plan.visits] == [NINE + 600, NINE + 3000, NINE + 5400]
    assert plan.end_seconds == NINE + 7800
    assert plan.feasible is False
    assert plan.optimal is False
    assert plan.unfitted == []
    assert len(plan.violations) == 1
    violation = plan.violations[0]
    assert violation.key == "s2"
    assert violation.reason_code == "departs_after_close"
    assert violation.overrun_seconds == 3600
    assert violation.detail == {
        "closes_at": hours(10),
        "arrival": NINE + 5400,
        "departure": NINE + 7200,
    }
    assert violation.message == (
        "Huisartsenpost closes at 10:00; in this order the group arrives at 10:30 "
        "and leaves 60 min too late"
    )
    optimised = plan_route(
        start_point=HERE,
        end_point=HERE,
        start_seconds=NINE,
        stops=stops,
        matrix=make_matrix(travel),
    )
    assert optimised.feasible is True
    assert optimised.order[0] == 2


def test_plan_route_manual_order_must_be_permutation():
    stops = [StopInput(key="a", point=HERE, visit_seconds=60)] * 1
    with pytest.raises(ValueError, match="fixed_order"):
        plan_route(
            start_point=HERE,
            end_point=HERE,
            start_seconds=NINE,
            stops=stops,
            matrix=make_matrix([[0, 1, 1], [1, 0, 1], [1, 1, 0]]),
            fixed_order=[0, 0],
        )


def test_plan_route_legs_include_buffer_in_travel_total():
    stops = [StopInput(key="a", point=HERE, visit_seconds=1800)]
    plan = plan_route(
        start_point=HERE,
        end_point=HERE,
        start_seconds=NINE,
        stops=stops,
        matrix=make_matrix([[0, 600, 900], [600, 0, 300], [900, 300, 0]]),
        leg_buffer_seconds=120,
    )
    assert [(leg.from_key, leg.to_key, leg.duration_s, leg.buffer_s) for leg in plan.legs] == [
        ("start", "a", 600, 120),
        ("a", "end", 300, 120),
    ]
    assert plan.total_travel_s == 1140
    assert plan.total_distance_m == 3600.0
    assert plan.end_seconds == NINE + 1140 + 1800


def test_plan_route_twelve_stops_is_exact_and_feasible():
    rng = random.Random(12)
    points = [Point(52.35 + rng.random() * 0.03, 4.88 + rng.random() * 0.05) for _ in range(14)]
    stops = [StopInput(key=f"s{i}", point=points[i + 1], visit_seconds=600) for i in range(12)]
    plan = plan_route(
        start_point=points[0],
        end_point=points[-1],
        start_seconds=NINE,
        stops=stops,
        provider=StraightLineProvider(),
    )
    assert plan.optimal is True
    assert plan.feasible is True
    assert sorted(plan.order) == list(range(12))


def test_plan_route_search_drops_only_unfittable_stops():
    rng = random.Random(18)
    points = [Point(52.35 + rng.random() * 0.02, 4.90 + rng.random() * 0.03) for _ in range(20)]
    stops = []
    for i in range(18):
        windows: tuple[tuple[int, int], ...] = ()
        if i % 4 == 1:
            windows = ((hours(9.5), hours(17)),)
        stops.append(
            StopInput(key=f"s{i}", point=points[i + 1], visit_seconds=900, windows=windows)
        )
    # Closed before the group can get there, and open too briefly for the visit.
    stops[3] = StopInput(
        key="s3", point=points[4], visit_seconds=900, windows=((hours(7), hours(8.5)),)
    )
    stops[11] = StopInput(
        key="s11", point=points[12], visit_seconds=900, windows=((hours(12), hours(12.1)),)
    )
    plan = plan_route(
        start_point=points[0],
        end_point=points[-1],
        start_seconds=NINE,
        stops=stops,
        provider=StraightLineProvider(),
        time_limit_seconds=0.5,
    )
    assert plan.optimal is False
    assert sorted((u.key, u.reason_code) for u in plan.unfitted) == [
        ("s11", "visit_longer_than_window"),
        ("s3", "closes_before_arrival"),
    ]
    assert len(plan.visits) == 16
    assert plan.violations == []


def test_plan_route_search_feasible_with_windows_on_twenty_stops():
    rng = random.Random(20)
    points = [Point(52.35 + rng.random() * 0.02, 4.90 + rng.random() * 0.03) for _ in range(22)]
    stops = [
        StopInput(
            key=f"s{i}",
            point=points[i + 1],
            visit_seconds=600,
            windows=((hours(9 + (i % 4)), hours(13 + (i % 4))),),
        )
        for i in range(20)
    ]
    plan = plan_route(
        start_point=points[0],
        end_point=points[-1],
        start_seconds=NINE,
        stops=stops,
        provider=StraightLineProvider(),
        time_limit_seconds=0.5,
    )
    assert plan.feasible is True
    assert sorted(plan.order) == list(range(20))
    matrix = StraightLineProvider().matrix(points)
    travel = np.rint(matrix.durations).astype(int).tolist()
    assert_plan_consistent(plan, stops, travel, NINE)


def test_plan_route_too_many_stops_raises():
    stops = [StopInput(key=f"s{i}", point=HERE, visit_seconds=60) for i in range(41)]
    with pytest.raises(ValueError, match="at most 40"):
        plan_route(start_point=HERE, end_point=HERE, start_seconds=NINE, stops=stops)


def test_format_hhmm_pads_and_floors():
    assert format_hhmm(hours(9) + 59) == "09:00"
    assert format_hhmm(hours(16) + 1200) == "16:20"
    assert format_hhmm(hours(25.5)) == "25:30"
