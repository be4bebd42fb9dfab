"""Suggesting which partners to visit: cover the wanted themes, vary the domains, fit the day.

Approach (heuristic selection, exact timing): a greedy pass adds the candidate that covers the
most still-missing themes (then: brings a new domain, then: finishes earliest), keeping only
selections the exact DP of :mod:`routing.solver` can schedule within windows and budget. A
swap/removal local search then improves the same lexicographic score. Selections are small
(``max_stops`` ≤ 12, in practice 4–8), so each feasibility check is an exact DP taking
milliseconds; the order and times of the result are therefore optimal for the chosen set.
Theme coverage is a set-cover problem, so the selection itself is not guaranteed optimal.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from routing.geo import Point
from routing.providers import StraightLineProvider, TravelMatrix, TravelTimeProvider
from routing.solver import MAX_EXACT_STOPS, RoutePlan, StopInput, plan_route

MAX_IMPROVEMENT_PASSES = 4


@dataclass(frozen=True, slots=True)
class Candidate:
    """A partner organisation that could be visited."""

    key: str
    point: Point
    visit_seconds: int
    windows: tuple[tuple[int, int], ...] = ()
    themes: frozenset[str] = frozenset()
    domain: str = ""
    name: str = ""

    def as_stop(self) -> StopInput:
        return StopInput(
            key=self.key,
            point=self.point,
            visit_seconds=self.visit_seconds,
            windows=self.windows,
            name=self.name,
        )


@dataclass(frozen=True, slots=True)
class UncoveredTheme:
    theme: str
    reason_code: str  # "no_candidate" | "does_not_fit"
    message: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    """``keys`` are the chosen candidates in visiting order; ``plan.order`` indexes ``keys``'s
    original selection, so prefer ``plan.visits`` for times."""

    keys: list[str]
    plan: RoutePlan
    covered_themes: frozenset[str]
    uncovered: list[UncoveredTheme]
    domains: frozenset[str]
    enough_stops: bool


def suggest_stops(
    *,
    candidates: Sequence[Candidate],
    wanted_themes: Collection[str],
    start_point: Point,
    end_point: Point,
    start_seconds: int,
    budget_seconds: int,
    min_stops: int,
    max_stops: int,
    matrix: TravelMatrix | None = None,
    provider: TravelTimeProvider | None = None,
    leg_buffer_seconds: int = 0,
) -> Suggestion:
    """Choose up to ``max_stops`` candidates covering ``wanted_themes`` with diverse domains.

    ``matrix`` covers ``[start_point, *candidates, end_point]`` (computed with ``provider``,
    straight line by default, when omitted). The tour must end by ``start_seconds +
    budget_seconds``.
    """
    if not 0 <= min_stops <= max_stops:
        raise ValueError("need 0 <= min_stops <= max_stops")
    if max_stops > MAX_EXACT_STOPS:
        raise ValueError(f"max_stops may be at most {MAX_EXACT_STOPS}")
    if matrix is None:
        provider = provider or StraightLineProvider()
        matrix = provider.matrix([start_point, *(c.point for c in candidates), end_point])
    if matrix.size != len(candidates) + 2:
        raise ValueError("matrix must cover start, every candidate and end")
    wanted = frozenset(wanted_themes)
    latest_end = start_seconds + budget_seconds
    end_node = len(candidates) + 1
    plans: dict[frozenset[int], RoutePlan] = {}

    def plan_for(selection: frozenset[int]) -> RoutePlan:
        plan = plans.get(selection)
        if plan is None:
            chosen = sorted(selection)
            plan = plan_route(
                start_point=start_point,
                end_point=end_point,
                start_seconds=start_seconds,
                stops=[candidates[i].as_stop() for i in chosen],
                matrix=matrix.take([0, *(i + 1 for i in chosen), end_node]),
                leg_buffer_seconds=leg_buffer_seconds,
                latest_end_seconds=latest_end,
            )
            plans[selection] = plan
        return plan

    def coverage(selection: Collection[int]) -> tuple[int, int]:
        themes = frozenset().union(*(candidates[i].themes for i in selection)) & wanted
        domains = {candidates[i].domain for i in selection if candidates[i].domain}
        return len(themes), len(domains)

    def score(selection: frozenset[int]) -> tuple[int, int, int, int]:
        themes, domains = coverage(selection)
        # Lexicographic: missing minimum stops, then themes, then domains, then finish time.
        shortfall = max(0, min_stops - len(selection))
        return (shortfall, -themes, -domains, plan_for(selection).end_seconds)

    selection: frozenset[int] = frozenset()
    if not plan_for(selection).feasible:
        return _result(candidates, selection, plan_for(selection), wanted, min_stops)

    while len(selection) < max_stops:
        themes_now, domains_now = coverage(selection)
        best: tuple[tuple[int, int, int], int] | None = None
        for index in range(len(candidates)):
            if index in selection:
                continue
            themes, domains = coverage(selection | {index})
            gain = (themes - themes_now, domains - domains_now)
            if gain == (0, 0) and len(selection) >= min_stops:
                continue
            grown = selection | {index}
            if not plan_for(grown).feasible:
                continue
            key = (gain[0], gain[1], -plan_for(grown).end_seconds)
            if best is None or key > best[0]:
                best = (key, index)
        if best is None:
            break
        selection = selection | {best[1]}

    # Swap one chosen stop for another, or drop one, while the score improves.
    for _ in range(MAX_IMPROVEMENT_PASSES):
        current = score(selection)
        improved = False
        for out in sorted(selection):
            rest = selection - {out}
            options = [rest | {i} for i in range(len(candidates)) if i not in selection]
            if len(selection) > min_stops:
                options.append(rest)
            for option in options:
                themes, domains = coverage(option)
                shortfall = max(0, min_stops - len(option))
                # Skip the DP when coverage alone already rules the option out.
                if (shortfall, -themes, -domains) > current[:3]:
                    continue
                if plan_for(option).feasible and score(option) < current:
                    selection, improved = option, True
                    break
            if improved:
                break
        if not improved:
            break

    return _result(candidates, selection, plan_for(selection), wanted, min_stops)


def _result(
    candidates: Sequence[Candidate],
    selection: frozenset[int],
    plan: RoutePlan,
    wanted: frozenset[str],
    min_stops: int,
) -> Suggestion:
    chosen = sorted(selection)
    keys = [candidates[chosen[i]].key for i in plan.order]
    covered = frozenset().union(*(candidates[i].themes for i in chosen)) & wanted
    uncovered: list[UncoveredTheme] = []
    for theme in sorted(wanted - covered):
        offering = [c.name or c.key for c in candidates if theme in c.themes]
        if not offering:
            uncovered.append(
                UncoveredTheme(
                    theme=theme,
                    reason_code="no_candidate",
                    message=f"no partner offers the theme {theme!r}",
                )
            )
        else:
            uncovered.append(
                UncoveredTheme(
                    theme=theme,
                    reason_code="does_not_fit",
                    message=(
                        f"the partners offering {theme!r} ({', '.join(offering)}) do not fit "
                        "the opening hours and time budget together with the other stops"
                    ),
                )
            )
    return Suggestion(
        keys=keys,
        plan=plan,
        covered_themes=covered,
        uncovered=uncovered,
        domains=frozenset(candidates[i].domain for i in chosen if candidates[i].domain),
        enough_stops=len(chosen) >= min_stops,
    )
