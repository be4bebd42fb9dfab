"""Net attended time (pure: datetimes in, minutes out; no models, no request).

Registries accept presence only for the accredited time, so what counts is the time someone
was there, inside the activity's hours, without the breaks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_DOWN, Decimal

Interval = tuple[dt.datetime, dt.datetime]


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[list[dt.datetime]] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _overlap(a: Interval, b: Interval) -> dt.timedelta:
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return max(end - start, dt.timedelta(0))


def arrival_time(
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    checked_in_at: dt.datetime | None,
    grace: dt.timedelta,
) -> dt.datetime | None:
    """When someone counts as having arrived: the start if they were checked in before it, a
    little after it (`grace`: people trickle in while the door is busy), or only after the end
    (the coordinator ticked the list afterwards); otherwise the moment of check-in."""
    if checked_in_at is None:
        return None
    if checked_in_at <= starts_at + grace or checked_in_at >= ends_at:
        return starts_at
    return checked_in_at


def net_minutes(
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    breaks: Iterable[Interval] = (),
    arrived_at: dt.datetime | None = None,
    left_at: dt.datetime | None = None,
) -> int:
    """Whole minutes present between `arrived_at` and `left_at` (default: the whole
    activity), within the activity's hours, minus the breaks (overlapping breaks count once)."""
    present = (max(starts_at, arrived_at or starts_at), min(ends_at, left_at or ends_at))
    if present[1] <= present[0]:
        return 0
    total = present[1] - present[0]
    for pause in _merge(breaks):
        total -= _overlap(present, pause)
    return int(total.total_seconds() // 60)


def required_minutes(
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    breaks: Iterable[Interval] = (),
    accredited_hours: Decimal | None = None,
) -> int:
    """What counts as the full accredited time: the accredited hours, but never more than the
    activity offers without its breaks (nobody can attend more than that)."""
    planned = net_minutes(starts_at=starts_at, ends_at=ends_at, breaks=breaks)
    if accredited_hours is None:
        return planned
    return min(planned, int(accredited_hours * 60))


def awarded_points(*, points: Decimal | None, attended: int, required: int) -> Decimal | None:
    """Full points for the full time; otherwise in proportion, rounded down to one decimal."""
    if points is None:
        return None
    if required <= 0 or attended >= required:
        return points
    share = Decimal(attended) / Decimal(required)
    return (points * share).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def hours(minutes: int) -> Decimal:
    """Minutes as hours with two decimals (90 → 1.50), rounded down."""
    return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
