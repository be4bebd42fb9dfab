"""The tours app's one door to route composition: plain data in, plain data out.

Services and the stateless planner API speak these dataclasses; this module turns them into
calls on the routing package (providers, ordering with time windows). Times are seconds since
midnight of the tour's date, local time. No request or model in sight.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    name: str = ""


@dataclass(frozen=True)
class PlanStop:
    key: str
    lat: float
    lon: float
    visit_s: int
    name: str = ""
    # Visiting hours that day; None = no restriction, [] = closed all day.
    windows: tuple[tuple[int, int], ...] | None = None


@dataclass(frozen=True)
class Leg:
    distance_m: int
    duration_s: int


@dataclass(frozen=True)
class Problem:
    """Why a stop could not be fitted (or is late, in a fixed order).

    kind: closed_day | closes_before_arrival | visit_past_closing | conflict | opens_after
    """

    key: str
    kind: str
    opens_s: int | None = None
    closes_s: int | None = None
    arrival_s: int | None = None
    departure_s: int | None = None


@dataclass
class Plan:
    order: list[str]
    arrivals_s: list[int]
    departures_s: list[int]
    legs: list[Leg]  # len(order) + 1: start → first, ..., last → end
    end_arrival_s: int
    geometry: list[tuple[float, float]]  # (lat, lon)
    estimated: bool
    problems: list[Problem] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    @property
    def total_distance_m(self) -> int:
        return sum(leg.distance_m for leg in self.legs)

    @property
    def total_cycling_s(self) -> int:
        return sum(leg.duration_s for leg in self.legs)


class PlanningError(Exception):
    """Composition cannot run at all (for example: no street graph loaded)."""


# --- providers -------------------------------------------------------------------------------


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def provider_name() -> str:
    return settings.ROUTING_PROVIDER


def _routing_provider():
    """The routing package's provider chosen in settings (None when the package is absent)."""
    try:
        from routing import providers
    except ImportError:
        return None
    name = settings.ROUTING_PROVIDER
    if name == "osm":
        return providers.OsmProvider(graph=load_street_graph(str(settings.ROUTING_GRAPH_PATH)))
    if name == "osrm":
        if not settings.ROUTING_OSRM_URL:
            raise PlanningError("ROUTING_OSRM_URL is not set.")
        return providers.OsrmProvider(base_url=settings.ROUTING_OSRM_URL)
    return providers.StraightLineProvider(
        detour_factor=settings.ROUTING_DETOUR_FACTOR, speed_kmh=settings.ROUTING_SPEED_KMH
    )


@lru_cache(maxsize=2)
def load_street_graph(path: str):
    from routing.graph import StreetGraph

    if not Path(path).exists():
        raise PlanningError(f"No street graph at {path}; run manage.py load_street_network.")
    return StreetGraph.load(path)


def _matrix(points: list[tuple[float, float]]) -> tuple[list[list[int]], list[list[int]]]:
    """(distance_m, duration_s) matrices between all points, from the configured provider."""
    provider = _routing_provider()
    if provider is not None:
        matrix = provider.matrix(points)
        return matrix.distances_m, matrix.durations_s
    factor = settings.ROUTING_DETOUR_FACTOR
    speed_ms = settings.ROUTING_SPEED_KMH / 3.6
    distances = [[round(haversine_m(a, b) * factor) for b in points] for a in points]
    durations = [[round(d / speed_ms) for d in row] for row in distances]
    return distances, durations


def _geometry(points: list[tuple[float, float]]) -> tuple[list[tuple[float, float]], bool]:
    provider = _routing_provider()
    if provider is not None and settings.ROUTING_PROVIDER != "straight":
        return list(provider.route_geometry(points)), False
    return list(points), True


# --- ordering --------------------------------------------------------------------------------


def _visit(ready_s: int, stop: PlanStop) -> tuple[int, int] | None:  # (arrival, departure) or None
    if stop.windows is None:
        return ready_s, ready_s + stop.visit_s
    for opens, closes in sorted(stop.windows):
        arrival = max(ready_s, opens)
        if arrival + stop.visit_s <= closes:
            return arrival, arrival + stop.visit_s
    return None


def _explain(key: str, stop: PlanStop, earliest_s: int) -> Problem:
    if stop.windows is not None and not stop.windows:
        return Problem(key=key, kind="closed_day")
    windows = sorted(stop.windows or [])
    last_opens, last_closes = windows[-1]
    if earliest_s >= last_closes:
        return Problem(
            key=key,
            kind="closes_before_arrival",
            opens_s=last_opens,
            closes_s=last_closes,
            arrival_s=earliest_s,
        )
    if max(earliest_s, last_opens) + stop.visit_s > last_closes:
        arrival = max(earliest_s, last_opens)
        return Problem(
            key=key,
            kind="visit_past_closing",
            opens_s=last_opens,
            closes_s=last_closes,
            arrival_s=arrival,
            departure_s=arrival + stop.visit_s,
        )
    return Problem(key=key, kind="conflict", opens_s=last_opens, closes_s=last_closes)


def _best_order_exact(
    stops: list[PlanStop], durations: list[list[int]], start_s: int, buffer_s: int
) -> list[int]:
    """Held–Karp over subsets with windows: the largest feasible subset, then earliest finish.

    Node 0 is the start, 1..n the stops, n+1 the end. Earliest departure dominates (waiting is
    allowed), so keeping only the earliest time per (subset, last) state is exact.
    """
    n = len(stops)
    end = n + 1
    best: dict[tuple[int, int], tuple[int, list[int]]] = {}
    frontier: dict[tuple[int, int], tuple[int, list[int]]] = {(0, 0): (start_s, [])}
    best[(0, 0)] = frontier[(0, 0)]
    while frontier:
        following: dict[tuple[int, int], tuple[int, list[int]]] = {}
        for (mask, last), (ready, path) in frontier.items():
            for i in range(n):
                if mask & (1 << i):
                    continue
                visit = _visit(ready + durations[last][i + 1] + buffer_s, stops[i])
                if visit is None:
                    continue
                state = (mask | (1 << i), i + 1)
                if state not in following or visit[1] < following[state][0]:
                    following[state] = (visit[1], [*path, i])
        best.update(following)
        frontier = following

    def finish(item: tuple[tuple[int, int], tuple[int, list[int]]]) -> tuple[int, int]:
        (mask, last), (ready, _path) = item
        return (-mask.bit_count(), ready + durations[last][end])

    return min(best.items(), key=finish)[1][1]


def _best_order_greedy(
    stops: list[PlanStop], durations: list[list[int]], start_s: int, buffer_s: int
) -> list[int]:
    """Nearest feasible neighbour; only used for many stops when the routing package is absent."""
    remaining = set(range(len(stops)))
    order: list[int] = []
    last, ready = 0, start_s
    while remaining:
        options = []
        for i in remaining:
            visit = _visit(ready + durations[last][i + 1] + buffer_s, stops[i])
            if visit is not None:
                options.append((visit[1], i))
        if not options:
            break
        ready, chosen = min(options)
        order.append(chosen)
        remaining.discard(chosen)
        last = chosen + 1
    return order


def plan_route(
    *,
    start: Place,
    end: Place,
    stops: list[PlanStop],
    start_s: int,
    buffer_s: int,
    fixed_order: bool = False,
) -> Plan:
    """Order the stops (or keep their order) and time every visit.

    With `fixed_order`, every stop stays in and late arrivals become problems; otherwise the
    best order visits as many stops as fit within their windows and reports the rest.
    """
    points = [(start.lat, start.lon), *[(s.lat, s.lon) for s in stops], (end.lat, end.lon)]
    distances, durations = _matrix(points)
    n = len(stops)
    if fixed_order:
        chosen = list(range(n))
    elif n <= 12:
        chosen = _best_order_exact(stops, durations, start_s, buffer_s)
    else:
        chosen = _best_order_greedy(stops, durations, start_s, buffer_s)
    problems: list[Problem] = []
    arrivals, departures, legs = [], [], []
    last, ready = 0, start_s
    for i in chosen:
        stop = stops[i]
        legs.append(Leg(distances[last][i + 1], durations[last][i + 1]))
        earliest = ready + durations[last][i + 1] + buffer_s
        visit = _visit(earliest, stop)
        if visit is None:
            # Only in a fixed order: keep the stop, flag it, and carry on from its visit.
            problems.append(_explain(stop.key, stop, earliest))
            visit = (earliest, earliest + stop.visit_s)
        arrivals.append(visit[0])
        departures.append(visit[1])
        last, ready = i + 1, visit[1]
    legs.append(Leg(distances[last][n + 1], durations[last][n + 1]))
    end_arrival = ready + durations[last][n + 1] + (buffer_s if chosen else 0)
    dropped = [i for i in range(n) if i not in chosen]
    for i in dropped:
        problems.append(_explain(stops[i].key, stops[i], start_s + durations[0][i + 1] + buffer_s))
    route_points = [points[0], *[points[i + 1] for i in chosen], points[-1]]
    geometry, estimated = _geometry(route_points)
    return Plan(
        order=[stops[i].key for i in chosen],
        arrivals_s=arrivals,
        departures_s=departures,
        legs=legs,
        end_arrival_s=end_arrival,
        geometry=geometry,
        estimated=estimated,
        problems=problems,
        dropped=[stops[i].key for i in dropped],
    )
