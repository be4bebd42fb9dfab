"""Ordering the stops of a tour: exact dynamic programme up to 12 stops, OR-Tools beyond.

Time unit is whole seconds since midnight of the tour date. Distances are metres.

Timing model: the group leaves the start at ``start_seconds``. Each leg costs the provider's
riding time plus ``leg_buffer_seconds`` (mounting, regrouping, locking bikes). On arrival at a
stop the group waits if needed until a time window opens, visits for ``visit_seconds`` and must
have left before that window closes. The objective is the earliest arrival at the end point
(riding + buffers + visits + waiting); among equally early plans the DP prefers the shorter one.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from routing.geo import Point
from routing.providers import StraightLineProvider, TravelMatrix, TravelTimeProvider

MAX_EXACT_STOPS = 12
MAX_STOPS = 40
START_KEY = "start"
END_KEY = "end"
INF = math.inf


def format_hhmm(seconds: int | float) -> str:
    """``HH:MM`` for seconds since midnight; later days continue counting (25:30)."""
    minutes = int(seconds) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True, slots=True)
class StopInput:
    """A partner to visit. ``windows`` are (open, close) in seconds since midnight; empty means
    the stop can be visited at any time. The visit must start at or after ``open`` and end at or
    before ``close`` of one window."""

    key: str
    point: Point
    visit_seconds: int
    windows: tuple[tuple[int, int], ...] = ()
    name: str = ""

    def __post_init__(self) -> None:
        if self.visit_seconds < 0:
            raise ValueError(f"stop {self.key}: visit_seconds must not be negative")
        for opens, closes in self.windows:
            if opens > closes:
                raise ValueError(
                    f"stop {self.key}: window ({opens}, {closes}) ends before it starts"
                )
        # Sorted windows let the earliest feasible window be found front to back.
        object.__setattr__(self, "windows", tuple(sorted(self.windows)))

    @property
    def label(self) -> str:
        return self.name or self.key


@dataclass(frozen=True, slots=True)
class Visit:
    key: str
    arrival_seconds: int
    wait_seconds: int
    start_seconds: int
    departure_seconds: int


@dataclass(frozen=True, slots=True)
class Leg:
    """One ride. ``duration_s`` is the provider's riding time; ``buffer_s`` the per-leg buffer."""

    from_key: str
    to_key: str
    distance_m: float
    duration_s: int
    buffer_s: int


@dataclass(frozen=True, slots=True)
class Unfitted:
    """A stop left out of the plan. ``reason_code`` plus ``detail`` (seconds since midnight or
    durations in seconds) allow translation; ``message`` is a default English text."""

    key: str
    reason_code: str
    message: str
    detail: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Violation:
    """A window (or the latest end) that a manual order breaks, by ``overrun_seconds``."""

    key: str
    reason_code: str
    message: str
    detail: dict[str, int] = field(default_factory=dict)
    overrun_seconds: int = 0


@dataclass(frozen=True, slots=True)
class RoutePlan:
    """Result of :func:`plan_route`.

    ``order`` lists indices into the ``stops`` argument in visiting order. ``total_travel_s`` is
    the sum of riding time and buffers over all legs (no visits, no waiting). ``end_seconds`` is
    the arrival time at the end point. ``optimal`` is True only when the exact DP proved it.
    """

    feasible: bool
    optimal: bool
    order: list[int]
    visits: list[Visit]
    legs: list[Leg]
    total_distance_m: float
    total_travel_s: int
    total_wait_s: int
    start_seconds: int
    end_seconds: int
    unfitted: list[Unfitted]
    violations: list[Violation]


@dataclass(slots=True)
class _Problem:
    stops: list[StopInput]
    start_seconds: int
    travel: NDArray[np.int64]  # riding time + buffer, over [start, *stops, end]
    ride: NDArray[np.int64]
    distance: NDArray[np.float64]
    buffer: int
    latest_end: int | None

    @property
    def n(self) -> int:
        return len(self.stops)

    @property
    def end_node(self) -> int:
        return self.n + 1


def _earliest_start(arrival: float, stop: StopInput) -> float:
    """Earliest visit start at or after ``arrival`` that fits a window; inf when none does."""
    if not stop.windows:
        return arrival
    for opens, closes in stop.windows:
        start = max(arrival, opens)
        if start + stop.visit_seconds <= closes:
            return start
    return INF


def _earliest_start_array(arrival: NDArray[np.float64], stop: StopInput) -> NDArray[np.float64]:
    if not stop.windows:
        return arrival
    best = np.full(arrival.shape, INF)
    for opens, closes in stop.windows:
        start = np.maximum(arrival, opens)
        best = np.minimum(best, np.where(start + stop.visit_seconds <= closes, start, INF))
    return best


def _lenient_start(arrival: int, stop: StopInput) -> tuple[int, int, int]:
    """For a manual order: (visit start, window close, overrun) choosing the least-bad window."""
    best: tuple[int, int, int] | None = None
    for opens, closes in stop.windows:
        start = max(arrival, opens)
        overrun = max(0, start + stop.visit_seconds - closes)
        if best is None or (overrun, start) < (best[2], best[0]):
            best = (start, closes, overrun)
    assert best is not None
    return best


@dataclass(slots=True)
class _Timeline:
    visits: list[Visit]
    legs: list[Leg]
    end_seconds: int
    distance_m: float
    travel_s: int
    wait_s: int
    violations: list[Violation]


def _simulate(problem: _Problem, order: Sequence[int]) -> _Timeline:
    """Times along ``order`` (0-based stop indices) without reordering; records violations."""
    stops = problem.stops
    visits: list[Visit] = []
    legs: list[Leg] = []
    violations: list[Violation] = []
    clock = problem.start_seconds
    previous_node, previous_key = 0, START_KEY
    distance = 0.0
    travel = 0
    waiting = 0

    def add_leg(node: int, key: str) -> None:
        nonlocal distance, travel
        legs.append(
            Leg(
                from_key=previous_key,
                to_key=key,
                distance_m=float(problem.distance[previous_node, node]),
                duration_s=int(problem.ride[previous_node, node]),
                buffer_s=problem.buffer,
            )
        )
        distance += float(problem.distance[previous_node, node])
        travel += int(problem.travel[previous_node, node])

    for index in order:
        stop = stops[index]
        node = index + 1
        add_leg(node, stop.key)
        arrival = clock + int(problem.travel[previous_node, node])
        start = _earliest_start(arrival, stop)
        if math.isinf(start):
            start_int, closes, overrun = _lenient_start(arrival, stop)
            violations.append(
                Violation(
                    key=stop.key,
                    reason_code="departs_after_close",
                    message=(
                        f"{stop.label} closes at {format_hhmm(closes)}; in this order the group "
                        f"arrives at {format_hhmm(arrival)} and leaves "
                        f"{math.ceil(overrun / 60)} min too late"
                    ),
                    detail={
                        "closes_at": closes,
                        "arrival": arrival,
                        "departure": start_int + stop.visit_seconds,
                    },
                    overrun_seconds=overrun,
                )
            )
        else:
            start_int = int(start)
        departure = start_int + stop.visit_seconds
        waiting += start_int - arrival
        visits.append(
            Visit(
                key=stop.key,
                arrival_seconds=arrival,
                wait_seconds=start_int - arrival,
                start_seconds=start_int,
                departure_seconds=departure,
            )
        )
        clock = departure
        previous_node, previous_key = node, stop.key

    add_leg(problem.end_node, END_KEY)
    end = clock + int(problem.travel[previous_node, problem.end_node])
    if problem.latest_end is not None and end > problem.latest_end:
        violations.append(
            Violation(
                key=END_KEY,
                reason_code="finishes_after_latest_end",
                message=(
                    f"the tour should end by {format_hhmm(problem.latest_end)} but arrives at "
                    f"{format_hhmm(end)}"
                ),
                detail={"latest_end": problem.latest_end, "end": end},
                overrun_seconds=end - problem.latest_end,
            )
        )
    return _Timeline(visits, legs, end, distance, travel, waiting, violations)


def _solve_exact(problem: _Problem) -> list[int]:
    """Held–Karp over subsets with earliest-departure labels, for the largest feasible subset.

    With waiting allowed, leaving a stop earlier never hurts later (FIFO), so per (subset, last
    stop) only the earliest departure needs keeping: the minimal end time is exact. The distance
    tie-break is applied between labels of equal time.
    """
    n = problem.n
    if n == 0:
        return []
    stops = problem.stops
    size = 1 << n
    travel = problem.travel.astype(np.float64)
    between = travel[1 : n + 1, 1 : n + 1]
    between_dist = problem.distance[1 : n + 1, 1 : n + 1]
    depart = np.full((size, n), INF)
    dist = np.full((size, n), INF)
    pred = np.full((size, n), -1, dtype=np.int8)
    for j, stop in enumerate(stops):
        start = _earliest_start(problem.start_seconds + travel[0, j + 1], stop)
        if not math.isinf(start):
            depart[1 << j, j] = start + stop.visit_seconds
            dist[1 << j, j] = problem.distance[0, j + 1]

    masks = np.arange(size, dtype=np.int64)
    popcount = np.zeros(size, dtype=np.int64)
    for j in range(n):
        popcount += (masks >> j) & 1
    for layer in range(1, n):
        layer_masks = masks[popcount == layer]
        layer_masks = layer_masks[np.isfinite(depart[layer_masks]).any(axis=1)]
        if layer_masks.size == 0:
            break
        for j, stop in enumerate(stops):
            sources = layer_masks[((layer_masks >> j) & 1) == 0]
            if sources.size == 0:
                continue
            arrival = depart[sources] + between[:, j]
            leave = _earliest_start_array(arrival, stop) + stop.visit_seconds
            best_leave = leave.min(axis=1)
            reachable = np.isfinite(best_leave)
            if not reachable.any():
                continue
            sources, leave, best_leave = sources[reachable], leave[reachable], best_leave[reachable]
            length = np.where(leave == best_leave[:, None], dist[sources] + between_dist[:, j], INF)
            choice = np.argmin(length, axis=1)
            rows = np.arange(sources.size)
            targets = sources | (1 << j)
            depart[targets, j] = best_leave
            dist[targets, j] = length[rows, choice]
            pred[targets, j] = choice

    finish = depart + travel[1 : n + 1, n + 1]
    finish_dist = dist + problem.distance[1 : n + 1, n + 1]
    if problem.latest_end is not None:
        finish = np.where(finish <= problem.latest_end, finish, INF)
    best_time = finish.min(axis=1)
    feasible_masks = np.flatnonzero(np.isfinite(best_time))
    if feasible_masks.size == 0:
        return []
    most = popcount[feasible_masks].max()
    candidates = feasible_masks[popcount[feasible_masks] == most]
    candidate_time = best_time[candidates]
    candidates = candidates[candidate_time == candidate_time.min()]
    tie_dist = np.where(
        finish[candidates] == best_time[candidates][:, None], finish_dist[candidates], INF
    )
    flat = int(np.argmin(tie_dist))
    mask = int(candidates[flat // n])
    last = flat % n
    order: list[int] = []
    while mask:
        order.append(last)
        previous = int(pred[mask, last])
        mask &= ~(1 << last)
        last = previous
    order.reverse()
    return order


def _solve_search(problem: _Problem, *, time_limit_seconds: float) -> list[int]:
    """OR-Tools routing with a time dimension; stops that cannot fit are dropped by penalty."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n = problem.n
    stops = problem.stops
    manager = pywrapcp.RoutingIndexManager(n + 2, 1, [0], [n + 1])
    routing = pywrapcp.RoutingModel(manager)
    service = [0] + [s.visit_seconds for s in stops] + [0]
    travel = problem.travel.tolist()
    distance = np.rint(problem.distance).astype(np.int64).tolist()

    # Matrices registered in C++ avoid a Python call per arc evaluation (several times faster).
    time_index = routing.RegisterTransitMatrix(
        [[service[a] + travel[a][b] for b in range(n + 2)] for a in range(n + 2)]
    )
    distance_index = routing.RegisterTransitMatrix(distance)
    horizon = problem.start_seconds + 3 * 86_400
    routing.AddDimension(time_index, 86_400, horizon, False, "time")
    time_dimension = routing.GetDimensionOrDie("time")
    # The span (end minus fixed start) is the objective; distance only steers between equals.
    time_dimension.SetSpanCostCoefficientForAllVehicles(100)
    routing.SetArcCostEvaluatorOfAllVehicles(distance_index)
    start_var = time_dimension.CumulVar(routing.Start(0))
    start_var.SetRange(problem.start_seconds, problem.start_seconds)
    end_var = time_dimension.CumulVar(routing.End(0))
    if problem.latest_end is not None:
        end_var.SetMax(problem.latest_end)
    # Dropping a stop must cost more than any possible tour, so as many stops as possible fit.
    penalty = 100 * horizon + int(sum(map(sum, distance))) + 1
    for j, stop in enumerate(stops):
        index = manager.NodeToIndex(j + 1)
        if stop.windows:
            # The cumul is the visit start; each window allows starts in [open, close - visit].
            allowed = [
                (opens, closes - stop.visit_seconds)
                for opens, closes in stop.windows
                if closes - stop.visit_seconds >= opens
            ]
            if not allowed:
                # Never fits: switch the node off so the search does not waste moves on it.
                routing.AddDisjunction([index], penalty)
                routing.ActiveVar(index).SetValue(0)
                continue
            cumul = time_dimension.CumulVar(index)
            cumul.SetRange(allowed[0][0], max(hi for _, hi in allowed))
            for (_, hi), (lo, _) in itertools.pairwise(allowed):
                if lo - 1 >= hi + 1:
                    cumul.RemoveInterval(hi + 1, lo - 1)
        routing.AddDisjunction([index], penalty)

    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    parameters.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    parameters.time_limit.FromMilliseconds(max(1, int(time_limit_seconds * 1000)))
    solution = routing.SolveWithParameters(parameters)
    if solution is None:
        return []
    order: list[int] = []
    index = solution.Value(routing.NextVar(routing.Start(0)))
    while not routing.IsEnd(index):
        order.append(manager.IndexToNode(index) - 1)
        index = solution.Value(routing.NextVar(index))
    return order


def _explain(problem: _Problem, index: int, order: list[int]) -> Unfitted:
    """Why stop ``index`` could not join ``order``, in numbers and plain words."""
    stop = problem.stops[index]
    if stop.windows:
        longest = max(closes - opens for opens, closes in stop.windows)
        if longest < stop.visit_seconds:
            return Unfitted(
                key=stop.key,
                reason_code="visit_longer_than_window",
                message=(
                    f"{stop.label} is open for at most {longest // 60} min at a time, too short "
                    f"for a {stop.visit_seconds // 60}-minute visit"
                ),
                detail={"visit_seconds": stop.visit_seconds, "longest_window_seconds": longest},
            )
    closes_at = max((closes for _, closes in stop.windows), default=0)
    direct_arrival = problem.start_seconds + int(problem.travel[0, index + 1])
    if math.isinf(_earliest_start(direct_arrival, stop)):
        return Unfitted(
            key=stop.key,
            reason_code="closes_before_arrival",
            message=(
                f"{stop.label} closes at {format_hhmm(closes_at)}; earliest arrival "
                f"{format_hhmm(direct_arrival)}"
                + (
                    f", too late for a {stop.visit_seconds // 60}-minute visit"
                    if direct_arrival < closes_at
                    else ""
                )
            ),
            detail={
                "closes_at": closes_at,
                "earliest_arrival": direct_arrival,
                "visit_seconds": stop.visit_seconds,
            },
        )
    alone = _simulate(problem, [index])
    if alone.violations:
        return Unfitted(
            key=stop.key,
            reason_code="no_time_to_finish",
            message=(
                f"visiting {stop.label} alone already ends the tour at "
                f"{format_hhmm(alone.end_seconds)}, after the latest end "
                f"{format_hhmm(problem.latest_end or 0)}"
            ),
            detail={"earliest_end": alone.end_seconds, "latest_end": problem.latest_end or 0},
        )
    earliest_arrival: int | None = None
    displaced: str | None = None
    for position in range(len(order) + 1):
        timeline = _simulate(problem, [*order[:position], index, *order[position:]])
        visit = timeline.visits[position]
        if earliest_arrival is None or visit.arrival_seconds < earliest_arrival:
            earliest_arrival = visit.arrival_seconds
        if displaced is None and not any(v.key == stop.key for v in timeline.violations):
            displaced = timeline.violations[0].key if timeline.violations else ""
    assert earliest_arrival is not None
    if displaced == "":
        # Only possible after the time-limited search: the stop would have fitted.
        return Unfitted(
            key=stop.key,
            reason_code="left_out_by_search",
            message=f"{stop.label} could fit but the search ran out of time; plan again",
            detail={"earliest_arrival": earliest_arrival, "closes_at": closes_at},
        )
    if displaced is not None:
        other = next((s.label for s in problem.stops if s.key == displaced), displaced)
        text = (
            f"fitting in {stop.label} would make the tour end too late"
            if displaced == END_KEY
            else f"fitting in {stop.label} would make {other} miss its opening hours"
        )
        return Unfitted(
            key=stop.key,
            reason_code="conflicts_with_other_stops",
            message=text,
            detail={"earliest_arrival": earliest_arrival, "closes_at": closes_at},
        )
    return Unfitted(
        key=stop.key,
        reason_code="closes_before_arrival",
        message=(
            f"{stop.label} closes at {format_hhmm(closes_at)}; earliest arrival "
            f"{format_hhmm(earliest_arrival)} together with the other stops"
        ),
        detail={
            "closes_at": closes_at,
            "earliest_arrival": earliest_arrival,
            "visit_seconds": stop.visit_seconds,
        },
    )


def _build_problem(
    *,
    stops: Sequence[StopInput],
    start_seconds: int,
    matrix: TravelMatrix,
    leg_buffer_seconds: int,
    latest_end_seconds: int | None,
) -> _Problem:
    n = len(stops)
    if matrix.size != n + 2:
        raise ValueError(f"matrix must cover start, {n} stops and end ({n + 2} points)")
    if not np.isfinite(matrix.durations).all() or not np.isfinite(matrix.distances).all():
        raise ValueError("matrix contains unreachable (infinite) entries")
    if len({s.key for s in stops}) != n:
        raise ValueError("stop keys must be unique")
    ride = np.rint(matrix.durations).astype(np.int64)
    return _Problem(
        stops=list(stops),
        start_seconds=int(start_seconds),
        travel=ride + int(leg_buffer_seconds),
        ride=ride,
        distance=matrix.distances,
        buffer=int(leg_buffer_seconds),
        latest_end=latest_end_seconds,
    )


def _to_plan(problem: _Problem, order: list[int], *, optimal: bool, manual: bool) -> RoutePlan:
    timeline = _simulate(problem, order)
    unfitted: list[Unfitted] = []
    if not manual:
        chosen = set(order)
        unfitted = [_explain(problem, i, order) for i in range(problem.n) if i not in chosen]
    return RoutePlan(
        feasible=not unfitted and not timeline.violations,
        optimal=optimal,
        order=list(order),
        visits=timeline.visits,
        legs=timeline.legs,
        total_distance_m=timeline.distance_m,
        total_travel_s=timeline.travel_s,
        total_wait_s=timeline.wait_s,
        start_seconds=problem.start_seconds,
        end_seconds=timeline.end_seconds,
        unfitted=unfitted,
        violations=timeline.violations,
    )


def plan_route(
    *,
    start_point: Point,
    end_point: Point,
    start_seconds: int,
    stops: Sequence[StopInput],
    matrix: TravelMatrix | None = None,
    provider: TravelTimeProvider | None = None,
    leg_buffer_seconds: int = 0,
    fixed_order: Sequence[int] | None = None,
    latest_end_seconds: int | None = None,
    time_limit_seconds: float = 1.0,
    exact_limit: int = MAX_EXACT_STOPS,
) -> RoutePlan:
    """Order ``stops`` between a fixed start and end, earliest finish first.

    ``matrix`` covers ``[start_point, *stops, end_point]``; when omitted it is computed with
    ``provider`` (straight line by default). With ``fixed_order`` (a permutation of stop
    indices) the order is kept as given and broken windows are reported in ``violations``.
    Otherwise up to ``exact_limit`` stops are solved exactly; larger sets (up to 40) use OR-Tools
    for ``time_limit_seconds``. Stops that cannot be fitted are listed in ``unfitted``.
    """
    if len(stops) > MAX_STOPS:
        raise ValueError(f"at most {MAX_STOPS} stops can be planned, got {len(stops)}")
    if matrix is None:
        provider = provider or StraightLineProvider()
        matrix = provider.matrix([start_point, *(s.point for s in stops), end_point])
    problem = _build_problem(
        stops=stops,
        start_seconds=start_seconds,
        matrix=matrix,
        leg_buffer_seconds=leg_buffer_seconds,
        latest_end_seconds=latest_end_seconds,
    )
    if fixed_order is not None:
        order = list(fixed_order)
        if sorted(order) != list(range(problem.n)):
            raise ValueError("fixed_order must list every stop index exactly once")
        return _to_plan(problem, order, optimal=False, manual=True)
    if problem.n <= min(exact_limit, MAX_EXACT_STOPS):
        return _to_plan(problem, _solve_exact(problem), optimal=True, manual=False)
    order = _solve_search(problem, time_limit_seconds=time_limit_seconds)
    # Guard against a search result our own timing model disagrees with: drop offenders.
    while order:
        violations = _simulate(problem, order).violations
        broken = [v.key for v in violations if v.key != END_KEY]
        if not violations:
            break
        victim = broken[0] if broken else problem.stops[order[-1]].key
        order = [i for i in order if problem.stops[i].key != victim]
    order = _insert_missing(problem, order)
    return _to_plan(problem, order, optimal=False, manual=False)


def _insert_missing(problem: _Problem, order: list[int]) -> list[int]:
    """Cheapest feasible insertion of stops the time-limited search left out, if any fit."""
    improved = True
    while improved:
        improved = False
        chosen = set(order)
        for index in range(problem.n):
            if index in chosen:
                continue
            best: tuple[int, list[int]] | None = None
            for position in range(len(order) + 1):
                candidate = [*order[:position], index, *order[position:]]
                timeline = _simulate(problem, candidate)
                if not timeline.violations and (best is None or timeline.end_seconds < best[0]):
                    best = (timeline.end_seconds, candidate)
            if best is not None:
                order = best[1]
                improved = True
                break
    return order
