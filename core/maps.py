"""Folium maps from plain data, with every asset served from our own static files.

No request or model in sight: callers pass plain dataclasses, so maps can be tested and
benchmarked alone. `render_map_parts` splits folium's page into the pieces our templates
place themselves, so the inline script can carry the CSP nonce.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

import folium

LEAFLET_JS = "vendor/leaflet/leaflet.js"
JQUERY_JS = "vendor/jquery/jquery.min.js"
LEAFLET_CSS = "vendor/leaflet/leaflet.css"
STYLE_RE = re.compile(r"<style>.*?</style>", re.DOTALL)


@dataclass(frozen=True)
class MapPoint:
    lat: float
    lon: float
    title: str
    popup_html: str = ""
    colour: str = "#1a5e96"
    label: str = ""  # a stop number or a short flag such as "Start"
    kind: str = "pin"  # pin | number | flag


@dataclass(frozen=True)
class MapParts:
    styles: str
    html: str
    script: str


@dataclass
class MapSpec:
    centre: tuple[float, float]
    tile_url: str
    attribution: str
    points: Sequence[MapPoint] = field(default_factory=list)
    lines: Sequence[Sequence[tuple[float, float]]] = field(default_factory=list)
    dashed_lines: bool = False
    line_label: str = ""  # tooltip on the lines, e.g. "estimate: straight lines"
    zoom: int = 14
    fit_to_points: bool = True


def _template_literal_safe(html: str) -> str:
    """folium puts popup and tooltip HTML inside JavaScript template literals: a backtick,
    `${` or backslash in user text would end the literal or run code. As HTML entities they
    still display the same."""
    return html.replace("\\", "&#92;").replace("`", "&#96;").replace("${", "&#36;{")


def _icon(point: MapPoint) -> folium.DivIcon:
    if point.kind == "number":
        html = f'<div class="marker-number" aria-hidden="true">{escape(point.label)}</div>'
        return folium.DivIcon(html=html, icon_size=(28, 28), icon_anchor=(14, 14))
    if point.kind == "flag":
        html = f'<div class="marker-flag" aria-hidden="true">{escape(point.label)}</div>'
        return folium.DivIcon(html=html, icon_size=(60, 20), icon_anchor=(0, 20))
    html = (
        f'<div class="marker-pin" style="background:{escape(point.colour)}" '
        f'aria-hidden="true"></div>'
    )
    return folium.DivIcon(html=html, icon_size=(22, 22), icon_anchor=(11, 11))


def build_map(spec: MapSpec, *, static_url: str = "/static/") -> folium.Map:
    fmap = folium.Map(location=list(spec.centre), zoom_start=spec.zoom, tiles=None)
    # Instance overrides: folium's class defaults point at CDNs.
    fmap.default_js = [("leaflet", static_url + LEAFLET_JS), ("jquery", static_url + JQUERY_JS)]
    fmap.default_css = [("leaflet_css", static_url + LEAFLET_CSS)]
    folium.TileLayer(tiles=spec.tile_url, attr=spec.attribution, max_zoom=19).add_to(fmap)
    for line in spec.lines:
        if len(line) >= 2:
            folium.PolyLine(
                [list(p) for p in line],
                color="#124469",
                weight=5,
                opacity=0.85,
                dash_array="8 8" if spec.dashed_lines else None,
                tooltip=_template_literal_safe(escape(spec.line_label))
                if spec.line_label
                else None,
            ).add_to(fmap)
    for point in spec.points:
        folium.Marker(
            [point.lat, point.lon],
            icon=_icon(point),
            tooltip=_template_literal_safe(escape(point.title)),  # rendered as HTML
            # Leaflet makes markers keyboard buttons; the title gives them an accessible name.
            title=point.title,
            popup=(
                folium.Popup(_template_literal_safe(point.popup_html), max_width=320)
                if point.popup_html
                else None
            ),
        ).add_to(fmap)
    if spec.fit_to_points and len(spec.points) > 1:
        # The whole route, not only the stops: a street line may bulge beyond them.
        lats = [p.lat for p in spec.points] + [p[0] for line in spec.lines for p in line]
        lons = [p.lon for p in spec.points] + [p[1] for line in spec.lines for p in line]
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(24, 24))
    return fmap


def render_map_parts(fmap: folium.Map) -> MapParts:
    figure = fmap.get_root()
    figure.render()
    header = figure.header.render()
    return MapParts(
        styles="\n".join(STYLE_RE.findall(header)),
        html=figure.html.render(),
        script=figure.script.render(),
    )


def render_map(spec: MapSpec, *, static_url: str = "/static/") -> MapParts:
    return render_map_parts(build_map(spec, static_url=static_url))
