"""The route card of a composed tour: per leg the turn instructions in the reader's language with
leg and cumulative distance and the clock time the group passes, and each stop as a
"stop / regroup" row with arrival and departure. Built from what compose stored on the tour
(route_legs, stop times), so pages, the programme and the GPX never route again."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import get_language

from tours.models import Stop, Tour

# Valhalla's "you have arrived" maneuvers: the stop row that follows says it with the times.
ARRIVAL_KINDS = {4, 5, 6}


@dataclass(frozen=True)
class CueRow:
    """One line of the card: an instruction (kind "turn") or a stop, start or end."""

    kind: str  # start | turn | stop | end
    text: str
    at: dt.datetime | None
    leg_m: int = 0  # metres into the current leg where the instruction starts
    total_m: int = 0  # metres from the start
    walking: bool = False
    departs: dt.datetime | None = None
    position: int | None = None
    streets: tuple[str, ...] = ()


@dataclass
class RouteCard:
    rows: list[CueRow] = field(default_factory=list)
    streets: bool = False  # False: the straight-line estimate, no instructions


def language_code() -> str:
    return (get_language() or "nl")[:2]


def _steps(leg: dict, language: str) -> list[dict]:
    steps = leg.get("steps") or {}
    return steps.get(language) or steps.get("nl") or next(iter(steps.values()), [])


def route_card(tour: Tour, stops: list[Stop], *, language: str | None = None) -> RouteCard:
    """The card for the scheduled stops (in visiting order) of a composed tour."""
    language = language or language_code()
    legs = tour.route_legs or []
    streets = not tour.route_estimated and len(legs) == len(stops) + 1
    card = RouteCard(streets=streets)
    start = timezone.localtime(tour.starts_at)
    card.rows.append(CueRow(kind="start", text=tour.venue_name, at=start, departs=start))
    total = 0
    departs = start
    for index in range(len(stops) + 1):
        if streets and legs[index]["distance_m"] > 0:  # a stop at the meeting point: no ride
            leg_m = 0
            passed_s = 0.0
            for step in _steps(legs[index], language):
                if step.get("kind") in ARRIVAL_KINDS:
                    continue
                card.rows.append(
                    CueRow(
                        kind="turn",
                        text=step["text"],
                        at=departs + dt.timedelta(seconds=round(passed_s)),
                        leg_m=leg_m,
                        total_m=total + leg_m,
                        walking=bool(step.get("walking")),
                        streets=tuple(step.get("streets") or ()),
                    )
                )
                leg_m += step["distance_m"]
                passed_s += step["duration_s"]
            total += legs[index]["distance_m"]
        if index < len(stops):
            stop = stops[index]
            if not streets:
                total += stop.distance_from_previous_m
            card.rows.append(
                CueRow(
                    kind="stop",
                    text=stop.partner.name,
                    at=timezone.localtime(stop.arrives_at),
                    departs=timezone.localtime(stop.departs_at),
                    total_m=total,
                    position=stop.position,
                )
            )
            departs = timezone.localtime(stop.departs_at)
    if not streets:
        total = tour.total_distance_m
    card.rows.append(
        CueRow(
            kind="end",
            text=tour.end_name or tour.venue_name,
            at=timezone.localtime(tour.ends_at) if tour.ends_at else None,
            total_m=total,
        )
    )
    return card
