"""Maps of a tour and of the partners a coordinator can pick, built from stored data."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.conf import settings
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _

from core.maps import MapParts, MapPoint, MapSpec, render_map
from core.vocab import DOMAIN_COLOURS
from network.models import Neighbourhood, Partner
from tours.models import Stop, Tour

# The street data of the route is OpenStreetMap's too (ODbL), whatever the tiles are.
ROUTE_ATTRIBUTION = (
    'route: Valhalla, <a href="https://www.openstreetmap.org/copyright">© OpenStreetMap</a> (ODbL)'
)


def _time(value) -> str:
    return timezone.localtime(value).strftime("%H:%M") if value else ""


def _static_root() -> str:
    return static("x")[:-1]


def stop_popup(stop: Stop) -> str:
    partner = stop.partner
    parts = [f"<strong>{stop.position}. {escape(partner.name)}</strong>"]
    if stop.arrives_at:
        parts.append(
            escape(
                _("Arrival %(arrival)s, departure %(departure)s")
                % {"arrival": _time(stop.arrives_at), "departure": _time(stop.departs_at)}
            )
        )
    parts.append(escape(f"{partner.address}, {partner.city}"))
    if partner.referral_info:
        parts.append(f"<em>{escape(_('How to refer'))}:</em> {escape(partner.referral_info)}")
    return "<br>".join(parts)


def tour_map(tour: Tour, stops: Iterable[Stop]) -> MapParts:
    """Numbered stops in visiting order, the route line, meeting point and end flagged."""
    points: list[MapPoint] = []
    if tour.latitude is not None:
        points.append(
            MapPoint(
                tour.latitude,
                tour.longitude,
                _("Meeting point: %(name)s") % {"name": tour.venue_name or ""},
                popup_html=escape(
                    f"{_('Meeting point')}: {tour.venue_name} {_time(tour.starts_at)}"
                ),
                label=_("Start"),
                kind="flag",
            )
        )
    for stop in stops:
        if stop.arrives_at is None:
            continue
        points.append(
            MapPoint(
                stop.partner.latitude,
                stop.partner.longitude,
                f"{stop.position}. {stop.partner.name}",
                popup_html=stop_popup(stop),
                label=str(stop.position),
                kind="number",
            )
        )
    if tour.end_latitude is not None:
        points.append(
            MapPoint(
                tour.end_latitude,
                tour.end_longitude,
                _("End: %(name)s") % {"name": tour.end_name or ""},
                popup_html=escape(f"{_('End')}: {tour.end_name} {_time(tour.ends_at)}"),
                label=_("End"),
                kind="flag",
            )
        )
    coordinates = (tour.route_geometry or {}).get("coordinates") or []
    line = [(lat, lon) for lon, lat in coordinates]
    centre = (tour.latitude or 52.37, tour.longitude or 4.9)
    return render_map(
        MapSpec(
            centre=centre,
            tile_url=settings.MAP_TILE_URL,
            attribution=(
                settings.MAP_TILE_ATTRIBUTION
                if tour.route_estimated
                else f"{settings.MAP_TILE_ATTRIBUTION} · {ROUTE_ATTRIBUTION}"
            ),
            points=points,
            lines=[line] if line else [],
            dashed_lines=tour.route_estimated,
            line_label=(
                _("Estimate: straight lines between the stops, not the streets")
                if tour.route_estimated
                else _("Route along the streets")
            ),
        ),
        static_url=_static_root(),
    )


def candidates_map(neighbourhood: Neighbourhood, partners: Iterable[Partner]) -> MapParts:
    """The partners a coordinator can pick, coloured by domain."""
    points = [
        MapPoint(
            partner.latitude,
            partner.longitude,
            partner.name,
            popup_html=(
                f"<strong>{escape(partner.name)}</strong><br>"
                f"{escape(partner.get_domain_display())}<br>{escape(partner.address)}"
            ),
            colour=DOMAIN_COLOURS.get(partner.domain, "#1a5e96"),
        )
        for partner in partners
    ]
    return render_map(
        MapSpec(
            centre=(neighbourhood.latitude, neighbourhood.longitude),
            tile_url=settings.MAP_TILE_URL,
            attribution=settings.MAP_TILE_ATTRIBUTION,
            points=points,
        ),
        static_url=_static_root(),
    )
