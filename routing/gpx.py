"""GPX 1.1 export of a planned tour for bike computers and phone apps."""

from __future__ import annotations

from collections.abc import Sequence

import gpxpy.gpx

from routing.geo import Point

CREATOR = "Wijktour"


def build_gpx(
    *,
    name: str,
    description: str,
    waypoints: Sequence[tuple[str, Point, str]],
    track: Sequence[Point],
    route: Sequence[tuple[str, Point]] = (),
) -> str:
    """GPX 1.1 document with one waypoint per stop (name, point, description), one track (the
    line along the streets) and, when given, one route whose points carry the turn
    instructions as names (bike computers announce them)."""
    gpx = gpxpy.gpx.GPX()
    gpx.creator = CREATOR
    gpx.name = name
    gpx.description = description
    for waypoint_name, point, waypoint_description in waypoints:
        gpx.waypoints.append(
            gpxpy.gpx.GPXWaypoint(
                latitude=point.lat,
                longitude=point.lon,
                name=waypoint_name,
                description=waypoint_description or None,
            )
        )
    if route:
        # The street line and the instructions come from OpenStreetMap data (ODbL).
        gpx.copyright_author = "OpenStreetMap contributors"
        gpx.copyright_license = "https://opendatacommons.org/licenses/odbl/1-0/"
        gpx_route = gpxpy.gpx.GPXRoute(name=name)
        gpx_route.points = [
            gpxpy.gpx.GPXRoutePoint(latitude=p.lat, longitude=p.lon, name=instruction)
            for instruction, p in route
        ]
        gpx.routes.append(gpx_route)
    if track:
        gpx_track = gpxpy.gpx.GPXTrack(name=name)
        segment = gpxpy.gpx.GPXTrackSegment(
            [gpxpy.gpx.GPXTrackPoint(latitude=p.lat, longitude=p.lon) for p in track]
        )
        gpx_track.segments.append(segment)
        gpx.tracks.append(gpx_track)
    return gpx.to_xml(version="1.1")
