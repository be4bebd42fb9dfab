"""GPX 1.1 for a composed tour (routing.gpx): a waypoint per stop with its times, the meeting
point and end, and the stored route as a track."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from routing.geo import Point
from routing.gpx import build_gpx
from tours.models import Stop, Tour
from tours.route_card import language_code


def _time(value) -> str:
    return timezone.localtime(value).strftime("%H:%M") if value else ""


def tour_gpx(tour: Tour, stops: list[Stop]) -> str:
    waypoints: list[tuple[str, Point, str]] = []
    if tour.latitude is not None:
        waypoints.append(
            (
                f"{_('Start')}: {tour.venue_name}",
                Point(tour.latitude, tour.longitude),
                f"{_('Meeting point')} {_time(tour.starts_at)}",
            )
        )
    for stop in stops:
        times = _("Arrival %(arrival)s, departure %(departure)s") % {
            "arrival": _time(stop.arrives_at),
            "departure": _time(stop.departs_at),
        }
        address = f"{stop.partner.address}, {stop.partner.city}"
        waypoints.append(
            (
                f"{stop.position}. {stop.partner.name}",
                Point(stop.partner.latitude, stop.partner.longitude),
                f"{times}. {address}",
            )
        )
    if tour.end_latitude is not None:
        waypoints.append(
            (
                f"{_('End')}: {tour.end_name or tour.venue_name}",
                Point(tour.end_latitude, tour.end_longitude),
                f"{_('End')} {_time(tour.ends_at)}",
            )
        )
    track = [Point(lat, lon) for lon, lat in (tour.route_geometry or {}).get("coordinates", [])]
    description = f"{timezone.localtime(tour.starts_at):%Y-%m-%d %H:%M}. {tour.description}"
    return build_gpx(
        name=tour.title,
        description=description.strip(),
        waypoints=waypoints,
        track=track,
        route=_route_points(tour),
    )


def _route_points(tour: Tour) -> list[tuple[str, Point]]:
    """One route point per turn instruction, in the reader's language."""
    if tour.route_estimated:
        return []
    language = language_code()
    points = []
    for leg in tour.route_legs or []:
        steps = leg.get("steps") or {}
        for step in steps.get(language) or steps.get("nl") or []:
            points.append((step["text"], Point(step["lat"], step["lon"])))
    return points
