"""What changed between two states of an activity, as lines people can be told. Pure: plain
data in, plain data out; the services take the snapshots, the mails render the lines.

A line is a dict (it is stored as JSON on ActivityChange) with `what` (start, end, place,
stop_time, stop_added, stop_removed), `name`, `old` and `new` (ISO datetimes or text) and,
for stops, `partner` (the partner id, to know whom to tell).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class StopState:
    stop_id: int
    partner_id: int
    name: str
    arrives_at: dt.datetime | None
    departs_at: dt.datetime | None


@dataclass(frozen=True)
class ActivityState:
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    stops: tuple[StopState, ...] = ()


def _iso(moment: dt.datetime | None) -> str:
    return moment.isoformat() if moment else ""


def diff(before: ActivityState, after: ActivityState) -> list[dict]:
    """Only what people were told: times, place, the set of stops and their times. A note,
    a host or a text is not in the state, so it never makes a line."""
    lines: list[dict] = []
    if before.starts_at != after.starts_at:
        lines.append(
            {
                "what": "start",
                "name": "",
                "old": _iso(before.starts_at),
                "new": _iso(after.starts_at),
            }
        )
    if before.ends_at != after.ends_at:
        lines.append(
            {"what": "end", "name": "", "old": _iso(before.ends_at), "new": _iso(after.ends_at)}
        )
    if before.place != after.place:
        lines.append({"what": "place", "name": "", "old": before.place, "new": after.place})
    old_stops = {stop.partner_id: stop for stop in before.stops}
    new_stops = {stop.partner_id: stop for stop in after.stops}
    for stop in after.stops:
        old = old_stops.get(stop.partner_id)
        if old is None:
            lines.append(
                {
                    "what": "stop_added",
                    "name": stop.name,
                    "old": "",
                    "new": _iso(stop.arrives_at),
                    "partner": stop.partner_id,
                }
            )
        elif (old.arrives_at, old.departs_at) != (stop.arrives_at, stop.departs_at):
            lines.append(
                {
                    "what": "stop_time",
                    "name": stop.name,
                    "old": _iso(old.arrives_at),
                    "new": _iso(stop.arrives_at),
                    "old_end": _iso(old.departs_at),
                    "new_end": _iso(stop.departs_at),
                    "partner": stop.partner_id,
                }
            )
    for stop in before.stops:
        if stop.partner_id not in new_stops:
            lines.append(
                {
                    "what": "stop_removed",
                    "name": stop.name,
                    "old": _iso(stop.arrives_at),
                    "new": "",
                    "partner": stop.partner_id,
                }
            )
    return lines


def partners_in(lines: list[dict]) -> list[int]:
    """The partners whose own stop moved, came or went, in the order of the lines."""
    seen: list[int] = []
    for line in lines:
        partner = line.get("partner")
        if partner is not None and partner not in seen:
            seen.append(partner)
    return seen
