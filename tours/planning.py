"""The tours app's one door to route composition: plain data in, plain data out.

Services and the stateless planner API speak these dataclasses; this module turns them into
calls on the routing package (providers, ordering with time windows). Times are seconds since
midnight of the tour's date, local time. No request or model in sight.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from routing.geo import Point, haversine_m
from routing.osm import StreetGraph
from routing.providers import ProviderError, TravelTimeProvider, build_provider
from routing.solver import RoutePlan, StopInput
from routing.solver import plan_route as solve_route
from routing.suggest import Candidate, suggest_stops


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

    kind: closed_day, or a reason code of routing.solver (closes_before_arrival,
    departs_after_close, conflicts_with_other_stops, visit_longer_than_window,
    no_time_to_finish, finishes_after_latest_end, left_out_by_search).
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


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    return haversine_m(Point(*a), Point(*b))


@lru_cache(maxsize=2)
def _street_graph(path: str, modified: float) -> StreetGraph:
    # Keyed on the file time too, so a new load_street_network is picked up without a restart.
    return StreetGraph.load(path)


@lru_cache(maxsize=4)
def _osm_provider(path: str, modified: float) -> TravelTimeProvider:
    return build_provider(name="osm", graph=_street_graph(path, modified))


def graph_modified(path: Path) -> float:
    marker = path / "nodes.npz" if path.is_dir() else path
    return os.stat(marker).st_mtime


def provider() -> TravelTimeProvider:
    """The travel-time provider chosen in settings (ROUTING_PROVIDER)."""
    name = settings.ROUTING_PROVIDER
    if name == "osm":
        path = Path(settings.ROUTING_GRAPH_PATH)
        if not path.exists():
            raise PlanningError(
                f"No street graph at {path}; load one with manage.py load_street_network FILE."
            )
        return _osm_provider(str(path), graph_modified(path))
    if name == "osrm":
        if not settings.ROUTING_OSRM_URL:
            raise PlanningError("ROUTING_PROVIDER is osrm but ROUTING_OSRM_URL is not set.")
        return build_provider(name="osrm", base_url=settings.ROUTING_OSRM_URL)
    if name != "straight":
        raise PlanningError(f"Unknown ROUTING_PROVIDER {name!r}; use straight, osm or osrm.")
    return build_provider(
        name="straight",
        detour_factor=settings.ROUTING_DETOUR_FACTOR,
        speed_kmh=settings.ROUTING_SPEED_KMH,
    )


# --- ordering --------------------------------------------------------------------------------

# A stop closed all day gets a window it can never fit, so a fixed order flags it.
NEVER = ((0, 0),)


def _stop_input(stop: PlanStop) -> StopInput:
    windows = () if stop.windows is None else (tuple(stop.windows) or NEVER)
    return StopInput(
        key=stop.key,
        point=Point(stop.lat, stop.lon),
        visit_seconds=stop.visit_s,
        windows=windows,
        name=stop.name,
    )


def _problem(key: str, reason: str, detail: dict[str, int], closed: set[str]) -> Problem:
    if key in closed:
        return Problem(key=key, kind="closed_day")
    arrival = detail.get("arrival", detail.get("earliest_arrival", detail.get("end")))
    return Problem(
        key=key,
        kind=reason,
        closes_s=detail.get("closes_at", detail.get("latest_end")),
        arrival_s=arrival,
        departure_s=detail.get("departure", detail.get("earliest_end")),
    )


def _geometry(travel: TravelTimeProvider, points: list[Point]) -> list[tuple[float, float]]:
    line: list[tuple[float, float]] = []
    for a, b in itertools.pairwise(points):
        leg = [(p.lat, p.lon) for p in travel.leg_geometry(a, b)]
        line.extend(leg[1:] if line and leg and leg[0] == line[-1] else leg)
    return line


def _to_plan(
    result: RoutePlan,
    stops: list[PlanStop],
    start: Point,
    end: Point,
    travel: TravelTimeProvider,
    closed: set[str],
    left_out: list[PlanStop],
) -> Plan:
    order = [stops[i] for i in result.order]
    problems = [_problem(u.key, u.reason_code, u.detail, closed) for u in result.unfitted]
    problems += [_problem(v.key, v.reason_code, v.detail, closed) for v in result.violations]
    problems += [Problem(key=stop.key, kind="closed_day") for stop in left_out]
    route = [start, *(Point(s.lat, s.lon) for s in order), end]
    try:
        geometry = _geometry(travel, route)
    except ProviderError as exc:
        raise PlanningError(str(exc)) from exc
    return Plan(
        order=[s.key for s in order],
        arrivals_s=[v.start_seconds for v in result.visits],
        departures_s=[v.departure_seconds for v in result.visits],
        legs=[Leg(round(leg.distance_m), int(leg.duration_s)) for leg in result.legs],
        end_arrival_s=result.end_seconds,
        geometry=geometry,
        estimated=bool(getattr(travel, "estimated", True)),
        problems=problems,
        dropped=[u.key for u in result.unfitted] + [s.key for s in left_out],
    )


def plan_route(
    *,
    start: Place,
    end: Place,
    stops: list[PlanStop],
    start_s: int,
    buffer_s: int,
    fixed_order: bool = False,
    latest_end_s: int | None = None,
) -> Plan:
    """Order the stops (or keep their order) and time every visit.

    With `fixed_order`, every stop stays in and broken windows become problems; otherwise the
    best order visits as many stops as fit within their windows and reports the rest.
    """
    travel = provider()
    closed = {s.key for s in stops if s.windows is not None and not s.windows}
    # Stops closed all day cannot be ordered; in a fixed order they stay in and are flagged.
    left_out = [] if fixed_order else [s for s in stops if s.key in closed]
    ordered = [s for s in stops if s not in left_out]
    start_point, end_point = Point(start.lat, start.lon), Point(end.lat, end.lon)
    try:
        result = solve_route(
            start_point=start_point,
            end_point=end_point,
            start_seconds=start_s,
            stops=[_stop_input(s) for s in ordered],
            provider=travel,
            leg_buffer_seconds=buffer_s,
            fixed_order=list(range(len(ordered))) if fixed_order else None,
            latest_end_seconds=latest_end_s,
        )
    except ProviderError as exc:
        raise PlanningError(str(exc)) from exc
    return _to_plan(result, ordered, start_point, end_point, travel, closed, left_out)


# --- suggestion ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestCandidate:
    key: str
    lat: float
    lon: float
    visit_s: int
    windows: tuple[tuple[int, int], ...] | None
    themes: frozenset[str]
    domain: str
    name: str = ""


@dataclass
class SuggestResult:
    keys: list[str]
    plan: Plan | None
    covered_themes: frozenset[str]
    uncovered_themes: list[str]
    domains: frozenset[str]


def suggest(
    *,
    candidates: list[SuggestCandidate],
    wanted_themes: set[str],
    start: Place,
    end: Place,
    start_s: int,
    budget_s: int,
    min_stops: int,
    max_stops: int,
    buffer_s: int,
) -> SuggestResult:
    """Which candidates to visit (routing.suggest), with the chosen set's optimal schedule."""
    travel = provider()
    usable = [c for c in candidates if c.windows is None or c.windows]
    start_point, end_point = Point(start.lat, start.lon), Point(end.lat, end.lon)
    try:
        result = suggest_stops(
            candidates=[
                Candidate(
                    key=c.key,
                    point=Point(c.lat, c.lon),
                    visit_seconds=c.visit_s,
                    windows=c.windows or (),
                    themes=c.themes,
                    domain=c.domain,
                    name=c.name,
                )
                for c in usable
            ],
            wanted_themes=wanted_themes,
            start_point=start_point,
            end_point=end_point,
            start_seconds=start_s,
            budget_seconds=budget_s,
            min_stops=min_stops,
            max_stops=max_stops,
            provider=travel,
            leg_buffer_seconds=buffer_s,
        )
    except ProviderError as exc:
        raise PlanningError(str(exc)) from exc
    by_key = {c.key: c for c in usable}
    chosen = [
        PlanStop(key=k, lat=by_key[k].lat, lon=by_key[k].lon, visit_s=by_key[k].visit_s)
        for k in result.keys
    ]
    plan = None
    if chosen:
        plan = plan_route(
            start=start,
            end=end,
            stops=[
                PlanStop(
                    key=s.key,
                    lat=s.lat,
                    lon=s.lon,
                    visit_s=s.visit_s,
                    name=by_key[s.key].name,
                    windows=by_key[s.key].windows,
                )
                for s in chosen
            ],
            start_s=start_s,
            buffer_s=buffer_s,
        )
    return SuggestResult(
        keys=plan.order if plan else [],
        plan=plan,
        covered_themes=result.covered_themes,
        uncovered_themes=[u.theme for u in result.uncovered],
        domains=result.domains,
    )
