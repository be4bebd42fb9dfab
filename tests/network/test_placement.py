import pytest
from django.utils import translation

from network.models import Neighbourhood
from network.placement import distance_outside_m, placement_warnings

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[4.93, 52.36], [4.95, 52.36], [4.95, 52.37], [4.93, 52.37], [4.93, 52.36]]],
}


def hood(**extra) -> Neighbourhood:
    return Neighbourhood(name="Indische Buurt", latitude=52.365, longitude=4.94, **extra)


def test_pin_inside_the_boundary_is_zero_metres_outside():
    assert distance_outside_m(lat=52.365, lon=4.94, neighbourhood=hood(boundary=SQUARE)) == 0


def test_pin_six_km_away_is_named_in_kilometres():
    with translation.override("nl"):
        [warning] = placement_warnings(
            lat=52.365, lon=4.8417, neighbourhoods=[hood(boundary=SQUARE)]
        )

    assert warning == "De speld ligt 6 km buiten Indische Buurt. Controleer het adres en de kaart."


def test_pin_near_the_edge_gives_no_warning():
    assert placement_warnings(lat=52.3655, lon=4.9545, neighbourhoods=[hood(boundary=SQUARE)]) == []


@pytest.mark.parametrize(("lon", "warned"), [(4.945, False), (4.99, True)])
def test_without_boundary_the_centre_and_a_radius_decide(lon, warned):
    assert bool(placement_warnings(lat=52.365, lon=lon, neighbourhoods=[hood()])) is warned


@pytest.mark.django_db
def test_social_map_markers_and_legend_carry_a_letter_per_domain(client):
    from tests.factories import NeighbourhoodFactory, PartnerFactory

    hood_ = NeighbourhoodFactory(slug="wijk")
    PartnerFactory(workspace=hood_.workspace, neighbourhoods=[hood_], domain="medisch")

    html = client.get("/neighbourhoods/wijk/").text

    # The pins travel as JSON inside the map script: <, > and " are escaped there.
    assert 'aria-hidden=\\"true\\"\\u003eM\\u003c/div\\u003e' in html
    assert 'aria-hidden="true">M</span>Medisch / zorg' in html
