"""The sociale kaart as a map: partners become coloured pins with a popup.

Plain data in, core.maps parts out; no request in sight, so the map can be benchmarked alone.
"""

from collections.abc import Iterable
from html import escape

from branca.element import MacroElement
from django.conf import settings
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from jinja2 import Template

from core.maps import MapParts, MapPoint, MapSpec, build_map, render_map_parts
from core.vocab import DOMAIN_COLOURS, Domain
from network.models import Partner


def partner_popup(partner: Partner) -> str:
    """Name linking to the detail page, themes and how to refer, all escaped."""
    themes = ", ".join(t.name for t in partner.themes.all())
    themes_label, refer_label = _("Themes"), _("How to refer")
    parts = [
        f'<strong><a href="{escape(partner.get_absolute_url())}">{escape(partner.name)}</a>'
        "</strong>",
        f"<br>{escape(partner.get_domain_display())}",
    ]
    if themes:
        parts.append(f"<br><em>{escape(themes_label)}:</em> {escape(themes)}")
    if partner.referral_info:
        referral = Truncator(partner.referral_info).chars(200)
        parts.append(f"<br><em>{escape(refer_label)}:</em> {escape(referral)}")
    return "".join(parts)


def partner_point(partner: Partner, *, popup: bool = True) -> MapPoint:
    return MapPoint(
        lat=partner.latitude,
        lon=partner.longitude,
        title=partner.name,
        popup_html=partner_popup(partner) if popup else "",
        colour=DOMAIN_COLOURS.get(partner.domain, "#1a5e96"),
    )


class PinLayer(MacroElement):
    """All partner pins in one element: the points travel as one JSON array and a short loop
    makes the same DivIcon markers core.maps would, with title, tooltip and popup.

    folium renders each Marker, DivIcon, Popup and Tooltip through its own template, which
    costs over a second at 500 partners; one element keeps the page well under that.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            {{ this.points|tojson }}.forEach(function (p) {
                var marker = L.marker([p.lat, p.lon], {
                    title: p.title,
                    icon: L.divIcon({className: "empty", html: p.html,
                                     iconSize: [22, 22], iconAnchor: [11, 11]})
                }).addTo(map);
                marker.bindTooltip(p.tooltip, {sticky: true});
                if (p.popup) { marker.bindPopup(p.popup, {maxWidth: 320}); }
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, points: Iterable[MapPoint]) -> None:
        super().__init__()
        self._name = "PinLayer"
        self.points = [
            {
                "lat": p.lat,
                "lon": p.lon,
                "title": p.title,
                "tooltip": escape(p.title),
                "html": f'<div class="marker-pin" style="background:{escape(p.colour)}" '
                'aria-hidden="true"></div>',
                "popup": p.popup_html,
            }
            for p in points
        ]


def partners_map(
    *,
    partners: Iterable[Partner],
    centre: tuple[float, float],
    static_url: str | None = None,
    zoom: int = 15,
    popups: bool = True,
) -> MapParts:
    points = [partner_point(p, popup=popups) for p in partners]
    spec = MapSpec(
        centre=centre,
        tile_url=settings.MAP_TILE_URL,
        attribution=settings.MAP_TILE_ATTRIBUTION,
        points=[],
        zoom=zoom,
    )
    fmap = build_map(spec, static_url=static_url or _static_url())
    PinLayer(points).add_to(fmap)
    if len(points) > 1:
        lats, lons = [p.lat for p in points], [p.lon for p in points]
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(24, 24))
    return render_map_parts(fmap)


def _static_url() -> str:
    url = settings.STATIC_URL
    return url if url.startswith("/") or "://" in url else "/" + url


def domain_legend(domains: Iterable[str] | None = None) -> list[tuple[str, str, str]]:
    """(value, label, colour) per domain, in vocabulary order; all domains when None."""
    wanted = None if domains is None else set(domains)
    return [
        (d.value, str(d.label), DOMAIN_COLOURS[d.value])
        for d in Domain
        if wanted is None or d.value in wanted
    ]
