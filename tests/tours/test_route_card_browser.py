"""The route card in a real browser: readable at 390 px without sideways scrolling, accessible
(axe-core), and the printed programme's map shows the whole route."""

import pytest

from tests.conftest import axe_violations
from tests.tours.test_route_card import street_tour

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_route_card_fits_a_phone_and_passes_axe(page, live_server, streets):
    tour = street_tour()
    page.goto(f"{live_server.url}/tours/{tour.pk}/")
    card = page.locator(".route-card")
    assert "Sla rechtsaf naar Sint Antoniesbreestraat." in card.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []


def test_printed_programme_map_shows_every_stop(page, live_server, streets):
    tour = street_tour()
    # The narrow phone view first, so the on-screen map is zoomed in on part of the route.
    page.goto(f"{live_server.url}/tours/{tour.pk}/programme/")
    page.evaluate("window.map = Object.values(window).find(v => v instanceof L.Map)")
    page.evaluate("map.setZoom(18, {animate: false})")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    page.wait_for_timeout(300)
    frame = page.locator(".programme-map .map-frame").bounding_box()
    markers = page.locator(".programme-map .leaflet-marker-icon")
    assert markers.count() == 4  # the start and end flags at De Waag and the two stops
    for index in range(markers.count()):
        box = markers.nth(index).bounding_box()
        centre_x, centre_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        assert frame["x"] <= centre_x <= frame["x"] + frame["width"]
        assert frame["y"] <= centre_y <= frame["y"] + frame["height"]
    assert axe_violations(page) == []
