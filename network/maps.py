"""The sociale kaart as a map: partners become coloured pins with a popup.

Plain data in, core.maps parts out; no request in sight, so the map can be benchmarked alone.
"""

from collections.abc import Iterable
from html import escape

from django.conf import settings
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core.maps import MapParts, MapPoint, MapSpec, render_map
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


def partners_map(
    *,
    partners: Iterable[Partner],
    centre: tuple[float, float],
    static_url: str | None = None,
    zoom: int = 15,
    popups: bool = True,
) -> MapParts:
    spec = MapSpec(
        centre=centre,
        tile_url=settings.MAP_TILE_URL,
        attribution=settings.MAP_TILE_ATTRIBUTION,
        points=[partner_point(p, popup=popups) for p in partners],
        zoom=zoom,
    )
    return render_map(spec, static_url=static_url or _static_url())


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
