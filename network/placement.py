"""Does a partner's pin lie in its neighbourhood? A pin dropped in the wrong street or city is
the most common placement mistake; the editor is warned in words ("ligt 6 km buiten Indische
Buurt") after saving. Pure: no request, no database."""

import math

from django.utils.translation import gettext as _

from network.models import Neighbourhood
from routing.geo import Point, haversine_m

# Closer than this to the boundary (or, without one, to the centre) counts as in the area.
TOLERANCE_M = 500
NO_BOUNDARY_RADIUS_M = 2000


def _inside(ring: list, lat: float, lon: float) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def _distance_to_segment_m(lat: float, lon: float, a: tuple, b: tuple) -> float:
    # Equirectangular projection around the point: exact enough within a city.
    scale = math.cos(math.radians(lat))
    ax, ay = (a[0] - lon) * scale, a[1] - lat
    bx, by = (b[0] - lon) * scale, b[1] - lat
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length))
    px, py = ax + t * dx, ay + t * dy
    return math.hypot(px, py) * 111_320


def distance_outside_m(*, lat: float, lon: float, neighbourhood: Neighbourhood) -> float:
    """0 inside the boundary; else metres to its nearest edge. Without a boundary: metres
    beyond a radius around the neighbourhood's centre."""
    boundary = neighbourhood.boundary or {}
    if boundary.get("type") == "Polygon" and boundary.get("coordinates"):
        ring = [tuple(point[:2]) for point in boundary["coordinates"][0]]
        if _inside(ring, lat, lon):
            return 0.0
        return min(
            _distance_to_segment_m(lat, lon, a, b)
            for a, b in zip(ring, ring[1:] + ring[:1], strict=True)
        )
    centre = haversine_m(Point(neighbourhood.latitude, neighbourhood.longitude), Point(lat, lon))
    return max(0.0, centre - NO_BOUNDARY_RADIUS_M)


def placement_warnings(*, lat: float, lon: float, neighbourhoods) -> list[str]:
    warnings = []
    for neighbourhood in neighbourhoods:
        outside = distance_outside_m(lat=lat, lon=lon, neighbourhood=neighbourhood)
        if outside > TOLERANCE_M:
            distance = (
                _("%(km)s km") % {"km": f"{outside / 1000:.0f}"}
                if outside >= 1500
                else _("%(m)s m") % {"m": f"{round(outside, -2):.0f}"}
            )
            warnings.append(
                _("The pin lies %(distance)s outside %(name)s. Check the address and the map.")
                % {"distance": distance, "name": neighbourhood.name}
            )
    return warnings
