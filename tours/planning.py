"""The tours app's one door to route composition: plain data in, plain data out.

Services and the stateless planner API speak these dataclasses; this module turns them into
calls on the routing package (providers, ordering with time windows). Times are seconds since
midnight of the tour's date, local time. No request or model in sight.
"""

from __future__ import annotations

import contextlib
import itertools
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from routing import valhalla
from routing.geo import Point, haversine_m
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
class Step:
    """One turn instruction of a leg (routing.valhalla.Maneuver, rounded for storage)."""

    text: str
    streets: tuple[str, ...]
    distance_m: int
    duration_s: int
    lat: float
    lon: float
    walking: bool = False
    kind: int = 0  # Valhalla's maneuver type (4–6: arrival at the destination)


@dataclass(frozen=True)
class Leg:
    distance_m: int
    duration_s: int
    # Turn instructions per language code ("nl", "en"); empty for the estimate.
    steps: dict[str, tuple[Step, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    """Why a stop could not be fitted (or is late, in a fixed order).

    kind: closed_day, unreachable (no street the group may ride within
    ROUTING_MAX_SNAP_METRES; `distance_m` says how far the nearest one is), or a reason code of
    routing.solver (closes_before_arrival, departs_after_close, conflicts_with_other_stops,
    visit_longer_than_window, no_time_to_finish, finishes_after_latest_end,
    left_out_by_search). The keys "start" and "end" stand for the meeting point and the end.
    """

    key: str
    kind: str
    opens_s: int | None = None
    closes_s: int | None = None
    arrival_s: int | None = None
    departure_s: int | None = None
    distance_m: int | None = None


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


def _straight() -> TravelTimeProvider:
    return build_provider(
        name="straight",
        detour_factor=settings.ROUTING_DETOUR_FACTOR,
        speed_kmh=settings.ROUTING_SPEED_KMH,
    )


def _valhalla_options() -> dict:
    return {
        "speed_kmh": settings.ROUTING_SPEED_KMH,
        "quiet_streets": settings.ROUTING_QUIET_STREETS,
        "max_snap_m": settings.ROUTING_MAX_SNAP_METRES,
    }


def tiles_loaded() -> bool:
    return valhalla.resolve_tiles(settings.ROUTING_TILES_DIR) is not None


def provider() -> TravelTimeProvider:
    """The travel-time provider chosen in settings (ROUTING_PROVIDER).

    `auto` (the default) is Valhalla over ROUTING_VALHALLA_URL when set, else Valhalla on the
    tiles in ROUTING_TILES_DIR when loaded, else the straight-line estimate.
    """
    name = settings.ROUTING_PROVIDER
    if name == "auto":
        if settings.ROUTING_VALHALLA_URL or tiles_loaded():
            name = "valhalla"
        else:
            return _straight()
    if name == "valhalla":
        try:
            if settings.ROUTING_VALHALLA_URL:
                return build_provider(
                    name="valhalla", base_url=settings.ROUTING_VALHALLA_URL, **_valhalla_options()
                )
            return build_provider(
                name="valhalla", tiles_dir=Path(settings.ROUTING_TILES_DIR), **_valhalla_options()
            )
        except ProviderError as exc:
            raise PlanningError(str(exc)) from exc
    if name == "osrm":
        if not settings.ROUTING_OSRM_URL:
            raise PlanningError("ROUTING_PROVIDER is osrm but ROUTING_OSRM_URL is not set.")
        return build_provider(name="osrm", base_url=settings.ROUTING_OSRM_URL)
    if name != "straight":
        raise PlanningError(
            f"Unknown ROUTING_PROVIDER {name!r}; use auto, valhalla, straight or osrm."
        )
    return _straight()


def warm() -> bool:
    """Create the process's Valhalla Actor now (at worker start) and load its tiles, rather
    than on the first compose. False when there is nothing to warm (no in-process tiles)."""
    if settings.ROUTING_VALHALLA_URL:
        return False
    try:
        travel = provider()
    except PlanningError:
        return False
    tile_set = valhalla.resolve_tiles(settings.ROUTING_TILES_DIR)
    if not isinstance(travel, valhalla.ValhallaProvider) or tile_set is None:
        return False
    on_streets = valhalla.warm(travel, tile_set, languages=_languages())
    # And the rest of a compose once (the solver's first call pays for its imports).
    if on_streets:
        here = on_streets[0]
        with contextlib.suppress(PlanningError):
            plan_route(
                start=Place(here.lat, here.lon),
                end=Place(here.lat, here.lon),
                stops=[PlanStop(key="warm", lat=here.lat + 0.001, lon=here.lon, visit_s=60)],
                start_s=0,
                buffer_s=0,
            )
    return True


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


def _languages() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES)


def _step(m: valhalla.Maneuver) -> Step:
    return Step(
        text=m.instruction,
        streets=m.streets,
        distance_m=round(m.distance_m),
        duration_s=round(m.duration_s),
        lat=round(m.lat, 6),
        lon=round(m.lon, 6),
        walking=m.walking,
        kind=m.kind,
    )


def _street_route(
    travel: valhalla.ValhallaProvider, route: list[Point], legs: list[Leg]
) -> tuple[list[tuple[float, float]], list[Leg]]:
    """The line along the streets and each leg's instructions, from one route request."""
    street_legs = travel.street_legs(route, languages=_languages())
    line: list[tuple[float, float]] = []
    for street_leg in street_legs:
        part = [(p.lat, p.lon) for p in street_leg.geometry]
        line.extend(part[1:] if line and part and part[0] == line[-1] else part)
    return line, [
        Leg(
            # The drawn line's length; the schedule keeps the matrix's riding time.
            distance_m=round(street_leg.distance_m),
            duration_s=leg.duration_s,
            steps={code: tuple(map(_step, ms)) for code, ms in street_leg.maneuvers.items()},
        )
        for leg, street_leg in zip(legs, street_legs, strict=True)
    ]


def _to_plan(
    result: RoutePlan,
    stops: list[PlanStop],
    start: Point,
    end: Point,
    travel: TravelTimeProvider,
    closed: set[str],
    left_out: list[PlanStop],
    reachability: list[Problem],
) -> Plan:
    order = [stops[i] for i in result.order]
    problems = list(reachability)
    problems += [_problem(u.key, u.reason_code, u.detail, closed) for u in result.unfitted]
    problems += [_problem(v.key, v.reason_code, v.detail, closed) for v in result.violations]
    unreachable = {p.key for p in reachability}
    problems += [
        Problem(key=s.key, kind="closed_day") for s in left_out if s.key not in unreachable
    ]
    route = [start, *(Point(s.lat, s.lon) for s in order), end]
    legs = [Leg(round(leg.distance_m), int(leg.duration_s)) for leg in result.legs]
    try:
        if isinstance(travel, valhalla.ValhallaProvider):
            geometry, legs = _street_route(travel, route, legs)
        else:
            geometry = _geometry(travel, route)
    except ProviderError as exc:
        raise PlanningError(str(exc)) from exc
    return Plan(
        order=[s.key for s in order],
        arrivals_s=[v.start_seconds for v in result.visits],
        departures_s=[v.departure_seconds for v in result.visits],
        legs=legs,
        end_arrival_s=result.end_seconds,
        geometry=geometry,
        estimated=bool(getattr(travel, "estimated", True)),
        problems=problems,
        dropped=[u.key for u in result.unfitted] + [s.key for s in left_out],
    )


def _reachability(
    travel: TravelTimeProvider, start: Point, end: Point, stops: list[PlanStop]
) -> tuple[TravelTimeProvider, list[Problem]]:
    """Check every point against the street data: which provider to use, and which points no
    street the group may ride comes near (ROUTING_MAX_SNAP_METRES)."""
    if not isinstance(travel, valhalla.ValhallaProvider):
        return travel, []
    keys = ["start", "end", *(s.key for s in stops)]
    try:
        snaps = travel.snaps([start, end, *(Point(s.lat, s.lon) for s in stops)])
    except ProviderError as exc:
        raise PlanningError(str(exc)) from exc
    if any(s.distance_m is None or s.distance_m > valhalla.COVERAGE_METRES for s in snaps):
        # Outside the loaded street data: the labelled estimate, never a guess along streets.
        return _straight(), []
    problems = [
        Problem(key=key, kind="unreachable", distance_m=round(snap.distance_m))
        for key, snap in zip(keys, snaps, strict=True)
        if snap.distance_m is not None
        and snap.distance_m > travel.max_snap_m
        # A round trip: the end is the meeting point, said once.
        and not (key == "end" and end == start)
    ]
    if any(p.key in ("start", "end") for p in problems):
        # Without a reachable meeting point or end there is no street route at all.
        return _straight(), problems
    return travel, problems


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
    best order visits as many stops as fit within their windows and reports the rest. A stop
    no street comes near is left out and reported (kind "unreachable"), in either case.
    """
    start_point, end_point = Point(start.lat, start.lon), Point(end.lat, end.lon)
    travel, reachability = _reachability(provider(), start_point, end_point, stops)
    unreachable = {p.key for p in reachability}
    closed = {s.key for s in stops if s.windows is not None and not s.windows}
    # Stops closed all day cannot be ordered; in a fixed order they stay in and are flagged.
    riding = not travel.estimated
    left_out = [
        s
        for s in stops
        if (riding and s.key in unreachable) or (not fixed_order and s.key in closed)
    ]
    ordered = [s for s in stops if s not in left_out]

    def solve(chosen: list[PlanStop]) -> RoutePlan:
        return solve_route(
            start_point=start_point,
            end_point=end_point,
            start_seconds=start_s,
            stops=[_stop_input(s) for s in chosen],
            provider=travel,
            leg_buffer_seconds=buffer_s,
            fixed_order=list(range(len(chosen))) if fixed_order else None,
            latest_end_seconds=latest_end_s,
        )

    try:
        try:
            result = solve(ordered)
        except ProviderError:
            if not riding:
                raise
            # Near a street, yet not connected both ways (a one-way out of the data, an island
            # of paths): find those stops, report them, and ride without them.
            cut = _disconnected(travel, start_point, end_point, ordered)
            if not cut:
                raise
            reachability = [*reachability, *(Problem(key=s.key, kind="disconnected") for s in cut)]
            left_out = [*left_out, *cut]
            ordered = [s for s in ordered if s not in cut]
            result = solve(ordered)
    except ProviderError as exc:
        raise PlanningError(str(exc)) from exc
    return _to_plan(result, ordered, start_point, end_point, travel, closed, left_out, reachability)


def _disconnected(
    travel: TravelTimeProvider, start: Point, end: Point, stops: list[PlanStop]
) -> list[PlanStop]:
    """The stops the group cannot ride to from the start and on to the end."""
    cut = []
    for stop in stops:
        try:
            travel.matrix([start, Point(stop.lat, stop.lon), end])
        except ProviderError:
            cut.append(stop)
    return cut


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
    usable = [c for c in candidates if c.windows is None or c.windows]
    start_point, end_point = Point(start.lat, start.lon), Point(end.lat, end.lon)
    # Candidates no street comes near are not proposed (the matrix could not include them).
    travel, reachability = _reachability(
        provider(),
        start_point,
        end_point,
        [PlanStop(key=c.key, lat=c.lat, lon=c.lon, visit_s=c.visit_s) for c in usable],
    )
    unreachable = {p.key for p in reachability}
    usable = [c for c in usable if c.key not in unreachable or travel.estimated]

    def run(chosen: list[SuggestCandidate]):
        return suggest_stops(
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
                for c in chosen
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

    try:
        try:
            result = run(usable)
        except ProviderError:
            if travel.estimated:
                raise
            cut = _disconnected(
                travel,
                start_point,
                end_point,
                [PlanStop(key=c.key, lat=c.lat, lon=c.lon, visit_s=c.visit_s) for c in usable],
            )
            if not cut:
                raise
            gone = {s.key for s in cut}
            usable = [c for c in usable if c.key not in gone]
            result = run(usable)
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
