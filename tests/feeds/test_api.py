import datetime as dt

import pytest
from django.utils import timezone

from feeds.models import ImportedEvent, PartnerFeed
from tests.factories import NeighbourhoodFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def events_for(partner, count: int) -> None:
    feed = PartnerFeed.objects.create(partner=partner, url="https://example.org/a.ics")
    for index in range(count):
        starts_at = timezone.now() + dt.timedelta(days=index + 1)
        ImportedEvent.objects.create(
            workspace=feed.workspace,
            feed=feed,
            uid=f"e{index}@example.org",
            summary=f"Inloop {index}",
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=1),
        )


@pytest.mark.parametrize("count", [1, 3, 50])
def test_partner_events_api_query_count(client, django_assert_num_queries, count):
    neighbourhood = NeighbourhoodFactory(slug="oost")
    events_for(PartnerFactory(slug="de-meeuw", neighbourhoods=[neighbourhood]), count)

    with django_assert_num_queries(3):
        response = client.get("/api/partner-events/?neighbourhood=oost&page_size=100")

    assert (response.status_code, response.json()["count"]) == (200, count)


def test_partner_events_api_fields_and_filter(client):
    events_for(PartnerFactory(slug="de-meeuw", name="De Meeuw"), 1)
    events_for(PartnerFactory(slug="elders"), 2)

    results = client.get("/api/partner-events/?partner=de-meeuw").json()["results"]

    assert [
        {k: v for k, v in r.items() if k not in ("id", "starts_at", "ends_at")} for r in results
    ] == [
        {
            "partner": "de-meeuw",
            "partner_name": "De Meeuw",
            "summary": "Inloop 0",
            "description": "",
            "location": "",
            "all_day": False,
            "url": "",
        }
    ]


def test_partner_events_api_bad_filter_is_400(client):
    response = client.get("/api/partner-events/?partner=nobody&starts_after=gisteren")

    assert (response.status_code, sorted(response.json())) == (400, ["partner", "starts_after"])


def test_partner_events_api_is_read_only(client):
    assert client.post("/api/partner-events/", {"summary": "x"}).status_code == 403
