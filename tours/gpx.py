"""GPX 1.1 for a composed tour: a waypoint per stop and the route as a track."""

from __future__ import annotations

import gpxpy.gpx
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from tours.models import Stop, Tour


def _time(value) -> str:
    return timezone.localtime(value).strftime("%H:%M") if value else ""


def tour_gpx(tour: Tour, stops: list[Stop]) -> str:
    gpx = gpxpy.gpx.GPX()
    gpx.creator = "Wijktour"
    gpx.name = tour.title
    gpx.description = tour.description or None
    gpx.link = f"{settings.SITE_URL}{tour.get_absolute_url()}"
    gpx.link_text = tour.title
    if tour.latitude is not None:
        gpx.waypoints.append(
            gpxpy.gpx.GPXWaypoint(
                tour.latitude,
                tour.longitude,
                name=f"{_('Start')}: {tour.venue_name}",
                description=f"{_('Meeting point')} {_time(tour.starts_at)}",
                time=tour.starts_at,
                symbol="Flag, Green",
            )
        )
    for stop in stops:
        gpx.waypoints.append(
            gpxpy.gpx.GPXWaypoint(
                stop.partner.latitude,
                stop.partner.longitude,
                name=f"{stop.position}. {stop.partner.name}",
                description=_("Arrival %(arrival)s, departure %(departure)s")
                % {"arrival": _time(stop.arrives_at), "departure": _time(stop.departs_at)},
                time=stop.arrives_at,
                symbol="Flag, Blue",
            )
        )
    if tour.end_latitude is not None:
        gpx.waypoints.append(
            gpxpy.gpx.GPXWaypoint(
                tour.end_latitude,
                tour.end_longitude,
                name=f"{_('End')}: {tour.end_name}",
                description=f"{_('End')} {_time(tour.ends_at)}",
                time=tour.ends_at,
                symbol="Flag, Red",
            )
        )
    track = gpxpy.gpx.GPXTrack(name=tour.title)
    segment = gpxpy.gpx.GPXTrackSegment()
    for lon, lat in (tour.route_geometry or {}).get("coordinates", []):
        segment.points.append(gpxpy.gpx.GPXTrackPoint(lat, lon))
    track.segments.append(segment)
    gpx.tracks.append(track)
    return gpx.to_xml(version="1.1")
