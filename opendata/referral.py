"""Pure parts of the referral search: where a place is, how far a partner is, and whether it
is open at a moment. No queries, no request.

There is no geocoder offline, so a place is a neighbourhood (its centroid) or a Dutch
postcode: its four digits are looked up in POSTCODE4_CENTROIDS, a small table for the demo
area (approximate centres of the PC4 areas, rounded to 3 decimals, from public maps), and
otherwise in the centroid of the partners in that PC4 area. Distances are straight lines.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

POSTCODE4_CENTROIDS: dict[str, tuple[float, float]] = {
    # Amsterdam-Oost (Indische Buurt, Dapperbuurt, Oostelijk Havengebied)
    "1091": (52.357, 4.918),
    "1092": (52.355, 4.925),
    "1093": (52.359, 4.932),
    "1094": (52.363, 4.940),
    "1095": (52.367, 4.950),
    "1019": (52.372, 4.937),
    # Amsterdam-West (Bos en Lommer, De Baarsjes, Westerpark)
    "1051": (52.385, 4.875),
    "1052": (52.380, 4.870),
    "1053": (52.370, 4.865),
    "1055": (52.380, 4.850),
    "1056": (52.375, 4.855),
    "1057": (52.366, 4.853),
    # Rotterdam-Noord (Oude Noorden, Agniesebuurt, Liskwartier)
    "3031": (51.928, 4.480),
    "3032": (51.930, 4.475),
    "3033": (51.933, 4.473),
    "3035": (51.932, 4.487),
    "3036": (51.935, 4.482),
    "3037": (51.936, 4.472),
}
POSTCODE_RE = re.compile(r"^\s*([1-9][0-9]{3})\s*([A-Za-z]{2})?\s*$")


@dataclass(frozen=True)
class Place:
    label: str
    latitude: float
    longitude: float


def postcode4(value: str) -> str | None:
    match = POSTCODE_RE.match(value or "")
    return match.group(1) if match else None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def is_open(windows: Iterable, moment: dt.datetime) -> bool:
    """Whether any weekly window (weekday 0 = Monday, opens_at, closes_at) covers the local
    wall-clock moment."""
    weekday, time = moment.weekday(), moment.time().replace(tzinfo=None)
    return any(w.weekday == weekday and w.opens_at <= time < w.closes_at for w in windows)


def open_on_day(windows: Iterable, weekday: int) -> bool:
    return any(w.weekday == weekday for w in windows)


def centroid(points: Iterable[tuple[float, float]]) -> tuple[float, float] | None:
    points = list(points)
    if not points:
        return None
    return (
        sum(p[0] for p in points) / len(points),
        sum(p[1] for p in points) / len(points),
    )
