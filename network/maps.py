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
from core.vocab import DOMAIN_COLOURS, DOMAIN_LETTERS, Domain
from network.models import Partner


def domain_labels() -> dict[str, str]:
    """Domain labels in the active language, resolved once: get_FOO_display() translates
    all nine choices on every call, which adds up over hundreds of partners."""
    return {value: str(label) for value, label in Domain.choices}


def partner_popup(partner: Partner, *, labels: dict[str, str] | None = None) -> str:
    """Name linking to the detail page, domain, themes and how to refer, all escaped."""
    labels = labels or {
        **domain_labels(),
        "themes": _("Themes"),
        "refer": _("How to refer"),
    }
    themes = ", ".join(t.name for t in partner.themes.all())
    url = getattr(partner, "detail_url", None) or partner.get_absolute_url()
    parts = [
        f'<strong><a href="{escape(url)}">{escape(partner.name)}</a></strong>',
        f"<br>{escape(labels.get(partner.domain, partner.domain))}",
    ]
    if themes:
        parts.append(f"<br><em>{escape(labels['themes'])}:</em> {escape(themes)}")
    if partner.referral_info:
        referral = Truncator(partner.referral_info).chars(200)
        parts.append(f"<br><em>{escape(labels['refer'])}:</em> {escape(referral)}")
    return "".join(parts)


def partner_point(
    partner: Partner, *, popup: bool = True, labels: dict[str, str] | None = None
) -> MapPoint:
    return MapPoint(
        lat=partner.latitude,
        lon=partner.longitude,
        title=partner.name,
        popup_html=partner_popup(partner, labels=labels) if popup else "",
        colour=DOMAIN_COLOURS.get(partner.domain, "#1a5e96"),
        label=DOMAIN_LETTERS.get(partner.domain, ""),
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
                f'aria-hidden="true">{escape(p.label)}</div>',
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
    labels = {**domain_labels(), "themes": _("Themes"), "refer": _("How to refer")}
    points = [partner_point(p, popup=popups, labels=labels) for p in partners]
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
        # Padding of about two pins: no marker sits cut off at the frame's edge.
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(44, 44))
    return render_map_parts(fmap)


def _static_url() -> str:
    url = settings.STATIC_URL
    return url if url.startswith("/") or "://" in url else "/" + url


def domain_legend(domains: Iterable[str] | None = None) -> list[tuple[str, str, str, str]]:
    """(value, label, colour, letter) per domain, in vocabulary order; all domains when None."""
    wanted = None if domains is None else set(domains)
    return [
        (d.value, str(d.label), DOMAIN_COLOURS[d.value], DOMAIN_LETTERS[d.value])
        for d in Domain
        if wanted is None or d.value in wanted
    ]
