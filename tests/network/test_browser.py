"""Real-browser journeys through the sociale kaart (Playwright + Debian chromium)."""

import pytest
from django.test import Client

from tests.conftest import axe_violations
from tests.factories import (
    ContactFactory,
    CoordinatorFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    ThemeFactory,
    VisitingWindowFactory,
)


def build_map_data():
    hood = NeighbourhoodFactory(slug="indische-buurt", name="Indische Buurt")
    taal, bewegen = ThemeFactory(slug="taal", name="Taal"), ThemeFactory(slug="bewegen")
    domains = ["medisch", "sociaal", "welzijn", "wonen", "sport", "onderwijs"]
    partners = [
        PartnerFactory(
            workspace=hood.workspace,
            neighbourhoods=[hood],
            themes=[taal] if i < 2 else [bewegen],
            domain=domain,
            name=f"Partner {i}",
        )
        for i, domain in enumerate(domains)
    ]
    return hood, partners


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_social_map_shows_markers_and_theme_filter_shrinks_map_and_list(page, live_server):
    build_map_data()
    page.goto(live_server.url + "/neighbourhoods/indische-buurt/")

    page.wait_for_selector(".leaflet-marker-icon .marker-pin")
    assert page.locator(".marker-pin").count() == 6
    assert page.locator(".partner-card").count() == 6
    assert axe_violations(page) == []

    with page.expect_navigation():
        page.select_option("#id_theme", "taal")  # the filter script submits on change
    page.wait_for_selector(".leaflet-marker-icon .marker-pin")

    assert page.locator(".marker-pin").count() == 2
    assert page.locator(".partner-card").count() == 2
    assert page.locator("#partner-count").inner_text() == "2 partners getoond"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_social_map_popup_links_to_partner_detail(page, live_server):
    _, partners = build_map_data()
    page.goto(live_server.url + "/neighbourhoods/indische-buurt/?domain=medisch")

    # A synthetic click: the factory's random coordinates can put the one marker under the
    # zoom control, where a pointer click would land on the control instead.
    page.locator(".leaflet-marker-icon").first.dispatch_event("click")
    link = page.locator(".leaflet-popup-content a")
    assert link.get_attribute("href") == f"/partners/{partners[0].slug}/"
    link.dispatch_event("click")

    page.wait_for_url(f"**/partners/{partners[0].slug}/")
    assert page.locator("h1").inner_text() == "Partner 0"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_partner_detail_has_no_accessibility_violations(page, live_server):
    _, partners = build_map_data()
    VisitingWindowFactory(partner=partners[0])
    ContactFactory(partner=partners[0])
    page.goto(live_server.url + partners[0].get_absolute_url())

    page.wait_for_selector(".marker-pin")
    assert axe_violations(page) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_coordinator_places_partner_by_clicking_the_map(page, live_server):
    hood, partners = build_map_data()
    sign_in(page, live_server, CoordinatorFactory(workspace=hood.workspace))
    page.goto(live_server.url + f"/manage/partners/{partners[0].slug}/")
    page.wait_for_selector(".marker-placed")
    assert axe_violations(page) == []
    before = page.input_value("#id_latitude"), page.input_value("#id_longitude")

    frame = page.locator("[data-place-map] .folium-map")
    box = frame.bounding_box()
    frame.click(position={"x": box["width"] * 0.2, "y": box["height"] * 0.3})

    after = page.input_value("#id_latitude"), page.input_value("#id_longitude")
    assert after != before
    assert 52.0 < float(after[0]) < 53.0 and 4.5 < float(after[1]) < 5.5
    with page.expect_navigation():
        page.click("#partner-form button[type=submit]")
    partners[0].refresh_from_db()
    assert (partners[0].latitude, partners[0].longitude) == (float(after[0]), float(after[1]))
