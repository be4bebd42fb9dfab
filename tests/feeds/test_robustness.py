import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from network.models import Neighbourhood
from tests.factories import NeighbourhoodFactory

FEEDS = [
    "/feeds/activities.ics",
    "/feeds/neighbourhoods/oost.ics",
    "/feeds/themes/x.ics",
    "/feeds/partners/x.ics",
]


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    feed=st.sampled_from(FEEDS),
    name=st.sampled_from(["neighbourhood", "theme", "kind", "lang", "other"]),
    value=st.text(max_size=300),
)
def test_any_query_string_is_answered_without_server_error(client, feed, name, value):
    if not Neighbourhood.objects.filter(slug="oost").exists():
        NeighbourhoodFactory(slug="oost")

    response = client.get(feed, {name: value})

    assert response.status_code in (200, 400, 404)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/feeds/personal/%00.ics",
        "/feeds/personal/" + "a" * 5000 + ".ics",
        "/feeds/activities.ics?neighbourhood=%ff%fe",
        "/feeds/activities/99999999999999999999999.ics",
    ],
)
def test_odd_paths_are_not_server_errors(client, path):
    assert client.get(path).status_code in (400, 404)
